/* Running one scenario: processes, network, capture, expectations. */
#ifndef HARNESS_RUNNER_H
#define HARNESS_RUNNER_H

#include "expect.h"
#include "scn.h"

enum run_status {
	RUN_PASS,
	RUN_FAIL,	/* an expectation failed */
	RUN_ERROR,	/* the bench could not run it (target did not start ...) */
	RUN_SKIP	/* cannot run here (e.g. needs ns3); reason given */
};

struct run_opts {
	char		 bindir[512];	/* where iscsi-target-sim etc. live */
	char		 outdir[512];	/* per-scenario directories go here */
	int		 net_ns3;	/* ns3 mode available and chosen */
	char		 net_reason[256];	/* why not ns3 (for skips) */
	unsigned	 seed;
};

struct run_result {
	enum run_status	 status;
	char		 reason[768];	/* error / skip reason, or first failure */
	char		 dir[600];	/* where its files are */
	double		 seconds;
	char		 capture[300];	/* capture file, or why there is none */
	struct verdicts	 verdicts;
};

const char *run_status_name(enum run_status);
/*
 * What a report shows in its "why" column: the reason of a run that did not
 * pass, the first known deviation of one that passed with some, else "".
 */
const char *run_note(const struct run_result *);
/* Run s; the result's verdicts must be freed with verdicts_free. */
void	run_scenario(const struct scn *s, const struct run_opts *o,
	    struct run_result *r);
/* Write the result as JSON (result.json in r->dir). */
int	run_write_json(const struct scn *s, const struct run_result *r,
	    const char *path);
/* Read back a result written by run_write_json. */
int	run_read_json(const char *path, struct run_result *r);
/* mkdir -p (0755); 0 or -1 with errno. */
int	run_mkdirs(const char *path);
/* Substitute ${portal.addr} / ${portal.port} in text; NULL on error. */
char	*run_substitute(const char *text, const struct scn *s,
	    char addrs[][128], char *err, size_t errsz);

#endif
