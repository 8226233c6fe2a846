/*
 * One iSCSI transport connection on the event loop: a non-blocking TCP
 * socket, the resumable PDU receive path, a send queue, digest settings
 * and the per-connection counters the seed's WMI statistics describe.
 * Shared by the initiator and the simulated target.
 *
 * Callbacks never re-enter: a connection closed from inside on_pdu stops
 * delivering at once, and on_close runs later from the loop (deferred),
 * which is where the owner may free the struct.
 */
#ifndef PROTO_ICONN_H
#define PROTO_ICONN_H

#include <stdbool.h>
#include <stdint.h>

#include "bufq.h"
#include "evloop.h"
#include "netaddr.h"
#include "pdu.h"

struct iconn;

struct iconn_ops {
	/* Outgoing connect finished: err 0 or an errno value. */
	void	(*on_connected)(struct iconn *, int err, void *arg);
	/* A PDU arrived (err->code PDU_OK or the problem found). */
	void	(*on_pdu)(struct iconn *, const struct pdu *,
		    const struct pdu_error *, void *arg);
	/*
	 * The connection is gone: err 0 = peer closed (FIN), else an errno
	 * value (ECONNRESET, ETIMEDOUT ...) or -1 when closed locally.
	 */
	void	(*on_close)(struct iconn *, int err, void *arg);
	/*
	 * Optional data placement (pdu_rx_set_placement): where the data
	 * segment of the PDU whose header hdr was just received goes, or NULL
	 * for the receive buffer.  Placed data is read from the socket
	 * straight into it when it is large enough.  If that memory goes away
	 * before the PDU is delivered, call iconn_rx_unplace() first.
	 */
	uint8_t	*(*on_place)(struct iconn *, const struct pdu *hdr, void *arg);
	/*
	 * Optional wakeup coalescing: how many bytes the peer is expected to
	 * send before it needs anything more from us (a guess, e.g. half of
	 * the replies to the commands in flight; 0: no guess).  The socket
	 * then reports readable only once that much is there (SO_RCVLOWAT),
	 * or after ICONN_COALESCE_MS at the latest, so a wrong guess costs
	 * a short delay, never a hang.
	 */
	size_t	(*rx_expect)(struct iconn *, void *arg);
};

struct iconn_stats {
	uint64_t	bytes_tx, bytes_rx;
	uint64_t	pdus_tx, pdus_rx;
	uint64_t	hdigest_errors, ddigest_errors;
	uint64_t	format_errors;		/* framing / field errors */
	uint64_t	oversize_errors;	/* DataSegmentLength > MRDSL */
};

enum iconn_state {
	ICONN_IDLE,
	ICONN_CONNECTING,
	ICONN_UP,
	ICONN_CLOSED
};

struct iconn {
	struct evloop		*loop;
	const struct iconn_ops	*ops;
	void			*arg;
	enum iconn_state	 state;
	int			 fd;
	struct evfd		 h;
	struct bufq		 txq;
	struct pdu_rx		 rx;
	struct pdu_digest_opts	 tx_digests;
	struct iconn_stats	 stats;
	struct netaddr		 local, peer;
	struct evdefer		 close_ev, resume_ev;
	uint8_t			*pend;		/* received, not yet fed (paused) */
	size_t			 pend_len;
	int			 close_err;
	bool			 close_in_send;	/* close_err came from a send */
	bool			 rx_paused;
	bool			 in_rx;
	bool			 hdr_first;	/* big placed PDUs: read headers alone */
	int			 rcvlowat;	/* SO_RCVLOWAT in force (0: default) */
	struct evtimer		 lowat_timer;	/* a guessed low mark expires */
	unsigned		 guess_off;	/* wakeups left without guessing */
	unsigned		 guess_backoff;	/* next guess_off after a miss */
	uint8_t			*encbuf;
	size_t			 encbuf_cap;
};

/* Wrap an accepted socket.  max_recv_dsl: our MaxRecvDataSegmentLength. */
int	iconn_attach(struct iconn *, struct evloop *, int fd, uint32_t max_recv_dsl,
	    const struct iconn_ops *, void *arg);
/* Start an outgoing connection; on_connected reports the result. */
int	iconn_connect(struct iconn *, struct evloop *, const struct netaddr *,
	    uint32_t max_recv_dsl, const struct iconn_ops *, void *arg);

/*
 * Encode p with the current transmit digests and send it: header and data
 * in one sendmsg, the data segment not copied when the socket takes it at
 * once.  PDUs sent while a received PDU is being handled (from on_pdu) are
 * gathered and leave together when that batch of input is done (large
 * data segments leave at once).  What the socket does not take is copied
 * into the send queue.
 */
int	iconn_send(struct iconn *, const struct pdu *p);
/* As iconn_send with explicit digest options (fault injection). */
int	iconn_send_opts(struct iconn *, const struct pdu *p,
	    const struct pdu_digest_opts *d);
/* Queue raw bytes (fault injection: garbage, truncated PDUs). */
int	iconn_send_raw(struct iconn *, const void *buf, size_t len);

/* Digests in force from the next PDU (both directions). */
void	iconn_set_digests(struct iconn *, bool header, bool data);
int	iconn_set_max_recv_dsl(struct iconn *, uint32_t);
/* Stop / resume reading (a stalled peer, flow control). */
void	iconn_pause_rx(struct iconn *, bool paused);
/* The placement target of the PDU in progress goes away (pdu_rx_unplace). */
void	iconn_rx_unplace(struct iconn *);
/*
 * Close now (FIN, or RST when rst), after one last attempt to write what
 * is queued; on_close(-1) follows from the loop.
 */
void	iconn_close(struct iconn *, bool rst);
/* Release buffers (after on_close, or instead of ever attaching). */
void	iconn_free(struct iconn *);

#endif
