/*
 * Unit-test runner.
 *
 *   unit-tests [--list] [--xml FILE] [PATTERN ...]
 *
 * PATTERN is an fnmatch(3) pattern on "Family.Suite.Test" (several are
 * OR-ed; none means all).  --xml writes JUnit XML results to FILE for CI.  Exit status is 0 only when every selected
 * test ran and passed.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "unit.h"

static struct unit_suite *suites;

void
unit_register(struct unit_suite *s)
{
	struct unit_suite **pp = &suites;

	/* keep a stable order: family, then suite name */
	while (*pp != NULL) {
		int c = strcmp((*pp)->family, s->family);
		if (c > 0 || (c == 0 && strcmp((*pp)->name, s->name) > 0))
			break;
		pp = &(*pp)->next;
	}
	s->next = *pp;
	*pp = s;
}

const char *
unit_seed_dir(void)
{
	static const char *cands[] = { "../shared/seeds", "../../shared/seeds", NULL };
	const char *env = getenv("ISCSI_SEED_DIR");
	int i;

	if (env != NULL && access(env, R_OK) == 0)
		return env;
	for (i = 0; cands[i] != NULL; i++)
		if (access(cands[i], R_OK) == 0)
			return cands[i];
	return NULL;
}

static int
selected(char **pats, int npats, const char *full)
{
	int i;

	if (npats == 0)
		return 1;
	for (i = 0; i < npats; i++)
		if (fnmatch(pats[i], full, 0) == 0)
			return 1;
	return 0;
}

static void
xml_escape(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

/* JUnit XML from the registry and CUnit's failure list after a run. */
static int
write_junit(const char *path)
{
	CU_pTestRegistry reg = CU_get_registry();
	CU_pSuite su;
	CU_pTest te;
	CU_pFailureRecord fr;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (su = reg->pSuite; su != NULL; su = su->pNext) {
		fprintf(f, " <testsuite name=\"");
		xml_escape(f, su->pName);
		fprintf(f, "\" tests=\"%u\">\n", su->uiNumberOfTests);
		for (te = su->pTest; te != NULL; te = te->pNext) {
			fprintf(f, "  <testcase classname=\"");
			xml_escape(f, su->pName);
			fprintf(f, "\" name=\"");
			xml_escape(f, te->pName);
			fprintf(f, "\">");
			for (fr = CU_get_failure_list(); fr != NULL; fr = fr->pNext) {
				if (fr->pTest != te)
					continue;
				fprintf(f, "<failure message=\"");
				xml_escape(f, fr->strCondition);
				fprintf(f, "\">");
				xml_escape(f, fr->strFileName);
				fprintf(f, ":%u</failure>", fr->uiLineNumber);
			}
			fprintf(f, "</testcase>\n");
		}
		fprintf(f, " </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	return fclose(f) == 0 ? 0 : -1;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: unit-tests [--list] [--xml FILE] [PATTERN ...]\n"
	    "  PATTERN   fnmatch pattern on Family.Suite.Test (e.g. 'proto.crc32c.*')\n"
	    "  --list    print the selected tests and exit\n"
	    "  --xml F   also write JUnit XML results to F\n");
}

int
main(int argc, char **argv)
{
	const char *xml = NULL;
	char **pats = calloc((size_t)argc, sizeof(*pats));
	int npats = 0, list = 0, ntests = 0, i;
	struct unit_suite *s;
	char full[512];
	unsigned fails;

	if (pats == NULL)
		return 2;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0)
			list = 1;
		else if (strcmp(argv[i], "--xml") == 0 && i + 1 < argc)
			xml = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "unit-tests: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		} else
			pats[npats++] = argv[i];
	}

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit-tests: CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	for (s = suites; s != NULL; s = s->next) {
		CU_pSuite cs = NULL;
		CU_TestInfo *t;
		char sname[256];

		snprintf(sname, sizeof(sname), "%s.%s", s->family, s->name);
		for (t = s->tests; t->pName != NULL; t++) {
			snprintf(full, sizeof(full), "%s.%s", sname, t->pName);
			if (!selected(pats, npats, full))
				continue;
			if (list) {
				printf("%s\n", full);
				ntests++;
				continue;
			}
			if (cs == NULL && (cs = CU_add_suite(sname, NULL, NULL)) == NULL) {
				fprintf(stderr, "unit-tests: %s\n", CU_get_error_msg());
				return 2;
			}
			if (CU_add_test(cs, t->pName, t->pTestFunc) == NULL) {
				fprintf(stderr, "unit-tests: %s\n", CU_get_error_msg());
				return 2;
			}
			ntests++;
		}
	}
	if (list) {
		CU_cleanup_registry();
		return 0;
	}
	if (ntests == 0) {
		fprintf(stderr, "unit-tests: no test matches the filter\n");
		CU_cleanup_registry();
		return 2;
	}

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed() +
	    CU_get_number_of_tests_failed();
	if (xml != NULL && write_junit(xml) != 0)
		fails++;
	CU_cleanup_registry();
	free(pats);
	return fails == 0 ? 0 : 1;
}
