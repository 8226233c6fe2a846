/* HTML report: an index of the run and one page per scenario. */
#ifndef HARNESS_REPORT_HTML_H
#define HARNESS_REPORT_HTML_H

#include "suite.h"

/*
 * One scenario's page, from its run directory (events.jsonl, faults.jsonl,
 * capture.pcapng, ladder.svg when present): expectations and verdicts, the
 * initiator's event log in the seed's wording, the fault rules that fired,
 * the ladder diagram.  Written as DIR/<name>.html.
 */
int	html_scenario_page(const struct suite_entry *, const char *rundir,
	    const char *htmldir);
/* DIR/index.html: the summary table linking to the pages. */
int	html_index(const struct suite *, const char *htmldir);

#endif
