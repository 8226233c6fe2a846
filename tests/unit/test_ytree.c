/* YAML tree loader: line numbers, duplicate keys, aliases, typed accessors. */
#include <string.h>

#include "unit.h"
#include "ytree.h"

static const char doc[] =
    "# scenario-like document\n"
    "name: demo\n"
    "count: 0x10\n"
    "enabled: yes\n"
    "base: &b\n"
    "  port: 3260\n"
    "portals:\n"
    "  - *b\n"
    "  - {port: 3261}\n"
    "quoted: '123'\n";

static void
test_load_and_access(void)
{
	char err[256];
	struct yctx c = { "doc.yaml", err, sizeof(err) };
	struct ynode *r = ytree_load_buffer("doc.yaml", doc, strlen(doc), err, sizeof(err));
	const struct ynode *p;
	const char *s;
	uint64_t v;
	int b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->type, YNODE_MAP);
	CU_ASSERT_EQUAL(yget_str(&c, r, "name", &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "demo");
	CU_ASSERT_EQUAL(yget_u64(&c, r, "count", 0, 100, &v), 0);
	CU_ASSERT_EQUAL(v, 16);
	CU_ASSERT_EQUAL(yget_bool(&c, r, "enabled", &b), 0);
	CU_ASSERT_EQUAL(b, 1);
	CU_ASSERT_EQUAL(yget_str(&c, r, "absent", &s), 1);
	p = ymap_get(r, "portals");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->type, YNODE_SEQ);
	CU_ASSERT_EQUAL(p->n, 2);
	/* the alias is a copy of the anchored mapping */
	CU_ASSERT_EQUAL(yget_u64(&c, p->items[0], "port", 1, 65535, &v), 0);
	CU_ASSERT_EQUAL(v, 3260);
	CU_ASSERT_EQUAL(yget_u64(&c, p->items[1], "port", 1, 65535, &v), 0);
	CU_ASSERT_EQUAL(v, 3261);
	CU_ASSERT_EQUAL(ymap_get(r, "quoted")->quoted, 1);
	CU_ASSERT_EQUAL(ymap_get(r, "portals")->line, 8);
	/* typed errors carry file:line */
	CU_ASSERT_EQUAL(yget_u64(&c, r, "count", 0, 10, &v), -1);
	CU_ASSERT_STRING_EQUAL(err, "doc.yaml:3: 0x10 is out of range [0, 10]");
	CU_ASSERT_EQUAL(yget_u64(&c, r, "name", 0, 10, &v), -1);
	CU_ASSERT_STRING_EQUAL(err, "doc.yaml:2: 'demo' is not an unsigned number");
	CU_ASSERT_EQUAL(yget_bool(&c, r, "name", &b), -1);
	CU_ASSERT_EQUAL(yget_str(&c, r, "portals", &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "doc.yaml:8: 'portals' must be a scalar"));
	{
		static const char *const allowed[] = { "name", "count", "enabled", "base",
		    "portals", NULL };
		CU_ASSERT_EQUAL(ymap_check_keys(&c, r, allowed), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "doc.yaml:10: unknown key 'quoted'"));
	}
	ytree_free(r);
}

static void
test_errors(void)
{
	char err[256];
	struct ynode *r;
	static const char dup[] = "a: 1\nb: 2\na: 3\n";
	static const char bad[] = "a: [1, 2\nb: 3\n";
	static const char alias[] = "a: *nope\n";
	static const char two[] = "a: 1\n---\nb: 2\n";

	r = ytree_load_buffer("d.yaml", dup, strlen(dup), err, sizeof(err));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_STRING_EQUAL(err, "d.yaml:3: duplicate key 'a' (first at line 1)");
	r = ytree_load_buffer("s.yaml", bad, strlen(bad), err, sizeof(err));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(strncmp(err, "s.yaml:", 7), 0);
	r = ytree_load_buffer("x.yaml", alias, strlen(alias), err, sizeof(err));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_STRING_EQUAL(err, "x.yaml:1: unknown alias '*nope'");
	r = ytree_load_buffer("t.yaml", two, strlen(two), err, sizeof(err));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "only one YAML document"));
	r = ytree_load_buffer("e.yaml", "", 0, err, sizeof(err));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty document"));
	r = ytree_load_file("/nonexistent/file.yaml", err, sizeof(err));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
}

static void
test_alias_bomb_bounded(void)
{
	char err[256], buf[2048];
	struct ynode *r;
	size_t off = 0;
	int i;

	/* "billion laughs": each level doubles the previous one */
	off += (size_t)snprintf(buf + off, sizeof(buf) - off, "l0: &l0 [x, x]\n");
	for (i = 1; i < 40; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "l%d: &l%d [*l%d, *l%d]\n", i, i, i - 1, i - 1);
	r = ytree_load_buffer("bomb.yaml", buf, off, err, sizeof(err));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than 1000000 nodes"));
}

static CU_TestInfo ytree_tests[] = {
	{ "load_lines_aliases_accessors", test_load_and_access },
	{ "errors_have_file_line", test_errors },
	{ "alias_expansion_bounded", test_alias_bomb_bounded },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "ytree", ytree_tests)
