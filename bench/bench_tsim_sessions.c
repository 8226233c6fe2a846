/*
 * bench_tsim_sessions: many concurrent idle sessions against
 * iscsi-target-sim and the target's memory per session.
 *
 *   bench_tsim_sessions [SESSIONS]          (default 1000)
 *
 * Starts build/bin/iscsi-target-sim (next to this binary) on 127.0.0.1
 * port 0, reads VmRSS from /proc, logs SESSIONS sessions in at once from
 * one event loop (proto/iconn + proto/pdu: every login is a security and
 * an operational Login Request), reads VmRSS again, logs them all out
 * and stops the target with SIGTERM.  Bounded: 60 s for the logins.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iconn.h"
#include "netaddr.h"
#include "pdu.h"
#include "text.h"

#define TARGET	"iqn.2024-01.org.iscsi-bench:bench"

struct sess {
	struct iconn	 c;
	int		 stage;		/* 0 connecting, 1 sec, 2 op, 3 ffp, -1 dead */
	uint16_t	 id;
	uint32_t	 statsn;
};

static int nlogged, ndead;

static void
send_login(struct sess *s, int csg)
{
	struct text_builder b;
	struct pdu p;

	text_builder_init(&b, 0);
	if (csg == 0) {
		text_builder_add(&b, "InitiatorName",
		    "iqn.2024-01.org.iscsi-bench:sessions");
		text_builder_add(&b, "SessionType", "Normal");
		text_builder_add(&b, "TargetName", TARGET);
		text_builder_add(&b, "AuthMethod", "None");
	} else
		text_builder_add(&b, "MaxRecvDataSegmentLength", "8192");
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = 1;
	p.u.login_req.transit = true;
	p.u.login_req.csg = (uint8_t)csg;
	p.u.login_req.nsg = csg == 0 ? 1 : 3;
	p.u.login_req.isid[0] = 0x80;
	p.u.login_req.isid[4] = (uint8_t)(s->id >> 8);
	p.u.login_req.isid[5] = (uint8_t)s->id;
	p.u.login_req.expstatsn = s->statsn;
	pdu_set_data(&p, b.buf, (uint32_t)b.len);
	if (iconn_send(&s->c, &p) != 0)
		s->stage = -1;
	text_builder_free(&b);
}

static void
on_connected(struct iconn *c, int err, void *arg)
{
	struct sess *s = arg;

	(void)c;
	if (err != 0) {
		s->stage = -1;
		ndead++;
		return;
	}
	s->stage = 1;
	send_login(s, 0);
}

static void
on_pdu(struct iconn *c, const struct pdu *p, const struct pdu_error *e,
    void *arg)
{
	struct sess *s = arg;

	(void)c;
	if (e->code != PDU_OK || p->opcode != PDU_OP_LOGIN_RSP ||
	    p->u.login_rsp.status_class != 0) {
		if (s->stage > 0 && s->stage < 3) {
			s->stage = -1;
			ndead++;
		}
		return;
	}
	s->statsn = p->u.login_rsp.statsn + 1;
	if (s->stage == 1 && p->u.login_rsp.transit) {
		s->stage = 2;
		send_login(s, 1);
	} else if (s->stage == 2 && p->u.login_rsp.transit) {
		s->stage = 3;
		nlogged++;
	}
}

static void
on_close(struct iconn *c, int err, void *arg)
{
	struct sess *s = arg;

	(void)c;
	(void)err;
	if (s->stage >= 0 && s->stage < 3)
		ndead++;
	if (s->stage == 3)
		nlogged--;
	s->stage = -1;
}

static const struct iconn_ops ops = { on_connected, on_pdu, on_close };

static long
rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start the target, return its pid and port (0 on failure). */
static pid_t
spawn_target(const char *self, int *port)
{
	char exe[PATH_MAX], *slash, line[128];
	int fds[2];
	pid_t pid;
	FILE *f;

	snprintf(exe, sizeof(exe), "%s", self);
	slash = strrchr(exe, '/');
	snprintf(slash ? slash + 1 : exe, sizeof(exe) - (size_t)(slash ?
	    slash + 1 - exe : 0), "iscsi-target-sim");
	if (pipe(fds) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl(exe, exe, "--listen", "127.0.0.1:0", "--target", TARGET,
		    "--lun", "1M", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	*port = 0;
	if (f != NULL && fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "listening 127.0.0.1:%d", port);
	if (f != NULL)
		fclose(f);
	return pid;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, port, i, status;
	struct rlimit rl;
	struct evloop *loop;
	struct netaddr na;
	struct sess *ss;
	long rss0, rss1;
	double t0, t1;
	pid_t pid;

	if (n <= 0 || n > 60000) {
		fprintf(stderr, "usage: bench_tsim_sessions [SESSIONS]\n");
		return 2;
	}
	/* both ends need a descriptor per session */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		fprintf(stderr, "bench_tsim_sessions: descriptor limit %llu is "
		    "below %d sessions\n", (unsigned long long)rl.rlim_cur, n);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	pid = spawn_target(argv[0], &port);
	if (pid <= 0 || port == 0) {
		fprintf(stderr, "bench_tsim_sessions: cannot start iscsi-target-sim "
		    "next to %s\n", argv[0]);
		if (pid > 0)
			kill(pid, SIGTERM);
		return 1;
	}
	usleep(100000);
	rss0 = rss_kb(pid);
	loop = evloop_new(NULL);
	ss = calloc((size_t)n, sizeof(*ss));
	netaddr_parse_numeric("127.0.0.1", (uint16_t)port, &na, NULL, 0);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		ss[i].id = (uint16_t)(i + 1);
		if (iconn_connect(&ss[i].c, loop, &na, 8192, &ops, &ss[i]) != 0) {
			ss[i].stage = -1;
			ndead++;
		}
		/* do not flood the listen backlog: run the loop as we go */
		if (i % 64 == 63)
			evloop_run_once(loop, 0);
	}
	while (nlogged + ndead < n && now_s() - t0 < 60)
		evloop_run_once(loop, 10 * EV_NSEC_PER_MSEC);
	t1 = now_s();
	usleep(200000);
	rss1 = rss_kb(pid);
	printf("%-34s %10s\n", "iscsi-target-sim idle sessions", "value");
	printf("%-34s %10d\n", "sessions requested", n);
	printf("%-34s %10d\n", "sessions logged in", nlogged);
	printf("%-34s %10d\n", "sessions failed", ndead);
	printf("%-34s %10.2f\n", "login time for all (s)", t1 - t0);
	printf("%-34s %10ld\n", "target RSS before (KiB)", rss0);
	printf("%-34s %10ld\n", "target RSS with sessions (KiB)", rss1);
	printf("%-34s %10.1f\n", "RSS per session (KiB)",
	    nlogged > 0 ? (double)(rss1 - rss0) / nlogged : 0.0);
	fflush(stdout);
	for (i = 0; i < n; i++)
		if (ss[i].c.state != ICONN_IDLE)
			iconn_free(&ss[i].c);
	free(ss);
	evloop_free(loop);
	kill(pid, SIGTERM);
	for (i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(100000);
	if (i == 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	return nlogged == n ? 0 : 1;
}
