/*
 * iscsi-bench run: the main job.  Finds scenarios, selects them, runs them
 * (run_sched.c: each in its own child process, at most -j at once), then
 * reports.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "commands.h"
#include "netlink_ctl.h"
#include "netns.h"
#include "report_html.h"
#include "run_sched.h"
#include "suite.h"

struct run_args {
	int		 jobs;
	const char	*filter;
	const char	*tag;
	unsigned	 shard_i, shard_n;
	const char	*net;
	unsigned	 seed;
	int		 keep;
	int		 tap;
	const char	*junit;
	const char	*html;
	const char	*outdir;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-bench run [options] [PATH|GLOB ...]\n"
	    "Runs scenario files (default: every *.yaml under scenarios/).\n"
	    "  -j N            run N scenarios at once (each isolated)\n"
	    "  --filter PAT    only scenarios whose name matches PAT (fnmatch)\n"
	    "  --tag TAG       only scenarios carrying TAG\n"
	    "  --shard I/N     the I-th of N equal parts (1-based), for CI matrices\n"
	    "  --net MODE      loopback (default), ns3 or auto\n"
	    "  --seed N        seed of the ns-3 link's random packet loss (ns3 mode\n"
	    "                  only: nothing else uses it; default 1)\n"
	    "  --keep          keep the files of passing runs too\n"
	    "  --out DIR       where run files go (default traces/runs)\n"
	    "  --junit FILE    write JUnit XML\n"
	    "  --html DIR      write an HTML report (index.html + a page per scenario)\n"
	    "  --tap           print TAP instead of the summary table\n"
	    "Exit status: 0 when every scenario passed (skips are listed and\n"
	    "counted apart), 1 when one failed or could not run, 2 on bad usage,\n"
	    "130 when interrupted (SIGINT, SIGTERM, SIGHUP): the processes of the\n"
	    "running scenarios are stopped and those scenarios, and the ones not\n"
	    "started, are reported as errors; a second interrupt stops them at once.\n");
}

static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || s[0] < '0' || s[0] > '9' || v < min ||
	    v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
value_option(const char *o)
{
	static const char *const names[] = { "-j", "--jobs", "--filter",
	    "--tag", "--shard", "--net", "--seed", "--out", "--junit", "--html" };
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(o, names[k]) == 0)
			return 1;
	return 0;
}

static int
parse_args(int argc, char **argv, struct run_args *a, int *first_path)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->jobs = 1;
	a->net = "loopback";
	a->seed = 1;
	a->outdir = "traces/runs";
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned u;

		if (o[0] != '-')
			break;
		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(o, "--keep") == 0) {
			a->keep = 1;
			continue;
		}
		if (strcmp(o, "--tap") == 0) {
			a->tap = 1;
			continue;
		}
		if (!value_option(o)) {
			fprintf(stderr, "iscsi-bench run: unknown option '%s'\n", o);
			return -1;
		}
		if (v == NULL) {
			fprintf(stderr, "iscsi-bench run: %s needs a value\n", o);
			return -1;
		}
		i++;
		if (strcmp(o, "-j") == 0 || strcmp(o, "--jobs") == 0) {
			if (parse_uint(v, 1, 64, &u) == -1) {
				fprintf(stderr, "iscsi-bench run: -j takes 1-64, not '%s'\n", v);
				return -1;
			}
			a->jobs = (int)u;
		} else if (strcmp(o, "--filter") == 0)
			a->filter = v;
		else if (strcmp(o, "--tag") == 0)
			a->tag = v;
		else if (strcmp(o, "--shard") == 0) {
			char buf[32], *slash;
			snprintf(buf, sizeof(buf), "%s", v);
			slash = strchr(buf, '/');
			if (slash == NULL)
				goto badshard;
			*slash++ = '\0';
			if (parse_uint(buf, 1, 1000, &a->shard_i) == -1 ||
			    parse_uint(slash, 1, 1000, &a->shard_n) == -1 ||
			    a->shard_i > a->shard_n) {
badshard:
				fprintf(stderr, "iscsi-bench run: --shard takes I/N with "
				    "1 <= I <= N, not '%s'\n", v);
				return -1;
			}
		} else if (strcmp(o, "--net") == 0) {
			if (strcmp(v, "loopback") != 0 && strcmp(v, "ns3") != 0 &&
			    strcmp(v, "auto") != 0) {
				fprintf(stderr, "iscsi-bench run: --net is loopback, ns3 "
				    "or auto, not '%s'\n", v);
				return -1;
			}
			a->net = v;
		} else if (strcmp(o, "--seed") == 0) {
			if (parse_uint(v, 0, UINT_MAX, &a->seed) == -1) {
				fprintf(stderr, "iscsi-bench run: bad --seed '%s'\n", v);
				return -1;
			}
		} else if (strcmp(o, "--out") == 0)
			a->outdir = v;
		else if (strcmp(o, "--junit") == 0)
			a->junit = v;
		else if (strcmp(o, "--html") == 0)
			a->html = v;
		else {
			fprintf(stderr, "iscsi-bench run: unknown option '%s'\n", o);
			return -1;
		}
	}
	*first_path = i;
	return 0;
}

/*
 * The places results go must be writable before anything runs: finding
 * out after an hour of scenarios loses the reports (--junit, --html) or
 * every verdict (--out).
 */
static int
check_outputs(const struct run_args *a)
{
	const char *dirs[2] = { a->outdir, a->html };
	const char *what[2] = { "--out", "--html" };
	struct stat st;
	int existed;
	FILE *f;
	size_t k;

	for (k = 0; k < 2; k++) {
		if (dirs[k] == NULL)
			continue;
		if (run_mkdirs(dirs[k]) == -1 || access(dirs[k], W_OK | X_OK) ==
		    -1) {
			fprintf(stderr, "iscsi-bench run: %s %s: %s\n", what[k],
			    dirs[k], strerror(errno));
			return -1;
		}
	}
	if (a->junit == NULL)
		return 0;
	existed = stat(a->junit, &st) == 0;
	if (existed && S_ISDIR(st.st_mode))
		errno = EISDIR;
	if ((existed && S_ISDIR(st.st_mode)) ||
	    (f = fopen(a->junit, "a")) == NULL) {
		fprintf(stderr, "iscsi-bench run: --junit %s: %s\n", a->junit,
		    strerror(errno));
		return -1;
	}
	fclose(f);
	if (!existed)
		(void)unlink(a->junit);
	return 0;
}

/* Directory of our own binary: the other binaries live beside it. */
static void
find_bindir(char *out, size_t sz)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(out, sz, "build/bin");
		return;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(out, sz, "%s", self);
}

static int
selected(const struct suite_entry *e, const struct run_args *a)
{
	if (!e->loaded)
		return 1;		/* load errors are always reported */
	if (a->filter != NULL && fnmatch(a->filter, e->scn.name, 0) != 0)
		return 0;
	if (a->tag != NULL && !scn_has_tag(&e->scn, a->tag))
		return 0;
	return 1;
}

int
cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct run_opts o;
	struct suite su = { 0 }, sel = { 0 };
	struct sched_opts so;
	char err[600];
	size_t i;
	int first, rc, interrupted;

	if (parse_args(argc, argv, &a, &first) == -1) {
		usage(stderr);
		return 2;
	}
	if (first == argc) {
		if (suite_add_path(&su, "scenarios", err, sizeof(err)) == -1) {
			fprintf(stderr, "iscsi-bench run: %s\n", err);
			return 2;
		}
	}
	for (; first < argc; first++)
		if (suite_add_path(&su, argv[first], err, sizeof(err)) == -1) {
			fprintf(stderr, "iscsi-bench run: %s\n", err);
			suite_free(&su);
			return 2;
		}
	suite_sort(&su);
	if (check_outputs(&a) == -1) {
		suite_free(&su);
		return 2;
	}

	memset(&o, 0, sizeof(o));
	find_bindir(o.bindir, sizeof(o.bindir));
	snprintf(o.outdir, sizeof(o.outdir), "%s", a.outdir);
	o.seed = a.seed;
	{
		enum net_mode mode;
		char why[256];

		if (netlink_mode_pick(a.net, &mode, why, sizeof(why)) == -1) {
			fprintf(stderr, "iscsi-bench run: --net %s: %s\n", a.net, why);
			suite_free(&su);
			return 2;
		}
		o.net_ns3 = mode == NET_MODE_NS3;
		snprintf(o.net_reason, sizeof(o.net_reason), "%s", o.net_ns3 ? why :
		    strcmp(a.net, "loopback") == 0 ? "running with --net loopback" : why);
		if (strcmp(a.net, "auto") == 0)
			fprintf(stderr, "iscsi-bench run: --net auto: %s\n", why);
		if (o.net_ns3)
			(void)netns_sweep_stale();
	}

	/* load, select, shard */
	for (i = 0; i < su.n; i++) {
		struct suite_entry *e = &su.e[i];

		e->loaded = scn_load(e->path, &e->scn, e->load_error,
		    sizeof(e->load_error)) == 0;
	}
	for (i = 0; i < su.n; i++) {
		if (!selected(&su.e[i], &a))
			continue;
		if (sel.n == sel.cap) {
			size_t ncap = sel.cap ? sel.cap * 2 : 64;
			struct suite_entry *ne = realloc(sel.e, ncap * sizeof(*ne));
			if (ne == NULL)
				return 1;
			sel.e = ne;
			sel.cap = ncap;
		}
		sel.e[sel.n++] = su.e[i];
		su.e[i].loaded = 0;	/* moved */
	}
	if (a.shard_n > 0) {
		size_t k = 0;
		for (i = 0; i < sel.n; i++) {
			if (i % a.shard_n == a.shard_i - 1)
				sel.e[k++] = sel.e[i];
			else if (sel.e[i].loaded)
				scn_free(&sel.e[i].scn);
		}
		sel.n = k;
	}
	suite_free(&su);
	if (sel.n == 0) {
		fprintf(stderr, "iscsi-bench run: no scenario selected\n");
		suite_free(&sel);
		return 2;
	}

	so.jobs = a.jobs;
	so.keep = a.keep;
	so.html = a.html;
	so.tty = isatty(2);
	interrupted = run_suite(&sel, &o, &so);
	if (a.tap)
		report_tap(&sel, stdout);
	else
		report_summary(&sel, stdout);
	rc = 0;		/* a report that cannot be written is a failure */
	if (a.html != NULL) {
		for (i = 0; i < sel.n; i++)
			/* load errors and runs never started get a page too */
			if (!sel.e[i].loaded || sel.e[i].result.dir[0] == '\0')
				(void)html_scenario_page(&sel.e[i], "/nonexistent", a.html);
		if (html_index(&sel, a.html) != 0) {
			fprintf(stderr, "iscsi-bench run: cannot write %s/index.html\n",
			    a.html);
			rc = 1;
		}
	}
	if (a.junit != NULL && report_junit(&sel, a.junit) != 0) {
		fprintf(stderr, "iscsi-bench run: cannot write %s\n", a.junit);
		rc = 1;
	}
	for (i = 0; i < sel.n; i++)
		if (run_status_bad(sel.e[i].result.status))
			rc = 1;
	suite_free(&sel);
	return interrupted ? 130 : rc;
}
