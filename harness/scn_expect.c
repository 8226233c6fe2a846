/* Loading the expect: section of a scenario file (docs/harness.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "expect_wire.h"
#include "scn.h"
#include "scn_int.h"
#include "ytree.h"

static const char *const expect_keys[] = { "exit", "steps", "events",
	"faults_fired", "faults_not_fired", "same", "wire", NULL };
static const char *const step_keys[] = { "step", "isdsc", "result", NULL };
static const char *const events_keys[] = { "include", "exclude", "order",
	"count", "fields", "gaps", NULL };
static const char *const field_keys[] = { "event", "step", "path", "equals",
	"nth", "all", NULL };
static const char *const gap_keys[] = { "from", "to", "min_ms", "max_ms", NULL };
static const char *const count_keys[] = { "event", "min", "max", "exactly", NULL };

/* An event ID: a number documented in the catalog, or a constant name. */
static int
event_id(const struct yctx *c, const struct ynode *n, unsigned *out)
{
	const struct catalog_event *ev;
	uint64_t v;

	if (n->type == YNODE_SCALAR && n->value[0] >= 'A' && n->value[0] <= 'Z') {
		if ((ev = catalog_event_by_name(n->value)) == NULL)
			return yerror(c, n->line, "unknown event name '%s'", n->value);
		*out = ev->id;
		return 0;
	}
	if (yscalar_u64(c, n, 1, 65535, &v) == -1)
		return -1;
	if (catalog_event((unsigned)v) == NULL)
		return yerror(c, n->line, "event %llu is not a documented event ID",
		    (unsigned long long)v);
	*out = (unsigned)v;
	return 0;
}

static int
event_list(const struct yctx *c, const struct ynode *n, const char *what,
    unsigned *out, size_t *count)
{
	size_t i;

	if (n == NULL)
		return 0;
	if (n->type != YNODE_SEQ)
		return yerror(c, n->line, "'%s' must be a list of event IDs", what);
	if (n->n > SCN_MAX_LIST)
		return yerror(c, n->line, "'%s' has too many entries", what);
	for (i = 0; i < n->n; i++) {
		if (event_id(c, n->items[i], &out[i]) == -1)
			return -1;
		*count = i + 1;
	}
	return 0;
}

/* An ISDSC code: a name from the catalog, "success"/0, or its 0x value. */
static int
isdsc_value(const struct yctx *c, const struct ynode *n, uint32_t *out,
    char *name, size_t namesz)
{
	const struct catalog_isdsc *d;
	uint64_t v;

	if (n->type != YNODE_SCALAR)
		return yerror(c, n->line, "an ISDSC code must be a scalar");
	/* "SUCCESS" is what the initiator's --json prints as isdsc_name */
	if (strcasecmp(n->value, "success") == 0 || strcmp(n->value, "0") == 0) {
		*out = CATALOG_ISDSC_OK;
		snprintf(name, namesz, "success");
		return 0;
	}
	if (strncmp(n->value, "ISDSC_", 6) == 0) {
		if ((d = catalog_isdsc_by_name(n->value)) == NULL)
			return yerror(c, n->line, "unknown ISDSC code '%s'", n->value);
		*out = d->code;
		snprintf(name, namesz, "%s", d->name);
		return 0;
	}
	if (n->value[0] < '0' || n->value[0] > '9')
		return yerror(c, n->line, "unknown ISDSC code '%s' (an ISDSC_* "
		    "name, success, or a number)", n->value);
	if (yscalar_u64(c, n, 0, UINT32_MAX, &v) == -1)
		return -1;
	if ((d = catalog_isdsc_by_value((uint32_t)v)) == NULL)
		return yerror(c, n->line, "0x%08llX is not a documented ISDSC code",
		    (unsigned long long)v);
	*out = d->code;
	snprintf(name, namesz, "%s", d->name);
	return 0;
}

/* A dotted JSON path: names and list indexes, none empty ("a..b", ".a"). */
static int
path_check(const struct yctx *c, const char *path, int line)
{
	size_t i, n = strlen(path);

	for (i = 0; i < n; i++)
		if (path[i] == '.' && (i == 0 || i + 1 == n || path[i + 1] == '.'))
			break;
	if (n == 0 || i < n)
		return yerror(c, line, "bad path '%s': dotted names and list "
		    "indexes, none empty (e.g. data.port, sessions.0.tsih)", path);
	return 0;
}

static int
add_field(const struct yctx *c, struct scn *s, int step, unsigned event,
    const char *path, const struct ynode *val, int line)
{
	struct scn_field *f;

	if (path_check(c, path, line) == -1)
		return -1;
	if (s->nfields == SCN_MAX_LIST)
		return yerror(c, line, "more than %d value checks", SCN_MAX_LIST);
	if (val->type != YNODE_SCALAR)
		return yerror(c, val->line, "expected values are scalars");
	f = &s->fields[s->nfields++];
	f->step = step;
	f->event = event;
	f->line = line;
	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(f->equals, sizeof(f->equals), "%s", val->value);
	return 0;
}

/* {step: N, path: P} or {event: E, path: P} (equals optional). */
static int
load_field_ref(const struct yctx *c, const struct ynode *m, struct scn_field *f,
    int need_equals)
{
	const struct ynode *ev = ymap_get(m, "event"), *eq = ymap_get(m, "equals");
	const char *path = NULL;
	uint64_t v;

	memset(f, 0, sizeof(*f));
	f->line = m->line;
	if (ymap_check_keys(c, m, field_keys) == -1)
		return -1;
	if (yget_str(c, m, "path", &path) != 0 || strlen(path) >= sizeof(f->path))
		return yerror(c, m->line, "a value check needs a 'path' "
		    "(e.g. data.port or sessions.0.tsih)");
	if (path_check(c, path, m->line) == -1)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s", path);
	if ((ev == NULL) == (ymap_get(m, "step") == NULL))
		return yerror(c, m->line, "a value check names one 'step' or one 'event'");
	if (ev != NULL && event_id(c, ev, &f->event) == -1)
		return -1;
	if (ymap_get(m, "step") != NULL) {
		if (yget_u64(c, m, "step", 1, 10000, &v) != 0)
			return -1;
		f->step = (int)v;
	}
	if (need_equals) {
		if (eq == NULL || eq->type != YNODE_SCALAR)
			return yerror(c, m->line, "a value check needs 'equals'");
		snprintf(f->equals, sizeof(f->equals), "%s", eq->value);
	}
	/* which record of the event: the first, the n-th, or every one */
	f->nth = 1;
	if (yget_u64(c, m, "nth", 1, SCN_MAX_NTH, &v) == -1 ||
	    yget_bool(c, m, "all", &f->all) == -1)
		return -1;
	if (ymap_get(m, "nth") != NULL)
		f->nth = (unsigned)v;
	if ((ymap_get(m, "nth") != NULL || ymap_get(m, "all") != NULL) &&
	    ev == NULL)
		return yerror(c, m->line, "'nth' and 'all' pick records of an "
		    "'event'");
	if (f->all && !need_equals)
		return yerror(c, m->line, "'all' checks every record against "
		    "'equals'; a 'same' pair compares one record (use 'nth')");
	if (f->all && ymap_get(m, "nth") != NULL)
		return yerror(c, m->line, "'nth' or 'all', not both");
	return 0;
}

static int
load_events(const struct yctx *c, const struct ynode *n, struct scn *s)
{
	const struct ynode *cnt;
	size_t i;

	if (n == NULL)
		return 0;
	if (ymap_check_keys(c, n, events_keys) == -1 ||
	    event_list(c, ymap_get(n, "include"), "include", s->ev_include,
	    &s->nev_include) == -1 ||
	    event_list(c, ymap_get(n, "exclude"), "exclude", s->ev_exclude,
	    &s->nev_exclude) == -1 ||
	    event_list(c, ymap_get(n, "order"), "order", s->ev_order,
	    &s->nev_order) == -1)
		return -1;
	if ((cnt = ymap_get(n, "fields")) != NULL) {
		if (cnt->type != YNODE_SEQ)
			return yerror(c, cnt->line, "'fields' must be a list of "
			    "{event, path, equals}");
		for (i = 0; i < cnt->n; i++) {
			if (s->nfields == SCN_MAX_LIST)
				return yerror(c, cnt->line, "too many value checks");
			if (load_field_ref(c, cnt->items[i], &s->fields[s->nfields],
			    1) == -1)
				return -1;
			if (s->fields[s->nfields].step != 0)
				return yerror(c, cnt->items[i]->line, "use 'event' here");
			s->nfields++;
		}
	}
	if ((cnt = ymap_get(n, "gaps")) != NULL) {
		if (cnt->type != YNODE_SEQ || cnt->n > SCN_MAX_LIST)
			return yerror(c, cnt->line, "'gaps' must be a list of "
			    "{from, to, min_ms, max_ms}");
		for (i = 0; i < cnt->n; i++) {
			const struct ynode *g = cnt->items[i];
			struct scn_gap *gp = &s->gaps[i];
			uint64_t v;
			int r;

			if (ymap_check_keys(c, g, gap_keys) == -1)
				return -1;
			if (ymap_get(g, "from") == NULL || ymap_get(g, "to") == NULL)
				return yerror(c, g->line, "a gap needs 'from' and 'to'");
			if (event_id(c, ymap_get(g, "from"), &gp->from) == -1 ||
			    event_id(c, ymap_get(g, "to"), &gp->to) == -1)
				return -1;
			gp->min_ms = gp->max_ms = -1;
			if ((r = yget_u64(c, g, "min_ms", 0, 3600000, &v)) == -1)
				return -1;
			if (r == 0)
				gp->min_ms = (int64_t)v;
			if ((r = yget_u64(c, g, "max_ms", 0, 3600000, &v)) == -1)
				return -1;
			if (r == 0)
				gp->max_ms = (int64_t)v;
			if (gp->min_ms < 0 && gp->max_ms < 0)
				return yerror(c, g->line, "a gap needs min_ms or max_ms");
			s->ngaps = i + 1;
		}
	}
	if ((cnt = ymap_get(n, "count")) == NULL)
		return 0;
	if (cnt->type != YNODE_SEQ || cnt->n > SCN_MAX_LIST)
		return yerror(c, cnt->line, "'count' must be a list of "
		    "{event, min, max | exactly}");
	for (i = 0; i < cnt->n; i++) {
		const struct ynode *e = cnt->items[i], *ev;
		struct scn_count *sc = &s->ev_count[i];
		uint64_t v;
		int r;

		if (ymap_check_keys(c, e, count_keys) == -1)
			return -1;
		if ((ev = ymap_get(e, "event")) == NULL)
			return yerror(c, e->line, "'count' entry needs 'event'");
		if (event_id(c, ev, &sc->event) == -1)
			return -1;
		sc->min = 0;
		sc->max = UINT32_MAX;
		if ((r = yget_u64(c, e, "exactly", 0, 100000, &v)) == -1)
			return -1;
		if (r == 0)
			sc->min = sc->max = (unsigned)v;
		if ((r = yget_u64(c, e, "min", 0, 100000, &v)) == -1)
			return -1;
		if (r == 0)
			sc->min = (unsigned)v;
		if ((r = yget_u64(c, e, "max", 0, 100000, &v)) == -1)
			return -1;
		if (r == 0)
			sc->max = (unsigned)v;
		if (ymap_get(e, "exactly") == NULL && ymap_get(e, "min") ==
		    NULL && ymap_get(e, "max") == NULL)
			/* it would check nothing */
			return yerror(c, e->line, "'count' entry needs exactly, "
			    "min or max");
		if (sc->min > sc->max)
			return yerror(c, e->line, "count: min is above max");
		s->nev_count = i + 1;
	}
	return 0;
}

/* A misspelt rule name would make faults_not_fired pass for nothing. */
static int
check_rule_names(const struct yctx *c, const struct ynode *list,
    const struct scn *s)
{
	size_t i;

	for (i = 0; list != NULL && i < list->n; i++)
		if (!scn_has_rule(s, list->items[i]->value))
			return yerror(c, list->items[i]->line, "no rule named '%s' "
			    "in 'rules'", list->items[i]->value);
	return 0;
}

static int
check_wire_rules(const struct yctx *c, const struct wire_sel *sel,
    const struct scn *s, int line)
{
	for (; sel != NULL; sel = sel->after_pdu)
		if (sel->after == WIRE_AFTER_RULE &&
		    !scn_has_rule(s, sel->after_rule))
			return yerror(c, line, "'after': no rule named '%s' in "
			    "'rules'", sel->after_rule);
	return 0;
}

int
scn_load_expect(const struct yctx *c, const struct ynode *n, struct scn *s)
{
	const struct ynode *ex, *steps;
	size_t i;
	int r;

	if (n == NULL)
		return yerror(c, 1, "missing 'expect' (a scenario must check something)");
	if (ymap_check_keys(c, n, expect_keys) == -1)
		return -1;
	if ((ex = ymap_get(n, "exit")) != NULL) {
		uint64_t v;

		s->has_exit = 1;
		if (ex->type == YNODE_SCALAR && strcmp(ex->value, "nonzero") == 0)
			s->exit_nonzero = 1;
		else if (yscalar_u64(c, ex, 0, 255, &v) == -1)
			return -1;
		else
			s->exit_code = (int)v;
	}
	if ((steps = ymap_get(n, "steps")) != NULL) {
		if (steps->type != YNODE_SEQ || steps->n > SCN_MAX_LIST)
			return yerror(c, steps->line,
			    "'steps' must be a list of {step, isdsc}");
		for (i = 0; i < steps->n; i++) {
			const struct ynode *st = steps->items[i], *code, *res;
			uint64_t idx;

			if (ymap_check_keys(c, st, step_keys) == -1)
				return -1;
			if ((r = yget_u64(c, st, "step", 1, 10000, &idx)) == -1)
				return -1;	/* names the bad value */
			if (r == 1)
				return yerror(c, st->line, "step entry needs 'step' "
				    "(1-based verb number in the script)");
			if ((code = ymap_get(st, "isdsc")) == NULL)
				return yerror(c, st->line, "step entry needs 'isdsc'");
			s->steps[i].index = (int)idx;
			if (isdsc_value(c, code, &s->steps[i].isdsc,
			    s->steps[i].isdsc_name, sizeof(s->steps[i].isdsc_name)) == -1)
				return -1;
			if ((res = ymap_get(st, "result")) != NULL) {
				size_t k;

				if (res->type != YNODE_MAP)
					return yerror(c, res->line, "'result' maps "
					    "paths to expected values");
				for (k = 0; k < res->n; k++)
					if (add_field(c, s, (int)idx, 0, res->keys[k],
					    res->items[k], res->key_lines[k]) == -1)
						return -1;
			}
			s->nsteps = i + 1;
		}
	}
	if (load_events(c, ymap_get(n, "events"), s) == -1)
		return -1;
	if (scn_str_list(c, ymap_get(n, "faults_fired"), "faults_fired",
	    s->faults_fired, &s->nfaults_fired) == -1 ||
	    scn_str_list(c, ymap_get(n, "faults_not_fired"), "faults_not_fired",
	    s->faults_not_fired, &s->nfaults_not_fired) == -1)
		return -1;
	if (check_rule_names(c, ymap_get(n, "faults_fired"), s) == -1 ||
	    check_rule_names(c, ymap_get(n, "faults_not_fired"), s) == -1)
		return -1;
	for (i = 0; i < s->nfaults_not_fired; i++) {
		size_t k;

		for (k = 0; k < s->nfaults_fired; k++)
			if (strcmp(s->faults_fired[k], s->faults_not_fired[i]) == 0)
				return yerror(c, ymap_get(n, "faults_not_fired")->line,
				    "rule '%s' cannot both fire and not fire",
				    s->faults_not_fired[i]);
	}
	if ((ex = ymap_get(n, "wire")) != NULL &&
	    expect_wire_load(c, ex, s->portals, s->nportals, &s->wire,
	    &s->nwire) == -1)
		return -1;
	for (i = 0; i < s->nwire; i++)
		if (check_wire_rules(c, &s->wire[i].sel, s, s->wire[i].line) == -1 ||
		    check_wire_rules(c, s->wire[i].same_sel, s,
		    s->wire[i].line) == -1)
			return -1;
	if ((ex = ymap_get(n, "same")) != NULL) {
		if (ex->type != YNODE_SEQ || ex->n > SCN_MAX_LIST / 4)
			return yerror(c, ex->line, "'same' must be a list of pairs");
		for (i = 0; i < ex->n; i++) {
			const struct ynode *pr = ex->items[i];

			if (pr->type != YNODE_SEQ || pr->n != 2)
				return yerror(c, pr->line, "each 'same' entry is a pair "
				    "[{step|event, path}, {step|event, path}]");
			if (load_field_ref(c, pr->items[0], &s->same[i].a, 0) == -1 ||
			    load_field_ref(c, pr->items[1], &s->same[i].b, 0) == -1)
				return -1;
			s->nsame = i + 1;
		}
	}
	if (!s->has_exit && s->nsteps == 0 && s->nev_include == 0 &&
	    s->nev_exclude == 0 && s->nev_order == 0 && s->nev_count == 0 &&
	    s->nfaults_fired == 0 && s->nfields == 0 && s->ngaps == 0 &&
	    s->nsame == 0 && s->nfaults_not_fired == 0 && s->nwire == 0)
		return yerror(c, n->line, "'expect' states nothing to check");
	return 0;
}

