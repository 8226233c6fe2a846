/*
 * Write data (RFC 7143 3.2.4.2, 11.3, 11.7, 11.8): immediate data and
 * unsolicited Data-Out up to FirstBurstLength, then R2Ts of at most
 * MaxBurstLength, at most MaxOutstandingR2T at a time.  With
 * DataSequenceInOrder=No the R2Ts go out from the end of the buffer
 * backwards; with DataPDUInOrder=No a Data-Out may carry any offset
 * inside its sequence.
 *
 * Data that breaks the negotiated bounds fails the command, not the
 * connection: CHECK CONDITION, ABORTED COMMAND with the iSCSI conditions
 * of RFC 7143 11.4.7.2,
 *   0x0C/0x0C "unexpected unsolicited data": immediate data while
 *             ImmediateData=No, unsolicited Data-Out while InitialR2T=Yes
 *             or after the F bit ended the unsolicited sequence;
 *   0x0C/0x0D "incorrect amount of data": immediate plus unsolicited data
 *             over FirstBurstLength (or, the transfer being longer, an
 *             unsolicited sequence that stops short of it), Data-Out
 *             outside the bytes its R2T asked for, an R2T answered with
 *             more or less than its Desired Data Transfer Length.
 * The bytes out of bounds are never written.  The command still takes
 * the data that is on its way (the unsolicited sequence until its F bit,
 * every outstanding R2T) and is answered when that is in; no further R2T
 * is sent.  A Reject alone never ends a task (7.3), so the PDUs that get
 * one here (a TTT we did not give, an offset out of order while
 * DataPDUInOrder=Yes, a data segment over our MaxRecvDataSegmentLength)
 * also fail their command.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "scsi.h"
#include "tsim_impl.h"

#define TDATA_MAX_R2T	64

/* RFC 7143 11.4.7.2 names 0x0C/0x0D "Incorrect amount of data". */
#define ASC_INCORRECT_AMOUNT	SCSI_ASC_NOT_ENOUGH_UNSOLICITED_DATA

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

/* The command ends with ABORTED COMMAND / asc once its data is in. */
static void
fail(struct ttask *k, uint16_t asc, const char *why)
{
	tsim_vlog(k->tc->t, "conn %u: ITT 0x%08x: %s: the command fails",
	    k->tc->id, k->itt, why);
	if (k->failed)
		return;
	k->failed = true;
	memset(&k->res, 0, sizeof(k->res));
	k->res.status = SCSI_STATUS_CHECK_CONDITION;
	k->res.sense_len = (uint8_t)scsi_sense_fixed(k->res.sense,
	    sizeof(k->res.sense), SCSI_SENSE_ABORTED_COMMAND, asc);
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

/*
 * Bytes [r2t_next, r2t_hi) are still to ask for, in MaxBurstLength pieces
 * counted from r2t_next: from the front, or (DataSequenceInOrder=No)
 * from the back, so offsets never increase.
 */
static void
solicit(struct ttask *k)
{
	struct tsession *s = k->sess;
	uint32_t mb = s->sp.max_burst_length ? s->sp.max_burst_length : 262144;
	struct tr2t *r;
	struct pdu p;

	while (k->r2t_next < k->r2t_hi && (r = free_slot(k)) != NULL) {
		uint32_t left = k->r2t_hi - k->r2t_next;

		r->used = true;
		if (s->sp.data_sequence_in_order) {
			r->off = k->r2t_next;
			r->len = left < mb ? left : mb;
			k->r2t_next += r->len;
		} else {
			r->len = left % mb != 0 ? left % mb : mb;
			r->off = k->r2t_hi - r->len;
			k->r2t_hi = r->off;
		}
		r->got = 0;
		r->datasn = 0;
		r->r2tsn = k->r2tsn++;
		do
			r->ttt = s->next_ttt++;
		while (r->ttt == PDU_TAG_RESERVED);
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
	if (!k->r2t_planned) {
		/* solicited data starts where the unsolicited data ended */
		k->r2t_planned = true;
		k->r2t_next = k->unsol_got < k->want ? k->unsol_got : k->want;
		k->r2t_hi = k->want;
	}
	if (k->failed || k->r2t_next >= k->r2t_hi) {
		if (k->nr2t_out == 0)
			finish(k);
		return;
	}
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

/* 11.4.7.2: the unsolicited sequence ended (F bit). */
static void
unsolicited_end(struct ttask *k)
{
	uint32_t fbl = k->sess->sp.first_burst_length;

	k->unsol_done = true;
	if (k->unsol_dataout && k->edtl > fbl && k->unsol_got != fbl)
		fail(k, ASC_INCORRECT_AMOUNT, "unsolicited data other than "
		    "FirstBurstLength");
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
	} else if (lun_check_edtl(l, s->nexus, k->cdb, PDU_CDB_LEN, c->edtl,
	    &k->res) != SCSI_STATUS_GOOD)
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
		if (!s->sp.immediate_data)
			fail(k, SCSI_ASC_UNEXPECTED_UNSOLICITED_DATA,
			    "immediate data with ImmediateData=No");
		else if (p->data_len > s->sp.first_burst_length)
			fail(k, ASC_INCORRECT_AMOUNT,
			    "immediate data over FirstBurstLength");
		store(k, 0, p->data, p->data_len);
		k->received = p->data_len;
		k->unsol_got = p->data_len;
		tc->t->stats.data_out_bytes += p->data_len;
	}
	/* 11.3.1: F=1 means no unsolicited Data-Out follows; 13.10:
	 * InitialR2T=Yes allows none */
	if (p->final || k->received >= c->edtl || s->sp.initial_r2t)
		k->unsol_done = true;
	advance(k);
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

/* Is [off, off + len) outside [lo, hi)? */
static bool
outside(uint32_t off, uint32_t len, uint32_t lo, uint32_t hi)
{
	return off < lo || off > hi || len > hi - off;
}

/* Unsolicited Data-Out (TTT 0xffffffff). */
static void
unsolicited(struct tconn *tc, struct ttask *k, const struct pdu *p,
    uint32_t len, bool lost)
{
	const struct pdu_data_out *d = &p->u.data_out;
	struct tsession *s = k->sess;
	uint32_t off = d->buffer_offset;

	if (k->unsol_done) {
		fail(k, SCSI_ASC_UNEXPECTED_UNSOLICITED_DATA,
		    s->sp.initial_r2t ? "unsolicited Data-Out with "
		    "InitialR2T=Yes" : "unsolicited Data-Out after the F bit");
		advance(k);
		return;
	}
	k->unsol_dataout = true;
	/* RFC 7143 11.7.5: DataSN from 0 in the unsolicited sequence */
	if (d->datasn != k->unsol_datasn++)
		fail(k, SCSI_ASC_DATA_PHASE_ERROR, "unsolicited DataSN gap");
	else if (outside(off, len, 0, s->sp.first_burst_length))
		fail(k, ASC_INCORRECT_AMOUNT,
		    "unsolicited data beyond FirstBurstLength");
	else if (s->sp.data_pdu_in_order && off != k->unsol_got) {
		tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
		    "unsolicited Data-Out out of order (DataPDUInOrder=Yes)");
		fail(k, SCSI_ASC_DATA_OFFSET_ERROR, "Data-Out offset");
	} else if (!lost)
		store(k, off, p->data, len);
	k->unsol_got += len;
	if (off + len > k->received)
		k->received = off + len;
	if (p->final)
		unsolicited_end(k);
	advance(k);
}

/* Data-Out answering the R2T r. */
static void
solicited(struct tconn *tc, struct ttask *k, struct tr2t *r,
    const struct pdu *p, uint32_t len, bool lost)
{
	const struct pdu_data_out *d = &p->u.data_out;
	uint32_t off = d->buffer_offset;

	if (d->datasn != r->datasn++)
		fail(k, SCSI_ASC_DATA_PHASE_ERROR, "R2T DataSN gap");
	else if (outside(off, len, r->off, r->off + r->len))
		fail(k, ASC_INCORRECT_AMOUNT, "Data-Out outside its R2T");
	else if (k->sess->sp.data_pdu_in_order && off != r->off + r->got) {
		tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
		    "Data-Out out of order (DataPDUInOrder=Yes)");
		fail(k, SCSI_ASC_DATA_OFFSET_ERROR, "Data-Out offset");
	} else if (!lost)
		store(k, off, p->data, len);
	r->got = len > UINT32_MAX - r->got ? UINT32_MAX : r->got + len;
	if (off + len > k->received && off + len <= k->want)
		k->received = off + len;
	if (!p->final && r->got < r->len)
		return;
	/* 11.4.7.2: the R2T is answered with exactly what it asked for */
	if (r->got != r->len)
		fail(k, ASC_INCORRECT_AMOUNT, "R2T answered with another "
		    "amount of data");
	r->used = false;
	k->nr2t_out--;
	advance(k);
}

static void
data_out(struct tconn *tc, const struct pdu *p, bool lost)
{
	const struct pdu_data_out *d = &p->u.data_out;
	struct tsession *s = tc->sess;
	uint32_t len = lost ? p->dsl : p->data_len;
	struct ttask *k;
	struct tr2t *r;

	if (s == NULL || s->target == NULL)
		return;
	tc->exp_statsn = d->expstatsn;
	tc->t->stats.data_out_bytes += len;
	if ((k = ttask_find(s, p->itt)) == NULL) {
		/* aborted or never seen: RFC 7143 4.2.2.3 silently drop */
		tsim_vlog(tc->t, "conn %u: Data-Out for unknown ITT 0x%08x "
		    "dropped", tc->id, p->itt);
		return;
	}
	if (lost)
		fail(k, ASC_INCORRECT_AMOUNT, "Data-Out over our "
		    "MaxRecvDataSegmentLength (data discarded)");
	if (d->ttt == PDU_TAG_RESERVED) {
		unsolicited(tc, k, p, len, lost);
		return;
	}
	if ((r = r2t_by_ttt(k, d->ttt)) == NULL) {
		if (!lost)
			tconn_protocol_error(tc, p, ISCSI_REJECT_INVALID_PDU_FIELD,
			    "Data-Out with a Target Transfer Tag we did not "
			    "give");
		fail(k, ASC_INCORRECT_AMOUNT, "Data-Out for no R2T");
		advance(k);
		return;
	}
	solicited(tc, k, r, p, len, lost);
}

void
tdata_out(struct tconn *tc, const struct pdu *p)
{
	data_out(tc, p, false);
}

void
tdata_out_lost(struct tconn *tc, const struct pdu *p)
{
	data_out(tc, p, true);
}
