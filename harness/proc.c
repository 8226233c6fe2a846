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
#include <sys/wait.h>

#include "proc.h"

#define PROC_MAX	64

static struct proc *registry[PROC_MAX];

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
	pid_t pid;

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
	pid = fork();
	if (pid == -1) {
		snprintf(err, errsz, "%s: fork: %s", name, strerror(errno));
		close(ofd);
		close(efd);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		/* child: its own process group so a stop reaches its children */
		setpgid(0, 0);
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
		snprintf(err, errsz, "%s: cannot run %s%s%s: %s", name, argv[0],
		    netns ? " in netns " : "", netns ? netns : "",
		    strerror(child_errno));
		return -1;
	}
	close(pfd[0]);
	p->pid = pid;
	reg_add(p);
	return 0;
}

int
proc_poll(struct proc *p)
{
	int st;
	pid_t r;

	if (p->exited || p->pid <= 0)
		return 1;
	r = waitpid(p->pid, &st, WNOHANG);
	if (r == p->pid) {
		p->exited = 1;
		p->status = st;
		reg_del(p);
		return 1;
	}
	return 0;
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

void
proc_stop_all(void)
{
	int i;

	for (i = 0; i < PROC_MAX; i++)
		if (registry[i] != NULL)
			proc_stop(registry[i], 500);
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
