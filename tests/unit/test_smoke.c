/* Registry smoke test: the CRC32C of "123456789" is the standard check value. */
#include "unit.h"
#include "crc32c.h"

static void
test_check_value(void)
{
	CU_ASSERT_EQUAL(crc32c(0, "123456789", 9), 0xE3069283u);
}

static CU_TestInfo smoke_tests[] = {
	{ "crc32c_check_value", test_check_value },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("core", "smoke", smoke_tests)
