/*
 * Link-layer, IP and TCP header parsing for captured packets (the file
 * itself is read by libpcap).  Link types: Ethernet with any number of
 * 802.1Q / 802.1ad tags, Linux cooked (SLL, SLL2), raw IP (DLT_RAW,
 * LINKTYPE_IPV4/IPV6), BSD loopback (DLT_NULL, DLT_LOOP).  IPv4 with
 * options, IPv6 with extension headers.  An IP fragment is PKT_FRAGMENT
 * with its fields in out->frag, for reassembly (harness/ip_frag.h); the
 * reassembled payload goes through pkt_parse_payload().
 *
 *	struct pkt_tcp t;
 *	struct pkt_error e;
 *	switch (pkt_parse(pcap_datalink(p), data, hdr->caplen, hdr->len, &t, &e)) {
 *	case PKT_OK:	   ... t.payload[0 .. t.cap_len) of t.wire_len bytes
 *	case PKT_NOT_TCP:  ... ignore
 *	default:	   ... e.msg says what is wrong
 *	}
 */
#ifndef HARNESS_PCAP_PKT_H
#define HARNESS_PCAP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link types (pcap LINKTYPE_ values, as pcap_datalink() returns them). */
#define PKT_LINK_TABLE(X)						\
	X(0,	NULL,		"BSD loopback (host-order family)")	\
	X(1,	ETHERNET,	"Ethernet")				\
	X(12,	RAW,		"raw IP (DLT_RAW)")			\
	X(101,	RAW101,		"raw IP (LINKTYPE_RAW)")		\
	X(108,	LOOP,		"OpenBSD loopback (network-order family)") \
	X(113,	LINUX_SLL,	"Linux cooked capture v1")		\
	X(228,	IPV4,		"raw IPv4")				\
	X(229,	IPV6,		"raw IPv6")				\
	X(276,	LINUX_SLL2,	"Linux cooked capture v2")

#define PKT_X_LINK(v, s, t)	PKT_LINK_##s = (v),
enum pkt_link { PKT_LINK_TABLE(PKT_X_LINK) };
#undef PKT_X_LINK

/* Results: X(SYMBOL, "text"). */
#define PKT_STATUS_TABLE(X)						\
	X(OK,		"TCP segment")					\
	X(NOT_TCP,	"not a TCP/IP packet")				\
	X(TRUNC,	"packet truncated before the end of its headers") \
	X(MALFORMED,	"malformed header")				\
	X(FRAGMENT,	"IP fragment")					\
	X(LINK,		"unsupported link type")

#define PKT_X_STATUS(s, t)	PKT_##s,
enum pkt_status { PKT_STATUS_TABLE(PKT_X_STATUS) };
#undef PKT_X_STATUS

/* TCP flags (RFC 9293 3.1). */
#define PKT_TCP_FIN	0x01
#define PKT_TCP_SYN	0x02
#define PKT_TCP_RST	0x04
#define PKT_TCP_PSH	0x08
#define PKT_TCP_ACK	0x10

/* An IP fragment (PKT_FRAGMENT): family, src, dst are set too. */
struct pkt_frag {
	uint32_t	 id;		/* IPv4 16 bits, IPv6 32 bits */
	uint8_t		 proto;		/* IPv4 protocol / IPv6 next header */
	uint32_t	 offset;	/* bytes */
	bool		 more;		/* MF / M */
	const uint8_t	*data;		/* fragment payload */
	size_t		 cap_len, wire_len;
};

struct pkt_tcp {
	int		 family;	/* 4 or 6 */
	uint8_t		 src[16], dst[16];	/* IPv4 in the first 4 bytes */
	uint16_t	 sport, dport;
	uint32_t	 seq, ack;
	uint8_t		 flags;		/* PKT_TCP_* */
	uint16_t	 window;
	unsigned	 vlan_tags;	/* 802.1Q/802.1ad tags crossed */
	const uint8_t	*payload;
	size_t		 cap_len;	/* payload bytes present in the capture */
	size_t		 wire_len;	/* payload bytes on the wire (IP length) */
	struct pkt_frag	 frag;		/* PKT_FRAGMENT only */
};

struct pkt_error {
	enum pkt_status	 code;
	const char	*layer;		/* "Ethernet", "IPv4", "TCP", ... */
	char		 msg[128];
};

/*
 * Parse one captured packet: caplen bytes present of wirelen sent.  PKT_OK
 * fills *out; payload points into data.  err may be NULL.
 */
enum pkt_status	pkt_parse(int linktype, const uint8_t *data, size_t caplen,
		    size_t wirelen, struct pkt_tcp *out, struct pkt_error *err);
/*
 * The TCP segment in a reassembled IP payload (len bytes of protocol
 * proto); out->family, src and dst are kept as the caller set them.
 */
enum pkt_status	pkt_parse_payload(uint8_t proto, const uint8_t *data,
		    size_t len, struct pkt_tcp *out, struct pkt_error *err);
bool		pkt_link_supported(int linktype);
const char	*pkt_link_name(int linktype);	/* NULL if unsupported */
const char	*pkt_strerror(enum pkt_status);
/* "127.0.0.1:3260" / "[::1]:3260" into buf. */
void		pkt_format_endpoint(int family, const uint8_t *addr,
		    uint16_t port, char *buf, size_t bufsz);

#endif
