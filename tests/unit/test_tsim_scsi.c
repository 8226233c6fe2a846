/*
 * target-sim full feature phase: Data-In sequencing and phase collapse,
 * immediate / unsolicited data, R2T sequencing, residuals, sense, the
 * CmdSN window, NOP, TMF, Logout, Reject (RFC 7143 3.2, 4.2.2, 11.3-11.19).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "catalog.h"
#include "scsi.h"
#include "test_tsim_peer.h"

static struct evloop *loop;
static struct tsim *tgt;
static struct tpeer pe;

static void
up(const char *const *op)
{
	struct tpeer_login o = { .target = TPEER_TARGET, .op_keys = op };

	loop = evloop_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
	tgt = tpeer_target_std(loop, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
}

static void
down(void)
{
	tpeer_destroy(&pe);
	tsim_destroy(tgt);
	evloop_free(loop);
}

static uint8_t *
pattern(uint32_t len, unsigned seed)
{
	uint8_t *b = malloc(len);
	uint32_t i;

	for (i = 0; b != NULL && i < len; i++)
		b[i] = (uint8_t)(i * 31 + seed);
	return b;
}

/* 11.7: Data-In PDUs of at most MRDSL, F at MaxBurstLength, DataSN, S last */
static void
test_read_sequencing(void)
{
	static const char *const op[] = { "MaxBurstLength=16384", NULL };
	const struct tpeer_pdu *r;
	uint8_t cdb[16];
	uint32_t itt, off = 0, sn = 0, statsn0;

	/* the peer declares MaxRecvDataSegmentLength=4096 at login */
	loop = evloop_new(NULL);
	tgt = tpeer_target_std(loop, NULL);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	pe.mrdsl = 4096;
	{
		struct tpeer_login o = { .target = TPEER_TARGET, .op_keys = op };
		CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
	}
	statsn0 = pe.expstatsn;
	scsi_cdb_read10(cdb, 0, 128, 0);		/* 64 KiB */
	itt = tpeer_cmd(&pe, cdb, 65536, true, false, NULL, 0, true, 0);
	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL) {
		const struct pdu_data_in *di = &r->p.u.data_in;

		CU_ASSERT_EQUAL_FATAL(r->p.opcode, PDU_OP_DATA_IN);
		CU_ASSERT_EQUAL(r->p.itt, itt);
		CU_ASSERT_EQUAL(r->p.data_len, 4096);
		CU_ASSERT_EQUAL(di->datasn, sn);
		CU_ASSERT_EQUAL(di->buffer_offset, off);
		/* F ends each 16 KiB sequence */
		CU_ASSERT_EQUAL(r->p.final, (off + 4096) % 16384 == 0);
		sn++;
		off += r->p.data_len;
		if (di->status_present) {
			CU_ASSERT_EQUAL(di->status, SCSI_STATUS_GOOD);
			CU_ASSERT_EQUAL(di->statsn, statsn0);
			CU_ASSERT_FALSE(di->underflow || di->overflow);
			break;
		}
		CU_ASSERT_EQUAL(di->statsn, 0);
	}
	CU_ASSERT_EQUAL(off, 65536);
	CU_ASSERT_EQUAL(sn, 16);
	down();
}

/* 3.2.4.2, 11.8: immediate data, unsolicited Data-Out, then R2Ts */
static void
test_write_r2t_sequencing(void)
{
	static const char *const op[] = { "InitialR2T=No", "ImmediateData=Yes",
		"FirstBurstLength=16384", "MaxBurstLength=16384",
		"MaxOutstandingR2T=2", NULL };
	const uint32_t len = 81920;		/* 16K unsolicited + 4 R2Ts */
	uint8_t *w = pattern(len, 3), *rd = calloc(1, len), cdb[16];
	const struct tpeer_pdu *r;
	struct pdu p;
	uint32_t itt, got, resid, r2ts = 0, expect_off = 16384, r2tsn = 0;
	int st;

	up(op);
	scsi_cdb_write10(cdb, 8, len / 512, 0);
	/* 8 KiB immediate, 8 KiB unsolicited Data-Out (TTT 0xffffffff) */
	itt = tpeer_cmd(&pe, cdb, len, false, true, w, 8192, false, 0);
	pdu_init(&p, PDU_OP_DATA_OUT);
	p.itt = itt;
	p.final = true;
	p.u.data_out.ttt = PDU_TAG_RESERVED;
	p.u.data_out.buffer_offset = 8192;
	pdu_set_data(&p, w + 8192, 8192);
	tpeer_send(&pe, &p);
	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL &&
	    r->p.opcode == PDU_OP_R2T) {
		const struct pdu_r2t *t = &r->p.u.r2t;

		CU_ASSERT_EQUAL(r->p.itt, itt);
		CU_ASSERT_EQUAL(t->buffer_offset, expect_off);
		CU_ASSERT_EQUAL(t->ddtl, 16384);
		CU_ASSERT_EQUAL(t->r2tsn, r2tsn);
		r2tsn++;
		expect_off += t->ddtl;
		r2ts++;
		/* MaxOutstandingR2T=2: the second R2T comes before any data */
		if (r2ts % 2 == 1 && r2ts < 4)
			continue;
		/* answer the two outstanding R2Ts: oldest first */
		{
			uint32_t o0 = t->buffer_offset - 16384, k;

			for (k = 0; k < 2; k++) {
				pdu_init(&p, PDU_OP_DATA_OUT);
				p.itt = itt;
				p.final = true;
				p.u.data_out.ttt = k == 1 ? t->ttt : t->ttt - 1;
				p.u.data_out.buffer_offset = o0 + k * 16384;
				pdu_set_data(&p, w + o0 + k * 16384, 16384);
				tpeer_send(&pe, &p);
			}
		}
	}
	CU_ASSERT_EQUAL(r2ts, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_GOOD);
	pe.expstatsn = r->p.u.scsi_rsp.statsn + 1;
	scsi_cdb_read10(cdb, 8, len / 512, 0);
	st = tpeer_read(&pe, cdb, len, rd, &got, &resid);
	CU_ASSERT_EQUAL(st, SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(got, len);
	CU_ASSERT_EQUAL(memcmp(w, rd, len), 0);
	free(w);
	free(rd);
	down();
}

/* 13.10/13.11: InitialR2T=Yes, ImmediateData=No: R2T from offset 0 */
static void
test_write_initial_r2t(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		NULL };
	uint8_t *w = pattern(4096, 9), rd[4096], cdb[16];
	const struct tpeer_pdu *r;
	uint32_t got, resid;

	up(op);
	scsi_cdb_write10(cdb, 100, 8, 0);
	tpeer_cmd(&pe, cdb, 4096, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_R2T);
	CU_ASSERT_EQUAL(r->p.u.r2t.buffer_offset, 0);
	CU_ASSERT_EQUAL(r->p.u.r2t.ddtl, 4096);
	down();
	/* the helper's full round trip */
	up(op);
	scsi_cdb_write10(cdb, 100, 8, 0);
	CU_ASSERT_EQUAL(tpeer_write(&pe, cdb, w, 4096, 0), SCSI_STATUS_GOOD);
	scsi_cdb_read10(cdb, 100, 8, 0);
	CU_ASSERT_EQUAL(tpeer_read(&pe, cdb, 4096, rd, &got, &resid),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(memcmp(w, rd, 4096), 0);
	free(w);
	down();
}

/* 11.4.5 residuals, 11.4.7 sense data */
static void
test_residuals_and_sense(void)
{
	uint8_t cdb[16], buf[4096];
	uint32_t got, resid;
	const struct tpeer_pdu *r;

	up(NULL);
	/* INQUIRY: 255 asked, less produced -> underflow in the last Data-In */
	scsi_cdb_inquiry(cdb, 0, 0, 255);
	tpeer_cmd(&pe, cdb, 255, true, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_DATA_IN);
	CU_ASSERT_TRUE(r->p.u.data_in.status_present);
	CU_ASSERT_TRUE(r->p.u.data_in.underflow);
	CU_ASSERT_EQUAL(r->p.u.data_in.residual, 255 - r->p.data_len);
	pe.expstatsn = r->p.u.data_in.statsn + 1;
	/* READ of 8 blocks with EDTL 2048: overflow 2048 */
	scsi_cdb_read10(cdb, 0, 8, 0);
	CU_ASSERT_EQUAL(tpeer_read(&pe, cdb, 2048, buf, &got, &resid),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(got, 2048);
	CU_ASSERT_EQUAL(resid, 2048);
	CU_ASSERT_TRUE(pe.cur.p.u.data_in.overflow);
	/* READ past the end: CHECK CONDITION, ILLEGAL REQUEST, LBA out of range */
	scsi_cdb_read10(cdb, 32768, 1, 0);
	tpeer_cmd(&pe, cdb, 512, true, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(r->p.data_len, 2 + SCSI_SENSE_FIXED_LEN);
	CU_ASSERT_EQUAL(r->data[1], SCSI_SENSE_FIXED_LEN);	/* SenseLength */
	CU_ASSERT_EQUAL(r->data[2 + 2] & 0x0f, SCSI_SENSE_ILLEGAL_REQUEST);
	CU_ASSERT_EQUAL(r->data[2 + 12], 0x21);
	/* a write to a LUN that does not exist, with immediate data */
	scsi_cdb_write10(cdb, 0, 1, 0);
	tpeer_cmd(&pe, cdb, 512, false, true, buf, 512, true, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(r->data[2 + 12], 0x25);
	down();
}

/* 4.2.2.1: CmdSN ordering, window, ExpCmdSN/MaxCmdSN */
static void
test_cmdsn_window(void)
{
	uint8_t cdb[16];
	const struct tpeer_pdu *r;
	uint32_t base, itt1, itt2;
	struct pdu p;

	up(NULL);
	base = pe.cmdsn;
	scsi_cdb_test_unit_ready(cdb);
	/* CmdSN base+1 first: held until base arrives */
	pe.cmdsn = base + 1;
	itt2 = tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NULL(tpeer_recv(&pe, 100));
	pe.cmdsn = base;
	itt1 = tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.itt, itt1);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.expcmdsn, base + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.itt, itt2);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.expcmdsn, base + 2);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.maxcmdsn, base + 2 + 127);
	/* beyond MaxCmdSN and an old CmdSN: silently ignored */
	pe.cmdsn = base + 500;
	tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	pe.cmdsn = base;
	tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
	CU_ASSERT_PTR_NULL(tpeer_recv(&pe, 100));
	/* an immediate command does not advance ExpCmdSN */
	pdu_init(&p, PDU_OP_SCSI_CMD);
	p.itt = 0x999;
	p.final = true;
	p.immediate = true;
	p.u.scsi_cmd.cmdsn = base + 2;
	memcpy(p.u.scsi_cmd.cdb, cdb, 6);
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.itt, 0x999);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.expcmdsn, base + 2);
	down();
}

/* 11.18/11.19: NOP-Out ping answered, target ping with a TTT */
static void
test_nop(void)
{
	static const char y[] =
	    "target:\n"
	    "  settings: { nop_interval_ms: 50 }\n"
	    "  portals: [ { name: p, address: \"127.0.0.1:0\" } ]\n"
	    "  targets: [ { name: " TPEER_TARGET ", luns: [1M] } ]\n";
	struct tpeer_login o = { .target = TPEER_TARGET };
	const struct tpeer_pdu *r;
	uint32_t itt, statsn;
	struct pdu p;

	loop = evloop_new(NULL);
	tgt = tpeer_target(loop, y);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
	statsn = pe.expstatsn;
	itt = tpeer_nop(&pe, "hello", 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(r->p.itt, itt);
	CU_ASSERT_EQUAL(r->p.u.nop_in.ttt, PDU_TAG_RESERVED);
	CU_ASSERT_EQUAL(r->p.u.nop_in.statsn, statsn);
	CU_ASSERT_EQUAL(r->p.data_len, 5);
	/* the periodic target ping: ITT reserved, a TTT, StatSN not advanced */
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(r->p.itt, PDU_TAG_RESERVED);
	CU_ASSERT_NOT_EQUAL(r->p.u.nop_in.ttt, PDU_TAG_RESERVED);
	CU_ASSERT_EQUAL(r->p.u.nop_in.statsn, statsn + 1);
	pdu_init(&p, PDU_OP_NOP_OUT);
	p.itt = PDU_TAG_RESERVED;
	p.immediate = true;
	p.u.nop_out.ttt = r->p.u.nop_in.ttt;
	tpeer_send(&pe, &p);
	down();
}

/* 11.5/11.6 TMF: abort a pending write, LUN reset and its unit attention */
static void
test_tmf(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		NULL };
	struct tpeer_login o = { .target = TPEER_TARGET };
	uint8_t cdb[16], buf[512];
	const struct tpeer_pdu *r;
	struct tpeer p2;
	struct pdu p;
	uint32_t itt, got, resid;

	up(op);
	scsi_cdb_write10(cdb, 0, 1, 0);
	itt = tpeer_cmd(&pe, cdb, 512, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_R2T);
	pdu_init(&p, PDU_OP_TMF_REQ);
	p.itt = 0x500;
	p.immediate = true;
	p.lun = scsi_lun_encode(0);
	p.u.tmf_req.function = ISCSI_TMF_ABORT_TASK;
	p.u.tmf_req.ref_task_tag = itt;
	p.u.tmf_req.cmdsn = pe.cmdsn;
	p.u.tmf_req.ref_cmdsn = pe.cmdsn - 1;
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_TMF_RSP);
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_COMPLETE);
	/* the same task again: gone; RefCmdSN not below the window -> not found */
	p.itt = 0x501;
	p.u.tmf_req.ref_cmdsn = pe.cmdsn + 5;
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_TASK_NOT_FOUND);
	/* 11.5.1: a lost command (CmdSN never received, in the window, below
	 * the TMF's): Function complete, and its CmdSN counts as received so
	 * the TEST UNIT READY queued behind it runs */
	{
		uint32_t lost = pe.cmdsn++, tur, i;
		bool rsp = false, tmf = false;

		scsi_cdb_test_unit_ready(cdb);
		tur = tpeer_cmd(&pe, cdb, 0, false, false, NULL, 0, true, 0);
		p.itt = 0x5a0;
		p.u.tmf_req.ref_task_tag = 0x4444;
		p.u.tmf_req.cmdsn = pe.cmdsn;
		p.u.tmf_req.ref_cmdsn = lost;
		tpeer_send(&pe, &p);
		for (i = 0; i < 2; i++) {
			CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe,
			    TPEER_WAIT_MS));
			if (r->p.opcode == PDU_OP_TMF_RSP) {
				CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response,
				    ISCSI_TMF_RESP_COMPLETE);
				tmf = true;
			} else if (r->p.opcode == PDU_OP_SCSI_RSP &&
			    r->p.itt == tur)
				rsp = true;
		}
		CU_ASSERT_TRUE(tmf);
		CU_ASSERT_TRUE(rsp);
	}
	/* LUN 9 does not exist */
	p.itt = 0x502;
	p.lun = scsi_lun_encode(9);
	p.u.tmf_req.function = ISCSI_TMF_LOGICAL_UNIT_RESET;
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_LUN_NOT_FOUND);
	/* a second session sees the unit attention of our LUN reset */
	pe.isid[5] = 1;
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&p2, loop, tgt, 0), 0);
	p2.isid[5] = 2;
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&p2, &o), 0);
	p.itt = 0x503;
	p.lun = scsi_lun_encode(0);
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_COMPLETE);
	scsi_cdb_read10(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(tpeer_read(&p2, cdb, 512, buf, &got, &resid),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(p2.cur.data[2 + 2] & 0x0f, SCSI_SENSE_UNIT_ATTENTION);
	CU_ASSERT_EQUAL(p2.cur.data[2 + 12], 0x29);
	CU_ASSERT_EQUAL(tpeer_read(&p2, cdb, 512, buf, &got, &resid),
	    SCSI_STATUS_GOOD);
	/* task reassign is not for ErrorRecoveryLevel 0 */
	p.itt = 0x504;
	p.u.tmf_req.function = ISCSI_TMF_TASK_REASSIGN;
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response,
	    ISCSI_TMF_RESP_REASSIGN_NOT_SUPPORTED);
	/* target cold reset: every connection of the target is dropped */
	p.itt = 0x505;
	p.u.tmf_req.function = ISCSI_TMF_TARGET_COLD_RESET;
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_COMPLETE);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	CU_ASSERT_TRUE(tpeer_wait_closed(&p2, TPEER_WAIT_MS));
	tpeer_destroy(&p2);
	down();
}

static void
tmf_send(struct tpeer *x, uint32_t itt, uint8_t function, uint32_t ref)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_TMF_REQ);
	p.itt = itt;
	p.immediate = true;
	p.lun = scsi_lun_encode(0);
	p.u.tmf_req.function = function;
	p.u.tmf_req.ref_task_tag = ref;
	p.u.tmf_req.cmdsn = x->cmdsn;
	p.u.tmf_req.ref_cmdsn = x->cmdsn - 1;
	tpeer_send(x, &p);
}

/*
 * 11.5.1: ABORT TASK SET ends every task of this session on the LUN (the
 * aborted write is gone afterwards); CLEAR TASK SET ends the tasks of every
 * session on the LUN and the others get a unit attention COMMANDS CLEARED
 * BY ANOTHER INITIATOR (SAM-5 5.7.2, 0x2F/0x00).
 */
static void
test_tmf_task_sets(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		NULL };
	struct tpeer_login o = { .target = TPEER_TARGET, .op_keys = op };
	uint8_t cdb[16], buf[512];
	const struct tpeer_pdu *r;
	struct tpeer p2;
	uint32_t w1, w2, got, resid;

	up(op);
	scsi_cdb_write10(cdb, 0, 1, 0);
	w1 = tpeer_cmd(&pe, cdb, 512, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_R2T);
	tmf_send(&pe, 0x600, ISCSI_TMF_ABORT_TASK_SET, PDU_TAG_RESERVED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_TMF_RSP);
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_COMPLETE);
	/* the write was aborted with the set: ABORT TASK no longer finds it */
	tmf_send(&pe, 0x601, ISCSI_TMF_ABORT_TASK, w1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_TASK_NOT_FOUND);

	/* a second session with a write pending on LUN 0 */
	pe.isid[5] = 1;
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&p2, loop, tgt, 0), 0);
	p2.isid[5] = 2;
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&p2, &o), 0);
	w2 = tpeer_cmd(&p2, cdb, 512, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&p2, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_R2T);
	tmf_send(&pe, 0x602, ISCSI_TMF_CLEAR_TASK_SET, PDU_TAG_RESERVED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_COMPLETE);
	/* the other session's write is gone too */
	tmf_send(&p2, 0x603, ISCSI_TMF_ABORT_TASK, w2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&p2, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_TMF_RSP);
	CU_ASSERT_EQUAL(r->p.u.tmf_rsp.response, ISCSI_TMF_RESP_TASK_NOT_FOUND);
	/* and its next command reports the unit attention, once */
	scsi_cdb_read10(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(tpeer_read(&p2, cdb, 512, buf, &got, &resid),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(p2.cur.data[2 + 2] & 0x0f, SCSI_SENSE_UNIT_ATTENTION);
	CU_ASSERT_EQUAL(p2.cur.data[2 + 12], 0x2f);
	CU_ASSERT_EQUAL(p2.cur.data[2 + 13], 0x00);
	CU_ASSERT_EQUAL(tpeer_read(&p2, cdb, 512, buf, &got, &resid),
	    SCSI_STATUS_GOOD);
	/* the session that cleared the set gets no unit attention */
	CU_ASSERT_EQUAL(tpeer_read(&pe, cdb, 512, buf, &got, &resid),
	    SCSI_STATUS_GOOD);
	tpeer_destroy(&p2);
	down();
}

static void
logout(struct tpeer *x, uint8_t reason, uint16_t cid)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_LOGOUT_REQ);
	p.itt = 0x700;
	p.immediate = true;
	p.u.logout_req.reason = reason;
	p.u.logout_req.cid = cid;
	p.u.logout_req.cmdsn = x->cmdsn;
	tpeer_send(x, &p);
}

/* 11.14/11.15: Logout reasons and responses */
static void
test_logout(void)
{
	const struct tpeer_pdu *r;

	up(NULL);
	logout(&pe, ISCSI_LOGOUT_REASON_REMOVE_FOR_RECOVERY, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_LOGOUT_RSP);
	CU_ASSERT_EQUAL(r->p.u.logout_rsp.response,
	    ISCSI_LOGOUT_RESP_RECOVERY_NOT_SUPPORTED);
	logout(&pe, ISCSI_LOGOUT_REASON_CLOSE_CONNECTION, 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.logout_rsp.response,
	    ISCSI_LOGOUT_RESP_CID_NOT_FOUND);
	logout(&pe, ISCSI_LOGOUT_REASON_CLOSE_SESSION, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.logout_rsp.response, ISCSI_LOGOUT_RESP_SUCCESS);
	CU_ASSERT_EQUAL(r->p.u.logout_rsp.time2wait, 2);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	down();
}

/* 11.17: an unknown opcode gets a Reject carrying its header */
static void
test_reject_unknown_opcode(void)
{
	const struct tpeer_pdu *r;
	struct pdu p;
	uint8_t sent[PDU_BHS_LEN];
	size_t n;

	up(NULL);
	pdu_init(&p, 0x1c);
	p.itt = 0x1234;
	pdu_encode(&p, NULL, sent, sizeof(sent), &n);
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_REJECT);
	CU_ASSERT_EQUAL(r->p.u.reject.reason, ISCSI_REJECT_COMMAND_NOT_SUPPORTED);
	CU_ASSERT_EQUAL(r->p.data_len, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(memcmp(r->data, sent, PDU_BHS_LEN), 0);
	down();
}

/* 7.8: a data digest error is answered with Reject reason 0x02 */
static void
test_data_digest_error(void)
{
	static const char *const op[] = { "HeaderDigest=CRC32C",
		"DataDigest=CRC32C", NULL };
	struct pdu_digest_opts bad = { .header = true, .data = true,
		.data_xor = 1 };
	const struct tpeer_pdu *r;
	struct pdu p;

	up(op);
	CU_ASSERT_TRUE(pe.hd && pe.dd);
	pdu_init(&p, PDU_OP_NOP_OUT);
	p.itt = 0x42;
	p.immediate = true;
	p.u.nop_out.ttt = PDU_TAG_RESERVED;
	pdu_set_data(&p, "data", 4);
	tpeer_send_opts(&pe, &p, &bad);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->code, PDU_OK);
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_REJECT);
	CU_ASSERT_EQUAL(r->p.u.reject.reason, ISCSI_REJECT_DATA_DIGEST_ERROR);
	down();
}

/* 11.7.5: DataSN per sequence; a bad one fails the command (ERL 0) */
static void
test_datasn_and_direction(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		NULL };
	uint8_t *w = pattern(1024, 5), cdb[16];
	const struct tpeer_pdu *r;
	struct pdu p;
	uint32_t itt, k;

	up(op);
	scsi_cdb_write10(cdb, 10, 2, 0);
	itt = tpeer_cmd(&pe, cdb, 1024, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL_FATAL(r->p.opcode, PDU_OP_R2T);
	for (k = 0; k < 2; k++) {	/* offsets in order, DataSN 1 then 0 */
		pdu_init(&p, PDU_OP_DATA_OUT);
		p.itt = itt;
		p.final = k == 1;
		p.u.data_out.ttt = r->p.u.r2t.ttt;
		p.u.data_out.datasn = 1 - k;
		p.u.data_out.buffer_offset = k * 512;
		pdu_set_data(&p, w + k * 512, 512);
		tpeer_send(&pe, &p);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(r->data[2 + 2] & 0x0f, SCSI_SENSE_ABORTED_COMMAND);
	CU_ASSERT_EQUAL(r->data[2 + 12], 0x4b);
	pe.expstatsn = r->p.u.scsi_rsp.statsn + 1;
	/* READ(10) flagged W with its data: the data is dropped, GOOD */
	down();
	up(NULL);
	scsi_cdb_read10(cdb, 0, 1, 0);
	tpeer_cmd(&pe, cdb, 512, false, true, w, 512, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_GOOD);
	free(w);
	down();
}

static CU_TestInfo scsi_tests[] = {
	{ "rfc7143_11_7_5_datasn_error_and_w_on_read", test_datasn_and_direction },
	{ "rfc7143_11_7_datain_sequences_phase_collapse", test_read_sequencing },
	{ "rfc7143_3_2_4_immediate_unsolicited_r2t", test_write_r2t_sequencing },
	{ "rfc7143_13_10_initial_r2t_yes", test_write_initial_r2t },
	{ "rfc7143_11_4_residuals_and_sense", test_residuals_and_sense },
	{ "rfc7143_4_2_2_1_cmdsn_window_order", test_cmdsn_window },
	{ "rfc7143_11_18_nop_both_directions", test_nop },
	{ "rfc7143_11_5_tmf", test_tmf },
	{ "rfc7143_11_5_1_abort_and_clear_task_set", test_tmf_task_sets },
	{ "rfc7143_11_14_logout", test_logout },
	{ "rfc7143_11_17_reject_unknown_opcode", test_reject_unknown_opcode },
	{ "rfc7143_7_8_data_digest_error_reject", test_data_digest_error },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_scsi", scsi_tests)
