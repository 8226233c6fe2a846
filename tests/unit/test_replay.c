/*
 * iscsi-bench replay: the mapping of analyzer observations to fault rules
 * (harness/replay_rules.c) and of initiator actions to verbs
 * (harness/replay_script.c), with hand-made observation sequences.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdu.h"
#include "replay.h"
#include "scsi.h"
#include "unit.h"

static uint64_t next_index;

static struct rp_pdu
obs(enum ana_dir dir, unsigned conn, uint8_t op, double t, uint32_t itt)
{
	struct rp_pdu p;

	memset(&p, 0, sizeof(p));
	p.index = ++next_index;
	p.time = t;
	p.dir = dir;
	p.conn = conn;
	p.opcode = op;
	p.itt = itt;
	p.scsi_opcode = p.stage = p.rej_opcode = p.rej_scsi_opcode = -1;
	return p;
}

static void
feed(struct rp_rules *r, struct rp_pdu p)
{
	CU_ASSERT_EQUAL_FATAL(rp_rules_pdu(r, &p), 0);
}

/* conn logs in: request with InitiatorName, final response at t */
static void
login_ok(struct rp_rules *r, unsigned conn, double t)
{
	struct rp_pdu p = obs(ANA_DIR_I2T, conn, PDU_OP_LOGIN_REQ, t - 0.001, 1);

	p.stage = 1;
	p.keys = RP_KEY_INITIATOR_NAME;
	feed(r, p);
	p = obs(ANA_DIR_T2I, conn, PDU_OP_LOGIN_RSP, t, 1);
	p.stage = 1;
	p.login_final = true;
	feed(r, p);
}

static struct rp_pdu
scsi(unsigned conn, uint8_t cdb0, double t, uint32_t itt)
{
	struct rp_pdu p = obs(ANA_DIR_I2T, conn, PDU_OP_SCSI_CMD, t, itt);

	p.scsi_opcode = cdb0;
	return p;
}

static void
test_reject_nth(void)
{
	struct rp_rules r;
	struct rp_pdu p;

	rp_rules_init(&r);
	login_ok(&r, 1, 1.0);
	feed(&r, scsi(1, SCSI_OP_INQUIRY, 1.1, 2));	/* not a READ */
	feed(&r, scsi(1, SCSI_OP_READ10, 1.2, 3));
	feed(&r, obs(ANA_DIR_T2I, 1, PDU_OP_SCSI_RSP, 1.21, 3));
	feed(&r, scsi(1, SCSI_OP_READ10, 1.3, 4));
	p = obs(ANA_DIR_T2I, 1, PDU_OP_REJECT, 1.31, PDU_TAG_RESERVED);
	p.reason = 0x04;
	p.rej_opcode = PDU_OP_SCSI_CMD;
	p.rej_scsi_opcode = SCSI_OP_READ10;
	p.rej_itt = 4;
	feed(&r, p);
	rp_rules_finish(&r);
	CU_ASSERT_EQUAL_FATAL(r.nrules, 1);
	CU_ASSERT_EQUAL(r.rules[0].kind, RP_REJECT);
	CU_ASSERT_EQUAL(r.rules[0].m.dir, RP_IN);
	CU_ASSERT_EQUAL(r.rules[0].m.opcode, PDU_OP_SCSI_CMD);
	CU_ASSERT_EQUAL(r.rules[0].m.scsi_opcode, SCSI_OP_READ10);
	CU_ASSERT_EQUAL(r.rules[0].m.nth, 2);	/* the second READ(10) */
	CU_ASSERT_EQUAL(r.rules[0].reason, 0x04);
	rp_rules_free(&r);
}

static void
test_login_status_and_redirect(void)
{
	struct rp_rules r;
	struct rp_pdu p;

	rp_rules_init(&r);
	/* login 1 redirected, login 2 (elsewhere) succeeds, login 3 refused
	   at its CHAP response */
	p = obs(ANA_DIR_I2T, 1, PDU_OP_LOGIN_REQ, 1.0, 1);
	p.stage = 0;
	p.keys = RP_KEY_INITIATOR_NAME;
	feed(&r, p);
	p = obs(ANA_DIR_T2I, 1, PDU_OP_LOGIN_RSP, 1.001, 1);
	p.status_class = 1;
	p.status_detail = 2;
	p.redirect_to = "127.0.0.1:3261,2";
	feed(&r, p);
	login_ok(&r, 2, 1.1);
	p = obs(ANA_DIR_I2T, 3, PDU_OP_LOGIN_REQ, 2.0, 7);
	p.stage = 0;
	p.keys = RP_KEY_INITIATOR_NAME;
	feed(&r, p);
	feed(&r, obs(ANA_DIR_T2I, 3, PDU_OP_LOGIN_RSP, 2.001, 7));
	p = obs(ANA_DIR_I2T, 3, PDU_OP_LOGIN_REQ, 2.002, 7);
	p.stage = 0;
	p.keys = RP_KEY_CHAP_A;
	feed(&r, p);
	feed(&r, obs(ANA_DIR_T2I, 3, PDU_OP_LOGIN_RSP, 2.003, 7));
	p = obs(ANA_DIR_I2T, 3, PDU_OP_LOGIN_REQ, 2.004, 7);
	p.stage = 0;
	p.keys = RP_KEY_CHAP_R;
	feed(&r, p);
	p = obs(ANA_DIR_T2I, 3, PDU_OP_LOGIN_RSP, 2.005, 7);
	p.status_class = 2;
	p.status_detail = 1;
	feed(&r, p);
	/* the target closes after a refused login: ordinary */
	CU_ASSERT_EQUAL(rp_rules_conn_end(&r, 3, ANA_DIR_T2I, false, 2.006), 0);
	rp_rules_finish(&r);
	CU_ASSERT_EQUAL_FATAL(r.nrules, 2);
	/* latest first */
	CU_ASSERT_EQUAL(r.rules[0].kind, RP_LOGIN_STATUS);
	CU_ASSERT_EQUAL(r.rules[0].m.key, RP_KEY_CHAP_R);
	CU_ASSERT_EQUAL(r.rules[0].m.nth, 1);
	CU_ASSERT_EQUAL(r.rules[0].status_class, 2);
	CU_ASSERT_EQUAL(r.rules[0].status_detail, 1);
	CU_ASSERT_EQUAL(r.rules[1].kind, RP_REDIRECT);
	CU_ASSERT_EQUAL(r.rules[1].m.key, RP_KEY_INITIATOR_NAME);
	CU_ASSERT_EQUAL(r.rules[1].m.nth, 1);
	CU_ASSERT_EQUAL(r.rules[1].status_detail, 2);
	CU_ASSERT_STRING_EQUAL(r.rules[1].address, "127.0.0.1:3261,2");
	rp_rules_free(&r);
}

static void
test_async_timer_or_trigger(void)
{
	struct rp_rules r;
	struct rp_pdu p;

	rp_rules_init(&r);
	login_ok(&r, 1, 10.0);
	p = obs(ANA_DIR_T2I, 1, PDU_OP_ASYNC, 10.250, PDU_TAG_RESERVED);
	p.async_event = 1;
	p.async_param[2] = 5;
	feed(&r, p);
	/* right after a NOP-Out: sent on it */
	feed(&r, obs(ANA_DIR_I2T, 1, PDU_OP_NOP_OUT, 11.0, 9));
	p = obs(ANA_DIR_T2I, 1, PDU_OP_ASYNC, 11.0005, PDU_TAG_RESERVED);
	p.async_event = 2;
	feed(&r, p);
	/* and the target closes right after it: the Async's own drop */
	CU_ASSERT_EQUAL(rp_rules_conn_end(&r, 1, ANA_DIR_T2I, false, 11.001), 0);
	rp_rules_finish(&r);
	CU_ASSERT_EQUAL_FATAL(r.nrules, 2);
	CU_ASSERT_EQUAL(r.rules[0].kind, RP_ASYNC);
	CU_ASSERT_EQUAL(r.rules[0].event, 2);
	CU_ASSERT_EQUAL(r.rules[0].m.dir, RP_IN);
	CU_ASSERT_EQUAL(r.rules[0].m.opcode, PDU_OP_NOP_OUT);
	CU_ASSERT_TRUE(r.rules[0].async_drop);
	CU_ASSERT_EQUAL(r.rules[1].event, 1);
	CU_ASSERT_EQUAL(r.rules[1].m.dir, RP_TIMER);
	CU_ASSERT_EQUAL(r.rules[1].m.conn, 1);
	CU_ASSERT_EQUAL(r.rules[1].m.after_event, RP_EV_FFP);
	CU_ASSERT_EQUAL(r.rules[1].m.after_ms, 250);
	CU_ASSERT_EQUAL(r.rules[1].param[2], 5);
	CU_ASSERT_FALSE(r.rules[1].async_drop);
	rp_rules_free(&r);
}

static void
test_digest_counts_applicable(void)
{
	struct rp_rules r;
	struct rp_pdu p;
	int i;

	rp_rules_init(&r);
	login_ok(&r, 1, 1.0);
	for (i = 0; i < 4; i++) {
		p = obs(ANA_DIR_T2I, 1, PDU_OP_DATA_IN, 2.0 + i, 3);
		p.hdigest = p.ddigest = true;
		p.data_len = i == 0 ? 0 : 512;	/* no data: no data digest */
		p.bad_ddigest = i == 2;
		feed(&r, p);
	}
	p = obs(ANA_DIR_T2I, 1, PDU_OP_NOP_IN, 7.0, PDU_TAG_RESERVED);
	p.hdigest = true;
	p.bad_hdigest = true;
	feed(&r, p);
	rp_rules_finish(&r);
	CU_ASSERT_EQUAL_FATAL(r.nrules, 3);	/* ping digest, data, ping */
	CU_ASSERT_EQUAL(r.rules[0].kind, RP_CORRUPT_DIGEST);
	CU_ASSERT_TRUE(r.rules[0].header);
	CU_ASSERT_EQUAL(r.rules[0].m.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(r.rules[0].m.nth, 1);
	CU_ASSERT_EQUAL(r.rules[1].kind, RP_CORRUPT_DIGEST);
	CU_ASSERT_FALSE(r.rules[1].header);
	CU_ASSERT_EQUAL(r.rules[1].m.opcode, PDU_OP_DATA_IN);
	CU_ASSERT_EQUAL(r.rules[1].m.nth, 2);	/* 2nd Data-In with data */
	/* the ping itself: a moment, 6 s into full feature phase */
	CU_ASSERT_EQUAL(r.rules[2].kind, RP_NOP_IN);
	CU_ASSERT_EQUAL(r.rules[2].m.dir, RP_TIMER);
	CU_ASSERT_EQUAL(r.rules[2].m.after_ms, 6000);
	rp_rules_free(&r);
}

static void
test_drops(void)
{
	struct rp_rules r;

	rp_rules_init(&r);
	/* conn 1: RST right after the 2nd Data-In */
	login_ok(&r, 1, 1.0);
	feed(&r, scsi(1, SCSI_OP_READ10, 1.1, 5));
	feed(&r, obs(ANA_DIR_T2I, 1, PDU_OP_DATA_IN, 1.11, 5));
	feed(&r, obs(ANA_DIR_T2I, 1, PDU_OP_DATA_IN, 1.12, 5));
	CU_ASSERT_EQUAL(rp_rules_conn_end(&r, 1, ANA_DIR_T2I, true, 1.13), 0);
	/* conn 2: FIN on receipt of a WRITE */
	login_ok(&r, 2, 2.0);
	feed(&r, scsi(2, SCSI_OP_WRITE10, 2.1, 6));
	CU_ASSERT_EQUAL(rp_rules_conn_end(&r, 2, ANA_DIR_T2I, false, 2.2), 0);
	/* conn 3: the initiator closes; conn 4: after a Logout Response */
	login_ok(&r, 3, 3.0);
	CU_ASSERT_EQUAL(rp_rules_conn_end(&r, 3, ANA_DIR_I2T, false, 3.5), 0);
	login_ok(&r, 4, 4.0);
	feed(&r, obs(ANA_DIR_I2T, 4, PDU_OP_LOGOUT_REQ, 4.1, 8));
	feed(&r, obs(ANA_DIR_T2I, 4, PDU_OP_LOGOUT_RSP, 4.11, 8));
	CU_ASSERT_EQUAL(rp_rules_conn_end(&r, 4, ANA_DIR_T2I, false, 4.12), 0);
	/* conn 5: idle, FIN 1.5 s into full feature phase */
	login_ok(&r, 5, 5.0);
	feed(&r, obs(ANA_DIR_I2T, 5, PDU_OP_NOP_OUT, 5.2, 9));
	feed(&r, obs(ANA_DIR_T2I, 5, PDU_OP_NOP_IN, 5.201, 9));
	CU_ASSERT_EQUAL(rp_rules_conn_end(&r, 5, ANA_DIR_T2I, false, 6.5), 0);
	rp_rules_finish(&r);
	CU_ASSERT_EQUAL_FATAL(r.nrules, 3);
	CU_ASSERT_EQUAL(r.rules[0].kind, RP_DROP);	/* conn 5's NOP-In */
	CU_ASSERT_EQUAL(r.rules[0].m.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_TRUE(r.rules[0].after);
	CU_ASSERT_EQUAL(r.rules[1].m.dir, RP_IN);	/* conn 2 */
	CU_ASSERT_EQUAL(r.rules[1].m.scsi_opcode, SCSI_OP_WRITE10);
	CU_ASSERT_EQUAL(r.rules[1].m.nth, 1);
	CU_ASSERT_FALSE(r.rules[1].rst);
	CU_ASSERT_FALSE(r.rules[1].after);
	CU_ASSERT_EQUAL(r.rules[2].m.dir, RP_OUT);	/* conn 1 */
	CU_ASSERT_EQUAL(r.rules[2].m.opcode, PDU_OP_DATA_IN);
	CU_ASSERT_EQUAL(r.rules[2].m.nth, 2);
	CU_ASSERT_TRUE(r.rules[2].rst);
	CU_ASSERT_TRUE(r.rules[2].after);
	rp_rules_free(&r);
}

static void
test_delay(void)
{
	struct rp_rules r;

	rp_rules_init(&r);
	login_ok(&r, 1, 1.0);
	feed(&r, scsi(1, SCSI_OP_TEST_UNIT_READY, 2.0, 3));
	feed(&r, obs(ANA_DIR_T2I, 1, PDU_OP_SCSI_RSP, 2.010, 3));
	feed(&r, scsi(1, SCSI_OP_TEST_UNIT_READY, 3.0, 4));
	feed(&r, obs(ANA_DIR_T2I, 1, PDU_OP_SCSI_RSP, 3.700, 4));
	rp_rules_finish(&r);
	CU_ASSERT_EQUAL_FATAL(r.nrules, 1);
	CU_ASSERT_EQUAL(r.rules[0].kind, RP_DELAY);
	CU_ASSERT_EQUAL(r.rules[0].m.dir, RP_OUT);
	CU_ASSERT_EQUAL(r.rules[0].m.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r.rules[0].m.nth, 2);
	CU_ASSERT_EQUAL(r.rules[0].ms, 700);
	rp_rules_free(&r);
}

/* ---- script ----------------------------------------------------------- */

static struct rp_action
act(enum rp_act_kind k, double start, double end, uint8_t cdb0)
{
	struct rp_action a;

	memset(&a, 0, sizeof(a));
	a.kind = k;
	a.start = start;
	a.end = end;
	a.ended = true;
	a.portal = 1;
	a.target = "iqn.2026-11.org.example:t";
	a.hd = a.dd = -1;
	a.block_size = 512;
	a.cdb[0] = cdb0;
	return a;
}

static char *
script(const struct rp_action *a, size_t n, bool *fails)
{
	struct rp_script_opts so = { "/tmp/r", "secret-123456", "mutual-123456",
		100, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	so.end_time = n > 0 ? a[n - 1].end : 0;
	*fails = rp_script_write(f, a, n, &so, 0);
	fclose(f);
	return buf;
}

static void
test_script_folds_capacity(void)
{
	struct rp_action a[8];
	bool fails;
	char *s;

	a[0] = act(RA_LOGIN, 0.0, 0.01, 0);
	a[1] = act(RA_SCSI, 0.02, 0.03, SCSI_OP_READ_CAPACITY10);
	a[1].rc_answered = true;
	a[1].rc_last_lba = 0x7fff;
	a[2] = act(RA_SCSI, 0.04, 0.05, SCSI_OP_READ10);
	a[2].cdb[5] = 16;			/* LBA 16 */
	a[2].cdb[8] = 8;			/* 8 blocks */
	a[3] = act(RA_SCSI, 0.06, 0.07, SCSI_OP_READ_CAPACITY10);
	a[4] = act(RA_RECOVERY, 1.0, 1.0, 0);
	a[5] = act(RA_SCSI, 1.5, 1.51, SCSI_OP_REPORT_LUNS);
	a[6] = act(RA_LOGOUT, 1.52, 1.53, 0);
	s = script(a, 7, &fails);
	CU_ASSERT_FALSE(fails);
	CU_ASSERT_STRING_EQUAL(s,
	    "LoginTarget iqn.2026-11.org.example:t T ${p1.addr} ${p1.port} * * * "
	    "* * * * * * * * 0 * 0\n"
	    "ReadBlocks $SID 0 16 8 /tmp/r-1.bin\n"
	    "ReadCapacity $SID 0\n"
	    "WaitEvent 34 6430\n"
	    "ReportLUNs $SID\n"
	    "LogoutTarget $SID\n");
	free(s);
}

static void
test_script_stops_at_failure(void)
{
	struct rp_action a[3];
	bool fails;
	char *s;

	a[0] = act(RA_LOGIN, 0.0, 0.01, 0);
	a[0].auth = 1;
	a[0].chap_user = "alice";
	a[0].hd = 1;
	a[1] = act(RA_SCSI, 0.5, 0.51, SCSI_OP_INQUIRY);
	a[1].cdb[1] = 1;
	a[1].cdb[2] = 0x80;
	a[1].cdb[4] = 0xff;
	a[1].fails = true;
	a[2] = act(RA_LOGOUT, 0.52, 0.53, 0);
	s = script(a, 3, &fails);
	CU_ASSERT_TRUE(fails);
	CU_ASSERT_STRING_EQUAL(s,
	    "LoginTarget iqn.2026-11.org.example:t T ${p1.addr} ${p1.port} * * * "
	    "* 1 * * * * alice secret-123456 1 * 0\n"
	    "Sleep 490\n"
	    "ScsiInquiry $SID 0 1 128 255\n"
	    "# the captured command failed: the script stops here; what the "
	    "captured initiator did next:\n"
	    "# LogoutTarget $SID\n");
	free(s);
}

static CU_TestInfo replay_tests[] = {
	{ "reject_nth", test_reject_nth },
	{ "login_status_and_redirect", test_login_status_and_redirect },
	{ "async_timer_or_trigger", test_async_timer_or_trigger },
	{ "digest_counts_applicable", test_digest_counts_applicable },
	{ "drops", test_drops },
	{ "delay", test_delay },
	{ "script_folds_capacity", test_script_folds_capacity },
	{ "script_stops_at_failure", test_script_stops_at_failure },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "replay", replay_tests);
