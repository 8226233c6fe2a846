/* Ladder diagrams of a scenario run (analyzer + fault log). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "analyze_ladder.h"
#include "run_ladder.h"
#include "ytree.h"

#define RUN_LADDERS_MAX	8

struct ladders {
	struct ana_ladder *l[RUN_LADDERS_MAX];
};

static void
on_pdu(void *arg, const struct ana_pdu_ctx *c)
{
	struct ladders *ls = arg;
	size_t i;

	for (i = 0; i < RUN_LADDERS_MAX; i++)
		ana_ladder_pdu(ls->l[i], c);
}

static void
on_finding(void *arg, const struct ana_finding *f)
{
	struct ladders *ls = arg;
	size_t i;

	for (i = 0; i < RUN_LADDERS_MAX; i++)
		ana_ladder_finding(ls->l[i], f);
}

/* Fault log lines: {"rule", "dir": "in"|"out", "opcode": N, "itt": N}. */
static void
mark_faults(struct ladders *ls, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, err[128];
	size_t cap = 0, i;
	ssize_t n;

	if (f == NULL)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct ynode *t = ytree_load_buffer(path, line, (size_t)n, err,
		    sizeof(err));
		const struct ynode *rule, *dir, *op, *itt;

		if (t == NULL)
			continue;
		rule = ymap_get(t, "rule");
		dir = ymap_get(t, "dir");
		op = ymap_get(t, "opcode");
		itt = ymap_get(t, "itt");
		if (rule != NULL && dir != NULL && op != NULL && itt != NULL &&
		    rule->type == YNODE_SCALAR && dir->type == YNODE_SCALAR &&
		    (strcmp(dir->value, "in") == 0 || strcmp(dir->value, "out") == 0))
			for (i = 0; i < RUN_LADDERS_MAX; i++)
				(void)ana_ladder_mark_fault(ls->l[i],
				    strcmp(dir->value, "in") == 0 ? ANA_DIR_I2T :
				    ANA_DIR_T2I, (uint8_t)strtoul(op->value, NULL, 0),
				    (uint32_t)strtoul(itt->value, NULL, 0), rule->value);
		ytree_free(t);
	}
	free(line);
	fclose(f);
}

int
run_ladders(const char *capture, const uint16_t *ports, size_t nports,
    const char *faults_jsonl, const char *rundir)
{
	struct ladders ls;
	struct ana_opts o;
	struct ana *a;
	char err[256], path[1024];
	size_t i;
	int written = 0;

	memset(&ls, 0, sizeof(ls));
	for (i = 0; i < RUN_LADDERS_MAX; i++)
		if ((ls.l[i] = ana_ladder_new((unsigned)i + 1, 0)) == NULL)
			goto out;
	mark_faults(&ls, faults_jsonl);
	ana_opts_default(&o);
	for (i = 0; i < nports && i < ANA_PORTS_MAX; i++)
		o.ports[i] = ports[i];
	o.nports = i;
	o.on_pdu = on_pdu;
	o.on_finding = on_finding;
	o.arg = &ls;
	if ((a = ana_new(&o)) == NULL)
		goto out;
	(void)ana_run_file(a, capture, err, sizeof(err));	/* partial is fine */
	ana_free(a);
	for (i = 0; i < RUN_LADDERS_MAX; i++) {
		FILE *f;

		if (ana_ladder_rows(ls.l[i]) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/ladder-%zu.svg", rundir, i + 1);
		if ((f = fopen(path, "w")) == NULL)
			continue;
		if (ana_ladder_write_svg(ls.l[i], f) == 0)
			written++;
		fclose(f);
	}
out:
	for (i = 0; i < RUN_LADDERS_MAX; i++)
		ana_ladder_free(ls.l[i]);
	return written;
}
