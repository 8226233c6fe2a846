/*
 * iscsi-bench: the harness.  Subcommands run scenario suites, analyse
 * captures and expose the shared protocol core to scripts.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd_analyze.h"
#include "commands.h"
#include "version.h"

struct subcommand {
	const char	*name;
	int		(*run)(int, char **);
	const char	*args;
	const char	*help;
};

static const struct subcommand subcommands[] = {
	{ "run", cmd_run, "[PATH...]",
	  "run scenario files and check them against the documents" },
	{ "catalog", cmd_catalog, "[--json]",
	  "print the event-ID / ISDSC / RFC 7143 status catalog" },
	{ "analyze", cmd_analyze, "FILE",
	  "decode and check the iSCSI traffic of a pcap/pcapng capture" },
	{ "replay", cmd_replay, "FILE",
	  "turn the target side of a capture into a scenario (--as target -o F)" },
	{ "interop", cmd_interop, "--portal H:P",
	  "initiator conformance steps against any target (no faults)" },
	{ "netlink", cmd_netlink, "ACTION",
	  "ns-3 network mode: check | sweep | selftest [--delay MS] [--rate MBIT] [--loss P]" },
	{ "crc32c", cmd_crc32c, "FILE...",
	  "print the CRC32C (iSCSI digest) of each FILE as 8 hex digits" },
	{ NULL, NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	const struct subcommand *c;

	fprintf(f, "usage: iscsi-bench [--help] [--version] COMMAND [ARGS...]\n\n"
	    "iSCSI conformance bench harness.  Commands:\n");
	for (c = subcommands; c->name != NULL; c++)
		fprintf(f, "  %-8s %-10s %s\n", c->name, c->args, c->help);
	fprintf(f, "\n'iscsi-bench COMMAND --help' describes one command.\n");
}

int
main(int argc, char **argv)
{
	const struct subcommand *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("iscsi-bench %s\n", ISCSI_BENCH_VERSION);
		return 0;
	}
	for (c = subcommands; c->name != NULL; c++)
		if (strcasecmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "iscsi-bench: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
