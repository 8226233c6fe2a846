/*
 * Data movement (RFC 7143 11.7, 11.8, 3.2.4): immediate and unsolicited
 * data up to FirstBurstLength, then R2Ts of at most MaxBurstLength, at
 * most MaxOutstandingR2T at a time; Data-In sequences of at most
 * MaxBurstLength in PDUs of at most the initiator's
 * MaxRecvDataSegmentLength.  DataPDUInOrder=Yes and DataSequenceInOrder=
 * Yes are what we negotiate, so offsets are checked in order.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "scsi.h"
#include "tsim_impl.h"

#define TDATA_MAX_R2T	64

/* ---- tasks -------------------------------------------------------------- */

struct ttask *
ttask_find(struct tsession *s, uint32_t itt)
{
	struct ttask *k;

	for (k = s->tasks; k != NULL; k = k->next)
		if (k->itt == itt)
			return k;
	return NULL;
}

void
ttask_unlink(struct ttask *k)
{
	struct ttask **pp;

	for (pp = &k->sess->tasks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
}

void
ttask_free(struct ttask *k)
{
	free(k->buf);
	free(k->r2ts);
	free(k);
}

unsigned
ttask_abort_all(struct tsession *s, const uint64_t *lun_raw,
    const struct tconn *only)
{
	struct ttask **pp = &s->tasks;
	unsigned n = 0;

	while (*pp != NULL) {
		struct ttask *k = *pp;

		if ((lun_raw == NULL || k->lun_raw == *lun_raw) &&
		    (only == NULL || k->tc == only)) {
			*pp = k->next;
			ttask_free(k);
			n++;
		} else
			pp = &k->next;
	}
	return n;
}

/* ---- Data-In ------------------------------------------------------------ */

void
tdata_send_in(struct tconn *tc, uint32_t itt, uint64_t lun_raw,
    const uint8_t *data, uint32_t len, const struct lun_result *res,
    const struct tresid *rs)
{
	struct tsession *s = tc->sess;
	uint32_t mb = s->sp.max_burst_length, mrdsl = tc->max_send_dsl;
	uint32_t off = 0, burst = 0, datasn = 0, n;
	bool collapse = res->status == SCSI_STATUS_GOOD && res->sense_len == 0;
	struct pdu p;

	if (mb == 0)
		mb = 262144;
	if (mrdsl == 0)
		mrdsl = 8192;
	while (off < len && tc->ic.state == ICONN_UP) {
		bool last, end;

		n = len - off;
		if (n > mrdsl)
			n = mrdsl;
		if (n > mb - burst)
			n = mb - burst;
		last = off + n == len;
		end = last || burst + n == mb;
		pdu_init(&p, PDU_OP_DATA_IN);
		p.itt = itt;
		p.lun = lun_raw;
		p.final = end;			/* 11.7.1: end of a sequence */
		p.u.data_in.ttt = PDU_TAG_RESERVED;
		p.u.data_in.datasn = datasn++;
		p.u.data_in.buffer_offset = off;
		pdu_set_data(&p, data + off, n);
		if (last && collapse) {
			p.u.data_in.status_present = true;
			p.u.data_in.status = res->status;
			if (rs->residual > 0) {
				p.u.data_in.overflow = rs->overflow;
				p.u.data_in.underflow = !rs->overflow;
				p.u.data_in.residual = rs->residual;
			}
		}
		tconn_send(tc, &p, last && collapse);
		off += n;
		burst = end ? 0 : burst + n;
	}
	tc->t->stats.data_in_bytes += len;
	if (!collapse)
		tscsi_send_status(tc, itt, res, rs);
}

/* ---- Data-Out ----------------------------------------------------------- */

static void
finish(struct ttask *k)
{
	struct tconn *tc = k->tc;
	struct tresid rs;
	struct lun_result res;

	memset(&rs, 0, sizeof(rs));
	memset(&res, 0, sizeof(res));
	ttask_unlink(k);
	if (k->failed) {
		tscsi_send_status(tc, k->itt, &k->res, NULL);
		ttask_free(k);
		return;
	}
	if (k->edtl > k->ci.xfer_len)
		rs.residual = k->edtl - (uint32_t)k->ci.xfer_len;
	else if (k->edtl < k->ci.xfer_len) {
		rs.overflow = true;
		rs.residual = (uint32_t)k->ci.xfer_len - k->edtl;
	}
	if (k->nodata) {
		lun_execute(k->lun, k->sess->nexus, k->cdb, PDU_CDB_LEN, NULL, 0,
		    NULL, 0, &res);
		res.data_len = 0;
		rs.overflow = false;
		rs.residual = k->edtl;
	} else if (k->ci.media)
		lun_write_finish(k->lun, &k->ci, &res);
	else
		lun_execute(k->lun, k->sess->nexus, k->cdb, PDU_CDB_LEN, k->buf,
		    k->stored, NULL, 0, &res);
	if (res.status != SCSI_STATUS_GOOD)
		tscsi_send_status(tc, k->itt, &res, NULL);
	else
		tscsi_send_status(tc, k->itt, &res, &rs);
	ttask_free(k);
}

static struct tr2t *
free_slot(struct ttask *k)
{
	uint32_t i;

	for (i = 0; i < k->nr2t_max; i++)
		if (!k->r2ts[i].used)
			return &k->r2ts[i];
	return NULL;
}

static void
solicit(struct ttask *k)
{
	struct tsession *s = k->sess;
	uint32_t mb = s->sp.max_burst_length ? s->sp.max_burst_length : 262144;
	struct tr2t *r;
	struct pdu p;

	while (k->r2t_next < k->want && (r = free_slot(k)) != NULL) {
		r->used = true;
		r->off = k->r2t_next;
		r->len = k->want - k->r2t_next;
		if (r->len > mb)
			r->len = mb;
		r->got = 0;
		r->datasn = 0;
		r->r2tsn = k->r2tsn++;
		do
			r->ttt = s->next_ttt++;
		while (r->ttt == PDU_TAG_RESERVED);
		k->r2t_next += r->len;
		k->nr2t_out++;
		pdu_init(&p, PDU_OP_R2T);
		p.itt = k->itt;
		p.lun = k->lun_raw;
		p.u.r2t.ttt = r->ttt;
		p.u.r2t.r2tsn = r->r2tsn;
		p.u.r2t.buffer_offset = r->off;
		p.u.r2t.ddtl = r->len;
		tconn_send(k->tc, &p, false);
	}
}

/* Unsolicited phase over or a burst done: solicit more, or finish. */
static void
advance(struct ttask *k)
{
	if (!k->unsol_done)
		return;
	if (k->failed || k->stored >= k->want) {
		if (k->nr2t_out == 0)
			finish(k);
		return;
	}
	if (k->r2t_next < k->received && k->nr2t_out == 0)
		k->r2t_next = k->received;
	solicit(k);
}

/* Keep bytes [off, off + len) of the command's data. */
static int
store(struct ttask *k, uint32_t off, const uint8_t *data, uint32_t len)
{
	uint32_t n = len;

	if (k->failed || off >= k->want)
		return 0;
	if (n > k->want - off)
		n = k->want - off;
	if (k->ci.media) {
		if (lun_write_at(k->lun, k->ci.lba * LUN_BLOCK_SIZE + off, data,
		    n) != 0) {
			k->failed = true;
			memset(&k->res, 0, sizeof(k->res));
			k->res.status = SCSI_STATUS_CHECK_CONDITION;
			k->res.sense_len = (uint8_t)scsi_sense_fixed(k->res.sense,
			    sizeof(k->res.sense), SCSI_SENSE_MEDIUM_ERROR,
			    SCSI_ASC_WRITE_ERROR);
			return -1;
		}
	} else
		memcpy(k->buf + off, data, n);
	k->stored += n;
	return 0;
}

void
tdata_write_start(struct tconn *tc, const struct pdu *p, struct lun *l,
    const struct lun_cdb_info *ci)
{
	struct tsession *s = tc->sess;
	const struct pdu_scsi_cmd *c = &p->u.scsi_cmd;
	struct ttask *k = calloc(1, sizeof(*k));
	uint32_t nr2t = s->sp.max_outstanding_r2t;

	if (nr2t == 0)
		nr2t = 1;
	if (nr2t > TDATA_MAX_R2T)
		nr2t = TDATA_MAX_R2T;
	if (k == NULL || (k->r2ts = calloc(nr2t, sizeof(*k->r2ts))) == NULL) {
		free(k);
		tconn_close_now(tc, false);
		return;
	}
	k->nr2t_max = nr2t;
	k->tc = tc;
	k->sess = s;
	k->itt = p->itt;
	k->cmdsn = c->cmdsn;
	k->lun_raw = p->lun;
	k->lun = l;
	memcpy(k->cdb, c->cdb, PDU_CDB_LEN);
	k->edtl = c->edtl;
	k->ci = *ci;
	if (l == NULL) {
		lun_unknown_sense(&k->res);
		k->failed = true;
	} else if (lun_check(l, s->nexus, k->cdb, PDU_CDB_LEN, &k->res) !=
	    SCSI_STATUS_GOOD)
		k->failed = true;
	else if (ci->dir != LUN_DIR_OUT)
		k->nodata = true;	/* W for a command taking no data:
					   the data is dropped, it runs */
	if (!k->failed && !k->nodata) {
		k->want = c->edtl < ci->xfer_len ? c->edtl : (uint32_t)ci->xfer_len;
		if (!ci->media && k->want > 0 &&
		    (k->buf = malloc(k->want)) == NULL) {
			ttask_free(k);
			tconn_close_now(tc, false);
			return;
		}
	}
	k->next = s->tasks;
	s->tasks = k;
	if (p->data_len > 0) {
		store(k, 0, p->data, p->data_len);
		k->received = p->data_len;
		tc->t->stats.data_out_bytes += p->data_len;
	}
	/* 11.3.1: F=1 means no unsolicited Data-Out follows */
	k->unsol_done = p->final || k->received >= c->edtl;
	advance(k);
}

/*
 * RFC 7143 11.7.5: DataSN counts the Data-Out PDUs of each sequence from
 * 0.  A gap or a repeat at ErrorRecoveryLevel 0 fails the command: it
 * takes the rest of its data and ends with ABORTED COMMAND / DATA PHASE
 * ERROR (no recovery by SNACK).
 */
static void
datasn_error(struct ttask *k, const struct pdu *p, uint32_t want)
{
	tsim_vlog(k->tc->t, "conn %u: Data-Out ITT 0x%08x DataSN %u, expected "
	    "%u: the command fails", k->tc->id, p->itt, p->u.data_out.datasn,
	    want);
	if (k->failed)
		return;
	k->failed = true;
	memset(&k->res, 0, sizeof(k->res));
	k->res.status = SCSI_STATUS_CHECK_CONDITION;
	k->res.sense_len = (uint8_t)scsi_sense_fixed(k->res.sense,
	    sizeof(k->res.sense), SCSI_SENSE_ABORTED_COMMAND,
	    SCSI_ASC_DATA_PHASE_ERROR);
}

static struct tr2t *
r2t_by_ttt(struct ttask *k, uint32_t ttt)
{
	uint32_t i;

	for (i = 0; i < k->nr2t_max; i++)
		if (k->r2ts[i].used && k->r2ts[i].ttt == ttt)
			return &k->r2ts[i];
	return NULL;
}

void
tdata_out(struct tconn *tc, const struct pdu *p)
{
	const struct pdu_data_out *d = &p->u.data_out;
	struct tsession *s = tc->sess;
	struct ttask *k;
	struct tr2t *r;

	if (s == NULL)
		return;
	tc->exp_statsn = d->expstatsn;
	tc->t->stats.data_out_bytes += p->data_len;
	if ((k = ttask_find(s, p->itt)) == NULL) {
		/* aborted or never seen: RFC 7143 4.2.2.3 silently drop */
		tsim_vlog(tc->t, "conn %u: Data-Out for unknown ITT 0x%08x "
		    "dropped", tc->id, p->itt);
		return;
	}
	if (d->ttt == PDU_TAG_RESERVED) {
		if (!k->unsol_done && d->datasn != k->unsol_datasn++) {
			datasn_error(k, p, k->unsol_datasn - 1);
			k->unsol_done = p->final;
			advance(k);
			return;
		}
		if (k->unsol_done || d->buffer_offset != k->received) {
			tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
			    "unsolicited Data-Out out of place");
			return;
		}
		store(k, d->buffer_offset, p->data, p->data_len);
		k->received += p->data_len;
		if (p->final)
			k->unsol_done = true;
		advance(k);
		return;
	}
	if ((r = r2t_by_ttt(k, d->ttt)) == NULL ||
	    d->buffer_offset != r->off + r->got ||
	    p->data_len > r->len - r->got) {
		tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
		    "Data-Out does not fit its R2T");
		return;
	}
	if (d->datasn != r->datasn++)
		datasn_error(k, p, r->datasn - 1);
	store(k, d->buffer_offset, p->data, p->data_len);
	r->got += p->data_len;
	if (d->buffer_offset + p->data_len > k->received)
		k->received = d->buffer_offset + p->data_len;
	if (p->final || r->got >= r->len) {
		r->used = false;
		k->nr2t_out--;
		advance(k);
	}
}
