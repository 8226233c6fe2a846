/*
 * netns: network namespaces for the "ns3" network mode.
 *
 * A pair is two namespaces, the initiator's and the target's, each with a
 * persistent tap device on one /24 subnet (10.77.N.1 for the initiator,
 * 10.77.N.2 and optional extra portals .3, .4 ... for the target).  The
 * taps are later joined by the ns-3 link (netlink_ctl.h).
 *
 * Names carry the creating process id, "ib<pid>i<N>" and "ib<pid>t<N>",
 * so that netns_sweep_stale() can tell leftovers of dead harness runs.
 * Every namespace and process created here is recorded in a small
 * process-wide registry; netns_cleanup_all() (atexit, SIGINT, SIGTERM,
 * SIGHUP once netns_cleanup_install() ran) kills and deletes them all.
 * Deleting a namespace is umount + unlink of /run/netns/NAME, which is
 * async-signal-safe, so the signal path does not spawn anything.
 */
#ifndef HARNESS_NETNS_H
#define HARNESS_NETNS_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

#define NETNS_NAME_MAX		32
#define NETNS_EXTRA_MAX		8	/* extra target addresses .3 .. .10 */
#define NETNS_SUBNET_PREFIX	"10.77"	/* 10.77.N.0/24 */
#define NETNS_TAP_NAME		"ibtap0"
#define NETNS_DIR		"/run/netns"	/* where ip(8) pins namespaces */

enum netns_side {
	NETNS_INITIATOR = 0,
	NETNS_TARGET = 1
};

struct netns_pair {
	unsigned	np_index;			/* N: counter, 3rd octet */
	char		np_name[2][NETNS_NAME_MAX];	/* by enum netns_side */
	char		np_tap[IFNAMSIZ];		/* same name on both sides */
	char		np_addr[2][INET_ADDRSTRLEN];	/* .1 and .2 */
	unsigned	np_nextra;			/* extra target addresses */
	char		np_extra[NETNS_EXTRA_MAX][INET_ADDRSTRLEN];
	int		np_created[2];			/* namespace exists */
};

/*
 * Create both namespaces with their taps up (and lo), addresses set.
 * On failure everything created so far is removed again; err says which
 * step failed.  Returns 0 or -1.
 */
int	netns_pair_create(struct netns_pair *np, unsigned nextra, char *err,
	    size_t errlen);

/* Delete both namespaces (idempotent).  Returns 0 or -1 (errno set). */
int	netns_pair_destroy(struct netns_pair *np);

/*
 * Open the existing tap `tap` inside namespace `ns` (IFF_TAP|IFF_NO_PI),
 * from a thread that enters the namespace and leaves again.  Returns the
 * fd (close-on-exec) or -1 with err set.
 */
int	netns_tap_open(const char *ns, const char *tap, char *err,
	    size_t errlen);

/*
 * Run fn(arg) in a new thread that has entered namespace `ns`; sockets
 * created there stay in that namespace.  Returns fn's result, or -1 with
 * errno set if the thread could not enter the namespace.
 */
int	netns_call(const char *ns, int (*fn)(void *), void *arg);

/* socket(2) inside namespace ns (close-on-exec); -1 with errno set. */
int	netns_socket(const char *ns, int domain, int type, int protocol);

/*
 * Fork; the child enters namespace ns (NULL: stay) and execvp()s argv
 * with stdout and stderr on out_fd (-1: inherited), dies with the harness
 * (PR_SET_PDEATHSIG) and is recorded in the registry until reaped
 * (netns_reap) or netns_forget_pid().  Returns the pid or -1.
 */
pid_t	netns_spawn(const char *ns, char *const argv[], int out_fd);

/* Run argv (in ns, or here if NULL), wait at most timeout_ms (as reap). */
int	netns_run_wait(const char *ns, char *const argv[], int out_fd,
	    int timeout_ms, int *status);

/*
 * Wait for pid at most timeout_ms, then SIGKILL and reap it.  Returns 0
 * if it ended in time, 1 if it had to be killed, -1 on error.
 */
int	netns_reap(pid_t pid, int timeout_ms, int *status);

/* Registry of pids to kill at cleanup (the link process, spawned ones). */
int	netns_remember_pid(pid_t pid);
void	netns_forget_pid(pid_t pid);

/* Registry of namespaces to delete at cleanup (pairs register theirs). */
void	netns_remember_ns(const char *name);
void	netns_forget_ns(const char *name);

/*
 * NETNS_DIR "/" name into buf without stdio (signal-safe).  -1 if name is
 * empty, holds a '/', or does not fit.
 */
int	netns_path(char *buf, size_t len, const char *name);

/*
 * atexit + SIGINT/SIGTERM/SIGHUP handlers calling netns_cleanup_all(),
 * then the previous handler or the default action.  A signal ignored on
 * entry stays ignored.  Once per process; later calls do nothing.
 */
int	netns_cleanup_install(void);

/* SIGKILL every recorded pid, delete every recorded namespace. */
void	netns_cleanup_all(void);

/* Delete one namespace by name: umount + unlink /run/netns/NAME. */
int	netns_delete(const char *name);

/*
 * Parse a name made by this module: "ib<pid><i|t><N>".  Returns 0 and
 * the pid, or -1 for any other name.
 */
int	netns_name_parse(const char *name, pid_t *pid);

/*
 * Delete namespaces whose creating process is gone.  Returns how many
 * were deleted, or -1 if /run/netns could not be read.
 */
int	netns_sweep_stale(void);

#endif
