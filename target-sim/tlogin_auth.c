/*
 * CHAP in the security stage, target side (RFC 7143 12.1.3, 9.2.1):
 *
 *   TA_CHAP_WAIT_A   <- CHAP_A=<list>       -> CHAP_A, CHAP_I, CHAP_C
 *   TA_CHAP_WAIT_R   <- CHAP_N, CHAP_R      (verified)
 *                      [+ CHAP_I, CHAP_C]   -> CHAP_N, CHAP_R (mutual)
 *   TA_DONE
 *
 * Every failure is login status 0x0201 (authentication failure).
 */
#include <string.h>

#include "catalog.h"
#include "chap.h"
#include "tsim_impl.h"

#define AUTH_FAIL	ISCSI_LOGIN_STATUS_AUTHENTICATION_FAILURE

static int
auth_fail(struct tconn *tc, const char *why, int err)
{
	tsim_vlog(tc->t, "conn %u: CHAP: %s%s%s", tc->id, why,
	    err != 0 ? ": " : "", err != 0 ? chap_strerror(err) : "");
	return AUTH_FAIL;
}

static int
send_challenge(struct tconn *tc, struct tlogin *lg, struct text_builder *out)
{
	const struct tsim_auth_cfg *a = lg->auth_cfg;
	char hex[2 * CHAP_CHALLENGE_MAX + 3];
	int rc;

	rc = chap_alg_select(lg->chap.a, strlen(lg->chap.a), a->algs, a->nalgs,
	    CHAP_ORDER_PEER, &lg->alg);
	if (rc != CHAP_OK)
		return auth_fail(tc, "no acceptable CHAP_A", rc);
	if ((rc = chap_identifier_generate(&lg->chap_id)) != CHAP_OK)
		return auth_fail(tc, "identifier", rc);
	lg->chal_len = chap_challenge_default_len(lg->alg);
	if ((rc = chap_challenge_generate(lg->chal, lg->chal_len)) != CHAP_OK)
		return auth_fail(tc, "challenge", rc);
	if (chap_value_encode(lg->chal, lg->chal_len, BINVAL_HEX, hex,
	    sizeof(hex)) < 0)
		return auth_fail(tc, "challenge encoding", 0);
	text_builder_add_number(out, "CHAP_A", (uint64_t)lg->alg);
	text_builder_add_number(out, "CHAP_I", lg->chap_id);
	text_builder_add(out, "CHAP_C", hex);
	lg->auth = TA_CHAP_WAIT_R;
	return 0;
}

static int
answer_mutual(struct tconn *tc, struct tlogin *lg, struct text_builder *out)
{
	const struct tsim_auth_cfg *a = lg->auth_cfg;
	uint8_t chal[CHAP_CHALLENGE_MAX], resp[CHAP_DIGEST_MAX], id;
	char hex[2 * CHAP_DIGEST_MAX + 3];
	size_t clen, rlen;
	int rc;

	/* RFC 7143 12.1.3: 0x0201 also means target authentication is
	 * not supported */
	if (!a->mutual)
		return auth_fail(tc, "mutual CHAP asked, none configured", 0);
	if (lg->chap.i == NULL || lg->chap.c == NULL)
		return auth_fail(tc, "CHAP_I or CHAP_C missing", 0);
	rc = chap_identifier_parse(lg->chap.i, strlen(lg->chap.i), &id);
	if (rc != CHAP_OK)
		return auth_fail(tc, "initiator CHAP_I", rc);
	rc = chap_challenge_decode(lg->chap.c, strlen(lg->chap.c), lg->chal,
	    lg->chal_len, chal, sizeof(chal), &clen, NULL);
	if (rc != CHAP_OK)
		return auth_fail(tc, "initiator CHAP_C", rc);
	rc = chap_response(lg->alg, id, a->msecret.cs_buf, a->msecret.cs_len,
	    chal, clen, resp, sizeof(resp), &rlen);
	if (rc != CHAP_OK)
		return auth_fail(tc, "mutual response", rc);
	if (chap_value_encode(resp, rlen, BINVAL_HEX, hex, sizeof(hex)) < 0)
		return auth_fail(tc, "response encoding", 0);
	text_builder_add(out, "CHAP_N", a->muser);
	text_builder_add(out, "CHAP_R", hex);
	return 0;
}

static int
check_response(struct tconn *tc, struct tlogin *lg, struct text_builder *out)
{
	const struct tsim_auth_cfg *a = lg->auth_cfg;
	int rc;

	if (lg->chap.n == NULL || lg->chap.r == NULL)
		return auth_fail(tc, "CHAP_N or CHAP_R missing", 0);
	if (strcmp(lg->chap.n, a->user) != 0)
		return auth_fail(tc, "unknown CHAP_N", 0);
	rc = chap_verify_text(lg->alg, lg->chap_id, a->secret.cs_buf,
	    a->secret.cs_len, lg->chal, lg->chal_len, lg->chap.r,
	    strlen(lg->chap.r));
	if (rc != CHAP_OK)
		return auth_fail(tc, "initiator response", rc);
	if (lg->chap.i != NULL || lg->chap.c != NULL) {
		if ((rc = answer_mutual(tc, lg, out)) != 0)
			return rc;
	} else if (a->mutual) {
		/* we are configured for mutual CHAP but the initiator did
		 * not ask: that is its choice (RFC 7143 12.1.3) */
	}
	lg->auth = TA_DONE;
	tsim_vlog(tc->t, "conn %u: CHAP %s ok for '%s'%s", tc->id,
	    chap_alg_name(lg->alg), lg->chap.n,
	    lg->chap.c != NULL ? " (mutual)" : "");
	return 0;
}

int
tlogin_auth_step(struct tconn *tc, struct text_builder *out)
{
	struct tlogin *lg = tc->login;
	const struct tlogin_chap_in *c = &lg->chap;
	bool any = c->a || c->i || c->c || c->n || c->r;

	switch (lg->auth) {
	case TA_START:
	case TA_DONE:
		if (any)
			return auth_fail(tc, "CHAP keys outside a CHAP exchange", 0);
		return 0;
	case TA_CHAP_WAIT_A:
		if (c->n != NULL || c->r != NULL)
			return auth_fail(tc, "CHAP_N/CHAP_R before CHAP_A", 0);
		if (c->a == NULL)
			return 0;	/* AuthMethod answered first */
		return send_challenge(tc, lg, out);
	case TA_CHAP_WAIT_R:
		if (c->a != NULL)
			return auth_fail(tc, "CHAP_A sent twice", 0);
		return check_response(tc, lg, out);
	}
	return 0;
}
