/*
 * Link-layer / IP / TCP header parsing: a cursor walks the captured bytes,
 * each layer checks it has its whole header before reading it.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bytes.h"
#include "pcap_pkt.h"

/* Ethertypes (IEEE 802 numbers). */
#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100	/* 802.1Q */
#define ETH_QINQ	0x88a8	/* 802.1ad */
#define ETH_QINQ_OLD	0x9100	/* pre-standard stacked tag */
#define ETH_HDR_LEN	14
#define VLAN_TAG_LEN	4
#define VLAN_MAX_TAGS	8
#define SLL_HDR_LEN	16
#define SLL2_HDR_LEN	20
#define NULL_HDR_LEN	4

/* IP protocol / IPv6 next-header numbers (IANA). */
#define IPPROTO_NUM_HOPOPTS	0
#define IPPROTO_NUM_TCP		6
#define IPPROTO_NUM_ROUTING	43
#define IPPROTO_NUM_FRAGMENT	44
#define IPPROTO_NUM_ESP		50
#define IPPROTO_NUM_AH		51
#define IPPROTO_NUM_NONE	59
#define IPPROTO_NUM_DSTOPTS	60
#define IPPROTO_NUM_MOBILITY	135
#define IPV6_EXT_MAX		16

#define IPV4_HDR_MIN	20
#define IPV6_HDR_LEN	40
#define TCP_HDR_MIN	20

/* BSD loopback family values that mean IPv6 on the various BSDs. */
#define BSD_AF_INET	2
#define BSD_AF_INET6_A	10	/* Linux */
#define BSD_AF_INET6_B	24	/* NetBSD, OpenBSD */
#define BSD_AF_INET6_C	28	/* FreeBSD */
#define BSD_AF_INET6_D	30	/* Darwin */

struct cursor {
	const uint8_t	*p;
	size_t		 cap;	/* bytes present from p */
	size_t		 wire;	/* bytes on the wire from p */
};

static enum pkt_status
fail(struct pkt_error *err, enum pkt_status code, const char *layer,
    const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		err->layer = layer;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

static bool
need(const struct cursor *c, size_t n)
{
	return c->cap >= n;
}

static void
advance(struct cursor *c, size_t n)
{
	c->p += n;
	c->cap -= n;
	c->wire = c->wire >= n ? c->wire - n : 0;
}

/* Limit the cursor to the length the IP header announces. */
static void
limit(struct cursor *c, size_t len)
{
	if (c->cap > len)
		c->cap = len;
	c->wire = len;
}

static enum pkt_status
parse_tcp(struct cursor *c, struct pkt_tcp *out, struct pkt_error *err)
{
	size_t off;

	if (!need(c, TCP_HDR_MIN))
		return fail(err, PKT_TRUNC, "TCP", "TCP header: %zu of %d bytes "
		    "captured", c->cap, TCP_HDR_MIN);
	off = (size_t)(c->p[12] >> 4) * 4;
	if (off < TCP_HDR_MIN)
		return fail(err, PKT_MALFORMED, "TCP", "data offset %zu < 20",
		    off);
	if (!need(c, off))
		return fail(err, PKT_TRUNC, "TCP", "TCP options: %zu of %zu "
		    "bytes captured", c->cap, off);
	if (c->wire < off)
		return fail(err, PKT_MALFORMED, "TCP", "data offset %zu beyond "
		    "the IP payload (%zu bytes)", off, c->wire);
	out->sport = get_be16(c->p);
	out->dport = get_be16(c->p + 2);
	out->seq = get_be32(c->p + 4);
	out->ack = get_be32(c->p + 8);
	out->flags = c->p[13];
	out->window = get_be16(c->p + 14);
	advance(c, off);
	out->payload = c->p;
	out->cap_len = c->cap;
	out->wire_len = c->wire;
	return PKT_OK;
}

static enum pkt_status
parse_ipv4(struct cursor *c, struct pkt_tcp *out, struct pkt_error *err)
{
	size_t ihl, total;
	uint16_t frag;

	if (!need(c, IPV4_HDR_MIN))
		return fail(err, PKT_TRUNC, "IPv4", "IPv4 header: %zu of 20 "
		    "bytes captured", c->cap);
	if (c->p[0] >> 4 != 4)
		return fail(err, PKT_MALFORMED, "IPv4", "version %u, expected 4",
		    c->p[0] >> 4);
	ihl = (size_t)(c->p[0] & 0x0f) * 4;
	total = get_be16(c->p + 2);
	if (ihl < IPV4_HDR_MIN)
		return fail(err, PKT_MALFORMED, "IPv4", "IHL %zu bytes < 20", ihl);
	if (total < ihl)
		return fail(err, PKT_MALFORMED, "IPv4", "total length %zu < "
		    "header length %zu", total, ihl);
	if (!need(c, ihl))
		return fail(err, PKT_TRUNC, "IPv4", "IPv4 options: %zu of %zu "
		    "bytes captured", c->cap, ihl);
	out->family = 4;
	memcpy(out->src, c->p + 12, 4);
	memcpy(out->dst, c->p + 16, 4);
	frag = get_be16(c->p + 6);
	if ((frag & 0x2000) || (frag & 0x1fff)) {
		out->frag.id = get_be16(c->p + 4);
		out->frag.proto = c->p[9];
		out->frag.offset = (frag & 0x1fffu) * 8u;
		out->frag.more = (frag & 0x2000) != 0;
		if (total == 0)
			total = c->wire;
		limit(c, total);
		advance(c, ihl);
		out->frag.data = c->p;
		out->frag.cap_len = c->cap;
		out->frag.wire_len = c->wire;
		return fail(err, PKT_FRAGMENT, "IPv4", "fragment (offset %u, "
		    "MF %u, id 0x%04x)", out->frag.offset, out->frag.more,
		    out->frag.id);
	}
	if (c->p[9] != IPPROTO_NUM_TCP)
		return fail(err, PKT_NOT_TCP, "IPv4", "protocol %u", c->p[9]);
	/* total > wire happens with TSO captures (total 0) and truncation */
	if (total == 0)
		total = c->wire;
	limit(c, total);
	advance(c, ihl);
	return parse_tcp(c, out, err);
}

static enum pkt_status
parse_ipv6(struct cursor *c, struct pkt_tcp *out, struct pkt_error *err)
{
	unsigned nh, n;
	size_t len, plen;

	if (!need(c, IPV6_HDR_LEN))
		return fail(err, PKT_TRUNC, "IPv6", "IPv6 header: %zu of 40 "
		    "bytes captured", c->cap);
	if (c->p[0] >> 4 != 6)
		return fail(err, PKT_MALFORMED, "IPv6", "version %u, expected 6",
		    c->p[0] >> 4);
	out->family = 6;
	memcpy(out->src, c->p + 8, 16);
	memcpy(out->dst, c->p + 24, 16);
	plen = get_be16(c->p + 4);
	nh = c->p[6];
	advance(c, IPV6_HDR_LEN);
	if (plen != 0)		/* 0: jumbogram or TSO, trust the capture */
		limit(c, plen);
	for (n = 0; n < IPV6_EXT_MAX; n++) {
		switch (nh) {
		case IPPROTO_NUM_TCP:
			return parse_tcp(c, out, err);
		case IPPROTO_NUM_HOPOPTS:
		case IPPROTO_NUM_ROUTING:
		case IPPROTO_NUM_DSTOPTS:
		case IPPROTO_NUM_MOBILITY:
			if (!need(c, 2))
				return fail(err, PKT_TRUNC, "IPv6",
				    "extension header %u truncated", nh);
			len = ((size_t)c->p[1] + 1) * 8;
			break;
		case IPPROTO_NUM_AH:	/* RFC 4302: length in 4-byte units - 2 */
			if (!need(c, 2))
				return fail(err, PKT_TRUNC, "IPv6",
				    "AH header truncated");
			len = ((size_t)c->p[1] + 2) * 4;
			break;
		case IPPROTO_NUM_FRAGMENT:
			if (!need(c, 8))
				return fail(err, PKT_TRUNC, "IPv6",
				    "fragment header truncated");
			out->frag.proto = c->p[0];
			out->frag.offset = get_be16(c->p + 2) & 0xfff8u;
			out->frag.more = (get_be16(c->p + 2) & 1u) != 0;
			out->frag.id = get_be32(c->p + 4);
			if (c->wire < 8)
				return fail(err, PKT_MALFORMED, "IPv6",
				    "fragment header beyond the payload");
			advance(c, 8);
			out->frag.data = c->p;
			out->frag.cap_len = c->cap;
			out->frag.wire_len = c->wire;
			return fail(err, PKT_FRAGMENT, "IPv6", "fragment "
			    "(offset %u, M %u, id 0x%08x)", out->frag.offset,
			    out->frag.more, out->frag.id);
		case IPPROTO_NUM_ESP:
			return fail(err, PKT_NOT_TCP, "IPv6", "ESP-encrypted payload");
		case IPPROTO_NUM_NONE:
			return fail(err, PKT_NOT_TCP, "IPv6", "no next header");
		default:
			return fail(err, PKT_NOT_TCP, "IPv6", "next header %u", nh);
		}
		if (!need(c, len))
			return fail(err, PKT_TRUNC, "IPv6", "extension header %u: "
			    "%zu of %zu bytes captured", nh, c->cap, len);
		if (c->wire < len)
			return fail(err, PKT_MALFORMED, "IPv6", "extension header "
			    "%u longer than the payload", nh);
		nh = c->p[0];
		advance(c, len);
	}
	return fail(err, PKT_MALFORMED, "IPv6", "more than %d extension headers",
	    IPV6_EXT_MAX);
}

static enum pkt_status
parse_ethertype(struct cursor *c, unsigned type, struct pkt_tcp *out,
    struct pkt_error *err)
{
	switch (type) {
	case ETH_IPV4:
		return parse_ipv4(c, out, err);
	case ETH_IPV6:
		return parse_ipv6(c, out, err);
	default:
		return fail(err, PKT_NOT_TCP, "link", "ethertype 0x%04x", type);
	}
}

/* By the version nibble: raw IP link types. */
static enum pkt_status
parse_ip(struct cursor *c, struct pkt_tcp *out, struct pkt_error *err)
{
	if (!need(c, 1))
		return fail(err, PKT_TRUNC, "IP", "empty packet");
	switch (c->p[0] >> 4) {
	case 4:
		return parse_ipv4(c, out, err);
	case 6:
		return parse_ipv6(c, out, err);
	default:
		return fail(err, PKT_NOT_TCP, "IP", "IP version %u", c->p[0] >> 4);
	}
}

static enum pkt_status
parse_ethernet(struct cursor *c, struct pkt_tcp *out, struct pkt_error *err)
{
	unsigned type;

	if (!need(c, ETH_HDR_LEN))
		return fail(err, PKT_TRUNC, "Ethernet", "Ethernet header: %zu "
		    "of 14 bytes captured", c->cap);
	type = get_be16(c->p + 12);
	advance(c, ETH_HDR_LEN);
	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		if (++out->vlan_tags > VLAN_MAX_TAGS)
			return fail(err, PKT_MALFORMED, "VLAN", "more than %d "
			    "stacked VLAN tags", VLAN_MAX_TAGS);
		if (!need(c, VLAN_TAG_LEN))
			return fail(err, PKT_TRUNC, "VLAN", "VLAN tag truncated");
		type = get_be16(c->p + 2);
		advance(c, VLAN_TAG_LEN);
	}
	if (type <= 1500)	/* IEEE 802.3 length: LLC/SNAP, not IP here */
		return fail(err, PKT_NOT_TCP, "Ethernet", "802.3 frame with LLC");
	return parse_ethertype(c, type, out, err);
}

static enum pkt_status
parse_null(struct cursor *c, bool network_order, struct pkt_tcp *out,
    struct pkt_error *err)
{
	uint32_t fam;

	if (!need(c, NULL_HDR_LEN))
		return fail(err, PKT_TRUNC, "loopback", "loopback header truncated");
	if (network_order)
		fam = get_be32(c->p);
	else {
		memcpy(&fam, c->p, 4);	/* host order of the capturing machine */
		if (fam > 0xffff)	/* written on the other endianness */
			fam = __builtin_bswap32(fam);
	}
	advance(c, NULL_HDR_LEN);
	switch (fam) {
	case BSD_AF_INET:
		return parse_ipv4(c, out, err);
	case BSD_AF_INET6_A:
	case BSD_AF_INET6_B:
	case BSD_AF_INET6_C:
	case BSD_AF_INET6_D:
		return parse_ipv6(c, out, err);
	default:
		return fail(err, PKT_NOT_TCP, "loopback", "family %u", fam);
	}
}

enum pkt_status
pkt_parse_payload(uint8_t proto, const uint8_t *data, size_t len,
    struct pkt_tcp *out, struct pkt_error *err)
{
	struct cursor c = { data, len, len };

	if (err != NULL) {
		err->code = PKT_OK;
		err->layer = "";
		err->msg[0] = '\0';
	}
	memset(&out->frag, 0, sizeof(out->frag));
	if (proto != IPPROTO_NUM_TCP)
		return fail(err, PKT_NOT_TCP, "IP", "protocol %u", proto);
	return parse_tcp(&c, out, err);
}

enum pkt_status
pkt_parse(int linktype, const uint8_t *data, size_t caplen, size_t wirelen,
    struct pkt_tcp *out, struct pkt_error *err)
{
	struct cursor c = { data, caplen, wirelen < caplen ? caplen : wirelen };

	memset(out, 0, sizeof(*out));
	if (err != NULL) {
		err->code = PKT_OK;
		err->layer = "";
		err->msg[0] = '\0';
	}
	switch (linktype) {
	case PKT_LINK_ETHERNET:
		return parse_ethernet(&c, out, err);
	case PKT_LINK_RAW:
	case PKT_LINK_RAW101:
		return parse_ip(&c, out, err);
	case PKT_LINK_IPV4:
		return parse_ipv4(&c, out, err);
	case PKT_LINK_IPV6:
		return parse_ipv6(&c, out, err);
	case PKT_LINK_NULL:
		return parse_null(&c, false, out, err);
	case PKT_LINK_LOOP:
		return parse_null(&c, true, out, err);
	case PKT_LINK_LINUX_SLL:
		/* packet type, ARPHRD, addr len, addr[8], protocol */
		if (!need(&c, SLL_HDR_LEN))
			return fail(err, PKT_TRUNC, "SLL", "SLL header truncated");
		{
			unsigned proto = get_be16(c.p + 14);

			advance(&c, SLL_HDR_LEN);
			return parse_ethertype(&c, proto, out, err);
		}
	case PKT_LINK_LINUX_SLL2:
		/* protocol, reserved, ifindex, ARPHRD, type, addr len, addr[8] */
		if (!need(&c, SLL2_HDR_LEN))
			return fail(err, PKT_TRUNC, "SLL2", "SLL2 header truncated");
		{
			unsigned proto = get_be16(c.p);

			advance(&c, SLL2_HDR_LEN);
			return parse_ethertype(&c, proto, out, err);
		}
	default:
		return fail(err, PKT_LINK, "link", "link type %d not supported",
		    linktype);
	}
}

bool
pkt_link_supported(int linktype)
{
	return pkt_link_name(linktype) != NULL;
}

const char *
pkt_link_name(int linktype)
{
	switch (linktype) {
#define PKT_X_NAME(v, s, t)	case (v): return (t);
	PKT_LINK_TABLE(PKT_X_NAME)
#undef PKT_X_NAME
	default:
		return NULL;
	}
}

const char *
pkt_strerror(enum pkt_status st)
{
	switch (st) {
#define PKT_X_TEXT(s, t)	case PKT_##s: return (t);
	PKT_STATUS_TABLE(PKT_X_TEXT)
#undef PKT_X_TEXT
	}
	return "unknown packet status";
}

void
pkt_format_endpoint(int family, const uint8_t *addr, uint16_t port, char *buf,
    size_t bufsz)
{
	char a[INET6_ADDRSTRLEN];

	if (family == 6) {
		inet_ntop(AF_INET6, addr, a, sizeof(a));
		snprintf(buf, bufsz, "[%s]:%u", a, port);
	} else {
		inet_ntop(AF_INET, addr, a, sizeof(a));
		snprintf(buf, bufsz, "%s:%u", a, port);
	}
}
