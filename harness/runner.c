/* Run one scenario on the loopback network. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "capture.h"
#include "json.h"
#include "netlink_ctl.h"
#include "netns.h"
#include "proc.h"
#include "run_ladder.h"
#include "runner.h"
#include "ytree.h"

#define TARGET_START_MS		5000
#define TARGET_STOP_MS		3000

const char *
run_status_name(enum run_status st)
{
	switch (st) {
	case RUN_NONE: return "not run";
	case RUN_PASS: return "pass";
	case RUN_FAIL: return "fail";
	case RUN_ERROR: return "error";
	case RUN_SKIP: return "skip";
	case RUN_NSTATUS: break;
	}
	return "?";
}

int
run_status_bad(enum run_status st)
{
	return st != RUN_PASS && st != RUN_SKIP;
}

enum run_status
run_status_column(enum run_status st)
{
	return st == RUN_PASS || st == RUN_FAIL || st == RUN_SKIP ? st :
	    RUN_ERROR;
}

int
run_mkdirs(const char *path)
{
	char buf[600];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) == -1 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0755) == -1 && errno != EEXIST ? -1 : 0;
}

/* Split "ADDR:PORT" / "[v6]:PORT" as printed by the target. */
static int
split_listen(const char *s, char *host, size_t hostsz, char *port, size_t portsz)
{
	const char *c = strrchr(s, ':');
	size_t n;

	if (c == NULL)
		return -1;
	n = (size_t)(c - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= hostsz)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	snprintf(port, portsz, "%s", c + 1);
	return 0;
}

char *
run_substitute(const char *text, const struct scn *s, char addrs[][128],
    char *err, size_t errsz)
{
	size_t cap = strlen(text) + 256, len = 0;
	char *out = malloc(cap);
	const char *p = text;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		const char *end;
		char name[80], host[96], port[16], *dot;
		const char *val = NULL;
		size_t i, vl;

		if (p[0] != '$' || p[1] != '{') {
			if (len + 2 > cap && (out = realloc(out, cap *= 2)) == NULL)
				return NULL;
			out[len++] = *p++;
			continue;
		}
		end = strchr(p, '}');
		if (end == NULL || (size_t)(end - p - 2) >= sizeof(name)) {
			snprintf(err, errsz, "unterminated or too long ${...} in the script");
			free(out);
			return NULL;
		}
		memcpy(name, p + 2, (size_t)(end - p - 2));
		name[end - p - 2] = '\0';
		dot = strrchr(name, '.');
		if (dot != NULL)
			*dot++ = '\0';
		for (i = 0; i < s->nportals; i++)
			if (strcmp(s->portals[i], name) == 0)
				break;
		if (i == s->nportals || dot == NULL ||
		    split_listen(addrs[i], host, sizeof(host), port, sizeof(port)) == -1) {
			snprintf(err, errsz, "${%s%s%s}: not a portal of this scenario "
			    "(use ${PORTAL.addr} or ${PORTAL.port})", name,
			    dot ? "." : "", dot ? dot : "");
			free(out);
			return NULL;
		}
		if (strcmp(dot, "addr") == 0)
			val = host;
		else if (strcmp(dot, "port") == 0)
			val = port;
		else {
			snprintf(err, errsz, "${%s.%s}: use .addr or .port", name, dot);
			free(out);
			return NULL;
		}
		vl = strlen(val);
		while (len + vl + 2 > cap)
			if ((out = realloc(out, cap *= 2)) == NULL)
				return NULL;
		memcpy(out + len, val, vl);
		len += vl;
		p = end + 1;
	}
	out[len] = '\0';
	return out;
}

static void
set_reason(struct run_result *r, enum run_status st, const char *fmt, const char *a)
{
	r->status = st;
	snprintf(r->reason, sizeof(r->reason), fmt, a);
}

/*
 * Our initiator exits 2 on a usage error (a bad option or verb in the
 * scenario itself): the failure reason then quotes its message, which
 * otherwise only initiator.err holds.
 */
static void
usage_hint(const struct scn *s, int exit_code, const char *errp,
    struct run_result *r)
{
	char line[256], *nl;
	size_t n = strlen(r->reason);
	FILE *f;

	if (s->initiator != SCN_INIT_OURS || exit_code != 2 ||
	    r->status != RUN_FAIL || (f = fopen(errp, "r")) == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		snprintf(r->reason + n, sizeof(r->reason) - n, " (%s)", line);
	}
	fclose(f);
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Names of the fault rules logged in path since *off (a JSON line each). */
static void
poll_fired(const char *path, long *off, const struct scn *s, int64_t now,
    int64_t *trig)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	size_t i;

	if (f == NULL)
		return;
	if (fseek(f, *off, SEEK_SET) == 0)
		while (fgets(line, sizeof(line), f) != NULL) {
			size_t l = strlen(line);

			if (l == 0 || line[l - 1] != '\n')
				break;		/* partial line: read it next time */
			*off += (long)l;
			for (i = 0; i < s->nfaults; i++) {
				char want[96];

				if (s->faults[i].on_rule[0] == '\0' || trig[i] >= 0)
					continue;
				snprintf(want, sizeof(want), "\"rule\":\"%s\"",
				    s->faults[i].on_rule);
				if (strstr(line, want) != NULL)
					trig[i] = now;
			}
		}
	fclose(f);
}

/*
 * Apply the scenario's link faults while the initiator runs: at their
 * times (seconds after the initiator started), or that long after a
 * named target fault rule fired (a protocol step, e.g. the 3rd Data-In).
 */
static void
run_link_faults(const struct scn *s, struct netlink *nl, struct proc *init,
    int64_t deadline, const char *faults_log, struct verdicts *vs)
{
	int64_t start = proc_now_ms(), up_at[SCN_MAX_LIST], trig[SCN_MAX_LIST];
	int applied[SCN_MAX_LIST];
	long off = 0;
	size_t i;
	char what[96];

	for (i = 0; i < SCN_MAX_LIST; i++) {
		up_at[i] = trig[i] = -1;
		applied[i] = 0;
	}
	while (!proc_poll(init) && proc_now_ms() < deadline) {
		int64_t now = proc_now_ms() - start;

		poll_fired(faults_log, &off, s, now, trig);
		for (i = 0; i < s->nfaults; i++) {
			const struct scn_link_fault *f = &s->faults[i];
			int64_t due = (int64_t)(f->at_s * 1000);
			int rc = 0;

			if (applied[i])
				continue;
			if (f->on_rule[0] != '\0') {
				if (trig[i] < 0)
					continue;
				due += trig[i];
			}
			if (now < due)
				continue;
			applied[i] = 1;
			if (strcmp(f->action, "down") == 0) {
				rc = netlink_down(nl, NS3LINK_DIR_BOTH);
				if (f->duration_s > 0)
					up_at[i] = now + (int64_t)(f->duration_s * 1000);
			} else if (strcmp(f->action, "up") == 0)
				rc = netlink_up(nl, NS3LINK_DIR_BOTH);
			else if (strcmp(f->action, "loss") == 0)
				rc = netlink_set_loss(nl, NS3LINK_DIR_BOTH, f->value);
			else if (strcmp(f->action, "delay") == 0)
				rc = netlink_set_delay(nl, (uint64_t)(f->value * 1000.0));
			else if (strcmp(f->action, "rate") == 0)
				rc = netlink_set_rate(nl, (uint64_t)(f->value * 1e6));
			if (rc != 0) {
				snprintf(what, sizeof(what), "link fault %zu applied", i + 1);
				verdicts_add(vs, 0, what, "the ns-3 link refused '%s'",
				    f->action);
			}
		}
		for (i = 0; i < s->nfaults; i++)
			if (up_at[i] >= 0 && now >= up_at[i]) {
				(void)netlink_up(nl, NS3LINK_DIR_BOTH);
				up_at[i] = -1;
			}
		usleep(5000);
	}
	for (i = 0; i < s->nfaults; i++)
		if (s->faults[i].on_rule[0] != '\0' && trig[i] < 0) {
			snprintf(what, sizeof(what), "link fault %zu triggered", i + 1);
			verdicts_add(vs, 0, what, "target rule '%s' never fired, so the "
			    "link fault never happened", s->faults[i].on_rule);
		}
}

void
run_scenario(const struct scn *s, const struct run_opts *o, struct run_result *r)
{
	char path[700], out[700], errp[700], faults[700], events[700], script[700];
	char addrs[SCN_MAX_PORTALS][128], err[512], bin[700];
	struct proc target, init;
	struct capture cap = { 0 };
	struct netlink nl = NETLINK_INITIALIZER;
	char portal_args[SCN_MAX_PORTALS][160];
	char *targv[2 * SCN_MAX_PORTALS];
	int targc = 0, use_ns3 = 0;
	const char *tns = NULL, *ins = NULL;
	struct observation obs;
	int64_t t0 = proc_now_ms(), deadline;
	char *text = NULL;
	size_t i;
	int n, ec;

	memset(r, 0, sizeof(*r));
	obs_init(&obs);
	snprintf(r->dir, sizeof(r->dir), "%s/%s", o->outdir, s->name);
	if (s->net == SCN_NET_NS3 && !o->net_ns3) {
		set_reason(r, RUN_SKIP, "needs the ns-3 link (link faults): %s",
		    o->net_reason);
		/* the parent reads the verdict from result.json */
		snprintf(path, sizeof(path), "%s/result.json", r->dir);
		if (run_mkdirs(r->dir) == 0)
			(void)run_write_json(s, r, path);
		return;
	}
	if (run_mkdirs(r->dir) == -1) {
		set_reason(r, RUN_ERROR, "cannot create %s", r->dir);
		return;
	}
	deadline = t0 + (int64_t)s->timeout_s * 1000;

	/* 0. the network: loopback, or two namespaces joined by the ns-3 link */
	use_ns3 = o->net_ns3 && s->net != SCN_NET_LOOPBACK;
	if (use_ns3) {
		struct netlink_params lp;

		memset(&lp, 0, sizeof(lp));
		lp.delay_us = (uint64_t)(s->link_delay_ms * 1000.0);
		lp.rate_bps = (uint64_t)(s->link_rate_mbit * 1e6);
		lp.loss_i2t = lp.loss_t2i = s->link_loss;
		lp.extra_addrs = s->nportals > 1 ? (unsigned)s->nportals - 1 : 0;
		lp.seed = o->seed;
		if (netns_cleanup_install() == -1 ||
		    netlink_open(&nl, &lp, err, sizeof(err)) == -1) {
			set_reason(r, RUN_ERROR, "ns-3 link: %s", err);
			goto done;
		}
		tns = nl.nl_ns.np_name[NETNS_TARGET];
		ins = nl.nl_ns.np_name[NETNS_INITIATOR];
		for (i = 0; i < s->nportals; i++) {
			snprintf(portal_args[i], sizeof(portal_args[i]), "%s=%s:3260",
			    s->portals[i], i == 0 ? nl.nl_ns.np_addr[NETNS_TARGET] :
			    nl.nl_ns.np_extra[i - 1]);
			targv[targc++] = "--portal-address";
			targv[targc++] = portal_args[i];
		}
	}

	/* 1. the target, from the same scenario file */
	snprintf(out, sizeof(out), "%s/target.out", r->dir);
	snprintf(errp, sizeof(errp), "%s/target.err", r->dir);
	snprintf(faults, sizeof(faults), "%s/faults.jsonl", r->dir);
	snprintf(bin, sizeof(bin), "%s/iscsi-target-sim", o->bindir);
	remove(faults);
	{
		char *argv[8 + 2 * SCN_MAX_PORTALS];
		int k = 0, m;

		argv[k++] = bin;
		argv[k++] = "--scenario";
		argv[k++] = (char *)s->path;
		argv[k++] = "--fault-log";
		argv[k++] = faults;
		for (m = 0; m < targc; m++)
			argv[k++] = targv[m];
		argv[k] = NULL;
		if (proc_start(&target, "target", argv, out, errp, tns, NULL, err,
		    sizeof(err)) == -1) {
			set_reason(r, RUN_ERROR, "%s", err);
			goto done;
		}
	}
	n = proc_wait_lines(&target, out, "listening ", (int)s->nportals, addrs,
	    TARGET_START_MS);
	if (n < (int)s->nportals) {
		proc_stop(&target, TARGET_STOP_MS);
		snprintf(r->reason, sizeof(r->reason), "iscsi-target-sim did not "
		    "report its %zu portal(s) (exit %d); see %s", s->nportals,
		    proc_exit_code(&target), errp);
		r->status = RUN_ERROR;
		goto done;
	}

	/* 2. capture the portals' traffic (pcapng, openable in Wireshark) */
	{
		char filter[1024] = "", host[96], port[16];
		size_t off = 0;

		for (i = 0; i < s->nportals; i++)
			if (split_listen(addrs[i], host, sizeof(host), port,
			    sizeof(port)) == 0)
				off += (size_t)snprintf(filter + off, sizeof(filter) - off,
				    "%stcp port %s", off ? " or " : "", port);
		snprintf(path, sizeof(path), "%s/capture.pcapng", r->dir);
		if (capture_start(&cap, use_ns3 ? NETNS_TAP_NAME : "lo", filter,
		    path, tns, err, sizeof(err)) == 0)
			snprintf(r->capture, sizeof(r->capture), "%s", path);
		else
			snprintf(r->capture, sizeof(r->capture), "not captured: %s", err);
	}

	/* 3. the initiator under test */
	snprintf(out, sizeof(out), "%s/initiator.out", r->dir);
	snprintf(errp, sizeof(errp), "%s/initiator.err", r->dir);
	snprintf(events, sizeof(events), "%s/events.jsonl", r->dir);
	remove(events);
	if (s->initiator == SCN_INIT_OURS) {
		snprintf(script, sizeof(script), "%s/script.txt", r->dir);
		snprintf(bin, sizeof(bin), "%s/iscsi-initiator", o->bindir);
		if ((text = run_substitute(s->script, s, addrs, err, sizeof(err))) == NULL ||
		    write_file(script, text) == -1) {
			if (cap.running)
				(void)capture_stop(&cap);
			proc_stop(&target, TARGET_STOP_MS);
			set_reason(r, RUN_ERROR, "%s", text == NULL ? err :
			    "cannot write the script");
			goto done;
		}
		{
			char *argv[8 + SCN_MAX_LIST];
			size_t k = 0, m;

			argv[k++] = bin;
			argv[k++] = "--json";
			argv[k++] = "--events";
			argv[k++] = events;
			for (m = 0; m < s->noptions; m++)
				argv[k++] = s->options[m];
			argv[k++] = "--script";
			argv[k++] = script;
			argv[k] = NULL;
			if (proc_start(&init, "initiator", argv, out, errp, ins, NULL,
			    err, sizeof(err)) == -1) {
				if (cap.running)
					(void)capture_stop(&cap);
				proc_stop(&target, TARGET_STOP_MS);
				set_reason(r, RUN_ERROR, "%s", err);
				goto done;
			}
		}
	} else {
		char *argv[SCN_MAX_LIST + 1];

		for (i = 0; i < s->ncommand; i++)
			if ((argv[i] = run_substitute(s->command[i], s, addrs, err,
			    sizeof(err))) == NULL)
				break;
		argv[i] = NULL;
		if (i < s->ncommand ||
		    proc_start(&init, "initiator", argv, out, errp, ins, NULL, err,
		    sizeof(err)) == -1) {
			while (i-- > 0)
				free(argv[i]);
			if (cap.running)
				(void)capture_stop(&cap);
			proc_stop(&target, TARGET_STOP_MS);
			set_reason(r, RUN_ERROR, "%s", err);
			goto done;
		}
		for (i = 0; i < s->ncommand; i++)
			free(argv[i]);
	}
	if (use_ns3 && s->nfaults > 0)
		run_link_faults(s, &nl, &init, deadline, faults, &r->verdicts);
	if (!proc_wait(&init, deadline - proc_now_ms())) {
		proc_stop(&init, 1000);
		verdicts_add(&r->verdicts, 0, "initiator finished in time",
		    "still running after the scenario timeout of %us; stopped",
		    s->timeout_s);
	}
	obs.exit_code = proc_exit_code(&init);

	/* 4. stop the capture and the target; a crash of the bench itself is
	   a failure too */
	if (cap.running)
		(void)capture_stop(&cap);
	proc_stop(&target, TARGET_STOP_MS);
	ec = proc_exit_code(&target);
	verdicts_add(&r->verdicts, ec == 0, "iscsi-target-sim exited cleanly",
	    "exit status %d (see target.err)", ec);

	/* 5. what happened, against what should have */
	if (obs_read_events(&obs, events, err, sizeof(err)) == -1 ||
	    obs_read_steps(&obs, out, err, sizeof(err)) == -1 ||
	    obs_read_fired(&obs, faults, err, sizeof(err)) == -1) {
		set_reason(r, RUN_ERROR, "unreadable run output: %s", err);
		goto done;
	}
	expect_evaluate(s, &obs, addrs, &r->verdicts);
	expect_evaluate_wire(s, &obs, r->capture, addrs, &r->verdicts);
	if (r->capture[0] != '\0' && strncmp(r->capture, "not ", 4) != 0) {
		uint16_t ports[SCN_MAX_PORTALS];
		char host[96], port[16];
		size_t np = 0;

		for (i = 0; i < s->nportals; i++)
			if (split_listen(addrs[i], host, sizeof(host), port,
			    sizeof(port)) == 0)
				ports[np++] = (uint16_t)atoi(port);
		(void)run_ladders(r->capture, ports, np, faults, r->dir);
	}
	r->status = r->verdicts.failed > 0 ? RUN_FAIL : RUN_PASS;
	for (i = 0; i < r->verdicts.n; i++)
		if (!r->verdicts.v[i].pass && (r->status == RUN_FAIL) ==
		    !r->verdicts.v[i].deviation) {
			snprintf(r->reason, sizeof(r->reason), "%s: %s",
			    r->verdicts.v[i].what, r->verdicts.v[i].detail);
			break;
		}
	usage_hint(s, obs.exit_code, errp, r);
done:
	if (use_ns3)
		(void)netlink_close(&nl);
	free(text);
	obs_free(&obs);
	r->seconds = (double)(proc_now_ms() - t0) / 1000.0;
	snprintf(path, sizeof(path), "%s/result.json", r->dir);
	(void)run_write_json(s, r, path);
}

const char *
run_note(const struct run_result *r)
{
	if (r->status == RUN_NONE && r->reason[0] == '\0')
		return "no verdict was recorded";
	if (r->status != RUN_PASS || r->verdicts.deviations > 0)
		return r->reason;
	return "";
}

void
run_json_build(const struct scn *s, const struct run_result *r, struct json *j)
{
	size_t i;

	json_object_open(j);
	json_kv_string(j, "name", s->name);
	json_kv_string(j, "file", s->path);
	json_kv_string(j, "status", run_status_name(r->status));
	json_kv_string(j, "reason", r->reason);
	json_kv_uint(j, "ms", (unsigned long long)(r->seconds * 1000.0));
	json_kv_string(j, "capture", r->capture);
	json_key(j, "tags");
	json_array_open(j);
	for (i = 0; i < s->ntags; i++)
		json_string(j, s->tags[i]);
	json_array_close(j);
	json_key(j, "cites");
	json_array_open(j);
	for (i = 0; i < s->ncites; i++)
		json_string(j, s->cites[i]);
	json_array_close(j);
	json_key(j, "verdicts");
	json_array_open(j);
	for (i = 0; i < r->verdicts.n; i++) {
		json_object_open(j);
		json_kv_bool(j, "pass", r->verdicts.v[i].pass);
		if (r->verdicts.v[i].deviation)
			json_kv_bool(j, "deviation", 1);
		json_kv_string(j, "what", r->verdicts.v[i].what);
		json_kv_string(j, "detail", r->verdicts.v[i].detail);
		json_object_close(j);
	}
	json_array_close(j);
	json_object_close(j);
}

int
run_write_json(const struct scn *s, const struct run_result *r, const char *path)
{
	struct json j;
	FILE *f;
	int rc;

	json_init(&j);
	run_json_build(s, r, &j);
	if (json_error(&j) != 0 || (f = fopen(path, "w")) == NULL) {
		json_free(&j);
		return -1;
	}
	rc = json_write(&j, f);
	fputc('\n', f);
	fclose(f);
	json_free(&j);
	return rc;
}

int
run_read_json(const char *path, struct run_result *r)
{
	char err[256];
	struct ynode *n = ytree_load_file(path, err, sizeof(err));
	const struct ynode *v, *vs;
	const char *st = NULL, *reason = NULL;
	uint64_t ms = 0;
	struct yctx c = { path, err, sizeof(err) };
	size_t i;

	if (n == NULL)
		return -1;
	(void)yget_str(&c, n, "status", &st);
	(void)yget_str(&c, n, "reason", &reason);
	(void)yget_u64(&c, n, "ms", 0, UINT64_MAX, &ms);
	{
		const char *cp = NULL;
		if (yget_str(&c, n, "capture", &cp) == 0)
			snprintf(r->capture, sizeof(r->capture), "%s", cp);
	}
	r->status = RUN_ERROR;
	if (st != NULL)
		for (i = RUN_PASS; i < RUN_NSTATUS; i++)
			if (strcmp(st, run_status_name((enum run_status)i)) == 0)
				r->status = (enum run_status)i;
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason : "");
	r->seconds = (double)ms / 1000.0;
	if ((vs = ymap_get(n, "verdicts")) != NULL && vs->type == YNODE_SEQ)
		for (i = 0; i < vs->n; i++) {
			const char *what = "", *detail = "";
			int pass = 0, dev = 0;

			v = vs->items[i];
			(void)yget_str(&c, v, "what", &what);
			(void)yget_str(&c, v, "detail", &detail);
			(void)yget_bool(&c, v, "pass", &pass);
			(void)yget_bool(&c, v, "deviation", &dev);
			verdicts_add(&r->verdicts, pass, what, "%s", detail);
			if (dev && !pass) {
				struct verdict *last = &r->verdicts.v[r->verdicts.n - 1];

				last->deviation = 1;
				r->verdicts.failed--;
				r->verdicts.deviations++;
			}
		}
	ytree_free(n);
	return 0;
}
