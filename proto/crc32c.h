/*
 * CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78) as used
 * by iSCSI header and data digests (RFC 7143 section 13.1, appendix B.4).
 */
#ifndef PROTO_CRC32C_H
#define PROTO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continue a CRC32C over buf.  Start with crc32c(0, buf, len) for a fresh
 * digest: the pre- and post-inversion are done inside, so
 * crc32c(crc32c(0, a, la), b, lb) == crc32c(0, a||b, la+lb).
 * Uses the fastest implementation the CPU supports (chosen once at run time).
 */
uint32_t	crc32c(uint32_t crc, const void *buf, size_t len);

#endif
