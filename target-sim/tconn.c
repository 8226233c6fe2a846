/*
 * One connection of the target: accept, the receive dispatch table (RFC
 * 7143 8.1.3 target states), the send path through the fault engine,
 * stalls and delays, closing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "faults.h"
#include "log.h"
#include "serial.h"
#include "tsim_impl.h"

#define TCONN_CLOSE_POLL_NS	(5 * EV_NSEC_PER_MSEC)
#define TCONN_CLOSE_WAIT_NS	(2 * EV_NSEC_PER_SEC)
#define TCONN_LOGIN_TIMEOUT_NS	(30 * EV_NSEC_PER_SEC)

static const char *const state_names[] = {
#define TCONN_STATE_NAME(s, t) t,
	TCONN_STATES(TCONN_STATE_NAME)
#undef TCONN_STATE_NAME
};

const char *
tconn_state_name(enum tconn_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ?
	    state_names[s] : "?";
}

const char *
tconn_label(const struct tconn *tc, char *buf, size_t bufsz)
{
	char a[NETADDR_STRLEN];

	snprintf(buf, bufsz, "conn %u (%s, cid %u, tsih %u)", tc->id,
	    netaddr_format(&tc->ic.peer, a, sizeof(a)), tc->cid,
	    tc->sess != NULL ? tc->sess->tsih : 0);
	return buf;
}

/* ---- lifetime ----------------------------------------------------------- */

static void	tconn_on_pdu(struct iconn *, const struct pdu *,
		    const struct pdu_error *, void *);
static void	tconn_on_close(struct iconn *, int, void *);
static const struct iconn_ops tconn_ops = { NULL, tconn_on_pdu,
	tconn_on_close };

static void
tconn_free(struct evloop *l, void *arg)
{
	struct tconn *tc = arg;
	struct tsim *t = tc->t;
	struct tconn **pp;

	(void)l;
	for (pp = &t->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == tc) {
			*pp = tc->next;
			break;
		}
	iconn_free(&tc->ic);
	tconn_free_held(tc);
	tlogin_free(tc->login);
	if (tc->tneg != NULL)
		keys_neg_free(tc->tneg);
	free(tc->tneg);
	text_accum_free(&tc->tacc);
	tconn_long_free(tc);
	free(tc);
}

static void close_poll(struct evloop *, void *);
static void login_timeout(struct evloop *, void *);

int
tconn_accept(struct tportal *p, int fd)
{
	struct tsim *t = p->t;
	struct tconn *tc = calloc(1, sizeof(*tc));
	const char *mrdsl;
	uint64_t v = TSIM_DEFAULT_MAX_RECV_DSL;

	if (tc == NULL)
		return -1;
	mrdsl = keys_local_get(&t->local, KEYS_MAX_RECV_DATA_SEGMENT_LENGTH);
	(void)text_parse_number(mrdsl, strlen(mrdsl), 512, KEYS_MAX_LEN, &v);
	tc->t = t;
	tc->portal = p;
	tc->max_recv_dsl = (uint32_t)v;
	tc->max_send_dsl = 8192;	/* RFC 7143 13.12 default */
	tc->state = TC_XPT_UP;
	tc->held_tail = &tc->held;
	tc->txhold_tail = &tc->txhold;
	evtimer_init(&tc->close_tm, close_poll, tc);
	evtimer_init(&tc->stall_tm, tconn_stall_end, tc);
	evtimer_init(&tc->login_tm, login_timeout, tc);
	evtimer_init(&tc->nop_tm, NULL, tc);
	evdefer_init(&tc->free_ev, tconn_free, tc);
	text_accum_init(&tc->tacc, 0);
	if ((tc->login = calloc(1, sizeof(*tc->login))) == NULL ||
	    iconn_attach(&tc->ic, t->loop, fd, tc->max_recv_dsl, &tconn_ops,
	    tc) != 0) {
		free(tc->login);
		text_accum_free(&tc->tacc);
		free(tc);
		return -1;
	}
	text_accum_init(&tc->login->acc, 0);
	tc->id = ++t->next_conn_id;
	tc->next = t->conns;
	t->conns = tc;
	t->stats.conns_accepted++;
	t->stats.conns_open++;
	tc->t_connect = evloop_now(t->loop);
	evtimer_arm(t->loop, &tc->login_tm, TCONN_LOGIN_TIMEOUT_NS);
	faults_event(tc, FAULT_EV_CONNECT);
	return 0;
}

static void
tconn_on_close(struct iconn *ic, int err, void *arg)
{
	struct tconn *tc = arg;
	struct tsim *t = tc->t;
	char lb[96];

	(void)ic;
	tsim_vlog(t, "%s closed (%s)", tconn_label(tc, lb, sizeof(lb)),
	    err == 0 ? "FIN from initiator" : err == -1 ? "by target" :
	    strerror(err));
	tc->state = TC_FREE;
	evtimer_disarm(t->loop, &tc->close_tm);
	evtimer_disarm(t->loop, &tc->stall_tm);
	evtimer_disarm(t->loop, &tc->nop_tm);
	evtimer_disarm(t->loop, &tc->login_tm);
	faults_conn_gone(tc);
	tconn_free_held(tc);
	if (tc->sess != NULL)
		tsession_remove_conn(tc->sess, tc);
	t->stats.conns_open--;
	evloop_defer(t->loop, &tc->free_ev);
}

void
tconn_close_now(struct tconn *tc, bool rst)
{
	if (tc->ic.state == ICONN_CLOSED)
		return;
	tc->state = TC_CLEANUP_WAIT;
	iconn_close(&tc->ic, rst);
}

static bool
flushed(const struct tconn *tc)
{
	return bufq_pending(&tc->ic.txq) == 0 && tc->txhold == NULL &&
	    tc->delayed == NULL;
}

static void
close_poll(struct evloop *l, void *arg)
{
	struct tconn *tc = arg;

	if (flushed(tc) || evloop_now(l) >= tc->close_deadline)
		tconn_close_now(tc, tc->close_rst);
	else
		evtimer_arm(l, &tc->close_tm, TCONN_CLOSE_POLL_NS);
}

void
tconn_close_after_flush(struct tconn *tc, bool rst)
{
	if (tc->ic.state == ICONN_CLOSED || tc->closing)
		return;
	tc->closing = true;
	tc->close_rst = rst;
	tc->state = TC_CLEANUP_WAIT;
	iconn_pause_rx(&tc->ic, true);
	tc->close_deadline = evloop_now(tc->t->loop) + TCONN_CLOSE_WAIT_NS +
	    (tc->stall_until > evloop_now(tc->t->loop) ?
	    tc->stall_until - evloop_now(tc->t->loop) : 0);
	/* from the loop: what the current callback still sends goes first */
	evtimer_arm(tc->t->loop, &tc->close_tm, 0);
}

static void
login_timeout(struct evloop *l, void *arg)
{
	struct tconn *tc = arg;

	(void)l;
	if (tc->state == TC_XPT_UP) {
		tsim_vlog(tc->t, "conn %u: login not finished in time", tc->id);
		tconn_close_now(tc, false);
	}
}

/* ---- send path ---------------------------------------------------------- */

void
tconn_stamp(struct tconn *tc, struct pdu *p, bool advance)
{
	uint32_t exp, max, statsn = tc->statsn;

	if (tc->sess != NULL) {
		exp = tc->sess->expcmdsn;
		max = tsession_maxcmdsn(tc->sess);
	} else {
		exp = tc->login != NULL ? tc->login->cmdsn : 0;
		max = exp + tc->t->cfg->cmdsn_window - 1;
	}
	if (advance)
		tc->statsn++;
	switch (p->opcode) {
	case PDU_OP_NOP_IN:
		p->u.nop_in.statsn = statsn;
		p->u.nop_in.expcmdsn = exp;
		p->u.nop_in.maxcmdsn = max;
		break;
	case PDU_OP_SCSI_RSP:
		p->u.scsi_rsp.statsn = statsn;
		p->u.scsi_rsp.expcmdsn = exp;
		p->u.scsi_rsp.maxcmdsn = max;
		break;
	case PDU_OP_TMF_RSP:
		p->u.tmf_rsp.statsn = statsn;
		p->u.tmf_rsp.expcmdsn = exp;
		p->u.tmf_rsp.maxcmdsn = max;
		break;
	case PDU_OP_LOGIN_RSP:
		p->u.login_rsp.statsn = statsn;
		p->u.login_rsp.expcmdsn = exp;
		p->u.login_rsp.maxcmdsn = max;
		break;
	case PDU_OP_TEXT_RSP:
		p->u.text_rsp.statsn = statsn;
		p->u.text_rsp.expcmdsn = exp;
		p->u.text_rsp.maxcmdsn = max;
		break;
	case PDU_OP_DATA_IN:
		p->u.data_in.statsn = p->u.data_in.status_present ? statsn : 0;
		p->u.data_in.expcmdsn = exp;
		p->u.data_in.maxcmdsn = max;
		break;
	case PDU_OP_LOGOUT_RSP:
		p->u.logout_rsp.statsn = statsn;
		p->u.logout_rsp.expcmdsn = exp;
		p->u.logout_rsp.maxcmdsn = max;
		break;
	case PDU_OP_R2T:
		p->u.r2t.statsn = statsn;
		p->u.r2t.expcmdsn = exp;
		p->u.r2t.maxcmdsn = max;
		break;
	case PDU_OP_ASYNC:
		p->u.async.statsn = statsn;
		p->u.async.expcmdsn = exp;
		p->u.async.maxcmdsn = max;
		break;
	case PDU_OP_REJECT:
		p->u.reject.statsn = statsn;
		p->u.reject.expcmdsn = exp;
		p->u.reject.maxcmdsn = max;
		break;
	default:
		break;
	}
}

static int
hold_encoded(struct tconn *tc, const struct pdu *p,
    const struct pdu_digest_opts *d, struct tdelayed **out)
{
	struct tdelayed *dl = calloc(1, sizeof(*dl));
	size_t len = pdu_encoded_len(p, d);

	if (dl == NULL || (dl->buf = malloc(len)) == NULL ||
	    pdu_encode(p, d, dl->buf, len, &dl->len) != PDU_OK) {
		if (dl != NULL)
			free(dl->buf);
		free(dl);
		return -1;
	}
	dl->tc = tc;
	evtimer_init(&dl->tm, NULL, dl);
	*tc->txhold_tail = dl;
	tc->txhold_tail = &dl->next;
	*out = dl;
	return 0;
}

int
tconn_send_plain(struct tconn *tc, const struct pdu *p,
    const struct pdu_digest_opts *d)
{
	struct tdelayed *dl;

	if (tc->ic.state != ICONN_UP)
		return -1;
	if (d == NULL)
		d = &tc->ic.tx_digests;
	if (tc->stall_until > evloop_now(tc->t->loop) || tc->txhold != NULL)
		return hold_encoded(tc, p, d, &dl);
	return iconn_send_opts(&tc->ic, p, d);
}

int
tconn_send(struct tconn *tc, struct pdu *p, bool advance)
{
	struct pdu_digest_opts d = tc->ic.tx_digests;

	if (tc->ic.state != ICONN_UP || tc->closing)
		return -1;
	tconn_stamp(tc, p, advance);
	tc->tx_unsplit = false;
	if (faults_tx(tc, p, &d) == FAULT_TX_DONE)
		return 0;
	/* long text goes in pieces with the C bit (tconn_long.c) */
	if ((p->opcode == PDU_OP_LOGIN_RSP || p->opcode == PDU_OP_TEXT_RSP) &&
	    p->data_len > tconn_text_limit(tc) && !tc->tx_unsplit)
		return tconn_long_send(tc, p, &d);
	return tconn_send_plain(tc, p, &d);
}

int
tconn_send_reject(struct tconn *tc, const struct pdu *rej, uint8_t reason)
{
	struct pdu p;
	uint8_t hdr[PDU_BHS_LEN];

	memset(hdr, 0, sizeof(hdr));
	if (rej->wire != NULL && rej->wire_len >= PDU_BHS_LEN)
		memcpy(hdr, rej->wire, PDU_BHS_LEN);
	pdu_init(&p, PDU_OP_REJECT);
	p.u.reject.reason = reason;
	p.u.reject.datasn = 0;
	pdu_set_data(&p, hdr, sizeof(hdr));
	return tconn_send(tc, &p, true);
}

void
tconn_protocol_error(struct tconn *tc, const struct pdu *p, uint8_t reason,
    const char *why)
{
	char lb[96];

	tc->t->stats.protocol_errors++;
	tsim_vlog(tc->t, "%s: %s %s: %s -> Reject %s",
	    tconn_label(tc, lb, sizeof(lb)), pdu_opcode_name(p->opcode) ?
	    pdu_opcode_name(p->opcode) : "PDU", tconn_state_name(tc->state),
	    why, catalog_reject_reason(reason) ?
	    catalog_reject_reason(reason)->name : "?");
	tconn_send_reject(tc, p, reason);
}

/* ---- receive dispatch --------------------------------------------------- */

typedef void (*tconn_handler)(struct tconn *, const struct pdu *);

#define S(x)	(1u << TC_##x)
#define S_FFP	(S(LOGGED_IN) | S(LOGOUT_REQUESTED))

static void ordered(struct tconn *, const struct pdu *, tconn_handler);

static void
h_login_other(struct tconn *tc, const struct pdu *p)
{
	/* RFC 7143 11.13.5: 0x020b, only Login Requests during login */
	tlogin_reject(tc, p, ISCSI_LOGIN_CLASS_INITIATOR_ERROR,
	    ISCSI_LOGIN_STATUS_INVALID_DURING_LOGIN & 0xff, NULL);
}

static void
h_login_in_ffp(struct tconn *tc, const struct pdu *p)
{
	tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
	    "Login Request in full feature phase");
}

static void
h_snack(struct tconn *tc, const struct pdu *p)
{
	/* ErrorRecoveryLevel 0: SNACK is not supported (RFC 7143 11.16) */
	tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
	    "SNACK with ErrorRecoveryLevel=0");
}

static void
h_unknown(struct tconn *tc, const struct pdu *p)
{
	tconn_protocol_error(tc, p, ISCSI_REJECT_COMMAND_NOT_SUPPORTED,
	    "opcode not supported here");
}

static void h_nop(struct tconn *tc, const struct pdu *p) { ordered(tc, p, tnop_rx); }
static void h_cmd(struct tconn *tc, const struct pdu *p) { ordered(tc, p, tscsi_command); }
static void h_tmf(struct tconn *tc, const struct pdu *p) { ordered(tc, p, tmf_rx); }
static void h_text(struct tconn *tc, const struct pdu *p) { ordered(tc, p, ttext_rx); }
static void h_logout(struct tconn *tc, const struct pdu *p) { ordered(tc, p, tlogout_rx); }

static void
h_ignore(struct tconn *tc, const struct pdu *p)
{
	tsim_vlog(tc->t, "conn %u: %s ignored in %s", tc->id,
	    pdu_opcode_name(p->opcode) ? pdu_opcode_name(p->opcode) : "PDU",
	    tconn_state_name(tc->state));
}

/* Rows are tried in order; opcode -1 matches any. */
static const struct {
	unsigned	 states;
	int		 opcode;
	tconn_handler	 fn;
} dispatch[] = {
	{ S(XPT_UP),	PDU_OP_LOGIN_REQ,	tlogin_rx },	/* T4, T5 */
	{ S(XPT_UP),	-1,			h_login_other },
	{ S_FFP,	PDU_OP_SCSI_CMD,	h_cmd },
	{ S_FFP,	PDU_OP_DATA_OUT,	tdata_out },
	{ S_FFP,	PDU_OP_NOP_OUT,		h_nop },
	{ S_FFP,	PDU_OP_TMF_REQ,		h_tmf },
	{ S_FFP,	PDU_OP_TEXT_REQ,	h_text },
	{ S_FFP,	PDU_OP_LOGOUT_REQ,	h_logout },	/* T9, T10 */
	{ S_FFP,	PDU_OP_SNACK_REQ,	h_snack },
	{ S_FFP,	PDU_OP_LOGIN_REQ,	h_login_in_ffp },
	{ S_FFP,	-1,			h_unknown },
	{ S(IN_LOGOUT),	PDU_OP_NOP_OUT,		h_nop },
	{ S(IN_LOGOUT) | S(CLEANUP_WAIT) | S(FREE), -1, h_ignore },
};

static void
ordered(struct tconn *tc, const struct pdu *p, tconn_handler fn)
{
	struct tsession *s = tc->sess;

	if (s == NULL)
		return;
	switch (tsession_order(s, tc, p)) {
	case TS_NOW:
		fn(tc, p);
		tsession_drain(s);
		break;
	case TS_QUEUED:
		break;
	case TS_DROP:
		tsim_vlog(tc->t, "conn %u: %s CmdSN %u outside [%u, %u]: "
		    "ignored", tc->id, pdu_opcode_name(p->opcode),
		    tsession_cmdsn_of(p), s->expcmdsn, tsession_maxcmdsn(s));
		break;
	}
}

void
tconn_dispatch(struct tconn *tc, const struct pdu *p,
    const struct pdu_error *err)
{
	size_t i;

	if (err->code == PDU_EDDIGEST) {
		/* RFC 7143 7.8: discard, Reject with Data Digest Error */
		tconn_protocol_error(tc, p, ISCSI_REJECT_DATA_DIGEST_ERROR,
		    "data digest error");
		return;
	}
	if (err->code == PDU_EOVERSIZE) {
		tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
		    "data segment over our MaxRecvDataSegmentLength");
		/* 7.3: the Reject does not end the task; its data is lost */
		if (p->opcode == PDU_OP_DATA_OUT &&
		    (tc->state == TC_LOGGED_IN ||
		    tc->state == TC_LOGOUT_REQUESTED))
			tdata_out_lost(tc, p);
		return;
	}
	if (tc->state == TC_LOGGED_IN && tc->sess != NULL &&
	    tc->sess->discovery && (p->opcode == PDU_OP_SCSI_CMD ||
	    p->opcode == PDU_OP_TMF_REQ || p->opcode == PDU_OP_DATA_OUT)) {
		tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
		    "not allowed in a discovery session");
		return;
	}
	for (i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++)
		if ((dispatch[i].states & (1u << tc->state)) &&
		    (dispatch[i].opcode == -1 || dispatch[i].opcode == p->opcode)) {
			dispatch[i].fn(tc, p);
			return;
		}
}

static void
tconn_on_pdu(struct iconn *ic, const struct pdu *p, const struct pdu_error *err,
    void *arg)
{
	struct tconn *tc = arg;
	char lb[96];

	(void)ic;
	if (tc->closing || tc->state == TC_FREE)
		return;
	if (err->code != PDU_OK) {
		tsim_vlog(tc->t, "%s: received %s: %s",
		    tconn_label(tc, lb, sizeof(lb)),
		    pdu_opcode_name(p->opcode) ? pdu_opcode_name(p->opcode) :
		    "PDU", err->msg[0] ? err->msg : pdu_strerror(err->code));
		if (pdu_status_class(err->code) == PDU_CLASS_FRAMING)
			return;	/* iconn closes: framing is lost */
	}
	if (faults_rx(tc, p, err))
		return;
	if (tc->held != NULL) {		/* keep the order behind a delay */
		tconn_hold_rx(tc, p, err->code == PDU_EDDIGEST, 0);
		return;
	}
	if (err->code == PDU_EOPCODE) {
		tconn_protocol_error(tc, p, ISCSI_REJECT_COMMAND_NOT_SUPPORTED,
		    "unknown opcode");
		return;
	}
	tconn_dispatch(tc, p, err);
}

void
tconn_enter_ffp(struct tconn *tc)
{
	tc->state = TC_LOGGED_IN;
	tc->t_ffp = evloop_now(tc->t->loop);
	evtimer_disarm(tc->t->loop, &tc->login_tm);
	tnop_arm(tc);
	faults_event(tc, FAULT_EV_FFP);
}
