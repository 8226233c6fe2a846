/* Ladder diagrams of a scenario run, from its capture and its fault log. */
#ifndef HARNESS_RUN_LADDER_H
#define HARNESS_RUN_LADDER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Analyse capture (portal ports given) and write one SVG per iSCSI session
 * (rundir/ladder-N.svg), marking the PDUs the target's fault log says it
 * changed.  Returns the number of diagrams written, -1 on error.
 */
int	run_ladders(const char *capture, const uint16_t *ports, size_t nports,
	    const char *faults_jsonl, const char *rundir);

#endif
