/*
 * Checks on every PDU after framing: decode errors and digests, data
 * segment limits, StatSN/ExpStatSN, CmdSN windows, tasks (ITT), R2T and
 * Data-In/Data-Out sequences and offsets, SCSI Response contents, NOP
 * pairing, Reject, Async, Logout, response times and connection end.
 */
#include <string.h>

#include "analyze_int.h"
#include "bytes.h"
#include "crc32c.h"
#include "serial.h"

const struct keys_session_params *
ana_sparams(const struct ana_conn_int *c)
{
	return c->sess != NULL && c->sess->pub.params_known ?
	    &c->sess->pub.params.s : NULL;
}

static bool
single_conn(const struct ana_conn_int *c)
{
	return c->sess != NULL && c->sess->pub.nconns <= 1;
}

/* ---- decode errors -------------------------------------------------- */

/* Returns false when the fields cannot be trusted. */
static bool
decode_errors(struct ana_conn_int *c, enum ana_dir dir, const struct pdu *p,
    const struct pdu_error *err)
{
	struct ana *a = c->ana;
	uint8_t dump[8];
	uint32_t calc;

	switch (err->code) {
	case PDU_OK:
		return true;
	case PDU_EHDIGEST:
		ana_report(a, c, dir, ANA_CHK_HEADER_DIGEST, p, "%s: %s",
		    pdu_opcode_name(p->opcode) ? pdu_opcode_name(p->opcode) :
		    "PDU", err->msg);
		return false;
	case PDU_EDDIGEST:
		calc = p->data != NULL ? crc32c(0, p->data, p->data_len +
		    PDU_PAD4(p->data_len)) : 0;
		put_le32_pair(dump, calc, p->ddigest);
		ana_report_ev(a, c, dir, ANA_CHK_DATA_DIGEST, p,
		    dir == ANA_DIR_T2I ? ISCSI_EV_DATA_DIGEST_ERROR : 0, 0, dump,
		    8, "%s: calculated 0x%08x, given 0x%08x",
		    pdu_opcode_name(p->opcode), calc, p->ddigest);
		return true;
	case PDU_EOPCODE:
		ana_report(a, c, dir, ANA_CHK_OPCODE, p, "%s", err->msg);
		return false;
	default:
		if (pdu_status_class(err->code) == PDU_CLASS_FIELD) {
			ana_report(a, c, dir, ANA_CHK_PDU_FIELD, p, "%s: %s%s%s",
			    pdu_opcode_name(p->opcode), err->field ? err->field :
			    "", err->field ? ": " : "", err->msg);
			return true;
		}
		ana_report(a, c, dir, ANA_CHK_PDU_FIELD, p, "%s",
		    pdu_strerror(err->code));
		return false;
	}
}

/* ---- sequence numbers ----------------------------------------------- */

static bool
advances_statsn(const struct pdu *p)
{
	switch (p->opcode) {
	case PDU_OP_SCSI_RSP:
	case PDU_OP_TMF_RSP:
	case PDU_OP_TEXT_RSP:
	case PDU_OP_LOGOUT_RSP:
	case PDU_OP_REJECT:
	case PDU_OP_ASYNC:
		return true;
	case PDU_OP_LOGIN_RSP:
		return p->u.login_rsp.status_class == 0;
	case PDU_OP_NOP_IN:
		return p->itt != PDU_TAG_RESERVED;
	case PDU_OP_DATA_IN:
		return p->u.data_in.status_present;
	default:
		return false;
	}
}

static bool
target_statsn(const struct pdu *p, uint32_t *sn)
{
	switch (p->opcode) {
	case PDU_OP_SCSI_RSP:	*sn = p->u.scsi_rsp.statsn; return true;
	case PDU_OP_TMF_RSP:	*sn = p->u.tmf_rsp.statsn; return true;
	case PDU_OP_TEXT_RSP:	*sn = p->u.text_rsp.statsn; return true;
	case PDU_OP_LOGOUT_RSP:	*sn = p->u.logout_rsp.statsn; return true;
	case PDU_OP_REJECT:	*sn = p->u.reject.statsn; return true;
	case PDU_OP_ASYNC:	*sn = p->u.async.statsn; return true;
	case PDU_OP_LOGIN_RSP:	/* 11.13: valid only with Status-Class 0 */
		*sn = p->u.login_rsp.statsn;
		return p->u.login_rsp.status_class == 0;
	case PDU_OP_NOP_IN:	*sn = p->u.nop_in.statsn; return true;
	case PDU_OP_R2T:	*sn = p->u.r2t.statsn; return true;
	case PDU_OP_DATA_IN:
		*sn = p->u.data_in.statsn;
		return p->u.data_in.status_present;
	default:
		return false;
	}
}

static void
check_statsn(struct ana_conn_int *c, const struct pdu *p)
{
	uint32_t sn;
	uint8_t dump[8];
	bool adv = advances_statsn(p);

	if (!target_statsn(p, &sn))
		return;
	if (!c->statsn_known) {
		if (!adv)
			return;
		c->statsn_known = true;
		c->exp_statsn = sn;
	}
	if (sn != c->exp_statsn) {
		put_le32_pair(dump, c->exp_statsn, sn);
		ana_report_ev(c->ana, c, ANA_DIR_T2I, ANA_CHK_STATSN, p,
		    ISCSI_EV_INVALID_STATSN, 0, dump, 8, "%s StatSN %u, expected "
		    "%u%s", pdu_opcode_name(p->opcode), sn, c->exp_statsn,
		    adv ? "" : " (the next StatSN, not advanced)");
		if (adv)
			c->exp_statsn = sn;
		else
			return;
	}
	if (adv)
		c->exp_statsn++;
}

static bool
initiator_expstatsn(const struct pdu *p, uint32_t *sn)
{
	switch (p->opcode) {
	case PDU_OP_NOP_OUT:	*sn = p->u.nop_out.expstatsn; return true;
	case PDU_OP_SCSI_CMD:	*sn = p->u.scsi_cmd.expstatsn; return true;
	case PDU_OP_TMF_REQ:	*sn = p->u.tmf_req.expstatsn; return true;
	case PDU_OP_TEXT_REQ:	*sn = p->u.text_req.expstatsn; return true;
	case PDU_OP_DATA_OUT:	*sn = p->u.data_out.expstatsn; return true;
	case PDU_OP_LOGOUT_REQ:	*sn = p->u.logout_req.expstatsn; return true;
	case PDU_OP_SNACK_REQ:	*sn = p->u.snack.expstatsn; return true;
	default:
		return false;
	}
}

static bool
initiator_cmdsn(const struct pdu *p, uint32_t *sn)
{
	switch (p->opcode) {
	case PDU_OP_NOP_OUT:	*sn = p->u.nop_out.cmdsn; return true;
	case PDU_OP_SCSI_CMD:	*sn = p->u.scsi_cmd.cmdsn; return true;
	case PDU_OP_TMF_REQ:	*sn = p->u.tmf_req.cmdsn; return true;
	case PDU_OP_TEXT_REQ:	*sn = p->u.text_req.cmdsn; return true;
	case PDU_OP_LOGOUT_REQ:	*sn = p->u.logout_req.cmdsn; return true;
	default:
		return false;
	}
}

static void
check_initiator_sn(struct ana_conn_int *c, const struct pdu *p)
{
	struct ana_session_int *s = c->sess;
	uint32_t sn;

	/* not when the initiator acknowledged target bytes we never saw */
	if (initiator_expstatsn(p, &sn) && c->statsn_known &&
	    sn_gt(sn, c->exp_statsn) && !tcp_dir_behind_ack(&c->tcp[ANA_DIR_T2I]))
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_EXPSTATSN, p,
		    "%s ExpStatSN %u, the target has sent StatSN up to %u",
		    pdu_opcode_name(p->opcode), sn, c->exp_statsn - 1);
	if (s == NULL || !initiator_cmdsn(p, &sn))
		return;
	/* a continued Text sequence repeats nothing new; NOP-Out answers
	   (ITT reserved) carry CmdSN without advancing it */
	if (!s->cmdsn_known) {
		s->cmdsn_known = true;
		s->cmdsn_next = sn;
	}
	if (single_conn(c) && sn != s->cmdsn_next)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_CMDSN_ORDER, p,
		    "%s%s CmdSN %u, expected %u", p->immediate ? "immediate " :
		    "", pdu_opcode_name(p->opcode), sn, s->cmdsn_next);
	if (p->immediate) {
		if (single_conn(c))
			s->cmdsn_next = sn;
		return;
	}
	if (s->window_known && !cmdsn_in_window(sn, s->expcmdsn, s->maxcmdsn))
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_CMDSN_WINDOW, p,
		    "%s CmdSN %u outside [ExpCmdSN %u, MaxCmdSN %u]",
		    pdu_opcode_name(p->opcode), sn, s->expcmdsn, s->maxcmdsn);
	if (single_conn(c) || sn_ge(sn, s->cmdsn_next))
		s->cmdsn_next = sn + 1;
}

static bool
target_window(const struct pdu *p, uint32_t *exp, uint32_t *max)
{
	switch (p->opcode) {
#define W(op, f) case op: *exp = p->u.f.expcmdsn; *max = p->u.f.maxcmdsn; return true;
	W(PDU_OP_NOP_IN, nop_in)
	W(PDU_OP_SCSI_RSP, scsi_rsp)
	W(PDU_OP_TMF_RSP, tmf_rsp)
	W(PDU_OP_TEXT_RSP, text_rsp)
	W(PDU_OP_DATA_IN, data_in)
	W(PDU_OP_LOGOUT_RSP, logout_rsp)
	W(PDU_OP_R2T, r2t)
	W(PDU_OP_ASYNC, async)
	W(PDU_OP_REJECT, reject)
#undef W
	default:
		return false;
	}
}

static void
check_target_window(struct ana_conn_int *c, const struct pdu *p)
{
	struct ana_session_int *s = c->sess;
	uint32_t exp, max;

	if (s == NULL || !target_window(p, &exp, &max))
		return;
	if (!cmdsn_window_valid(exp, max)) {
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_WINDOW_INVALID, p,
		    "%s ExpCmdSN %u, MaxCmdSN %u (the initiator ignores both)",
		    pdu_opcode_name(p->opcode), exp, max);
		return;
	}
	if (single_conn(c) && s->cmdsn_known && sn_gt(exp, s->cmdsn_next))
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_EXPCMDSN_AHEAD, p,
		    "%s ExpCmdSN %u, the initiator has sent CmdSN up to %u",
		    pdu_opcode_name(p->opcode), exp, s->cmdsn_next - 1);
	if (!s->window_known || sn_gt(exp, s->expcmdsn))
		s->expcmdsn = exp;
	if (!s->window_known || sn_gt(max, s->maxcmdsn))
		s->maxcmdsn = max;
	s->window_known = true;
}

/* ---- tasks ---------------------------------------------------------- */

static enum ana_rtt_kind
rtt_kind(uint8_t opcode)
{
	switch (opcode) {
	case PDU_OP_NOP_OUT:	return ANA_RTT_NOP;
	case PDU_OP_TEXT_REQ:	return ANA_RTT_TEXT;
	case PDU_OP_TMF_REQ:	return ANA_RTT_TMF;
	case PDU_OP_LOGOUT_REQ:	return ANA_RTT_LOGOUT;
	default:		return ANA_RTT_SCSI;
	}
}

/* Event the documented initiator logs when a request times out. */
static unsigned
timeout_event(const struct ana_task *t, const struct ana_conn_int *c)
{
	switch (t->opcode) {
	case PDU_OP_SCSI_CMD:	return ISCSI_EV_SCSI_TIMEOUT;
	case PDU_OP_NOP_OUT:	return ISCSI_EV_NOP_TIMEOUT;
	case PDU_OP_TMF_REQ:	return ISCSI_EV_TMF_TIMEOUT;
	case PDU_OP_LOGOUT_REQ:	return ISCSI_EV_LOGOUT_TIMEOUT;
	case PDU_OP_TEXT_REQ:
		return c->sess != NULL && c->sess->pub.discovery ?
		    ISCSI_EV_SENDTARGETS_TIMEOUT : ISCSI_EV_TEXT_TIMEOUT;
	default:		return ISCSI_EV_REQUEST_TIMEOUT;
	}
}

static void
report_timeout(struct ana_conn_int *c, const struct ana_task *t, double dt,
    const struct pdu *p, const char *how)
{
	uint8_t fn[4];
	const void *dump = NULL;
	size_t dumplen = 0;
	unsigned ev = timeout_event(t, c);

	if (ev == ISCSI_EV_SCSI_TIMEOUT) {
		dump = t->cdb;
		dumplen = PDU_CDB_LEN;
	} else if (ev == ISCSI_EV_REQUEST_TIMEOUT) {
		fn[0] = t->opcode;
		fn[1] = fn[2] = fn[3] = 0;
		dump = fn;
		dumplen = 4;
	}
	ana_report_ev(c->ana, c, ANA_DIR_T2I, ANA_CHK_TIMEOUT, p, ev, 0, dump,
	    dumplen, "%s ITT 0x%08x (frame %llu) %s after %.3f s (limit %.0f s)",
	    pdu_opcode_name(t->opcode), t->itt, (unsigned long long)t->frame,
	    how, dt, c->ana->opts.timeout);
}

/* A response for task t arrived: response time, timeout. */
void
ana_task_answered(struct ana_conn_int *c, struct ana_task *t,
    const struct pdu *p)
{
	double dt = c->ana->time - t->time;

	ana_count_rtt(c->ana, rtt_kind(t->opcode), dt, t->frame);
	if (dt > c->ana->opts.timeout)
		report_timeout(c, t, dt, p, "answered");
}

struct ana_task *
ana_task_for_response(struct ana_conn_int *c, const struct pdu *p)
{
	struct ana_task *t = ana_task_find(&c->tasks, p->itt);

	if (t == NULL && c->pub.login_seen && !c->pub.midstream &&
	    !c->lost[ANA_DIR_I2T])
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_UNKNOWN_ITT, p,
		    "%s for ITT 0x%08x: no such request outstanding",
		    pdu_opcode_name(p->opcode), p->itt);
	return t;
}

struct ana_task *
ana_task_new(struct ana_conn_int *c, const struct pdu *p)
{
	struct ana_task *t = ana_task_add(&c->tasks, p->itt);

	if (t == NULL)
		return NULL;
	t->opcode = p->opcode;
	t->immediate = p->immediate;
	t->frame = c->ana->pdu_first_frame;
	t->time = c->ana->time;
	return t;
}

static void
nop_out(struct ana_conn_int *c, const struct pdu *p)
{
	struct ana_task *t;
	int i;

	if (p->u.nop_out.ttt != PDU_TAG_RESERVED) {	/* answers a ping */
		for (i = 0; i < ANA_TPINGS; i++)
			if (c->tping[i].used && c->tping[i].ttt ==
			    p->u.nop_out.ttt) {
				c->tping[i].used = false;
				ana_count_rtt(c->ana, ANA_RTT_NOP, c->ana->time -
				    c->tping[i].time, c->tping[i].frame);
				return;
			}
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_NOP, p, "NOP-Out "
		    "answers TTT 0x%08x, which no NOP-In asked for (RFC 7143 "
		    "11.18.2)", p->u.nop_out.ttt);
		return;
	}
	if (p->itt == PDU_TAG_RESERVED)
		return;
	if ((t = ana_task_new(c, p)) == NULL)
		return;
	t->nop_len = p->data_len;
	t->nop_crc = p->data != NULL ? crc32c(0, p->data, p->data_len) : 0;
}

static void
nop_in(struct ana_conn_int *c, const struct pdu *p)
{
	struct ana_task *t;
	uint32_t crc;
	int i, slot = 0;

	if (p->itt == PDU_TAG_RESERVED) {
		if (p->u.nop_in.ttt == PDU_TAG_RESERVED)
			return;
		for (i = 0; i < ANA_TPINGS; i++)
			if (!c->tping[i].used) {
				slot = i;
				break;
			}
		c->tping[slot].used = true;
		c->tping[slot].ttt = p->u.nop_in.ttt;
		c->tping[slot].frame = c->ana->frame;
		c->tping[slot].time = c->ana->time;
		return;
	}
	if ((t = ana_task_for_response(c, p)) == NULL)
		return;
	if (t->opcode != PDU_OP_NOP_OUT)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_NOP, p, "NOP-In "
		    "answers ITT 0x%08x, which is a %s", p->itt,
		    pdu_opcode_name(t->opcode));
	else {
		crc = p->data != NULL ? crc32c(0, p->data, p->data_len) : 0;
		if (c->ana->pdu_missing == 0 && (p->data_len != t->nop_len ||
		    crc != t->nop_crc))
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_NOP, p,
			    "NOP-In data (%u bytes) does not echo the ping's "
			    "(%u bytes) (RFC 7143 11.19)", p->data_len,
			    t->nop_len);
	}
	ana_task_answered(c, t, p);
	ana_task_del(&c->tasks, t);
}

static void
simple_response(struct ana_conn_int *c, const struct pdu *p, bool done)
{
	struct ana_task *t = ana_task_for_response(c, p);

	if (t == NULL)
		return;
	if (done) {
		ana_task_answered(c, t, p);
		ana_task_del(&c->tasks, t);
	}
}

static void
logout_response(struct ana_conn_int *c, const struct pdu *p)
{
	const struct catalog_code *cc;
	struct ana_task *t = ana_task_find(&c->tasks, p->itt);

	if (p->u.logout_rsp.response != ISCSI_LOGOUT_RESP_SUCCESS) {
		cc = catalog_logout_response(p->u.logout_rsp.response);
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGOUT, p,
		    "Logout Response %u (%s)", p->u.logout_rsp.response,
		    cc != NULL ? cc->text : "reserved");
	} else if (t != NULL && t->opcode == PDU_OP_LOGOUT_REQ)
		c->pub.logged_out = true;
	c->logout_pending = false;
	simple_response(c, p, true);
}

static void
reject(struct ana_conn_int *c, const struct pdu *p)
{
	const struct catalog_code *cc = catalog_reject_reason(p->u.reject.reason);
	struct ana_task *t;
	unsigned op = 0;
	uint32_t itt = PDU_TAG_RESERVED;

	if (p->data != NULL && p->data_len >= PDU_BHS_LEN) {
		op = p->data[0] & 0x3f;
		itt = get_be32(p->data + 16);
	}
	ana_report_ev(c->ana, c, ANA_DIR_T2I, ANA_CHK_REJECT, p,
	    ISCSI_EV_PDU_REJECTED, 0, p->data,
	    p->data_len < PDU_BHS_LEN ? p->data_len : PDU_BHS_LEN,
	    "reason 0x%02x %s: %s ITT 0x%08x", p->u.reject.reason,
	    cc != NULL ? cc->name : "RESERVED", pdu_opcode_name(op) ?
	    pdu_opcode_name(op) : "PDU", itt);
	/* a rejected command is answered by the Reject (11.17.1) */
	if (itt != PDU_TAG_RESERVED && pdu_opcode_is_initiator(op) &&
	    op != PDU_OP_DATA_OUT && op != PDU_OP_SNACK_REQ &&
	    (t = ana_task_find(&c->tasks, itt)) != NULL &&
	    !catalog_reject_can_resend(p->u.reject.reason))
		ana_task_del(&c->tasks, t);
}

static void
async_message(struct ana_conn_int *c, const struct pdu *p)
{
	const struct pdu_async *m = &p->u.async;
	const struct catalog_code *cc = catalog_async_event(m->event);

	ana_report_ev(c->ana, c, ANA_DIR_T2I, ANA_CHK_ASYNC, p,
	    m->event == ISCSI_ASYNC_LOGOUT_REQUEST ? ISCSI_EV_ASYNC_LOGOUT : 0,
	    0, NULL, 0, "AsyncEvent %u %s: %s (Parameter1 %u, Parameter2 %u, "
	    "Parameter3 %u)", m->event, cc != NULL ? cc->name : "RESERVED",
	    cc != NULL ? cc->text : "reserved", m->param1, m->param2, m->param3);
}

/* ---- entry points --------------------------------------------------- */

static void
initiator_pdu(struct ana_conn_int *c, const struct pdu *p)
{
	check_initiator_sn(c, p);
	if (c->pub.logged_out || (c->logout_pending && p->opcode !=
	    PDU_OP_LOGOUT_REQ && p->opcode != PDU_OP_DATA_OUT &&
	    p->opcode != PDU_OP_SNACK_REQ && p->opcode != PDU_OP_NOP_OUT))
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_LOGOUT, p,
		    "%s after %s on this connection (RFC 7143 11.14)",
		    pdu_opcode_name(p->opcode), c->pub.logged_out ?
		    "the Logout Response" : "a Logout Request");
	switch (p->opcode) {
	case PDU_OP_SCSI_CMD:
		ana_scsi_command(c, p);
		break;
	case PDU_OP_DATA_OUT:
		ana_data_out(c, p);
		break;
	case PDU_OP_NOP_OUT:
		nop_out(c, p);
		break;
	case PDU_OP_TEXT_REQ:
		if (ana_task_find(&c->tasks, p->itt) == NULL)
			ana_task_new(c, p);
		break;
	case PDU_OP_LOGOUT_REQ:
		c->logout_pending = true;
		ana_task_new(c, p);
		break;
	case PDU_OP_TMF_REQ:
		ana_task_new(c, p);
		break;
	default:
		break;
	}
}

static void
target_pdu(struct ana_conn_int *c, const struct pdu *p)
{
	check_statsn(c, p);
	check_target_window(c, p);
	switch (p->opcode) {
	case PDU_OP_SCSI_RSP:
		ana_scsi_response(c, p);
		break;
	case PDU_OP_DATA_IN:
		ana_data_in(c, p);
		break;
	case PDU_OP_R2T:
		ana_r2t(c, p);
		break;
	case PDU_OP_NOP_IN:
		nop_in(c, p);
		break;
	case PDU_OP_TEXT_RSP:
		simple_response(c, p, p->final);
		break;
	case PDU_OP_TMF_RSP:
		simple_response(c, p, true);
		break;
	case PDU_OP_LOGOUT_RSP:
		logout_response(c, p);
		break;
	case PDU_OP_REJECT:
		reject(c, p);
		break;
	case PDU_OP_ASYNC:
		async_message(c, p);
		break;
	default:
		break;
	}
}

void
ana_ffp_pdu(struct ana_conn_int *c, enum ana_dir dir, const struct pdu *p,
    const struct pdu_error *err)
{
	bool login = p->opcode == PDU_OP_LOGIN_REQ ||
	    p->opcode == PDU_OP_LOGIN_RSP;

	if (!decode_errors(c, dir, p, err))
		return;
	if (login) {
		if (dir == ANA_DIR_T2I)
			check_statsn(c, p);
		return;
	}
	if (!c->pub.ffp) {
		if (c->pub.login_seen && !c->pub.midstream) {
			ana_report(c->ana, c, dir, ANA_CHK_LOGIN_STAGE, p,
			    "%s before the login completed (RFC 7143 6.3)",
			    pdu_opcode_name(p->opcode));
			return;
		}
		c->pub.ffp = true;	/* login not captured */
	}
	if (p->dsl > c->pub.max_recv_dsl[dir] && (c->pub.login_seen ||
	    c->pub.max_recv_dsl[dir] != 8192))
		ana_report(c->ana, c, dir, ANA_CHK_OVERSIZE, p, "%s "
		    "DataSegmentLength %u > MaxRecvDataSegmentLength %u declared "
		    "by the %s", pdu_opcode_name(p->opcode), p->dsl,
		    c->pub.max_recv_dsl[dir], dir == ANA_DIR_T2I ? "initiator" :
		    "target");
	if (dir == ANA_DIR_I2T)
		initiator_pdu(c, p);
	else
		target_pdu(c, p);
}

void
ana_ffp_lost(struct ana_conn_int *c, enum ana_dir dir)
{
	size_t i;
	int k;

	c->lost[dir] = true;
	for (i = 0; i < c->tasks.cap; i++)
		c->tasks.slot[i].unsure = true;
	if (dir == ANA_DIR_T2I) {
		c->statsn_known = false;
		for (k = 0; k < ANA_TPINGS; k++)
			c->tping[k].used = false;
	} else if (c->sess != NULL && single_conn(c))
		c->sess->cmdsn_known = false;
}

void
ana_ffp_end(struct ana_conn_int *c, bool reset)
{
	struct ana *a = c->ana;
	size_t i;
	double dt;

	if (c->end_done)
		return;
	c->end_done = true;
	if (c->pub.closed) {
		if (c->pub.login_seen && !c->pub.ffp && c->pub.login_class == 0)
			ana_report(a, c, ANA_DIR_T2I, ANA_CHK_LOGIN_DROPPED, NULL,
			    "connection %s during the login", reset ? "reset" :
			    "closed");
		else if (c->pub.ffp && !c->pub.logged_out &&
		    c->pub.closer == ANA_DIR_T2I)
			ana_report(a, c, ANA_DIR_T2I, ANA_CHK_CONNECTION_LOST,
			    NULL, "target %s the connection in Full Feature Phase "
			    "without a Logout", reset ? "reset" : "closed");
		else if (c->pub.ffp && !c->pub.logged_out)
			ana_report(a, c, ANA_DIR_I2T, ANA_CHK_LOGOUT, NULL,
			    "initiator %s the connection without a Logout "
			    "(RFC 7143 11.14)%s", reset ? "reset" : "closed",
			    c->sess != NULL && c->sess->pub.discovery ?
			    " (discovery session)" : "");
	}
	for (i = 0; i < c->tasks.cap; i++) {
		struct ana_task *t = &c->tasks.slot[i];

		if (!t->used)
			continue;
		dt = c->last_time - t->time;
		if (t->opcode == PDU_OP_LOGOUT_REQ && c->pub.closed)
			ana_report_ev(a, c, ANA_DIR_T2I, ANA_CHK_LOGOUT, NULL,
			    ISCSI_EV_LOGOUT_TIMEOUT, 0, NULL, 0, "Logout Request "
			    "ITT 0x%08x (frame %llu) not answered before the "
			    "connection ended", t->itt,
			    (unsigned long long)t->frame);
		else if (dt > a->opts.timeout)
			report_timeout(c, t, dt, NULL, "not answered");
	}
}
