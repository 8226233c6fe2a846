/* Load the harness sections of a scenario file (docs/scenario-format.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "scn.h"
#include "ytree.h"

static const char *const top_keys[] = { "name", "description", "cites", "tags",
	"timeout", "target", "rules", "initiator", "network", "expect", NULL };
static const char *const init_keys[] = { "script", "command", "options",
	NULL };
static const char *const net_keys[] = { "mode", "link", "faults", NULL };
static const char *const link_keys[] = { "delay_ms", "rate_mbit", "loss", NULL };
static const char *const fault_keys[] = { "at", "on_rule", "action", "value",
	"duration", NULL };
static const char *const expect_keys[] = { "exit", "steps", "events",
	"faults_fired", "same", NULL };
static const char *const step_keys[] = { "step", "isdsc", "result", NULL };
static const char *const events_keys[] = { "include", "exclude", "order",
	"count", "fields", "gaps", NULL };
static const char *const field_keys[] = { "event", "step", "path", "equals",
	NULL };
static const char *const gap_keys[] = { "from", "to", "min_ms", "max_ms", NULL };
static const char *const count_keys[] = { "event", "min", "max", "exactly", NULL };

static int
str_list(const struct yctx *c, const struct ynode *n, const char *what,
    char **out, size_t *count)
{
	size_t i;

	if (n == NULL)
		return 0;
	if (n->type != YNODE_SEQ)
		return yerror(c, n->line, "'%s' must be a list", what);
	if (n->n > SCN_MAX_LIST)
		return yerror(c, n->line, "'%s' has more than %d entries", what,
		    SCN_MAX_LIST);
	for (i = 0; i < n->n; i++) {
		if (n->items[i]->type != YNODE_SCALAR)
			return yerror(c, n->items[i]->line,
			    "entries of '%s' must be scalars", what);
		if ((out[i] = strdup(n->items[i]->value)) == NULL)
			return yerror(c, n->line, "out of memory");
		*count = i + 1;
	}
	return 0;
}

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
	if (strcmp(n->value, "success") == 0 || strcmp(n->value, "0") == 0) {
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
	if (yscalar_u64(c, n, 0, UINT32_MAX, &v) == -1)
		return -1;
	if ((d = catalog_isdsc_by_value((uint32_t)v)) == NULL)
		return yerror(c, n->line, "0x%08llX is not a documented ISDSC code",
		    (unsigned long long)v);
	*out = d->code;
	snprintf(name, namesz, "%s", d->name);
	return 0;
}

/* Only the portal names: iscsi-target-sim checks the rest of 'target'. */
static int
load_portal_names(const struct yctx *c, const struct ynode *t, struct scn *s)
{
	const struct ynode *p = ymap_get(t, "portals");
	size_t i;

	if (p == NULL)
		return yerror(c, t->line, "'target' needs 'portals'");
	if (p->type != YNODE_SEQ || p->n == 0)
		return yerror(c, p->line, "'portals' must be a non-empty list");
	if (p->n > SCN_MAX_PORTALS)
		return yerror(c, p->line, "more than %d portals", SCN_MAX_PORTALS);
	for (i = 0; i < p->n; i++) {
		const char *name;

		if (yget_str(c, p->items[i], "name", &name) != 0)
			return yerror(c, p->items[i]->line, "each portal needs a 'name'");
		if (strlen(name) >= sizeof(s->portals[0]))
			return yerror(c, p->items[i]->line, "portal name too long");
		snprintf(s->portals[i], sizeof(s->portals[i]), "%s", name);
		s->nportals = i + 1;
	}
	return 0;
}

/* iscsi-initiator options ("--chap-algorithms", "7,5", ...); the harness
 * owns --json, --events and --script. */
static int
load_options(const struct yctx *c, const struct ynode *n, struct scn *s)
{
	static const char *const owned[] = { "--json", "--events", "--script",
		NULL };
	size_t i, k;

	if (str_list(c, n, "options", s->options, &s->noptions) == -1)
		return -1;
	for (i = 0; i < s->noptions; i++)
		for (k = 0; owned[k] != NULL; k++)
			if (strcmp(s->options[i], owned[k]) == 0)
				return yerror(c, n->items[i]->line, "option '%s' "
				    "is set by the harness", owned[k]);
	return 0;
}

static int
load_initiator(const struct yctx *c, const struct ynode *n, struct scn *s)
{
	const struct ynode *cmd;
	const char *script = NULL;

	if (n == NULL)
		return yerror(c, 1, "missing 'initiator' (the steps to run)");
	if (ymap_check_keys(c, n, init_keys) == -1)
		return -1;
	if (yget_str(c, n, "script", &script) == -1)
		return -1;
	cmd = ymap_get(n, "command");
	if ((script == NULL) == (cmd == NULL))
		return yerror(c, n->line,
		    "'initiator' needs exactly one of 'script' or 'command'");
	if (script != NULL) {
		s->initiator = SCN_INIT_OURS;
		if ((s->script = strdup(script)) == NULL)
			return yerror(c, n->line, "out of memory");
		return load_options(c, ymap_get(n, "options"), s);
	}
	if (ymap_get(n, "options") != NULL)
		return yerror(c, ymap_get(n, "options")->line, "'options' go "
		    "with 'script' (a 'command' carries its own)");
	s->initiator = SCN_INIT_EXTERNAL;
	if (str_list(c, cmd, "command", s->command, &s->ncommand) == -1)
		return -1;
	if (s->ncommand == 0)
		return yerror(c, cmd->line, "'command' is empty");
	return 0;
}

static int
load_double(const struct yctx *c, const struct ynode *m, const char *key,
    double min, double max, double *out)
{
	const struct ynode *n = ymap_get(m, key);
	char *end;
	double v;

	if (n == NULL)
		return 1;
	if (n->type != YNODE_SCALAR)
		return yerror(c, n->line, "'%s' must be a number", key);
	v = strtod(n->value, &end);
	if (end == n->value || *end != '\0')
		return yerror(c, n->line, "'%s' must be a number, not '%s'", key,
		    n->value);
	if (v < min || v > max)
		return yerror(c, n->line, "'%s' = %s is out of range [%g, %g]", key,
		    n->value, min, max);
	*out = v;
	return 0;
}

static int
load_network(const struct yctx *c, const struct ynode *n, struct scn *s)
{
	const struct ynode *link, *faults;
	const char *mode = NULL;
	size_t i;

	s->net = SCN_NET_ANY;
	s->link_rate_mbit = 1000;
	s->link_delay_ms = 0.1;
	if (n == NULL)
		return 0;
	if (ymap_check_keys(c, n, net_keys) == -1 ||
	    yget_str(c, n, "mode", &mode) == -1)
		return -1;
	if (mode != NULL) {
		if (strcmp(mode, "any") == 0)
			s->net = SCN_NET_ANY;
		else if (strcmp(mode, "loopback") == 0)
			s->net = SCN_NET_LOOPBACK;
		else if (strcmp(mode, "ns3") == 0)
			s->net = SCN_NET_NS3;
		else
			return yerror(c, ymap_get(n, "mode")->line,
			    "network mode must be any, loopback or ns3, not '%s'", mode);
	}
	if ((link = ymap_get(n, "link")) != NULL) {
		if (ymap_check_keys(c, link, link_keys) == -1 ||
		    load_double(c, link, "delay_ms", 0, 10000, &s->link_delay_ms) == -1 ||
		    load_double(c, link, "rate_mbit", 0.01, 100000, &s->link_rate_mbit) == -1 ||
		    load_double(c, link, "loss", 0, 1, &s->link_loss) == -1)
			return -1;
	}
	if ((faults = ymap_get(n, "faults")) != NULL) {
		if (faults->type != YNODE_SEQ)
			return yerror(c, faults->line, "'faults' must be a list");
		if (faults->n > SCN_MAX_LIST)
			return yerror(c, faults->line, "too many link faults");
		for (i = 0; i < faults->n; i++) {
			const struct ynode *f = faults->items[i];
			struct scn_link_fault *lf = &s->faults[i];
			const char *act = NULL;

			if (ymap_check_keys(c, f, fault_keys) == -1 ||
			    yget_str(c, f, "action", &act) == -1 ||
			    load_double(c, f, "at", 0, 3600, &lf->at_s) == -1 ||
			    load_double(c, f, "value", 0, 1e9, &lf->value) == -1 ||
			    load_double(c, f, "duration", 0, 3600, &lf->duration_s) == -1)
				return -1;
			if (act == NULL || (strcmp(act, "down") != 0 &&
			    strcmp(act, "up") != 0 && strcmp(act, "loss") != 0 &&
			    strcmp(act, "delay") != 0 && strcmp(act, "rate") != 0))
				return yerror(c, f->line, "link fault action must be "
				    "down, up, loss, delay or rate");
			snprintf(lf->action, sizeof(lf->action), "%s", act);
			{
				const char *rule = NULL;

				if (yget_str(c, f, "on_rule", &rule) == -1)
					return -1;
				if (rule != NULL)
					snprintf(lf->on_rule, sizeof(lf->on_rule), "%s", rule);
				if (rule == NULL && ymap_get(f, "at") == NULL)
					return yerror(c, f->line, "a link fault needs 'at' "
					    "(seconds) or 'on_rule' (a target rule name)");
			}
			s->nfaults = i + 1;
		}
		if (s->nfaults > 0 && s->net == SCN_NET_ANY)
			s->net = SCN_NET_NS3;	/* link faults need the ns-3 link */
		if (s->nfaults > 0 && s->net == SCN_NET_LOOPBACK)
			return yerror(c, faults->line,
			    "link faults need network mode ns3, not loopback");
	}
	return 0;
}

static int
add_field(const struct yctx *c, struct scn *s, int step, unsigned event,
    const char *path, const struct ynode *val, int line)
{
	struct scn_field *f;

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
		if (sc->min > sc->max)
			return yerror(c, e->line, "count: min is above max");
		s->nev_count = i + 1;
	}
	return 0;
}

static int
load_expect(const struct yctx *c, const struct ynode *n, struct scn *s)
{
	const struct ynode *ex, *steps;
	size_t i;

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
			if (yget_u64(c, st, "step", 1, 10000, &idx) != 0)
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
	if (str_list(c, ymap_get(n, "faults_fired"), "faults_fired",
	    s->faults_fired, &s->nfaults_fired) == -1)
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
	    s->nsame == 0)
		return yerror(c, n->line, "'expect' states nothing to check");
	return 0;
}

int
scn_load(const char *path, struct scn *s, char *err, size_t errsz)
{
	struct yctx c = { path, err, errsz };
	struct ynode *root;
	const char *str;
	uint64_t v;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->timeout_s = 60;
	if ((root = ytree_load_file(path, err, errsz)) == NULL)
		return -1;
	if (root->type != YNODE_MAP) {
		yerror(&c, root->line, "a scenario is a mapping at top level");
		goto out;
	}
	if (ymap_check_keys(&c, root, top_keys) == -1)
		goto out;
	if (yget_str(&c, root, "name", &str) != 0) {
		if (ymap_get(root, "name") == NULL)
			yerror(&c, 1, "missing 'name'");
		goto out;
	}
	if (str[0] == '\0' || str[0] == '.' || strlen(str) >= sizeof(s->name) ||
	    strspn(str, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != strlen(str)) {
		yerror(&c, ymap_get(root, "name")->line, "name '%s': use 1-127 of "
		    "A-Z a-z 0-9 . _ - (it names the run directory)", str);
		goto out;
	}
	snprintf(s->name, sizeof(s->name), "%s", str);
	if (yget_str(&c, root, "description", &str) == -1)
		goto out;
	if (ymap_get(root, "description") != NULL)
		snprintf(s->description, sizeof(s->description), "%s", str);
	if (str_list(&c, ymap_get(root, "tags"), "tags", s->tags, &s->ntags) == -1 ||
	    str_list(&c, ymap_get(root, "cites"), "cites", s->cites, &s->ncites) == -1)
		goto out;
	if (yget_u64(&c, root, "timeout", 1, 3600, &v) == -1)
		goto out;
	if (ymap_get(root, "timeout") != NULL)
		s->timeout_s = (unsigned)v;
	if (ymap_get(root, "target") == NULL) {
		yerror(&c, 1, "missing 'target' (what iscsi-target-sim serves)");
		goto out;
	}
	if (load_portal_names(&c, ymap_get(root, "target"), s) == -1 ||
	    load_initiator(&c, ymap_get(root, "initiator"), s) == -1 ||
	    load_network(&c, ymap_get(root, "network"), s) == -1 ||
	    load_expect(&c, ymap_get(root, "expect"), s) == -1)
		goto out;
	rc = 0;
out:
	ytree_free(root);
	if (rc == -1)
		scn_free(s);
	return rc;
}

void
scn_free(struct scn *s)
{
	size_t i;

	for (i = 0; i < s->ntags; i++)
		free(s->tags[i]);
	for (i = 0; i < s->ncites; i++)
		free(s->cites[i]);
	for (i = 0; i < s->ncommand; i++)
		free(s->command[i]);
	for (i = 0; i < s->noptions; i++)
		free(s->options[i]);
	for (i = 0; i < s->nfaults_fired; i++)
		free(s->faults_fired[i]);
	free(s->script);
	s->ntags = s->ncites = s->ncommand = s->noptions = s->nfaults_fired = 0;
	s->script = NULL;
}

int
scn_has_tag(const struct scn *s, const char *tag)
{
	size_t i;

	for (i = 0; i < s->ntags; i++)
		if (strcmp(s->tags[i], tag) == 0)
			return 1;
	return 0;
}
