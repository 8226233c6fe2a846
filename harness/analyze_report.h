/*
 * Analyzer reports: the readable summary and the --json document (see
 * docs/analyze.md for the JSON layout).  error: the reason the capture
 * could not be read to its end, or NULL.
 */
#ifndef HARNESS_ANALYZE_REPORT_H
#define HARNESS_ANALYZE_REPORT_H

#include <stdio.h>

#include "analyze.h"

int	ana_write_text(const struct ana *, const char *file, const char *error,
	    FILE *);
int	ana_write_json(const struct ana *, const char *file, const char *error,
	    FILE *);

#endif
