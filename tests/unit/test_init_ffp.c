/*
 * Initiator full feature phase against the fake target: SCSI with
 * immediate, unsolicited and R2T data (RFC 7143 13.10, 13.11, 13.14),
 * multi-PDU Data-In with phase collapse, NOP-In answers, and the FFP
 * events with their dump data: 9, 22, 24, 25, 26, 27, 28, 29, 42, 60.
 */
#include <string.h>

#include "bytes.h"
#include "catalog.h"
#include "scsi.h"
#include "test_init_peer.h"
#include "unit.h"

static struct fenv E;
static int hook_calls;

#define SETUP()	do {						\
	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);		\
	hook_calls = 0;						\
} while (0)

static uint32_t
tur(struct ini_session *s)
{
	uint8_t cdb[16];

	return ini_scsi(E.node, s, 1, cdb, scsi_cdb_test_unit_ready(cdb), NULL, 0,
	    NULL, 0, NULL);
}

static uint32_t
read_cap(struct ini_session *s, uint8_t *buf, struct ini_scsi_result *r)
{
	uint8_t cdb[16];

	return ini_scsi(E.node, s, 1, cdb, scsi_cdb_read_capacity10(cdb), buf, 8,
	    NULL, 0, r);
}

/* RFC 7143 13.10/13.11/13.14: immediate data, unsolicited Data-Out up to
 * FirstBurstLength, the rest on R2T; reads in several Data-In PDUs. */
static void
test_ffp_write_read(void)
{
	static uint8_t pat[200 * 1024], back[200 * 1024];
	struct ini_session *s = NULL;
	struct ini_scsi_result r;
	uint8_t cdb[16];
	size_t i;

	SETUP();
	E.cfg.first_burst_length = 131072;
	E.peer.local.value[KEYS_FIRST_BURST_LENGTH] = "131072";
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	for (i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + (i >> 9));
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb, scsi_cdb_write10(cdb, 4,
	    sizeof(pat) / 512, 0), NULL, 0, pat, sizeof(pat), &r), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(E.peer.immediate_bytes, 65536);	/* target MRDSL */
	CU_ASSERT_EQUAL(E.peer.unsolicited_bytes, 65536); /* up to FBL */
	CU_ASSERT_EQUAL(E.peer.data_outs, 1 + 2);	/* 1 unsol + R2T burst */
	CU_ASSERT_EQUAL(memcmp(E.peer.disk + 4 * 512, pat, sizeof(pat)), 0);
	memset(back, 0, sizeof(back));
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb, scsi_cdb_read10(cdb, 4,
	    sizeof(back) / 512, 0), back, sizeof(back), NULL, 0, &r),
	    INI_ISDSC_OK);
	CU_ASSERT_EQUAL(r.data_len, sizeof(back));
	CU_ASSERT_EQUAL(memcmp(back, pat, sizeof(back)), 0);
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

/* Residual underflow reported with the phase-collapsed status. */
static void
test_ffp_underflow_and_sense(void)
{
	struct ini_session *s = NULL;
	struct ini_scsi_result r;
	uint8_t cdb[16], buf[255];

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb, scsi_cdb_inquiry(cdb, 0, 0,
	    255), buf, 255, NULL, 0, &r), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(r.data_len, 36);
	CU_ASSERT_TRUE(r.underflow);
	CU_ASSERT_EQUAL(r.residual, 255 - 36);
	CU_ASSERT_EQUAL(memcmp(buf + 8, "FPEER", 5), 0);
	/* an unknown opcode: CHECK CONDITION with sense */
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = 0xc5;
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb, 6, NULL, 0, NULL, 0, &r),
	    ISDSC_SCSI_REQUEST_FAILED);
	CU_ASSERT_EQUAL(r.status, 0x02);
	CU_ASSERT_EQUAL(r.sense_len, 18);
	CU_ASSERT_EQUAL(r.sense[2] & 0x0f, 0x05);
	CU_ASSERT_EQUAL(r.sense[12], 0x20);
	fenv_teardown(&E);
}

static void
send_nop_ping(struct fpeer *f, uint32_t ttt)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_NOP_IN);
	p.itt = PDU_TAG_RESERVED;
	p.u.nop_in.ttt = ttt;
	p.u.nop_in.statsn = f->statsn;		/* not advanced (11.19) */
	fpeer_fill_sn(f, NULL, &p.u.nop_in.expcmdsn, &p.u.nop_in.maxcmdsn);
	fpeer_send(f, &p);
}

/* RFC 7143 11.18/11.19: a target NOP-In with a TTT is answered with it. */
static void
test_ffp_nop_in_answered(void)
{
	struct ini_session *s = NULL;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	send_nop_ping(&E.peer, 0x1234);
	ini_sleep(E.node, 100);
	CU_ASSERT_EQUAL(E.peer.last_nop_ttt, 0x1234);
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

static bool
reject_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	if (p->opcode != PDU_OP_SCSI_CMD)
		return false;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	pdu_init(&r, PDU_OP_REJECT);
	r.u.reject.reason = ISCSI_REJECT_INVALID_PDU_FIELD;
	fpeer_fill_sn(f, &r.u.reject.statsn, &r.u.reject.expcmdsn,
	    &r.u.reject.maxcmdsn);
	pdu_set_data(&r, p->wire, PDU_BHS_LEN);
	fpeer_send(f, &r);
	return true;
}

/* Seed event 29: a Reject; the dump is the rejected header, the command
 * fails. */
static void
test_ffp_event29_reject(void)
{
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = reject_hook;
	CU_ASSERT_EQUAL(tur(s), ISDSC_SCSI_REQUEST_FAILED);
	ev = fenv_event(&E, ISCSI_EV_PDU_REJECTED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(d[0] & 0x3f, PDU_OP_SCSI_CMD);
	fenv_teardown(&E);
}

static bool
bad_rsp_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;
	uint8_t extra[6] = { 0, 0, 'a', 'b', 'c', 'd' };
	int mode = *(int *)f->arg;

	if (p->opcode != PDU_OP_SCSI_CMD || hook_calls++ > 0)
		return false;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	pdu_init(&r, PDU_OP_SCSI_RSP);
	r.itt = p->itt;
	if (mode == 27) {
		/* a response for a task we never sent, then the real one */
		r.itt = p->itt + 1000;
		fpeer_fill_sn(f, &r.u.scsi_rsp.statsn, &r.u.scsi_rsp.expcmdsn,
		    &r.u.scsi_rsp.maxcmdsn);
		fpeer_send(f, &r);
		r.itt = p->itt;
	}
	if (mode == 42)
		f->statsn += 5;		/* a gap in StatSN */
	if (mode == 60)
		pdu_set_data(&r, extra, sizeof(extra));	/* not sense data */
	fpeer_fill_sn(f, &r.u.scsi_rsp.statsn, &r.u.scsi_rsp.expcmdsn,
	    &r.u.scsi_rsp.maxcmdsn);
	fpeer_send(f, &r);
	return true;
}

/* Seed events 27 (unknown ITT), 42 (StatSN), 60 (data in SCSI Response). */
static void
test_ffp_events_27_42_60(void)
{
	static int modes[] = { 27, 42, 60 };
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t i, n;

	for (i = 0; i < 3; i++) {
		SETUP();
		CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
		E.peer.hook = bad_rsp_hook;
		E.peer.arg = &modes[i];
		CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
		ev = fenv_event(&E, (unsigned)modes[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		d = fenv_data(ev, &n);
		if (modes[i] == 27) {
			CU_ASSERT_EQUAL(n, PDU_BHS_LEN);
			CU_ASSERT_EQUAL(d[0], PDU_OP_SCSI_RSP);
		} else if (modes[i] == 42) {
			CU_ASSERT_EQUAL_FATAL(n, 8);
			CU_ASSERT_EQUAL(get_le32(d + 4) - get_le32(d), 5);
		} else
			CU_ASSERT_EQUAL(n, 0);
		fenv_teardown(&E);
	}
}

static bool
too_much_hook(struct fpeer *f, const struct pdu *p)
{
	static const uint8_t big[16] = { 0, 0, 0, 9, 0, 0, 2, 0 };
	struct pdu r;

	if (p->opcode != PDU_OP_SCSI_CMD || p->u.scsi_cmd.cdb[0] != 0x25)
		return false;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	pdu_init(&r, PDU_OP_DATA_IN);
	r.final = true;
	r.itt = p->itt;
	r.u.data_in.ttt = PDU_TAG_RESERVED;
	r.u.data_in.status_present = true;
	fpeer_fill_sn(f, &r.u.data_in.statsn, &r.u.data_in.expcmdsn,
	    &r.u.data_in.maxcmdsn);
	pdu_set_data(&r, big, sizeof(big));	/* 16 bytes for 8 asked */
	fpeer_send(f, &r);
	return true;
}

/* Seed event 26: more Data-In than ExpectedDataTransferLength. */
static void
test_ffp_event26_too_much(void)
{
	struct ini_session *s = NULL;
	struct ini_scsi_result r;
	uint8_t buf[8];

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = too_much_hook;
	CU_ASSERT_EQUAL(read_cap(s, buf, &r), ISDSC_SCSI_REQUEST_FAILED);
	CU_ASSERT_EQUAL(r.data_len, 8);
	CU_ASSERT_EQUAL(get_be32(buf), 9);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_TOO_MUCH_DATA), 1);
	fenv_teardown(&E);
}

static bool
corrupt_digest_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu_digest_opts d = { true, true, 0, 0 };
	struct pdu r;
	static const uint8_t cap[8] = { 0, 0, 1, 0xff, 0, 0, 2, 0 };
	int mode = *(int *)f->arg;

	if (p->opcode != PDU_OP_SCSI_CMD || p->u.scsi_cmd.cdb[0] != 0x25 ||
	    hook_calls++ > 0)
		return false;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	pdu_init(&r, PDU_OP_DATA_IN);
	r.final = true;
	r.itt = p->itt;
	r.u.data_in.ttt = PDU_TAG_RESERVED;
	r.u.data_in.status_present = true;
	fpeer_fill_sn(f, &r.u.data_in.statsn, &r.u.data_in.expcmdsn,
	    &r.u.data_in.maxcmdsn);
	pdu_set_data(&r, cap, sizeof(cap));
	if (mode == 22)
		d.header_xor = 1;
	else
		d.data_xor = 0x10;
	iconn_send_opts(&f->c, &r, &d);
	return true;
}

/* Seed events 22 / 25 with digests on: the connection is dropped (ERL 0),
 * the session reinstated and the command retried. */
static void
test_ffp_events_22_25_digests(void)
{
	static int modes[] = { 22, 25 };
	struct ini_login_opts o;
	struct ini_session *s = NULL;
	struct ini_scsi_result r;
	const struct fenv_event *ev;
	const uint8_t *d;
	uint8_t buf[8];
	size_t i, n;

	for (i = 0; i < 2; i++) {
		SETUP();
		memset(&o, 0, sizeof(o));
		o.has_header_digest = o.header_digest = true;
		o.has_data_digest = o.data_digest = true;
		CU_ASSERT_EQUAL_FATAL(fenv_login_opts(&E, &o, &s), INI_ISDSC_OK);
		E.peer.hook = corrupt_digest_hook;
		E.peer.arg = &modes[i];
		CU_ASSERT_EQUAL(read_cap(s, buf, &r), INI_ISDSC_OK);
		CU_ASSERT_EQUAL(get_be32(buf + 4), 512);
		ev = fenv_event(&E, (unsigned)modes[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		d = fenv_data(ev, &n);
		if (modes[i] == 22) {
			/* the header and its digest as received */
			CU_ASSERT_EQUAL(n, PDU_BHS_LEN + 4);
			CU_ASSERT_EQUAL(d[0], PDU_OP_DATA_IN);
		} else {
			/* calculated, then given */
			CU_ASSERT_EQUAL_FATAL(n, 8);
			CU_ASSERT_EQUAL(get_le32(d) ^ get_le32(d + 4), 0x10);
		}
		CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_CONNECTION_LOST));
		CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_RECONNECTED));
		fenv_teardown(&E);
	}
}

static bool
bad_r2t_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	if (p->opcode != PDU_OP_SCSI_CMD || p->u.scsi_cmd.cdb[0] != 0x2a ||
	    hook_calls++ > 0)
		return false;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	pdu_init(&r, PDU_OP_R2T);
	r.itt = p->itt;
	r.u.r2t.ttt = 7;
	r.u.r2t.r2tsn = 5;		/* must be 0 */
	r.u.r2t.ddtl = 512;
	fpeer_fill_sn(f, NULL, &r.u.r2t.expcmdsn, &r.u.r2t.maxcmdsn);
	fpeer_send(f, &r);
	return true;
}

/* Seed event 28: an R2T with a wrong R2TSN; ERL 0 recovery retries. */
static void
test_ffp_event28_r2t(void)
{
	static uint8_t data[64 * 1024];
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	uint8_t cdb[16];
	const uint8_t *d;
	size_t n;

	SETUP();
	E.cfg.immediate_data = false;
	E.cfg.initial_r2t = true;
	E.peer.local.value[KEYS_INITIAL_R2T] = "Yes";
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = bad_r2t_hook;
	memset(data, 0x5a, sizeof(data));
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb, scsi_cdb_write10(cdb, 0,
	    sizeof(data) / 512, 0), NULL, 0, data, sizeof(data), NULL),
	    INI_ISDSC_OK);
	ev = fenv_event(&E, ISCSI_EV_INVALID_R2T);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(d[0], PDU_OP_R2T);
	CU_ASSERT_EQUAL(E.peer.immediate_bytes, 0);
	CU_ASSERT_EQUAL(E.peer.disk[100], 0x5a);
	fenv_teardown(&E);
}

static bool
ignore_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	if (p->opcode == PDU_OP_SCSI_CMD) {
		f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
		return true;			/* never answered */
	}
	if (p->opcode != PDU_OP_TMF_REQ || *(int *)f->arg == 49)
		return p->opcode == PDU_OP_TMF_REQ;
	pdu_init(&r, PDU_OP_TMF_RSP);
	r.itt = p->itt;
	r.u.tmf_rsp.response = ISCSI_TMF_RESP_COMPLETE;
	fpeer_fill_sn(f, &r.u.tmf_rsp.statsn, &r.u.tmf_rsp.expcmdsn,
	    &r.u.tmf_rsp.maxcmdsn);
	fpeer_send(f, &r);
	return true;
}

/* Seed event 9 (the CDB in the dump), ABORT TASK; event 49 then 39. */
static void
test_ffp_scsi_timeout_tmf(void)
{
	static int abort_ok = 9, no_tmf = 49;
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	E.cfg.scsi_timeout_ms = 150;
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = ignore_hook;
	E.peer.arg = &abort_ok;
	CU_ASSERT_EQUAL(tur(s), ISDSC_SCSI_REQUEST_FAILED);
	ev = fenv_event(&E, ISCSI_EV_SCSI_TIMEOUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(d[0], 0x00);		/* TEST UNIT READY */
	CU_ASSERT_PTR_NULL(fenv_event(&E, ISCSI_EV_TMF_TIMEOUT));
	fenv_teardown(&E);

	SETUP();
	E.cfg.scsi_timeout_ms = 150;
	E.cfg.tmf_timeout_ms = 150;
	E.cfg.recovery_attempts = 1;
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = ignore_hook;
	E.peer.arg = &no_tmf;
	CU_ASSERT_NOT_EQUAL(tur(s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_TMF_TIMEOUT), 2);
	ev = fenv_event(&E, ISCSI_EV_TARGET_RESET_SENT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, strlen("iqn.2024-01.org.example:fake"));
	fenv_teardown(&E);
}

/* Seed event 24: an opcode the initiator cannot receive; the BHS dumped. */
static void
test_ffp_event24_opcode(void)
{
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	uint8_t bhs[PDU_BHS_LEN];
	const uint8_t *d;
	size_t n;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	memset(bhs, 0, sizeof(bhs));
	bhs[0] = 0x3c;
	bhs[1] = 0x80;
	iconn_send_raw(&E.peer.c, bhs, sizeof(bhs));
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_INVALID_OPCODE, 1000),
	    INI_ISDSC_OK);
	ev = fenv_event(&E, ISCSI_EV_INVALID_OPCODE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(d[0], 0x3c);
	/* ERL 0: the session comes back and works */
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_RECONNECTED));
	fenv_teardown(&E);
}

/* docs/initiator.md event 24: an initiator opcode received (a Data-Out
 * and a SCSI Command with a reserved ITT, i.e. also an invalid field) is
 * event 24, not 23; the session recovers. */
static void
test_ffp_event24_initiator_opcode(void)
{
	static const uint8_t ops[] = { PDU_OP_DATA_OUT, PDU_OP_SCSI_CMD };
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	uint8_t bhs[PDU_BHS_LEN];
	const uint8_t *d;
	size_t i, n;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	for (i = 0; i < sizeof(ops); i++) {
		memset(bhs, 0, sizeof(bhs));
		bhs[0] = ops[i];
		bhs[1] = 0x80;
		memset(bhs + 16, 0xff, 4);	/* ITT 0xffffffff */
		iconn_send_raw(&E.peer.c, bhs, sizeof(bhs));
		CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_RECONNECTED,
		    5000), INI_ISDSC_OK);
		CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_OPCODE), i + 1);
		CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_PDU), 0);
	}
	ev = fenv_event(&E, ISCSI_EV_INVALID_OPCODE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(d[0], PDU_OP_SCSI_CMD);	/* the last one */
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	fenv_teardown(&E);
}

static bool
ou_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	if (p->opcode != PDU_OP_SCSI_CMD || hook_calls++ > 0)
		return false;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	pdu_init(&r, PDU_OP_SCSI_RSP);
	r.itt = p->itt;
	r.u.scsi_rsp.overflow = r.u.scsi_rsp.underflow = true;	/* 11.4.1 */
	fpeer_fill_sn(f, &r.u.scsi_rsp.statsn, &r.u.scsi_rsp.expcmdsn,
	    &r.u.scsi_rsp.maxcmdsn);
	fpeer_send(f, &r);
	return true;
}

/* Seed events 21 (DataSegmentLength over our MaxRecvDataSegmentLength)
 * and 23 (an illegal field: O and U both set); ERL 0 recovery follows. */
static void
test_ffp_events_21_23(void)
{
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	uint8_t bhs[PDU_BHS_LEN];
	const uint8_t *d;
	size_t n;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	memset(bhs, 0, sizeof(bhs));
	bhs[0] = PDU_OP_NOP_IN;
	bhs[1] = 0x80;
	put_be24(bhs + 5, 0x800000);		/* 8 MiB > 256 KiB */
	memset(bhs + 16, 0xff, 8);		/* ITT, TTT reserved */
	iconn_send_raw(&E.peer.c, bhs, sizeof(bhs));
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_DATA_SEGMENT_TOO_LONG,
	    1000), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_RECONNECTED), 1);

	E.peer.hook = ou_hook;
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);		/* retried */
	ev = fenv_event(&E, ISCSI_EV_INVALID_PDU);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(d[0], PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_RECONNECTED), 2);
	fenv_teardown(&E);
}

static bool
zero_r2t_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	if (p->opcode != PDU_OP_SCSI_CMD || p->u.scsi_cmd.cdb[0] != 0x2a ||
	    hook_calls++ > 0)
		return false;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	pdu_init(&r, PDU_OP_R2T);
	r.itt = p->itt;
	r.u.r2t.ttt = 9;
	r.u.r2t.ddtl = 0;		/* RFC 7143 11.8.6: must not be 0 */
	fpeer_fill_sn(f, NULL, &r.u.r2t.expcmdsn, &r.u.r2t.maxcmdsn);
	fpeer_send(f, &r);
	return true;
}

/* An R2T the decoder rejects (DDTL 0) is event 28 too, not 23. */
static void
test_ffp_event28_field(void)
{
	static uint8_t data[8192];
	struct ini_session *s = NULL;
	uint8_t cdb[16];

	SETUP();
	E.cfg.immediate_data = false;
	E.cfg.initial_r2t = true;
	E.peer.local.value[KEYS_INITIAL_R2T] = "Yes";
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = zero_r2t_hook;
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb, scsi_cdb_write10(cdb, 0,
	    sizeof(data) / 512, 0), NULL, 0, data, sizeof(data), NULL),
	    INI_ISDSC_OK);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_R2T), 1);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_PDU), 0);
	fenv_teardown(&E);
}

static CU_TestInfo ffp_tests[] = {
	{ "rfc7143_13_10_immediate_unsolicited_r2t", test_ffp_write_read },
	{ "rfc7143_11_7_underflow_and_sense", test_ffp_underflow_and_sense },
	{ "rfc7143_11_19_nop_in_answered", test_ffp_nop_in_answered },
	{ "seed_event29_reject", test_ffp_event29_reject },
	{ "seed_events27_42_60", test_ffp_events_27_42_60 },
	{ "seed_event26_too_much_data", test_ffp_event26_too_much },
	{ "seed_events22_25_digest_errors", test_ffp_events_22_25_digests },
	{ "seed_event28_invalid_r2t", test_ffp_event28_r2t },
	{ "seed_events9_49_39_timeouts", test_ffp_scsi_timeout_tmf },
	{ "seed_event24_invalid_opcode", test_ffp_event24_opcode },
	{ "seed_event24_initiator_opcode", test_ffp_event24_initiator_opcode },
	{ "seed_events21_23_format", test_ffp_events_21_23 },
	{ "seed_event28_r2t_field", test_ffp_event28_field },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("initiator", "ffp", ffp_tests)
