/*
 * Emulated LUN: the read-modify-write commands of SBC-3 — COMPARE AND
 * WRITE (5.2) and ORWRITE(16) (5.7).  One event loop owns the LUN, so
 * each runs atomically with respect to every other command.
 */
#include <string.h>

#include "lun_impl.h"

static int
good(struct lun_result *res)
{
	res->status = SCSI_STATUS_GOOD;
	return SCSI_STATUS_GOOD;
}

/*
 * NUMBER OF LOGICAL BLOCKS within MAXIMUM COMPARE AND WRITE LENGTH (VPD
 * B0h); a Data-Out length (when known) other than twice the blocks is
 * INVALID FIELD IN CDB (pointing at NUMBER OF LOGICAL BLOCKS).
 */
int
lun_rmw_caw_check(struct lun_ctx *c)
{
	if (c->edtl != LUN_EDTL_UNKNOWN && c->edtl != c->info.xfer_len)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 13,
		    -1);
	return lun_sbc_check_common(c, LUN_MAX_CAW_BLOCKS, 1);
}

/*
 * The Data-Out holds the verify blocks then the write blocks.  A
 * miscompare leaves the medium as it was: MISCOMPARE with the offset of
 * the first differing byte.
 */
int
lun_rmw_compare_and_write(struct lun_ctx *c)
{
	uint32_t n = c->info.nblocks;
	uint64_t half = (uint64_t)n * LUN_BLOCK_SIZE;
	int64_t at;

	if (n == 0)
		return good(c->res);
	if (c->data_out_len < 2 * half)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR);
	c->res->data_out_used = (uint32_t)(2 * half);
	at = lun_sbc_compare(c->lun, c->info.lba, n, c->data_out, 1);
	if (at == -2)
		return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
		    SCSI_ASC_UNRECOVERED_READ_ERROR);
	if (at >= 0)
		return lun_sbc_miscompare(c->res, (uint64_t)at);
	if (lun_write_at(c->lun, c->info.lba * LUN_BLOCK_SIZE, c->data_out + half,
	    (size_t)half) != 0)
		return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_WRITE_ERROR);
	return lun_write_finish(c->lun, &c->info, c->res);
}

/* Each block: medium |= Data-Out (the bytes that arrived). */
int
lun_rmw_orwrite(struct lun_ctx *c)
{
	uint8_t blk[LUN_BLOCK_SIZE];
	uint64_t n = c->info.xfer_len, off;
	size_t k, len;

	if (n > c->data_out_len)
		n = c->data_out_len;
	c->res->data_out_used = (uint32_t)n;
	for (off = 0; off < n; off += len) {
		uint64_t at = c->info.lba * LUN_BLOCK_SIZE + off;

		len = n - off < sizeof(blk) ? (size_t)(n - off) : sizeof(blk);
		if (lun_read_at(c->lun, at, blk, len) != 0)
			return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
			    SCSI_ASC_UNRECOVERED_READ_ERROR);
		for (k = 0; k < len; k++)
			blk[k] |= c->data_out[off + k];
		if (lun_write_at(c->lun, at, blk, len) != 0)
			return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
			    SCSI_ASC_WRITE_ERROR);
	}
	return lun_write_finish(c->lun, &c->info, c->res);
}
