/*
 * iscsi-bench replay: the target side of a captured session as a scenario
 * (docs/replay.md).  Three pieces, each testable alone:
 *
 *   replay_rules.c    observations (struct rp_pdu, one per PDU, plus the
 *                     connection ends) -> fault rules (struct rp_rule)
 *   replay_script.c   the initiator's actions -> iscsi-initiator verbs
 *   replay_collect.c  analyzer callbacks -> observations, actions and the
 *                     target model (portals, targets, keys, LUNs, auth)
 *   replay_yaml.c     the scenario file
 *
 * cmd_replay.c runs the analyzer (harness/analyze.h) twice over the file:
 * once to list sessions and connections, once with the callbacks.
 */
#ifndef HARNESS_REPLAY_H
#define HARNESS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze.h"
#include "text.h"

/* ---- observations --------------------------------------------------- */

/* Keys a login rule can match on (each Login Request of a login carries
 * at most one of these first). */
#define RP_KEY_INITIATOR_NAME	0x1	/* first request of every login */
#define RP_KEY_CHAP_A		0x2
#define RP_KEY_CHAP_R		0x4
#define RP_NKEYS		3

const char	*rp_key_name(unsigned bit);	/* "InitiatorName" */

struct rp_pdu {
	uint64_t	 index;		/* analyzer PDU number */
	double		 time;
	enum ana_dir	 dir;
	unsigned	 conn;		/* connection ordinal (1-based) */
	uint8_t		 opcode;
	int		 scsi_opcode;	/* CDB byte 0 of a SCSI Command, -1 */
	int		 stage;		/* CSG of a Login PDU, -1 */
	unsigned	 keys;		/* RP_KEY_* bits of a Login Request */
	uint32_t	 itt;
	uint32_t	 data_len;
	bool		 hdigest, ddigest;	/* digests in force for it */
	bool		 bad_hdigest, bad_ddigest;
	/* Login Response */
	bool		 login_final;	/* T=1, NSG=FFP, Status-Class 0 */
	uint8_t		 status_class, status_detail;
	const char	*redirect_to;	/* TargetAddress of a redirect */
	/* Reject: reason and the rejected header */
	uint8_t		 reason;
	int		 rej_opcode, rej_scsi_opcode;
	uint32_t	 rej_itt;
	/* Async Message */
	uint8_t		 async_event, async_vcode;
	uint16_t	 async_param[3];
	/* Logout Request */
	uint8_t		 logout_reason;
};

/* ---- rules ---------------------------------------------------------- */

enum rp_kind {
	RP_LOGIN_STATUS, RP_REDIRECT, RP_REJECT, RP_ASYNC, RP_NOP_IN,
	RP_CORRUPT_DIGEST, RP_DROP, RP_DELAY, RP_NKIND
};
const char	*rp_kind_name(enum rp_kind);	/* "login_status" */

enum rp_dir { RP_IN, RP_OUT, RP_TIMER };
enum rp_event { RP_EV_NONE = -1, RP_EV_CONNECT, RP_EV_FFP };

struct rp_match {
	enum rp_dir	 dir;
	int		 opcode;	/* -1: none */
	int		 scsi_opcode;	/* -1: none */
	int		 stage;		/* login CSG, -1: none */
	unsigned	 key;		/* one RP_KEY_*, 0: none */
	unsigned	 conn;		/* connection ordinal, 0: any */
	uint64_t	 nth;
	enum rp_event	 after_event;
	uint64_t	 after_ms;
};

#define RP_NOTE_MAX	160

struct rp_rule {
	enum rp_kind	 kind;
	unsigned	 seq;		/* 1, 2, ... per kind, in capture order */
	struct rp_match	 m;
	uint64_t	 index;		/* PDU it is about (ordering) */
	unsigned	 conn;		/* connection it happened on */
	uint8_t		 status_class, status_detail;	/* login_status, redirect */
	char		 address[TEXT_VALUE_MAX + 1];	/* redirect */
	uint8_t		 reason;			/* reject */
	uint8_t		 event, vcode;			/* async */
	uint16_t	 param[3];
	bool		 async_drop;	/* the target closed right after it */
	uint32_t	 bytes;		/* nop_in */
	bool		 header;	/* corrupt_digest: header, else data */
	bool		 rst;		/* drop */
	bool		 after;		/* drop after sending the matched PDU */
	uint64_t	 ms;		/* delay */
	char		 note[RP_NOTE_MAX];
};

#define RP_RECENT	64	/* I->T requests remembered per connection */
#define RP_PINGS_MAX	16	/* NOP-In ping rules at most */
#define RP_RULES_MAX	256	/* rules at most */
#define RP_DELAY_MIN_MS	250	/* slower first answers become delay rules */
#define RP_TRIGGER_MS	2	/* an Async/NOP-In this soon after a request
				   is sent on that request */

struct rp_recent {
	bool		 used, answered;
	uint32_t	 itt;
	uint8_t		 opcode;
	int		 scsi_opcode;
	struct rp_match	 m;
	double		 time;
	uint64_t	 index;
};

struct rp_rconn {
	bool		 seen, ffp, logged_out, login_failed;
	double		 first_time, ffp_time;
	bool		 have_login_req;
	struct rp_match	 login_req;
	/* last PDU of each direction and which came last */
	bool		 have_in, have_out, last_out_generated;
	enum ana_dir	 last_dir;
	struct rp_match	 last_in, last_out;
	double		 last_in_time;
	uint64_t	 last_in_index, last_out_index;
	size_t		 last_async_rule;	/* rule index + 1, 0: none */
	struct rp_recent recent[RP_RECENT];
	size_t		 recent_next;
};

struct rp_rules {
	struct rp_rule	*rules;
	size_t		 nrules, cap;
	size_t		 dropped;	/* rules over RP_RULES_MAX */
	size_t		 pings, pings_skipped;
	unsigned	 kind_count[RP_NKIND];
	struct rp_rconn	*conns;		/* by ordinal - 1 */
	size_t		 nconns;
	/* occurrence counters, as the target counts them */
	uint64_t	 in_op[64], in_scsi[256], in_key[RP_NKEYS], in_stage[4];
	uint64_t	 out_op[64], out_hd[64], out_dd[64];
};

void	rp_rules_init(struct rp_rules *);
void	rp_rules_free(struct rp_rules *);
/* One PDU of the replayed sessions, in capture order; -1 out of memory. */
int	rp_rules_pdu(struct rp_rules *, const struct rp_pdu *);
/* Connection conn ended: closer (dir) with a RST or FIN at time t. */
int	rp_rules_conn_end(struct rp_rules *, unsigned conn, enum ana_dir closer,
	    bool rst, double t);
/* Order the rules so that each fires on the occurrence it names: latest
 * PDU first (a rule that consumes a PDU hides it from the rules after it). */
void	rp_rules_finish(struct rp_rules *);

/* ---- initiator actions ---------------------------------------------- */

enum rp_act_kind {
	RA_DISCOVERY,	/* a discovery session: AddTargetPortal */
	RA_LOGIN,	/* a new session: LoginTarget */
	RA_RECOVERY,	/* an automatic re-login (no verb) */
	RA_SCSI,	/* a SCSI command */
	RA_LOGOUT,	/* LogoutTarget */
	RA_OTHER	/* a request no verb sends (comment) */
};

struct rp_action {
	enum rp_act_kind kind;
	double		 start, end;
	bool		 ended;
	bool		 fails;		/* the verb will fail (script stops) */
	unsigned	 portal;	/* 1-based */
	const char	*target;	/* login: target name (owned elsewhere) */
	int		 hd, dd;	/* login digests: 1 CRC32C, 0 None, -1 ? */
	int		 auth;		/* 0 none, 1 CHAP, 2 mutual */
	const char	*chap_user;
	bool		 multipath;	/* another session to it is logged in */
	/* SCSI */
	uint64_t	 lun;
	uint8_t		 cdb[16];
	uint32_t	 edtl;
	bool		 write;
	uint32_t	 block_size;	/* of its LUN when known, else 512 */
	uint32_t	 rc_last_lba;	/* READ CAPACITY (10) answer */
	bool		 rc_answered;
	char		*data_file;	/* WRITE: file with the data (owned) */
	uint8_t		*wdata;		/* WRITE: its captured data (owned) */
	uint32_t	 wlen;
	char		 note[120];	/* RA_OTHER */
};

struct rp_script_opts {
	const char	*read_prefix;	/* ReadBlocks output file prefix */
	const char	*chap_secret;	/* placeholder secrets */
	const char	*mutual_secret;
	size_t		 max_verbs;
	double		 end_time;	/* of the capture: a last Sleep */
};

/* Write the script lines (each indented by indent spaces) to f.  Returns
 * whether a verb is expected to fail (the script then stops there). */
bool	rp_script_write(FILE *f, const struct rp_action *, size_t n,
	    const struct rp_script_opts *, int indent);

/* ---- the whole generator -------------------------------------------- */

struct rp_opts {
	const char	*file;		/* capture */
	const char	*out;		/* scenario file */
	const char	*name;		/* scenario name */
	unsigned	 session;	/* 0: all */
	uint16_t	 ports[ANA_PORTS_MAX];
	size_t		 nports;
	bool		 force;
};

/* 0 written; -1 with a message (exit 2). */
int	rp_generate(const struct rp_opts *, char *errbuf, size_t errsz);

#endif
