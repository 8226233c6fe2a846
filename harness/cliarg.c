/*
 * Command-line argument helpers shared by the iscsi-bench commands.
 */
#include <errno.h>
#include <stdlib.h>

#include "cliarg.h"

int
cliarg_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
