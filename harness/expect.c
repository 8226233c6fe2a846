/* Expectations of a scenario checked against what the run observed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "expect.h"
#include "runner.h"
#include "ytree.h"

int
verdicts_add(struct verdicts *vs, int pass, const char *what, const char *fmt, ...)
{
	va_list ap;
	struct verdict *v;

	if (vs->n == vs->cap) {
		size_t ncap = vs->cap ? vs->cap * 2 : 16;
		struct verdict *nv = realloc(vs->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		vs->v = nv;
		vs->cap = ncap;
	}
	v = &vs->v[vs->n++];
	v->pass = pass;
	v->deviation = 0;
	if (!pass)
		vs->failed++;
	snprintf(v->what, sizeof(v->what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	return 0;
}

void
verdicts_mark_deviation(struct verdicts *vs, size_t from, const char *why)
{
	size_t i, len;

	for (i = from; i < vs->n; i++) {
		struct verdict *v = &vs->v[i];

		if (v->pass || v->deviation)
			continue;
		v->deviation = 1;
		vs->failed--;
		vs->deviations++;
		len = strlen(v->detail);
		snprintf(v->detail + len, sizeof(v->detail) - len,
		    "; known deviation: %s", why);
	}
}

void
verdicts_free(struct verdicts *vs)
{
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

static const char *
isdsc_name(uint32_t code)
{
	const struct catalog_isdsc *d;

	if (code == CATALOG_ISDSC_OK)
		return "success";
	d = catalog_isdsc_by_value(code);
	return d != NULL ? d->name : "an undocumented code";
}

static size_t
count_event(const struct observation *o, unsigned id)
{
	size_t i, n = 0;

	for (i = 0; i < o->nevents; i++)
		n += o->events[i] == id;
	return n;
}

static void
check_exit(const struct scn *s, const struct observation *o, struct verdicts *vs)
{
	if (!s->has_exit)
		return;
	if (s->exit_nonzero)
		verdicts_add(vs, o->exit_code > 0, "initiator exit status",
		    "expected non-zero, got %d", o->exit_code);
	else
		verdicts_add(vs, o->exit_code == s->exit_code,
		    "initiator exit status", "expected %d, got %d", s->exit_code,
		    o->exit_code);
}

static void
check_steps(const struct scn *s, const struct observation *o, struct verdicts *vs)
{
	size_t i;
	char what[64];

	for (i = 0; i < s->nsteps; i++) {
		const struct scn_step_expect *e = &s->steps[i];

		snprintf(what, sizeof(what), "step %d ISDSC", e->index);
		if ((size_t)e->index > o->nsteps) {
			verdicts_add(vs, 0, what, "expected %s (0x%08X); the step "
			    "did not run (%zu steps ran)", e->isdsc_name, e->isdsc,
			    o->nsteps);
			continue;
		}
		{
			const struct obs_step *st = &o->steps[e->index - 1];
			verdicts_add(vs, st->isdsc == e->isdsc, what,
			    "%s: expected %s (0x%08X), got %s (0x%08X)", st->verb,
			    e->isdsc_name, e->isdsc, isdsc_name(st->isdsc), st->isdsc);
		}
	}
}

static void
check_events(const struct scn *s, const struct observation *o, struct verdicts *vs)
{
	char what[64];
	size_t i, j, pos;

	for (i = 0; i < s->nev_include; i++) {
		snprintf(what, sizeof(what), "event %u logged", s->ev_include[i]);
		verdicts_add(vs, count_event(o, s->ev_include[i]) > 0, what,
		    "%s", catalog_event(s->ev_include[i])->message);
	}
	for (i = 0; i < s->nev_exclude; i++) {
		size_t n = count_event(o, s->ev_exclude[i]);
		snprintf(what, sizeof(what), "event %u not logged", s->ev_exclude[i]);
		verdicts_add(vs, n == 0, what, "logged %zu time(s): %s", n,
		    catalog_event(s->ev_exclude[i])->message);
	}
	for (i = 0; i < s->nev_count; i++) {
		const struct scn_count *c = &s->ev_count[i];
		size_t n = count_event(o, c->event);
		snprintf(what, sizeof(what), "event %u count", c->event);
		if (c->min == c->max)
			verdicts_add(vs, n == c->min, what, "expected %u, got %zu",
			    c->min, n);
		else
			verdicts_add(vs, n >= c->min && n <= c->max, what,
			    "expected %u..%u, got %zu", c->min, c->max, n);
	}
	if (s->nev_order > 0) {
		/* subsequence match: each listed event after the previous one */
		for (i = 0, pos = 0; i < s->nev_order; i++) {
			for (j = pos; j < o->nevents; j++)
				if (o->events[j] == s->ev_order[i])
					break;
			if (j == o->nevents)
				break;
			pos = j + 1;
		}
		verdicts_add(vs, i == s->nev_order, "event order",
		    i == s->nev_order ? "events logged in the stated order" :
		    "event %u missing after the earlier ones in the stated order",
		    i < s->nev_order ? s->ev_order[i] : 0);
	}
}

static void
check_fired(const struct scn *s, const struct observation *o, struct verdicts *vs)
{
	char what[160];
	size_t i, j;

	for (i = 0; i < s->nfaults_fired; i++) {
		for (j = 0; j < o->nfired; j++)
			if (strcmp(o->fired[j], s->faults_fired[i]) == 0)
				break;
		snprintf(what, sizeof(what), "fault rule '%.100s' fired",
		    s->faults_fired[i]);
		verdicts_add(vs, j < o->nfired, what, j < o->nfired ?
		    "the target's fault log shows it" :
		    "not in the target's fault log: the fault never happened");
	}
	for (i = 0; i < s->nfaults_not_fired; i++) {
		size_t n = 0;

		for (j = 0; j < o->nfirings; j++)
			n += strcmp(o->firings[j].rule, s->faults_not_fired[i]) == 0;
		snprintf(what, sizeof(what), "fault rule '%.100s' did not fire",
		    s->faults_not_fired[i]);
		verdicts_add(vs, n == 0, what, n == 0 ? "not in the target's fault "
		    "log" : "fired %zu time(s) (see faults.jsonl)", n);
	}
}

const struct ynode *
json_path(const struct ynode *root, const char *path)
{
	char buf[128], *p, *save = NULL;
	const struct ynode *n = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, ".", &save); p != NULL && n != NULL;
	    p = strtok_r(NULL, ".", &save)) {
		if (n->type == YNODE_SEQ) {
			char *end;
			unsigned long i = strtoul(p, &end, 10);
			n = *end == '\0' && i < n->n ? n->items[i] : NULL;
		} else
			n = ymap_get(n, p);
	}
	return n;
}

/* Equal as numbers when both are numbers (any base), else as text. */
static int
values_equal(const char *a, const char *b)
{
	char *ea, *eb;
	unsigned long long x, y;

	if (strcmp(a, b) == 0)
		return 1;
	x = strtoull(a, &ea, 0);
	y = strtoull(b, &eb, 0);
	return *a != '\0' && *b != '\0' && *ea == '\0' && *eb == '\0' && x == y;
}

/* The node a field reference points at, with a description of where. */
static const struct ynode *
field_node(const struct observation *o, const struct scn_field *f, char *where,
    size_t wsz)
{
	size_t i, seen;

	if (f->step > 0) {
		snprintf(where, wsz, "step %d %s", f->step, f->path);
		if ((size_t)f->step > o->nsteps)
			return NULL;
		/* step paths start inside the verb's "result" */
		return json_path(ymap_get(o->steps[f->step - 1].json, "result"),
		    f->path);
	}
	if (f->nth > 1)
		snprintf(where, wsz, "event %u record %u %s", f->event, f->nth,
		    f->path);
	else
		snprintf(where, wsz, "event %u %s", f->event, f->path);
	for (i = 0, seen = 0; i < o->nevents; i++)
		if (o->events[i] == f->event && ++seen == (f->nth ? f->nth : 1))
			return json_path(o->event_json[i], f->path);
	return NULL;
}

/* expect.events.fields with all: every record of the event. */
static void
check_field_all(const struct observation *o, const struct scn_field *f,
    const char *want, struct verdicts *vs)
{
	char where[200];
	size_t i, n = 0;

	snprintf(where, sizeof(where), "event %u %s, every record", f->event,
	    f->path);
	for (i = 0; i < o->nevents; i++) {
		const struct ynode *v;

		if (o->events[i] != f->event)
			continue;
		n++;
		v = json_path(o->event_json[i], f->path);
		if (v == NULL || v->type != YNODE_SCALAR ||
		    !values_equal(v->value, want)) {
			verdicts_add(vs, 0, where, "expected %s; record %zu has %s",
			    want, n, v == NULL ? "no such value" :
			    v->type != YNODE_SCALAR ? ytype_name(v->type) : v->value);
			return;
		}
	}
	if (n == 0)
		verdicts_add(vs, 0, where, "expected %s; the event was not logged",
		    want);
	else
		verdicts_add(vs, 1, where, "all %zu record(s) have %s", n, want);
}

static void
check_fields(const struct scn *s, const struct observation *o,
    char addrs[][128], struct verdicts *vs)
{
	char where[200], err[200];
	size_t i;

	for (i = 0; i < s->nfields; i++) {
		const struct scn_field *f = &s->fields[i];
		const struct ynode *n = field_node(o, f, where, sizeof(where));
		char *want = addrs != NULL ? run_substitute(f->equals, s, addrs, err,
		    sizeof(err)) : strdup(f->equals);

		if (want == NULL)
			verdicts_add(vs, 0, where, "bad expected value: %s", err);
		else if (f->all)
			check_field_all(o, f, want, vs);
		else if (n == NULL)
			verdicts_add(vs, 0, where, "expected %s; not present in the "
			    "output", want);
		else if (n->type != YNODE_SCALAR)
			verdicts_add(vs, 0, where, "expected %s; found %s", want,
			    ytype_name(n->type));
		else
			verdicts_add(vs, values_equal(n->value, want), where,
			    "expected %s, got %s", want, n->value);
		free(want);
	}
}

static void
check_gaps(const struct scn *s, const struct observation *o, struct verdicts *vs)
{
	char what[96], bounds[64];
	size_t i, j, k;

	for (i = 0; i < s->ngaps; i++) {
		const struct scn_gap *g = &s->gaps[i];
		int64_t d;

		snprintf(what, sizeof(what), "time from event %u to event %u", g->from,
		    g->to);
		for (j = 0; j < o->nevents && o->events[j] != g->from; j++)
			;
		for (k = j + 1; k < o->nevents && o->events[k] != g->to; k++)
			;
		if (j >= o->nevents || k >= o->nevents || o->event_ms[j] < 0 ||
		    o->event_ms[k] < 0) {
			verdicts_add(vs, 0, what, "event %u then %u were not both "
			    "logged (with times)", g->from, g->to);
			continue;
		}
		d = o->event_ms[k] - o->event_ms[j];
		if (d < 0)
			d += 86400000;	/* over midnight */
		bounds[0] = '\0';
		if (g->min_ms >= 0)
			snprintf(bounds, sizeof(bounds), ">= %lld ms",
			    (long long)g->min_ms);
		if (g->max_ms >= 0)
			snprintf(bounds + strlen(bounds), sizeof(bounds) -
			    strlen(bounds), "%s<= %lld ms", bounds[0] ? ", " : "",
			    (long long)g->max_ms);
		verdicts_add(vs, (g->min_ms < 0 || d >= g->min_ms) &&
		    (g->max_ms < 0 || d <= g->max_ms), what,
		    "%lld ms (expected %s)", (long long)d, bounds);
	}
}

static void
check_same(const struct scn *s, const struct observation *o, struct verdicts *vs)
{
	char wa[200], wb[200], what[420];
	size_t i;

	for (i = 0; i < s->nsame; i++) {
		const struct ynode *a = field_node(o, &s->same[i].a, wa, sizeof(wa));
		const struct ynode *b = field_node(o, &s->same[i].b, wb, sizeof(wb));

		snprintf(what, sizeof(what), "%s == %s", wa, wb);
		if (a == NULL || b == NULL || a->type != YNODE_SCALAR ||
		    b->type != YNODE_SCALAR)
			verdicts_add(vs, 0, what, "%s is missing", a == NULL ? wa : wb);
		else
			verdicts_add(vs, values_equal(a->value, b->value), what,
			    "%s vs %s", a->value, b->value);
	}
}

void
expect_evaluate(const struct scn *s, const struct observation *o,
    char addrs[][128], struct verdicts *vs)
{
	check_exit(s, o, vs);
	check_steps(s, o, vs);
	check_events(s, o, vs);
	check_fired(s, o, vs);
	check_fields(s, o, addrs, vs);
	check_gaps(s, o, vs);
	check_same(s, o, vs);
}
