/*
 * SCSI Command / Response (RFC 7143 11.3, 11.4): commands are handed to
 * the emulated LUNs (lun.h); reads answer with Data-In carrying the
 * status in the last PDU when possible (11.7.4: "phase collapse"),
 * everything else with a SCSI Response with residuals and sense data.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "scsi.h"
#include "tsim_impl.h"

/* A buffer for data-in that is not zero-copy (reused: sent at once). */
static uint8_t *
scratch(struct tsim *t, size_t len)
{
	if (len > t->scratch_cap) {
		uint8_t *nb = realloc(t->scratch, len);

		if (nb == NULL)
			return NULL;
		t->scratch = nb;
		t->scratch_cap = len;
	}
	return t->scratch;
}

struct lun *
tscsi_lun(struct tconn *tc, uint64_t lun_raw)
{
	const struct ttarget *tg = tc->sess != NULL ? tc->sess->target : NULL;
	uint16_t id;

	if (tg == NULL || scsi_lun_decode(lun_raw, &id) != 0 || id >= tg->nluns)
		return NULL;
	return tg->luns[id];
}

/* RFC 7143 11.4.5, 11.4.7: residuals and sense in a SCSI Response. */
void
tscsi_send_status(struct tconn *tc, uint32_t itt, const struct lun_result *res,
    const struct tresid *rs)
{
	uint8_t data[2 + SCSI_SENSE_FIXED_LEN];
	struct pdu p;

	pdu_init(&p, PDU_OP_SCSI_RSP);
	p.itt = itt;
	p.u.scsi_rsp.response = PDU_SCSI_RSP_COMPLETED;
	p.u.scsi_rsp.status = res->status;
	if (rs != NULL && rs->residual > 0) {
		p.u.scsi_rsp.overflow = rs->overflow;
		p.u.scsi_rsp.underflow = !rs->overflow;
		p.u.scsi_rsp.residual = rs->residual;
	}
	if (res->sense_len > 0 && res->sense_len <= SCSI_SENSE_FIXED_LEN) {
		/* 11.4.7.2: SenseLength, then the sense data */
		data[0] = 0;
		data[1] = res->sense_len;
		memcpy(data + 2, res->sense, res->sense_len);
		pdu_set_data(&p, data, 2u + res->sense_len);
	}
	tconn_send(tc, &p, true);
}

void
tscsi_complete(struct tconn *tc, uint32_t itt, uint64_t lun_raw,
    uint32_t edtl, const struct lun_result *res)
{
	struct tresid rs;
	uint32_t len = res->data_len;

	memset(&rs, 0, sizeof(rs));
	if (len > edtl) {
		rs.overflow = true;
		rs.residual = len - edtl;
		len = edtl;
	} else if (len < edtl) {
		rs.residual = edtl - len;
	}
	if (len > 0 && res->data != NULL) {
		tdata_send_in(tc, itt, lun_raw, res->data, len, res, &rs);
		return;
	}
	tscsi_send_status(tc, itt, res, &rs);
}

static void
read_or_nodata(struct tconn *tc, const struct pdu *p, struct lun *l,
    const struct lun_cdb_info *ci)
{
	struct tsession *s = tc->sess;
	const uint8_t *cdb = p->u.scsi_cmd.cdb;
	struct lun_result res;
	uint8_t *buf = NULL;
	uint32_t cap = 0;

	if (!(ci->media && ci->dir == LUN_DIR_IN && l != NULL &&
	    lun_is_zero_copy(l))) {
		cap = ci->xfer_len > 0 ? (uint32_t)ci->xfer_len : 0;
		if (ci->xfer_len > 64u * 1024 * 1024)
			cap = 64u * 1024 * 1024;
		if (cap < 512)
			cap = 512;
		if ((buf = scratch(tc->t, cap)) == NULL)
			cap = 0;
	}
	if (l == NULL)
		lun_unknown_execute(cdb, PDU_CDB_LEN, s->target->lun_ids,
		    s->target->nluns, buf, cap, &res);
	else
		lun_execute(l, s->nexus, cdb, PDU_CDB_LEN, NULL, 0, buf, cap,
		    &res);
	tscsi_complete(tc, p->itt, p->lun, p->u.scsi_cmd.edtl, &res);
}

void
tscsi_command(struct tconn *tc, const struct pdu *p)
{
	struct tsession *s = tc->sess;
	struct lun_cdb_info ci;
	struct lun *l;

	if (s == NULL || s->target == NULL)
		return;
	tc->t->stats.commands++;
	if (ttask_find(s, p->itt) != NULL) {
		tconn_protocol_error(tc, p, ISCSI_REJECT_TASK_IN_PROGRESS,
		    "Initiator Task Tag already in use");
		return;
	}
	l = tscsi_lun(tc, p->lun);
	lun_cdb_info(p->u.scsi_cmd.cdb, PDU_CDB_LEN, &ci);
	if (p->u.scsi_cmd.write)
		tdata_write_start(tc, p, l, &ci);
	else
		read_or_nodata(tc, p, l, &ci);
}
