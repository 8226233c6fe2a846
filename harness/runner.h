/* Running one scenario: processes, network, capture, expectations. */
#ifndef HARNESS_RUNNER_H
#define HARNESS_RUNNER_H

#include "expect.h"
#include "scn.h"

/*
 * The zero value is RUN_NONE: a result that was never filled in (a run that
 * was interrupted, or a path that forgot to decide) is "not run", which
 * every report counts as an error, never as a pass.
 */
enum run_status {
	RUN_NONE,	/* no verdict (not run, or never finished) */
	RUN_PASS,
	RUN_FAIL,	/* an expectation failed */
	RUN_ERROR,	/* the bench could not run it (target did not start ...) */
	RUN_SKIP,	/* cannot run here (e.g. needs ns3); reason given */
	RUN_NSTATUS
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
/* 1 for the statuses that make a run fail: fail, error and not run. */
int	run_status_bad(enum run_status);
/* The counting column of a report: RUN_NONE counts with RUN_ERROR. */
enum run_status run_status_column(enum run_status);
/*
 * What a report shows in its "why" column: the reason of a run that did not
 * pass, the first known deviation of one that passed with some, else "".
 */
const char *run_note(const struct run_result *);
/* Run s; the result's verdicts must be freed with verdicts_free. */
void	run_scenario(const struct scn *s, const struct run_opts *o,
	    struct run_result *r);
struct json;
/* The result as one JSON object into j (initialised by the caller). */
void	run_json_build(const struct scn *s, const struct run_result *r,
	    struct json *j);
/* Write the result as JSON (result.json in r->dir). */
int	run_write_json(const struct scn *s, const struct run_result *r,
	    const char *path);
/* Read back a result written by run_write_json. */
int	run_read_json(const char *path, struct run_result *r);
/*
 * Interrupts of the scenario runner child (run_interrupt.c).  install:
 * before run_scenario, with SIGINT, SIGTERM and SIGHUP blocked; it prepares
 * the "interrupted" result.json of s and sets the handlers (the caller then
 * unblocks).  On the first of those signals the handler stops every
 * process the run started (proc.h registry: SIGTERM to each process group,
 * a bounded wait, then SIGKILL), deletes the run's network namespaces,
 * writes status error with reason "interrupted" and exits 128+signal.  A
 * second delivery of the same signal during that stop forces it: SIGKILL
 * at once.  disarm: after run_scenario wrote its own result, blocks those
 * signals so that a late one cannot replace a finished verdict.
 */
int	run_interrupt_install(const struct scn *s, const struct run_opts *o);
void	run_interrupt_disarm(void);
/* mkdir -p (0755); 0 or -1 with errno. */
int	run_mkdirs(const char *path);
/* Substitute ${portal.addr} / ${portal.port} in text; NULL on error. */
char	*run_substitute(const char *text, const struct scn *s,
	    char addrs[][128], char *err, size_t errsz);

#endif
