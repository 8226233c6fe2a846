/*
 * iSCSI PDU framing over one reassembled TCP direction, for the capture
 * analyzer.  Unlike the live receive path (proto pdu_rx), a capture has
 * holes and may start in the middle of a connection, so the framer:
 *
 *  - decodes PDUs in place when they lie in one chunk (no copy), and
 *    buffers only a PDU that spans chunks (one PDU at most per direction:
 *    bounded memory, whatever the capture size);
 *  - keeps framing across a gap that falls inside a PDU's data segment
 *    (the missing bytes are zero-filled and the PDU is flagged
 *    incomplete), and otherwise resynchronises by scanning for a
 *    plausible BHS: known opcode for the direction, reserved bits,
 *    TotalAHSLength, DataSegmentLength bound, field rules (pdu_decode),
 *    header digest when present, and the next BHS after it;
 *  - detects HeaderDigest/DataDigest from the CRC32C values when the login
 *    was not captured (the analyzer sets them from the login otherwise).
 *
 * Every PDU goes through pdu_decode() (proto/pdu.h).
 */
#ifndef HARNESS_ANALYZE_FRAMER_H
#define HARNESS_ANALYZE_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdu.h"

/* DataSegmentLength accepted while scanning for a BHS (resync). */
#define FRAMER_SCAN_DSL_MAX	(1u << 20)
/* Bytes kept while scanning before the oldest are dropped. */
#define FRAMER_SCAN_WINDOW	(FRAMER_SCAN_DSL_MAX + 4096)

/* Framing events: X(SYMBOL, "text"). */
#define FRAMER_EVENT_TABLE(X)						\
	X(LOST_GAP,	"framing lost: bytes missing between PDUs")	\
	X(LOST_HEADER,	"framing lost: implausible BHS")		\
	X(LOST_HDIGEST,	"framing lost: header digest mismatch")	\
	X(RESYNC,	"framing recovered at a plausible BHS")		\
	X(MIDSTREAM,	"stream did not start at a PDU boundary")	\
	X(DISCARD,	"bytes discarded while looking for a BHS")	\
	X(TRUNC_END,	"stream ended inside a PDU")			\
	X(DIGESTS,	"digest settings detected from CRC32C values")

#define FRAMER_X_EV(s, t)	FRAMER_EV_##s,
enum framer_event { FRAMER_EVENT_TABLE(FRAMER_X_EV) };
#undef FRAMER_X_EV

const char	*framer_event_text(enum framer_event);

/* Where a delivered PDU came from. */
struct framer_pdu_info {
	uint64_t	first_frame;	/* frame holding its first byte */
	uint64_t	last_frame;	/* frame completing it */
	uint64_t	stream_off;	/* its offset in the direction's stream */
	uint64_t	missing;	/* bytes zero-filled after a gap */
	bool		data_digest_unknown;	/* dd not known: not checked */
};

struct framer_ops {
	/* One PDU (any status, as pdu_decode returned it). */
	void	(*pdu)(void *arg, const struct pdu *p,
		    const struct pdu_error *err,
		    const struct framer_pdu_info *info);
	/* A framing event; bytes: how many bytes it concerns. */
	void	(*event)(void *arg, enum framer_event ev, uint64_t frame,
		    uint64_t bytes, const uint8_t *bhs);
};

struct framer {
	bool			 initiator;	/* initiator -> target bytes */
	bool			 synced;
	bool			 hd_known, dd_known;
	struct pdu_digest_opts	 dig;
	uint8_t			*buf;
	size_t			 len, cap;
	uint64_t		 buf_frame;	/* frame of buf[0] */
	uint64_t		 buf_off;	/* stream offset of buf[0] */
	uint64_t		 missing;	/* zero-filled bytes in buf */
	uint64_t		 stream_off;	/* bytes seen (incl. gaps) */
	uint64_t		 pdus;
	uint64_t		 resyncs;
	uint64_t		 discarded;
	const struct framer_ops	*ops;
	void			*arg;
};

/*
 * synced: the stream starts at a PDU boundary (its SYN was captured).
 * Digests start off and unknown-but-assumed-off until set or detected.
 */
void	framer_init(struct framer *, bool initiator, bool synced,
	    const struct framer_ops *, void *arg);
void	framer_free(struct framer *);
/* Digests in force from the next PDU on (learned from the login). */
void	framer_set_digests(struct framer *, bool header, bool data);
/* In-order stream bytes.  Returns 0 or -1 (out of memory). */
int	framer_feed(struct framer *, const uint8_t *p, size_t len,
	    uint64_t frame);
/* len stream bytes will never come. */
void	framer_gap(struct framer *, uint64_t len, uint64_t frame);
/* End of stream: decide on what is buffered. */
void	framer_end(struct framer *, uint64_t frame);

#endif
