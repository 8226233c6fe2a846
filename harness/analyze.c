/*
 * Capture analyzer driver: packets -> connections -> TCP reassembly ->
 * PDU framing -> checks.  Findings are kept (up to opts.findings_max) and
 * counted per check.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "bytes.h"
#include "pcap_pkt.h"

#define HASH_INIT	256

/* ---- tables --------------------------------------------------------- */

static const struct {
	const char		*name, *rule, *text;
	enum ana_severity	 sev;
	unsigned		 event;
} checks[] = {
#define ANA_X_ROW(s, sv, ev, rl, tx)	{ #s, rl, tx, ANA_SEV_##sv, ev },
	ANA_CHECK_TABLE(ANA_X_ROW)
#undef ANA_X_ROW
};

const char *
ana_check_name(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].name : "?";
}

const char *
ana_check_rule(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].rule : "?";
}

const char *
ana_check_text(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].text : "?";
}

enum ana_severity
ana_check_severity(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].sev : ANA_SEV_ERROR;
}

const char *
ana_severity_name(enum ana_severity s)
{
	switch (s) {
	case ANA_SEV_INFO:
		return "info";
	case ANA_SEV_WARNING:
		return "warning";
	case ANA_SEV_ERROR:
		return "error";
	}
	return "?";
}

const char *
ana_dir_name(enum ana_dir d)
{
	return d == ANA_DIR_I2T ? "I->T" : "T->I";
}

const char *
ana_rtt_name(enum ana_rtt_kind k)
{
	static const char *const names[ANA_RTT_COUNT] = {
		"scsi", "nop", "text", "login", "tmf", "logout"
	};

	return (unsigned)k < ANA_RTT_COUNT ? names[k] : "?";
}

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
	if (a->htab == NULL) {
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
	free(a);
}

/* ---- findings ------------------------------------------------------- */

/* Events about the connection or session, not about a PDU the target sent. */
static bool
event_any_direction(enum ana_check chk)
{
	switch (chk) {
	case ANA_CHK_LOGIN_DROPPED:
	case ANA_CHK_CONNECTION_LOST:
	case ANA_CHK_BURST_ORDER:
		return true;
	default:
		return false;
	}
}

static size_t
dump_for_event(const struct catalog_event *ce, const struct pdu *p,
    const struct ana_conn_int *c, uint8_t *out)
{
	size_t n = 0, h;

	if (ce == NULL)
		return 0;
	switch (ce->data) {
	case CATALOG_DATA_HEADER:
		if (p != NULL && p->wire != NULL && p->wire_len >= PDU_BHS_LEN)
			n = PDU_BHS_LEN;
		if (n > 0)
			memcpy(out, p->wire, n);
		return n;
	case CATALOG_DATA_HEADER_DIGEST:
		if (p == NULL || p->wire == NULL)
			return 0;
		h = PDU_BHS_LEN + (size_t)p->total_ahs_len * 4;
		n = h + (p->has_hdigest ? PDU_DIGEST_LEN : 0);
		if (n > p->wire_len)
			n = p->wire_len;
		if (n > ANA_DUMP_MAX)
			n = ANA_DUMP_MAX;
		memcpy(out, p->wire, n);
		return n;
	case CATALOG_DATA_PDU:
		if (p == NULL || p->wire == NULL)
			return 0;
		n = p->wire_len < ANA_DUMP_MAX ? p->wire_len : ANA_DUMP_MAX;
		memcpy(out, p->wire, n);
		return n;
	case CATALOG_DATA_TARGET_NAME:
		if (c == NULL || c->sess == NULL)
			return 0;
		n = strnlen(c->sess->pub.target_name, ANA_DUMP_MAX);
		memcpy(out, c->sess->pub.target_name, n);
		return n;
	default:
		return 0;
	}
}

static void
report_v(struct ana *a, struct ana_conn_int *c, enum ana_dir dir,
    enum ana_check chk, const struct pdu *p, int event, uint32_t isdsc,
    const void *dump, size_t dumplen, const char *fmt, va_list ap)
{
	struct ana_finding f, *fp;
	const struct catalog_event *ce;

	a->stats.findings[chk]++;
	a->stats.findings_total++;
	memset(&f, 0, sizeof(f));
	f.check = chk;
	f.severity = checks[chk].sev;
	f.frame = a->frame;
	f.pdu_index = p != NULL ? a->pdu_index : 0;
	f.opcode = p != NULL ? p->opcode : -1;
	f.dir = dir;
	f.conn_id = c != NULL ? c->pub.id : 0;
	f.session_id = c != NULL && c->sess != NULL ? c->sess->pub.id : 0;
	f.time = a->time;
	if (event < 0)		/* table default */
		event = (dir == ANA_DIR_T2I || event_any_direction(chk)) ?
		    (int)checks[chk].event : 0;
	f.event_id = (uint16_t)event;
	f.isdsc = isdsc;
	vsnprintf(f.msg, sizeof(f.msg), fmt, ap);
	if (dump != NULL && dumplen > 0) {
		f.dump_len = (uint16_t)(dumplen < ANA_DUMP_MAX ? dumplen :
		    ANA_DUMP_MAX);
		memcpy(f.dump, dump, f.dump_len);
	} else if (event > 0) {
		ce = catalog_event((unsigned)event);
		f.dump_len = (uint16_t)dump_for_event(ce, p, c, f.dump);
	}
	if (a->opts.on_finding != NULL)
		a->opts.on_finding(a->opts.arg, &f);
	if (a->nfindings >= a->opts.findings_max) {
		a->stats.findings_dropped++;
		return;
	}
	if (a->findings == NULL) {
		a->findings = malloc(a->opts.findings_max * sizeof(*fp));
		if (a->findings == NULL) {
			a->stats.findings_dropped++;
			return;
		}
	}
	a->findings[a->nfindings++] = f;
}

void
ana_report(struct ana *a, struct ana_conn_int *c, enum ana_dir dir,
    enum ana_check chk, const struct pdu *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_v(a, c, dir, chk, p, -1, 0, NULL, 0, fmt, ap);
	va_end(ap);
}

void
ana_report_ev(struct ana *a, struct ana_conn_int *c, enum ana_dir dir,
    enum ana_check chk, const struct pdu *p, unsigned event, uint32_t isdsc,
    const void *dump, size_t dumplen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_v(a, c, dir, chk, p, (int)event, isdsc, dump, dumplen, fmt, ap);
	va_end(ap);
}

/* ---- sessions ------------------------------------------------------- */

struct ana_session_int *
ana_session_new(struct ana *a)
{
	struct ana_session_int *s, **ns;
	size_t ncap;

	if (a->nsessions == a->sesscap) {
		ncap = a->sesscap ? a->sesscap * 2 : 16;
		ns = realloc(a->sessions, ncap * sizeof(*ns));
		if (ns == NULL)
			return NULL;
		a->sessions = ns;
		a->sesscap = ncap;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->pub.id = (unsigned)a->nsessions + 1;
	s->pub.first_frame = a->frame;
	keys_params_default(&s->pub.params);
	a->sessions[a->nsessions++] = s;
	return s;
}

struct ana_session_int *
ana_session_find(struct ana *a, const uint8_t *isid, uint16_t tsih)
{
	size_t i;

	for (i = a->nsessions; i-- > 0;) {
		struct ana_session_int *s = a->sessions[i];

		if (s->pub.isid_known && s->pub.tsih == tsih &&
		    memcmp(s->pub.isid, isid, 6) == 0)
			return s;
	}
	return NULL;
}

void
ana_conn_set_session(struct ana_conn_int *c, struct ana_session_int *s)
{
	if (c->sess == s)
		return;
	c->sess = s;
	c->pub.session_id = s != NULL ? s->pub.id : 0;
	if (s != NULL)
		s->pub.nconns++;
}

/* ---- PDUs from the framer ------------------------------------------- */

static void
count_rtt(struct ana *a, enum ana_rtt_kind k, double dt, uint64_t frame)
{
	struct ana_rtt *r = &a->stats.rtt[k];

	if (r->count == 0 || dt < r->min)
		r->min = dt;
	if (r->count == 0 || dt > r->max) {
		r->max = dt;
		r->max_frame = frame;
	}
	r->count++;
	r->sum += dt;
}

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

void
ana_count_rtt(struct ana *a, enum ana_rtt_kind k, double dt, uint64_t frame)
{
	count_rtt(a, k, dt, frame);
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
	if (!c->closer_known) {
		c->closer_known = true;
		c->closer = dir;
	}
	if (reset)
		c->pub.reset = true;
	if ((c->ended[0] || c->ended[1]) && !c->pub.closed) {
		c->pub.closed = true;
		ana_ffp_end(c, reset);
	}
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
	st = pkt_parse(a->linktype, data, caplen, wirelen, &t, &e);
	if (st == PKT_NOT_TCP)
		return;
	if (st == PKT_FRAGMENT) {
		ana_report(a, NULL, ANA_DIR_I2T, ANA_CHK_IP_FRAGMENT, NULL,
		    "%s: %s", e.layer, e.msg);
		return;
	}
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
	int rc, lt, ret = 0;

	p = pcap_open_offline(path, perr);
	if (p == NULL) {
		snprintf(errbuf, errsz, "%s: %s", path, perr);
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

/* ---- accessors ------------------------------------------------------ */

const struct ana_stats *
ana_stats(const struct ana *a)
{
	return &a->stats;
}

size_t
ana_session_count(const struct ana *a)
{
	return a->nsessions;
}

const struct ana_session *
ana_session_at(const struct ana *a, size_t i)
{
	return i < a->nsessions ? &a->sessions[i]->pub : NULL;
}

size_t
ana_conn_count(const struct ana *a)
{
	return a->nconns;
}

const struct ana_conn *
ana_conn_at(const struct ana *a, size_t i)
{
	return i < a->nconns ? &a->conns[i]->pub : NULL;
}

size_t
ana_finding_count(const struct ana *a)
{
	return a->nfindings;
}

const struct ana_finding *
ana_finding_at(const struct ana *a, size_t i)
{
	return i < a->nfindings ? &a->findings[i] : NULL;
}
