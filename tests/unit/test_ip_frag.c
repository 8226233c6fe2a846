/*
 * IP fragment reassembly (harness/ip_frag.c) with hand-built fragments:
 * in order, out of order, overlapping (IPv4 first copy wins, IPv6
 * discarded), a missing piece, the time-out and the limits; the IPv6
 * Fragment header fields from pcap_pkt; and a small pcap file built here
 * whose Login Request travels in three out-of-order IPv4 fragments.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "ip_frag.h"
#include "pcap_pkt.h"
#include "pdu.h"
#include "unit.h"

static const uint8_t src4[4] = { 10, 0, 0, 1 }, dst4[4] = { 10, 0, 0, 2 };
static uint8_t src6[16] = { 0xfe, 0x80 }, dst6[16] = { 0xfe, 0x80, 1 };

struct lost_log {
	unsigned	 n;
	char		 why[160];
	size_t		 have, total;
	bool		 total_known;
};

static void
on_lost(void *arg, const struct ipf_lost *l)
{
	struct lost_log *g = arg;

	g->n++;
	snprintf(g->why, sizeof(g->why), "%s", l->why);
	g->have = l->have;
	g->total = l->total;
	g->total_known = l->total_known;
}

static struct ipf_frag
frag(int family, uint32_t id, uint32_t off, bool more, const uint8_t *data,
    size_t len)
{
	struct ipf_frag f;

	memset(&f, 0, sizeof(f));
	f.family = family;
	f.src = family == 6 ? src6 : src4;
	f.dst = family == 6 ? dst6 : dst4;
	f.id = id;
	f.proto = 6;
	f.offset = off;
	f.more = more;
	f.data = data;
	f.len = f.cap_len = len;
	return f;
}

static uint8_t payload[64];

static void
fill(void)
{
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
}

static void
test_in_order(void)
{
	struct ipf *f = ipf_new();
	struct lost_log g = { 0 };
	struct ipf_frag fr;
	struct ipf_out o;

	fill();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fr = frag(4, 7, 0, true, payload, 16);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(4, 7, 16, true, payload + 16, 16);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.1, &o, on_lost, &g), IPF_HELD);
	CU_ASSERT_EQUAL(ipf_active(f), 1);
	fr = frag(4, 7, 32, false, payload + 32, 5);	/* last: any length */
	CU_ASSERT_EQUAL_FATAL(ipf_add(f, &fr, 1.2, &o, on_lost, &g),
	    IPF_COMPLETE);
	CU_ASSERT_EQUAL(o.len, 37);
	CU_ASSERT_EQUAL(o.proto, 6);
	CU_ASSERT_EQUAL(o.frags, 3);
	CU_ASSERT_EQUAL(o.overlap, 0);
	CU_ASSERT_EQUAL(memcmp(o.data, payload, 37), 0);
	CU_ASSERT_EQUAL(ipf_active(f), 0);
	CU_ASSERT_EQUAL(g.n, 0);
	ipf_free(f);
}

static void
test_out_of_order_and_interleaved(void)
{
	struct ipf *f = ipf_new();
	struct lost_log g = { 0 };
	struct ipf_frag fr;
	struct ipf_out o;

	fill();
	fr = frag(6, 0x11223344, 40, false, payload + 40, 24);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g), IPF_HELD);
	/* another datagram (other id) in between */
	fr = frag(6, 0x99, 0, true, payload, 8);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(6, 0x11223344, 0, true, payload, 24);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.1, &o, on_lost, &g), IPF_HELD);
	CU_ASSERT_EQUAL(ipf_active(f), 2);
	fr = frag(6, 0x11223344, 24, true, payload + 24, 16);
	CU_ASSERT_EQUAL_FATAL(ipf_add(f, &fr, 1.2, &o, on_lost, &g),
	    IPF_COMPLETE);
	CU_ASSERT_EQUAL(o.len, 64);
	CU_ASSERT_EQUAL(memcmp(o.data, payload, 64), 0);
	CU_ASSERT_EQUAL(ipf_active(f), 1);
	ipf_free(f);
}

static void
test_overlap(void)
{
	struct ipf *f = ipf_new();
	struct lost_log g = { 0 };
	uint8_t other[32], want[24];
	struct ipf_frag fr;
	struct ipf_out o;

	fill();
	memset(other, 0xee, sizeof(other));
	/* IPv4: 0..16 from payload, then 8..24 from other: bytes 8..15
	   keep the first copy */
	fr = frag(4, 1, 0, true, payload, 16);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(4, 1, 8, false, other, 16);
	CU_ASSERT_EQUAL_FATAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g),
	    IPF_COMPLETE);
	memcpy(want, payload, 16);
	memset(want + 16, 0xee, 8);
	CU_ASSERT_EQUAL(o.len, 24);
	CU_ASSERT_EQUAL(o.overlap, 8);
	CU_ASSERT_EQUAL(memcmp(o.data, want, 24), 0);
	/* the same in the other order: still the first copy */
	fr = frag(4, 2, 8, false, other, 16);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(4, 2, 0, true, payload, 16);
	CU_ASSERT_EQUAL_FATAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g),
	    IPF_COMPLETE);
	memcpy(want, payload, 8);
	memset(want + 8, 0xee, 16);
	CU_ASSERT_EQUAL(memcmp(o.data, want, 24), 0);
	/* IPv6: discarded (RFC 5722), reported once */
	fr = frag(6, 3, 0, true, payload, 16);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(6, 3, 8, false, other, 16);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0, &o, on_lost, &g), IPF_DROPPED);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.why, "RFC 5722"));
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.why, "overlapping"));
	CU_ASSERT_EQUAL(ipf_active(f), 0);
	ipf_free(f);
}

static void
test_missing_and_timeout(void)
{
	struct ipf *f = ipf_new();
	struct lost_log g = { 0 };
	struct ipf_frag fr;
	struct ipf_out o;

	fill();
	fr = frag(4, 5, 0, true, payload, 8);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 10.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(4, 5, 16, false, payload + 16, 8);	/* 8..16 missing */
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 10.5, &o, on_lost, &g), IPF_HELD);
	ipf_expire(f, 40.0, on_lost, &g);		/* 30 s: not yet */
	CU_ASSERT_EQUAL(g.n, 0);
	fr = frag(4, 6, 0, true, payload, 8);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 39.0, &o, on_lost, &g), IPF_HELD);
	ipf_expire(f, 40.1, on_lost, &g);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.why, "timed out"));
	CU_ASSERT_EQUAL(g.have, 16);
	CU_ASSERT_TRUE(g.total_known);
	CU_ASSERT_EQUAL(g.total, 24);
	/* the late piece starts a new set; the end of the capture reports
	   both that one and id 6 */
	fr = frag(4, 5, 8, true, payload + 8, 8);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 41.0, &o, on_lost, &g), IPF_HELD);
	ipf_flush(f, on_lost, &g);
	CU_ASSERT_EQUAL(g.n, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.why, "end of the capture"));
	CU_ASSERT_EQUAL(ipf_active(f), 0);
	ipf_free(f);
}

static void
test_limits(void)
{
	static uint8_t big[IPF_MAX_LEN];
	struct ipf *f = ipf_new();
	struct lost_log g = { 0 };
	struct ipf_frag fr;
	struct ipf_out o;
	uint32_t id;

	fill();
	for (id = 0; id < IPF_SETS; id++) {
		fr = frag(4, id, 0, true, payload, 8);
		CU_ASSERT_EQUAL(ipf_add(f, &fr, 1.0 + id * 0.01, &o, on_lost,
		    &g), IPF_HELD);
	}
	CU_ASSERT_EQUAL(ipf_active(f), IPF_SETS);
	CU_ASSERT_EQUAL(g.n, 0);
	fr = frag(4, 1000, 0, true, payload, 8);	/* one more: the oldest goes */
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 2.0, &o, on_lost, &g), IPF_HELD);
	CU_ASSERT_EQUAL(ipf_active(f), IPF_SETS);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.why, "more than 64"));
	ipf_flush(f, on_lost, &g);
	g.n = 0;
	/* a datagram over 65535 bytes */
	fr = frag(4, 1, 65528, false, big, 16);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 3.0, &o, on_lost, &g), IPF_DROPPED);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.why, "beyond 65535"));
	/* the largest one that fits */
	fr = frag(4, 2, 0, true, big, 32768);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 3.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(4, 2, 32768, false, big, IPF_MAX_LEN - 32768);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 3.0, &o, on_lost, &g), IPF_COMPLETE);
	CU_ASSERT_EQUAL(o.len, IPF_MAX_LEN);
	/* not a multiple of 8 with more to come; cut by the snap length */
	fr = frag(4, 3, 0, true, payload, 12);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 3.0, &o, on_lost, &g), IPF_DROPPED);
	fr = frag(4, 4, 0, true, payload, 16);
	fr.cap_len = 10;
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 3.0, &o, on_lost, &g), IPF_DROPPED);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.why, "snap length"));
	/* two last fragments that disagree */
	fr = frag(4, 5, 16, false, payload, 8);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 3.0, &o, on_lost, &g), IPF_HELD);
	fr = frag(4, 5, 24, false, payload, 8);
	CU_ASSERT_EQUAL(ipf_add(f, &fr, 3.0, &o, on_lost, &g), IPF_DROPPED);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_EQUAL(ipf_active(f), 0);
	ipf_free(f);
}

/* ---- frames ------------------------------------------------------------ */

static size_t
tcp_hdr(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq,
    uint32_t ack, uint8_t flags)
{
	memset(p, 0, 20);
	p[0] = sport >> 8; p[1] = sport & 0xff;
	p[2] = dport >> 8; p[3] = dport & 0xff;
	p[4] = seq >> 24; p[5] = seq >> 16; p[6] = seq >> 8; p[7] = seq & 0xff;
	p[8] = ack >> 24; p[9] = ack >> 16; p[10] = ack >> 8; p[11] = ack & 0xff;
	p[12] = 0x50;
	p[13] = flags;
	p[14] = 0xff; p[15] = 0xff;
	return 20;
}

/* Ethernet + IPv4 (id, offset, MF) around len bytes of payload. */
static size_t
eth_ipv4(uint8_t *fr, int to_target, uint16_t id, uint32_t off, bool more,
    const uint8_t *data, size_t len)
{
	size_t total = 20 + len;

	memset(fr, 0, 34);
	fr[12] = 0x08;
	fr[14] = 0x45;
	fr[16] = (uint8_t)(total >> 8);
	fr[17] = (uint8_t)total;
	fr[18] = (uint8_t)(id >> 8);
	fr[19] = (uint8_t)id;
	fr[20] = (uint8_t)((more ? 0x20 : 0) | ((off / 8) >> 8));
	fr[21] = (uint8_t)(off / 8);
	fr[22] = 64;
	fr[23] = 6;
	memcpy(fr + 26, to_target ? src4 : dst4, 4);
	memcpy(fr + 30, to_target ? dst4 : src4, 4);
	memcpy(fr + 34, data, len);
	return 34 + len;
}

static void
dump(pcap_dumper_t *d, double t, const uint8_t *fr, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)t;
	h.ts.tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d, &h, fr);
}

/*
 * A handshake, a Login Request whose segment is cut into 3 fragments
 * (sent last, first, middle; or the middle never sent), the Login
 * Response.  Returns the file name (caller unlinks).
 */
static void
write_capture(const char *path, bool lose_middle)
{
	uint8_t seg[2048], fr[2100], text[128];
	struct pdu p;
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	size_t tl, n, pl;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pd);
	d = pcap_dump_open(pd, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	tcp_hdr(seg, 40000, 3260, 999, 0, 0x02);
	dump(d, 1.0, fr, eth_ipv4(fr, 1, 1, 0, false, seg, 20));
	tcp_hdr(seg, 3260, 40000, 4999, 1000, 0x12);
	dump(d, 1.0, fr, eth_ipv4(fr, 0, 1, 0, false, seg, 20));
	tcp_hdr(seg, 40000, 3260, 1000, 5000, 0x10);
	dump(d, 1.0, fr, eth_ipv4(fr, 1, 2, 0, false, seg, 20));

	memset(&p, 0, sizeof(p));
	p.opcode = PDU_OP_LOGIN_REQ;
	p.immediate = true;
	p.u.login_req.transit = true;
	p.u.login_req.csg = PDU_STAGE_OPERATIONAL;
	p.u.login_req.nsg = PDU_STAGE_FULL_FEATURE;
	p.u.login_req.isid[0] = 0x40;
	p.itt = 1;
	tl = (size_t)snprintf((char *)text, sizeof(text), "InitiatorName=iqn."
	    "2026-11.org.example:i%cSessionType=Discovery%c", 0, 0);
	p.data = text;
	p.data_len = (uint32_t)tl;
	tcp_hdr(seg, 40000, 3260, 1000, 5000, 0x18);
	CU_ASSERT_EQUAL_FATAL(pdu_encode(&p, NULL, seg + 20, sizeof(seg) - 20,
	    &pl), PDU_OK);
	CU_ASSERT_FATAL(pl > 64);
	n = 20 + pl;			/* the TCP segment: 3 fragments */
	dump(d, 1.1, fr, eth_ipv4(fr, 1, 3, 64, false, seg + 64, n - 64));
	dump(d, 1.1, fr, eth_ipv4(fr, 1, 3, 0, true, seg, 32));
	if (!lose_middle)
		dump(d, 1.1, fr, eth_ipv4(fr, 1, 3, 32, true, seg + 32, 32));

	memset(&p, 0, sizeof(p));
	p.opcode = PDU_OP_LOGIN_RSP;
	p.u.login_rsp.transit = true;
	p.u.login_rsp.csg = PDU_STAGE_OPERATIONAL;
	p.u.login_rsp.nsg = PDU_STAGE_FULL_FEATURE;
	p.u.login_rsp.isid[0] = 0x40;
	p.u.login_rsp.tsih = 1;
	p.itt = 1;
	tcp_hdr(seg, 3260, 40000, 5000, (uint32_t)(1000 + n - 20), 0x18);
	CU_ASSERT_EQUAL_FATAL(pdu_encode(&p, NULL, seg + 20, sizeof(seg) - 20,
	    &pl), PDU_OK);
	dump(d, 1.2, fr, eth_ipv4(fr, 0, 2, 0, false, seg, 20 + pl));
	pcap_dump_close(d);
	pcap_close(pd);
}

static void
test_pcap_reassembled(void)
{
	char path[] = "/tmp/iscsi-bench-ipfrag-XXXXXX", err[256];
	const struct ana_stats *st;
	struct ana_opts o;
	struct ana *a;
	int fd = mkstemp(path);
	size_t i, nfrag = 0;

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	write_capture(path, false);
	ana_opts_default(&o);
	a = ana_new(&o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(ana_run_file(a, path, err, sizeof(err)), 0);
	st = ana_stats(a);
	CU_ASSERT_EQUAL(st->frames, 7);
	CU_ASSERT_EQUAL(st->pdus, 2);
	CU_ASSERT_EQUAL(st->opcodes[PDU_OP_LOGIN_REQ], 1);
	CU_ASSERT_EQUAL(st->opcodes[PDU_OP_LOGIN_RSP], 1);
	CU_ASSERT_EQUAL(st->findings[ANA_CHK_IP_FRAGMENT], 0);
	CU_ASSERT_EQUAL(st->findings[ANA_CHK_TCP_GAP], 0);
	CU_ASSERT_EQUAL_FATAL(ana_session_count(a), 1);
	CU_ASSERT_STRING_EQUAL(ana_session_at(a, 0)->initiator_name,
	    "iqn.2026-11.org.example:i");
	ana_free(a);

	/* the middle fragment lost: a finding, and no Login Request */
	write_capture(path, true);
	a = ana_new(&o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(ana_run_file(a, path, err, sizeof(err)), 0);
	st = ana_stats(a);
	CU_ASSERT_EQUAL(st->opcodes[PDU_OP_LOGIN_REQ], 0);
	CU_ASSERT_EQUAL(st->findings[ANA_CHK_IP_FRAGMENT], 1);
	for (i = 0; i < ana_finding_count(a); i++) {
		const struct ana_finding *f = ana_finding_at(a, i);

		if (f->check == ANA_CHK_IP_FRAGMENT) {
			nfrag++;
			CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, "10.0.0.1 -> "
			    "10.0.0.2"));
			CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, "incomplete"));
			CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, "2 fragments"));
		}
	}
	CU_ASSERT_EQUAL(nfrag, 1);
	ana_free(a);
	unlink(path);
}

/* pcap_pkt: the IPv6 Fragment header's fields. */
static void
test_pkt_ipv6_fragment(void)
{
	uint8_t p[40 + 8 + 16];
	struct pkt_tcp t;
	struct pkt_error e;

	memset(p, 0, sizeof(p));
	p[0] = 0x60;
	p[5] = 8 + 16;			/* payload length */
	p[6] = 44;			/* Fragment */
	memcpy(p + 8, src6, 16);
	memcpy(p + 24, dst6, 16);
	p[40] = 6;			/* next header TCP */
	p[42] = 0x05;			/* offset 181 * 8 = 0x05a8, */
	p[43] = 0xa9;			/* M = 1 */
	p[44] = 0xde; p[45] = 0xad; p[46] = 0xbe; p[47] = 0xef;
	CU_ASSERT_EQUAL_FATAL(pkt_parse(PKT_LINK_IPV6, p, sizeof(p), sizeof(p),
	    &t, &e), PKT_FRAGMENT);
	CU_ASSERT_EQUAL(t.family, 6);
	CU_ASSERT_EQUAL(t.frag.proto, 6);
	CU_ASSERT_EQUAL(t.frag.offset, 1448);
	CU_ASSERT_TRUE(t.frag.more);
	CU_ASSERT_EQUAL(t.frag.id, 0xdeadbeef);
	CU_ASSERT_EQUAL(t.frag.wire_len, 16);
	CU_ASSERT_EQUAL(t.frag.cap_len, 16);
	CU_ASSERT_PTR_EQUAL(t.frag.data, p + 48);
}

static CU_TestInfo ipfrag_tests[] = {
	{ "in_order", test_in_order },
	{ "out_of_order_and_interleaved", test_out_of_order_and_interleaved },
	{ "overlap", test_overlap },
	{ "missing_and_timeout", test_missing_and_timeout },
	{ "limits", test_limits },
	{ "pkt_ipv6_fragment", test_pkt_ipv6_fragment },
	{ "pcap_reassembled", test_pcap_reassembled },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "ip_frag", ipfrag_tests);
