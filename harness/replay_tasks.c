/*
 * Replay: the captured SCSI commands.  Each new command is an initiator
 * action; a command sent again after the connection was lost (ERL 0
 * recovery) is the same action.  READ CAPACITY and REPORT LUNS answers
 * give the LUNs and their sizes; WRITE data is kept for WriteBlocks.
 */
#include <stdlib.h>
#include <string.h>

#include "pdu.h"
#include "replay_int.h"
#include "scsi.h"

static struct rp_task *
task_find(struct rp_cconn *cc, uint32_t itt)
{
	size_t i;

	for (i = 0; i < RP_TASKS; i++)
		if (cc->tasks[i].used && cc->tasks[i].itt == itt)
			return &cc->tasks[i];
	return NULL;
}

static void
task_release(struct rp_task *t)
{
	free(t->buf);
	free(t->wdata);
	memset(t, 0, sizeof(*t));
}

static struct rp_task *
task_add(struct rp_cconn *cc, uint32_t itt)
{
	struct rp_task *t = task_find(cc, itt);
	size_t i;

	if (t != NULL)
		task_release(t);	/* ITT reused: the old one is gone */
	for (i = 0; t == NULL && i < RP_TASKS; i++)
		if (!cc->tasks[i].used)
			t = &cc->tasks[i];
	if (t == NULL)
		return NULL;
	t->used = true;
	t->itt = itt;
	return t;
}

static struct rp_target *
target_of(struct rp_collect *c, const struct rp_group *g)
{
	return g != NULL && g->target != 0 ? c->targets[g->target - 1] : NULL;
}

static void
learn_luns(struct rp_collect *c, struct rp_target *tg, struct rp_task *t,
    struct rp_action *a)
{
	struct scsi_lun_entry ents[RP_LUNS_MAX];
	struct scsi_report_luns rl;
	struct scsi_capacity cap;
	struct rp_lun *l = t->lun < RP_LUNS_MAX && tg != NULL ?
	    &tg->luns[t->lun] : NULL;
	uint32_t i;

	(void)c;
	memset(&cap, 0, sizeof(cap));
	switch (t->cdb[0]) {
	case SCSI_OP_REPORT_LUNS:
		if (tg == NULL || scsi_parse_report_luns(t->buf, t->got, ents,
		    RP_LUNS_MAX, &rl, NULL) != SCSI_OK)
			return;
		for (i = 0; i < rl.count; i++)
			if (ents[i].decoded && ents[i].lun < RP_LUNS_MAX)
				tg->luns[ents[i].lun].present = true;
		return;
	case SCSI_OP_READ_CAPACITY10:
		if (scsi_parse_read_capacity10(t->buf, t->got, &cap, NULL) !=
		    SCSI_OK)
			return;
		if (a != NULL) {
			a->rc_answered = true;
			a->rc_last_lba = (uint32_t)cap.last_lba;
		}
		if (cap.last_lba == 0xffffffffu)
			return;	/* READ CAPACITY (16) tells */
		break;
	case SCSI_OP_SERVICE_ACTION_IN16:
		if ((t->cdb[1] & 0x1f) != 0x10 || scsi_parse_read_capacity16(
		    t->buf, t->got, &cap, NULL) != SCSI_OK)
			return;
		break;
	default:
		return;
	}
	if (l != NULL && cap.block_size > 0) {
		l->present = l->measured = true;
		l->blocks = cap.last_lba + 1;
		l->block_size = cap.block_size;
	}
}

static void
task_done(struct rp_collect *c, struct rp_group *g, struct rp_task *t,
    double time, bool ok)
{
	struct rp_action *a = t->action != 0 ? &c->acts[t->action - 1] : NULL;

	if (a != NULL) {
		a->ended = true;
		a->end = time;
		a->fails = !ok;
		/* the data (zeros where it was not captured) */
		if (t->wdata != NULL && a->wdata == NULL) {
			a->wdata = t->wdata;	/* handed over */
			a->wlen = t->wlen;
			t->wdata = NULL;
		}
	}
	if (ok && t->buf != NULL)
		learn_luns(c, target_of(c, g), t, a);
	task_release(t);
}

static bool
keeps_data(uint8_t op)
{
	return op == SCSI_OP_REPORT_LUNS || op == SCSI_OP_READ_CAPACITY10 ||
	    op == SCSI_OP_SERVICE_ACTION_IN16;
}

static void
copy_at(uint8_t *dst, uint32_t cap, uint32_t off, const uint8_t *src,
    uint32_t len, uint32_t *got)
{
	if (dst == NULL || src == NULL || off >= cap)
		return;
	if (len > cap - off)
		len = cap - off;
	memcpy(dst + off, src, len);
	if (off + len > *got)
		*got = off + len;
}

static void
command(struct rp_collect *c, struct rp_cconn *cc, struct rp_group *g,
    const struct ana_pdu_ctx *x)
{
	const struct pdu *p = x->pdu;
	const struct pdu_scsi_cmd *sc = &p->u.scsi_cmd;
	struct rp_target *tg = target_of(c, g);
	struct rp_action *a;
	struct rp_task *t;
	size_t i, action = 0;
	uint16_t lun;

	if (scsi_lun_decode(p->lun, &lun) != SCSI_OK)
		lun = 0;
	for (i = 0; i < RP_PENDING; i++) {
		struct rp_pending *q = &g->pending[i];

		if (q->used && q->lun == lun &&
		    memcmp(q->cdb, sc->cdb, sizeof(q->cdb)) == 0) {
			action = q->action;	/* sent again after a recovery */
			q->used = false;
			break;
		}
	}
	if (action == 0) {
		if ((a = rp_action_new(c, RA_SCSI, x->time)) == NULL)
			return;
		action = c->nacts;
		a->lun = lun;
		memcpy(a->cdb, sc->cdb, sizeof(a->cdb));
		a->edtl = sc->edtl;
		a->write = sc->write;
		if (tg != NULL && lun < RP_LUNS_MAX) {
			tg->luns[lun].present = true;
			if (tg->luns[lun].measured)
				a->block_size = tg->luns[lun].block_size;
		}
	}
	if ((t = task_add(cc, p->itt)) == NULL)
		return;
	t->action = action;
	memcpy(t->cdb, sc->cdb, sizeof(t->cdb));
	t->lun = lun;
	t->edtl = sc->edtl;
	if (keeps_data(sc->cdb[0]))
		t->buf = calloc(1, RP_TASK_BUF);
	if (sc->write && sc->edtl > 0 && sc->edtl <= RP_WRITE_MAX &&
	    c->write_total + sc->edtl <= RP_WRITE_TOTAL &&
	    (t->wdata = calloc(1, sc->edtl)) != NULL) {
		t->wlen = sc->edtl;
		c->write_total += sc->edtl;
		copy_at(t->wdata, t->wlen, 0, p->data, p->data_len, &t->wgot);
	}
}

void
rp_task_pdu(struct rp_collect *c, struct rp_cconn *cc,
    const struct ana_pdu_ctx *x)
{
	const struct pdu *p = x->pdu;
	struct rp_group *g = cc->group != 0 ? &c->groups[cc->group - 1] : NULL;
	struct rp_task *t;
	uint32_t itt;

	/* the receiver discards a PDU with a digest error (RFC 7143 7.8) */
	if (g == NULL || x->err->code == PDU_EHDIGEST ||
	    x->err->code == PDU_EDDIGEST)
		return;
	switch (p->opcode) {
	case PDU_OP_SCSI_CMD:
		command(c, cc, g, x);
		return;
	case PDU_OP_DATA_OUT:
		if ((t = task_find(cc, p->itt)) != NULL)
			copy_at(t->wdata, t->wlen, p->u.data_out.buffer_offset,
			    p->data, p->data_len, &t->wgot);
		return;
	case PDU_OP_DATA_IN:
		if ((t = task_find(cc, p->itt)) == NULL)
			return;
		copy_at(t->buf, RP_TASK_BUF, p->u.data_in.buffer_offset,
		    p->data, p->data_len, &t->got);
		if (p->u.data_in.status_present)
			task_done(c, g, t, x->time, p->u.data_in.status == 0);
		return;
	case PDU_OP_SCSI_RSP:
		if ((t = task_find(cc, p->itt)) != NULL)
			task_done(c, g, t, x->time, p->u.scsi_rsp.response == 0 &&
			    p->u.scsi_rsp.status == 0);
		return;
	case PDU_OP_REJECT:
		if (p->data_len < PDU_BHS_LEN ||
		    (p->data[0] & 0x3f) != PDU_OP_SCSI_CMD)
			return;
		itt = (uint32_t)p->data[16] << 24 | (uint32_t)p->data[17] << 16 |
		    (uint32_t)p->data[18] << 8 | p->data[19];
		if ((t = task_find(cc, itt)) != NULL)
			task_done(c, g, t, x->time, false);
		return;
	default:
		return;
	}
}

/* Commands left unanswered may be sent again on the next connection; if
 * not, they failed (a capture that stops with them outstanding: not). */
void
rp_tasks_conn_end(struct rp_collect *c, struct rp_cconn *cc, bool closed)
{
	struct rp_group *g = cc->group != 0 ? &c->groups[cc->group - 1] : NULL;
	size_t i, k;

	for (i = 0; i < RP_TASKS; i++) {
		struct rp_task *t = &cc->tasks[i];

		if (!t->used)
			continue;
		if (closed && t->action != 0)
			c->acts[t->action - 1].fails = true;
		if (t->action != 0 && t->wdata != NULL &&
		    c->acts[t->action - 1].wdata == NULL) {
			c->acts[t->action - 1].wdata = t->wdata;
			c->acts[t->action - 1].wlen = t->wlen;
			t->wdata = NULL;
		}
		for (k = 0; g != NULL && k < RP_PENDING; k++)
			if (!g->pending[k].used) {
				g->pending[k].used = true;
				memcpy(g->pending[k].cdb, t->cdb, sizeof(t->cdb));
				g->pending[k].lun = t->lun;
				g->pending[k].action = t->action;
				break;
			}
		task_release(t);
	}
}

void
rp_tasks_free(struct rp_cconn *cc)
{
	size_t i;

	for (i = 0; i < RP_TASKS; i++)
		if (cc->tasks[i].used)
			task_release(&cc->tasks[i]);
}
