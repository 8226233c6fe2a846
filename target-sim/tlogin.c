/*
 * Target side of the login phase (RFC 7143 6.3, 11.12, 11.13): first
 * Login Request checks, the security stage (tlogin_auth.c for CHAP), the
 * operational stage through the one negotiation engine (proto/keys), the
 * C bit, stage transitions, and the final step: new session, session
 * reinstatement (6.3.5), a connection added to a session or reinstated.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "catalog.h"
#include "faults.h"
#include "log.h"
#include "tsim_impl.h"

#define LS(name)	ISCSI_LOGIN_STATUS_##name

static uint8_t
status_class(int st)
{
	return (uint8_t)(st >> 8);
}

static uint8_t
status_detail(int st)
{
	return (uint8_t)(st & 0xff);
}

void
tlogin_free(struct tlogin *lg)
{
	if (lg == NULL)
		return;
	keys_neg_free(&lg->neg);
	text_accum_free(&lg->acc);
	OPENSSL_cleanse(lg->chal, sizeof(lg->chal));
	free(lg);
}

static void
rsp_init(struct tconn *tc, const struct pdu *req, struct pdu *rsp)
{
	const struct pdu_login_req *rq = &req->u.login_req;

	pdu_init(rsp, PDU_OP_LOGIN_RSP);
	rsp->itt = req->itt;
	rsp->u.login_rsp.csg = rq->csg;
	rsp->u.login_rsp.version_max = 0;
	rsp->u.login_rsp.version_active = 0;
	memcpy(rsp->u.login_rsp.isid, rq->isid, 6);
	rsp->u.login_rsp.tsih = tc->login != NULL ? tc->login->tsih : 0;
}

void
tlogin_reject(struct tconn *tc, const struct pdu *req, uint8_t cls,
    uint8_t detail, const char *target_address)
{
	struct catalog_login_status ls = catalog_login_status(cls, detail);
	struct text_builder b;
	struct pdu rsp;
	char lb[96];

	text_builder_init(&b, 0);
	rsp_init(tc, req, &rsp);
	rsp.u.login_rsp.status_class = cls;
	rsp.u.login_rsp.status_detail = detail;
	rsp.u.login_rsp.transit = false;
	rsp.u.login_rsp.nsg = 0;
	if (target_address != NULL) {
		text_builder_add_raw(&b, "TargetAddress=", 14);
		text_builder_add_raw(&b, target_address, strlen(target_address));
		text_builder_add_raw(&b, "", 1);
		pdu_set_data(&rsp, b.buf, (uint32_t)b.len);
	}
	tsim_vlog(tc->t, "%s: login answered 0x%02x%02x %s",
	    tconn_label(tc, lb, sizeof(lb)), cls, detail, ls.name);
	if (cls != ISCSI_LOGIN_CLASS_REDIRECTION)
		tc->t->stats.logins_failed++;
	tconn_send(tc, &rsp, true);
	text_builder_free(&b);
	/* RFC 7143 11.13.5: the target closes after a failed login */
	tconn_close_after_flush(tc, false);
}

/* ---- first Login Request ------------------------------------------------ */

static int
first_request(struct tconn *tc, struct tlogin *lg, const struct pdu *p,
    const struct text_list *list)
{
	struct tsim *t = tc->t;
	const struct pdu_login_req *rq = &p->u.login_req;
	const struct text_pair *in = text_list_find(list, "InitiatorName");
	const struct text_pair *st = text_list_find(list, "SessionType");
	const struct text_pair *tn = text_list_find(list, "TargetName");
	const struct tsim_auth_cfg *auth;

	/* 11.12.4: we speak version 0x00 only */
	if (rq->version_min > 0)
		return LS(UNSUPPORTED_VERSION);
	/* 11.12.2 / 13.5: InitiatorName in the first Login Request */
	if (in == NULL)
		return LS(MISSING_PARAMETER);
	snprintf(lg->iname, sizeof(lg->iname), "%s", in->value);
	lg->discovery = st != NULL && strcmp(st->value, "Discovery") == 0;
	if (st != NULL && !lg->discovery && strcmp(st->value, "Normal") != 0)
		return LS(SESSION_TYPE_NOT_SUPPORTED);
	if (!lg->discovery) {
		if (tn == NULL)
			return LS(MISSING_PARAMETER);
		lg->target = tsim_target_by_name(t, tn->value);
		if (lg->target == NULL ||
		    !tsim_target_on_portal(lg->target, tc->portal))
			return LS(NOT_FOUND);
	}
	if (lg->tsih != 0) {
		struct tsession *s = tsession_by_tsih(t, lg->tsih);

		if (s == NULL || memcmp(s->isid, lg->isid, 6) != 0 ||
		    s->discovery != lg->discovery || s->target != lg->target)
			return LS(SESSION_DOES_NOT_EXIST);
		lg->leading = false;
		lg->neg.leading = false;
		lg->neg.params.s = s->sp;
	}
	tsim_keys_local(t, lg->target, &lg->local);
	auth = lg->discovery ? &t->cfg->discovery_auth : &lg->target->cfg->auth;
	lg->auth_cfg = auth;
	lg->chap_required = auth->chap;
	lg->local.value[KEYS_AUTH_METHOD] = auth->chap ? "CHAP" : "None";
	lg->neg.local = &lg->local;
	return 0;
}

/* ---- keys --------------------------------------------------------------- */

struct neg_ctx {
	struct tlogin	*lg;
	int		 fails;
	bool		 auth_rejected;
	char		 first_fail[160];
};

static void
neg_result(void *arg, const struct keys_result *r)
{
	struct neg_ctx *nc = arg;
	struct tlogin *lg = nc->lg;

	(void)lg;
	if (r->status == KEYS_S_AUTH)
		return;		/* chap_from_list() keeps the full values */
	if (r->id == KEYS_AUTH_METHOD && r->status == KEYS_S_REJECT_NO_COMMON)
		nc->auth_rejected = true;
	if (r->action == KEYS_ACT_FAIL) {
		if (nc->fails++ == 0)
			keys_result_format(r, nc->first_fail,
			    sizeof(nc->first_fail));
	}
}

/*
 * CHAP values must be kept as received (long values are truncated in
 * struct keys_result): point into the parsed list instead.
 */
static void
chap_from_list(struct tlogin *lg, const struct text_list *list)
{
	const struct text_pair *pr;

	memset(&lg->chap, 0, sizeof(lg->chap));
	if ((pr = text_list_find(list, "CHAP_A")) != NULL) lg->chap.a = pr->value;
	if ((pr = text_list_find(list, "CHAP_I")) != NULL) lg->chap.i = pr->value;
	if ((pr = text_list_find(list, "CHAP_C")) != NULL) lg->chap.c = pr->value;
	if ((pr = text_list_find(list, "CHAP_N")) != NULL) lg->chap.n = pr->value;
	if ((pr = text_list_find(list, "CHAP_R")) != NULL) lg->chap.r = pr->value;
}

static int
stage_security(struct tconn *tc, struct tlogin *lg, const struct pdu *p,
    const struct text_list *list, struct text_builder *out, bool *ready)
{
	struct neg_ctx nc;
	int st;

	memset(&nc, 0, sizeof(nc));
	nc.lg = lg;
	lg->neg.stage = KEYS_STAGE_SECURITY;
	if (keys_negotiate_list(&lg->neg, list, out, neg_result, &nc) < 0)
		return LS(TARGET_ERROR);
	chap_from_list(lg, list);
	if (nc.auth_rejected)
		return LS(AUTHENTICATION_FAILURE);
	if (nc.fails > 0) {
		tsim_vlog(tc->t, "conn %u: login: %s", tc->id, nc.first_fail);
		return LS(INITIATOR_ERROR);
	}
	if (lg->auth == TA_START && text_list_find(list, "AuthMethod") != NULL)
		lg->auth = lg->neg.params.c.auth_method == KEYS_AUTH_CHAP ?
		    TA_CHAP_WAIT_A : TA_DONE;
	if ((st = tlogin_auth_step(tc, out)) != 0)
		return st;
	if (lg->auth == TA_START && p->u.login_req.transit) {
		/* no AuthMethod offered: acceptable only without CHAP */
		if (lg->chap_required)
			return LS(AUTHENTICATION_FAILURE);
		lg->auth = TA_DONE;
	}
	*ready = lg->auth == TA_DONE;
	return 0;
}

static int
stage_operational(struct tconn *tc, struct tlogin *lg,
    const struct text_list *list, struct text_builder *out, bool *ready)
{
	const struct tsim_target_cfg *tcfg = lg->target ? lg->target->cfg : NULL;
	struct neg_ctx nc;
	size_t i;

	if (lg->chap_required && lg->auth != TA_DONE)
		return LS(AUTHENTICATION_FAILURE);	/* security skipped */
	lg->auth = TA_DONE;
	memset(&nc, 0, sizeof(nc));
	nc.lg = lg;
	lg->neg.stage = KEYS_STAGE_OPERATIONAL;
	if (keys_negotiate_list(&lg->neg, list, out, neg_result, &nc) < 0)
		return LS(TARGET_ERROR);
	if (nc.fails > 0) {
		tsim_vlog(tc->t, "conn %u: login: %s", tc->id, nc.first_fail);
		return LS(INITIATOR_ERROR);
	}
	if (text_list_find(list, "CHAP_A") != NULL ||
	    text_list_find(list, "CHAP_R") != NULL)
		return LS(INITIATOR_ERROR);
	/* 13.12: we declare what we receive */
	if (!lg->sent_mrdsl) {
		keys_offer(&lg->neg, KEYS_MAX_RECV_DATA_SEGMENT_LENGTH, NULL, out);
		lg->sent_mrdsl = true;
	}
	if (!lg->sent_offers && tcfg != NULL) {
		for (i = 0; i < tcfg->noffers; i++)
			if (!(lg->neg.received & KEYS_BIT(tcfg->offers[i])))
				keys_offer(&lg->neg, tcfg->offers[i], NULL, out);
		lg->sent_offers = true;
	}
	*ready = lg->neg.offered == 0;	/* our offers answered */
	return 0;
}

/* ---- the last step: into full feature phase ----------------------------- */

static int
finish(struct tconn *tc, struct tlogin *lg)
{
	struct tsim *t = tc->t;
	struct tsession *s, *old;
	struct tconn *oc;
	char lb[96];

	if (tc->sess != NULL)
		return 0;	/* done for an answer that went in pieces */
	if (lg->tsih != 0) {
		s = tsession_by_tsih(t, lg->tsih);
		if (s == NULL || memcmp(s->isid, lg->isid, 6) != 0)
			return LS(SESSION_DOES_NOT_EXIST);
		oc = tsession_conn_by_cid(s, tc->cid);
		if (oc == NULL && s->nconns >= s->sp.max_connections)
			return LS(TOO_MANY_CONNECTIONS);
		tsession_add_conn(s, tc);
		if (oc != NULL) {
			/* RFC 7143 6.3.4: connection reinstatement */
			tsim_vlog(t, "%s reinstates cid %u",
			    tconn_label(tc, lb, sizeof(lb)), tc->cid);
			tsession_remove_conn(s, oc);
			tconn_close_now(oc, false);
		}
		return 0;
	}
	old = tsession_find(t, lg->iname, lg->isid, lg->target);
	if (old != NULL) {
		/* RFC 7143 6.3.5: session reinstatement */
		tsim_vlog(t, "%s reinstates session tsih %u",
		    tconn_label(tc, lb, sizeof(lb)), old->tsih);
		for (oc = old->conns; oc != NULL; oc = oc->snext)
			tconn_close_now(oc, false);
		tsession_free(old);
	}
	if ((s = tsession_new(t, lg)) == NULL)
		return LS(OUT_OF_RESOURCES);
	tsession_add_conn(s, tc);
	lg->tsih = s->tsih;
	return 0;
}

static void
enter_ffp(struct tconn *tc, struct tlogin *lg)
{
	const struct keys_conn_params *cp = &lg->neg.params.c;
	bool hd = cp->header_digest == KEYS_DIGEST_CRC32C;
	bool dd = cp->data_digest == KEYS_DIGEST_CRC32C;
	char lb[96];

	if (tc->force_digest_none)
		hd = dd = false;
	tc->max_send_dsl = cp->max_send_dsl;
	iconn_set_digests(&tc->ic, hd, dd);
	tc->t->stats.logins_ok++;
	tsim_vlog(tc->t, "%s: %s session to %s, digests %s/%s, MRDSL %u/%u",
	    tconn_label(tc, lb, sizeof(lb)), lg->discovery ? "discovery" :
	    "normal", lg->target ? lg->target->cfg->name : "-",
	    hd ? "CRC32C" : "None", dd ? "CRC32C" : "None", tc->max_recv_dsl,
	    tc->max_send_dsl);
	tc->login = NULL;
	tlogin_free(lg);
	tconn_enter_ffp(tc);
}

/* ---- one Login Request -------------------------------------------------- */

/* A response went out whole (or its last piece did). */
static void
step_done(struct tconn *tc, struct tlogin *lg, bool transit, bool final,
    uint8_t nsg)
{
	if (transit)
		lg->csg = nsg;
	if (final)
		enter_ffp(tc, lg);
}

/*
 * RFC 7143 11.13.2 / 6.1.1: our response went in pieces (C=1); the
 * initiator asks for the next one with an empty Login Request.
 */
static void
continue_response(struct tconn *tc, struct tlogin *lg, const struct pdu *p)
{
	bool transit_ok;

	if (p->data_len > 0 || p->u.login_req.cont) {
		tconn_long_free(tc);
		tsim_vlog(tc->t, "conn %u: text in a Login Request while our "
		    "response is continued", tc->id);
		tlogin_reject(tc, p, ISCSI_LOGIN_CLASS_INITIATOR_ERROR,
		    ISCSI_LOGIN_STATUS_INITIATOR_ERROR & 0xff, NULL);
		return;
	}
	/* 11.13.3: T=1 only if this request has T=1 too; else the stage
	 * stays and the initiator asks again (a new session, made for the
	 * final answer, is kept: finish() does not run twice) */
	transit_ok = p->u.login_req.transit &&
	    p->u.login_req.nsg == lg->pend_nsg;
	if (tconn_long_next(tc, transit_ok) && transit_ok)
		step_done(tc, lg, lg->pend_transit, lg->pend_final,
		    lg->pend_nsg);
}

static int
check_continuation(struct tconn *tc, struct tlogin *lg, const struct pdu *p)
{
	const struct pdu_login_req *rq = &p->u.login_req;

	if (!lg->started) {
		lg->started = true;
		memcpy(lg->isid, rq->isid, 6);
		lg->tsih = lg->tsih_req = rq->tsih;
		lg->cmdsn = rq->cmdsn;
		lg->csg = rq->csg;
		lg->leading = true;
		tc->cid = rq->cid;
		tc->statsn = rq->expstatsn;	/* our first StatSN */
		tc->t_login = evloop_now(tc->t->loop);
		faults_event(tc, FAULT_EV_LOGIN);
		return 0;
	}
	/* 11.12: ISID, TSIH and CID stay the same through the login (a
	 * new TSIH is the initiator's only from the last response) */
	if (memcmp(lg->isid, rq->isid, 6) != 0 || rq->tsih != lg->tsih_req ||
	    rq->cid != tc->cid)
		return LS(INITIATOR_ERROR);
	return 0;
}

void
tlogin_rx(struct tconn *tc, const struct pdu *p)
{
	struct tlogin *lg = tc->login;
	const struct pdu_login_req *rq = &p->u.login_req;
	struct text_list list;
	struct text_error terr;
	struct text_builder out;
	struct pdu rsp;
	bool ready = false, transit, final = false;
	int st = 0;

	if (lg == NULL || tc->closing)
		return;
	if (!lg->started)
		keys_neg_init(&lg->neg, KEYS_ROLE_TARGET, &tc->t->local);
	tc->exp_statsn = rq->expstatsn;
	if ((st = check_continuation(tc, lg, p)) != 0)
		goto fail;
	if (tconn_long_pending(tc)) {
		continue_response(tc, lg, p);
		return;
	}
	if (++lg->npdus > tc->t->cfg->login_pdus_max) {
		st = LS(INITIATOR_ERROR);
		goto fail;
	}
	if (p->data_len > PDU_LOGIN_MAX_DSL) {
		/*
		 * 13.12: during login MaxRecvDataSegmentLength is 8192 for
		 * both sides; longer text must be split with the C bit
		 * (6.2, 11.12.2).  An oversize Login PDU is an initiator error.
		 */
		tsim_vlog(tc->t, "login request data segment %u > %u bytes",
		    p->data_len, PDU_LOGIN_MAX_DSL);
		st = LS(INITIATOR_ERROR);
		goto fail;
	}
	if (text_accum_add(&lg->acc, p->data, p->data_len, rq->cont) !=
	    TEXT_OK) {
		st = LS(INITIATOR_ERROR);
		goto fail;
	}
	if (rq->cont) {
		/* 11.12.2: more text follows; answer with an empty response */
		rsp_init(tc, p, &rsp);
		tconn_send(tc, &rsp, true);
		return;
	}
	memset(&list, 0, sizeof(list));
	if (text_accum_parse(&lg->acc, keys_value_limit, TEXT_PARSE_PAD_OK,
	    &list, &terr) != TEXT_OK) {
		text_accum_reset(&lg->acc);
		st = LS(INITIATOR_ERROR);
		goto fail;
	}
	text_accum_reset(&lg->acc);
	text_builder_init(&out, 0);
	if (!lg->checked) {
		lg->checked = true;
		if ((st = first_request(tc, lg, p, &list)) != 0)
			goto done;
	}
	if (rq->csg != lg->csg || rq->csg > PDU_STAGE_OPERATIONAL ||
	    (rq->transit && rq->nsg <= rq->csg) ||
	    (rq->transit && rq->nsg == 2)) {
		st = LS(INITIATOR_ERROR);
		goto done;
	}
	if (!lg->discovery && !lg->sent_tpgt) {
		/* 13.9: the portal group tag in the first response */
		char v[8];

		snprintf(v, sizeof(v), "%u", tc->portal->cfg->tpgt);
		keys_offer(&lg->neg, KEYS_TARGET_PORTAL_GROUP_TAG, v, &out);
		if (lg->target->cfg->alias[0] != '\0')
			keys_offer(&lg->neg, KEYS_TARGET_ALIAS,
			    lg->target->cfg->alias, &out);
		lg->sent_tpgt = true;
	}
	if (rq->csg == PDU_STAGE_SECURITY)
		st = stage_security(tc, lg, p, &list, &out, &ready);
	else
		st = stage_operational(tc, lg, &list, &out, &ready);
	if (st != 0)
		goto done;
	transit = rq->transit && ready;
	final = transit && rq->nsg == PDU_STAGE_FULL_FEATURE;
	if (final && (st = finish(tc, lg)) != 0)
		goto done;
	rsp_init(tc, p, &rsp);
	rsp.u.login_rsp.transit = transit;
	rsp.u.login_rsp.nsg = transit ? rq->nsg : 0;
	rsp.u.login_rsp.tsih = final ? lg->tsih : rq->tsih;
	pdu_set_data(&rsp, out.buf, (uint32_t)out.len);
	tconn_send(tc, &rsp, true);
	if (tconn_long_pending(tc)) {
		/* in pieces: the stage moves with the last one */
		lg->pend_transit = transit;
		lg->pend_final = final;
		lg->pend_nsg = rq->nsg;
	} else
		step_done(tc, lg, transit, final, rq->nsg);
done:
	text_builder_free(&out);
	text_list_free(&list);
	if (st == 0)
		return;
fail:
	tlogin_reject(tc, p, status_class(st), status_detail(st), NULL);
}
