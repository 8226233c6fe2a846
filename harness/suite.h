/* A scenario suite: finding, selecting and reporting scenarios. */
#ifndef HARNESS_SUITE_H
#define HARNESS_SUITE_H

#include <stddef.h>
#include <stdio.h>

#include "runner.h"

struct suite_entry {
	char		 path[512];
	struct scn	 scn;
	int		 loaded;		/* scn valid */
	char		 load_error[512];
	struct run_result result;
};

struct suite {
	struct suite_entry *e;
	size_t		 n, cap;
};

/* Add files: a directory (recursively *.yaml), a glob, or a file. */
int	suite_add_path(struct suite *, const char *arg, char *err, size_t errsz);
void	suite_sort(struct suite *);
void	suite_free(struct suite *);

/* Reports. */
int	report_junit(const struct suite *, const char *path);
void	report_tap(const struct suite *, FILE *);
void	report_summary(const struct suite *, FILE *);

#endif
