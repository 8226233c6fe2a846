/*
 * PDU codec throughput: encode and decode rates for typical PDUs and the
 * receive path over a stream of mixed PDUs.  Each measurement runs for
 * about 0.3 s.  Usage: bench_pdu [--json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pdu.h"

#define RUN_SECONDS	0.3
#define BATCH		256

struct result {
	const char	*name;
	double		 pdus_per_s;
	double		 mb_per_s;
	size_t		 wire_len;	/* bytes per PDU (average for streams) */
};

static uint8_t payload[8192];
static uint8_t wire[16384];
static volatile uint64_t sink;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
make_scsi_cmd(struct pdu *p)
{
	pdu_init(p, PDU_OP_SCSI_CMD);
	p->u.scsi_cmd.read = true;
	p->u.scsi_cmd.attr = 1;
	p->itt = 0x1000;
	p->lun = 0x0001000000000000ull;
	p->u.scsi_cmd.edtl = 8192;
	p->u.scsi_cmd.cmdsn = 77;
	p->u.scsi_cmd.expstatsn = 12;
	p->u.scsi_cmd.cdb[0] = 0x28;	/* READ (10) */
	p->u.scsi_cmd.cdb[5] = 0x40;
	p->u.scsi_cmd.cdb[8] = 0x10;
}

static void
make_data_in(struct pdu *p)
{
	pdu_init(p, PDU_OP_DATA_IN);
	p->u.data_in.status_present = true;
	p->itt = 0x1000;
	p->u.data_in.statsn = 12;
	p->u.data_in.expcmdsn = 78;
	p->u.data_in.maxcmdsn = 140;
	pdu_set_data(p, payload, sizeof(payload));
}

static const char login_text[] =
    "TargetPortalGroupTag=1\0HeaderDigest=CRC32C\0DataDigest=CRC32C\0"
    "MaxRecvDataSegmentLength=262144\0MaxBurstLength=1048576\0"
    "FirstBurstLength=65536\0InitialR2T=No\0ImmediateData=Yes\0"
    "MaxOutstandingR2T=1\0ErrorRecoveryLevel=0\0";

static void
make_login_rsp(struct pdu *p)
{
	static const uint8_t isid[6] = { 0x40, 0x00, 0x01, 0x37, 0x00, 0x00 };

	pdu_init(p, PDU_OP_LOGIN_RSP);
	p->u.login_rsp.transit = true;
	p->u.login_rsp.csg = PDU_STAGE_OPERATIONAL;
	p->u.login_rsp.nsg = PDU_STAGE_FULL_FEATURE;
	memcpy(p->u.login_rsp.isid, isid, 6);
	p->u.login_rsp.tsih = 7;
	p->itt = 1;
	pdu_set_data(p, login_text, sizeof(login_text));
}

static void
finish(struct result *r, uint64_t n, size_t bytes, double secs)
{
	r->pdus_per_s = n / secs;
	r->mb_per_s = (double)bytes * n / secs / 1e6;
}

static void
bench_encode(struct result *r, const struct pdu *p,
    const struct pdu_digest_opts *d)
{
	double t0 = now(), t;
	uint64_t n = 0;
	size_t len = 0;
	int i;

	do {
		for (i = 0; i < BATCH; i++) {
			pdu_encode(p, d, wire, sizeof(wire), &len);
			sink += wire[len - 1];
		}
		n += BATCH;
	} while ((t = now() - t0) < RUN_SECONDS);
	r->wire_len = len;
	finish(r, n, len, t);
}

static void
bench_decode(struct result *r, const struct pdu *p,
    const struct pdu_digest_opts *d)
{
	struct pdu q;
	double t0, t;
	uint64_t n = 0;
	size_t len;
	int i;

	pdu_encode(p, d, wire, sizeof(wire), &len);
	if (pdu_decode(wire, len, d, &q, NULL) != PDU_OK) {
		fprintf(stderr, "bench_pdu: %s does not decode\n", r->name);
		exit(1);
	}
	t0 = now();
	do {
		for (i = 0; i < BATCH; i++) {
			pdu_decode(wire, len, d, &q, NULL);
			sink += q.itt;
		}
		n += BATCH;
	} while ((t = now() - t0) < RUN_SECONDS);
	r->wire_len = len;
	finish(r, n, len, t);
}

static int
count_pdu(void *arg, const struct pdu *p, const struct pdu_error *err)
{
	(void)p;
	if (err->code != PDU_OK) {
		fprintf(stderr, "bench_pdu: rx: %s\n", err->msg);
		exit(1);
	}
	(*(uint64_t *)arg)++;
	return 0;
}

/* A read and a write with their data, status and a NOP, as a stream. */
static size_t
build_stream(uint8_t *s, size_t cap, const struct pdu_digest_opts *d,
    size_t *npdus)
{
	struct pdu p;
	size_t off = 0, len, i;

	*npdus = 0;
	for (i = 0; i < 8; i++) {
		make_scsi_cmd(&p);
		pdu_encode(&p, d, s + off, cap - off, &len), off += len;
		make_data_in(&p);
		pdu_encode(&p, d, s + off, cap - off, &len), off += len;
		pdu_init(&p, PDU_OP_R2T);
		p.itt = 0x2000;
		p.u.r2t.ttt = 5;
		p.u.r2t.ddtl = 8192;
		pdu_encode(&p, d, s + off, cap - off, &len), off += len;
		pdu_init(&p, PDU_OP_DATA_OUT);
		p.itt = 0x2000;
		p.u.data_out.ttt = 5;
		pdu_set_data(&p, payload, 8192);
		pdu_encode(&p, d, s + off, cap - off, &len), off += len;
		pdu_init(&p, PDU_OP_SCSI_RSP);
		p.itt = 0x2000;
		pdu_encode(&p, d, s + off, cap - off, &len), off += len;
		pdu_init(&p, PDU_OP_NOP_IN);
		p.u.nop_in.ttt = 9;
		pdu_encode(&p, d, s + off, cap - off, &len), off += len;
		*npdus += 6;
	}
	return off;
}

static void
bench_rx(struct result *r, const struct pdu_digest_opts *d, size_t chunk)
{
	static uint8_t stream[160 * 1024];
	struct pdu_rx rx;
	size_t len, npdus, off, n;
	uint64_t got = 0, rounds = 0;
	double t0, t;

	len = build_stream(stream, sizeof(stream), d, &npdus);
	if (pdu_rx_init(&rx, 262144) != 0)
		exit(1);
	pdu_rx_set_digests(&rx, d->header, d->data);
	t0 = now();
	do {
		for (off = 0; off < len; off += n) {
			n = len - off < chunk ? len - off : chunk;
			pdu_rx_feed(&rx, stream + off, n, count_pdu, &got);
		}
		rounds++;
	} while ((t = now() - t0) < RUN_SECONDS);
	pdu_rx_free(&rx);
	if (got != rounds * npdus) {
		fprintf(stderr, "bench_pdu: rx delivered %llu of %llu\n",
		    (unsigned long long)got,
		    (unsigned long long)(rounds * npdus));
		exit(1);
	}
	r->wire_len = len / npdus;
	r->pdus_per_s = got / t;
	r->mb_per_s = (double)len * rounds / t / 1e6;
}

int
main(int argc, char **argv)
{
	static const struct pdu_digest_opts none = { 0 }, both = { true, true, 0, 0 };
	struct result res[16];
	struct pdu p;
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	size_t nres = 0, i;

	if (argc > 1 && !json) {
		fprintf(stderr, "usage: bench_pdu [--json]\n");
		return 2;
	}
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 31);

	make_scsi_cmd(&p);
	res[nres].name = "encode SCSI Command (CDB)";
	bench_encode(&res[nres++], &p, &none);
	res[nres].name = "decode SCSI Command (CDB)";
	bench_decode(&res[nres++], &p, &none);
	make_data_in(&p);
	res[nres].name = "encode Data-In 8 KiB";
	bench_encode(&res[nres++], &p, &none);
	res[nres].name = "decode Data-In 8 KiB";
	bench_decode(&res[nres++], &p, &none);
	res[nres].name = "encode Data-In 8 KiB + digests";
	bench_encode(&res[nres++], &p, &both);
	res[nres].name = "decode Data-In 8 KiB + digests";
	bench_decode(&res[nres++], &p, &both);
	make_login_rsp(&p);
	res[nres].name = "encode Login Response + text";
	bench_encode(&res[nres++], &p, &none);
	res[nres].name = "decode Login Response + text";
	bench_decode(&res[nres++], &p, &none);
	res[nres].name = "rx mixed stream, 1500 B chunks";
	bench_rx(&res[nres++], &none, 1500);
	res[nres].name = "rx mixed stream + digests, 1500 B";
	bench_rx(&res[nres++], &both, 1500);
	res[nres].name = "rx mixed stream, 64 KiB chunks";
	bench_rx(&res[nres++], &none, 65536);

	if (json) {
		printf("[\n");
		for (i = 0; i < nres; i++)
			printf("  {\"name\": \"%s\", \"pdu_bytes\": %zu, "
			    "\"pdus_per_s\": %.0f, \"mb_per_s\": %.1f}%s\n",
			    res[i].name, res[i].wire_len, res[i].pdus_per_s,
			    res[i].mb_per_s, i + 1 < nres ? "," : "");
		printf("]\n");
	} else {
		printf("%-36s %9s %14s %10s\n", "measurement", "PDU bytes",
		    "PDUs/s", "MB/s");
		for (i = 0; i < nres; i++)
			printf("%-36s %9zu %14.0f %10.1f\n", res[i].name,
			    res[i].wire_len, res[i].pdus_per_s, res[i].mb_per_s);
	}
	return sink == 42 ? 1 : 0;
}
