/* Child processes of the harness. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "proc.h"

#define PROC_MAX	64

/*
 * Processes started and not yet reaped.  An interrupt handler reads it
 * (proc_stop_all), so changes happen with the stop signals blocked.
 */
static struct proc *volatile registry[PROC_MAX];

int64_t
proc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
reg_add(struct proc *p)
{
	int i;

	for (i = 0; i < PROC_MAX; i++)
		if (registry[i] == NULL) {
			registry[i] = p;
			return;
		}
}

static void
reg_del(struct proc *p)
{
	int i;

	for (i = 0; i < PROC_MAX; i++)
		if (registry[i] == p)
			registry[i] = NULL;
}

void
proc_block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);	/* old may be NULL */
}

void
proc_child_setup(pid_t parent, int deathsig)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	sigset_t none;
	size_t i;

	/* the harness's handlers are not ours; ignored signals stay ignored */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
			signal(sigs[i], SIG_DFL);
	if (deathsig != 0 && (prctl(PR_SET_PDEATHSIG, deathsig) == -1 ||
	    getppid() != parent))
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void
proc_adopt(struct proc *p, pid_t pid, const char *name)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->pid = pid;
	reg_add(p);
}

static int
open_out(const char *path)
{
	return open(path != NULL ? path : "/dev/null",
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

int
proc_start(struct proc *p, const char *name, char *const argv[],
    const char *out_path, const char *err_path, const char *netns,
    char *const env[], char *err, size_t errsz)
{
	int ofd, efd, pfd[2], i;
	int child_errno = 0;
	pid_t pid, parent = getpid();
	sigset_t old;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (out_path != NULL)
		snprintf(p->out_path, sizeof(p->out_path), "%s", out_path);
	if (err_path != NULL)
		snprintf(p->err_path, sizeof(p->err_path), "%s", err_path);
	ofd = open_out(out_path);
	efd = open_out(err_path);
	if (ofd == -1 || efd == -1 || pipe2(pfd, O_CLOEXEC) == -1) {
		snprintf(err, errsz, "%s: cannot open output files: %s", name,
		    strerror(errno));
		if (ofd != -1)
			close(ofd);
		if (efd != -1)
			close(efd);
		return -1;
	}
	/* blocked until the registry has it: an interrupt stops it too */
	proc_block_signals(&old);
	pid = fork();
	if (pid == -1) {
		snprintf(err, errsz, "%s: fork: %s", name, strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(ofd);
		close(efd);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		/* child: its own process group so a stop reaches its children;
		   killed when the harness process that started it dies */
		setpgid(0, 0);
		proc_child_setup(parent, SIGKILL);
		dup2(ofd, 1);
		dup2(efd, 2);
		{
			int nfd = open("/dev/null", O_RDONLY);
			if (nfd != -1)
				dup2(nfd, 0);
		}
		if (netns != NULL) {
			char path[256];
			int nsfd;

			snprintf(path, sizeof(path), "/run/netns/%s", netns);
			nsfd = open(path, O_RDONLY | O_CLOEXEC);
			if (nsfd == -1 || setns(nsfd, CLONE_NEWNET) == -1) {
				child_errno = errno;
				(void)!write(pfd[1], &child_errno, sizeof(child_errno));
				_exit(127);
			}
		}
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv(env[i]);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		child_errno = errno;
		(void)!write(pfd[1], &child_errno, sizeof(child_errno));
		_exit(127);
	}
	close(ofd);
	close(efd);
	close(pfd[1]);
	/* the pipe closes on exec (success) or carries errno (failure) */
	if (read(pfd[0], &child_errno, sizeof(child_errno)) ==
	    (ssize_t)sizeof(child_errno)) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		snprintf(err, errsz, "%s: cannot run %s%s%s: %s", name, argv[0],
		    netns ? " in netns " : "", netns ? netns : "",
		    strerror(child_errno));
		return -1;
	}
	close(pfd[0]);
	p->pid = pid;
	reg_add(p);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

int
proc_poll(struct proc *p)
{
	sigset_t old;
	int st;
	pid_t r;

	if (p->exited || p->pid <= 0)
		return 1;
	/* reaped and out of the registry in one step for an interrupt */
	proc_block_signals(&old);
	r = waitpid(p->pid, &st, WNOHANG);
	if (r == p->pid) {
		p->exited = 1;
		p->status = st;
		reg_del(p);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r == p->pid;
}

int
proc_wait(struct proc *p, int64_t timeout_ms)
{
	int64_t end = proc_now_ms() + timeout_ms;

	while (!proc_poll(p)) {
		if (proc_now_ms() >= end)
			return 0;
		usleep(5000);
	}
	return 1;
}

void
proc_stop(struct proc *p, int64_t grace_ms)
{
	if (p->pid <= 0 || proc_poll(p))
		return;
	/* the whole process group; the process alone when it has no group
	 * of its own yet (a second SIGTERM could arrive after its clean exit
	 * began, with the default action back: exit status 143) */
	if (kill(-p->pid, SIGTERM) == -1)
		kill(p->pid, SIGTERM);
	if (proc_wait(p, grace_ms))
		return;
	kill(-p->pid, SIGKILL);
	kill(p->pid, SIGKILL);
	(void)proc_wait(p, 5000);
}

int
proc_exit_code(const struct proc *p)
{
	if (!p->exited)
		return -1;
	if (WIFEXITED(p->status))
		return WEXITSTATUS(p->status);
	if (WIFSIGNALED(p->status))
		return 128 + WTERMSIG(p->status);
	return -1;
}

/* Signal every registered process group (or the process alone). */
static void
signal_all(int sig)
{
	struct proc *p;
	int i;

	for (i = 0; i < PROC_MAX; i++)
		if ((p = registry[i]) != NULL && !p->exited && p->pid > 0 &&
		    kill(-p->pid, sig) == -1)
			kill(p->pid, sig);
}

/* Reap until none is left, until_ms, or *force; returns how many are left. */
static int
reap_all(int64_t until_ms, volatile sig_atomic_t *force)
{
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	struct proc *p;
	int i, left, st;
	pid_t r;

	for (;;) {
		left = 0;
		for (i = 0; i < PROC_MAX; i++) {
			if ((p = registry[i]) == NULL)
				continue;
			r = p->exited ? p->pid : waitpid(p->pid, &st, WNOHANG);
			if (r == p->pid || (r == -1 && errno == ECHILD)) {
				if (!p->exited) {
					p->exited = 1;
					p->status = r == p->pid ? st : 0;
				}
				registry[i] = NULL;
			} else
				left++;
		}
		if (left == 0 || proc_now_ms() >= until_ms ||
		    (force != NULL && *force))
			return left;
		nanosleep(&nap, NULL);
	}
}

void
proc_stop_all(int64_t grace_ms, volatile sig_atomic_t *force)
{
	int saved = errno;

	signal_all(SIGTERM);
	if (reap_all(proc_now_ms() + grace_ms, force) > 0) {
		signal_all(SIGKILL);
		(void)reap_all(proc_now_ms() + 2000, NULL);
	}
	errno = saved;
}

int
proc_wait_lines(struct proc *p, const char *path, const char *prefix, int n,
    char lines[][128], int64_t timeout_ms)
{
	int64_t end = proc_now_ms() + timeout_ms;
	size_t plen = strlen(prefix);
	int found = 0;

	for (;;) {
		FILE *f = fopen(path, "r");
		char buf[512];

		found = 0;
		if (f != NULL) {
			while (found < n && fgets(buf, sizeof(buf), f) != NULL) {
				size_t l = strlen(buf);
				if (l == 0 || buf[l - 1] != '\n')
					break;		/* partial line: not yet */
				buf[l - 1] = '\0';
				if (strncmp(buf, prefix, plen) == 0)
					snprintf(lines[found++], 128, "%s", buf + plen);
			}
			fclose(f);
		}
		if (found >= n || proc_poll(p) || proc_now_ms() >= end)
			return found;
		usleep(5000);
	}
}
