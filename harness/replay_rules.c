/*
 * Replay, the rule half: what the captured target did that an ordinary
 * target does not, as fault rules of docs/scenario-format.md.  Every rule
 * names its PDU the way iscsi-target-sim counts: the opcode (and CDB byte
 * 0, the login key or stage) and the occurrence among the PDUs that match
 * the same criteria over the whole run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "pdu.h"
#include "replay.h"

static const char *const kind_names[RP_NKIND] = {
	"login_status", "redirect", "reject", "async", "nop_in",
	"corrupt_digest", "drop", "delay"
};

const char *
rp_kind_name(enum rp_kind k)
{
	return (unsigned)k < RP_NKIND ? kind_names[k] : "?";
}

const char *
rp_key_name(unsigned bit)
{
	switch (bit) {
	case RP_KEY_INITIATOR_NAME:	return "InitiatorName";
	case RP_KEY_CHAP_A:		return "CHAP_A";
	case RP_KEY_CHAP_R:		return "CHAP_R";
	default:			return NULL;
	}
}

static unsigned
key_slot(unsigned bit)
{
	return bit == RP_KEY_INITIATOR_NAME ? 0 : bit == RP_KEY_CHAP_A ? 1 : 2;
}

void
rp_rules_init(struct rp_rules *r)
{
	memset(r, 0, sizeof(*r));
}

void
rp_rules_free(struct rp_rules *r)
{
	free(r->rules);
	free(r->conns);
	memset(r, 0, sizeof(*r));
}

static struct rp_rconn *
conn_get(struct rp_rules *r, unsigned conn)
{
	struct rp_rconn *nc;
	size_t n;

	if (conn == 0)
		return NULL;
	if (conn > r->nconns) {
		n = conn < 2 * r->nconns ? 2 * r->nconns : conn;
		if ((nc = realloc(r->conns, n * sizeof(*nc))) == NULL)
			return NULL;
		memset(nc + r->nconns, 0, (n - r->nconns) * sizeof(*nc));
		r->conns = nc;
		r->nconns = n;
	}
	return &r->conns[conn - 1];
}

static struct rp_rule *
rule_new(struct rp_rules *r, enum rp_kind k, const struct rp_match *m,
    uint64_t index, unsigned conn)
{
	struct rp_rule *nr;
	size_t n;

	if (r->nrules >= RP_RULES_MAX) {
		r->dropped++;
		return NULL;
	}
	if (r->nrules == r->cap) {
		n = r->cap ? 2 * r->cap : 16;
		if ((nr = realloc(r->rules, n * sizeof(*nr))) == NULL) {
			r->dropped++;
			return NULL;
		}
		r->rules = nr;
		r->cap = n;
	}
	nr = &r->rules[r->nrules++];
	memset(nr, 0, sizeof(*nr));
	nr->kind = k;
	nr->seq = ++r->kind_count[k];
	nr->m = *m;
	nr->index = index;
	nr->conn = conn;
	return nr;
}

static void
match_init(struct rp_match *m, enum rp_dir dir, int opcode)
{
	memset(m, 0, sizeof(*m));
	m->dir = dir;
	m->opcode = opcode;
	m->scsi_opcode = -1;
	m->stage = -1;
	m->after_event = RP_EV_NONE;
	m->nth = 1;
}

static uint64_t
ms_between(double from, double to)
{
	double d = (to - from) * 1000.0;

	return d <= 0 ? 0 : (uint64_t)llround(d);
}

/* Count an I->T PDU in every class a rule can use; return its best match. */
static void
count_in(struct rp_rules *r, const struct rp_pdu *p, struct rp_match *m)
{
	unsigned op = p->opcode & 0x3f, b, best = 0;

	match_init(m, RP_IN, (int)op);
	m->nth = ++r->in_op[op];
	if (op == PDU_OP_SCSI_CMD && p->scsi_opcode >= 0) {
		m->scsi_opcode = p->scsi_opcode & 0xff;
		m->nth = ++r->in_scsi[p->scsi_opcode & 0xff];
	}
	if (op != PDU_OP_LOGIN_REQ)
		return;
	for (b = RP_KEY_CHAP_R; b != 0; b >>= 1)
		if (p->keys & b) {
			r->in_key[key_slot(b)]++;
			if (best == 0 || b == RP_KEY_INITIATOR_NAME)
				best = b;
		}
	if (p->stage >= 0 && p->stage < 4)
		r->in_stage[p->stage]++;
	/* InitiatorName counts logins; CHAP_R / CHAP_A the CHAP steps: the
	   same whatever the initiator puts in its other requests */
	if (best != 0) {
		m->key = best;
		m->nth = r->in_key[key_slot(best)];
	} else if (p->stage >= 0 && p->stage < 4) {
		m->stage = p->stage;
		m->nth = r->in_stage[p->stage];
	}
}

static void
remember(struct rp_rconn *c, const struct rp_pdu *p, const struct rp_match *m)
{
	struct rp_recent *e = &c->recent[c->recent_next];

	c->recent_next = (c->recent_next + 1) % RP_RECENT;
	e->used = true;
	e->answered = false;
	e->itt = p->itt;
	e->opcode = p->opcode;
	e->scsi_opcode = p->scsi_opcode;
	e->m = *m;
	e->time = p->time;
	e->index = p->index;
}

/* Newest remembered request with this ITT (and opcode when >= 0). */
static struct rp_recent *
recall(struct rp_rconn *c, uint32_t itt, int opcode)
{
	size_t i, k;

	for (i = 0; i < RP_RECENT; i++) {
		k = (c->recent_next + RP_RECENT - 1 - i) % RP_RECENT;
		if (c->recent[k].used && c->recent[k].itt == itt &&
		    (opcode < 0 || c->recent[k].opcode == opcode))
			return &c->recent[k];
	}
	return NULL;
}

/* Newest remembered request with this opcode. */
static struct rp_recent *
recall_opcode(struct rp_rconn *c, int opcode)
{
	size_t i, k;

	for (i = 0; i < RP_RECENT; i++) {
		k = (c->recent_next + RP_RECENT - 1 - i) % RP_RECENT;
		if (c->recent[k].used && c->recent[k].opcode == opcode)
			return &c->recent[k];
	}
	return NULL;
}

/*
 * When did the target send something of its own (an Async, a NOP-In
 * ping)?  Right after a request (nothing from the target in between): on
 * that request; else a moment after full feature phase (or the connect).
 */
static void
spontaneous_match(const struct rp_rconn *c, const struct rp_pdu *p,
    struct rp_match *m, char *why, size_t whysz)
{
	if (c->have_in && c->last_dir == ANA_DIR_I2T &&
	    ms_between(c->last_in_time, p->time) <= RP_TRIGGER_MS) {
		*m = c->last_in;
		snprintf(why, whysz, "sent on receipt of %s #%llu",
		    pdu_opcode_name((uint8_t)m->opcode),
		    (unsigned long long)m->nth);
		return;
	}
	match_init(m, RP_TIMER, -1);
	m->conn = p->conn;
	if (c->ffp) {
		m->after_event = RP_EV_FFP;
		m->after_ms = ms_between(c->ffp_time, p->time);
	} else {
		m->after_event = RP_EV_CONNECT;
		m->after_ms = ms_between(c->first_time, p->time);
	}
	snprintf(why, whysz, "%llu ms after %s on connection %u",
	    (unsigned long long)m->after_ms, c->ffp ? "full feature phase" :
	    "the first PDU", p->conn);
}

static int
t2i_pdu(struct rp_rules *r, struct rp_rconn *c, const struct rp_pdu *p)
{
	unsigned op = p->opcode & 0x3f;
	bool generated = false;
	struct rp_match m, om;
	struct rp_recent *q;
	struct rp_rule *nr;
	char why[96];

	if (p->hdigest)
		r->out_hd[op]++;
	if (p->ddigest && p->data_len > 0)
		r->out_dd[op]++;
	/* Async Messages and NOP-In pings come from rules of their own: the
	   target's other out-rules do not count them */
	if (op == PDU_OP_ASYNC || (op == PDU_OP_NOP_IN &&
	    p->itt == PDU_TAG_RESERVED))
		generated = true;
	else
		r->out_op[op]++;
	match_init(&om, RP_OUT, (int)op);
	om.nth = r->out_op[op];

	if (p->bad_hdigest || p->bad_ddigest) {
		match_init(&m, RP_OUT, (int)op);
		m.nth = p->bad_hdigest ? r->out_hd[op] : r->out_dd[op];
		if ((nr = rule_new(r, RP_CORRUPT_DIGEST, &m, p->index,
		    p->conn)) != NULL) {
			nr->header = p->bad_hdigest;
			snprintf(nr->note, sizeof(nr->note), "%s digest of %s #%llu "
			    "(counting those with that digest) was wrong",
			    nr->header ? "header" : "data", pdu_opcode_name(op),
			    (unsigned long long)m.nth);
		}
	}

	switch (op) {
	case PDU_OP_LOGIN_RSP:
		c->login_failed = p->status_class != 0;
		if (p->login_final) {
			c->ffp = true;
			c->ffp_time = p->time;
		}
		if (p->status_class == 0)
			break;
		if (!c->have_login_req) {
			/* no request captured on this connection */
			break;
		}
		nr = rule_new(r, p->status_class == 1 ? RP_REDIRECT :
		    RP_LOGIN_STATUS, &c->login_req, p->index, p->conn);
		if (nr == NULL)
			break;
		nr->status_class = p->status_class;
		nr->status_detail = p->status_detail;
		if (p->redirect_to != NULL)
			snprintf(nr->address, sizeof(nr->address), "%s",
			    p->redirect_to);
		snprintf(nr->note, sizeof(nr->note), "Login Response status "
		    "0x%02x%02x %s", p->status_class, p->status_detail,
		    catalog_login_status(p->status_class,
		    p->status_detail).name);
		break;
	case PDU_OP_REJECT:
		q = recall(c, p->rej_itt, p->rej_opcode);
		if (q == NULL && p->rej_opcode >= 0)
			q = recall_opcode(c, p->rej_opcode);
		if (q == NULL)
			break;	/* the rejected PDU was not captured */
		if ((nr = rule_new(r, RP_REJECT, &q->m, p->index, p->conn)) ==
		    NULL)
			break;
		nr->reason = p->reason;
		q->answered = true;
		snprintf(nr->note, sizeof(nr->note), "Reject reason 0x%02x %s of "
		    "%s #%llu", p->reason, catalog_reject_reason(p->reason) ?
		    catalog_reject_reason(p->reason)->name : "(reserved)",
		    pdu_opcode_name(q->opcode), (unsigned long long)q->m.nth);
		break;
	case PDU_OP_ASYNC:
		spontaneous_match(c, p, &m, why, sizeof(why));
		if ((nr = rule_new(r, RP_ASYNC, &m, p->index, p->conn)) == NULL)
			break;
		nr->event = p->async_event;
		nr->vcode = p->async_vcode;
		memcpy(nr->param, p->async_param, sizeof(nr->param));
		c->last_async_rule = r->nrules;
		snprintf(nr->note, sizeof(nr->note), "Async Message %u %s, %s",
		    p->async_event, catalog_async_event(p->async_event) ?
		    catalog_async_event(p->async_event)->name : "(reserved)",
		    why);
		break;
	case PDU_OP_NOP_IN:
		if (p->itt != PDU_TAG_RESERVED)
			break;
		if (r->pings >= RP_PINGS_MAX) {
			r->pings_skipped++;
			break;
		}
		spontaneous_match(c, p, &m, why, sizeof(why));
		if ((nr = rule_new(r, RP_NOP_IN, &m, p->index, p->conn)) == NULL)
			break;
		r->pings++;
		nr->bytes = p->data_len;
		snprintf(nr->note, sizeof(nr->note), "NOP-In ping, %s", why);
		break;
	default:
		break;
	}

	/* a slow first answer to a request */
	if (!generated && p->itt != PDU_TAG_RESERVED && op != PDU_OP_REJECT &&
	    (q = recall(c, p->itt, -1)) != NULL && !q->answered) {
		uint64_t ms = ms_between(q->time, p->time);

		q->answered = true;
		if (ms >= RP_DELAY_MIN_MS && (nr = rule_new(r, RP_DELAY, &om,
		    p->index, p->conn)) != NULL) {
			nr->ms = ms;
			snprintf(nr->note, sizeof(nr->note), "%s #%llu answered "
			    "%llu ms after its request", pdu_opcode_name(op),
			    (unsigned long long)om.nth, (unsigned long long)ms);
		}
	}
	if (op == PDU_OP_LOGOUT_RSP)
		c->logged_out = true;
	if (op != PDU_OP_ASYNC)
		c->last_async_rule = 0;
	c->have_out = true;
	c->last_out = om;
	c->last_out_index = p->index;
	c->last_out_generated = generated;
	return 0;
}

int
rp_rules_pdu(struct rp_rules *r, const struct rp_pdu *p)
{
	struct rp_rconn *c = conn_get(r, p->conn);
	struct rp_match m;

	if (c == NULL)
		return -1;
	if (!c->seen) {
		c->seen = true;
		c->first_time = p->time;
	}
	if (p->dir == ANA_DIR_I2T) {
		count_in(r, p, &m);
		if ((p->opcode & 0x3f) == PDU_OP_LOGIN_REQ) {
			c->have_login_req = true;
			c->login_req = m;
		}
		remember(c, p, &m);
		c->have_in = true;
		c->last_in = m;
		c->last_in_time = p->time;
		c->last_in_index = p->index;
	} else if (t2i_pdu(r, c, p) != 0)
		return -1;
	c->last_dir = p->dir;
	return 0;
}

int
rp_rules_conn_end(struct rp_rules *r, unsigned conn, enum ana_dir closer,
    bool rst, double t)
{
	struct rp_rconn *c = conn_get(r, conn);
	struct rp_rule *nr;
	struct rp_match m;
	const char *after;

	if (c == NULL)
		return -1;
	if (closer != ANA_DIR_T2I || c->logged_out || c->login_failed)
		return 0;	/* ordinary: the initiator's, or after a Logout */
	if (c->last_async_rule != 0 && c->last_dir == ANA_DIR_T2I) {
		nr = &r->rules[c->last_async_rule - 1];
		nr->async_drop = true;
		return 0;	/* the Async's own drop (RFC 7143 11.9.1) */
	}
	if (c->seen && c->last_dir == ANA_DIR_I2T) {
		m = c->last_in;
		after = "on receipt of";
	} else if (c->seen && c->have_out && !c->last_out_generated) {
		m = c->last_out;
		after = "right after";
	} else {
		match_init(&m, RP_TIMER, -1);
		m.conn = conn;
		if (c->ffp) {
			m.after_event = RP_EV_FFP;
			m.after_ms = ms_between(c->ffp_time, t);
		} else {
			m.after_event = RP_EV_CONNECT;
			m.after_ms = c->seen ? ms_between(c->first_time, t) : 0;
		}
		after = NULL;
	}
	nr = rule_new(r, RP_DROP, &m, m.dir == RP_TIMER ? UINT64_MAX :
	    m.dir == RP_IN ? c->last_in_index : c->last_out_index, conn);
	if (nr == NULL)
		return 0;
	nr->rst = rst;
	nr->after = m.dir == RP_OUT;
	if (after != NULL)
		snprintf(nr->note, sizeof(nr->note), "the target %s connection "
		    "%u %s %s #%llu", rst ? "reset" : "closed", conn, after,
		    pdu_opcode_name((uint8_t)m.opcode),
		    (unsigned long long)m.nth);
	else
		snprintf(nr->note, sizeof(nr->note), "the target %s connection "
		    "%u %llu ms after %s", rst ? "reset" : "closed", conn,
		    (unsigned long long)m.after_ms, c->ffp ?
		    "full feature phase" : "it was opened");
	return 0;
}

static bool
consumes(const struct rp_rule *r)
{
	switch (r->kind) {
	case RP_LOGIN_STATUS:
	case RP_REDIRECT:
	case RP_REJECT:
	case RP_DROP:
	case RP_DELAY:
		return true;
	default:
		return false;
	}
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct rp_rule *x = a, *y = b;

	if (x->index != y->index)
		return x->index > y->index ? -1 : 1;
	/* on the same PDU: those that let it go on first */
	if (consumes(x) != consumes(y))
		return consumes(x) ? 1 : -1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
rp_rules_finish(struct rp_rules *r)
{
	size_t i;

	/* timer rules (index UINT64_MAX for drops): keep them last, by time */
	for (i = 0; i < r->nrules; i++)
		if (r->rules[i].m.dir == RP_TIMER)
			r->rules[i].index = 0;
	if (r->nrules > 1)
		qsort(r->rules, r->nrules, sizeof(r->rules[0]), rule_cmp);
}
