/*
 * CRC32C for iSCSI digests (RFC 7143 section 13.1): one-time tables, the
 * portable implementations (256-entry table, slicing-by-8), CRC combination
 * and the run-time dispatch of crc32c().  The SSE4.2 path is crc32c_hw.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "crc32c_impl.h"

/* Number of x^(8 * 2^k) powers: one per bit of a size_t (at most 64). */
#define CRC32C_NPOWERS		64

typedef uint32_t (*crc32c_fn)(uint32_t, const void *, size_t);

/*
 * One-time initialised state (written only inside tables_build(), which
 * pthread_once runs before any reader gets past crc32c_init()).
 *   slice[k][b]  raw CRC of byte b followed by k zero bytes; slice[0] is
 *                the classic byte-at-a-time table.
 *   x2n[k]       x^(8 * 2^k) mod P, reflected: shifts by 2^k zero bytes.
 */
static uint32_t		 slice[8][256];
static uint32_t		 x2n[CRC32C_NPOWERS];
static int		 hw_ok;
static crc32c_fn	 dispatch_fn;
static const char	*dispatch_name;
static pthread_once_t	 init_once = PTHREAD_ONCE_INIT;

/* a * b mod P, both in reflected representation (x^0 is bit 31). */
static uint32_t
gf2_mulmod(uint32_t a, uint32_t b)
{
	uint32_t prod = 0;
	int i;

	for (i = 0; i < 32; i++) {
		if (a & (0x80000000u >> i))
			prod ^= b;
		/* b *= x: x^31 (bit 0) wraps to x^32 == P - x^32 */
		b = (b >> 1) ^ (CRC32C_POLY_REFLECTED & (0u - (b & 1u)));
	}
	return prod;
}

static void
tables_build(void)
{
	const char *env;
	uint32_t r;
	int b, k;

	for (b = 0; b < 256; b++) {
		r = (uint32_t)b;
		for (k = 0; k < 8; k++)
			r = (r >> 1) ^ (CRC32C_POLY_REFLECTED & (0u - (r & 1u)));
		slice[0][b] = r;
	}
	for (k = 1; k < 8; k++)
		for (b = 0; b < 256; b++) {
			r = slice[k - 1][b];
			slice[k][b] = (r >> 8) ^ slice[0][r & 0xff];
		}

	x2n[0] = 0x80000000u >> 8;		/* x^8 */
	for (k = 1; k < CRC32C_NPOWERS; k++)
		x2n[k] = gf2_mulmod(x2n[k - 1], x2n[k - 1]);

	hw_ok = crc32c_hw_setup();

	env = getenv(CRC32C_ENV);
	if (hw_ok && (env == NULL || strcmp(env, "sw") != 0)) {
		dispatch_fn = crc32c_hw_run;
		dispatch_name = "sse4.2";
	} else {
		dispatch_fn = crc32c_sw;
		dispatch_name = "slicing-by-8";
	}
}

void
crc32c_init(void)
{
	/* Cannot fail with a static PTHREAD_ONCE_INIT control. */
	(void)pthread_once(&init_once, tables_build);
}

uint32_t
crc32c_shift(uint32_t reg, size_t len)
{
	int k;

	/* No crc32c_init() here: crc32c_hw_setup() calls this from inside it. */
	for (k = 0; len != 0 && k < CRC32C_NPOWERS; k++, len >>= 1)
		if (len & 1)
			reg = gf2_mulmod(x2n[k], reg);
	return reg;
}

static uint32_t
load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t
crc32c_table(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc32c_init();
	crc = ~crc;
	while (len-- > 0)
		crc = (crc >> 8) ^ slice[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

uint32_t
crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t lo, hi;

	crc32c_init();
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8) {
		lo = crc ^ load_le32(p);
		hi = load_le32(p + 4);
		crc = slice[7][lo & 0xff] ^ slice[6][(lo >> 8) & 0xff] ^
		    slice[5][(lo >> 16) & 0xff] ^ slice[4][lo >> 24] ^
		    slice[3][hi & 0xff] ^ slice[2][(hi >> 8) & 0xff] ^
		    slice[1][(hi >> 16) & 0xff] ^ slice[0][hi >> 24];
	}
	while (len-- > 0)
		crc = (crc >> 8) ^ slice[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/*
 * With R(s, m) the raw register after message m from state s, and
 * crc(m) = ~R(~0, m): R(s, a||b) = shift(R(s, a), |b|) ^ R(0, b), and the
 * shift is linear, so the inversions cancel and crc(a||b) is simply
 * shift(crc(a), |b|) ^ crc(b).
 */
uint32_t
crc32c_combine(uint32_t crc1, uint32_t crc2, size_t len2)
{
	crc32c_init();
	return crc32c_shift(crc1, len2) ^ crc2;
}

int
crc32c_hw_available(void)
{
	crc32c_init();
	return hw_ok;
}

uint32_t
crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
	crc32c_init();
	if (!hw_ok)
		return crc32c_sw(crc, buf, len);
	return crc32c_hw_run(crc, buf, len);
}

const char *
crc32c_impl_name(void)
{
	crc32c_init();
	return dispatch_name;
}

uint32_t
crc32c(uint32_t crc, const void *buf, size_t len)
{
	crc32c_init();
	return dispatch_fn(crc, buf, len);
}
