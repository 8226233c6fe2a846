/*
 * CRC32C digests (RFC 7143 section 13.1; test vectors of appendix B.4, the
 * same as RFC 3720 B.4).  Every implementation (crc32c dispatch, slicing-by-8,
 * 256-entry table, SSE4.2) is checked against known answers and against a
 * bit-at-a-time reference written here from the polynomial alone.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "unit.h"
#include "crc32c.h"

extern char **environ;

/* ---- reference and helpers ----------------------------------------------- */

/* Bit at a time, reflected 0x1EDC6F41 (RFC 7143 13.1 generator 0x11edc6f41). */
static uint32_t
ref_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int k;

	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return ~crc;
}

struct impl {
	const char	*name;
	uint32_t	(*fn)(uint32_t, const void *, size_t);
	int		 is_hw;
};

static const struct impl impls[] = {
	{ "crc32c", crc32c, 0 },
	{ "sw", crc32c_sw, 0 },
	{ "table", crc32c_table, 0 },
	{ "hw", crc32c_hw, 1 },
	{ "ref", ref_crc32c, 0 },
};
#define NIMPLS	(sizeof(impls) / sizeof(impls[0]))

/*
 * Whether impls[i] is to be run; the hardware one only on SSE4.2 (otherwise
 * crc32c_hw falls back to software, which would test nothing new), and then
 * the test says so on stdout instead of passing silently (test == NULL:
 * already said).
 */
static int
impl_run(size_t i, const char *test)
{
	if (!impls[i].is_hw || crc32c_hw_available())
		return 1;
	if (test != NULL)
		printf("\n    SKIP proto.crc32c.%s [hw]: no SSE4.2 (CPU or architecture), "
	    "hardware path not tested ", test);
	return 0;
}

static uint64_t
rng_next(uint64_t *s)
{
	/* xorshift64, fixed seeds: failures are reproducible */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
rng_fill(uint64_t *s, uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(rng_next(s) >> 24);
}

/* Count a mismatch; print the first few so a failure explains itself. */
static void
mismatch(unsigned *fails, const char *what, const char *impl, size_t off,
    size_t len, uint32_t got, uint32_t want)
{
	if ((*fails)++ < 5)
		printf("\n    %s: %s off=%zu len=%zu got %08x want %08x ", what,
		    impl, off, len, got, want);
}

/* ---- RFC 7143 appendix B.4 ----------------------------------------------- */

struct b4_vector {
	const char	*name;
	uint8_t		 data[48];
	size_t		 len;
	uint32_t	 crc;		/* numeric value */
	uint8_t		 wire[4];	/* "CRC:" line of B.4, transmission order */
};

static void
b4_vectors(struct b4_vector v[5])
{
	/* An iSCSI - SCSI Read (10) Command PDU, B.4, 12 rows of 4 bytes */
	static const uint8_t read10[48] = {
		0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
		0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	int i;

	memset(v, 0, 5 * sizeof(*v));
	v[0] = (struct b4_vector){ "32 bytes of zeroes", { 0 }, 32,
	    0x8A9136AAu, { 0xaa, 0x36, 0x91, 0x8a } };
	v[1] = (struct b4_vector){ "32 bytes of ones", { 0 }, 32,
	    0x62A8AB43u, { 0x43, 0xab, 0xa8, 0x62 } };
	memset(v[1].data, 0xff, 32);
	v[2] = (struct b4_vector){ "32 bytes incrementing 00..1f", { 0 }, 32,
	    0x46DD794Eu, { 0x4e, 0x79, 0xdd, 0x46 } };
	v[3] = (struct b4_vector){ "32 bytes decrementing 1f..00", { 0 }, 32,
	    0x113FDB5Cu, { 0x5c, 0xdb, 0x3f, 0x11 } };
	for (i = 0; i < 32; i++) {
		v[2].data[i] = (uint8_t)i;
		v[3].data[i] = (uint8_t)(31 - i);
	}
	v[4] = (struct b4_vector){ "SCSI Read (10) Command PDU", { 0 }, 48,
	    0xD9963A56u, { 0x56, 0x3a, 0x96, 0xd9 } };
	memcpy(v[4].data, read10, sizeof(read10));
}

static void
test_rfc_b4_vectors(void)
{
	struct b4_vector v[5];
	uint8_t wire[4];
	uint32_t got;
	size_t i, k;

	b4_vectors(v);
	for (k = 0; k < NIMPLS; k++) {
		if (!impl_run(k, "rfc7143_b4_vectors"))
			continue;
		for (i = 0; i < 5; i++) {
			got = impls[k].fn(0, v[i].data, v[i].len);
			if (got != v[i].crc)
				printf("\n    B.4 %s: %s gave %08x ", v[i].name,
				    impls[k].name, got);
			CU_ASSERT_EQUAL(got, v[i].crc);
			/* RFC 7143 B.4: digest bytes in the order listed */
			crc32c_wire_put(wire, got);
			CU_ASSERT(memcmp(wire, v[i].wire, 4) == 0);
			CU_ASSERT_EQUAL(crc32c_wire_get(v[i].wire), v[i].crc);
		}
	}
}

/*
 * RFC 7143 B.4 byte order: a receiver running the CRC over data followed by
 * the digest as sent always ends on the same residue.  Raw register
 * 0xB798B438 (0x1C2D19ED written MSB-first, as in the IPS working group's
 * derivation of these examples), so crc32c() returns ~0xB798B438.
 */
static void
test_rfc_b4_residue(void)
{
	struct b4_vector v[5];
	uint8_t pdu[52];
	size_t i;

	b4_vectors(v);
	for (i = 0; i < 5; i++) {
		memcpy(pdu, v[i].data, v[i].len);
		crc32c_wire_put(pdu + v[i].len, v[i].crc);
		CU_ASSERT_EQUAL(crc32c(0, pdu, v[i].len + 4), 0x48674BC7u);
		CU_ASSERT_EQUAL(ref_crc32c(0, pdu, v[i].len + 4), 0x48674BC7u);
	}
}

/* CRC catalogue check value of CRC-32C ("CRC-32/ISCSI"). */
static void
test_check_value(void)
{
	size_t k;

	for (k = 0; k < NIMPLS; k++) {
		if (!impl_run(k, "check_value_123456789"))
			continue;
		CU_ASSERT_EQUAL(impls[k].fn(0, "123456789", 9), 0xE3069283u);
		CU_ASSERT_EQUAL(impls[k].fn(0, "", 0), 0);
		CU_ASSERT_EQUAL(impls[k].fn(0x12345678u, NULL, 0), 0x12345678u);
	}
}

/* ---- cross-checks ---------------------------------------------------------- */

#define XLEN_MAX	4096
#define XOFF_MAX	16

/* Every length 0..4096 at every start offset 0..15, all paths vs reference. */
static void
test_every_length_offset(void)
{
	uint8_t *buf = malloc(XLEN_MAX + XOFF_MAX);
	uint64_t seed = 0x243F6A8885A308D3ull;
	unsigned fails = 0;
	uint32_t ref, got;
	size_t off, len, k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	rng_fill(&seed, buf, XLEN_MAX + XOFF_MAX);
	for (k = 0; k < NIMPLS; k++) {
		if (impls[k].fn == ref_crc32c ||
		    !impl_run(k, "every_length_offset"))
			continue;
		for (off = 0; off < XOFF_MAX; off++) {
			ref = 0;	/* reference grows one byte at a time */
			for (len = 0; len <= XLEN_MAX; len++) {
				got = impls[k].fn(0, buf + off, len);
				if (got != ref)
					mismatch(&fails, "length/offset",
					    impls[k].name, off, len, got, ref);
				if (len < XLEN_MAX)
					ref = ref_crc32c(ref, buf + off + len, 1);
			}
		}
	}
	CU_ASSERT_EQUAL(fails, 0);
	free(buf);
}

/*
 * Long buffers, so the hardware path's interleaved chunks (and the merge of
 * their streams) are exercised: lengths around 3 * 2^k and 6 * 2^k for block
 * sizes 64 B..32 KiB, plus random lengths and offsets up to 256 KiB.
 */
static void
test_long_buffers(void)
{
	const size_t maxlen = 256 * 1024;
	uint8_t *buf = malloc(maxlen + XOFF_MAX);
	uint64_t seed = 0x13198A2E03707344ull;
	size_t lens[200], nlens = 0, blk, i, k, off;
	unsigned fails = 0;
	uint32_t ref, got;
	int d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	rng_fill(&seed, buf, maxlen + XOFF_MAX);
	for (blk = 64; blk <= 32768; blk *= 2)
		for (d = -9; d <= 9; d += 3) {
			lens[nlens++] = 3 * blk + (size_t)d;
			lens[nlens++] = 6 * blk + 8 + (size_t)d;
		}
	while (nlens < sizeof(lens) / sizeof(lens[0]))
		lens[nlens++] = (size_t)(rng_next(&seed) % maxlen);

	for (i = 0; i < nlens; i++) {
		off = (size_t)(rng_next(&seed) % XOFF_MAX);
		ref = ref_crc32c(0, buf + off, lens[i]);
		for (k = 0; k < NIMPLS; k++) {
			if (impls[k].fn == ref_crc32c ||
			    !impl_run(k, i == 0 ? "long_buffers" : NULL))
				continue;
			got = impls[k].fn(0, buf + off, lens[i]);
			if (got != ref)
				mismatch(&fails, "long", impls[k].name, off,
				    lens[i], got, ref);
		}
	}
	CU_ASSERT_EQUAL(fails, 0);
	free(buf);
}

/* RFC 7143 13.1 digests of a split buffer: crc(crc(a), b) == crc(a||b). */
static void
test_incremental(void)
{
	const size_t small = 1500, big = 100 * 1024;
	uint8_t *buf = malloc(big);
	uint64_t seed = 0xA4093822299F31D0ull;
	unsigned fails = 0;
	uint32_t whole, got;
	size_t i, k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	rng_fill(&seed, buf, big);
	for (k = 0; k < NIMPLS; k++) {
		if (!impl_run(k, "incremental_every_split"))
			continue;
		/* every split point of a 1500-byte (Ethernet MTU) buffer */
		whole = ref_crc32c(0, buf, small);
		for (i = 0; i <= small; i++) {
			got = impls[k].fn(impls[k].fn(0, buf, i), buf + i,
			    small - i);
			if (got != whole)
				mismatch(&fails, "split", impls[k].name, i,
				    small, got, whole);
		}
		/* spread split points of a 100 KiB buffer, three pieces */
		whole = ref_crc32c(0, buf, big);
		for (i = 0; i <= big; i += 1021) {
			got = impls[k].fn(0, buf, i / 2);
			got = impls[k].fn(got, buf + i / 2, i - i / 2);
			got = impls[k].fn(got, buf + i, big - i);
			if (got != whole)
				mismatch(&fails, "3-split", impls[k].name, i,
				    big, got, whole);
		}
	}
	CU_ASSERT_EQUAL(fails, 0);
	free(buf);
}

static void
test_combine(void)
{
	const size_t big = 1 << 20;
	uint8_t *buf = calloc(1, big);
	uint64_t seed = 0x082EFA98EC4E6C89ull;
	unsigned fails = 0;
	uint32_t ca, cb, want, got;
	size_t la, lb, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	/* len2 == 0: nothing appended */
	CU_ASSERT_EQUAL(crc32c_combine(0xE3069283u, 0, 0), 0xE3069283u);
	/* empty first part: crc(empty) == 0 */
	CU_ASSERT_EQUAL(crc32c_combine(0, crc32c(0, "123456789", 9), 9),
	    0xE3069283u);
	CU_ASSERT_EQUAL(crc32c_combine(crc32c(0, "1234", 4),
	    crc32c(0, "56789", 5), 5), 0xE3069283u);

	/* 1 MiB of zeros appended (the shift operator at a large length) */
	ca = crc32c(0, "123456789", 9);
	want = ref_crc32c(ca, buf, big);
	CU_ASSERT_EQUAL(crc32c_combine(ca, ref_crc32c(0, buf, big), big), want);

	rng_fill(&seed, buf, big);
	for (i = 0; i < 300; i++) {
		la = (size_t)(rng_next(&seed) % 5000);
		lb = (size_t)(rng_next(&seed) % 5000);
		if (i % 50 == 0)
			lb = (size_t)(rng_next(&seed) % (big - la));
		ca = ref_crc32c(0, buf, la);
		cb = ref_crc32c(0, buf + la, lb);
		want = ref_crc32c(ca, buf + la, lb);
		got = crc32c_combine(ca, cb, lb);
		if (got != want)
			mismatch(&fails, "combine", "combine", la, lb, got, want);
	}
	CU_ASSERT_EQUAL(fails, 0);
	free(buf);
}

/* ---- dispatch --------------------------------------------------------------- */

static int
env_forces_sw(void)
{
	const char *e = getenv(CRC32C_ENV);

	return e != NULL && strcmp(e, "sw") == 0;
}

static void
test_impl_name(void)
{
	const char *name = crc32c_impl_name();

	/* CUnit assertions are brace blocks: keep them out of if/else */
	CU_ASSERT_STRING_EQUAL(name,
	    crc32c_hw_available() && !env_forces_sw() ? "sse4.2" :
	    "slicing-by-8");
	if (!crc32c_hw_available())
		printf("\n    NOTE: no SSE4.2 path, crc32c() runs %s ", name);
}

/*
 * ISCSI_CRC32C=sw forces the software path.  The choice is made once per
 * process, so the test re-runs itself in a child with the variable set;
 * the child (seeing the variable) checks the name and a known answer.
 */
static void
test_env_forces_sw(void)
{
	char *argv[] = { "/proc/self/exe", "proto.crc32c.dispatch_env_sw", NULL };
	posix_spawn_file_actions_t fa;
	char **envp, setting[] = CRC32C_ENV "=sw";
	size_t n, i, j;
	pid_t pid;
	int st, rc;

	if (env_forces_sw()) {		/* child */
		CU_ASSERT_STRING_EQUAL(crc32c_impl_name(), "slicing-by-8");
		CU_ASSERT_EQUAL(crc32c(0, "123456789", 9), 0xE3069283u);
		return;
	}
	for (n = 0; environ[n] != NULL; n++)
		;
	envp = calloc(n + 2, sizeof(*envp));
	CU_ASSERT_PTR_NOT_NULL_FATAL(envp);
	for (i = j = 0; i < n; i++)
		if (strncmp(environ[i], CRC32C_ENV "=", sizeof(CRC32C_ENV)) != 0)
			envp[j++] = environ[i];
	envp[j] = setting;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	st = -1;
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc == 0)
		waitpid(pid, &st, 0);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	/* exit 0: the child ran that one test (2 = no match) and it passed */
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static CU_TestInfo crc32c_tests[] = {
	{ "rfc7143_b4_vectors", test_rfc_b4_vectors },
	{ "rfc7143_b4_residue", test_rfc_b4_residue },
	{ "check_value_123456789", test_check_value },
	{ "every_length_offset", test_every_length_offset },
	{ "long_buffers", test_long_buffers },
	{ "incremental_every_split", test_incremental },
	{ "combine", test_combine },
	{ "dispatch_impl_name", test_impl_name },
	{ "dispatch_env_sw", test_env_forces_sw },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "crc32c", crc32c_tests)
