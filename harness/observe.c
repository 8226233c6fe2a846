/*
 * Reading what a run produced: JSON lines from the initiator (event log,
 * step results) and from the target (fault log).  JSON is parsed with the
 * YAML loader (flow-style JSON is YAML), one document per line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "ytree.h"

void
obs_init(struct observation *o)
{
	memset(o, 0, sizeof(*o));
	o->exit_code = -1;
}

void
obs_free(struct observation *o)
{
	size_t i;

	for (i = 0; i < o->nfired; i++)
		free(o->fired[i]);
	for (i = 0; i < o->nfirings; i++)
		free(o->firings[i].rule);
	free(o->firings);
	o->firings = NULL;
	o->nfirings = o->firings_cap = 0;
	for (i = 0; i < o->nevents; i++)
		ytree_free(o->event_json[i]);
	for (i = 0; i < o->nsteps; i++)
		ytree_free(o->steps[i].json);
	o->nfired = o->nevents = o->nsteps = 0;
}

/* "...THH:MM:SS.mmm..." -> milliseconds of the day, -1 if absent. */
static int64_t
time_of_day_ms(const struct ynode *n)
{
	const char *t;
	unsigned h, m, sec, ms;

	if (n == NULL || n->type != YNODE_SCALAR || (t = strchr(n->value, 'T')) == NULL)
		return -1;
	if (sscanf(t + 1, "%2u:%2u:%2u.%3u", &h, &m, &sec, &ms) != 4)
		return -1;
	return ((int64_t)h * 3600 + m * 60 + sec) * 1000 + ms;
}

typedef int line_fn(struct observation *, const struct ynode *, const char *path,
    int lineno, char *err, size_t errsz);

static int
each_json_line(struct observation *o, const char *path, line_fn *fn, char *err,
    size_t errsz)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, rc = 0;

	if (f == NULL)
		return 0;		/* nothing written: nothing observed */
	while (rc == 0 && (len = getline(&line, &cap, f)) != -1) {
		struct ynode *n;
		char name[600];

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] != '{')
			continue;	/* not a JSON object: free text output */
		snprintf(name, sizeof(name), "%s:%d", path, lineno);
		n = ytree_load_buffer(name, line, (size_t)len, err, errsz);
		if (n == NULL) {
			rc = -1;
			break;
		}
		rc = fn(o, n, path, lineno, err, errsz);
		if (rc == 1)		/* the observation keeps the tree */
			rc = 0;
		else
			ytree_free(n);
	}
	free(line);
	fclose(f);
	return rc;
}

static int
scalar_u64(const struct ynode *n, uint64_t *out)
{
	char *end;

	if (n == NULL || n->type != YNODE_SCALAR || n->value[0] == '\0')
		return -1;
	*out = strtoull(n->value, &end, 0);
	return *end == '\0' ? 0 : -1;
}

static int
event_line(struct observation *o, const struct ynode *n, const char *path,
    int lineno, char *err, size_t errsz)
{
	uint64_t id;

	if (scalar_u64(ymap_get(n, "event"), &id) == -1) {
		snprintf(err, errsz, "%s:%d: event record without a numeric \"event\"",
		    path, lineno);
		return -1;
	}
	if (o->nevents < OBS_MAX_EVENTS) {
		o->events[o->nevents] = (unsigned)id;
		o->event_ms[o->nevents] = time_of_day_ms(ymap_get(n, "time"));
		o->event_json[o->nevents++] = (struct ynode *)n;
		return 1;
	}
	return 0;
}

int
obs_read_events(struct observation *o, const char *path, char *err, size_t errsz)
{
	return each_json_line(o, path, event_line, err, errsz);
}

/*
 * A verb result: {"verb": "LoginTarget", ..., "isdsc": {"name": ...,
 * "value": N}} or "isdsc": N.
 */
static int
step_line(struct observation *o, const struct ynode *n, const char *path,
    int lineno, char *err, size_t errsz)
{
	const struct ynode *verb = ymap_get(n, "verb"), *is = ymap_get(n, "isdsc");
	uint64_t v;

	if (verb == NULL && is == NULL)
		return 0;	/* some other JSON output */
	if (is != NULL && is->type == YNODE_MAP)
		is = ymap_get(is, "value");
	if (scalar_u64(is, &v) == -1) {
		snprintf(err, errsz, "%s:%d: verb result without a numeric ISDSC "
		    "value", path, lineno);
		return -1;
	}
	if (o->nsteps < OBS_MAX_STEPS) {
		struct obs_step *st = &o->steps[o->nsteps++];
		snprintf(st->verb, sizeof(st->verb), "%s",
		    verb != NULL && verb->type == YNODE_SCALAR ? verb->value : "?");
		st->isdsc = (uint32_t)v;
		st->json = (struct ynode *)n;
		return 1;
	}
	return 0;
}

int
obs_read_steps(struct observation *o, const char *path, char *err, size_t errsz)
{
	return each_json_line(o, path, step_line, err, errsz);
}

static int
fired_line(struct observation *o, const struct ynode *n, const char *path,
    int lineno, char *err, size_t errsz)
{
	const struct ynode *r = ymap_get(n, "rule");
	uint64_t wall;
	size_t i;

	if (r == NULL || r->type != YNODE_SCALAR) {
		snprintf(err, errsz, "%s:%d: fault record without \"rule\"", path,
		    lineno);
		return -1;
	}
	if (o->nfirings == o->firings_cap) {
		size_t ncap = o->firings_cap ? o->firings_cap * 2 : 32;
		struct obs_firing *nf = realloc(o->firings, ncap * sizeof(*nf));

		if (nf == NULL) {
			snprintf(err, errsz, "%s:%d: out of memory", path, lineno);
			return -1;
		}
		o->firings = nf;
		o->firings_cap = ncap;
	}
	if ((o->firings[o->nfirings].rule = strdup(r->value)) == NULL) {
		snprintf(err, errsz, "%s:%d: out of memory", path, lineno);
		return -1;
	}
	o->firings[o->nfirings++].wall_us =
	    scalar_u64(ymap_get(n, "wall_us"), &wall) == 0 ? (int64_t)wall : -1;
	for (i = 0; i < o->nfired; i++)
		if (strcmp(o->fired[i], r->value) == 0)
			return 0;
	if (o->nfired < OBS_MAX_FIRED && (o->fired[o->nfired] = strdup(r->value)) != NULL)
		o->nfired++;
	return 0;
}

int
obs_read_fired(struct observation *o, const char *path, char *err, size_t errsz)
{
	return each_json_line(o, path, fired_line, err, errsz);
}
