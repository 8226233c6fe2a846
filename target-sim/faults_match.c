/*
 * The fault-rule engine: matching a rule against a PDU or a moment (nth
 * occurrence, count), the hooks the connection code calls and the
 * per-connection timers of "after: {event, ms[, every]}" rules.
 */
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "tsim_impl.h"

/* ---- engine ------------------------------------------------------------- */

struct rule_timer {
	struct evtimer	 tm;
	struct tconn	*tc;
	size_t		 idx;
};

struct faults *
faults_new(struct tsim *t, const struct fault_rule *rules, size_t n)
{
	struct faults *f = calloc(1, sizeof(*f));
	size_t i;

	if (f == NULL)
		return NULL;
	f->t = t;
	f->rules = calloc(n ? n : 1, sizeof(*f->rules));
	if (f->rules == NULL) {
		free(f);
		return NULL;
	}
	for (i = 0; i < n; i++)
		f->rules[i].r = &rules[i];
	f->nrules = n;
	text_builder_init(&f->tb, 1u << 20);
	return f;
}

void
faults_free(struct faults *f)
{
	if (f == NULL)
		return;
	text_builder_free(&f->tb);
	free(f->scratch);
	free(f->rules);
	free(f);
}

uint64_t
faults_fired(const struct faults *f, size_t rule)
{
	return rule < f->nrules ? f->rules[rule].fired : 0;
}

uint8_t *
faults_scratch(struct faults *f, size_t len)
{
	if (len > f->scratch_cap) {
		uint8_t *nb = realloc(f->scratch, len);

		if (nb == NULL)
			return NULL;
		f->scratch = nb;
		f->scratch_cap = len;
	}
	return f->scratch;
}

static int
stage_of(const struct tconn *tc)
{
	switch (tc->state) {
	case TC_XPT_UP:
		return tc->login != NULL ? tc->login->csg : FAULT_STAGE_SECURITY;
	case TC_LOGGED_IN:
	case TC_LOGOUT_REQUESTED:
		return FAULT_STAGE_FFP;
	case TC_IN_LOGOUT:
		return FAULT_STAGE_LOGOUT;
	default:
		return FAULT_STAGE_ANY;
	}
}

/* Is "key=" at the start of one of the pairs of a Login/Text data segment? */
static bool
key_present(const struct pdu *p, const char *key)
{
	size_t klen = strlen(key), off = 0;

	if (p->opcode != PDU_OP_LOGIN_REQ && p->opcode != PDU_OP_LOGIN_RSP &&
	    p->opcode != PDU_OP_TEXT_REQ && p->opcode != PDU_OP_TEXT_RSP)
		return false;
	while (off < p->data_len) {
		const uint8_t *s = p->data + off;
		size_t n = p->data_len - off;
		const uint8_t *nul = memchr(s, '\0', n);

		if (n > klen && memcmp(s, key, klen) == 0 && s[klen] == '=')
			return true;
		if (nul == NULL)
			break;
		off += (size_t)(nul - s) + 1;
	}
	return false;
}

static uint64_t
event_time(const struct tconn *tc, int ev)
{
	switch (ev) {
	case FAULT_EV_CONNECT:	return tc->t_connect;
	case FAULT_EV_LOGIN:	return tc->t_login;
	case FAULT_EV_FFP:	return tc->t_ffp;
	default:		return 0;
	}
}

/* Does the action have something to work on in this PDU? */
static bool
applies(struct tconn *tc, const struct fault_rule *r, unsigned dir,
    const struct pdu *p)
{
	const struct fault_action *a = &r->a;

	if (dir != FAULT_DIR_OUT)
		return true;
	switch (a->type) {
	case FAULT_ACT_NEGOTIATE:
		return faults_negotiate_applies(tc, r, p);
	case FAULT_ACT_CORRUPT_DIGEST:
		return a->header ? tc->ic.tx_digests.header :
		    tc->ic.tx_digests.data && p->data_len > 0;
	case FAULT_ACT_INVALID_PDU:
		switch (a->kind) {
		case FAULT_INV_UNKNOWN_ITT:
			return p->itt != PDU_TAG_RESERVED;
		case FAULT_INV_INVALID_R2T:
			return p->opcode == PDU_OP_R2T;
		case FAULT_INV_MORE_DATA:
			return p->opcode == PDU_OP_DATA_IN;
		case FAULT_INV_DATA_IN_RESPONSE:
			return p->opcode == PDU_OP_SCSI_RSP;
		default:
			return true;
		}
	default:
		return true;
	}
}

bool
faults_match_pdu(struct tconn *tc, const struct fault_rule *r, unsigned dir,
    const struct pdu *p)
{
	const struct fault_match *m = &r->m;

	if (m->dir != dir)
		return false;
	if (m->conn != 0 && m->conn != tc->id)
		return false;
	if (m->portal[0] != '\0' && (tc->portal == NULL ||
	    strcmp(tc->portal->cfg->name, m->portal) != 0))
		return false;
	if (m->session != 0 && (tc->sess == NULL ||
	    tc->sess->ordinal != m->session))
		return false;
	if (m->stage != FAULT_STAGE_ANY && stage_of(tc) != m->stage)
		return false;
	if (m->after_event >= 0 && dir != FAULT_DIR_TIMER) {
		uint64_t t0 = event_time(tc, m->after_event);

		if (t0 == 0 || evloop_now(tc->t->loop) - t0 <
		    m->after_ms * EV_NSEC_PER_MSEC)
			return false;
	}
	if (p == NULL)
		return true;
	if (m->opcode >= 0 && p->opcode != m->opcode)
		return false;
	if (m->scsi_opcode >= 0 && (p->opcode != PDU_OP_SCSI_CMD ||
	    p->u.scsi_cmd.cdb[0] != m->scsi_opcode))
		return false;
	if (m->key[0] != '\0' && !key_present(p, m->key))
		return false;
	return applies(tc, r, dir, p);
}

bool
faults_count(struct fault_state *st)
{
	const struct fault_match *m = &st->r->m;

	st->seen++;
	if (st->seen < m->nth)
		return false;
	if (m->count != 0 && st->fired >= m->count)
		return false;
	st->fired++;
	return true;
}

bool
faults_rx(struct tconn *tc, const struct pdu *p, const struct pdu_error *err)
{
	struct faults *f = tc->t->faults;
	bool consumed = false;
	size_t i;

	if (f == NULL || f->busy)
		return false;
	for (i = 0; i < f->nrules && !consumed; i++) {
		struct fault_state *st = &f->rules[i];

		if (!faults_match_pdu(tc, st->r, FAULT_DIR_IN, p) ||
		    !faults_count(st))
			continue;
		tc->t->stats.rules_fired++;
		fault_log(tc->t, st->r, tc, "in", p, NULL);
		f->busy = true;
		consumed = faults_act_rx(f, tc, st->r, p, err);
		f->busy = false;
	}
	return consumed;
}

enum fault_tx
faults_tx(struct tconn *tc, struct pdu *p, struct pdu_digest_opts *d)
{
	struct faults *f = tc->t->faults;
	enum fault_tx v = FAULT_TX_SEND;
	bool nested;
	size_t i;

	if (f == NULL)
		return FAULT_TX_SEND;
	/* A PDU sent by another rule's action (a NOP-In ping, an Async, an
	 * invalid PDU) may still get a wrong digest: corrupt_digest only
	 * alters *d and cannot start anything, so it cannot recurse. */
	nested = f->busy;
	for (i = 0; i < f->nrules && v == FAULT_TX_SEND; i++) {
		struct fault_state *st = &f->rules[i];

		if (nested && st->r->a.type != FAULT_ACT_CORRUPT_DIGEST)
			continue;
		if (!faults_match_pdu(tc, st->r, FAULT_DIR_OUT, p) ||
		    !faults_count(st))
			continue;
		tc->t->stats.rules_fired++;
		fault_log(tc->t, st->r, tc, "out", p, NULL);
		f->busy = true;
		v = faults_act_tx(f, tc, st->r, p, d);
		f->busy = nested;
	}
	return v;
}

static void
timer_fire(struct evloop *l, void *arg)
{
	struct rule_timer *rt = arg;
	struct tconn *tc = rt->tc;
	struct faults *f = tc->t->faults;
	struct fault_state *st = &f->rules[rt->idx];

	const struct fault_match *m = &st->r->m;
	bool fire;

	if (tc->ic.state != ICONN_UP || tc->closing)
		return;
	fire = !f->busy && faults_match_pdu(tc, st->r, FAULT_DIR_TIMER, NULL) &&
	    faults_count(st);
	/* every: the next tick while the rule may still fire (count); armed
	 * before the action, which may close the connection (and disarm) */
	if (m->every_ms > 0 && (m->count == 0 || st->fired < m->count))
		evtimer_arm(l, &rt->tm, m->every_ms * EV_NSEC_PER_MSEC);
	if (!fire)
		return;
	tc->t->stats.rules_fired++;
	fault_log(tc->t, st->r, tc, "timer", NULL, NULL);
	f->busy = true;
	faults_act_timer(f, tc, st->r);
	f->busy = false;
}

void
faults_event(struct tconn *tc, enum fault_event ev)
{
	struct faults *f = tc->t->faults;
	struct rule_timer *rt;
	size_t i;

	if (f == NULL || f->nrules == 0)
		return;
	for (i = 0; i < f->nrules; i++) {
		const struct fault_match *m = &f->rules[i].r->m;

		if (m->dir != FAULT_DIR_TIMER || m->after_event != (int)ev)
			continue;
		if (tc->rule_timers == NULL &&
		    (tc->rule_timers = calloc(f->nrules, sizeof(*rt))) == NULL)
			return;
		rt = &((struct rule_timer *)tc->rule_timers)[i];
		rt->tc = tc;
		rt->idx = i;
		evtimer_init(&rt->tm, timer_fire, rt);
		evtimer_arm(tc->t->loop, &rt->tm, m->after_ms * EV_NSEC_PER_MSEC);
	}
}

void
faults_conn_gone(struct tconn *tc)
{
	struct faults *f = tc->t->faults;
	struct rule_timer *rt = tc->rule_timers;
	size_t i;

	if (rt == NULL)
		return;
	for (i = 0; f != NULL && i < f->nrules; i++)
		if (rt[i].tc != NULL)
			evtimer_disarm(tc->t->loop, &rt[i].tm);
	free(rt);
	tc->rule_timers = NULL;
}
