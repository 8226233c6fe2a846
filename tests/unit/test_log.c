/* Diagnostic log: levels, filtering, errno suffix, line format. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "log.h"

static void
test_levels_and_format(void)
{
	char buf[512];
	FILE *f = tmpfile();
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(log_level_parse("debug"), LOG_LVL_DEBUG);
	CU_ASSERT_EQUAL(log_level_parse("WARN"), LOG_LVL_WARN);
	CU_ASSERT_EQUAL(log_level_parse("2"), LOG_LVL_INFO);
	CU_ASSERT_EQUAL(log_level_parse("loud"), -1);
	log_init("t", LOG_LVL_INFO, f);
	log_debug("hidden %d", 1);		/* below the level: dropped */
	log_info("shown %d", 2);
	errno = ENOENT;
	log_warn("open %s", "x");
	CU_ASSERT_EQUAL(errno, ENOENT);		/* logging keeps errno */
	log_warnx("plain");
	log_error("bad");
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	CU_ASSERT_STRING_EQUAL(buf,
	    "t: info: shown 2\n"
	    "t: warning: open x: No such file or directory\n"
	    "t: warning: plain\n"
	    "t: error: bad\n");
	log_init("iscsi", LOG_LVL_WARN, NULL);
	fclose(f);
}

static CU_TestInfo log_tests[] = {
	{ "levels_and_line_format", test_levels_and_format },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "log", log_tests)
