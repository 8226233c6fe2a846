/*
 * Private to target-sim/: the running target's objects and the calls
 * between its parts.
 *
 *   struct tsim      the target: loop, portals, targets (LUNs), sessions
 *   struct tportal   one listening socket (address:port, TPGT)
 *   struct tconn     one TCP connection: login, then full feature phase
 *   struct tsession  one iSCSI session (ISID + TSIH): CmdSN window, tasks
 *   struct ttask     one SCSI command waiting for Data-Out
 *
 * Connection states follow RFC 7143 8.1.3 (target side), numbered as
 * there: S1 FREE, S3 XPT_UP (login), S5 LOGGED_IN, S6 IN_LOGOUT, S7
 * LOGOUT_REQUESTED (an Async logout request went out), S8 CLEANUP_WAIT.
 */
#ifndef TARGET_SIM_TSIM_IMPL_H
#define TARGET_SIM_TSIM_IMPL_H

#include <stdio.h>

#include "iconn.h"
#include "keys.h"
#include "lun.h"
#include "pdu.h"
#include "text.h"
#include "tsim.h"

struct tsim;
struct tconn;
struct tsession;
struct faults;

/* ---- targets and portals ---------------------------------------------- */

struct ttarget {
	size_t			 idx;
	const struct tsim_target_cfg *cfg;
	struct keys_local	 local;		/* values for keys_neg */
	struct lun		**luns;
	uint16_t		*lun_ids;
	size_t			 nluns;
};

struct tportal {
	struct tsim		*t;
	size_t			 idx;
	const struct tsim_portal_cfg *cfg;
	int			 fd;
	struct evfd		 h;
	struct netaddr		 addr;		/* bound */
};

/* ---- connections ------------------------------------------------------- */

#define TCONN_STATES(X)							\
	X(FREE,		"S1 FREE")					\
	X(XPT_UP,	"S3 XPT_UP (login)")				\
	X(LOGGED_IN,	"S5 LOGGED_IN")					\
	X(IN_LOGOUT,	"S6 IN_LOGOUT")					\
	X(LOGOUT_REQUESTED, "S7 LOGOUT_REQUESTED")			\
	X(CLEANUP_WAIT,	"S8 CLEANUP_WAIT")

enum tconn_state {
#define TCONN_STATE_ENUM(s, t) TC_##s,
	TCONN_STATES(TCONN_STATE_ENUM)
#undef TCONN_STATE_ENUM
};
const char *tconn_state_name(enum tconn_state);

/* A PDU kept for later (stall / delay): decoded copy with its own data. */
struct theld {
	struct theld	*next;
	struct pdu	 p;
	uint8_t		*buf;		/* data + ext CDB */
	uint8_t		 bhs[PDU_BHS_LEN];
	bool		 digest_error;
};

/* Encoded bytes waiting to be sent (stall / delay). */
struct tdelayed {
	struct tdelayed	*next;
	struct tconn	*tc;
	struct evtimer	 tm;
	uint8_t		*buf;
	size_t		 len;
};

struct tlogin;

struct tconn {
	struct tconn	*next;		/* tsim list */
	struct tconn	*snext;		/* session list */
	struct tsim	*t;
	struct tportal	*portal;
	struct iconn	 ic;
	uint32_t	 id;		/* ordinal, from 1, for rules and logs */
	uint16_t	 cid;
	enum tconn_state state;
	struct tsession	*sess;
	struct tlogin	*login;		/* during login only */

	uint32_t	 statsn;	/* next StatSN */
	uint32_t	 exp_statsn;	/* last ExpStatSN seen */
	uint32_t	 max_send_dsl;	/* peer's MaxRecvDataSegmentLength */
	uint32_t	 max_recv_dsl;	/* ours */
	uint32_t	 nop_ttt;	/* last NOP-In ping tag */

	/* text negotiation in FFP (ttext.c) */
	struct keys_neg	*tneg;		/* allocated by the first Text */
	struct text_accum tacc;
	uint32_t	 treq_ttt;	/* tag given to a split request */
	struct tconn_long *lrsp;	/* a long response in pieces */
	bool		 tx_unsplit;	/* a fault made it oversize */

	/* times of events, loop clock (faults "after") */
	uint64_t	 t_connect, t_login, t_ffp;

	/* fault engine state */
	bool		 force_digest_none;
	bool		 closing;	/* close requested */
	bool		 close_rst;
	uint64_t	 close_deadline;
	struct evtimer	 close_tm;	/* flush-then-close poll */
	struct evtimer	 stall_tm;	/* end of a stall / delay */
	struct evtimer	 nop_tm;	/* periodic NOP-In */
	struct evtimer	 login_tm;	/* login must finish in time */
	uint64_t	 stall_until;	/* outgoing PDUs held before this */
	struct theld	*held;		/* received, processed later */
	struct theld	**held_tail;
	struct tdelayed	*txhold;	/* to send when the stall ends */
	struct tdelayed	**txhold_tail;
	struct tdelayed	*delayed;	/* each on its own timer */
	void		*rule_timers;	/* faults_match.c */
	struct evdefer	 free_ev;
};

/* Accept a socket on portal p. */
int	tconn_accept(struct tportal *p, int fd);
/*
 * Send a target PDU: StatSN/ExpCmdSN/MaxCmdSN are stamped (advance:
 * this PDU consumes a StatSN), then the fault engine sees it.  0 or -1.
 */
int	tconn_send(struct tconn *, struct pdu *p, bool advance);
/* Send without stamping and without faults (fault actions themselves). */
int	tconn_send_plain(struct tconn *, const struct pdu *p,
	    const struct pdu_digest_opts *d);
/* Close when the send queue is empty (bounded wait), FIN or RST. */
void	tconn_close_after_flush(struct tconn *, bool rst);
void	tconn_close_now(struct tconn *, bool rst);
/* Fill ExpCmdSN/MaxCmdSN of p from the session (or login state). */
void	tconn_stamp(struct tconn *, struct pdu *p, bool advance);
/* Run a received PDU through the state machine (after faults). */
void	tconn_dispatch(struct tconn *, const struct pdu *p,
	    const struct pdu_error *err);
/* Drop everything held (tconn_hold.c). */
void	tconn_free_held(struct tconn *);
/* stall_tm: the stall is over, send and process what was held. */
void	tconn_stall_end(struct evloop *, void *);
/* Copy a received PDU with its data (h->buf owns it); 0 or -1. */
int	theld_copy(struct theld *h, const struct pdu *p);
/* Keep a received PDU for later / resume (stall, delay). */
int	tconn_hold_rx(struct tconn *, const struct pdu *p, bool digest_error,
	    uint64_t until_ns);
void	tconn_hold_tx_until(struct tconn *, uint64_t until_ns);
int	tconn_send_delayed(struct tconn *, const uint8_t *buf, size_t len,
	    uint64_t delay_ns);
/*
 * Login/Text Responses longer than the initiator takes (tconn_long.c):
 * the limit, the first piece sent by tconn_send, the next on the
 * initiator's empty request (true when that was the last piece; a Login
 * Response gets T=1 there only with transit_ok).
 */
struct tconn_long;
uint32_t tconn_text_limit(const struct tconn *);
int	tconn_long_send(struct tconn *, const struct pdu *p,
	    const struct pdu_digest_opts *d);
bool	tconn_long_next(struct tconn *, bool transit_ok);
bool	tconn_long_pending(const struct tconn *);
uint32_t tconn_long_ttt(const struct tconn *);
uint32_t tconn_long_itt(const struct tconn *);
void	tconn_long_free(struct tconn *);
/* Reject PDU carrying the rejected BHS (RFC 7143 11.17). */
int	tconn_send_reject(struct tconn *, const struct pdu *rejected,
	    uint8_t reason);
/* A protocol error: log it, count it, answer with a Reject. */
void	tconn_protocol_error(struct tconn *, const struct pdu *p,
	    uint8_t reason, const char *why);
void	tconn_enter_ffp(struct tconn *);
const char *tconn_label(const struct tconn *, char *buf, size_t bufsz);

/* ---- login (tlogin.c, tlogin_auth.c) ----------------------------------- */

enum tlogin_auth_state {
	TA_START,		/* nothing agreed yet */
	TA_CHAP_WAIT_A,		/* AuthMethod=CHAP agreed, CHAP_A expected */
	TA_CHAP_WAIT_R,		/* challenge sent, CHAP_N/CHAP_R expected */
	TA_DONE			/* authenticated (or None) */
};

struct tlogin_chap_in {		/* CHAP keys of one Login Request */
	const char	*a, *i, *c, *n, *r;
};

struct tlogin {
	bool		 started;
	bool		 checked;	/* first complete text looked at */
	uint8_t		 isid[6];
	uint16_t	 tsih;		/* the session's (new one: at the end) */
	uint16_t	 tsih_req;	/* as the initiator sends it */
	uint32_t	 cmdsn;		/* ExpCmdSN during login */
	uint8_t		 csg;		/* stage we are in */
	unsigned	 npdus;
	bool		 discovery;
	bool		 leading;
	struct ttarget	*target;
	char		 iname[TSIM_NAME_MAX + 1];
	struct tsession	*join;		/* TSIH != 0: the session joined */
	struct keys_local local;	/* target's values, AuthMethod */
	const struct tsim_auth_cfg *auth_cfg;
	struct keys_neg	 neg;
	struct text_accum acc;
	bool		 sent_tpgt, sent_mrdsl, sent_offers;
	/* a response in pieces: what its last piece does */
	bool		 pend_transit, pend_final;
	uint8_t		 pend_nsg;
	/* CHAP */
	enum tlogin_auth_state auth;
	bool		 chap_required;
	enum chap_alg	 alg;
	uint8_t		 chap_id;
	uint8_t		 chal[CHAP_CHALLENGE_MAX];
	size_t		 chal_len;
	struct tlogin_chap_in chap;
};

/* A Login Request arrived on a connection in S3. */
void	tlogin_rx(struct tconn *, const struct pdu *p);
void	tlogin_free(struct tlogin *);
/* Answer a Login Request with a status and close (TargetAddress may be NULL). */
void	tlogin_reject(struct tconn *, const struct pdu *req, uint8_t cls,
	    uint8_t detail, const char *target_address);
/*
 * Security stage keys CHAP_* (tlogin_auth.c): answers go to out.
 * Returns 0 to go on, or a login status (class << 8 | detail).
 */
int	tlogin_auth_step(struct tconn *, struct text_builder *out);

/* ---- sessions (tsession.c) --------------------------------------------- */

/* A non-immediate request waiting for its CmdSN turn. */
struct tqueued {
	struct tqueued	*next;
	struct tconn	*tc;
	struct theld	 h;
	uint32_t	 cmdsn;
};

struct ttask;

struct tsession {
	struct tsession	*next;
	struct tsim	*t;
	uint32_t	 ordinal;	/* from 1, for rules and logs */
	uint16_t	 tsih;
	uint8_t		 isid[6];
	char		 iname[TSIM_NAME_MAX + 1];
	struct ttarget	*target;	/* NULL for discovery */
	bool		 discovery;
	struct keys_session_params sp;
	uint32_t	 expcmdsn;
	uint32_t	 window;
	uint64_t	 nexus;		/* I_T nexus id for the LUNs */
	struct tconn	*conns;
	size_t		 nconns;
	struct ttask	*tasks;
	struct tqueued	*queue;
	uint32_t	 next_ttt;
};

struct tsession *tsession_find(struct tsim *, const char *iname,
	    const uint8_t *isid, const struct ttarget *target);
struct tsession *tsession_by_tsih(struct tsim *, uint16_t tsih);
/* lun_port_name_fn for the LUNs: arg is the struct tsim. */
const char *tsession_port_name(void *arg, uint64_t nexus);
struct tsession *tsession_new(struct tsim *, struct tlogin *lg);
void	tsession_add_conn(struct tsession *, struct tconn *);
void	tsession_remove_conn(struct tsession *, struct tconn *);
/* End the session: close its connections (they detach on close). */
void	tsession_close(struct tsession *, bool rst);
void	tsession_free(struct tsession *);
uint32_t tsession_maxcmdsn(const struct tsession *);
struct tconn *tsession_conn_by_cid(struct tsession *, uint16_t cid);

enum tsession_order {
	TS_NOW,		/* process now */
	TS_QUEUED,	/* kept until its CmdSN comes up */
	TS_DROP		/* outside the window: ignore (RFC 7143 4.2.2.1) */
};
/* CmdSN gate for a request PDU (immediate or not). */
enum tsession_order tsession_order(struct tsession *, struct tconn *,
	    const struct pdu *p);
/* After a request was processed: run what became due. */
void	tsession_drain(struct tsession *);
/* Consume the CmdSN of a rejected request (so the window moves). */
void	tsession_consume(struct tsession *, const struct pdu *p);
uint32_t tsession_cmdsn_of(const struct pdu *p);

/* ---- SCSI (tscsi.c, tdata.c) ------------------------------------------- */

struct tr2t {
	uint32_t	 ttt, off, len, got, r2tsn;
	uint32_t	 datasn;		/* next Data-Out DataSN */
	bool		 used;
};

struct ttask {
	struct ttask	*next;		/* session list */
	struct tconn	*tc;		/* connection allegiance */
	struct tsession	*sess;
	uint32_t	 itt;
	uint32_t	 cmdsn;
	uint64_t	 lun_raw;
	struct lun	*lun;		/* NULL: no LU */
	uint8_t		 cdb[PDU_CDB_LEN];
	uint32_t	 edtl;
	struct lun_cdb_info ci;
	uint32_t	 want;		/* Data-Out bytes we take */
	uint32_t	 received;	/* end of the highest Data-Out seen */
	uint32_t	 stored;	/* bytes written (within want) */
	uint32_t	 unsol_got;	/* immediate + unsolicited bytes */
	bool		 unsol_dataout;	/* unsolicited Data-Out came */
	bool		 unsol_done;	/* unsolicited phase over */
	bool		 failed;	/* lun_check said no: drain only */
	bool		 nodata;	/* W set, the CDB moves no data out */
	uint32_t	 unsol_datasn;	/* next unsolicited DataSN */
	struct lun_result res;
	uint8_t		*buf;		/* non-media data-out */
	uint32_t	 r2t_next, r2t_hi;	/* [next, hi) still to solicit */
	bool		 r2t_planned;
	uint32_t	 r2tsn;
	struct tr2t	*r2ts;
	uint32_t	 nr2t_max, nr2t_out;
};

/* Residual of a command (RFC 7143 11.4.5): U unless overflow. */
struct tresid {
	bool		 overflow;
	uint32_t	 residual;
};

/* A SCSI Command PDU whose CmdSN turn came. */
void	tscsi_command(struct tconn *, const struct pdu *p);
/* The LU behind a LUN field of this connection's session, or NULL. */
struct lun *tscsi_lun(struct tconn *, uint64_t lun_raw);
/* Data-in (status in the last Data-In when possible) or a SCSI Response. */
void	tscsi_complete(struct tconn *, uint32_t itt, uint64_t lun_raw,
	    uint32_t edtl, const struct lun_result *res);
void	tscsi_send_status(struct tconn *, uint32_t itt,
	    const struct lun_result *res, const struct tresid *rs);
/* Data-In PDUs for data[len]; the last one carries the status when
 * res is GOOD without sense, else a SCSI Response follows. */
void	tdata_send_in(struct tconn *, uint32_t itt, uint64_t lun_raw,
	    const uint8_t *data, uint32_t len, const struct lun_result *res,
	    const struct tresid *rs);
/* A command with the W bit: task, immediate data, R2Ts (tdata_out.c). */
void	tdata_write_start(struct tconn *, const struct pdu *p, struct lun *l,
	    const struct lun_cdb_info *ci);
/* Data-Out (tdata_out.c); _lost: one over our MRDSL, data discarded. */
void	tdata_out(struct tconn *, const struct pdu *p);
void	tdata_out_lost(struct tconn *, const struct pdu *p);
void	ttask_free(struct ttask *);
void	ttask_unlink(struct ttask *);
struct ttask *ttask_find(struct tsession *, uint32_t itt);
/* Abort every task matching (lun_raw or any, connection or any). */
unsigned ttask_abort_all(struct tsession *, const uint64_t *lun_raw,
	    const struct tconn *only);

/* ---- text, TMF, logout, NOP (ttext.c, tmf.c) --------------------------- */

void	ttext_rx(struct tconn *, const struct pdu *p);
/* SendTargets answer for value ("All", "", an IQN) into b. */
int	ttext_sendtargets(struct tsim *, struct tsession *, const char *value,
	    const struct netaddr *local, struct text_builder *b);
/* Every TargetAddress of a target, "addr:port,tpgt", into b (a wildcard
 * portal is shown with the local address of the asking connection). */
int	ttext_target_addresses(struct tsim *, const struct ttarget *,
	    const struct netaddr *local, struct text_builder *b);
void	tmf_rx(struct tconn *, const struct pdu *p);
void	tlogout_rx(struct tconn *, const struct pdu *p);
void	tnop_rx(struct tconn *, const struct pdu *p);
/* Target-initiated NOP-In (ping), data_len bytes of pattern. */
int	tnop_ping(struct tconn *, uint32_t data_len);
void	tnop_arm(struct tconn *);

/* ---- the target -------------------------------------------------------- */

struct tsim {
	struct evloop		*loop;
	struct tsim_config	*cfg;
	struct keys_local	 local;		/* global keys */
	struct tportal		*portals;
	size_t			 nportals;
	struct ttarget		*targets;
	size_t			 ntargets;
	struct tconn		*conns;
	struct tsession		*sessions;
	uint32_t		 next_conn_id;
	uint32_t		 next_sess_ordinal;
	uint16_t		 next_tsih;
	uint64_t		 next_nexus;
	uint64_t		 start_ns;
	int			 verbose;
	FILE			*fault_log;
	struct faults		*faults;
	struct tsim_stats	 stats;
	uint8_t			*scratch;	/* data-in, reused */
	size_t			 scratch_cap;
};

struct ttarget *tsim_target_by_name(struct tsim *, const char *name);
/* Is target reachable through portal p (its portal list)? */
bool	tsim_target_on_portal(const struct ttarget *, const struct tportal *);
/* Fill a keys_local from global values overridden by target values. */
void	tsim_keys_local(const struct tsim *, const struct ttarget *,
	    struct keys_local *out);
void	tsim_vlog(struct tsim *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
double	tsim_elapsed(const struct tsim *);

#endif
