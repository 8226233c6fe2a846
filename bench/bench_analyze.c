/*
 * Benchmark of `iscsi-bench analyze` against `tshark -r FILE -Y iscsi` on
 * one capture of >= 200 MB (by default) of iSCSI traffic, made one of two
 * ways:
 *
 * real (the default): bench/analyze-capture.sh captures with tcpdump -i lo
 *   what libiscsi's iscsi-perf reads from iscsi-target-sim on 127.0.0.1
 *   (4 KiB and 256 KiB reads, HeaderDigest=CRC32C), again at queue depth 1
 *   when tcpdump dropped packets.  Without tcpdump, iscsi-perf or the right
 *   to capture it says why and uses the synthetic capture.
 * synthetic (--synthetic or BENCH_ANALYZE_MODE=synthetic): one connection
 *   written with pdu_encode + pcap_dump: login with HeaderDigest=CRC32C
 *   (no data digests), then iscsi-perf-like 4 KiB READs (38 in 40) mixed
 *   with 256 KiB READs (64 KiB Data-In PDUs) and 64 KiB WRITEs (R2T +
 *   Data-Out), in TCP segments of at most 16 KiB with ACKs.
 *
 * Both tools must count the same PDUs (tshark with
 * tcp.reassemble_out_of_order on: loopback captures have reordered
 * segments).  Reports MB/s of each (best of 3 runs), the ratio, and
 * analyze's peak RSS for the file and for its first half (memory must not
 * grow with the size).  The captures are deleted afterwards.
 *
 *   bench_analyze [--synthetic]        the benchmark (BIN: build/bin)
 *   bench_analyze --generate FILE MB   only write a synthetic capture
 *   env: BENCH_ANALYZE_MB (default 200), BENCH_ANALYZE_DIR (default /tmp),
 *        BENCH_ANALYZE_MODE (real|synthetic), BENCH_DIR (default bench)
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "pdu.h"

#define MSS		16384
#define DATA_PDU	65536
#define XFER		(4 * DATA_PDU)
#define TSHARK_LIMIT	50	/* seconds per tshark run */
#define RUNS		3	/* best of RUNS wall times, both tools */

struct gen {
	pcap_dumper_t	*d;
	pcap_t		*p;
	uint32_t	 seq[2];
	uint64_t	 bytes;		/* file bytes written (approx.) */
	uint64_t	 pdus;
	double		 t;
	uint8_t		 q[2][2 * XFER];	/* unsent stream bytes */
	size_t		 qlen[2];
	unsigned	 since_ack[2];
	struct pdu_digest_opts dig;
	uint32_t	 statsn, cmdsn, itt;
};

static uint8_t payload[DATA_PDU];

static void
frame(struct gen *g, int dir, uint8_t flags, const uint8_t *data, size_t len)
{
	static uint8_t b[14 + 20 + 20 + MSS];
	struct pcap_pkthdr h;
	size_t n = 54 + len;

	memset(b, 0, 54);
	b[12] = 0x08;
	b[14] = 0x45;
	put_be16(b + 16, (uint16_t)(40 + len));
	b[22] = 64;
	b[23] = 6;
	b[26] = 10; b[29] = dir ? 2 : 1;
	b[30] = 10; b[33] = dir ? 1 : 2;
	put_be16(b + 34, dir ? 3260 : 40000);
	put_be16(b + 36, dir ? 40000 : 3260);
	put_be32(b + 38, g->seq[dir]);
	put_be32(b + 42, g->seq[!dir]);
	b[46] = 0x50;
	b[47] = flags;
	put_be16(b + 48, 0xffff);
	if (len > 0)
		memcpy(b + 54, data, len);
	g->t += 0.00001;
	h.ts.tv_sec = (time_t)g->t;
	h.ts.tv_usec = (suseconds_t)((g->t - (double)h.ts.tv_sec) * 1e6);
	h.caplen = h.len = (bpf_u_int32)n;
	pcap_dump((u_char *)g->d, &h, b);
	g->bytes += n + 16;
	g->seq[dir] += (uint32_t)len + ((flags & 0x03) ? 1 : 0);
}

/* Send what is queued for dir in MSS-sized segments; ACK now and then. */
static void
flush(struct gen *g, int dir)
{
	size_t off = 0, n;

	while (off < g->qlen[dir]) {
		n = g->qlen[dir] - off < MSS ? g->qlen[dir] - off : MSS;
		frame(g, dir, 0x18, g->q[dir] + off, n);
		off += n;
		if (++g->since_ack[dir] == 4) {
			g->since_ack[dir] = 0;
			frame(g, !dir, 0x10, NULL, 0);
		}
	}
	g->qlen[dir] = 0;
}

static void
queue(struct gen *g, int dir, const struct pdu *p, const struct pdu_digest_opts *d)
{
	size_t len;

	if (g->qlen[dir] + pdu_encoded_len(p, d) > sizeof(g->q[dir]))
		flush(g, dir);
	if (pdu_encode(p, d, g->q[dir] + g->qlen[dir],
	    sizeof(g->q[dir]) - g->qlen[dir], &len) == PDU_OK) {
		g->qlen[dir] += len;
		g->pdus++;
	}
}

static void
login(struct gen *g, bool digests)
{
	static const char ik[] = "InitiatorName=iqn.2024-01.org.example:bench\0"
	    "TargetName=iqn.2024-01.org.example:disk\0SessionType=Normal\0"
	    "HeaderDigest=CRC32C\0DataDigest=None\0"
	    "MaxRecvDataSegmentLength=65536\0MaxBurstLength=262144\0"
	    "FirstBurstLength=65536\0InitialR2T=Yes\0ImmediateData=No\0";
	static const char tk[] = "HeaderDigest=CRC32C\0DataDigest=None\0"
	    "MaxRecvDataSegmentLength=65536\0MaxBurstLength=262144\0"
	    "FirstBurstLength=65536\0InitialR2T=Yes\0ImmediateData=No\0"
	    "TargetPortalGroupTag=1\0";
	static const char ik_none[] = "InitiatorName=iqn.2024-01.org.example:bench\0"
	    "TargetName=iqn.2024-01.org.example:disk\0SessionType=Normal\0"
	    "HeaderDigest=None\0DataDigest=None\0"
	    "MaxRecvDataSegmentLength=65536\0MaxBurstLength=262144\0"
	    "FirstBurstLength=65536\0InitialR2T=Yes\0ImmediateData=No\0";
	static const char tk_none[] = "HeaderDigest=None\0DataDigest=None\0"
	    "MaxRecvDataSegmentLength=65536\0MaxBurstLength=262144\0"
	    "FirstBurstLength=65536\0InitialR2T=Yes\0ImmediateData=No\0"
	    "TargetPortalGroupTag=1\0";
	struct pdu p;

	frame(g, 0, 0x02, NULL, 0);
	frame(g, 1, 0x12, NULL, 0);
	frame(g, 0, 0x10, NULL, 0);
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = g->itt++;
	p.u.login_req.transit = true;
	p.u.login_req.csg = PDU_STAGE_OPERATIONAL;
	p.u.login_req.nsg = PDU_STAGE_FULL_FEATURE;
	p.u.login_req.isid[0] = 0x80;
	p.u.login_req.cmdsn = g->cmdsn;
	pdu_set_data(&p, digests ? ik : ik_none, digests ? sizeof(ik) - 1 :
	    sizeof(ik_none) - 1);
	queue(g, 0, &p, NULL);
	flush(g, 0);
	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.itt = g->itt - 1;
	p.u.login_rsp.transit = true;
	p.u.login_rsp.csg = PDU_STAGE_OPERATIONAL;
	p.u.login_rsp.nsg = PDU_STAGE_FULL_FEATURE;
	p.u.login_rsp.isid[0] = 0x80;
	p.u.login_rsp.tsih = 1;
	p.u.login_rsp.statsn = g->statsn++;
	p.u.login_rsp.expcmdsn = g->cmdsn;
	p.u.login_rsp.maxcmdsn = g->cmdsn + 63;
	pdu_set_data(&p, digests ? tk : tk_none, digests ? sizeof(tk) - 1 :
	    sizeof(tk_none) - 1);
	queue(g, 1, &p, NULL);
	flush(g, 1);
}

static void
command(struct gen *g, bool read, uint32_t xfer)
{
	struct pdu p;
	uint32_t itt = g->itt++, off, n;

	pdu_init(&p, PDU_OP_SCSI_CMD);
	p.itt = itt;
	p.u.scsi_cmd.read = read;
	p.u.scsi_cmd.write = !read;
	p.u.scsi_cmd.edtl = xfer;
	p.u.scsi_cmd.cmdsn = g->cmdsn++;
	p.u.scsi_cmd.expstatsn = g->statsn;
	p.u.scsi_cmd.cdb[0] = read ? 0x28 : 0x2a;
	p.u.scsi_cmd.cdb[8] = xfer / 512 & 0xff;
	p.u.scsi_cmd.cdb[7] = xfer / 512 >> 8;
	queue(g, 0, &p, &g->dig);
	flush(g, 0);
	if (!read) {
		pdu_init(&p, PDU_OP_R2T);
		p.itt = itt;
		p.u.r2t.ttt = itt | 0x40000000u;
		p.u.r2t.statsn = g->statsn;
		p.u.r2t.expcmdsn = g->cmdsn;
		p.u.r2t.maxcmdsn = g->cmdsn + 63;
		p.u.r2t.ddtl = xfer;
		queue(g, 1, &p, &g->dig);
		flush(g, 1);
		for (off = 0; off < xfer; off += n) {
			n = xfer - off < DATA_PDU ? xfer - off : DATA_PDU;
			pdu_init(&p, PDU_OP_DATA_OUT);
			p.itt = itt;
			p.final = off + n == xfer;
			p.u.data_out.ttt = itt | 0x40000000u;
			p.u.data_out.expstatsn = g->statsn;
			p.u.data_out.datasn = off / DATA_PDU;
			p.u.data_out.buffer_offset = off;
			pdu_set_data(&p, payload, n);
			queue(g, 0, &p, &g->dig);
		}
		flush(g, 0);
	} else {
		for (off = 0; off < xfer; off += n) {
			n = xfer - off < DATA_PDU ? xfer - off : DATA_PDU;
			pdu_init(&p, PDU_OP_DATA_IN);
			p.itt = itt;
			p.u.data_in.datasn = off / DATA_PDU;
			p.u.data_in.buffer_offset = off;
			p.u.data_in.expcmdsn = g->cmdsn;
			p.u.data_in.maxcmdsn = g->cmdsn + 63;
			pdu_set_data(&p, payload, n);
			queue(g, 1, &p, &g->dig);
		}
	}
	pdu_init(&p, PDU_OP_SCSI_RSP);
	p.itt = itt;
	p.u.scsi_rsp.statsn = g->statsn++;
	p.u.scsi_rsp.expcmdsn = g->cmdsn;
	p.u.scsi_rsp.maxcmdsn = g->cmdsn + 63;
	p.u.scsi_rsp.exp_datasn = read ? (xfer + DATA_PDU - 1) / DATA_PDU : 0;
	queue(g, 1, &p, &g->dig);
	flush(g, 1);
}

/* Write a capture of about mb megabytes; returns the PDU count or -1. */
static long long
generate(const char *path, unsigned mb, bool digests)
{
	static struct gen g;
	size_t i;
	unsigned n = 0;

	memset(&g, 0, sizeof(g));
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 31 + (i >> 8));
	g.p = pcap_open_dead(DLT_EN10MB, 65535);
	if (g.p == NULL || (g.d = pcap_dump_open(g.p, path)) == NULL) {
		fprintf(stderr, "bench_analyze: %s: %s\n", path,
		    g.p ? pcap_geterr(g.p) : "pcap_open_dead failed");
		return -1;
	}
	g.seq[0] = 1000;
	g.seq[1] = 0xfff00000u;		/* wraps during the run */
	g.t = 1700000000.0;
	g.statsn = 1;
	g.cmdsn = 1;
	g.itt = 1;
	login(&g, digests);
	g.dig.header = digests;
	/* iscsi-perf-like small reads, some large reads and writes */
	while (g.bytes < (uint64_t)mb * 1000000u) {
		switch (n++ % 40) {
		case 38:
			command(&g, true, XFER);
			break;
		case 39:
			command(&g, false, DATA_PDU);
			break;
		default:
			command(&g, true, 4096);
			break;
		}
	}
	pcap_dump_close(g.d);
	pcap_close(g.p);
	return (long long)g.pdus;
}

struct run {
	double		 secs;
	long		 maxrss_kb;
	int		 status;
	char		 out[256];	/* first bytes of stdout */
	long long	 lines;		/* tshark: PDU occurrences */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run argv with stdout to a pipe; count comma-separated fields (tshark). */
static int
run_cmd(char *const argv[], struct run *r, int limit)
{
	struct rusage ru;
	char buf[65536];
	size_t outlen = 0;
	double t0 = now();
	int fd[2], status, null;
	ssize_t n, i;
	pid_t pid;
	bool in_field = false;

	memset(r, 0, sizeof(*r));
	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY);
		dup2(fd[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(fd[0]);
		alarm((unsigned)limit);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (outlen + 1 < sizeof(r->out))
				r->out[outlen++] = buf[i];
			if (buf[i] == ',' || buf[i] == '\n') {
				if (in_field)
					r->lines++;
				in_field = false;
			} else
				in_field = true;
		}
	}
	close(fd[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	r->secs = now() - t0;
	r->maxrss_kb = ru.ru_maxrss;
	r->status = status;
	return 0;
}

/* Best (shortest) of RUNS runs; the last run's output and status. */
static int
run_best(char *const argv[], struct run *r, int limit)
{
	struct run x;
	double best = 0;
	int i;

	for (i = 0; i < RUNS; i++) {
		if (run_cmd(argv, &x, limit) != 0)
			return -1;
		if (i == 0 || x.secs < best)
			best = x.secs;
		*r = x;
		if (!WIFEXITED(x.status) || WEXITSTATUS(x.status) != 0)
			break;
	}
	r->secs = best;
	return 0;
}

/* The "pdus" member of analyze's JSON (first at the top level). */
static long long
json_pdus(const char *out)
{
	const char *p = strstr(out, "\"pdus\":");

	return p != NULL ? atoll(p + 7) : -1;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

/*
 * A real capture (bench/analyze-capture.sh) into path; *port gets the
 * target's port.  Returns 0, 77 when it cannot be made here (the script
 * said why on stderr) or -1.
 */
static int
capture_real(const char *bin, const char *path, unsigned mb, unsigned *port)
{
	const char *bdir = getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "bench";
	char script[512], mbs[16], line[256] = "";
	FILE *f;
	int st;
	pid_t pid;
	int fd[2];

	snprintf(script, sizeof(script), "%s/analyze-capture.sh", bdir);
	if (access(script, R_OK) != 0) {
		fprintf(stderr, "bench_analyze: %s not found (set BENCH_DIR)\n",
		    script);
		return 77;
	}
	snprintf(mbs, sizeof(mbs), "%u", mb);
	if (pipe(fd) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		setenv("BIN", bin, 1);
		execlp("sh", "sh", script, path, mbs, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	if ((f = fdopen(fd[0], "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stdout);
	fclose(f);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	if (WEXITSTATUS(st) != 0)
		return WEXITSTATUS(st) == 77 ? 77 : -1;
	return sscanf(line, "port %u", port) == 1 ? 0 : -1;
}

/* The first half (in bytes) of the packets of src, into dst. */
static long long
first_half(const char *src, const char *dst)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	pcap_dumper_t *w;
	off_t total = file_size(src), done = 24;
	long long n = 0;

	if ((p = pcap_open_offline(src, err)) == NULL) {
		fprintf(stderr, "bench_analyze: %s: %s\n", src, err);
		return -1;
	}
	if ((w = pcap_dump_open(p, dst)) == NULL) {
		fprintf(stderr, "bench_analyze: %s: %s\n", dst, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	while (done < total / 2 && pcap_next_ex(p, &h, &d) == 1) {
		pcap_dump((u_char *)w, h, d);
		done += 16 + h->caplen;
		n++;
	}
	pcap_dump_close(w);
	pcap_close(p);
	return n;
}

int
main(int argc, char **argv)
{
	const char *bin = getenv("BIN") ? getenv("BIN") : "build/bin";
	const char *dir = getenv("BENCH_ANALYZE_DIR") ? getenv("BENCH_ANALYZE_DIR") :
	    "/tmp";
	const char *mode = getenv("BENCH_ANALYZE_MODE");
	unsigned mb = getenv("BENCH_ANALYZE_MB") ? (unsigned)atoi(getenv(
	    "BENCH_ANALYZE_MB")) : 200;
	char big[512], half[512], exe[512], port_opt[64];
	struct run ra, rh, rt;
	long long pdus = -1, ap, hp;
	double size, hsize;
	unsigned port = 0;
	bool real, same;
	int rc = 1, cr;

	bool digests = getenv("BENCH_ANALYZE_DIGESTS") == NULL ||
	    strcmp(getenv("BENCH_ANALYZE_DIGESTS"), "0") != 0;

	if (argc == 4 && strcmp(argv[1], "--generate") == 0)
		return generate(argv[2], (unsigned)atoi(argv[3]), digests) < 0;
	if (argc == 2 && strcmp(argv[1], "--synthetic") == 0)
		mode = "synthetic";
	else if (argc != 1) {
		fprintf(stderr, "usage: bench_analyze [--synthetic] | "
		    "--generate FILE MB\n");
		return 2;
	}
	real = mode == NULL || strcmp(mode, "synthetic") != 0;
	if (mb < 2)
		mb = 2;
	snprintf(exe, sizeof(exe), "%s/iscsi-bench", bin);
	{
		char *hv[] = { exe, "analyze", "--help", NULL };

		if (run_cmd(hv, &ra, 10) != 0 || !WIFEXITED(ra.status) ||
		    WEXITSTATUS(ra.status) != 0) {
			printf("skipped: %s has no analyze subcommand\n", exe);
			return 0;
		}
	}
	snprintf(big, sizeof(big), "%s/bench_analyze_%d.pcap", dir, (int)getpid());
	snprintf(half, sizeof(half), "%s/bench_analyze_%d_half.pcap", dir,
	    (int)getpid());
	if (real) {
		cr = capture_real(bin, big, mb, &port);
		if (cr == 77) {
			printf("real capture not possible here (see above): "
			    "synthetic capture instead\n");
			real = false;
		} else if (cr != 0) {
			fprintf(stderr, "bench_analyze: the real capture failed\n");
			goto out;
		}
	}
	if (!real && (pdus = generate(big, mb, digests)) < 0)
		goto out;
	if (first_half(big, half) < 0)
		goto out;
	size = (double)file_size(big) / 1e6;
	hsize = (double)file_size(half) / 1e6;
	printf("capture (%s): %.1f MB", real ? "real: iscsi-perf against "
	    "iscsi-target-sim, tcpdump -i lo" : "synthetic", size);
	if (pdus >= 0)
		printf(", %lld PDUs written", pdus);
	printf(" (first half: %.1f MB)\n", hsize);
	{
		char *av[] = { exe, "analyze", "--json", "--max-findings", "10",
		    big, NULL };
		char *hv[] = { exe, "analyze", "--json", "--max-findings", "10",
		    half, NULL };

		if (run_best(av, &ra, 60) != 0 || run_cmd(hv, &rh, 60) != 0 ||
		    !WIFEXITED(ra.status) || WEXITSTATUS(ra.status) != 0) {
			fprintf(stderr, "bench_analyze: %s analyze failed (is the "
			    "subcommand registered?)\n", exe);
			goto out;
		}
	}
	ap = json_pdus(ra.out);
	hp = json_pdus(rh.out);
	printf("%-28s %8.2f s %9.1f MB/s  peak RSS %6ld KiB (half file: %ld "
	    "KiB, %lld PDUs)  PDUs %lld\n", "iscsi-bench analyze", ra.secs,
	    size / ra.secs, ra.maxrss_kb, rh.maxrss_kb, hp, ap);
	snprintf(port_opt, sizeof(port_opt), "tcp.port==%u,iscsi",
	    port ? port : 3260);
	{
		char *tv[] = { "tshark", "-n", "-r", big, "-o",
		    "tcp.reassemble_out_of_order:TRUE", "-d", port_opt, "-Y",
		    "iscsi", "-T", "fields", "-e", "iscsi.opcode", "-E",
		    "occurrence=a", "-E", "aggregator=,", NULL };

		if (run_best(tv, &rt, TSHARK_LIMIT) != 0) {
			fprintf(stderr, "bench_analyze: cannot run tshark\n");
			goto out;
		}
		if (WIFEXITED(rt.status) && WEXITSTATUS(rt.status) == 127) {
			printf("tshark not found: no comparison\n");
			rc = 0;
			goto out;
		}
	}
	if (!WIFEXITED(rt.status) || WEXITSTATUS(rt.status) != 0) {
		printf("tshark did not finish (status 0x%x); no ratio\n",
		    rt.status);
		goto out;
	}
	same = ap == rt.lines && (pdus < 0 || ap == pdus);
	printf("%-28s %8.2f s %9.1f MB/s  peak RSS %6ld KiB  PDUs %lld\n",
	    "tshark -Y iscsi", rt.secs, size / rt.secs, rt.maxrss_kb, rt.lines);
	printf("ratio: %.1fx tshark's throughput (target >= 20x); PDU counts "
	    "%s; analyze RSS %s with the file size\n", rt.secs / ra.secs,
	    same ? "equal" : "DIFFER",
	    ra.maxrss_kb <= rh.maxrss_kb + 1024 ? "does not grow" : "GROWS");
	rc = same && ra.maxrss_kb <= rh.maxrss_kb + 1024 ? 0 : 1;
out:
	unlink(big);
	unlink(half);
	return rc;
}
