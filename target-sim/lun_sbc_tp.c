/*
 * Emulated LUN: logical block provisioning (SBC-3 4.7) — WRITE SAME
 * (10/16, with UNMAP), UNMAP and GET LBA STATUS.
 *
 * The LUN is thin provisioned with LBPRZ=1: a deallocated block reads as
 * zeros.  Which blocks are deallocated is not stored anywhere: a block
 * whose data is all zeros is reported deallocated (an autonomous
 * mapped -> deallocated transition, allowed with LBPRZ=1), any other
 * block mapped.  Unmapping zeroes the blocks and gives whole pages back
 * (madvise for memory, a punched hole for files).
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "lun_impl.h"

static const uint8_t zero_block[LUN_BLOCK_SIZE];

static int
good(struct lun_result *res)
{
	res->status = SCSI_STATUS_GOOD;
	return SCSI_STATUS_GOOD;
}

/* ---- the medium --------------------------------------------------------- */

static int
zero_bytes(struct lun *l, uint64_t off, uint64_t len)
{
	while (len > 0) {
		size_t n = len < sizeof(zero_block) ? (size_t)len : sizeof(zero_block);
		int rc = lun_write_at(l, off, zero_block, n);

		if (rc != 0)
			return rc;
		off += n;
		len -= n;
	}
	return 0;
}

int
lun_tp_unmap(struct lun *l, uint64_t lba, uint64_t n)
{
	uint64_t off = lba * LUN_BLOCK_SIZE, len = n * LUN_BLOCK_SIZE;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), lo, hi;

	if (lba > l->nblocks || n > l->nblocks - lba)
		return -ERANGE;
	if (l->readonly)
		return -EROFS;
	if (n == 0)
		return 0;
	if (l->fd >= 0) {
		if (fallocate(l->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    (off_t)off, (off_t)len) == 0)
			return 0;
		return zero_bytes(l, off, len);	/* no holes here: zeros */
	}
	lo = (off + pg - 1) / pg * pg;
	hi = (off + len) / pg * pg;
	if (lo >= hi)
		return zero_bytes(l, off, len);
	memset(l->mem + off, 0, (size_t)(lo - off));
	memset(l->mem + hi, 0, (size_t)(off + len - hi));
	/* private anonymous pages read back as zeros after MADV_DONTNEED */
	if (madvise(l->mem + lo, (size_t)(hi - lo), MADV_DONTNEED) != 0)
		memset(l->mem + lo, 0, (size_t)(hi - lo));
	return 0;
}

/* 1: all zeros (deallocated), 0: mapped, -1: read error. */
static int
block_is_zero(struct lun *l, uint64_t lba)
{
	uint8_t blk[LUN_BLOCK_SIZE];
	const uint8_t *p = blk;

	if (l->mem != NULL)
		p = l->mem + lba * LUN_BLOCK_SIZE;
	else if (lun_read_at(l, lba * LUN_BLOCK_SIZE, blk, sizeof(blk)) != 0)
		return -1;
	return memcmp(p, zero_block, LUN_BLOCK_SIZE) == 0;
}

/* ---- WRITE SAME --------------------------------------------------------- */

/*
 * SBC-3 5.41/5.42: WRPROTECT 0, ANCHOR refused (no anchored state),
 * NUMBER OF LOGICAL BLOCKS 0 = to the last LBA (WSNZ=0), bounded by the
 * MAXIMUM WRITE SAME LENGTH; NDOB (SBC-4, WRITE SAME(16) only) writes
 * zeros without a Data-Out block.
 */
int
lun_tp_write_same_check(struct lun_ctx *c)
{
	struct lun *l = c->lun;

	if (c->cdb[1] & LUN_WS_ANCHOR)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	if (c->info.nblocks == 0 && c->info.lba <= l->nblocks)
		c->info.nblocks = (uint32_t)(l->nblocks - c->info.lba <
		    LUN_MAX_WRITE_SAME + 1ULL ? l->nblocks - c->info.lba :
		    LUN_MAX_WRITE_SAME + 1ULL);
	return lun_sbc_check_common(c, LUN_MAX_WRITE_SAME, 1);
}

int
lun_tp_write_same(struct lun_ctx *c)
{
	struct lun *l = c->lun;
	const uint8_t *blk = zero_block;
	int ndob = c->cdb[0] == SCSI_OP_WRITE_SAME16 && (c->cdb[1] & LUN_WS_NDOB);
	uint32_t i;

	if (!ndob) {
		if (c->data_out_len < LUN_BLOCK_SIZE)
			return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
			    SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR);
		blk = c->data_out;
		c->res->data_out_used = LUN_BLOCK_SIZE;
	}
	/* SBC-4 table 237: UNMAP=1, ANCHOR=0 deallocates whatever the block
	 * holds (the blocks then read as zeros, LBPRZ=1) */
	if (c->cdb[1] & LUN_WS_UNMAP) {
		if (lun_tp_unmap(l, c->info.lba, c->info.nblocks) != 0)
			return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
			    SCSI_ASC_WRITE_ERROR);
		return good(c->res);
	}
	for (i = 0; i < c->info.nblocks; i++)
		if (lun_write_at(l, (c->info.lba + i) * LUN_BLOCK_SIZE, blk,
		    LUN_BLOCK_SIZE) != 0)
			return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
			    SCSI_ASC_WRITE_ERROR);
	return good(c->res);
}

/* ---- UNMAP --------------------------------------------------------------- */

/*
 * SBC-3 5.28: 8-byte header, 16-byte block descriptors (LBA, count).
 * Everything is checked before any block is unmapped.
 */
int
lun_tp_unmap_cmd(struct lun_ctx *c)
{
	struct lun *l = c->lun;
	const uint8_t *p = c->data_out;
	uint32_t plen = c->data_out_len, dlen, i, n;
	uint64_t total = 0;

	if (c->cdb[1] & 0x01)		/* ANCHOR */
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 0);
	if (l->readonly)
		return lun_fail(c->res, SCSI_SENSE_DATA_PROTECT,
		    SCSI_ASC_WRITE_PROTECTED);
	if (c->info.xfer_len == 0)
		return good(c->res);
	if (plen < 8 || c->info.xfer_len < 8)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR);
	c->res->data_out_used = plen;
	dlen = get_be16(p + 2);
	if (dlen > plen - 8)
		dlen = (plen - 8) & ~15u;	/* what arrived */
	n = dlen / 16;
	if (n > LUN_MAX_UNMAP_DESC)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST,
		    0, 2, -1);
	for (i = 0; i < n; i++) {
		uint64_t lba = get_be64(p + 8 + 16 * i);
		uint32_t cnt = get_be32(p + 8 + 16 * i + 8);

		if (lba > l->nblocks || cnt > l->nblocks - lba)
			return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
			    SCSI_ASC_LBA_OUT_OF_RANGE);
		total += cnt;
	}
	if (total > LUN_MAX_UNMAP_LBAS)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST,
		    0, 8, -1);
	for (i = 0; i < n; i++)
		if (lun_tp_unmap(l, get_be64(p + 8 + 16 * i),
		    get_be32(p + 8 + 16 * i + 8)) != 0)
			return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
			    SCSI_ASC_WRITE_ERROR);
	return good(c->res);
}

/* ---- GET LBA STATUS ------------------------------------------------------ */

/*
 * SBC-3 5.6: descriptors of runs of mapped / deallocated blocks from the
 * starting LBA, as many as the allocation length holds (at least one),
 * scanning at most LUN_LBA_STATUS_SCAN blocks per command: the last
 * descriptor may stop short of the end, the initiator asks again.
 */
int
lun_tp_get_lba_status(struct lun_ctx *c)
{
	struct lun *l = c->lun;
	uint64_t lba = get_be64(c->cdb + 2), end, at;
	uint32_t alloc = get_be32(c->cdb + 10), ndesc, maxdesc;
	uint8_t buf[8 + 16 * LUN_LBA_STATUS_DESC];
	int z;

	if (lun_pr_check(l, c->nexus, LUN_PR_READ, c->res))
		return c->res->status;
	if (lba >= l->nblocks)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_LBA_OUT_OF_RANGE);
	maxdesc = alloc < 24 ? 1 : (alloc - 8) / 16;
	if (maxdesc > LUN_LBA_STATUS_DESC)
		maxdesc = LUN_LBA_STATUS_DESC;
	end = l->nblocks - lba > LUN_LBA_STATUS_SCAN ? lba + LUN_LBA_STATUS_SCAN :
	    l->nblocks;
	memset(buf, 0, sizeof(buf));
	for (ndesc = 0, at = lba; ndesc < maxdesc && at < end; ndesc++) {
		uint8_t *d = buf + 8 + 16 * ndesc;
		uint64_t start = at;

		if ((z = block_is_zero(l, at)) < 0)
			return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR,
			    SCSI_ASC_UNRECOVERED_READ_ERROR);
		while (++at < end && at - start < UINT32_MAX &&
		    block_is_zero(l, at) == z)
			;
		put_be64(d, start);
		put_be32(d + 8, (uint32_t)(at - start));
		d[12] = z ? SCSI_LBA_STATUS_DEALLOCATED : SCSI_LBA_STATUS_MAPPED;
	}
	put_be32(buf, 4 + 16 * ndesc);
	return lun_reply(c, buf, 8 + 16 * (size_t)ndesc, alloc);
}
