/*
 * Analyzer internals shared by analyze*.c (not a public API).
 */
#ifndef HARNESS_ANALYZE_INT_H
#define HARNESS_ANALYZE_INT_H

#include <stdarg.h>

#include "analyze.h"
#include "analyze_framer.h"
#include "catalog.h"
#include "ip_frag.h"
#include "keys.h"
#include "tcp_reasm.h"
#include "text.h"

#define ANA_R2T_SLOTS		8	/* outstanding R2Ts tracked per task */
#define ANA_TASKS_MAX		65536	/* outstanding tasks tracked per conn */
#define ANA_TPINGS		16	/* target NOP-In pings tracked */

/* A request waiting for its answer (keyed by ITT). */
struct ana_task {
	uint32_t	 itt;
	bool		 used;
	uint8_t		 opcode;
	bool		 read, write, immediate;
	uint32_t	 edtl;
	uint32_t	 cmdsn;
	uint64_t	 frame;
	double		 time;
	uint8_t		 cdb[PDU_CDB_LEN];
	bool		 unsure;	/* a gap hid some of its PDUs */
	uint32_t	 nop_crc;	/* NOP-Out ping data, to compare the echo */
	uint32_t	 nop_len;
	uint32_t	 datain_sn;	/* next DataSN (Data-In, shared with R2T for bidi) */
	uint64_t	 datain_bytes;
	uint32_t	 r2tsn;		/* next R2TSN */
	uint64_t	 unsol_bytes;	/* immediate + unsolicited Data-Out */
	uint32_t	 unsol_datasn;
	uint32_t	 unsol_next;	/* next unsolicited offset */
	struct {
		bool	 used;
		uint32_t ttt, off, len, got, datasn;
	} r2t[ANA_R2T_SLOTS];
};

struct ana_tasks {
	struct ana_task	*slot;
	size_t		 cap;	/* power of two */
	size_t		 count;
};

#include "chap.h"

enum chap_step {
	CHAP_NONE,		/* AuthMethod=CHAP not agreed yet */
	CHAP_WANT_A,		/* initiator sends CHAP_A */
	CHAP_WANT_CHALLENGE,	/* target sends CHAP_A, CHAP_I, CHAP_C */
	CHAP_WANT_RESPONSE,	/* initiator sends CHAP_N, CHAP_R [, CHAP_I, CHAP_C] */
	CHAP_WANT_MUTUAL,	/* target sends CHAP_N, CHAP_R */
	CHAP_DONE
};

/* Login state of one connection (analyze_login.c, analyze_auth.c). */
struct ana_login {
	struct keys_neg	 obs_i, obs_t;
	struct keys_local local_i, local_t;
	char		 ivals[KEYS_COUNT][TEXT_VALUE_MAX + 1];
	uint64_t	 target_offered;
	struct text_accum acc[2];
	bool		 have_req;
	struct pdu_login_req req;	/* last Login Request */
	uint32_t	 req_itt;
	uint64_t	 req_frame;
	double		 req_time;
	bool		 stage_known;
	uint8_t		 stage;		/* CSG the next request must carry */
	/* AuthMethod / CHAP */
	char		 auth_offer[TEXT_VALUE_MAX + 1];
	bool		 auth_answered;
	enum chap_step	 chap;
	char		 chap_a_offer[TEXT_VALUE_MAX + 1];
	int		 chap_alg;
	bool		 mutual;
	uint8_t		 t_challenge[CHAP_CHALLENGE_MAX];
	size_t		 t_challenge_len;
};
struct ana_conn_int;

/* Callback argument of one direction of a connection. */
struct ana_dirctx {
	struct ana_conn_int	*c;
	enum ana_dir		 dir;
};

struct ana_session_int {
	struct ana_session pub;
	bool		 cmdsn_known;
	uint32_t	 cmdsn_next;	/* next non-immediate CmdSN expected */
	bool		 window_known;
	uint32_t	 expcmdsn, maxcmdsn;
};

struct ana_conn_int {
	struct ana_conn	 pub;
	struct ana	*ana;
	struct ana_session_int *sess;
	uint8_t		 caddr[16], saddr[16];	/* client, server (hash key) */
	uint16_t	 cport, sport;
	uint64_t	 hash;
	struct ana_conn_int *hnext;
	bool		 active;	/* buffers allocated, not ended */
	struct tcp_dir	 tcp[2];
	struct framer	 fr[2];
	struct ana_dirctx dctx[2];
	bool		 ended[2];
	bool		 detected;	/* found by its Login Request */
	bool		 end_done;	/* ana_ffp_end ran */
	bool		 logout_pending;	/* Logout Request not answered */
	bool		 lost[2];	/* PDUs of this direction were missed */
	bool		 end_reported;	/* opts.on_conn_end called */
	struct ana_login *login;	/* during login only */
	bool		 statsn_known;
	uint32_t	 exp_statsn;	/* next StatSN expected from the target */
	struct ana_tasks tasks;
	struct { bool used; uint32_t ttt; uint64_t frame; double time; } tping[ANA_TPINGS];
	double		 last_time;
};

struct ana {
	struct ana_opts	 opts;
	struct ipf	*frag;		/* IP fragment reassembly */
	int		 linktype;
	uint64_t	 frame;		/* current frame (1-based) */
	double		 time;		/* current frame time */
	struct ana_stats stats;
	/* connections: hash table + list in creation order */
	struct ana_conn_int **htab;
	size_t		 hcap;
	struct ana_conn_int **conns;
	size_t		 nconns, conncap;
	struct ana_conn_int *last;	/* lookup cache */
	struct ana_session_int **sessions;
	size_t		 nsessions, sesscap;
	struct ana_finding *findings;
	size_t		 nfindings;
	/* PDU being processed */
	uint64_t	 pdu_index;
	uint64_t	 pdu_first_frame;
	uint64_t	 pdu_missing;
};

/* Two little-endian u32 (event dump data of U32_PAIR events). */
static inline void
put_le32_pair(uint8_t *out, uint32_t a, uint32_t b)
{
	int i;

	for (i = 0; i < 4; i++) {
		out[i] = (uint8_t)(a >> (8 * i));
		out[4 + i] = (uint8_t)(b >> (8 * i));
	}
}

/* analyze.c */
void	ana_report(struct ana *, struct ana_conn_int *, enum ana_dir,
	    enum ana_check, const struct pdu *, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/* Same with an explicit event (0: none), ISDSC and additional data. */
void	ana_report_ev(struct ana *, struct ana_conn_int *, enum ana_dir,
	    enum ana_check, const struct pdu *, unsigned event, uint32_t isdsc,
	    const void *dump, size_t dumplen, const char *fmt, ...)
	    __attribute__((format(printf, 10, 11)));
struct ana_session_int *ana_session_new(struct ana *);
struct ana_session_int *ana_session_find(struct ana *, const uint8_t *isid,
	    uint16_t tsih);
void	ana_conn_set_session(struct ana_conn_int *, struct ana_session_int *);

/* Response-time statistics. */
void	ana_count_rtt(struct ana *, enum ana_rtt_kind, double dt,
	    uint64_t frame);

/* analyze_tasks.c */
struct ana_task *ana_task_find(struct ana_tasks *, uint32_t itt);
struct ana_task *ana_task_add(struct ana_tasks *, uint32_t itt);
void	ana_task_del(struct ana_tasks *, struct ana_task *);
void	ana_tasks_free(struct ana_tasks *);

/* analyze_login.c: Login PDUs, keys, CHAP, sessions, redirects */
void	ana_login_pdu(struct ana_conn_int *, enum ana_dir, const struct pdu *);
void	ana_login_free(struct ana_conn_int *);
/* Text Request/Response key checks in FFP */
void	ana_text_pdu(struct ana_conn_int *, enum ana_dir, const struct pdu *);

/* One text being checked: whose, which PDU. */
struct keycb {
	struct ana_conn_int	*c;
	enum ana_dir		 dir;
	const struct pdu	*p;
};
const char *ana_text_find(const struct text_list *, const char *key);
/* analyze_auth.c: AuthMethod and CHAP steps of one complete text */
void	ana_auth_text(struct keycb *, const struct text_list *, bool security);

/* analyze_ffp.c: sequence numbers, tasks, data transfer, NOP, logout... */
void	ana_ffp_pdu(struct ana_conn_int *, enum ana_dir, const struct pdu *,
	    const struct pdu_error *);
void	ana_ffp_end(struct ana_conn_int *, bool reset);
/* Negotiated session parameters, NULL while unknown. */
const struct keys_session_params *ana_sparams(const struct ana_conn_int *);
/* Task of a target PDU's ITT; reports UNKNOWN_ITT when it should exist. */
struct ana_task *ana_task_for_response(struct ana_conn_int *,
	    const struct pdu *);
struct ana_task *ana_task_new(struct ana_conn_int *, const struct pdu *);
/* Response time (and TIMEOUT) of task t answered by p. */
void	ana_task_answered(struct ana_conn_int *, struct ana_task *,
	    const struct pdu *);

/* analyze_data.c: data transfer */
void	ana_scsi_command(struct ana_conn_int *, const struct pdu *);
void	ana_data_out(struct ana_conn_int *, const struct pdu *);
void	ana_r2t(struct ana_conn_int *, const struct pdu *);
void	ana_data_in(struct ana_conn_int *, const struct pdu *);
void	ana_scsi_response(struct ana_conn_int *, const struct pdu *);
/* PDUs of dir were lost (capture gap, framing lost): forget what depends
   on seeing all of them. */
void	ana_ffp_lost(struct ana_conn_int *, enum ana_dir);

#endif
