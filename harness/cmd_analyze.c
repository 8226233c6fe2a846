/*
 * iscsi-bench analyze FILE [--json] [--port N ...] [--ladder FILE.svg
 * [--session N]] [--timeout S] [--max-findings N] [--no-detect] [--strict]
 *
 * Exit status: 0 the capture was analysed; 1 it could not be read to its
 * end (the report covers what was read); 2 usage; 3 with --strict, when
 * an error-severity finding was reported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "analyze_ladder.h"
#include "analyze_report.h"
#include "cliarg.h"
#include "cmd_analyze.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-bench analyze FILE [--json] [--port N ...]\n"
	    "           [--ladder FILE.svg [--session N]] [--timeout SECONDS]\n"
	    "           [--max-findings N] [--no-detect] [--strict]\n"
	    "Decodes the iSCSI traffic of a pcap/pcapng capture, checks it against\n"
	    "RFC 7143 and reports findings with the initiator event they raise.\n"
	    "  --json           machine-readable report on standard output\n"
	    "  --port N         also treat TCP port N as iSCSI (3260 always is;\n"
	    "                   other ports are found from a Login Request)\n"
	    "  --no-detect      only the listed ports\n"
	    "  --ladder F.svg   write a ladder diagram of one session to F.svg\n"
	    "  --session N      session drawn by --ladder (default 1)\n"
	    "  --timeout S      answers slower than S seconds are findings (20)\n"
	    "  --max-findings N findings kept in detail (1000; all are counted)\n"
	    "  --strict         exit 3 when an error finding was reported\n"
	    "Exit: 0 analysed, 1 file unreadable or damaged, 2 usage, 3 --strict.\n");
}

struct hooks {
	struct ana_ladder *ladder;
};

static void
on_pdu(void *arg, const struct ana_pdu_ctx *c)
{
	struct hooks *h = arg;

	if (h->ladder != NULL)
		ana_ladder_pdu(h->ladder, c);
}

static void
on_finding(void *arg, const struct ana_finding *f)
{
	struct hooks *h = arg;

	if (h->ladder != NULL)
		ana_ladder_finding(h->ladder, f);
}

static bool
has_errors(const struct ana *a)
{
	const struct ana_stats *st = ana_stats(a);
	int k;

	for (k = 0; k < ANA_CHECK_COUNT; k++)
		if (st->findings[k] > 0 &&
		    ana_check_severity((enum ana_check)k) == ANA_SEV_ERROR)
			return true;
	return false;
}

int
cmd_analyze(int argc, char **argv)
{
	struct ana_opts o;
	struct hooks h = { NULL };
	struct ana *a;
	const char *file = NULL, *ladder = NULL;
	char errbuf[512];
	unsigned long v, session = 1;
	bool json = false, strict = false;
	int i, rc, ret;
	FILE *lf;

	ana_opts_default(&o);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(arg, "--json") == 0)
			json = true;
		else if (strcmp(arg, "--no-detect") == 0)
			o.detect = false;
		else if (strcmp(arg, "--strict") == 0)
			strict = true;
		else if (strcmp(arg, "--port") == 0 && i + 1 < argc) {
			if (cliarg_uint(argv[++i], 0, 65535, &v) != 0 || v == 0) {
				fprintf(stderr, "iscsi-bench analyze: --port %s: "
				    "not a TCP port\n", argv[i]);
				return 2;
			}
			if (o.nports == ANA_PORTS_MAX) {
				fprintf(stderr, "iscsi-bench analyze: at most %d "
				    "ports\n", ANA_PORTS_MAX);
				return 2;
			}
			o.ports[o.nports++] = (uint16_t)v;
		} else if (strcmp(arg, "--ladder") == 0 && i + 1 < argc)
			ladder = argv[++i];
		else if (strcmp(arg, "--session") == 0 && i + 1 < argc) {
			if (cliarg_uint(argv[++i], 0, 1u << 30, &session) != 0 ||
			    session == 0) {
				fprintf(stderr, "iscsi-bench analyze: --session "
				    "%s: not a session number\n", argv[i]);
				return 2;
			}
		} else if (strcmp(arg, "--timeout") == 0 && i + 1 < argc) {
			if (cliarg_uint(argv[++i], 0, 86400, &v) != 0) {
				fprintf(stderr, "iscsi-bench analyze: --timeout "
				    "%s: seconds expected\n", argv[i]);
				return 2;
			}
			o.timeout = (double)v;
		} else if (strcmp(arg, "--max-findings") == 0 && i + 1 < argc) {
			if (cliarg_uint(argv[++i], 0, 1000000, &v) != 0) {
				fprintf(stderr, "iscsi-bench analyze: "
				    "--max-findings %s: number expected\n",
				    argv[i]);
				return 2;
			}
			o.findings_max = v;
		} else if (arg[0] == '-' && arg[1] != '\0') {
			fprintf(stderr, "iscsi-bench analyze: unknown or "
			    "incomplete option '%s'\n", arg);
			usage(stderr);
			return 2;
		} else if (file == NULL)
			file = arg;
		else {
			fprintf(stderr, "iscsi-bench analyze: one FILE only\n");
			return 2;
		}
	}
	if (file == NULL) {
		usage(stderr);
		return 2;
	}
	if (ladder != NULL &&
	    (h.ladder = ana_ladder_new((unsigned)session, 0)) == NULL) {
		fprintf(stderr, "iscsi-bench analyze: out of memory\n");
		return 1;
	}
	o.on_pdu = on_pdu;
	o.on_finding = on_finding;
	o.arg = &h;
	if ((a = ana_new(&o)) == NULL) {
		fprintf(stderr, "iscsi-bench analyze: out of memory\n");
		ana_ladder_free(h.ladder);
		return 1;
	}
	rc = ana_run_file(a, file, errbuf, sizeof(errbuf));
	if (rc != 0)
		fprintf(stderr, "iscsi-bench analyze: %s\n", errbuf);
	ret = rc != 0 ? 1 : 0;
	/* unreadable from the start: nothing to report */
	if (rc != 0 && ana_stats(a)->linktype < 0 && ana_stats(a)->frames == 0 &&
	    !json) {
		ana_free(a);
		ana_ladder_free(h.ladder);
		return 1;
	}
	if (json)
		ana_write_json(a, file, rc != 0 ? errbuf : NULL, stdout);
	else
		ana_write_text(a, file, rc != 0 ? errbuf : NULL, stdout);
	if (h.ladder != NULL) {
		if (ana_ladder_rows(h.ladder) == 0)
			fprintf(stderr, "iscsi-bench analyze: session %lu has no "
			    "PDUs; %s not written\n", session, ladder);
		else if ((lf = fopen(ladder, "w")) == NULL ||
		    ana_ladder_write_svg(h.ladder, lf) != 0 || fclose(lf) != 0) {
			fprintf(stderr, "iscsi-bench analyze: %s: %s\n", ladder,
			    strerror(errno));
			ret = 1;
		}
	}
	if (ret == 0 && strict && has_errors(a))
		ret = 3;
	ana_free(a);
	ana_ladder_free(h.ladder);
	return ret;
}
