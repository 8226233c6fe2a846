/* Load the harness sections of a scenario file (docs/scenario-format.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect_wire.h"
#include "scn.h"
#include "scn_int.h"
#include "ytree.h"

static const char *const top_keys[] = { "name", "description", "cites", "tags",
	"timeout", "target", "rules", "initiator", "network", "expect", NULL };
static const char *const init_keys[] = { "script", "command", "options",
	NULL };
static const char *const net_keys[] = { "mode", "link", "faults", NULL };
static const char *const link_keys[] = { "delay_ms", "rate_mbit", "loss", NULL };
static const char *const fault_keys[] = { "at", "on_rule", "action", "value",
	"duration", NULL };
int
scn_str_list(const struct yctx *c, const struct ynode *n, const char *what,
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

/* Only the rule names: iscsi-target-sim checks the rules themselves. */
static int
load_rule_names(const struct yctx *c, const struct ynode *n, struct scn *s)
{
	size_t i;

	if (n == NULL || n->type != YNODE_SEQ || n->n == 0)
		return 0;
	if ((s->rules = calloc(n->n, sizeof(*s->rules))) == NULL)
		return yerror(c, n->line, "out of memory");
	for (i = 0; i < n->n; i++) {
		const struct ynode *nm = ymap_get(n->items[i], "name");
		char dflt[32];

		/* iscsi-target-sim names an unnamed rule "ruleN" */
		snprintf(dflt, sizeof(dflt), "rule%zu", i + 1);
		if ((s->rules[i] = strdup(nm != NULL && nm->type == YNODE_SCALAR &&
		    nm->value[0] != '\0' ? nm->value : dflt)) == NULL)
			return yerror(c, n->line, "out of memory");
		s->nrules = i + 1;
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

	if (scn_str_list(c, n, "options", s->options, &s->noptions) == -1)
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
	if (scn_str_list(c, cmd, "command", s->command, &s->ncommand) == -1)
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
	if (scn_str_list(&c, ymap_get(root, "tags"), "tags", s->tags, &s->ntags) == -1 ||
	    scn_str_list(&c, ymap_get(root, "cites"), "cites", s->cites, &s->ncites) == -1)
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
	    load_rule_names(&c, ymap_get(root, "rules"), s) == -1 ||
	    load_initiator(&c, ymap_get(root, "initiator"), s) == -1 ||
	    load_network(&c, ymap_get(root, "network"), s) == -1 ||
	    scn_load_expect(&c, ymap_get(root, "expect"), s) == -1)
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
	for (i = 0; i < s->nfaults_not_fired; i++)
		free(s->faults_not_fired[i]);
	expect_wire_free(s->wire, s->nwire);
	for (i = 0; i < s->nrules; i++)
		free(s->rules[i]);
	free(s->rules);
	s->rules = NULL;
	s->nrules = 0;
	free(s->script);
	s->ntags = s->ncites = s->ncommand = s->noptions = s->nfaults_fired = 0;
	s->nfaults_not_fired = s->nwire = 0;
	s->wire = NULL;
	s->script = NULL;
}

int
scn_has_rule(const struct scn *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nrules; i++)
		if (strcmp(s->rules[i], name) == 0)
			return 1;
	return 0;
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
