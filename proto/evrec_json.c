/*
 * JSON rendering of an event record (one object per record, written as a
 * JSON line by evrec_write_json).  Keys, in order:
 *
 *   time        ISO 8601 UTC with milliseconds, "2024-05-01T12:34:56.789Z"
 *   event       event ID (number)
 *   source      "iScsiPrt" / "iScsiExe"
 *   severity    "Information" / "Warning" / "Error"
 *   symbol      constant name (ISCSI_EV_... / the SymbolicName)
 *   message     catalog message, %1..%9 replaced by the insertion strings
 *   session     session identifier or null
 *   connection  connection identifier or null
 *   status      FinalStatus as "0x%08X"
 *   status_name its NTSTATUS or ISDSC name when the catalog knows it
 *   error_code  ErrorCode as "0x%08X"
 *   strings     insertion strings (only when there are some)
 *   dump        the whole dump (header + additional data), lowercase hex
 *   data        decoded hint of the additional data (only when present)
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "evrec.h"

#define BHS_SIZE	48	/* RFC 7143 11.2.1: Basic Header Segment */
#define BHS_OPCODE_MASK	0x3f	/* RFC 7143 11.2.1.2: byte 0, low 6 bits */
#define BHS_OP_LOGIN_RSP	0x23	/* RFC 7143 11.13 */
#define BHS_LOGIN_STATUS	36	/* Status-Class, then Status-Detail */

static uint16_t
get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
json_time(struct json *j, const struct timespec *ts)
{
	struct tm tm;
	char buf[32];
	time_t t = ts->tv_sec;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		json_null(j);
		return;
	}
	json_stringf(j, "%s.%03ldZ", buf, (long)(ts->tv_nsec / 1000000));
}

/*
 * Index of the insertion string referenced by "%N" at m, or -1 when m is
 * not a reference to an existing string (then it is copied as written).
 */
static int
insert_ref(const struct evrec *ev, const char *m)
{
	if (m[0] != '%' || m[1] < '1' || m[1] > '9' ||
	    (unsigned int)(m[1] - '1') >= ev->ev_nstrings)
		return -1;
	return m[1] - '1';
}

/* The message with %1..%9 replaced by the insertion strings. */
static void
json_message(struct json *j, const struct evrec *ev)
{
	const char *m = ev->ev_event->message;
	size_t len = 0, i, n;
	char *out, *o;
	int k;

	for (i = 0; m[i] != '\0'; i++) {
		if ((k = insert_ref(ev, m + i)) >= 0) {
			len += strlen(ev->ev_strings[k]);
			i++;
		} else
			len++;
	}
	if ((out = malloc(len + 1)) == NULL) {
		json_string(j, m);
		return;
	}
	for (o = out, i = 0; m[i] != '\0'; i++) {
		if ((k = insert_ref(ev, m + i)) >= 0) {
			n = strlen(ev->ev_strings[k]);
			memcpy(o, ev->ev_strings[k], n);
			o += n;
			i++;
		} else
			*o++ = m[i];
	}
	json_string_len(j, out, (size_t)(o - out));
	free(out);
}

static void
json_status_name(struct json *j, uint32_t status)
{
	const struct catalog_ntstatus *nt = catalog_ntstatus(status);
	const struct catalog_isdsc *is = catalog_isdsc_by_value(status);

	if (nt != NULL)
		json_kv_string(j, "status_name", nt->name);
	else if (is != NULL)
		json_kv_string(j, "status_name", is->name);
}

/* Whether the additional data has the shape its kind calls for. */
static int
data_fits(const struct evrec *ev)
{
	const uint8_t *d = ev->ev_data;
	size_t len = ev->ev_data_len;

	switch (ev->ev_event->data) {
	case CATALOG_DATA_IPPORT:
		return (len == 8 && get_le16(d) == EVREC_ADDRESS_TYPE_IP) ||
		    (len == 20 && get_le16(d) == EVREC_ADDRESS_TYPE_IP6);
	case CATALOG_DATA_U32_PAIR:
		return len == 8;
	case CATALOG_DATA_STATUS:
	case CATALOG_DATA_FUNCTION:
		return len == 4;
	case CATALOG_DATA_PDU:
	case CATALOG_DATA_HEADER:
	case CATALOG_DATA_HEADER_DIGEST:
		return len >= BHS_SIZE;
	default:
		return 1;
	}
}

/* Members of the "data" hint after kind and length (data_fits holds). */
static void
json_data_fields(struct json *j, const struct evrec *ev)
{
	const struct catalog_event *ce = ev->ev_event;
	const uint8_t *d = ev->ev_data;
	size_t len = ev->ev_data_len;
	char addr[INET6_ADDRSTRLEN];

	switch (ce->data) {
	case CATALOG_DATA_IPPORT:
		if (inet_ntop(len == 8 ? AF_INET : AF_INET6, d + 4, addr,
		    sizeof(addr)) != NULL)
			json_kv_string(j, "address", addr);
		json_kv_uint(j, "port", get_be16(d + 2));
		break;
	case CATALOG_DATA_U32_PAIR:
		json_kv_uint(j, ce->label1, get_le32(d));
		json_kv_uint(j, ce->label2, get_le32(d + 4));
		break;
	case CATALOG_DATA_STATUS:
		json_key(j, "status");
		json_stringf(j, "0x%08X", get_le32(d));
		json_status_name(j, get_le32(d));
		break;
	case CATALOG_DATA_FUNCTION:
		json_kv_uint(j, "function", get_le32(d));
		break;
	case CATALOG_DATA_CDB:
		json_key(j, "opcode");
		json_stringf(j, "0x%02X", d[0]);
		break;
	case CATALOG_DATA_PDU:
	case CATALOG_DATA_HEADER:
	case CATALOG_DATA_HEADER_DIGEST:
		json_key(j, "opcode");
		json_stringf(j, "0x%02X", d[0] & BHS_OPCODE_MASK);
		if (ce->data == CATALOG_DATA_PDU &&
		    (d[0] & BHS_OPCODE_MASK) == BHS_OP_LOGIN_RSP) {
			json_key(j, "login_status");
			json_stringf(j, "0x%02X%02X", d[BHS_LOGIN_STATUS],
			    d[BHS_LOGIN_STATUS + 1]);
		}
		break;
	case CATALOG_DATA_TEXT:
		json_key(j, "text");
		json_string_len(j, (const char *)d, len);
		break;
	case CATALOG_DATA_TARGET_NAME:
		json_key(j, "target");
		json_string_len(j, (const char *)d, len);
		break;
	case CATALOG_DATA_SECRET:	/* the hint gives the length only */
	case CATALOG_DATA_NONE:
	default:
		break;
	}
}

static void
json_data(struct json *j, const struct evrec *ev)
{
	json_key(j, "data");
	json_object_open(j);
	json_kv_string(j, "kind", catalog_data_name(ev->ev_event->data));
	json_kv_uint(j, "length", ev->ev_data_len);
	if (data_fits(ev))
		json_data_fields(j, ev);
	else
		json_kv_bool(j, "malformed", 1);
	json_object_close(j);
}

static int
json_dump(struct json *j, const struct evrec *ev)
{
	size_t size = evrec_dump_size(ev);
	uint8_t *buf;

	if ((buf = malloc(size)) == NULL)
		return EVREC_ENOMEM;
	evrec_dump(ev, buf, size);
	json_key(j, "dump");
	json_hex(j, buf, size);
	free(buf);
	return EVREC_OK;
}

int
evrec_json(const struct evrec *ev, struct json *j)
{
	const struct catalog_event *ce = ev->ev_event;
	unsigned int i;

	if (ce == NULL)
		return EVREC_EINVAL;
	json_object_open(j);
	json_key(j, "time");
	json_time(j, &ev->ev_time);
	json_kv_uint(j, "event", ce->id);
	json_kv_string(j, "source", catalog_source_name(ce->source));
	json_kv_string(j, "severity", catalog_severity_name(ce->severity));
	json_kv_string(j, "symbol", ce->name);
	json_key(j, "message");
	json_message(j, ev);
	json_kv_string(j, "session",
	    ev->ev_session[0] != '\0' ? ev->ev_session : NULL);
	json_kv_string(j, "connection",
	    ev->ev_connection[0] != '\0' ? ev->ev_connection : NULL);
	json_key(j, "status");
	json_stringf(j, "0x%08X", ev->ev_final_status);
	json_status_name(j, ev->ev_final_status);
	json_key(j, "error_code");
	json_stringf(j, "0x%08X", evrec_error_code(ev));
	if (ev->ev_nstrings > 0) {
		json_key(j, "strings");
		json_array_open(j);
		for (i = 0; i < ev->ev_nstrings; i++)
			json_string(j, ev->ev_strings[i]);
		json_array_close(j);
	}
	if (json_dump(j, ev) != EVREC_OK)
		return EVREC_ENOMEM;
	if (ev->ev_data_len > 0)
		json_data(j, ev);
	json_object_close(j);
	return json_error(j) == JSON_ENOMEM ? EVREC_ENOMEM :
	    json_error(j) != JSON_OK ? EVREC_EINVAL : EVREC_OK;
}

int
evrec_write_json(const struct evrec *ev, FILE *f)
{
	struct json j;
	int rc;

	json_init(&j);
	if ((rc = evrec_json(ev, &j)) == EVREC_OK) {
		if (json_write(&j, f) != 0 || fputc('\n', f) == EOF)
			rc = EVREC_EINVAL;
	}
	json_free(&j);
	return rc;
}
