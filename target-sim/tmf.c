/*
 * Task management (RFC 7143 11.5, 11.6; SAM-5 7), Logout (11.14, 11.15)
 * and NOP-Out / NOP-In in both directions (11.18, 11.19).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "scsi.h"
#include "serial.h"
#include "tsim_impl.h"

#define TMF_RSP(name)	ISCSI_TMF_RESP_##name

/* Unit attention for every other session on the target's LUN l. */
static void
unit_attention_others(struct tsim *t, const struct tsession *self,
    struct lun *l, uint16_t asc)
{
	struct tsession *s;

	for (s = t->sessions; s != NULL; s = s->next)
		if (s != self && s->target == self->target)
			lun_set_pending_sense(l, s->nexus,
			    SCSI_SENSE_UNIT_ATTENTION, asc);
}

/*
 * SAM-5 6.3.2, 6.3.3: a hard reset or a logical unit reset sets a unit
 * attention for every I_T nexus, the requester's included.
 */
static void
unit_attention_all(struct tsim *t, const struct tsession *self,
    struct lun *l, uint16_t asc)
{
	struct tsession *s;

	for (s = t->sessions; s != NULL; s = s->next)
		if (s->target == self->target)
			lun_set_pending_sense(l, s->nexus,
			    SCSI_SENSE_UNIT_ATTENTION, asc);
}

/* Abort the tasks on lun_raw (NULL: all) in every session of the target. */
static void
abort_everywhere(struct tsim *t, const struct tsession *self,
    const uint64_t *lun_raw)
{
	struct tsession *s;

	for (s = t->sessions; s != NULL; s = s->next)
		if (s->target == self->target)
			ttask_abort_all(s, lun_raw, NULL);
}

static uint8_t
abort_task(struct tconn *tc, const struct pdu *p)
{
	const struct pdu_tmf_req *r = &p->u.tmf_req;
	struct ttask *k = ttask_find(tc->sess, r->ref_task_tag);

	if (k != NULL && k->lun_raw == p->lun) {
		ttask_unlink(k);
		ttask_free(k);
		return TMF_RSP(COMPLETE);
	}
	/* 11.5.1 b): RefCmdSN is the first missing CmdSN (a lost command): "consider
	 * the CmdSN as received", so the commands after it are not held.
	 * A RefCmdSN below ExpCmdSN was received and its task has ended
	 * (answered before this TMF): c), Task does not exist. */
	if (sn_lt(r->ref_cmdsn, r->cmdsn) &&
	    r->ref_cmdsn == tc->sess->expcmdsn) {
		tc->sess->expcmdsn++;
		tsession_drain(tc->sess);
		return TMF_RSP(COMPLETE);
	}
	return TMF_RSP(TASK_NOT_FOUND);
}

static uint8_t
reset_target(struct tconn *tc, bool cold)
{
	struct tsession *s = tc->sess;
	const struct ttarget *tg = s->target;
	size_t i;

	abort_everywhere(tc->t, s, NULL);
	for (i = 0; i < tg->nluns; i++) {
		lun_reset(tg->luns[i]);
		unit_attention_all(tc->t, s, tg->luns[i],
		    SCSI_ASC_POWER_ON_RESET);
	}
	(void)cold;
	return TMF_RSP(COMPLETE);
}

static void
close_target_sessions(struct tconn *tc)
{
	struct tsession *s;
	const struct ttarget *tg = tc->sess->target;

	/* RFC 7143 11.5.1: after a cold reset every connection is dropped */
	for (s = tc->t->sessions; s != NULL; s = s->next)
		if (s->target == tg)
			tsession_close(s, false);
}

void
tmf_rx(struct tconn *tc, const struct pdu *p)
{
	const struct pdu_tmf_req *r = &p->u.tmf_req;
	struct tsession *s = tc->sess;
	struct lun *l = tscsi_lun(tc, p->lun);
	uint8_t resp;
	struct pdu rsp;

	switch (r->function) {
	case ISCSI_TMF_ABORT_TASK:
		resp = l == NULL ? TMF_RSP(LUN_NOT_FOUND) : abort_task(tc, p);
		break;
	case ISCSI_TMF_ABORT_TASK_SET:
		if (l == NULL) {
			resp = TMF_RSP(LUN_NOT_FOUND);
			break;
		}
		ttask_abort_all(s, &p->lun, NULL);
		resp = TMF_RSP(COMPLETE);
		break;
	case ISCSI_TMF_CLEAR_TASK_SET:
		if (l == NULL) {
			resp = TMF_RSP(LUN_NOT_FOUND);
			break;
		}
		abort_everywhere(tc->t, s, &p->lun);
		unit_attention_others(tc->t, s, l,
		    SCSI_ASC_COMMANDS_CLEARED_BY_ANOTHER_INITIATOR);
		resp = TMF_RSP(COMPLETE);
		break;
	case ISCSI_TMF_LOGICAL_UNIT_RESET:
		if (l == NULL) {
			resp = TMF_RSP(LUN_NOT_FOUND);
			break;
		}
		abort_everywhere(tc->t, s, &p->lun);
		lun_reset(l);
		unit_attention_all(tc->t, s, l, SCSI_ASC_BUS_DEVICE_RESET);
		resp = TMF_RSP(COMPLETE);
		break;
	case ISCSI_TMF_TARGET_WARM_RESET:
		resp = reset_target(tc, false);
		break;
	case ISCSI_TMF_TARGET_COLD_RESET:
		resp = reset_target(tc, true);
		break;
	case ISCSI_TMF_TASK_REASSIGN:
		/* ErrorRecoveryLevel 0: no allegiance reassignment */
		resp = TMF_RSP(REASSIGN_NOT_SUPPORTED);
		break;
	case ISCSI_TMF_CLEAR_ACA:
	case ISCSI_TMF_QUERY_TASK:
	case ISCSI_TMF_QUERY_TASK_SET:
	case ISCSI_TMF_I_T_NEXUS_RESET:
	case ISCSI_TMF_QUERY_ASYNC_EVENT:
		resp = TMF_RSP(NOT_SUPPORTED);
		break;
	default:
		resp = TMF_RSP(REJECTED);
		break;
	}
	tsim_vlog(tc->t, "conn %u: TMF %s -> %s", tc->id,
	    catalog_tmf_function(r->function) ?
	    catalog_tmf_function(r->function)->name : "?",
	    catalog_tmf_response(resp) ? catalog_tmf_response(resp)->name : "?");
	pdu_init(&rsp, PDU_OP_TMF_RSP);
	rsp.itt = p->itt;
	rsp.u.tmf_rsp.response = resp;
	tconn_send(tc, &rsp, true);
	if (r->function == ISCSI_TMF_TARGET_COLD_RESET &&
	    resp == TMF_RSP(COMPLETE))
		close_target_sessions(tc);
}

/* ---- Logout ------------------------------------------------------------- */

void
tlogout_rx(struct tconn *tc, const struct pdu *p)
{
	const struct pdu_logout_req *r = &p->u.logout_req;
	struct tsession *s = tc->sess;
	struct tconn *oc = NULL;
	uint8_t resp = ISCSI_LOGOUT_RESP_SUCCESS;
	bool close_self = false, close_session = false;
	struct pdu rsp;

	switch (r->reason) {
	case ISCSI_LOGOUT_REASON_CLOSE_SESSION:
		close_session = true;
		break;
	case ISCSI_LOGOUT_REASON_CLOSE_CONNECTION:
		oc = tsession_conn_by_cid(s, r->cid);
		if (oc == NULL)
			resp = ISCSI_LOGOUT_RESP_CID_NOT_FOUND;
		else if (oc == tc)
			close_self = true;
		break;
	case ISCSI_LOGOUT_REASON_REMOVE_FOR_RECOVERY:
	default:
		resp = ISCSI_LOGOUT_RESP_RECOVERY_NOT_SUPPORTED;
		break;
	}
	pdu_init(&rsp, PDU_OP_LOGOUT_RSP);
	rsp.itt = p->itt;
	rsp.u.logout_rsp.response = resp;
	if (resp == ISCSI_LOGOUT_RESP_SUCCESS) {
		rsp.u.logout_rsp.time2wait = (uint16_t)s->sp.default_time2wait;
		rsp.u.logout_rsp.time2retain = 0;	/* ERL 0 */
	}
	if (close_self || close_session)
		tc->state = TC_IN_LOGOUT;	/* T9: S5 -> S6 */
	tconn_send(tc, &rsp, true);
	if (oc != NULL && oc != tc) {
		tsession_remove_conn(s, oc);
		tconn_close_now(oc, false);
	}
	if (close_session)
		tsession_close(s, false);
	else if (close_self)
		tconn_close_after_flush(tc, false);
}

/* ---- NOP ---------------------------------------------------------------- */

void
tnop_rx(struct tconn *tc, const struct pdu *p)
{
	struct pdu rsp;
	uint32_t n = p->data_len;

	if (p->itt == PDU_TAG_RESERVED) {
		/* 11.18: the answer to our ping */
		if (p->u.nop_out.ttt != tc->nop_ttt)
			tsim_vlog(tc->t, "conn %u: NOP-Out TTT 0x%08x, our ping "
			    "was 0x%08x", tc->id, p->u.nop_out.ttt, tc->nop_ttt);
		return;
	}
	pdu_init(&rsp, PDU_OP_NOP_IN);
	rsp.itt = p->itt;
	rsp.lun = p->lun;
	rsp.u.nop_in.ttt = PDU_TAG_RESERVED;
	if (n > tc->max_send_dsl)
		n = tc->max_send_dsl;
	pdu_set_data(&rsp, p->data, n);	/* 11.19.2: the ping data back */
	tconn_send(tc, &rsp, true);
}

int
tnop_ping(struct tconn *tc, uint32_t data_len)
{
	struct pdu p;
	uint8_t *buf = NULL;
	uint32_t i;
	int rc;

	if (data_len > 0) {
		if ((buf = malloc(data_len)) == NULL)
			return -1;
		for (i = 0; i < data_len; i++)
			buf[i] = (uint8_t)('a' + i % 26);
	}
	pdu_init(&p, PDU_OP_NOP_IN);
	p.itt = PDU_TAG_RESERVED;
	if (++tc->nop_ttt == PDU_TAG_RESERVED)
		tc->nop_ttt = 1;
	p.u.nop_in.ttt = tc->nop_ttt;
	pdu_set_data(&p, buf, data_len);
	rc = tconn_send(tc, &p, false);	/* 11.19: StatSN not advanced */
	free(buf);
	return rc;
}

static void
nop_fire(struct evloop *l, void *arg)
{
	struct tconn *tc = arg;
	uint32_t ms = tc->t->cfg->nop_interval_ms;

	if (tc->state == TC_LOGGED_IN)
		tnop_ping(tc, 0);
	if (ms > 0 && tc->state == TC_LOGGED_IN)
		evtimer_arm(l, &tc->nop_tm, (uint64_t)ms * EV_NSEC_PER_MSEC);
}

void
tnop_arm(struct tconn *tc)
{
	uint32_t ms = tc->t->cfg->nop_interval_ms;

	evtimer_init(&tc->nop_tm, nop_fire, tc);
	if (ms > 0)
		evtimer_arm(tc->t->loop, &tc->nop_tm,
		    (uint64_t)ms * EV_NSEC_PER_MSEC);
}
