/*
 * Private helpers of the scsi_*.c files: big-endian field access and the
 * parser error filler.  Not part of the proto API.
 */
#ifndef PROTO_SCSI_IMPL_H
#define PROTO_SCSI_IMPL_H

#include <stdint.h>

#include "scsi.h"

static inline uint16_t
scsi_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
scsi_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
scsi_be64(const uint8_t *p)
{
	return (uint64_t)scsi_be32(p) << 32 | scsi_be32(p + 4);
}

static inline void
scsi_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
scsi_put_be24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void
scsi_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
scsi_put_be64(uint8_t *p, uint64_t v)
{
	scsi_put_be32(p, (uint32_t)(v >> 32));
	scsi_put_be32(p + 4, (uint32_t)v);
}

/* Fill err (may be NULL) and return code. */
int	scsi_perr_set(struct scsi_perr *err, int code, size_t offset,
	    uint64_t value, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#endif
