/*
 * CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78) as used
 * by iSCSI header and data digests (RFC 7143 section 13.1, appendix B.4).
 *
 * Every function below takes and returns a finished CRC value: start with
 * crc = 0 for a fresh digest; the pre- and post-inversion are done inside, so
 *	f(f(0, a, la), b, lb) == f(0, a||b, la+lb)
 * for each implementation f, and all implementations return the same value.
 *
 * Implementations:
 *	crc32c_table	byte at a time, one 256-entry table (reference/baseline)
 *	crc32c_sw	portable slicing-by-8 (8 tables of 256 entries)
 *	crc32c_hw	x86-64 SSE4.2 crc32 instruction, three interleaved streams
 *	crc32c		dispatches to crc32c_hw or crc32c_sw, chosen once per
 *			process (see ISCSI_CRC32C below)
 *
 * Environment:
 *	ISCSI_CRC32C=sw		force crc32c() onto the software (slicing-by-8)
 *				path even when the CPU has SSE4.2.
 *	ISCSI_CRC32C=auto	(or unset, or any other value) pick the fastest.
 *	The variable is read once, at the first call of any crc32c_* function.
 *
 * All functions are thread-safe; their tables are built once, on first use.
 */
#ifndef PROTO_CRC32C_H
#define PROTO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Name of the variable that can force the software path ("sw"). */
#define CRC32C_ENV		"ISCSI_CRC32C"

/*
 * Continue a CRC32C over buf.  Start with crc32c(0, buf, len) for a fresh
 * digest: the pre- and post-inversion are done inside, so
 * crc32c(crc32c(0, a, la), b, lb) == crc32c(0, a||b, la+lb).
 * Uses the fastest implementation the CPU supports (chosen once at run time).
 */
uint32_t	crc32c(uint32_t crc, const void *buf, size_t len);

/* Byte-at-a-time, single 256-entry table.  Slow; the benchmark baseline. */
uint32_t	crc32c_table(uint32_t crc, const void *buf, size_t len);

/* Portable slicing-by-8 (any CPU, any endianness, any alignment). */
uint32_t	crc32c_sw(uint32_t crc, const void *buf, size_t len);

/* 1 when crc32c_hw() runs on the SSE4.2 crc32 instruction, else 0. */
int		crc32c_hw_available(void);

/*
 * SSE4.2 path (x86-64 only).  When crc32c_hw_available() is 0 (other CPU or
 * architecture) it falls back to crc32c_sw(), so it is always safe to call.
 */
uint32_t	crc32c_hw(uint32_t crc, const void *buf, size_t len);

/*
 * CRC of a||b from crc1 = crc32c(0, a, la), crc2 = crc32c(0, b, len2) and
 * len2 (la is not needed).  O(log len2).
 */
uint32_t	crc32c_combine(uint32_t crc1, uint32_t crc2, size_t len2);

/* Implementation crc32c() dispatches to: "sse4.2" or "slicing-by-8". */
const char	*crc32c_impl_name(void);

/*
 * Digest byte order on the wire: RFC 7143 appendix B.4 lists the CRC of
 * 32 zero bytes (0x8A9136AA) as the bytes aa 36 91 8a, i.e. least
 * significant byte first.
 */
static inline void
crc32c_wire_put(uint8_t out[4], uint32_t digest)
{
	out[0] = (uint8_t)digest;
	out[1] = (uint8_t)(digest >> 8);
	out[2] = (uint8_t)(digest >> 16);
	out[3] = (uint8_t)(digest >> 24);
}

static inline uint32_t
crc32c_wire_get(const uint8_t in[4])
{
	return (uint32_t)in[0] | (uint32_t)in[1] << 8 |
	    (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
}

#endif
