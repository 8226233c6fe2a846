/*
 * TCP reassembly of one direction.  Sequence numbers are compared with
 * RFC 1982 serial arithmetic (proto/serial.h), so wrap-around is handled.
 */
#include <stdlib.h>
#include <string.h>

#include "pcap_pkt.h"
#include "serial.h"
#include "tcp_reasm.h"

struct tcp_seg {
	struct tcp_seg	*next;
	uint32_t	 seq;
	uint32_t	 len;
	uint64_t	 frame;
	uint8_t		 data[];
};

const char *
tcp_gap_text(enum tcp_gap_why why)
{
	switch (why) {
#define TCP_X_TEXT(s, t)	case TCP_GAP_##s: return (t);
	TCP_GAP_TABLE(TCP_X_TEXT)
#undef TCP_X_TEXT
	}
	return "gap";
}

void
tcp_dir_init(struct tcp_dir *d, size_t ooo_max)
{
	memset(d, 0, sizeof(*d));
	d->ooo_max = ooo_max != 0 ? ooo_max : TCP_OOO_MAX_DEFAULT;
}

void
tcp_dir_free(struct tcp_dir *d)
{
	struct tcp_seg *s, *n;

	for (s = d->ooo; s != NULL; s = n) {
		n = s->next;
		free(s);
	}
	d->ooo = NULL;
	d->ooo_bytes = 0;
}

static void
deliver(struct tcp_dir *d, const uint8_t *p, size_t len, uint64_t frame,
    const struct tcp_ops *ops, void *arg)
{
	if (len == 0)
		return;
	d->stats.bytes += len;
	d->next_seq += (uint32_t)len;
	ops->data(arg, p, len, frame);
}

static void
declare_gap(struct tcp_dir *d, uint32_t upto, uint64_t frame,
    enum tcp_gap_why why, const struct tcp_ops *ops, void *arg)
{
	uint32_t len = upto - d->next_seq;

	if (len == 0 || !sn_gt(upto, d->next_seq))
		return;
	d->stats.gaps++;
	d->stats.gap_bytes += len;
	ops->gap(arg, d->next_seq, len, frame, why);
	d->next_seq = upto;
}

static void
check_end(struct tcp_dir *d, uint64_t frame, const struct tcp_ops *ops,
    void *arg)
{
	if (d->fin_seen && !d->ended && d->ooo == NULL &&
	    sn_ge(d->next_seq, d->fin_seq)) {
		d->ended = true;
		if (ops->end != NULL)
			ops->end(arg, false, frame);
	}
}

/* Deliver queued segments that the in-order edge has reached. */
static void
drain(struct tcp_dir *d, const struct tcp_ops *ops, void *arg)
{
	struct tcp_seg *s;
	uint32_t skip;

	/* not after the edge: before it, at it, or 2^31 away (RFC 1982
	   leaves that undefined; dropping it keeps the loop finite) */
	while ((s = d->ooo) != NULL && !sn_gt(s->seq, d->next_seq)) {
		d->ooo = s->next;
		d->ooo_bytes -= s->len;
		skip = d->next_seq - s->seq;
		if (skip < s->len)
			deliver(d, s->data + skip, s->len - skip, s->frame, ops,
			    arg);
		free(s);
	}
}

static bool
same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}

/*
 * Queue [seq, seq+len) ahead of the hole.  Parts already queued are kept
 * (compared for conflicts); queued segments the new one covers entirely
 * are replaced by it.
 */
static int
enqueue(struct tcp_dir *d, uint32_t seq, const uint8_t *p, uint32_t len,
    uint64_t frame, const struct tcp_ops *ops, void *arg)
{
	struct tcp_seg **pp, *s, *n;
	uint32_t end = seq + len, send, cut, off;

	pp = &d->ooo;
	while ((s = *pp) != NULL && len > 0) {
		send = s->seq + s->len;
		if (sn_le(send, seq)) {			/* entirely before */
			pp = &s->next;
			continue;
		}
		if (sn_ge(s->seq, end))			/* entirely after */
			break;
		if (sn_le(s->seq, seq)) {		/* covers our front */
			cut = send - seq;
			if (cut > len)
				cut = len;
			off = seq - s->seq;
			d->stats.overlaps++;
			if (!same_bytes(s->data + off, p, cut)) {
				d->stats.conflicts++;
				if (ops->conflict != NULL)
					ops->conflict(arg, seq, cut, frame);
			}
			seq += cut;
			p += cut;
			len -= cut;
			pp = &s->next;
			continue;
		}
		if (sn_ge(end, send)) {			/* we cover it: replace */
			off = s->seq - seq;
			d->stats.overlaps++;
			if (!same_bytes(s->data, p + off, s->len)) {
				d->stats.conflicts++;
				if (ops->conflict != NULL)
					ops->conflict(arg, s->seq, s->len, frame);
			}
			*pp = s->next;
			d->ooo_bytes -= s->len;
			free(s);
			continue;
		}
		/* it covers our tail */
		off = s->seq - seq;
		d->stats.overlaps++;
		if (!same_bytes(s->data, p + off, end - s->seq)) {
			d->stats.conflicts++;
			if (ops->conflict != NULL)
				ops->conflict(arg, s->seq, end - s->seq, frame);
		}
		len = off;
		end = seq + len;
		break;
	}
	if (len == 0)
		return 0;
	n = malloc(sizeof(*n) + len);
	if (n == NULL)
		return -1;
	n->seq = seq;
	n->len = len;
	n->frame = frame;
	memcpy(n->data, p, len);
	n->next = *pp;
	*pp = n;
	d->ooo_bytes += len;
	return 0;
}

int
tcp_dir_segment(struct tcp_dir *d, const struct tcp_segment_in *in,
    const struct tcp_ops *ops, void *arg)
{
	uint32_t seq = in->seq, len, skip, missing;
	const uint8_t *p = in->payload;
	size_t cap = in->cap_len < in->wire_len ? in->cap_len : in->wire_len;

	if (in->flags & PKT_TCP_SYN) {
		if (!d->started || !d->syn_seen) {
			d->started = true;
			d->syn_seen = true;
			d->midstream = false;
			d->isn = seq;
			d->next_seq = seq + 1;
			d->first_frame = in->frame;
		}
		seq++;			/* SYN takes one sequence number */
	}
	if (!d->started) {
		d->started = true;
		d->midstream = true;
		d->isn = seq - 1;
		d->next_seq = seq;
		d->first_frame = in->frame;
	}
	if (in->wire_len > 0)
		d->stats.segments++;
	if ((in->flags & PKT_TCP_FIN) && !d->fin_seen) {
		d->fin_seen = true;
		d->fin_seq = seq + (uint32_t)in->wire_len;
	}
	len = (uint32_t)cap;
	missing = (uint32_t)(in->wire_len - cap);	/* snap length cut */

	if (in->wire_len > 0 && sn_lt(seq, d->next_seq)) {
		skip = d->next_seq - seq;
		if (skip >= in->wire_len) {
			d->stats.retrans_segments++;
			d->stats.retrans_bytes += in->wire_len;
			len = 0;
			missing = 0;
		} else {
			d->stats.overlaps++;
			d->stats.retrans_bytes += skip;
			if (skip >= len) {
				missing -= skip - len;
				len = 0;
			} else {
				p += skip;
				len -= skip;
			}
			seq = d->next_seq;
		}
	}
	if (len + missing > 0) {
		if (seq == d->next_seq && d->ooo == NULL) {
			deliver(d, p, len, in->frame, ops, arg);
			if (missing > 0)
				declare_gap(d, d->next_seq + missing, in->frame,
				    TCP_GAP_SNAPLEN, ops, arg);
		} else if (seq == d->next_seq) {
			/* fills (part of) the hole: queue it and drain */
			if (len > 0 && enqueue(d, seq, p, len, in->frame, ops,
			    arg) != 0)
				return -1;
			drain(d, ops, arg);
			if (missing > 0 && d->next_seq == seq + len)
				declare_gap(d, seq + len + missing, in->frame,
				    TCP_GAP_SNAPLEN, ops, arg);
			drain(d, ops, arg);
		} else if (seq - d->next_seq > TCP_AHEAD_MAX) {
			/* not this stream's bytes (or a wild sequence number) */
			d->stats.ignored++;
		} else {
			d->stats.ooo_segments++;
			if (len > 0 && enqueue(d, seq, p, len, in->frame, ops,
			    arg) != 0)
				return -1;
			/* over budget: give up on the oldest hole(s) */
			while (d->ooo != NULL && d->ooo_bytes > d->ooo_max) {
				declare_gap(d, d->ooo->seq, in->frame,
				    TCP_GAP_BUDGET, ops, arg);
				drain(d, ops, arg);
			}
		}
	}
	if (in->flags & PKT_TCP_RST) {
		tcp_dir_flush(d, in->frame, ops, arg);
		if (!d->ended) {
			d->ended = true;
			d->reset = true;
			if (ops->end != NULL)
				ops->end(arg, true, in->frame);
		}
		return 0;
	}
	if (d->fin_seen && d->ooo != NULL && sn_ge(d->next_seq, d->fin_seq))
		tcp_dir_flush(d, in->frame, ops, arg);
	check_end(d, in->frame, ops, arg);
	return 0;
}

void
tcp_dir_ack(struct tcp_dir *d, uint32_t ack, uint64_t frame,
    const struct tcp_ops *ops, void *arg)
{
	uint32_t upto;

	if (!d->acked_valid || sn_gt(ack, d->acked)) {
		d->acked = ack;
		d->acked_valid = true;
	}
	if (!d->started || d->ooo == NULL || !sn_gt(ack, d->next_seq))
		return;
	/* the peer has bytes we never saw: the hole will not be filled */
	upto = sn_lt(ack, d->ooo->seq) ? ack : d->ooo->seq;
	declare_gap(d, upto, frame, TCP_GAP_ACKED, ops, arg);
	drain(d, ops, arg);
	check_end(d, frame, ops, arg);
}

bool
tcp_dir_behind_ack(const struct tcp_dir *d)
{
	uint32_t end = d->next_seq + (d->fin_seen && sn_ge(d->next_seq,
	    d->fin_seq) ? 1 : 0);

	return d->started && d->acked_valid && sn_gt(d->acked, end);
}

void
tcp_dir_flush(struct tcp_dir *d, uint64_t frame, const struct tcp_ops *ops,
    void *arg)
{
	while (d->ooo != NULL) {
		declare_gap(d, d->ooo->seq, frame, TCP_GAP_END, ops, arg);
		drain(d, ops, arg);
	}
	check_end(d, frame, ops, arg);
}
