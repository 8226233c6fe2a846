/*
 * libFuzzer harness: the scenario loader of target-sim (YAML -> target
 * configuration and fault rules).  Any input must give either a config
 * or a "file:line: message" error, never a crash.
 *
 * `make fuzz` links each fuzz harness with proto/ only, so the
 * loader's own files (which depend on nothing else in target-sim/) are
 * compiled into this translation unit.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../target-sim/config.c"
#include "../../target-sim/faults_names.c"
#include "../../target-sim/lun.c"
#include "../../target-sim/scenario.c"
#include "../../target-sim/scenario_rules.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsim_config *cfg = tsim_config_new();
	char err[512];

	if (cfg == NULL)
		return 0;
	err[0] = '\0';
	if (tsim_scenario_load_buffer(cfg, "fuzz.yaml", (const char *)data,
	    size, err, sizeof(err)) == 0)
		(void)tsim_config_check(cfg, err, sizeof(err));
	else if (strncmp(err, "fuzz.yaml", 9) != 0)
		__builtin_trap();	/* every error names the file */
	tsim_config_free(cfg);
	return 0;
}
