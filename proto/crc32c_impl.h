/*
 * Internals shared by crc32c.c (tables, software paths, dispatch) and
 * crc32c_hw.c (SSE4.2 path).  Not part of the public API.
 *
 * A "raw register" below is the CRC state without the pre-/post-inversion:
 * the value the crc32 instruction and the table loops carry from byte to
 * byte.  Feeding n zero bytes into a raw register multiplies it by x^(8n)
 * modulo the polynomial; that is the "shift" operator used to combine CRCs.
 */
#ifndef PROTO_CRC32C_IMPL_H
#define PROTO_CRC32C_IMPL_H

#include <stddef.h>
#include <stdint.h>

/* Castagnoli polynomial 0x1EDC6F41, bit-reflected (x^0 is bit 31). */
#define CRC32C_POLY_REFLECTED	0x82F63B78u

/* Build every table and choose the dispatch target, exactly once. */
void		crc32c_init(void);

/*
 * Raw register times x^(8 * len) mod P: as if len zero bytes followed.
 * Needs the tables: call crc32c_init() first (crc32c_hw_setup() may call
 * it directly, as it runs inside the initialisation).
 */
uint32_t	crc32c_shift(uint32_t reg, size_t len);

/*
 * Called once from crc32c_init(), after crc32c_shift() is usable: build the
 * hardware path's tables; return 1 if the CPU can run it, else 0.
 */
int		crc32c_hw_setup(void);

/* Hardware path without any check: only valid once setup returned 1. */
uint32_t	crc32c_hw_run(uint32_t crc, const void *buf, size_t len);

#endif
