/*
 * Emulated LUN: the SBC-3 media commands — READ/WRITE (6/10/12/16),
 * VERIFY and WRITE AND VERIFY (10/12/16), PRE-FETCH (10/16), SYNCHRONIZE
 * CACHE (10/16), READ CAPACITY (10/16), TEST UNIT READY — and the checks
 * they share (protection fields, LBA range, transfer limits).
 */
#include <string.h>

#include "bytes.h"
#include "lun_impl.h"

static int
good(struct lun_result *res)
{
	res->status = SCSI_STATUS_GOOD;
	return SCSI_STATUS_GOOD;
}

/* ---- shared checks ----------------------------------------------------- */

/* Byte of NUMBER OF LOGICAL BLOCKS in the CDB, for field pointers. */
uint16_t
lun_sbc_len_byte(uint8_t opcode)
{
	switch (scsi_cdb_len(opcode)) {
	case 6:
		return 4;
	case 10:
		return 7;
	case 12:
		return 6;
	default:
		return opcode == SCSI_OP_COMPARE_AND_WRITE ? 13 : 10;
	}
}

int
lun_sbc_range(struct lun_ctx *c)
{
	const struct lun *l = c->lun;

	if (c->info.lba > l->nblocks || c->info.nblocks > l->nblocks - c->info.lba)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_LBA_OUT_OF_RANGE);
	return good(c->res);
}

/*
 * SBC-3 4.5, 4.18: RDPROTECT/WRPROTECT/VRPROTECT/ORPROTECT (byte 1 bits
 * 7-5) must be 0 — the LUN has no protection information — then the
 * range, the transfer limit (VPD B0h, when limit != 0) and, for commands
 * that write, write protection.
 */
int
lun_sbc_check_common(struct lun_ctx *c, uint32_t limit, int writes)
{
	if (scsi_cdb_len(c->cdb[0]) > 6 && (c->cdb[1] & 0xe0))
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 7);
	if (lun_sbc_range(c) != SCSI_STATUS_GOOD)
		return c->res->status;
	if (limit != 0 && c->info.nblocks > limit)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1,
		    lun_sbc_len_byte(c->cdb[0]), 7);
	if (writes && c->lun->readonly)
		return lun_fail(c->res, SCSI_SENSE_DATA_PROTECT,
		    SCSI_ASC_WRITE_PROTECTED);
	return good(c->res);
}

/* READ, WRITE: transfers bounded by the MAXIMUM TRANSFER LENGTH */
int
lun_sbc_rw_check(struct lun_ctx *c)
{
	return lun_sbc_check_common(c, c->lun->max_xfer_blocks,
	    c->info.dir == LUN_DIR_OUT);
}

/*
 * SBC-3 5.25/5.26/5.27 VERIFY: BYTCHK 00b (medium check only), 01b (compare
 * with the Data-Out), 11b (SBC-4: one block compared with every block);
 * 10b is reserved.  WRITE AND VERIFY (5.38-5.40): 00b and 01b only.
 */
int
lun_sbc_verify_check(struct lun_ctx *c)
{
	uint8_t bytchk = LUN_BYTCHK(c->cdb);
	int wv = c->info.dir == LUN_DIR_OUT && c->info.media;

	if (bytchk == 2 || (wv && bytchk == 3))
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 2);
	return lun_sbc_check_common(c, c->lun->max_xfer_blocks, wv);
}

/* PRE-FETCH, SYNCHRONIZE CACHE: range only (0 blocks = to the end) */
int
lun_sbc_range_check(struct lun_ctx *c)
{
	return lun_sbc_range(c);
}

/* ---- READ / WRITE ------------------------------------------------------ */

int
lun_sbc_read(struct lun_ctx *c)
{
	struct lun *l = c->lun;
	uint64_t off = c->info.lba * LUN_BLOCK_SIZE;
	uint64_t n = c->info.xfer_len;

	if (c->data_in == NULL && l->mem != NULL) {
		c->res->data = l->mem + off;	/* zero copy */
		c->res->data_len = (uint32_t)n;
		return good(c->res);
	}
	if (n > c->data_in_cap)
		n = c->data_in_cap;
	if (n > 0 && lun_read_at(l, off, c->data_in, (size_t)n) != 0)
		return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
		    SCSI_ASC_UNRECOVERED_READ_ERROR);
	c->res->data = c->data_in;
	c->res->data_len = (uint32_t)n;
	return good(c->res);
}

/* WRITE, WRITE AND VERIFY (the verify of RAM always succeeds) */
int
lun_sbc_write(struct lun_ctx *c)
{
	struct lun *l = c->lun;
	uint64_t n = c->info.xfer_len;

	if (n > c->data_out_len)
		n = c->data_out_len;
	if (n > 0 && lun_write_at(l, c->info.lba * LUN_BLOCK_SIZE, c->data_out,
	    (size_t)n) != 0)
		return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_WRITE_ERROR);
	c->res->data_out_used = (uint32_t)n;
	return lun_write_finish(l, &c->info, c->res);
}

int
lun_write_finish(struct lun *l, const struct lun_cdb_info *info,
    struct lun_result *res)
{
	if (info->fua && lun_flush(l) != 0)
		return lun_fail(res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_WRITE_ERROR);
	return good(res);
}

/* ---- VERIFY ------------------------------------------------------------ */

/*
 * SBC-3 4.19: a miscompare is MISCOMPARE / MISCOMPARE DURING VERIFY
 * OPERATION with the INFORMATION field set to the offset of the first
 * byte that differs (from the start of the Data-Out buffer).
 */
int
lun_sbc_miscompare(struct lun_result *res, uint64_t offset)
{
	struct scsi_sense s;

	memset(&s, 0, sizeof(s));
	s.key = SCSI_SENSE_MISCOMPARE;
	s.asc = SCSI_ASC_ASC(SCSI_ASC_MISCOMPARE_DURING_VERIFY);
	s.ascq = SCSI_ASC_ASCQ(SCSI_ASC_MISCOMPARE_DURING_VERIFY);
	s.info_valid = 1;
	s.info = offset;
	res->status = SCSI_STATUS_CHECK_CONDITION;
	res->sense_len = (uint8_t)scsi_sense_build_fixed(res->sense,
	    sizeof(res->sense), &s);
	res->data_len = 0;
	return res->status;
}

/*
 * Compare n blocks at lba with buf (step 0: the same block every time,
 * else consecutive blocks).  Returns -1 when equal, else the offset of
 * the first differing byte counted in the Data-Out buffer; -2 on a read
 * error.
 */
int64_t
lun_sbc_compare(struct lun *l, uint64_t lba, uint32_t n, const uint8_t *buf,
    int step)
{
	uint8_t blk[LUN_BLOCK_SIZE];
	uint32_t i, k;

	for (i = 0; i < n; i++) {
		const uint8_t *want = buf + (step ? (size_t)i * LUN_BLOCK_SIZE : 0);

		if (lun_read_at(l, (lba + i) * LUN_BLOCK_SIZE, blk, sizeof(blk)) != 0)
			return -2;
		if (memcmp(blk, want, sizeof(blk)) == 0)
			continue;
		for (k = 0; blk[k] == want[k]; k++)
			;
		return (int64_t)(step ? (uint64_t)i * LUN_BLOCK_SIZE : 0) + k;
	}
	return -1;
}

int
lun_sbc_verify(struct lun_ctx *c)
{
	uint8_t bytchk = LUN_BYTCHK(c->cdb);
	int64_t at;

	if (bytchk == 0 || c->info.nblocks == 0)
		return good(c->res);	/* RAM has no unreadable blocks */
	if (c->data_out_len < c->info.xfer_len)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1,
		    lun_sbc_len_byte(c->cdb[0]), -1);
	c->res->data_out_used = (uint32_t)c->info.xfer_len;
	at = lun_sbc_compare(c->lun, c->info.lba, c->info.nblocks, c->data_out,
	    bytchk == 1);
	if (at == -2)
		return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
		    SCSI_ASC_UNRECOVERED_READ_ERROR);
	if (at >= 0)
		return lun_sbc_miscompare(c->res, (uint64_t)at);
	return good(c->res);
}

/* ---- PRE-FETCH, SYNCHRONIZE CACHE, TEST UNIT READY --------------------- */

/*
 * SBC-3 5.9/5.10: with no cache the blocks never "fit in the cache", so
 * the answer is GOOD (not CONDITION MET), IMMED or not.
 */
int
lun_sbc_prefetch(struct lun_ctx *c)
{
	return good(c->res);
}

int
lun_sbc_sync_cache(struct lun_ctx *c)
{
	if (lun_flush(c->lun) != 0)
		return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_WRITE_ERROR);
	return good(c->res);
}

int
lun_sbc_test_unit_ready(struct lun_ctx *c)
{
	return good(c->res);
}

/* ---- READ CAPACITY ----------------------------------------------------- */

/* SBC-3 5.15: LBA must be 0 when PMI is 0; last LBA saturates at 0xffffffff */
int
lun_sbc_read_capacity10(struct lun_ctx *c)
{
	uint8_t buf[8];
	uint64_t last = c->lun->nblocks - 1;

	if (!(c->cdb[8] & 1) && get_be32(c->cdb + 2) != 0)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, -1);
	put_be32(buf, last > 0xfffffffeULL ? 0xffffffffU : (uint32_t)last);
	put_be32(buf + 4, LUN_BLOCK_SIZE);
	return lun_reply(c, buf, sizeof(buf), sizeof(buf));
}

/*
 * SBC-3 5.16: 32 bytes, no protection, one logical block per physical
 * block; LBPME and LBPRZ (thin provisioned, unmapped blocks read zero).
 */
static int
read_capacity16(struct lun_ctx *c)
{
	uint8_t buf[32];

	memset(buf, 0, sizeof(buf));
	put_be64(buf, c->lun->nblocks - 1);
	put_be32(buf + 8, LUN_BLOCK_SIZE);
	buf[14] = 0x80 | 0x40;	/* LBPME, LBPRZ */
	return lun_reply(c, buf, sizeof(buf), get_be32(c->cdb + 10));
}

int
lun_sbc_service_action_in16(struct lun_ctx *c)
{
	switch (c->cdb[1] & 0x1f) {
	case SCSI_SAI_READ_CAPACITY16:
		return read_capacity16(c);
	case SCSI_SAI_GET_LBA_STATUS:
		return lun_tp_get_lba_status(c);
	default:
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	}
}
