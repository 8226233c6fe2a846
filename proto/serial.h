/*
 * Serial number arithmetic (RFC 1982, SERIAL_BITS = 32) for CmdSN, StatSN,
 * DataSN, R2TSN and ExpCmdSN/MaxCmdSN (RFC 7143 sections 4.2.2.1-4.2.2.2).
 *
 * RFC 1982 leaves one comparison undefined: two numbers exactly 2^31 apart.
 * Here such a pair is neither less nor greater (sn_cmp() says
 * SN_UNDEFINED), so sn_lt, sn_gt, sn_le and sn_ge are all false for it and
 * every window check that depends on them fails closed.
 */
#ifndef PROTO_SERIAL_H
#define PROTO_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define SN_HALF		0x80000000u	/* 2^(SERIAL_BITS - 1) */
#define SN_ADD_MAX	0x7fffffffu	/* RFC 1982 3.1: largest addend */

/* sn_distance() result when the two numbers are exactly 2^31 apart. */
#define SN_DISTANCE_UNDEFINED	INT64_MIN

enum sn_order {
	SN_LESS = -1,
	SN_EQUAL = 0,
	SN_GREATER = 1,
	SN_UNDEFINED = 2	/* RFC 1982 3.2: |s1 - s2| == 2^31 */
};

/* RFC 1982 3.2 comparison of s1 with s2. */
static inline enum sn_order
sn_cmp(uint32_t s1, uint32_t s2)
{
	uint32_t d = s2 - s1;	/* modulo 2^32 */

	if (d == 0)
		return SN_EQUAL;
	if (d == SN_HALF)
		return SN_UNDEFINED;
	return d < SN_HALF ? SN_LESS : SN_GREATER;
}

static inline bool
sn_eq(uint32_t s1, uint32_t s2)
{
	return s1 == s2;
}

static inline bool
sn_lt(uint32_t s1, uint32_t s2)
{
	return sn_cmp(s1, s2) == SN_LESS;
}

static inline bool
sn_gt(uint32_t s1, uint32_t s2)
{
	return sn_cmp(s1, s2) == SN_GREATER;
}

static inline bool
sn_le(uint32_t s1, uint32_t s2)
{
	enum sn_order o = sn_cmp(s1, s2);

	return o == SN_LESS || o == SN_EQUAL;
}

static inline bool
sn_ge(uint32_t s1, uint32_t s2)
{
	enum sn_order o = sn_cmp(s1, s2);

	return o == SN_GREATER || o == SN_EQUAL;
}

/*
 * RFC 1982 3.1: s + n modulo 2^32.  The RFC defines it only for
 * n <= SN_ADD_MAX; callers taking n from the wire check that first.
 */
static inline uint32_t
sn_add(uint32_t s, uint32_t n)
{
	return s + n;
}

/*
 * Signed number of steps from `from' to `to': positive when `to' is
 * serially greater, negative when less, in [-(2^31 - 1), 2^31 - 1], or
 * SN_DISTANCE_UNDEFINED when they are exactly 2^31 apart.
 */
static inline int64_t
sn_distance(uint32_t from, uint32_t to)
{
	uint32_t d = to - from;

	if (d == SN_HALF)
		return SN_DISTANCE_UNDEFINED;
	if (d < SN_HALF)
		return (int64_t)d;
	return -(int64_t)(UINT32_MAX - d) - 1;
}

/*
 * RFC 7143 4.2.2.1: MaxCmdSN must not be less than ExpCmdSN - 1 in serial
 * arithmetic; an initiator ignores both fields of a PDU that breaks this.
 * MaxCmdSN == ExpCmdSN - 1 is valid and means the window is closed.
 */
static inline bool
cmdsn_window_valid(uint32_t expcmdsn, uint32_t maxcmdsn)
{
	return sn_ge(maxcmdsn, expcmdsn - 1);
}

/*
 * Number of CmdSNs the target accepts (MaxCmdSN - ExpCmdSN + 1); 0 when the
 * window is closed or invalid.  At most 2^31 - 1.
 */
static inline uint32_t
cmdsn_window_size(uint32_t expcmdsn, uint32_t maxcmdsn)
{
	if (!cmdsn_window_valid(expcmdsn, maxcmdsn))
		return 0;
	return maxcmdsn - expcmdsn + 1;
}

/*
 * RFC 7143 4.2.2.1: a non-immediate command may carry any CmdSN from
 * ExpCmdSN to MaxCmdSN inclusive.  False for a closed or invalid window.
 */
static inline bool
cmdsn_in_window(uint32_t cmdsn, uint32_t expcmdsn, uint32_t maxcmdsn)
{
	return cmdsn - expcmdsn < cmdsn_window_size(expcmdsn, maxcmdsn);
}

/*
 * Seed 004, event ID 3: "Maximum command sequence number is not serially
 * greater than expected command sequence number in login response" — the
 * check the MS initiator applies to the final login response.  Taken
 * literally it is stricter than RFC 7143 4.2.2.1, which also allows
 * MaxCmdSN == ExpCmdSN (one slot) and ExpCmdSN - 1 (closed window); see
 * cmdsn_window_valid() for the RFC rule.  True when the pair passes.
 */
static inline bool
cmdsn_login_window_ok(uint32_t expcmdsn, uint32_t maxcmdsn)
{
	return sn_gt(maxcmdsn, expcmdsn);
}

#endif
