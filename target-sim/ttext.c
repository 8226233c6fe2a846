/*
 * Text Request / Response in full feature phase (RFC 7143 11.10, 11.11,
 * 6.1.1 long text, appendix C SendTargets): keys through the negotiation
 * engine, SendTargets answered from the configuration, responses longer
 * than the initiator's MaxRecvDataSegmentLength split with the C bit and
 * continued on its empty Text Requests carrying our Target Transfer Tag.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "names.h"
#include "tsim_impl.h"

static bool
is_wildcard(const struct netaddr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	if (a->ss.ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
		    &((const struct sockaddr_in6 *)&a->ss)->sin6_addr);
	return false;
}

int
ttext_target_addresses(struct tsim *t, const struct ttarget *tg,
    const struct netaddr *local, struct text_builder *b)
{
	char a[NETADDR_STRLEN];
	size_t i;
	int rc;

	for (i = 0; i < t->nportals; i++) {
		const struct tportal *p = &t->portals[i];
		struct netaddr na = p->addr;

		if (!tsim_target_on_portal(tg, p) || p->fd == -1)
			continue;
		if (is_wildcard(&na) && local != NULL) {
			na = *local;
			netaddr_set_port(&na, netaddr_port(&p->addr));
		}
		rc = text_builder_addf(b, "TargetAddress", "%s,%u",
		    netaddr_format(&na, a, sizeof(a)), p->cfg->tpgt);
		if (rc != TEXT_OK)
			return rc;
	}
	for (i = 0; i < tg->cfg->naddrs; i++)
		if ((rc = text_builder_add(b, "TargetAddress",
		    tg->cfg->addrs[i])) != TEXT_OK)
			return rc;
	return TEXT_OK;
}

static int
one_target(struct tsim *t, const struct ttarget *tg, const struct netaddr *local,
    struct text_builder *b)
{
	int rc = text_builder_add(b, "TargetName", tg->cfg->name);

	if (rc != TEXT_OK)
		return rc;
	return ttext_target_addresses(t, tg, local, b);
}

int
ttext_sendtargets(struct tsim *t, struct tsession *s, const char *value,
    const struct netaddr *local, struct text_builder *b)
{
	struct ttarget *tg;
	size_t i;
	int rc;

	if (s->discovery && strcmp(value, "All") == 0) {
		for (i = 0; i < t->ntargets; i++)
			if ((rc = one_target(t, &t->targets[i], local, b)) !=
			    TEXT_OK)
				return rc;
		return TEXT_OK;
	}
	if (value[0] == '\0' || strcmp(value, "All") == 0) {
		/* normal session: the session's own target (appendix C) */
		if (s->target == NULL)
			return TEXT_OK;
		return one_target(t, s->target, local, b);
	}
	tg = tsim_target_by_name(t, value);
	if (tg == NULL || (!s->discovery && tg != s->target))
		return TEXT_OK;		/* nothing to report */
	return one_target(t, tg, local, b);
}

/* ---- responses ---------------------------------------------------------- */

static void
empty_rsp(struct tconn *tc, const struct pdu *req, bool final)
{
	struct pdu p;
	struct tsession *s = tc->sess;

	pdu_init(&p, PDU_OP_TEXT_RSP);
	p.itt = req->itt;
	p.final = final;
	p.u.text_rsp.ttt = PDU_TAG_RESERVED;
	if (!final)
		do
			p.u.text_rsp.ttt = s->next_ttt++;
		while (p.u.text_rsp.ttt == PDU_TAG_RESERVED);
	tc->treq_ttt = p.u.text_rsp.ttt;
	tconn_send(tc, &p, true);
}

static void
negotiate(struct tconn *tc, const struct pdu *p, const struct text_list *list)
{
	struct tsim *t = tc->t;
	struct tsession *s = tc->sess;
	struct text_builder b;
	struct keys_result r;
	struct pdu rsp;
	size_t i;

	if (tc->tneg == NULL) {
		if ((tc->tneg = malloc(sizeof(*tc->tneg))) == NULL) {
			tconn_close_now(tc, false);
			return;
		}
		keys_neg_init(tc->tneg, KEYS_ROLE_TARGET,
		    s->target != NULL ? &s->target->local : &t->local);
		tc->tneg->params.s = s->sp;
		tc->tneg->params.s.session_type = s->discovery ?
		    KEYS_SESSION_DISCOVERY : KEYS_SESSION_NORMAL;
	}
	tc->tneg->stage = KEYS_STAGE_FFP;
	keys_neg_new_sequence(tc->tneg);
	text_builder_init(&b, 1u << 20);
	for (i = 0; i < list->npairs; i++) {
		const struct text_pair *pr = &list->pairs[i];

		if (strcmp(pr->key, "SendTargets") == 0) {
			ttext_sendtargets(t, s, pr->value, &tc->ic.local, &b);
			continue;
		}
		keys_negotiate(tc->tneg, pr->key, pr->value, &r);
		if (r.id == KEYS_MAX_RECV_DATA_SEGMENT_LENGTH &&
		    r.status == KEYS_S_DECLARED)
			tc->max_send_dsl = tc->tneg->params.c.max_send_dsl;
		if (r.action == KEYS_ACT_ANSWER || r.action == KEYS_ACT_FAIL)
			text_builder_add(&b, pr->key, r.action == KEYS_ACT_ANSWER ?
			    r.answer : "Reject");
	}
	/* the whole response: tconn_send cuts it to the initiator's MRDSL */
	pdu_init(&rsp, PDU_OP_TEXT_RSP);
	rsp.itt = p->itt;
	rsp.final = true;
	rsp.u.text_rsp.ttt = PDU_TAG_RESERVED;
	pdu_set_data(&rsp, b.buf, (uint32_t)b.len);
	tconn_send(tc, &rsp, true);
	text_builder_free(&b);
}

void
ttext_rx(struct tconn *tc, const struct pdu *p)
{
	const struct pdu_text_req *rq = &p->u.text_req;
	struct text_list list;
	struct text_error terr;

	if (rq->ttt != PDU_TAG_RESERVED) {
		/* 11.10.4: continue a response we split */
		if (tconn_long_pending(tc) && rq->ttt == tconn_long_ttt(tc) &&
		    p->itt == tconn_long_itt(tc) && p->data_len == 0) {
			tconn_long_next(tc, true);
			return;
		}
		if (rq->ttt == tc->treq_ttt && tc->tacc.len > 0)
			goto accumulate;	/* more of a split request */
		tconn_protocol_error(tc, p, ISCSI_REJECT_INVALID_PDU_FIELD,
		    "Text Request with a Target Transfer Tag we did not give");
		return;
	}
	tconn_long_free(tc);		/* a new request resets (11.10.4) */
accumulate:
	if (text_accum_add(&tc->tacc, p->data, p->data_len, rq->cont) !=
	    TEXT_OK) {
		text_accum_reset(&tc->tacc);
		tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
		    "Text Request data too long");
		return;
	}
	if (rq->cont) {
		empty_rsp(tc, p, false);
		return;
	}
	memset(&list, 0, sizeof(list));
	if (text_accum_parse(&tc->tacc, keys_value_limit, TEXT_PARSE_PAD_OK,
	    &list, &terr) != TEXT_OK) {
		text_accum_reset(&tc->tacc);
		tconn_protocol_error(tc, p, ISCSI_REJECT_PROTOCOL_ERROR,
		    "malformed text");
		return;
	}
	text_accum_reset(&tc->tacc);
	negotiate(tc, p, &list);
	text_list_free(&list);
}
