/*
 * Emulated LUN: CDB decoding, the command table, the check/execute
 * sequence (unit attention -> opcode -> reservation -> CDB fields) and
 * the SBC media commands (READ/WRITE 10/16, READ CAPACITY 10/16,
 * SYNCHRONIZE CACHE 10, TEST UNIT READY).
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "lun_impl.h"

/* ---- results ----------------------------------------------------------- */

int
lun_fail(struct lun_result *res, uint8_t key, uint16_t asc_pair)
{
	res->status = SCSI_STATUS_CHECK_CONDITION;
	res->sense_len = (uint8_t)scsi_sense_fixed(res->sense, sizeof(res->sense),
	    key, asc_pair);
	res->data_len = 0;
	return res->status;
}

int
lun_fail_field(struct lun_result *res, uint16_t asc_pair, int in_cdb,
    uint16_t byte, int bit)
{
	struct scsi_sense s;

	memset(&s, 0, sizeof(s));
	s.key = SCSI_SENSE_ILLEGAL_REQUEST;
	s.asc = SCSI_ASC_ASC(asc_pair);
	s.ascq = SCSI_ASC_ASCQ(asc_pair);
	scsi_sense_set_field_pointer(&s, in_cdb, byte, bit);
	res->status = SCSI_STATUS_CHECK_CONDITION;
	res->sense_len = (uint8_t)scsi_sense_build_fixed(res->sense,
	    sizeof(res->sense), &s);
	res->data_len = 0;
	return res->status;
}

int
lun_conflict(struct lun_result *res)
{
	res->status = SCSI_STATUS_RESERVATION_CONFLICT;
	res->sense_len = 0;
	res->data_len = 0;
	return res->status;
}

int
lun_reply(struct lun_ctx *c, const uint8_t *src, size_t total,
    uint64_t alloc_len)
{
	size_t n = total;

	if (n > alloc_len)
		n = (size_t)alloc_len;
	if (n > c->data_in_cap)
		n = c->data_in_cap;
	if (n > 0)
		memcpy(c->data_in, src, n);
	c->res->data = c->data_in;
	c->res->data_len = (uint32_t)n;
	c->res->status = SCSI_STATUS_GOOD;
	return SCSI_STATUS_GOOD;
}

static int
good(struct lun_result *res)
{
	res->status = SCSI_STATUS_GOOD;
	return SCSI_STATUS_GOOD;
}

/* ---- CDB decoding ------------------------------------------------------ */

static void
info_rw(struct lun_cdb_info *ci, const uint8_t *cdb, enum lun_dir dir, int is16)
{
	ci->known = 1;
	ci->dir = dir;
	ci->media = 1;
	ci->fua = (cdb[1] & SCSI_CDB_FUA) != 0;
	ci->lba = is16 ? get_be64(cdb + 2) : get_be32(cdb + 2);
	ci->nblocks = is16 ? get_be32(cdb + 10) : get_be16(cdb + 7);
	ci->xfer_len = (uint64_t)ci->nblocks * LUN_BLOCK_SIZE;
}

int
lun_cdb_info(const uint8_t *cdb, size_t cdb_len, struct lun_cdb_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	if (cdb_len < 1)
		return -1;
	ci->opcode = cdb[0];
	if (scsi_cdb_len(cdb[0]) > cdb_len)
		return -1;
	ci->known = 1;
	switch (cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_RESERVE6:
	case SCSI_OP_RELEASE6:
		break;
	case SCSI_OP_SYNCHRONIZE_CACHE10:
		ci->lba = get_be32(cdb + 2);
		ci->nblocks = get_be16(cdb + 7);
		break;
	case SCSI_OP_REQUEST_SENSE:
	case SCSI_OP_MODE_SENSE6:
		ci->dir = LUN_DIR_IN;
		ci->xfer_len = cdb[4];
		break;
	case SCSI_OP_INQUIRY:
		ci->dir = LUN_DIR_IN;
		ci->xfer_len = get_be16(cdb + 3);
		break;
	case SCSI_OP_MODE_SENSE10:
	case SCSI_OP_PERSISTENT_RESERVE_IN:
		ci->dir = LUN_DIR_IN;
		ci->xfer_len = get_be16(cdb + 7);
		break;
	case SCSI_OP_READ_CAPACITY10:
		ci->dir = LUN_DIR_IN;
		ci->xfer_len = 8;
		break;
	case SCSI_OP_SERVICE_ACTION_IN16:
		ci->dir = LUN_DIR_IN;
		ci->xfer_len = get_be32(cdb + 10);
		break;
	case SCSI_OP_REPORT_LUNS:
		ci->dir = LUN_DIR_IN;
		ci->xfer_len = get_be32(cdb + 6);
		break;
	case SCSI_OP_PERSISTENT_RESERVE_OUT:
		ci->dir = LUN_DIR_OUT;
		ci->xfer_len = get_be32(cdb + 5);
		break;
	case SCSI_OP_READ10:
		info_rw(ci, cdb, LUN_DIR_IN, 0);
		break;
	case SCSI_OP_READ16:
		info_rw(ci, cdb, LUN_DIR_IN, 1);
		break;
	case SCSI_OP_WRITE10:
		info_rw(ci, cdb, LUN_DIR_OUT, 0);
		break;
	case SCSI_OP_WRITE16:
		info_rw(ci, cdb, LUN_DIR_OUT, 1);
		break;
	default:
		ci->known = 0;
		break;
	}
	return 0;
}

/* ---- SBC commands ------------------------------------------------------ */

/*
 * SBC-3 4.5 / 5.8: RDPROTECT/WRPROTECT must be 0 (no protection
 * information), LBA + length within the capacity (a zero-length transfer
 * at LBA == capacity is accepted), length within the block limits VPD.
 */
static int
rw_check(struct lun_ctx *c)
{
	struct lun *l = c->lun;
	const struct lun_cdb_info *ci = &c->info;
	int is16 = ci->opcode == SCSI_OP_READ16 || ci->opcode == SCSI_OP_WRITE16;

	if (c->cdb[1] & 0xe0)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 7);
	if (ci->lba > l->nblocks || ci->nblocks > l->nblocks - ci->lba)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_LBA_OUT_OF_RANGE);
	if (ci->nblocks > l->max_xfer_blocks)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1,
		    is16 ? 10 : 7, 7);
	if (ci->dir == LUN_DIR_OUT && l->readonly)
		return lun_fail(c->res, SCSI_SENSE_DATA_PROTECT,
		    SCSI_ASC_WRITE_PROTECTED);
	return good(c->res);
}

static int
cmd_read(struct lun_ctx *c)
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

static int
cmd_write(struct lun_ctx *c)
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

/* SBC-3 5.22: NUMBER OF LOGICAL BLOCKS 0 means "to the last LBA" */
static int
sync_check(struct lun_ctx *c)
{
	struct lun *l = c->lun;

	if (c->info.lba > l->nblocks || c->info.nblocks > l->nblocks - c->info.lba)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_LBA_OUT_OF_RANGE);
	return good(c->res);
}

static int
cmd_sync_cache(struct lun_ctx *c)
{
	if (lun_flush(c->lun) != 0)
		return lun_fail(c->res, SCSI_SENSE_MEDIUM_ERROR, SCSI_ASC_WRITE_ERROR);
	return good(c->res);
}

static int
cmd_test_unit_ready(struct lun_ctx *c)
{
	return good(c->res);
}

/* SBC-3 5.15: LBA must be 0 when PMI is 0; last LBA saturates at 0xffffffff */
static int
cmd_read_capacity10(struct lun_ctx *c)
{
	uint8_t buf[8];
	uint64_t last = c->lun->nblocks - 1;

	if (!(c->cdb[8] & 1) && get_be32(c->cdb + 2) != 0)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, -1);
	put_be32(buf, last > 0xfffffffeULL ? 0xffffffffU : (uint32_t)last);
	put_be32(buf + 4, LUN_BLOCK_SIZE);
	return lun_reply(c, buf, sizeof(buf), sizeof(buf));
}

/* SBC-3 5.16: 32 bytes, no protection, one logical block per physical */
static int
cmd_service_action_in16(struct lun_ctx *c)
{
	uint8_t buf[32];

	if ((c->cdb[1] & 0x1f) != SCSI_SAI_READ_CAPACITY16)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	memset(buf, 0, sizeof(buf));
	put_be64(buf, c->lun->nblocks - 1);
	put_be32(buf + 8, LUN_BLOCK_SIZE);
	return lun_reply(c, buf, sizeof(buf), get_be32(c->cdb + 10));
}

/* ---- command table ----------------------------------------------------- */

#define F_NO_UA		0x1	/* does not report a unit attention (SAM-5 5.14) */
#define F_R2_ALLOWED	0x2	/* allowed under another nexus' RESERVE(6) */

struct lun_cmd {
	uint8_t		 opcode;
	int		 flags;
	enum lun_pr_class pr;
	int		(*check)(struct lun_ctx *);
	int		(*exec)(struct lun_ctx *);
};

static const struct lun_cmd commands[] = {
	{ SCSI_OP_TEST_UNIT_READY, 0, LUN_PR_ALLOWED, NULL, cmd_test_unit_ready },
	{ SCSI_OP_REQUEST_SENSE, F_NO_UA | F_R2_ALLOWED, LUN_PR_ALLOWED, NULL,
	  lun_spc_request_sense },
	{ SCSI_OP_INQUIRY, F_NO_UA | F_R2_ALLOWED, LUN_PR_ALLOWED, NULL,
	  lun_spc_inquiry },
	{ SCSI_OP_RESERVE6, 0, LUN_PR_SELF, NULL, lun_pr_reserve6 },
	{ SCSI_OP_RELEASE6, F_R2_ALLOWED, LUN_PR_SELF, NULL, lun_pr_release6 },
	{ SCSI_OP_MODE_SENSE6, 0, LUN_PR_READ, NULL, lun_spc_mode_sense },
	{ SCSI_OP_READ_CAPACITY10, 0, LUN_PR_ALLOWED, NULL, cmd_read_capacity10 },
	{ SCSI_OP_READ10, 0, LUN_PR_READ, rw_check, cmd_read },
	{ SCSI_OP_WRITE10, 0, LUN_PR_WRITE, rw_check, cmd_write },
	{ SCSI_OP_SYNCHRONIZE_CACHE10, 0, LUN_PR_WRITE, sync_check, cmd_sync_cache },
	{ SCSI_OP_MODE_SENSE10, 0, LUN_PR_READ, NULL, lun_spc_mode_sense },
	{ SCSI_OP_PERSISTENT_RESERVE_IN, 0, LUN_PR_SELF, NULL, lun_pr_in },
	{ SCSI_OP_PERSISTENT_RESERVE_OUT, 0, LUN_PR_SELF, NULL, lun_pr_out },
	{ SCSI_OP_READ16, 0, LUN_PR_READ, rw_check, cmd_read },
	{ SCSI_OP_WRITE16, 0, LUN_PR_WRITE, rw_check, cmd_write },
	{ SCSI_OP_SERVICE_ACTION_IN16, 0, LUN_PR_ALLOWED, NULL,
	  cmd_service_action_in16 },
	{ SCSI_OP_REPORT_LUNS, F_NO_UA | F_R2_ALLOWED, LUN_PR_ALLOWED, NULL,
	  lun_spc_report_luns },
};

static const struct lun_cmd *
cmd_lookup(uint8_t opcode)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].opcode == opcode)
			return &commands[i];
	return NULL;
}

/*
 * Everything before the command proper.  Returns NULL with res filled
 * when the command ends here.
 */
static const struct lun_cmd *
lun_precheck(struct lun_ctx *c)
{
	const struct lun_cmd *d;
	struct lun_pending ua;

	memset(c->res, 0, sizeof(*c->res));
	if (lun_cdb_info(c->cdb, c->cdb_len, &c->info) != 0) {
		lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 0, -1);
		return NULL;
	}
	d = cmd_lookup(c->info.opcode);
	if ((d == NULL || !(d->flags & F_NO_UA)) &&
	    lun_pending_pop(c->lun, c->nexus, 1, &ua)) {
		lun_fail(c->res, ua.key, ua.asc);
		return NULL;
	}
	if (d == NULL) {
		lun_fail_field(c->res, SCSI_ASC_INVALID_COMMAND_OPERATION_CODE, 1,
		    0, -1);
		return NULL;
	}
	/* SPC-2 7.21: RESERVE(6) by another nexus blocks most commands */
	if (c->lun->r2_reserved && c->lun->r2_holder != c->nexus &&
	    !(d->flags & F_R2_ALLOWED)) {
		lun_conflict(c->res);
		return NULL;
	}
	if (lun_pr_check(c->lun, c->nexus, d->pr, c->res))
		return NULL;
	if (d->check != NULL && d->check(c) != SCSI_STATUS_GOOD)
		return NULL;
	return d;
}

int
lun_check(struct lun *l, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
    struct lun_result *res)
{
	struct lun_ctx c;

	memset(&c, 0, sizeof(c));
	c.lun = l;
	c.nexus = nexus;
	c.cdb = cdb;
	c.cdb_len = cdb_len;
	c.res = res;
	if (lun_precheck(&c) == NULL)
		return res->status;
	return good(res);
}

int
lun_execute(struct lun *l, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
    const uint8_t *data_out, uint32_t data_out_len, uint8_t *data_in,
    uint32_t data_in_cap, struct lun_result *res)
{
	const struct lun_cmd *d;
	struct lun_ctx c;

	memset(&c, 0, sizeof(c));
	c.lun = l;
	c.nexus = nexus;
	c.cdb = cdb;
	c.cdb_len = cdb_len;
	c.data_out = data_out;
	c.data_out_len = data_out != NULL ? data_out_len : 0;
	c.data_in = data_in;
	c.data_in_cap = data_in != NULL ? data_in_cap : 0;
	c.res = res;
	if ((d = lun_precheck(&c)) == NULL)
		return res->status;
	return d->exec(&c);
}

/* ---- no LUN ------------------------------------------------------------ */

void
lun_unknown_sense(struct lun_result *res)
{
	memset(res, 0, sizeof(*res));
	lun_fail(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LOGICAL_UNIT_NOT_SUPPORTED);
}

int
lun_unknown_execute(const uint8_t *cdb, size_t cdb_len, const uint16_t *luns,
    size_t n, uint8_t *data_in, uint32_t data_in_cap, struct lun_result *res)
{
	struct lun_ctx c;
	uint8_t buf[96];
	size_t len;

	memset(&c, 0, sizeof(c));
	c.cdb = cdb;
	c.cdb_len = cdb_len;
	c.data_in = data_in;
	c.data_in_cap = data_in != NULL ? data_in_cap : 0;
	c.res = res;
	memset(res, 0, sizeof(*res));
	if (lun_cdb_info(cdb, cdb_len, &c.info) != 0) {
		lun_unknown_sense(res);
		return res->status;
	}
	switch (cdb[0]) {
	case SCSI_OP_INQUIRY:
		if (cdb[1] & 0x01) {	/* no VPD pages without a LU */
			lun_unknown_sense(res);
			return res->status;
		}
		len = lun_spc_std_inquiry(NULL, buf);
		return lun_reply(&c, buf, len, c.info.xfer_len);
	case SCSI_OP_REQUEST_SENSE:	/* SPC-4 6.29: sense data, GOOD status */
		len = scsi_sense_fixed(buf, sizeof(buf), SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_LOGICAL_UNIT_NOT_SUPPORTED);
		return lun_reply(&c, buf, len, c.info.xfer_len);
	case SCSI_OP_REPORT_LUNS:
		return lun_spc_lun_list_reply(&c, luns, n);
	default:
		lun_unknown_sense(res);
		return res->status;
	}
}
