/*
 * TCP stream reassembly for one direction of one connection (RFC 9293
 * sequence space, RFC 1982 comparisons).  Segments are handed in capture
 * order; in-order bytes are passed straight to the data callback (no
 * copy), out-of-order segments are kept (copied, up to a byte budget)
 * until the hole before them is filled, retransmitted and overlapping
 * bytes are trimmed (the first copy wins; a different retransmitted
 * content is reported), and holes that will never be filled become gap
 * callbacks: when the peer acknowledges past the hole, when the budget is
 * exceeded, at FIN/RST and at tcp_dir_flush().  Bytes cut off by the
 * capture's snap length are gaps too.
 *
 * A direction whose SYN was not captured starts at the first segment seen
 * (midstream = true).
 */
#ifndef HARNESS_TCP_REASM_H
#define HARNESS_TCP_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_OOO_MAX_DEFAULT	(4u << 20)	/* out-of-order bytes kept */
/* Segments further ahead of the in-order edge are ignored. */
#define TCP_AHEAD_MAX		(1u << 30)

/* Why a gap was declared: X(SYMBOL, "text"). */
#define TCP_GAP_TABLE(X)						\
	X(ACKED,	"acknowledged by the peer but not captured")	\
	X(BUDGET,	"out-of-order budget exceeded")			\
	X(SNAPLEN,	"cut off by the capture snap length")		\
	X(END,		"missing at the end of the stream")

#define TCP_X_GAP(s, t)	TCP_GAP_##s,
enum tcp_gap_why { TCP_GAP_TABLE(TCP_X_GAP) };
#undef TCP_X_GAP

const char	*tcp_gap_text(enum tcp_gap_why);

struct tcp_seg;

struct tcp_ops {
	/* Next in-order bytes, first seen in frame `frame'. */
	void	(*data)(void *arg, const uint8_t *p, size_t len, uint64_t frame);
	/* len bytes from seq on will never be delivered. */
	void	(*gap)(void *arg, uint32_t seq, uint64_t len, uint64_t frame,
		    enum tcp_gap_why why);
	/* A retransmission or overlap carried different bytes (may be NULL). */
	void	(*conflict)(void *arg, uint32_t seq, size_t len, uint64_t frame);
	/* The stream ended (FIN reached in order, or RST); may be NULL. */
	void	(*end)(void *arg, bool reset, uint64_t frame);
};

struct tcp_stats {
	uint64_t	segments;	/* with payload */
	uint64_t	bytes;		/* delivered in order */
	uint64_t	retrans_segments;
	uint64_t	retrans_bytes;
	uint64_t	ooo_segments;	/* arrived ahead of a hole */
	uint64_t	overlaps;	/* partly new, partly old */
	uint64_t	conflicts;
	uint64_t	ignored;	/* too far ahead to be this stream */
	uint64_t	gaps;
	uint64_t	gap_bytes;
};

struct tcp_dir {
	bool		 started;	/* next_seq valid */
	bool		 syn_seen;
	bool		 midstream;	/* first segment was not a SYN */
	bool		 fin_seen, ended, reset;
	uint32_t	 isn;
	uint32_t	 next_seq;
	uint32_t	 fin_seq;
	struct tcp_seg	*ooo;		/* sorted by seq, no overlaps */
	size_t		 ooo_bytes;
	size_t		 ooo_max;
	uint64_t	 first_frame;
	bool		 acked_valid;
	uint32_t	 acked;		/* highest ack the peer sent */
	struct tcp_stats stats;
};

struct tcp_segment_in {
	uint32_t	 seq;
	uint8_t		 flags;		/* PKT_TCP_* */
	const uint8_t	*payload;
	size_t		 cap_len;	/* captured payload bytes */
	size_t		 wire_len;	/* payload bytes on the wire */
	uint64_t	 frame;
};

/* ooo_max 0: TCP_OOO_MAX_DEFAULT. */
void	tcp_dir_init(struct tcp_dir *, size_t ooo_max);
void	tcp_dir_free(struct tcp_dir *);
/* One segment of this direction.  Returns 0, or -1 when out of memory. */
int	tcp_dir_segment(struct tcp_dir *, const struct tcp_segment_in *,
	    const struct tcp_ops *, void *arg);
/* The other direction acknowledged `ack' (frame `frame'). */
void	tcp_dir_ack(struct tcp_dir *, uint32_t ack, uint64_t frame,
	    const struct tcp_ops *, void *arg);
/* The peer acknowledged bytes not delivered yet (a hole or capture loss). */
bool	tcp_dir_behind_ack(const struct tcp_dir *);
/* End of capture: deliver what is queued, reporting the holes. */
void	tcp_dir_flush(struct tcp_dir *, uint64_t frame, const struct tcp_ops *,
	    void *arg);

#endif
