/*
 * target-sim fault rules: every action, its effect on the wire as the
 * initiator sees it, and the fault log line it leaves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "catalog.h"
#include "scsi.h"
#include "test_tsim_peer.h"

static struct evloop *loop;
static struct tsim *tgt;
static struct tpeer pe;
static char *logbuf;
static size_t loglen;
static FILE *flog;

static void
start(const char *rules)
{
	loop = evloop_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
	tgt = tpeer_target_std(loop, rules);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	flog = open_memstream(&logbuf, &loglen);
	tsim_set_fault_log(tgt, flog);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
}

static void
start_with(const char *yaml)
{
	loop = evloop_new(NULL);
	tgt = tpeer_target(loop, yaml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	flog = open_memstream(&logbuf, &loglen);
	tsim_set_fault_log(tgt, flog);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
}

static int
login(const char *const *op)
{
	struct tpeer_login o = { .target = TPEER_TARGET, .op_keys = op };

	return tpeer_login(&pe, &o);
}

/* The fault log holds a line for rule `name` with `field` in it. */
static bool
logged(const char *name, const char *field)
{
	char want[128];
	const char *l;

	fflush(flog);
	snprintf(want, sizeof(want), "\"rule\":\"%s\"", name);
	for (l = logbuf; l != NULL && *l != '\0'; l = strchr(l, '\n') ?
	    strchr(l, '\n') + 1 : NULL) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (strstr(line, want) && (field == NULL || strstr(line, field)))
			return true;
	}
	return false;
}

static void
stop(void)
{
	tpeer_destroy(&pe);
	tsim_destroy(tgt);
	fclose(flog);
	free(logbuf);
	logbuf = NULL;
	evloop_free(loop);
}

/* ---- login answers ------------------------------------------------------ */

/* seed 004 / RFC 7143 11.13.5: any status class/detail on demand; nth */
static void
test_login_status(void)
{
	start("  - name: busy\n"
	    "    match: { stage: security, nth: 2 }\n"
	    "    action: { type: login_status, status: OUT_OF_RESOURCES }\n");
	CU_ASSERT_EQUAL(login(NULL), 0);		/* 1st: passes */
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL(login(NULL), ISCSI_LOGIN_STATUS_OUT_OF_RESOURCES);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	CU_ASSERT_TRUE(logged("busy", "\"action\":\"login_status\""));
	CU_ASSERT_TRUE(logged("busy", "\"pdu\":\"Login Request\""));
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL(login(NULL), 0);		/* count 1: done */
	stop();
}

/* RFC 7143 11.13.5: 0x0101 / 0x0102 with TargetAddress */
static void
test_redirect(void)
{
	static const char y[] =
	    "target:\n"
	    "  portals:\n"
	    "    - { name: a, address: \"127.0.0.1:0\", tpgt: 1 }\n"
	    "    - { name: b, address: \"127.0.0.1:0\", tpgt: 2 }\n"
	    "  targets: [ { name: " TPEER_TARGET ", luns: [1M] } ]\n"
	    "rules:\n"
	    "  - name: hop\n"
	    "    match: { connection: 1 }\n"
	    "    action: { type: redirect, portal: b }\n"
	    "  - name: bad\n"
	    "    match: { connection: 2 }\n"
	    "    action: { type: redirect, permanent: true, address: \"999.1.1.1:99999,x\" }\n";
	char want[64], a[64];

	start_with(y);
	CU_ASSERT_EQUAL(login(NULL), ISCSI_LOGIN_STATUS_TARGET_MOVED_TEMPORARILY);
	/* RFC 7143 13.8: no portal group tag in a redirect */
	snprintf(want, sizeof(want), "%s",
	    netaddr_format(tsim_portal_addr(tgt, 1), a, sizeof(a)));
	CU_ASSERT_STRING_EQUAL(tpeer_text_value(&pe.cur, "TargetAddress"), want);
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL(login(NULL), ISCSI_LOGIN_STATUS_TARGET_MOVED_PERMANENTLY);
	CU_ASSERT_STRING_EQUAL(tpeer_text_value(&pe.cur, "TargetAddress"),
	    "999.1.1.1:99999,x");
	tpeer_destroy(&pe);
	/* portal b itself logs in fine */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 1), 0);
	CU_ASSERT_EQUAL(login(NULL), 0);
	CU_ASSERT_TRUE(logged("hop", NULL));
	CU_ASSERT_TRUE(logged("bad", NULL));
	stop();
}

/* match: { portal: NAME }: only connections accepted on that portal */
static void
test_portal_match(void)
{
	static const char y[] =
	    "target:\n"
	    "  portals:\n"
	    "    - { name: a, address: \"127.0.0.1:0\", tpgt: 1 }\n"
	    "    - { name: b, address: \"127.0.0.1:0\", tpgt: 1 }\n"
	    "  targets: [ { name: " TPEER_TARGET ", portals: [a, b], luns: [1M] } ]\n"
	    "rules:\n"
	    "  - name: refuse-b\n"
	    "    match: { portal: b, count: 0 }\n"
	    "    action: { type: login_status, status: 0x0300 }\n";

	start_with(y);		/* on portal a */
	CU_ASSERT_EQUAL(login(NULL), 0);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "refuse-b"), 0);
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 1), 0);
	CU_ASSERT_EQUAL(login(NULL), 0x0300);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "refuse-b"), 1);
	CU_ASSERT_TRUE(logged("refuse-b", "\"portal\":\"b\""));
	stop();
}

/* ---- negotiation oddities ----------------------------------------------- */

static void
neg_rules(char *buf, size_t sz, const char *kind, const char *extra)
{
	snprintf(buf, sz, "  - name: odd\n"
	    "    action: { type: negotiate, kind: %s%s }\n", kind,
	    extra ? extra : "");
}

static const char chap_target[] =
    "target:\n"
    "  portals: [ { name: p, address: \"127.0.0.1:0\" } ]\n"
    "  targets:\n"
    "    - name: " TPEER_TARGET "\n"
    "      luns: [1M]\n"
    "      auth:\n"
    "        chap: { user: alice, secret: alicesecret1 }\n"
    "        mutual: { user: tgt, secret: targetsecret2 }\n"
    "rules:\n";

static int
chap_login(const char *kind, bool mutual)
{
	char y[2048], r[256];
	struct tpeer_login o = { .target = TPEER_TARGET, .user = "alice",
		.secret = "alicesecret1" };

	if (mutual) {
		o.tuser = "tgt";
		o.tsecret = "targetsecret2";
	}
	neg_rules(r, sizeof(r), kind, NULL);
	snprintf(y, sizeof(y), "%s%s", chap_target, r);
	start_with(y);
	return tpeer_login(&pe, &o);
}

static void
test_negotiate_chap(void)
{
	const char *v;

	chap_login("unknown_chap_a", false);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "CHAP_A"), "99");
	CU_ASSERT_TRUE(logged("odd", "\"kind\":\"unknown_chap_a\""));
	stop();
	CU_ASSERT_EQUAL(chap_login("chap_c_invalid_chars", false), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = tpeer_key(&pe, "CHAP_C"));
	CU_ASSERT_EQUAL(strncmp(v, "0xZZ", 4), 0);
	stop();
	CU_ASSERT_EQUAL(chap_login("chap_c_too_long", false), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = tpeer_key(&pe, "CHAP_C"));
	CU_ASSERT_EQUAL(strlen(v), 2 + 2 * (CHAP_CHALLENGE_MAX + 1));
	stop();
	/* the peer checks the target's response: it must not match */
	CU_ASSERT_EQUAL(chap_login("wrong_mutual_chap_r", true), 0x0201);
	CU_ASSERT_TRUE(logged("odd", "wrong_mutual_chap_r"));
	stop();
	/* reflection: the peer's own CHAP_I / CHAP_C (77, 16 x 0x5c) come
	 * back instead of CHAP_N / CHAP_R */
	CU_ASSERT_EQUAL(chap_login("reflect_chap_c", true), 0x0201);
	CU_ASSERT_PTR_NULL(tpeer_text_value(&pe.cur, "CHAP_R"));
	CU_ASSERT_PTR_NULL(tpeer_text_value(&pe.cur, "CHAP_N"));
	CU_ASSERT_STRING_EQUAL(tpeer_text_value(&pe.cur, "CHAP_I"), "77");
	CU_ASSERT_STRING_EQUAL(tpeer_text_value(&pe.cur, "CHAP_C"),
	    "0x5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c");
	CU_ASSERT_TRUE(logged("odd", "reflect_chap_c"));
	stop();
	/* the peer goes on with CHAP regardless: only the key is missing */
	chap_login("no_auth_method", false);
	CU_ASSERT_PTR_NULL(tpeer_key(&pe, "AuthMethod"));
	CU_ASSERT_PTR_NOT_NULL(tpeer_key(&pe, "CHAP_C"));
	stop();
	chap_login("unknown_auth_method", false);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "AuthMethod"), "Bogus");
	stop();
}

static void
test_negotiate_operational(void)
{
	static const char *const digests[] = { "HeaderDigest=CRC32C",
		"DataDigest=CRC32C", "FirstBurstLength=65536",
		"MaxBurstLength=262144", NULL };
	char r[256];
	const struct tpeer_pdu *p;
	uint8_t tb[4096];
	uint32_t n = 0, i;

	neg_rules(r, sizeof(r), "digest_none_only", NULL);
	start(r);
	CU_ASSERT_EQUAL(login(digests), 0);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "HeaderDigest"), "None");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "DataDigest"), "None");
	/* both sides then run without digests */
	tpeer_nop(&pe, "z", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->code, PDU_OK);
	stop();

	neg_rules(r, sizeof(r), "max_burst_below_first_burst", NULL);
	start(r);
	CU_ASSERT_EQUAL(login(digests), 0);
	CU_ASSERT_TRUE(strtoul(tpeer_key(&pe, "MaxBurstLength"), NULL, 10) <
	    strtoul(tpeer_key(&pe, "FirstBurstLength"), NULL, 10));
	stop();

	neg_rules(r, sizeof(r), "data_pdu_in_order_no", NULL);
	start(r);
	CU_ASSERT_EQUAL(login(NULL), 0);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "DataPDUInOrder"), "No");
	stop();

	neg_rules(r, sizeof(r), "data_sequence_in_order_no", NULL);
	start(r);
	CU_ASSERT_EQUAL(login(NULL), 0);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "DataSequenceInOrder"), "No");
	stop();

	/* seed 004 event 3: MaxCmdSN not serially greater than ExpCmdSN */
	neg_rules(r, sizeof(r), "maxcmdsn_not_greater", NULL);
	start(r);
	CU_ASSERT_EQUAL(login(NULL), 0);
	CU_ASSERT_EQUAL(pe.cur.p.u.login_rsp.maxcmdsn,
	    pe.cur.p.u.login_rsp.expcmdsn);
	stop();

	neg_rules(r, sizeof(r), "duplicate_key", ", key: TargetPortalGroupTag");
	start(r);
	login(NULL);
	memcpy(tb, pe.rkeys.buf, pe.rkeys.len < sizeof(tb) ? pe.rkeys.len :
	    sizeof(tb));
	for (i = 0; i + 20 < pe.rkeys.len && i + 20 < sizeof(tb); i++)
		if (memcmp(tb + i, "TargetPortalGroupTag=", 21) == 0)
			n++;
	CU_ASSERT_EQUAL(n, 2);
	stop();

	neg_rules(r, sizeof(r), "malformed", NULL);
	start(r);
	login(NULL);
	CU_ASSERT_TRUE(memmem(pe.rkeys.buf, pe.rkeys.len,
	    "MalformedPairWithoutValue", 25) != NULL);
	stop();

	neg_rules(r, sizeof(r), "set_key", ", key: X-Vendor-Odd, value: yes");
	start(r);
	CU_ASSERT_EQUAL(login(NULL), 0);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "X-Vendor-Odd"), "yes");
	stop();

	/* add_key keeps the pair already there: two TargetPortalGroupTag */
	neg_rules(r, sizeof(r), "add_key",
	    ", key: TargetPortalGroupTag, value: \"77\"");
	start(r);
	login(NULL);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "TargetPortalGroupTag"), "1");
	CU_ASSERT_TRUE(memmem(pe.rkeys.buf, pe.rkeys.len,
	    "TargetPortalGroupTag=77", 24) != NULL);
	stop();

	neg_rules(r, sizeof(r), "remove_key", ", key: TargetPortalGroupTag");
	start(r);
	CU_ASSERT_EQUAL(login(NULL), 0);
	CU_ASSERT_PTR_NULL(tpeer_key(&pe, "TargetPortalGroupTag"));
	stop();
}

/* ---- digests, reject, drop ---------------------------------------------- */

static const char *const both_digests[] = { "HeaderDigest=CRC32C",
	"DataDigest=CRC32C", NULL };

static void
test_corrupt_digest(void)
{
	const struct tpeer_pdu *p;

	start("  - name: hd\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: corrupt_digest, which: data }\n");
	CU_ASSERT_EQUAL_FATAL(login(both_digests), 0);
	tpeer_nop(&pe, "ping", 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(p->code, PDU_EDDIGEST);
	stop();
	start("  - name: hd\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: corrupt_digest, which: header }\n");
	CU_ASSERT_EQUAL_FATAL(login(both_digests), 0);
	tpeer_nop(&pe, "ping", 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->code, PDU_EHDIGEST);
	CU_ASSERT_TRUE(logged("hd", "\"dir\":\"out\""));
	stop();
	/* a NOP-In sent by another rule (timer ping with data) still gets
	 * the wrong digest; the other kinds of rule do not nest */
	start("  - name: ping\n"
	    "    match: { after: { event: ffp, ms: 5 } }\n"
	    "    action: { type: nop_in, bytes: 16 }\n"
	    "  - name: dd\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: corrupt_digest, which: data }\n"
	    "  - name: never\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: drop }\n");
	CU_ASSERT_EQUAL_FATAL(login(both_digests), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(p->p.data_len, 16);
	CU_ASSERT_EQUAL(p->code, PDU_EDDIGEST);
	CU_ASSERT_TRUE(logged("dd", "\"dir\":\"out\""));
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "dd"), 1);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "never"), 0);
	stop();
}

static void
test_reject(void)
{
	const struct tpeer_pdu *p;
	uint8_t cdb[16];
	uint32_t itt;

	start("  - name: rj\n"
	    "    match: { opcode: scsi_cmd, scsi_opcode: 0x00 }\n"
	    "    action: { type: reject, reason: invalid_pdu_field }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	scsi_cdb_test_unit_ready(cdb);
	itt = tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_REJECT);
	CU_ASSERT_EQUAL(p->p.u.reject.reason, ISCSI_REJECT_INVALID_PDU_FIELD);
	CU_ASSERT_EQUAL(p->p.data_len, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(p->data[0] & 0x3f, PDU_OP_SCSI_CMD);
	CU_ASSERT_EQUAL(p->data[16] << 24 | p->data[17] << 16 |
	    p->data[18] << 8 | p->data[19], itt);
	/* the CmdSN was consumed: the next command runs */
	itt = tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(p->p.itt, itt);
	stop();
}

static void
test_drop(void)
{
	uint8_t cdb[16], buf[4096];
	uint32_t got, resid;
	const struct tpeer_pdu *p;

	/* during login, FIN */
	start("  - name: d\n"
	    "    match: { opcode: login_req }\n"
	    "    action: { type: drop }\n");
	CU_ASSERT_EQUAL(login(NULL), -1);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(pe.close_err, 0);
	stop();
	/* mid-transfer: after the first Data-In, RST */
	start("  - name: d\n"
	    "    match: { direction: out, opcode: data_in }\n"
	    "    action: { type: drop, how: rst, when: after }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	scsi_cdb_read10(cdb, 0, 8, 0);
	tpeer_read(&pe, cdb, 4096, buf, &got, &resid);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(pe.close_err, ECONNRESET);
	stop();
	/* during logout: no Logout Response, the link goes */
	start("  - name: d\n"
	    "    match: { opcode: logout_req }\n"
	    "    action: { type: drop, how: rst }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	{
		struct pdu l;

		pdu_init(&l, PDU_OP_LOGOUT_REQ);
		l.itt = 3;
		l.immediate = true;
		tpeer_send(&pe, &l);
	}
	p = tpeer_recv(&pe, 200);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(pe.close_err, ECONNRESET);
	stop();
}

/* RFC 7143 11.15.1: a Logout Response with another Response code */
static void
test_logout_response(void)
{
	const struct tpeer_pdu *p;
	struct pdu l;

	start("  - name: cleanup-failed\n"
	    "    action: { type: logout_response, response: 3 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	pdu_init(&l, PDU_OP_LOGOUT_REQ);
	l.itt = 3;
	l.immediate = true;
	tpeer_send(&pe, &l);
	p = tpeer_recv(&pe, TPEER_WAIT_MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_LOGOUT_RSP);
	CU_ASSERT_EQUAL(p->p.u.logout_rsp.response, 3);
	CU_ASSERT_EQUAL(p->p.itt, 3);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "cleanup-failed"), 1);
	CU_ASSERT_TRUE(logged("cleanup-failed", "\"pdu\":\"Logout Response\""));
	stop();
}

/* ---- time: stall, delay, ignore ----------------------------------------- */

static void
test_stall_delay_ignore(void)
{
	const struct tpeer_pdu *p;
	uint64_t t0;

	start("  - name: st\n"
	    "    match: { opcode: nop_out }\n"
	    "    action: { type: stall, ms: 300 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	t0 = evloop_now(loop);
	tpeer_nop(&pe, "a", 1);
	CU_ASSERT_PTR_NULL(tpeer_recv(&pe, 200));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_TRUE(evloop_now(loop) - t0 >= 300 * EV_NSEC_PER_MSEC);
	stop();

	start("  - name: dl\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: delay, ms: 200 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	t0 = evloop_now(loop);
	tpeer_nop(&pe, "a", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_TRUE(evloop_now(loop) - t0 >= 200 * EV_NSEC_PER_MSEC);
	stop();

	start("  - name: ig\n"
	    "    match: { opcode: nop_out }\n"
	    "    action: { type: ignore }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	tpeer_nop(&pe, "a", 1);
	CU_ASSERT_PTR_NULL(tpeer_recv(&pe, 200));
	tpeer_nop(&pe, "b", 1);			/* count 1: answered */
	CU_ASSERT_PTR_NOT_NULL(tpeer_recv(&pe, TPEER_WAIT_MS));
	stop();
}

/* ---- PDUs of their own: Async, NOP-In ----------------------------------- */

static void
test_async(void)
{
	const struct tpeer_pdu *p;

	start("  - name: lo\n"
	    "    match: { after: { event: ffp, ms: 10 } }\n"
	    "    action: { type: async, event: logout_request, time: 7 }\n"
	    "  - name: rn\n"
	    "    match: { after: { event: ffp, ms: 30 } }\n"
	    "    action: { type: async, event: negotiation_request, time: 9 }\n"
	    "  - name: cd\n"
	    "    match: { after: { event: ffp, ms: 60 } }\n"
	    "    action: { type: async, event: connection_drop, time2wait: 3, time2retain: 4 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_ASYNC);
	CU_ASSERT_EQUAL(p->p.u.async.event, ISCSI_ASYNC_LOGOUT_REQUEST);
	CU_ASSERT_EQUAL(p->p.u.async.param3, 7);
	CU_ASSERT_EQUAL(p->p.itt, PDU_TAG_RESERVED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.u.async.event, ISCSI_ASYNC_NEGOTIATION_REQUEST);
	CU_ASSERT_EQUAL(p->p.u.async.param3, 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.u.async.event, ISCSI_ASYNC_CONNECTION_DROP);
	CU_ASSERT_EQUAL(p->p.u.async.param1, 0);	/* our CID */
	CU_ASSERT_EQUAL(p->p.u.async.param2, 3);
	CU_ASSERT_EQUAL(p->p.u.async.param3, 4);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	CU_ASSERT_TRUE(logged("cd", "\"dir\":\"timer\""));
	stop();

	start("  - name: sd\n"
	    "    match: { direction: out, opcode: scsi_rsp }\n"
	    "    action: { type: async, event: session_drop, time2wait: 5 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	{
		uint8_t cdb[16];

		scsi_cdb_test_unit_ready(cdb);
		tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_ASYNC);
	CU_ASSERT_EQUAL(p->p.u.async.event, ISCSI_ASYNC_SESSION_DROP);
	CU_ASSERT_EQUAL(p->p.u.async.param2, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	stop();

	start("  - name: ping\n"
	    "    match: { after: { event: ffp, ms: 5 } }\n"
	    "    action: { type: nop_in, bytes: 16 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(p->p.itt, PDU_TAG_RESERVED);
	CU_ASSERT_NOT_EQUAL(p->p.u.nop_in.ttt, PDU_TAG_RESERVED);
	CU_ASSERT_EQUAL(p->p.data_len, 16);
	stop();
}

/* ---- invalid PDUs ------------------------------------------------------- */

static const struct tpeer_pdu *
ping_through(const char *rules)
{
	start(rules);
	CU_ASSERT_EQUAL(login(NULL), 0);
	tpeer_nop(&pe, "abcd", 4);
	return tpeer_recv(&pe, TPEER_WAIT_MS);
}

static void
test_invalid_pdus(void)
{
	const struct tpeer_pdu *p;
	uint8_t cdb[16], buf[8192];
	uint32_t statsn, got, resid;

	p = ping_through("  - name: op\n"
	    "    match: { opcode: nop_out }\n"
	    "    action: { type: invalid_pdu, kind: unknown_opcode, opcode: 0x3c }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->p.opcode, 0x3c);
	CU_ASSERT_EQUAL(p->code, PDU_EOPCODE);
	stop();

	start("  - name: sn\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: invalid_pdu, kind: bad_statsn }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	statsn = pe.expstatsn;
	tpeer_nop(&pe, "x", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.u.nop_in.statsn, statsn + 1000);
	stop();

	start("  - name: itt\n"
	    "    match: { direction: out, opcode: scsi_rsp }\n"
	    "    action: { type: invalid_pdu, kind: unknown_itt }\n"
	    "  - name: rsp\n"
	    "    match: { direction: out, opcode: scsi_rsp, nth: 2 }\n"
	    "    action: { type: invalid_pdu, kind: data_in_response, bytes: 40 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	scsi_cdb_test_unit_ready(cdb);
	tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.itt, 0x7eadbeefu);
	tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(p->p.data_len, 40);
	CU_ASSERT_EQUAL(p->data[0] | p->data[1], 0);	/* no sense: data */
	stop();

	start("  - name: r2t\n"
	    "    match: { direction: out, opcode: r2t }\n"
	    "    action: { type: invalid_pdu, kind: invalid_r2t }\n");
	{
		static const char *const op[] = { "InitialR2T=Yes",
			"ImmediateData=No", NULL };

		CU_ASSERT_EQUAL_FATAL(login(op), 0);
	}
	scsi_cdb_write10(cdb, 0, 1, 0);
	tpeer_cmd(&pe, cdb, 512, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->p.opcode, PDU_OP_R2T);
	CU_ASSERT_EQUAL(p->p.u.r2t.ddtl, 0);
	CU_ASSERT_TRUE(p->p.u.r2t.buffer_offset >= 0x40000000u);
	stop();

	start("  - name: more\n"
	    "    match: { direction: out, opcode: data_in }\n"
	    "    action: { type: invalid_pdu, kind: more_data, bytes: 512 }\n");
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	scsi_cdb_read10(cdb, 0, 8, 0);
	CU_ASSERT_EQUAL(tpeer_read(&pe, cdb, 4096, buf, &got, &resid), 0);
	CU_ASSERT_EQUAL(got, 4096 + 512);
	stop();

	/* over MaxRecvDataSegmentLength: the peer's receive path says so */
	start("  - name: big\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: invalid_pdu, kind: over_mrdsl, bytes: 8 }\n");
	pe.mrdsl = 4096;
	CU_ASSERT_EQUAL_FATAL(login(NULL), 0);
	iconn_set_max_recv_dsl(&pe.c, 4096);
	tpeer_nop(&pe, "x", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->code, PDU_EOVERSIZE);
	CU_ASSERT_EQUAL(p->p.dsl, 4096 + 8);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "big"), 1);
	stop();
}

/* observe: fires (fault log, count) and changes nothing, in order */
static void
test_observe(void)
{
	const struct tpeer_pdu *p;

	start("  - name: seen-out\n"
	    "    match: { direction: out, opcode: nop_in }\n"
	    "    action: { type: observe }\n"
	    "  - name: seen-in\n"
	    "    match: { direction: in, opcode: nop_out, nth: 2 }\n"
	    "    action: { type: observe }\n");
	CU_ASSERT_EQUAL_FATAL(login(both_digests), 0);
	tpeer_nop(&pe, "one", 3);
	tpeer_nop(&pe, "two", 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->code, PDU_OK);
	CU_ASSERT_EQUAL(p->p.data_len, 3);
	CU_ASSERT_EQUAL(memcmp(p->data, "one", 3), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(p->code, PDU_OK);
	CU_ASSERT_EQUAL(memcmp(p->data, "two", 3), 0);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "seen-out"), 1);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "seen-in"), 1);
	CU_ASSERT_TRUE(logged("seen-out", "\"action\":\"observe\""));
	stop();
}

static CU_TestInfo fault_tests[] = {
	{ "observe_changes_nothing", test_observe },
	{ "seed004_login_status_any_nth", test_login_status },
	{ "rfc7143_11_13_5_redirect_portal_and_invalid", test_redirect },
	{ "match_portal_name", test_portal_match },
	{ "negotiate_chap_oddities", test_negotiate_chap },
	{ "negotiate_operational_oddities", test_negotiate_operational },
	{ "rfc7143_11_2_corrupt_digests", test_corrupt_digest },
	{ "rfc7143_11_17_reject_with_header", test_reject },
	{ "drop_fin_rst_login_transfer_logout", test_drop },
	{ "rfc7143_11_15_1_logout_response_code", test_logout_response },
	{ "stall_delay_ignore", test_stall_delay_ignore },
	{ "rfc7143_11_9_async_events_nop_in", test_async },
	{ "invalid_pdus", test_invalid_pdus },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_faults", fault_tests)
