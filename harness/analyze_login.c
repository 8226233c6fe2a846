/*
 * Login phase of a captured connection: session grouping (ISID/TSIH),
 * redirects, stage transitions and T/C bits, key negotiation watched
 * through the proto/keys engine in both roles (AuthMethod and CHAP in
 * analyze_auth.c), and the negotiated parameters that set the digests and
 * limits.
 *
 * The keys engine watches the login from both sides:
 *   obs_t (target role) receives the initiator's keys: illegal values,
 *         repeats, wrong sender or stage are the initiator's faults;
 *   obs_i (initiator role) is given the initiator's keys as its own
 *         offers and receives the target's: answers that break a result
 *         function, repeats, keys the target may not send.
 * obs_i's parameters are the negotiated result.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "analyze_int.h"
#include "bytes.h"
#include "chap.h"
#include "serial.h"

#define REDIRECT_LOOKBACK	64	/* connections searched for a redirect */

static struct ana_login *
login_get(struct ana_conn_int *c)
{
	struct ana_login *l;
	int d;

	if (c->login != NULL)
		return c->login;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	keys_local_init(&l->local_i);
	keys_local_init(&l->local_t);
	keys_neg_init(&l->obs_i, KEYS_ROLE_INITIATOR, &l->local_i);
	keys_neg_init(&l->obs_t, KEYS_ROLE_TARGET, &l->local_t);
	for (d = 0; d < 2; d++)
		text_accum_init(&l->acc[d], 0);
	c->login = l;
	return l;
}

void
ana_login_free(struct ana_conn_int *c)
{
	struct ana_login *l = c->login;
	int d;

	if (l == NULL)
		return;
	keys_neg_free(&l->obs_i);
	keys_neg_free(&l->obs_t);
	for (d = 0; d < 2; d++)
		text_accum_free(&l->acc[d]);
	free(l);
	c->login = NULL;
}

static enum keys_stage
keys_stage_of(uint8_t csg)
{
	return csg == PDU_STAGE_SECURITY ? KEYS_STAGE_SECURITY :
	    KEYS_STAGE_OPERATIONAL;
}

/* ---- sessions and redirects ----------------------------------------- */

static void
format_addr(int family, const uint8_t *addr, char *buf, size_t bufsz)
{
	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)bufsz);
}

/* Was this connection's login the answer to an earlier redirect? */
static void
link_redirect(struct ana *a, struct ana_conn_int *c, const uint8_t *isid)
{
	struct text_address ta;
	char host[64];
	size_t i, n = 0;

	format_addr(c->pub.family, c->pub.taddr, host, sizeof(host));
	for (i = a->nconns; i-- > 0 && n < REDIRECT_LOOKBACK; n++) {
		struct ana_conn_int *o = a->conns[i];

		if (o == c || o->pub.redirect_to[0] == '\0' || o->sess == NULL ||
		    memcmp(o->sess->pub.isid, isid, 6) != 0)
			continue;
		if (text_parse_address(o->pub.redirect_to,
		    strlen(o->pub.redirect_to), &ta) != TEXT_OK)
			continue;
		if (strcmp(ta.host, host) == 0 && ta.port == c->pub.tport) {
			c->sess->pub.redirected_from = o->sess->pub.id;
			return;
		}
	}
}

static void
join_session(struct ana_conn_int *c, const struct pdu *p)
{
	const struct pdu_login_req *r = &p->u.login_req;
	struct ana *a = c->ana;
	struct ana_session_int *s = NULL;

	c->pub.login_seen = true;
	c->pub.cid = r->cid;
	if (c->sess != NULL && c->sess->pub.isid_known)
		return;
	if (r->tsih != 0)
		s = ana_session_find(a, r->isid, r->tsih);
	if (s == NULL && c->sess != NULL)
		s = c->sess;		/* created before the login was seen */
	if (s == NULL)
		s = ana_session_new(a);
	if (s == NULL)
		return;
	memcpy(s->pub.isid, r->isid, 6);
	s->pub.tsih = r->tsih;
	s->pub.isid_known = true;
	ana_conn_set_session(c, s);
	if (r->tsih == 0)
		link_redirect(a, c, r->isid);
}

/* ---- key text ------------------------------------------------------- */

/* Value of the first pair with this key, or NULL. */
const char *
ana_text_find(const struct text_list *list, const char *key)
{
	const struct text_pair *p = text_list_find(list, key);

	return p != NULL ? p->value : NULL;
}


/* Complete text of a Login/Text PDU sequence (C bit), parsed; else false. */
static bool
text_complete(struct ana_conn_int *c, struct text_accum *acc, enum ana_dir dir,
    const struct pdu *p, bool more, struct text_list *list)
{
	struct text_error te;
	char where[200];
	int rc;

	if (acc->complete)
		text_accum_reset(acc);
	rc = text_accum_add(acc, p->data, p->data_len, more);
	if (rc != TEXT_OK) {
		ana_report(c->ana, c, dir, ANA_CHK_KEY_TEXT, p, "%s",
		    text_strerror(rc));
		text_accum_reset(acc);
		return false;
	}
	if (!text_accum_complete(acc))
		return false;
	rc = text_accum_parse(acc, keys_value_limit, TEXT_PARSE_PAD_OK, list,
	    &te);
	if (rc != TEXT_OK) {
		text_error_format(&te, where, sizeof(where));
		ana_report(c->ana, c, dir, ANA_CHK_KEY_TEXT, p, "%s", where);
		return false;
	}
	return true;
}

static enum ana_check
check_of_status(enum keys_status st)
{
	switch (st) {
	case KEYS_S_FAIL_REPEATED:
		return ANA_CHK_KEY_REPEATED;
	case KEYS_S_FAIL_ANSWER_SYNTAX:
	case KEYS_S_FAIL_ANSWER_RANGE:
	case KEYS_S_FAIL_ANSWER_LIST:
	case KEYS_S_FAIL_ANSWER_BOOL:
		return ANA_CHK_KEY_ANSWER;
	case KEYS_S_NO_ANSWER:
		return ANA_CHK_KEY_NO_ANSWER;
	case KEYS_S_PEER_REJECT:
	case KEYS_S_PEER_NOT_UNDERSTOOD:
	case KEYS_S_PEER_IRRELEVANT:
		return ANA_CHK_KEY_REFUSED;
	default:
		return ANA_CHK_KEY_VALUE;
	}
}

/* Results of the target's keys (obs_i). */
static void
on_target_key(void *arg, const struct keys_result *r)
{
	struct keycb *k = arg;
	struct ana_login *l = k->c->login;
	char buf[600];

	switch (r->status) {
	case KEYS_S_AGREED:
	case KEYS_S_DECLARED:
	case KEYS_S_AUTH:
	case KEYS_S_NOT_UNDERSTOOD:	/* a vendor key: the initiator says so */
	case KEYS_S_REJECT_OBSOLETE:	/* 13.25: "No" is an allowed answer */
		return;
	case KEYS_S_ACCEPTED:
	case KEYS_S_ANSWER_OPTIONAL:
	case KEYS_S_IRRELEVANT:
	case KEYS_S_IRRELEVANT_BURST:
		if (r->id >= 0)
			l->target_offered |= KEYS_BIT(r->id);
		return;
	default:
		break;
	}
	keys_result_format(r, buf, sizeof(buf));
	ana_report(k->c->ana, k->c, k->dir, check_of_status(r->status), k->p,
	    "target: %s", buf);
}

/* Results of the initiator's keys (obs_t). */
static void
check_initiator_key(struct keycb *k, const char *key, const char *value)
{
	struct ana_login *l = k->c->login;
	struct keys_result r;
	struct text_builder scratch;
	char buf[600];
	int id;

	keys_negotiate(&l->obs_t, key, value, &r);
	switch (r.status) {
	case KEYS_S_FAIL_REPEATED:
	case KEYS_S_FAIL_SENDER:
	case KEYS_S_FAIL_RESERVED:
	case KEYS_S_FAIL_VALUE:
	case KEYS_S_REJECT_VALUE:
	case KEYS_S_REJECT_RANGE:
	case KEYS_S_REJECT_STAGE:
	case KEYS_S_REJECT_NON_LEADING:
		keys_result_format(&r, buf, sizeof(buf));
		ana_report(k->c->ana, k->c, k->dir, check_of_status(r.status),
		    k->p, "initiator: %s", buf);
		break;
	default:
		break;
	}
	id = keys_lookup(key);
	if (id == KEYS_UNKNOWN)
		return;
	if (l->target_offered & KEYS_BIT(id)) {
		/* the initiator answers the target's offer */
		l->target_offered &= ~KEYS_BIT(id);
		keys_params_set(&l->obs_i.params, id, value);
		return;
	}
	if (keys_def(id)->result == KEYS_RES_AUTH ||
	    keys_def(id)->result == KEYS_RES_OBSOLETE)
		return;
	snprintf(l->ivals[id], sizeof(l->ivals[id]), "%s", value);
	l->local_i.value[id] = l->ivals[id];
	text_builder_init(&scratch, 0);
	keys_offer(&l->obs_i, id, value, &scratch);
	text_builder_free(&scratch);
}

/* ---- Login PDUs ----------------------------------------------------- */

static void
login_request(struct ana_conn_int *c, struct ana_login *l, const struct pdu *p)
{
	const struct pdu_login_req *r = &p->u.login_req;
	struct text_list list;
	struct keycb k = { c, ANA_DIR_I2T, p };
	size_t i;

	join_session(c, p);
	if (l->stage_known && r->csg != l->stage)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_LOGIN_STAGE, p,
		    "Login Request CSG %u (%s), the stage in progress is %u "
		    "(%s)", r->csg, pdu_stage_name(r->csg) ? pdu_stage_name(
		    r->csg) : "reserved", l->stage, pdu_stage_name(l->stage));
	if (l->have_req && memcmp(l->req.isid, r->isid, 6) != 0)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_LOGIN_STAGE, p,
		    "ISID changed within one login (RFC 7143 11.12.5)");
	l->have_req = true;
	l->req = *r;
	l->req_itt = p->itt;
	l->req_frame = c->ana->frame;
	l->req_time = c->ana->time;
	l->obs_t.leading = l->obs_i.leading = r->tsih == 0;
	l->obs_t.stage = l->obs_i.stage = keys_stage_of(r->csg);
	if (!text_complete(c, &l->acc[ANA_DIR_I2T], ANA_DIR_I2T, p, r->cont,
	    &list))
		return;
	for (i = 0; i < list.npairs; i++)
		check_initiator_key(&k, list.pairs[i].key, list.pairs[i].value);
	ana_auth_text(&k, &list, r->csg == PDU_STAGE_SECURITY);
	if (c->sess != NULL) {
		if (l->obs_i.params.s.initiator_name[0] != '\0')
			memcpy(c->sess->pub.initiator_name,
			    l->obs_i.params.s.initiator_name, ANA_NAME_MAX);
		if (l->obs_i.params.s.target_name[0] != '\0')
			memcpy(c->sess->pub.target_name,
			    l->obs_i.params.s.target_name, ANA_NAME_MAX);
		c->sess->pub.discovery = l->obs_i.params.s.session_type ==
		    KEYS_SESSION_DISCOVERY;
	}
	text_list_free(&list);
}

static void
on_finish_key(void *arg, const struct keys_result *r)
{
	struct keycb *k = arg;
	char buf[600];

	keys_result_format(r, buf, sizeof(buf));
	if (r->status == KEYS_S_NO_ANSWER)
		ana_report(k->c->ana, k->c, k->dir, ANA_CHK_KEY_NO_ANSWER, k->p,
		    "target: %s", buf);
}

/* Login complete: negotiated parameters, digests and session checks. */
static void
enter_ffp(struct ana_conn_int *c, struct ana_login *l, const struct pdu *p)
{
	struct keycb k = { c, ANA_DIR_T2I, p };
	struct keys_finding f[KEYS_NFINDINGS];
	struct keys_params *pr = &l->obs_i.params;
	uint8_t dump[8];
	size_t n, i;
	bool hd, dd;

	keys_neg_finish(&l->obs_i, on_finish_key, &k);
	n = keys_check_session(&l->local_i, pr, f, KEYS_NFINDINGS);
	for (i = 0; i < n && i < KEYS_NFINDINGS; i++) {
		switch (f[i].code) {
		case KEYS_CHK_BURST_ORDER:
			put_le32_pair(dump, (uint32_t)f[i].a, (uint32_t)f[i].b);
			ana_report_ev(c->ana, c, ANA_DIR_T2I, ANA_CHK_BURST_ORDER,
			    p, ISCSI_EV_MAXBURST_NOT_GREATER, 0, dump, 8,
			    "FirstBurstLength %llu, MaxBurstLength %llu",
			    (unsigned long long)f[i].a,
			    (unsigned long long)f[i].b);
			break;
		case KEYS_CHK_HEADER_DIGEST_REQUIRED:
		case KEYS_CHK_DATA_DIGEST_REQUIRED:
			ana_report_ev(c->ana, c, ANA_DIR_T2I,
			    ANA_CHK_DIGEST_REFUSED, p,
			    f[i].code == KEYS_CHK_HEADER_DIGEST_REQUIRED ?
			    ISCSI_EV_HEADER_DIGEST_NOT_OFFERED :
			    ISCSI_EV_DATA_DIGEST_NOT_OFFERED, 0, NULL, 0, "%s",
			    keys_finding_text(f[i].code));
			break;
		case KEYS_CHK_DATA_PDU_ORDER:
		case KEYS_CHK_DATA_SEQUENCE_ORDER:
			ana_report_ev(c->ana, c, ANA_DIR_T2I,
			    ANA_CHK_ORDER_REFUSED, p,
			    f[i].code == KEYS_CHK_DATA_PDU_ORDER ?
			    ISCSI_EV_DATAPDUINORDER_NO :
			    ISCSI_EV_DATASEQUENCEINORDER_NO, 0, NULL, 0, "%s",
			    keys_finding_text(f[i].code));
			break;
		default:
			break;
		}
	}
	hd = pr->c.header_digest == KEYS_DIGEST_CRC32C;
	dd = pr->c.data_digest == KEYS_DIGEST_CRC32C;
	framer_set_digests(&c->fr[ANA_DIR_I2T], hd, dd);
	framer_set_digests(&c->fr[ANA_DIR_T2I], hd, dd);
	c->pub.hdigest = hd;
	c->pub.ddigest = dd;
	c->pub.max_recv_dsl[ANA_DIR_T2I] = pr->c.max_recv_dsl;
	c->pub.max_recv_dsl[ANA_DIR_I2T] = pr->c.max_send_dsl;
	c->pub.ffp = true;
	if (c->sess != NULL && (l->obs_i.leading || !c->sess->pub.params_known)) {
		c->sess->pub.params = *pr;
		c->sess->pub.params_known = true;
		c->sess->pub.discovery = pr->s.session_type ==
		    KEYS_SESSION_DISCOVERY;
	}
}

static void
redirect(struct ana_conn_int *c, const struct text_list *list,
    const struct pdu *p)
{
	const char *v = list != NULL ? ana_text_find(list, "TargetAddress") : NULL;
	struct text_address ta;

	if (v == NULL || text_parse_address(v, strlen(v), &ta) != TEXT_OK) {
		ana_report_ev(c->ana, c, ANA_DIR_T2I, ANA_CHK_REDIRECT_DATA, p,
		    ISCSI_EV_INVALID_REDIRECT_DATA, 0, p->data, p->data_len,
		    "redirect (status 0x%02x%02x) %s",
		    p->u.login_rsp.status_class, p->u.login_rsp.status_detail,
		    v == NULL ? "without TargetAddress" :
		    "with a malformed TargetAddress");
		return;
	}
	snprintf(c->pub.redirect_to, sizeof(c->pub.redirect_to), "%s", v);
	ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_REDIRECT, p,
	    "%s to %s", catalog_login_status(p->u.login_rsp.status_class,
	    p->u.login_rsp.status_detail).text, v);
}

static void
login_response(struct ana_conn_int *c, struct ana_login *l, const struct pdu *p)
{
	const struct pdu_login_rsp *r = &p->u.login_rsp;
	struct catalog_login_status ls;
	struct text_list list;
	struct keycb k = { c, ANA_DIR_T2I, p };
	bool have_list;
	uint8_t dump[8];

	c->pub.login_class = r->status_class;
	c->pub.login_detail = r->status_detail;
	if (l->have_req)
		ana_count_rtt(c->ana, ANA_RTT_LOGIN, c->ana->time - l->req_time,
		    l->req_frame);
	/* 11.13.5: with a failure status only the status is significant */
	if (l->have_req && r->status_class == 0) {
		if (p->itt != l->req_itt)
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_FIELD, p,
			    "ITT 0x%08x, request had 0x%08x (RFC 7143 11.13)",
			    p->itt, l->req_itt);
		if (memcmp(r->isid, l->req.isid, 6) != 0)
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_FIELD, p,
			    "ISID differs from the request's (RFC 7143 11.13)");
	}
	if (r->status_class != 0) {
		have_list = text_complete(c, &l->acc[ANA_DIR_T2I], ANA_DIR_T2I,
		    p, false, &list);
		ls = catalog_login_status(r->status_class, r->status_detail);
		if (r->status_class == ISCSI_LOGIN_CLASS_REDIRECTION)
			redirect(c, have_list ? &list : NULL, p);
		else
			ana_report_ev(c->ana, c, ANA_DIR_T2I,
			    ANA_CHK_LOGIN_FAILED, p, ISCSI_EV_LOGIN_FAILED,
			    ls.isdsc, NULL, 0, "status 0x%02x%02x %s: %s",
			    r->status_class, r->status_detail, ls.name, ls.text);
		if (have_list)
			text_list_free(&list);
		return;
	}
	if (!c->statsn_known) {
		c->statsn_known = true;
		c->exp_statsn = r->statsn;
	}
	if (l->have_req) {
		if (r->csg != l->req.csg)
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_STAGE, p,
			    "response CSG %u, request CSG %u (RFC 7143 11.13.3)",
			    r->csg, l->req.csg);
		if (r->transit && !l->req.transit)
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_STAGE, p,
			    "T=1 in the response to a request with T=0 (RFC 7143 "
			    "11.13.3)");
		if (r->transit && l->req.transit && r->nsg > l->req.nsg)
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_STAGE, p,
			    "response NSG %u beyond the request's NSG %u (RFC "
			    "7143 6.3)", r->nsg, l->req.nsg);
		if (l->req.tsih != 0 && r->tsih != l->req.tsih && r->transit &&
		    r->nsg == PDU_STAGE_FULL_FEATURE)
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_FIELD, p,
			    "TSIH 0x%04x, the request joined TSIH 0x%04x (RFC 7143 "
			    "11.13.6)", r->tsih, l->req.tsih);
		if (r->version_active < l->req.version_min ||
		    r->version_active > l->req.version_max)
			ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_FIELD, p,
			    "Version-active %u outside the request's range %u..%u "
			    "(RFC 7143 11.13.4)", r->version_active,
			    l->req.version_min, l->req.version_max);
	}
	l->obs_i.stage = l->obs_t.stage = keys_stage_of(r->csg);
	if (text_complete(c, &l->acc[ANA_DIR_T2I], ANA_DIR_T2I, p, r->cont,
	    &list)) {
		keys_negotiate_list(&l->obs_i, &list, NULL, on_target_key, &k);
		ana_auth_text(&k, &list, r->csg == PDU_STAGE_SECURITY);
		text_list_free(&list);
	}
	l->stage_known = true;
	l->stage = r->transit ? r->nsg : r->csg;
	if (r->transit && r->nsg == PDU_STAGE_FULL_FEATURE) {
		if (!cmdsn_login_window_ok(r->expcmdsn, r->maxcmdsn)) {
			put_le32_pair(dump, r->expcmdsn, r->maxcmdsn);
			ana_report_ev(c->ana, c, ANA_DIR_T2I, ANA_CHK_LOGIN_WINDOW,
			    p, ISCSI_EV_MAXCMDSN_NOT_GREATER, 0, dump, 8,
			    "ExpCmdSN %u, MaxCmdSN %u", r->expcmdsn, r->maxcmdsn);
		}
		if (c->sess != NULL) {
			c->sess->pub.tsih = r->tsih;
			c->sess->window_known = true;
			c->sess->expcmdsn = r->expcmdsn;
			c->sess->maxcmdsn = r->maxcmdsn;
			if (!c->sess->cmdsn_known) {
				c->sess->cmdsn_known = true;
				c->sess->cmdsn_next = r->expcmdsn;
			}
		}
		enter_ffp(c, l, p);
		ana_login_free(c);
	}
}

void
ana_login_pdu(struct ana_conn_int *c, enum ana_dir dir, const struct pdu *p)
{
	struct ana_login *l;

	if (c->pub.ffp) {
		ana_report(c->ana, c, dir, ANA_CHK_LOGIN_STAGE, p, "%s in Full "
		    "Feature Phase (RFC 7143 6.3)", pdu_opcode_name(p->opcode));
		return;
	}
	if ((l = login_get(c)) == NULL)
		return;
	if (dir == ANA_DIR_I2T && p->opcode == PDU_OP_LOGIN_REQ)
		login_request(c, l, p);
	else if (dir == ANA_DIR_T2I && p->opcode == PDU_OP_LOGIN_RSP)
		login_response(c, l, p);
}

/* Text Request/Response in FFP: text syntax and TargetAddress values. */
void
ana_text_pdu(struct ana_conn_int *c, enum ana_dir dir, const struct pdu *p)
{
	struct text_list list;
	struct ana_login *l;
	bool more = dir == ANA_DIR_I2T ? p->u.text_req.cont : p->u.text_rsp.cont;
	struct text_address ta;
	size_t i;

	if ((l = login_get(c)) == NULL)
		return;
	if (!text_complete(c, &l->acc[dir], dir, p, more, &list))
		return;
	for (i = 0; i < list.npairs; i++)
		if (strcmp(list.pairs[i].key, "TargetAddress") == 0 &&
		    text_parse_address(list.pairs[i].value,
		    strlen(list.pairs[i].value), &ta) != TEXT_OK)
			ana_report(c->ana, c, dir, ANA_CHK_KEY_VALUE, p,
			    "malformed TargetAddress=%s (RFC 7143 13.8)",
			    list.pairs[i].value);
	text_list_free(&list);
}
