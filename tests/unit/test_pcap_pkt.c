/*
 * Link-layer / IP / TCP header parsing of captured packets (harness
 * pcap_pkt): every supported link type, stacked VLAN tags, IPv4 options
 * and padding, IPv6 extension headers, fragments, truncation, malformed
 * headers.
 */
#include <string.h>

#include "unit.h"
#include "pcap_pkt.h"

static size_t
put_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq, size_t optlen,
    const char *payload)
{
	size_t doff = 20 + optlen, n = strlen(payload);

	memset(p, 0, doff);
	p[0] = sport >> 8; p[1] = sport & 0xff;
	p[2] = dport >> 8; p[3] = dport & 0xff;
	p[4] = seq >> 24; p[5] = seq >> 16; p[6] = seq >> 8; p[7] = seq & 0xff;
	p[11] = 7;				/* ack 7 */
	p[12] = (uint8_t)((doff / 4) << 4);
	p[13] = 0x18;				/* PSH ACK */
	p[14] = 0xff; p[15] = 0xff;
	if (optlen > 0)
		memset(p + 20, 1, optlen);	/* NOP options */
	memcpy(p + doff, payload, n);
	return doff + n;
}

static size_t
put_ipv4(uint8_t *p, size_t optlen, uint16_t frag, uint8_t proto,
    size_t payload_len)
{
	size_t ihl = 20 + optlen, total = ihl + payload_len;

	memset(p, 0, ihl);
	p[0] = (uint8_t)(0x40 | ihl / 4);
	p[2] = (uint8_t)(total >> 8);
	p[3] = (uint8_t)total;
	p[6] = frag >> 8;
	p[7] = frag & 0xff;
	p[8] = 64;
	p[9] = proto;
	p[12] = 10; p[15] = 1;			/* 10.0.0.1 */
	p[16] = 10; p[19] = 2;			/* 10.0.0.2 */
	return ihl;
}

static size_t
put_ipv6(uint8_t *p, uint8_t nh, size_t payload_len)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = (uint8_t)(payload_len >> 8);
	p[5] = (uint8_t)payload_len;
	p[6] = nh;
	p[7] = 64;
	p[23] = 1;				/* ::1 */
	p[39] = 2;				/* ::2 */
	return 40;
}

static size_t
put_eth(uint8_t *p, const uint16_t *types, size_t ntypes)
{
	size_t n = 12, i;

	memset(p, 0xaa, 12);
	for (i = 0; i < ntypes; i++) {
		p[n] = types[i] >> 8;
		p[n + 1] = types[i] & 0xff;
		n += 2;
		if (i + 1 < ntypes) {		/* TCI */
			p[n] = 0;
			p[n + 1] = (uint8_t)(i + 5);
			n += 2;
		}
	}
	return n;
}

/* Ethernet + IPv4 + TCP, 4 payload bytes. */
static void
test_ethernet_ipv4(void)
{
	uint8_t b[200];
	static const uint16_t t[] = { 0x0800 };
	struct pkt_tcp out;
	size_t n = put_eth(b, t, 1);

	n += put_ipv4(b + n, 0, 0x4000, 6, 24);	/* DF */
	n += put_tcp(b + n, 40000, 3260, 1000, 0, "abcd");
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(out.family, 4);
	CU_ASSERT_EQUAL(out.sport, 40000);
	CU_ASSERT_EQUAL(out.dport, 3260);
	CU_ASSERT_EQUAL(out.seq, 1000);
	CU_ASSERT_EQUAL(out.ack, 7);
	CU_ASSERT_EQUAL(out.flags, 0x18);
	CU_ASSERT_EQUAL(out.cap_len, 4);
	CU_ASSERT_EQUAL(out.wire_len, 4);
	CU_ASSERT_EQUAL(memcmp(out.payload, "abcd", 4), 0);
	CU_ASSERT_EQUAL(out.src[0], 10);
	CU_ASSERT_EQUAL(out.dst[3], 2);
}

/* 802.1ad + 802.1Q stacked tags, IPv4 options, TCP options, padding. */
static void
test_vlan_options_padding(void)
{
	uint8_t b[200];
	static const uint16_t t[] = { 0x88a8, 0x8100, 0x0800 };
	struct pkt_tcp out;
	size_t n = put_eth(b, t, 3);

	n += put_ipv4(b + n, 8, 0, 6, 32 + 3);
	n += put_tcp(b + n, 1, 3260, 5, 12, "xyz");
	memset(b + n, 0, 10);			/* Ethernet padding */
	n += 10;
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(out.vlan_tags, 2);
	CU_ASSERT_EQUAL(out.cap_len, 3);	/* IP length, not the padding */
	CU_ASSERT_EQUAL(memcmp(out.payload, "xyz", 3), 0);
}

/* Linux cooked v1 + IPv6 with hop-by-hop and destination options. */
static void
test_sll_ipv6_ext(void)
{
	uint8_t b[300];
	struct pkt_tcp out;
	size_t n = 16, tcp;

	memset(b, 0, 16);
	b[14] = 0x86; b[15] = 0xdd;
	n += put_ipv6(b + n, 0, 8 + 16 + 20 + 2);
	b[n] = 60; b[n + 1] = 0;		/* hop-by-hop, 8 bytes -> dstopts */
	memset(b + n + 2, 1, 6);
	n += 8;
	b[n] = 6; b[n + 1] = 1;			/* dstopts, 16 bytes -> TCP */
	memset(b + n + 2, 1, 14);
	n += 16;
	tcp = put_tcp(b + n, 3260, 50000, 0xfffffff0u, 0, "hi");
	n += tcp;
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_LINUX_SLL, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(out.family, 6);
	CU_ASSERT_EQUAL(out.sport, 3260);
	CU_ASSERT_EQUAL(out.seq, 0xfffffff0u);
	CU_ASSERT_EQUAL(out.src[15], 1);
	CU_ASSERT_EQUAL(out.dst[15], 2);
	CU_ASSERT_EQUAL(out.cap_len, 2);
}

/* Linux cooked v2, raw IP, raw IPv4/IPv6 and BSD loopback headers. */
static void
test_other_links(void)
{
	uint8_t b[200];
	struct pkt_tcp out;
	size_t n;

	memset(b, 0, 20);
	b[0] = 0x08;				/* SLL2 protocol 0x0800 */
	n = 20 + put_ipv4(b + 20, 0, 0, 6, 21);
	n += put_tcp(b + n, 1, 2, 3, 0, "s");
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_LINUX_SLL2, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(out.cap_len, 1);

	n = put_ipv6(b, 6, 21);
	n += put_tcp(b + n, 1, 2, 3, 0, "r");
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_RAW, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(out.family, 6);
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_RAW101, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_IPV6, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_IPV4, b, n, n, &out, NULL),
	    PKT_MALFORMED);			/* version 6 on an IPv4 link */

	b[0] = 2; b[1] = b[2] = b[3] = 0;	/* AF_INET, little-endian host */
	n = 4 + put_ipv4(b + 4, 0, 0, 6, 21);
	n += put_tcp(b + n, 1, 2, 3, 0, "n");
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_NULL, b, n, n, &out, NULL), PKT_OK);
	b[0] = b[1] = b[2] = 0; b[3] = 2;	/* network order (DLT_LOOP) */
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_LOOP, b, n, n, &out, NULL), PKT_OK);
	CU_ASSERT_EQUAL(pkt_parse(147, b, n, n, &out, NULL), PKT_LINK);
	CU_ASSERT_FALSE(pkt_link_supported(147));
	CU_ASSERT_TRUE(pkt_link_supported(PKT_LINK_LINUX_SLL2));
}

/* RFC 791 / RFC 8200 fragments are reported, not parsed. */
static void
test_fragments(void)
{
	uint8_t b[200];
	static const uint16_t t[] = { 0x0800 };
	struct pkt_tcp out;
	struct pkt_error e;
	size_t n = put_eth(b, t, 1), ip = n;

	n += put_ipv4(b + n, 0, 0x2000, 6, 24);	/* MF, offset 0 */
	n += put_tcp(b + n, 1, 3260, 0, 0, "abcd");
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n, &out, &e),
	    PKT_FRAGMENT);
	CU_ASSERT_STRING_EQUAL(e.layer, "IPv4");
	put_ipv4(b + ip, 0, 0x0003, 6, 24);		/* offset 24 */
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n, &out, NULL),
	    PKT_FRAGMENT);

	n = put_ipv6(b, 44, 8 + 20);
	b[n] = 6;
	memset(b + n + 1, 0, 7);
	b[n + 3] = 1;				/* M flag */
	n += 8;
	n += put_tcp(b + n, 1, 2, 3, 0, "");
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_RAW, b, n, n, &out, &e), PKT_FRAGMENT);
	CU_ASSERT_STRING_EQUAL(e.layer, "IPv6");
}

/* Snap length: headers cut -> TRUNC; payload cut -> OK with cap < wire. */
static void
test_truncation(void)
{
	uint8_t b[200];
	static const uint16_t t[] = { 0x0800 };
	struct pkt_tcp out;
	struct pkt_error e;
	size_t n = put_eth(b, t, 1);

	n += put_ipv4(b + n, 0, 0, 6, 20 + 100);
	n += put_tcp(b + n, 1, 3260, 0, 0, "0123456789");
	/* 10 of 100 payload bytes captured */
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n + 90, &out, NULL),
	    PKT_OK);
	CU_ASSERT_EQUAL(out.cap_len, 10);
	CU_ASSERT_EQUAL(out.wire_len, 100);
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, 14 + 20 + 10, n + 90,
	    &out, &e), PKT_TRUNC);
	CU_ASSERT_STRING_EQUAL(e.layer, "TCP");
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, 10, n, &out, NULL),
	    PKT_TRUNC);
}

static void
test_not_tcp_and_malformed(void)
{
	uint8_t b[200];
	static const uint16_t arp[] = { 0x0806 }, v4[] = { 0x0800 };
	struct pkt_tcp out;
	size_t n = put_eth(b, arp, 1), ip;

	memset(b + n, 0, 28);
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n + 28, n + 28, &out,
	    NULL), PKT_NOT_TCP);
	n = put_eth(b, v4, 1);
	ip = n;
	n += put_ipv4(b + n, 0, 0, 17, 8);	/* UDP */
	memset(b + n, 0, 8);
	n += 8;
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n, &out, NULL),
	    PKT_NOT_TCP);
	b[ip] = 0x44;				/* IHL 4 words */
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n, &out, NULL),
	    PKT_MALFORMED);
	n = ip + put_ipv4(b + ip, 0, 0, 6, 20);
	n += put_tcp(b + n, 1, 2, 3, 0, "");
	b[ip + 20 + 12] = 0x40;			/* data offset 16 bytes */
	CU_ASSERT_EQUAL(pkt_parse(PKT_LINK_ETHERNET, b, n, n, &out, NULL),
	    PKT_MALFORMED);
}

static void
test_endpoint_format(void)
{
	uint8_t a4[16] = { 127, 0, 0, 2 }, a6[16] = { 0 };
	char buf[64];

	a6[15] = 1;
	pkt_format_endpoint(4, a4, 3260, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "127.0.0.2:3260");
	pkt_format_endpoint(6, a6, 860, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[::1]:860");
}

static CU_TestInfo pcap_pkt_tests[] = {
	{ "ethernet_ipv4_tcp", test_ethernet_ipv4 },
	{ "vlan_stacked_ip_tcp_options_padding", test_vlan_options_padding },
	{ "sll_ipv6_extension_headers", test_sll_ipv6_ext },
	{ "sll2_raw_null_loop_links", test_other_links },
	{ "rfc791_rfc8200_fragments_reported", test_fragments },
	{ "snaplen_truncation", test_truncation },
	{ "not_tcp_and_malformed", test_not_tcp_and_malformed },
	{ "endpoint_format", test_endpoint_format },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "pcap_pkt", pcap_pkt_tests)
