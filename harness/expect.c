/* Expectations of a scenario checked against what the run observed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "expect.h"

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
	if (!pass)
		vs->failed++;
	snprintf(v->what, sizeof(v->what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	return 0;
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
}

void
expect_evaluate(const struct scn *s, const struct observation *o,
    struct verdicts *vs)
{
	check_exit(s, o, vs);
	check_steps(s, o, vs);
	check_events(s, o, vs);
	check_fired(s, o, vs);
}
