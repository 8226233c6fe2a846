/*
 * The negotiation engine (RFC 7143 6.2): one code path for the initiator
 * and the target, driven by KEYS_TABLE.
 *
 *   acceptor: the peer offers key=value, we answer with the result
 *             function's value, NotUnderstood, Irrelevant or Reject;
 *   proposer: we offered, the peer's answer must be one the result
 *             function allows for our offer (6.2.1 list, 6.2.2 simple).
 */
#include <stdio.h>
#include <string.h>

#include "keys.h"

static void
copy_trunc(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static enum keys_action
conclude(struct keys_result *r, enum keys_status st, const char *answer)
{
	r->status = st;
	r->action = keys_status_action(st);
	if (r->action == KEYS_ACT_ANSWER) {
		if (answer == NULL)
			answer = st == KEYS_S_NOT_UNDERSTOOD ? "NotUnderstood" :
			    st == KEYS_S_IRRELEVANT ||
			    st == KEYS_S_IRRELEVANT_BURST ? "Irrelevant" : "Reject";
		copy_trunc(r->answer, sizeof(r->answer), answer);
	}
	return r->action;
}

static bool
is_reserved(const char *v)
{
	return strcmp(v, "Reject") == 0 || strcmp(v, "Irrelevant") == 0 ||
	    strcmp(v, "NotUnderstood") == 0;
}

static enum keys_status
peer_constant(const char *v)
{
	if (strcmp(v, "Reject") == 0)
		return KEYS_S_PEER_REJECT;
	if (strcmp(v, "Irrelevant") == 0)
		return KEYS_S_PEER_IRRELEVANT;
	return KEYS_S_PEER_NOT_UNDERSTOOD;
}

static enum keys_sender
peer_of(const struct keys_neg *neg)
{
	return neg->role == KEYS_ROLE_INITIATOR ? KEYS_BY_T : KEYS_BY_I;
}

static bool
in_value_set(int id, const char *item, size_t len)
{
	const char *const *vals = keys_values(id);
	size_t i;

	if (vals == NULL)
		return true;	/* free text-values */
	for (i = 0; vals[i] != NULL; i++)
		if (strlen(vals[i]) == len && memcmp(vals[i], item, len) == 0)
			return true;
	return false;
}

void
keys_neg_init(struct keys_neg *neg, enum keys_role role,
    const struct keys_local *local)
{
	memset(neg, 0, sizeof(*neg));
	neg->role = role;
	neg->stage = KEYS_STAGE_SECURITY;
	neg->leading = true;
	neg->local = local;
	keys_params_default(&neg->params);
	text_seen_init(&neg->unknown);
}

void
keys_neg_free(struct keys_neg *neg)
{
	text_seen_free(&neg->unknown);
}

void
keys_neg_new_sequence(struct keys_neg *neg)
{
	neg->received = 0;
	neg->offered = 0;
	text_seen_reset(&neg->unknown);
}

/* ---- proposer ----------------------------------------------------------- */

int
keys_offer(struct keys_neg *neg, int id, const char *value,
    struct text_builder *out)
{
	const struct keys_def *d = keys_def(id);
	int rc;

	if (d == NULL || d->result == KEYS_RES_AUTH ||
	    d->result == KEYS_RES_OBSOLETE)
		return TEXT_EINVAL;
	if (value == NULL)
		value = keys_local_get(neg->local, id);
	if (strlen(value) > TEXT_VALUE_MAX)
		return TEXT_EVALUELONG;
	if ((rc = text_builder_add(out, d->name, value)) != TEXT_OK)
		return rc;
	copy_trunc(neg->offer[id], sizeof(neg->offer[id]), value);
	if (d->result == KEYS_RES_NONE) {
		neg->declared |= KEYS_BIT(id);
		keys_params_set(&neg->params, id, value);	/* our side */
	} else
		neg->offered |= KEYS_BIT(id);
	return TEXT_OK;
}

static bool
stage_allows(const struct keys_def *d, enum keys_stage stage)
{
	switch (stage) {
	case KEYS_STAGE_SECURITY:
		return d->use == KEYS_USE_SEC || (d->flags & KEYS_F_SECOK);
	case KEYS_STAGE_OPERATIONAL:
		return d->use != KEYS_USE_SEC && d->use != KEYS_USE_FFP;
	case KEYS_STAGE_FFP:
		return d->use == KEYS_USE_ALL || d->use == KEYS_USE_FFP;
	}
	return false;
}

int
keys_offer_stage(struct keys_neg *neg, struct text_builder *out)
{
	enum keys_sender us = neg->role == KEYS_ROLE_INITIATOR ? KEYS_BY_I :
	    KEYS_BY_T;
	bool discovery = neg->params.s.session_type == KEYS_SESSION_DISCOVERY ||
	    strcmp(keys_local_get(neg->local, KEYS_SESSION_TYPE),
	    "Discovery") == 0;
	uint64_t busy = neg->offered | neg->declared | neg->received;
	int id, rc;

	for (id = 0; id < KEYS_COUNT; id++) {
		const struct keys_def *d = keys_def(id);

		if (neg->local == NULL || neg->local->value[id] == NULL ||
		    !(d->senders & us) || (busy & KEYS_BIT(id)) ||
		    d->result == KEYS_RES_AUTH ||
		    d->result == KEYS_RES_OBSOLETE ||
		    d->type == KEYS_T_SENDTARGETS ||
		    !stage_allows(d, neg->stage) ||
		    (d->use == KEYS_USE_LO && !neg->leading) ||
		    ((d->flags & KEYS_F_IRR_DISC) && discovery))
			continue;
		if ((rc = keys_offer(neg, id, NULL, out)) != TEXT_OK)
			return rc;
	}
	return TEXT_OK;
}

/* The peer answered our offer of d (6.2.1, 6.2.2). */
static enum keys_status
check_answer(struct keys_neg *neg, const struct keys_def *d, const char *value,
    struct keys_result *r)
{
	const char *offer = neg->offer[d->id];
	size_t len = strlen(value);
	enum keys_status st = KEYS_S_AGREED;
	uint64_t v, o;
	bool bv, bo;
	int rc;

	copy_trunc(r->offer, sizeof(r->offer), offer);
	if (is_reserved(value))
		return peer_constant(value);
	switch (d->type) {
	case KEYS_T_NUMBER:
		rc = text_parse_number(value, len, d->min, d->max, &v);
		if (rc != TEXT_OK)
			return rc == TEXT_ENUMRANGE ? KEYS_S_FAIL_ANSWER_RANGE :
			    KEYS_S_FAIL_ANSWER_SYNTAX;
		if (text_parse_number(offer, strlen(offer), 0, UINT64_MAX,
		    &o) == TEXT_OK &&
		    ((d->result == KEYS_RES_MIN && v > o) ||
		    (d->result == KEYS_RES_MAX && v < o)))
			st = KEYS_S_FAIL_ANSWER_RANGE;
		break;
	case KEYS_T_BOOL:
		if (text_parse_bool(value, len, &bv) != TEXT_OK)
			return KEYS_S_FAIL_ANSWER_SYNTAX;
		if (text_parse_bool(offer, strlen(offer), &bo) == TEXT_OK &&
		    ((d->result == KEYS_RES_OR && bo && !bv) ||
		    (d->result == KEYS_RES_AND && !bo && bv)))
			st = KEYS_S_FAIL_ANSWER_BOOL;
		break;
	case KEYS_T_LIST:
		if (memchr(value, ',', len) != NULL)
			return KEYS_S_FAIL_ANSWER_LIST;	/* one value only */
		if (len == 0 || text_check_text_value(value, len, NULL) != TEXT_OK)
			return KEYS_S_FAIL_ANSWER_SYNTAX;
		if (!text_list_has(offer, strlen(offer), value, len))
			st = KEYS_S_FAIL_ANSWER_LIST;
		break;
	default:
		return KEYS_S_FAIL_ANSWER_SYNTAX;
	}
	/* Keep what the peer said even when it broke the rule, so that
	 * keys_check_session() can report the state the peer assumes. */
	keys_params_set(&neg->params, d->id, value);
	return st;
}

/* ---- acceptor ----------------------------------------------------------- */

static enum keys_status
check_stage(const struct keys_neg *neg, const struct keys_def *d)
{
	if (neg->stage == KEYS_STAGE_FFP && (d->flags & KEYS_F_FFP_T) &&
	    peer_of(neg) == KEYS_BY_T)
		return KEYS_S_ACCEPTED;
	if (!stage_allows(d, neg->stage))
		return KEYS_S_REJECT_STAGE;
	if (d->use == KEYS_USE_LO && !neg->leading)
		return KEYS_S_REJECT_NON_LEADING;
	return KEYS_S_ACCEPTED;
}

static bool
valid_declaration(const struct keys_def *d, const char *value, size_t len)
{
	struct text_address addr;
	uint64_t v;

	switch (d->type) {
	case KEYS_T_NAME:
		return text_check_name_value(value, len, NULL) == TEXT_OK;
	case KEYS_T_LOCALNAME:
		return len <= TEXT_VALUE_MAX &&
		    text_check_utf8(value, len, NULL) == TEXT_OK;
	case KEYS_T_ADDRESS:
		return text_parse_address(value, len, &addr) == TEXT_OK;
	case KEYS_T_NUMBER:
		return text_parse_number(value, len, d->min, d->max, &v) ==
		    TEXT_OK;
	case KEYS_T_ENUM:
		return in_value_set(d->id, value, len);
	case KEYS_T_SENDTARGETS:
		return len == 0 || strcmp(value, "All") == 0 ||
		    text_check_name_value(value, len, NULL) == TEXT_OK;
	case KEYS_T_TEXTLIST:
		return len > 0 && text_check_list(value, len, NULL) == TEXT_OK;
	default:
		return false;
	}
}

static bool
valid_security_value(const struct keys_def *d, const char *value, size_t len)
{
	uint8_t bin[TEXT_BINARY_MAX];
	const char *cur = value, *item;
	size_t n;
	uint64_t v;

	switch (d->type) {
	case KEYS_T_NUMLIST:
		if (len == 0 || text_check_list(value, len, NULL) != TEXT_OK)
			return false;
		while (text_list_next(&cur, value + len, &item, &n))
			if (text_parse_number(item, n, d->min, d->max, &v) !=
			    TEXT_OK)
				return false;
		return true;
	case KEYS_T_NUMBER:
		return text_parse_number(value, len, d->min, d->max, &v) ==
		    TEXT_OK;
	case KEYS_T_BINARY:
		return text_parse_binary(value, len, bin, sizeof(bin), &n) ==
		    TEXT_OK && n >= d->min;
	case KEYS_T_LOCALNAME:
		return len > 0 && len <= TEXT_VALUE_MAX &&
		    text_check_utf8(value, len, NULL) == TEXT_OK;
	default:
		return false;
	}
}

static enum keys_status
declare(struct keys_neg *neg, const struct keys_def *d, const char *value)
{
	size_t len = strlen(value);
	uint64_t v;

	if (!valid_declaration(d, value, len))
		return KEYS_S_FAIL_VALUE;
	if (d->id == KEYS_MAX_RECV_DATA_SEGMENT_LENGTH) {
		text_parse_number(value, len, d->min, d->max, &v);
		neg->params.c.max_send_dsl = (uint32_t)v;	/* 13.12 */
		neg->params.set |= KEYS_BIT(d->id);
	} else
		keys_params_set(&neg->params, d->id, value);
	return KEYS_S_DECLARED;
}

static uint64_t
local_number(const struct keys_neg *neg, const struct keys_def *d)
{
	const char *l = keys_local_get(neg->local, d->id);
	uint64_t v;

	if (text_parse_number(l, strlen(l), 0, UINT64_MAX, &v) != TEXT_OK &&
	    text_parse_number(d->dflt, strlen(d->dflt), 0, UINT64_MAX, &v) !=
	    TEXT_OK)
		v = d->min;
	return v < d->min ? d->min : v > d->max ? d->max : v;
}

static bool
local_bool(const struct keys_neg *neg, const struct keys_def *d)
{
	const char *l = keys_local_get(neg->local, d->id);
	bool b;

	if (text_parse_bool(l, strlen(l), &b) != TEXT_OK)
		b = strcmp(d->dflt, "Yes") == 0;
	return b;
}

/* Compute the answer to the peer's offer of d (6.2.1, 6.2.2). */
static enum keys_status
accept_offer(struct keys_neg *neg, const struct keys_def *d, const char *value,
    char *answer, size_t answersz)
{
	const char *local, *cur = value, *item;
	size_t len = strlen(value), n;
	uint64_t v, l;
	bool bv, bl, res;
	int rc;

	switch (d->result) {
	case KEYS_RES_MIN:
	case KEYS_RES_MAX:
		rc = text_parse_number(value, len, d->min, d->max, &v);
		if (rc != TEXT_OK)
			return rc == TEXT_ENUMRANGE ? KEYS_S_REJECT_RANGE :
			    KEYS_S_REJECT_VALUE;
		l = local_number(neg, d);
		if (d->result == KEYS_RES_MIN)
			v = v < l ? v : l;
		else
			v = v > l ? v : l;
		snprintf(answer, answersz, "%llu", (unsigned long long)v);
		break;
	case KEYS_RES_OR:
	case KEYS_RES_AND:
		if (text_parse_bool(value, len, &bv) != TEXT_OK)
			return KEYS_S_REJECT_VALUE;
		bl = local_bool(neg, d);
		res = d->result == KEYS_RES_OR ? (bv || bl) : (bv && bl);
		snprintf(answer, answersz, "%s", res ? "Yes" : "No");
		keys_params_set(&neg->params, d->id, answer);
		return (d->result == KEYS_RES_OR) == bv ?
		    KEYS_S_ANSWER_OPTIONAL : KEYS_S_ACCEPTED;
	case KEYS_RES_LIST:
		if (text_check_list(value, len, NULL) != TEXT_OK)
			return KEYS_S_REJECT_VALUE;
		local = keys_local_get(neg->local, d->id);
		while (text_list_next(&cur, value + len, &item, &n))
			if (in_value_set(d->id, item, n) &&
			    text_list_has(local, strlen(local), item, n)) {
				snprintf(answer, answersz, "%.*s", (int)n, item);
				break;
			}
		if (answer[0] == '\0')
			return KEYS_S_REJECT_NO_COMMON;
		break;
	default:
		return KEYS_S_REJECT_VALUE;
	}
	keys_params_set(&neg->params, d->id, answer);
	return KEYS_S_ACCEPTED;
}

static enum keys_action
negotiate_unknown(struct keys_neg *neg, const char *key, const char *value,
    struct keys_result *r)
{
	if (is_reserved(value))		/* an answer to something we sent */
		return conclude(r, peer_constant(value), NULL);
	switch (text_seen_add(&neg->unknown, key, false)) {
	case TEXT_OK:
		break;
	case TEXT_EREPEATED:
		return conclude(r, KEYS_S_FAIL_REPEATED, NULL);
	default:
		return conclude(r, KEYS_S_FAIL_NOMEM, NULL);
	}
	return conclude(r, KEYS_S_NOT_UNDERSTOOD, NULL);
}

enum keys_action
keys_negotiate(struct keys_neg *neg, const char *key, const char *value,
    struct keys_result *r)
{
	const struct keys_def *d;
	enum keys_status st;
	uint64_t bit;
	char answer[TEXT_VALUE_MAX + 1] = "";

	memset(r, 0, sizeof(*r));
	copy_trunc(r->key, sizeof(r->key), key);
	copy_trunc(r->value, sizeof(r->value), value);
	r->id = keys_lookup(key);
	if (r->id == KEYS_UNKNOWN)
		return negotiate_unknown(neg, key, value, r);
	d = keys_def(r->id);
	bit = KEYS_BIT(r->id);

	/* 6.2: no key twice in one negotiation, but SendTargets answers */
	if ((neg->received & bit) && !((d->flags & KEYS_F_REPEAT) &&
	    neg->stage == KEYS_STAGE_FFP && peer_of(neg) == KEYS_BY_T))
		return conclude(r, KEYS_S_FAIL_REPEATED, NULL);
	neg->received |= bit;

	if (d->result == KEYS_RES_OBSOLETE)	/* 13.25: Reject, never NotUnderstood */
		return conclude(r, KEYS_S_REJECT_OBSOLETE, NULL);
	if (!(d->senders & peer_of(neg)) && !((d->flags & KEYS_F_FFP_T) &&
	    neg->stage == KEYS_STAGE_FFP && peer_of(neg) == KEYS_BY_T))
		return conclude(r, KEYS_S_FAIL_SENDER, NULL);

	if ((neg->offered & bit) && d->result != KEYS_RES_AUTH) {
		neg->offered &= ~bit;
		return conclude(r, check_answer(neg, d, value, r), NULL);
	}
	if ((neg->declared & bit) && is_reserved(value))
		return conclude(r, peer_constant(value), NULL);
	if (d->result == KEYS_RES_AUTH) {
		if ((st = check_stage(neg, d)) != KEYS_S_ACCEPTED)
			return conclude(r, st, NULL);
		if (!is_reserved(value) &&
		    !valid_security_value(d, value, strlen(value)))
			return conclude(r, KEYS_S_FAIL_VALUE, NULL);
		return conclude(r, KEYS_S_AUTH, NULL);
	}
	if (is_reserved(value))
		return conclude(r, KEYS_S_FAIL_RESERVED, NULL);
	if ((st = check_stage(neg, d)) != KEYS_S_ACCEPTED)
		return conclude(r, st, NULL);
	if (d->result == KEYS_RES_NONE)
		return conclude(r, declare(neg, d, value), NULL);

	if ((d->flags & KEYS_F_IRR_DISC) &&
	    neg->params.s.session_type == KEYS_SESSION_DISCOVERY)
		return conclude(r, KEYS_S_IRRELEVANT, NULL);
	if ((d->flags & KEYS_F_IRR_FBL) && neg->params.s.initial_r2t &&
	    !neg->params.s.immediate_data)
		return conclude(r, KEYS_S_IRRELEVANT_BURST, NULL);
	st = accept_offer(neg, d, value, answer, sizeof(answer));
	return conclude(r, st, answer[0] != '\0' ? answer : NULL);
}

/* Order of processing within one text: SessionType, others, FirstBurstLength. */
static int
pass_of(const char *key)
{
	if (strcmp(key, "SessionType") == 0)
		return 0;
	if (strcmp(key, "FirstBurstLength") == 0)
		return 2;
	return 1;
}

int
keys_negotiate_list(struct keys_neg *neg, const struct text_list *list,
    struct text_builder *out, keys_result_fn *cb, void *arg)
{
	struct keys_result r;
	int pass, fails = 0, overflow = 0;
	size_t i;

	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < list->npairs; i++) {
			const struct text_pair *p = &list->pairs[i];

			if (pass_of(p->key) != pass)
				continue;
			keys_negotiate(neg, p->key, p->value, &r);
			if (r.action == KEYS_ACT_FAIL)
				fails++;
			if (r.action == KEYS_ACT_ANSWER && out != NULL &&
			    text_builder_add(out, p->key, r.answer) != TEXT_OK)
				overflow = 1;
			if (cb != NULL)
				cb(arg, &r);
		}
	return overflow ? -1 : fails;
}

int
keys_neg_finish(struct keys_neg *neg, keys_result_fn *cb, void *arg)
{
	struct keys_result r;
	int id, missing = 0;
	bool o;

	for (id = 0; id < KEYS_COUNT; id++) {
		const struct keys_def *d = keys_def(id);
		const char *offer = neg->offer[id];

		if (!(neg->offered & KEYS_BIT(id)))
			continue;
		neg->offered &= ~KEYS_BIT(id);
		memset(&r, 0, sizeof(r));
		r.id = id;
		copy_trunc(r.key, sizeof(r.key), d->name);
		copy_trunc(r.offer, sizeof(r.offer), offer);
		if (d->type == KEYS_T_BOOL &&
		    text_parse_bool(offer, strlen(offer), &o) == TEXT_OK &&
		    ((d->result == KEYS_RES_AND && !o) ||
		    (d->result == KEYS_RES_OR && o))) {
			/* 6.2.2: answer optional, the result is our offer */
			keys_params_set(&neg->params, id, offer);
			copy_trunc(r.value, sizeof(r.value), offer);
			conclude(&r, KEYS_S_AGREED, NULL);
		} else {
			conclude(&r, KEYS_S_NO_ANSWER, NULL);
			missing++;
		}
		if (cb != NULL)
			cb(arg, &r);
	}
	return missing;
}
