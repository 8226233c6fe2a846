/*
 * ns3link: a simulated Ethernet link between two tap devices, run by ns-3
 * in a process of its own (the "link process").
 *
 *   tapI <-fd-> FdNetDevice -Bridge- SimpleNetDevice
 *                  ==SimpleChannel(delay)==
 *               SimpleNetDevice -Bridge- FdNetDevice <-fd-> tapT
 *
 * Side I is the initiator's tap, side T the target's.  The link is driven
 * through a control socket carrying one text command per line (see
 * ns3link_cmd_parse); every command gets one reply line, "ok ..." or
 * "err <why>", and the link says "ready" once it forwards frames.
 *
 * This header is plain C; the simulator side lives in ns3link_shim.cc.
 */
#ifndef HARNESS_NS3LINK_H
#define HARNESS_NS3LINK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Directions of the link; a bit mask so that "both" is I2T | T2I. */
#define NS3LINK_DIR_I2T		0x1u	/* initiator -> target */
#define NS3LINK_DIR_T2I		0x2u	/* target -> initiator */
#define NS3LINK_DIR_BOTH	0x3u

/*
 * Control commands: X(enum suffix, word, argument kind).  Argument kinds:
 *   DIR   optional direction (i2t, t2i, both; default both)
 *   LOSS  direction, then a probability in [0, 1]
 *   U64   one unsigned number (delay in microseconds, rate in bit/s)
 *   NONE  no argument
 */
#define NS3LINK_OPS(X)						\
	X(DOWN,  "down",  DIR)	/* drop every frame (the wire is cut) */ \
	X(UP,    "up",    DIR)	/* stop dropping on purpose */	\
	X(LOSS,  "loss",  LOSS)	/* random frame loss, per direction */ \
	X(DELAY, "delay", U64)	/* one-way propagation delay, us */ \
	X(RATE,  "rate",  U64)	/* line rate, bit/s, 0 = unlimited */ \
	X(STATS, "stats", NONE)	/* frame counters, per direction */ \
	X(STOP,  "stop",  NONE)	/* end the link process */

enum ns3link_op {
#define NS3LINK_OP_ENUM(name, word, arg)	NS3LINK_OP_##name,
	NS3LINK_OPS(NS3LINK_OP_ENUM)
#undef NS3LINK_OP_ENUM
	NS3LINK_OP_COUNT
};

struct ns3link_cmd {
	enum ns3link_op	op;
	unsigned	dir;		/* NS3LINK_DIR_* (DOWN, UP, LOSS) */
	double		loss;		/* LOSS: drop probability 0..1 */
	uint64_t	value;		/* DELAY: us; RATE: bit/s */
};

/* Link set-up.  Numbers at 0 mean: no delay, unlimited rate, no loss. */
struct ns3link_cfg {
	int		fd_i;		/* initiator tap (IFF_TAP|IFF_NO_PI) */
	int		fd_t;		/* target tap */
	uint64_t	delay_us;	/* one-way delay of the channel */
	uint64_t	rate_bps;	/* line rate of each direction */
	double		loss_i2t;	/* frame loss probability, I -> T */
	double		loss_t2i;	/* frame loss probability, T -> I */
	uint32_t	queue_frames;	/* transmit queue per side, 0 = 100 */
	uint32_t	seed;		/* loss RNG seed, 0 = ns-3 default */
};

/* Frame counters of one direction, as seen by the receiving end. */
struct ns3link_dir_stats {
	uint64_t	passed;		/* frames delivered */
	uint64_t	dropped_down;	/* dropped because the link was down */
	uint64_t	dropped_loss;	/* dropped by the random loss */
};

struct ns3link_stats {
	struct ns3link_dir_stats i2t;
	struct ns3link_dir_stats t2i;
};

/*
 * Run the link in the calling thread until a "stop" command, or until
 * ctl_fd reaches end of file (the harness went away).  ctl_fd should be
 * one end of a SOCK_STREAM socketpair: commands are read from it and
 * replies written to it.  Takes ownership of the tap fds (closed on
 * return).  One call per process: ns-3 has one simulator per process.
 * Returns 0 after a clean stop, -1 if the link could not be built.
 */
int	ns3link_run(const struct ns3link_cfg *cfg, int ctl_fd);

/* 0 when the ns-3 types this link needs are present in the process. */
int	ns3link_probe(void);

/* Command words and the text of a direction ("i2t", "t2i", "both"). */
const char *ns3link_op_name(enum ns3link_op op);
const char *ns3link_dir_name(unsigned dir);

/*
 * Parse one command line ("loss i2t 0.01", "delay 100", "down").
 * Returns 0, or -1 with a message naming the bad word in err.
 */
int	ns3link_cmd_parse(const char *line, struct ns3link_cmd *cmd,
	    char *err, size_t errlen);

/* Write cmd as one line with its newline; returns the length or -1. */
int	ns3link_cmd_format(const struct ns3link_cmd *cmd, char *buf,
	    size_t len);

/* The "ok stats ..." reply: write it, read it back (0 or -1). */
int	ns3link_stats_format(const struct ns3link_stats *st, char *buf,
	    size_t len);
int	ns3link_stats_parse(const char *reply, struct ns3link_stats *st);

#ifdef __cplusplus
}
#endif

#endif
