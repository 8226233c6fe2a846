/*
 * Command-line argument helpers shared by the iscsi-bench commands.
 */
#ifndef HARNESS_CLIARG_H
#define HARNESS_CLIARG_H

/*
 * A decimal unsigned number in [min, max] with nothing else around it (no
 * sign, no spaces): 0 and *out set, or -1.
 */
int	cliarg_uint(const char *s, unsigned long min, unsigned long max,
	    unsigned long *out);

#endif
