/*
 * target-sim/lun: logical block provisioning (SBC-3 4.7: WRITE SAME,
 * UNMAP, GET LBA STATUS, READ CAPACITY(16) LBPME/LBPRZ) and REPORT
 * SUPPORTED OPERATION CODES (SPC-4 6.35), with exact data and sense.
 */
#include <string.h>

#include "bytes.h"
#include "lun_impl.h"
#include "lun_testutil.h"

#define NB	2048	/* blocks of the 1 MiB LUN */

static int
all_zero(const uint8_t *p, size_t n)
{
	while (n > 0 && p[n - 1] == 0)
		n--;
	return n == 0;
}

static void
cdb_get_lba_status(uint8_t *cdb, uint64_t lba, uint32_t alloc)
{
	memset(cdb, 0, SCSI_CDB_MAX);
	cdb[0] = SCSI_OP_SERVICE_ACTION_IN16;
	cdb[1] = SCSI_SAI_GET_LBA_STATUS;
	put_be64(cdb + 2, lba);
	put_be32(cdb + 10, alloc);
}

/* UNMAP parameter list: n descriptors (lba, count) */
static uint32_t
unmap_list(uint8_t *p, const uint64_t (*d)[2], size_t n)
{
	size_t i;

	memset(p, 0, 8 + 16 * n);
	put_be16(p, (uint16_t)(6 + 16 * n));
	put_be16(p + 2, (uint16_t)(16 * n));
	for (i = 0; i < n; i++) {
		put_be64(p + 8 + 16 * i, d[i][0]);
		put_be32(p + 8 + 16 * i + 8, (uint32_t)d[i][1]);
	}
	return (uint32_t)(8 + 16 * n);
}

static void
cdb_unmap(uint8_t *cdb, uint16_t len)
{
	memset(cdb, 0, SCSI_CDB_MAX);
	cdb[0] = SCSI_OP_UNMAP;
	put_be16(cdb + 7, len);
}

/* SBC-3 5.41/5.42 WRITE SAME */
static void
test_write_same(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_cdb_info ci;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];
	int i;

	fill(out, 512, 5);
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, 10, 3, 0);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 10, &ci), 0);
	CU_ASSERT(ci.known && !ci.media && ci.dir == LUN_DIR_OUT && ci.xfer_len == 512);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 512);
	CU_ASSERT_EQUAL(lun_read_at(l, 9 * 512, in, 5 * 512), 0);
	CU_ASSERT(all_zero(in, 512) && all_zero(in + 4 * 512, 512));
	for (i = 1; i <= 3; i++)
		CU_ASSERT(memcmp(in + i * 512, out, 512) == 0);
	/* 0 blocks = to the end (WSNZ=0), bounded by MAXIMUM WRITE SAME LENGTH */
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME16, NB - 4, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_read_at(l, (NB - 4) * 512, in, 4 * 512), 0);
	CU_ASSERT(memcmp(in + 3 * 512, out, 512) == 0);
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME16, NB, 0, 0);	/* nothing */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, NB + 1, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	{
		struct lun *b = mk(32 * MIB, 1);	/* 65536 blocks */

		scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, 0, 0, 0);
		CU_ASSERT_EQUAL(run(b, NX_A, cdb, out, 512, &r),
		    SCSI_STATUS_CHECK_CONDITION);
		CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 7));
		scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME16, 0, LUN_MAX_WRITE_SAME + 1, 0);
		CU_ASSERT_EQUAL(lun_check(b, NX_A, cdb, 16, &r),
		    SCSI_STATUS_CHECK_CONDITION);
		CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 10));
		scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME16, 0, LUN_MAX_WRITE_SAME, 0);
		CU_ASSERT_EQUAL(run(b, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
		lun_destroy(b);
	}
	/* UNMAP=1 deallocates, whatever the block holds: zeros read back */
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, 10, 3, LUN_WS_UNMAP);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_read_at(l, 10 * 512, in, 3 * 512), 0);
	CU_ASSERT(all_zero(in, 3 * 512));
	/* NDOB (WRITE SAME(16)): no Data-Out, zeros */
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME16, NB - 2, 2, LUN_WS_NDOB);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.dir == LUN_DIR_NONE && ci.xfer_len == 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_read_at(l, (NB - 2) * 512, in, 1024), 0);
	CU_ASSERT(all_zero(in, 1024));
	/* ANCHOR: no anchored state (byte 1 bit 4); no Data-Out block */
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, 0, 1, LUN_WS_ANCHOR | LUN_WS_UNMAP);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcc, 1));
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, 0, 1, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 100, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST,
	    SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR));
	lun_destroy(l);
}

/* SBC-3 5.28 UNMAP, 5.6 GET LBA STATUS, 5.16 LBPME/LBPRZ */
static void
test_unmap_lba_status(void)
{
	static const uint64_t two[2][2] = { { 8, 2 }, { 20, 1 } };
	static const uint64_t beyond[2][2] = { { 0, 1 }, { NB - 1, 2 } };
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX], d[16 * 512];
	uint32_t n;

	scsi_cdb_read_capacity16(cdb, 32);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(in[14], 0xc0);		/* LBPME, LBPRZ */
	/* a fresh LUN is all deallocated: one descriptor to the scan end */
	cdb_get_lba_status(cdb, 0, 24);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	{
		static const uint8_t want[24] = { 0, 0, 0, 20, 0, 0, 0, 0,
		    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0x01, 0, 0, 0 };

		CU_ASSERT(r.data_len == 24 && memcmp(in, want, 24) == 0);
	}
	memset(d, 0xee, sizeof(d));
	{
		uint8_t w[SCSI_CDB_MAX];

		scsi_cdb_write16(w, 4, 16, 0);
		CU_ASSERT_EQUAL(run(l, NX_A, w, d, sizeof(d), &r), SCSI_STATUS_GOOD);
	}
	n = unmap_list(out, two, 2);
	cdb_unmap(cdb, (uint16_t)n);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, n, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_read_at(l, 8 * 512, in, 2 * 512), 0);
	CU_ASSERT(all_zero(in, 1024));
	/* runs from LBA 2: 2 dealloc, 4 mapped (4-7), 2 dealloc (8-9),
	 * 10 mapped (10-19), 1 dealloc (20), ... */
	cdb_get_lba_status(cdb, 2, 8 + 16 * 4);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 72);
	CU_ASSERT_EQUAL(get_be32(in), 68);
	CU_ASSERT(get_be64(in + 8) == 2 && get_be32(in + 16) == 2 && in[20] == 1);
	CU_ASSERT(get_be64(in + 24) == 4 && get_be32(in + 32) == 4 && in[36] == 0);
	CU_ASSERT(get_be64(in + 40) == 8 && get_be32(in + 48) == 2 && in[52] == 1);
	CU_ASSERT(get_be64(in + 56) == 10 && get_be32(in + 64) == 10 && in[68] == 0);
	/* the last LBA is valid; beyond it is not */
	cdb_get_lba_status(cdb, NB - 1, 24);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(get_be64(in + 8) == NB - 1 && get_be32(in + 16) == 1);
	cdb_get_lba_status(cdb, NB, 24);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* UNMAP: a descriptor beyond the end fails the lot, nothing unmapped */
	n = unmap_list(out, beyond, 2);
	cdb_unmap(cdb, (uint16_t)n);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, n, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* parameter list length 0: nothing; 1..7: PARAMETER LIST LENGTH ERROR */
	cdb_unmap(cdb, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	cdb_unmap(cdb, 6);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 6, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST,
	    SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR));
	/* more descriptors than MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT */
	memset(out, 0, 8 + 16 * 257);
	put_be16(out + 2, 16 * 257);
	cdb_unmap(cdb, 8 + 16 * 257);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 8 + 16 * 257, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0x80, 2));
	/* ANCHOR */
	cdb_unmap(cdb, (uint16_t)n);
	cdb[1] = 0x01;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, n, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc8, 1));
	lun_destroy(l);
}

/* SPC-4 6.35 REPORT SUPPORTED OPERATION CODES */
static void
test_rsoc(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_cdb_info ci;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];
	uint32_t len, off;
	size_t i, n = 0;

	memset(cdb, 0, sizeof(cdb));
	cdb[0] = SCSI_OP_MAINTENANCE_IN;
	cdb[1] = SCSI_MI_REPORT_SUPPORTED_OPCODES;
	put_be32(cdb + 6, 8192);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 12, &ci), 0);
	CU_ASSERT(ci.dir == LUN_DIR_IN && ci.xfer_len == 8192);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	len = get_be32(in);
	CU_ASSERT_EQUAL(len, 8 * lun_rsoc_count());
	CU_ASSERT_EQUAL(r.data_len, 4 + len);
	/* every descriptor: a command lun_cdb_info() knows, SERVACTV only
	 * with a service action; READ(10) is there, 10 bytes */
	for (off = 4; off + 8 <= 4 + len; off += 8) {
		uint8_t c[SCSI_CDB_MAX] = { in[off] };

		CU_ASSERT_EQUAL(lun_cdb_info(c, 16, &ci), 0);
		CU_ASSERT_TRUE(ci.known);
		if (!(in[off + 5] & 0x01))
			CU_ASSERT_EQUAL(get_be16(in + off + 2), 0);
		CU_ASSERT_EQUAL(in[off + 5] & 0x02, 0);	/* no CTDP: RCTD=0 */
		if (in[off] == SCSI_OP_READ10) {
			CU_ASSERT_EQUAL(get_be16(in + off + 6), 10);
			n++;
		}
	}
	CU_ASSERT_EQUAL(n, 1);
	/* and every opcode lun_cdb_info() knows is listed */
	for (i = 0; i < 256; i++) {
		uint8_t c[SCSI_CDB_MAX] = { (uint8_t)i }, op;
		uint16_t sa;
		int has_sa, found = 0;
		size_t k;

		if (lun_cdb_info(c, 16, &ci) != 0 || !ci.known)
			continue;
		for (k = 0; lun_rsoc_entry(k, &op, &has_sa, &sa) == 0; k++)
			found |= op == i;
		CU_ASSERT_TRUE(found);
	}
	/* RCTD=1: 20-byte descriptors with CTDP and a 0Ah-long timeouts descriptor */
	cdb[2] = 0x80;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(get_be32(in), 20 * lun_rsoc_count());
	CU_ASSERT(in[4 + 5] == 0x02 && get_be16(in + 4 + 8) == 0x0a);
	/* one command (001b): READ(16), its CDB usage data */
	cdb[2] = 0x01;
	cdb[3] = SCSI_OP_READ16;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	{
		static const uint8_t want[20] = { 0, 0x03, 0, 16, 0x88, 0xf8, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0, 0 };

		CU_ASSERT(r.data_len == 20 && memcmp(in, want, 20) == 0);
	}
	/* not supported: SUPPORT 001b, no usage data */
	cdb[3] = SCSI_OP_FORMAT_UNIT;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 4 && in[1] == 0x01 && get_be16(in + 2) == 0);
	/* 001b for an opcode with service actions, 010b for one without */
	cdb[3] = SCSI_OP_PERSISTENT_RESERVE_IN;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xca, 2));
	cdb[2] = 0x02;
	put_be16(cdb + 4, SCSI_PR_IN_READ_FULL_STATUS);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(in[1] == 0x03 && get_be16(in + 2) == 10 && in[4] == 0x5e);
	put_be16(cdb + 4, 0x07);	/* no such service action */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(in[1], 0x01);
	cdb[3] = SCSI_OP_READ10;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xca, 2));
	/* reserved reporting options; another MAINTENANCE IN service action */
	cdb[2] = 0x04;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	cdb[2] = 0;
	cdb[1] = 0x0a;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcc, 1));
	lun_destroy(l);
}

/*
 * Random CDBs of every emulated opcode (seeded, so a failure repeats) with
 * random Data-Out lengths: the answer is always a valid status, data
 * stays inside the buffer, sense is fixed format (run it under SAN=1 for
 * the memory checks).
 */
static void
test_random_cdbs(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	uint32_t seed = 12345, i, k;
	uint8_t cdb[SCSI_CDB_MAX], op;
	uint16_t sa;
	int has_sa;

	for (i = 0; i < 3 * (uint32_t)lun_rsoc_count() * 400; i++) {
		CU_ASSERT_EQUAL_FATAL(lun_rsoc_entry(i % lun_rsoc_count(), &op,
		    &has_sa, &sa), 0);
		for (k = 0; k < sizeof(cdb); k++) {
			seed = seed * 1103515245u + 12345u;
			cdb[k] = (uint8_t)(seed >> 16);
		}
		cdb[0] = op;
		if (has_sa && (i & 1))
			cdb[1] = (uint8_t)((cdb[1] & 0xe0) | sa);
		if (i & 2) {	/* small LBAs and lengths, to get past the checks */
			memset(cdb + 2, 0, 8);
			cdb[9] = (uint8_t)(seed >> 8);
			cdb[10] = cdb[11] = 0;
			cdb[12] = cdb[13] & 0x03;
			cdb[7] = 0;
		}
		seed = seed * 1103515245u + 12345u;
		lun_execute(l, i % 3 ? NX_A : NX_B, cdb, sizeof(cdb), out,
		    (seed >> 8) % sizeof(out), in, (seed >> 4) % sizeof(in), &r);
		CU_ASSERT(r.status == SCSI_STATUS_GOOD ||
		    r.status == SCSI_STATUS_CHECK_CONDITION ||
		    r.status == SCSI_STATUS_RESERVATION_CONFLICT);
		CU_ASSERT(r.status != SCSI_STATUS_CHECK_CONDITION ||
		    (r.sense_len == 18 && (r.sense[0] & 0x7f) == 0x70));
		CU_ASSERT(r.data_len <= sizeof(in) && r.data_out_used <= sizeof(out));
	}
	lun_destroy(l);
}

static CU_TestInfo lun_tp_tests[] = {
	{ "random_cdbs_never_break", test_random_cdbs },
	{ "sbc3_5_41_write_same", test_write_same },
	{ "sbc3_5_28_unmap_get_lba_status", test_unmap_lba_status },
	{ "spc4_6_35_report_supported_opcodes", test_rsoc },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "lun_tp", lun_tp_tests)
