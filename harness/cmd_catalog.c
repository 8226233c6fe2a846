/* Placeholder; the catalog module replaces this. */
#include <stdio.h>
#include "commands.h"

int
cmd_catalog(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "iscsi-bench catalog: not built yet\n");
	return 1;
}
