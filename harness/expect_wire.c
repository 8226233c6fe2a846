/*
 * Wire assertions against the PDUs of a capture: selection, anchors
 * (after a fault rule fired, after a PDU) and the checks (count, none,
 * first_gap_ms, same).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "expect.h"
#include "expect_wire.h"
#include "text.h"

struct wctx {
	const struct wire_log	 *log;
	const struct wire_firing *fire;
	size_t			  nfire;
	char			(*portals)[64];
};

/* A selection: PDU indices in capture order, and its anchor. */
struct wsel {
	size_t		*idx;
	size_t		 n;
	double		 anchor;	/* capture time, < 0 none */
	char		 anchor_text[120];
};

/* Any length a key may have: only presence and equality matter here. */
static size_t
any_length(const char *key, size_t keylen)
{
	(void)key;
	(void)keylen;
	return TEXT_LONG_VALUE_MAX;
}

static int
keys_match(const struct wire_sel *s, const struct wire_pdu *p)
{
	struct text_list tl;
	size_t i;
	int ok = 1;

	if (s->nkeys == 0)
		return 1;
	if (p->text == NULL || text_parse((const uint8_t *)p->text, p->text_len,
	    any_length, TEXT_PARSE_PAD_OK, &tl, NULL) != TEXT_OK)
		return 0;
	for (i = 0; i < s->nkeys && ok; i++) {
		const struct text_pair *kv = text_list_find(&tl, s->keys[i].key);

		ok = kv != NULL && (s->keys[i].value == NULL ||
		    strcmp(kv->value, s->keys[i].value) == 0);
	}
	text_list_free(&tl);
	return ok;
}

/* Everything but the anchor and nth. */
static int
pdu_matches(const struct wire_sel *s, const struct wire_pdu *p)
{
	size_t i;
	uint64_t v;

	if ((s->dir >= 0 && p->dir != s->dir) ||
	    (s->opcode >= 0 && p->pdu.opcode != s->opcode) ||
	    (s->scsi_opcode >= 0 && (p->pdu.opcode != PDU_OP_SCSI_CMD ||
	    p->cdb0 != s->scsi_opcode)) ||
	    (s->conn != 0 && p->conn != s->conn) ||
	    (s->session != 0 && p->session != s->session) ||
	    (s->portal >= 0 && p->portal != s->portal))
		return 0;
	for (i = 0; i < s->nfields; i++)
		if (pdu_field_get(&p->pdu, s->fields[i].name, &v) != 0 ||
		    v != s->fields[i].value)
			return 0;
	return keys_match(s, p);
}

/* ms since the first PDU of the capture */
static double
rel(const struct wire_log *l, double t)
{
	return l->n > 0 ? (t - l->p[0].time) * 1000.0 : 0;
}

static int select_pdus(const struct wctx *, const struct wire_sel *,
    struct wsel *, char *why, size_t whysz, int depth);

/* Where the selection starts: *from (first index), *t (anchor time). */
static int
anchor_resolve(const struct wctx *w, const struct wire_sel *s, size_t *from,
    double *t, char *text, size_t textsz, char *why, size_t whysz, int depth)
{
	const struct wire_log *l = w->log;
	size_t i, seen = 0;

	*from = 0;
	*t = -1;
	if (s->after == WIRE_AFTER_NONE)
		return 0;
	if (s->after == WIRE_AFTER_RULE) {
		for (i = 0; i < w->nfire; i++)
			if (strcmp(w->fire[i].rule, s->after_rule) == 0 &&
			    ++seen == s->after_firing)
				break;
		if (i == w->nfire) {
			snprintf(why, whysz, "rule '%s' fired %zu time(s), so there "
			    "is no firing %u to anchor on", s->after_rule, seen,
			    s->after_firing);
			return -1;
		}
		if (w->fire[i].wall < 0) {
			snprintf(why, whysz, "the fault log has no wall-clock time "
			    "(wall_us) for rule '%s'", s->after_rule);
			return -1;
		}
		*t = w->fire[i].wall;
		/* PDUs captured at or after the moment the target logged it */
		while (*from < l->n && l->p[*from].time < *t)
			(*from)++;
		snprintf(text, textsz, "rule '%s' fired at +%.1f ms", s->after_rule,
		    rel(l, *t));
		return 0;
	}
	{
		struct wsel a = { 0 };
		char sub[200];

		if (select_pdus(w, s->after_pdu, &a, sub, sizeof(sub),
		    depth + 1) == -1) {
			snprintf(why, whysz, "anchor: %s", sub);
			return -1;
		}
		if (a.n == 0) {
			free(a.idx);
			snprintf(why, whysz, "no anchor PDU [%s] in the capture",
			    s->after_pdu->text);
			return -1;
		}
		*from = a.idx[0] + 1;
		*t = l->p[a.idx[0]].time;
		snprintf(text, textsz, "anchor PDU at +%.1f ms", rel(l, *t));
		free(a.idx);
	}
	return 0;
}

static int
select_pdus(const struct wctx *w, const struct wire_sel *s, struct wsel *out,
    char *why, size_t whysz, int depth)
{
	const struct wire_log *l = w->log;
	size_t from, i, seen = 0;

	memset(out, 0, sizeof(*out));
	if (depth > 8) {
		snprintf(why, whysz, "anchors nested too deep");
		return -1;
	}
	if (anchor_resolve(w, s, &from, &out->anchor, out->anchor_text,
	    sizeof(out->anchor_text), why, whysz, depth) == -1)
		return -1;
	if (l->n > from && (out->idx = malloc((l->n - from) *
	    sizeof(*out->idx))) == NULL) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	for (i = from; i < l->n; i++) {
		if (!pdu_matches(s, &l->p[i]))
			continue;
		seen++;
		if (s->nth == 0 || seen == s->nth)
			out->idx[out->n++] = i;
		if (s->nth != 0 && seen == s->nth)
			break;
	}
	return 0;
}

static void
describe(const struct wctx *w, size_t i, char *buf, size_t bufsz)
{
	const struct wire_pdu *p = &w->log->p[i];
	const char *op = pdu_opcode_short_name(p->pdu.opcode);

	snprintf(buf, bufsz, "%s %s at +%.1f ms on connection %u%s%s",
	    p->dir == ANA_DIR_I2T ? "i2t" : "t2i", op != NULL ? op : "PDU",
	    rel(w->log, p->time), p->conn, p->portal >= 0 ? " to " : "",
	    p->portal >= 0 ? w->portals[p->portal] : "");
}

static void
label(const struct wire_check *c, const char *kind, char *what, size_t whatsz)
{
	snprintf(what, whatsz, "wire %s: %.100s", kind, c->name[0] != '\0' ?
	    c->name : c->sel.text);
}

static void
check_count(const struct wctx *w, const struct wire_check *c,
    const struct wsel *sel, struct verdicts *vs)
{
	char what[128], first[160] = "", bounds[64];
	int ok = sel->n >= c->count_min && sel->n <= c->count_max;

	label(c, "count", what, sizeof(what));
	if (c->count_min == c->count_max)
		snprintf(bounds, sizeof(bounds), "%u", c->count_min);
	else if (c->count_max == UINT32_MAX)
		snprintf(bounds, sizeof(bounds), "at least %u", c->count_min);
	else
		snprintf(bounds, sizeof(bounds), "%u..%u", c->count_min,
		    c->count_max);
	if (sel->n > 0)
		describe(w, sel->idx[0], first, sizeof(first));
	verdicts_add(vs, ok, what, "expected %s, saw %zu%s%s%s%s", bounds, sel->n,
	    sel->anchor_text[0] ? " after " : "", sel->anchor_text,
	    sel->n > 0 ? "; first: " : "", first);
}

static void
check_none(const struct wctx *w, const struct wire_check *c,
    const struct wsel *sel, struct verdicts *vs)
{
	char what[128], first[160] = "";

	label(c, "none", what, sizeof(what));
	if (sel->n > 0)
		describe(w, sel->idx[0], first, sizeof(first));
	verdicts_add(vs, sel->n == 0, what, "%zu found%s%s%s%s", sel->n,
	    sel->anchor_text[0] ? " after " : "", sel->anchor_text,
	    sel->n > 0 ? "; first: " : "", first);
}

static void
check_gap(const struct wctx *w, const struct wire_check *c,
    const struct wsel *sel, struct verdicts *vs)
{
	char what[128], bounds[64] = "", first[160];
	double d;

	label(c, "first gap", what, sizeof(what));
	if (c->gap_min_ms >= 0)
		snprintf(bounds, sizeof(bounds), ">= %lld ms",
		    (long long)c->gap_min_ms);
	if (c->gap_max_ms >= 0)
		snprintf(bounds + strlen(bounds), sizeof(bounds) - strlen(bounds),
		    "%s<= %lld ms", bounds[0] ? ", " : "",
		    (long long)c->gap_max_ms);
	if (sel->n == 0) {
		verdicts_add(vs, 0, what, "expected %s; no such PDU after %s",
		    bounds, sel->anchor_text);
		return;
	}
	d = (w->log->p[sel->idx[0]].time - sel->anchor) * 1000.0;
	describe(w, sel->idx[0], first, sizeof(first));
	verdicts_add(vs, (c->gap_min_ms < 0 || d >= (double)c->gap_min_ms) &&
	    (c->gap_max_ms < 0 || d <= (double)c->gap_max_ms), what,
	    "%.1f ms (expected %s) from %s to %s", d, bounds, sel->anchor_text,
	    first);
}

static void
check_same(const struct wctx *w, const struct wire_check *c,
    const struct wsel *sel, struct verdicts *vs)
{
	char what[128], why[200];
	struct wsel other;
	uint64_t a, b;

	label(c, "same", what, sizeof(what));
	snprintf(what + strlen(what), sizeof(what) - strlen(what), " (%s)",
	    c->same_field);
	if (sel->n == 0) {
		verdicts_add(vs, 0, what, "no PDU [%s] to compare", c->sel.text);
		return;
	}
	if (select_pdus(w, c->same_sel, &other, why, sizeof(why), 0) == -1) {
		verdicts_add(vs, 0, what, "%s", why);
		return;
	}
	if (other.n == 0)
		verdicts_add(vs, 0, what, "no PDU [%s] to compare with",
		    c->same_sel->text);
	else if (pdu_field_get(&w->log->p[sel->idx[0]].pdu, c->same_field,
	    &a) != 0 || pdu_field_get(&w->log->p[other.idx[0]].pdu,
	    c->same_field, &b) != 0)
		verdicts_add(vs, 0, what, "'%s' is not a field of both PDUs",
		    c->same_field);
	else
		verdicts_add(vs, a == b, what, "0x%llx vs 0x%llx in [%.60s]",
		    (unsigned long long)a, (unsigned long long)b,
		    c->same_sel->text);
	free(other.idx);
}

static void
fail_all(const struct wire_check *c, const char *why, struct verdicts *vs)
{
	char what[128];

	if (c->has_count) {
		label(c, "count", what, sizeof(what));
		verdicts_add(vs, 0, what, "cannot be evaluated: %s", why);
	}
	if (c->none) {
		label(c, "none", what, sizeof(what));
		verdicts_add(vs, 0, what, "cannot be evaluated: %s", why);
	}
	if (c->has_gap) {
		label(c, "first gap", what, sizeof(what));
		verdicts_add(vs, 0, what, "cannot be evaluated: %s", why);
	}
	if (c->same_field[0] != '\0') {
		label(c, "same", what, sizeof(what));
		verdicts_add(vs, 0, what, "cannot be evaluated: %s", why);
	}
}

void
expect_wire_eval(const struct wire_check *checks, size_t n,
    const struct wire_log *log, const struct wire_firing *fire, size_t nfire,
    char portals[][64], struct verdicts *vs)
{
	struct wctx w = { log, fire, nfire, portals };
	char why[300];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct wire_check *c = &checks[i];
		struct wsel sel;
		size_t first;

		if (!log->usable || log->n == 0) {
			fail_all(c, !log->usable ? log->why :
			    "the capture holds no iSCSI PDU", vs);
			continue;
		}
		if (select_pdus(&w, &c->sel, &sel, why, sizeof(why), 0) == -1) {
			fail_all(c, why, vs);
			continue;
		}
		first = vs->n;
		if (c->has_count)
			check_count(&w, c, &sel, vs);
		if (c->none)
			check_none(&w, c, &sel, vs);
		if (c->has_gap)
			check_gap(&w, c, &sel, vs);
		if (c->same_field[0] != '\0')
			check_same(&w, c, &sel, vs);
		if (c->deviation[0] != '\0')
			verdicts_mark_deviation(vs, first, c->deviation);
		free(sel.idx);
	}
}
