/*
 * iscsi-bench replay FILE --as target -o SCENARIO [--port N ...]
 *     [--session N] [--name NAME] [--force]
 *
 * Turns the target side of a captured iSCSI session into a scenario file
 * that iscsi-target-sim runs and `iscsi-bench run` checks (docs/replay.md).
 * Exit status: 0 written; 2 usage or bad input (not a capture, no iSCSI,
 * session out of range, output exists or cannot be written).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cliarg.h"
#include "commands.h"
#include "replay_int.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-bench replay FILE --as target -o SCENARIO [--port N ...]\n"
	    "           [--session N] [--name NAME] [--force]\n"
	    "Turns the target side of a captured iSCSI session (pcap/pcapng)\n"
	    "into a scenario that iscsi-target-sim runs against the initiator\n"
	    "under test (`iscsi-bench run SCENARIO`).\n"
	    "  --as target      the side to reproduce (only the target for now)\n"
	    "  -o SCENARIO      the scenario file to write (never overwritten\n"
	    "                   without --force; WRITE data goes next to it)\n"
	    "  --port N         also treat TCP port N as iSCSI (as analyze)\n"
	    "  --session N      one session (analyze numbering) with its\n"
	    "                   recoveries and redirects (default: all)\n"
	    "  --name NAME      scenario name (default: from SCENARIO)\n"
	    "  --force          overwrite SCENARIO and its data files\n"
	    "Exit: 0 written, 2 usage or bad input.\n");
}

/* Scenario name from the output file: letters, digits, '.', '-', '_'. */
static void
default_name(const char *out, char *buf, size_t bufsz)
{
	const char *b = strrchr(out, '/');
	size_t n, i, k = 0;

	b = b != NULL ? b + 1 : out;
	n = strcspn(b, ".");
	if (strncmp(b, "replay", 6) != 0)
		k = (size_t)snprintf(buf, bufsz, "replay-");
	for (i = 0; i < n && k + 1 < bufsz; i++)
		buf[k++] = (char)(strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", b[i]) != NULL ?
		    b[i] : '-');
	buf[k] = '\0';
	if (k == 0 || strcmp(buf, "replay-") == 0)
		snprintf(buf, bufsz, "replay");
}

int
cmd_replay(int argc, char **argv)
{
	struct rp_opts o;
	char err[512], name[128];
	const char *as = NULL;
	unsigned long v;
	int i;

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--as") == 0 && i + 1 < argc)
			as = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			o.out = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			o.name = argv[++i];
		else if (strcmp(argv[i], "--force") == 0)
			o.force = true;
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			if (cliarg_uint(argv[++i], 0, 65535, &v) != 0 || v == 0) {
				fprintf(stderr, "iscsi-bench replay: --port: "
				    "expected 1-65535, got '%s'\n", argv[i]);
				return 2;
			}
			if (o.nports == ANA_PORTS_MAX - 1) {
				fprintf(stderr, "iscsi-bench replay: at most %d "
				    "--port\n", ANA_PORTS_MAX - 1);
				return 2;
			}
			o.ports[o.nports++] = (uint16_t)v;
		} else if (strcmp(argv[i], "--session") == 0 && i + 1 < argc) {
			if (cliarg_uint(argv[++i], 0, 1000000, &v) != 0 || v == 0) {
				fprintf(stderr, "iscsi-bench replay: --session: "
				    "expected a session number from 1, got "
				    "'%s'\n", argv[i]);
				return 2;
			}
			o.session = (unsigned)v;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "iscsi-bench replay: unknown or "
			    "incomplete option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (o.file == NULL)
			o.file = argv[i];
		else {
			fprintf(stderr, "iscsi-bench replay: one capture file "
			    "only ('%s')\n", argv[i]);
			return 2;
		}
	}
	if (o.file == NULL || o.out == NULL || as == NULL) {
		fprintf(stderr, "iscsi-bench replay: FILE, --as target and -o "
		    "SCENARIO are required\n");
		usage(stderr);
		return 2;
	}
	if (strcmp(as, "target") != 0) {
		fprintf(stderr, "iscsi-bench replay: --as %s: only the target "
		    "side can be replayed (--as target)\n", as);
		return 2;
	}
	if (o.name == NULL) {
		default_name(o.out, name, sizeof(name));
		o.name = name;
	}
	if (rp_generate(&o, err, sizeof(err)) != 0) {
		fprintf(stderr, "iscsi-bench replay: %s\n", err);
		return 2;
	}
	return 0;
}
