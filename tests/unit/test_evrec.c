/*
 * Event records (seed 004 Appendix B: "the additional information will start
 * at offset 0x28 in the dump data") and the JSON writer (RFC 8259).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "evrec.h"
#include "json.h"

static const struct timespec fixed_time = { 1714566896, 789654321 };

static uint32_t
le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Record as a JSON string in buf (tests compare whole lines). */
static const char *
record_json(const struct evrec *ev, struct json *j)
{
	json_reset(j);
	CU_ASSERT_EQUAL(evrec_json(ev, j), EVREC_OK);
	CU_ASSERT_EQUAL(json_complete(j), JSON_OK);
	return json_text(j);
}

/* IO_ERROR_LOG_PACKET fixed part: offsets and 0x28 size */
static void
test_layout(void)
{
	CU_ASSERT_EQUAL(EVREC_HEADER_SIZE, 0x28);
	CU_ASSERT_EQUAL(EVREC_OFF_MAJOR_FUNCTION_CODE, 0x00);
	CU_ASSERT_EQUAL(EVREC_OFF_RETRY_COUNT, 0x01);
	CU_ASSERT_EQUAL(EVREC_OFF_DUMP_DATA_SIZE, 0x02);
	CU_ASSERT_EQUAL(EVREC_OFF_NUMBER_OF_STRINGS, 0x04);
	CU_ASSERT_EQUAL(EVREC_OFF_STRING_OFFSET, 0x06);
	CU_ASSERT_EQUAL(EVREC_OFF_EVENT_CATEGORY, 0x08);
	CU_ASSERT_EQUAL(EVREC_OFF_ERROR_CODE, 0x0c);
	CU_ASSERT_EQUAL(EVREC_OFF_UNIQUE_ERROR_VALUE, 0x10);
	CU_ASSERT_EQUAL(EVREC_OFF_FINAL_STATUS, 0x14);
	CU_ASSERT_EQUAL(EVREC_OFF_SEQUENCE_NUMBER, 0x18);
	CU_ASSERT_EQUAL(EVREC_OFF_IO_CONTROL_CODE, 0x1c);
	CU_ASSERT_EQUAL(EVREC_OFF_DEVICE_OFFSET, 0x20);
}

/* Seed App. B event 1: target IP address and TCP port at offset 0x28 */
static void
test_event1_dump(void)
{
	static const uint8_t addl[8] = {
		0x02, 0x00,		/* address type 2 (IPv4), LE */
		0x0c, 0xbc,		/* port 3260, network order */
		192, 0, 2, 10		/* 192.0.2.10 */
	};
	struct sockaddr_in sin;
	struct evrec ev;
	uint8_t dump[64];
	long n;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(3260);
	inet_pton(AF_INET, "192.0.2.10", &sin.sin_addr);

	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_CONNECT_FAILED), EVREC_OK);
	evrec_set_status(&ev, STATUS_CONNECTION_REFUSED);
	ev.ev_sequence_number = 0x01020304;
	ev.ev_device_offset = 0x1122334455667788ull;
	CU_ASSERT_EQUAL(evrec_add_ipport(&ev, (struct sockaddr *)&sin), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_dump_size(&ev), 0x28 + 8);
	CU_ASSERT_EQUAL(evrec_dump(&ev, dump, 0x2f), EVREC_ESPACE);
	n = evrec_dump(&ev, dump, sizeof(dump));
	CU_ASSERT_EQUAL_FATAL(n, 0x30);
	CU_ASSERT_EQUAL(dump[0x00], 0);			/* MajorFunctionCode */
	CU_ASSERT_EQUAL(le16_at(dump + 0x02), 8);	/* DumpDataSize */
	CU_ASSERT_EQUAL(le16_at(dump + 0x04), 0);	/* NumberOfStrings */
	CU_ASSERT_EQUAL(le16_at(dump + 0x06), 0x30);	/* StringOffset */
	CU_ASSERT_EQUAL(le16_at(dump + 0x0a), 0);	/* padding */
	CU_ASSERT_EQUAL(le32_at(dump + 0x0c), 0xC0000001u); /* Error | ID 1 */
	CU_ASSERT_EQUAL(evrec_error_code(&ev), 0xC0000001u);
	CU_ASSERT_EQUAL(le32_at(dump + 0x14), 0xC0000236u); /* FinalStatus */
	CU_ASSERT_EQUAL(le32_at(dump + 0x18), 0x01020304u);
	CU_ASSERT_EQUAL(dump[0x20], 0x88);		/* DeviceOffset, LE */
	CU_ASSERT_EQUAL(dump[0x27], 0x11);
	CU_ASSERT(memcmp(dump + 0x28, addl, sizeof(addl)) == 0);
	evrec_free(&ev);
}

/* ErrorCode severity bits and u32 additional data in little-endian */
static void
test_u32_pair(void)
{
	struct evrec ev;
	struct json j;
	uint8_t dump[64];

	json_init(&j);
	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_INVALID_STATSN), EVREC_OK);
	evrec_set_time(&ev, &fixed_time);
	CU_ASSERT_EQUAL(evrec_set_session_id(&ev, 0x400001370000002aull), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_set_connection(&ev, "cid-1"), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_u32(&ev, 7), EVREC_OK);	/* expected */
	CU_ASSERT_EQUAL(evrec_add_u32(&ev, 0x01000009), EVREC_OK); /* given */
	CU_ASSERT_EQUAL(evrec_dump(&ev, dump, sizeof(dump)), 0x30);
	CU_ASSERT(memcmp(dump + 0x28, "\x07\x00\x00\x00\x09\x00\x00\x01", 8) == 0);
	CU_ASSERT_STRING_EQUAL(record_json(&ev, &j),
	    "{\"time\":\"2024-05-01T12:34:56.789Z\",\"event\":42,"
	    "\"source\":\"iScsiPrt\",\"severity\":\"Error\","
	    "\"symbol\":\"ISCSI_EV_INVALID_STATSN\","
	    "\"message\":\"Target sent an invalid status sequence number for a "
	    "connection. Dump data contains Expected Status Sequence number "
	    "followed by the given status sequence number.\","
	    "\"session\":\"0x400001370000002a\",\"connection\":\"cid-1\","
	    "\"status\":\"0x00000000\",\"status_name\":\"STATUS_SUCCESS\","
	    "\"error_code\":\"0xC000002A\","
	    "\"dump\":\"000008000000300000000000"	/* 0x00-0x0b */
	    "2a0000c0000000000000000000000000"		/* 0x0c-0x1b */
	    "000000000000000000000000"			/* 0x1c-0x27 */
	    "0700000009000001\","			/* 0x28: data */
	    "\"data\":{\"kind\":\"u32_pair\",\"length\":8,\"expected\":7,"
	    "\"given\":16777225}}");
	evrec_free(&ev);

	/* severity bits: Information 01, Warning 10 */
	CU_ASSERT_EQUAL(evrec_init(&ev, ISCSI_EV_RECONNECTED), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_error_code(&ev), 0x40000022u);
	evrec_free(&ev);
	CU_ASSERT_EQUAL(evrec_init(&ev, ISCSI_EV_TARGET_RESET_SENT), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_error_code(&ev), 0x80000027u);
	evrec_free(&ev);
	json_free(&j);
}

/* Event 34 target name, IPv6 address for event 1, malformed data hint */
static void
test_json_hints(void)
{
	struct sockaddr_in6 sin6;
	struct evrec ev;
	struct json j;
	const char *s;

	json_init(&j);
	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_RECONNECTED), EVREC_OK);
	evrec_set_time(&ev, &fixed_time);
	CU_ASSERT_EQUAL(evrec_add_string(&ev, "iqn.2024-05.org.example:t\"1"), EVREC_OK);
	s = record_json(&ev, &j);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"severity\":\"Information\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"session\":null,\"connection\":null,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"data\":{\"kind\":\"target_name\","
	    "\"length\":27,\"target\":\"iqn.2024-05.org.example:t\\\"1\"}}"));
	evrec_free(&ev);

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(860);
	inet_pton(AF_INET6, "2001:db8::5", &sin6.sin6_addr);
	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_CONNECT_FAILED), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_ipport(&ev, (struct sockaddr *)&sin6), EVREC_OK);
	CU_ASSERT_EQUAL(ev.ev_data_len, 20);
	CU_ASSERT_EQUAL(ev.ev_data[0], 23);
	CU_ASSERT_PTR_NOT_NULL(strstr(record_json(&ev, &j),
	    "\"data\":{\"kind\":\"ipport\",\"length\":20,"
	    "\"address\":\"2001:db8::5\",\"port\":860}"));
	evrec_free(&ev);

	/* event 10: a Login Response (RFC 7143 11.13) gives its status;
	 * another PDU only its opcode */
	{
		uint8_t rsp[48];

		memset(rsp, 0, sizeof(rsp));
		rsp[0] = 0x23;
		rsp[36] = 0x02;
		rsp[37] = 0x0a;
		CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_LOGIN_FAILED),
		    EVREC_OK);
		CU_ASSERT_EQUAL(evrec_add_bytes(&ev, rsp, sizeof(rsp)), EVREC_OK);
		CU_ASSERT_PTR_NOT_NULL(strstr(record_json(&ev, &j),
		    "\"data\":{\"kind\":\"pdu\",\"length\":48,"
		    "\"opcode\":\"0x23\",\"login_status\":\"0x020A\"}"));
		evrec_free(&ev);
		rsp[0] = 0x3f;
		CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_LOGIN_FAILED),
		    EVREC_OK);
		CU_ASSERT_EQUAL(evrec_add_bytes(&ev, rsp, sizeof(rsp)), EVREC_OK);
		CU_ASSERT_PTR_NOT_NULL(strstr(record_json(&ev, &j),
		    "\"data\":{\"kind\":\"pdu\",\"length\":48,"
		    "\"opcode\":\"0x3F\"}"));
		evrec_free(&ev);
	}

	/* wrong shape for the event's kind: flagged, not decoded */
	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_CONNECT_FAILED), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_bytes(&ev, "\x02\x00\x0c", 3), EVREC_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(record_json(&ev, &j),
	    "\"data\":{\"kind\":\"ipport\",\"length\":3,\"malformed\":true}"));
	evrec_free(&ev);
	json_free(&j);
}

/* Service events: %1/%2 insertion strings, NumberOfStrings */
static void
test_service_event(void)
{
	struct evrec ev;
	struct json j;
	uint8_t dump[64];
	unsigned int i;

	json_init(&j);
	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSIEXE_EVENTMSG_ONLINE_DISK_FAILED),
	    EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_insert(&ev, "0x5"), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_insert(&ev, "Disk %1"), EVREC_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(record_json(&ev, &j),
	    "\"source\":\"iScsiExe\",\"severity\":\"Error\","
	    "\"symbol\":\"ISCSIEXE_EVENTMSG_ONLINE_DISK_FAILED\","
	    "\"message\":\"Error 0x5 trying to online dynamic disk Disk %1.\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json_text(&j),
	    "\"strings\":[\"0x5\",\"Disk %1\"]"));
	CU_ASSERT_PTR_NULL(strstr(json_text(&j), "\"data\""));
	CU_ASSERT_EQUAL(evrec_dump(&ev, dump, sizeof(dump)), 0x28);
	CU_ASSERT_EQUAL(le16_at(dump + 0x04), 2);
	CU_ASSERT_EQUAL(le32_at(dump + 0x0c), 0xC0000068u);
	for (i = 2; i < EVREC_MAX_STRINGS; i++)
		CU_ASSERT_EQUAL(evrec_add_insert(&ev, "x"), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_insert(&ev, "x"), EVREC_ETOOMANY);
	evrec_free(&ev);
	json_free(&j);
}

/* Errors: unknown ID, DumpDataSize limit, id length, family */
static void
test_errors(void)
{
	static uint8_t big[EVREC_DATA_MAX];
	struct sockaddr sa;
	struct evrec ev;
	uint8_t *dump;
	char longid[EVREC_ID_MAX + 2];

	CU_ASSERT_EQUAL(evrec_init(&ev, 63), EVREC_EUNKNOWN);
	CU_ASSERT_EQUAL(evrec_init(&ev, 0), EVREC_EUNKNOWN);
	evrec_free(&ev);

	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_INVALID_PDU), EVREC_OK);
	memset(big, 0xab, sizeof(big));
	CU_ASSERT_EQUAL(evrec_add_bytes(&ev, big, sizeof(big) - 3), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_u32(&ev, 1), EVREC_ETOOBIG);
	CU_ASSERT_EQUAL(evrec_add_bytes(&ev, big, 3), EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_bytes(&ev, big, 1), EVREC_ETOOBIG);
	CU_ASSERT_EQUAL(ev.ev_data_len, 0xffff);
	dump = malloc(evrec_dump_size(&ev));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
	CU_ASSERT_EQUAL(evrec_dump(&ev, dump, evrec_dump_size(&ev)), 0x28 + 0xffff);
	CU_ASSERT_EQUAL(le16_at(dump + 0x02), 0xffff);
	CU_ASSERT_EQUAL(dump[0x28], 0xab);
	free(dump);

	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	CU_ASSERT_EQUAL(evrec_set_session(&ev, longid), EVREC_ETOOLONG);
	longid[EVREC_ID_MAX] = '\0';
	CU_ASSERT_EQUAL(evrec_set_session(&ev, longid), EVREC_OK);
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	CU_ASSERT_EQUAL(evrec_add_ipport(&ev, &sa), EVREC_EFAMILY);
	CU_ASSERT_EQUAL(evrec_add_ipport(&ev, NULL), EVREC_EINVAL);
	CU_ASSERT_EQUAL(evrec_add_string(&ev, NULL), EVREC_EINVAL);
	CU_ASSERT_STRING_EQUAL(evrec_strerror(EVREC_ETOOBIG),
	    "additional dump data exceeds 65535 bytes");
	evrec_free(&ev);
}

/* The builder copies what it is given: no special case for secrets */
static void
test_secret_verbatim(void)
{
	struct evrec ev;
	struct json j;

	json_init(&j);
	CU_ASSERT_EQUAL_FATAL(evrec_init(&ev, ISCSI_EV_TARGET_CHAP_SECRET_SHORT),
	    EVREC_OK);
	CU_ASSERT_EQUAL(evrec_add_string(&ev, "secret"), EVREC_OK);
	CU_ASSERT_EQUAL(ev.ev_data_len, 6);
	CU_ASSERT(memcmp(ev.ev_data, "secret", 6) == 0);
	/* dump carries the bytes; the hint gives the kind and length only */
	CU_ASSERT_PTR_NOT_NULL(strstr(record_json(&ev, &j), "736563726574\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json_text(&j),
	    "\"data\":{\"kind\":\"secret\",\"length\":6}"));
	evrec_free(&ev);
	json_free(&j);
}

/* RFC 8259 section 7: quote, backslash, control characters; 8.1: UTF-8 */
static void
test_json_escaping(void)
{
	struct json j;

	json_init(&j);
	json_string(&j, "a\"b\\c/\n\r\t\b\f\x01\x1f\x7f");
	CU_ASSERT_STRING_EQUAL(json_text(&j),
	    "\"a\\\"b\\\\c/\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\"");
	json_reset(&j);
	json_string_len(&j, "x\0y", 3);		/* embedded NUL */
	CU_ASSERT_STRING_EQUAL(json_text(&j), "\"x\\u0000y\"");
	json_reset(&j);
	/* well-formed UTF-8 passes through: e-acute, euro, U+1F600 */
	json_string(&j, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	CU_ASSERT_STRING_EQUAL(json_text(&j),
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	json_reset(&j);
	/* ill-formed: lone 0xff, overlong '/', surrogate, truncated, >U+10FFFF */
	json_string(&j, "\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82|\xf4\x90\x80\x80");
	CU_ASSERT_STRING_EQUAL(json_text(&j),
	    "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd|"
	    "\\ufffd\\ufffd\\ufffd\\ufffd\"");
	json_reset(&j);
	/* keys are escaped too; numbers, booleans, null, nesting, hex */
	json_object_open(&j);
	json_kv_string(&j, "k\"", "v");
	json_kv_int(&j, "i", -42);
	json_kv_uint(&j, "u", 18446744073709551615ull);
	json_key(&j, "a");
	json_array_open(&j);
	json_bool(&j, 1);
	json_bool(&j, 0);
	json_null(&j);
	json_string(&j, NULL);
	json_hex(&j, "\x00\xff\x10", 3);
	json_object_open(&j);
	json_object_close(&j);
	json_array_close(&j);
	json_object_close(&j);
	CU_ASSERT_EQUAL(json_complete(&j), JSON_OK);
	CU_ASSERT_STRING_EQUAL(json_text(&j),
	    "{\"k\\\"\":\"v\",\"i\":-42,\"u\":18446744073709551615,"
	    "\"a\":[true,false,null,null,\"00ff10\",{}]}");
	json_free(&j);
}

/* Misuse is reported, sticky, and never produces broken output */
static void
test_json_errors(void)
{
	struct json j;
	int i;

	json_init(&j);
	json_object_open(&j);
	json_string(&j, "no key");
	CU_ASSERT_EQUAL(json_error(&j), JSON_ESTATE);
	json_object_close(&j);			/* no-op after an error */
	CU_ASSERT_STRING_EQUAL(json_text(&j), "{");
	json_free(&j);

	json_init(&j);
	json_array_open(&j);
	json_key(&j, "k");			/* key inside an array */
	CU_ASSERT_EQUAL(json_error(&j), JSON_ESTATE);
	json_free(&j);

	json_init(&j);
	json_array_open(&j);
	json_object_close(&j);			/* mismatched close */
	CU_ASSERT_EQUAL(json_error(&j), JSON_ESTATE);
	json_free(&j);

	json_init(&j);
	json_object_open(&j);
	CU_ASSERT_EQUAL(json_complete(&j), JSON_ESTATE);	/* unclosed */
	json_free(&j);

	json_init(&j);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_open(&j);
	CU_ASSERT_EQUAL(json_error(&j), JSON_OK);
	json_array_open(&j);
	CU_ASSERT_EQUAL(json_error(&j), JSON_EDEPTH);
	CU_ASSERT_STRING_EQUAL(json_strerror(JSON_EDEPTH), "nesting too deep");
	json_free(&j);
}

static CU_TestInfo evrec_tests[] = {
	{ "io_error_log_packet_layout_0x28", test_layout },
	{ "seed004_appB_event1_ipport_at_0x28", test_event1_dump },
	{ "seed004_appB_event42_u32_pair_json", test_u32_pair },
	{ "seed004_appB_json_data_hints", test_json_hints },
	{ "seed004_appB_service_event_strings", test_service_event },
	{ "errors_and_limits", test_errors },
	{ "secrets_not_special_cased", test_secret_verbatim },
	{ "rfc8259_7_json_escaping", test_json_escaping },
	{ "json_misuse", test_json_errors },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "evrec", evrec_tests)
