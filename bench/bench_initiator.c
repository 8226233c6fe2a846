/*
 * The reference initiator against libiscsi's iscsi-perf, side by side on
 * the same LUN (issue 4): sequential reads of 4 KiB at queue depth 1 and
 * 32 and of 256 KiB at queue depth 8 by both, the same writes by ours
 * (iscsi-perf only reads), against tgtd (started here on loopback with a
 * 256 MiB LUN in a /dev/shm file) and against iscsi-target-sim.  Each
 * figure sums interleaved rounds (iscsi-perf and ours take turns going
 * first) to even out the noise of a shared machine.
 *
 * Figures: IOPS, MB/s (10^6 B/s), initiator CPU seconds (user + system)
 * per GiB and per 10k I/Os.  Ours are measured in this process over the
 * I/O phase (getrusage); iscsi-perf's come from wait4() on its process, so
 * they also hold its login and READ CAPACITY (a few ms).  Its I/O count is
 * its "iops average" times its run time (-t).  Target: at least
 * iscsi-perf's IOPS and MB/s with at most 0.75x its CPU per I/O.  Reports,
 * never asserts: exit 0 whether or not the targets are met (a target that
 * cannot start is reported as skipped), 2 on bad usage.
 *
 *	bench_initiator [--json] [--seconds N] [--rounds N] [--only tgtd|sim]
 *	    [--initiator ours|perf] [--test 4k-qd1|4k-qd32|256k-qd8]
 *	    [--no-writes] [--target-sim PATH] [--iscsi-perf PATH]
 *
 * Defaults: 2 rounds of 2 s, the target-sim next to this binary; about
 * 80 s in all.  --initiator, --test and --no-writes narrow the run (for
 * profiling, e.g. under perf record --no-inherit).
 *
 * Every child is stopped by its PID: tgtd (which ignores SIGTERM) over its
 * private control port, then SIGKILL; iscsi-perf and the target-sim by
 * SIGTERM, then SIGKILL.  Every wait is bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "bytes.h"
#include "ini.h"
#include "log.h"
#include "scsi.h"

#define LUN_BYTES	(256ull << 20)
#define TGTD_IQN	"iqn.2024-01.org.iscsi-bench:bench-tgtd"
#define SIM_IQN		"iqn.2024-01.org.iscsi-bench:bench-sim"
#define CPU_RATIO_MAX	0.75
#define MAX_QD		32
#define NTESTS		3

struct test {
	const char	*label;
	uint32_t	 bytes, qd;
};

static const struct test tests[NTESTS] = {
	{ "4k-qd1", 4096, 1 },
	{ "4k-qd32", 4096, 32 },
	{ "256k-qd8", 262144, 8 },
};

/* One measurement. */
struct meas {
	bool		ok;
	char		why[160];	/* when !ok */
	uint64_t	ios;
	double		secs, cpu;	/* wall, user + system */
	double		user;		/* of cpu */
	double		pdus_rx, pdus_tx;	/* per I/O (ours) */
	uint32_t	bytes;
};

struct target_run {
	const char	*name;
	bool		 ran;
	char		 why[200];	/* skipped: why */
	struct meas	 ours_rd[NTESTS], perf_rd[NTESTS], ours_wr[NTESTS];
};

static volatile sig_atomic_t stop_now;
static unsigned opt_secs = 2;
static unsigned opt_rounds = 2;
static const char *opt_perf = "iscsi-perf";
static bool opt_ours = true, opt_theirs = true, opt_writes = true;
static int opt_test = -1;		/* --test: one of tests[] only */

static void
on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static double
rusage_cpu(const struct rusage *r)
{
	return tv_s(&r->ru_utime) + tv_s(&r->ru_stime);
}

/* ---- child processes ------------------------------------------------------ */

/* fork + exec; the child's stdout to out_fd (-1: /dev/null), stderr too. */
static pid_t
spawn(char *const argv[], int out_fd)
{
	pid_t pid = fork();
	int null;

	if (pid != 0)
		return pid;
	null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(out_fd >= 0 ? out_fd : null, 1);
	dup2(out_fd >= 0 ? out_fd : null, 2);
	execvp(argv[0], argv);
	_exit(127);
}

/* Wait at most ms for pid; true when it exited (status, rusage filled). */
static bool
wait_bounded(pid_t pid, unsigned ms, int *status, struct rusage *ru)
{
	double end = now_s() + ms / 1000.0;
	struct rusage dummy;
	int st;

	for (;;) {
		pid_t r = wait4(pid, &st, WNOHANG, ru != NULL ? ru : &dummy);

		if (r == pid) {
			if (status != NULL)
				*status = st;
			return true;
		}
		if (r == -1 && errno != EINTR)
			return true;		/* not ours any more */
		if (now_s() >= end)
			return false;
		usleep(10000);
	}
}

/* SIGTERM (sig != 0), up to ms, then SIGKILL; always reaped. */
static void
stop_child(pid_t pid, int sig, unsigned ms)
{
	if (pid <= 0)
		return;
	if (sig != 0)
		kill(pid, sig);
	if (!wait_bounded(pid, ms, NULL, NULL)) {
		kill(pid, SIGKILL);
		wait_bounded(pid, 2000, NULL, NULL);
	}
}

/* Run a command to completion within ms; its exit status or -1. */
static int
run_cmd(char *const argv[], unsigned ms)
{
	pid_t pid = spawn(argv, -1);
	int st = 0;

	if (pid < 0)
		return -1;
	if (!wait_bounded(pid, ms, &st, NULL)) {
		stop_child(pid, SIGKILL, 2000);
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* ---- tgtd ----------------------------------------------------------------- */

struct tgtd {
	pid_t	pid;
	int	port, ctl;
	char	dir[64], lun[96], ctlstr[16];
};

static int
tgtadm(struct tgtd *t, const char *a1, const char *a2, const char *a3,
    const char *a4, const char *a5, const char *a6, const char *a7,
    const char *a8, const char *a9, const char *a10)
{
	char *argv[16] = { "tgtadm", "-C", t->ctlstr, "--lld", "iscsi",
	    (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5,
	    (char *)a6, (char *)a7, (char *)a8, (char *)a9, (char *)a10, NULL };

	return run_cmd(argv, 10000);
}

static void
tgtd_stop(struct tgtd *t)
{
	char *argv[] = { "tgtadm", "-C", t->ctlstr, "--mode", "system", "--op",
	    "delete", NULL };
	char path[128];

	if (t->pid > 0) {
		/* tgtd ignores SIGTERM: ask over its control port first */
		run_cmd(argv, 5000);
		stop_child(t->pid, 0, 3000);
		t->pid = 0;
	}
	snprintf(path, sizeof(path), "/var/run/tgtd/socket.%d", t->ctl);
	unlink(path);
	snprintf(path, sizeof(path), "/var/run/tgtd/socket.%d.lock", t->ctl);
	unlink(path);
	if (t->lun[0] != '\0')
		unlink(t->lun);
	if (t->dir[0] != '\0') {
		snprintf(path, sizeof(path), "%s/tgtd.log", t->dir);
		unlink(path);
		rmdir(t->dir);
	}
}

static bool
tgtd_start(struct tgtd *t, char *why, size_t whylen)
{
	char portal[64], path[128], tid[] = "1";
	char *argv[] = { "tgtd", "-f", "-C", t->ctlstr, "--iscsi", portal, NULL };
	int fd, i, log;
	struct stat st;

	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/dev/shm/bench-tgtd.XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		snprintf(t->dir, sizeof(t->dir), "/tmp/bench-tgtd.XXXXXX");
		if (mkdtemp(t->dir) == NULL) {
			snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
			t->dir[0] = '\0';
			return false;
		}
	}
	snprintf(t->lun, sizeof(t->lun), "%s/lun1.img", t->dir);
	if ((fd = open(t->lun, O_CREAT | O_RDWR, 0600)) == -1 ||
	    ftruncate(fd, (off_t)LUN_BYTES) == -1) {
		snprintf(why, whylen, "LUN file: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		return false;
	}
	close(fd);
	t->port = free_port();
	/* a control port nobody uses (tgtd takes at most 32767) */
	t->ctl = 20000 + (int)(getpid() % 12000);
	for (i = 0; i < 100; i++, t->ctl++) {
		snprintf(path, sizeof(path), "/var/run/tgtd/socket.%d", t->ctl);
		if (stat(path, &st) == -1)
			break;
	}
	snprintf(t->ctlstr, sizeof(t->ctlstr), "%d", t->ctl);
	snprintf(portal, sizeof(portal), "portal=127.0.0.1:%d", t->port);
	snprintf(path, sizeof(path), "%s/tgtd.log", t->dir);
	log = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	t->pid = spawn(argv, log);
	if (log != -1)
		close(log);
	if (t->pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return false;
	}
	for (i = 0; i < 50; i++) {
		if (tgtadm(t, "--mode", "target", "--op", "show", NULL, NULL,
		    NULL, NULL, NULL, NULL) == 0)
			break;
		if (wait_bounded(t->pid, 0, NULL, NULL)) {
			t->pid = 0;
			snprintf(why, whylen, "tgtd exited at start (not "
			    "installed or no permission?)");
			return false;
		}
		usleep(100000);
	}
	if (i == 50 ||
	    tgtadm(t, "--mode", "target", "--op", "new", "--tid", tid,
	    "--targetname", TGTD_IQN, NULL, NULL) != 0 ||
	    tgtadm(t, "--mode", "logicalunit", "--op", "new", "--tid", tid,
	    "--lun", "1", "--backing-store", t->lun) != 0 ||
	    tgtadm(t, "--mode", "target", "--op", "bind", "--tid", tid,
	    "--initiator-address", "ALL", NULL, NULL) != 0) {
		snprintf(why, whylen, "tgtd set-up over tgtadm failed");
		return false;
	}
	return true;
}

/* ---- iscsi-target-sim ----------------------------------------------------- */

/* Start it; its port from the "listening ADDR:PORT" line (5 s bound). */
static pid_t
sim_start(const char *path, int *port, char *why, size_t whylen)
{
	char *argv[] = { (char *)path, "--listen", "127.0.0.1:0", "--target",
	    SIM_IQN, "--lun", "256M", NULL };
	char line[256], *colon;
	size_t len = 0;
	int pfd[2];
	pid_t pid;
	double end;

	if (pipe(pfd) == -1) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = spawn(argv, pfd[1]);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	end = now_s() + 5;
	memset(line, 0, sizeof(line));
	while (len < sizeof(line) - 1 && strchr(line, '\n') == NULL) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		if ((n = read(pfd[0], line + len, sizeof(line) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	close(pfd[0]);	/* it writes nothing more to stdout */
	if (strncmp(line, "listening ", 10) != 0 ||
	    (colon = strrchr(line, ':')) == NULL || (*port = atoi(colon + 1)) <= 0) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(why, whylen, "%s did not print 'listening ADDR:PORT'%s%.100s",
		    path, line[0] != '\0' ? ": " : "", line);
		stop_child(pid, SIGTERM, 2000);
		return -1;
	}
	return pid;
}

/* ---- our initiator -------------------------------------------------------- */

struct slot {
	struct ours	*o;
	uint8_t		*buf;
};

struct ours {
	struct ini_node		*node;
	struct ini_session	*sess;
	uint64_t		 lun;
	uint32_t		 block;		/* logical block size */
	uint64_t		 nblocks;	/* capacity */
	/* the run in progress */
	bool			 write, stopping;
	uint32_t		 bytes;
	uint64_t		 lba, done, failed, outstanding;
	uint32_t		 first_err;
	struct slot		 slots[MAX_QD];
};

static void	ours_issue(struct slot *);

static void
ours_done(void *arg, uint32_t isdsc, const struct ini_scsi_result *res)
{
	struct slot *sl = arg;
	struct ours *o = sl->o;

	(void)res;
	o->outstanding--;
	if (isdsc != INI_ISDSC_OK) {
		if (o->failed++ == 0)
			o->first_err = isdsc;
		o->stopping = true;
		return;
	}
	o->done++;
	if (!o->stopping)
		ours_issue(sl);
}

static void
ours_issue(struct slot *sl)
{
	struct ours *o = sl->o;
	uint32_t nb = o->bytes / o->block;
	struct ini_scsi_cmd c;
	uint8_t cdb[16];
	uint32_t rc;

	if (o->lba + nb > o->nblocks)
		o->lba = 0;
	memset(&c, 0, sizeof(c));
	c.lun = o->lun;
	c.cdb = cdb;
	if (o->write) {
		c.cdblen = scsi_cdb_write16(cdb, o->lba, nb, 0);
		c.out = sl->buf;
		c.outlen = o->bytes;
	} else {
		c.cdblen = scsi_cdb_read16(cdb, o->lba, nb, 0);
		c.in = sl->buf;
		c.inlen = o->bytes;
	}
	o->lba += nb;
	rc = ini_scsi_submit(o->node, o->sess, &c, ours_done, sl);
	if (rc != INI_ISDSC_OK) {
		if (o->failed++ == 0)
			o->first_err = rc;
		o->stopping = true;
		return;
	}
	o->outstanding++;
}

static bool
ours_login(struct ours *o, const char *iqn, int port, uint64_t lun,
    char *why, size_t whylen)
{
	struct ini_login_req req;
	struct ini_scsi_result r;
	struct ini_config cfg;
	uint8_t cdb[16], cap[32];
	uint32_t rc;
	int tries;

	memset(o, 0, sizeof(*o));
	ini_config_default(&cfg);
	cfg.connect_timeout_ms = 2000;
	cfg.login_timeout_ms = 5000;
	cfg.scsi_timeout_ms = 10000;
	cfg.tmf_timeout_ms = 2000;
	cfg.recovery_attempts = 2;
	if ((o->node = ini_node_new(&cfg, NULL)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	memset(&req, 0, sizeof(req));
	req.target = iqn;
	req.host = "127.0.0.1";
	req.port = (uint16_t)port;
	if ((rc = ini_login(o->node, &req, &o->sess)) != INI_ISDSC_OK) {
		snprintf(why, whylen, "our login to %s failed: %s", iqn,
		    ini_isdsc_name(rc));
		return false;
	}
	o->lun = ini_lun_encode(lun);
	/* tgtd reports a power-on UNIT ATTENTION first */
	for (tries = 0; tries < 5; tries++) {
		rc = ini_scsi(o->node, o->sess, lun, cdb,
		    scsi_cdb_read_capacity16(cdb, 32), cap, 32, NULL, 0, &r);
		if (rc == INI_ISDSC_OK)
			break;
	}
	if (rc != INI_ISDSC_OK || r.data_len < 12) {
		snprintf(why, whylen, "READ CAPACITY (16): %s", ini_isdsc_name(rc));
		return false;
	}
	o->nblocks = get_be64(cap) + 1;
	o->block = get_be32(cap + 8);
	if (o->block == 0 || 262144 % o->block != 0) {
		snprintf(why, whylen, "unusable block size %u", o->block);
		return false;
	}
	return true;
}

static void
ours_logout(struct ours *o)
{
	if (o->sess != NULL)
		ini_logout(o->node, o->sess);
	ini_node_free(o->node);
	o->node = NULL;
	o->sess = NULL;
}

/* Sequential I/O at queue depth qd for opt_secs seconds. */
/* Add one round to the measurement (round 0 starts it). */
static void
meas_add(struct meas *m, const struct meas *one, unsigned round)
{
	if (round == 0 || (!m->ok && m->ios == 0 && m->why[0] == '\0')) {
		*m = *one;
		return;
	}
	if (!m->ok)
		return;		/* a failed round spoils the figure */
	if (!one->ok) {
		*m = *one;
		return;
	}
	m->pdus_rx = (m->pdus_rx * (double)m->ios + one->pdus_rx *
	    (double)one->ios) / (double)(m->ios + one->ios);
	m->pdus_tx = (m->pdus_tx * (double)m->ios + one->pdus_tx *
	    (double)one->ios) / (double)(m->ios + one->ios);
	m->ios += one->ios;
	m->secs += one->secs;
	m->cpu += one->cpu;
	m->user += one->user;
}

static void
ours_run1(struct ours *o, const struct test *t, bool write, struct meas *m)
{
	struct ini_session_info si0, si1;
	struct rusage r0, r1;
	double start, deadline, hard;
	uint32_t i;

	memset(m, 0, sizeof(*m));
	m->bytes = t->bytes;
	o->write = write;
	o->stopping = false;
	o->bytes = t->bytes;
	o->done = o->failed = o->outstanding = 0;
	o->first_err = 0;
	for (i = 0; i < t->qd; i++) {
		o->slots[i].o = o;
		if ((o->slots[i].buf = malloc(t->bytes)) == NULL) {
			snprintf(m->why, sizeof(m->why), "out of memory");
			goto out;
		}
		memset(o->slots[i].buf, 0x5a + (int)i, t->bytes);
	}
	ini_session_get_info(o->sess, &si0);
	getrusage(RUSAGE_SELF, &r0);
	start = now_s();
	deadline = start + opt_secs;
	hard = deadline + 15;
	for (i = 0; i < t->qd && !o->stopping; i++)
		ours_issue(&o->slots[i]);
	while (o->outstanding > 0) {
		double now = now_s();

		if (now >= deadline || stop_now)
			o->stopping = true;
		if (now >= hard)
			break;
		if (ini_poll(o->node, 100) != INI_ISDSC_OK)
			break;
	}
	m->secs = now_s() - start;
	getrusage(RUSAGE_SELF, &r1);
	m->cpu = rusage_cpu(&r1) - rusage_cpu(&r0);
	m->user = tv_s(&r1.ru_utime) - tv_s(&r0.ru_utime);
	m->ios = o->done;
	ini_session_get_info(o->sess, &si1);
	if (m->ios > 0) {
		m->pdus_rx = (double)(si1.stats.pdus_rx - si0.stats.pdus_rx) /
		    (double)m->ios;
		m->pdus_tx = (double)(si1.stats.pdus_tx - si0.stats.pdus_tx) /
		    (double)m->ios;
	}
	if (o->failed > 0 || o->outstanding > 0)
		snprintf(m->why, sizeof(m->why), "%" PRIu64 " failed (%s), %"
		    PRIu64 " unfinished", o->failed, ini_isdsc_name(o->first_err),
		    o->outstanding);
	else
		m->ok = m->ios > 0;
out:
	for (i = 0; i < t->qd; i++) {
		free(o->slots[i].buf);
		o->slots[i].buf = NULL;
	}
}

static void
ours_run(struct ours *o, const struct test *t, bool write, struct meas *m,
    unsigned round)
{
	struct meas one;

	ours_run1(o, t, write, &one);
	meas_add(m, &one, round);
}

/* ---- iscsi-perf ----------------------------------------------------------- */

static void
perf_run1(const char *iqn, int port, unsigned lun, uint32_t block,
    const struct test *t, struct meas *m)
{
	char url[256], qd[16], blocks[16], secs[16], out[8192], *p, *avg;
	char *argv[] = { (char *)opt_perf, "-m", qd, "-b", blocks, "-t", secs,
	    url, NULL };
	struct rusage ru;
	size_t len = 0;
	double end, start;
	int pfd[2], st = 0;
	pid_t pid;

	memset(m, 0, sizeof(*m));
	m->bytes = t->bytes;
	snprintf(url, sizeof(url), "iscsi://127.0.0.1:%d/%s/%u", port, iqn, lun);
	snprintf(qd, sizeof(qd), "%u", t->qd);
	snprintf(blocks, sizeof(blocks), "%u", t->bytes / block);
	snprintf(secs, sizeof(secs), "%u", opt_secs);
	if (pipe(pfd) == -1) {
		snprintf(m->why, sizeof(m->why), "pipe: %s", strerror(errno));
		return;
	}
	start = now_s();
	pid = spawn(argv, pfd[1]);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(m->why, sizeof(m->why), "fork: %s", strerror(errno));
		return;
	}
	/* read everything it prints until it exits (bounded) */
	end = start + opt_secs + 15;
	for (;;) {
		struct pollfd pl = { .fd = pfd[0], .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);
		ssize_t n;

		if (left <= 0 || stop_now || poll(&pl, 1, left) <= 0)
			break;
		n = read(pfd[0], out + len, len < sizeof(out) - 1 ?
		    sizeof(out) - 1 - len : 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len >= sizeof(out) - 1) {	/* keep the tail */
			memmove(out, out + len / 2, len - len / 2);
			len -= len / 2;
		}
	}
	out[len] = '\0';
	close(pfd[0]);
	if (!wait_bounded(pid, 3000, &st, &ru)) {
		stop_child(pid, SIGKILL, 2000);
		snprintf(m->why, sizeof(m->why), "iscsi-perf did not finish");
		return;
	}
	m->secs = opt_secs;
	m->cpu = rusage_cpu(&ru);
	m->user = tv_s(&ru.ru_utime);
	for (p = out, avg = NULL; (p = strstr(p, "iops average ")) != NULL; p++)
		avg = p;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || avg == NULL) {
		for (p = out; *p != '\0'; p++)
			if (*p == '\r' || *p == '\n')
				*p = ' ';
		snprintf(m->why, sizeof(m->why), "iscsi-perf %s %d: %.90s",
		    WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ?
		    WEXITSTATUS(st) : WTERMSIG(st), out);
		return;
	}
	m->ios = strtoull(avg + 13, NULL, 10) * opt_secs;
	m->ok = m->ios > 0;
}

static void
perf_run(const char *iqn, int port, unsigned lun, uint32_t block,
    const struct test *t, struct meas *m, unsigned round)
{
	struct meas one;

	perf_run1(iqn, port, lun, block, t, &one);
	meas_add(m, &one, round);
}

static bool
perf_available(void)
{
	char *argv[] = { (char *)opt_perf, NULL };

	/* without arguments it prints its usage and exits 1; 127: absent */
	return run_cmd(argv, 5000) != 127;
}

/* ---- one target ------------------------------------------------------------ */

static void
run_target(struct target_run *tr, const char *iqn, int port, unsigned lun,
    bool have_perf)
{
	struct ours o;
	unsigned r;
	size_t i;

	if (!ours_login(&o, iqn, port, lun, tr->why, sizeof(tr->why))) {
		ours_logout(&o);
		return;
	}
	tr->ran = true;
	for (i = 0; i < NTESTS && !stop_now; i++) {
		if (opt_test >= 0 && (int)i != opt_test) {
			snprintf(tr->perf_rd[i].why, sizeof(tr->perf_rd[i].why),
			    "not selected (--test)");
			snprintf(tr->ours_rd[i].why, sizeof(tr->ours_rd[i].why),
			    "not selected (--test)");
			continue;
		}
		if (!opt_theirs)
			snprintf(tr->perf_rd[i].why, sizeof(tr->perf_rd[i].why),
			    "not selected (--initiator)");
		else if (!have_perf)
			snprintf(tr->perf_rd[i].why, sizeof(tr->perf_rd[i].why),
			    "%s not installed (libiscsi-bin)", opt_perf);
		/* interleaved rounds, alternating who goes first */
		for (r = 0; r < opt_rounds && !stop_now; r++) {
			if (opt_ours && r % 2 == 1)
				ours_run(&o, &tests[i], false, &tr->ours_rd[i], r);
			if (opt_theirs && have_perf)
				perf_run(iqn, port, lun, o.block, &tests[i],
				    &tr->perf_rd[i], r);
			if (opt_ours && r % 2 == 0)
				ours_run(&o, &tests[i], false, &tr->ours_rd[i], r);
		}
	}
	for (i = 0; i < NTESTS && !stop_now && opt_ours && opt_writes; i++)
		for (r = 0; r < opt_rounds && !stop_now; r++)
			if (opt_test < 0 || (int)i == opt_test)
				ours_run(&o, &tests[i], true, &tr->ours_wr[i], r);
	ours_logout(&o);
}

/* ---- report ---------------------------------------------------------------- */

static double
iops(const struct meas *m)
{
	return m->secs > 0 ? (double)m->ios / m->secs : 0;
}

static double
mbps(const struct meas *m)
{
	return iops(m) * m->bytes / 1e6;
}

static double
cpu_gib(const struct meas *m)
{
	double gib = (double)m->ios * m->bytes / (1024.0 * 1024 * 1024);

	return gib > 0 ? m->cpu / gib : 0;
}

static double
cpu_10k(const struct meas *m)
{
	return m->ios > 0 ? m->cpu / ((double)m->ios / 1e4) : 0;
}

static bool
met(const struct meas *a, const struct meas *b)
{
	return a->ok && b->ok && iops(a) >= iops(b) && mbps(a) >= mbps(b) &&
	    cpu_10k(a) <= CPU_RATIO_MAX * cpu_10k(b);
}

static void
print_row(const char *target, const char *test, const char *who,
    const struct meas *m)
{
	if (!m->ok) {
		printf("%-7s %-15s %-10s  n/a: %s\n", target, test, who,
		    m->why[0] != '\0' ? m->why : "not run");
		return;
	}
	printf("%-7s %-15s %-10s %9.0f %9.1f %7.3f %6.3f %9.4f %10.4f\n", target,
	    test, who, iops(m), mbps(m), m->cpu, m->user, cpu_gib(m), cpu_10k(m));
}

static void
print_table(const struct target_run *trs, size_t n)
{
	char label[32];
	size_t k, i;
	int nmet = 0, ncmp = 0;

	printf("Initiator benchmark: sequential I/O, %u rounds of %u s per "
	    "figure (interleaved); CPU = user + system seconds of the\n"
	    "initiator process; MB/s = 10^6 B/s\n\n", opt_rounds, opt_secs);
	printf("%-7s %-15s %-10s %9s %9s %7s %6s %9s %10s\n", "target", "test",
	    "initiator", "IOPS", "MB/s", "CPU s", "user", "CPU s/GiB",
	    "CPU s/10k");
	for (k = 0; k < n; k++) {
		const struct target_run *tr = &trs[k];

		if (!tr->ran) {
			printf("%-7s skipped: %s\n", tr->name, tr->why);
			continue;
		}
		for (i = 0; i < NTESTS; i++) {
			const struct meas *a = &tr->ours_rd[i], *b = &tr->perf_rd[i];

			snprintf(label, sizeof(label), "read %s", tests[i].label);
			print_row(tr->name, label, "ours", a);
			print_row(tr->name, label, "iscsi-perf", b);
			if (a->ok && b->ok) {
				ncmp++;
				nmet += met(a, b);
				printf("%-7s %-15s %-10s %8.2fx %8.2fx %7s %6s %8.2fx "
				    "%9.2fx  %s\n", tr->name, label, "ours/perf",
				    iops(a) / iops(b), mbps(a) / mbps(b), "", "",
				    cpu_gib(a) / cpu_gib(b), cpu_10k(a) / cpu_10k(b),
				    met(a, b) ? "target met" : "target NOT met");
			}
		}
		for (i = 0; i < NTESTS; i++) {
			snprintf(label, sizeof(label), "write %s", tests[i].label);
			print_row(tr->name, label, "ours", &tr->ours_wr[i]);
		}
	}
	printf("\nTarget: ours >= iscsi-perf IOPS and MB/s with <= %.2fx its CPU "
	    "per I/O: met in %d of %d read comparisons\n", CPU_RATIO_MAX, nmet,
	    ncmp);
}

static void
json_meas(const char *key, const struct meas *m)
{
	printf("\"%s\":{\"ok\":%s", key, m->ok ? "true" : "false");
	if (m->ok)
		printf(",\"ios\":%" PRIu64 ",\"seconds\":%.4f,\"iops\":%.1f,"
		    "\"mb_per_s\":%.2f,\"cpu_s\":%.4f,\"user_s\":%.4f,"
		    "\"cpu_s_per_gib\":%.5f,\"cpu_s_per_10k_io\":%.5f", m->ios,
		    m->secs, iops(m), mbps(m), m->cpu, m->user, cpu_gib(m),
		    cpu_10k(m));
	if (m->ok && m->pdus_rx > 0)
		printf(",\"pdus_rx_per_io\":%.2f,\"pdus_tx_per_io\":%.2f",
		    m->pdus_rx, m->pdus_tx);
	if (!m->ok) {
		const char *p;

		printf(",\"why\":\"");
		for (p = m->why; *p != '\0'; p++)
			if (*p == '"' || *p == '\\')
				printf("\\%c", *p);
			else if ((unsigned char)*p >= 0x20)
				putchar(*p);
		putchar('"');
	}
	putchar('}');
}

static void
print_json(const struct target_run *trs, size_t n)
{
	size_t k, i;

	printf("{\"bench\":\"initiator\",\"seconds\":%u,\"rounds\":%u,"
	    "\"cpu_ratio_max\":%.2f,\"targets\":[", opt_secs, opt_rounds,
	    CPU_RATIO_MAX);
	for (k = 0; k < n; k++) {
		const struct target_run *tr = &trs[k];

		printf("%s{\"name\":\"%s\",\"ran\":%s", k ? "," : "", tr->name,
		    tr->ran ? "true" : "false");
		if (!tr->ran)
			printf(",\"why\":\"%s\"", tr->why);
		printf(",\"tests\":[");
		for (i = 0; tr->ran && i < 2 * NTESTS; i++) {
			const struct test *t = &tests[i % NTESTS];
			bool wr = i >= NTESTS;
			const struct meas *a = wr ? &tr->ours_wr[i % NTESTS] :
			    &tr->ours_rd[i];
			const struct meas *b = &tr->perf_rd[i % NTESTS];

			printf("%s{\"op\":\"%s\",\"bytes\":%u,\"qd\":%u,", i ? "," : "",
			    wr ? "write" : "read", t->bytes, t->qd);
			json_meas("ours", a);
			if (!wr) {
				putchar(',');
				json_meas("iscsi_perf", b);
				if (a->ok && b->ok)
					printf(",\"ratio\":{\"iops\":%.3f,\"mb_per_s\":"
					    "%.3f,\"cpu_per_gib\":%.3f,\"cpu_per_io\":"
					    "%.3f},\"target_met\":%s", iops(a) / iops(b),
					    mbps(a) / mbps(b), cpu_gib(a) / cpu_gib(b),
					    cpu_10k(a) / cpu_10k(b),
					    met(a, b) ? "true" : "false");
			}
			putchar('}');
		}
		printf("]}");
	}
	printf("]}\n");
}

/* ---- main ------------------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr, "usage: bench_initiator [--json] [--seconds N] "
	    "[--rounds N] [--only tgtd|sim]\n"
	    "           [--initiator ours|perf] [--test 4k-qd1|4k-qd32|256k-qd8] "
	    "[--no-writes]\n"
	    "           [--target-sim PATH] [--iscsi-perf PATH]\n");
	exit(2);
}

static const char *
default_sim_path(const char *argv0)
{
	static char path[4096];
	const char *slash = strrchr(argv0, '/');

	if (slash == NULL)
		return "iscsi-target-sim";
	snprintf(path, sizeof(path), "%.*s/iscsi-target-sim",
	    (int)(slash - argv0), argv0);
	return path;
}

int
main(int argc, char **argv)
{
	struct target_run trs[2];
	const char *sim = NULL, *only = NULL;
	bool json = false, have_perf;
	struct sigaction sa;
	struct tgtd tg;
	pid_t simpid;
	int i, port;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			opt_secs = (unsigned)atoi(argv[++i]);
			if (opt_secs < 1 || opt_secs > 30)
				usage();
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			opt_rounds = (unsigned)atoi(argv[++i]);
			if (opt_rounds < 1 || opt_rounds > 10)
				usage();
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
			if (strcmp(only, "tgtd") != 0 && strcmp(only, "sim") != 0)
				usage();
		} else if (strcmp(argv[i], "--initiator") == 0 && i + 1 < argc) {
			i++;
			opt_ours = strcmp(argv[i], "ours") == 0;
			opt_theirs = strcmp(argv[i], "perf") == 0;
			if (!opt_ours && !opt_theirs)
				usage();
		} else if (strcmp(argv[i], "--test") == 0 && i + 1 < argc) {
			i++;
			for (opt_test = 0; opt_test < NTESTS; opt_test++)
				if (strcmp(argv[i], tests[opt_test].label) == 0)
					break;
			if (opt_test == NTESTS)
				usage();
		} else if (strcmp(argv[i], "--no-writes") == 0)
			opt_writes = false;
		else if (strcmp(argv[i], "--target-sim") == 0 && i + 1 < argc)
			sim = argv[++i];
		else if (strcmp(argv[i], "--iscsi-perf") == 0 && i + 1 < argc)
			opt_perf = argv[++i];
		else
			usage();
	}
	if (sim == NULL)
		sim = default_sim_path(argv[0]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_LVL_WARN);
	memset(trs, 0, sizeof(trs));
	trs[0].name = "tgtd";
	trs[1].name = "sim";
	have_perf = perf_available();

	if (only == NULL || strcmp(only, "tgtd") == 0) {
		if (tgtd_start(&tg, trs[0].why, sizeof(trs[0].why)))
			run_target(&trs[0], TGTD_IQN, tg.port, 1, have_perf);
		tgtd_stop(&tg);
	} else
		snprintf(trs[0].why, sizeof(trs[0].why), "not selected (--only)");
	if (!stop_now && (only == NULL || strcmp(only, "sim") == 0)) {
		simpid = sim_start(sim, &port, trs[1].why, sizeof(trs[1].why));
		if (simpid > 0) {
			run_target(&trs[1], SIM_IQN, port, 0, have_perf);
			stop_child(simpid, SIGTERM, 3000);
		}
	} else if (!stop_now)
		snprintf(trs[1].why, sizeof(trs[1].why), "not selected (--only)");
	if (json)
		print_json(trs, 2);
	else
		print_table(trs, 2);
	return 0;
}
