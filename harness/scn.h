/*
 * The harness's view of a scenario file: everything but the target and
 * its fault rules (target:, rules:), which iscsi-target-sim loads itself
 * from the same file.  Format: docs/scenario-format.md.
 */
#ifndef HARNESS_SCN_H
#define HARNESS_SCN_H

#include <stddef.h>
#include <stdint.h>

#define SCN_MAX_LIST	64
#define SCN_MAX_PORTALS	16

enum scn_net {
	SCN_NET_ANY,		/* runs on loopback or ns3 */
	SCN_NET_LOOPBACK,	/* loopback only */
	SCN_NET_NS3		/* needs the ns-3 link (link faults) */
};

enum scn_initiator_kind {
	SCN_INIT_OURS,		/* build/bin/iscsi-initiator --script */
	SCN_INIT_EXTERNAL	/* a third-party initiator command */
};

struct scn_step_expect {
	int		 index;		/* 1-based script line (verb) number */
	uint32_t	 isdsc;		/* expected ISDSC value */
	char		 isdsc_name[64];
};

#define SCN_MAX_NTH	4096	/* highest record of an event a check can pick */

struct wire_check;

/* A value found at a path of a step result or an event record. */
struct scn_field {
	int		 step;		/* > 0: step result; 0: event record */
	unsigned	 event;		/* event ID */
	unsigned	 nth;		/* which record of it (1-based) */
	int		 all;		/* every record of it */
	char		 path[128];
	char		 equals[256];	/* expected value, may hold ${...} */
	int		 line;
};

/* Time between two events (first of 'from', then the next 'to'). */
struct scn_gap {
	unsigned	 from, to;
	int64_t		 min_ms, max_ms;	/* -1: no bound */
};

/* Two values that must be equal (e.g. the ISID before and after recovery). */
struct scn_same {
	struct scn_field a, b;
};

struct scn_count {
	unsigned	 event;
	unsigned	 min, max;
};

struct scn_link_fault {
	double		 at_s;		/* seconds after the initiator starts,
					   or after on_rule fired */
	char		 on_rule[64];	/* a target fault rule: when it fires */
	char		 action[16];	/* down | up | loss | delay | rate */
	double		 value;
	double		 duration_s;	/* down: back up after this (0: stays) */
};

struct scn {
	char		 path[512];
	char		 name[128];
	char		 description[1024];
	char		*tags[SCN_MAX_LIST];
	size_t		 ntags;
	char		*cites[SCN_MAX_LIST];
	size_t		 ncites;
	unsigned	 timeout_s;

	/* names of the target's fault rules (rules:), "ruleN" when unnamed */
	char		**rules;
	size_t		 nrules;

	/* target portal names, in the order iscsi-target-sim reports them */
	char		 portals[SCN_MAX_PORTALS][64];
	size_t		 nportals;

	enum scn_initiator_kind initiator;
	char		*script;		/* verbs, with ${...} */
	char		*command[SCN_MAX_LIST];	/* external argv */
	size_t		 ncommand;
	char		*options[SCN_MAX_LIST];	/* ours: options before --script */
	size_t		 noptions;

	enum scn_net	 net;
	double		 link_delay_ms, link_rate_mbit, link_loss;
	struct scn_link_fault faults[SCN_MAX_LIST];
	size_t		 nfaults;

	/* expect: */
	int		 has_exit;
	int		 exit_nonzero;		/* "nonzero" */
	int		 exit_code;
	struct scn_step_expect steps[SCN_MAX_LIST];
	size_t		 nsteps;
	unsigned	 ev_include[SCN_MAX_LIST];
	size_t		 nev_include;
	unsigned	 ev_exclude[SCN_MAX_LIST];
	size_t		 nev_exclude;
	unsigned	 ev_order[SCN_MAX_LIST];
	size_t		 nev_order;
	struct scn_count ev_count[SCN_MAX_LIST];
	size_t		 nev_count;
	char		*faults_fired[SCN_MAX_LIST];
	size_t		 nfaults_fired;
	char		*faults_not_fired[SCN_MAX_LIST];
	size_t		 nfaults_not_fired;
	struct wire_check *wire;		/* expect.wire (expect_wire.h) */
	size_t		 nwire;
	struct scn_field fields[SCN_MAX_LIST];	/* step results, event data */
	size_t		 nfields;
	struct scn_gap	 gaps[SCN_MAX_LIST];
	size_t		 ngaps;
	struct scn_same	 same[SCN_MAX_LIST / 4];
	size_t		 nsame;
};

/* Load path; 0, or -1 with "file:line: message" in err. */
int	scn_load(const char *path, struct scn *, char *err, size_t errsz);
void	scn_free(struct scn *);
/* Is name one of the scenario's fault rules? */
int	scn_has_rule(const struct scn *, const char *name);
/* Does the scenario carry this tag? */
int	scn_has_tag(const struct scn *, const char *tag);

#endif
