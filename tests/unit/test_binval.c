/* Binary values in text keys: RFC 7143 section 6.1 (0x hex, 0b base64). */
#include <string.h>

#include "unit.h"
#include "binval.h"

static void
test_hex(void)
{
	uint8_t out[8];
	size_t n = 0, bad = 0;
	enum binval_enc enc;
	char txt[32];

	CU_ASSERT_EQUAL(binval_decode("0x0a1B", 6, out, sizeof(out), &n, &enc, NULL), BINVAL_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(enc, BINVAL_HEX);
	CU_ASSERT(out[0] == 0x0a && out[1] == 0x1b);
	/* RFC 7143 6.1: odd digit count -> implied leading zero */
	CU_ASSERT_EQUAL(binval_decode("0XABC", 5, out, sizeof(out), &n, NULL, NULL), BINVAL_OK);
	CU_ASSERT(n == 2 && out[0] == 0x0a && out[1] == 0xbc);
	CU_ASSERT_EQUAL(binval_decode("0x12g4", 6, out, sizeof(out), &n, NULL, &bad), BINVAL_EBADCHAR);
	CU_ASSERT_EQUAL(bad, 4);
	CU_ASSERT_EQUAL(binval_decode("0x", 2, out, sizeof(out), &n, NULL, NULL), BINVAL_EEMPTY);
	CU_ASSERT_EQUAL(binval_decode("1234", 4, out, sizeof(out), &n, NULL, NULL), BINVAL_ENOPREFIX);
	CU_ASSERT_EQUAL(binval_decode("0x112233445566778899", 20, out, sizeof(out), &n, NULL, NULL),
	    BINVAL_ETOOLONG);
	CU_ASSERT_EQUAL(binval_encode((const uint8_t *)"\x01\xfe", 2, BINVAL_HEX, txt, sizeof(txt)), 6);
	CU_ASSERT_STRING_EQUAL(txt, "0x01fe");
	CU_ASSERT_EQUAL(binval_encode(out, 8, BINVAL_HEX, txt, 10), -1);
}

static void
test_base64(void)
{
	uint8_t out[16];
	size_t n = 0;
	char txt[32];

	/* RFC 4648 section 10 vectors */
	CU_ASSERT_EQUAL(binval_decode("0bZm9vYg==", 10, out, sizeof(out), &n, NULL, NULL), BINVAL_OK);
	CU_ASSERT(n == 4 && memcmp(out, "foob", 4) == 0);
	CU_ASSERT_EQUAL(binval_decode("0bZm9vYmE=", 10, out, sizeof(out), &n, NULL, NULL), BINVAL_OK);
	CU_ASSERT(n == 5 && memcmp(out, "fooba", 5) == 0);
	CU_ASSERT_EQUAL(binval_decode("0bZm9vYmFy", 10, out, sizeof(out), &n, NULL, NULL), BINVAL_OK);
	CU_ASSERT(n == 6 && memcmp(out, "foobar", 6) == 0);
	CU_ASSERT_EQUAL(binval_decode("0bZm9vY", 7, out, sizeof(out), &n, NULL, NULL), BINVAL_EPAD);
	CU_ASSERT_EQUAL(binval_decode("0bZm=vYg==", 10, out, sizeof(out), &n, NULL, NULL), BINVAL_EPAD);
	CU_ASSERT_EQUAL(binval_decode("0bZm9v*g==", 10, out, sizeof(out), &n, NULL, NULL), BINVAL_EBADCHAR);
	CU_ASSERT_EQUAL(binval_decode("0bZm9vYmFy", 10, out, 5, &n, NULL, NULL), BINVAL_ETOOLONG);
	CU_ASSERT_EQUAL(binval_encode((const uint8_t *)"fo", 2, BINVAL_BASE64, txt, sizeof(txt)), 6);
	CU_ASSERT_STRING_EQUAL(txt, "0bZm8=");
}

static CU_TestInfo binval_tests[] = {
	{ "rfc7143_6_1_hex", test_hex },
	{ "rfc7143_6_1_base64", test_base64 },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "binval", binval_tests)
