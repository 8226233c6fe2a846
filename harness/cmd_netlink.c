/*
 * iscsi-bench netlink: developer commands for the "ns3" network mode.
 *
 *   netlink check      can the ns3 mode run here? (exit 0, or 1 + reason)
 *   netlink sweep      delete namespaces left by dead harness processes
 *   netlink selftest   two namespaces + ns-3 link; measure connect time,
 *                      RTT, throughput; change delay/rate/loss at run
 *                      time; a 2 s link-down that TCP must survive; an
 *                      outage that TCP_USER_TIMEOUT must end
 */
#include <sys/socket.h>

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "netlink_ctl.h"
#include "nettest.h"

#define ST_PORT		3260
#define ST_ROUNDS	200
#define ST_CONNECTS	5
#define ST_BULK_MS	2000
#define ST_DOWN_MS	2000
#define ST_RESUME_MS	10000	/* longest wait for bytes after link-up */
#define ST_UTO_MS	3000	/* TCP_USER_TIMEOUT of the outage test */
#define ST_UTO_WAIT_MS	10000	/* longest wait for ETIMEDOUT */

struct selftest {
	struct netlink	nl;
	struct netlink_params par;
	int		lfd;
	struct nettest_conn conn;
	int		failures;
	const char	*ns_i;
	const char	*addr_t;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-bench netlink check\n"
	    "       iscsi-bench netlink sweep\n"
	    "       iscsi-bench netlink selftest [--delay MS] [--rate MBIT] [--loss P]\n"
	    "                                    (MS 0-100, MBIT 0-100000 with 0 =\n"
	    "                                     unlimited, P 0-1)\n"
	    "check     says whether the ns3 network mode can run here, and why not\n"
	    "sweep     deletes network namespaces left by dead iscsi-bench runs\n"
	    "selftest  joins two namespaces with an ns-3 link (default 0.1 ms,\n"
	    "          1000 Mbit/s, no loss), measures connect time, RTT and\n"
	    "          throughput, cuts the link for 2 s (TCP must survive), then\n"
	    "          for longer with TCP_USER_TIMEOUT=3000 ms (TCP must fail\n"
	    "          with ETIMEDOUT); needs root.  Exit 0 when all checks pass.\n");
}

static void
check(struct selftest *st, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
check(struct selftest *st, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	st->failures++;
	printf("    FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int
parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(d) || d < lo ||
	    d > hi)
		return -1;
	*out = d;
	return 0;
}

/* utime + stime of pid in seconds, or -1. */
static double
proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, stime;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &stime) != 2)
		return -1;
	return (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK);
}

static long
proc_rss_kb(pid_t pid)
{
	char path[64], line[128];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
new_conn(struct selftest *st, unsigned uto_ms, int64_t *connect_us)
{
	nettest_close(&st->conn);
	if (nettest_connect(&st->conn, st->lfd, st->ns_i, st->addr_t, ST_PORT,
	    uto_ms, 3000, connect_us) == -1) {
		check(st, 0, "connect to %s:%d: %s", st->addr_t, ST_PORT,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
step_connect(struct selftest *st)
{
	int64_t us[ST_CONNECTS], first;
	int i;

	for (i = 0; i < ST_CONNECTS; i++)
		if (new_conn(st, 0, &us[i]) == -1)
			return -1;
	first = us[0];
	printf("  connect         %.3f ms first (with ARP), %.3f ms median of"
	    " next %d\n", first / 1e3, nettest_median(us + 1, ST_CONNECTS - 1) /
	    1e3, ST_CONNECTS - 1);
	return 0;
}

static int
step_rtt(struct selftest *st)
{
	static int64_t us[ST_ROUNDS];
	double floor_ms = 2.0 * (double)st->par.delay_us / 1e3;
	/* About 2 s of round trips at most: fewer when the delay is long. */
	uint64_t fit = 1000000 / (st->par.delay_us + 100);
	unsigned n = fit > ST_ROUNDS ? ST_ROUNDS : fit < 10 ? 10 : (unsigned)fit;

	if (nettest_pingpong(&st->conn, n, 2000 + (int)(st->par.delay_us / 250),
	    us) == -1) {
		check(st, 0, "ping-pong: %s", strerror(errno));
		return -1;
	}
	nettest_median(us, n);	/* sorts */
	printf("  rtt             min %.3f / median %.3f / p99 %.3f / max %.3f ms"
	    " (%u round trips)\n", us[0] / 1e3, us[n / 2] / 1e3,
	    us[n * 99 / 100] / 1e3, us[n - 1] / 1e3, n);
	/* A round trip crosses the channel twice: it cannot beat 2 x delay. */
	check(st, us[0] / 1e3 >= floor_ms * 0.99,
	    "min RTT %.3f ms below 2 x delay = %.3f ms", us[0] / 1e3, floor_ms);
	return 0;
}

static int
step_bulk(struct selftest *st)
{
	struct nettest_flow f;
	double cpu0, cpu1, mbit, secs;
	int64_t t0;
	long rss;

	nettest_flow_init(&f, &st->conn);
	nettest_flow_pump(&f, 200, NETTEST_UNTIL_TIME);	/* slow start */
	f.rx_bytes = 0;
	cpu0 = proc_cpu_s(st->nl.nl_pid);
	t0 = nettest_now_us();
	nettest_flow_pump(&f, ST_BULK_MS, NETTEST_UNTIL_TIME);
	secs = (double)(nettest_now_us() - t0) / 1e6;
	cpu1 = proc_cpu_s(st->nl.nl_pid);
	rss = proc_rss_kb(st->nl.nl_pid);
	mbit = (double)f.rx_bytes * 8 / secs / 1e6;
	printf("  throughput      %.0f Mbit/s TCP payload (%.1f s, %.1f MB)\n",
	    mbit, secs, (double)f.rx_bytes / 1e6);
	if (cpu0 >= 0 && cpu1 >= 0)
		printf("  link process    %.2f cores under load, %ld kB resident\n",
		    (cpu1 - cpu0) / secs, rss);
	check(st, f.cli_errno == 0 && f.srv_errno == 0, "bulk transfer: %s",
	    strerror(f.cli_errno ? f.cli_errno : f.srv_errno));
	check(st, f.rx_bytes > 0, "no byte crossed the link");
	/* Payload cannot go faster than the line (frames add headers). */
	if (st->par.rate_bps > 0)
		check(st, mbit <= (double)st->par.rate_bps / 1e6 * 1.01,
		    "%.0f Mbit/s above the %.0f Mbit/s line rate", mbit,
		    (double)st->par.rate_bps / 1e6);
	nettest_close(&st->conn);	/* its backlog must not count later */
	return 0;
}

/* Run-time changes: delay, rate and loss commands take effect. */
static int
step_change(struct selftest *st)
{
	static int64_t us[20];
	struct ns3link_stats s0, s1;
	struct nettest_flow f;
	const uint64_t delay = 2000, rate = 20000000;
	double mbit;
	int64_t t0;

	if (new_conn(st, 0, NULL) == -1)
		return -1;
	if (netlink_set_delay(&st->nl, delay) == -1 ||
	    nettest_pingpong(&st->conn, 20, 2000, us) == -1) {
		check(st, 0, "delay change: %s", strerror(errno));
		return -1;
	}
	nettest_median(us, 20);
	check(st, us[0] >= 2 * (int64_t)delay * 99 / 100,
	    "min RTT %.3f ms after 'delay %llu'", us[0] / 1e3,
	    (unsigned long long)delay);
	if (netlink_set_delay(&st->nl, st->par.delay_us) == -1 ||
	    netlink_set_rate(&st->nl, rate) == -1 ||
	    netlink_stats(&st->nl, &s0) == -1 ||
	    netlink_set_loss(&st->nl, NS3LINK_DIR_I2T, 0.02) == -1) {
		check(st, 0, "rate/loss change: %s", strerror(errno));
		return -1;
	}
	nettest_flow_init(&f, &st->conn);
	nettest_flow_pump(&f, 200, NETTEST_UNTIL_TIME);
	f.rx_bytes = 0;
	t0 = nettest_now_us();
	nettest_flow_pump(&f, 600, NETTEST_UNTIL_TIME);
	mbit = (double)f.rx_bytes * 8 / ((nettest_now_us() - t0) / 1e6) / 1e6;
	if (netlink_stats(&st->nl, &s1) == -1 ||
	    netlink_set_loss(&st->nl, NS3LINK_DIR_I2T, st->par.loss_i2t) == -1 ||
	    netlink_set_rate(&st->nl, st->par.rate_bps) == -1) {
		check(st, 0, "restore: %s", strerror(errno));
		return -1;
	}
	printf("  run-time change delay 2 ms: min RTT %.3f ms; rate 20 Mbit/s +"
	    " 2%% loss i2t: %.1f Mbit/s, %llu frames lost\n", us[0] / 1e3, mbit,
	    (unsigned long long)(s1.i2t.dropped_loss - s0.i2t.dropped_loss));
	check(st, mbit > 0 && mbit <= rate / 1e6 * 1.01,
	    "%.1f Mbit/s after 'rate %llu'", mbit, (unsigned long long)rate);
	check(st, s1.i2t.dropped_loss > s0.i2t.dropped_loss,
	    "'loss i2t 0.02' dropped no frame");
	check(st, f.cli_errno == 0 && f.srv_errno == 0, "transfer: %s",
	    strerror(f.cli_errno ? f.cli_errno : f.srv_errno));
	/* Let the queue built at 20 Mbit/s drain before the next step. */
	nettest_close(&st->conn);
	return 0;
}

static int
step_down(struct selftest *st)
{
	struct ns3link_stats s0, s1;
	struct nettest_flow f;
	uint64_t during;
	int64_t t_up;
	int resumed;

	if (new_conn(st, 0, NULL) == -1)
		return -1;
	nettest_flow_init(&f, &st->conn);
	nettest_flow_pump(&f, 300, NETTEST_UNTIL_TIME);
	if (netlink_stats(&st->nl, &s0) == -1 ||
	    netlink_down(&st->nl, NS3LINK_DIR_BOTH) == -1) {
		check(st, 0, "link down: %s", strerror(errno));
		return -1;
	}
	nettest_flow_pump(&f, 50, NETTEST_UNTIL_TIME);	/* in-flight drains */
	f.max_gap_us = 0;
	during = f.rx_bytes;
	nettest_flow_pump(&f, ST_DOWN_MS - 50, NETTEST_UNTIL_TIME);
	during = f.rx_bytes - during;
	if (netlink_up(&st->nl, NS3LINK_DIR_BOTH) == -1) {
		check(st, 0, "link up: %s", strerror(errno));
		return -1;
	}
	t_up = nettest_now_us();
	resumed = nettest_flow_pump(&f, ST_RESUME_MS, NETTEST_UNTIL_RX) == 1;
	if (resumed)
		nettest_flow_pump(&f, 300, NETTEST_UNTIL_TIME);
	netlink_stats(&st->nl, &s1);
	printf("  link down 2 s   stall %.2f s, resumed %.2f s after link-up,"
	    " %s; %llu frames dropped\n", f.max_gap_us / 1e6,
	    resumed ? (double)(f.last_rx_us - t_up) / 1e6 : -1.0,
	    f.cli_errno == 0 && f.srv_errno == 0 ? "connection survived" :
	    "connection LOST",
	    (unsigned long long)(s1.i2t.dropped_down - s0.i2t.dropped_down +
	    s1.t2i.dropped_down - s0.t2i.dropped_down));
	check(st, during == 0, "%llu bytes crossed a link that was down",
	    (unsigned long long)during);
	check(st, resumed, "no byte within %d ms of link-up", ST_RESUME_MS);
	check(st, f.cli_errno == 0 && f.srv_errno == 0,
	    "connection failed across a 2 s outage: %s",
	    strerror(f.cli_errno ? f.cli_errno : f.srv_errno));
	check(st, f.max_gap_us >= (ST_DOWN_MS - 100) * 1000LL,
	    "stall %.2f s shorter than the outage", f.max_gap_us / 1e6);
	check(st, s1.i2t.dropped_down > s0.i2t.dropped_down,
	    "the link dropped no frame while down");
	return 0;
}

static int
step_outage(struct selftest *st)
{
	struct nettest_flow f;
	int64_t t_down;
	double after;
	int failed;

	if (new_conn(st, ST_UTO_MS, NULL) == -1)
		return -1;
	nettest_flow_init(&f, &st->conn);
	nettest_flow_pump(&f, 300, NETTEST_UNTIL_TIME);
	if (netlink_down(&st->nl, NS3LINK_DIR_BOTH) == -1) {
		check(st, 0, "link down: %s", strerror(errno));
		return -1;
	}
	t_down = nettest_now_us();
	failed = nettest_flow_pump(&f, ST_UTO_WAIT_MS, NETTEST_UNTIL_ERROR) == 1;
	after = (double)((failed ? f.err_us : nettest_now_us()) - t_down) / 1e6;
	netlink_up(&st->nl, NS3LINK_DIR_BOTH);
	printf("  outage, TCP_USER_TIMEOUT=%d ms: %s after %.2f s\n", ST_UTO_MS,
	    failed ? strerror(f.cli_errno) : "no error", after);
	check(st, failed && f.cli_errno == ETIMEDOUT,
	    "expected ETIMEDOUT within %d ms, got %s", ST_UTO_WAIT_MS,
	    failed ? strerror(f.cli_errno) : "nothing");
	/* The timer counts from the oldest unacknowledged byte (~down). */
	check(st, !failed || (after >= ST_UTO_MS / 1e3 * 0.9 &&
	    after <= ST_UTO_MS / 1e3 + 3.0),
	    "ETIMEDOUT after %.2f s, expected about %.1f s", after,
	    ST_UTO_MS / 1e3);
	nettest_close(&st->conn);
	return 0;
}

/* An idle link costs nothing: the simulator sleeps until a frame comes. */
static void
step_idle(struct selftest *st)
{
	double c0 = proc_cpu_s(st->nl.nl_pid), c1;

	usleep(500000);
	c1 = proc_cpu_s(st->nl.nl_pid);
	if (c0 >= 0 && c1 >= 0)
		printf("  idle link       %.3f cores over 0.5 s\n", (c1 - c0) / 0.5);
}

/* A command run in a namespace sees that namespace's tap, and only it. */
static void
step_spawn(struct selftest *st)
{
	char *argv[] = { "ip", "-o", "link", "show", "dev",
	    st->nl.nl_ns.np_tap, NULL };
	int null, in_ns = -1, here = -1, st_in = 0, st_here = 0;

	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1) {
		check(st, 0, "/dev/null: %s", strerror(errno));
		return;
	}
	in_ns = netns_run_wait(st->nl.nl_ns.np_name[NETNS_TARGET], argv, null,
	    3000, &st_in);
	here = netns_run_wait(NULL, argv, null, 3000, &st_here);
	close(null);
	printf("  run in netns    'ip link show dev %s' exits %d in %s, %d here\n",
	    st->nl.nl_ns.np_tap, WIFEXITED(st_in) ? WEXITSTATUS(st_in) : -1,
	    st->nl.nl_ns.np_name[NETNS_TARGET],
	    WIFEXITED(st_here) ? WEXITSTATUS(st_here) : -1);
	check(st, in_ns == 0 && WIFEXITED(st_in) && WEXITSTATUS(st_in) == 0,
	    "the tap is not visible from a command run in %s",
	    st->nl.nl_ns.np_name[NETNS_TARGET]);
	check(st, here == 0 && WIFEXITED(st_here) && WEXITSTATUS(st_here) != 0 &&
	    WEXITSTATUS(st_here) < 126,
	    "the tap is visible outside its namespace (or ip failed to run)");
}

static int
selftest_run(struct selftest *st)
{
	char err[256];
	int64_t t0;

	t0 = nettest_now_us();
	if (netlink_open(&st->nl, &st->par, err, sizeof(err)) == -1) {
		check(st, 0, "%s", err);
		return -1;
	}
	st->ns_i = st->nl.nl_ns.np_name[NETNS_INITIATOR];
	st->addr_t = st->nl.nl_ns.np_addr[NETNS_TARGET];
	printf("  namespaces      %s (%s) <-> %s (%s), tap %s\n", st->ns_i,
	    st->nl.nl_ns.np_addr[NETNS_INITIATOR],
	    st->nl.nl_ns.np_name[NETNS_TARGET], st->addr_t, st->nl.nl_ns.np_tap);
	printf("  set-up          %.0f ms (link process %ld ready in %lld ms)\n",
	    (nettest_now_us() - t0) / 1e3, (long)st->nl.nl_pid,
	    (long long)st->nl.nl_ready_ms);
	fflush(stdout);
	step_idle(st);
	step_spawn(st);
	st->lfd = nettest_listen(st->nl.nl_ns.np_name[NETNS_TARGET], st->addr_t,
	    ST_PORT);
	if (st->lfd == -1) {
		check(st, 0, "listen on %s:%d: %s", st->addr_t, ST_PORT,
		    strerror(errno));
		return -1;
	}
	if (step_connect(st) == -1 || step_rtt(st) == -1 ||
	    step_bulk(st) == -1 || step_change(st) == -1)
		return -1;
	fflush(stdout);
	if (step_down(st) == -1)
		return -1;
	fflush(stdout);
	return step_outage(st);
}

static int
selftest(int argc, char **argv)
{
	struct selftest st;
	const char *no;
	double v;
	int i, rc, left;

	memset(&st, 0, sizeof(st));
	st.nl.nl_ctl = -1;
	st.lfd = -1;
	st.conn.cli = st.conn.srv = -1;
	st.par.delay_us = 100;
	st.par.rate_bps = 1000000000ULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (i + 1 >= argc) {
			usage(stderr);
			return 2;
		}
		if (strcmp(argv[i], "--delay") == 0 &&
		    parse_num(argv[i + 1], 0, 100, &v) == 0)
			st.par.delay_us = (uint64_t)llround(v * 1000);
		else if (strcmp(argv[i], "--rate") == 0 &&
		    parse_num(argv[i + 1], 0, 100000, &v) == 0)
			st.par.rate_bps = (uint64_t)llround(v * 1e6);
		else if (strcmp(argv[i], "--loss") == 0 &&
		    parse_num(argv[i + 1], 0, 1, &v) == 0)
			st.par.loss_i2t = st.par.loss_t2i = v;
		else {
			fprintf(stderr, "iscsi-bench netlink selftest: bad option "
			    "'%s %s'\n", argv[i], argv[i + 1]);
			usage(stderr);
			return 2;
		}
		i++;
	}
	if ((no = netlink_unavailable()) != NULL) {
		printf("netlink selftest: ns3 mode not available: %s\n", no);
		return 1;
	}
	netns_cleanup_install();
	if ((rc = netns_sweep_stale()) > 0)
		printf("  swept %d stale namespace(s)\n", rc);
	if (st.par.rate_bps > 0)
		printf("netlink selftest: ns-3 link %.0f Mbit/s",
		    (double)st.par.rate_bps / 1e6);
	else
		printf("netlink selftest: ns-3 link unlimited rate");
	printf(", delay %.3f ms, loss %g\n", (double)st.par.delay_us / 1e3,
	    st.par.loss_i2t);
	fflush(stdout);

	selftest_run(&st);

	nettest_close(&st.conn);
	if (st.lfd >= 0)
		close(st.lfd);
	rc = netlink_close(&st.nl);
	left = 0;
	for (i = 0; i < 2; i++) {
		char path[NETNS_NAME_MAX + sizeof(NETNS_DIR) + 1];

		if (netns_path(path, sizeof(path), st.nl.nl_ns.np_name[i]) == 0 &&
		    access(path, F_OK) == 0)
			left++;
	}
	check(&st, rc == 0, "link process did not stop cleanly");
	check(&st, left == 0, "%d namespace(s) left behind", left);
	printf("  cleanup         link process %s, namespaces %s\n",
	    rc == 0 ? "stopped" : "killed", left ? "LEFT" : "deleted");
	printf("result: %s (%d failed check%s)\n", st.failures ? "FAIL" : "PASS",
	    st.failures, st.failures == 1 ? "" : "s");
	return st.failures ? 1 : 0;
}

int
cmd_netlink(int argc, char **argv)
{
	const char *no;
	int n;

	if (argc < 2) {
		fprintf(stderr, "iscsi-bench netlink: no action given\n");
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0 && argc == 2) {
		if ((no = netlink_unavailable()) != NULL) {
			printf("ns3 mode not available: %s\n", no);
			return 1;
		}
		printf("ns3 mode available\n");
		return 0;
	}
	if (strcmp(argv[1], "sweep") == 0 && argc == 2) {
		if ((n = netns_sweep_stale()) == -1) {
			fprintf(stderr, "iscsi-bench netlink sweep: /run/netns: %s\n",
			    strerror(errno));
			return 1;
		}
		printf("%d stale namespace(s) deleted\n", n);
		return 0;
	}
	if (strcmp(argv[1], "selftest") == 0)
		return selftest(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0 || strcmp(argv[1], "sweep") == 0)
		fprintf(stderr, "iscsi-bench netlink %s: takes no arguments "
		    "('%s')\n", argv[1], argv[2]);
	else
		fprintf(stderr, "iscsi-bench netlink: unknown action '%s' (check, "
		    "sweep or selftest)\n", argv[1]);
	usage(stderr);
	return 2;
}
