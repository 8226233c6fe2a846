/* Private to the scenario loader (scn_load.c, scn_expect.c). */
#ifndef HARNESS_SCN_INT_H
#define HARNESS_SCN_INT_H

#include <stddef.h>

#include "scn.h"
#include "ytree.h"

/* A list of scalars, strdup'ed into out; 0 or -1 (error in c). */
int	scn_str_list(const struct yctx *c, const struct ynode *n,
	    const char *what, char **out, size_t *count);
/* The expect: section. */
int	scn_load_expect(const struct yctx *c, const struct ynode *n,
	    struct scn *s);

#endif
