/*
 * Unit-test registry on top of CUnit.  Each tests/unit/test_<area>.c file
 * declares its suites with UNIT_SUITE(); the runner (runner.c) collects
 * them, applies the Family.Suite.Test filter and runs them.
 *
 *   static CU_TestInfo crc_tests[] = {
 *       { "rfc7143_vectors", test_rfc_vectors },
 *       CU_TEST_INFO_NULL
 *   };
 *   UNIT_SUITE("proto", "crc32c", crc_tests);
 */
#ifndef UNIT_H
#define UNIT_H

#include <CUnit/CUnit.h>

struct unit_suite {
	const char		*family;
	const char		*name;
	CU_TestInfo		*tests;
	struct unit_suite	*next;
};

void	unit_register(struct unit_suite *);

/* Path of the shared seed directory (../shared/seeds) or NULL. */
const char *unit_seed_dir(void);

#define UNIT_CAT2(a, b) a##b
#define UNIT_CAT(a, b) UNIT_CAT2(a, b)
#define UNIT_SUITE(fam, nm, tests)					\
	static struct unit_suite UNIT_CAT(unit_suite_, __LINE__) =	\
	    { (fam), (nm), (tests), 0 };				\
	__attribute__((constructor)) static void			\
	UNIT_CAT(unit_register_, __LINE__)(void)			\
	{ unit_register(&UNIT_CAT(unit_suite_, __LINE__)); }

#endif
