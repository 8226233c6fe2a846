/* Reasons for failures, written into a caller's buffer. */
#ifndef HARNESS_ERRBUF_H
#define HARNESS_ERRBUF_H

#include <stddef.h>

/* Format into err[errlen] (either may be 0/NULL: nothing written); returns -1. */
int	errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
