/*
 * Replay internals shared by replay_collect.c, replay_tasks.c,
 * replay_yaml.c and cmd_replay.c (not a public API).
 */
#ifndef HARNESS_REPLAY_INT_H
#define HARNESS_REPLAY_INT_H

#include "replay.h"

#define RP_PORTALS_MAX	32	/* iscsi-target-sim's TSIM_MAX_PORTALS */
#define RP_TKEYS	16	/* operational keys kept per target */
#define RP_LUNS_MAX	64	/* LUNs reproduced per target */
#define RP_LUN_DEFAULT	(16ull << 20)	/* size of a LUN never measured */
#define RP_TASKS	64	/* SCSI tasks tracked per connection */
#define RP_PENDING	64	/* unanswered commands kept for the retry */
#define RP_TASK_BUF	4096	/* READ CAPACITY / REPORT LUNS data kept */
#define RP_WRITE_MAX	(4u << 20)	/* data kept per WRITE */
#define RP_WRITE_TOTAL	(32u << 20)	/* data kept in all */
#define RP_EVENTS_MAX	64
#define RP_MAX_VERBS	400

struct rp_portal {
	int		 family;
	uint8_t		 addr[16];
	uint16_t	 port;
	uint16_t	 tpgt;		/* 0: not declared */
};

struct rp_lun {
	bool		 present;	/* in REPORT LUNS or addressed */
	bool		 measured;	/* READ CAPACITY answered */
	uint64_t	 blocks;
	uint32_t	 block_size;
};

struct rp_kv {
	char		 key[TEXT_KEY_MAX + 1];
	char		 value[TEXT_VALUE_MAX + 1];
};

struct rp_target {
	char		 name[ANA_NAME_MAX];
	char		 alias[TEXT_VALUE_MAX + 1];
	struct rp_kv	 keys[RP_TKEYS];
	size_t		 nkeys;
	int		 auth;		/* 0 none, 1 CHAP, 2 mutual */
	char		 chap_user[TEXT_VALUE_MAX + 1];
	char		 mutual_user[TEXT_VALUE_MAX + 1];
	int		 chap_alg;	/* CHAP_A the target chose, 0 */
	struct rp_lun	 luns[RP_LUNS_MAX];
	unsigned	 sessions;	/* logged in now (multipath) */
};

struct rp_task {
	bool		 used;
	uint32_t	 itt;
	size_t		 action;	/* index + 1 */
	uint8_t		 cdb[16];
	uint16_t	 lun;
	uint32_t	 edtl;
	uint8_t		*buf;		/* READ CAPACITY / REPORT LUNS data */
	uint32_t	 got;
	uint8_t		*wdata;		/* WRITE data */
	uint32_t	 wlen, wgot;
};

struct rp_pending {
	bool		 used;
	uint8_t		 cdb[16];
	uint16_t	 lun;
	size_t		 action;
};

struct rp_group {	/* sessions of one ISID: recoveries, redirects */
	bool		 used;
	uint8_t		 isid[6];
	char		 iname[ANA_NAME_MAX];
	bool		 discovery;
	bool		 logged_in;	/* reached FFP, not logged out */
	bool		 verb_done;	/* its login verb was made */
	size_t		 login_action;	/* index + 1, while the login runs */
	size_t		 verb_action;	/* index + 1 of its login verb */
	size_t		 target;	/* index + 1 */
	struct rp_pending pending[RP_PENDING];
};

struct rp_cconn {
	bool		 seen;
	unsigned	 portal;	/* 1-based */
	size_t		 group;		/* index + 1 */
	bool		 login_started, async_logout, ended;
	size_t		 logout_action;	/* index + 1 */
	struct rp_task	 tasks[RP_TASKS];
};

struct rp_collect {
	const struct rp_opts *o;
	bool		*selected;	/* by analyzer session id */
	size_t		 nselected;
	unsigned	*ordinal;	/* by analyzer connection id */
	size_t		 nordinal;
	struct rp_rules	 rules;
	struct rp_portal portals[RP_PORTALS_MAX];
	size_t		 nportals;
	bool		 portals_full;
	struct rp_target **targets;	/* each its own allocation: the
					   actions point into them */
	size_t		 ntargets;
	struct rp_action *acts;
	size_t		 nacts, capacts;
	struct rp_cconn	*cc;		/* by ordinal - 1 */
	size_t		 ncc;
	struct rp_group	*groups;
	size_t		 ngroups;
	size_t		*sess_group;	/* by analyzer session id: index + 1 */
	size_t		 nsess_group;
	uint16_t	 events[RP_EVENTS_MAX];
	size_t		 nevents;
	uint64_t	 gaps, pdus;
	double		 first_time, last_time;
	bool		 have_time;
	int		 discovery_auth;	/* 0 none, 1 CHAP */
	char		 discovery_user[TEXT_VALUE_MAX + 1];
	uint64_t	 write_total;
	bool		 nomem;
};

/* replay_collect.c */
int	rp_collect_init(struct rp_collect *, const struct rp_opts *,
	    const struct ana *first_pass);
void	rp_collect_free(struct rp_collect *);
void	rp_collect_pdu(void *arg, const struct ana_pdu_ctx *);
void	rp_collect_finding(void *arg, const struct ana_finding *);
void	rp_collect_conn_end(void *arg, const struct ana_conn *);
void	rp_collect_finish(struct rp_collect *);
struct rp_action *rp_action_new(struct rp_collect *, enum rp_act_kind,
	    double start);
struct rp_target *rp_target_get(struct rp_collect *, const char *name);
void	rp_portal_text(const struct rp_portal *, char *buf, size_t bufsz);

/* replay_tasks.c: SCSI commands, their data, LUN sizes, retries */
void	rp_task_pdu(struct rp_collect *, struct rp_cconn *,
	    const struct ana_pdu_ctx *);
void	rp_tasks_conn_end(struct rp_collect *, struct rp_cconn *,
	    bool closed);
void	rp_tasks_free(struct rp_cconn *);

/* replay_yaml.c: the scenario; data files first.  0, or -1 + errbuf. */
int	rp_write_data_files(struct rp_collect *, char *errbuf, size_t errsz);
int	rp_write_yaml(struct rp_collect *, FILE *f);

#endif
