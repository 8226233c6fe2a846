/*
 * The harness side of the ns-3 link: fork the link process, talk to it
 * over a socketpair, stop and reap it.  See netlink_ctl.h.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "errbuf.h"
#include "netlink_ctl.h"
#include "proc.h"

/*
 * The ns-3 shim is a plugin, iscsi-bench-ns3.so next to the executable (it
 * needs libstdc++ and ns-3, whose loading costs every command start-up
 * time): loaded on first use; without it the ns3 mode reports itself
 * missing, with the loader's reason.  ISCSI_BENCH_NS3_PLUGIN names another
 * file.
 */
#define NS3_PLUGIN	"iscsi-bench-ns3.so"

static int	(*plugin_run)(const struct ns3link_cfg *, int);
static int	(*plugin_probe)(void);
static char	 plugin_why[300];

static int
plugin_load(void)
{
	static int tried;
	char exe[PATH_MAX], path[PATH_MAX + 32];
	const char *env = getenv("ISCSI_BENCH_NS3_PLUGIN");
	ssize_t n;
	char *slash;
	void *h;

	if (tried)
		return plugin_run != NULL ? 0 : -1;
	tried = 1;
	if (env != NULL && *env != '\0')
		snprintf(path, sizeof(path), "%s", env);
	else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0) {
			snprintf(plugin_why, sizeof(plugin_why),
			    "cannot find the executable's directory");
			return -1;
		}
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/%s", exe, NS3_PLUGIN);
	}
	if (access(path, R_OK) != 0) {
		snprintf(plugin_why, sizeof(plugin_why), "ns-3 plugin %s not "
		    "built (build with libns3-dev installed)", path);
		return -1;
	}
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(plugin_why, sizeof(plugin_why), "ns-3 plugin: %s",
		    dlerror());
		return -1;
	}
	*(void **)&plugin_run = dlsym(h, "ns3link_run");
	*(void **)&plugin_probe = dlsym(h, "ns3link_probe");
	if (plugin_run == NULL || plugin_probe == NULL) {
		plugin_run = NULL;
		snprintf(plugin_why, sizeof(plugin_why), "ns-3 plugin %s lacks "
		    "ns3link_run/ns3link_probe", path);
		return -1;
	}
	return 0;
}

static int
ip_on_path(void)
{
	const char *path = getenv("PATH");
	char dir[512], file[600];
	size_t n;

	if (path == NULL || *path == '\0')
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path != '\0') {
		n = strcspn(path, ":");
		if (n > 0 && n < sizeof(dir)) {
			memcpy(dir, path, n);
			dir[n] = '\0';
			snprintf(file, sizeof(file), "%s/ip", dir);
			if (access(file, X_OK) == 0)
				return 1;
		}
		path += n;
		path += strspn(path, ":");
	}
	return 0;
}

const char *
netlink_unavailable(void)
{
	if (plugin_load() != 0)
		return plugin_why;
	if (plugin_probe() != 0)
		return "ns-3 libraries lack FdNetDevice/Bridge/SimpleChannel";
	if (geteuid() != 0)
		return "not root (namespaces and taps need CAP_NET_ADMIN + CAP_SYS_ADMIN)";
	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		return errno == ENOENT ? "/dev/net/tun missing" :
		    "/dev/net/tun not usable";
	if (!ip_on_path())
		return "iproute2 'ip' not found on PATH";
	return NULL;
}

int
netlink_mode_pick(const char *requested, enum net_mode *mode, char *why,
    size_t whylen)
{
	const char *no = netlink_unavailable();

	if (strcasecmp(requested, "loopback") == 0) {
		*mode = NET_MODE_LOOPBACK;
		errbuf_set(why, whylen, "loopback (requested)");
		return 0;
	}
	if (strcasecmp(requested, "ns3") == 0) {
		if (no != NULL)
			return errbuf_set(why, whylen, "ns3 not possible: %s", no);
		*mode = NET_MODE_NS3;
		errbuf_set(why, whylen, "ns3 (requested)");
		return 0;
	}
	if (strcasecmp(requested, "auto") == 0) {
		*mode = no == NULL ? NET_MODE_NS3 : NET_MODE_LOOPBACK;
		if (no == NULL)
			errbuf_set(why, whylen, "ns3 (auto: root, tun, ip, ns-3 present)");
		else
			errbuf_set(why, whylen, "loopback (auto: %s)", no);
		return 0;
	}
	return errbuf_set(why, whylen,
	    "unknown network mode '%s' (loopback, ns3, auto)", requested);
}

/* ---- the link process --------------------------------------------------- */

/* Close every fd above 2 except those in keep[] (child side, pre-run). */
static void
close_all_but(const int *keep, int nkeep)
{
	unsigned lo = 3;
	int i, j, t;
	int k[8];

	for (i = 0; i < nkeep && i < 8; i++)
		k[i] = keep[i];
	for (i = 1; i < nkeep; i++)		/* tiny insertion sort */
		for (j = i; j > 0 && k[j - 1] > k[j]; j--) {
			t = k[j];
			k[j] = k[j - 1];
			k[j - 1] = t;
		}
	for (i = 0; i < nkeep; i++) {
		if ((unsigned)k[i] < lo)
			continue;
		if ((unsigned)k[i] > lo)
			close_range(lo, (unsigned)k[i] - 1, 0);
		lo = (unsigned)k[i] + 1;
	}
	close_range(lo, ~0u, 0);
}

static void
link_child(const struct ns3link_cfg *cfg, int ctl, pid_t parent)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	int keep[3] = { ctl, cfg->fd_i, cfg->fd_t };
	sigset_t none;
	size_t i;

	/* Dies with the harness; the control socket's EOF also stops it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(3);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], sigs[i] == SIGPIPE ? SIG_IGN : SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close_all_but(keep, 3);
	prctl(PR_SET_NAME, "ib-ns3link");
	/* _exit: atexit handlers belong to the harness, not to us. */
	_exit(plugin_run(cfg, ctl) == 0 ? 0 : 2);
}

/* Read one reply line within timeout_ms; 0, or -1 (errno ETIMEDOUT...). */
static int
read_line(struct netlink *nl, char *line, size_t len, int timeout_ms)
{
	int64_t deadline = proc_now_ms() + timeout_ms;
	struct pollfd pfd = { nl->nl_ctl, POLLIN, 0 };
	char *nlp;
	ssize_t n;
	size_t l;

	for (;;) {
		if ((nlp = memchr(nl->nl_buf, '\n', nl->nl_buflen)) != NULL) {
			l = (size_t)(nlp - nl->nl_buf);
			if (line != NULL && len > 0) {
				size_t c = l < len - 1 ? l : len - 1;

				memcpy(line, nl->nl_buf, c);
				line[c] = '\0';
			}
			nl->nl_buflen -= l + 1;
			memmove(nl->nl_buf, nlp + 1, nl->nl_buflen);
			return 0;
		}
		if (nl->nl_buflen == sizeof(nl->nl_buf))
			nl->nl_buflen = 0;	/* garbage: no newline in 512 */
		int64_t left = deadline - proc_now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&pfd, 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		n = read(nl->nl_ctl, nl->nl_buf + nl->nl_buflen,
		    sizeof(nl->nl_buf) - nl->nl_buflen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			errno = n == 0 ? EPIPE : errno;
			return -1;
		}
		nl->nl_buflen += (size_t)n;
	}
}

int
netlink_start(struct netlink *nl, const struct ns3link_cfg *cfg, char *err,
    size_t errlen)
{
	char line[128];
	int sv[2];
	int64_t t0 = proc_now_ms();
	pid_t parent = getpid(), pid;

	if (plugin_load() != 0) {
		close(cfg->fd_i);
		close(cfg->fd_t);
		return errbuf_set(err, errlen, "%s", plugin_why);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		close(cfg->fd_i);
		close(cfg->fd_t);
		return errbuf_set(err, errlen, "socketpair: %s", strerror(errno));
	}
	fflush(NULL);	/* no stdio buffer is written twice */
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		link_child(cfg, sv[1], parent);
	}
	close(sv[1]);
	close(cfg->fd_i);	/* the child has them now */
	close(cfg->fd_t);
	if (pid == -1) {
		close(sv[0]);
		return errbuf_set(err, errlen, "fork: %s", strerror(errno));
	}
	netns_remember_pid(pid);
	nl->nl_pid = pid;
	nl->nl_ctl = sv[0];
	nl->nl_buflen = 0;
	if (read_line(nl, line, sizeof(line), NETLINK_READY_MS) == -1 ||
	    strcmp(line, "ready") != 0) {
		int e = errno;

		netlink_stop(nl);
		return errbuf_set(err, errlen, "link process not ready: %s",
		    e == ETIMEDOUT ? "timed out" : e == EPIPE ?
		    "it exited (ns-3 could not build the link)" : strerror(e));
	}
	nl->nl_ready_ms = proc_now_ms() - t0;
	return 0;
}

int
netlink_command(struct netlink *nl, const struct ns3link_cmd *cmd,
    char *reply, size_t replylen)
{
	char line[128], buf[256];
	int n;
	ssize_t w;

	if (nl->nl_ctl < 0) {
		errno = ENOTCONN;
		return -1;
	}
	if ((n = ns3link_cmd_format(cmd, line, sizeof(line))) == -1) {
		errno = EINVAL;
		return -1;
	}
	do
		w = send(nl->nl_ctl, line, (size_t)n, MSG_NOSIGNAL);
	while (w == -1 && errno == EINTR);
	if (w != n)
		return -1;
	if (read_line(nl, buf, sizeof(buf), NETLINK_REPLY_MS) == -1)
		return -1;
	if (reply != NULL && replylen > 0)
		snprintf(reply, replylen, "%s", buf);
	if (strncmp(buf, "ok", 2) != 0) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static int
simple_cmd(struct netlink *nl, enum ns3link_op op, unsigned dir, double loss,
    uint64_t value)
{
	struct ns3link_cmd c;

	memset(&c, 0, sizeof(c));
	c.op = op;
	c.dir = dir;
	c.loss = loss;
	c.value = value;
	return netlink_command(nl, &c, NULL, 0);
}

int
netlink_down(struct netlink *nl, unsigned dir)
{
	return simple_cmd(nl, NS3LINK_OP_DOWN, dir, 0, 0);
}

int
netlink_up(struct netlink *nl, unsigned dir)
{
	return simple_cmd(nl, NS3LINK_OP_UP, dir, 0, 0);
}

int
netlink_set_loss(struct netlink *nl, unsigned dir, double p)
{
	return simple_cmd(nl, NS3LINK_OP_LOSS, dir, p, 0);
}

int
netlink_set_delay(struct netlink *nl, uint64_t us)
{
	return simple_cmd(nl, NS3LINK_OP_DELAY, NS3LINK_DIR_BOTH, 0, us);
}

int
netlink_set_rate(struct netlink *nl, uint64_t bps)
{
	return simple_cmd(nl, NS3LINK_OP_RATE, NS3LINK_DIR_BOTH, 0, bps);
}

int
netlink_stats(struct netlink *nl, struct ns3link_stats *st)
{
	struct ns3link_cmd c;
	char reply[256];

	memset(&c, 0, sizeof(c));
	c.op = NS3LINK_OP_STATS;
	if (netlink_command(nl, &c, reply, sizeof(reply)) == -1)
		return -1;
	if (ns3link_stats_parse(reply, st) == -1) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
netlink_stop(struct netlink *nl)
{
	struct ns3link_cmd c;
	int rc = 0, st = 0;

	if (nl->nl_ctl >= 0) {
		memset(&c, 0, sizeof(c));
		c.op = NS3LINK_OP_STOP;
		(void)netlink_command(nl, &c, NULL, 0);
		close(nl->nl_ctl);	/* EOF stops it even if "stop" was lost */
		nl->nl_ctl = -1;
	}
	if (nl->nl_pid > 0) {
		rc = netns_reap(nl->nl_pid, NETLINK_STOP_MS, &st);
		nl->nl_pid = 0;
		if (rc == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
			rc = 1;
	}
	return rc;
}

int
netlink_close(struct netlink *nl)
{
	int rc = netlink_stop(nl);

	if (nl->nl_ns_made) {
		if (netns_pair_destroy(&nl->nl_ns) == -1)
			rc = -1;
		else
			nl->nl_ns_made = 0;
	}
	return rc;
}

int
netlink_open(struct netlink *nl, const struct netlink_params *p, char *err,
    size_t errlen)
{
	struct ns3link_cfg cfg;
	const char *no;

	memset(nl, 0, sizeof(*nl));
	nl->nl_ctl = -1;
	if ((no = netlink_unavailable()) != NULL)
		return errbuf_set(err, errlen, "ns3 mode not available: %s", no);
	if (netns_pair_create(&nl->nl_ns, p->extra_addrs, err, errlen) == -1)
		return -1;
	nl->nl_ns_made = 1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.delay_us = p->delay_us;
	cfg.rate_bps = p->rate_bps;
	cfg.loss_i2t = p->loss_i2t;
	cfg.loss_t2i = p->loss_t2i;
	cfg.queue_frames = p->queue_frames;
	cfg.seed = p->seed;
	cfg.fd_i = netns_tap_open(nl->nl_ns.np_name[NETNS_INITIATOR],
	    nl->nl_ns.np_tap, err, errlen);
	if (cfg.fd_i == -1)
		goto fail;
	cfg.fd_t = netns_tap_open(nl->nl_ns.np_name[NETNS_TARGET],
	    nl->nl_ns.np_tap, err, errlen);
	if (cfg.fd_t == -1) {
		close(cfg.fd_i);
		goto fail;
	}
	if (netlink_start(nl, &cfg, err, errlen) == -1)
		goto fail;
	return 0;
fail:
	netlink_close(nl);
	return -1;
}
