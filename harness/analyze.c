/*
 * Capture analyzer driver: packets -> connections -> TCP reassembly ->
 * PDU framing -> checks.  Findings are kept (up to opts.findings_max) and
 * counted per check.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze_int.h"
#include "bytes.h"
#include "pcap_pkt.h"

#define HASH_INIT	256
#define READ_BUFFER	(1 << 20)	/* stdio buffer for the capture file */

/* ---- setup ---------------------------------------------------------- */

void
ana_opts_default(struct ana_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ports[0] = ANA_DEFAULT_PORT;
	o->nports = 1;
	o->detect = true;
	o->findings_max = ANA_FINDINGS_MAX;
	o->timeout = 20.0;
}

struct ana *
ana_new(const struct ana_opts *o)
{
	struct ana *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->opts = *o;
	a->hcap = HASH_INIT;
	a->htab = calloc(a->hcap, sizeof(*a->htab));
	a->frag = ipf_new();
	if (a->htab == NULL || a->frag == NULL) {
		free(a->htab);
		ipf_free(a->frag);
		free(a);
		return NULL;
	}
	a->linktype = -1;
	a->stats.linktype = -1;
	return a;
}

static void
conn_release(struct ana_conn_int *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		tcp_dir_free(&c->tcp[d]);
		framer_free(&c->fr[d]);
	}
	ana_tasks_free(&c->tasks);
	ana_login_free(c);
	c->active = false;
}

void
ana_free(struct ana *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nconns; i++) {
		conn_release(a->conns[i]);
		free(a->conns[i]);
	}
	for (i = 0; i < a->nsessions; i++)
		free(a->sessions[i]);
	free(a->conns);
	free(a->sessions);
	free(a->htab);
	free(a->findings);
	ipf_free(a->frag);
	free(a);
}

static void
conn_end_report(struct ana_conn_int *c)
{
	struct ana *a = c->ana;

	if (c->end_reported)
		return;
	c->end_reported = true;
	if (a->opts.on_conn_end != NULL)
		a->opts.on_conn_end(a->opts.arg, &c->pub);
}

/* ---- PDUs from the framer ------------------------------------------- */

static void
on_pdu(void *arg, const struct pdu *p, const struct pdu_error *err,
    const struct framer_pdu_info *info)
{
	struct ana_dirctx *dc = arg;
	struct ana_conn_int *c = dc->c;
	enum ana_dir dir = dc->dir;
	struct ana *a = c->ana;
	struct ana_pdu_ctx ctx;

	a->stats.pdus++;
	a->stats.opcodes[p->opcode & 0x3f]++;
	a->pdu_index = a->stats.pdus;
	a->pdu_first_frame = info->first_frame;
	a->pdu_missing = info->missing;
	c->pub.pdus[dir]++;
	if (err->code != PDU_OK)
		a->stats.pdu_errors++;
	if (info->missing > 0)
		ana_report(a, c, dir, ANA_CHK_PDU_INCOMPLETE, p, "%s: %llu "
		    "bytes of the data segment missing from the capture",
		    pdu_opcode_name(p->opcode),
		    (unsigned long long)info->missing);

	switch (p->opcode) {
	case PDU_OP_LOGIN_REQ:
	case PDU_OP_LOGIN_RSP:
		ana_login_pdu(c, dir, p);
		break;
	case PDU_OP_TEXT_REQ:
	case PDU_OP_TEXT_RSP:
		ana_text_pdu(c, dir, p);
		break;
	default:
		break;
	}
	if (c->sess == NULL) {
		/* a connection whose login was not captured */
		ana_conn_set_session(c, ana_session_new(a));
	}
	if (c->sess != NULL) {
		if (c->sess->pub.pdus++ == 0)
			c->sess->pub.first_frame = info->first_frame;
		c->sess->pub.last_frame = a->frame;
	}
	ana_ffp_pdu(c, dir, p, err);

	if (a->opts.on_pdu != NULL) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.session = c->sess != NULL ? &c->sess->pub : NULL;
		ctx.conn = &c->pub;
		ctx.dir = dir;
		ctx.index = a->pdu_index;
		ctx.first_frame = info->first_frame;
		ctx.frame = a->frame;
		ctx.time = a->time;
		ctx.pdu = p;
		ctx.err = err;
		ctx.missing = info->missing;
		a->opts.on_pdu(a->opts.arg, &ctx);
	}
}

static void
on_framer_event(void *arg, enum framer_event ev, uint64_t frame,
    uint64_t bytes, const uint8_t *bhs)
{
	struct ana_dirctx *dc = arg;
	struct ana_conn_int *c = dc->c;
	enum ana_dir dir = dc->dir;
	struct ana *a = c->ana;
	unsigned op = bhs != NULL ? bhs[0] & 0x3f : 0;

	(void)frame;
	switch (ev) {
	case FRAMER_EV_LOST_GAP:
		/* the TCP_GAP finding says it; a cut PDU is worth a word */
		if (bytes > 0)
			ana_report(a, c, dir, ANA_CHK_TCP_GAP, NULL, "%s PDU "
			    "cut by the gap: %llu bytes of it dropped",
			    bhs != NULL ? pdu_opcode_name(op) : "a",
			    (unsigned long long)bytes);
		break;
	case FRAMER_EV_LOST_HEADER:
		if (bhs != NULL && !pdu_opcode_known(op))
			ana_report_ev(a, c, dir, ANA_CHK_OPCODE, NULL,
			    dir == ANA_DIR_T2I ? ISCSI_EV_INVALID_OPCODE : 0, 0,
			    bhs, PDU_BHS_LEN, "unknown opcode 0x%02x: %s", op,
			    framer_event_text(ev));
		else
			ana_report(a, c, dir, ANA_CHK_FRAMING_LOST, NULL,
			    "%s (byte 0 = 0x%02x, TotalAHSLength %u, "
			    "DataSegmentLength %u)", framer_event_text(ev),
			    bhs != NULL ? bhs[0] : 0, bhs != NULL ? bhs[4] : 0,
			    bhs != NULL ? get_be24(bhs + 5) : 0);
		ana_ffp_lost(c, dir);
		break;
	case FRAMER_EV_LOST_HDIGEST:
		ana_ffp_lost(c, dir);	/* reported with the PDU */
		break;
	case FRAMER_EV_RESYNC:
		c->pub.resyncs++;
		ana_report(a, c, dir, ANA_CHK_RESYNC, NULL, "%s (%s) after "
		    "skipping %llu bytes", framer_event_text(ev),
		    bhs != NULL ? pdu_opcode_name(op) : "?",
		    (unsigned long long)bytes);
		break;
	case FRAMER_EV_DIGESTS:
		ana_report(a, c, dir, ANA_CHK_DIGESTS_DETECTED, NULL,
		    "HeaderDigest=%s DataDigest=%s%s",
		    c->fr[dir].dig.header ? "CRC32C" : "None",
		    c->fr[dir].dig.data ? "CRC32C" : "None",
		    c->fr[dir].dd_known ? "" : " (not known yet)");
		break;
	case FRAMER_EV_TRUNC_END:
		ana_report(a, c, dir, ANA_CHK_PDU_TRUNCATED, NULL, "%s: %llu "
		    "bytes of a %s PDU", framer_event_text(ev),
		    (unsigned long long)bytes,
		    bhs != NULL ? pdu_opcode_name(op) : "partial");
		break;
	case FRAMER_EV_DISCARD:
	case FRAMER_EV_MIDSTREAM:
		break;
	}
}

static const struct framer_ops framer_ops = { on_pdu, on_framer_event };

/* ---- TCP callbacks -------------------------------------------------- */

static void
on_tcp_data(void *arg, const uint8_t *p, size_t len, uint64_t frame)
{
	struct ana_dirctx *dc = arg;
	struct ana_conn_int *c = dc->c;
	enum ana_dir dir = dc->dir;

	c->pub.bytes[dir] += len;
	if (framer_feed(&c->fr[dir], p, len, frame) != 0)
		ana_report(c->ana, c, dir, ANA_CHK_FRAMING_LOST, NULL,
		    "out of memory buffering a PDU");
}

static void
on_tcp_gap(void *arg, uint32_t seq, uint64_t len, uint64_t frame,
    enum tcp_gap_why why)
{
	struct ana_dirctx *dc = arg;
	struct ana_conn_int *c = dc->c;
	enum ana_dir dir = dc->dir;

	c->pub.gaps++;
	c->pub.gap_bytes += len;
	ana_report(c->ana, c, dir, ANA_CHK_TCP_GAP, NULL, "%llu bytes missing "
	    "(relative seq %u..%u) before frame %llu: %s",
	    (unsigned long long)len, seq - c->tcp[dir].isn,
	    (uint32_t)(seq - c->tcp[dir].isn + len - 1),
	    (unsigned long long)frame, tcp_gap_text(why));
	framer_gap(&c->fr[dir], len, frame);
	ana_ffp_lost(c, dir);
}

static void
on_tcp_conflict(void *arg, uint32_t seq, size_t len, uint64_t frame)
{
	struct ana_dirctx *dc = arg;
	struct ana_conn_int *c = dc->c;
	enum ana_dir dir = dc->dir;

	(void)frame;
	ana_report(c->ana, c, dir, ANA_CHK_TCP_CONFLICT, NULL, "%zu bytes at "
	    "relative seq %u", len, seq - c->tcp[dir].isn);
}

static void
on_tcp_end(void *arg, bool reset, uint64_t frame)
{
	struct ana_dirctx *dc = arg;
	struct ana_conn_int *c = dc->c;
	enum ana_dir dir = dc->dir;

	framer_end(&c->fr[dir], frame);
	c->ended[dir] = true;
	if (!c->pub.closer_known) {
		c->pub.closer_known = true;
		c->pub.closer = dir;
		c->pub.closer_rst = reset;
		c->pub.close_frame = frame;
		c->pub.close_time = c->ana->time;
	}
	if (reset)
		c->pub.reset = true;
	if ((c->ended[0] || c->ended[1]) && !c->pub.closed) {
		c->pub.closed = true;
		ana_ffp_end(c, reset);
	}
	conn_end_report(c);
}

static const struct tcp_ops tcp_ops = {
	on_tcp_data, on_tcp_gap, on_tcp_conflict, on_tcp_end
};

/* ---- connections ---------------------------------------------------- */

static uint64_t
tuple_hash(int family, const uint8_t *ca, uint16_t cp, const uint8_t *sa,
    uint16_t sp)
{
	uint64_t h = 1469598103934665603ull;
	size_t i, n = family == 6 ? 16 : 4;

	for (i = 0; i < n; i++)
		h = (h ^ ca[i]) * 1099511628211ull;
	for (i = 0; i < n; i++)
		h = (h ^ sa[i]) * 1099511628211ull;
	h = (h ^ cp) * 1099511628211ull;
	h = (h ^ sp) * 1099511628211ull;
	return h ^ (uint64_t)family;
}

static bool
tuple_eq(const struct ana_conn_int *c, int family, const uint8_t *ca,
    uint16_t cp, const uint8_t *sa, uint16_t sp)
{
	size_t n = family == 6 ? 16 : 4;

	return c->pub.family == family && c->cport == cp && c->sport == sp &&
	    memcmp(c->caddr, ca, n) == 0 && memcmp(c->saddr, sa, n) == 0;
}

static void
hash_insert(struct ana *a, struct ana_conn_int *c)
{
	size_t b;

	if (a->nconns > a->hcap) {	/* grow at load 1 */
		struct ana_conn_int **nt;
		size_t ncap = a->hcap * 2, i;

		nt = calloc(ncap, sizeof(*nt));
		if (nt != NULL) {
			for (i = 0; i < a->nconns; i++)
				a->conns[i]->hnext = NULL;
			free(a->htab);
			a->htab = nt;
			a->hcap = ncap;
			for (i = 0; i < a->nconns; i++) {
				struct ana_conn_int *x = a->conns[i];

				if (x == c)
					continue;
				b = x->hash & (a->hcap - 1);
				/* newest first, as inserted */
				x->hnext = a->htab[b];
				a->htab[b] = x;
			}
		}
	}
	b = c->hash & (a->hcap - 1);
	c->hnext = a->htab[b];
	a->htab[b] = c;
}

static struct ana_conn_int *
conn_lookup(struct ana *a, int family, const uint8_t *ca, uint16_t cp,
    const uint8_t *sa, uint16_t sp)
{
	struct ana_conn_int *c = a->last;
	uint64_t h;

	if (c != NULL && tuple_eq(c, family, ca, cp, sa, sp))
		return c;
	h = tuple_hash(family, ca, cp, sa, sp);
	for (c = a->htab[h & (a->hcap - 1)]; c != NULL; c = c->hnext)
		if (c->hash == h && tuple_eq(c, family, ca, cp, sa, sp))
			return a->last = c;	/* newest instance first */
	return NULL;
}

static struct ana_conn_int *
conn_new(struct ana *a, int family, const uint8_t *ca, uint16_t cp,
    const uint8_t *sa, uint16_t sp)
{
	struct ana_conn_int *c, **nc;
	size_t ncap, n = family == 6 ? 16 : 4;

	if (a->nconns == a->conncap) {
		ncap = a->conncap ? a->conncap * 2 : 16;
		nc = realloc(a->conns, ncap * sizeof(*nc));
		if (nc == NULL)
			return NULL;
		a->conns = nc;
		a->conncap = ncap;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->ana = a;
	c->pub.id = (unsigned)a->nconns + 1;
	c->pub.family = family;
	memcpy(c->caddr, ca, n);
	memcpy(c->saddr, sa, n);
	memcpy(c->pub.iaddr, ca, n);
	memcpy(c->pub.taddr, sa, n);
	c->cport = c->pub.iport = cp;
	c->sport = c->pub.tport = sp;
	c->pub.first_frame = a->frame;
	c->pub.first_time = a->time;
	c->pub.max_recv_dsl[0] = c->pub.max_recv_dsl[1] = 8192; /* 13.12 default */
	c->hash = tuple_hash(family, ca, cp, sa, sp);
	c->active = true;
	c->dctx[0].c = c;
	c->dctx[0].dir = ANA_DIR_I2T;
	c->dctx[1].c = c;
	c->dctx[1].dir = ANA_DIR_T2I;
	tcp_dir_init(&c->tcp[0], 0);
	tcp_dir_init(&c->tcp[1], 0);
	framer_init(&c->fr[0], true, false, &framer_ops, &c->dctx[0]);
	framer_init(&c->fr[1], false, false, &framer_ops, &c->dctx[1]);
	a->conns[a->nconns++] = c;
	hash_insert(a, c);
	a->last = c;
	return c;
}

/* End a connection's streams (end of capture or replaced by a new SYN). */
static void
conn_finish(struct ana_conn_int *c)
{
	int d;

	if (!c->active)
		return;
	for (d = 0; d < 2; d++) {
		tcp_dir_flush(&c->tcp[d], c->ana->frame, &tcp_ops, &c->dctx[d]);
		framer_end(&c->fr[d], c->ana->frame);
	}
	ana_ffp_end(c, false);
	conn_end_report(c);
	c->pub.retransmissions = c->tcp[0].stats.retrans_segments +
	    c->tcp[1].stats.retrans_segments;
	c->pub.midstream = c->pub.midstream || c->tcp[0].midstream;
	conn_release(c);
}

static bool
port_listed(const struct ana *a, uint16_t port)
{
	size_t i;

	for (i = 0; i < a->opts.nports; i++)
		if (a->opts.ports[i] == port)
			return true;
	return false;
}

/* A Login Request BHS at the start of a segment (RFC 7143 11.12). */
static bool
looks_like_login(const uint8_t *p, size_t len)
{
	struct pdu pdu;

	if (len < PDU_BHS_LEN || p[0] != (0x40 | PDU_OP_LOGIN_REQ))
		return false;
	if (p[2] != 0 || p[3] != 0 || p[4] != 0 || get_be24(p + 5) > 65536)
		return false;
	if (len >= pdu_wire_len(p, NULL))
		return pdu_decode(p, len, NULL, &pdu, NULL) == PDU_OK;
	return (p[1] & 0x0c) != 0x08 && (p[1] & 0x03) != 0x02;
}

/* ---- IP fragments ------------------------------------------------------ */

static void
on_frag_lost(void *arg, const struct ipf_lost *l)
{
	struct ana *a = arg;
	char src[64], dst[64], total[24];

	inet_ntop(l->family == 6 ? AF_INET6 : AF_INET, l->src, src,
	    sizeof(src));
	inet_ntop(l->family == 6 ? AF_INET6 : AF_INET, l->dst, dst,
	    sizeof(dst));
	if (l->total_known)
		snprintf(total, sizeof(total), "%zu", l->total);
	else
		snprintf(total, sizeof(total), "?");
	ana_report(a, NULL, ANA_DIR_I2T, ANA_CHK_IP_FRAGMENT, NULL, "IPv%d "
	    "datagram id 0x%x %s -> %s, protocol %u: %s (%u fragments, %zu of "
	    "%s bytes)", l->family, l->id, src, dst, l->proto, l->why, l->frags,
	    l->have, total);
}

/* A fragment: held, or the reassembled datagram's TCP segment in *t. */
static enum pkt_status
reassemble(struct ana *a, double time, struct pkt_tcp *t, struct pkt_error *e)
{
	struct ipf_frag fr;
	struct ipf_out o;
	enum pkt_status st;

	memset(&fr, 0, sizeof(fr));
	fr.family = t->family;
	fr.src = t->src;
	fr.dst = t->dst;
	fr.id = t->frag.id;
	fr.proto = t->frag.proto;
	fr.offset = t->frag.offset;
	fr.more = t->frag.more;
	fr.data = t->frag.data;
	fr.len = t->frag.wire_len;
	fr.cap_len = t->frag.cap_len;
	switch (ipf_add(a->frag, &fr, time, &o, on_frag_lost, a)) {
	case IPF_HELD:
		return PKT_FRAGMENT;
	case IPF_DROPPED:
		ana_report(a, NULL, ANA_DIR_I2T, ANA_CHK_IP_FRAGMENT, NULL,
		    "%s: %s: %s", e->layer, e->msg, o.why);
		return PKT_FRAGMENT;
	case IPF_COMPLETE:
		break;
	}
	if (o.overlap > 0)
		ana_report(a, NULL, ANA_DIR_I2T, ANA_CHK_IP_FRAGMENT, NULL,
		    "%s: reassembled from %u fragments with %zu bytes sent "
		    "twice (the first copy kept)", e->layer, o.frags, o.overlap);
	st = pkt_parse_payload(o.proto, o.data, o.len, t, e);
	if (st != PKT_OK && st != PKT_NOT_TCP)
		ana_report(a, NULL, ANA_DIR_I2T, ANA_CHK_PKT_MALFORMED, NULL,
		    "reassembled %s: %s: %s", e->layer, pkt_strerror(st),
		    e->msg);
	return st == PKT_OK ? PKT_OK : PKT_NOT_TCP;
}

void
ana_begin(struct ana *a, int linktype)
{
	a->linktype = linktype;
	a->stats.linktype = linktype;
}

void
ana_packet(struct ana *a, double time, const uint8_t *data, size_t caplen,
    size_t wirelen)
{
	struct pkt_tcp t;
	struct pkt_error e;
	struct tcp_segment_in seg;
	struct ana_conn_int *c;
	enum pkt_status st;
	enum ana_dir dir;
	bool to_server;

	a->frame++;
	a->time = time;
	a->stats.frames++;
	a->stats.bytes += caplen;
	if (a->stats.frames == 1)
		a->stats.first_time = time;
	a->stats.last_time = time;
	if (ipf_active(a->frag) > 0)
		ipf_expire(a->frag, time, on_frag_lost, a);
	st = pkt_parse(a->linktype, data, caplen, wirelen, &t, &e);
	if (st == PKT_FRAGMENT)
		st = reassemble(a, time, &t, &e);
	if (st == PKT_NOT_TCP || st == PKT_FRAGMENT)
		return;
	if (st != PKT_OK) {
		ana_report(a, NULL, ANA_DIR_I2T, ANA_CHK_PKT_MALFORMED, NULL,
		    "%s: %s: %s", e.layer, pkt_strerror(st), e.msg);
		return;
	}
	to_server = port_listed(a, t.dport);
	if (to_server)
		c = conn_lookup(a, t.family, t.src, t.sport, t.dst, t.dport);
	else if (port_listed(a, t.sport))
		c = conn_lookup(a, t.family, t.dst, t.dport, t.src, t.sport);
	else {
		/* other ports: known connection, or a Login Request starts one */
		c = conn_lookup(a, t.family, t.src, t.sport, t.dst, t.dport);
		to_server = c != NULL;
		if (c == NULL) {
			c = conn_lookup(a, t.family, t.dst, t.dport, t.src,
			    t.sport);
			if (c == NULL && a->opts.detect && t.cap_len > 0 &&
			    looks_like_login(t.payload, t.cap_len)) {
				c = conn_new(a, t.family, t.src, t.sport, t.dst,
				    t.dport);
				if (c == NULL)
					return;
				c->detected = true;
				c->fr[0].synced = true;
				framer_set_digests(&c->fr[0], false, false);
				/* its ACK says where the target's stream starts */
				if (t.flags & PKT_TCP_ACK) {
					c->tcp[1].started = true;
					c->tcp[1].next_seq = t.ack;
					c->tcp[1].isn = t.ack - 1;
					c->tcp[1].first_frame = a->frame;
					c->fr[1].synced = true;
					framer_set_digests(&c->fr[1], false,
					    false);
				}
				/* the stream starts here (the SYN went by) */
				c->tcp[0].started = true;
				c->tcp[0].next_seq = t.seq;
				c->tcp[0].isn = t.seq - 1;
				c->tcp[0].first_frame = a->frame;
				to_server = true;
			} else if (c == NULL)
				return;
		}
	}
	/* a new SYN on a tuple seen before: a new connection */
	if ((t.flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN && to_server &&
	    c != NULL && (c->tcp[0].started || !c->active) &&
	    !(c->tcp[0].syn_seen && c->tcp[0].isn == t.seq)) {
		conn_finish(c);
		c = NULL;
	}
	if (c == NULL) {
		if (to_server)
			c = conn_new(a, t.family, t.src, t.sport, t.dst, t.dport);
		else
			c = conn_new(a, t.family, t.dst, t.dport, t.src, t.sport);
		if (c == NULL)
			return;
	}
	if (!c->active)
		return;		/* segments after the end of a finished instance */
	dir = to_server ? ANA_DIR_I2T : ANA_DIR_T2I;
	a->stats.tcp_frames++;
	c->pub.last_frame = a->frame;
	c->last_time = time;
	if (!c->tcp[dir].started) {
		/* first segment of this direction: did we see its start? */
		c->fr[dir].synced = (t.flags & PKT_TCP_SYN) != 0;
		/* from the start: the login runs without digests (13.1) */
		if (c->fr[dir].synced)
			framer_set_digests(&c->fr[dir], false, false);
		if (!c->fr[dir].synced && !c->detected && !c->pub.midstream) {
			c->pub.midstream = true;
			ana_report(a, c, dir, ANA_CHK_MIDSTREAM, NULL, "first %s "
			    "segment without a captured SYN: framing starts by "
			    "scanning for a BHS", ana_dir_name(dir));
		}
	}
	seg.seq = t.seq;
	seg.flags = t.flags;
	seg.payload = t.payload;
	seg.cap_len = t.cap_len;
	seg.wire_len = t.wire_len;
	seg.frame = a->frame;
	if (tcp_dir_segment(&c->tcp[dir], &seg, &tcp_ops, &c->dctx[dir]) != 0)
		ana_report(a, c, dir, ANA_CHK_TCP_GAP, NULL, "out of memory "
		    "queueing an out-of-order segment");
	if ((t.flags & PKT_TCP_ACK) && c->active)
		tcp_dir_ack(&c->tcp[!dir], t.ack, a->frame, &tcp_ops,
		    &c->dctx[!dir]);
	if ((t.flags & PKT_TCP_RST) && c->active) {
		tcp_dir_flush(&c->tcp[!dir], a->frame, &tcp_ops, &c->dctx[!dir]);
		conn_finish(c);
	} else if (c->ended[0] && c->ended[1] && c->active)
		conn_finish(c);
}

void
ana_end(struct ana *a)
{
	size_t i;

	ipf_flush(a->frag, on_frag_lost, a);
	for (i = 0; i < a->nconns; i++)
		if (a->conns[i]->active)
			conn_finish(a->conns[i]);
}

int
ana_run_file(struct ana *a, const char *path, char *errbuf, size_t errsz)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	FILE *f;
	int rc, lt, ret = 0;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* big reads: the file is streamed once, front to back */
	setvbuf(f, NULL, _IOFBF, READ_BUFFER);
	p = pcap_fopen_offline(f, perr);	/* p owns f from here */
	if (p == NULL) {
		struct stat st;

		/* libpcap says "truncated dump file" of an empty one */
		if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size == 0)
			snprintf(perr, sizeof(perr), "empty file (0 bytes), not "
			    "a pcap or pcapng capture");
		snprintf(errbuf, errsz, "%s: %s", path, perr);
		fclose(f);
		return -1;
	}
	lt = pcap_datalink(p);
	if (!pkt_link_supported(lt)) {
		snprintf(errbuf, errsz, "%s: link type %d (%s) not supported",
		    path, lt, pcap_datalink_val_to_name(lt) != NULL ?
		    pcap_datalink_val_to_name(lt) : "unknown");
		pcap_close(p);
		return -1;
	}
	ana_begin(a, lt);
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		ana_packet(a, (double)h->ts.tv_sec + h->ts.tv_usec / 1e6, data,
		    h->caplen, h->len);
	if (rc == PCAP_ERROR) {
		snprintf(errbuf, errsz, "%s: after frame %llu: %s", path,
		    (unsigned long long)a->frame, pcap_geterr(p));
		ret = -1;
	}
	ana_end(a);
	pcap_close(p);
	return ret;
}

