/*
 * Event record builder: IO_ERROR_LOG_PACKET-style dump data (see evrec.h
 * and docs/event-record.md).  JSON rendering is in evrec_json.c.
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "evrec.h"

_Static_assert(EVREC_OFF_DEVICE_OFFSET + 8 == EVREC_HEADER_SIZE,
    "IO_ERROR_LOG_PACKET fixed part must be 0x28 bytes");
_Static_assert(EVREC_OFF_ERROR_CODE % 4 == 0 && EVREC_OFF_DEVICE_OFFSET % 8 == 0,
    "IO_ERROR_LOG_PACKET alignment");

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v & 0xffff);
	put_le16(p + 2, v >> 16);
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

int
evrec_init(struct evrec *ev, unsigned int event_id)
{
	memset(ev, 0, sizeof(*ev));
	if ((ev->ev_event = catalog_event(event_id)) == NULL)
		return EVREC_EUNKNOWN;
	clock_gettime(CLOCK_REALTIME, &ev->ev_time);
	return EVREC_OK;
}

void
evrec_free(struct evrec *ev)
{
	unsigned int i;

	free(ev->ev_data);
	for (i = 0; i < ev->ev_nstrings; i++)
		free(ev->ev_strings[i]);
	memset(ev, 0, sizeof(*ev));
}

void
evrec_set_time(struct evrec *ev, const struct timespec *ts)
{
	ev->ev_time = *ts;
}

static int
evrec_set_id(char *dst, const char *src)
{
	size_t n;

	if (src == NULL) {
		dst[0] = '\0';
		return EVREC_OK;
	}
	if ((n = strlen(src)) > EVREC_ID_MAX)
		return EVREC_ETOOLONG;
	memcpy(dst, src, n + 1);
	return EVREC_OK;
}

int
evrec_set_session(struct evrec *ev, const char *id)
{
	return evrec_set_id(ev->ev_session, id);
}

int
evrec_set_connection(struct evrec *ev, const char *id)
{
	return evrec_set_id(ev->ev_connection, id);
}

int
evrec_set_session_id(struct evrec *ev, uint64_t id)
{
	snprintf(ev->ev_session, sizeof(ev->ev_session), "0x%016llx",
	    (unsigned long long)id);
	return EVREC_OK;
}

int
evrec_set_connection_id(struct evrec *ev, uint64_t id)
{
	snprintf(ev->ev_connection, sizeof(ev->ev_connection), "0x%016llx",
	    (unsigned long long)id);
	return EVREC_OK;
}

void
evrec_set_status(struct evrec *ev, uint32_t final_status)
{
	ev->ev_final_status = final_status;
}

/* Room for n more bytes of additional data; returns where they go. */
static uint8_t *
evrec_grow(struct evrec *ev, size_t n, int *err)
{
	size_t cap;
	uint8_t *p;

	if (n > EVREC_DATA_MAX - ev->ev_data_len) {
		*err = EVREC_ETOOBIG;
		return NULL;
	}
	if (ev->ev_data_len + n > ev->ev_data_cap) {
		cap = ev->ev_data_cap ? ev->ev_data_cap : 64;
		while (cap < ev->ev_data_len + n)
			cap *= 2;
		if ((p = realloc(ev->ev_data, cap)) == NULL) {
			*err = EVREC_ENOMEM;
			return NULL;
		}
		ev->ev_data = p;
		ev->ev_data_cap = cap;
	}
	p = ev->ev_data + ev->ev_data_len;
	ev->ev_data_len += n;
	*err = EVREC_OK;
	return p;
}

int
evrec_add_u32(struct evrec *ev, uint32_t v)
{
	uint8_t *p;
	int err;

	if ((p = evrec_grow(ev, 4, &err)) != NULL)
		put_le32(p, v);
	return err;
}

int
evrec_add_bytes(struct evrec *ev, const void *data, size_t len)
{
	uint8_t *p;
	int err;

	if (data == NULL && len > 0)
		return EVREC_EINVAL;
	if ((p = evrec_grow(ev, len, &err)) != NULL && len > 0)
		memcpy(p, data, len);
	return err;
}

int
evrec_add_string(struct evrec *ev, const char *s)
{
	if (s == NULL)
		return EVREC_EINVAL;
	return evrec_add_bytes(ev, s, strlen(s));
}

int
evrec_add_ipport(struct evrec *ev, const struct sockaddr *sa)
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	uint8_t *p;
	int err;

	if (sa == NULL)
		return EVREC_EINVAL;
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)sa;
		if ((p = evrec_grow(ev, 8, &err)) == NULL)
			return err;
		put_le16(p, EVREC_ADDRESS_TYPE_IP);
		memcpy(p + 2, &sin->sin_port, 2);	/* network order */
		memcpy(p + 4, &sin->sin_addr, 4);
		return EVREC_OK;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)sa;
		if ((p = evrec_grow(ev, 20, &err)) == NULL)
			return err;
		put_le16(p, EVREC_ADDRESS_TYPE_IP6);
		memcpy(p + 2, &sin6->sin6_port, 2);
		memcpy(p + 4, &sin6->sin6_addr, 16);
		return EVREC_OK;
	default:
		return EVREC_EFAMILY;
	}
}

int
evrec_add_insert(struct evrec *ev, const char *s)
{
	if (s == NULL)
		return EVREC_EINVAL;
	if (ev->ev_nstrings >= EVREC_MAX_STRINGS)
		return EVREC_ETOOMANY;
	if ((ev->ev_strings[ev->ev_nstrings] = strdup(s)) == NULL)
		return EVREC_ENOMEM;
	ev->ev_nstrings++;
	return EVREC_OK;
}

uint32_t
evrec_error_code(const struct evrec *ev)
{
	if (ev->ev_event == NULL)
		return 0;
	return (uint32_t)ev->ev_event->severity << 30 | ev->ev_event->id;
}

size_t
evrec_dump_size(const struct evrec *ev)
{
	return EVREC_HEADER_SIZE + ev->ev_data_len;
}

long
evrec_dump(const struct evrec *ev, uint8_t *out, size_t outsz)
{
	size_t size = evrec_dump_size(ev);
	/* insertion strings would follow the dump data, 2-byte aligned */
	size_t string_offset = (size + 1) & ~(size_t)1;

	if (out == NULL)
		return EVREC_EINVAL;
	if (outsz < size)
		return EVREC_ESPACE;
	memset(out, 0, EVREC_HEADER_SIZE);
	out[EVREC_OFF_MAJOR_FUNCTION_CODE] = ev->ev_major_function;
	out[EVREC_OFF_RETRY_COUNT] = ev->ev_retry_count;
	put_le16(out + EVREC_OFF_DUMP_DATA_SIZE, (uint16_t)ev->ev_data_len);
	put_le16(out + EVREC_OFF_NUMBER_OF_STRINGS, (uint16_t)ev->ev_nstrings);
	put_le16(out + EVREC_OFF_STRING_OFFSET,
	    string_offset > 0xffff ? 0 : (uint16_t)string_offset);
	put_le16(out + EVREC_OFF_EVENT_CATEGORY, ev->ev_event_category);
	put_le32(out + EVREC_OFF_ERROR_CODE, evrec_error_code(ev));
	put_le32(out + EVREC_OFF_UNIQUE_ERROR_VALUE, ev->ev_unique_error_value);
	put_le32(out + EVREC_OFF_FINAL_STATUS, ev->ev_final_status);
	put_le32(out + EVREC_OFF_SEQUENCE_NUMBER, ev->ev_sequence_number);
	put_le32(out + EVREC_OFF_IO_CONTROL_CODE, ev->ev_io_control_code);
	put_le64(out + EVREC_OFF_DEVICE_OFFSET, ev->ev_device_offset);
	if (ev->ev_data_len > 0)
		memcpy(out + EVREC_HEADER_SIZE, ev->ev_data, ev->ev_data_len);
	return (long)size;
}

const char *
evrec_strerror(int err)
{
	switch (err) {
	case EVREC_OK:
		return "no error";
	case EVREC_EUNKNOWN:
		return "event ID not in the catalog";
	case EVREC_ETOOBIG:
		return "additional dump data exceeds 65535 bytes";
	case EVREC_ENOMEM:
		return "out of memory";
	case EVREC_ETOOLONG:
		return "session/connection identifier too long";
	case EVREC_ETOOMANY:
		return "too many insertion strings";
	case EVREC_EFAMILY:
		return "address family is not AF_INET or AF_INET6";
	case EVREC_ESPACE:
		return "output buffer too small";
	case EVREC_EINVAL:
		return "invalid argument";
	default:
		return "unknown error";
	}
}
