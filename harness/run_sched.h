/*
 * Running a selected suite: one runner child process per scenario, at most
 * -j at once, and what an interrupt of the harness does to them.
 */
#ifndef HARNESS_RUN_SCHED_H
#define HARNESS_RUN_SCHED_H

#include "suite.h"

struct sched_opts {
	int		 jobs;		/* at most this many at once */
	int		 keep;		/* keep the files of passing runs */
	const char	*html;		/* write a page per scenario here (or NULL) */
	int		 tty;		/* show progress on stderr */
};

/*
 * Run every entry of sel, filling in its result (a load error is an error
 * result without a run).  SIGINT, SIGTERM and SIGHUP (unless ignored when
 * the harness started) interrupt: nothing new starts, each running runner
 * child gets SIGTERM and is waited for (bounded; a second interrupt
 * forwards a second SIGTERM, which makes the child kill its processes at
 * once, and shortens the wait; a child still there at the end is killed,
 * and its processes die with it), and every entry that did not finish gets
 * status error: "interrupted", or "not run (interrupted)".  In ns3 mode
 * the namespaces of runner children that are gone are swept.  Returns 1
 * when interrupted, else 0.
 */
int	run_suite(struct suite *sel, const struct run_opts *o,
	    const struct sched_opts *so);

#endif
