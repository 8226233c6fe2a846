/*
 * iscsi-initiator: the reference initiator's command line (iscsicli verbs).
 * The protocol engine lands with issue #4; this front end already parses
 * options and verbs so scripts fail with clear messages.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-initiator [--json] [--events FILE] VERB [ARGS...]\n"
	    "       iscsi-initiator [--json] [--events FILE] --script FILE|-\n"
	    "       iscsi-initiator --help | --version\n\n"
	    "Verbs available in this build:\n"
	    "  VersionInfo          print the initiator version\n");
}

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("iscsi-initiator %s\n", ISCSI_BENCH_VERSION);
			return 0;
		}
		fprintf(stderr, "iscsi-initiator: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	if (i >= argc) {
		fprintf(stderr, "iscsi-initiator: no verb given\n");
		usage(stderr);
		return 2;
	}
	if (strcasecmp(argv[i], "VersionInfo") == 0) {
		printf("iscsi-initiator version %s\n", ISCSI_BENCH_VERSION);
		return 0;
	}
	fprintf(stderr, "iscsi-initiator: unknown verb '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
