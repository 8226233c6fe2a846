/*
 * Text data: RFC 7143 6.1 (format, limits, encodings), 6.2 (repeated keys),
 * 11.10.2 / 11.12.2 (C bit: text continued across PDUs).
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "keys.h"
#include "text.h"

#define T(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

static int
parse_err(const uint8_t *d, size_t n, unsigned flags, struct text_error *e)
{
	struct text_list l;
	int rc = text_parse(d, n, NULL, flags, &l, e);

	text_list_free(&l);
	return rc;
}

/* RFC 7143 6.1: key=value pairs each followed by a NUL. */
static void
test_parse_pairs(void)
{
	struct text_list l;
	struct text_error e;

	CU_ASSERT_EQUAL_FATAL(text_parse(T("InitiatorName=iqn.1991-05.com.microsoft:h\0"
	    "SessionType=Normal\0CHAP_C=0bZm9vYg==\0X-com.example.k=\0"), NULL, 0, &l,
	    &e), TEXT_OK);
	CU_ASSERT_EQUAL_FATAL(l.npairs, 4);
	CU_ASSERT_STRING_EQUAL(l.pairs[0].key, "InitiatorName");
	CU_ASSERT_STRING_EQUAL(l.pairs[0].value, "iqn.1991-05.com.microsoft:h");
	CU_ASSERT_EQUAL(l.pairs[1].offset, 42);
	CU_ASSERT_STRING_EQUAL(l.pairs[1].value, "Normal");
	/* only the first '=' separates: base64 padding stays in the value */
	CU_ASSERT_STRING_EQUAL(l.pairs[2].value, "0bZm9vYg==");
	CU_ASSERT_EQUAL(l.pairs[3].valuelen, 0);
	CU_ASSERT_PTR_NOT_NULL(text_list_find(&l, "SessionType"));
	CU_ASSERT_PTR_NULL(text_list_find(&l, "sessiontype"));	/* case-sensitive */
	CU_ASSERT_PTR_NULL(text_list_find(&l, "Session"));	/* no prefix match */
	text_list_free(&l);
	CU_ASSERT_EQUAL(text_parse((const uint8_t *)"", 0, NULL, 0, &l, &e), TEXT_OK);
	CU_ASSERT_EQUAL(l.npairs, 0);
	text_list_free(&l);
}

/* RFC 7143 6.1: malformed text gives what and where. */
static void
test_parse_errors(void)
{
	struct text_error e;
	char buf[128];

	CU_ASSERT_EQUAL(parse_err(T("A=1\0Foo\0"), 0, &e), TEXT_ENOEQUAL);
	CU_ASSERT_EQUAL(e.offset, 4);
	CU_ASSERT_STRING_EQUAL(e.key, "Foo");
	CU_ASSERT_EQUAL(parse_err(T("=x\0"), 0, &e), TEXT_EEMPTYKEY);
	CU_ASSERT_EQUAL(parse_err(T("A=1\0Max Burst=1\0"), 0, &e), TEXT_EKEYCHAR);
	CU_ASSERT_EQUAL(e.offset, 7);
	CU_ASSERT_EQUAL(parse_err(T("maxBurst=1\0"), 0, &e), TEXT_EKEYSTART);
	CU_ASSERT_EQUAL(parse_err(T("A#b=1\0"), 0, &e), TEXT_EKEYCHAR);
	CU_ASSERT_EQUAL(e.offset, 1);
	/* last pair not NUL-terminated: offset is the end, key is named */
	CU_ASSERT_EQUAL(parse_err(T("A=1\0MaxBurstLength=512"), 0, &e), TEXT_ENOTERM);
	CU_ASSERT_EQUAL(e.offset, 22);
	CU_ASSERT_STRING_EQUAL(e.key, "MaxBurstLength");
	/* embedded garbage: a stray NUL between pairs */
	CU_ASSERT_EQUAL(parse_err(T("A=1\0\0B=2\0"), 0, &e), TEXT_EEMPTYPAIR);
	CU_ASSERT_EQUAL(e.offset, 4);
	CU_ASSERT_EQUAL(parse_err(T("A=1\0\0B=2\0"), TEXT_PARSE_PAD_OK, &e),
	    TEXT_EEMPTYPAIR);
	CU_ASSERT_EQUAL(parse_err(T("A=1\0\0\0"), 0, &e), TEXT_EEMPTYPAIR);
	CU_ASSERT_EQUAL(parse_err(T("A=1\0\0\0"), TEXT_PARSE_PAD_OK, &e), TEXT_OK);
	/* RFC 7143 6.1: UTF-8 text */
	CU_ASSERT_EQUAL(parse_err(T("TargetAlias=Z\xc3\xbcrich\0"), 0, &e), TEXT_OK);
	CU_ASSERT_EQUAL(parse_err(T("TargetAlias=ab\xff\0"), 0, &e), TEXT_EUTF8);
	CU_ASSERT_EQUAL(e.offset, 14);
	CU_ASSERT_EQUAL(parse_err(T("TargetAlias=\xc0\x80\0"), 0, &e), TEXT_EUTF8);
	CU_ASSERT_EQUAL(parse_err(T("TargetAlias=\xed\xa0\x80\0"), 0, &e), TEXT_EUTF8);
	CU_ASSERT_EQUAL(parse_err(T("TargetAlias=\xe2\x82\0"), 0, &e), TEXT_EUTF8);
	parse_err(T("A=1\0Foo\0"), 0, &e);
	text_error_format(&e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "offset 4, key \"Foo\": key=value pair has no '='");
}

/* RFC 7143 6.1: key names up to 63 bytes; X- and X# extension keys (13.22). */
static void
test_key_names(void)
{
	char k[80];
	size_t bad = 0;

	memset(k, 'K', sizeof(k));
	CU_ASSERT_EQUAL(text_check_key(k, 63, &bad), TEXT_OK);
	CU_ASSERT_EQUAL(text_check_key(k, 64, &bad), TEXT_EKEYLONG);
	CU_ASSERT_EQUAL(bad, 63);
	CU_ASSERT_EQUAL(text_check_key("X-com.example.Foo_1+@", 21, NULL), TEXT_OK);
	CU_ASSERT_EQUAL(text_check_key("X#NodeArchitecture", 18, NULL), TEXT_OK);
	CU_ASSERT_EQUAL(text_check_key("X#Node#A", 8, &bad), TEXT_EKEYCHAR);
	CU_ASSERT_EQUAL(bad, 6);
	CU_ASSERT_EQUAL(text_check_key("iSCSIProtocolLevel", 18, NULL), TEXT_OK);
	CU_ASSERT_EQUAL(text_check_key("iscsiLevel", 10, NULL), TEXT_EKEYSTART);
	CU_ASSERT_EQUAL(text_check_key("1Key", 4, NULL), TEXT_EKEYSTART);
	CU_ASSERT_EQUAL(text_check_key("Key/", 4, NULL), TEXT_EKEYCHAR);
	CU_ASSERT_EQUAL(text_check_key("", 0, NULL), TEXT_EEMPTYKEY);
}

/* RFC 7143 6.1: simple values <= 255 bytes; CHAP_C/CHAP_R binary up to
 * 1024 bytes (12.1.3), i.e. 2050 characters in hex. */
static void
test_value_limits(void)
{
	static uint8_t buf[4096];
	struct text_list l;
	struct text_error e;
	size_t n;

	n = (size_t)snprintf((char *)buf, sizeof(buf), "TargetAlias=");
	memset(buf + n, 'a', 255);
	buf[n + 255] = 0;
	CU_ASSERT_EQUAL(text_parse(buf, n + 256, NULL, 0, &l, &e), TEXT_OK);
	text_list_free(&l);
	memset(buf + n, 'a', 256);
	buf[n + 256] = 0;
	CU_ASSERT_EQUAL(text_parse(buf, n + 257, NULL, 0, &l, &e), TEXT_EVALUELONG);
	CU_ASSERT_EQUAL(e.offset, n + 255);
	CU_ASSERT_STRING_EQUAL(e.key, "TargetAlias");

	n = (size_t)snprintf((char *)buf, sizeof(buf), "CHAP_C=0x");
	memset(buf + n, 'a', 2048);
	buf[n + 2048] = 0;
	CU_ASSERT_EQUAL(text_parse(buf, n + 2049, keys_value_limit, 0, &l, &e), TEXT_OK);
	text_list_free(&l);
	CU_ASSERT_EQUAL(text_parse(buf, n + 2049, NULL, 0, &l, &e), TEXT_EVALUELONG);
	memset(buf + n, 'a', 2049);
	buf[n + 2049] = 0;
	CU_ASSERT_EQUAL(text_parse(buf, n + 2050, keys_value_limit, 0, &l, &e),
	    TEXT_EVALUELONG);
	/* the long limit is for CHAP_C/CHAP_R only */
	CU_ASSERT_EQUAL(keys_value_limit("CHAP_R", 6), TEXT_LONG_VALUE_MAX);
	CU_ASSERT_EQUAL(keys_value_limit("CHAP_N", 6), TEXT_VALUE_MAX);
	CU_ASSERT_EQUAL(keys_value_limit("TargetAddress", 13), TEXT_VALUE_MAX);
}

/* RFC 7143 6.1: numerical-value = decimal-constant or hex-constant < 2**64. */
static void
test_numbers(void)
{
	uint64_t v = 0;

	CU_ASSERT_EQUAL(text_parse_number("0", 1, 0, UINT64_MAX, &v), TEXT_OK);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(text_parse_number("8192", 4, 512, 16777215, &v), TEXT_OK);
	CU_ASSERT_EQUAL(v, 8192);
	CU_ASSERT_EQUAL(text_parse_number("18446744073709551615", 20, 0, UINT64_MAX, &v),
	    TEXT_OK);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(text_parse_number("18446744073709551616", 20, 0, UINT64_MAX, &v),
	    TEXT_ENUMRANGE);
	CU_ASSERT_EQUAL(text_parse_number("0x2000", 6, 0, UINT64_MAX, &v), TEXT_OK);
	CU_ASSERT_EQUAL(v, 8192);
	CU_ASSERT_EQUAL(text_parse_number("0X00000000000000000000fF", 24, 0, UINT64_MAX, &v),
	    TEXT_OK);
	CU_ASSERT_EQUAL(v, 255);
	CU_ASSERT_EQUAL(text_parse_number("0xffffffffffffffff", 18, 0, UINT64_MAX, &v),
	    TEXT_OK);
	CU_ASSERT_EQUAL(text_parse_number("0x10000000000000000", 19, 0, UINT64_MAX, &v),
	    TEXT_ENUMRANGE);
	/* strict: no sign, no blanks, no leading zero, no junk */
	CU_ASSERT_EQUAL(text_parse_number("007", 3, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number("+1", 2, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number("-1", 2, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number(" 1", 2, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number("1 ", 2, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number("12k", 3, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number("", 0, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number("0x", 2, 0, 100, &v), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_number("0x1g", 4, 0, 100, &v), TEXT_ENUMSYNTAX);
	/* base64 is only a large-numerical-value encoding */
	CU_ASSERT_EQUAL(text_parse_number("0bAQ==", 6, 0, 100, &v), TEXT_ENUMSYNTAX);
	/* range: RFC 7143 13.13 MaxBurstLength 512..2**24-1 */
	CU_ASSERT_EQUAL(text_parse_number("511", 3, 512, 16777215, &v), TEXT_ENUMRANGE);
	CU_ASSERT_EQUAL(text_parse_number("16777216", 8, 512, 16777215, &v),
	    TEXT_ENUMRANGE);
}

/* RFC 7143 6.1: large-numerical-value < 2**1024, hex or base64. */
static void
test_large_numbers(void)
{
	uint8_t out[TEXT_LARGE_NUMBER_MAX];
	char s[300];
	size_t n = 99;

	CU_ASSERT_EQUAL(text_parse_large_number("0x00ff", 6, out, &n), TEXT_OK);
	CU_ASSERT(n == 1 && out[0] == 0xff);
	CU_ASSERT_EQUAL(text_parse_large_number("0bAAE=", 6, out, &n), TEXT_OK);
	CU_ASSERT(n == 1 && out[0] == 0x01);
	CU_ASSERT_EQUAL(text_parse_large_number("65536", 5, out, &n), TEXT_OK);
	CU_ASSERT(n == 3 && out[0] == 1 && out[1] == 0 && out[2] == 0);
	CU_ASSERT_EQUAL(text_parse_large_number("0", 1, out, &n), TEXT_OK);
	CU_ASSERT_EQUAL(n, 0);
	s[0] = '0';
	s[1] = 'x';
	memset(s + 2, 'f', 256);	/* 128 bytes: 2**1024 - 1 */
	CU_ASSERT_EQUAL(text_parse_large_number(s, 258, out, &n), TEXT_OK);
	CU_ASSERT_EQUAL(n, 128);
	s[2] = '1';
	memset(s + 3, '0', 256);	/* 2**1024 */
	CU_ASSERT_EQUAL(text_parse_large_number(s, 259, out, &n), TEXT_ENUMRANGE);
	CU_ASSERT_EQUAL(text_parse_large_number("0bA*==", 6, out, &n), TEXT_ENUMSYNTAX);
	CU_ASSERT_EQUAL(text_parse_large_number("-5", 2, out, &n), TEXT_ENUMSYNTAX);
}

/* RFC 7143 6.1 binary-value and boolean-value. */
static void
test_binary_bool(void)
{
	uint8_t out[4];
	size_t n = 0;
	bool b = false;

	CU_ASSERT_EQUAL(text_parse_binary("0x0102", 6, out, sizeof(out), &n), TEXT_OK);
	CU_ASSERT(n == 2 && out[0] == 1 && out[1] == 2);
	CU_ASSERT_EQUAL(text_parse_binary("0bAQID", 6, out, sizeof(out), &n), TEXT_OK);
	CU_ASSERT(n == 3 && out[2] == 3);
	CU_ASSERT_EQUAL(text_parse_binary("0x0102030405", 12, out, sizeof(out), &n),
	    TEXT_EVALUELONG);
	CU_ASSERT_EQUAL(text_parse_binary("0bAQI", 5, out, sizeof(out), &n), TEXT_EBINARY);
	CU_ASSERT_EQUAL(text_parse_binary("1234", 4, out, sizeof(out), &n), TEXT_EBINARY);
	CU_ASSERT_EQUAL(text_parse_bool("Yes", 3, &b), TEXT_OK);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_EQUAL(text_parse_bool("No", 2, &b), TEXT_OK);
	CU_ASSERT_FALSE(b);
	CU_ASSERT_EQUAL(text_parse_bool("yes", 3, &b), TEXT_EBOOL);
	CU_ASSERT_EQUAL(text_parse_bool("YES", 3, &b), TEXT_EBOOL);
	CU_ASSERT_EQUAL(text_parse_bool("Yes ", 4, &b), TEXT_EBOOL);
	CU_ASSERT_EQUAL(text_parse_bool("", 0, &b), TEXT_EBOOL);
}

/* RFC 7143 6.1 list-of-values, text-value; 4.2.7 iSCSI names. */
static void
test_lists_and_charsets(void)
{
	size_t bad = 0;
	const char *cur, *item;
	size_t n, count = 0;

	CU_ASSERT_EQUAL(text_check_list("CRC32C,None", 11, &bad), TEXT_OK);
	CU_ASSERT_EQUAL(text_check_list(",None", 5, &bad), TEXT_ELIST);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(text_check_list("CRC32C,", 7, &bad), TEXT_ELIST);
	CU_ASSERT_EQUAL(bad, 7);
	CU_ASSERT_EQUAL(text_check_list("CRC32C,,None", 12, &bad), TEXT_ELIST);
	CU_ASSERT_EQUAL(bad, 7);
	CU_ASSERT_EQUAL(text_check_list("CRC 32", 6, &bad), TEXT_ELIST);
	CU_ASSERT_EQUAL(bad, 3);
	CU_ASSERT_EQUAL(text_check_list("", 0, &bad), TEXT_ELIST);
	CU_ASSERT_TRUE(text_list_has("CRC32C,None", 11, "None", 4));
	CU_ASSERT_FALSE(text_list_has("CRC32C,None", 11, "CRC", 3));
	CU_ASSERT_FALSE(text_list_has("CRC32C,None", 11, "none", 4));
	cur = "a,b,c";
	while (text_list_next(&cur, "a,b,c" + 5, &item, &n))
		count++;
	CU_ASSERT_EQUAL(count, 3);
	CU_ASSERT_EQUAL(text_check_text_value("a-Z.0+@_/[]:", 12, &bad), TEXT_OK);
	CU_ASSERT_EQUAL(text_check_text_value("a,b", 3, &bad), TEXT_EVALUECHAR);
	CU_ASSERT_EQUAL(bad, 1);
	CU_ASSERT_EQUAL(text_check_name_value("iqn.1991-05.com.microsoft:host-1", 32, &bad),
	    TEXT_OK);
	CU_ASSERT_EQUAL(text_check_name_value("iqn.1991-05.com.Microsoft:h", 27, &bad),
	    TEXT_EVALUECHAR);
	CU_ASSERT_EQUAL(bad, 16);
	CU_ASSERT_EQUAL(text_check_name_value("", 0, &bad), TEXT_EVALUECHAR);
}

/* RFC 7143 13.8: TargetAddress=domainname[:port][,portal-group-tag]. */
static void
test_address(void)
{
	struct text_address a;

	CU_ASSERT_EQUAL(text_parse_address("10.0.0.1:3261,2", 15, &a), TEXT_OK);
	CU_ASSERT_STRING_EQUAL(a.host, "10.0.0.1");
	CU_ASSERT(a.has_port && a.port == 3261 && a.has_tpgt && a.tpgt == 2);
	CU_ASSERT_EQUAL(text_parse_address("[fe80::1]:3260,1", 16, &a), TEXT_OK);
	CU_ASSERT_STRING_EQUAL(a.host, "fe80::1");
	CU_ASSERT_EQUAL(text_parse_address("target.example.com", 18, &a), TEXT_OK);
	CU_ASSERT(!a.has_port && a.port == 3260 && !a.has_tpgt);
	CU_ASSERT_EQUAL(text_parse_address("[::1]", 5, &a), TEXT_OK);
	CU_ASSERT_EQUAL(text_parse_address("host:0", 6, &a), TEXT_EADDRESS);
	CU_ASSERT_EQUAL(text_parse_address("host:99999", 10, &a), TEXT_EADDRESS);
	CU_ASSERT_EQUAL(text_parse_address("[::1", 4, &a), TEXT_EADDRESS);
	CU_ASSERT_EQUAL(text_parse_address("fe80::1", 7, &a), TEXT_EADDRESS);
	CU_ASSERT_EQUAL(text_parse_address(",1", 2, &a), TEXT_EADDRESS);
	CU_ASSERT_EQUAL(text_parse_address("host,65536", 10, &a), TEXT_EADDRESS);
	CU_ASSERT_EQUAL(text_parse_address("host:", 5, &a), TEXT_EADDRESS);
	CU_ASSERT_EQUAL(text_parse_address("", 0, &a), TEXT_EADDRESS);
	{
		/* a host part longer than a value may be (fuzz-found overflow) */
		char big[600];
		memset(big, 'a', sizeof(big));
		CU_ASSERT_EQUAL(text_parse_address(big, sizeof(big), &a), TEXT_EADDRESS);
		CU_ASSERT_EQUAL(text_parse_address(big, TEXT_VALUE_MAX, &a), TEXT_OK);
		CU_ASSERT_EQUAL(strlen(a.host), TEXT_VALUE_MAX);
	}
}

static const char sample[] = "InitiatorName=iqn.1991-05.com.microsoft:h\0"
    "SessionType=Normal\0HeaderDigest=CRC32C,None\0MaxBurstLength=262144\0";

static void
check_sample(const struct text_list *l)
{
	CU_ASSERT_EQUAL(l->npairs, 4);
	if (l->npairs != 4)
		return;
	CU_ASSERT_STRING_EQUAL(l->pairs[0].value, "iqn.1991-05.com.microsoft:h");
	CU_ASSERT_STRING_EQUAL(l->pairs[2].key, "HeaderDigest");
	CU_ASSERT_STRING_EQUAL(l->pairs[3].value, "262144");
}

/* RFC 7143 11.10.2/11.12.2: C bit; a pair may be split at any byte. */
static void
test_continuation_every_split(void)
{
	const uint8_t *d = (const uint8_t *)sample;
	size_t len = sizeof(sample) - 1, i, j, seg = 0, segoff = 0;
	struct text_accum a;
	struct text_list l;
	int bad = 0;

	text_accum_init(&a, 0);
	for (i = 0; i <= len; i++) {
		text_accum_reset(&a);
		CU_ASSERT_EQUAL(text_accum_add(&a, d, i, true), TEXT_OK);
		CU_ASSERT_FALSE(text_accum_complete(&a));
		CU_ASSERT_EQUAL(text_accum_add(&a, d + i, len - i, false), TEXT_OK);
		CU_ASSERT_TRUE(text_accum_complete(&a));
		if (text_accum_parse(&a, NULL, 0, &l, NULL) != TEXT_OK)
			bad++;
		check_sample(&l);
		text_list_free(&l);
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* three PDUs, every pair of cut points */
	for (i = 0; i <= len; i++)
		for (j = i; j <= len; j++) {
			text_accum_reset(&a);
			text_accum_add(&a, d, i, true);
			text_accum_add(&a, d + i, j - i, true);
			text_accum_add(&a, d + j, len - j, false);
			if (text_accum_parse(&a, NULL, 0, &l, NULL) != TEXT_OK ||
			    l.npairs != 4)
				bad++;
			text_list_free(&l);
		}
	CU_ASSERT_EQUAL(bad, 0);
	/* error offsets map back to (PDU, offset in PDU) */
	text_accum_reset(&a);
	text_accum_add(&a, d, 50, true);
	text_accum_add(&a, d + 50, 30, true);
	text_accum_locate(&a, 10, &seg, &segoff);
	CU_ASSERT(seg == 0 && segoff == 10);
	text_accum_locate(&a, 50, &seg, &segoff);
	CU_ASSERT(seg == 1 && segoff == 0);
	text_accum_locate(&a, 79, &seg, &segoff);
	CU_ASSERT(seg == 1 && segoff == 29);
	/* not complete yet */
	CU_ASSERT_EQUAL(text_accum_parse(&a, NULL, 0, &l, NULL), TEXT_ESTATE);
	text_accum_add(&a, d + 80, 3, false);
	/* final PDU (C=0) ends inside a pair */
	CU_ASSERT_EQUAL(text_accum_parse(&a, NULL, 0, &l, NULL), TEXT_ENOTERM);
	/* nothing after the final PDU */
	CU_ASSERT_EQUAL(text_accum_add(&a, d, 1, false), TEXT_ESTATE);
	text_accum_free(&a);
	text_accum_init(&a, 40);	/* total size cap */
	CU_ASSERT_EQUAL(text_accum_add(&a, d, 30, true), TEXT_OK);
	CU_ASSERT_EQUAL(text_accum_add(&a, d + 30, 11, true), TEXT_ETOOBIG);
	CU_ASSERT_EQUAL(text_accum_add(&a, d + 30, 10, false), TEXT_OK);
	text_accum_free(&a);
}

/* Builder output split at the peer's MaxRecvDataSegmentLength (13.12). */
static void
test_builder_split(void)
{
	struct text_builder b;
	struct text_split s;
	struct text_chunk c[8];
	struct text_accum a;
	struct text_list l;
	size_t n = 0, i, mrdsl, total = 0;
	int bad = 0;
	char key[16];

	text_builder_init(&b, 0);
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "X-k%02zu", i);
		CU_ASSERT_EQUAL(text_builder_addf(&b, key, "%0*zu", 60, i), TEXT_OK);
	}
	CU_ASSERT_EQUAL(b.len, 20 * (5 + 1 + 60 + 1));	/* 1340 */
	CU_ASSERT_EQUAL(text_split_init(&s, b.buf, b.len, 512, TEXT_SPLIT_ANYWHERE),
	    TEXT_OK);
	while (n < 8 && text_split_next(&s, &c[n]))
		n++;
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT(c[0].len == 512 && c[0].more);
	CU_ASSERT(c[1].off == 512 && c[1].len == 512 && c[1].more);
	CU_ASSERT(c[2].len == 316 && !c[2].more);
	/* pair-aligned: each chunk ends with a NUL, still <= 512 */
	text_split_init(&s, b.buf, b.len, 512, TEXT_SPLIT_PAIRS);
	for (n = 0; n < 8 && text_split_next(&s, &c[n]); n++) {
		CU_ASSERT(c[n].len <= 512);
		CU_ASSERT_EQUAL(b.buf[c[n].off + c[n].len - 1], 0);
		total += c[n].len;
	}
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(c[0].len, 469);		/* 7 pairs of 67 bytes */
	CU_ASSERT_EQUAL(total, b.len);
	/* every MaxRecvDataSegmentLength from 1 up: chunks rejoin to the text */
	text_accum_init(&a, 0);
	for (mrdsl = 1; mrdsl <= b.len + 1; mrdsl++) {
		struct text_chunk ch;

		text_accum_reset(&a);
		text_split_init(&s, b.buf, b.len, mrdsl, mrdsl % 2 ? TEXT_SPLIT_PAIRS :
		    TEXT_SPLIT_ANYWHERE);
		while (text_split_next(&s, &ch))
			if (ch.len > mrdsl ||
			    text_accum_add(&a, b.buf + ch.off, ch.len, ch.more) != TEXT_OK)
				bad++;
		if (text_accum_parse(&a, NULL, 0, &l, NULL) != TEXT_OK || l.npairs != 20)
			bad++;
		text_list_free(&l);
	}
	CU_ASSERT_EQUAL(bad, 0);
	text_accum_free(&a);
	/* empty text: one empty PDU without C; MRDSL 0 is refused */
	text_split_init(&s, b.buf, 0, 512, TEXT_SPLIT_ANYWHERE);
	CU_ASSERT_TRUE(text_split_next(&s, &c[0]));
	CU_ASSERT(c[0].len == 0 && !c[0].more);
	CU_ASSERT_FALSE(text_split_next(&s, &c[0]));
	CU_ASSERT_EQUAL(text_split_init(&s, b.buf, b.len, 0, TEXT_SPLIT_ANYWHERE),
	    TEXT_EINVAL);
	/* builder checks the key and its cap */
	CU_ASSERT_EQUAL(text_builder_add(&b, "badkey", "1"), TEXT_EKEYSTART);
	CU_ASSERT_EQUAL(text_builder_add(&b, "Bad key", "1"), TEXT_EKEYCHAR);
	text_builder_free(&b);
	text_builder_init(&b, 10);
	CU_ASSERT_EQUAL(text_builder_add_number(&b, "A", 1234567), TEXT_OK);
	CU_ASSERT_EQUAL(text_builder_add(&b, "B", ""), TEXT_ETOOBIG);
	CU_ASSERT_EQUAL(memcmp(b.buf, "A=1234567", 10), 0);
	text_builder_free(&b);
}

/* RFC 7143 6.2: no key twice in a negotiation unless it may repeat. */
static void
test_seen(void)
{
	struct text_seen s;
	char k[16];
	int i, bad = 0;

	text_seen_init(&s);
	CU_ASSERT_EQUAL(text_seen_add(&s, "MaxBurstLength", false), TEXT_OK);
	CU_ASSERT_EQUAL(text_seen_add(&s, "MaxBurstLength", false), TEXT_EREPEATED);
	CU_ASSERT_EQUAL(text_seen_add(&s, "TargetAddress", true), TEXT_OK);
	CU_ASSERT_EQUAL(text_seen_add(&s, "TargetAddress", true), TEXT_OK);
	CU_ASSERT_FALSE(text_seen_has(&s, "maxburstlength"));
	for (i = 0; i < 2000; i++) {
		snprintf(k, sizeof(k), "X-%d", i);
		if (text_seen_add(&s, k, false) != TEXT_OK)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(text_seen_has(&s, "X-1999"));
	CU_ASSERT_EQUAL(text_seen_add(&s, "X-1000", false), TEXT_EREPEATED);
	text_seen_reset(&s);
	CU_ASSERT_EQUAL(text_seen_add(&s, "MaxBurstLength", false), TEXT_OK);
	text_seen_free(&s);
}

static void
test_strerror(void)
{
	CU_ASSERT_STRING_EQUAL(text_strerror(TEXT_OK), "ok");
	CU_ASSERT_STRING_EQUAL(text_strerror(TEXT_EKEYLONG), "key name longer than 63 bytes");
	CU_ASSERT_STRING_EQUAL(text_strerror(-1), "unknown text error");
	CU_ASSERT_STRING_EQUAL(text_strerror(TEXT_NERRORS), "unknown text error");
}

static CU_TestInfo text_tests[] = {
	{ "rfc7143_6_1_parse_pairs", test_parse_pairs },
	{ "rfc7143_6_1_parse_errors_offset_key", test_parse_errors },
	{ "rfc7143_6_1_key_names_63_bytes", test_key_names },
	{ "rfc7143_6_1_value_limits_255_chap_1024", test_value_limits },
	{ "rfc7143_6_1_numerical_values", test_numbers },
	{ "rfc7143_6_1_large_numerical_values", test_large_numbers },
	{ "rfc7143_6_1_binary_and_boolean", test_binary_bool },
	{ "rfc7143_6_1_lists_and_charsets", test_lists_and_charsets },
	{ "rfc7143_13_8_target_address", test_address },
	{ "rfc7143_11_10_2_continuation_every_split", test_continuation_every_split },
	{ "rfc7143_13_12_builder_split_mrdsl", test_builder_split },
	{ "rfc7143_6_2_repeated_keys", test_seen },
	{ "error_table", test_strerror },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "text", text_tests)
