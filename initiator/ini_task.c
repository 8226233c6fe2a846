/*
 * SCSI tasks in full feature phase (RFC 7143 3.2.4, 11.3-11.8): the command
 * window, immediate and unsolicited data as ImmediateData, InitialR2T and
 * FirstBurstLength allow, R2T answered with Data-Out sequences of at most
 * MaxRecvDataSegmentLength (invalid R2T: event 28), Data-In with DataSN
 * order and phase collapse (event 26 for too much data), SCSI Response
 * with residuals and sense (event 60 for data that is not sense).
 * Outstanding tasks survive a connection loss and are sent again on the
 * reinstated session (ERL 0).
 */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "ini_internal.h"
#include "log.h"
#include "serial.h"

#define SCSI_STATUS_GOOD	0x00
#define TASK_ATTR_SIMPLE	1

struct ini_task *
ini_task_new(struct ini_session *s, const struct ini_scsi_cmd *cmd,
    ini_scsi_done_fn *cb, void *arg)
{
	struct ini_task *t = s->task_cache;

	if (t != NULL) {
		s->task_cache = t->next_free;
		s->ncached--;
		memset(t, 0, sizeof(*t));
	} else if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->sess = s;
	if (cmd != NULL) {
		t->cmd = *cmd;
		memcpy(t->cdb, cmd->cdb, cmd->cdblen > 16 ? 16 : cmd->cdblen);
		t->cmd.cdb = t->cdb;
		if (t->cmd.cdblen > 16)
			t->cmd.cdblen = 16;
	}
	t->itt = ini_session_next_itt(s);
	t->cb = cb;
	t->cb_arg = arg;
	evtimer_init(&t->timer, ini_task_timeout, t);
	TAILQ_INSERT_TAIL(&s->tasks, t, link);
	s->ntasks++;
	s->nunsent++;
	return t;
}

/* Data arriving into t's buffer goes to the receive buffer from now on. */
static void
task_unplace(struct ini_task *t)
{
	struct ini_conn *c = t->sess->conn;

	if (c != NULL && c->placed == t) {
		if (c->ic_live)
			iconn_rx_unplace(&c->ic);
		c->placed = NULL;
	}
}

void
ini_task_free(struct ini_task *t)
{
	struct ini_session *s;

	if (t == NULL)
		return;
	s = t->sess;
	task_unplace(t);
	evtimer_disarm(s->node->loop, &t->timer);
	TAILQ_REMOVE(&s->tasks, t, link);
	s->ntasks--;
	if (!t->sent && !t->done)
		s->nunsent--;
	if (s->ncached < INI_TASK_CACHE) {
		t->next_free = s->task_cache;
		s->task_cache = t;
		s->ncached++;
	} else
		free(t);
}

void
ini_task_cache_free(struct ini_session *s)
{
	struct ini_task *t;

	while ((t = s->task_cache) != NULL) {
		s->task_cache = t->next_free;
		free(t);
	}
	s->ncached = 0;
}

struct ini_task *
ini_task_find(struct ini_session *s, uint32_t itt)
{
	struct ini_task *t;

	TAILQ_FOREACH(t, &s->tasks, link)
		if (t->itt == itt)
			return t;
	return NULL;
}

/*
 * The task is done: statistics, then the callback.  A task with a callback
 * (a SCSI command) is recycled right after it; TMFs are freed by their
 * owner.  Callers iterating over the list keep the next task beforehand.
 */
void
ini_task_complete(struct ini_task *t, uint32_t isdsc)
{
	struct ini_session *s = t->sess;
	ini_scsi_done_fn *cb = t->cb;

	if (t->done)
		return;
	task_unplace(t);	/* its buffer is the caller's again */
	if (!t->sent)
		s->nunsent--;
	t->done = true;
	t->isdsc = isdsc;
	evtimer_disarm(s->node->loop, &t->timer);
	if (isdsc == INI_ISDSC_OK) {
		s->stats.commands++;
		if (t->cmd.in != NULL)
			s->stats.read_bytes += t->in_received;
		else
			s->stats.write_bytes += t->cmd.outlen;
	}
	if (cb == NULL)
		return;
	t->cb = NULL;
	cb(t->cb_arg, isdsc, &t->res);
	ini_task_free(t);
}

/* ---- sending -------------------------------------------------------------- */

static void
send_data_out(struct ini_conn *c, struct ini_task *t, uint32_t ttt,
    uint32_t off, uint32_t len)
{
	uint32_t mrdsl = c->params.c.max_send_dsl, datasn = 0, n;
	struct pdu p;

	if (mrdsl == 0)
		mrdsl = 8192;
	while (len > 0) {
		n = len < mrdsl ? len : mrdsl;
		pdu_init(&p, PDU_OP_DATA_OUT);
		p.final = n == len;
		p.lun = t->cmd.lun;
		p.itt = t->itt;
		p.u.data_out.ttt = ttt;
		p.u.data_out.expstatsn = c->expstatsn;
		p.u.data_out.datasn = datasn++;
		p.u.data_out.buffer_offset = off;
		pdu_set_data(&p, t->cmd.out + off, n);
		if (ini_conn_send(c, &p) != 0)
			return;
		off += n;
		len -= n;
	}
}

static void
send_command(struct ini_conn *c, struct ini_task *t)
{
	struct ini_session *s = t->sess;
	const struct keys_session_params *sp = &c->params.s;
	uint32_t mrdsl = c->params.c.max_send_dsl;
	uint32_t imm = 0, unsol = 0;
	struct pdu p;

	if (mrdsl == 0)
		mrdsl = 8192;
	pdu_init(&p, PDU_OP_SCSI_CMD);
	p.lun = t->cmd.lun;
	p.itt = t->itt;
	p.u.scsi_cmd.read = t->cmd.in != NULL && t->cmd.inlen > 0;
	p.u.scsi_cmd.write = t->cmd.out != NULL && t->cmd.outlen > 0;
	p.u.scsi_cmd.attr = TASK_ATTR_SIMPLE;
	p.u.scsi_cmd.edtl = p.u.scsi_cmd.write ? t->cmd.outlen :
	    p.u.scsi_cmd.read ? t->cmd.inlen : 0;
	p.u.scsi_cmd.cmdsn = t->cmdsn;
	p.u.scsi_cmd.expstatsn = c->expstatsn;
	memcpy(p.u.scsi_cmd.cdb, t->cdb, sizeof(p.u.scsi_cmd.cdb));
	if (p.u.scsi_cmd.write) {
		/* RFC 7143 13.10, 13.11, 13.14 */
		if (!sp->initial_r2t || sp->immediate_data)
			unsol = t->cmd.outlen < sp->first_burst_length ?
			    t->cmd.outlen : sp->first_burst_length;
		if (sp->immediate_data)
			imm = unsol < mrdsl ? unsol : mrdsl;
		if (sp->initial_r2t)
			unsol = imm;
		pdu_set_data(&p, t->cmd.out, imm);
	}
	p.final = unsol == imm;		/* F: no unsolicited Data-Out follows */
	t->unsol_sent = unsol;
	t->sent = true;
	t->exp_datasn = 0;
	t->exp_r2tsn = 0;
	t->in_received = 0;
	evtimer_arm(s->node->loop, &t->timer, ini_ms(s->node->cfg.scsi_timeout_ms));
	if (ini_conn_send(c, &p) != 0)
		return;
	if (unsol > imm)
		send_data_out(c, t, PDU_TAG_RESERVED, imm, unsol - imm);
}

void
ini_tasks_flush(struct ini_session *s)
{
	struct ini_conn *c = s->conn;
	struct ini_task *t, *nt;
	size_t k;

	if (s->nunsent == 0 || s->state != INI_Q3_LOGGED_IN || c == NULL ||
	    c->state != INI_S5_LOGGED_IN)
		return;
	/* the first unsent task: the nunsent-th unsent one from the end
	 * (usually the last one: no walk over the commands in flight) */
	k = s->nunsent;
	for (t = TAILQ_LAST(&s->tasks, ini_task_list); t != NULL;
	    t = TAILQ_PREV(t, ini_task_list, link))
		if (!t->sent && !t->done && --k == 0)
			break;
	if (t == NULL)
		t = TAILQ_FIRST(&s->tasks);
	for (; t != NULL && s->nunsent > 0; t = nt) {
		nt = TAILQ_NEXT(t, link);
		if (t->sent || t->done)
			continue;
		if (t->is_tmf) {
			s->nunsent--;
			ini_tmf_send(c, t);	/* immediate: no window */
			continue;
		}
		if (!cmdsn_in_window(s->cmdsn, s->expcmdsn, s->maxcmdsn))
			break;		/* keep CmdSN order */
		s->nunsent--;
		t->cmdsn = s->cmdsn++;
		send_command(c, t);
	}
}

void
ini_tasks_reset(struct ini_session *s)
{
	struct ini_task *t, *nt;

	for (t = TAILQ_FIRST(&s->tasks); t != NULL; t = nt) {
		nt = TAILQ_NEXT(t, link);
		if (t->done)
			continue;
		if (t->is_tmf) {
			/* a TMF does not survive the connection */
			ini_task_complete(t, ISDSC_CONNECTION_FAILED);
			ini_task_free(t);
			continue;
		}
		evtimer_disarm(s->node->loop, &t->timer);
		if (t->sent)
			s->nunsent++;
		t->sent = false;
		t->tmf = NULL;
		t->unsol_sent = 0;
		t->r2t_outstanding = 0;
		t->in_received = 0;
		memset(&t->res, 0, sizeof(t->res));
	}
}

void
ini_tasks_fail(struct ini_session *s, uint32_t isdsc)
{
	struct ini_task *t, *nt;
	bool tmf;

	for (t = TAILQ_FIRST(&s->tasks); t != NULL; t = nt) {
		nt = TAILQ_NEXT(t, link);
		tmf = t->is_tmf;
		if (!t->done)
			ini_task_complete(t, isdsc);	/* may recycle t */
		if (tmf)
			ini_task_free(t);
	}
}

/*
 * A guess for wakeup coalescing (iconn rx_expect): half of what the
 * commands in flight should still bring (one header each, plus the read
 * data not yet received), so that one wakeup takes several replies; 0
 * with fewer than INI_COALESCE_MIN in flight, where waiting for others
 * would only add latency.
 */
size_t
ini_tasks_rx_guess(const struct ini_session *s, size_t hdr_len)
{
	const struct ini_task *t;
	size_t n = 0, bytes = 0;

	TAILQ_FOREACH(t, &s->tasks, link) {
		if (!t->sent || t->done || t->is_tmf)
			continue;
		n++;
		bytes += hdr_len;
		if (t->cmd.in != NULL && t->in_received < t->cmd.inlen)
			bytes += t->cmd.inlen - t->in_received;
	}
	return n >= INI_COALESCE_MIN ? bytes / 2 : 0;
}

/* ---- receiving ------------------------------------------------------------ */

static void
bad_pdu(struct ini_conn *c, const struct pdu *p, unsigned ev)
{
	ini_ev_pdu(c->sess->node, c->sess, c, ev, 0, p, false);
	c->sess->stats.format_errors++;
	ini_conn_drop(c, true);		/* ERL 0: session recovery */
}

static void
finish(struct ini_task *t, uint8_t response, uint8_t status, bool under,
    bool over, uint32_t residual)
{
	t->res.response = response;
	t->res.status = status;
	t->res.underflow = under;
	t->res.overflow = over;
	t->res.residual = residual;
	t->res.data_len = t->in_received;
	ini_task_complete(t, response == PDU_SCSI_RSP_COMPLETED &&
	    status == SCSI_STATUS_GOOD && !t->too_much ? INI_ISDSC_OK :
	    ISDSC_SCSI_REQUEST_FAILED);
}

void
ini_task_on_data_in(struct ini_conn *c, struct ini_task *t, const struct pdu *p)
{
	const struct pdu_data_in *d = &p->u.data_in;
	uint32_t off = d->buffer_offset, len = p->data_len;

	ini_session_update_window(t->sess, d->expcmdsn, d->maxcmdsn);
	if (d->datasn != t->exp_datasn)
		return bad_pdu(c, p, ISCSI_EV_INVALID_PDU);	/* lost Data-In */
	t->exp_datasn++;
	if (len > 0) {
		if (t->cmd.in == NULL || off > t->cmd.inlen ||
		    len > t->cmd.inlen - off) {
			/* event 26: more than ExpectedDataTransferLength */
			if (!t->too_much)
				ini_ev_simple(c->sess->node, c->sess, c,
				    ISCSI_EV_TOO_MUCH_DATA, 0);
			t->too_much = true;
			if (t->cmd.in != NULL && off < t->cmd.inlen)
				len = t->cmd.inlen - off;
			else
				len = 0;
		}
		if (len > 0 && p->data != t->cmd.in + off)	/* else placed */
			memcpy(t->cmd.in + off, p->data, len);
		if (off + len > t->in_received)
			t->in_received = off + len;
	}
	if (!d->status_present)
		return;
	/* phase collapse: status in the last Data-In (11.7.4) */
	ini_ffp_check_statsn(c, d->statsn, true);
	finish(t, PDU_SCSI_RSP_COMPLETED, d->status, d->underflow, d->overflow,
	    d->residual);
}

/*
 * A Data-In whose header just arrived: its data segment can go straight
 * into the command's buffer when it is the next one (DataSN) and fits;
 * anything else takes the normal path, where it is checked and reported.
 */
uint8_t *
ini_task_place(struct ini_conn *c, const struct pdu *hdr)
{
	const struct pdu_data_in *d = &hdr->u.data_in;
	struct ini_task *t = ini_task_find(c->sess, hdr->itt);

	if (t == NULL || !t->sent || t->done || t->is_tmf || t->cmd.in == NULL ||
	    d->datasn != t->exp_datasn || d->buffer_offset > t->cmd.inlen ||
	    hdr->dsl > t->cmd.inlen - d->buffer_offset)
		return NULL;
	c->placed = t;
	return t->cmd.in + d->buffer_offset;
}

void
ini_task_on_scsi_rsp(struct ini_conn *c, struct ini_task *t, const struct pdu *p)
{
	const struct pdu_scsi_rsp *r = &p->u.scsi_rsp;
	uint32_t slen = 0;

	ini_ffp_check_statsn(c, r->statsn, true);
	ini_session_update_window(t->sess, r->expcmdsn, r->maxcmdsn);
	if (p->data_len >= 2) {
		slen = get_be16(p->data);
		if (2 + slen > p->data_len)
			return bad_pdu(c, p, ISCSI_EV_INVALID_PDU);
		t->res.sense_len = slen < sizeof(t->res.sense) ? slen :
		    sizeof(t->res.sense);
		memcpy(t->res.sense, p->data + 2, t->res.sense_len);
	}
	if (p->data_len > 0 && (p->data_len < 2 || 2 + slen < p->data_len))
		/* event 60: data that is not sense data */
		ini_ev_simple(c->sess->node, c->sess, c,
		    ISCSI_EV_DATA_IN_SCSI_RESPONSE, 0);
	finish(t, r->response, r->status, r->underflow, r->overflow,
	    r->residual);
}

void
ini_task_on_r2t(struct ini_conn *c, struct ini_task *t, const struct pdu *p)
{
	const struct pdu_r2t *r = &p->u.r2t;
	const struct keys_session_params *sp = &c->params.s;

	ini_session_update_window(t->sess, r->expcmdsn, r->maxcmdsn);
	/* event 28: RFC 7143 11.8 */
	if (t->cmd.out == NULL || r->ttt == PDU_TAG_RESERVED ||
	    r->r2tsn != t->exp_r2tsn || r->ddtl == 0 ||
	    r->ddtl > sp->max_burst_length ||
	    r->buffer_offset > t->cmd.outlen ||
	    r->ddtl > t->cmd.outlen - r->buffer_offset ||
	    t->r2t_outstanding + 1 > sp->max_outstanding_r2t)
		return bad_pdu(c, p, ISCSI_EV_INVALID_R2T);
	t->exp_r2tsn++;
	t->r2t_outstanding++;
	send_data_out(c, t, r->ttt, r->buffer_offset, r->ddtl);
	t->r2t_outstanding--;	/* all of it is queued at once */
}
