/*
 * Session state machine (RFC 7143 8.3.1, initiator side: Q1 FREE,
 * Q3 LOGGED_IN, Q4 FAILED; transitions N1-N5), the command window
 * (CmdSN, ExpCmdSN, MaxCmdSN) and ERL 0 recovery: after a connection loss
 * in full feature phase wait DefaultTime2Wait, then reinstate the session
 * (same ISID, TSIH 0: RFC 7143 6.3.5) hopping over the portals as the seed
 * describes (the original portal first, then the others from SendTargets,
 * then around again), retry the outstanding commands, event 34 on success,
 * a bounded number of attempts.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ini_internal.h"
#include "log.h"
#include "serial.h"

static void	s_logged_in(struct ini_session *, uint32_t);
static void	s_first_login_failed(struct ini_session *, uint32_t);
static void	s_failed(struct ini_session *, uint32_t);
static void	s_logged_out(struct ini_session *, uint32_t);
static void	s_reconnect(struct ini_session *, uint32_t);
static void	s_recovered(struct ini_session *, uint32_t);
static void	s_recovery_failed(struct ini_session *, uint32_t);
static void	s_give_up(struct ini_session *, uint32_t);

static const struct sess_fsm_row {
	unsigned		states;
	enum ini_sess_event	event;
	enum ini_sess_state	next;
	void			(*action)(struct ini_session *, uint32_t);
	const char		*rfc;
} sess_fsm[] = {
	{ INI_Q1_FREE, INI_SEV_LOGGED_IN, INI_Q3_LOGGED_IN, s_logged_in, "N1" },
	{ INI_Q1_FREE, INI_SEV_LOGIN_FAILED, INI_Q1_FREE, s_first_login_failed,
	    "N1 not taken" },
	{ INI_Q3_LOGGED_IN, INI_SEV_LOGGED_OUT, INI_Q1_FREE, s_logged_out, "N2" },
	{ INI_Q3_LOGGED_IN, INI_SEV_CONN_FAILED, INI_Q4_FAILED, s_failed, "N3" },
	{ INI_Q4_FAILED, INI_SEV_TIME2WAIT, INI_Q4_FAILED, s_reconnect,
	    "6.3.5 reinstatement" },
	{ INI_Q4_FAILED, INI_SEV_LOGGED_IN, INI_Q3_LOGGED_IN, s_recovered, "N4" },
	{ INI_Q4_FAILED, INI_SEV_LOGIN_FAILED, INI_Q4_FAILED, s_recovery_failed,
	    "N4 not taken" },
	{ INI_Q4_FAILED, INI_SEV_CLOSE, INI_Q1_FREE, s_give_up, "N5" },
	{ INI_Q3_LOGGED_IN, INI_SEV_CLOSE, INI_Q1_FREE, s_give_up, "N2" },
};

static const char *const sess_event_names[] = {
#define INI_SEV_NAME(n, t) #n,
	INI_SESS_EVENTS(INI_SEV_NAME)
#undef INI_SEV_NAME
};

const char *
ini_sess_state_name(enum ini_sess_state s)
{
	switch (s) {
	case INI_Q1_FREE:	return "Q1 FREE";
	case INI_Q3_LOGGED_IN:	return "Q3 LOGGED_IN";
	case INI_Q4_FAILED:	return "Q4 FAILED";
	}
	return "Q? unknown";
}

const char *
ini_sess_event_name(enum ini_sess_event e)
{
	return (unsigned)e < INI_SEV_COUNT ? sess_event_names[e] : "unknown";
}

static void
sess_run(struct evloop *l, void *arg)
{
	struct ini_session *s = arg;
	uint32_t a;
	size_t i;
	int ev;

	(void)l;
	while (ini_fsmq_pop(&s->q, &ev, &a)) {
		for (i = 0; i < sizeof(sess_fsm) / sizeof(sess_fsm[0]); i++) {
			const struct sess_fsm_row *r = &sess_fsm[i];

			if (!(r->states & s->state) || (int)r->event != ev)
				continue;
			log_debug("session %s: %s + %s -> %s (%s)", s->id,
			    ini_sess_state_name(s->state),
			    ini_sess_event_name(ev), ini_sess_state_name(r->next),
			    r->rfc);
			s->state = r->next;
			r->action(s, a);
			break;
		}
		if (i == sizeof(sess_fsm) / sizeof(sess_fsm[0]))
			log_debug("session %s: event %s ignored in %s", s->id,
			    ini_sess_event_name(ev), ini_sess_state_name(s->state));
	}
}

void
ini_session_post(struct ini_session *s, enum ini_sess_event ev, uint32_t arg)
{
	if (!ini_fsmq_push(s->node->loop, &s->q, ev, arg))
		log_warnx("session %s: event queue full", s->id);
}

static void
t2w_expired(struct evloop *l, void *arg)
{
	(void)l;
	ini_session_post(arg, INI_SEV_TIME2WAIT, 0);
}

/* ---- life cycle ------------------------------------------------------------ */

struct ini_session *
ini_session_new(struct ini_node *n, const char *target, bool discovery,
    const struct ini_login_opts *opts)
{
	struct ini_session *s = calloc(1, sizeof(*s)), **ns;

	if (s == NULL)
		return NULL;
	s->node = n;
	s->state = INI_Q1_FREE;
	s->discovery = discovery;
	s->unique = n->next_session++;
	snprintf(s->id, sizeof(s->id), "0x%016" PRIx64 "-0x%016" PRIx64,
	    n->adapter_id, (uint64_t)(0x4000013700000000ull | s->unique));
	if (target != NULL)
		snprintf(s->target, sizeof(s->target), "%s", target);
	if (opts != NULL)
		s->opts = *opts;
	/* ISID type 01b (IANA enterprise number 311) + qualifier, as the MS
	 * initiator forms it (RFC 7143 11.12.5) */
	s->isid[0] = 0x40;
	s->isid[1] = 0x00;
	s->isid[2] = 0x01;
	s->isid[3] = 0x37;
	s->isid[4] = (uint8_t)(s->unique >> 8);
	s->isid[5] = (uint8_t)s->unique;
	s->cmdsn = 1;
	s->itt_next = 1;
	TAILQ_INIT(&s->tasks);
	ini_fsmq_init(&s->q, sess_run, s);
	evtimer_init(&s->t2w_timer, t2w_expired, s);
	s->conn = ini_conn_new(s, 1);
	if (s->conn == NULL) {
		free(s);
		return NULL;
	}
	if (!discovery) {
		ns = realloc(n->sessions, (n->nsessions + 1) * sizeof(*ns));
		if (ns == NULL) {
			ini_conn_free(s->conn);
			free(s);
			return NULL;
		}
		n->sessions = ns;
		n->sessions[n->nsessions++] = s;
	}
	return s;
}

void
ini_session_free(struct ini_session *s)
{
	struct ini_task *t, *nt;

	if (s == NULL)
		return;
	evtimer_disarm(s->node->loop, &s->t2w_timer);
	evloop_defer_cancel(s->node->loop, &s->q.run);
	for (t = TAILQ_FIRST(&s->tasks); t != NULL; t = nt) {
		nt = TAILQ_NEXT(t, link);
		ini_task_free(t);
	}
	ini_task_cache_free(s);
	ini_conn_free(s->conn);
	chap_secret_clear(&s->opts.password);
	free(s);
}

/* Out of the node's list (sessions stay allocated until ini_node_free). */
void
ini_session_detach(struct ini_session *s)
{
	s->dead = true;
}

uint32_t
ini_session_next_itt(struct ini_session *s)
{
	uint32_t itt = s->itt_next++;

	if (s->itt_next == PDU_TAG_RESERVED)
		s->itt_next = 1;
	return itt;
}

/* RFC 7143 4.2.2.1: ignore a window with MaxCmdSN < ExpCmdSN - 1. */
void
ini_session_update_window(struct ini_session *s, uint32_t exp, uint32_t max)
{
	if (!cmdsn_window_valid(exp, max))
		return;
	if (sn_gt(exp, s->expcmdsn))
		s->expcmdsn = exp;
	if (sn_gt(max, s->maxcmdsn)) {
		s->maxcmdsn = max;
		ini_tasks_flush(s);
	}
}

/* ---- login and logout ------------------------------------------------------ */

static void
attempt(struct ini_session *s)
{
	struct ini_conn *c = s->conn;

	c->addr = s->portals[s->hop];
	c->login.redirects = 0;
	c->redirect.original_addr = c->addr;
	c->redirect.original_port = netaddr_port(&c->addr);
	c->redirect.redirected = 0;
	c->redirect.temporary_redirect = 0;
	memset(&c->redirect.redirected_addr, 0, sizeof(c->redirect.redirected_addr));
	c->redirect.redirected_port = 0;
	s->last_retryable = false;
	s->tsih = 0;		/* new session or reinstatement (6.3.5) */
	ini_conn_post(c, INI_CEV_CLEANUP, 0);
	ini_conn_post(c, INI_CEV_CONNECT, 0);
}

static void
complete_login(struct ini_session *s, uint32_t isdsc)
{
	ini_done_fn *cb = s->login_cb;

	s->login_cb = NULL;
	if (cb != NULL)
		cb(s->login_arg, isdsc);
}

static void
complete_logout(struct ini_session *s, uint32_t isdsc)
{
	ini_done_fn *cb = s->logout_cb;

	s->logout_cb = NULL;
	if (cb != NULL)
		cb(s->logout_arg, isdsc);
}

void
ini_session_start_login(struct ini_session *s, ini_done_fn *cb, void *arg)
{
	uint32_t rc;

	s->login_cb = cb;
	s->login_arg = arg;
	if ((rc = ini_auth_check_config(s)) != INI_ISDSC_OK) {
		complete_login(s, rc);
		return;
	}
	if (s->nportals == 0) {
		complete_login(s, ISDSC_NO_PORTAL_SPECIFIED);
		return;
	}
	s->hop = 0;
	s->attempts = 0;
	attempt(s);
}

void
ini_session_logout(struct ini_session *s, ini_done_fn *cb, void *arg)
{
	s->logout_cb = cb;
	s->logout_arg = arg;
	if (s->state == INI_Q3_LOGGED_IN && s->conn->state == INI_S5_LOGGED_IN)
		ini_conn_post(s->conn, INI_CEV_LOGOUT, 0);
	else
		ini_session_post(s, INI_SEV_CLOSE, 0);
}

/* ---- actions --------------------------------------------------------------- */

static void
s_logged_in(struct ini_session *s, uint32_t a)
{
	(void)a;
	s->last_isdsc = INI_ISDSC_OK;
	s->home = s->hop;	/* where recovery starts (seed "Portal Hopping") */
	complete_login(s, INI_ISDSC_OK);
	ini_tasks_flush(s);
}

static void
s_first_login_failed(struct ini_session *s, uint32_t isdsc)
{
	s->last_isdsc = isdsc;
	/* portal hopping also covers the first login (seed 000) */
	if (s->hopping && s->last_retryable && s->hop + 1 < s->nportals &&
	    s->login_cb != NULL) {
		s->hop++;
		attempt(s);
		return;
	}
	s->dead = true;
	ini_text_fail(s, isdsc);
	complete_login(s, isdsc);
}

static void
arm_time2wait(struct ini_session *s)
{
	uint32_t t2w = s->params.s.default_time2wait;

	if (s->conn->async_drop) {
		t2w = s->conn->async_time2wait;
		s->conn->async_drop = false;
	}
	evtimer_arm(s->node->loop, &s->t2w_timer, (uint64_t)t2w * EV_NSEC_PER_SEC);
}

static void
s_failed(struct ini_session *s, uint32_t a)
{
	(void)a;
	if (s->logout_cb != NULL || s->discovery) {
		/* the connection went away while we were ending the session */
		ini_session_post(s, INI_SEV_CLOSE, 0);
		return;
	}
	ini_tasks_reset(s);
	s->attempts = 0;
	/* seed: "first ... the original target portal", the one the original
	 * login used (which may not be the first: the login hops too) */
	s->hop = s->home;
	arm_time2wait(s);
}

static void
s_logged_out(struct ini_session *s, uint32_t a)
{
	(void)a;
	s->dead = true;
	INI_STAT_BUMP(s, logout_normal);
	ini_tasks_fail(s, ISDSC_CONNECTION_FAILED);
	complete_logout(s, INI_ISDSC_OK);
}

static void
s_reconnect(struct ini_session *s, uint32_t a)
{
	(void)a;
	attempt(s);
}

static void
s_recovered(struct ini_session *s, uint32_t a)
{
	(void)a;
	s->stats.reconnects++;
	/* event 34: the target name in the dump */
	ini_ev_bytes(s->node, s, s->conn, ISCSI_EV_RECONNECTED, 0, s->target,
	    strlen(s->target));
	ini_tasks_flush(s);
	if (s->logout_cb != NULL)
		ini_conn_post(s->conn, INI_CEV_LOGOUT, 0);
}

static void
s_recovery_failed(struct ini_session *s, uint32_t isdsc)
{
	s->last_isdsc = isdsc;
	if (++s->attempts >= s->node->cfg.recovery_attempts ||
	    !s->last_retryable || s->logout_cb != NULL) {
		ini_session_post(s, INI_SEV_CLOSE, isdsc);
		return;
	}
	/* seed "Portal Hopping": original, the others, then around again */
	s->hop = s->hopping && s->nportals > 0 ? (s->hop + 1) % s->nportals : 0;
	arm_time2wait(s);
}

static void
s_give_up(struct ini_session *s, uint32_t isdsc)
{
	evtimer_disarm(s->node->loop, &s->t2w_timer);
	ini_conn_post(s->conn, INI_CEV_CLEANUP, 0);
	s->dead = true;
	if (s->logout_cb != NULL) {
		INI_STAT_BUMP(s, logout_other);
		ini_tasks_fail(s, ISDSC_CONNECTION_FAILED);
		complete_logout(s, INI_ISDSC_OK);
		return;
	}
	log_info("session %s: recovery given up (%s)", s->id,
	    ini_isdsc_name(isdsc));
	ini_text_fail(s, isdsc != 0 ? isdsc : ISDSC_CONNECTION_FAILED);
	ini_tasks_fail(s, ISDSC_CONNECTION_FAILED);
}
