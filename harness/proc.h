/*
 * Child processes of the harness: spawned with argv (no shell), stdout and
 * stderr to files, optionally inside a network namespace, stopped by PID
 * with a bounded grace period.  A registry lets an interrupted harness
 * stop everything it started.
 */
#ifndef HARNESS_PROC_H
#define HARNESS_PROC_H

#include <stdint.h>
#include <sys/types.h>

struct proc {
	pid_t		 pid;
	int		 exited;	/* reaped */
	int		 status;	/* wait status when exited */
	char		 name[64];
	char		 out_path[512];
	char		 err_path[512];
};

/*
 * Start argv[0] (PATH searched) with stdout -> out_path, stderr ->
 * err_path (either may be NULL: /dev/null).  netns (may be NULL) is the
 * name of a network namespace under /run/netns to enter first.  env
 * (NULL-terminated "K=V" list, may be NULL) is added to the environment.
 * Returns 0 or -1 with a reason in err.
 */
int	proc_start(struct proc *, const char *name, char *const argv[],
	    const char *out_path, const char *err_path, const char *netns,
	    char *const env[], char *err, size_t errsz);
/* Non-blocking check; returns 1 when the process has exited. */
int	proc_poll(struct proc *);
/* Wait up to timeout_ms; 1 exited, 0 still running. */
int	proc_wait(struct proc *, int64_t timeout_ms);
/* SIGTERM, wait grace_ms, then SIGKILL; always reaps. */
void	proc_stop(struct proc *, int64_t grace_ms);
/* Exit code (0-255), or 128+signal when killed, or -1 when running. */
int	proc_exit_code(const struct proc *);
/* Stop every process still registered (signal handler / atexit safe-ish). */
void	proc_stop_all(void);

/*
 * Wait until the file at path has n lines matching prefix (e.g. the
 * target's "listening " lines), or the process exits, or timeout_ms.
 * Copies the matching lines (without prefix) into lines[i] (each
 * linesz bytes).  Returns the number found.
 */
int	proc_wait_lines(struct proc *, const char *path, const char *prefix,
	    int n, char lines[][128], int64_t timeout_ms);

int64_t	proc_now_ms(void);

#endif
