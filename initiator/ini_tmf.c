/*
 * SCSI command timeouts and task management (RFC 7143 11.5, 11.6): a
 * command that does not complete in time is logged (event 9 with the CDB,
 * or 47 for commands iscsicli issued) and aborted (ABORT TASK); a TMF that
 * does not complete in time is logged (event 49) and escalated to TARGET
 * WARM RESET (event 39 with the target name); if that times out too, the
 * connection is dropped and ERL 0 recovery retries the commands.
 */
#include <string.h>

#include "ini_internal.h"
#include "log.h"

static void
start_tmf(struct ini_session *s, uint8_t function, struct ini_task *ref)
{
	struct ini_task *t = ini_task_new(s, NULL, NULL, NULL);

	if (t == NULL)
		return;
	t->is_tmf = true;
	t->tmf_function = function;
	t->tmf_ref_itt = ref != NULL ? ref->itt : PDU_TAG_RESERVED;
	t->tmf_ref_cmdsn = ref != NULL ? ref->cmdsn : s->cmdsn;
	t->cmd.lun = ref != NULL ? ref->cmd.lun : 0;
	if (ref != NULL)
		ref->tmf = t;
	if (function == ISCSI_TMF_TARGET_WARM_RESET)
		/* event 39: the target name in the dump */
		ini_ev_bytes(s->node, s, s->conn, ISCSI_EV_TARGET_RESET_SENT, 0,
		    s->target, strlen(s->target));
	ini_tasks_flush(s);
}

void
ini_tmf_send(struct ini_conn *c, struct ini_task *t)
{
	struct ini_session *s = t->sess;
	struct pdu p;

	pdu_init(&p, PDU_OP_TMF_REQ);
	p.immediate = true;
	p.final = true;
	p.lun = t->cmd.lun;
	p.itt = t->itt;
	p.u.tmf_req.function = t->tmf_function;
	p.u.tmf_req.ref_task_tag = t->tmf_ref_itt;
	p.u.tmf_req.cmdsn = s->cmdsn;
	p.u.tmf_req.expstatsn = c->expstatsn;
	p.u.tmf_req.ref_cmdsn = t->tmf_ref_cmdsn;
	t->sent = true;
	evtimer_arm(s->node->loop, &t->timer, ini_ms(s->node->cfg.tmf_timeout_ms));
	ini_conn_send(c, &p);
}

static void
fail_sent(struct ini_session *s)
{
	struct ini_task *t, *nt;

	for (t = s->tasks; t != NULL; t = nt) {
		nt = t->next;
		if (!t->is_tmf && t->sent && !t->done)
			ini_task_complete(t, ISDSC_SCSI_REQUEST_FAILED);
	}
}

void
ini_task_timeout(struct evloop *l, void *arg)
{
	struct ini_task *t = arg;
	struct ini_session *s = t->sess;
	uint8_t fn;

	(void)l;
	if (t->done)
		return;
	s->stats.timeouts++;
	if (t->is_tmf) {
		/* event 49: the TMF got no response */
		ini_ev_simple(s->node, s, s->conn, ISCSI_EV_TMF_TIMEOUT, 0);
		fn = t->tmf_function;
		ini_task_complete(t, ISDSC_SCSI_REQUEST_FAILED);
		ini_task_free(t);
		if (fn == ISCSI_TMF_ABORT_TASK) {
			start_tmf(s, ISCSI_TMF_TARGET_WARM_RESET, NULL);
			return;
		}
		/* the reset got no answer either: the commands the target
		 * holds fail (no endless retry), the connection goes */
		fail_sent(s);
		ini_conn_drop(s->conn, true);
		return;
	}
	if (t->cmd.wmi)
		ini_ev_simple(s->node, s, s->conn, ISCSI_EV_WMI_SCSI_TIMEOUT,
		    ISDSC_SCSI_REQUEST_FAILED);
	else
		/* event 9: the CDB in the dump */
		ini_ev_bytes(s->node, s, s->conn, ISCSI_EV_SCSI_TIMEOUT,
		    ISDSC_SCSI_REQUEST_FAILED, t->cdb, t->cmd.cdblen);
	if (t->tmf == NULL)
		start_tmf(s, ISCSI_TMF_ABORT_TASK, t);
}

void
ini_task_on_tmf_rsp(struct ini_conn *c, const struct pdu *p)
{
	struct ini_session *s = c->sess;
	const struct pdu_tmf_rsp *r = &p->u.tmf_rsp;
	struct ini_task *t = ini_task_find(s, p->itt), *ref;

	ini_ffp_check_statsn(c, r->statsn, true);
	ini_session_update_window(s, r->expcmdsn, r->maxcmdsn);
	if (t == NULL || !t->is_tmf || t->done) {
		ini_ev_pdu(s->node, s, c, ISCSI_EV_UNKNOWN_TASK_TAG, 0, p, false);
		return;
	}
	log_debug("TMF %u response %u", t->tmf_function, r->response);
	if (t->tmf_function == ISCSI_TMF_ABORT_TASK) {
		ref = ini_task_find(s, t->tmf_ref_itt);
		if (ref != NULL && !ref->done)
			ini_task_complete(ref, ISDSC_SCSI_REQUEST_FAILED);
	} else if (r->response == ISCSI_TMF_RESP_COMPLETE)
		fail_sent(s);
	ini_task_complete(t, r->response == ISCSI_TMF_RESP_COMPLETE ?
	    INI_ISDSC_OK : ISDSC_SCSI_REQUEST_FAILED);
	ini_task_free(t);
}
