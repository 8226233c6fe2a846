/* Private to the scenario loader (scenario.c, scenario_rules.c). */
#ifndef TARGET_SIM_SCENARIO_H
#define TARGET_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "names.h"
#include "tsim.h"
#include "ytree.h"

/*
 * String value of key into out[outsz]: 0, 1 when absent (and not
 * required), -1 with "file:line: message".
 */
int	scn_str(const struct yctx *, const struct ynode *m, const char *key,
	    char *out, size_t outsz, bool required);
/* The rules: list of the top-level mapping. */
int	scn_load_rules(const struct yctx *, const struct ynode *root,
	    struct tsim_config *cfg);

#endif
