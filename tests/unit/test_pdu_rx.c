/*
 * PDU receive path: PDUs split at every byte boundary, random chunks,
 * digests switched on between PDUs (RFC 7143 13.1: digests start after
 * login), MaxRecvDataSegmentLength (RFC 7143 13.12) and garbage input.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "pdu.h"
#include "pdu_samples.h"

#define STREAM_MAX	(64 * 1024)
#define PDUS_MAX	64

struct stream {
	uint8_t		bytes[STREAM_MAX];
	size_t		len;
	size_t		off[PDUS_MAX], plen[PDUS_MAX];
	size_t		n;
};

struct seen {
	struct pdu_rx	*rx;
	const struct stream *s;
	size_t		n;
	int		codes[PDUS_MAX];
	uint8_t		opcodes[PDUS_MAX];
	uint32_t	dsl[PDUS_MAX];
	int		wire_ok;	/* every OK PDU matched the stream bytes */
	int		stop_after;	/* return 1 after this many, 0 = never */
	int		enable_digests;	/* switch on after a final Login Response */
};

static uint32_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
stream_add(struct stream *s, struct pdu *p, const struct pdu_digest_opts *d)
{
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pdu_encode(p, d, s->bytes + s->len,
	    sizeof(s->bytes) - s->len, &len), PDU_OK);
	s->off[s->n] = s->len;
	s->plen[s->n++] = len;
	s->len += len;
}

/* Every opcode, data lengths 0..7 where allowed, one digest setting. */
static void
stream_mixed(struct stream *s, const struct pdu_digest_opts *d)
{
	static uint8_t data[64];
	struct pdu p;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	memset(s, 0, sizeof(*s));
	for (i = 0; i < pdu_sample_nopcodes; i++) {
		uint8_t op = pdu_sample_opcodes[i];

		pdu_sample(&p, op, (uint32_t)i);
		if (pdu_sample_has_data(op) && op != PDU_OP_REJECT)
			pdu_set_data(&p, data, (uint32_t)(i % 8));
		stream_add(s, &p, d);
	}
}

static int
on_pdu(void *arg, const struct pdu *p, const struct pdu_error *err)
{
	struct seen *sn = arg;
	size_t i = sn->n;

	if (i >= PDUS_MAX)
		return 1;
	sn->codes[i] = err->code;
	sn->opcodes[i] = p->opcode;
	sn->dsl[i] = p->dsl;
	if (err->code == PDU_OK && sn->s != NULL && (i >= sn->s->n ||
	    p->wire_len != sn->s->plen[i] ||
	    memcmp(p->wire, sn->s->bytes + sn->s->off[i], p->wire_len) != 0))
		sn->wire_ok = 0;
	sn->n++;
	/* RFC 7143 13.1: digests apply once the login phase is over */
	if (sn->enable_digests && p->opcode == PDU_OP_LOGIN_RSP &&
	    p->u.login_rsp.transit &&
	    p->u.login_rsp.nsg == PDU_STAGE_FULL_FEATURE)
		pdu_rx_set_digests(sn->rx, true, true);
	return sn->stop_after != 0 && (int)sn->n >= sn->stop_after;
}

/* Feed s in chunks: 0 = all at once, 1 = byte by byte, else random 1..n. */
static void
feed(struct pdu_rx *rx, const uint8_t *b, size_t len, size_t chunk,
    struct seen *sn)
{
	size_t off = 0, n;

	while (off < len) {
		if (chunk == 0)
			n = len;
		else if (chunk == 1)
			n = 1;
		else
			n = 1 + rng() % chunk;
		if (n > len - off)
			n = len - off;
		CU_ASSERT_EQUAL(pdu_rx_feed(rx, b + off, n, on_pdu, sn),
		    (ssize_t)n);
		off += n;
	}
}

static void
test_chunking(void)
{
	static struct stream s;
	static const size_t chunks[] = { 0, 1, 2, 3, 5, 50, 700 };
	size_t d, c, i;

	rng_state = 0x12345678;
	for (d = 0; d < 4; d++) {
		struct pdu_digest_opts opts = { d & 1, (d & 2) != 0, 0, 0 };

		stream_mixed(&s, &opts);
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct pdu_rx rx;
			struct seen sn = { 0 };

			CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 8192), 0);
			pdu_rx_set_digests(&rx, opts.header, opts.data);
			sn.rx = &rx;
			sn.s = &s;
			sn.wire_ok = 1;
			feed(&rx, s.bytes, s.len, chunks[c], &sn);
			CU_ASSERT_EQUAL(sn.n, s.n);
			CU_ASSERT(sn.wire_ok);
			for (i = 0; i < sn.n; i++)
				CU_ASSERT_EQUAL(sn.codes[i], PDU_OK);
			CU_ASSERT_EQUAL(rx.pdus, s.n);
			CU_ASSERT_EQUAL(rx.errors, 0);
			CU_ASSERT_EQUAL(rx.state, PDU_RX_BHS);
			CU_ASSERT_EQUAL(rx.have, 0);
			pdu_rx_free(&rx);
		}
	}
}

/* RFC 7143 13.1: login without digests, then digests from the next PDU. */
static void
test_digests_after_login(void)
{
	static struct stream s;
	struct pdu_digest_opts none = { 0 }, both = { true, true, 0, 0 };
	uint8_t text[7] = "a=b\0c=d";
	struct pdu p;
	size_t c;

	memset(&s, 0, sizeof(s));
	pdu_sample(&p, PDU_OP_LOGIN_RSP, 1);
	p.u.login_rsp.transit = false;
	p.u.login_rsp.nsg = 0;
	pdu_set_data(&p, text, sizeof(text));
	stream_add(&s, &p, &none);
	pdu_sample(&p, PDU_OP_LOGIN_RSP, 2);
	pdu_set_data(&p, text, 3);
	stream_add(&s, &p, &none);
	pdu_sample(&p, PDU_OP_DATA_IN, 3);
	pdu_set_data(&p, text, 5);
	stream_add(&s, &p, &both);
	pdu_sample(&p, PDU_OP_NOP_IN, 4);
	stream_add(&s, &p, &both);

	for (c = 0; c < 3; c++) {
		struct pdu_rx rx;
		struct seen sn = { 0 };

		CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 8192), 0);
		sn.rx = &rx;
		sn.s = &s;
		sn.wire_ok = 1;
		sn.enable_digests = 1;
		feed(&rx, s.bytes, s.len, c == 2 ? 9 : c, &sn);
		CU_ASSERT_EQUAL(sn.n, 4);
		CU_ASSERT(sn.wire_ok);
		CU_ASSERT_EQUAL(sn.codes[2], PDU_OK);
		CU_ASSERT_EQUAL(sn.codes[3], PDU_OK);
		CU_ASSERT_EQUAL(rx.errors, 0);
		pdu_rx_free(&rx);
	}
}

/*
 * RFC 7143 13.12: a DataSegmentLength above MaxRecvDataSegmentLength is
 * reported distinctly (initiator event 21) and skipped; the stream stays
 * framed.
 */
static void
test_oversize(void)
{
	static uint8_t big[1000];
	static struct stream s;
	struct pdu_digest_opts both = { true, true, 0, 0 };
	struct pdu p;
	size_t c;

	memset(&s, 0, sizeof(s));
	pdu_sample(&p, PDU_OP_DATA_IN, 1);
	pdu_set_data(&p, big, sizeof(big) - 1);	/* 999: pad 1 + digest */
	stream_add(&s, &p, &both);
	pdu_sample(&p, PDU_OP_NOP_IN, 2);
	pdu_set_data(&p, big, 512);		/* exactly the limit */
	stream_add(&s, &p, &both);

	for (c = 0; c < 3; c++) {
		struct pdu_rx rx;
		struct seen sn = { 0 };

		CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 512), 0);
		pdu_rx_set_digests(&rx, true, true);
		sn.rx = &rx;
		feed(&rx, s.bytes, s.len, c == 2 ? 100 : c, &sn);
		CU_ASSERT_EQUAL(sn.n, 2);
		CU_ASSERT_EQUAL(sn.codes[0], PDU_EOVERSIZE);
		CU_ASSERT_EQUAL(sn.opcodes[0], PDU_OP_DATA_IN);
		CU_ASSERT_EQUAL(sn.dsl[0], 999);
		CU_ASSERT_EQUAL(sn.codes[1], PDU_OK);
		CU_ASSERT_EQUAL(sn.dsl[1], 512);
		CU_ASSERT_EQUAL(rx.errors, 1);
		pdu_rx_free(&rx);
	}
}

static int
grab_err(void *arg, const struct pdu *p, const struct pdu_error *err)
{
	struct pdu_error *e = arg;

	(void)p;
	if (e->code == PDU_OK)
		*e = *err;
	return 0;
}

/* Header digest errors lose framing; data digest errors do not. */
static void
test_digest_errors(void)
{
	static struct stream s;
	struct pdu_digest_opts both = { true, true, 0, 0 };
	struct pdu_digest_opts bad_hd = { true, true, 1, 0 };
	struct pdu_digest_opts bad_dd = { true, true, 0, 1 };
	uint8_t data[6] = "abcdef";
	struct pdu_error e;
	struct pdu_rx rx;
	struct pdu p;
	struct seen sn = { 0 };

	memset(&s, 0, sizeof(s));
	pdu_sample(&p, PDU_OP_DATA_IN, 1);
	pdu_set_data(&p, data, 6);
	stream_add(&s, &p, &bad_dd);
	stream_add(&s, &p, &both);
	stream_add(&s, &p, &bad_hd);

	CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 8192), 0);
	pdu_rx_set_digests(&rx, true, true);
	sn.rx = &rx;
	CU_ASSERT_EQUAL(pdu_rx_feed(&rx, s.bytes, s.off[2], on_pdu, &sn),
	    (ssize_t)s.off[2]);
	CU_ASSERT_EQUAL(sn.n, 2);
	CU_ASSERT_EQUAL(sn.codes[0], PDU_EDDIGEST);
	CU_ASSERT_EQUAL(sn.codes[1], PDU_OK);
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(pdu_rx_feed(&rx, s.bytes + s.off[2], s.plen[2],
	    grab_err, &e), -1);
	CU_ASSERT_EQUAL(e.code, PDU_EHDIGEST);
	CU_ASSERT_STRING_EQUAL(e.field, "HeaderDigest");
	CU_ASSERT_EQUAL(rx.state, PDU_RX_DEAD);
	CU_ASSERT_EQUAL(pdu_rx_feed(&rx, s.bytes, s.plen[1], on_pdu, &sn), -1);
	pdu_rx_reset(&rx);
	CU_ASSERT_EQUAL(pdu_rx_feed(&rx, s.bytes + s.off[1], s.plen[1], on_pdu,
	    &sn), (ssize_t)s.plen[1]);
	CU_ASSERT_EQUAL(sn.n, 3);
	CU_ASSERT_EQUAL(sn.codes[2], PDU_OK);
	pdu_rx_free(&rx);
}

/* The callback can stop the feed; the rest is consumed by the next call. */
static void
test_stop(void)
{
	static struct stream s;
	struct pdu_rx rx;
	struct seen sn = { 0 };
	ssize_t n;

	stream_mixed(&s, NULL);
	CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 8192), 0);
	sn.rx = &rx;
	sn.s = &s;
	sn.wire_ok = 1;
	sn.stop_after = 1;
	n = pdu_rx_feed(&rx, s.bytes, s.len, on_pdu, &sn);
	CU_ASSERT_EQUAL(n, (ssize_t)s.plen[0]);
	sn.stop_after = 0;
	CU_ASSERT_EQUAL(pdu_rx_feed(&rx, s.bytes + n, s.len - (size_t)n, on_pdu,
	    &sn), (ssize_t)(s.len - (size_t)n));
	CU_ASSERT_EQUAL(sn.n, s.n);
	CU_ASSERT(sn.wire_ok);
	pdu_rx_free(&rx);
}

/* Random bytes: every PDU-shaped thing is reported, nothing crashes. */
static void
test_garbage(void)
{
	static uint8_t junk[256 * 1024];
	size_t i, off, n, rounds;
	ssize_t r;

	rng_state = 0xdecafbad;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rng();
	for (rounds = 0; rounds < 2; rounds++) {
		struct pdu_rx rx;
		struct seen sn = { 0 };

		CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 8192), 0);
		pdu_rx_set_digests(&rx, rounds == 1, rounds == 1);
		sn.rx = &rx;
		for (i = 0; i < sizeof(junk); i++)	/* small lengths */
			if (i % 48 == 5)
				junk[i] = 0;
		for (off = 0; off < sizeof(junk); off += n) {
			n = 1 + rng() % 3000;
			if (n > sizeof(junk) - off)
				n = sizeof(junk) - off;
			r = pdu_rx_feed(&rx, junk + off, n, on_pdu, &sn);
			if (r < 0)
				pdu_rx_reset(&rx);
			else
				CU_ASSERT_EQUAL(r, (ssize_t)n);
			if (sn.n >= PDUS_MAX)
				sn.n = 0;
		}
		CU_ASSERT(rx.pdus > 0);
		CU_ASSERT(rx.errors > 0);
		pdu_rx_free(&rx);
	}
}

static CU_TestInfo pdu_rx_tests[] = {
	{ "rfc7143_11_every_split_and_chunking", test_chunking },
	{ "rfc7143_13_1_digests_after_login", test_digests_after_login },
	{ "rfc7143_13_12_oversize_event21", test_oversize },
	{ "rfc7143_13_1_digest_errors", test_digest_errors },
	{ "callback_stops_feed", test_stop },
	{ "garbage_resilience", test_garbage },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "pdu_rx", pdu_rx_tests)
