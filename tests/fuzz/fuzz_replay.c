/*
 * libFuzzer harness for `iscsi-bench replay`: the input is a pcap/pcapng
 * file; it is analysed twice (the session list, then the PDUs through the
 * replay collector) and the scenario is written to /dev/null.  This covers
 * the replay's own parsing of captured bytes: login keys, Reject headers,
 * READ CAPACITY / REPORT LUNS data, Data-Out offsets into WRITE buffers,
 * and the rule and script generation.  Both --session modes are tried
 * (the first input byte chooses).  `make fuzz' compiles only proto/
 * sources, so the harness files needed are included.
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
#include "../../harness/replay_rules.c"
#include "../../harness/replay_script.c"
#include "../../harness/replay_tasks.c"
#include "../../harness/replay_collect.c"
#include "../../harness/replay_yaml.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

/* One pass over the file in memory; 0 when it could be opened. */
static int
pass(const uint8_t *data, size_t size, struct ana *a)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *pkt;
	FILE *f;
	pcap_t *p;

	if ((f = fmemopen((void *)data, size, "rb")) == NULL)
		return -1;
	if ((p = pcap_fopen_offline(f, err)) == NULL) {
		fclose(f);
		return -1;
	}
	ana_begin(a, pcap_datalink(p));
	while (pcap_next_ex(p, &h, &pkt) == 1)
		ana_packet(a, (double)h->ts.tv_sec + h->ts.tv_usec / 1e6, pkt,
		    h->caplen, h->len);
	ana_end(a);
	pcap_close(p);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_opts ro;
	struct rp_collect c;
	struct ana_opts o;
	struct ana *a;

	if (size < 2)
		return 0;
	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		return 0;
	memset(&ro, 0, sizeof(ro));
	ro.file = "fuzz.pcap";
	ro.out = "/nonexistent/fuzz.yaml";
	ro.name = "replay-fuzz";
	ana_opts_default(&o);
	o.findings_max = 0;
	if ((a = ana_new(&o)) == NULL)
		return 0;
	if (pass(data + 1, size - 1, a) != 0 || ana_session_count(a) == 0) {
		ana_free(a);
		return 0;
	}
	ro.session = data[0] & 1 ? 1 : 0;
	if (rp_collect_init(&c, &ro, a) != 0) {
		ana_free(a);
		rp_collect_free(&c);
		return 0;
	}
	ana_free(a);
	o.on_pdu = rp_collect_pdu;
	o.on_finding = rp_collect_finding;
	o.on_conn_end = rp_collect_conn_end;
	o.arg = &c;
	if ((a = ana_new(&o)) != NULL) {
		(void)pass(data + 1, size - 1, a);
		ana_free(a);
		rp_collect_finish(&c);
		(void)rp_write_yaml(&c, sink);
	}
	rp_collect_free(&c);
	return 0;
}
