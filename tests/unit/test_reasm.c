/*
 * TCP reassembly of one direction (harness tcp_reasm), RFC 9293 sequence
 * space with RFC 1982 comparisons: in order, out of order, retransmission,
 * overlaps (first copy wins, conflicts reported), holes closed by the
 * peer's ACK / the byte budget / the end of capture, snap-length cuts,
 * midstream start, wrap-around, FIN and RST.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "pcap_pkt.h"
#include "tcp_reasm.h"

#define OUT_MAX		4096
#define GAPS_MAX	16

struct rec {
	uint8_t		out[OUT_MAX];
	size_t		len;
	uint64_t	frames[OUT_MAX];	/* frame of each delivered byte */
	struct { uint32_t seq; uint64_t len; enum tcp_gap_why why; } gap[GAPS_MAX];
	size_t		ngaps;
	size_t		conflicts;
	int		ended;		/* 1 FIN, 2 RST */
};

static void
on_data(void *arg, const uint8_t *p, size_t len, uint64_t frame)
{
	struct rec *r = arg;
	size_t i;

	for (i = 0; i < len && r->len < OUT_MAX; i++) {
		r->frames[r->len] = frame;
		r->out[r->len++] = p[i];
	}
}

static void
on_gap(void *arg, uint32_t seq, uint64_t len, uint64_t frame,
    enum tcp_gap_why why)
{
	struct rec *r = arg;

	(void)frame;
	if (r->ngaps < GAPS_MAX) {
		r->gap[r->ngaps].seq = seq;
		r->gap[r->ngaps].len = len;
		r->gap[r->ngaps].why = why;
		r->ngaps++;
	}
	/* mark the hole with '#' so content checks see where it was */
	while (len-- > 0 && r->len < OUT_MAX)
		r->out[r->len++] = '#';
}

static void
on_conflict(void *arg, uint32_t seq, size_t len, uint64_t frame)
{
	struct rec *r = arg;

	(void)seq; (void)len; (void)frame;
	r->conflicts++;
}

static void
on_end(void *arg, bool reset, uint64_t frame)
{
	struct rec *r = arg;

	(void)frame;
	r->ended = reset ? 2 : 1;
}

static const struct tcp_ops ops = { on_data, on_gap, on_conflict, on_end };

static const char stream[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

/* Segment [off, off+len) of `stream' with ISN isn. */
static void
seg(struct tcp_dir *d, struct rec *r, uint32_t isn, size_t off, size_t len,
    uint8_t flags, uint64_t frame)
{
	struct tcp_segment_in in;

	memset(&in, 0, sizeof(in));
	in.seq = isn + 1 + (uint32_t)off;
	in.flags = flags | PKT_TCP_ACK;
	in.payload = (const uint8_t *)stream + off;
	in.cap_len = in.wire_len = len;
	in.frame = frame;
	CU_ASSERT_EQUAL(tcp_dir_segment(d, &in, &ops, r), 0);
}

static void
syn(struct tcp_dir *d, struct rec *r, uint32_t isn)
{
	struct tcp_segment_in in;

	memset(&in, 0, sizeof(in));
	in.seq = isn;
	in.flags = PKT_TCP_SYN;
	in.frame = 1;
	tcp_dir_segment(d, &in, &ops, r);
}

static void
test_in_order(void)
{
	struct tcp_dir d;
	struct rec r;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 1000);
	seg(&d, &r, 1000, 0, 10, 0, 2);
	seg(&d, &r, 1000, 10, 20, 0, 3);
	CU_ASSERT_EQUAL(r.len, 30);
	CU_ASSERT_EQUAL(memcmp(r.out, stream, 30), 0);
	CU_ASSERT_EQUAL(r.frames[0], 2);
	CU_ASSERT_EQUAL(r.frames[29], 3);
	CU_ASSERT_FALSE(d.midstream);
	CU_ASSERT_EQUAL(d.stats.ooo_segments, 0);
	tcp_dir_free(&d);
}

/* RFC 9293 3.10.7.4: segments beyond RCV.NXT are queued until the hole fills. */
static void
test_out_of_order(void)
{
	struct tcp_dir d;
	struct rec r;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 7);
	seg(&d, &r, 7, 20, 10, 0, 2);
	seg(&d, &r, 7, 10, 10, 0, 3);
	CU_ASSERT_EQUAL(r.len, 0);
	seg(&d, &r, 7, 0, 10, 0, 4);
	CU_ASSERT_EQUAL(r.len, 30);
	CU_ASSERT_EQUAL(memcmp(r.out, stream, 30), 0);
	CU_ASSERT_EQUAL(r.frames[25], 2);	/* kept its own frame */
	CU_ASSERT_EQUAL(d.stats.ooo_segments, 2);
	CU_ASSERT_EQUAL(d.ooo_bytes, 0);
	CU_ASSERT_EQUAL(r.ngaps, 0);
	tcp_dir_free(&d);
}

static void
test_retransmission_overlap(void)
{
	struct tcp_dir d;
	struct rec r;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 0);
	seg(&d, &r, 0, 0, 10, 0, 2);
	seg(&d, &r, 0, 0, 10, 0, 3);		/* full retransmission */
	seg(&d, &r, 0, 5, 10, 0, 4);		/* half old, half new */
	CU_ASSERT_EQUAL(r.len, 15);
	CU_ASSERT_EQUAL(memcmp(r.out, stream, 15), 0);
	CU_ASSERT_EQUAL(d.stats.retrans_segments, 1);
	CU_ASSERT_EQUAL(d.stats.retrans_bytes, 15);
	/* overlapping out-of-order segments: [25,35) then [20,30) then [15,25) */
	seg(&d, &r, 0, 25, 10, 0, 5);
	seg(&d, &r, 0, 20, 10, 0, 6);
	seg(&d, &r, 0, 18, 20, 0, 7);		/* covers and extends */
	seg(&d, &r, 0, 15, 5, 0, 8);
	CU_ASSERT_EQUAL(r.len, 38);
	CU_ASSERT_EQUAL(memcmp(r.out, stream, 38), 0);
	CU_ASSERT_EQUAL(r.conflicts, 0);
	tcp_dir_free(&d);
}

/* A retransmission with other bytes: the first copy is kept, reported. */
static void
test_conflict(void)
{
	struct tcp_dir d;
	struct rec r;
	struct tcp_segment_in in;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 0);
	seg(&d, &r, 0, 10, 10, 0, 2);
	memset(&in, 0, sizeof(in));
	in.seq = 1 + 10;
	in.flags = PKT_TCP_ACK;
	in.payload = (const uint8_t *)"XXXXXXXXXX";
	in.cap_len = in.wire_len = 10;
	in.frame = 3;
	tcp_dir_segment(&d, &in, &ops, &r);
	CU_ASSERT_EQUAL(r.conflicts, 1);
	seg(&d, &r, 0, 0, 10, 0, 4);
	CU_ASSERT_EQUAL(r.len, 20);
	CU_ASSERT_EQUAL(memcmp(r.out, stream, 20), 0);
	CU_ASSERT_EQUAL(d.stats.conflicts, 1);
	tcp_dir_free(&d);
}

/* Bytes the receiver acknowledged but the capture lacks: a gap at once. */
static void
test_gap_acked(void)
{
	struct tcp_dir d;
	struct rec r;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 100);
	seg(&d, &r, 100, 0, 10, 0, 2);
	seg(&d, &r, 100, 20, 10, 0, 3);		/* [10,20) never captured */
	CU_ASSERT_EQUAL(r.len, 10);
	CU_ASSERT_FALSE(tcp_dir_behind_ack(&d));
	tcp_dir_ack(&d, 100 + 1 + 15, 4, &ops, &r);	/* peer has up to 15 */
	/* only what the peer acknowledged is surely lost: [10,15) */
	CU_ASSERT_EQUAL(r.ngaps, 1);
	CU_ASSERT_EQUAL(r.gap[0].seq, 100 + 1 + 10);
	CU_ASSERT_EQUAL(r.gap[0].len, 5);
	CU_ASSERT_EQUAL(r.gap[0].why, TCP_GAP_ACKED);
	CU_ASSERT_EQUAL(r.len, 15);
	tcp_dir_ack(&d, 100 + 1 + 30, 5, &ops, &r);
	CU_ASSERT_EQUAL(r.ngaps, 2);
	CU_ASSERT_EQUAL(r.gap[1].seq, 100 + 1 + 15);
	CU_ASSERT_EQUAL(r.gap[1].len, 5);
	CU_ASSERT_EQUAL(r.len, 30);
	CU_ASSERT_EQUAL(memcmp(r.out + 20, stream + 20, 10), 0);
	CU_ASSERT_EQUAL(d.stats.gap_bytes, 10);
	CU_ASSERT_FALSE(tcp_dir_behind_ack(&d));
	tcp_dir_ack(&d, 100 + 1 + 40, 5, &ops, &r);
	CU_ASSERT_TRUE(tcp_dir_behind_ack(&d));	/* acked beyond the capture */
	tcp_dir_free(&d);
}

static void
test_gap_end_and_budget(void)
{
	struct tcp_dir d;
	struct rec r;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 0);
	seg(&d, &r, 0, 5, 5, 0, 2);
	tcp_dir_flush(&d, 3, &ops, &r);
	CU_ASSERT_EQUAL(r.ngaps, 1);
	CU_ASSERT_EQUAL(r.gap[0].why, TCP_GAP_END);
	CU_ASSERT_EQUAL(r.len, 10);
	CU_ASSERT_EQUAL(memcmp(r.out, "#####56789", 10), 0);
	tcp_dir_free(&d);

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 8);			/* 8 bytes out of order at most */
	syn(&d, &r, 0);
	seg(&d, &r, 0, 10, 5, 0, 2);
	CU_ASSERT_EQUAL(r.ngaps, 0);
	seg(&d, &r, 0, 20, 5, 0, 3);		/* 10 queued > 8 */
	CU_ASSERT_EQUAL(r.ngaps, 1);
	CU_ASSERT_EQUAL(r.gap[0].why, TCP_GAP_BUDGET);
	CU_ASSERT_EQUAL(r.gap[0].len, 10);
	CU_ASSERT_EQUAL(r.len, 15);		/* hole + [10,15) */
	CU_ASSERT_EQUAL(d.ooo_bytes, 5);
	tcp_dir_free(&d);
}

/* Payload cut by the snap length: captured part then a gap. */
static void
test_snaplen(void)
{
	struct tcp_dir d;
	struct rec r;
	struct tcp_segment_in in;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 0);
	memset(&in, 0, sizeof(in));
	in.seq = 1;
	in.flags = PKT_TCP_ACK;
	in.payload = (const uint8_t *)stream;
	in.cap_len = 6;
	in.wire_len = 10;
	in.frame = 2;
	tcp_dir_segment(&d, &in, &ops, &r);
	CU_ASSERT_EQUAL(r.ngaps, 1);
	CU_ASSERT_EQUAL(r.gap[0].why, TCP_GAP_SNAPLEN);
	CU_ASSERT_EQUAL(r.gap[0].len, 4);
	seg(&d, &r, 0, 10, 5, 0, 3);
	CU_ASSERT_EQUAL(r.len, 15);
	CU_ASSERT_EQUAL(memcmp(r.out, "012345####abcde", 15), 0);
	tcp_dir_free(&d);
}

/* No SYN captured; sequence numbers wrap past 2^32 (RFC 1982). */
static void
test_midstream_wrap(void)
{
	struct tcp_dir d;
	struct rec r;
	uint32_t isn = 0xfffffff0u;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	seg(&d, &r, isn, 10, 10, 0, 1);		/* crosses 0 */
	CU_ASSERT_TRUE(d.midstream);
	seg(&d, &r, isn, 30, 5, 0, 2);
	seg(&d, &r, isn, 20, 10, 0, 3);
	seg(&d, &r, isn, 5, 10, 0, 4);		/* before the start: old */
	CU_ASSERT_EQUAL(r.len, 25);
	CU_ASSERT_EQUAL(memcmp(r.out, stream + 10, 25), 0);
	tcp_dir_free(&d);
}

static void
test_fin_rst(void)
{
	struct tcp_dir d;
	struct rec r;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 0);
	seg(&d, &r, 0, 10, 5, PKT_TCP_FIN, 2);	/* FIN ahead of a hole */
	CU_ASSERT_EQUAL(r.ended, 0);
	seg(&d, &r, 0, 0, 10, 0, 3);
	CU_ASSERT_EQUAL(r.ended, 1);
	CU_ASSERT_EQUAL(r.len, 15);
	tcp_dir_free(&d);

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 0);
	seg(&d, &r, 0, 10, 5, 0, 2);
	seg(&d, &r, 0, 0, 0, PKT_TCP_RST, 3);
	CU_ASSERT_EQUAL(r.ended, 2);
	CU_ASSERT_TRUE(d.reset);
	CU_ASSERT_EQUAL(r.ngaps, 1);		/* queued data flushed */
	tcp_dir_free(&d);
}

/* Sequence numbers 2^31 apart are undefined in RFC 1982; segments far
   ahead are not queued; flushing always terminates. */
static void
test_wild_sequence_numbers(void)
{
	struct tcp_dir d;
	struct rec r;
	struct tcp_segment_in in;

	memset(&r, 0, sizeof(r));
	tcp_dir_init(&d, 0);
	syn(&d, &r, 0);
	seg(&d, &r, 0, 0, 4, 0, 2);
	memset(&in, 0, sizeof(in));
	in.flags = PKT_TCP_ACK;
	in.payload = (const uint8_t *)stream;
	in.cap_len = in.wire_len = 4;
	in.seq = d.next_seq + 0x80000000u;	/* exactly 2^31 ahead */
	tcp_dir_segment(&d, &in, &ops, &r);
	in.seq = d.next_seq + 0x50000000u;	/* > TCP_AHEAD_MAX ahead */
	tcp_dir_segment(&d, &in, &ops, &r);
	CU_ASSERT_EQUAL(d.stats.ignored, 2);
	CU_ASSERT_PTR_NULL(d.ooo);
	in.seq = d.next_seq + 100;		/* an ordinary hole */
	tcp_dir_segment(&d, &in, &ops, &r);
	tcp_dir_flush(&d, 3, &ops, &r);
	CU_ASSERT_PTR_NULL(d.ooo);
	CU_ASSERT_EQUAL(r.len, 4 + 100 + 4);
	tcp_dir_free(&d);
}

static CU_TestInfo reasm_tests[] = {
	{ "rfc1982_undefined_and_wild_seq_terminate",
	    test_wild_sequence_numbers },
	{ "in_order", test_in_order },
	{ "rfc9293_out_of_order", test_out_of_order },
	{ "retransmission_and_overlaps", test_retransmission_overlap },
	{ "overlap_conflict_first_copy_wins", test_conflict },
	{ "gap_acked_by_peer", test_gap_acked },
	{ "gap_at_end_and_over_budget", test_gap_end_and_budget },
	{ "snaplen_cut_is_gap", test_snaplen },
	{ "midstream_rfc1982_wrap", test_midstream_wrap },
	{ "fin_after_hole_and_rst", test_fin_rst },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "reasm", reasm_tests)
