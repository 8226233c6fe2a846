/*
 * IP fragment reassembly for the capture analyzer (RFC 791 3.2, RFC 8200
 * 4.5): IPv4 fragments and IPv6 Fragment headers are put back together
 * before TCP sees them.
 *
 * Bounded: at most IPF_SETS datagrams in reassembly at once (the oldest is
 * given up when a new one starts), each at most IPF_MAX_LEN bytes, given
 * up IPF_TIMEOUT seconds of capture time after its first fragment.
 * Overlaps are resolved the same way every time: IPv4, the first copy of a
 * byte wins; IPv6, the whole datagram is discarded (RFC 5722).  Every set
 * given up is reported through the callback with the reason.
 *
 *	struct ipf *f = ipf_new();
 *	switch (ipf_add(f, &frag, now, &out, on_incomplete, arg)) {
 *	case IPF_COMPLETE: ... out.data[0 .. out.len), protocol out.proto
 *	case IPF_HELD:	   ... more fragments needed
 *	case IPF_DROPPED:  ... out.why (the set was reported, if one existed)
 *	}
 *	ipf_expire(f, now, on_incomplete, arg);	 (every packet)
 *	ipf_flush(f, on_incomplete, arg);	 (end of capture)
 */
#ifndef HARNESS_IP_FRAG_H
#define HARNESS_IP_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPF_SETS	64		/* datagrams in reassembly at once */
#define IPF_MAX_LEN	65535		/* payload bytes of one datagram */
#define IPF_TIMEOUT	30.0		/* seconds of capture time */

struct ipf_frag {
	int		 family;	/* 4 or 6 */
	const uint8_t	*src, *dst;	/* 4 or 16 bytes */
	uint32_t	 id;		/* Identification */
	uint8_t		 proto;		/* protocol / next header after it */
	uint32_t	 offset;	/* bytes */
	bool		 more;		/* MF / M */
	const uint8_t	*data;		/* the fragment's payload */
	size_t		 len;		/* its bytes on the wire */
	size_t		 cap_len;	/* of which captured */
};

struct ipf_out {
	const uint8_t	*data;		/* IPF_COMPLETE: the datagram payload, */
	size_t		 len;		/* valid until the next ipf_add */
	uint8_t		 proto;
	unsigned	 frags;		/* fragments it was made of */
	size_t		 overlap;	/* IPv4: bytes seen twice (first kept) */
	char		 why[160];	/* IPF_DROPPED */
};

/* A datagram given up: what was missing or wrong. */
struct ipf_lost {
	int		 family;
	uint8_t		 src[16], dst[16];
	uint32_t	 id;
	uint8_t		 proto;
	unsigned	 frags;		/* fragments received */
	size_t		 have;		/* bytes received */
	bool		 total_known;
	size_t		 total;
	const char	*why;
};
typedef void ipf_lost_fn(void *arg, const struct ipf_lost *);

enum ipf_status { IPF_HELD, IPF_COMPLETE, IPF_DROPPED };

struct ipf;

struct ipf	*ipf_new(void);
void		 ipf_free(struct ipf *);
enum ipf_status	 ipf_add(struct ipf *, const struct ipf_frag *, double now,
		    struct ipf_out *, ipf_lost_fn *, void *arg);
/* Give up the sets older than IPF_TIMEOUT at capture time now. */
void		 ipf_expire(struct ipf *, double now, ipf_lost_fn *, void *arg);
/* Give up every set (end of the capture). */
void		 ipf_flush(struct ipf *, ipf_lost_fn *, void *arg);
size_t		 ipf_active(const struct ipf *);

#endif
