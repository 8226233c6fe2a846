/*
 * iscsi-target-sim: the scriptable simulated target.  The target itself
 * lands with issue #3; this front end already rejects bad arguments.
 */
#include <stdio.h>
#include <string.h>

#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-target-sim --listen ADDR:PORT [--listen ...] --target IQN\n"
	    "                        --lun SIZE[,SIZE...] [--chap USER:SECRET]\n"
	    "                        [--mutual-chap USER:SECRET] [--digest none|crc32c|both]\n"
	    "       iscsi-target-sim --scenario FILE\n"
	    "       iscsi-target-sim --help | --version\n");
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("iscsi-target-sim %s\n", ISCSI_BENCH_VERSION);
		return 0;
	}
	if (argc < 2)
		fprintf(stderr, "iscsi-target-sim: no arguments given\n");
	else
		fprintf(stderr, "iscsi-target-sim: the target engine is not in this build yet "
		    "(issue #3); cannot run with '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
