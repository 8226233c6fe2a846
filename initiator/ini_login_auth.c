/*
 * Security negotiation stage of the login (RFC 7143 6.3.2, 12.1):
 * AuthMethod None or CHAP, one-way or mutual (seed authentication types
 * 0, 1, 2), CHAP_A preference list with MD5 always offered, and the seed
 * events of the stage: 13 unknown AuthMethod, 14 unknown CHAP algorithm,
 * 15 invalid challenge characters, 16 invalid key, 17 response mismatch,
 * 33 challenge too long, 35 short target secret, 38 target offers no CHAP,
 * 40 target requires CHAP we are not configured for, 41 no AuthMethod.
 * Secrets never leave this file except as CHAP responses.
 */
#include <string.h>

#include "ini_internal.h"
#include "log.h"

#define CHAP_PREF_MAX	8

static bool
want_chap(const struct ini_session *s)
{
	return s->opts.has_auth && s->opts.auth_type != INI_AUTH_NONE;
}

static bool
want_mutual(const struct ini_session *s)
{
	return s->opts.has_auth && s->opts.auth_type == INI_AUTH_MUTUAL_CHAP;
}

static const char *
chap_user(const struct ini_session *s)
{
	return s->opts.has_username && s->opts.username[0] != '\0' ?
	    s->opts.username : s->node->name;
}

static size_t
chap_prefs(const struct ini_node *n, enum chap_alg *out)
{
	const char *cur = n->cfg.chap_algorithms, *item, *end;
	size_t len, k = 0;
	uint64_t v;

	end = cur + strlen(cur);
	while (k < CHAP_PREF_MAX && text_list_next(&cur, end, &item, &len))
		if (text_parse_number(item, len, 0, 255, &v) == TEXT_OK &&
		    chap_alg_known((int)v))
			out[k++] = (enum chap_alg)v;
	return k;
}

/* Checks made before any connection: secrets and user name (events 35). */
uint32_t
ini_auth_check_config(struct ini_session *s)
{
	const struct ini_login_opts *o = &s->opts;
	const char *user;

	if (o->has_auth && o->auth_type > INI_AUTH_MUTUAL_CHAP)
		return ISDSC_INVALID_LOGON_AUTH_TYPE;
	if (!want_chap(s))
		return INI_ISDSC_OK;
	if (!o->has_password || o->password.cs_len == 0)
		return ISDSC_TARGET_AUTHINFO_UNAVAILABLE;
	switch (chap_secret_check(o->password.cs_len, CHAP_POLICY_RFC)) {
	case CHAP_OK:
		break;
	case CHAP_ESECRETSHORT:
		/* event 35: the length only, never the secret */
		ini_ev_secret_short(s->node, ISCSI_EV_TARGET_CHAP_SECRET_SHORT,
		    o->password.cs_len);
		return ISDSC_SHORT_CHAP_SECRET;
	default:
		return ISDSC_INVALID_TARGET_CHAP_SECRET;
	}
	user = chap_user(s);
	if (chap_name_check(user, strlen(user)) != CHAP_OK)
		return ISDSC_INVALID_CHAP_USER_NAME;
	if (want_mutual(s)) {
		if (!s->node->has_secret)
			return ISDSC_INVALID_INITIATOR_CHAP_SECRET;
		if (chap_secrets_distinct(&s->node->secret, &o->password) !=
		    CHAP_OK)
			return ISDSC_INVALID_CHAP_SECRET;
	}
	return INI_ISDSC_OK;
}

bool
ini_auth_prepare(struct ini_conn *c)
{
	struct ini_login *L = &c->login;

	if (want_chap(c->sess)) {
		L->local.value[KEYS_AUTH_METHOD] = "CHAP";
		L->state = INI_LS_SEC_AUTH;
	} else {
		L->local.value[KEYS_AUTH_METHOD] = "None";
		L->state = INI_LS_SEC_DONE;
	}
	return true;
}

/* ---- response --------------------------------------------------------- */

struct auth_scan {
	bool		auth_seen;
	bool		alg_seen, id_seen, chal_seen, resp_seen;
	uint8_t		id;
	uint8_t		chal[CHAP_CHALLENGE_MAX];
	size_t		chal_len;
	const char	*resp;
	size_t		resp_len;
};

static bool
fail_key(struct ini_conn *c, const struct text_pair *kv)
{
	struct ini_session *s = c->sess;
	char buf[TEXT_KEY_MAX + TEXT_LONG_VALUE_MAX + 2];
	int n;

	/* event 16: the key=value pair as received */
	n = snprintf(buf, sizeof(buf), "%s=%s", kv->key, kv->value);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	ini_ev_bytes(s->node, s, c, ISCSI_EV_INVALID_CHAP_KEY,
	    ISDSC_AUTHENTICATION_FAILURE, buf, (size_t)n);
	ini_login_fail(c, ISDSC_AUTHENTICATION_FAILURE);
	return false;
}

static bool
fail_text(struct ini_conn *c, unsigned ev, uint32_t isdsc, const char *v,
    size_t len)
{
	ini_ev_bytes(c->sess->node, c->sess, c, ev, isdsc, v, len);
	ini_login_fail(c, isdsc);
	return false;
}

static bool
chap_key(struct ini_conn *c, struct auth_scan *a, const struct text_pair *kv)
{
	struct ini_login *L = &c->login;
	enum chap_alg pref[CHAP_PREF_MAX + 1];
	size_t npref = chap_prefs(c->sess->node, pref);
	int rc;

	if (L->state == INI_LS_SEC_CHAP_A && strcmp(kv->key, "CHAP_A") == 0) {
		pref[npref++] = CHAP_ALG_MD5;		/* always offered */
		if (chap_alg_select(kv->value, kv->valuelen, pref, npref,
		    CHAP_ORDER_PEER, &L->alg) != CHAP_OK)
			return fail_text(c, ISCSI_EV_UNKNOWN_CHAP_ALGORITHM,
			    ISDSC_AUTHENTICATION_FAILURE, kv->value, kv->valuelen);
		a->alg_seen = true;
		return true;
	}
	if (L->state == INI_LS_SEC_CHAP_A && strcmp(kv->key, "CHAP_I") == 0) {
		if (chap_identifier_parse(kv->value, kv->valuelen, &a->id) !=
		    CHAP_OK)
			return fail_key(c, kv);
		a->id_seen = true;
		return true;
	}
	if (L->state == INI_LS_SEC_CHAP_A && strcmp(kv->key, "CHAP_C") == 0) {
		rc = chap_challenge_decode(kv->value, kv->valuelen, NULL, 0,
		    a->chal, sizeof(a->chal), &a->chal_len, NULL);
		if (rc == CHAP_EENCODING)
			return fail_text(c, ISCSI_EV_INVALID_CHAP_CHALLENGE,
			    ISDSC_AUTHENTICATION_FAILURE, kv->value, kv->valuelen);
		if (rc == CHAP_ECHALLTOOLONG) {
			ini_ev_simple(c->sess->node, c->sess, c,
			    ISCSI_EV_CHAP_CHALLENGE_TOO_LONG,
			    ISDSC_AUTHENTICATION_FAILURE);
			ini_login_fail(c, ISDSC_AUTHENTICATION_FAILURE);
			return false;
		}
		if (rc != CHAP_OK)
			return fail_key(c, kv);
		a->chal_seen = true;
		return true;
	}
	if (L->state == INI_LS_SEC_CHAP_R && want_mutual(c->sess) &&
	    strcmp(kv->key, "CHAP_N") == 0)
		return true;
	if (L->state == INI_LS_SEC_CHAP_R && want_mutual(c->sess) &&
	    strcmp(kv->key, "CHAP_R") == 0) {
		a->resp = kv->value;
		a->resp_len = kv->valuelen;
		a->resp_seen = true;
		return true;
	}
	return fail_key(c, kv);
}

static bool
known_method(const char *v)
{
	const char *const *vals = keys_values(KEYS_AUTH_METHOD);
	size_t i;

	for (i = 0; vals != NULL && vals[i] != NULL; i++)
		if (strcmp(vals[i], v) == 0)
			return true;
	return false;
}

static bool
auth_method_result(struct ini_conn *c, const struct keys_result *r)
{
	struct ini_session *s = c->sess;
	bool agreed = r->status == KEYS_S_AGREED;

	if (agreed)
		return true;
	if (r->status == KEYS_S_FAIL_ANSWER_LIST ||
	    r->status == KEYS_S_FAIL_ANSWER_SYNTAX) {
		if (!known_method(r->value))
			/* event 13: the AuthMethod value given */
			return fail_text(c, ISCSI_EV_UNKNOWN_AUTHMETHOD,
			    ISDSC_AUTHENTICATION_FAILURE, r->value,
			    strlen(r->value));
	}
	if (want_chap(s)) {
		/* event 38: we require CHAP, the target did not offer it */
		ini_ev_simple(s->node, s, c, ISCSI_EV_TARGET_NO_CHAP,
		    ISDSC_AUTHENTICATION_FAILURE);
		ini_login_fail(c, ISDSC_AUTHENTICATION_FAILURE);
	} else {
		/* event 40: the target requires authentication */
		ini_ev_simple(s->node, s, c, ISCSI_EV_INITIATOR_NO_CHAP,
		    ISDSC_TARGET_AUTHINFO_UNAVAILABLE);
		ini_login_fail(c, ISDSC_TARGET_AUTHINFO_UNAVAILABLE);
	}
	return false;
}

static bool
send_chap_response(struct ini_conn *c, const struct auth_scan *a)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	uint8_t resp[CHAP_DIGEST_MAX];
	char text[TEXT_LONG_VALUE_MAX + 1];
	size_t rlen;

	if (chap_response(L->alg, a->id, s->opts.password.cs_buf,
	    s->opts.password.cs_len, a->chal, a->chal_len, resp, sizeof(resp),
	    &rlen) != CHAP_OK) {
		/* event 37: the digest provider failed */
		ini_ev_simple(s->node, s, c, ISCSI_EV_FIPS_INIT_FAILED,
		    ISDSC_AUTHENTICATION_FAILURE);
		ini_login_fail(c, ISDSC_AUTHENTICATION_FAILURE);
		return false;
	}
	chap_value_encode(resp, rlen, BINVAL_HEX, text, sizeof(text));
	text_builder_add(&L->answers, "CHAP_N", chap_user(s));
	text_builder_add(&L->answers, "CHAP_R", text);
	if (want_mutual(s)) {
		L->my_challenge_len = chap_challenge_default_len(L->alg);
		if (chap_identifier_generate(&L->my_id) != CHAP_OK ||
		    chap_challenge_generate(L->my_challenge,
		    L->my_challenge_len) != CHAP_OK) {
			ini_ev_simple(s->node, s, c, ISCSI_EV_FIPS_INIT_FAILED,
			    ISDSC_AUTHENTICATION_FAILURE);
			ini_login_fail(c, ISDSC_AUTHENTICATION_FAILURE);
			return false;
		}
		text_builder_add_number(&L->answers, "CHAP_I", L->my_id);
		chap_value_encode(L->my_challenge, L->my_challenge_len,
		    BINVAL_HEX, text, sizeof(text));
		text_builder_add(&L->answers, "CHAP_C", text);
	}
	L->state = INI_LS_SEC_CHAP_R;
	ini_login_send(c, true, PDU_STAGE_SECURITY, PDU_STAGE_OPERATIONAL);
	return true;
}

/* Ask the target to move on to the operational stage. */
static bool
ask_transit(struct ini_conn *c, const struct pdu *p)
{
	struct ini_login *L = &c->login;

	if (p->u.login_rsp.transit) {
		L->state = INI_LS_OPERATIONAL;
		L->rounds = 0;
		return true;
	}
	if (++L->rounds > 64) {
		ini_ev_pdu(c->sess->node, c->sess, c,
		    ISCSI_EV_INVALID_LOGIN_RESPONSE, ISDSC_LOGIN_FAILED, p, true);
		ini_login_fail(c, ISDSC_LOGIN_FAILED);
		return false;
	}
	L->state = INI_LS_SEC_DONE;
	ini_login_send(c, true, PDU_STAGE_SECURITY, PDU_STAGE_OPERATIONAL);
	return true;
}

bool
ini_auth_on_response(struct ini_conn *c, const struct pdu *p,
    const struct text_list *l)
{
	struct ini_login *L = &c->login;
	struct ini_session *s = c->sess;
	struct keys_result res;
	struct auth_scan a;
	char offer[64];
	enum chap_alg pref[CHAP_PREF_MAX];
	size_t i, npref;
	int rc;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < l->npairs; i++) {
		const struct text_pair *kv = &l->pairs[i];

		if (strncmp(kv->key, "CHAP_", 5) == 0) {
			if (!chap_key(c, &a, kv))
				return false;
			continue;
		}
		keys_negotiate(&L->neg, kv->key, kv->value, &res);
		if (res.status == KEYS_S_FAIL_REPEATED) {
			/* RFC 7143 6.2: a key sent twice; as in the
			 * operational stage, an invalid response (event 11) */
			ini_ev_pdu(s->node, s, c, ISCSI_EV_INVALID_LOGIN_RESPONSE,
			    ISDSC_INVALID_TEXT_KEY, p, true);
			ini_login_fail(c, ISDSC_INVALID_TEXT_KEY);
			return false;
		}
		if (res.id == KEYS_AUTH_METHOD) {
			a.auth_seen = true;
			if (!auth_method_result(c, &res))
				return false;
			continue;
		}
		if (res.action == KEYS_ACT_ANSWER)
			text_builder_add(&L->answers, kv->key, res.answer);
		else if (res.action == KEYS_ACT_FAIL)
			return fail_key(c, kv);
	}
	/* event 41: our AuthMethod offer was not answered */
	if (!a.auth_seen && (L->neg.offered & KEYS_BIT(KEYS_AUTH_METHOD))) {
		ini_ev_simple(s->node, s, c, ISCSI_EV_NO_AUTHMETHOD,
		    ISDSC_AUTHENTICATION_FAILURE);
		ini_login_fail(c, ISDSC_AUTHENTICATION_FAILURE);
		return false;
	}
	switch (L->state) {
	case INI_LS_SEC_AUTH:
		npref = chap_prefs(s->node, pref);
		rc = chap_alg_offer(pref, npref, offer, sizeof(offer));
		if (rc < 0)
			snprintf(offer, sizeof(offer), "%d", CHAP_ALG_MD5);
		text_builder_add(&L->answers, "CHAP_A", offer);
		L->state = INI_LS_SEC_CHAP_A;
		ini_login_send(c, false, PDU_STAGE_SECURITY, 0);
		return true;
	case INI_LS_SEC_CHAP_A:
		if (!a.alg_seen || !a.id_seen || !a.chal_seen) {
			ini_ev_pdu(s->node, s, c, ISCSI_EV_INVALID_LOGIN_RESPONSE,
			    ISDSC_AUTHENTICATION_FAILURE, p, true);
			ini_login_fail(c, ISDSC_AUTHENTICATION_FAILURE);
			return false;
		}
		return send_chap_response(c, &a);
	case INI_LS_SEC_CHAP_R:
		if (want_mutual(s)) {
			rc = a.resp_seen ? chap_verify_text(L->alg, L->my_id,
			    s->node->secret.cs_buf, s->node->secret.cs_len,
			    L->my_challenge, L->my_challenge_len, a.resp,
			    a.resp_len) : CHAP_EMISMATCH;
			if (rc != CHAP_OK)
				/* event 17: the target's CHAP_R */
				return fail_text(c, ISCSI_EV_CHAP_RESPONSE_MISMATCH,
				    ISDSC_AUTHENTICATION_FAILURE,
				    a.resp != NULL ? a.resp : "", a.resp_len);
		}
		return ask_transit(c, p);
	case INI_LS_SEC_DONE:
		return ask_transit(c, p);
	default:
		return false;
	}
}
