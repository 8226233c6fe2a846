/*
 * PDU framing of a captured direction (harness analyze_framer): PDUs split
 * at random points, a gap inside a data segment (framing kept, PDU flagged
 * incomplete), a gap between PDUs and leading garbage (resynchronisation
 * on a plausible BHS, RFC 7143 11.2), digest detection from CRC32C values
 * (RFC 7143 13.1) and a header digest error in the middle of a stream.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "analyze_framer.h"

#define STREAM_MAX	65536
#define NPDU		12

struct got {
	size_t		n;
	uint8_t		op[64];
	int		code[64];
	uint64_t	missing[64];
	uint64_t	off[64];
	size_t		ev[8];
	uint64_t	ev_bytes[8];
};

static void
on_pdu(void *arg, const struct pdu *p, const struct pdu_error *err,
    const struct framer_pdu_info *info)
{
	struct got *g = arg;

	if (g->n < 64) {
		g->op[g->n] = p->opcode;
		g->code[g->n] = err->code;
		g->missing[g->n] = info->missing;
		g->off[g->n] = info->stream_off;
	}
	g->n++;
}

static void
on_event(void *arg, enum framer_event ev, uint64_t frame, uint64_t bytes,
    const uint8_t *bhs)
{
	struct got *g = arg;

	(void)frame; (void)bhs;
	g->ev[ev]++;
	g->ev_bytes[ev] += bytes;
}

static const struct framer_ops ops = { on_pdu, on_event };

struct stream {
	uint8_t		b[STREAM_MAX];
	size_t		len;
	size_t		off[NPDU], plen[NPDU];
	size_t		n;
};

static uint8_t payload[8192];

/* Target-side PDUs: Data-In with data, SCSI Response, NOP-In, R2T. */
static void
target_stream(struct stream *s, const struct pdu_digest_opts *d)
{
	struct pdu p;
	size_t len, i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < NPDU; i++) {
		switch (i % 4) {
		case 0:
			pdu_init(&p, PDU_OP_DATA_IN);
			p.itt = (uint32_t)i;
			p.u.data_in.datasn = (uint32_t)i;
			pdu_set_data(&p, payload, (uint32_t)(1000 + i * 3));
			break;
		case 1:
			pdu_init(&p, PDU_OP_SCSI_RSP);
			p.itt = (uint32_t)i;
			p.u.scsi_rsp.statsn = (uint32_t)i;
			break;
		case 2:
			pdu_init(&p, PDU_OP_NOP_IN);
			pdu_set_data(&p, payload, 5);
			p.itt = (uint32_t)i;
			break;
		default:
			pdu_init(&p, PDU_OP_R2T);
			p.itt = (uint32_t)i;
			p.u.r2t.ttt = 0x1234;
			p.u.r2t.ddtl = 4096;
			break;
		}
		CU_ASSERT_EQUAL_FATAL(pdu_encode(&p, d, s->b + s->len,
		    sizeof(s->b) - s->len, &len), PDU_OK);
		s->off[s->n] = s->len;
		s->plen[s->n++] = len;
		s->len += len;
	}
}

static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
feed_random(struct framer *f, const uint8_t *b, size_t len)
{
	size_t off = 0, n;
	uint64_t frame = 1;

	while (off < len) {
		n = 1 + rng() % 3000;
		if (n > len - off)
			n = len - off;
		CU_ASSERT_EQUAL(framer_feed(f, b + off, n, frame++), 0);
		off += n;
	}
}

/* Every split of the stream gives the same PDUs, all OK, offsets exact. */
static void
test_random_splits(void)
{
	struct pdu_digest_opts d = { true, true, 0, 0 };
	struct stream s;
	struct framer f;
	struct got g;
	int round;
	size_t i;

	for (round = 0; round < 50; round++) {
		bool dig = round & 1;

		target_stream(&s, dig ? &d : NULL);
		memset(&g, 0, sizeof(g));
		framer_init(&f, false, true, &ops, &g);
		framer_set_digests(&f, dig, dig);
		feed_random(&f, s.b, s.len);
		framer_end(&f, 99);
		CU_ASSERT_EQUAL(g.n, NPDU);
		for (i = 0; i < NPDU && i < g.n; i++) {
			CU_ASSERT_EQUAL(g.code[i], PDU_OK);
			CU_ASSERT_EQUAL(g.off[i], s.off[i]);
		}
		CU_ASSERT_EQUAL(g.ev[FRAMER_EV_RESYNC], 0);
		CU_ASSERT_EQUAL(f.len, 0);
		framer_free(&f);
	}
}

/* A gap inside a data segment keeps framing: zero-filled, flagged. */
static void
test_gap_inside_data(void)
{
	struct stream s;
	struct framer f;
	struct got g;
	size_t cut;

	target_stream(&s, NULL);
	cut = s.off[0] + 48 + 100;
	memset(&g, 0, sizeof(g));
	framer_init(&f, false, true, &ops, &g);
	framer_set_digests(&f, false, false);
	framer_feed(&f, s.b, cut, 1);
	framer_gap(&f, 200, 2);
	framer_feed(&f, s.b + cut + 200, s.len - cut - 200, 3);
	framer_end(&f, 4);
	CU_ASSERT_EQUAL(g.n, NPDU);
	CU_ASSERT_EQUAL(g.missing[0], 200);
	CU_ASSERT_EQUAL(g.code[0], PDU_OK);
	CU_ASSERT_EQUAL(g.missing[1], 0);
	CU_ASSERT_EQUAL(g.ev[FRAMER_EV_LOST_GAP], 0);
	framer_free(&f);
}

/* A gap across a PDU boundary: framing lost, then found again. */
static void
test_gap_resync(void)
{
	struct stream s;
	struct framer f;
	struct got g;
	size_t cut;

	target_stream(&s, NULL);
	cut = s.off[2] + 10;			/* inside PDU 2's header */
	memset(&g, 0, sizeof(g));
	framer_init(&f, false, true, &ops, &g);
	framer_set_digests(&f, false, false);
	framer_feed(&f, s.b, cut, 1);
	framer_gap(&f, s.off[4] - cut + 7, 2);	/* up to 7 bytes into PDU 4 */
	framer_feed(&f, s.b + s.off[4] + 7, s.len - s.off[4] - 7, 3);
	framer_end(&f, 4);
	CU_ASSERT_EQUAL(g.ev[FRAMER_EV_LOST_GAP], 1);
	CU_ASSERT_EQUAL(g.ev[FRAMER_EV_RESYNC], 1);
	/* PDUs 0, 1 and 5.. are decoded; 2-4 are gone */
	CU_ASSERT_EQUAL(g.n, NPDU - 3);
	CU_ASSERT_EQUAL(g.ev_bytes[FRAMER_EV_RESYNC], s.off[5] - s.off[4] - 7);
	CU_ASSERT_EQUAL(g.op[2], PDU_OP_SCSI_RSP);	/* PDU 5 */
	CU_ASSERT_EQUAL(g.off[2], s.off[5]);
	framer_free(&f);
}

/* Midstream start with garbage; digests found from the CRC32C values. */
static void
test_midstream_digest_detection(void)
{
	struct pdu_digest_opts d = { true, true, 0, 0 };
	static uint8_t b[STREAM_MAX + 100];
	struct stream s;
	struct framer f;
	struct got g;
	size_t i;

	target_stream(&s, &d);
	for (i = 0; i < 77; i++)
		b[i] = (uint8_t)(0x21 + i);	/* no BHS in there */
	memcpy(b + 77, s.b, s.len);
	memset(&g, 0, sizeof(g));
	framer_init(&f, false, false, &ops, &g);
	feed_random(&f, b, 77 + s.len);
	framer_end(&f, 99);
	CU_ASSERT_EQUAL(g.n, NPDU);
	CU_ASSERT_TRUE(f.dig.header);
	CU_ASSERT_TRUE(f.dig.data);
	CU_ASSERT_TRUE(f.dd_known);
	for (i = 0; i < g.n && i < NPDU; i++)
		CU_ASSERT_EQUAL(g.code[i], PDU_OK);
	CU_ASSERT_EQUAL(f.discarded, 77);
	framer_free(&f);
}

/* RFC 7143 13.1: a header digest error is delivered, then framing is
   re-established from the next plausible BHS. */
static void
test_header_digest_error(void)
{
	struct pdu_digest_opts d = { true, false, 0, 0 };
	struct stream s;
	struct framer f;
	struct got g;

	target_stream(&s, &d);
	s.b[s.off[3] + 20] ^= 0x40;		/* corrupt PDU 3's BHS */
	memset(&g, 0, sizeof(g));
	framer_init(&f, false, true, &ops, &g);
	framer_set_digests(&f, true, false);
	framer_feed(&f, s.b, s.len, 1);
	framer_end(&f, 2);
	CU_ASSERT_EQUAL(g.n, NPDU);
	CU_ASSERT_EQUAL(g.code[3], PDU_EHDIGEST);
	CU_ASSERT_EQUAL(g.ev[FRAMER_EV_LOST_HDIGEST], 1);
	CU_ASSERT_EQUAL(g.ev[FRAMER_EV_RESYNC], 1);
	CU_ASSERT_EQUAL(g.code[4], PDU_OK);
	CU_ASSERT_EQUAL(g.off[4], s.off[4]);
	framer_free(&f);
}

/* A stream that ends inside a PDU reports it, decodes nothing more. */
static void
test_truncated_end(void)
{
	struct stream s;
	struct framer f;
	struct got g;

	target_stream(&s, NULL);
	memset(&g, 0, sizeof(g));
	framer_init(&f, false, true, &ops, &g);
	framer_set_digests(&f, false, false);
	framer_feed(&f, s.b, s.off[1] + 30, 1);
	framer_end(&f, 2);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_EQUAL(g.ev[FRAMER_EV_TRUNC_END], 1);
	CU_ASSERT_EQUAL(g.ev_bytes[FRAMER_EV_TRUNC_END], 30);
	framer_free(&f);
}

static CU_TestInfo framer_tests[] = {
	{ "random_splits_with_and_without_digests", test_random_splits },
	{ "gap_inside_data_segment_keeps_framing", test_gap_inside_data },
	{ "rfc7143_11_2_gap_between_pdus_resync", test_gap_resync },
	{ "rfc7143_13_1_midstream_digest_detection",
	    test_midstream_digest_detection },
	{ "rfc7143_13_1_header_digest_error_resync", test_header_digest_error },
	{ "stream_ends_inside_pdu", test_truncated_end },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "framer", framer_tests)
