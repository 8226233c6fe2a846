/*
 * CRC32C throughput: SSE4.2 path, slicing-by-8 and the 256-entry table at
 * 512 B, 8 KiB and 1 MiB buffers.  Each figure repeats the call until a time
 * budget is spent (CLOCK_MONOTONIC).  Reports, never asserts: exits 0 whether
 * or not the target (hardware >= 15x the table on 1 MiB) is met.
 *
 *	bench_crc32c [--json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crc32c.h"

#define BENCH_BUDGET_S		0.3	/* per measurement */
#define BENCH_BATCH_BYTES	(256u * 1024)	/* work between clock reads */
#define BENCH_TARGET_RATIO	15.0
#define BENCH_NSIZES		3
#define BENCH_NIMPLS		3
#define BENCH_MAX_SIZE		(1u << 20)

struct bench_impl {
	const char	*name;		/* column title */
	const char	*key;		/* JSON key */
	uint32_t	(*fn)(uint32_t, const void *, size_t);
	int		 avail;
};

struct bench_size {
	size_t		 bytes;
	const char	*label;
};

static const struct bench_size sizes[BENCH_NSIZES] = {
	{ 512, "512 B" },
	{ 8192, "8 KiB" },
	{ BENCH_MAX_SIZE, "1 MiB" },
};

static volatile uint32_t bench_sink;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* MB/s (10^6 bytes per second) of fn over len bytes of buf. */
static double
bench_measure(uint32_t (*fn)(uint32_t, const void *, size_t),
    const uint8_t *buf, size_t len)
{
	size_t batch, i;
	double start, elapsed;
	uint64_t bytes = 0;
	uint32_t crc = 0;

	batch = BENCH_BATCH_BYTES / len;
	if (batch == 0)
		batch = 1;
	crc = fn(crc, buf, len);		/* warm caches and branch predictors */
	start = now_s();
	do {
		for (i = 0; i < batch; i++)
			crc = fn(crc, buf, len);	/* chained: cannot be elided */
		bytes += (uint64_t)batch * len;
		elapsed = now_s() - start;
	} while (elapsed < BENCH_BUDGET_S);
	bench_sink = crc;
	return (double)bytes / elapsed / 1e6;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: bench_crc32c [--json]\n"
	    "  CRC32C MB/s (10^6 bytes/s) of the SSE4.2, slicing-by-8 and\n"
	    "  256-entry table paths at 512 B, 8 KiB and 1 MiB buffers.\n");
}

static void
print_table(const struct bench_impl *impl, double mbs[][BENCH_NIMPLS])
{
	int s, k;

	printf("CRC32C throughput in MB/s (10^6 bytes/s), %.1f s per figure; "
	    "crc32c() uses %s\n\n", BENCH_BUDGET_S, crc32c_impl_name());
	printf("%-8s", "buffer");
	for (k = 0; k < BENCH_NIMPLS; k++)
		printf(" %14s", impl[k].name);
	printf(" %12s\n", "hw/table");
	for (s = 0; s < BENCH_NSIZES; s++) {
		printf("%-8s", sizes[s].label);
		for (k = 0; k < BENCH_NIMPLS; k++) {
			if (impl[k].avail)
				printf(" %14.1f", mbs[s][k]);
			else
				printf(" %14s", "n/a");
		}
		if (impl[0].avail)
			printf(" %11.1fx\n", mbs[s][0] / mbs[s][2]);
		else
			printf(" %12s\n", "n/a");
	}
}

static void
print_json(const struct bench_impl *impl, double mbs[][BENCH_NIMPLS],
    double ratio, int met)
{
	int s, k;

	printf("{\"unit\":\"MB/s\",\"dispatch\":\"%s\",\"hw_available\":%s,"
	    "\"results\":[", crc32c_impl_name(), impl[0].avail ? "true" : "false");
	for (s = 0; s < BENCH_NSIZES; s++) {
		printf("%s{\"bytes\":%zu", s ? "," : "", sizes[s].bytes);
		for (k = 0; k < BENCH_NIMPLS; k++) {
			if (impl[k].avail)
				printf(",\"%s\":%.1f", impl[k].key, mbs[s][k]);
			else
				printf(",\"%s\":null", impl[k].key);
		}
		printf("}");
	}
	printf("],\"ratio_hw_table_1mib\":");
	if (impl[0].avail)
		printf("%.2f", ratio);
	else
		printf("null");
	printf(",\"target_ratio\":%.1f,\"target_met\":%s}\n",
	    BENCH_TARGET_RATIO, met ? "true" : "false");
}

int
main(int argc, char **argv)
{
	struct bench_impl impl[BENCH_NIMPLS] = {
		{ "sse4.2", "hw", crc32c_hw, crc32c_hw_available() },
		{ "slicing-by-8", "sw", crc32c_sw, 1 },
		{ "table-256", "table", crc32c_table, 1 },
	};
	double mbs[BENCH_NSIZES][BENCH_NIMPLS] = { { 0 } };
	double ratio = 0;
	uint8_t *buf;
	uint32_t x = 0x9E3779B9u;
	int json = 0, met, s, k, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}

	if ((buf = malloc(BENCH_MAX_SIZE)) == NULL) {
		fprintf(stderr, "bench_crc32c: out of memory\n");
		return 1;
	}
	for (i = 0; i < (int)BENCH_MAX_SIZE; i++) {	/* xorshift32 fill */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}

	for (s = 0; s < BENCH_NSIZES; s++)
		for (k = 0; k < BENCH_NIMPLS; k++)
			if (impl[k].avail)
				mbs[s][k] = bench_measure(impl[k].fn, buf,
				    sizes[s].bytes);
	free(buf);

	if (impl[0].avail)
		ratio = mbs[BENCH_NSIZES - 1][0] / mbs[BENCH_NSIZES - 1][2];
	met = impl[0].avail && ratio >= BENCH_TARGET_RATIO;

	if (json) {
		print_json(impl, mbs, ratio, met);
		return 0;
	}
	print_table(impl, mbs);
	if (impl[0].avail)
		printf("\nhw/table at 1 MiB: %.1fx; target >= %.0fx: %s\n",
		    ratio, BENCH_TARGET_RATIO, met ? "MET" : "NOT MET");
	else
		printf("\nhw/table at 1 MiB: n/a (no SSE4.2); target >= %.0fx: "
		    "NOT MET\n", BENCH_TARGET_RATIO);
	return 0;
}
