/* Serial number arithmetic: RFC 1982 (32 bits) and RFC 7143 4.2.2.1 windows. */
#include "unit.h"
#include "serial.h"

/* RFC 1982 3.2: ordinary and wrapped comparisons. */
static void
test_compare(void)
{
	CU_ASSERT_EQUAL(sn_cmp(1, 2), SN_LESS);
	CU_ASSERT_EQUAL(sn_cmp(2, 1), SN_GREATER);
	CU_ASSERT_EQUAL(sn_cmp(7, 7), SN_EQUAL);
	CU_ASSERT(sn_lt(1, 2) && !sn_gt(1, 2) && sn_le(1, 2) && !sn_ge(1, 2));
	CU_ASSERT(sn_le(5, 5) && sn_ge(5, 5) && sn_eq(5, 5) && !sn_lt(5, 5));
	/* wrap-around: 0xffffffff < 0 < 1 */
	CU_ASSERT(sn_lt(0xffffffffu, 0));
	CU_ASSERT(sn_gt(0, 0xffffffffu));
	CU_ASSERT(sn_lt(0xfffffff0u, 0x10));
	CU_ASSERT(sn_gt(0x10, 0xfffffff0u));
	/* the largest defined distance, 2^31 - 1, in both directions */
	CU_ASSERT(sn_lt(0, 0x7fffffffu));
	CU_ASSERT(sn_gt(0, 0x80000001u));
	CU_ASSERT(sn_lt(0x80000000u, 0xffffffffu));
	CU_ASSERT(sn_gt(0x80000000u, 1));
}

/* RFC 1982 3.2: numbers 2^31 apart are neither less nor greater. */
static void
test_undefined(void)
{
	CU_ASSERT_EQUAL(sn_cmp(0, 0x80000000u), SN_UNDEFINED);
	CU_ASSERT_EQUAL(sn_cmp(0x80000000u, 0), SN_UNDEFINED);
	CU_ASSERT_EQUAL(sn_cmp(0x40000000u, 0xc0000000u), SN_UNDEFINED);
	CU_ASSERT(!sn_lt(0, 0x80000000u) && !sn_gt(0, 0x80000000u));
	CU_ASSERT(!sn_le(0, 0x80000000u) && !sn_ge(0, 0x80000000u));
	CU_ASSERT(!sn_eq(0, 0x80000000u));
	CU_ASSERT(sn_distance(5, 5 + SN_HALF) == SN_DISTANCE_UNDEFINED);
}

/* RFC 1982 3.1 addition and the signed distance. */
static void
test_add_distance(void)
{
	CU_ASSERT_EQUAL(sn_add(0xfffffffeu, 3), 1);
	CU_ASSERT_EQUAL(sn_add(10, SN_ADD_MAX), 0x80000009u);
	CU_ASSERT(sn_gt(sn_add(10, SN_ADD_MAX), 10));
	CU_ASSERT_EQUAL(sn_distance(0xfffffffeu, 1), 3);
	CU_ASSERT_EQUAL(sn_distance(1, 0xfffffffeu), -3);
	CU_ASSERT_EQUAL(sn_distance(0, 0x7fffffffu), 0x7fffffffLL);
	CU_ASSERT_EQUAL(sn_distance(0, 0x80000001u), -0x7fffffffLL);
	CU_ASSERT_EQUAL(sn_distance(100, 100), 0);
}

/* RFC 7143 4.2.2.1: MaxCmdSN >= ExpCmdSN - 1; equal means a closed window. */
static void
test_window_valid(void)
{
	CU_ASSERT(cmdsn_window_valid(10, 20));
	CU_ASSERT(cmdsn_window_valid(10, 10));
	CU_ASSERT(cmdsn_window_valid(10, 9));		/* closed */
	CU_ASSERT(!cmdsn_window_valid(10, 8));
	CU_ASSERT_EQUAL(cmdsn_window_size(10, 20), 11);
	CU_ASSERT_EQUAL(cmdsn_window_size(10, 10), 1);
	CU_ASSERT_EQUAL(cmdsn_window_size(10, 9), 0);
	CU_ASSERT_EQUAL(cmdsn_window_size(10, 8), 0);
	/* wrap: ExpCmdSN 0 -> closed at 0xffffffff, open at 0 */
	CU_ASSERT(cmdsn_window_valid(0, 0xffffffffu));
	CU_ASSERT_EQUAL(cmdsn_window_size(0, 0xffffffffu), 0);
	CU_ASSERT(!cmdsn_window_valid(0, 0xfffffffeu));
	CU_ASSERT_EQUAL(cmdsn_window_size(0xfffffffeu, 1), 4);
	/* largest window: MaxCmdSN - (ExpCmdSN - 1) == 2^31 - 1 */
	CU_ASSERT_EQUAL(cmdsn_window_size(1, 0x7fffffffu), 0x7fffffffu);
	/* MaxCmdSN exactly 2^31 past ExpCmdSN - 1: undefined -> invalid */
	CU_ASSERT(!cmdsn_window_valid(1, 0x80000000u));
}

/* RFC 7143 4.2.2.1: CmdSN in [ExpCmdSN, MaxCmdSN], including across 2^32. */
static void
test_in_window(void)
{
	CU_ASSERT(cmdsn_in_window(10, 10, 20));
	CU_ASSERT(cmdsn_in_window(20, 10, 20));
	CU_ASSERT(!cmdsn_in_window(9, 10, 20));
	CU_ASSERT(!cmdsn_in_window(21, 10, 20));
	CU_ASSERT(cmdsn_in_window(10, 10, 10));
	CU_ASSERT(!cmdsn_in_window(10, 10, 9));		/* closed window */
	CU_ASSERT(!cmdsn_in_window(9, 10, 9));
	CU_ASSERT(!cmdsn_in_window(10, 10, 8));		/* invalid window */
	CU_ASSERT(cmdsn_in_window(0xffffffffu, 0xfffffffeu, 2));
	CU_ASSERT(cmdsn_in_window(0, 0xfffffffeu, 2));
	CU_ASSERT(cmdsn_in_window(2, 0xfffffffeu, 2));
	CU_ASSERT(!cmdsn_in_window(3, 0xfffffffeu, 2));
	CU_ASSERT(!cmdsn_in_window(0xfffffffdu, 0xfffffffeu, 2));
}

/* Seed 004 event ID 3: MaxCmdSN not serially greater than ExpCmdSN. */
static void
test_login_event3(void)
{
	CU_ASSERT(cmdsn_login_window_ok(1, 2));
	CU_ASSERT(cmdsn_login_window_ok(0xffffffffu, 0));
	CU_ASSERT(!cmdsn_login_window_ok(1, 1));	/* equal: event 3 */
	CU_ASSERT(!cmdsn_login_window_ok(1, 0));	/* closed: event 3 */
	CU_ASSERT(!cmdsn_login_window_ok(5, 1));
	CU_ASSERT(!cmdsn_login_window_ok(0, SN_HALF));	/* undefined */
}

static CU_TestInfo serial_tests[] = {
	{ "rfc1982_3_2_compare", test_compare },
	{ "rfc1982_3_2_undefined", test_undefined },
	{ "rfc1982_3_1_add_distance", test_add_distance },
	{ "rfc7143_4_2_2_1_window_valid", test_window_valid },
	{ "rfc7143_4_2_2_1_in_window", test_in_window },
	{ "seed004_event3_login_maxcmdsn", test_login_event3 },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "serial", serial_tests)
