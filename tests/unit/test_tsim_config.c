/* target-sim configuration: command-line flags and scenario files. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "faults.h"
#include "tsim.h"

static int
args(struct tsim_config **cfg, char *err, size_t errsz, ...)
{
	char *argv[64];
	struct tsim_cli cli;
	va_list ap;
	int argc = 0;

	va_start(ap, errsz);
	while (argc < 63 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	*cfg = tsim_config_new();
	err[0] = '\0';
	return tsim_config_from_args(*cfg, argc, argv, &cli, err, errsz);
}

static void
test_flags_good(void)
{
	struct tsim_config *c;
	char err[256];

	CU_ASSERT_EQUAL(args(&c, err, sizeof(err), "--listen", "127.0.0.1:0",
	    "--listen", "[::1]:3261", "--chap", "user:secretsecret12",
	    "--target", "iqn.2024-01.org.x:a", "--lun", "64M,1G",
	    "--target", "iqn.2024-01.org.x:b", "--lun", "512",
	    "--mutual-chap", "tgt:othersecret99", "--digest", "crc32c", NULL), 0);
	CU_ASSERT_EQUAL(c->nportals, 2);
	CU_ASSERT_EQUAL(c->ntargets, 2);
	CU_ASSERT_EQUAL(c->targets[0].nluns, 2);
	CU_ASSERT_EQUAL(c->targets[0].luns[1].size, 1ull << 30);
	CU_ASSERT_EQUAL(c->targets[1].luns[0].size, 512);
	/* CHAP before the first --target: every target and discovery */
	CU_ASSERT_TRUE(c->targets[0].auth.chap && c->targets[1].auth.chap);
	CU_ASSERT_TRUE(c->discovery_auth.chap);
	CU_ASSERT_STRING_EQUAL(c->targets[1].auth.user, "user");
	/* --mutual-chap after --target b: b only */
	CU_ASSERT_FALSE(c->targets[0].auth.mutual);
	CU_ASSERT_TRUE(c->targets[1].auth.mutual);
	CU_ASSERT_STRING_EQUAL(c->keys.v[KEYS_HEADER_DIGEST], "CRC32C");
	CU_ASSERT_STRING_EQUAL(c->keys.v[KEYS_DATA_DIGEST], "CRC32C");
	tsim_config_free(c);
}

/* --portal-address NAME=ADDR:PORT moves a named portal (harness ns3 mode). */
static void
test_flags_portal_address(void)
{
	struct tsim_config *c;
	char err[256], path[] = "/tmp/tsim-portal-addr-XXXXXX", a[NETADDR_STRLEN];
	static const char yaml[] = "target:\n  portals:\n"
	    "    - { name: p1, address: \"127.0.0.1:0\" }\n"
	    "    - { name: p2, address: \"127.0.0.1:0\", tpgt: 2 }\n"
	    "  targets: [ { name: \"iqn.2024-01.org.x:a\", portals: [p1, p2], "
	    "luns: [1M] } ]\n";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(yaml, f);
	fclose(f);
	CU_ASSERT_EQUAL(args(&c, err, sizeof(err), "--scenario", path,
	    "--portal-address", "p2=10.77.0.3:3260", NULL), 0);
	CU_ASSERT_EQUAL(c->nportals, 2);
	CU_ASSERT_STRING_EQUAL(c->portals[0].addr, "127.0.0.1:0");
	CU_ASSERT_STRING_EQUAL(c->portals[1].addr, "10.77.0.3:3260");
	CU_ASSERT_STRING_EQUAL(netaddr_format(&c->portals[1].na, a, sizeof(a)),
	    "10.77.0.3:3260");
	CU_ASSERT_EQUAL(c->portals[1].tpgt, 2);		/* the rest stays */
	tsim_config_free(c);
	CU_ASSERT_EQUAL(args(&c, err, sizeof(err), "--scenario", path,
	    "--portal-address", "p3=10.77.0.3:3260", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no portal named 'p3'"));
	tsim_config_free(c);
	CU_ASSERT_EQUAL(args(&c, err, sizeof(err), "--scenario", path,
	    "--portal-address", "p1=nowhere:1", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--portal-address 'p1=nowhere:1'"));
	tsim_config_free(c);
	unlink(path);
	/* --listen portals are portal1, portal2 ... */
	CU_ASSERT_EQUAL(args(&c, err, sizeof(err), "--listen", "127.0.0.1:0",
	    "--portal-address", "portal1=127.0.0.2:0", "--target",
	    "iqn.2024-01.org.x:a", "--lun", "1M", NULL), 0);
	CU_ASSERT_STRING_EQUAL(c->portals[0].addr, "127.0.0.2:0");
	tsim_config_free(c);
}

static void
bad(const char *want, ...)
{
	struct tsim_config *c = tsim_config_new();
	struct tsim_cli cli;
	char *argv[32], err[256];
	va_list ap;
	int argc = 0;

	va_start(ap, want);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	CU_ASSERT_EQUAL(tsim_config_from_args(c, argc, argv, &cli, err,
	    sizeof(err)), 2);
	if (strstr(err, want) == NULL)
		fprintf(stderr, "\nwanted '%s' in '%s'\n", want, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	tsim_config_free(c);
}

static void
test_flags_bad(void)
{
	bad("unknown option '--frob'", "--frob", NULL);
	bad("--lun must follow --target", "--listen", "127.0.0.1:0", "--lun",
	    "1M", NULL);
	bad("--lun '12x'", "--listen", "127.0.0.1:0", "--target",
	    "iqn.2024-01.org.x:a", "--lun", "12x", NULL);
	bad("multiple of 512", "--listen", "127.0.0.1:0", "--target",
	    "iqn.2024-01.org.x:a", "--lun", "1000", NULL);
	bad("--listen 'nowhere:1'", "--listen", "nowhere:1", NULL);
	bad("no portal", "--target", "iqn.2024-01.org.x:a", "--lun", "1M", NULL);
	bad("no target", "--listen", "127.0.0.1:0", NULL);
	bad("has no --lun", "--listen", "127.0.0.1:0", "--target",
	    "iqn.2024-01.org.x:a", NULL);
	bad("shorter than 12", "--listen", "127.0.0.1:0", "--chap", "u:short",
	    "--target", "iqn.2024-01.org.x:a", "--lun", "1M", NULL);
	bad("expected none, crc32c or both", "--digest", "md5", NULL);
	bad("not a valid iSCSI name", "--listen", "127.0.0.1:0", "--target",
	    "Bad Name", "--lun", "1M", NULL);
	bad("defined twice", "--listen", "127.0.0.1:0", "--target",
	    "iqn.2024-01.org.x:a", "--lun", "1M", "--target",
	    "iqn.2024-01.org.x:a", "--lun", "1M", NULL);
	bad("needs an argument", "--listen", NULL);
	bad("expected NAME=ADDR:PORT", "--listen", "127.0.0.1:0",
	    "--portal-address", "127.0.0.1:0", NULL);
	bad("must differ", "--listen", "127.0.0.1:0", "--chap",
	    "u:secretsecret12", "--mutual-chap", "t:secretsecret12",
	    "--target", "iqn.2024-01.org.x:a", "--lun", "1M", NULL);
}

static const char good_yaml[] =
    "name: example\n"
    "description: every part of the target section\n"
    "cites: [\"RFC 7143 11.13.5\"]\n"
    "tags: [login]\n"
    "timeout: 30\n"
    "initiator: { steps: [ { login: x } ] }\n"
    "network: { kind: loopback }\n"
    "expect: [ { event: 1 } ]\n"
    "target:\n"
    "  settings:\n"
    "    digest: both\n"
    "    cmdsn_window: 16\n"
    "    keys: { MaxBurstLength: 65536 }\n"
    "    discovery_auth: { chap: { user: d, secret: discoverysecret } }\n"
    "  portals:\n"
    "    - { name: a, address: \"127.0.0.1:0\", tpgt: 3 }\n"
    "    - { name: b, address: \"127.0.0.1:0\" }\n"
    "  targets:\n"
    "    - name: iqn.2024-01.org.x:a\n"
    "      alias: disk a\n"
    "      portals: [b]\n"
    "      luns: [64M, { size: 1M, file: /tmp/tsim-test-lun.img }]\n"
    "      auth:\n"
    "        chap: { user: alice, secret: alicesecret1 }\n"
    "        mutual: { user: t, secret: targetsecret2 }\n"
    "        algorithms: [SHA256, 5]\n"
    "      keys: { DefaultTime2Wait: 7 }\n"
    "      offer: [DefaultTime2Wait]\n"
    "      addresses: [\"192.0.2.1:3260,1\"]\n"
    "rules:\n"
    "  - name: r1\n"
    "    match: { opcode: scsi_cmd, scsi_opcode: 0x2a, nth: 3, count: 2 }\n"
    "    action: { type: reject, reason: protocol_error }\n"
    "  - match: { after: { event: ffp, ms: 100 } }\n"
    "    action: { type: async, event: logout_request, time: 5 }\n"
    "  - name: r3\n"
    "    action: { type: login_status, status: 0x0302 }\n"
    "  - name: r4\n"
    "    match: { stage: operational }\n"
    "    action: { type: negotiate, kind: digest_none_only }\n";

static void
test_scenario_good(void)
{
	struct tsim_config *c = tsim_config_new();
	char err[256] = "";
	const struct tsim_target_cfg *t;

	CU_ASSERT_EQUAL_FATAL(tsim_scenario_load_buffer(c, "ok.yaml", good_yaml,
	    strlen(good_yaml), err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tsim_config_check(c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c->name, "example");
	CU_ASSERT_EQUAL(c->cmdsn_window, 16);
	CU_ASSERT_EQUAL(c->nportals, 2);
	CU_ASSERT_EQUAL(c->portals[0].tpgt, 3);
	CU_ASSERT_EQUAL(c->portals[1].tpgt, 1);
	CU_ASSERT_TRUE(c->discovery_auth.chap);
	CU_ASSERT_STRING_EQUAL(c->keys.v[KEYS_MAX_BURST_LENGTH], "65536");
	CU_ASSERT_STRING_EQUAL(c->keys.v[KEYS_HEADER_DIGEST], "CRC32C,None");
	t = &c->targets[0];
	CU_ASSERT_STRING_EQUAL(t->alias, "disk a");
	CU_ASSERT_EQUAL(t->nportals, 1);
	CU_ASSERT_EQUAL(t->portal_idx[0], 1);
	CU_ASSERT_EQUAL(t->nluns, 2);
	CU_ASSERT_STRING_EQUAL(t->luns[1].file, "/tmp/tsim-test-lun.img");
	CU_ASSERT_EQUAL(t->auth.nalgs, 2);
	CU_ASSERT_EQUAL(t->auth.algs[0], CHAP_ALG_SHA256);
	CU_ASSERT_EQUAL(t->auth.algs[1], CHAP_ALG_MD5);
	CU_ASSERT_TRUE(t->auth.mutual);
	CU_ASSERT_EQUAL(t->noffers, 1);
	CU_ASSERT_EQUAL(t->offers[0], KEYS_DEFAULT_TIME2WAIT);
	CU_ASSERT_STRING_EQUAL(t->addrs[0], "192.0.2.1:3260,1");
	CU_ASSERT_EQUAL_FATAL(c->nrules, 4);
	CU_ASSERT_EQUAL(c->rules[0].m.dir, FAULT_DIR_IN);
	CU_ASSERT_EQUAL(c->rules[0].m.opcode, 0x01);
	CU_ASSERT_EQUAL(c->rules[0].m.scsi_opcode, 0x2a);
	CU_ASSERT_EQUAL(c->rules[0].m.nth, 3);
	CU_ASSERT_EQUAL(c->rules[0].m.count, 2);
	CU_ASSERT_EQUAL(c->rules[0].a.reason, 0x04);
	CU_ASSERT_STRING_EQUAL(c->rules[1].name, "rule2");
	CU_ASSERT_EQUAL(c->rules[1].m.dir, FAULT_DIR_TIMER);
	CU_ASSERT_EQUAL(c->rules[1].a.param[2], 5);
	CU_ASSERT_EQUAL(c->rules[2].m.opcode, 0x03);	/* implied Login Request */
	CU_ASSERT_EQUAL(c->rules[2].a.status_class, 3);
	CU_ASSERT_EQUAL(c->rules[2].a.status_detail, 2);
	CU_ASSERT_EQUAL(c->rules[3].m.dir, FAULT_DIR_OUT);
	CU_ASSERT_EQUAL(c->rules[3].m.stage, 1);
	tsim_config_free(c);
}

/* A bad scenario: "file:line: message", the line where the problem is. */
static void
scn_bad(const char *yaml, const char *want)
{
	struct tsim_config *c = tsim_config_new();
	char err[512] = "";

	CU_ASSERT_EQUAL(tsim_scenario_load_buffer(c, "bad.yaml", yaml,
	    strlen(yaml), err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fprintf(stderr, "\nwanted '%s' in '%s'\n", want, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	tsim_config_free(c);
}

#define T0 "target:\n  portals: [ { name: a, address: \"127.0.0.1:0\" } ]\n" \
    "  targets: [ { name: \"iqn.2024-01.org.x:a\", luns: [1M] } ]\n"

static void
test_scenario_bad(void)
{
	scn_bad("name: x\nbogus: 1\n", "bad.yaml:");
	scn_bad("name: x\nbogus: 1\n", "bogus");
	scn_bad("name: [unclosed\n", "bad.yaml:");
	scn_bad("- a\n- b\n", "bad.yaml:1: a scenario is a mapping");
	scn_bad("target:\n  portals:\n    - { name: a, address: \"999.1.1.1:1\" }\n",
	    "bad.yaml:3:");
	scn_bad("target:\n  portals:\n    - { name: a, address: \"127.0.0.1:0\" }\n"
	    "  targets:\n    - name: iqn.2024-01.org.x:a\n      luns: [12q]\n",
	    "bad.yaml:6: LUN 0");
	scn_bad("target:\n  targets:\n    - name: iqn.2024-01.org.x:a\n"
	    "      luns: [1M]\n      portals: [nope]\n",
	    "bad.yaml:5: no portal named 'nope'");
	scn_bad(T0 "rules:\n  - action: { type: explode }\n",
	    "bad.yaml:5: unknown action 'explode'");
	scn_bad(T0 "rules:\n  - match: { direction: out }\n"
	    "    action: { type: reject, reason: protocol_error }\n",
	    "bad.yaml:5: rule 'rule1': action reject cannot act on direction out");
	scn_bad(T0 "rules:\n  - match: { direction: timer }\n"
	    "    action: { type: nop_in }\n", "needs 'after");
	scn_bad(T0 "rules:\n  - match: { after: { event: ffp, ms: 1, every: 5 },"
	    " count: 0 }\n    action: { type: nop_in }\n",
	    "bad.yaml:5: rule 'rule1': a repeating timer needs a bound");
	scn_bad(T0 "rules:\n  - match: { opcode: nop_out, count: 3,"
	    " after: { event: ffp, ms: 1, every: 5 } }\n"
	    "    action: { type: ignore }\n", "'every' repeats timer rules only");
	scn_bad(T0 "rules:\n  - match: { after: { event: ffp, ms: 1, every: 0 },"
	    " count: 2 }\n    action: { type: nop_in }\n", "bad.yaml:5:");
	scn_bad(T0 "rules:\n  - match: { opcode: frob }\n    action: { type: ignore }\n",
	    "bad.yaml:5: unknown opcode 'frob'");
	scn_bad(T0 "rules:\n  - match: { opcode: data_out }\n"
	    "    action: { type: login_status, status: 0x0201 }\n",
	    "answers Login Requests only");
	scn_bad(T0 "rules:\n  - action: { type: negotiate, kind: set_key, key: A,"
	    " value: b, repeat: 3 }\n", "'repeat' goes with kind add_key only");
	scn_bad(T0 "rules:\n  - action: { type: negotiate, kind: add_key, key: A,"
	    " value: b, repeat: 5000 }\n", "bad.yaml:5:");
	scn_bad(T0 "rules:\n  - action: { type: negotiate, kind: weird }\n",
	    "unknown negotiate kind 'weird'");
	scn_bad(T0 "rules:\n  - action: { type: reject, reason: nosuch }\n",
	    "bad.yaml:5: reject needs a 'reason'");
	scn_bad(T0 "rules:\n  - action: { type: stall }\n", "'stall' needs 'ms'");
	scn_bad(T0 "rules:\n  - action: { type: invalid_pdu, kind: unknown_opcode, opcode: 0x01 }\n",
	    "is defined by RFC 7143");
	scn_bad(T0 "rules:\n  - match: { stage: lunch }\n    action: { type: ignore }\n",
	    "stage must be");
	scn_bad(T0 "rules:\n  - match: { portal: zz }\n    action: { type: ignore }\n",
	    "bad.yaml:5: rule 'rule1': no portal named 'zz'");
	scn_bad(T0 "rules:\n  - action: { type: logout_response }\n",
	    "logout_response needs 'response'");
	scn_bad(T0 "rules:\n  - match: { opcode: nop_in }\n"
	    "    action: { type: logout_response, response: 1 }\n",
	    "alters Logout Responses only");
	scn_bad("target:\n  settings: { keys: { NoSuchKey: 1 } }\n",
	    "bad.yaml:2: unknown key 'NoSuchKey'");
	scn_bad("target:\n  targets:\n    - name: iqn.2024-01.org.x:a\n"
	    "      luns: [1M]\n      auth: { chap: { user: u, secret: short } }\n",
	    "shorter than 12");
}

static void
test_scenario_file(void)
{
	struct tsim_config *c = tsim_config_new();
	char err[512] = "";

	CU_ASSERT_EQUAL(tsim_scenario_load_file(c, "/nonexistent/x.yaml", err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.yaml"));
	tsim_config_free(c);
}

static CU_TestInfo config_tests[] = {
	{ "flags_groups_chap_digest", test_flags_good },
	{ "flags_errors_exit2", test_flags_bad },
	{ "flags_portal_address", test_flags_portal_address },
	{ "scenario_every_section", test_scenario_good },
	{ "scenario_errors_file_line", test_scenario_bad },
	{ "scenario_missing_file", test_scenario_file },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_config", config_tests)
