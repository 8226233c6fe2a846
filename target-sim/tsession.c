/*
 * Sessions: the table keyed by (InitiatorName, ISID, target) and TSIH,
 * the connections of each, the CmdSN window and in-order delivery of
 * non-immediate requests (RFC 7143 4.2.2.1, 3.2.2.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "serial.h"
#include "tsim_impl.h"

struct tsession *
tsession_find(struct tsim *t, const char *iname, const uint8_t *isid,
    const struct ttarget *target)
{
	struct tsession *s;

	for (s = t->sessions; s != NULL; s = s->next)
		if (s->target == target && memcmp(s->isid, isid, 6) == 0 &&
		    names_equal(s->iname, strlen(s->iname), iname,
		    strlen(iname)))
			return s;
	return NULL;
}

/* SPC-4 7.6.4.6: "<iSCSI name>,i,0x<ISID in 12 hex digits>" (lun.h) */
const char *
tsession_port_name(void *arg, uint64_t nexus)
{
	static char buf[LUN_PORT_NAME_MAX];
	struct tsim *t = arg;
	struct tsession *s;

	for (s = t->sessions; s != NULL; s = s->next)
		if (s->nexus == nexus) {
			snprintf(buf, sizeof(buf), "%s,i,0x%02x%02x%02x%02x%02x%02x",
			    s->iname, s->isid[0], s->isid[1], s->isid[2],
			    s->isid[3], s->isid[4], s->isid[5]);
			return buf;
		}
	return NULL;
}

struct tsession *
tsession_by_tsih(struct tsim *t, uint16_t tsih)
{
	struct tsession *s;

	for (s = t->sessions; s != NULL; s = s->next)
		if (s->tsih == tsih)
			return s;
	return NULL;
}

static uint16_t
new_tsih(struct tsim *t)
{
	unsigned tries;

	for (tries = 0; tries < 65536; tries++) {
		uint16_t v = t->next_tsih++;

		if (v != 0 && tsession_by_tsih(t, v) == NULL)
			return v;
	}
	return 0;
}

struct tsession *
tsession_new(struct tsim *t, struct tlogin *lg)
{
	struct tsession *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if ((s->tsih = new_tsih(t)) == 0) {
		free(s);
		return NULL;
	}
	s->t = t;
	s->ordinal = ++t->next_sess_ordinal;
	memcpy(s->isid, lg->isid, 6);
	snprintf(s->iname, sizeof(s->iname), "%s", lg->iname);
	s->target = lg->target;
	s->discovery = lg->discovery;
	s->sp = lg->neg.params.s;
	s->expcmdsn = lg->cmdsn;
	s->window = t->cfg->cmdsn_window;
	s->nexus = t->next_nexus++;
	s->next_ttt = 1;
	s->next = t->sessions;
	t->sessions = s;
	t->stats.sessions_created++;
	t->stats.sessions_open++;
	return s;
}

void
tsession_add_conn(struct tsession *s, struct tconn *tc)
{
	tc->sess = s;
	tc->snext = s->conns;
	s->conns = tc;
	s->nconns++;
}

static void
drop_queued(struct tsession *s, const struct tconn *only)
{
	struct tqueued **pp = &s->queue;

	while (*pp != NULL) {
		struct tqueued *q = *pp;

		if (only == NULL || q->tc == only) {
			*pp = q->next;
			free(q->h.buf);
			free(q);
		} else
			pp = &q->next;
	}
}

void
tsession_remove_conn(struct tsession *s, struct tconn *tc)
{
	struct tconn **pp;

	for (pp = &s->conns; *pp != NULL; pp = &(*pp)->snext)
		if (*pp == tc) {
			*pp = tc->snext;
			s->nconns--;
			break;
		}
	tc->sess = NULL;
	/* ErrorRecoveryLevel 0: the connection's tasks end with it */
	ttask_abort_all(s, NULL, tc);
	drop_queued(s, tc);
	if (s->nconns == 0) {
		tsim_vlog(s->t, "session tsih %u (%s) ended", s->tsih, s->iname);
		tsession_free(s);
	}
}

void
tsession_close(struct tsession *s, bool rst)
{
	struct tconn *tc;

	for (tc = s->conns; tc != NULL; tc = tc->snext)
		tconn_close_after_flush(tc, rst);
}

void
tsession_free(struct tsession *s)
{
	struct tsim *t = s->t;
	struct tsession **pp;
	struct tconn *tc;
	size_t i;

	for (pp = &t->sessions; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	ttask_abort_all(s, NULL, NULL);
	drop_queued(s, NULL);
	for (tc = s->conns; tc != NULL; tc = tc->snext)
		tc->sess = NULL;
	if (s->target != NULL)
		for (i = 0; i < s->target->nluns; i++)
			lun_nexus_lost(s->target->luns[i], s->nexus);
	t->stats.sessions_open--;
	free(s);
}

uint32_t
tsession_maxcmdsn(const struct tsession *s)
{
	return s->expcmdsn + s->window - 1;
}

struct tconn *
tsession_conn_by_cid(struct tsession *s, uint16_t cid)
{
	struct tconn *tc;

	for (tc = s->conns; tc != NULL; tc = tc->snext)
		if (tc->cid == cid)
			return tc;
	return NULL;
}

uint32_t
tsession_cmdsn_of(const struct pdu *p)
{
	switch (p->opcode) {
	case PDU_OP_SCSI_CMD:	return p->u.scsi_cmd.cmdsn;
	case PDU_OP_NOP_OUT:	return p->u.nop_out.cmdsn;
	case PDU_OP_TMF_REQ:	return p->u.tmf_req.cmdsn;
	case PDU_OP_TEXT_REQ:	return p->u.text_req.cmdsn;
	case PDU_OP_LOGOUT_REQ:	return p->u.logout_req.cmdsn;
	default:		return 0;
	}
}

static uint32_t
expstatsn_of(const struct pdu *p)
{
	switch (p->opcode) {
	case PDU_OP_SCSI_CMD:	return p->u.scsi_cmd.expstatsn;
	case PDU_OP_NOP_OUT:	return p->u.nop_out.expstatsn;
	case PDU_OP_TMF_REQ:	return p->u.tmf_req.expstatsn;
	case PDU_OP_TEXT_REQ:	return p->u.text_req.expstatsn;
	case PDU_OP_LOGOUT_REQ:	return p->u.logout_req.expstatsn;
	case PDU_OP_DATA_OUT:	return p->u.data_out.expstatsn;
	default:		return 0;
	}
}

enum tsession_order
tsession_order(struct tsession *s, struct tconn *tc, const struct pdu *p)
{
	uint32_t sn = tsession_cmdsn_of(p);
	struct tqueued *q, **pp;

	tc->exp_statsn = expstatsn_of(p);
	if (p->immediate)
		return TS_NOW;
	if (sn == s->expcmdsn) {
		s->expcmdsn++;
		return TS_NOW;
	}
	if (!sn_gt(sn, s->expcmdsn) || !sn_le(sn, tsession_maxcmdsn(s)))
		return TS_DROP;
	for (q = s->queue; q != NULL; q = q->next)
		if (q->cmdsn == sn)
			return TS_DROP;		/* duplicate */
	if ((q = calloc(1, sizeof(*q))) == NULL || theld_copy(&q->h, p) != 0) {
		free(q);
		return TS_DROP;
	}
	q->tc = tc;
	q->cmdsn = sn;
	for (pp = &s->queue; *pp != NULL && sn_lt((*pp)->cmdsn, sn);
	    pp = &(*pp)->next)
		;
	q->next = *pp;
	*pp = q;
	return TS_QUEUED;
}

static void
run(struct tconn *tc, const struct pdu *p)
{
	switch (p->opcode) {
	case PDU_OP_SCSI_CMD:	tscsi_command(tc, p); break;
	case PDU_OP_NOP_OUT:	tnop_rx(tc, p); break;
	case PDU_OP_TMF_REQ:	tmf_rx(tc, p); break;
	case PDU_OP_TEXT_REQ:	ttext_rx(tc, p); break;
	case PDU_OP_LOGOUT_REQ:	tlogout_rx(tc, p); break;
	default:		break;
	}
}

void
tsession_drain(struct tsession *s)
{
	while (s->queue != NULL && s->queue->cmdsn == s->expcmdsn) {
		struct tqueued *q = s->queue;

		s->queue = q->next;
		s->expcmdsn++;
		if (q->tc->ic.state == ICONN_UP && !q->tc->closing)
			run(q->tc, &q->h.p);
		free(q->h.buf);
		free(q);
	}
}

void
tsession_consume(struct tsession *s, const struct pdu *p)
{
	if (s == NULL || p->immediate || p->opcode == PDU_OP_DATA_OUT ||
	    p->opcode == PDU_OP_SNACK_REQ || p->opcode == PDU_OP_LOGIN_REQ ||
	    !pdu_opcode_is_initiator(p->opcode))
		return;
	if (tsession_cmdsn_of(p) == s->expcmdsn) {
		s->expcmdsn++;
		tsession_drain(s);
	}
}
