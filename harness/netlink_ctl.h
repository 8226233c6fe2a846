/*
 * netlink_ctl: the harness side of the "ns3" network mode.
 *
 * netlink_open() creates the namespace pair (netns.h), opens both taps and
 * forks the link process, which runs ns3link_run() (ns3link.h) over the two
 * tap fds and a control socket.  The harness then changes the link at run
 * time (down/up, loss, delay, rate) and reads its frame counters; every
 * call returns once the link process has applied the change.
 * netlink_close() stops the link process (bounded wait, then SIGKILL) and
 * deletes the namespaces; it is idempotent.
 *
 * Call netns_cleanup_install() once before netlink_open() so that exit and
 * SIGINT/SIGTERM/SIGHUP also remove the namespaces and the link process.
 */
#ifndef HARNESS_NETLINK_CTL_H
#define HARNESS_NETLINK_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netns.h"
#include "ns3link.h"

#define NETLINK_REPLY_MS	3000	/* longest wait for one reply */
#define NETLINK_READY_MS	5000	/* longest wait for "ready" */
#define NETLINK_STOP_MS		2000	/* then SIGKILL */

enum net_mode {
	NET_MODE_LOOPBACK = 0,	/* everything on 127.0.0.1, no faults */
	NET_MODE_NS3 = 1	/* two namespaces joined by an ns-3 link */
};

struct netlink_params {
	uint64_t	delay_us;	/* one-way delay */
	uint64_t	rate_bps;	/* line rate, 0 = unlimited */
	double		loss_i2t;	/* frame loss, initiator -> target */
	double		loss_t2i;	/* frame loss, target -> initiator */
	unsigned	extra_addrs;	/* extra target addresses (portals) */
	uint32_t	queue_frames;	/* 0 = 100 */
	uint32_t	seed;		/* loss RNG seed, 0 = default */
};

struct netlink {
	struct netns_pair nl_ns;	/* names, tap, addresses */
	int		nl_ns_made;
	pid_t		nl_pid;		/* link process, 0 when none */
	int		nl_ctl;		/* control socket, -1 when none */
	char		nl_buf[512];	/* reply bytes not yet consumed */
	size_t		nl_buflen;
	int64_t		nl_ready_ms;	/* fork to "ready", milliseconds */
};

/* A struct netlink that netlink_close() may be called on at any time. */
#define NETLINK_INITIALIZER	{ .nl_ctl = -1 }

/*
 * NULL when the ns3 mode can run here, else why not ("not root",
 * "/dev/net/tun: ...", "iproute2 'ip' not found", "ns-3 not linked in").
 */
const char *netlink_unavailable(void);

/*
 * Choose the network mode for "loopback", "ns3" or "auto".  why says what
 * was chosen and why.  -1 for an unknown word, or "ns3" not possible.
 */
int	netlink_mode_pick(const char *requested, enum net_mode *mode,
	    char *why, size_t whylen);

/* Namespaces + taps + link process.  0, or -1 with err (all undone). */
int	netlink_open(struct netlink *nl, const struct netlink_params *p,
	    char *err, size_t errlen);

/*
 * Lower level: fork a link process over cfg's tap fds (closed here in the
 * parent) and wait for it to be ready.  0, or -1 with err.
 */
int	netlink_start(struct netlink *nl, const struct ns3link_cfg *cfg,
	    char *err, size_t errlen);

/* Send one command and read its reply line (without newline). */
int	netlink_command(struct netlink *nl, const struct ns3link_cmd *cmd,
	    char *reply, size_t replylen);

int	netlink_down(struct netlink *nl, unsigned dir);
int	netlink_up(struct netlink *nl, unsigned dir);
int	netlink_set_loss(struct netlink *nl, unsigned dir, double p);
int	netlink_set_delay(struct netlink *nl, uint64_t us);
int	netlink_set_rate(struct netlink *nl, uint64_t bps);
int	netlink_stats(struct netlink *nl, struct ns3link_stats *st);

/*
 * Stop the link process: "stop", bounded wait, then SIGKILL.  Returns 0
 * after a clean exit, 1 if it had to be killed or failed, -1 on error.
 * Idempotent.
 */
int	netlink_stop(struct netlink *nl);

/* netlink_stop() + delete the namespaces (same returns).  Idempotent. */
int	netlink_close(struct netlink *nl);

#endif
