/*
 * target-sim/lun: the SBC-3 block commands beyond READ/WRITE(10/16) —
 * READ/WRITE(6/12), VERIFY and WRITE AND VERIFY (10/12/16), PRE-FETCH,
 * SYNCHRONIZE CACHE(16), ORWRITE(16), COMPARE AND WRITE — with exact data
 * and sense.
 */
#include <string.h>

#include "bytes.h"
#include "lun_testutil.h"

/* 1 MiB LUN: 2048 blocks */
#define NB	2048

/* MISCOMPARE DURING VERIFY OPERATION with INFORMATION = info (VALID set). */
static int
miscompare_is(const struct lun_result *r, uint32_t info)
{
	uint8_t want[18] = { 0xf0, 0, 0x0e, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x1d, 0x00 };

	want[3] = (uint8_t)(info >> 24);
	want[4] = (uint8_t)(info >> 16);
	want[5] = (uint8_t)(info >> 8);
	want[6] = (uint8_t)info;
	return r->status == SCSI_STATUS_CHECK_CONDITION && r->sense_len == 18 &&
	    memcmp(r->sense, want, 18) == 0;
}

static void
put(struct lun *l, uint64_t lba, const uint8_t *d, uint32_t n)
{
	uint8_t cdb[SCSI_CDB_MAX];
	struct lun_result r;

	scsi_cdb_write16(cdb, lba, n, 0);
	CU_ASSERT_EQUAL(lun_execute(l, NX_A, cdb, 16, d, n * 512, NULL, 0, &r),
	    SCSI_STATUS_GOOD);
}

/* SBC-3 5.7, 5.11, 5.31, 5.33 and 4.2.2: the 6- and 12-byte layouts */
static void
test_rw_6_12(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_cdb_info ci;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];

	fill(out, 3 * 512, 11);
	CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_WRITE12, 2045, 3, SCSI_CDB_FUA), 12);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 12, &ci), 0);
	CU_ASSERT(ci.known && ci.media && ci.dir == LUN_DIR_OUT && ci.fua &&
	    ci.lba == 2045 && ci.nblocks == 3 && ci.xfer_len == 1536);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 1536, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 1536);
	scsi_cdb_block(cdb, SCSI_OP_READ12, 2045, 3, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 1536 && memcmp(in, out, 1536) == 0);
	/* one past the end */
	scsi_cdb_block(cdb, SCSI_OP_READ12, 2046, 3, 0);
	CU_ASSERT_EQUAL(lun_check(l, NX_A, cdb, 16, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* RDPROTECT in READ(12): byte 1 bit 7 */
	scsi_cdb_block(cdb, SCSI_OP_READ12, 0, 1, 0x40);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 1));
	/* READ(6): 21-bit LBA, length 0 = 256 blocks */
	CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_READ6, 2045, 3, 0xff), 6);
	CU_ASSERT(cdb[1] == 0x00 && cdb[2] == 0x07 && cdb[3] == 0xfd && cdb[4] == 3);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 1536 && memcmp(in, out, 1536) == 0);
	cdb[1] = 0x00;
	cdb[2] = 0x07;
	cdb[3] = 0x00;		/* LBA 1792 */
	cdb[4] = 0;		/* 256 blocks */
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 6, &ci), 0);
	CU_ASSERT(ci.lba == 1792 && ci.nblocks == 256 && ci.xfer_len == 131072 &&
	    !ci.fua);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 65536);	/* capped by the 64 KiB buffer */
	cdb[3] = 0x01;		/* LBA 1793 + 256 > 2048 */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* WRITE(6) */
	fill(out, 512, 99);
	scsi_cdb_block(cdb, SCSI_OP_WRITE6, 7, 1, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_read_at(l, 7 * 512, in, 512), 0);
	CU_ASSERT(memcmp(in, out, 512) == 0);
	/* the builder refuses what the layout cannot carry */
	CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_READ6, 0x200000, 1, 0), 0);
	CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_READ10, 0, 0x10000, 0), 0);
	CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_INQUIRY, 0, 1, 0), 0);
	lun_destroy(l);
}

/* SBC-3 5.25-5.27 VERIFY, 5.38-5.40 WRITE AND VERIFY */
static void
test_verify(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_cdb_info ci;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX], d[4 * 512];

	fill(d, sizeof(d), 3);
	put(l, 100, d, 4);
	/* BYTCHK 0: no data, range only */
	scsi_cdb_block(cdb, SCSI_OP_VERIFY10, 100, 4, 0);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 10, &ci), 0);
	CU_ASSERT(ci.known && !ci.media && ci.dir == LUN_DIR_NONE && ci.xfer_len == 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_block(cdb, SCSI_OP_VERIFY16, NB - 3, 4, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* BYTCHK 1: the same data is GOOD */
	scsi_cdb_block(cdb, SCSI_OP_VERIFY12, 100, 4, 0x02);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 12, &ci), 0);
	CU_ASSERT(ci.dir == LUN_DIR_OUT && !ci.media && ci.xfer_len == 2048);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, d, sizeof(d), &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 2048);
	/* one byte off at 1300: MISCOMPARE, INFORMATION 1300 */
	memcpy(out, d, sizeof(d));
	out[1300] ^= 0x58;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, sizeof(d), &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(miscompare_is(&r, 1300));
	/* short Data-Out: the blocks cannot all be compared */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, d, 1024, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 6));
	/* BYTCHK 11b: one block against each of the blocks */
	memset(out, 0x3c, 512);
	scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, 200, 3, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	scsi_cdb_block(cdb, SCSI_OP_VERIFY10, 200, 3, 0x06);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 10, &ci), 0);
	CU_ASSERT_EQUAL(ci.xfer_len, 512);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	scsi_cdb_block(cdb, SCSI_OP_VERIFY10, 200, 4, 0x06);	/* block 203 is 0 */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(miscompare_is(&r, 0));
	/* BYTCHK 10b is reserved: byte 1 bit 2 */
	scsi_cdb_block(cdb, SCSI_OP_VERIFY16, 100, 1, 0x04);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xca, 1));
	/* VRPROTECT */
	scsi_cdb_block(cdb, SCSI_OP_VERIFY10, 100, 1, 0x20);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 1));

	/* WRITE AND VERIFY: a write on the direct data path */
	fill(out, 1024, 77);
	scsi_cdb_block(cdb, SCSI_OP_WRITE_AND_VERIFY16, 300, 2, 0x02);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.media && ci.dir == LUN_DIR_OUT && ci.xfer_len == 1024);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 1024, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_read_at(l, 300 * 512, in, 1024), 0);
	CU_ASSERT(memcmp(in, out, 1024) == 0);
	scsi_cdb_block(cdb, SCSI_OP_WRITE_AND_VERIFY10, 300, 2, 0x06);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 1024, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xca, 1));
	lun_destroy(l);
}

/* SBC-3 5.9/5.10 PRE-FETCH, 5.23 SYNCHRONIZE CACHE(16) */
static void
test_prefetch_sync16(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_cdb_info ci;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];

	scsi_cdb_block(cdb, SCSI_OP_PRE_FETCH10, NB - 256, 256, 0x02);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 10, &ci), 0);
	CU_ASSERT(ci.known && ci.dir == LUN_DIR_NONE && ci.xfer_len == 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.sense_len == 0 && r.data_len == 0);
	scsi_cdb_block(cdb, SCSI_OP_PRE_FETCH16, NB - 255, 256, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	scsi_cdb_block(cdb, SCSI_OP_SYNCHRONIZE_CACHE16, 0, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_block(cdb, SCSI_OP_SYNCHRONIZE_CACHE16, NB + 1, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	lun_destroy(l);
}

/* SBC-3 5.7 ORWRITE(16): medium |= data */
static void
test_orwrite(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_cdb_info ci;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX], d[1024];
	size_t i;

	memset(d, 0x0f, sizeof(d));
	put(l, 10, d, 2);
	for (i = 0; i < sizeof(d); i++)
		out[i] = (uint8_t)(i & 0xf0);
	scsi_cdb_block(cdb, SCSI_OP_ORWRITE16, 10, 2, SCSI_CDB_FUA);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.known && !ci.media && ci.dir == LUN_DIR_OUT && ci.fua &&
	    ci.xfer_len == 1024);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 1024, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 1024);
	CU_ASSERT_EQUAL(lun_read_at(l, 10 * 512, in, 1024), 0);
	for (i = 0; i < 1024; i++)
		if (in[i] != (uint8_t)((i & 0xf0) | 0x0f))
			break;
	CU_ASSERT_EQUAL(i, 1024);
	scsi_cdb_block(cdb, SCSI_OP_ORWRITE16, NB - 1, 2, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 1024, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	scsi_cdb_block(cdb, SCSI_OP_ORWRITE16, 10, 1, 0x20);	/* ORPROTECT */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 1));
	lun_destroy(l);
}

static void
cdb_caw(uint8_t *cdb, uint64_t lba, uint8_t n)
{
	memset(cdb, 0, SCSI_CDB_MAX);
	cdb[0] = SCSI_OP_COMPARE_AND_WRITE;
	put_be64(cdb + 2, lba);
	cdb[13] = n;
}

/* SBC-3 5.2 COMPARE AND WRITE */
static void
test_compare_and_write(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_cdb_info ci;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX], d[2 * 512];

	memset(d, 'A', sizeof(d));
	put(l, 5, d, 2);
	memset(out, 'A', 1024);
	memset(out + 1024, 'B', 1024);
	cdb_caw(cdb, 5, 2);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.known && !ci.media && ci.dir == LUN_DIR_OUT &&
	    ci.lba == 5 && ci.nblocks == 2 && ci.xfer_len == 2048);
	CU_ASSERT_EQUAL(lun_check_edtl(l, NX_A, cdb, 16, 2048, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 2048, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 2048);
	CU_ASSERT_EQUAL(lun_read_at(l, 5 * 512, in, 1024), 0);
	CU_ASSERT(memcmp(in, out + 1024, 1024) == 0);
	/* now the medium holds 'B': comparing with 'A' fails at byte 0 and
	 * writes nothing */
	memset(out + 1024, 'C', 1024);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 2048, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(miscompare_is(&r, 0));
	CU_ASSERT_EQUAL(lun_read_at(l, 5 * 512, in, 1024), 0);
	CU_ASSERT(in[0] == 'B' && in[1023] == 'B');
	/* only the second block differs, at its byte 7 */
	memset(out, 'B', 1024);
	out[512 + 7] = 'x';
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 2048, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(miscompare_is(&r, 519));
	/* Data-Out length other than 2 x blocks: NUMBER OF LOGICAL BLOCKS */
	CU_ASSERT_EQUAL(lun_check_edtl(l, NX_A, cdb, 16, 4096, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 13));
	cdb_caw(cdb, 5, 0);	/* 0 blocks: nothing to do, unless data comes */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_check_edtl(l, NX_A, cdb, 16, 1024, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	cdb_caw(cdb, NB - 1, 2);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 2048, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* short Data-Out */
	cdb_caw(cdb, 5, 2);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 1536, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST,
	    SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR));
	lun_destroy(l);
}

static CU_TestInfo lun_sbc_tests[] = {
	{ "sbc3_4_2_2_read_write_6_12", test_rw_6_12 },
	{ "sbc3_5_25_verify_write_and_verify", test_verify },
	{ "sbc3_5_9_prefetch_sync_cache16", test_prefetch_sync16 },
	{ "sbc3_5_7_orwrite", test_orwrite },
	{ "sbc3_5_2_compare_and_write", test_compare_and_write },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "lun_sbc", lun_sbc_tests)
