/* Finding scenario files and reporting a suite's results. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "suite.h"

static int
add_file(struct suite *su, const char *path)
{
	size_t i;

	for (i = 0; i < su->n; i++)
		if (strcmp(su->e[i].path, path) == 0)
			return 0;		/* named twice: run once */
	if (su->n == su->cap) {
		size_t ncap = su->cap ? su->cap * 2 : 64;
		struct suite_entry *ne = realloc(su->e, ncap * sizeof(*ne));
		if (ne == NULL)
			return -1;
		su->e = ne;
		su->cap = ncap;
	}
	memset(&su->e[su->n], 0, sizeof(su->e[0]));
	snprintf(su->e[su->n].path, sizeof(su->e[0].path), "%s", path);
	su->n++;
	return 0;
}

static int
is_yaml(const char *name)
{
	size_t l = strlen(name);

	return (l > 5 && strcmp(name + l - 5, ".yaml") == 0) ||
	    (l > 4 && strcmp(name + l - 4, ".yml") == 0);
}

static int
add_dir(struct suite *su, const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;
	char path[1024];
	struct stat st;

	if (depth > 16 || (d = opendir(dir)) == NULL)
		return depth > 16 ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			(void)add_dir(su, path, depth + 1);
		else if (S_ISREG(st.st_mode) && is_yaml(de->d_name) &&
		    add_file(su, path) == -1) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int
suite_add_path(struct suite *su, const char *arg, char *err, size_t errsz)
{
	struct stat st;
	glob_t g;
	size_t i;
	int rc;

	if (stat(arg, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			size_t before = su->n;

			if (add_dir(su, arg, 0) == -1) {
				snprintf(err, errsz, "%s: %s", arg, strerror(errno));
				return -1;
			}
			if (su->n == before) {
				/* not "no scenario selected": say where */
				snprintf(err, errsz, "%s: no *.yaml scenario file in "
				    "this directory or below", arg);
				return -1;
			}
			return 0;
		}
		return add_file(su, arg);
	}
	if (strpbrk(arg, "*?[") == NULL) {
		snprintf(err, errsz, "%s: no such scenario file or directory", arg);
		return -1;
	}
	rc = glob(arg, 0, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		snprintf(err, errsz, "%s: matches no file", arg);
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errsz, "%s: glob failed", arg);
		return -1;
	}
	for (i = 0; i < g.gl_pathc; i++)
		if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
			(void)add_dir(su, g.gl_pathv[i], 0);
		else if (add_file(su, g.gl_pathv[i]) == -1) {
			globfree(&g);
			return -1;
		}
	globfree(&g);
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct suite_entry *)a)->path,
	    ((const struct suite_entry *)b)->path);
}

void
suite_sort(struct suite *su)
{
	if (su->n > 1)
		qsort(su->e, su->n, sizeof(su->e[0]), cmp_entry);
}

void
suite_free(struct suite *su)
{
	size_t i;

	for (i = 0; i < su->n; i++) {
		if (su->e[i].loaded)
			scn_free(&su->e[i].scn);
		verdicts_free(&su->e[i].result.verdicts);
	}
	free(su->e);
	memset(su, 0, sizeof(*su));
}

static const char *
entry_name(const struct suite_entry *e)
{
	return e->loaded ? e->scn.name : e->path;
}

static void
xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			fputc((unsigned char)*s < 0x20 && *s != '\n' ? '?' : *s, f);
		}
}

int
report_junit(const struct suite *su, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i, j, fails = 0, skips = 0, errors = 0;

	if (f == NULL)
		return -1;
	for (i = 0; i < su->n; i++) {
		enum run_status c = run_status_column(su->e[i].result.status);

		fails += c == RUN_FAIL;
		skips += c == RUN_SKIP;
		errors += c == RUN_ERROR;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuite name=\"iscsi-bench\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\" skipped=\"%zu\">\n", su->n, fails, errors, skips);
	for (i = 0; i < su->n; i++) {
		const struct suite_entry *e = &su->e[i];
		const struct run_result *r = &e->result;

		fprintf(f, "  <testcase classname=\"");
		xml_text(f, e->path);
		fprintf(f, "\" name=\"");
		xml_text(f, entry_name(e));
		fprintf(f, "\" time=\"%.3f\">\n", r->seconds);
		if (r->status == RUN_PASS && r->verdicts.deviations > 0) {
			fprintf(f, "    <system-out>");
			for (j = 0; j < r->verdicts.n; j++)
				if (r->verdicts.v[j].deviation) {
					fprintf(f, "known deviation %s: ",
					    r->verdicts.v[j].what);
					xml_text(f, r->verdicts.v[j].detail);
					fputc('\n', f);
				}
			fprintf(f, "</system-out>\n");
		} else if (r->status == RUN_SKIP) {
			fprintf(f, "    <skipped message=\"");
			xml_text(f, r->reason);
			fprintf(f, "\"/>\n");
		} else if (run_status_bad(r->status)) {
			fprintf(f, "    <%s message=\"", r->status == RUN_FAIL ?
			    "failure" : "error");
			xml_text(f, run_note(r));
			fprintf(f, "\">");
			for (j = 0; j < r->verdicts.n; j++) {
				fprintf(f, "%s %s: ", r->verdicts.v[j].pass ? "ok  " :
				    r->verdicts.v[j].deviation ? "DEV " : "FAIL",
				    r->verdicts.v[j].what);
				xml_text(f, r->verdicts.v[j].detail);
				fputc('\n', f);
			}
			fprintf(f, "</%s>\n", r->status == RUN_FAIL ? "failure" : "error");
		}
		fprintf(f, "  </testcase>\n");
	}
	fprintf(f, "</testsuite>\n");
	return fclose(f);
}

void
report_tap(const struct suite *su, FILE *f)
{
	size_t i, j;

	fprintf(f, "TAP version 13\n1..%zu\n", su->n);
	for (i = 0; i < su->n; i++) {
		const struct run_result *r = &su->e[i].result;

		if (r->status == RUN_SKIP)
			fprintf(f, "ok %zu - %s # SKIP %s\n", i + 1,
			    entry_name(&su->e[i]), r->reason);
		else if (r->status == RUN_PASS) {
			fprintf(f, "ok %zu - %s\n", i + 1, entry_name(&su->e[i]));
			for (j = 0; j < r->verdicts.n; j++)
				if (r->verdicts.v[j].deviation)
					fprintf(f, "  # %s: %s\n", r->verdicts.v[j].what,
					    r->verdicts.v[j].detail);
		}
		else {
			fprintf(f, "not ok %zu - %s\n", i + 1, entry_name(&su->e[i]));
			fprintf(f, "  ---\n  reason: \"%s\"\n", run_note(r));
			for (j = 0; j < r->verdicts.n; j++)
				if (!r->verdicts.v[j].pass)
					fprintf(f, "  # %s: %s\n", r->verdicts.v[j].what,
					    r->verdicts.v[j].detail);
			fprintf(f, "  ...\n");
		}
	}
}

void
report_summary(const struct suite *su, FILE *f)
{
	size_t i, devs = 0, n[RUN_NSTATUS] = { 0 };
	double total = 0;

	fprintf(f, "\n%-48s %-6s %7s  %s\n", "scenario", "result", "time", "why");
	for (i = 0; i < su->n; i++) {
		const struct run_result *r = &su->e[i].result;

		n[run_status_column(r->status)]++;
		total += r->seconds;
		devs += r->status == RUN_PASS && r->verdicts.deviations > 0;
		fprintf(f, "%-48.48s %-6s %6.1fs  %s\n", entry_name(&su->e[i]),
		    run_status_name(r->status), r->seconds, run_note(r));
	}
	fprintf(f, "\n%zu scenarios: %zu passed, %zu failed, %zu errors, %zu skipped "
	    "(%.1fs of scenario time)\n", su->n, n[RUN_PASS], n[RUN_FAIL],
	    n[RUN_ERROR], n[RUN_SKIP], total);
	if (devs > 0)
		fprintf(f, "%zu passed with known deviations of the initiator under "
		    "test from the documents (listed under why)\n", devs);
}
