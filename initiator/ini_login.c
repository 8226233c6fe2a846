/*
 * Login of one connection (RFC 7143 6.3, 11.12, 11.13): the login FSM over
 * the stages (security, operational, full feature), the checks every
 * Login Response gets (opcode, ITT, ISID, version, stage transitions, C
 * bit), status -> ISDSC (catalog_login_status), redirects (0x0101, 0x0102)
 * with a hop limit and ISCSI_RedirectPortalInfo, and the checks of the
 * final response (seed events 3, 4, 18, 19, 61, 62).
 *
 * Rows are {login state mask, response kind, action}; the action decides
 * the next state.  Security-stage keys are handled in ini_login_auth.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini_internal.h"
#include "log.h"
#include "serial.h"

enum login_input {
	LIN_SECURITY,		/* complete response, CSG 0 */
	LIN_OPERATIONAL,	/* complete response, CSG 1 */
	LIN_PARTIAL,		/* C bit: more text follows */
	LIN_REDIRECT,		/* Status-Class 1 */
	LIN_FAILED,		/* Status-Class 2, 3 (or unknown) */
	LIN_INVALID,		/* breaks RFC 7143 11.13 */
	LIN_TIMEOUT
};

#define LS_SEC	((1u << INI_LS_SEC_AUTH) | (1u << INI_LS_SEC_CHAP_A) | \
		 (1u << INI_LS_SEC_CHAP_R) | (1u << INI_LS_SEC_DONE))
#define LS_WAIT	(LS_SEC | (1u << INI_LS_OPERATIONAL))

static void	l_security(struct ini_conn *, const struct pdu *,
		    const struct text_list *);
static void	l_operational(struct ini_conn *, const struct pdu *,
		    const struct text_list *);
static void	l_partial(struct ini_conn *, const struct pdu *,
		    const struct text_list *);
static void	l_redirect(struct ini_conn *, const struct pdu *,
		    const struct text_list *);
static void	l_failed(struct ini_conn *, const struct pdu *,
		    const struct text_list *);
static void	l_invalid(struct ini_conn *, const struct pdu *,
		    const struct text_list *);
static void	l_timeout(struct ini_conn *, const struct pdu *,
		    const struct text_list *);

static const struct login_fsm_row {
	unsigned		states;
	enum login_input	input;
	void			(*action)(struct ini_conn *, const struct pdu *,
				    const struct text_list *);
	const char		*rfc;
} login_fsm[] = {
	{ LS_SEC, LIN_SECURITY, l_security, "RFC7143 6.3.2, 12.1" },
	{ 1u << INI_LS_OPERATIONAL, LIN_OPERATIONAL, l_operational,
	    "RFC7143 6.3.3" },
	{ LS_WAIT, LIN_PARTIAL, l_partial, "RFC7143 11.13.4 C bit" },
	{ LS_WAIT, LIN_REDIRECT, l_redirect, "RFC7143 11.13.5 class 1" },
	{ LS_WAIT, LIN_FAILED, l_failed, "RFC7143 11.13.5 class 2/3" },
	{ LS_WAIT, LIN_INVALID, l_invalid, "RFC7143 11.13" },
	{ LS_WAIT, LIN_TIMEOUT, l_timeout, "seed event 43" },
};

const char *
ini_login_state_name(enum ini_login_state s)
{
	static const char *const names[] = { "IDLE", "SEC_AUTH", "SEC_CHAP_A",
	    "SEC_CHAP_R", "SEC_DONE", "OPERATIONAL", "DONE", "FAILED" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void
login_dispatch(struct ini_conn *c, enum login_input in, const struct pdu *p,
    const struct text_list *l)
{
	size_t i;

	for (i = 0; i < sizeof(login_fsm) / sizeof(login_fsm[0]); i++)
		if ((login_fsm[i].states & (1u << c->login.state)) &&
		    login_fsm[i].input == in) {
			login_fsm[i].action(c, p, l);
			return;
		}
	/* a response in a state that expects none: invalid */
	if (p != NULL)
		l_invalid(c, p, l);
}

/* ---- local values offered ------------------------------------------------- */

static void
local_set(struct ini_login *L, int id, const char *v)
{
	L->local.value[id] = v;
}

static void
local_num(struct ini_login *L, int id, uint32_t v)
{
	snprintf(L->num[id], sizeof(L->num[id]), "%u", v);
	L->local.value[id] = L->num[id];
}

static const char *
digest_pref(bool has, bool on)
{
	if (!has)
		return "None,CRC32C";	/* '*': either, the target chooses */
	return on ? "CRC32C" : "None";	/* non-zero: required */
}

static void
login_local_init(struct ini_conn *c)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	const struct ini_config *cfg = &s->node->cfg;
	const struct ini_login_opts *o = &s->opts;

	keys_local_init(&L->local);
	local_set(L, KEYS_INITIATOR_NAME, s->node->name);
	local_set(L, KEYS_SESSION_TYPE, s->discovery ? "Discovery" : "Normal");
	if (!s->discovery)
		local_set(L, KEYS_TARGET_NAME, s->target);
	local_set(L, KEYS_HEADER_DIGEST, digest_pref(o->has_header_digest,
	    o->header_digest));
	local_set(L, KEYS_DATA_DIGEST, digest_pref(o->has_data_digest,
	    o->data_digest));
	local_num(L, KEYS_MAX_RECV_DATA_SEGMENT_LENGTH, cfg->max_recv_dsl);
	local_num(L, KEYS_DEFAULT_TIME2WAIT, o->has_time2wait ? o->time2wait : 2);
	local_num(L, KEYS_DEFAULT_TIME2RETAIN, o->has_time2retain ?
	    o->time2retain : 20);
	if (s->discovery)
		return;
	/* one connection per session until MCS lands */
	local_num(L, KEYS_MAX_CONNECTIONS, 1);
	local_set(L, KEYS_INITIAL_R2T, cfg->initial_r2t ? "Yes" : "No");
	local_set(L, KEYS_IMMEDIATE_DATA, cfg->immediate_data ? "Yes" : "No");
	local_num(L, KEYS_MAX_BURST_LENGTH, cfg->max_burst_length);
	local_num(L, KEYS_FIRST_BURST_LENGTH, cfg->first_burst_length);
	local_num(L, KEYS_MAX_OUTSTANDING_R2T, cfg->max_outstanding_r2t);
	/* OR (13.18, 13.19): No only when the target says No too */
	local_set(L, KEYS_DATA_PDU_IN_ORDER, cfg->data_pdu_in_order ? "Yes" :
	    "No");
	local_set(L, KEYS_DATA_SEQUENCE_IN_ORDER, cfg->data_sequence_in_order ?
	    "Yes" : "No");
	/* only ERL 0 until the ERL 1/2 work lands */
	local_num(L, KEYS_ERROR_RECOVERY_LEVEL, 0);
}

/* ---- sending -------------------------------------------------------------- */

static void
login_timeout_cb(struct evloop *l, void *arg)
{
	struct ini_conn *c = arg;

	(void)l;
	if (c->state == INI_S4_IN_LOGIN)
		login_dispatch(c, LIN_TIMEOUT, NULL, NULL);
}

static int
login_send_pdu(struct ini_conn *c, const uint8_t *data, size_t len,
    bool more, bool transit, uint8_t nsg)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	struct pdu p;
	int rc;

	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = L->itt;
	p.u.login_req.cont = more;
	p.u.login_req.transit = transit;	/* 11.12.2: never with C */
	p.u.login_req.csg = L->csg;
	p.u.login_req.nsg = transit ? nsg : 0;
	memcpy(p.u.login_req.isid, s->isid, 6);
	p.u.login_req.tsih = s->tsih;
	p.u.login_req.cid = c->cid;
	p.u.login_req.cmdsn = s->cmdsn;
	p.u.login_req.expstatsn = c->expstatsn;
	pdu_set_data(&p, data, (uint32_t)len);
	L->nsg = p.u.login_req.nsg;
	L->transit = transit;
	rc = ini_conn_send(c, &p);
	evtimer_arm(s->node->loop, &L->timer,
	    ini_ms(s->node->cfg.login_timeout_ms));
	return rc;
}

/* The next part of a request split with the C bit; the last one carries
 * the request's T and NSG. */
static int
login_send_part(struct ini_conn *c)
{
	struct ini_login *L = &c->login;
	const uint8_t *data;
	size_t len;
	bool more;
	int rc;

	if (!ini_text_out_next(&L->out, &data, &len, &more))
		return -1;
	rc = login_send_pdu(c, data, len, more, more ? false : L->out_transit,
	    L->out_nsg);
	if (!more)
		ini_text_out_free(&L->out);	/* sent or queued: a copy */
	return rc;
}

/*
 * Send the answers gathered as one Login Request, or in parts when they
 * are longer than the 8192 bytes a target takes during login (RFC 7143
 * 13.12 default MaxRecvDataSegmentLength).
 */
int
ini_login_send(struct ini_conn *c, bool transit, uint8_t csg, uint8_t nsg)
{
	struct ini_login *L = &c->login;
	int rc;

	L->csg = csg;
	L->out_transit = transit;
	L->out_nsg = transit ? nsg : 0;
	if (ini_text_out_start(&L->out, L->answers.buf, L->answers.len,
	    INI_LOGIN_MAX_RECV_DSL)) {
		text_builder_reset(&L->answers);
		return login_send_part(c);
	}
	rc = login_send_pdu(c, L->answers.buf, L->answers.len, false, transit,
	    nsg);
	text_builder_reset(&L->answers);
	return rc;
}

void
ini_login_reset(struct ini_conn *c)
{
	struct ini_login *L = &c->login;

	if (L->neg_init)
		keys_neg_free(&L->neg);
	if (L->acc_init)
		text_accum_free(&L->acc);
	if (L->answers_init)
		text_builder_free(&L->answers);
	ini_text_out_free(&L->out);
	L->neg_init = L->acc_init = L->answers_init = false;
	L->state = INI_LS_IDLE;
}

void
ini_login_start(struct ini_conn *c)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	unsigned redirects = L->redirects;

	evtimer_disarm(s->node->loop, &L->timer);
	ini_login_reset(c);
	memset(L, 0, sizeof(*L));
	L->redirects = redirects;
	evtimer_init(&L->timer, login_timeout_cb, c);
	login_local_init(c);
	keys_neg_init(&L->neg, KEYS_ROLE_INITIATOR, &L->local);
	text_accum_init(&L->acc, 0);
	text_builder_init(&L->answers, 0);
	L->neg_init = L->acc_init = L->answers_init = true;
	L->itt = ini_session_next_itt(s);
	c->expstatsn = 0;
	if (!ini_auth_prepare(c))
		return;
	/* first request: the security stage, keys of that stage */
	keys_offer_stage(&L->neg, &L->answers);
	if (L->state == INI_LS_SEC_DONE)	/* AuthMethod=None: ask to transit */
		ini_login_send(c, true, PDU_STAGE_SECURITY,
		    PDU_STAGE_OPERATIONAL);
	else
		ini_login_send(c, false, PDU_STAGE_SECURITY, 0);
}

void
ini_login_fail(struct ini_conn *c, uint32_t isdsc)
{
	struct ini_login *L = &c->login;

	evtimer_disarm(c->sess->node->loop, &L->timer);
	if (L->state == INI_LS_FAILED || L->state == INI_LS_DONE)
		return;
	L->state = INI_LS_FAILED;
	L->isdsc = isdsc;
	if (isdsc == ISDSC_AUTHENTICATION_FAILURE ||
	    isdsc == ISDSC_TARGET_AUTHINFO_UNAVAILABLE)
		INI_STAT_BUMP(c->sess, login_auth_fail);
	else if (isdsc == ISDSC_AUTHORIZATION_FAILURE)
		INI_STAT_BUMP(c->sess, login_authz_fail);
	else if (isdsc == ISDSC_INVALID_TEXT_KEY)
		INI_STAT_BUMP(c->sess, login_negotiation_fail);
	else
		INI_STAT_BUMP(c->sess, login_other_fail);
	ini_conn_post(c, INI_CEV_LOGIN_FAILED, isdsc);
}

void
ini_login_on_closed(struct ini_conn *c)
{
	struct ini_login *L = &c->login;

	if (L->state == INI_LS_FAILED || L->state == INI_LS_DONE)
		return;
	/* event 59: dropped before full feature phase */
	ini_ev_simple(c->sess->node, c->sess, c, ISCSI_EV_DROPPED_BEFORE_FFP,
	    ISDSC_CONNECTION_FAILED);
	evtimer_disarm(c->sess->node->loop, &L->timer);
	L->state = INI_LS_FAILED;
	L->isdsc = ISDSC_CONNECTION_FAILED;
	INI_STAT_BUMP(c->sess, login_other_fail);
}

/* ---- receiving ------------------------------------------------------------ */

/*
 * Value limits of a Login Response's text.  CHAP_C / CHAP_R over the
 * RFC 7143 12.1.3 length (1024 bytes) get through the parse so that the
 * CHAP checks report them (event 33, 17) instead of event 11.
 */
static size_t
login_value_limit(const char *key, size_t keylen)
{
	if (keylen == 6 && (memcmp(key, "CHAP_C", 6) == 0 ||
	    memcmp(key, "CHAP_R", 6) == 0))
		return SIZE_MAX;
	return keys_value_limit(key, keylen);
}

static void
invalid(struct ini_conn *c, const struct pdu *p, const char *why)
{
	log_debug("conn %s: invalid login response: %s", c->id, why);
	login_dispatch(c, LIN_INVALID, p, NULL);
}

void
ini_login_on_pdu(struct ini_conn *c, const struct pdu *p,
    const struct pdu_error *e)
{
	struct ini_login *L = &c->login;
	const struct pdu_login_rsp *r = &p->u.login_rsp;
	struct text_list list;
	int rc;

	if (!(LS_WAIT & (1u << L->state)))
		return;
	evtimer_disarm(c->sess->node->loop, &L->timer);
	if (e->code == PDU_EOVERSIZE) {
		/* event 21: over the login-time MaxRecvDataSegmentLength */
		ini_ev_simple(c->sess->node, c->sess, c,
		    ISCSI_EV_DATA_SEGMENT_TOO_LONG, ISDSC_LOGIN_FAILED);
		c->sess->stats.format_errors++;
		ini_login_fail(c, ISDSC_LOGIN_FAILED);
		return;
	}
	if (e->code != PDU_OK || p->opcode != PDU_OP_LOGIN_RSP)
		return invalid(c, p, e->code != PDU_OK ? e->msg : "opcode");
	if (p->itt != L->itt)
		return invalid(c, p, "Initiator Task Tag");
	c->expstatsn = r->statsn + 1;
	/* a failure status counts even when the rest of the PDU is sloppy
	 * (tgtd zeroes the ISID of its reject responses) */
	if (r->status_class == ISCSI_LOGIN_CLASS_REDIRECTION)
		return login_dispatch(c, LIN_REDIRECT, p, NULL);
	if (r->status_class != ISCSI_LOGIN_CLASS_SUCCESS)
		return login_dispatch(c, LIN_FAILED, p, NULL);
	/* 11.13.5: success has no detail; 0x00xx is malformed (event 11) */
	if (r->status_detail != 0)
		return invalid(c, p, "Status-Detail of a success");
	if (memcmp(r->isid, c->sess->isid, 6) != 0)
		return invalid(c, p, "ISID");
	if (r->version_active != 0)
		return invalid(c, p, "Version-active");
	if (r->csg != L->csg)
		return invalid(c, p, "CSG");
	if (r->transit && (!L->transit || r->nsg > L->nsg ||
	    r->nsg <= r->csg || r->nsg == 2))
		return invalid(c, p, "T bit / NSG");
	if (r->transit && r->cont)
		return invalid(c, p, "T and C both set");
	if (L->out.active) {
		/* 11.12.2: a part sent with the C bit is answered empty */
		if (p->data_len != 0 || r->cont || r->transit)
			return invalid(c, p, "answer to a partial Login Request");
		login_send_part(c);
		return;
	}
	if (text_accum_add(&L->acc, p->data, p->data_len, r->cont) != TEXT_OK)
		return invalid(c, p, "text too long");
	if (r->cont)
		return login_dispatch(c, LIN_PARTIAL, p, NULL);
	rc = text_accum_parse(&L->acc, login_value_limit, TEXT_PARSE_PAD_OK,
	    &list, NULL);
	text_accum_reset(&L->acc);
	if (rc != TEXT_OK)
		return invalid(c, p, "malformed text");
	login_dispatch(c, r->csg == PDU_STAGE_SECURITY ? LIN_SECURITY :
	    LIN_OPERATIONAL, p, &list);
	text_list_free(&list);
}

/* ---- actions -------------------------------------------------------------- */

/* The extension keys of the configuration (--login-key), once, with the
 * first operational offers; the target answers them (NotUnderstood). */
static void
add_login_keys(struct ini_conn *c)
{
	const struct ini_config *cfg = &c->sess->node->cfg;

	if (cfg->login_keys_len > 0)
		(void)text_builder_add_raw(&c->login.answers, cfg->login_keys,
		    cfg->login_keys_len);
}

static void
l_security(struct ini_conn *c, const struct pdu *p, const struct text_list *l)
{
	/* ini_auth_on_response sends the next request or fails the login */
	if (!ini_auth_on_response(c, p, l))
		return;
	if (c->login.state != INI_LS_OPERATIONAL)
		return;
	c->login.neg.stage = KEYS_STAGE_OPERATIONAL;
	c->login.oper_offered = true;
	keys_offer_stage(&c->login.neg, &c->login.answers);
	add_login_keys(c);
	ini_login_send(c, true, PDU_STAGE_OPERATIONAL, PDU_STAGE_FULL_FEATURE);
}

static void
l_operational(struct ini_conn *c, const struct pdu *p, const struct text_list *l)
{
	ini_login_operational(c, p, l);
}

static void
l_partial(struct ini_conn *c, const struct pdu *p, const struct text_list *l)
{
	(void)l;
	/* RFC 7143 11.13.4 (C bit): ask for the rest with an empty request,
	 * still asking to transit (11.13.3: the target may set T=1 on the
	 * last piece only if our request has T=1) */
	ini_login_send(c, c->login.transit, p->u.login_rsp.csg, c->login.nsg);
}

static void
l_redirect(struct ini_conn *c, const struct pdu *p, const struct text_list *l)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	const struct pdu_login_rsp *r = &p->u.login_rsp;
	struct catalog_login_status st =
	    catalog_login_status(r->status_class, r->status_detail);
	const struct text_pair *ta;
	struct text_list list;
	struct netaddr to;
	char err[128];
	int tpgt;

	(void)l;
	memset(&list, 0, sizeof(list));
	if (text_parse(p->data, p->data_len, keys_value_limit,
	    TEXT_PARSE_PAD_OK, &list, NULL) != TEXT_OK ||
	    (ta = text_list_find(&list, "TargetAddress")) == NULL ||
	    netaddr_parse_target_address(ta->value, &to, &tpgt, err,
	    sizeof(err)) != 0) {
		/* event 12: the redirect data as given */
		ta = list.pairs != NULL ? text_list_find(&list, "TargetAddress") :
		    NULL;
		if (ta != NULL)
			ini_ev_bytes(s->node, s, c, ISCSI_EV_INVALID_REDIRECT_DATA,
			    st.isdsc, ta->value, ta->valuelen);
		else
			ini_ev_bytes(s->node, s, c, ISCSI_EV_INVALID_REDIRECT_DATA,
			    st.isdsc, p->data, p->data_len);
		text_list_free(&list);
		ini_login_fail(c, st.isdsc);
		return;
	}
	text_list_free(&list);
	INI_STAT_BUMP(s, login_redirects);
	if (++L->redirects > s->node->cfg.max_redirects) {
		/* hop limit: the login fails with the redirect's code */
		ini_ev_pdu(s->node, s, c, ISCSI_EV_LOGIN_FAILED, st.isdsc, p, true);
		ini_login_fail(c, st.isdsc);
		return;
	}
	/* ISCSI_RedirectPortalInfo (seed 000) */
	c->redirect.redirected_addr = to;
	c->redirect.redirected_port = netaddr_port(&to);
	c->redirect.redirected = 1;
	c->redirect.temporary_redirect =
	    r->status_detail != (ISCSI_LOGIN_STATUS_TARGET_MOVED_PERMANENTLY & 0xff);
	if (!c->redirect.temporary_redirect && s->hop < s->nportals)
		s->portals[s->hop] = to;	/* later logins go there */
	c->addr = to;
	L->state = INI_LS_IDLE;
	ini_conn_post(c, INI_CEV_REDIRECT, 0);
}

static void
l_failed(struct ini_conn *c, const struct pdu *p, const struct text_list *l)
{
	struct ini_session *s = c->sess;
	const struct pdu_login_rsp *r = &p->u.login_rsp;
	struct catalog_login_status st =
	    catalog_login_status(r->status_class, r->status_detail);

	(void)l;
	/* event 10: the login response PDU in the dump */
	ini_ev_pdu(s->node, s, c, ISCSI_EV_LOGIN_FAILED, st.isdsc, p, true);
	if (r->status_class == ISCSI_LOGIN_CLASS_INITIATOR_ERROR &&
	    r->status_detail == (ISCSI_LOGIN_STATUS_AUTHENTICATION_FAILURE &
	    0xff) && c->login.csg == PDU_STAGE_SECURITY &&
	    !(s->opts.has_auth && s->opts.auth_type != INI_AUTH_NONE))
		/* event 40: authentication required, we have no CHAP set up */
		ini_ev_simple(s->node, s, c, ISCSI_EV_INITIATOR_NO_CHAP,
		    st.isdsc);
	s->last_retryable = r->status_class == ISCSI_LOGIN_CLASS_TARGET_ERROR;
	ini_login_fail(c, st.isdsc);
}

static void
l_invalid(struct ini_conn *c, const struct pdu *p, const struct text_list *l)
{
	struct ini_session *s = c->sess;
	uint32_t isdsc = ISDSC_LOGIN_FAILED;

	(void)l;
	if (p->opcode == PDU_OP_LOGIN_RSP && p->u.login_rsp.version_active != 0)
		isdsc = ISDSC_VERSION_MISMATCH;
	/* event 11: the invalid login response in the dump */
	ini_ev_pdu(s->node, s, c, ISCSI_EV_INVALID_LOGIN_RESPONSE, isdsc, p, true);
	ini_login_fail(c, isdsc);
}

static void
l_timeout(struct ini_conn *c, const struct pdu *p, const struct text_list *l)
{
	(void)p;
	(void)l;
	ini_ev_simple(c->sess->node, c->sess, c, ISCSI_EV_LOGIN_TIMEOUT,
	    ISDSC_LOGIN_FAILED);
	c->sess->stats.timeouts++;
	c->sess->last_retryable = true;
	ini_login_fail(c, ISDSC_LOGIN_FAILED);
}
