/*
 * Network namespaces with a tap each, for the ns-3 network mode.
 * Configuration runs iproute2's `ip` (no shell); entering a namespace is
 * setns(2) in a short-lived thread or in a forked child.  See netns.h.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errbuf.h"
#include "netns.h"
#include "proc.h"

#define IP_TIMEOUT_MS	5000

extern char **environ;

/* Numbers the pairs of this process: N in the names and the subnet. */
static atomic_uint	pair_counter;

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---- processes ---------------------------------------------------------- */

int
netns_reap(pid_t pid, int timeout_ms, int *status)
{
	int64_t deadline = proc_now_ms() + timeout_ms;
	int st = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid || (r == -1 && errno == ECHILD))
			break;
		if (r == -1 && errno != EINTR)
			return -1;
		if (proc_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			/* SIGKILL cannot be caught: reaping is prompt. */
			deadline = proc_now_ms() + 2000;
			while ((r = waitpid(pid, &st, WNOHANG)) == 0 &&
			    proc_now_ms() < deadline)
				sleep_ms(5);
			netns_forget_pid(pid);
			if (status != NULL)
				*status = st;
			return r == pid ? 1 : -1;
		}
		sleep_ms(5);
	}
	netns_forget_pid(pid);
	if (status != NULL)
		*status = st;
	return 0;
}

static int
enter_ns(const char *ns)
{
	char path[NETNS_NAME_MAX + sizeof(NETNS_DIR) + 1];
	int fd, rc;

	if (netns_path(path, sizeof(path), ns) == -1) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

pid_t
netns_spawn(const char *ns, char *const argv[], int out_fd)
{
	pid_t parent = getpid(), pid;
	sigset_t all;

	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
			_exit(126);
		if (ns != NULL && enter_ns(ns) == -1)
			_exit(126);
		if (out_fd >= 0 && (dup2(out_fd, 1) == -1 || dup2(out_fd, 2) == -1))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	netns_remember_pid(pid);
	return pid;
}

int
netns_run_wait(const char *ns, char *const argv[], int out_fd, int timeout_ms,
    int *status)
{
	pid_t pid = netns_spawn(ns, argv, out_fd);

	if (pid == -1)
		return -1;
	return netns_reap(pid, timeout_ms, status);
}

/*
 * Run `ip ARGS...` with its stderr captured; on failure err holds the
 * command and the first line ip printed.
 */
static int
run_ip(char *err, size_t errlen, const char *first, ...)
{
	char *argv[16], msg[256] = "";
	const char *a;
	posix_spawn_file_actions_t fa;
	struct pollfd pfd;
	va_list ap;
	int pipefd[2], st = 0, argc = 0, rc;
	size_t used = 0;
	int64_t deadline;
	ssize_t n;
	pid_t pid;

	argv[argc++] = (char *)"ip";
	va_start(ap, first);
	for (a = first; a != NULL && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	if (pipe2(pipefd, O_CLOEXEC) == -1)
		return errbuf_set(err, errlen, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "ip", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return errbuf_set(err, errlen, "cannot run ip: %s", strerror(rc));
	}
	netns_remember_pid(pid);
	deadline = proc_now_ms() + IP_TIMEOUT_MS;
	pfd.fd = pipefd[0];
	pfd.events = POLLIN;
	for (;;) {
		int64_t left = deadline - proc_now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
			break;
		n = read(pipefd[0], msg + used, sizeof(msg) - 1 - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == sizeof(msg) - 1) {
			char sink[256];	/* keep draining so ip never blocks */

			while (poll(&pfd, 1, 100) > 0 &&
			    read(pipefd[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	close(pipefd[0]);
	msg[used] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	rc = netns_reap(pid, (int)(deadline - proc_now_ms() > 0 ?
	    deadline - proc_now_ms() : 0), &st);
	if (rc != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char cmd[160] = "";
		size_t off = 0;
		int i;

		for (i = 0; i < argc && off < sizeof(cmd); i++)
			off += (size_t)snprintf(cmd + off, sizeof(cmd) - off,
			    "%s%s", i ? " " : "", argv[i]);
		return errbuf_set(err, errlen, "'%s' failed%s%s", cmd,
		    rc != 0 ? " (timed out)" : ": ", rc != 0 ? "" : msg);
	}
	return 0;
}

/* ---- entering a namespace from a thread --------------------------------- */

struct ns_call {
	const char	*ns;
	int		(*fn)(void *);
	void		*arg;
	int		 result;
	int		 error;
};

static void *
ns_call_thread(void *p)
{
	struct ns_call *c = p;
	int self;

	c->result = -1;
	if ((self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		c->error = errno;
		return NULL;
	}
	if (enter_ns(c->ns) == -1) {
		c->error = errno;
		close(self);
		return NULL;
	}
	errno = 0;
	c->result = c->fn(c->arg);
	c->error = errno;
	/* Back home; the thread ends right after, but leave it clean. */
	(void)setns(self, CLONE_NEWNET);
	close(self);
	return NULL;
}

int
netns_call(const char *ns, int (*fn)(void *), void *arg)
{
	struct ns_call c = { ns, fn, arg, -1, 0 };
	pthread_t t;
	int rc;

	if ((rc = pthread_create(&t, NULL, ns_call_thread, &c)) != 0) {
		errno = rc;
		return -1;
	}
	pthread_join(t, NULL);
	errno = c.error;
	return c.result;
}

struct sock_args {
	int	domain, type, protocol;
};

static int
sock_in_ns(void *p)
{
	struct sock_args *a = p;

	return socket(a->domain, a->type | SOCK_CLOEXEC, a->protocol);
}

int
netns_socket(const char *ns, int domain, int type, int protocol)
{
	struct sock_args a = { domain, type, protocol };

	return netns_call(ns, sock_in_ns, &a);
}

struct tap_args {
	const char	*tap;
};

static int
tap_in_ns(void *p)
{
	struct tap_args *a = p;
	struct ifreq ifr;
	int fd, e;

	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", a->tap);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
netns_tap_open(const char *ns, const char *tap, char *err, size_t errlen)
{
	struct tap_args a = { tap };
	int fd;

	if ((fd = netns_call(ns, tap_in_ns, &a)) == -1)
		return errbuf_set(err, errlen, "open tap %s in %s: %s", tap, ns,
		    strerror(errno));
	return fd;
}

/* ---- pairs -------------------------------------------------------------- */

static int
side_create(const char *ns, const char *tap, const char *addrs[],
    unsigned naddr, char *err, size_t errlen)
{
	char cidr[INET_ADDRSTRLEN + 4];
	unsigned i;

	if (run_ip(err, errlen, "netns", "add", ns, NULL) == -1)
		return -1;
	netns_remember_ns(ns);
	if (run_ip(err, errlen, "-n", ns, "link", "set", "lo", "up", NULL) == -1 ||
	    run_ip(err, errlen, "-n", ns, "tuntap", "add", "dev", tap, "mode",
	    "tap", NULL) == -1 ||
	    /* no IPv6 link-local address: no RS/MLD chatter on the link */
	    run_ip(err, errlen, "-n", ns, "link", "set", tap, "addrgenmode",
	    "none", NULL) == -1)
		return -1;
	for (i = 0; i < naddr; i++) {
		snprintf(cidr, sizeof(cidr), "%s/24", addrs[i]);
		if (run_ip(err, errlen, "-n", ns, "addr", "add", cidr, "dev", tap,
		    NULL) == -1)
			return -1;
	}
	return run_ip(err, errlen, "-n", ns, "link", "set", tap, "up", NULL);
}

int
netns_pair_create(struct netns_pair *np, unsigned nextra, char *err,
    size_t errlen)
{
	static const char role[2] = { 'i', 't' };
	const char *addrs[1 + NETNS_EXTRA_MAX];
	char path[NETNS_NAME_MAX + sizeof(NETNS_DIR) + 1];
	unsigned i, side;

	memset(np, 0, sizeof(*np));
	if (nextra > NETNS_EXTRA_MAX)
		return errbuf_set(err, errlen, "%u extra target addresses (max %d)",
		    nextra, NETNS_EXTRA_MAX);
	np->np_index = atomic_fetch_add(&pair_counter, 1);
	np->np_nextra = nextra;
	snprintf(np->np_tap, sizeof(np->np_tap), "%s", NETNS_TAP_NAME);
	for (side = 0; side < 2; side++) {
		snprintf(np->np_name[side], sizeof(np->np_name[side]), "ib%ld%c%u",
		    (long)getpid(), role[side], np->np_index);
		snprintf(np->np_addr[side], sizeof(np->np_addr[side]),
		    NETNS_SUBNET_PREFIX ".%u.%u", np->np_index % 256, side + 1);
	}
	for (i = 0; i < nextra; i++)
		snprintf(np->np_extra[i], sizeof(np->np_extra[i]),
		    NETNS_SUBNET_PREFIX ".%u.%u", np->np_index % 256, i + 3);

	for (side = 0; side < 2; side++) {
		unsigned naddr = 0;

		/* Same name as ours: left by an earlier process with our pid. */
		if (netns_path(path, sizeof(path), np->np_name[side]) == 0 &&
		    access(path, F_OK) == 0)
			(void)netns_delete(np->np_name[side]);
		addrs[naddr++] = np->np_addr[side];
		if (side == NETNS_TARGET)
			for (i = 0; i < nextra; i++)
				addrs[naddr++] = np->np_extra[i];
		np->np_created[side] = 1;
		if (side_create(np->np_name[side], np->np_tap, addrs, naddr, err,
		    errlen) == -1) {
			netns_pair_destroy(np);
			return -1;
		}
	}
	return 0;
}

int
netns_pair_destroy(struct netns_pair *np)
{
	int side, rc = 0, e = 0;

	for (side = 0; side < 2; side++) {
		if (!np->np_created[side])
			continue;
		if (netns_delete(np->np_name[side]) == -1) {
			e = errno;
			rc = -1;
			continue;
		}
		netns_forget_ns(np->np_name[side]);
		np->np_created[side] = 0;
	}
	if (rc == -1)
		errno = e;
	return rc;
}
