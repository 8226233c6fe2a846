/*
 * Emulated LUN: CDB decoding, the command table and the check/execute
 * sequence (unit attention -> opcode -> reservation -> CDB fields).  The
 * commands themselves: lun_sbc*.c, lun_spc.c, lun_pr.c, lun_rsoc.c.
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

/* Data moves straight between the PDUs and the medium at lba. */
static void
info_media(struct lun_cdb_info *ci, const uint8_t *cdb, enum lun_dir dir)
{
	ci->dir = dir;
	ci->media = 1;
	ci->fua = scsi_cdb_len(cdb[0]) > 6 && (cdb[1] & SCSI_CDB_FUA) != 0;
	ci->xfer_len = (uint64_t)ci->nblocks * LUN_BLOCK_SIZE;
}

/* Data-Out gathered in a buffer and handed to lun_execute(). */
static void
info_out(struct lun_cdb_info *ci, uint64_t len)
{
	ci->dir = len > 0 ? LUN_DIR_OUT : LUN_DIR_NONE;
	ci->xfer_len = len;
}

static void
info_in(struct lun_cdb_info *ci, uint64_t len)
{
	ci->dir = LUN_DIR_IN;
	ci->xfer_len = len;
}

int
lun_cdb_info(const uint8_t *cdb, size_t cdb_len, struct lun_cdb_info *ci)
{
	uint64_t nb;

	memset(ci, 0, sizeof(*ci));
	if (cdb_len < 1)
		return -1;
	ci->opcode = cdb[0];
	if (scsi_cdb_len(cdb[0]) > cdb_len)
		return -1;
	ci->known = 1;
	scsi_cdb_block_fields(cdb, &ci->lba, &ci->nblocks);
	nb = (uint64_t)ci->nblocks * LUN_BLOCK_SIZE;
	switch (cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_RESERVE6:
	case SCSI_OP_RELEASE6:
	case SCSI_OP_SYNCHRONIZE_CACHE10:
	case SCSI_OP_SYNCHRONIZE_CACHE16:
	case SCSI_OP_PRE_FETCH10:
	case SCSI_OP_PRE_FETCH16:
		break;
	case SCSI_OP_REQUEST_SENSE:
	case SCSI_OP_MODE_SENSE6:
		info_in(ci, cdb[4]);
		break;
	case SCSI_OP_INQUIRY:
		info_in(ci, get_be16(cdb + 3));
		break;
	case SCSI_OP_MODE_SENSE10:
	case SCSI_OP_PERSISTENT_RESERVE_IN:
		info_in(ci, get_be16(cdb + 7));
		break;
	case SCSI_OP_READ_CAPACITY10:
		info_in(ci, 8);
		break;
	case SCSI_OP_SERVICE_ACTION_IN16:
		info_in(ci, get_be32(cdb + 10));
		break;
	case SCSI_OP_REPORT_LUNS:
	case SCSI_OP_MAINTENANCE_IN:
		info_in(ci, get_be32(cdb + 6));
		break;
	case SCSI_OP_PERSISTENT_RESERVE_OUT:
		info_out(ci, get_be32(cdb + 5));
		break;
	case SCSI_OP_UNMAP:
		info_out(ci, get_be16(cdb + 7));
		break;
	case SCSI_OP_READ6:
	case SCSI_OP_READ10:
	case SCSI_OP_READ12:
	case SCSI_OP_READ16:
		info_media(ci, cdb, LUN_DIR_IN);
		break;
	case SCSI_OP_WRITE6:
	case SCSI_OP_WRITE10:
	case SCSI_OP_WRITE12:
	case SCSI_OP_WRITE16:
	case SCSI_OP_WRITE_AND_VERIFY10:
	case SCSI_OP_WRITE_AND_VERIFY12:
	case SCSI_OP_WRITE_AND_VERIFY16:
		info_media(ci, cdb, LUN_DIR_OUT);
		break;
	case SCSI_OP_VERIFY10:		/* SBC-3 5.25: BYTCHK 01b: the blocks, */
	case SCSI_OP_VERIFY12:		/* SBC-4 11b: one block for all */
	case SCSI_OP_VERIFY16:
		info_out(ci, LUN_BYTCHK(cdb) == 1 ? nb :
		    LUN_BYTCHK(cdb) == 3 ? LUN_BLOCK_SIZE : 0);
		break;
	case SCSI_OP_ORWRITE16:
		info_out(ci, nb);
		ci->fua = (cdb[1] & SCSI_CDB_FUA) != 0;
		break;
	case SCSI_OP_COMPARE_AND_WRITE:	/* SBC-3 5.2: compare + write data */
		ci->lba = get_be64(cdb + 2);
		ci->nblocks = cdb[13];
		info_out(ci, 2 * (uint64_t)ci->nblocks * LUN_BLOCK_SIZE);
		ci->fua = (cdb[1] & SCSI_CDB_FUA) != 0;
		break;
	case SCSI_OP_WRITE_SAME10:	/* SBC-3 5.41, 5.42: one block (none */
	case SCSI_OP_WRITE_SAME16:	/* with NDOB, SBC-4) */
		info_out(ci, cdb[0] == SCSI_OP_WRITE_SAME16 &&
		    (cdb[1] & LUN_WS_NDOB) ? 0 : LUN_BLOCK_SIZE);
		break;
	default:
		ci->known = 0;
		break;
	}
	return 0;
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
	{ SCSI_OP_TEST_UNIT_READY, 0, LUN_PR_ALLOWED, NULL, lun_sbc_test_unit_ready },
	{ SCSI_OP_REQUEST_SENSE, F_NO_UA | F_R2_ALLOWED, LUN_PR_ALLOWED, NULL,
	  lun_spc_request_sense },
	{ SCSI_OP_READ6, 0, LUN_PR_READ, lun_sbc_rw_check, lun_sbc_read },
	{ SCSI_OP_WRITE6, 0, LUN_PR_WRITE, lun_sbc_rw_check, lun_sbc_write },
	{ SCSI_OP_INQUIRY, F_NO_UA | F_R2_ALLOWED, LUN_PR_ALLOWED, NULL,
	  lun_spc_inquiry },
	{ SCSI_OP_RESERVE6, 0, LUN_PR_SELF, NULL, lun_pr_reserve6 },
	{ SCSI_OP_RELEASE6, F_R2_ALLOWED, LUN_PR_SELF, NULL, lun_pr_release6 },
	{ SCSI_OP_MODE_SENSE6, 0, LUN_PR_READ, NULL, lun_spc_mode_sense },
	{ SCSI_OP_READ_CAPACITY10, 0, LUN_PR_ALLOWED, NULL, lun_sbc_read_capacity10 },
	{ SCSI_OP_READ10, 0, LUN_PR_READ, lun_sbc_rw_check, lun_sbc_read },
	{ SCSI_OP_WRITE10, 0, LUN_PR_WRITE, lun_sbc_rw_check, lun_sbc_write },
	{ SCSI_OP_WRITE_AND_VERIFY10, 0, LUN_PR_WRITE, lun_sbc_verify_check,
	  lun_sbc_write },
	{ SCSI_OP_VERIFY10, 0, LUN_PR_READ, lun_sbc_verify_check, lun_sbc_verify },
	{ SCSI_OP_PRE_FETCH10, 0, LUN_PR_READ, lun_sbc_range_check, lun_sbc_prefetch },
	{ SCSI_OP_SYNCHRONIZE_CACHE10, 0, LUN_PR_WRITE, lun_sbc_range_check,
	  lun_sbc_sync_cache },
	{ SCSI_OP_WRITE_SAME10, 0, LUN_PR_WRITE, lun_tp_write_same_check,
	  lun_tp_write_same },
	{ SCSI_OP_UNMAP, 0, LUN_PR_WRITE, NULL, lun_tp_unmap_cmd },
	{ SCSI_OP_MODE_SENSE10, 0, LUN_PR_READ, NULL, lun_spc_mode_sense },
	{ SCSI_OP_PERSISTENT_RESERVE_IN, 0, LUN_PR_SELF, NULL, lun_pr_in },
	{ SCSI_OP_PERSISTENT_RESERVE_OUT, 0, LUN_PR_SELF, NULL, lun_pr_out },
	{ SCSI_OP_READ16, 0, LUN_PR_READ, lun_sbc_rw_check, lun_sbc_read },
	{ SCSI_OP_COMPARE_AND_WRITE, 0, LUN_PR_WRITE, lun_rmw_caw_check,
	  lun_rmw_compare_and_write },
	{ SCSI_OP_WRITE16, 0, LUN_PR_WRITE, lun_sbc_rw_check, lun_sbc_write },
	{ SCSI_OP_ORWRITE16, 0, LUN_PR_WRITE, lun_sbc_rw_check, lun_rmw_orwrite },
	{ SCSI_OP_WRITE_AND_VERIFY16, 0, LUN_PR_WRITE, lun_sbc_verify_check,
	  lun_sbc_write },
	{ SCSI_OP_VERIFY16, 0, LUN_PR_READ, lun_sbc_verify_check, lun_sbc_verify },
	{ SCSI_OP_PRE_FETCH16, 0, LUN_PR_READ, lun_sbc_range_check, lun_sbc_prefetch },
	{ SCSI_OP_SYNCHRONIZE_CACHE16, 0, LUN_PR_WRITE, lun_sbc_range_check,
	  lun_sbc_sync_cache },
	{ SCSI_OP_WRITE_SAME16, 0, LUN_PR_WRITE, lun_tp_write_same_check,
	  lun_tp_write_same },
	/* READ CAPACITY(16) never conflicts; GET LBA STATUS checks itself */
	{ SCSI_OP_SERVICE_ACTION_IN16, 0, LUN_PR_ALLOWED, NULL,
	  lun_sbc_service_action_in16 },
	{ SCSI_OP_REPORT_LUNS, F_NO_UA | F_R2_ALLOWED, LUN_PR_ALLOWED, NULL,
	  lun_spc_report_luns },
	{ SCSI_OP_MAINTENANCE_IN, 0, LUN_PR_ALLOWED, NULL, lun_rsoc },
	{ SCSI_OP_READ12, 0, LUN_PR_READ, lun_sbc_rw_check, lun_sbc_read },
	{ SCSI_OP_WRITE12, 0, LUN_PR_WRITE, lun_sbc_rw_check, lun_sbc_write },
	{ SCSI_OP_WRITE_AND_VERIFY12, 0, LUN_PR_WRITE, lun_sbc_verify_check,
	  lun_sbc_write },
	{ SCSI_OP_VERIFY12, 0, LUN_PR_READ, lun_sbc_verify_check, lun_sbc_verify },
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
lun_check_edtl(struct lun *l, uint64_t nexus, const uint8_t *cdb,
    size_t cdb_len, uint64_t edtl, struct lun_result *res)
{
	struct lun_ctx c;

	memset(&c, 0, sizeof(c));
	c.lun = l;
	c.nexus = nexus;
	c.cdb = cdb;
	c.cdb_len = cdb_len;
	c.res = res;
	c.edtl = edtl;
	if (lun_precheck(&c) == NULL)
		return res->status;
	return good(res);
}

int
lun_check(struct lun *l, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
    struct lun_result *res)
{
	return lun_check_edtl(l, nexus, cdb, cdb_len, LUN_EDTL_UNKNOWN, res);
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
	c.edtl = LUN_EDTL_UNKNOWN;
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
