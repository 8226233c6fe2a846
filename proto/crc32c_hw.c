/*
 * CRC32C on the x86-64 SSE4.2 crc32 instruction.
 *
 * The instruction has a latency of about 3 cycles but can start one every
 * cycle, so a single dependent chain runs at a third of its speed.  Large
 * buffers are therefore cut into chunks of three equal blocks of len bytes
 * each; three independent CRCs run over the blocks side by side (A from the
 * running CRC, B and C from zero) and are then merged:
 *	crc = shift(A, 2 * len) ^ shift(B, len) ^ C
 * where shift(r, n) is the raw register r followed by n zero bytes, a
 * linear map on 32 bits.  For each fixed block length it is precomputed as
 * four 256-entry tables (one per byte of r), so a merge costs eight loads.
 *
 * Only crc32c_hw_run() is compiled for SSE4.2, through the target attribute
 * (no global -msse4.2): the rest stays baseline x86-64, and crc32c.c calls
 * it only after crc32c_hw_setup() has checked the CPU.
 */
#include <string.h>

#include "crc32c.h"
#include "crc32c_impl.h"

#if defined(__x86_64__)
#include <nmmintrin.h>

#define HW_TARGET	__attribute__((target("sse4.2")))

/*
 * Block lengths per stream, longest first (multiples of 8).  A chunk is
 * three blocks; whatever is left below the shortest chunk (384 bytes) runs
 * as a single stream.  16 KiB blocks make the merge cost negligible on big
 * buffers; 1 KiB blocks keep data segments of a few KiB on three streams,
 * and 128-byte blocks help segments of 512 B or so.  (Measured on the bench:
 * one stream ~9.5 GB/s, three streams ~25-28 GB/s on 8 KiB-1 MiB buffers;
 * shorter blocks lose as the merge's load latency then dominates.)
 */
#define HW_NLEVELS	3
static const size_t	hw_block_len[HW_NLEVELS] = { 16384, 1024, 128 };

/* shift_tab[level][0]: shift by 1 block; [1]: by 2 blocks. */
static uint32_t		shift_tab[HW_NLEVELS][2][4][256];

static void
shift_tab_build(uint32_t tab[4][256], size_t len)
{
	uint32_t col[32];
	int bit, j, b;

	/* the map is linear: build it from the images of the 32 unit vectors */
	for (bit = 0; bit < 32; bit++)
		col[bit] = crc32c_shift(1u << bit, len);
	for (j = 0; j < 4; j++)
		for (b = 0; b < 256; b++) {
			uint32_t v = 0;

			for (bit = 0; bit < 8; bit++)
				if (b & (1 << bit))
					v ^= col[8 * j + bit];
			tab[j][b] = v;
		}
}

int
crc32c_hw_setup(void)
{
	int lv;

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("sse4.2"))
		return 0;
	for (lv = 0; lv < HW_NLEVELS; lv++) {
		shift_tab_build(shift_tab[lv][0], hw_block_len[lv]);
		shift_tab_build(shift_tab[lv][1], 2 * hw_block_len[lv]);
	}
	return 1;
}

static inline uint32_t
shift_apply(const uint32_t tab[4][256], uint32_t reg)
{
	return tab[0][reg & 0xff] ^ tab[1][(reg >> 8) & 0xff] ^
	    tab[2][(reg >> 16) & 0xff] ^ tab[3][reg >> 24];
}

static inline uint64_t
load_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));	/* unaligned-safe; one mov on x86 */
	return v;
}

HW_TARGET uint32_t
crc32c_hw_run(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf, *end;
	uint64_t reg, a, b, c;
	size_t blk;
	int lv;

	reg = (uint32_t)~crc;

	/* align to 8 so no 8-byte load straddles a cache line */
	for (; len > 0 && ((uintptr_t)p & 7) != 0; len--)
		reg = _mm_crc32_u8((uint32_t)reg, *p++);

	for (lv = 0; lv < HW_NLEVELS; lv++) {
		blk = hw_block_len[lv];
		while (len >= 3 * blk) {
			a = reg;
			b = 0;
			c = 0;
			for (end = p + blk; p < end; p += 8) {
				a = _mm_crc32_u64(a, load_u64(p));
				b = _mm_crc32_u64(b, load_u64(p + blk));
				c = _mm_crc32_u64(c, load_u64(p + 2 * blk));
			}
			reg = shift_apply(shift_tab[lv][1], (uint32_t)a) ^
			    shift_apply(shift_tab[lv][0], (uint32_t)b) ^
			    (uint32_t)c;
			p += 2 * blk;
			len -= 3 * blk;
		}
	}

	for (; len >= 8; p += 8, len -= 8)
		reg = _mm_crc32_u64(reg, load_u64(p));
	for (; len > 0; len--)
		reg = _mm_crc32_u8((uint32_t)reg, *p++);
	return ~(uint32_t)reg;
}

#else /* !__x86_64__ */

int
crc32c_hw_setup(void)
{
	return 0;
}

uint32_t
crc32c_hw_run(uint32_t crc, const void *buf, size_t len)
{
	return crc32c_sw(crc, buf, len);
}

#endif
