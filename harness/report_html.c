/* HTML report pages (plain HTML + inline SVG, no scripts). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "report_html.h"
#include "ytree.h"

static void
esc(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static const char css[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#eee}.pass{color:#070;font-weight:bold}"
    ".fail,.error{color:#b00;font-weight:bold}.skip,.dev{color:#850;font-weight:bold}"
    "code{background:#f4f4f4}";

static void
page_head(FILE *f, const char *title)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>");
	esc(f, title);
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>", css);
	esc(f, title);
	fprintf(f, "</h1>\n");
}

/* Each JSON line of path as a tree, for fn. */
static void
each_line(const char *path, void (*fn)(FILE *, const struct ynode *), FILE *out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, err[256];
	size_t cap = 0;
	ssize_t n;

	if (f == NULL)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct ynode *t;

		if (line[0] != '{')
			continue;
		if ((t = ytree_load_buffer(path, line, (size_t)n, err, sizeof(err))) == NULL)
			continue;
		fn(out, t);
		ytree_free(t);
	}
	free(line);
	fclose(f);
}

static const char *
sval(const struct ynode *m, const char *key)
{
	const struct ynode *n = ymap_get(m, key);

	return n != NULL && n->type == YNODE_SCALAR ? n->value : "";
}

static void
event_row(FILE *f, const struct ynode *ev)
{
	fprintf(f, "<tr><td>");
	esc(f, sval(ev, "time"));
	fprintf(f, "</td><td>");
	esc(f, sval(ev, "event"));
	fprintf(f, "</td><td>");
	esc(f, sval(ev, "source"));
	fprintf(f, "</td><td>");
	esc(f, sval(ev, "severity"));
	fprintf(f, "</td><td>");
	esc(f, sval(ev, "message"));
	fprintf(f, "</td><td>");
	esc(f, sval(ev, "session"));
	fprintf(f, "</td></tr>\n");
}

static void
fault_row(FILE *f, const struct ynode *r)
{
	fprintf(f, "<tr><td>");
	esc(f, sval(r, "time"));
	fprintf(f, "</td><td>");
	esc(f, sval(r, "rule"));
	fprintf(f, "</td><td>");
	esc(f, sval(r, "action"));
	fprintf(f, "</td><td>");
	esc(f, sval(r, "opcode"));
	fprintf(f, "</td></tr>\n");
}

static void
copy_inline(FILE *out, const char *path)
{
	char buf[8192];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		if (strncmp(buf, "<?xml", 5) == 0)
			continue;	/* an XML declaration has no place in HTML */
		fputs(buf, out);
	}
	fclose(f);
}

/* File name of an entry's page: its name, or its file's base name. */
static void
page_name(const struct suite_entry *e, char *out, size_t sz)
{
	const char *b;
	size_t i;

	if (e->loaded) {
		snprintf(out, sz, "%s", e->scn.name);
		return;
	}
	b = strrchr(e->path, '/');
	snprintf(out, sz, "unloadable-%s", b != NULL ? b + 1 : e->path);
	for (i = 0; out[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", out[i]) == NULL)
			out[i] = '_';
}

int
html_scenario_page(const struct suite_entry *e, const char *rundir,
    const char *htmldir)
{
	const struct run_result *r = &e->result;
	const char *name = e->loaded ? e->scn.name : e->path;
	char path[1200], page[300];
	struct stat st;
	size_t i, n;
	FILE *f;

	if (mkdir(htmldir, 0755) == -1 && errno != EEXIST)
		return -1;
	page_name(e, page, sizeof(page));
	snprintf(path, sizeof(path), "%s/%s.html", htmldir, page);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	page_head(f, name);
	fprintf(f, "<p><a href=\"index.html\">all scenarios</a></p>\n");
	fprintf(f, "<p>Result: <span class=\"%s\">%s</span> in %.1f s. ",
	    run_status_name(run_status_column(r->status)),
	    run_status_name(r->status), r->seconds);
	esc(f, run_note(r));
	fprintf(f, "</p>\n");
	if (e->loaded) {
		fprintf(f, "<p>File: <code>");
		esc(f, e->path);
		fprintf(f, "</code></p>\n");
		if (e->scn.description[0] != '\0') {
			fprintf(f, "<p>");
			esc(f, e->scn.description);
			fprintf(f, "</p>\n");
		}
		if (e->scn.ncites > 0) {
			fprintf(f, "<h2>What it checks</h2><ul>\n");
			for (i = 0; i < e->scn.ncites; i++) {
				fprintf(f, "<li>");
				esc(f, e->scn.cites[i]);
				fprintf(f, "</li>\n");
			}
			fprintf(f, "</ul>\n");
		}
	}
	fprintf(f, "<h2>Expectations</h2>\n<table><tr><th>verdict</th><th>expectation</th>"
	    "<th>detail</th></tr>\n");
	for (i = 0; i < r->verdicts.n; i++) {
		const struct verdict *v = &r->verdicts.v[i];

		fprintf(f, "<tr><td class=\"%s\">%s</td><td>", v->pass ? "pass" :
		    v->deviation ? "dev" : "fail", v->pass ? "pass" :
		    v->deviation ? "known deviation" : "FAIL");
		esc(f, v->what);
		fprintf(f, "</td><td>");
		esc(f, v->detail);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");

	fprintf(f, "<h2>Initiator event log</h2>\n<table><tr><th>time</th><th>event</th>"
	    "<th>source</th><th>severity</th><th>message (seed wording)</th>"
	    "<th>session</th></tr>\n");
	snprintf(path, sizeof(path), "%s/events.jsonl", rundir);
	each_line(path, event_row, f);
	fprintf(f, "</table>\n");

	fprintf(f, "<h2>Fault rules that fired</h2>\n<table><tr><th>time</th><th>rule</th>"
	    "<th>action</th><th>PDU</th></tr>\n");
	snprintf(path, sizeof(path), "%s/faults.jsonl", rundir);
	each_line(path, fault_row, f);
	fprintf(f, "</table>\n");

	fprintf(f, "<h2>PDU ladder</h2>\n<p>Injected faults are drawn in magenta "
	    "and marked \xe2\x9a\xa1; PDUs with findings in red.</p>\n");
	for (i = 1, n = 0; i <= 8; i++) {
		snprintf(path, sizeof(path), "%s/ladder-%zu.svg", rundir, i);
		if (stat(path, &st) != 0)
			continue;
		fprintf(f, "<div class=\"ladder\">\n");
		copy_inline(f, path);
		fprintf(f, "</div>\n");
		n++;
	}
	if (n == 0)
		fprintf(f, "<p>No ladder diagram for this run (no capture).</p>\n");
	fprintf(f, "<p>Capture: ");
	esc(f, r->capture[0] ? r->capture : "none");
	fprintf(f, "</p>\n</body></html>\n");
	return fclose(f);
}

int
html_index(const struct suite *su, const char *htmldir)
{
	char path[1024];
	size_t i, n[RUN_NSTATUS] = { 0 };
	FILE *f;

	if (mkdir(htmldir, 0755) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/index.html", htmldir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < su->n; i++)
		n[run_status_column(su->e[i].result.status)]++;
	page_head(f, "iscsi-bench scenario report");
	fprintf(f, "<p id=\"totals\">%zu scenarios: %zu passed, %zu failed, %zu errors, "
	    "%zu skipped</p>\n", su->n, n[RUN_PASS], n[RUN_FAIL], n[RUN_ERROR],
	    n[RUN_SKIP]);
	fprintf(f, "<table><tr><th>scenario</th><th>result</th><th>time</th>"
	    "<th>why</th></tr>\n");
	for (i = 0; i < su->n; i++) {
		const struct suite_entry *e = &su->e[i];
		const char *name = e->loaded ? e->scn.name : e->path;
		char page[300];

		page_name(e, page, sizeof(page));
		fprintf(f, "<tr><td><a href=\"");
		esc(f, page);
		fprintf(f, ".html\">");
		esc(f, name);
		fprintf(f, "</a></td><td class=\"%s\">%s</td><td>%.1f s</td><td>",
		    run_status_name(run_status_column(e->result.status)),
		    run_status_name(e->result.status), e->result.seconds);
		esc(f, run_note(&e->result));
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n</body></html>\n");
	return fclose(f);
}
