/*
 * The namespace/process registry and its clean-up paths (exit, signals),
 * namespace deletion and the sweep of namespaces left by dead processes.
 * Everything reachable from netns_cleanup_all() is async-signal-safe.
 * See netns.h.
 */
#include <sys/mount.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"

#define REG_SLOTS	32

/*
 * The cleanup registry: the only mutable process-wide state here, kept so
 * that an exit or a signal can undo what this process created.  A slot is
 * filled before it is marked used, so the signal handler never reads a
 * half-written name.  reg_owner keeps forked children from cleaning up
 * their parent's namespaces when they exit.
 */
static char		reg_ns[REG_SLOTS][NETNS_NAME_MAX];
static volatile sig_atomic_t reg_ns_used[REG_SLOTS];
static volatile pid_t	reg_pid[REG_SLOTS];
static volatile pid_t	reg_owner;
static pthread_mutex_t	reg_lock = PTHREAD_MUTEX_INITIALIZER;

/* "/run/netns/" + name without stdio: usable in a signal handler. */
int
netns_path(char *buf, size_t len, const char *name)
{
	static const char dir[] = NETNS_DIR "/";
	size_t d = sizeof(dir) - 1, n = strlen(name);

	if (n == 0 || d + n + 1 > len || strchr(name, '/') != NULL)
		return -1;
	memcpy(buf, dir, d);
	memcpy(buf + d, name, n + 1);
	return 0;
}

/* ---- registry ----------------------------------------------------------- */

void
netns_remember_ns(const char *name)
{
	int i;

	pthread_mutex_lock(&reg_lock);
	reg_owner = getpid();
	for (i = 0; i < REG_SLOTS; i++)
		if (!reg_ns_used[i]) {
			snprintf(reg_ns[i], sizeof(reg_ns[i]), "%s", name);
			reg_ns_used[i] = 1;
			break;
		}
	pthread_mutex_unlock(&reg_lock);
}

void
netns_forget_ns(const char *name)
{
	int i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < REG_SLOTS; i++)
		if (reg_ns_used[i] && strcmp(reg_ns[i], name) == 0)
			reg_ns_used[i] = 0;
	pthread_mutex_unlock(&reg_lock);
}

int
netns_remember_pid(pid_t pid)
{
	int i, rc = -1;

	pthread_mutex_lock(&reg_lock);
	reg_owner = getpid();
	for (i = 0; i < REG_SLOTS; i++)
		if (reg_pid[i] == 0) {
			reg_pid[i] = pid;
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&reg_lock);
	if (rc == -1)
		errno = ENOSPC;
	return rc;
}

void
netns_forget_pid(pid_t pid)
{
	int i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < REG_SLOTS; i++)
		if (reg_pid[i] == pid)
			reg_pid[i] = 0;
	pthread_mutex_unlock(&reg_lock);
}

int
netns_delete(const char *name)
{
	char path[NETNS_NAME_MAX + sizeof(NETNS_DIR) + 1];

	if (netns_path(path, sizeof(path), name) == -1) {
		errno = EINVAL;
		return -1;
	}
	/* EINVAL: not a mount point (half-made namespace): unlink anyway. */
	(void)umount2(path, MNT_DETACH);
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/* Async-signal-safe: kill, umount2, unlink only; no locks taken. */
void
netns_cleanup_all(void)
{
	int i, saved = errno;
	pid_t p;

	if (reg_owner != getpid()) {
		errno = saved;
		return;
	}
	for (i = 0; i < REG_SLOTS; i++)
		if ((p = reg_pid[i]) > 0) {
			kill(p, SIGKILL);
			reg_pid[i] = 0;
		}
	for (i = 0; i < REG_SLOTS; i++)
		if (reg_ns_used[i]) {
			(void)netns_delete(reg_ns[i]);
			reg_ns_used[i] = 0;
		}
	errno = saved;
}

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction prev_action[3];

static void
cleanup_on_signal(int sig)
{
	size_t i;

	netns_cleanup_all();
	for (i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++)
		if (cleanup_signals[i] == sig)
			break;
	/* Chain to a plain handler installed before ours. */
	if (i < 3 && (prev_action[i].sa_flags & SA_SIGINFO) == 0 &&
	    prev_action[i].sa_handler != SIG_DFL &&
	    prev_action[i].sa_handler != SIG_IGN) {
		prev_action[i].sa_handler(sig);
		return;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int
netns_cleanup_install(void)
{
	static atomic_flag once = ATOMIC_FLAG_INIT;
	struct sigaction sa;
	size_t i;

	if (atomic_flag_test_and_set(&once))
		return 0;
	if (atexit(netns_cleanup_all) != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cleanup_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, cleanup_signals[i]);
	for (i = 0; i < 3; i++) {
		if (sigaction(cleanup_signals[i], &sa, &prev_action[i]) == -1)
			return -1;
		/* Ignored on entry (nohup, a script's "&"): leave it ignored. */
		if ((prev_action[i].sa_flags & SA_SIGINFO) == 0 &&
		    prev_action[i].sa_handler == SIG_IGN)
			sigaction(cleanup_signals[i], &prev_action[i], NULL);
	}
	return 0;
}

/* ---- stale namespaces --------------------------------------------------- */

int
netns_name_parse(const char *name, pid_t *pid)
{
	const char *p = name;
	long v = 0;
	int digits;

	if (strncmp(p, "ib", 2) != 0)
		return -1;
	p += 2;
	for (digits = 0; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits == 9)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (digits == 0 || v <= 0 || (*p != 'i' && *p != 't'))
		return -1;
	p++;
	for (digits = 0; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (digits == 0 || digits > 10 || *p != '\0')
		return -1;
	*pid = (pid_t)v;
	return 0;
}

int
netns_sweep_stale(void)
{
	struct dirent *de;
	DIR *d;
	pid_t pid;
	int removed = 0;

	if ((d = opendir(NETNS_DIR)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (netns_name_parse(de->d_name, &pid) == -1 || pid == getpid())
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;	/* alive (or not ours to judge) */
		if (netns_delete(de->d_name) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
