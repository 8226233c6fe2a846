/*
 * Full feature phase receive path of a connection: PDU errors (events 21,
 * 22, 23, 24, 25 with the ERL 0 consequence: drop the connection, the
 * session recovers), StatSN (event 42), the command window, NOP-In/NOP-Out
 * (answers and keepalive with timeout, event 48), Logout, Reject (event 29),
 * Async messages (1 logout, 2/3 drop and reconnect after Time2Wait,
 * 4 renegotiate) and dispatch of SCSI PDUs to their tasks (event 27).
 */
#include <string.h>

#include "bytes.h"
#include "crc32c.h"
#include "ini_internal.h"
#include "log.h"

/* RFC 7143 11.2.1.2: 0x00-0x1f are initiator opcodes (a target never
 * sends them), 0x20-0x3f target opcodes. */
#define INI_OPCODE_FROM_INITIATOR(op)	(((op) & 0x20) == 0)

static void	nop_tick(struct evloop *, void *);
static void	nop_expired(struct evloop *, void *);
static void	logout_expired(struct evloop *, void *);

void
ini_ffp_start(struct ini_conn *c)
{
	struct ini_node *n = c->sess->node;

	evtimer_init(&c->nop_timer, nop_tick, c);
	evtimer_init(&c->nop_wait_timer, nop_expired, c);
	evtimer_init(&c->logout_timer, logout_expired, c);
	c->nop_outstanding = false;
	if (n->cfg.nop_interval_ms > 0 && !c->sess->discovery)
		evtimer_arm(n->loop, &c->nop_timer, ini_ms(n->cfg.nop_interval_ms));
}

void
ini_ffp_stop(struct ini_conn *c)
{
	struct evloop *l = c->sess->node->loop;

	if (c->nop_timer.cb != NULL)
		evtimer_disarm(l, &c->nop_timer);
	if (c->nop_wait_timer.cb != NULL)
		evtimer_disarm(l, &c->nop_wait_timer);
	if (c->logout_timer.cb != NULL)
		evtimer_disarm(l, &c->logout_timer);
	c->nop_outstanding = false;
}

/* ---- NOP keepalive ------------------------------------------------------- */

static void
nop_tick(struct evloop *l, void *arg)
{
	struct ini_conn *c = arg;
	struct ini_session *s = c->sess;
	struct pdu p;

	if (c->state != INI_S5_LOGGED_IN)
		return;
	if (!c->nop_outstanding) {
		pdu_init(&p, PDU_OP_NOP_OUT);
		p.immediate = true;
		p.final = true;
		c->nop_itt = ini_session_next_itt(s);
		p.itt = c->nop_itt;
		p.u.nop_out.ttt = PDU_TAG_RESERVED;
		p.u.nop_out.cmdsn = s->cmdsn;
		p.u.nop_out.expstatsn = c->expstatsn;
		if (ini_conn_send(c, &p) == 0) {
			c->nop_outstanding = true;
			evtimer_arm(l, &c->nop_wait_timer,
			    ini_ms(s->node->cfg.nop_timeout_ms));
		}
	}
	evtimer_arm(l, &c->nop_timer, ini_ms(s->node->cfg.nop_interval_ms));
}

static void
nop_expired(struct evloop *l, void *arg)
{
	struct ini_conn *c = arg;

	(void)l;
	if (!c->nop_outstanding || c->state != INI_S5_LOGGED_IN)
		return;
	/* event 48: the target did not answer our NOP-Out; the link is dead */
	ini_ev_simple(c->sess->node, c->sess, c, ISCSI_EV_NOP_TIMEOUT,
	    ISDSC_CONNECTION_FAILED);
	c->sess->stats.timeouts++;
	ini_conn_drop(c, true);
}

/* ---- logout -------------------------------------------------------------- */

int
ini_ffp_send_logout(struct ini_conn *c)
{
	struct ini_session *s = c->sess;
	struct pdu p;

	pdu_init(&p, PDU_OP_LOGOUT_REQ);
	p.immediate = true;
	p.final = true;
	c->logout_itt = ini_session_next_itt(s);
	p.itt = c->logout_itt;
	p.u.logout_req.reason = ISCSI_LOGOUT_REASON_CLOSE_SESSION;
	p.u.logout_req.cid = 0;	/* reserved for close-session (11.14.3) */
	p.u.logout_req.cmdsn = s->cmdsn;
	p.u.logout_req.expstatsn = c->expstatsn;
	evtimer_arm(s->node->loop, &c->logout_timer,
	    ini_ms(s->node->cfg.logout_timeout_ms));
	return ini_conn_send(c, &p);
}

static void
logout_expired(struct evloop *l, void *arg)
{
	struct ini_conn *c = arg;

	(void)l;
	/* event 44 (or 51 after an async logout request) */
	ini_ev_simple(c->sess->node, c->sess, c, c->async_drop ?
	    ISCSI_EV_ASYNC_LOGOUT_TIMEOUT : ISCSI_EV_LOGOUT_TIMEOUT, 0);
	c->sess->stats.timeouts++;
	ini_conn_post(c, INI_CEV_LOGOUT_TIMEOUT, 0);
}

static void
on_logout_rsp(struct ini_conn *c, const struct pdu *p)
{
	if (p->itt != c->logout_itt || c->state != INI_S6_IN_LOGOUT) {
		ini_ev_pdu(c->sess->node, c->sess, c, ISCSI_EV_UNKNOWN_TASK_TAG, 0,
		    p, false);
		return;
	}
	evtimer_disarm(c->sess->node->loop, &c->logout_timer);
	if (p->u.logout_rsp.response != ISCSI_LOGOUT_RESP_SUCCESS)
		log_info("logout response %u", p->u.logout_rsp.response);
	ini_conn_post(c, INI_CEV_LOGGED_OUT, 0);
}

/* ---- StatSN -------------------------------------------------------------- */

/* RFC 7143 4.2.2.2; event 42 with expected, given.  True when in order. */
bool
ini_ffp_check_statsn(struct ini_conn *c, uint32_t statsn, bool advance)
{
	bool ok = statsn == c->expstatsn;

	if (!ok)
		ini_ev_pair(c->sess->node, c->sess, c, ISCSI_EV_INVALID_STATSN,
		    c->expstatsn, statsn);
	if (advance)
		c->expstatsn = statsn + 1;
	return ok;
}

/* ---- Reject, Async, NOP-In ------------------------------------------------ */

static void
on_reject(struct ini_conn *c, const struct pdu *p)
{
	struct ini_session *s = c->sess;
	struct ini_task *t;
	uint32_t itt;
	uint8_t op;

	/* event 29: the rejected PDU's header (the Reject data segment) */
	ini_ev_bytes(s->node, s, c, ISCSI_EV_PDU_REJECTED, 0, p->data,
	    p->data_len);
	ini_ffp_check_statsn(c, p->u.reject.statsn, true);
	ini_session_update_window(s, p->u.reject.expcmdsn, p->u.reject.maxcmdsn);
	if (p->data_len < PDU_BHS_LEN)
		return;
	op = p->data[0] & 0x3f;
	itt = get_be32(p->data + 16);
	switch (op) {
	case PDU_OP_NOP_OUT:
		if (itt == c->nop_itt)
			c->nop_outstanding = false;
		break;
	case PDU_OP_LOGOUT_REQ:
		ini_conn_post(c, INI_CEV_LOGOUT_TIMEOUT, 0);
		break;
	case PDU_OP_TEXT_REQ:
		ini_text_fail(s, ISDSC_INVALID_SENDTARGETS_TEXT);
		break;
	default:
		/* a command or its data: the task fails (ERL 0: no retry) */
		if ((t = ini_task_find(s, itt)) != NULL)
			ini_task_complete(t, ISDSC_SCSI_REQUEST_FAILED);
		break;
	}
}

static void
on_async(struct ini_conn *c, const struct pdu *p)
{
	struct ini_session *s = c->sess;
	const struct pdu_async *a = &p->u.async;

	ini_ffp_check_statsn(c, a->statsn, true);
	ini_session_update_window(s, a->expcmdsn, a->maxcmdsn);
	switch (a->event) {
	case ISCSI_ASYNC_LOGOUT_REQUEST:
		/* event 32: the target name; log out, then come back */
		ini_ev_bytes(s->node, s, c, ISCSI_EV_ASYNC_LOGOUT, 0, s->target,
		    strlen(s->target));
		c->async_drop = true;
		c->async_time2wait = (uint16_t)s->params.s.default_time2wait;
		ini_conn_post(c, INI_CEV_ASYNC_LOGOUT, 0);
		break;
	case ISCSI_ASYNC_CONNECTION_DROP:
	case ISCSI_ASYNC_SESSION_DROP:
		/* Parameter2: Time2Wait before reconnecting */
		c->async_drop = true;
		c->async_time2wait = a->param2;
		ini_conn_drop(c, false);
		break;
	case ISCSI_ASYNC_NEGOTIATION_REQUEST:
		ini_text_renegotiate(c);
		break;
	default:
		log_debug("async event %u ignored", a->event);
		break;
	}
}

static void
on_nop_in(struct ini_conn *c, const struct pdu *p)
{
	struct ini_session *s = c->sess;
	const struct pdu_nop_in *n = &p->u.nop_in;
	struct pdu r;

	ini_session_update_window(s, n->expcmdsn, n->maxcmdsn);
	if (p->itt != PDU_TAG_RESERVED) {
		/* the answer to our ping: advances StatSN */
		ini_ffp_check_statsn(c, n->statsn, true);
		if (p->itt == c->nop_itt && c->nop_outstanding) {
			c->nop_outstanding = false;
			evtimer_disarm(s->node->loop, &c->nop_wait_timer);
		} else
			ini_ev_pdu(s->node, s, c, ISCSI_EV_UNKNOWN_TASK_TAG, 0, p,
			    false);
		return;
	}
	/* unsolicited NOP-In: StatSN not advanced (11.19) */
	ini_ffp_check_statsn(c, n->statsn, false);
	if (n->ttt == PDU_TAG_RESERVED)
		return;
	pdu_init(&r, PDU_OP_NOP_OUT);
	r.immediate = true;
	r.final = true;
	r.lun = p->lun;
	r.itt = PDU_TAG_RESERVED;
	r.u.nop_out.ttt = n->ttt;
	r.u.nop_out.cmdsn = s->cmdsn;
	r.u.nop_out.expstatsn = c->expstatsn;
	pdu_set_data(&r, p->data, p->data_len);	/* ping data echoed */
	ini_conn_send(c, &r);
}

/* ---- receive ------------------------------------------------------------- */

static bool
rx_error(struct ini_conn *c, const struct pdu *p, const struct pdu_error *e)
{
	struct ini_session *s = c->sess;
	struct ini_node *n = s->node;

	switch (e->code) {
	case PDU_OK:
		return false;
	case PDU_EHDIGEST:
		/* event 22: header (+AHS) and the digest as received */
		ini_ev_bytes(n, s, c, ISCSI_EV_HEADER_DIGEST_ERROR, 0, c->ic.rx.buf,
		    c->ic.rx.hdr_end + PDU_DIGEST_LEN);
		s->stats.hdigest_errors++;
		break;		/* iconn drops the stream (framing lost) */
	case PDU_EDDIGEST:
		/* event 25: calculated, given */
		ini_ev_pair(n, s, c, ISCSI_EV_DATA_DIGEST_ERROR,
		    (uint32_t)e->expected, (uint32_t)e->value);
		s->stats.ddigest_errors++;
		ini_conn_drop(c, true);		/* ERL 0: session recovery */
		break;
	case PDU_EOVERSIZE:
		ini_ev_simple(n, s, c, ISCSI_EV_DATA_SEGMENT_TOO_LONG, 0);
		s->stats.format_errors++;
		ini_conn_drop(c, true);
		break;
	case PDU_EOPCODE:
		ini_ev_pdu(n, s, c, ISCSI_EV_INVALID_OPCODE, 0, p, false);
		s->stats.format_errors++;
		ini_conn_drop(c, true);
		break;
	case PDU_ERESERVED:
		/* RFC 7143 11.2: reserved fields are ignored on receipt; logged */
		ini_ev_pdu(n, s, c, ISCSI_EV_INVALID_PDU, 0, p, false);
		s->stats.format_errors++;
		return false;
	default:
		/* an R2T with an illegal field is event 28, an initiator
		 * opcode 24 (whatever its fields), the rest 23 */
		ini_ev_pdu(n, s, c, p->opcode == PDU_OP_R2T &&
		    pdu_status_class(e->code) == PDU_CLASS_FIELD ?
		    ISCSI_EV_INVALID_R2T : INI_OPCODE_FROM_INITIATOR(p->opcode) ?
		    ISCSI_EV_INVALID_OPCODE : ISCSI_EV_INVALID_PDU, 0, p, false);
		s->stats.format_errors++;
		ini_conn_drop(c, true);
		break;
	}
	return true;
}

static struct ini_task *
task_of(struct ini_conn *c, const struct pdu *p)
{
	struct ini_task *t = ini_task_find(c->sess, p->itt);

	if (t == NULL || !t->sent || t->done)
		/* event 27: no task with this ITT */
		ini_ev_pdu(c->sess->node, c->sess, c, ISCSI_EV_UNKNOWN_TASK_TAG, 0,
		    p, false);
	return t != NULL && t->sent && !t->done ? t : NULL;
}

void
ini_ffp_on_pdu(struct ini_conn *c, const struct pdu *p,
    const struct pdu_error *e)
{
	struct ini_task *t;

	if (rx_error(c, p, e))
		return;
	switch (p->opcode) {
	case PDU_OP_NOP_IN:
		on_nop_in(c, p);
		break;
	case PDU_OP_SCSI_RSP:
		if ((t = task_of(c, p)) != NULL)
			ini_task_on_scsi_rsp(c, t, p);
		else
			ini_ffp_check_statsn(c, p->u.scsi_rsp.statsn, true);
		break;
	case PDU_OP_DATA_IN:
		if ((t = task_of(c, p)) != NULL)
			ini_task_on_data_in(c, t, p);
		break;
	case PDU_OP_R2T:
		if ((t = task_of(c, p)) != NULL)
			ini_task_on_r2t(c, t, p);
		break;
	case PDU_OP_TMF_RSP:
		ini_task_on_tmf_rsp(c, p);
		break;
	case PDU_OP_TEXT_RSP:
		ini_text_on_rsp(c, p);
		break;
	case PDU_OP_LOGOUT_RSP:
		ini_ffp_check_statsn(c, p->u.logout_rsp.statsn, true);
		ini_session_update_window(c->sess, p->u.logout_rsp.expcmdsn,
		    p->u.logout_rsp.maxcmdsn);
		on_logout_rsp(c, p);
		break;
	case PDU_OP_ASYNC:
		on_async(c, p);
		break;
	case PDU_OP_REJECT:
		on_reject(c, p);
		break;
	default:
		/* an initiator opcode (event 24, docs/initiator.md) or a Login
		 * Response (event 23): not valid here */
		ini_ev_pdu(c->sess->node, c->sess, c,
		    INI_OPCODE_FROM_INITIATOR(p->opcode) ?
		    ISCSI_EV_INVALID_OPCODE : ISCSI_EV_INVALID_PDU, 0, p, false);
		c->sess->stats.format_errors++;
		ini_conn_drop(c, true);
		break;
	}
}
