/*
 * Negotiation faults: the text of an outgoing Login or Text Response is
 * rebuilt with an odd or illegal result (faults.h FAULT_NEGOTIATE_KINDS),
 * and MaxCmdSN of the final Login Response can be set not serially
 * greater than ExpCmdSN (seed 004 event 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "keys.h"
#include "tsim_impl.h"

#define NEG(k)	FAULT_NEG_##k

static bool
has_key(const struct pdu *p, const char *key)
{
	struct text_list l;
	bool r;

	if (text_parse(p->data, p->data_len, keys_value_limit,
	    TEXT_PARSE_PAD_OK, &l, NULL) != TEXT_OK)
		return false;
	r = text_list_find(&l, key) != NULL;
	text_list_free(&l);
	return r;
}

static bool
operational(const struct pdu *p)
{
	return p->opcode == PDU_OP_TEXT_RSP ||
	    p->u.login_rsp.csg == PDU_STAGE_OPERATIONAL;
}

bool
faults_negotiate_applies(struct tconn *tc, const struct fault_rule *r,
    const struct pdu *p)
{
	const struct fault_action *a = &r->a;

	if (p->opcode != PDU_OP_LOGIN_RSP && p->opcode != PDU_OP_TEXT_RSP)
		return false;
	if (p->opcode == PDU_OP_LOGIN_RSP && p->u.login_rsp.status_class != 0)
		return false;
	switch (a->kind) {
	case NEG(NO_AUTH_METHOD):
	case NEG(UNKNOWN_AUTH_METHOD):
		return has_key(p, "AuthMethod");
	case NEG(UNKNOWN_CHAP_A):
		return has_key(p, "CHAP_A");
	case NEG(CHAP_C_INVALID):
	case NEG(CHAP_C_TOO_LONG):
		return has_key(p, "CHAP_C");
	case NEG(WRONG_MUTUAL_CHAP_R):
		return has_key(p, "CHAP_R");
	case NEG(REFLECT_CHAP_C):
		return has_key(p, "CHAP_R") && tc->login != NULL &&
		    tc->login->chap.c != NULL && tc->login->chap.i != NULL;
	case NEG(DIGEST_NONE_ONLY):
		return has_key(p, "HeaderDigest") || has_key(p, "DataDigest");
	case NEG(BURST_INVERTED):
	case NEG(DATA_PDU_IN_ORDER_NO):
	case NEG(DATA_SEQUENCE_IN_ORDER_NO):
		return operational(p);
	case NEG(MAXCMDSN_NOT_GREATER):
		return p->opcode == PDU_OP_LOGIN_RSP && p->u.login_rsp.transit &&
		    p->u.login_rsp.nsg == PDU_STAGE_FULL_FEATURE;
	case NEG(DUPLICATE_KEY):
		return a->key[0] != '\0' ? has_key(p, a->key) : p->data_len > 0;
	case NEG(REMOVE_KEY):
		return has_key(p, a->key);
	case NEG(MALFORMED):
	case NEG(SET_KEY):
	case NEG(ADD_KEY):
		return true;
	default:
		return false;
	}
}

/* Emit key=value; long values (CHAP_C over the limit) go in raw. */
static void
emit(struct text_builder *b, const char *key, const char *value)
{
	if (text_builder_add(b, key, value) == TEXT_OK)
		return;
	text_builder_add_raw(b, key, strlen(key));
	text_builder_add_raw(b, "=", 1);
	text_builder_add_raw(b, value, strlen(value));
	text_builder_add_raw(b, "", 1);
}

static void
emit_long_challenge(struct text_builder *b)
{
	size_t i;

	/* 1025 bytes: one over RFC 7143 12.1.3's limit */
	text_builder_add_raw(b, "CHAP_C=0x", 9);
	for (i = 0; i < CHAP_CHALLENGE_MAX + 1; i++)
		text_builder_add_raw(b, "ab", 2);
	text_builder_add_raw(b, "", 1);
}

/* Replacement for one pair; NULL: drop it; value unchanged otherwise. */
static const char *
replace(const struct fault_action *a, const char *key, const char *value,
    char *buf, size_t bufsz, bool *raw_chap_c)
{
	size_t n;

	switch (a->kind) {
	case NEG(NO_AUTH_METHOD):
		return strcmp(key, "AuthMethod") == 0 ? NULL : value;
	case NEG(UNKNOWN_AUTH_METHOD):
		if (strcmp(key, "AuthMethod") == 0)
			return a->value[0] ? a->value : "Bogus";
		return value;
	case NEG(UNKNOWN_CHAP_A):
		if (strcmp(key, "CHAP_A") == 0)
			return a->value[0] ? a->value : "99";
		return value;
	case NEG(CHAP_C_INVALID):
		if (strcmp(key, "CHAP_C") == 0) {
			snprintf(buf, bufsz, "0xZZ%s", strlen(value) > 4 ?
			    value + 4 : "");
			return buf;
		}
		return value;
	case NEG(CHAP_C_TOO_LONG):
		if (strcmp(key, "CHAP_C") == 0) {
			*raw_chap_c = true;
			return NULL;
		}
		return value;
	case NEG(WRONG_MUTUAL_CHAP_R):
		if (strcmp(key, "CHAP_R") == 0 && (n = strlen(value)) > 2) {
			snprintf(buf, bufsz, "%s", value);
			buf[n - 1] = buf[n - 1] == '0' ? '1' : '0';
			return buf;
		}
		return value;
	case NEG(REFLECT_CHAP_C):
		return strcmp(key, "CHAP_N") == 0 || strcmp(key, "CHAP_R") == 0 ?
		    NULL : value;		/* replaced afterwards */
	case NEG(DIGEST_NONE_ONLY):
		if (strcmp(key, "HeaderDigest") == 0 ||
		    strcmp(key, "DataDigest") == 0)
			return "None";
		return value;
	case NEG(BURST_INVERTED):
		if (strcmp(key, "MaxBurstLength") == 0 ||
		    strcmp(key, "FirstBurstLength") == 0)
			return NULL;		/* added afterwards */
		return value;
	case NEG(DATA_PDU_IN_ORDER_NO):
		return strcmp(key, "DataPDUInOrder") == 0 ? NULL : value;
	case NEG(DATA_SEQUENCE_IN_ORDER_NO):
		return strcmp(key, "DataSequenceInOrder") == 0 ? NULL : value;
	case NEG(SET_KEY):
	case NEG(REMOVE_KEY):
		return strcmp(key, a->key) == 0 ? NULL : value;
	default:
		return value;
	}
}

int
faults_negotiate_edit(struct faults *f, struct tconn *tc,
    const struct fault_rule *r, struct pdu *p)
{
	const struct fault_action *a = &r->a;
	struct text_builder *b = &f->tb;
	struct text_list l;
	char buf[TEXT_LONG_VALUE_MAX + 8], fbl[16];
	const char *dup = a->key[0] ? a->key : NULL;
	bool raw_chap_c = false;
	uint8_t *out;
	size_t i;

	if (a->kind == NEG(MAXCMDSN_NOT_GREATER)) {
		uint32_t exp = p->u.login_rsp.expcmdsn;

		p->u.login_rsp.maxcmdsn = strcmp(a->value, "less") == 0 ?
		    exp - 1 : exp;
		return 0;
	}
	if (a->kind == NEG(DIGEST_NONE_ONLY))
		tc->force_digest_none = true;
	if (text_parse(p->data, p->data_len, keys_value_limit,
	    TEXT_PARSE_PAD_OK, &l, NULL) != TEXT_OK)
		return -1;
	text_builder_reset(b);
	snprintf(fbl, sizeof(fbl), "65536");
	for (i = 0; i < l.npairs; i++) {
		const char *k = l.pairs[i].key, *v;

		if (strcmp(k, "FirstBurstLength") == 0)
			snprintf(fbl, sizeof(fbl), "%s", l.pairs[i].value);
		v = replace(a, k, l.pairs[i].value, buf, sizeof(buf),
		    &raw_chap_c);
		if (v != NULL)
			emit(b, k, v);
		if (a->kind == NEG(DUPLICATE_KEY) &&
		    (dup == NULL || strcmp(dup, k) == 0)) {
			emit(b, k, l.pairs[i].value);	/* the second time */
			dup = "";			/* once */
		}
	}
	switch (a->kind) {
	case NEG(CHAP_C_TOO_LONG):
		if (raw_chap_c)
			emit_long_challenge(b);
		break;
	case NEG(BURST_INVERTED): {
		unsigned long v = strtoul(fbl, NULL, 0);

		if (v < 1024)
			v = 65536;
		text_builder_addf(b, "FirstBurstLength", "%lu", v);
		text_builder_addf(b, "MaxBurstLength", "%lu", v / 2);
		break;
	}
	case NEG(REFLECT_CHAP_C):
		/* the initiator's challenge sent back to it (RFC 7143 9.2.1:
		 * reflection); the request's pairs are still parsed here */
		emit(b, "CHAP_I", tc->login->chap.i);
		emit(b, "CHAP_C", tc->login->chap.c);
		break;
	case NEG(DATA_PDU_IN_ORDER_NO):
		emit(b, "DataPDUInOrder", "No");
		break;
	case NEG(DATA_SEQUENCE_IN_ORDER_NO):
		emit(b, "DataSequenceInOrder", "No");
		break;
	case NEG(SET_KEY):
		emit(b, a->key, a->value);
		break;
	case NEG(ADD_KEY):
		if (a->repeat <= 1) {
			emit(b, a->key, a->value);
			break;
		}
		for (i = 1; i <= a->repeat; i++) {	/* key1=v ... keyN=v */
			char k[TEXT_KEY_MAX + 16];

			snprintf(k, sizeof(k), "%s%zu", a->key, i);
			emit(b, k, a->value);
		}
		break;
	case NEG(MALFORMED):
		/* a pair without '=' and without its NUL terminator */
		text_builder_add_raw(b, a->value[0] ? a->value :
		    "MalformedPairWithoutValue", strlen(a->value[0] ? a->value :
		    "MalformedPairWithoutValue"));
		break;
	default:
		break;
	}
	text_list_free(&l);
	if ((out = faults_scratch(f, b->len ? b->len : 1)) == NULL)
		return -1;
	memcpy(out, b->buf, b->len);
	pdu_set_data(p, out, (uint32_t)b->len);
	return 0;
}
