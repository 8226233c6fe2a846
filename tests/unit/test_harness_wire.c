/*
 * Harness wire assertions (expect.wire): PDU fields by name, selectors,
 * anchors (after a rule firing, after a PDU), the checks and their
 * verdicts, load errors with file:line, a capture file end to end; and
 * the other expectations added with them (faults_not_fired, event field
 * checks on the n-th or every record).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "analyze.h"
#include "expect.h"
#include "expect_wire.h"
#include "pcap_pkt.h"
#include "pcapng.h"
#include "scn.h"
#include "test_analyze_flow.h"
#include "ytree.h"

static char portals[SCN_MAX_PORTALS][64] = { "p1", "p2" };

/* ---- proto: BHS fields by name ---------------------------------------- */

static void
test_field_names(void)
{
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x00, 0x01 };
	struct pdu p;
	uint64_t v = 0;

	CU_ASSERT_EQUAL(pdu_opcode_lookup("login_req"), PDU_OP_LOGIN_REQ);
	CU_ASSERT_EQUAL(pdu_opcode_lookup("SCSI_CMD"), PDU_OP_SCSI_CMD);
	CU_ASSERT_EQUAL(pdu_opcode_lookup("login"), -1);
	CU_ASSERT_STRING_EQUAL(pdu_opcode_short_name(PDU_OP_DATA_IN), "data_in");
	CU_ASSERT_PTR_NULL(pdu_opcode_short_name(0x3c));

	/* RFC 7143 11.12: ISID (6 bytes), TSIH, CID, CSG/NSG, T */
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	memcpy(p.u.login_req.isid, isid, 6);
	p.u.login_req.tsih = 5;
	p.u.login_req.cid = 2;
	p.u.login_req.transit = true;
	p.u.login_req.nsg = PDU_STAGE_FULL_FEATURE;
	p.itt = 0x1234;
	CU_ASSERT_EQUAL(pdu_field_get(&p, "isid", &v), 0);
	CU_ASSERT_EQUAL(v, 0x801234560001ull);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "TSIH", &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "cid", &v), 0);
	CU_ASSERT_EQUAL(v, 2);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "nsg", &v), 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "t", &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "itt", &v), 0);
	CU_ASSERT_EQUAL(v, 0x1234);
	/* Login PDUs have no LUN (bytes 8-15 are ISID and TSIH) */
	CU_ASSERT_EQUAL(pdu_field_get(&p, "lun", &v), -1);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "time2wait", &v), -1);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "Reserved", &v), -1);

	/* RFC 7143 11.15: Time2Wait; 11.13: Status-Class spelled status_class */
	pdu_init(&p, PDU_OP_LOGOUT_RSP);
	p.u.logout_rsp.time2wait = 7;
	CU_ASSERT_EQUAL(pdu_field_get(&p, "Time2Wait", &v), 0);
	CU_ASSERT_EQUAL(v, 7);
	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.u.login_rsp.status_class = 1;
	p.u.login_rsp.status_detail = 1;
	CU_ASSERT_EQUAL(pdu_field_get(&p, "status_class", &v), 0);
	CU_ASSERT_EQUAL(v, 1);

	/* RFC 7143 11.4: "O" (residual overflow) is not "o" (bidi) */
	pdu_init(&p, PDU_OP_SCSI_RSP);
	p.u.scsi_rsp.overflow = true;
	CU_ASSERT_EQUAL(pdu_field_get(&p, "O", &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(pdu_field_get(&p, "o", &v), 0);
	CU_ASSERT_EQUAL(v, 0);

	/* aliases and the any-opcode check */
	pdu_init(&p, PDU_OP_R2T);
	p.u.r2t.ddtl = 65536;
	CU_ASSERT_EQUAL(pdu_field_get(&p, "ddtl", &v), 0);
	CU_ASSERT_EQUAL(v, 65536);
	CU_ASSERT(pdu_field_exists(-1, "time2wait"));
	CU_ASSERT(pdu_field_exists(PDU_OP_SCSI_CMD, "edtl"));
	CU_ASSERT(!pdu_field_exists(PDU_OP_SCSI_CMD, "tsih"));
	CU_ASSERT(!pdu_field_exists(-1, "bogus"));
	CU_ASSERT(!pdu_field_exists(-1, "--"));
}

/* ---- an in-memory capture ----------------------------------------------- */

#define T0	1700000000.0

static void
add_login(struct wire_log *l, double t, int dir, unsigned conn, int portal,
    uint16_t tsih, uint8_t cls, const char *keys)
{
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x00, 0x01 };
	uint8_t buf[256];
	struct pdu p;
	size_t n;

	pdu_init(&p, dir == ANA_DIR_I2T ? PDU_OP_LOGIN_REQ : PDU_OP_LOGIN_RSP);
	if (dir == ANA_DIR_I2T) {
		memcpy(p.u.login_req.isid, isid, 6);
		p.u.login_req.tsih = tsih;
	} else {
		memcpy(p.u.login_rsp.isid, isid, 6);
		p.u.login_rsp.tsih = tsih;
		p.u.login_rsp.status_class = cls;
	}
	if (keys != NULL) {
		n = tflow_keys(keys, buf, sizeof(buf));
		pdu_set_data(&p, buf, (uint32_t)n);
	}
	CU_ASSERT_EQUAL_FATAL(wire_log_add(l, t, dir, conn, conn, portal, &p, 0),
	    0);
}

static void
add_op(struct wire_log *l, double t, uint8_t op, unsigned conn, int portal,
    uint8_t cdb0)
{
	struct pdu p;

	pdu_init(&p, op);
	if (op == PDU_OP_SCSI_CMD)
		p.u.scsi_cmd.cdb[0] = cdb0;
	CU_ASSERT_EQUAL_FATAL(wire_log_add(l, t, pdu_opcode_is_initiator(op) ?
	    ANA_DIR_I2T : ANA_DIR_T2I, conn, conn, portal, &p, 0), 0);
}

/*
 * A redirect then a dropped connection: login on p1 redirected (rule
 * "moved" fires 0.5 ms in), login on p2 (TSIH 5 given), INQUIRY, the
 * connection drops (rule "drop" at +20 ms), and 2 s later a login on p2
 * again with TSIH 5.
 */
static void
build_log(struct wire_log *l)
{
	memset(l, 0, sizeof(*l));
	l->usable = 1;
	add_login(l, T0, ANA_DIR_I2T, 1, 0, 0, 0, "InitiatorName=iqn.i;"
	    "TargetName=iqn.t;SessionType=Normal");
	add_login(l, T0 + 0.001, ANA_DIR_T2I, 1, 0, 0, 1, "TargetAddress=x");
	add_login(l, T0 + 0.010, ANA_DIR_I2T, 2, 1, 0, 0, "InitiatorName=iqn.i;"
	    "TargetName=iqn.t");
	add_login(l, T0 + 0.011, ANA_DIR_T2I, 2, 1, 5, 0, NULL);
	add_op(l, T0 + 0.012, PDU_OP_SCSI_CMD, 2, 1, 0x12);
	add_op(l, T0 + 0.013, PDU_OP_DATA_IN, 2, 1, 0);
	add_login(l, T0 + 2.020, ANA_DIR_I2T, 3, 1, 5, 0, "TargetName=iqn.t");
}

static const struct wire_firing firings[] = {
	{ "moved", T0 + 0.0005 },
	{ "drop", T0 + 0.020 },
	{ "nowall", -1 },
};

static struct wire_check *
load_checks(const char *yaml, size_t *n, char *err, size_t errsz)
{
	struct yctx c = { "t.yaml", err, errsz };
	struct ynode *root = ytree_load_buffer("t.yaml", yaml, strlen(yaml), err,
	    errsz);
	struct wire_check *w = NULL;

	*n = 0;
	if (root == NULL)
		return NULL;
	if (expect_wire_load(&c, root, portals, 2, &w, n) == -1)
		w = NULL;
	ytree_free(root);
	return w;
}

/* Run yaml against the log; verdicts in vs. */
static void
eval(const char *yaml, const struct wire_log *l, struct verdicts *vs)
{
	char err[256] = "";
	size_t n;
	struct wire_check *w = load_checks(yaml, &n, err, sizeof(err));

	if (w == NULL)
		fprintf(stderr, "\n  load: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	expect_wire_eval(w, n, l, firings, 3, portals, vs);
	expect_wire_free(w, n);
}

static void load_error(const char *, const char *);

static void
show(const struct verdicts *vs)
{
	size_t i;

	if (getenv("WIRE_DEBUG") == NULL)
		return;
	for (i = 0; i < vs->n; i++)
		fprintf(stderr, "\n  %s %s: %s", vs->v[i].pass ? "ok" : "FAIL",
		    vs->v[i].what, vs->v[i].detail);
}

/* RFC 7143 11.13.5: the redirected login goes to p2 with the same ISID */
static void
test_after_rule(void)
{
	struct wire_log l;
	struct verdicts vs = { 0 };

	build_log(&l);
	eval("- name: follows the redirect\n"
	    "  pdu: {direction: i2t, opcode: login_req, portal: p2, after: {rule: moved}}\n"
	    "  count: 2\n"
	    "  same: [isid, {direction: i2t, opcode: login_req, portal: p1}]\n"
	    "- pdu: {direction: i2t, opcode: login_req, portal: p1, after: {rule: moved}}\n"
	    "  none: true\n"
	    /* an out rule's own PDU comes after the firing */
	    "- pdu: {direction: t2i, opcode: login_rsp, after: {rule: moved}, nth: 1}\n"
	    "  count: 1\n"
	    "  same: [status_class, {fields: {status_class: 1}}]\n", &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL(vs.n, 5);
	CU_ASSERT_EQUAL(vs.failed, 0);
	CU_ASSERT_STRING_EQUAL(vs.v[0].what, "wire count: follows the redirect");
	CU_ASSERT_STRING_EQUAL(vs.v[0].detail, "expected 2, saw 2 after rule "
	    "'moved' fired at +0.5 ms; first: i2t login_req at +10.0 ms on "
	    "connection 2 to p2");
	CU_ASSERT_STRING_EQUAL(vs.v[1].what,
	    "wire same: follows the redirect (isid)");
	CU_ASSERT_STRING_EQUAL(vs.v[2].what, "wire none: i2t login_req portal=p1 "
	    "after rule moved");
	verdicts_free(&vs);

	/* the same assertions fail on a capture where the login went to p1 */
	l.p[2].portal = 0;
	l.p[6].portal = 0;
	eval("- pdu: {direction: i2t, opcode: login_req, portal: p2, after: {rule: moved}}\n"
	    "  count: {min: 1}\n"
	    "- pdu: {direction: i2t, opcode: login_req, portal: p1, after: {rule: moved}}\n"
	    "  none: true\n", &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL(vs.failed, 2);
	CU_ASSERT_STRING_EQUAL(vs.v[1].detail, "2 found after rule 'moved' fired "
	    "at +0.5 ms; first: i2t login_req at +10.0 ms on connection 2 to p1");
	verdicts_free(&vs);
	wire_log_free(&l);
}

/* RFC 7143 11.9.1 / 6.3: reconnect no earlier than Time2Wait */
static void
test_first_gap(void)
{
	struct wire_log l;
	struct verdicts vs = { 0 };

	build_log(&l);
	eval("- pdu: {direction: i2t, opcode: login_req, after: {rule: drop}}\n"
	    "  first_gap_ms: {min: 2000}\n"
	    "- pdu: {direction: i2t, opcode: login_req, after: {rule: drop}}\n"
	    "  first_gap_ms: {max: 1999}\n"
	    "- pdu: {direction: i2t, opcode: logout_req, after: {rule: drop}}\n"
	    "  first_gap_ms: {min: 0}\n", &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL_FATAL(vs.n, 3);
	CU_ASSERT(vs.v[0].pass);
	CU_ASSERT_STRING_EQUAL(vs.v[0].detail, "2000.0 ms (expected >= 2000 ms) "
	    "from rule 'drop' fired at +20.0 ms to i2t login_req at +2020.0 ms "
	    "on connection 3 to p2");
	CU_ASSERT(!vs.v[1].pass);
	/* no PDU after the anchor: a failure, never a pass */
	CU_ASSERT(!vs.v[2].pass);
	CU_ASSERT_PTR_NOT_NULL(strstr(vs.v[2].detail, "no such PDU after"));
	verdicts_free(&vs);
	wire_log_free(&l);
}

/*
 * A known deviation: a check that fails is reported as a deviation, not a
 * failure; one that holds stays a pass; unevaluable checks still fail.
 */
static void
test_known_deviation(void)
{
	struct wire_log l;
	struct verdicts vs = { 0 };

	build_log(&l);
	eval("- pdu: {direction: i2t, opcode: login_req, after: {rule: drop}}\n"
	    "  first_gap_ms: {min: 3000}\n"
	    "  deviation: reconnects early\n"
	    "- pdu: {direction: i2t, opcode: login_req, after: {rule: drop}}\n"
	    "  first_gap_ms: {min: 1000}\n"
	    "  deviation: reconnects early\n"
	    "- pdu: {direction: i2t, opcode: login_req, after: {rule: drop}}\n"
	    "  first_gap_ms: {max: 10}\n", &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL_FATAL(vs.n, 3);
	CU_ASSERT(!vs.v[0].pass);
	CU_ASSERT(vs.v[0].deviation);
	CU_ASSERT_PTR_NOT_NULL(strstr(vs.v[0].detail,
	    "2000.0 ms (expected >= 3000 ms)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vs.v[0].detail,
	    "; known deviation: reconnects early"));
	CU_ASSERT(vs.v[1].pass);
	CU_ASSERT(!vs.v[1].deviation);
	CU_ASSERT(!vs.v[2].pass);
	CU_ASSERT(!vs.v[2].deviation);
	CU_ASSERT_EQUAL(vs.failed, 1);
	CU_ASSERT_EQUAL(vs.deviations, 1);
	verdicts_free(&vs);
	wire_log_free(&l);
	load_error("- pdu: {opcode: scsi_cmd}\n  count: 1\n  deviation: \"\"\n",
	    "'deviation' needs the text");
}

/* RFC 7143 6.3.5 reinstatement: same ISID; TSIH of the old session */
static void
test_after_pdu_same_nth(void)
{
	struct wire_log l;
	struct verdicts vs = { 0 };

	build_log(&l);
	eval("- pdu: {direction: i2t, opcode: login_req, nth: 3}\n"
	    "  same: [tsih, {direction: t2i, opcode: login_rsp, fields: {status_class: 0}}]\n"
	    "- pdu: {scsi_opcode: 0x12, after: {pdu: {opcode: login_rsp, portal: p2}}}\n"
	    "  count: 1\n"
	    "- pdu: {opcode: data_in, after: {pdu: {scsi_opcode: 0x12}}}\n"
	    "  first_gap_ms: {max: 2}\n"
	    "- pdu: {direction: i2t, opcode: login_req, nth: 2}\n"
	    "  same: [tsih, {direction: t2i, opcode: login_rsp, fields: {status_class: 0}}]\n"
	    "- pdu: {connection: 2}\n"
	    "  count: 4\n"
	    "- pdu: {session: 3}\n"
	    "  count: 1\n", &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL_FATAL(vs.n, 6);
	CU_ASSERT(vs.v[0].pass);
	CU_ASSERT_STRING_EQUAL(vs.v[0].detail, "0x5 vs 0x5 in [t2i login_rsp "
	    "status_class=0]");
	CU_ASSERT(vs.v[1].pass);
	CU_ASSERT(vs.v[2].pass);
	CU_ASSERT(!vs.v[3].pass);		/* 2nd login had TSIH 0 */
	CU_ASSERT_STRING_EQUAL(vs.v[3].detail, "0x0 vs 0x5 in [t2i login_rsp "
	    "status_class=0]");
	CU_ASSERT(vs.v[4].pass);
	CU_ASSERT(vs.v[5].pass);
	verdicts_free(&vs);
	wire_log_free(&l);
}

/* RFC 7143 6.1: keys of Login/Text data segments, present or with a value */
static void
test_keys(void)
{
	struct wire_log l;
	struct verdicts vs = { 0 };

	build_log(&l);
	eval("- pdu: {key: SessionType=Normal}\n"
	    "  count: 1\n"
	    "- pdu: {key: [TargetName=iqn.t, InitiatorName]}\n"
	    "  count: 2\n"
	    "- pdu: {key: TargetName=iqn.other}\n"
	    "  none: true\n"
	    "- pdu: {opcode: login_rsp, key: TargetAddress}\n"
	    "  count: 1\n", &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL(vs.n, 4);
	CU_ASSERT_EQUAL(vs.failed, 0);
	verdicts_free(&vs);
	wire_log_free(&l);
}

/* An assertion that cannot be evaluated fails with the reason. */
static void
test_cannot_evaluate(void)
{
	static const char y[] =
	    "- pdu: {opcode: scsi_cmd, after: {rule: moved, nth: 2}}\n"
	    "  none: true\n"
	    "- pdu: {opcode: scsi_cmd, after: {rule: nowall}}\n"
	    "  none: true\n"
	    "- pdu: {opcode: scsi_cmd, after: {pdu: {opcode: logout_rsp}}}\n"
	    "  none: true\n";
	struct wire_log l;
	struct verdicts vs = { 0 };

	build_log(&l);
	eval(y, &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL_FATAL(vs.n, 3);
	CU_ASSERT_EQUAL(vs.failed, 3);
	CU_ASSERT_STRING_EQUAL(vs.v[0].detail, "cannot be evaluated: rule 'moved' "
	    "fired 1 time(s), so there is no firing 2 to anchor on");
	CU_ASSERT_PTR_NOT_NULL(strstr(vs.v[1].detail, "no wall-clock time"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vs.v[2].detail, "no anchor PDU"));
	verdicts_free(&vs);
	wire_log_free(&l);

	/* no capture, or an empty one: "none" must not pass */
	memset(&l, 0, sizeof(l));
	snprintf(l.why, sizeof(l.why), "not captured: no CAP_NET_RAW");
	eval("- pdu: {opcode: scsi_cmd}\n  none: true\n", &l, &vs);
	CU_ASSERT_EQUAL(vs.failed, 1);
	CU_ASSERT_STRING_EQUAL(vs.v[0].detail, "cannot be evaluated: not "
	    "captured: no CAP_NET_RAW");
	verdicts_free(&vs);
	l.usable = 1;
	eval("- pdu: {opcode: scsi_cmd}\n  none: true\n", &l, &vs);
	CU_ASSERT_EQUAL(vs.failed, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(vs.v[0].detail, "no iSCSI PDU"));
	verdicts_free(&vs);
}

static void
load_error(const char *yaml, const char *msg)
{
	char err[256] = "";
	size_t n;
	struct wire_check *w = load_checks(yaml, &n, err, sizeof(err));

	CU_ASSERT_PTR_NULL(w);
	expect_wire_free(w, n);
	if (strstr(err, msg) == NULL)
		fprintf(stderr, "\n  got '%s', wanted '%s'\n", err, msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
}

static void
test_load_errors(void)
{
	load_error("- pdu: {opcode: scsi_cmd}\n", "t.yaml:1: a wire assertion "
	    "checks something");
	load_error("- count: 1\n", "needs 'pdu'");
	load_error("- pdu: {direction: in}\n  count: 1\n",
	    "t.yaml:1: direction is i2t");
	load_error("- pdu: {direction: t2i, opcode: login_req}\n  count: 1\n",
	    "login_req never travels t2i");
	load_error("- pdu: {opcode: login}\n  count: 1\n", "unknown opcode 'login'");
	load_error("- pdu: {opcode: login_req, scsi_opcode: 0x12}\n  count: 1\n",
	    "needs opcode scsi_cmd");
	load_error("- pdu: {opcode: scsi_cmd, key: TargetName}\n  count: 1\n",
	    "Login and Text PDUs only");
	load_error("- pdu: {opcode: scsi_cmd, fields: {tsih: 1}}\n  count: 1\n",
	    "'tsih' is not a BHS field of scsi_cmd");
	load_error("- pdu: {portal: p9}\n  count: 1\n", "'p9' is not a portal");
	load_error("- pdu: {opcode: scsi_cmd}\n  first_gap_ms: {min: 1}\n",
	    "the selector needs 'after'");
	load_error("- pdu: {opcode: scsi_cmd}\n  none: false\n", "checks nothing");
	load_error("- pdu: {after: {rule: r}}\n  first_gap_ms: 5\n",
	    "t.yaml:2: 'first_gap_ms' is {min: MS, max: MS}");
	load_error("- pdu: {opcode: scsi_cmd}\n  none: true\n  count: 1\n",
	    "cannot go with other checks");
	load_error("- pdu: {opcode: scsi_cmd}\n  count: {min: 3, max: 1}\n",
	    "min is above max");
	load_error("- pdu: {opcode: scsi_cmd}\n  same: [isid, {}]\n",
	    "'isid' is not a BHS field of scsi_cmd");
	load_error("- pdu: {opcode: login_req}\n  same: [isid]\n",
	    "'same' is [FIELD, {selector}]");
	load_error("- pdu: {after: {rule: a, pdu: {}}}\n  count: 1\n",
	    "'after' names one 'rule'");
	load_error("- pdu: {after: {pdu: {}, nth: 2}}\n  count: 1\n",
	    "'nth' goes with 'rule'");
	load_error("- pdu: {opcode: login_req}\n  count: 1\n  color: red\n",
	    "t.yaml:3: unknown key 'color'");
	load_error("- pdu: {after: {pdu: {after: {pdu: {after: {pdu: {after: "
	    "{pdu: {after: {pdu: {}}}}}}}}}}}\n  count: 1\n", "nested too deep");
	load_error("{pdu: {}}\n", "'wire' is a list");
}

/* ---- a capture file, through the analyzer -------------------------------- */

static void
test_capture_file(void)
{
	char path[] = "/tmp/ib-wire-XXXXXX";
	char addrs[SCN_MAX_PORTALS][128] = { "10.0.0.7:4001", "10.0.0.7:4002" };
	uint16_t ports[2] = { 4001, 4002 };
	struct pcapng w;
	struct tflow f;
	struct wire_log l;
	struct verdicts vs = { 0 };
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd != -1);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(pcapng_open(&w, path, PKT_LINK_ETHERNET, 65535,
	    "unit test"), 0);
	tflow_init(&f, NULL, 50001, 7, 4001);		/* to p1 */
	f.out = &w;
	tflow_open(&f);
	tflow_login(&f, "InitiatorName=iqn.i;TargetName=iqn.t", "");
	tflow_close(&f, TF_I);
	tflow_init(&f, NULL, 50002, 7, 4002);		/* then to p2 */
	f.out = &w;
	f.t += 3.0;
	tflow_open(&f);
	tflow_login(&f, "InitiatorName=iqn.i;TargetName=iqn.t", "");
	tflow_close(&f, TF_I);
	CU_ASSERT_EQUAL_FATAL(pcapng_close(&w), 0);

	wire_log_capture(&l, path, ports, 2, addrs, 2);
	CU_ASSERT_FATAL(l.usable);
	CU_ASSERT_EQUAL_FATAL(l.n, 4);
	CU_ASSERT_EQUAL(l.p[0].conn, 1);
	CU_ASSERT_EQUAL(l.p[0].portal, 0);
	CU_ASSERT_EQUAL(l.p[2].conn, 2);
	CU_ASSERT_EQUAL(l.p[2].portal, 1);
	CU_ASSERT_EQUAL(l.p[1].dir, ANA_DIR_T2I);
	eval("- pdu: {direction: i2t, opcode: login_req, connection: 2, portal: p2, "
	    "key: TargetName=iqn.t, after: {pdu: {opcode: login_rsp, portal: p1}}}\n"
	    "  count: 1\n"
	    "  first_gap_ms: {min: 2900, max: 3100}\n"
	    "  same: [isid, {connection: 1, opcode: login_req}]\n", &l, &vs);
	show(&vs);
	CU_ASSERT_EQUAL(vs.n, 3);
	CU_ASSERT_EQUAL(vs.failed, 0);
	verdicts_free(&vs);
	wire_log_free(&l);

	/* a capture that cannot be read fails every assertion, with why */
	wire_log_capture(&l, "/nonexistent/capture.pcapng", ports, 2, addrs, 2);
	CU_ASSERT(!l.usable);
	CU_ASSERT_PTR_NOT_NULL(strstr(l.why, "unreadable"));
	eval("- pdu: {opcode: scsi_cmd}\n  none: true\n", &l, &vs);
	CU_ASSERT_EQUAL(vs.failed, 1);
	verdicts_free(&vs);
	wire_log_free(&l);
	unlink(path);
}

/* ---- faults_not_fired, event fields nth / all -------------------------- */

static const char scn_text[] =
    "name: x\n"
    "target: {portals: [{name: p1}, {name: p2}]}\n"
    "rules: [{name: redirect}, {name: retry-witness}, {match: {}}]\n"
    "initiator: {script: VersionInfo}\n"
    "expect:\n"
    "  faults_fired: [redirect]\n"
    "  faults_not_fired: [retry-witness, rule3]\n"
    "  events:\n"
    "    fields:\n"
    "      - {event: 1, path: data.port, equals: 3260}\n"
    "      - {event: 1, nth: 2, path: data.port, equals: 3261}\n"
    "      - {event: 20, all: true, path: data.cid, equals: 0}\n"
    "  wire:\n"
    "    - pdu: {opcode: login_req, after: {rule: redirect}}\n"
    "      count: {min: 1}\n";

static char *
tmpfile_with(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/ib-wire-XXXXXX");
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	return strdup(path);
}

static void
test_scenario_expectations(void)
{
	struct scn s;
	struct observation o;
	struct verdicts vs = { 0 };
	char err[256], *p = tmpfile_with(scn_text), *ev, *fl;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	if (scn_load(p, &s, err, sizeof(err)) != 0)
		fprintf(stderr, "\n  %s\n", err);
	unlink(p);
	free(p);
	CU_ASSERT_EQUAL(s.nrules, 3);
	CU_ASSERT_STRING_EQUAL(s.rules[2], "rule3");	/* the target's name */
	CU_ASSERT_EQUAL(s.nfaults_not_fired, 2);
	CU_ASSERT_EQUAL(s.nwire, 1);
	CU_ASSERT_EQUAL(s.fields[1].nth, 2);
	CU_ASSERT(s.fields[2].all);
	obs_init(&o);
	ev = tmpfile_with("{\"event\": 1, \"data\": {\"port\": 3260}}\n"
	    "{\"event\": 20, \"data\": {\"cid\": 0}}\n"
	    "{\"event\": 1, \"data\": {\"port\": 3261}}\n"
	    "{\"event\": 20, \"data\": {\"cid\": 1}}\n");
	fl = tmpfile_with("{\"rule\": \"redirect\", \"wall_us\": 1700000000000500}\n"
	    "{\"rule\": \"retry-witness\"}\n{\"rule\": \"retry-witness\"}\n");
	CU_ASSERT_EQUAL(obs_read_events(&o, ev, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(obs_read_fired(&o, fl, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(o.nfirings, 3);
	CU_ASSERT_EQUAL(o.firings[0].wall_us, 1700000000000500ll);
	CU_ASSERT_EQUAL(o.firings[1].wall_us, -1);
	expect_evaluate(&s, &o, NULL, &vs);
	show(&vs);
	for (i = 0; i < vs.n; i++) {
		const struct verdict *v = &vs.v[i];

		if (strcmp(v->what, "fault rule 'retry-witness' did not fire") == 0) {
			CU_ASSERT(!v->pass);
			CU_ASSERT_STRING_EQUAL(v->detail, "fired 2 time(s) (see "
			    "faults.jsonl)");
		} else if (strcmp(v->what, "fault rule 'rule3' did not fire") == 0) {
			CU_ASSERT(v->pass);
		} else if (strcmp(v->what, "event 1 record 2 data.port") == 0) {
			CU_ASSERT(v->pass);
		} else if (strcmp(v->what, "event 20 data.cid, every record") == 0) {
			CU_ASSERT(!v->pass);
			CU_ASSERT_STRING_EQUAL(v->detail, "expected 0; record 2 "
			    "has 1");
		}
	}
	CU_ASSERT_EQUAL(vs.failed, 2);
	verdicts_free(&vs);
	/* no capture: the wire assertion fails, with the reason */
	expect_evaluate_wire(&s, &o, "not captured: no permission", NULL, &vs);
	CU_ASSERT_EQUAL_FATAL(vs.n, 1);
	CU_ASSERT(!vs.v[0].pass);
	CU_ASSERT_STRING_EQUAL(vs.v[0].detail, "cannot be evaluated: not "
	    "captured: no permission");
	verdicts_free(&vs);
	obs_free(&o);
	scn_free(&s);
	unlink(ev);
	unlink(fl);
	free(ev);
	free(fl);
}

static void
scn_error(const char *expect, const char *msg)
{
	char text[1024], err[256] = "", *p;
	struct scn s;

	snprintf(text, sizeof(text), "name: x\ntarget: {portals: [{name: p1}]}\n"
	    "rules: [{name: r1}]\ninitiator: {script: VersionInfo}\nexpect:\n%s",
	    expect);
	p = tmpfile_with(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(scn_load(p, &s, err, sizeof(err)), -1);
	if (strstr(err, msg) == NULL)
		fprintf(stderr, "\n  got '%s', wanted '%s'\n", err, msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
	CU_ASSERT_EQUAL(strncmp(err, p, strlen(p)), 0);	/* file:line: */
	unlink(p);
	free(p);
}

static void
test_scenario_errors(void)
{
	scn_error("  faults_not_fired: [r2]\n", ":6: no rule named 'r2'");
	scn_error("  faults_fired: [r1]\n  faults_not_fired: [r1]\n",
	    "cannot both fire and not fire");
	scn_error("  wire:\n    - pdu: {after: {rule: r9}}\n      count: 1\n",
	    ":7: 'after': no rule named 'r9'");
	scn_error("  events: {fields: [{event: 1, all: true, nth: 2, path: a, "
	    "equals: 1}]}\n", "'nth' or 'all'");
	scn_error("  same: [[{event: 1, all: true, path: a}, {event: 1, path: a}]]\n",
	    "'all' checks every record");
	scn_error("  steps: [{step: 1, isdsc: 0, result: {a: 1}}]\n"
	    "  same: [[{step: 1, nth: 2, path: a}, {step: 1, path: a}]]\n",
	    "pick records of an 'event'");
}

static CU_TestInfo wire_tests[] = {
	{ "field_names_rfc7143", test_field_names },
	{ "after_rule_redirect", test_after_rule },
	{ "first_gap_time2wait", test_first_gap },
	{ "known_deviation", test_known_deviation },
	{ "after_pdu_same_nth", test_after_pdu_same_nth },
	{ "login_text_keys", test_keys },
	{ "cannot_evaluate_fails", test_cannot_evaluate },
	{ "load_errors", test_load_errors },
	{ "capture_file", test_capture_file },
	{ "scenario_expectations", test_scenario_expectations },
	{ "scenario_errors_file_line", test_scenario_errors },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "wire", wire_tests)
