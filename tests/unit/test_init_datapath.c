/*
 * The initiator's data path: Data-In placed straight into the command's
 * buffer (pdu_rx placement, iconn readv, headers read alone after large
 * segments, SO_RCVLOWAT), the placement given back (unplace), sends
 * gathered while input is handled and flushed before a close, and large
 * single-PDU reads through the whole initiator (RFC 7143 11.7: Data-In with
 * phase collapse; 13.12 MaxRecvDataSegmentLength).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytes.h"
#include "crc32c.h"
#include "iconn.h"
#include "ini_internal.h"
#include "scsi.h"
#include "sock.h"
#include "test_init_peer.h"
#include "unit.h"

/* ---- pdu_rx placement ----------------------------------------------------- */

static uint8_t place_buf[70000];
static int place_calls;
static bool place_refuse;

static uint8_t *
place_fn(void *arg, const struct pdu *hdr)
{
	(void)arg;
	place_calls++;
	if (place_refuse || hdr->dsl > sizeof(place_buf))
		return NULL;
	return place_buf;
}

struct got {
	int		n, code;
	const uint8_t	*data;
	uint32_t	len, itt;
	size_t		wire_len;
	uint8_t		copy[70000];
};

static int
got_pdu(void *arg, const struct pdu *p, const struct pdu_error *e)
{
	struct got *g = arg;

	g->n++;
	g->code = e->code;
	g->data = p->data;
	g->len = p->data_len;
	g->itt = p->itt;
	g->wire_len = p->wire_len;
	if (p->data_len <= sizeof(g->copy) && p->data_len > 0)
		memcpy(g->copy, p->data, p->data_len);
	return 0;
}

/* A Data-In PDU with len bytes of pattern (seed s), encoded. */
static size_t
make_data_in(uint8_t *wire, size_t cap, uint32_t itt, uint32_t len,
    uint8_t s, const struct pdu_digest_opts *d)
{
	static uint8_t data[70000];
	struct pdu p;
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + s);
	pdu_init(&p, PDU_OP_DATA_IN);
	p.itt = itt;
	p.u.data_in.ttt = PDU_TAG_RESERVED;
	pdu_set_data(&p, data, len);
	CU_ASSERT_EQUAL(pdu_encode(&p, d, wire, cap, &n), PDU_OK);
	return n;
}

static bool
pattern_ok(const uint8_t *b, uint32_t len, uint8_t s)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)(i * 7 + s))
			return false;
	return true;
}

/* RFC 7143 11.7.7 / 13.12: a data segment of 4097 bytes (3 pad bytes)
 * with both digests, fed in pieces of every awkward size, lands in the
 * placed buffer; the PDU's data points there, its wire is the header. */
static void
test_rx_placement(void)
{
	static uint8_t wire[80000];
	struct pdu_digest_opts d = { .header = true, .data = true };
	static struct got g;
	struct pdu_rx rx;
	size_t n, at, step;
	static const size_t steps[] = { 1, 3, 47, 48, 52, 4096, 100000 };
	size_t k;

	n = make_data_in(wire, sizeof(wire), 7, 4097, 1, &d);
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 65536), 0);
		pdu_rx_set_digests(&rx, true, true);
		pdu_rx_set_placement(&rx, place_fn, NULL);
		memset(&g, 0, sizeof(g));
		memset(place_buf, 0, sizeof(place_buf));
		place_calls = 0;
		place_refuse = false;
		for (at = 0; at < n; at += step) {
			step = n - at < steps[k] ? n - at : steps[k];
			CU_ASSERT_EQUAL(pdu_rx_feed(&rx, wire + at, step, got_pdu, &g),
			    (ssize_t)step);
		}
		CU_ASSERT_EQUAL(g.n, 1);
		CU_ASSERT_EQUAL(g.code, PDU_OK);
		CU_ASSERT_EQUAL(place_calls, 1);
		CU_ASSERT_PTR_EQUAL(g.data, place_buf);
		CU_ASSERT_EQUAL(g.len, 4097);
		CU_ASSERT_EQUAL(g.wire_len, 48 + 4);	/* BHS + header digest */
		CU_ASSERT_TRUE(pattern_ok(place_buf, 4097, 1));
		pdu_rx_free(&rx);
	}
}

/* RFC 7143 11.7.7: a corrupt data digest is still found when the data
 * was placed; a refused placement takes the receive buffer. */
static void
test_rx_placement_digest_and_refusal(void)
{
	static uint8_t wire[80000];
	struct pdu_digest_opts d = { .header = true, .data = true };
	static struct got g;
	struct pdu_rx rx;
	size_t n;

	n = make_data_in(wire, sizeof(wire), 8, 1000, 2, &d);
	wire[n - 1] ^= 0x40;			/* the data digest */
	CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 65536), 0);
	pdu_rx_set_digests(&rx, true, true);
	pdu_rx_set_placement(&rx, place_fn, NULL);
	memset(&g, 0, sizeof(g));
	place_refuse = false;
	pdu_rx_feed(&rx, wire, n, got_pdu, &g);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_EQUAL(g.code, PDU_EDDIGEST);
	place_refuse = true;
	n = make_data_in(wire, sizeof(wire), 9, 1000, 3, &d);
	pdu_rx_feed(&rx, wire, n, got_pdu, &g);
	CU_ASSERT_EQUAL(g.n, 2);
	CU_ASSERT_EQUAL(g.code, PDU_OK);
	CU_ASSERT_PTR_NOT_EQUAL(g.data, place_buf);
	CU_ASSERT_TRUE(pattern_ok(g.copy, 1000, 3));
	CU_ASSERT_EQUAL(g.wire_len, n);		/* not placed: all of it */
	pdu_rx_free(&rx);
}

/* The direct API: after the header, the data is written at the place
 * pdu_rx_direct() gives (as readv does), then the rest is fed. */
static void
test_rx_direct(void)
{
	static uint8_t wire[80000];
	static struct got g;
	struct pdu_rx rx;
	uint8_t *dst = NULL;
	size_t n, due;

	n = make_data_in(wire, sizeof(wire), 10, 5000, 4, NULL);
	CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 65536), 0);
	pdu_rx_set_placement(&rx, place_fn, NULL);
	place_refuse = false;
	memset(&g, 0, sizeof(g));
	CU_ASSERT_EQUAL(pdu_rx_direct(&rx, &dst), 0);	/* no header yet */
	pdu_rx_feed(&rx, wire, 48 + 100, got_pdu, &g);
	due = pdu_rx_direct(&rx, &dst);
	CU_ASSERT_EQUAL(due, 4900);
	CU_ASSERT_PTR_EQUAL(dst, place_buf + 100);
	memcpy(dst, wire + 48 + 100, 2000);
	pdu_rx_direct_done(&rx, 2000);
	CU_ASSERT_EQUAL(pdu_rx_direct(&rx, &dst), 2900);
	memcpy(dst, wire + 48 + 2100, 2900);
	pdu_rx_direct_done(&rx, 2900);
	CU_ASSERT_EQUAL(pdu_rx_direct(&rx, &dst), 0);
	CU_ASSERT_EQUAL(g.n, 0);		/* the padding is still due */
	pdu_rx_feed(&rx, wire + 48 + 5000, n - 48 - 5000, got_pdu, &g);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_EQUAL(g.code, PDU_OK);
	CU_ASSERT_PTR_EQUAL(g.data, place_buf);
	CU_ASSERT_TRUE(pattern_ok(place_buf, 5000, 4));
	pdu_rx_free(&rx);
}

/* pdu_rx_unplace: half the data placed, then the place goes away; the
 * PDU completes in the receive buffer, digest checked over all of it. */
static void
test_rx_unplace(void)
{
	static uint8_t wire[80000];
	struct pdu_digest_opts d = { .data = true };
	static struct got g;
	struct pdu_rx rx;
	size_t n;

	n = make_data_in(wire, sizeof(wire), 11, 6000, 5, &d);
	CU_ASSERT_EQUAL_FATAL(pdu_rx_init(&rx, 65536), 0);
	pdu_rx_set_digests(&rx, false, true);
	pdu_rx_set_placement(&rx, place_fn, NULL);
	place_refuse = false;
	memset(&g, 0, sizeof(g));
	pdu_rx_feed(&rx, wire, 48 + 3000, got_pdu, &g);
	pdu_rx_unplace(&rx);
	memset(place_buf, 0xee, sizeof(place_buf));	/* no longer ours */
	pdu_rx_feed(&rx, wire + 48 + 3000, n - 48 - 3000, got_pdu, &g);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_EQUAL(g.code, PDU_OK);
	CU_ASSERT_PTR_NOT_EQUAL(g.data, place_buf);
	CU_ASSERT_TRUE(pattern_ok(g.copy, 6000, 5));
	CU_ASSERT_EQUAL(place_buf[0], 0xee);
	pdu_rx_free(&rx);
}

/* ---- iconn over a socket pair ----------------------------------------------- */

struct end {
	struct iconn	c;
	int		npdus, nplaced, closed;
	uint32_t	last_len;
	const uint8_t	*last_data;
	uint8_t		*area;		/* where Data-Ins are placed */
	size_t		area_len, area_at;
	bool		reply_and_close;
};

static struct evloop *loop;

static uint8_t *
end_place(struct iconn *c, const struct pdu *hdr, void *arg)
{
	struct end *e = arg;
	uint8_t *p;

	(void)c;
	if (e->area == NULL || e->area_at + hdr->dsl > e->area_len)
		return NULL;
	p = e->area + e->area_at;
	e->area_at += hdr->dsl;
	e->nplaced++;
	return p;
}

static void
end_pdu(struct iconn *c, const struct pdu *p, const struct pdu_error *err,
    void *arg)
{
	struct end *e = arg;
	struct pdu r;

	CU_ASSERT_EQUAL(err->code, PDU_OK);
	e->npdus++;
	e->last_len = p->data_len;
	e->last_data = p->data;
	if (e->reply_and_close) {
		/* two answers gathered, then a close: both must leave first */
		pdu_init(&r, PDU_OP_NOP_IN);
		r.itt = p->itt;
		iconn_send(c, &r);
		r.itt = p->itt + 1;
		iconn_send(c, &r);
		iconn_close(c, false);
	}
}

static void
end_close(struct iconn *c, int err, void *arg)
{
	(void)c;
	(void)err;
	((struct end *)arg)->closed = 1;
}

static const struct iconn_ops place_ops = {
	.on_pdu = end_pdu, .on_close = end_close, .on_place = end_place,
};
static const struct iconn_ops plain_ops = {
	.on_pdu = end_pdu, .on_close = end_close,
};

#define TURNS_UNTIL(cond) do {						\
	int turns_;							\
	for (turns_ = 0; turns_ < 400 && !(cond); turns_++)		\
		evloop_run_once(loop, 5 * EV_NSEC_PER_MSEC);		\
} while (0)

static void
pair(struct end *a, const struct iconn_ops *aops, struct end *b,
    const struct iconn_ops *bops)
{
	int sv[2];

	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	CU_ASSERT_EQUAL_FATAL(iconn_attach(&a->c, loop, sv[0], 262144, aops, a),
	    0);
	CU_ASSERT_EQUAL_FATAL(iconn_attach(&b->c, loop, sv[1], 262144, bops, b),
	    0);
}

/* Large Data-Ins back to back (headers read alone, readv into place,
 * SO_RCVLOWAT where the socket has it): each lands in its own place,
 * with digests on, and the bytes are right. */
static void
test_iconn_placed_big(void)
{
	const uint32_t sz = 200000;
	struct end tx, rx;
	uint8_t *data = malloc(sz), *area = malloc(4 * (size_t)sz);
	struct pdu p;
	uint32_t i, k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(area);
	loop = evloop_new(NULL);
	pair(&tx, &plain_ops, &rx, &place_ops);
	rx.area = area;
	rx.area_len = 4 * (size_t)sz;
	iconn_set_digests(&tx.c, true, true);
	iconn_set_digests(&rx.c, true, true);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < sz; i++)
			data[i] = (uint8_t)(i * 3 + k);
		pdu_init(&p, PDU_OP_DATA_IN);
		p.itt = k;
		p.u.data_in.ttt = PDU_TAG_RESERVED;
		pdu_set_data(&p, data, sz - k);	/* padding 0..3 */
		CU_ASSERT_EQUAL(iconn_send(&tx.c, &p), 0);
		TURNS_UNTIL(rx.npdus == (int)k + 1 && bufq_pending(&tx.c.txq) == 0);
		CU_ASSERT_EQUAL(rx.npdus, (int)k + 1);
		CU_ASSERT_EQUAL(rx.last_len, sz - k);
		CU_ASSERT_PTR_EQUAL(rx.last_data, area + (size_t)k * sz -
		    (k * (k - 1)) / 2);
	}
	CU_ASSERT_EQUAL(rx.nplaced, 4);
	CU_ASSERT_EQUAL(rx.c.stats.ddigest_errors, 0);
	for (k = 0; k < 4; k++) {
		const uint8_t *b = area + (size_t)k * sz - (k * (k - 1)) / 2;

		for (i = 0; i < sz - k && b[i] == (uint8_t)(i * 3 + k); i++)
			;
		CU_ASSERT_EQUAL(i, sz - k);
	}
	iconn_free(&tx.c);
	iconn_free(&rx.c);
	evloop_free(loop);
	free(data);
	free(area);
}

/* PDUs sent from on_pdu are gathered; a close right after them sends
 * them first (nothing lost before the FIN). */
static void
test_iconn_gathered_then_close(void)
{
	struct end a, b;
	struct pdu p;

	loop = evloop_new(NULL);
	pair(&a, &plain_ops, &b, &plain_ops);
	b.reply_and_close = true;
	pdu_init(&p, PDU_OP_NOP_OUT);
	p.itt = 40;
	p.u.nop_out.ttt = PDU_TAG_RESERVED;
	CU_ASSERT_EQUAL(iconn_send(&a.c, &p), 0);
	TURNS_UNTIL(a.closed);
	CU_ASSERT_EQUAL(b.npdus, 1);
	CU_ASSERT_EQUAL(a.npdus, 2);		/* both answers, then EOF */
	CU_ASSERT_TRUE(a.closed);
	iconn_free(&a.c);
	iconn_free(&b.c);
	evloop_free(loop);
}

/* ---- wakeup coalescing (rx_expect) ------------------------------------------ */

static size_t expect_bytes;
static uint64_t frozen_ns;

static size_t
end_expect(struct iconn *c, void *arg)
{
	(void)c;
	(void)arg;
	return expect_bytes;
}

static uint64_t
frozen_now(void *arg)
{
	(void)arg;
	return frozen_ns;
}

static const struct iconn_ops expect_ops = {
	.on_pdu = end_pdu, .on_close = end_close, .rx_expect = end_expect,
};

/* Two iconns over TCP on 127.0.0.1 (SO_RCVLOWAT is a TCP matter). */
static bool
tcp_pair(struct end *a, const struct iconn_ops *aops, struct end *b,
    const struct iconn_ops *bops)
{
	struct netaddr at;
	int lfd, cfd, afd = -1, inprog, i;

	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	if (netaddr_parse_numeric("127.0.0.1", 0, &at, NULL, 0) != 0 ||
	    (lfd = sock_listen(&at, 1)) == -1)
		return false;
	if (sock_local_addr(lfd, &at) != 0 ||
	    (cfd = sock_connect(&at, &inprog)) == -1) {
		close(lfd);
		return false;
	}
	for (i = 0; i < 200 && afd == -1; i++) {
		afd = sock_accept(lfd, NULL);
		if (afd == -1)
			usleep(1000);
	}
	close(lfd);
	if (afd == -1) {
		close(cfd);
		return false;
	}
	return iconn_attach(&a->c, loop, cfd, 262144, aops, a) == 0 &&
	    iconn_attach(&b->c, loop, afd, 262144, bops, b) == 0;
}

static void
send_nop_in(struct end *e, uint32_t itt)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_NOP_IN);
	p.itt = itt;
	CU_ASSERT_EQUAL(iconn_send(&e->c, &p), 0);
}

/* Let the loop run a few turns (each bounded, none may be needed). */
static void
turns(int n)
{
	while (n-- > 0)
		evloop_run_once(loop, EV_NSEC_PER_MSEC);
}

/*
 * The receiver expects 4 PDUs (192 bytes): after the first wakeup it sleeps
 * until all of them are there, then takes them in one read.  The clock is
 * frozen, so the guess cannot expire behind the test's back; once it is
 * moved past ICONN_COALESCE_MS, what arrived is read, and the next
 * wakeups do not guess (one PDU each).
 */
static void
test_iconn_coalesce(void)
{
	struct evclock clk = { frozen_now, NULL, NULL };
	struct end tx, rx;
	int k;

	frozen_ns = 1000 * EV_NSEC_PER_SEC;
	loop = evloop_new(&clk);
	CU_ASSERT_TRUE_FATAL(tcp_pair(&tx, &plain_ops, &rx, &expect_ops));
	expect_bytes = 4 * PDU_BHS_LEN;
	send_nop_in(&tx, 1);
	TURNS_UNTIL(rx.npdus == 1);
	CU_ASSERT_EQUAL(rx.npdus, 1);		/* no guess before the first */
	CU_ASSERT_EQUAL(rx.c.rcvlowat, 4 * PDU_BHS_LEN);
	for (k = 2; k <= 4; k++) {
		send_nop_in(&tx, (uint32_t)k);
		turns(3);
		CU_ASSERT_EQUAL(rx.npdus, 1);	/* held back by the low mark */
	}
	send_nop_in(&tx, 5);
	TURNS_UNTIL(rx.npdus == 5);
	CU_ASSERT_EQUAL(rx.npdus, 5);		/* all four at once */
	CU_ASSERT_EQUAL(rx.c.stats.pdus_rx, 5);
	/* a guess that does not fill: read when it expires, then no guess */
	send_nop_in(&tx, 6);
	turns(3);
	CU_ASSERT_EQUAL(rx.npdus, 5);
	frozen_ns += 3 * EV_NSEC_PER_MSEC;
	TURNS_UNTIL(rx.npdus == 6);
	CU_ASSERT_EQUAL(rx.npdus, 6);
	CU_ASSERT_EQUAL(rx.c.rcvlowat, 0);
	send_nop_in(&tx, 7);
	TURNS_UNTIL(rx.npdus == 7);
	CU_ASSERT_EQUAL(rx.npdus, 7);		/* guessing paused */
	iconn_free(&tx.c);
	iconn_free(&rx.c);
	evloop_free(loop);
}

/* ---- the whole initiator: one big Data-In per command ------------------------ */

static struct fenv E;

/* Answer READ (10) with the whole transfer in one Data-In + status. */
static bool
big_read_hook(struct fpeer *f, const struct pdu *p)
{
	const uint8_t *cdb = p->u.scsi_cmd.cdb;
	uint32_t lba, n;
	struct pdu r;

	if (p->opcode != PDU_OP_SCSI_CMD || cdb[0] != 0x28)
		return false;
	f->cmds++;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	lba = (uint32_t)cdb[2] << 24 | (uint32_t)cdb[3] << 16 |
	    (uint32_t)cdb[4] << 8 | cdb[5];
	n = ((uint32_t)cdb[7] << 8 | cdb[8]) * FPEER_BLOCK;
	pdu_init(&r, PDU_OP_DATA_IN);
	r.final = true;
	r.itt = p->itt;
	r.lun = p->lun;
	r.u.data_in.ttt = PDU_TAG_RESERVED;
	r.u.data_in.status_present = true;
	fpeer_fill_sn(f, &r.u.data_in.statsn, &r.u.data_in.expcmdsn,
	    &r.u.data_in.maxcmdsn);
	pdu_set_data(&r, f->disk + (size_t)lba * FPEER_BLOCK, n);
	fpeer_send(f, &r);
	return true;
}

struct rd {
	int		done;
	uint32_t	isdsc, len;
};

static void
rd_done(void *arg, uint32_t isdsc, const struct ini_scsi_result *res)
{
	struct rd *r = arg;

	r->done++;
	r->isdsc = isdsc;
	r->len = res->data_len;
}

/* RFC 7143 11.7 (phase collapse) with MaxRecvDataSegmentLength 256 KiB:
 * a 128 KiB read as one Data-In, then two such reads in flight; every
 * byte lands where it belongs. */
static void
test_initiator_big_data_in(void)
{
	static uint8_t back[2][131072];
	struct ini_session *s = NULL;
	struct ini_scsi_cmd c;
	struct rd r[2];
	uint8_t cdb[2][16];
	size_t i;
	int k, turns;

	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	for (i = 0; i < sizeof(E.peer.disk); i++)
		E.peer.disk[i] = (uint8_t)(i * 11 + (i >> 12));
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = big_read_hook;
	for (k = 0; k < 2; k++) {
		memset(back, 0, sizeof(back));
		memset(r, 0, sizeof(r));
		for (i = 0; i <= (size_t)k; i++) {
			memset(&c, 0, sizeof(c));
			c.lun = ini_lun_encode(1);
			c.cdb = cdb[i];
			c.cdblen = scsi_cdb_read10(cdb[i], (uint32_t)i * 256, 256, 0);
			c.in = back[i];
			c.inlen = sizeof(back[i]);
			CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, rd_done, &r[i]),
			    INI_ISDSC_OK);
		}
		for (turns = 0; turns < 200 && r[0].done + r[1].done < k + 1;
		    turns++)
			ini_poll(E.node, 10);
		for (i = 0; i <= (size_t)k; i++) {
			CU_ASSERT_EQUAL(r[i].done, 1);
			CU_ASSERT_EQUAL(r[i].isdsc, INI_ISDSC_OK);
			CU_ASSERT_EQUAL(r[i].len, sizeof(back[i]));
			CU_ASSERT_EQUAL(memcmp(back[i], E.peer.disk + i * 131072,
			    sizeof(back[i])), 0);
		}
	}
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

/* READ (10)s held until the test answers them (held_answer). */
#define HELD_MAX	16
static struct pdu held[HELD_MAX];
static int nheld;

static bool
hold_read_hook(struct fpeer *f, const struct pdu *p)
{
	if (p->opcode != PDU_OP_SCSI_CMD || p->u.scsi_cmd.cdb[0] != 0x28 ||
	    nheld == HELD_MAX)
		return false;
	f->cmds++;
	f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	held[nheld] = *p;
	held[nheld].data = NULL;
	held[nheld++].data_len = 0;
	return true;
}

/* Answer every held READ: its data in one Data-In with status, or (bad)
 * CHECK CONDITION with sense, much shorter than the data expected. */
static void
held_answer(struct fpeer *f, bool bad)
{
	static const uint8_t sense[20] = { 0, 18, 0x70, 0, 0x03, 0, 0, 0, 0,
	    10, 0, 0, 0, 0, 0x11, 0x00 };	/* MEDIUM ERROR, UNRECOVERED */
	const uint8_t *cdb;
	struct pdu r;
	uint32_t lba;
	int i;

	for (i = 0; i < nheld; i++) {
		cdb = held[i].u.scsi_cmd.cdb;
		lba = get_be32(cdb + 2);
		if (bad) {
			pdu_init(&r, PDU_OP_SCSI_RSP);
			r.final = true;
			r.itt = held[i].itt;
			r.u.scsi_rsp.status = 0x02;
			fpeer_fill_sn(f, &r.u.scsi_rsp.statsn,
			    &r.u.scsi_rsp.expcmdsn, &r.u.scsi_rsp.maxcmdsn);
			pdu_set_data(&r, sense, sizeof(sense));
		} else {
			pdu_init(&r, PDU_OP_DATA_IN);
			r.final = true;
			r.itt = held[i].itt;
			r.lun = held[i].lun;
			r.u.data_in.ttt = PDU_TAG_RESERVED;
			r.u.data_in.status_present = true;
			fpeer_fill_sn(f, &r.u.data_in.statsn, &r.u.data_in.expcmdsn,
			    &r.u.data_in.maxcmdsn);
			pdu_set_data(&r, f->disk + (size_t)lba * FPEER_BLOCK,
			    held[i].u.scsi_cmd.edtl);
		}
		fpeer_send(f, &r);
	}
	nheld = 0;
}

/*
 * Wakeup coalescing in the initiator: the guess is half of what the
 * commands in flight bring (a header each plus the data), none with
 * fewer than INI_COALESCE_MIN in flight; 8 reads answered at once all
 * complete with the right bytes, and 8 answered with much less than
 * guessed (CHECK CONDITION) complete too, with their sense.
 */
static void
test_initiator_coalesce(void)
{
	static uint8_t back[8][4096];
	struct ini_session *s = NULL;
	struct ini_scsi_cmd c;
	struct rd r[8];
	uint8_t cdb[8][16];
	int i, k, turns;

	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	for (i = 0; i < (int)sizeof(E.peer.disk); i++)
		E.peer.disk[i] = (uint8_t)(i * 13 + (i >> 9));
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	E.peer.hook = hold_read_hook;
	for (k = 0; k < 2; k++) {
		memset(back, 0, sizeof(back));
		memset(r, 0, sizeof(r));
		nheld = 0;
		for (i = 0; i < 8; i++) {
			memset(&c, 0, sizeof(c));
			c.lun = ini_lun_encode(1);
			c.cdb = cdb[i];
			c.cdblen = scsi_cdb_read10(cdb[i], (uint32_t)i * 8, 8, 0);
			c.in = back[i];
			c.inlen = sizeof(back[i]);
			CU_ASSERT_EQUAL(ini_scsi_submit(E.node, s, &c, rd_done, &r[i]),
			    INI_ISDSC_OK);
			if (i == 2)
				CU_ASSERT_EQUAL(ini_tasks_rx_guess(s, 48), 0);
			if (i == 3)
				CU_ASSERT_EQUAL(ini_tasks_rx_guess(s, 48),
				    4 * (48 + 4096) / 2);
		}
		CU_ASSERT_EQUAL(ini_tasks_rx_guess(s, 52), 8 * (52 + 4096) / 2);
		for (turns = 0; turns < 100 && nheld < 8; turns++)
			ini_poll(E.node, 10);
		CU_ASSERT_EQUAL_FATAL(nheld, 8);
		held_answer(&E.peer, k == 1);
		for (turns = 0; turns < 200; turns++) {
			int done = 0;

			for (i = 0; i < 8; i++)
				done += r[i].done;
			if (done == 8)
				break;
			ini_poll(E.node, 10);
		}
		for (i = 0; i < 8; i++) {
			CU_ASSERT_EQUAL(r[i].done, 1);
			if (k == 0) {
				CU_ASSERT_EQUAL(r[i].isdsc, INI_ISDSC_OK);
				CU_ASSERT_EQUAL(memcmp(back[i], E.peer.disk +
				    (size_t)i * 4096, 4096), 0);
			} else
				CU_ASSERT_EQUAL(r[i].isdsc, ISDSC_SCSI_REQUEST_FAILED);
		}
		CU_ASSERT_EQUAL(ini_tasks_rx_guess(s, 48), 0);
	}
	E.peer.hook = NULL;
	fenv_teardown(&E);
}

static CU_TestInfo datapath_tests[] = {
	{ "rfc7143_11_7_rx_placement", test_rx_placement },
	{ "rfc7143_11_7_7_placement_digest_refusal",
	    test_rx_placement_digest_and_refusal },
	{ "rx_direct", test_rx_direct },
	{ "rx_unplace", test_rx_unplace },
	{ "iconn_placed_big", test_iconn_placed_big },
	{ "iconn_gathered_then_close", test_iconn_gathered_then_close },
	{ "iconn_coalesce", test_iconn_coalesce },
	{ "rfc7143_11_7_big_data_in", test_initiator_big_data_in },
	{ "initiator_coalesce", test_initiator_coalesce },
	CU_TEST_INFO_NULL
};

UNIT_SUITE("initiator", "datapath", datapath_tests)
