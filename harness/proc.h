/*
 * Child processes of the harness: spawned with argv (no shell), stdout and
 * stderr to files, optionally inside a network namespace, stopped by PID
 * with a bounded grace period.  A registry lets an interrupted harness
 * stop everything it started.
 */
#ifndef HARNESS_PROC_H
#define HARNESS_PROC_H

#include <signal.h>
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
/*
 * Stop every process still registered: SIGTERM to each process group (the
 * process alone when it has none), reap for up to grace_ms (less when
 * *force becomes set; force may be NULL), then SIGKILL and reap for up to
 * 2 s.  Async-signal-safe: meant for an interrupt handler that exits
 * afterwards.
 */
void	proc_stop_all(int64_t grace_ms, volatile sig_atomic_t *force);
/*
 * Register a child forked by the caller (not by proc_start) so that
 * proc_stop_all reaches it; fork it with proc_block_signals in effect and
 * register it before restoring the mask.
 */
void	proc_adopt(struct proc *, pid_t pid, const char *name);
/* Block SIGINT, SIGTERM and SIGHUP; the previous mask goes to old (or NULL). */
void	proc_block_signals(sigset_t *old);
/*
 * In a child forked with those signals blocked, before it execs: default
 * handlers for them (ignored ones stay ignored), deathsig (0: none) when
 * the parent dies, then no signal blocked.  Exits 127 if the parent is
 * already gone.
 */
void	proc_child_setup(pid_t parent, int deathsig);

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
