/*
 * Connection state machine (RFC 7143 8.1.3, initiator side) and its
 * transport (proto/iconn).  Rows are {state mask, event, next state,
 * action, RFC transition}; events are queued (ini_conn_post) and run from
 * the loop.  An event no row accepts in the current state is a protocol
 * violation: it is logged and ignored, never an abort.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ini_internal.h"
#include "log.h"
#include "sock.h"

static void	c_connect(struct ini_conn *, uint32_t);
static void	c_connected(struct ini_conn *, uint32_t);
static void	c_connect_failed(struct ini_conn *, uint32_t);
static void	c_logged_in(struct ini_conn *, uint32_t);
static void	c_login_failed(struct ini_conn *, uint32_t);
static void	c_login_dropped(struct ini_conn *, uint32_t);
static void	c_redirect(struct ini_conn *, uint32_t);
static void	c_logout(struct ini_conn *, uint32_t);
static void	c_async_logout(struct ini_conn *, uint32_t);
static void	c_logged_out(struct ini_conn *, uint32_t);
static void	c_lost(struct ini_conn *, uint32_t);
static void	c_cleanup(struct ini_conn *, uint32_t);

#define S_FFP	(INI_S5_LOGGED_IN | INI_S6_IN_LOGOUT | INI_S7_LOGOUT_REQUESTED)

static const struct conn_fsm_row {
	unsigned		states;
	enum ini_conn_event	event;
	enum ini_conn_state	next;
	void			(*action)(struct ini_conn *, uint32_t);
	const char		*rfc;
} conn_fsm[] = {
	{ INI_S1_FREE, INI_CEV_CONNECT, INI_S2_XPT_WAIT, c_connect, "T1" },
	{ INI_S2_XPT_WAIT, INI_CEV_CONNECTED, INI_S4_IN_LOGIN, c_connected, "T4" },
	{ INI_S2_XPT_WAIT, INI_CEV_CONNECT_FAILED, INI_S1_FREE, c_connect_failed,
	    "T2" },
	{ INI_S4_IN_LOGIN, INI_CEV_LOGIN_OK, INI_S5_LOGGED_IN, c_logged_in, "T5" },
	{ INI_S4_IN_LOGIN, INI_CEV_LOGIN_FAILED, INI_S1_FREE, c_login_failed,
	    "T7" },
	{ INI_S4_IN_LOGIN, INI_CEV_TRANSPORT_LOST, INI_S1_FREE, c_login_dropped,
	    "T7" },
	/* redirect: T7 (login ends, transport closed) then T1 to the new portal */
	{ INI_S4_IN_LOGIN, INI_CEV_REDIRECT, INI_S2_XPT_WAIT, c_redirect,
	    "T7+T1" },
	{ INI_S5_LOGGED_IN, INI_CEV_LOGOUT, INI_S6_IN_LOGOUT, c_logout, "T9" },
	{ INI_S5_LOGGED_IN, INI_CEV_ASYNC_LOGOUT, INI_S7_LOGOUT_REQUESTED,
	    c_async_logout, "T11" },
	{ INI_S7_LOGOUT_REQUESTED, INI_CEV_LOGOUT, INI_S6_IN_LOGOUT, c_logout,
	    "T10" },
	{ INI_S6_IN_LOGOUT, INI_CEV_LOGGED_OUT, INI_S1_FREE, c_logged_out, "T13" },
	{ INI_S6_IN_LOGOUT, INI_CEV_LOGOUT_TIMEOUT, INI_S8_CLEANUP_WAIT, c_lost,
	    "T17" },
	{ S_FFP, INI_CEV_TRANSPORT_LOST, INI_S8_CLEANUP_WAIT, c_lost,
	    "T15/T16/T17" },
	/* ERL 0: session recovery frees the connection (M1) */
	{ INI_S8_CLEANUP_WAIT | INI_S1_FREE, INI_CEV_CLEANUP, INI_S1_FREE,
	    c_cleanup, "M1" },
};

static const char *const conn_event_names[] = {
#define INI_CEV_NAME(n, t) #n,
	INI_CONN_EVENTS(INI_CEV_NAME)
#undef INI_CEV_NAME
};

const char *
ini_conn_state_name(enum ini_conn_state s)
{
	switch (s) {
	case INI_S1_FREE:		return "S1 FREE";
	case INI_S2_XPT_WAIT:		return "S2 XPT_WAIT";
	case INI_S4_IN_LOGIN:		return "S4 IN_LOGIN";
	case INI_S5_LOGGED_IN:		return "S5 LOGGED_IN";
	case INI_S6_IN_LOGOUT:		return "S6 IN_LOGOUT";
	case INI_S7_LOGOUT_REQUESTED:	return "S7 LOGOUT_REQUESTED";
	case INI_S8_CLEANUP_WAIT:	return "S8 CLEANUP_WAIT";
	}
	return "S? unknown";
}

const char *
ini_conn_event_name(enum ini_conn_event e)
{
	return (unsigned)e < INI_CEV_COUNT ? conn_event_names[e] : "unknown";
}

static void
conn_run(struct evloop *l, void *arg)
{
	struct ini_conn *c = arg;
	int ev;
	uint32_t a;
	size_t i;

	(void)l;
	while (ini_fsmq_pop(&c->q, &ev, &a)) {
		for (i = 0; i < sizeof(conn_fsm) / sizeof(conn_fsm[0]); i++) {
			const struct conn_fsm_row *r = &conn_fsm[i];

			if (!(r->states & c->state) || (int)r->event != ev)
				continue;
			log_debug("conn %s: %s + %s -> %s (%s)", c->id,
			    ini_conn_state_name(c->state),
			    ini_conn_event_name(ev), ini_conn_state_name(r->next),
			    r->rfc);
			c->state = r->next;
			r->action(c, a);
			break;
		}
		if (i == sizeof(conn_fsm) / sizeof(conn_fsm[0]))
			log_debug("conn %s: event %s ignored in %s", c->id,
			    ini_conn_event_name(ev),
			    ini_conn_state_name(c->state));
	}
}

void
ini_conn_post(struct ini_conn *c, enum ini_conn_event ev, uint32_t arg)
{
	if (!ini_fsmq_push(c->sess->node->loop, &c->q, ev, arg))
		log_warnx("conn %s: event queue full, %s lost", c->id,
		    ini_conn_event_name(ev));
}

/* ---- transport ----------------------------------------------------------- */

static void	on_connected(struct iconn *, int, void *);
static void	on_pdu(struct iconn *, const struct pdu *,
		    const struct pdu_error *, void *);
static void	on_close(struct iconn *, int, void *);
static uint8_t	*on_place(struct iconn *, const struct pdu *, void *);
static size_t	rx_expect(struct iconn *, void *);

static const struct iconn_ops conn_ops = {
	.on_connected = on_connected,
	.on_pdu = on_pdu,
	.on_close = on_close,
	.on_place = on_place,
	.rx_expect = rx_expect,
};

static void
stats_add(struct iconn_stats *to, const struct iconn_stats *s)
{
	to->bytes_tx += s->bytes_tx;
	to->bytes_rx += s->bytes_rx;
	to->pdus_tx += s->pdus_tx;
	to->pdus_rx += s->pdus_rx;
	to->hdigest_errors += s->hdigest_errors;
	to->ddigest_errors += s->ddigest_errors;
	to->format_errors += s->format_errors;
	to->oversize_errors += s->oversize_errors;
}

void
ini_conn_stats(const struct ini_conn *c, struct iconn_stats *out)
{
	*out = c->closed_stats;
	if (c->ic_live)
		stats_add(out, &c->ic.stats);
}

static void
transport_release(struct ini_conn *c)
{
	c->closing = false;
	c->placed = NULL;
	if (!c->ic_live)
		return;
	stats_add(&c->closed_stats, &c->ic.stats);
	iconn_free(&c->ic);
	c->ic_live = false;
}

static void
connect_timeout(struct evloop *l, void *arg)
{
	struct ini_conn *c = arg;

	(void)l;
	if (c->state != INI_S2_XPT_WAIT || !c->ic_live)
		return;
	c->connect_timed_out = true;
	iconn_close(&c->ic, false);	/* on_close follows from the loop */
}

static void
on_connected(struct iconn *ic, int err, void *arg)
{
	struct ini_conn *c = arg;

	(void)ic;
	evtimer_disarm(c->sess->node->loop, &c->connect_timer);
	if (err != 0) {
		transport_release(c);
		ini_conn_post(c, INI_CEV_CONNECT_FAILED, (uint32_t)err);
		return;
	}
	if (c->sess->node->cfg.tcp_user_timeout_ms > 0)
		(void)sock_set_user_timeout(c->ic.fd,
		    c->sess->node->cfg.tcp_user_timeout_ms);
	ini_conn_post(c, INI_CEV_CONNECTED, 0);
}

static void
on_pdu(struct iconn *ic, const struct pdu *p, const struct pdu_error *e,
    void *arg)
{
	struct ini_conn *c = arg;

	(void)ic;
	c->placed = NULL;	/* the placed PDU (if any) is this one */
	if (c->state == INI_S4_IN_LOGIN)
		ini_login_on_pdu(c, p, e);
	else if (c->state & S_FFP)
		ini_ffp_on_pdu(c, p, e);
	else
		log_debug("conn %s: PDU 0x%02x ignored in %s", c->id, p->opcode,
		    ini_conn_state_name(c->state));
}

/* Data-In straight into the command's buffer (no copy). */
static uint8_t *
on_place(struct iconn *ic, const struct pdu *hdr, void *arg)
{
	struct ini_conn *c = arg;

	(void)ic;
	if (hdr->opcode != PDU_OP_DATA_IN || c->state != INI_S5_LOGGED_IN)
		return NULL;
	return ini_task_place(c, hdr);
}

/* Wakeup coalescing: what the commands in flight should bring. */
static size_t
rx_expect(struct iconn *ic, void *arg)
{
	struct ini_conn *c = arg;

	if (c->state != INI_S5_LOGGED_IN)
		return 0;
	return ini_tasks_rx_guess(c->sess, PDU_BHS_LEN +
	    (ic->tx_digests.header ? PDU_DIGEST_LEN : 0));
}

static void
on_close(struct iconn *ic, int err, void *arg)
{
	struct ini_conn *c = arg;
	bool deliberate = c->closing;
	bool in_send = ic->close_in_send;

	transport_release(c);
	c->closing = false;
	if (c->connect_timed_out) {
		c->connect_timed_out = false;
		ini_conn_post(c, INI_CEV_CONNECT_FAILED, ETIMEDOUT);
		return;
	}
	if (deliberate)
		return;
	/*
	 * Event 7 before event 20 when what we had sent could not be
	 * delivered: a send failed (EPIPE, ECONNRESET ...), or TCP gave up on
	 * unacknowledged data (ETIMEDOUT: TCP_USER_TIMEOUT or retransmission
	 * limit).  A reset or FIN noticed while reading is event 20 alone.
	 */
	if (err > 0 && (in_send || err == ETIMEDOUT) &&
	    (c->state & (INI_S5_LOGGED_IN | INI_S6_IN_LOGOUT |
	    INI_S7_LOGOUT_REQUESTED)))
		ini_ev_status(c->sess->node, c->sess, c, ISCSI_EV_SEND_FAILED,
		    catalog_ntstatus_from_errno(err));
	ini_conn_post(c, INI_CEV_TRANSPORT_LOST, (uint32_t)(err < 0 ? 0 : err));
}

int
ini_conn_send(struct ini_conn *c, struct pdu *p)
{
	int rc;

	if (!c->ic_live)
		return -1;
	rc = iconn_send(&c->ic, p);
	if (rc == -1 && c->state != INI_S4_IN_LOGIN)
		/* event 7: the NTSTATUS of the failed send in the dump */
		ini_ev_status(c->sess->node, c->sess, c, ISCSI_EV_SEND_FAILED,
		    catalog_ntstatus_from_errno(errno));
	return rc;
}

/* Close our side; the FSM learns it through on_close unless deliberate. */
void
ini_conn_drop(struct ini_conn *c, bool rst)
{
	if (c->ic_live && c->ic.state != ICONN_CLOSED)
		iconn_close(&c->ic, rst);
}

static void
close_deliberately(struct ini_conn *c)
{
	if (c->ic_live && c->ic.state != ICONN_CLOSED) {
		c->closing = true;
		iconn_close(&c->ic, false);
	} else
		transport_release(c);
}

/* ---- actions ------------------------------------------------------------- */

static void
c_connect(struct ini_conn *c, uint32_t a)
{
	struct ini_node *n = c->sess->node;

	(void)a;
	transport_release(c);
	if (iconn_connect(&c->ic, n->loop, &c->addr, INI_LOGIN_MAX_RECV_DSL,
	    &conn_ops, c) == -1) {
		ini_conn_post(c, INI_CEV_CONNECT_FAILED, (uint32_t)errno);
		return;
	}
	c->ic_live = true;
	evtimer_arm(n->loop, &c->connect_timer, ini_ms(n->cfg.connect_timeout_ms));
}

static void
c_connected(struct ini_conn *c, uint32_t a)
{
	(void)a;
	ini_login_start(c);		/* T4: send the initial Login Request */
}

static void
c_connect_failed(struct ini_conn *c, uint32_t err)
{
	/* event 1: target address and port in the dump */
	ini_ev_ipport(c->sess->node, c->sess, c, &c->addr, (int)err);
	transport_release(c);
	c->sess->last_retryable = true;
	ini_session_post(c->sess, INI_SEV_LOGIN_FAILED, ISDSC_CONNECTION_FAILED);
}

static void
c_logged_in(struct ini_conn *c, uint32_t a)
{
	(void)a;
	c->params = c->login.neg.params;
	c->sess->params = c->params;
	ini_ffp_start(c);
	ini_session_post(c->sess, INI_SEV_LOGGED_IN, 0);
}

static void
c_login_dropped(struct ini_conn *c, uint32_t err)
{
	(void)err;
	/* transport lost in login: event 59 */
	ini_login_on_closed(c);
	c->sess->last_retryable = true;
	c_login_failed(c, c->login.isdsc != 0 ? c->login.isdsc :
	    ISDSC_CONNECTION_FAILED);
}

static void
c_login_failed(struct ini_conn *c, uint32_t isdsc)
{
	close_deliberately(c);
	evtimer_disarm(c->sess->node->loop, &c->login.timer);
	ini_session_post(c->sess, INI_SEV_LOGIN_FAILED, isdsc);
}

static void
c_redirect(struct ini_conn *c, uint32_t a)
{
	(void)a;
	evtimer_disarm(c->sess->node->loop, &c->login.timer);
	close_deliberately(c);
	/* T1 again, to the redirected address (c->addr already set) */
	c->state = INI_S1_FREE;
	ini_conn_post(c, INI_CEV_CONNECT, 0);
}

static void
c_logout(struct ini_conn *c, uint32_t a)
{
	(void)a;
	ini_ffp_send_logout(c);
}

static void
c_async_logout(struct ini_conn *c, uint32_t a)
{
	(void)a;
	/* seed: logout within the time the target gave; we do it at once */
	ini_conn_post(c, INI_CEV_LOGOUT, 0);
}

static void
c_logged_out(struct ini_conn *c, uint32_t a)
{
	(void)a;
	ini_ffp_stop(c);
	close_deliberately(c);
	if (c->async_drop && c->sess->logout_cb == NULL)
		/* async logout request: come back after Time2Wait */
		ini_session_post(c->sess, INI_SEV_CONN_FAILED, 0);
	else
		ini_session_post(c->sess, INI_SEV_LOGGED_OUT, 0);
}

static void
c_lost(struct ini_conn *c, uint32_t err)
{
	(void)err;
	ini_ffp_stop(c);
	close_deliberately(c);
	c->sess->stats.connection_losses++;
	if (c->sess->logout_cb == NULL)
		/* event 20: lost in full feature phase, we will retry */
		ini_ev_simple(c->sess->node, c->sess, c,
		    ISCSI_EV_CONNECTION_LOST, catalog_ntstatus_from_errno(
		    (int)err));
	ini_session_post(c->sess, INI_SEV_CONN_FAILED, 0);
}

static void
c_cleanup(struct ini_conn *c, uint32_t a)
{
	(void)a;
	ini_ffp_stop(c);
	close_deliberately(c);
}

/* ---- life cycle ---------------------------------------------------------- */

static void
conn_set_id(struct ini_conn *c)
{
	struct ini_node *n = c->sess->node;

	c->unique = n->next_conn++;
	snprintf(c->id, sizeof(c->id), "0x%016" PRIx64 "-0x%" PRIx64,
	    n->adapter_id, c->unique);
}

struct ini_conn *
ini_conn_new(struct ini_session *s, uint16_t cid)
{
	struct ini_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->sess = s;
	c->cid = cid;
	c->state = INI_S1_FREE;
	conn_set_id(c);
	ini_fsmq_init(&c->q, conn_run, c);
	evtimer_init(&c->connect_timer, connect_timeout, c);
	evtimer_init(&c->login.timer, NULL, c);
	c->redirect.unique_connection_id = c->unique;
	return c;
}

void
ini_conn_free(struct ini_conn *c)
{
	struct evloop *l;

	if (c == NULL)
		return;
	l = c->sess->node->loop;
	ini_ffp_stop(c);
	evtimer_disarm(l, &c->connect_timer);
	evtimer_disarm(l, &c->login.timer);
	evloop_defer_cancel(l, &c->q.run);
	if (c->ic_live)
		iconn_free(&c->ic);
	ini_login_reset(c);
	free(c);
}
