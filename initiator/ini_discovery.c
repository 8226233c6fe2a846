/*
 * Text exchanges in full feature phase (RFC 7143 11.10, 11.11): SendTargets
 * on a discovery session (RFC 7143 appendix C) with the C bit and TTT
 * continuation, the parse of its answer (seed "Node Names": a target with
 * an invalid name is ignored and reported with iScsiExe event 114, which
 * carries the invalid name), and the renegotiation an Async message 4 asks
 * for.  Timeouts: event 46 (SendTargets), 50 (renegotiation).
 */
#include <stdlib.h>
#include <string.h>

#include "ini_internal.h"
#include "log.h"

struct ini_text_xchg {
	struct ini_session	*s;
	uint32_t		 itt;
	bool			 renegotiate;
	bool			 done;
	uint32_t		 isdsc;
	struct text_accum	 acc;
	struct ini_text_out	 out;		/* a request going out in parts */
	struct evtimer		 timer;
	struct text_list	 list;		/* the answer, once done */
};

static void
text_finish(struct ini_text_xchg *x, uint32_t isdsc)
{
	if (x->done)
		return;
	x->done = true;
	x->isdsc = isdsc;
	evtimer_disarm(x->s->node->loop, &x->timer);
}

void
ini_text_fail(struct ini_session *s, uint32_t isdsc)
{
	if (s->text != NULL)
		text_finish(s->text, isdsc);
}

static void
text_timeout(struct evloop *l, void *arg)
{
	struct ini_text_xchg *x = arg;
	struct ini_session *s = x->s;

	(void)l;
	/* event 46 (SendTargets) or 50 (renegotiation) */
	ini_ev_simple(s->node, s, s->conn, x->renegotiate ?
	    ISCSI_EV_TEXT_TIMEOUT : ISCSI_EV_SENDTARGETS_TIMEOUT,
	    ISDSC_NON_SPECIFIC_ERROR);
	s->stats.timeouts++;
	text_finish(x, ISDSC_NON_SPECIFIC_ERROR);
}

static int
text_send_pdu(struct ini_conn *c, struct ini_text_xchg *x, const void *data,
    size_t len, bool more, uint32_t ttt)
{
	struct ini_session *s = c->sess;
	struct pdu p;

	pdu_init(&p, PDU_OP_TEXT_REQ);
	p.final = !more;		/* 11.10.2: C=1 needs F=0 */
	p.u.text_req.cont = more;
	p.itt = x->itt;
	p.u.text_req.ttt = ttt;
	p.u.text_req.cmdsn = s->cmdsn++;
	p.u.text_req.expstatsn = c->expstatsn;
	pdu_set_data(&p, data, (uint32_t)len);
	evtimer_arm(s->node->loop, &x->timer, ini_ms(s->node->cfg.text_timeout_ms));
	return ini_conn_send(c, &p);
}

/* The next part of a request split with the C bit, with the TTT the
 * target's answer to the previous part gave (11.10.4). */
static int
text_send_part(struct ini_conn *c, struct ini_text_xchg *x, uint32_t ttt)
{
	const uint8_t *data;
	size_t len;
	bool more;
	int rc;

	if (!ini_text_out_next(&x->out, &data, &len, &more))
		return -1;
	rc = text_send_pdu(c, x, data, len, more, ttt);
	if (!more)
		ini_text_out_free(&x->out);	/* sent or queued: a copy */
	return rc;
}

/* A Text Request, in parts when longer than the target's
 * MaxRecvDataSegmentLength (RFC 7143 11.10.2, 13.12). */
static int
text_send(struct ini_conn *c, struct ini_text_xchg *x, const void *data,
    size_t len, uint32_t ttt)
{
	uint32_t max = c->params.c.max_send_dsl;

	if (ini_text_out_start(&x->out, data, len, max > 0 ? max : 8192))
		return text_send_part(c, x, ttt);
	return text_send_pdu(c, x, data, len, false, ttt);
}

static struct ini_text_xchg *
text_new(struct ini_session *s, bool renegotiate)
{
	struct ini_text_xchg *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->s = s;
	x->renegotiate = renegotiate;
	x->itt = ini_session_next_itt(s);
	text_accum_init(&x->acc, 0);
	evtimer_init(&x->timer, text_timeout, x);
	s->text = x;
	return x;
}

static void
text_free(struct ini_text_xchg *x)
{
	if (x == NULL)
		return;
	evtimer_disarm(x->s->node->loop, &x->timer);
	if (x->s->text == x)
		x->s->text = NULL;
	text_accum_free(&x->acc);
	text_list_free(&x->list);
	ini_text_out_free(&x->out);
	free(x);
}

int
ini_text_start(struct ini_conn *c, bool renegotiate, const void *data,
    size_t len)
{
	struct ini_text_xchg *x;

	if (c->sess->text != NULL || (x = text_new(c->sess, renegotiate)) == NULL)
		return -1;
	return text_send(c, x, data, len, PDU_TAG_RESERVED);
}

static void
renegotiated(struct ini_conn *c, struct ini_text_xchg *x)
{
	const struct text_pair *mrdsl = text_list_find(&x->list,
	    "MaxRecvDataSegmentLength");
	uint64_t v;

	/* the target's declaration (13.12); other keys keep their values */
	if (mrdsl != NULL && text_parse_number(mrdsl->value, mrdsl->valuelen,
	    512, KEYS_MAX_LEN, &v) == TEXT_OK)
		c->params.c.max_send_dsl = (uint32_t)v;
	text_free(x);
}

void
ini_text_on_rsp(struct ini_conn *c, const struct pdu *p)
{
	struct ini_session *s = c->sess;
	struct ini_text_xchg *x = s->text;
	const struct pdu_text_rsp *r = &p->u.text_rsp;

	ini_ffp_check_statsn(c, r->statsn, true);
	ini_session_update_window(s, r->expcmdsn, r->maxcmdsn);
	if (x == NULL || x->done || p->itt != x->itt) {
		ini_ev_pdu(s->node, s, c, ISCSI_EV_UNKNOWN_TASK_TAG, 0, p, false);
		return;
	}
	evtimer_disarm(s->node->loop, &x->timer);
	if (x->out.active) {
		/* 11.10.2: a part sent with the C bit is answered empty */
		if (p->data_len != 0 || r->cont || p->final) {
			text_finish(x, ISDSC_INVALID_SENDTARGETS_TEXT);
			return;
		}
		text_send_part(c, x, r->ttt);
		return;
	}
	if (text_accum_add(&x->acc, p->data, p->data_len, r->cont) != TEXT_OK) {
		text_finish(x, ISDSC_INVALID_SENDTARGETS_TEXT);
		return;
	}
	if (r->cont || !p->final) {
		/* RFC 7143 11.11: ask for the rest, echoing the TTT */
		text_send(c, x, NULL, 0, r->ttt);
		return;
	}
	if (text_accum_parse(&x->acc, keys_value_limit, TEXT_PARSE_PAD_OK,
	    &x->list, NULL) != TEXT_OK) {
		text_finish(x, ISDSC_INVALID_SENDTARGETS_TEXT);
		return;
	}
	text_finish(x, INI_ISDSC_OK);
	if (x->renegotiate)
		renegotiated(c, x);
}

int
ini_text_renegotiate(struct ini_conn *c)
{
	char buf[64];
	int n;

	n = snprintf(buf, sizeof(buf), "MaxRecvDataSegmentLength=%u",
	    c->sess->node->cfg.max_recv_dsl);
	return ini_text_start(c, true, buf, (size_t)n + 1);
}

/* ---- SendTargets --------------------------------------------------------- */

struct disc_entry {
	struct ini_target_info	info;
	bool			valid;
};

static void
st_report(struct ini_node *n, const char *portal, const char *what)
{
	char code[16];

	snprintf(code, sizeof(code), "0x%08X", ISDSC_INVALID_SENDTARGETS_TEXT);
	ini_ev_service(n, ISCSIEXE_EVENTMSG_INVALID_SENDTARGETS_TEXT,
	    ISDSC_INVALID_SENDTARGETS_TEXT, code, portal, what);
}

static void
st_store(struct ini_node *n, const struct ini_portal *po,
    const char *portal, struct disc_entry *e)
{
	struct ini_target *t;

	if (!e->valid)
		return;
	if (e->info.naddrs == 0) {
		/* no TargetAddress: the portal we asked (RFC 7143 C.2) */
		snprintf(e->info.addrs[0].host, sizeof(e->info.addrs[0].host),
		    "%s", po->host);
		e->info.addrs[0].port = po->port;
		e->info.addrs[0].tpgt = -1;
		e->info.naddrs = 1;
	}
	if ((t = ini_target_get(n, e->info.name)) == NULL)
		return;
	t->info.discovered = true;
	snprintf(t->info.discovered_via, sizeof(t->info.discovered_via), "%s",
	    portal);
	memcpy(t->info.addrs, e->info.addrs, sizeof(t->info.addrs));
	t->info.naddrs = e->info.naddrs;
	if (e->info.alias[0] != '\0')
		memcpy(t->info.alias, e->info.alias, sizeof(t->info.alias));
	ini_login_opts_clear(&t->disc_opts);
	t->disc_opts = po->opts;
}

static void
st_parse(struct ini_node *n, const struct ini_portal *po,
    const struct text_list *l)
{
	struct disc_entry e;
	struct text_address ta;
	char portal[INI_HOST_MAX + 8];
	size_t i;

	snprintf(portal, sizeof(portal), "%s:%u", po->host, po->port);
	memset(&e, 0, sizeof(e));
	for (i = 0; i < l->npairs; i++) {
		const struct text_pair *kv = &l->pairs[i];

		if (strcmp(kv->key, "TargetName") == 0) {
			st_store(n, po, portal, &e);
			memset(&e, 0, sizeof(e));
			e.valid = names_validate(kv->value, kv->valuelen, NULL) ==
			    NAMES_OK && names_normalize(kv->value, kv->valuelen,
			    e.info.name, sizeof(e.info.name), NULL) == NAMES_OK;
			if (!e.valid)
				st_report(n, portal, kv->value);
		} else if (strcmp(kv->key, "TargetAddress") == 0 && e.valid) {
			if (text_parse_address(kv->value, kv->valuelen, &ta) !=
			    TEXT_OK) {
				st_report(n, portal, kv->value);
				continue;
			}
			if (e.info.naddrs == INI_MAX_ADDRS)
				continue;
			snprintf(e.info.addrs[e.info.naddrs].host,
			    sizeof(e.info.addrs[0].host), "%s", ta.host);
			e.info.addrs[e.info.naddrs].port = ta.port;
			e.info.addrs[e.info.naddrs].tpgt = ta.has_tpgt ?
			    ta.tpgt : -1;
			e.info.naddrs++;
		} else if (strcmp(kv->key, "TargetAlias") == 0 && e.valid)
			snprintf(e.info.alias, sizeof(e.info.alias), "%s",
			    kv->value);
	}
	st_store(n, po, portal, &e);
}

struct disc_op {
	bool		done;
	uint32_t	isdsc;
};

static void
disc_done(void *arg, uint32_t isdsc)
{
	struct disc_op *op = arg;

	op->done = true;
	op->isdsc = isdsc;
}

/* Upper bound of one login, a safety net over the login's own timers. */
static uint64_t
login_bound_ms(const struct ini_config *cfg)
{
	return ((uint64_t)cfg->connect_timeout_ms +
	    8ull * cfg->login_timeout_ms) * (cfg->max_redirects + 1ull) + 1000;
}

uint32_t
ini_discovery_run(struct ini_node *n, const struct ini_portal *po)
{
	struct ini_session *s;
	struct ini_text_xchg *x;
	struct disc_op op = { false, 0 };
	char portal[INI_HOST_MAX + 8], code[16];
	static const char st_all[] = "SendTargets=All";
	uint32_t rc;

	snprintf(portal, sizeof(portal), "%s:%u", po->host, po->port);
	if ((s = ini_session_new(n, NULL, true, &po->opts)) == NULL)
		return ISDSC_OUT_OF_RESOURCES;
	if (netaddr_parse(po->host, po->port, &s->portals[0], NULL, 0) != 0) {
		ini_session_free(s);
		return ISDSC_DNS_NAME_UNRESOLVED;
	}
	s->nportals = 1;
	ini_session_start_login(s, disc_done, &op);
	if (!ini_run_until(n, &op.done, login_bound_ms(&n->cfg)))
		op.isdsc = ISDSC_LOGIN_FAILED;
	if (op.isdsc != INI_ISDSC_OK) {
		snprintf(code, sizeof(code), "0x%08X", op.isdsc);
		ini_ev_service(n, ISCSIEXE_EVENTMSG_SENDTARGETS_DISCOVERY_FAILED,
		    op.isdsc, code, portal, NULL);
		ini_session_free(s);
		return op.isdsc;
	}
	if ((x = text_new(s, false)) == NULL) {
		ini_session_free(s);
		return ISDSC_OUT_OF_RESOURCES;
	}
	text_send(s->conn, x, st_all, sizeof(st_all), PDU_TAG_RESERVED);
	if (!ini_run_until(n, &x->done, 4ull * n->cfg.text_timeout_ms + 1000))
		text_finish(x, ISDSC_NON_SPECIFIC_ERROR);
	rc = x->isdsc;
	if (rc == INI_ISDSC_OK)
		st_parse(n, po, &x->list);
	else if (rc == ISDSC_INVALID_SENDTARGETS_TEXT)
		st_report(n, portal, "");
	text_free(x);
	/* end the discovery session; its outcome does not change the result */
	if (s->state == INI_Q3_LOGGED_IN) {
		op.done = false;
		ini_session_logout(s, disc_done, &op);
		ini_run_until(n, &op.done, (uint64_t)n->cfg.logout_timeout_ms +
		    1000);
	}
	ini_session_free(s);
	return rc;
}
