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
    ini_done_fn *cb, void *arg)
{
	struct ini_task *t = calloc(1, sizeof(*t)), **pp;

	if (t == NULL)
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
	for (pp = &s->tasks; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = t;
	return t;
}

void
ini_task_free(struct ini_task *t)
{
	struct ini_task **pp;

	if (t == NULL)
		return;
	evtimer_disarm(t->sess->node->loop, &t->timer);
	for (pp = &t->sess->tasks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	free(t);
}

struct ini_task *
ini_task_find(struct ini_session *s, uint32_t itt)
{
	struct ini_task *t;

	for (t = s->tasks; t != NULL; t = t->next)
		if (t->itt == itt)
			return t;
	return NULL;
}

void
ini_task_complete(struct ini_task *t, uint32_t isdsc)
{
	ini_done_fn *cb = t->cb;

	if (t->done)
		return;
	t->done = true;
	t->isdsc = isdsc;
	evtimer_disarm(t->sess->node->loop, &t->timer);
	if (isdsc == INI_ISDSC_OK) {
		t->sess->stats.commands++;
		if (t->cmd.in != NULL)
			t->sess->stats.read_bytes += t->in_received;
		else
			t->sess->stats.write_bytes += t->cmd.outlen;
	}
	t->cb = NULL;
	if (cb != NULL)
		cb(t->cb_arg, isdsc);
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
	struct ini_task *t;

	if (s->state != INI_Q3_LOGGED_IN || c == NULL ||
	    c->state != INI_S5_LOGGED_IN)
		return;
	for (t = s->tasks; t != NULL; t = t->next) {
		if (t->sent || t->done)
			continue;
		if (t->is_tmf) {
			ini_tmf_send(c, t);	/* immediate: no window */
			continue;
		}
		if (!cmdsn_in_window(s->cmdsn, s->expcmdsn, s->maxcmdsn))
			break;		/* keep CmdSN order */
		t->cmdsn = s->cmdsn++;
		send_command(c, t);
	}
}

void
ini_task_submit(struct ini_task *t)
{
	ini_tasks_flush(t->sess);
}

void
ini_tasks_reset(struct ini_session *s)
{
	struct ini_task *t, *nt;

	for (t = s->tasks; t != NULL; t = nt) {
		nt = t->next;
		if (t->done)
			continue;
		if (t->is_tmf) {
			/* a TMF does not survive the connection */
			ini_task_complete(t, ISDSC_CONNECTION_FAILED);
			ini_task_free(t);
			continue;
		}
		evtimer_disarm(s->node->loop, &t->timer);
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

	for (t = s->tasks; t != NULL; t = nt) {
		nt = t->next;
		if (!t->done)
			ini_task_complete(t, isdsc);
		if (t->is_tmf)
			ini_task_free(t);
	}
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
		if (len > 0)
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
