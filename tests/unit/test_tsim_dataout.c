/*
 * target-sim write data out of bounds (RFC 7143 11.4.7.2, 13.10, 13.11,
 * 13.14, 7.3): unsolicited data over FirstBurstLength, data beyond or
 * short of an R2T, unsolicited data that was not allowed, a Data-Out over
 * our MaxRecvDataSegmentLength.  Each ends the command with CHECK
 * CONDITION, ABORTED COMMAND and the RFC's ASC/ASCQ; nothing out of
 * bounds is written and the command never hangs.
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
		b[i] = (uint8_t)(i * 7 + seed + 1);
	return b;
}

static void
data_out(uint32_t itt, uint32_t ttt, uint32_t datasn, uint32_t off,
    const uint8_t *data, uint32_t len, bool final)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_DATA_OUT);
	p.itt = itt;
	p.final = final;
	p.u.data_out.ttt = ttt;
	p.u.data_out.datasn = datasn;
	p.u.data_out.buffer_offset = off;
	p.u.data_out.expstatsn = pe.expstatsn;
	pdu_set_data(&p, data, len);
	tpeer_send(&pe, &p);
}

/* Next PDU of opcode op for itt (others skipped, Rejects counted). */
static const struct tpeer_pdu *
next(uint8_t op, uint32_t itt, unsigned *rejects)
{
	const struct tpeer_pdu *r;

	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL) {
		if (r->p.opcode == PDU_OP_REJECT && rejects != NULL)
			(*rejects)++;
		if (r->p.opcode == op && r->p.itt == itt)
			return r;
	}
	return NULL;
}

/* The SCSI Response of itt: CHECK CONDITION, ABORTED COMMAND, asc/ascq. */
static void
expect_aborted(uint32_t itt, uint8_t asc, uint8_t ascq, unsigned *rejects)
{
	const struct tpeer_pdu *r = next(PDU_OP_SCSI_RSP, itt, rejects);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_FATAL(r->p.data_len >= 2 + 14);
	CU_ASSERT_EQUAL(r->data[2 + 2] & 0x0f, SCSI_SENSE_ABORTED_COMMAND);
	CU_ASSERT_EQUAL(r->data[2 + 12], asc);
	CU_ASSERT_EQUAL(r->data[2 + 13], ascq);
	pe.expstatsn = r->p.u.scsi_rsp.statsn + 1;
}

/* The blocks at lba still read as zeros (nothing was written). */
static void
expect_unwritten(uint32_t lba, uint32_t len)
{
	uint8_t *rd = malloc(len), *zero = calloc(1, len), cdb[16];
	uint32_t got, resid;

	scsi_cdb_read10(cdb, lba, len / 512, 0);
	CU_ASSERT_EQUAL(tpeer_read(&pe, cdb, len, rd, &got, &resid),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(got, len);
	CU_ASSERT_EQUAL(memcmp(rd, zero, len), 0);
	free(rd);
	free(zero);
}

/* 13.14 + 11.4.7.2: immediate data over FirstBurstLength: 0x0C/0x0D */
static void
test_immediate_over_first_burst(void)
{
	static const char *const op[] = { "FirstBurstLength=4096",
		"ImmediateData=Yes", "InitialR2T=Yes", NULL };
	uint8_t *w = pattern(8192, 1), cdb[16];
	uint32_t itt;

	up(op);
	scsi_cdb_write10(cdb, 64, 16, 0);
	itt = tpeer_cmd(&pe, cdb, 8192, false, true, w, 8192, true, 0);
	expect_aborted(itt, 0x0c, 0x0d, NULL);
	expect_unwritten(64, 8192);
	free(w);
	down();
}

/* 13.14 + 11.4.7.2: immediate + unsolicited Data-Out over FirstBurstLength */
static void
test_unsolicited_over_first_burst(void)
{
	static const char *const op[] = { "FirstBurstLength=8192",
		"InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=8192", NULL };
	uint8_t *w = pattern(32768, 2), cdb[16];
	const struct tpeer_pdu *r;
	uint32_t itt, r2ts = 0;

	up(op);
	scsi_cdb_write10(cdb, 128, 64, 0);
	/* 4 KiB immediate + 8 KiB unsolicited: 4 KiB past the first burst */
	itt = tpeer_cmd(&pe, cdb, 32768, false, true, w, 4096, false, 0);
	data_out(itt, PDU_TAG_RESERVED, 0, 4096, w + 4096, 8192, true);
	/* no R2T for a failed command: its response comes at once */
	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL &&
	    r->p.opcode == PDU_OP_R2T)
		r2ts++;
	CU_ASSERT_EQUAL(r2ts, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(r->data[2 + 12], 0x0c);
	CU_ASSERT_EQUAL(r->data[2 + 13], 0x0d);
	pe.expstatsn = r->p.u.scsi_rsp.statsn + 1;
	/* the 4 KiB past FirstBurstLength never reached the disk */
	expect_unwritten(128 + 16, 8192);
	free(w);
	down();
}

/* 11.4.7.2: the transfer is longer than FirstBurstLength and the
 * unsolicited sequence stops short of it: 0x0C/0x0D */
static void
test_unsolicited_short_of_first_burst(void)
{
	static const char *const op[] = { "FirstBurstLength=8192",
		"InitialR2T=No", "ImmediateData=No", NULL };
	uint8_t *w = pattern(16384, 3), cdb[16];
	uint32_t itt;

	up(op);
	scsi_cdb_write10(cdb, 200, 32, 0);
	itt = tpeer_cmd(&pe, cdb, 16384, false, true, NULL, 0, false, 0);
	data_out(itt, PDU_TAG_RESERVED, 0, 0, w, 4096, true);
	expect_aborted(itt, 0x0c, 0x0d, NULL);
	free(w);
	down();
}

/* 11.4.7.2: Data-Out past the end of its R2T: 0x0C/0x0D, not written */
static void
test_beyond_r2t(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		"MaxBurstLength=4096", "MaxOutstandingR2T=1", NULL };
	uint8_t *w = pattern(8192, 4), cdb[16];
	const struct tpeer_pdu *r;
	uint32_t itt, ttt;

	up(op);
	scsi_cdb_write10(cdb, 300, 16, 0);
	itt = tpeer_cmd(&pe, cdb, 8192, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = next(PDU_OP_R2T, itt, NULL));
	CU_ASSERT_EQUAL(r->p.u.r2t.buffer_offset, 0);
	CU_ASSERT_EQUAL(r->p.u.r2t.ddtl, 4096);
	ttt = r->p.u.r2t.ttt;
	/* 4 KiB asked for, 8 KiB sent in one PDU */
	data_out(itt, ttt, 0, 0, w, 8192, true);
	expect_aborted(itt, 0x0c, 0x0d, NULL);
	expect_unwritten(300, 8192);
	free(w);
	down();
}

/* 11.4.7.2: an R2T answered with less than it asked for (F set early) */
static void
test_short_r2t(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		NULL };
	uint8_t *w = pattern(4096, 5), cdb[16];
	const struct tpeer_pdu *r;
	uint32_t itt;

	up(op);
	scsi_cdb_write10(cdb, 400, 8, 0);
	itt = tpeer_cmd(&pe, cdb, 4096, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = next(PDU_OP_R2T, itt, NULL));
	CU_ASSERT_EQUAL(r->p.u.r2t.ddtl, 4096);
	data_out(itt, r->p.u.r2t.ttt, 0, 0, w, 1024, true);
	expect_aborted(itt, 0x0c, 0x0d, NULL);
	free(w);
	down();
}

/* 13.10 / 13.11 + 11.4.7.2: unsolicited data not allowed: 0x0C/0x0C */
static void
test_unexpected_unsolicited(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		NULL };
	uint8_t *w = pattern(4096, 6), cdb[16];
	const struct tpeer_pdu *r;
	uint32_t itt;

	/* immediate data while ImmediateData=No */
	up(op);
	scsi_cdb_write10(cdb, 500, 8, 0);
	itt = tpeer_cmd(&pe, cdb, 4096, false, true, w, 1024, true, 0);
	expect_aborted(itt, 0x0c, 0x0c, NULL);
	expect_unwritten(500, 4096);
	/* an unsolicited Data-Out while InitialR2T=Yes; the R2T still
	 * outstanding is answered, then the command fails */
	itt = tpeer_cmd(&pe, cdb, 4096, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = next(PDU_OP_R2T, itt, NULL));
	data_out(itt, PDU_TAG_RESERVED, 0, 0, w, 1024, true);
	data_out(itt, r->p.u.r2t.ttt, 0, 0, w, 4096, true);
	expect_aborted(itt, 0x0c, 0x0c, NULL);
	expect_unwritten(500, 4096);
	free(w);
	down();
}

/* 7.3 + 13.12: a Data-Out over our MaxRecvDataSegmentLength gets a Reject
 * and, as a Reject does not end a task, the command fails 0x0C/0x0D */
static void
test_data_out_over_mrdsl(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		"MaxBurstLength=524288", NULL };
	const uint32_t len = 524288, big = 262144 + 512;
	uint8_t *w = pattern(len, 7), cdb[16];
	const struct tpeer_pdu *r;
	unsigned rejects = 0;
	uint32_t itt;

	up(op);
	scsi_cdb_write10(cdb, 1024, len / 512, 0);
	itt = tpeer_cmd(&pe, cdb, len, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = next(PDU_OP_R2T, itt, NULL));
	CU_ASSERT_EQUAL(r->p.u.r2t.ddtl, len);
	data_out(itt, r->p.u.r2t.ttt, 0, 0, w, big, false);
	data_out(itt, r->p.u.r2t.ttt, 1, big, w + big, len - big, true);
	expect_aborted(itt, 0x0c, 0x0d, &rejects);
	CU_ASSERT_EQUAL(rejects, 1);
	expect_unwritten(1024, 8192);
	free(w);
	down();
}

static CU_TestInfo dataout_tests[] = {
	{ "rfc7143_13_14_immediate_over_first_burst",
	    test_immediate_over_first_burst },
	{ "rfc7143_13_14_unsolicited_over_first_burst",
	    test_unsolicited_over_first_burst },
	{ "rfc7143_11_4_7_2_unsolicited_short_of_first_burst",
	    test_unsolicited_short_of_first_burst },
	{ "rfc7143_11_4_7_2_data_beyond_r2t", test_beyond_r2t },
	{ "rfc7143_11_4_7_2_r2t_answered_short", test_short_r2t },
	{ "rfc7143_13_10_unexpected_unsolicited_data",
	    test_unexpected_unsolicited },
	{ "rfc7143_7_3_data_out_over_mrdsl", test_data_out_over_mrdsl },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_dataout", dataout_tests)
