/*
 * Internal structures of the initiator library, shared by its files:
 *
 *   ini_node.c       node: config, name, CHAP secret, event sink, sync runner
 *   ini_config.c     portals, targets, login-option merge rules
 *   ini_events.c     documented events (evrec) with their dump data
 *   ini_conn.c       connection FSM (RFC 7143 8.1.3 states S1-S8), transport
 *   ini_login.c      login FSM (stages, status, redirects, final checks)
 *   ini_login_auth.c security negotiation: AuthMethod, CHAP one-way/mutual
 *   ini_session.c    session FSM (RFC 7143 8.3.1 states Q1, Q3, Q4), CmdSN,
 *                    ERL 0 recovery with portal hopping
 *   ini_ffp.c        full feature phase receive path, NOP, Reject, Async
 *   ini_task.c       SCSI tasks: immediate/unsolicited data, R2T, Data-In,
 *                    status, TMF on timeout
 *   ini_discovery.c  SendTargets (discovery session, Text exchange)
 *   ini_verbs.c      synchronous operations (drive the loop)
 *
 * State machines are tables of {state mask, event, next state, action,
 * RFC transition}; events are queued and run from the loop (evdefer), so
 * no machine re-enters another mid-transition.
 */
#ifndef INITIATOR_INI_INTERNAL_H
#define INITIATOR_INI_INTERNAL_H

#include <sys/queue.h>

#include "ini.h"
#include "catalog.h"
#include "iconn.h"
#include "keys.h"
#include "pdu.h"
#include "text.h"

/* ---- event queue of one state machine ----------------------------------- */

#define INI_FSMQ_MAX	16

/* RFC 7143 6.3: "The default MaxRecvDataSegmentLength is used during
 * Login" (13.12: 8192); ours applies from full feature phase on. */
#define INI_LOGIN_MAX_RECV_DSL	PDU_LOGIN_MAX_DSL

struct ini_fsmq {
	int		ev[INI_FSMQ_MAX];
	uint32_t	arg[INI_FSMQ_MAX];
	unsigned	head, n;
	struct evdefer	run;
};

/* ---- connection (RFC 7143 8.1.3, initiator side) ------------------------ */

enum ini_conn_state {
	INI_S1_FREE		= 0x01,
	INI_S2_XPT_WAIT		= 0x02,
	INI_S4_IN_LOGIN		= 0x08,
	INI_S5_LOGGED_IN	= 0x10,
	INI_S6_IN_LOGOUT	= 0x20,
	INI_S7_LOGOUT_REQUESTED	= 0x40,
	INI_S8_CLEANUP_WAIT	= 0x80
};

#define INI_CONN_EVENTS(X)						\
	X(CONNECT,		"connect")				\
	X(CONNECTED,		"transport up")				\
	X(CONNECT_FAILED,	"transport connect failed")		\
	X(LOGIN_OK,		"final login response, success")	\
	X(LOGIN_FAILED,		"login failed")				\
	X(REDIRECT,		"login redirected")			\
	X(LOGOUT,		"logout wanted")			\
	X(ASYNC_LOGOUT,		"async logout request")			\
	X(LOGGED_OUT,		"logout response")			\
	X(LOGOUT_TIMEOUT,	"logout timed out")			\
	X(TRANSPORT_LOST,	"transport lost")			\
	X(CLEANUP,		"session recovery discards connection")

enum ini_conn_event {
#define INI_CEV_ENUM(n, t) INI_CEV_##n,
	INI_CONN_EVENTS(INI_CEV_ENUM)
#undef INI_CEV_ENUM
	INI_CEV_COUNT
};

enum ini_login_state {
	INI_LS_IDLE,
	INI_LS_SEC_AUTH,	/* AuthMethod offered */
	INI_LS_SEC_CHAP_A,	/* CHAP_A offered, waiting for CHAP_I/CHAP_C */
	INI_LS_SEC_CHAP_R,	/* CHAP_R sent (and our challenge, mutual) */
	INI_LS_SEC_DONE,	/* AuthMethod None agreed, asking to transit */
	INI_LS_OPERATIONAL,
	INI_LS_DONE,
	INI_LS_FAILED
};

/* Request text sent in parts with the C bit (ini_text_out.c). */
struct ini_text_out {
	uint8_t			*buf;
	struct text_split	 sp;
	bool			 active;
};

/* A copy of data when it is longer than max (true), else nothing (false). */
bool	ini_text_out_start(struct ini_text_out *, const void *data, size_t len,
	    size_t max);
/* The next part; more: set the C bit.  The last part ends the sending. */
bool	ini_text_out_next(struct ini_text_out *, const uint8_t **data,
	    size_t *len, bool *more);
void	ini_text_out_free(struct ini_text_out *);

struct ini_login {
	enum ini_login_state	state;
	uint8_t			csg, nsg;	/* of the request in flight */
	bool			transit;
	uint32_t		itt;
	struct keys_neg		neg;
	struct keys_local	local;
	char			num[KEYS_COUNT][24];	/* local number text */
	struct text_accum	acc;
	struct text_builder	answers;	/* to send in the next request */
	struct ini_text_out	out;		/* a request going out in parts */
	bool			out_transit;	/* T and NSG of its last part */
	uint8_t			out_nsg;
	bool			acc_init, neg_init, answers_init;
	bool			oper_offered;
	unsigned		redirects;
	unsigned		rounds;		/* requests in this stage */
	uint32_t		isdsc;		/* failure result */
	/* CHAP */
	enum chap_alg		alg;
	uint8_t			my_id;
	uint8_t			my_challenge[CHAP_CHALLENGE_MAX];
	size_t			my_challenge_len;
	struct evtimer		timer;
};

struct ini_conn {
	struct ini_session	*sess;
	struct iconn		 ic;
	bool			 ic_live;	/* ic needs iconn_free */
	bool			 closing;	/* we closed ic on purpose */
	bool			 connect_timed_out;
	enum ini_conn_state	 state;
	struct ini_fsmq		 q;
	uint16_t		 cid;
	uint64_t		 unique;
	char			 id[48];
	struct netaddr		 addr;		/* where this connect goes */
	struct ini_redirect_info redirect;
	struct evtimer		 connect_timer, nop_timer, nop_wait_timer;
	struct evtimer		 logout_timer;
	uint32_t		 expstatsn;
	uint32_t		 nop_itt;
	bool			 nop_outstanding;
	struct ini_login	 login;
	struct keys_params	 params;	/* negotiated, from T5 on */
	uint32_t		 logout_itt;
	uint16_t		 async_time2wait;
	bool			 async_drop;
	struct iconn_stats	 closed_stats;	/* of earlier transports */
	struct ini_task		*placed;	/* Data-In arriving into its buffer */
};

/* ---- session (RFC 7143 8.3.1, initiator side) --------------------------- */

enum ini_sess_state {
	INI_Q1_FREE	 = 0x01,
	INI_Q3_LOGGED_IN = 0x04,
	INI_Q4_FAILED	 = 0x08
};

#define INI_SESS_EVENTS(X)						\
	X(LOGGED_IN,	"a connection reached S5")			\
	X(LOGIN_FAILED,	"login attempt failed")				\
	X(CONN_FAILED,	"last connection failed")			\
	X(TIME2WAIT,	"DefaultTime2Wait expired")			\
	X(LOGGED_OUT,	"logout completed")				\
	X(CLOSE,	"close the session (logout while recovering)")

enum ini_sess_event {
#define INI_SEV_ENUM(n, t) INI_SEV_##n,
	INI_SESS_EVENTS(INI_SEV_ENUM)
#undef INI_SEV_ENUM
	INI_SEV_COUNT
};

struct ini_task;
struct ini_text_xchg;

TAILQ_HEAD(ini_task_list, ini_task);

/* Finished tasks kept for reuse (no allocation per command). */
#define INI_TASK_CACHE	128
/* Commands in flight from which replies are awaited together. */
#define INI_COALESCE_MIN	4

typedef void ini_done_fn(void *arg, uint32_t isdsc);

struct ini_session {
	struct ini_node		*node;
	enum ini_sess_state	 state;
	struct ini_fsmq		 q;
	uint64_t		 unique;
	char			 id[48];
	bool			 discovery;
	bool			 dead;		/* logged out or given up */
	char			 target[NAMES_MAX + 1];
	struct ini_login_opts	 opts;		/* merged */
	uint8_t			 isid[6];
	uint16_t		 tsih;
	uint32_t		 cmdsn, expcmdsn, maxcmdsn;
	uint32_t		 itt_next;
	struct ini_conn		*conn;
	/* portals: [0] the original, the rest for hopping */
	struct netaddr		 portals[INI_MAX_ADDRS + 1];
	size_t			 nportals, hop;
	size_t			 home;	/* portal of the original login */
	bool			 hopping;
	unsigned		 attempts;
	uint32_t		 last_isdsc;
	bool			 last_retryable;
	struct evtimer		 t2w_timer;
	/* tasks in CmdSN order; queued ones wait for the window */
	struct ini_task_list	 tasks;
	size_t			 ntasks, nunsent;
	struct ini_task		*task_cache;	/* free tasks, via next_free */
	size_t			 ncached;
	/* operation in progress */
	ini_done_fn		*login_cb, *logout_cb;
	void			*login_arg, *logout_arg;
	struct ini_text_xchg	*text;
	struct ini_stats	 stats;
	struct keys_params	 params;	/* last negotiated */
};

/* ---- SCSI task ----------------------------------------------------------- */

struct ini_task {
	TAILQ_ENTRY(ini_task)	 link;
	struct ini_task		*next_free;
	struct ini_session	*sess;
	struct ini_scsi_cmd	 cmd;
	uint8_t			 cdb[16];
	uint32_t		 itt, cmdsn;
	bool			 sent, done, is_tmf, too_much;
	uint32_t		 unsol_sent;	/* immediate + unsolicited bytes */
	uint32_t		 r2t_outstanding, exp_r2tsn;
	uint32_t		 exp_datasn, in_received;
	struct ini_scsi_result	 res;
	uint32_t		 isdsc;
	struct evtimer		 timer;
	struct ini_task		*tmf;		/* abort in progress */
	uint8_t			 tmf_function;
	uint32_t		 tmf_ref_itt, tmf_ref_cmdsn;
	ini_scsi_done_fn	*cb;	/* NULL for TMFs */
	void			*cb_arg;
};

/* ---- node ---------------------------------------------------------------- */

struct ini_target {
	struct ini_target_info	info;
	struct ini_login_opts	disc_opts;	/* B: of the discovery portal */
	struct ini_login_opts	static_opts;	/* C: AddTarget */
};

struct ini_node {
	struct evloop		*loop;
	bool			 own_loop;
	struct ini_config	 cfg;
	char			 name[NAMES_MAX + 1];
	struct chap_secret	 secret;
	bool			 has_secret;
	ini_event_fn		*sink;
	void			*sink_arg;
	uint64_t		 ev_count[128], ev_consumed[128];
	struct ini_portal	*portals;
	size_t			 nportals;
	struct ini_target	*targets;
	size_t			 ntargets;
	struct ini_session	**sessions;
	size_t			 nsessions;
	uint64_t		 adapter_id;
	uint64_t		 next_session, next_conn;
	struct ini_stats	 totals;	/* login / logout counters of every
						 * session, ended ones included */
};

/* Count a login or logout outcome in the session and in the node totals. */
#define INI_STAT_BUMP(sess, field)					\
	do {								\
		(sess)->stats.field++;					\
		(sess)->node->totals.field++;				\
	} while (0)

/* ---- shared helpers ------------------------------------------------------ */

/* ini_node.c */
void	ini_fsmq_init(struct ini_fsmq *, void (*run)(struct evloop *, void *),
	    void *arg);
bool	ini_fsmq_push(struct evloop *, struct ini_fsmq *, int ev, uint32_t arg);
bool	ini_fsmq_pop(struct ini_fsmq *, int *ev, uint32_t *arg);
/* Drive the loop until *done or ms pass; true when done. */
bool	ini_run_until(struct ini_node *, const bool *done, uint64_t ms);
uint64_t ini_ms(uint32_t ms);

/* ini_events.c: ses and con may be NULL. */
void	ini_ev_simple(struct ini_node *, const struct ini_session *,
	    const struct ini_conn *, unsigned id, uint32_t status);
void	ini_ev_bytes(struct ini_node *, const struct ini_session *,
	    const struct ini_conn *, unsigned id, uint32_t status,
	    const void *data, size_t len);
void	ini_ev_pair(struct ini_node *, const struct ini_session *,
	    const struct ini_conn *, unsigned id, uint32_t a, uint32_t b);
void	ini_ev_status(struct ini_node *, const struct ini_session *,
	    const struct ini_conn *, unsigned id, uint32_t status);
void	ini_ev_ipport(struct ini_node *, const struct ini_session *,
	    const struct ini_conn *, const struct netaddr *, int err);
void	ini_ev_secret_short(struct ini_node *, unsigned id, size_t len);
void	ini_ev_service(struct ini_node *, unsigned id, uint32_t status,
	    const char *s1, const char *s2, const char *s3);
/* The received PDU as the dump wants it (BHS, or all of it). */
void	ini_ev_pdu(struct ini_node *, const struct ini_session *,
	    const struct ini_conn *, unsigned id, uint32_t status,
	    const struct pdu *, bool whole);

/* ini_config.c */
struct ini_target *ini_target_find(struct ini_node *, const char *name);
struct ini_target *ini_target_get(struct ini_node *, const char *name);

/* ini_conn.c */
struct ini_conn	*ini_conn_new(struct ini_session *, uint16_t cid);
void	ini_conn_free(struct ini_conn *);
void	ini_conn_post(struct ini_conn *, enum ini_conn_event, uint32_t arg);
const char *ini_conn_state_name(enum ini_conn_state);
const char *ini_conn_event_name(enum ini_conn_event);
int	ini_conn_send(struct ini_conn *, struct pdu *);
void	ini_conn_drop(struct ini_conn *, bool rst);
void	ini_conn_stats(const struct ini_conn *, struct iconn_stats *);

/* ini_login.c */
void	ini_login_start(struct ini_conn *);
void	ini_login_on_pdu(struct ini_conn *, const struct pdu *,
	    const struct pdu_error *);
void	ini_login_on_closed(struct ini_conn *);
void	ini_login_reset(struct ini_conn *);
const char *ini_login_state_name(enum ini_login_state);
int	ini_login_send(struct ini_conn *, bool transit, uint8_t csg,
	    uint8_t nsg);
void	ini_login_fail(struct ini_conn *, uint32_t isdsc);
/* ini_login_oper.c */
void	ini_login_operational(struct ini_conn *, const struct pdu *,
	    const struct text_list *);

/* ini_login_auth.c: return false when the login failed (already reported) */
bool	ini_auth_prepare(struct ini_conn *);
bool	ini_auth_on_response(struct ini_conn *, const struct pdu *,
	    const struct text_list *);

/* ini_session.c */
struct ini_session *ini_session_new(struct ini_node *, const char *target,
	    bool discovery, const struct ini_login_opts *);
void	ini_session_free(struct ini_session *);
void	ini_session_post(struct ini_session *, enum ini_sess_event,
	    uint32_t arg);
const char *ini_sess_state_name(enum ini_sess_state);
const char *ini_sess_event_name(enum ini_sess_event);
void	ini_session_update_window(struct ini_session *, uint32_t expcmdsn,
	    uint32_t maxcmdsn);
uint32_t ini_session_next_itt(struct ini_session *);
void	ini_session_start_login(struct ini_session *, ini_done_fn *, void *);
void	ini_session_logout(struct ini_session *, ini_done_fn *, void *);
void	ini_session_detach(struct ini_session *);

/* ini_ffp.c */
void	ini_ffp_start(struct ini_conn *);
void	ini_ffp_stop(struct ini_conn *);
void	ini_ffp_on_pdu(struct ini_conn *, const struct pdu *,
	    const struct pdu_error *);
int	ini_ffp_send_logout(struct ini_conn *);
bool	ini_ffp_check_statsn(struct ini_conn *, uint32_t statsn, bool advance);

/* ini_task.c */
/* A new task at the end of the list (cmd NULL: a TMF, filled by the caller). */
struct ini_task *ini_task_new(struct ini_session *, const struct ini_scsi_cmd *,
	    ini_scsi_done_fn *, void *);
/* Unlink and recycle; a task with a callback is freed by its completion. */
void	ini_task_free(struct ini_task *);
void	ini_task_cache_free(struct ini_session *);
struct ini_task *ini_task_find(struct ini_session *, uint32_t itt);
void	ini_task_complete(struct ini_task *, uint32_t isdsc);
void	ini_tasks_flush(struct ini_session *);	/* send what the window allows */
void	ini_tasks_reset(struct ini_session *);	/* connection lost: resend later */
void	ini_tasks_fail(struct ini_session *, uint32_t isdsc);
void	ini_task_on_scsi_rsp(struct ini_conn *, struct ini_task *,
	    const struct pdu *);
void	ini_task_on_data_in(struct ini_conn *, struct ini_task *,
	    const struct pdu *);
void	ini_task_on_r2t(struct ini_conn *, struct ini_task *,
	    const struct pdu *);
/* Where a Data-In's data segment goes (iconn on_place), or NULL. */
uint8_t	*ini_task_place(struct ini_conn *, const struct pdu *hdr);
size_t	ini_tasks_rx_guess(const struct ini_session *, size_t hdr_len);
void	ini_task_on_tmf_rsp(struct ini_conn *, const struct pdu *);

/* ini_tmf.c */
void	ini_task_timeout(struct evloop *, void *);
void	ini_tmf_send(struct ini_conn *, struct ini_task *);

/* ini_login_auth.c */
uint32_t ini_auth_check_config(struct ini_session *);

/* ini_discovery.c */
void	ini_text_on_rsp(struct ini_conn *, const struct pdu *);
void	ini_text_fail(struct ini_session *, uint32_t isdsc);
uint32_t ini_discovery_run(struct ini_node *, const struct ini_portal *);
int	ini_text_renegotiate(struct ini_conn *);
/* Start a Text exchange with this text (split when long); -1 if busy. */
int	ini_text_start(struct ini_conn *, bool renegotiate, const void *data,
	    size_t len);

#endif
