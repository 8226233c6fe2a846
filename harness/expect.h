/*
 * What a scenario run observed, and the verdicts of its expectations.
 */
#ifndef HARNESS_EXPECT_H
#define HARNESS_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "scn.h"

#define OBS_MAX_EVENTS	4096
#define OBS_MAX_STEPS	256
#define OBS_MAX_FIRED	256

struct ynode;

struct obs_step {
	char		 verb[48];
	uint32_t	 isdsc;
	struct ynode	*json;		/* the whole result line */
};

/* One record of the target's fault log. */
struct obs_firing {
	char		*rule;
	int64_t		 wall_us;	/* real-time clock, -1 unknown */
};

struct observation {
	int		 exit_code;		/* initiator's, -1 unknown */
	unsigned	 events[OBS_MAX_EVENTS];	/* event IDs in log order */
	struct ynode	*event_json[OBS_MAX_EVENTS];	/* each record */
	int64_t		 event_ms[OBS_MAX_EVENTS];	/* its time, ms of day */
	size_t		 nevents;
	struct obs_step	 steps[OBS_MAX_STEPS];	/* one per verb run */
	size_t		 nsteps;
	char		*fired[OBS_MAX_FIRED];	/* fault rules that fired */
	size_t		 nfired;
	struct obs_firing *firings;	/* every firing, in log order */
	size_t		 nfirings, firings_cap;
};

struct verdict {
	int		 pass;
	int		 deviation;	/* failed as a documented known deviation */
	char		 what[128];		/* "step 2 ISDSC" */
	char		 detail[512];		/* expected vs seen */
};

struct verdicts {
	struct verdict	*v;
	size_t		 n, cap;
	size_t		 failed;
	size_t		 deviations;	/* failed verdicts marked deviation */
};

void	obs_init(struct observation *);
void	obs_free(struct observation *);
/*
 * Read the initiator's event log (--events JSON lines), its --json step
 * results (one JSON object per verb on stdout) and the target's fault log
 * (JSON lines with "rule").  Missing files read as empty; malformed lines
 * are reported in err and make the call fail.
 */
int	obs_read_events(struct observation *, const char *path, char *err,
	    size_t errsz);
int	obs_read_steps(struct observation *, const char *path, char *err,
	    size_t errsz);
int	obs_read_fired(struct observation *, const char *path, char *err,
	    size_t errsz);

/*
 * Evaluate every expectation of s against o.  addrs: the portal addresses
 * the target reported (for ${PORTAL.port} in expected values), or NULL.
 */
void	expect_evaluate(const struct scn *s, const struct observation *o,
	    char addrs[][128], struct verdicts *out);
/*
 * Evaluate the scenario's wire assertions (expect.wire) against capture,
 * the run's capture file, or the reason there is none ("not captured:
 * ..."): every assertion then fails with that reason.  addrs: the portal
 * addresses the target reported.
 */
void	expect_evaluate_wire(const struct scn *s, const struct observation *o,
	    const char *capture, char addrs[][128], struct verdicts *out);
/* Value at a dotted path ("sessions.0.tsih") of a JSON tree, or NULL. */
const struct ynode *json_path(const struct ynode *root, const char *path);
int	verdicts_add(struct verdicts *, int pass, const char *what,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	verdicts_free(struct verdicts *);
/*
 * Turn the failed verdicts from index `from` on into known deviations: the
 * initiator under test is documented (text `why`) to differ from the
 * documents there.  They no longer count as failures, and every report
 * shows them as deviations with the text.
 */
void	verdicts_mark_deviation(struct verdicts *, size_t from, const char *why);

#endif
