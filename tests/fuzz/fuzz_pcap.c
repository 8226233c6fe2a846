/*
 * libFuzzer harness for the capture path: libpcap file reading (from
 * memory), link/IP/TCP parsing, TCP reassembly, PDU framing with resync
 * and every analyzer check, then both reports.  The first input byte
 * chooses the mode:
 *   even  the rest is a pcap/pcapng file;
 *   odd   the rest is raw bytes cut into TCP segments of one connection
 *         (sizes, directions, holes and flags taken from the input), so
 *         that reassembly and framing see arbitrary streams without
 *         having to get past the file format first.
 * The analyzer lives in harness/; `make fuzz' compiles only proto/ sources,
 * so its files are included here.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../harness/pcap_pkt.c"
#include "../../harness/ip_frag.c"
#include "../../harness/tcp_reasm.c"
#include "../../harness/analyze_framer.c"
#include "../../harness/analyze_tasks.c"
#include "../../harness/analyze_login.c"
#include "../../harness/analyze_auth.c"
#include "../../harness/analyze_ffp.c"
#include "../../harness/analyze_data.c"
#include "../../harness/analyze_findings.c"
#include "../../harness/analyze.c"
#include "../../harness/analyze_report.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void
report(struct ana *a)
{
	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	if (sink != NULL) {
		ana_write_json(a, "fuzz", NULL, sink);
		ana_write_text(a, "fuzz", NULL, sink);
	}
}

static void
run_file(const uint8_t *data, size_t size)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *pkt;
	struct ana_opts o;
	struct ana *a;
	FILE *f;
	pcap_t *p;

	if (size == 0 || (f = fmemopen((void *)data, size, "rb")) == NULL)
		return;
	p = pcap_fopen_offline(f, err);		/* closes f with p */
	if (p == NULL) {
		fclose(f);
		return;
	}
	ana_opts_default(&o);
	o.ports[o.nports++] = 860;
	o.findings_max = 64;
	if ((a = ana_new(&o)) != NULL) {
		ana_begin(a, pcap_datalink(p));
		while (pcap_next_ex(p, &h, &pkt) == 1)
			ana_packet(a, (double)h->ts.tv_sec, pkt, h->caplen,
			    h->len);
		ana_end(a);
		report(a);
		ana_free(a);
	}
	pcap_close(p);
}

/* Raw mode: 4-byte segment headers (dir/flags, length, hole) + bytes. */
static void
run_stream(const uint8_t *data, size_t size)
{
	static uint8_t frame[14 + 20 + 20 + 4096];
	static const uint8_t ip[2][4] = { { 10, 0, 0, 1 }, { 10, 0, 0, 2 } };
	uint32_t seq[2] = { 1000, 5000 };
	struct ana_opts o;
	struct ana *a;
	size_t off = 0, len, n;
	double t = 1.0;
	int dir, i;

	ana_opts_default(&o);
	o.findings_max = 64;
	if ((a = ana_new(&o)) == NULL)
		return;
	ana_begin(a, PKT_LINK_ETHERNET);
	memset(frame, 0, 54);
	frame[12] = 0x08;
	frame[14] = 0x45;
	frame[14 + 8] = 64;
	frame[14 + 9] = 6;
	for (i = 0; i < 3; i++) {		/* handshake */
		dir = i == 1;
		memcpy(frame + 26, ip[dir], 4);
		memcpy(frame + 30, ip[!dir], 4);
		frame[34] = dir ? 0x0c : 0x9c;	/* 3260 / 40000 */
		frame[35] = dir ? 0xbc : 0x40;
		frame[36] = dir ? 0x9c : 0x0c;
		frame[37] = dir ? 0x40 : 0xbc;
		put_be32(frame + 38, seq[dir] - (i < 2 ? 1 : 0));
		put_be32(frame + 42, seq[!dir]);
		frame[46] = 0x50;
		frame[47] = i < 2 ? (i == 0 ? 0x02 : 0x12) : 0x10;
		frame[16] = 0; frame[17] = 40;
		ana_packet(a, t, frame, 54, 54);
	}
	while (off + 4 <= size) {
		uint8_t ctl = data[off];

		dir = ctl & 1;
		len = (size_t)data[off + 1] << 4 | (data[off + 2] >> 4);
		n = data[off + 3];		/* hole / reorder distance */
		off += 4;
		if (len > size - off)
			len = size - off;
		if (len > 4096)
			len = 4096;
		memcpy(frame + 26, ip[dir], 4);
		memcpy(frame + 30, ip[!dir], 4);
		frame[34] = dir ? 0x0c : 0x9c;
		frame[35] = dir ? 0xbc : 0x40;
		frame[36] = dir ? 0x9c : 0x0c;
		frame[37] = dir ? 0x40 : 0xbc;
		/* bit 1: out of order by n bytes ahead; bit 2: retransmit */
		put_be32(frame + 38, seq[dir] + ((ctl & 2) ? n : 0) -
		    ((ctl & 4) ? n : 0));
		put_be32(frame + 42, seq[!dir] + ((ctl & 8) ? n : 0));
		frame[47] = 0x18 | ((ctl & 0x10) ? 0x01 : 0) |
		    ((ctl & 0x20) ? 0x04 : 0);
		frame[16] = (uint8_t)((40 + len) >> 8);
		frame[17] = (uint8_t)(40 + len);
		memcpy(frame + 54, data + off, len);
		/* bit 6: snap length cut */
		ana_packet(a, t, frame, (ctl & 0x40) && len > 8 ? 54 + len / 2 :
		    54 + len, 54 + len);
		if (!(ctl & 6))
			seq[dir] += (uint32_t)len;
		off += len;
		t += 0.5;
	}
	ana_end(a);
	report(a);
	ana_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		run_stream(data + 1, size - 1);
	else
		run_file(data + 1, size - 1);
	return 0;
}
