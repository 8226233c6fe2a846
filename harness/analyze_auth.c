/*
 * Authentication in the security stage: the AuthMethod answer (RFC 7143
 * 12.1) and the shape of the CHAP exchange (12.1.3, 9.2.1), with the
 * seed 004 events the initiator logs for each fault (13-17, 33, 38, 41).
 */
#include <stdio.h>
#include <string.h>

#include "analyze_int.h"
#include "chap.h"


static void
chap_bad(struct keycb *k, unsigned event, const char *key, const char *value,
    const char *fmt, const char *detail)
{
	char dump[TEXT_LONG_VALUE_MAX + 80];
	int n;

	n = snprintf(dump, sizeof(dump), "%s=%s", key, value != NULL ? value : "");
	if (n < 0)
		n = 0;
	ana_report_ev(k->c->ana, k->c, k->dir,
	    event == ISCSI_EV_INVALID_CHAP_KEY || event == 0 ?
	    ANA_CHK_CHAP_SHAPE : ANA_CHK_CHAP_VALUE, k->p,
	    k->dir == ANA_DIR_T2I ? event : 0, 0, dump,
	    (size_t)n < sizeof(dump) ? (size_t)n : sizeof(dump) - 1, fmt,
	    key, detail);
}

static bool
chap_key(const char *key)
{
	return strncmp(key, "CHAP_", 5) == 0;
}

/* Keys of one text that are CHAP keys but not among allowed[]. */
static void
chap_unexpected(struct keycb *k, const struct text_list *list,
    const char *const *allowed, const char *step)
{
	size_t i, j;

	for (i = 0; i < list->npairs; i++) {
		const char *key = list->pairs[i].key;
		bool ok = false;

		if (!chap_key(key))
			continue;
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(allowed[j], key) == 0)
				ok = true;
		if (!ok)
			chap_bad(k, ISCSI_EV_INVALID_CHAP_KEY, key,
			    list->pairs[i].value, "%s not expected %s", step);
	}
}

static void
chap_check_response(struct keycb *k, const char *who, const char *r)
{
	uint8_t buf[CHAP_RESPONSE_MAX];
	size_t len = 0, want = chap_digest_len(k->c->login->chap_alg);

	if (text_parse_binary(r, strlen(r), buf, sizeof(buf), &len) != TEXT_OK)
		chap_bad(k, ISCSI_EV_INVALID_CHAP_KEY, "CHAP_R", r,
		    "%s: %s", "malformed binary value");
	else if (want != 0 && len != want) {
		char d[80];

		snprintf(d, sizeof(d), "%s response is %zu bytes, %s needs %zu",
		    who, len, chap_alg_name(k->c->login->chap_alg), want);
		chap_bad(k, ISCSI_EV_CHAP_RESPONSE_MISMATCH, "CHAP_R", r,
		    "%s: %s", d);
	}
}

static void
chap_initiator(struct keycb *k, const struct text_list *list)
{
	struct ana_login *l = k->c->login;
	static const char *const step_a[] = { "CHAP_A", NULL };
	static const char *const step_r[] = { "CHAP_N", "CHAP_R", "CHAP_I",
	    "CHAP_C", NULL };
	const char *v, *ic;
	uint8_t ch[CHAP_CHALLENGE_MAX];
	size_t chlen;

	switch (l->chap) {
	case CHAP_WANT_A:
		chap_unexpected(k, list, step_a, "in the initiator's first CHAP "
		    "step");
		if ((v = ana_text_find(list, "CHAP_A")) == NULL) {
			chap_bad(k, 0, "CHAP_A", NULL, "%s missing %s",
			    "from the initiator's first CHAP step");
			return;
		}
		snprintf(l->chap_a_offer, sizeof(l->chap_a_offer), "%s", v);
		l->chap = CHAP_WANT_CHALLENGE;
		break;
	case CHAP_WANT_RESPONSE:
		chap_unexpected(k, list, step_r, "in the initiator's response");
		if (ana_text_find(list, "CHAP_N") == NULL || (v = ana_text_find(list, "CHAP_R")) ==
		    NULL) {
			chap_bad(k, 0, "CHAP_N/CHAP_R", NULL, "%s missing %s",
			    "from the initiator's response");
			l->chap = CHAP_DONE;
			return;
		}
		chap_check_response(k, "initiator", v);
		ic = ana_text_find(list, "CHAP_C");
		l->mutual = ic != NULL;
		if ((ana_text_find(list, "CHAP_I") != NULL) != l->mutual)
			chap_bad(k, 0, "CHAP_I/CHAP_C", NULL, "%s %s",
			    "must come together for mutual CHAP");
		if (ic != NULL && chap_challenge_decode(ic, strlen(ic),
		    l->t_challenge, l->t_challenge_len, ch, sizeof(ch), &chlen,
		    NULL) == CHAP_EREFLECT)
			chap_bad(k, 0, "CHAP_C", ic, "%s: %s", "initiator "
			    "reflects the target's challenge (RFC 7143 9.2.1)");
		l->chap = l->mutual ? CHAP_WANT_MUTUAL : CHAP_DONE;
		break;
	default:
		if (l->chap != CHAP_NONE) {
			static const char *const none[] = { NULL };

			chap_unexpected(k, list, none, "at this point");
		}
		break;
	}
}

static void
chap_target(struct keycb *k, const struct text_list *list)
{
	struct ana_login *l = k->c->login;
	static const char *const step_c[] = { "CHAP_A", "CHAP_I", "CHAP_C",
	    NULL };
	static const char *const step_m[] = { "CHAP_N", "CHAP_R", NULL };
	const char *a, *i, *ch;
	uint8_t id, buf[CHAP_CHALLENGE_MAX];
	uint64_t alg;
	size_t len, bad = 0;
	int rc;

	switch (l->chap) {
	case CHAP_WANT_CHALLENGE:
		chap_unexpected(k, list, step_c, "in the target's challenge");
		a = ana_text_find(list, "CHAP_A");
		i = ana_text_find(list, "CHAP_I");
		ch = ana_text_find(list, "CHAP_C");
		if (a == NULL || i == NULL || ch == NULL) {
			chap_bad(k, ISCSI_EV_INVALID_CHAP_KEY,
			    a == NULL ? "CHAP_A" : i == NULL ? "CHAP_I" : "CHAP_C",
			    NULL, "%s missing %s", "from the target's challenge");
			l->chap = CHAP_DONE;
			return;
		}
		if (text_parse_number(a, strlen(a), 0, 255, &alg) != TEXT_OK ||
		    !text_list_has(l->chap_a_offer, strlen(l->chap_a_offer), a,
		    strlen(a)) || !chap_alg_known((int)alg))
			chap_bad(k, ISCSI_EV_UNKNOWN_CHAP_ALGORITHM, "CHAP_A", a,
			    "%s=%s", "not one of the algorithms offered");
		else
			l->chap_alg = (int)alg;
		if (chap_identifier_parse(i, strlen(i), &id) != CHAP_OK)
			chap_bad(k, ISCSI_EV_INVALID_CHAP_KEY, "CHAP_I", i,
			    "%s: %s", chap_strerror(CHAP_EIDENT));
		rc = chap_challenge_decode(ch, strlen(ch), NULL, 0, buf,
		    sizeof(buf), &len, &bad);
		if (rc == CHAP_ECHALLTOOLONG)
			chap_bad(k, ISCSI_EV_CHAP_CHALLENGE_TOO_LONG, "CHAP_C", ch,
			    "%s: %s", chap_strerror(rc));
		else if (rc != CHAP_OK)
			chap_bad(k, ISCSI_EV_INVALID_CHAP_CHALLENGE, "CHAP_C", ch,
			    "%s: %s", chap_strerror(rc));
		else {
			memcpy(l->t_challenge, buf, len);
			l->t_challenge_len = len;
		}
		l->chap = CHAP_WANT_RESPONSE;
		break;
	case CHAP_WANT_MUTUAL:
		chap_unexpected(k, list, step_m, "in the target's mutual "
		    "response");
		if (ana_text_find(list, "CHAP_N") == NULL || (a = ana_text_find(list, "CHAP_R")) ==
		    NULL)
			chap_bad(k, ISCSI_EV_INVALID_CHAP_KEY, "CHAP_N/CHAP_R",
			    NULL, "%s missing %s", "from the target's mutual "
			    "response");
		else
			chap_check_response(k, "target", a);
		l->chap = CHAP_DONE;
		break;
	default:
		if (l->chap != CHAP_NONE) {
			static const char *const none[] = { NULL };

			chap_unexpected(k, list, none, "at this point");
		}
		break;
	}
}

/* AuthMethod (RFC 7143 12.1) and the CHAP steps of one text. */
void
ana_auth_text(struct keycb *k, const struct text_list *list, bool security)
{
	struct ana_login *l = k->c->login;
	const char *v;

	if (!security)
		return;
	if (k->dir == ANA_DIR_I2T) {
		if ((v = ana_text_find(list, "AuthMethod")) != NULL)
			snprintf(l->auth_offer, sizeof(l->auth_offer), "%s", v);
		chap_initiator(k, list);
		return;
	}
	v = ana_text_find(list, "AuthMethod");
	if (v == NULL) {
		if (l->auth_offer[0] != '\0' && !l->auth_answered)
			ana_report_ev(k->c->ana, k->c, k->dir,
			    ANA_CHK_AUTH_METHOD, k->p, ISCSI_EV_NO_AUTHMETHOD, 0,
			    NULL, 0, "target did not answer AuthMethod=%s in "
			    "the security stage", l->auth_offer);
	} else {
		l->auth_answered = true;
		if (strcmp(v, "Reject") != 0 && strcmp(v, "None") != 0 &&
		    strcmp(v, "CHAP") != 0 && strcmp(v, "SRP") != 0 &&
		    strcmp(v, "KRB5") != 0)
			ana_report_ev(k->c->ana, k->c, k->dir,
			    ANA_CHK_AUTH_METHOD, k->p, ISCSI_EV_UNKNOWN_AUTHMETHOD,
			    0, v, strlen(v), "target chose unknown AuthMethod=%s",
			    v);
		else if (strcmp(v, "None") == 0 && l->auth_offer[0] != '\0' &&
		    !text_list_has(l->auth_offer, strlen(l->auth_offer), "None",
		    4))
			ana_report_ev(k->c->ana, k->c, k->dir,
			    ANA_CHK_AUTH_METHOD, k->p, ISCSI_EV_TARGET_NO_CHAP, 0,
			    NULL, 0, "initiator requires %s, target answered "
			    "AuthMethod=None", l->auth_offer);
		if (strcmp(v, "CHAP") == 0 && l->chap == CHAP_NONE) {
			l->chap = CHAP_WANT_A;
			return;
		}
	}
	chap_target(k, list);
}
