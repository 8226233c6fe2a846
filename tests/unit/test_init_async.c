/*
 * The initiator's asynchronous SCSI API (ini_scsi_submit) against the fake
 * target: several commands in flight, the CmdSN window (RFC 7143 4.2.2.1:
 * nothing beyond MaxCmdSN), completions in the target's order, errors
 * (argument checks, CHECK CONDITION, Logout with commands outstanding),
 * ERL 0 recovery of commands in flight, resubmission from a callback.
 */
#include <string.h>

#include "bytes.h"
#include "catalog.h"
#include "scsi.h"
#include "test_init_peer.h"
#include "unit.h"

#define NCMDS		8
#define HOLD_MAX	16

static struct fenv E;

/* What the callbacks saw. */
struct done_log {
	int		n;
	int		order[32];		/* tags in completion order */
	uint32_t	isdsc[32];		/* by tag */
	struct ini_scsi_result res[32];	/* by tag */
	int		calls[32];		/* by tag: exactly once */
};

static struct done_log D;
static uint32_t tags[32];

static void
on_done(void *arg, uint32_t isdsc, const struct ini_scsi_result *res)
{
	uint32_t tag = *(uint32_t *)arg;

	if (tag >= 32)
		return;
	D.calls[tag]++;
	D.isdsc[tag] = isdsc;
	D.res[tag] = *res;
	if (D.n < 32)
		D.order[D.n] = (int)tag;
	D.n++;
}

static void
setup(void)
{
	size_t i;

	memset(&D, 0, sizeof(D));
	for (i = 0; i < 32; i++)
		tags[i] = (uint32_t)i;
}

/* Poll until n completions or 2 s (bounded). */
static void
poll_until(int n)
{
	int i;

	for (i = 0; i < 200 && D.n < n; i++)
		ini_poll(E.node, 10);
}

static void
fill_cmd(struct ini_scsi_cmd *c, uint8_t *cdb, size_t cdblen, uint8_t *in,
    uint32_t inlen)
{
	memset(c, 0, sizeof(*c));
	c->lun = ini_lun_encode(1);
	c->cdb = cdb;
	c->cdblen = cdblen;
	c->in = in;
	c->inlen = inlen;
}

/* Eight READ(10)s in flight at once; each lands in its own buffer and
 * completes once, in the order the target answered (its receive order). */
static void
test_async_several_in_flight(void)
{
	static uint8_t bufs[NCMDS][4096];
	struct ini_session *s = NULL;
	struct ini_scsi_cmd c;
	uint8_t cdb[16];
	size_t i;

	setup();
	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	for (i = 0; i < sizeof(E.peer.disk); i++)
		E.peer.disk[i] = (uint8_t)(i / 4096 * 31 + i % 251);
	memset(bufs, 0xee, sizeof(bufs));
	for (i = 0; i < NCMDS; i++) {
		fill_cmd(&c, cdb, scsi_cdb_read10(cdb, (uint32_t)(i * 8), 8, 0),
		    bufs[i], sizeof(bufs[i]));
		CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[i]),
		    INI_ISDSC_OK);
	}
	/* nothing completes inside ini_scsi_submit */
	CU_ASSERT_EQUAL(D.n, 0);
	CU_ASSERT_EQUAL(ini_scsi_outstanding(s), NCMDS);
	poll_until(NCMDS);
	CU_ASSERT_EQUAL_FATAL(D.n, NCMDS);
	CU_ASSERT_EQUAL(ini_scsi_outstanding(s), 0);
	CU_ASSERT_EQUAL(E.peer.cmds, NCMDS);
	for (i = 0; i < NCMDS; i++) {
		CU_ASSERT_EQUAL(D.calls[i], 1);
		CU_ASSERT_EQUAL(D.isdsc[i], INI_ISDSC_OK);
		CU_ASSERT_EQUAL(D.res[i].data_len, 4096);
		CU_ASSERT_EQUAL(D.res[i].status, 0);
		CU_ASSERT_EQUAL(D.order[i], (int)i);	/* the fake answers in order */
		CU_ASSERT_EQUAL(memcmp(bufs[i], E.peer.disk + i * 4096, 4096), 0);
	}
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

/* ---- a target that holds commands and answers when told ------------------ */

struct held {
	uint32_t	itt, cmdsn, edtl;
	uint8_t		op;
};

static struct held H[HOLD_MAX];
static int nheld;
static uint32_t max_cmdsn_announced, cmdsn_beyond_window, last_cmdsn;
static bool cmdsn_out_of_order;

static bool
hold_hook(struct fpeer *f, const struct pdu *p)
{
	(void)f;
	if (p->opcode != PDU_OP_SCSI_CMD || nheld == HOLD_MAX)
		return false;
	if (nheld > 0 && p->u.scsi_cmd.cmdsn != last_cmdsn + 1)
		cmdsn_out_of_order = true;
	last_cmdsn = p->u.scsi_cmd.cmdsn;
	if ((int32_t)(p->u.scsi_cmd.cmdsn - max_cmdsn_announced) > 0)
		cmdsn_beyond_window++;		/* RFC 7143 4.2.2.1 */
	f->cmds++;
	H[nheld].itt = p->itt;
	H[nheld].cmdsn = p->u.scsi_cmd.cmdsn;
	H[nheld].edtl = p->u.scsi_cmd.edtl;
	H[nheld].op = p->u.scsi_cmd.cdb[0];
	nheld++;
	return true;
}

/* Answer held command i: Data-In with status (a read: bytes = i + 1) or
 * a SCSI Response; ExpCmdSN moves past it, MaxCmdSN with it. */
static void
release(int i)
{
	static uint8_t data[4096];
	struct fpeer *f = &E.peer;
	struct pdu p;

	f->expcmdsn = H[i].cmdsn + 1;
	if (H[i].edtl > 0) {
		memset(data, i + 1, sizeof(data));
		pdu_init(&p, PDU_OP_DATA_IN);
		p.final = true;
		p.itt = H[i].itt;
		p.u.data_in.ttt = PDU_TAG_RESERVED;
		p.u.data_in.status_present = true;
		p.u.data_in.status = 0;
		fpeer_fill_sn(f, &p.u.data_in.statsn, &p.u.data_in.expcmdsn,
		    &p.u.data_in.maxcmdsn);
		max_cmdsn_announced = p.u.data_in.maxcmdsn;
		pdu_set_data(&p, data, H[i].edtl < sizeof(data) ? H[i].edtl :
		    sizeof(data));
	} else {
		pdu_init(&p, PDU_OP_SCSI_RSP);
		p.itt = H[i].itt;
		fpeer_fill_sn(f, &p.u.scsi_rsp.statsn, &p.u.scsi_rsp.expcmdsn,
		    &p.u.scsi_rsp.maxcmdsn);
		max_cmdsn_announced = p.u.scsi_rsp.maxcmdsn;
	}
	fpeer_send(f, &p);
}

/* Poll until the target holds n commands or 1 s passes. */
static void
wait_held(int n)
{
	int i;

	for (i = 0; i < 100 && nheld < n; i++)
		ini_poll(E.node, 10);
}

static void
hold_setup(int32_t window_delta, struct ini_session **s)
{
	setup();
	nheld = 0;
	cmdsn_beyond_window = 0;
	cmdsn_out_of_order = false;
	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	E.peer.maxcmdsn_delta = window_delta;
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, s), INI_ISDSC_OK);
	/* the login response announced MaxCmdSN = 1 + delta */
	max_cmdsn_announced = 1 + (uint32_t)window_delta;
	E.peer.hook = hold_hook;
}

static uint32_t
submit_tur(struct ini_session *s, int tag)
{
	struct ini_scsi_cmd c;
	uint8_t cdb[16];

	fill_cmd(&c, cdb, scsi_cdb_test_unit_ready(cdb), NULL, 0);
	return ini_scsi_submit(E.node, s, &c, on_done, &tags[tag]);
}

/* RFC 7143 4.2.2.1 / 3.2.2.1: with MaxCmdSN = ExpCmdSN + 1 only two
 * commands may be outstanding; the rest wait, leave in CmdSN order as the
 * window opens, and every one completes. */
static void
test_async_cmdsn_window(void)
{
	struct ini_session *s = NULL;
	int i;

	hold_setup(1, &s);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(submit_tur(s, i), INI_ISDSC_OK);
	ini_sleep(E.node, 50);
	CU_ASSERT_EQUAL(nheld, 2);		/* CmdSN 1 and 2 */
	CU_ASSERT_EQUAL(ini_scsi_outstanding(s), 5);
	release(0);
	ini_sleep(E.node, 50);
	CU_ASSERT_EQUAL(D.n, 1);
	CU_ASSERT_EQUAL(nheld, 3);		/* the window moved by one */
	for (i = 1; i < 5; i++) {
		release(i);
		wait_held(i + 3 < 5 ? i + 3 : 5);
		ini_sleep(E.node, 20);	/* and no more than that */
		CU_ASSERT_EQUAL(nheld, i + 3 < 5 ? i + 3 : 5);
		CU_ASSERT_EQUAL(D.n, i + 1);
	}
	poll_until(5);
	CU_ASSERT_EQUAL(D.n, 5);
	CU_ASSERT_EQUAL(nheld, 5);
	CU_ASSERT_EQUAL(cmdsn_beyond_window, 0);
	CU_ASSERT_FALSE(cmdsn_out_of_order);
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(D.isdsc[i], INI_ISDSC_OK);
		CU_ASSERT_EQUAL(D.order[i], i);
		CU_ASSERT_EQUAL(H[i].cmdsn, (uint32_t)(1 + i));
	}
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

/* The target may answer in any order (RFC 7143 3.2.2.1: only the command
 * order is fixed): completions follow the answers, each with its data. */
static void
test_async_completion_order(void)
{
	static uint8_t bufs[3][4096];
	struct ini_session *s = NULL;
	struct ini_scsi_cmd c;
	uint8_t cdb[16];
	int i;

	hold_setup(31, &s);
	memset(bufs, 0, sizeof(bufs));
	for (i = 0; i < 3; i++) {
		fill_cmd(&c, cdb, scsi_cdb_read10(cdb, (uint32_t)i * 8, 8, 0),
		    bufs[i], sizeof(bufs[i]));
		CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[i]),
		    INI_ISDSC_OK);
	}
	ini_sleep(E.node, 50);
	CU_ASSERT_EQUAL_FATAL(nheld, 3);
	release(2);
	ini_sleep(E.node, 20);
	release(0);
	ini_sleep(E.node, 20);
	release(1);
	poll_until(3);
	CU_ASSERT_EQUAL_FATAL(D.n, 3);
	CU_ASSERT_EQUAL(D.order[0], 2);
	CU_ASSERT_EQUAL(D.order[1], 0);
	CU_ASSERT_EQUAL(D.order[2], 1);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(D.isdsc[i], INI_ISDSC_OK);
		CU_ASSERT_EQUAL(D.calls[i], 1);
		CU_ASSERT_EQUAL(bufs[i][0], i + 1);
		CU_ASSERT_EQUAL(bufs[i][4095], i + 1);
		CU_ASSERT_EQUAL(D.res[i].data_len, 4096);
	}
	fenv_teardown(&E);
}

/* Argument errors come back at once and never call the callback. */
static void
test_async_argument_errors(void)
{
	struct ini_session *s = NULL;
	struct ini_scsi_cmd c;
	uint8_t cdb[17], in[8], out[8];

	setup();
	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	memset(cdb, 0, sizeof(cdb));
	fill_cmd(&c, cdb, 0, NULL, 0);			/* no CDB */
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[0]),
	    ISDSC_INVALID_PARAMETER);
	fill_cmd(&c, cdb, 17, NULL, 0);			/* over 16 bytes */
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[0]),
	    ISDSC_INVALID_PARAMETER);
	fill_cmd(&c, cdb, 10, in, sizeof(in));		/* bidirectional */
	c.out = out;
	c.outlen = sizeof(out);
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[0]),
	    ISDSC_INVALID_PARAMETER);
	fill_cmd(&c, cdb, 10, NULL, 512);		/* length, no buffer */
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[0]),
	    ISDSC_INVALID_PARAMETER);
	fill_cmd(&c, cdb, scsi_cdb_test_unit_ready(cdb), NULL, 0);
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, NULL, NULL),
	    ISDSC_INVALID_PARAMETER);			/* no callback */
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, NULL, &c, on_done, &tags[0]),
	    ISDSC_INVALID_SESSION_ID);
	CU_ASSERT_EQUAL(ini_logout(E.node, s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[0]),
	    ISDSC_INVALID_SESSION_ID);			/* logged out */
	ini_sleep(E.node, 20);
	CU_ASSERT_EQUAL(D.n, 0);
	CU_ASSERT_EQUAL(E.peer.cmds, 0);
	fenv_teardown(&E);
}

/* SAM: a CHECK CONDITION fails only its own command (sense delivered);
 * the commands around it complete normally. */
static void
test_async_check_condition(void)
{
	static uint8_t bufs[3][4096];
	struct ini_session *s = NULL;
	struct ini_scsi_cmd c;
	uint8_t cdb[16];
	int i;

	setup();
	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	for (i = 0; i < 3; i++) {
		/* the middle one reads beyond the end of the fake disk */
		fill_cmd(&c, cdb, scsi_cdb_read10(cdb, i == 1 ? FPEER_DISK /
		    FPEER_BLOCK : 0, 8, 0), bufs[i], sizeof(bufs[i]));
		CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[i]),
		    INI_ISDSC_OK);
	}
	poll_until(3);
	CU_ASSERT_EQUAL_FATAL(D.n, 3);
	CU_ASSERT_EQUAL(D.isdsc[0], INI_ISDSC_OK);
	CU_ASSERT_EQUAL(D.isdsc[1], ISDSC_SCSI_REQUEST_FAILED);
	CU_ASSERT_EQUAL(D.res[1].status, 0x02);
	CU_ASSERT_EQUAL(D.res[1].sense_len, 18);
	CU_ASSERT_EQUAL(D.res[1].sense[2] & 0x0f, 0x05);
	CU_ASSERT_EQUAL(D.isdsc[2], INI_ISDSC_OK);
	CU_ASSERT_EQUAL(D.res[2].data_len, 4096);
	fenv_teardown(&E);
}

/* Logout with commands outstanding: each fails with
 * ISDSC_CONNECTION_FAILED, once. */
static void
test_async_logout_fails_outstanding(void)
{
	struct ini_session *s = NULL;
	int i;

	hold_setup(31, &s);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(submit_tur(s, i), INI_ISDSC_OK);
	ini_sleep(E.node, 50);
	CU_ASSERT_EQUAL(nheld, 3);
	CU_ASSERT_EQUAL(ini_logout(E.node, s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL_FATAL(D.n, 3);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(D.calls[i], 1);
		CU_ASSERT_EQUAL(D.isdsc[i], ISDSC_CONNECTION_FAILED);
	}
	fenv_teardown(&E);
}

/* ERL 0 (RFC 7143 6.3.5, seed): the connection drops with four commands
 * in flight; after reinstatement they are sent again and all complete. */
static void
test_async_recovery_resends(void)
{
	static uint8_t bufs[4][4096];
	struct ini_session *s = NULL;
	struct ini_scsi_cmd c;
	uint8_t cdb[16];
	int i;

	setup();
	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.drop_after_cmds = 2;	/* the second command kills the link */
	for (i = 0; i < 4; i++) {
		fill_cmd(&c, cdb, scsi_cdb_read10(cdb, (uint32_t)i * 8, 8, 0),
		    bufs[i], sizeof(bufs[i]));
		CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, on_done, &tags[i]),
		    INI_ISDSC_OK);
	}
	poll_until(4);
	CU_ASSERT_EQUAL_FATAL(D.n, 4);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(D.calls[i], 1);
		CU_ASSERT_EQUAL(D.isdsc[i], INI_ISDSC_OK);
	}
	CU_ASSERT_EQUAL(E.peer.accepts, 2);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_CONNECTION_LOST), 1);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_RECONNECTED), 1);
	fenv_teardown(&E);
}

/* A callback may submit the next command (queue depth 1 driven from the
 * completions): twenty in a row. */
static struct ini_session *chain_sess;
static int chain_left, chain_done, chain_failed;

static void
chain_next(void *arg, uint32_t isdsc, const struct ini_scsi_result *res)
{
	struct ini_scsi_cmd c;
	uint8_t cdb[16];

	(void)arg;
	(void)res;
	chain_done++;
	if (isdsc != INI_ISDSC_OK)
		chain_failed++;
	if (chain_left-- <= 0)
		return;
	fill_cmd(&c, cdb, scsi_cdb_test_unit_ready(cdb), NULL, 0);
	if (ini_scsi_submit(E.node, chain_sess, &c, chain_next, NULL) !=
	    INI_ISDSC_OK)
		chain_failed++;
}

static void
test_async_submit_from_callback(void)
{
	struct ini_scsi_cmd c;
	uint8_t cdb[16];
	int i;

	setup();
	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &chain_sess), INI_ISDSC_OK);
	chain_left = 19;
	chain_done = chain_failed = 0;
	fill_cmd(&c, cdb, scsi_cdb_test_unit_ready(cdb), NULL, 0);
	CU_ASSERT_EQUAL(ini_scsi_submit(E.node, chain_sess, &c, chain_next,
	    NULL), INI_ISDSC_OK);
	for (i = 0; i < 200 && chain_done < 20; i++)
		ini_poll(E.node, 10);
	CU_ASSERT_EQUAL(chain_done, 20);
	CU_ASSERT_EQUAL(chain_failed, 0);
	CU_ASSERT_EQUAL(E.peer.cmds, 20);
	CU_ASSERT_EQUAL(ini_scsi_outstanding(chain_sess), 0);
	fenv_teardown(&E);
}

static CU_TestInfo async_tests[] = {
	{ "several_in_flight", test_async_several_in_flight },
	{ "rfc7143_4_2_2_1_cmdsn_window", test_async_cmdsn_window },
	{ "rfc7143_3_2_2_1_completion_order", test_async_completion_order },
	{ "argument_errors", test_async_argument_errors },
	{ "check_condition_fails_one", test_async_check_condition },
	{ "logout_fails_outstanding", test_async_logout_fails_outstanding },
	{ "rfc7143_6_3_5_recovery_resends", test_async_recovery_resends },
	{ "submit_from_callback", test_async_submit_from_callback },
	CU_TEST_INFO_NULL
};

UNIT_SUITE("initiator", "async", async_tests)
