/*
 * Operational stage of the login (RFC 7143 6.3.3, 13): our offers checked
 * against the target's answers through proto/keys, and the final Login
 * Response checks: seed events 3 (MaxCmdSN), 4 (MaxBurstLength <
 * FirstBurstLength), 18/19 (a required digest refused), 61/62
 * (DataPDUInOrder / DataSequenceInOrder No), 11 (any other answer the RFC
 * does not allow).  Success: TSIH, the command window, digests from the
 * next PDU on.
 */
#include <string.h>

#include "ini_internal.h"
#include "log.h"
#include "serial.h"

struct oper_ctx {
	unsigned	fails;
	bool		no_hdigest, no_ddigest, pdu_order_no, seq_order_no;
	char		first[TEXT_KEY_MAX + TEXT_VALUE_MAX + 2];
};

/* A digest we required answered None or Reject: seed events 18 / 19. */
static bool
digest_refused(const struct keys_result *r)
{
	return (r->id == KEYS_HEADER_DIGEST || r->id == KEYS_DATA_DIGEST) &&
	    (r->status == KEYS_S_PEER_REJECT ||
	    (r->status == KEYS_S_FAIL_ANSWER_LIST &&
	    strcmp(r->value, "None") == 0));
}

static void
oper_result(void *arg, const struct keys_result *r)
{
	struct oper_ctx *o = arg;

	if (digest_refused(r)) {
		if (r->id == KEYS_HEADER_DIGEST)
			o->no_hdigest = true;
		else
			o->no_ddigest = true;
		return;
	}
	/* No to our Yes (Boolean OR): seed events 61 / 62, not event 11 */
	if (r->status == KEYS_S_FAIL_ANSWER_BOOL &&
	    r->id == KEYS_DATA_PDU_IN_ORDER) {
		o->pdu_order_no = true;
		return;
	}
	if (r->status == KEYS_S_FAIL_ANSWER_BOOL &&
	    r->id == KEYS_DATA_SEQUENCE_IN_ORDER) {
		o->seq_order_no = true;
		return;
	}
	if (r->action == KEYS_ACT_FAIL && o->fails++ == 0)
		snprintf(o->first, sizeof(o->first), "%s=%s", r->key, r->value);
	if (r->action == KEYS_ACT_FAIL)
		log_debug("login: %s=%s: %s", r->key, r->value,
		    keys_status_text(r->status));
}

static bool
final_checks(struct ini_conn *c, const struct pdu *p)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	const struct pdu_login_rsp *r = &p->u.login_rsp;
	struct keys_finding f[8];
	size_t n, i;
	bool ok = true;

	if (!cmdsn_login_window_ok(r->expcmdsn, r->maxcmdsn)) {
		/* event 3: ExpCmdSN, MaxCmdSN of the final response */
		ini_ev_pair(s->node, s, c, ISCSI_EV_MAXCMDSN_NOT_GREATER,
		    r->expcmdsn, r->maxcmdsn);
		ok = false;
	}
	n = keys_check_session(&L->local, &L->neg.params, f, 8);
	for (i = 0; i < n && i < 8; i++) {
		switch (f[i].code) {
		case KEYS_CHK_BURST_ORDER:
			ini_ev_pair(s->node, s, c,
			    ISCSI_EV_MAXBURST_NOT_GREATER, (uint32_t)f[i].a,
			    (uint32_t)f[i].b);
			break;
		case KEYS_CHK_HEADER_DIGEST_REQUIRED:
			ini_ev_simple(s->node, s, c,
			    ISCSI_EV_HEADER_DIGEST_NOT_OFFERED, ISDSC_LOGIN_FAILED);
			break;
		case KEYS_CHK_DATA_DIGEST_REQUIRED:
			ini_ev_simple(s->node, s, c,
			    ISCSI_EV_DATA_DIGEST_NOT_OFFERED, ISDSC_LOGIN_FAILED);
			break;
		case KEYS_CHK_DATA_PDU_ORDER:
			ini_ev_simple(s->node, s, c, ISCSI_EV_DATAPDUINORDER_NO,
			    ISDSC_LOGIN_FAILED);
			break;
		case KEYS_CHK_DATA_SEQUENCE_ORDER:
			ini_ev_simple(s->node, s, c,
			    ISCSI_EV_DATASEQUENCEINORDER_NO, ISDSC_LOGIN_FAILED);
			break;
		default:
			break;
		}
		ok = false;
	}
	return ok;
}

void
ini_login_operational(struct ini_conn *c, const struct pdu *p,
    const struct text_list *l)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	const struct pdu_login_rsp *r = &p->u.login_rsp;
	struct oper_ctx o;

	memset(&o, 0, sizeof(o));
	keys_negotiate_list(&L->neg, l, &L->answers, oper_result, &o);
	if (o.no_hdigest)
		ini_ev_simple(s->node, s, c, ISCSI_EV_HEADER_DIGEST_NOT_OFFERED,
		    ISDSC_LOGIN_FAILED);
	if (o.no_ddigest)
		ini_ev_simple(s->node, s, c, ISCSI_EV_DATA_DIGEST_NOT_OFFERED,
		    ISDSC_LOGIN_FAILED);
	if (o.pdu_order_no)
		ini_ev_simple(s->node, s, c, ISCSI_EV_DATAPDUINORDER_NO,
		    ISDSC_LOGIN_FAILED);
	if (o.seq_order_no)
		ini_ev_simple(s->node, s, c, ISCSI_EV_DATASEQUENCEINORDER_NO,
		    ISDSC_LOGIN_FAILED);
	if (o.no_hdigest || o.no_ddigest || o.pdu_order_no || o.seq_order_no) {
		INI_STAT_BUMP(s, login_negotiation_fail);
		ini_login_fail(c, ISDSC_LOGIN_FAILED);
		return;
	}
	if (o.fails > 0) {
		/* event 11: an answer the RFC does not allow */
		ini_ev_pdu(s->node, s, c, ISCSI_EV_INVALID_LOGIN_RESPONSE,
		    ISDSC_INVALID_TEXT_KEY, p, true);
		ini_login_fail(c, ISDSC_INVALID_TEXT_KEY);
		return;
	}
	if (!r->transit) {
		if (++L->rounds > 64) {	/* endless T=0 answers */
			ini_ev_pdu(s->node, s, c, ISCSI_EV_INVALID_LOGIN_RESPONSE,
			    ISDSC_LOGIN_FAILED, p, true);
			ini_login_fail(c, ISDSC_LOGIN_FAILED);
			return;
		}
		ini_login_send(c, true, PDU_STAGE_OPERATIONAL,
		    PDU_STAGE_FULL_FEATURE);
		return;
	}
	keys_neg_finish(&L->neg, NULL, NULL);	/* unanswered: RFC defaults */
	if (r->tsih == 0) {
		ini_ev_pdu(s->node, s, c, ISCSI_EV_INVALID_LOGIN_RESPONSE,
		    ISDSC_LOGIN_FAILED, p, true);
		ini_login_fail(c, ISDSC_LOGIN_FAILED);
		return;
	}
	if (!final_checks(c, p)) {
		ini_login_fail(c, ISDSC_LOGIN_FAILED);
		return;
	}
	s->tsih = r->tsih;
	s->expcmdsn = r->expcmdsn;
	s->maxcmdsn = r->maxcmdsn;
	s->cmdsn = r->expcmdsn;
	/* our MaxRecvDataSegmentLength and the digests apply from the
	 * first PDU after the final response */
	(void)iconn_set_max_recv_dsl(&c->ic, s->node->cfg.max_recv_dsl);
	iconn_set_digests(&c->ic,
	    L->neg.params.c.header_digest == KEYS_DIGEST_CRC32C,
	    L->neg.params.c.data_digest == KEYS_DIGEST_CRC32C);
	L->state = INI_LS_DONE;
	INI_STAT_BUMP(s, login_ok);
	ini_conn_post(c, INI_CEV_LOGIN_OK, 0);
}

