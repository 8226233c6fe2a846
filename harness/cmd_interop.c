/*
 * iscsi-bench interop: the initiator conformance steps that need no fault
 * injection, against any target (tgtd in CI).  Each check runs the
 * reference initiator (iscsi-initiator --json) on a short script and looks
 * at its per-verb JSON results and event log.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "commands.h"
#include "json.h"
#include "proc.h"
#include "ytree.h"

#define IO_MAX_LINES	32

struct io_args {
	char		 host[128];
	unsigned	 port;
	const char	*target;
	const char	*chap_user, *chap_secret;
	const char	*mutual_user, *mutual_secret;
	unsigned	 lun;
	long		 write_lba;		/* -1: no writes */
	int		 json;
};

/* One initiator run: its JSON result lines and its events. */
struct io_run {
	struct ynode	*line[IO_MAX_LINES];
	size_t		 n;
	unsigned	 events[64];
	size_t		 nevents;
	int		 exit_code;
	char		 err[256];
};

struct io_check {
	const char	*name;
	int		 status;	/* 0 pass, 1 fail, 2 skip */
	char		 detail[300];
};

static char io_bindir[PATH_MAX];
static char io_tmp[PATH_MAX];

static void
io_run_free(struct io_run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		ytree_free(r->line[i]);
	r->n = 0;
}

/* Run script (verbs) through iscsi-initiator; collect JSON lines + events. */
static int
io_exec(const char *script, struct io_run *r)
{
	char spath[PATH_MAX + 16], opath[PATH_MAX + 16], epath[PATH_MAX + 16];
	char bin[PATH_MAX + 32], err[256], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct proc p;
	FILE *f;

	memset(r, 0, sizeof(*r));
	snprintf(spath, sizeof(spath), "%s/script", io_tmp);
	snprintf(opath, sizeof(opath), "%s/out", io_tmp);
	snprintf(epath, sizeof(epath), "%s/events", io_tmp);
	snprintf(bin, sizeof(bin), "%s/iscsi-initiator", io_bindir);
	if ((f = fopen(spath, "w")) == NULL)
		return -1;
	fputs(script, f);
	fclose(f);
	remove(epath);
	{
		char *argv[] = { bin, "--json", "--connect-timeout", "3000",
		    "--login-timeout", "10000", "--events", epath, "--script",
		    spath, NULL };
		if (proc_start(&p, "initiator", argv, opath, NULL, NULL, NULL, err,
		    sizeof(err)) == -1) {
			snprintf(r->err, sizeof(r->err), "%s", err);
			return -1;
		}
	}
	if (!proc_wait(&p, 60000)) {
		proc_stop(&p, 1000);
		snprintf(r->err, sizeof(r->err), "the initiator did not finish in 60 s");
	}
	r->exit_code = proc_exit_code(&p);
	if ((f = fopen(opath, "r")) != NULL) {
		while ((len = getline(&line, &cap, f)) > 0 && r->n < IO_MAX_LINES) {
			struct ynode *t;
			if (line[0] != '{')
				continue;
			t = ytree_load_buffer(opath, line, (size_t)len, err, sizeof(err));
			if (t != NULL)
				r->line[r->n++] = t;
		}
		fclose(f);
	}
	if ((f = fopen(epath, "r")) != NULL) {
		while ((len = getline(&line, &cap, f)) > 0 && r->nevents < 64) {
			struct ynode *t = ytree_load_buffer(epath, line, (size_t)len,
			    err, sizeof(err));
			const struct ynode *ev = t ? ymap_get(t, "event") : NULL;
			if (ev != NULL && ev->type == YNODE_SCALAR)
				r->events[r->nevents++] = (unsigned)strtoul(ev->value,
				    NULL, 10);
			ytree_free(t);
		}
		fclose(f);
	}
	free(line);
	return 0;
}

static const struct ynode *
io_result(const struct io_run *r, size_t i)
{
	return i < r->n ? ymap_get(r->line[i], "result") : NULL;
}

static uint32_t
io_isdsc(const struct io_run *r, size_t i)
{
	const struct ynode *n = i < r->n ? ymap_get(r->line[i], "isdsc") : NULL;

	return n != NULL && n->type == YNODE_SCALAR ?
	    (uint32_t)strtoul(n->value, NULL, 0) : UINT32_MAX;
}

static const char *
isdsc_text(uint32_t v)
{
	const struct catalog_isdsc *d = catalog_isdsc_by_value(v);

	if (v == 0)
		return "success";
	if (v == UINT32_MAX)
		return "no result (the verb did not run)";
	return d != NULL ? d->name : "an undocumented code";
}

static int
has_event(const struct io_run *r, unsigned id)
{
	size_t i;

	for (i = 0; i < r->nevents; i++)
		if (r->events[i] == id)
			return 1;
	return 0;
}

static void
check_set(struct io_check *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
check_set(struct io_check *c, int status, const char *fmt, ...)
{
	va_list ap;

	c->status = status;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* The login line of a check script, with auth and digests. */
static void
login_line(const struct io_args *a, int digests, const char *secret, char *out,
    size_t sz)
{
	int auth = a->mutual_user != NULL ? 2 : a->chap_user != NULL ? 1 : 0;

	snprintf(out, sz, "LoginTarget %s T %s %u * * * * %s %s * * * %s %s %d * 0\n",
	    a->target, a->host, a->port, digests ? "1" : "*", digests ? "1" : "*",
	    auth ? a->chap_user : "*", auth ? (secret ? secret : a->chap_secret) : "*",
	    auth);
}

static void
mutual_line(const struct io_args *a, char *out, size_t sz)
{
	out[0] = '\0';
	if (a->mutual_secret != NULL)
		snprintf(out, sz, "CHAPSecret %s\n", a->mutual_secret);
}

#define NCHECKS	10

static void
run_checks(struct io_args *a, struct io_check *c)
{
	char script[2048], login[600], mutual[300];
	struct io_run r;
	const struct ynode *res, *n;
	size_t i;

	/* 1. discovery: SendTargets lists the target */
	c[0].name = "discovery (SendTargets=All)";
	snprintf(script, sizeof(script), "QAddTargetPortal %s:%u\nListTargets\n",
	    a->host, a->port);
	io_exec(script, &r);
	if (io_isdsc(&r, 0) == ISDSC_AUTHENTICATION_FAILURE && a->chap_user != NULL) {
		/* the discovery session wants CHAP too: the same credentials */
		io_run_free(&r);
		snprintf(script, sizeof(script), "QAddTargetPortal %s:%u %s %s\n"
		    "ListTargets\n", a->host, a->port, a->chap_user, a->chap_secret);
		io_exec(script, &r);
	}
	res = io_result(&r, 1);
	n = res ? ymap_get(res, "targets") : NULL;
	if (io_isdsc(&r, 0) != 0)
		check_set(&c[0], 1, "AddTargetPortal: %s", isdsc_text(io_isdsc(&r, 0)));
	else if (n == NULL || n->type != YNODE_SEQ || n->n == 0)
		check_set(&c[0], 1, "no target discovered");
	else {
		static char first[256];
		int found = a->target == NULL;
		for (i = 0; i < n->n && a->target != NULL; i++)
			found |= strcmp(n->items[i]->value, a->target) == 0;
		if (a->target == NULL) {
			snprintf(first, sizeof(first), "%s", n->items[0]->value);
			a->target = first;
		}
		check_set(&c[0], found ? 0 : 1, "%zu target(s)%s", n->n,
		    found ? "" : "; the given target is not among them");
	}
	io_run_free(&r);
	if (a->target == NULL) {
		/* the checks that need a target, named as they would run */
		static const char *const later[NCHECKS] = { NULL, "login",
		    "REPORT LUNS", "INQUIRY", "READ CAPACITY", "logout",
		    "header + data digests (CRC32C)",
		    "write then read back (64 KiB)",
		    "unknown target name refused", "wrong CHAP secret refused" };

		for (i = 1; i < NCHECKS; i++) {
			c[i].name = c[i].name ? c[i].name : later[i];
			check_set(&c[i], 2, "not run: no target to log in to");
		}
		return;
	}

	/* 2-6. login, SCSI commands, logout in one session */
	login_line(a, 0, NULL, login, sizeof(login));
	mutual_line(a, mutual, sizeof(mutual));
	snprintf(script, sizeof(script), "%s%sReportLUNs $SID\nScsiInquiry $SID %u 0 0\n"
	    "ReadCapacity $SID %u\nLogoutTarget $SID\n", mutual, login, a->lun, a->lun);
	io_exec(script, &r);
	{
		size_t base = mutual[0] ? 1 : 0;

		c[1].name = a->mutual_user ? "login (mutual CHAP)" : a->chap_user ?
		    "login (CHAP)" : "login (AuthMethod=None)";
		check_set(&c[1], io_isdsc(&r, base) == 0 ? 0 : 1, "%s",
		    isdsc_text(io_isdsc(&r, base)));
		c[2].name = "REPORT LUNS";
		res = io_result(&r, base + 1);
		n = res ? ymap_get(res, "luns") : NULL;
		if (io_isdsc(&r, base + 1) != 0)
			check_set(&c[2], 1, "%s", isdsc_text(io_isdsc(&r, base + 1)));
		else
			check_set(&c[2], n && n->n > 0 ? 0 : 1, "%zu LUN(s)", n ? n->n : 0);
		c[3].name = "INQUIRY";
		res = io_result(&r, base + 2);
		check_set(&c[3], io_isdsc(&r, base + 2) == 0 ? 0 : 1, "%s%s%s",
		    isdsc_text(io_isdsc(&r, base + 2)), res ? ", vendor " : "",
		    res && ymap_get(res, "vendor") ? ymap_get(res, "vendor")->value : "");
		c[4].name = "READ CAPACITY";
		res = io_result(&r, base + 3);
		n = res ? ymap_get(res, "bytes") : NULL;
		check_set(&c[4], io_isdsc(&r, base + 3) == 0 ? 0 : 1, "%s%s%s",
		    isdsc_text(io_isdsc(&r, base + 3)), n ? ", bytes " : "",
		    n ? n->value : "");
		c[5].name = "logout";
		check_set(&c[5], io_isdsc(&r, base + 4) == 0 ? 0 : 1, "%s",
		    isdsc_text(io_isdsc(&r, base + 4)));
	}
	io_run_free(&r);

	/* 7. digests: header and data CRC32C, then a verified write/read */
	c[6].name = "header + data digests (CRC32C)";
	login_line(a, 1, NULL, login, sizeof(login));
	if (a->write_lba >= 0) {
		FILE *f;
		char pat[PATH_MAX + 16], back[PATH_MAX + 16];
		unsigned k;

		snprintf(pat, sizeof(pat), "%s/pattern", io_tmp);
		snprintf(back, sizeof(back), "%s/readback", io_tmp);
		if ((f = fopen(pat, "wb")) != NULL) {
			for (k = 0; k < 64 * 1024; k++)
				fputc((int)((k * 2654435761u) >> 13) & 0xff, f);
			fclose(f);
		}
		remove(back);
		snprintf(script, sizeof(script), "%s%sSessionList\n"
		    "WriteBlocks $SID %u %ld %s\nReadBlocks $SID %u %ld 128 %s\n"
		    "LogoutTarget $SID\n", mutual, login, a->lun, a->write_lba, pat,
		    a->lun, a->write_lba, back);
	} else
		snprintf(script, sizeof(script), "%s%sSessionList\nLogoutTarget $SID\n",
		    mutual, login);
	io_exec(script, &r);
	{
		size_t base = mutual[0] ? 1 : 0;
		const struct ynode *ss = io_result(&r, base + 1);
		const struct ynode *hd = NULL, *dd = NULL;

		ss = ss ? ymap_get(ss, "sessions") : NULL;
		if (ss != NULL && ss->type == YNODE_SEQ && ss->n > 0) {
			hd = ymap_get(ss->items[0], "header_digest");
			dd = ymap_get(ss->items[0], "data_digest");
		}
		if (io_isdsc(&r, base) != 0 && (has_event(&r, ISCSI_EV_HEADER_DIGEST_NOT_OFFERED) ||
		    has_event(&r, ISCSI_EV_DATA_DIGEST_NOT_OFFERED))) {
			/* the target does not do CRC32C: not the initiator's fault */
			check_set(&c[6], 2, "the target did not accept CRC32C digests "
			    "(event %d logged, login refused as the seed says)",
			    has_event(&r, ISCSI_EV_HEADER_DIGEST_NOT_OFFERED) ? 18 : 19);
			if (a->write_lba >= 0) {
				/* do the data check without digests */
				io_run_free(&r);
				login_line(a, 0, NULL, login, sizeof(login));
				snprintf(script, sizeof(script), "%s%sSessionList\n"
				    "WriteBlocks $SID %u %ld %s/pattern\n"
				    "ReadBlocks $SID %u %ld 128 %s/readback\n"
				    "LogoutTarget $SID\n", mutual, login, a->lun,
				    a->write_lba, io_tmp, a->lun, a->write_lba, io_tmp);
				io_exec(script, &r);
			}
		} else if (io_isdsc(&r, base) != 0)
			check_set(&c[6], 1, "login: %s", isdsc_text(io_isdsc(&r, base)));
		else if (hd == NULL || dd == NULL || strcmp(hd->value, "true") != 0 ||
		    strcmp(dd->value, "true") != 0)
			check_set(&c[6], 1, "logged in, but digests not in force "
			    "(header %s, data %s)", hd ? hd->value : "?",
			    dd ? dd->value : "?");
		else
			check_set(&c[6], 0, "negotiated CRC32C both ways");
		c[7].name = "write then read back (64 KiB)";
		if (a->write_lba < 0)
			check_set(&c[7], 2, "skipped: writing is destructive; give "
			    "--write-lba N to allow it");
		else {
			char cmd[3 * PATH_MAX];
			int same;
			snprintf(cmd, sizeof(cmd), "cmp -s %s/pattern %s/readback",
			    io_tmp, io_tmp);
			same = system(cmd) == 0;
			if (io_isdsc(&r, base + 2) != 0 || io_isdsc(&r, base + 3) != 0)
				check_set(&c[7], 1, "write: %s, read: %s",
				    isdsc_text(io_isdsc(&r, base + 2)),
				    isdsc_text(io_isdsc(&r, base + 3)));
			else
				check_set(&c[7], same ? 0 : 1, same ? "identical" :
				    "the data read back differs from what was written");
		}
	}
	io_run_free(&r);

	/* 8. a target name nobody serves: login status 0x0203 -> ISDSC_NOT_FOUND */
	c[8].name = "unknown target name refused";
	snprintf(script, sizeof(script), "LoginTarget iqn.2026-11.org.iscsi-bench:"
	    "no-such-target T %s %u * * * * * * * * * * * 0 * 0\n", a->host, a->port);
	io_exec(script, &r);
	check_set(&c[8], io_isdsc(&r, 0) == ISDSC_NOT_FOUND ? 0 : 1,
	    "expected ISDSC_NOT_FOUND (login status 0x0203), got %s%s",
	    isdsc_text(io_isdsc(&r, 0)), has_event(&r, ISCSI_EV_LOGIN_FAILED) ?
	    ", event 10 logged" : "");
	io_run_free(&r);

	/* 10. a wrong CHAP secret: login status 0x0201 -> AUTHENTICATION_FAILURE */
	c[9].name = "wrong CHAP secret refused";
	if (a->chap_user == NULL) {
		check_set(&c[9], 2, "skipped: the target was given without --chap");
		return;
	}
	login_line(a, 0, "Wrong-Secret-0000", login, sizeof(login));
	snprintf(script, sizeof(script), "%s%s", mutual, login);
	io_exec(script, &r);
	{
		size_t base = mutual[0] ? 1 : 0;
		check_set(&c[9], io_isdsc(&r, base) == ISDSC_AUTHENTICATION_FAILURE ?
		    0 : 1, "expected ISDSC_AUTHENTICATION_FAILURE, got %s",
		    isdsc_text(io_isdsc(&r, base)));
	}
	io_run_free(&r);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: iscsi-bench interop --portal HOST:PORT [--target IQN] "
	    "[--chap USER:SECRET]\n"
	    "                            [--mutual-chap USER:SECRET] [--lun N] "
	    "[--write-lba N] [--json]\n"
	    "Runs the reference initiator's conformance steps that need no fault\n"
	    "injection against a target and prints what passed.  Without --target\n"
	    "the first discovered target is used.  Writes happen only with\n"
	    "--write-lba (64 KiB from that block).  Exit 0 when nothing failed.\n");
}

static int
split_cred(const char *v, const char **user, const char **secret)
{
	const char *c = strchr(v, ':');
	char *u;

	if (c == NULL || c == v || c[1] == '\0')
		return -1;
	if ((u = strndup(v, (size_t)(c - v))) == NULL)
		return -1;
	*user = u;
	*secret = c + 1;
	return 0;
}

int
cmd_interop(int argc, char **argv)
{
	struct io_args a;
	struct io_check c[NCHECKS];
	char self[PATH_MAX];
	ssize_t sl;
	int i, fails = 0;

	memset(&a, 0, sizeof(a));
	memset(c, 0, sizeof(c));
	a.write_lba = -1;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(o, "--json") == 0) {
			a.json = 1;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "iscsi-bench interop: '%s' needs a value\n", o);
			usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(o, "--portal") == 0) {
			const char *colon = strrchr(v, ':');
			char *end;
			unsigned long p;

			if (colon == NULL || colon == v ||
			    (size_t)(colon - v) >= sizeof(a.host))
				goto bad;
			errno = 0;
			p = strtoul(colon + 1, &end, 10);
			if (*end != '\0' || p == 0 || p > 65535 || errno != 0)
				goto bad;
			memcpy(a.host, v, (size_t)(colon - v));
			a.port = (unsigned)p;
		} else if (strcmp(o, "--target") == 0)
			a.target = v;
		else if (strcmp(o, "--chap") == 0) {
			if (split_cred(v, &a.chap_user, &a.chap_secret) == -1)
				goto bad;
		} else if (strcmp(o, "--mutual-chap") == 0) {
			if (split_cred(v, &a.mutual_user, &a.mutual_secret) == -1)
				goto bad;
		} else if (strcmp(o, "--lun") == 0) {
			char *end;
			a.lun = (unsigned)strtoul(v, &end, 0);
			if (*end != '\0' || a.lun > 16383)
				goto bad;
		} else if (strcmp(o, "--write-lba") == 0) {
			char *end;
			a.write_lba = strtol(v, &end, 0);
			if (*end != '\0' || a.write_lba < 0)
				goto bad;
		} else {
			fprintf(stderr, "iscsi-bench interop: unknown option '%s'\n", o);
			usage(stderr);
			return 2;
		}
		continue;
bad:
		fprintf(stderr, "iscsi-bench interop: bad value for %s: '%s'\n", o, v);
		return 2;
	}
	if (a.port == 0) {
		fprintf(stderr, "iscsi-bench interop: --portal HOST:PORT is required\n");
		usage(stderr);
		return 2;
	}
	if (a.mutual_user != NULL && a.chap_user == NULL) {
		fprintf(stderr, "iscsi-bench interop: --mutual-chap needs --chap\n");
		return 2;
	}
	sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[sl > 0 ? sl : 0] = '\0';
	if (strrchr(self, '/') != NULL)
		*strrchr(self, '/') = '\0';
	snprintf(io_bindir, sizeof(io_bindir), "%s", sl > 0 ? self : "build/bin");
	snprintf(io_tmp, sizeof(io_tmp), "/tmp/iscsi-interop.XXXXXX");
	if (mkdtemp(io_tmp) == NULL) {
		fprintf(stderr, "iscsi-bench interop: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	run_checks(&a, c);
	{
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", io_tmp);
		if (system(cmd) != 0)
			fprintf(stderr, "iscsi-bench interop: could not remove %s\n", io_tmp);
	}
	for (i = 0; i < NCHECKS; i++)
		fails += c[i].status == 1;
	if (a.json) {
		struct json j;

		json_init(&j);
		json_object_open(&j);
		json_key(&j, "portal");
		json_stringf(&j, "%s:%u", a.host, a.port);
		json_kv_string(&j, "target", a.target);
		json_key(&j, "checks");
		json_array_open(&j);
		for (i = 0; i < NCHECKS; i++) {
			json_object_open(&j);
			json_kv_string(&j, "check", c[i].name);
			json_kv_string(&j, "result", c[i].status == 0 ? "pass" :
			    c[i].status == 1 ? "fail" : "skip");
			json_kv_string(&j, "detail", c[i].detail);
			json_object_close(&j);
		}
		json_array_close(&j);
		json_kv_int(&j, "failed", fails);
		json_object_close(&j);
		json_write(&j, stdout);
		putchar('\n');
		json_free(&j);
	} else {
		printf("interop with %s:%u, target %s\n\n%-34s %-6s %s\n", a.host, a.port,
		    a.target ? a.target : "(none)", "check", "result", "detail");
		for (i = 0; i < NCHECKS; i++)
			printf("%-34s %-6s %s\n", c[i].name, c[i].status == 0 ? "pass" :
			    c[i].status == 1 ? "FAIL" : "skip", c[i].detail);
		printf("\n%d check(s) failed\n", fails);
	}
	return fails ? 1 : 0;
}
