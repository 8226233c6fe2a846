/*
 * Fault actions: what a fired rule does to the received PDU, to the PDU
 * about to be sent, or on its own (timer rules, extra PDUs).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "faults.h"
#include "scsi.h"
#include "tsim_impl.h"

#define FAULT_DIGEST_XOR	0x5a5a5a5au
#define FAULT_BOGUS_ITT		0x7eadbeefu
#define FAULT_DEFAULT_STATSN_OFFSET	1000

static uint64_t
ms_ns(uint64_t ms)
{
	return ms * EV_NSEC_PER_MSEC;
}

/* ---- login answers ------------------------------------------------------ */

static void
redirect(struct tconn *tc, const struct fault_action *a, const struct pdu *p)
{
	char addr[TEXT_VALUE_MAX + 1], na[NETADDR_STRLEN];
	int idx;

	if (a->address[0] != '\0')
		snprintf(addr, sizeof(addr), "%s", a->address);
	else if ((idx = tsim_config_portal_by_name(tc->t->cfg, a->portal)) >= 0) {
		/* RFC 7143 13.8: in a redirect the comma and portal group
		 * tag MUST be omitted */
		snprintf(addr, sizeof(addr), "%s",
		    netaddr_format(&tc->t->portals[idx].addr, na, sizeof(na)));
	} else
		snprintf(addr, sizeof(addr), "%s", a->portal);
	tlogin_reject(tc, p, ISCSI_LOGIN_CLASS_REDIRECTION,
	    a->permanent ? ISCSI_LOGIN_STATUS_TARGET_MOVED_PERMANENTLY & 0xff :
	    ISCSI_LOGIN_STATUS_TARGET_MOVED_TEMPORARILY & 0xff, addr);
}

/* ---- PDUs of their own -------------------------------------------------- */

static void
send_async(struct tconn *tc, const struct fault_action *a)
{
	uint8_t sense[2 + SCSI_SENSE_FIXED_LEN];
	struct pdu p;
	size_t n;

	pdu_init(&p, PDU_OP_ASYNC);
	p.itt = PDU_TAG_RESERVED;
	p.u.async.event = a->event;
	p.u.async.vcode = a->vcode;
	p.u.async.param1 = a->param[0];
	p.u.async.param2 = a->param[1];
	p.u.async.param3 = a->param[2];
	if (a->event == ISCSI_ASYNC_CONNECTION_DROP && a->param[0] == 0)
		p.u.async.param1 = tc->cid;
	if (a->event == ISCSI_ASYNC_SCSI_EVENT) {
		/* 11.9.4: sense data of the event: REPORTED LUNS DATA CHANGED */
		n = scsi_sense_fixed(sense + 2, sizeof(sense) - 2,
		    SCSI_SENSE_UNIT_ATTENTION, SCSI_ASC_REPORTED_LUNS_DATA_CHANGED);
		sense[0] = 0;
		sense[1] = (uint8_t)n;
		pdu_set_data(&p, sense, (uint32_t)(n + 2));
	}
	tconn_send(tc, &p, true);
	switch (a->event) {
	case ISCSI_ASYNC_LOGOUT_REQUEST:
		if (tc->state == TC_LOGGED_IN)
			tc->state = TC_LOGOUT_REQUESTED;	/* S7 */
		break;
	case ISCSI_ASYNC_CONNECTION_DROP:
		if (a->async_drop)
			tconn_close_after_flush(tc, false);
		break;
	case ISCSI_ASYNC_SESSION_DROP:
		if (a->async_drop && tc->sess != NULL)
			tsession_close(tc->sess, false);
		else if (a->async_drop)
			tconn_close_after_flush(tc, false);
		break;
	default:
		break;
	}
}

static uint8_t *
pattern(struct faults *f, size_t len, uint8_t c)
{
	uint8_t *b = faults_scratch(f, len ? len : 1);

	if (b != NULL)
		memset(b, c, len);
	return b;
}

static void
send_invalid(struct faults *f, struct tconn *tc, const struct fault_action *a)
{
	uint32_t extra = a->bytes;
	struct pdu p;
	uint8_t *b;

	switch (a->kind) {
	case FAULT_INV_UNKNOWN_OPCODE:
		pdu_init(&p, a->opcode);
		p.itt = PDU_TAG_RESERVED;
		tconn_send_plain(tc, &p, NULL);
		return;
	case FAULT_INV_BAD_STATSN:
		pdu_init(&p, PDU_OP_NOP_IN);
		p.itt = PDU_TAG_RESERVED;
		p.u.nop_in.ttt = PDU_TAG_RESERVED;
		tconn_stamp(tc, &p, false);
		p.u.nop_in.statsn += (uint32_t)(a->offset ? a->offset :
		    FAULT_DEFAULT_STATSN_OFFSET);
		tconn_send_plain(tc, &p, NULL);
		return;
	case FAULT_INV_UNKNOWN_ITT:
	case FAULT_INV_DATA_IN_RESPONSE:
		pdu_init(&p, PDU_OP_SCSI_RSP);
		p.itt = FAULT_BOGUS_ITT;
		if (a->kind == FAULT_INV_DATA_IN_RESPONSE) {
			if ((b = pattern(f, extra ? extra : 64, 'D')) == NULL)
				return;
			b[0] = b[1] = 0;	/* SenseLength 0, then data */
			pdu_set_data(&p, b, extra ? extra : 64);
		}
		tconn_stamp(tc, &p, true);
		tconn_send_plain(tc, &p, NULL);
		return;
	case FAULT_INV_INVALID_R2T:
		pdu_init(&p, PDU_OP_R2T);
		p.itt = FAULT_BOGUS_ITT;
		p.u.r2t.ttt = 1;
		p.u.r2t.ddtl = 0;	/* 11.8.7: must not be 0 */
		tconn_stamp(tc, &p, false);
		tconn_send_plain(tc, &p, NULL);
		return;
	case FAULT_INV_MORE_DATA:
		if ((b = pattern(f, extra ? extra : 512, 'M')) == NULL)
			return;
		pdu_init(&p, PDU_OP_DATA_IN);
		p.itt = FAULT_BOGUS_ITT;
		p.u.data_in.ttt = PDU_TAG_RESERVED;
		pdu_set_data(&p, b, extra ? extra : 512);
		tconn_stamp(tc, &p, false);
		tconn_send_plain(tc, &p, NULL);
		return;
	case FAULT_INV_OVER_MRDSL:
		tnop_ping(tc, tc->max_send_dsl + (extra ? extra : 4));
		return;
	default:
		return;
	}
}

void
faults_send_standalone(struct faults *f, struct tconn *tc,
    const struct fault_rule *r)
{
	switch (r->a.type) {
	case FAULT_ACT_ASYNC:
		send_async(tc, &r->a);
		break;
	case FAULT_ACT_NOP_IN:
		tnop_ping(tc, r->a.bytes);
		break;
	case FAULT_ACT_INVALID_PDU:
		send_invalid(f, tc, &r->a);
		break;
	default:
		break;
	}
}

/* ---- incoming ----------------------------------------------------------- */

bool
faults_act_rx(struct faults *f, struct tconn *tc, const struct fault_rule *r,
    const struct pdu *p, const struct pdu_error *err)
{
	const struct fault_action *a = &r->a;
	uint64_t until = evloop_now(tc->t->loop) + ms_ns(a->ms);
	bool dd = err != NULL && err->code == PDU_EDDIGEST;

	switch (a->type) {
	case FAULT_ACT_LOGIN_STATUS:
		if (p->opcode != PDU_OP_LOGIN_REQ || tc->login == NULL)
			return false;
		tlogin_reject(tc, p, a->status_class, a->status_detail, NULL);
		return true;
	case FAULT_ACT_REDIRECT:
		if (p->opcode != PDU_OP_LOGIN_REQ || tc->login == NULL)
			return false;
		redirect(tc, a, p);
		return true;
	case FAULT_ACT_REJECT:
		tconn_send_reject(tc, p, a->reason);
		tsession_consume(tc->sess, p);
		return true;
	case FAULT_ACT_DROP:
		tconn_close_now(tc, a->rst);
		return true;
	case FAULT_ACT_STALL:
		tconn_hold_tx_until(tc, until);
		tconn_hold_rx(tc, p, dd, until);
		return true;
	case FAULT_ACT_DELAY:
		tconn_hold_rx(tc, p, dd, until);
		return true;
	case FAULT_ACT_IGNORE:
		return true;
	case FAULT_ACT_ASYNC:
	case FAULT_ACT_NOP_IN:
	case FAULT_ACT_INVALID_PDU:
		faults_send_standalone(f, tc, r);
		return false;
	default:
		return false;
	}
}

/* ---- outgoing ----------------------------------------------------------- */

static void
set_statsn(struct pdu *p, int64_t delta)
{
	uint32_t d = (uint32_t)delta;

	switch (p->opcode) {
	case PDU_OP_NOP_IN:	p->u.nop_in.statsn += d; break;
	case PDU_OP_SCSI_RSP:	p->u.scsi_rsp.statsn += d; break;
	case PDU_OP_TMF_RSP:	p->u.tmf_rsp.statsn += d; break;
	case PDU_OP_LOGIN_RSP:	p->u.login_rsp.statsn += d; break;
	case PDU_OP_TEXT_RSP:	p->u.text_rsp.statsn += d; break;
	case PDU_OP_DATA_IN:	p->u.data_in.statsn += d; break;
	case PDU_OP_LOGOUT_RSP:	p->u.logout_rsp.statsn += d; break;
	case PDU_OP_R2T:	p->u.r2t.statsn += d; break;
	case PDU_OP_ASYNC:	p->u.async.statsn += d; break;
	case PDU_OP_REJECT:	p->u.reject.statsn += d; break;
	default:		break;
	}
}

/* Data segment of p grown to len with fill bytes (copy in scratch). */
static int
grow_data(struct faults *f, struct pdu *p, uint32_t len, uint8_t fill)
{
	uint8_t *b = faults_scratch(f, len ? len : 1);

	if (b == NULL)
		return -1;
	if (p->data_len > 0 && p->data != b)
		memmove(b, p->data, p->data_len < len ? p->data_len : len);
	if (len > p->data_len)
		memset(b + p->data_len, fill, len - p->data_len);
	pdu_set_data(p, b, len);
	return 0;
}

static void
alter_invalid(struct faults *f, struct tconn *tc, const struct fault_action *a,
    struct pdu *p)
{
	uint32_t extra = a->bytes;

	switch (a->kind) {
	case FAULT_INV_BAD_STATSN:
		set_statsn(p, a->offset ? a->offset : FAULT_DEFAULT_STATSN_OFFSET);
		break;
	case FAULT_INV_UNKNOWN_ITT:
		p->itt = FAULT_BOGUS_ITT;
		break;
	case FAULT_INV_INVALID_R2T:
		/* beyond any transfer length, and a zero length (11.8.7) */
		p->u.r2t.buffer_offset += 0x40000000u;
		p->u.r2t.ddtl = 0;
		break;
	case FAULT_INV_MORE_DATA:
		grow_data(f, p, p->data_len + (extra ? extra : 512), 'M');
		break;
	case FAULT_INV_DATA_IN_RESPONSE:
		p->data_len = 0;
		if (grow_data(f, p, extra ? extra : 64, 'D') == 0)
			((uint8_t *)(uintptr_t)p->data)[0] =
			    ((uint8_t *)(uintptr_t)p->data)[1] = 0;
		break;
	case FAULT_INV_OVER_MRDSL:
		grow_data(f, p, tc->max_send_dsl + (extra ? extra : 4), 'O');
		tc->tx_unsplit = true;	/* oversize on purpose: no C bit */
		break;
	case FAULT_INV_UNKNOWN_OPCODE:
		send_invalid(f, tc, a);
		break;
	default:
		break;
	}
}

enum fault_tx
faults_act_tx(struct faults *f, struct tconn *tc, const struct fault_rule *r,
    struct pdu *p, struct pdu_digest_opts *d)
{
	const struct fault_action *a = &r->a;
	uint64_t now = evloop_now(tc->t->loop);
	size_t len;
	uint8_t *buf;

	switch (a->type) {
	case FAULT_ACT_NEGOTIATE:
		faults_negotiate_edit(f, tc, r, p);
		return FAULT_TX_SEND;
	case FAULT_ACT_CORRUPT_DIGEST:
		if (a->header)
			d->header_xor = FAULT_DIGEST_XOR;
		else
			d->data_xor = FAULT_DIGEST_XOR;
		return FAULT_TX_SEND;
	case FAULT_ACT_DROP:
		if (a->after) {
			tconn_send_plain(tc, p, d);
			tconn_close_after_flush(tc, a->rst);
		} else
			tconn_close_now(tc, a->rst);
		return FAULT_TX_DONE;
	case FAULT_ACT_STALL:
		tconn_hold_tx_until(tc, now + ms_ns(a->ms));
		iconn_pause_rx(&tc->ic, true);
		return FAULT_TX_SEND;	/* held by the send path */
	case FAULT_ACT_DELAY:
		len = pdu_encoded_len(p, d);
		if ((buf = malloc(len)) == NULL)
			return FAULT_TX_SEND;
		if (pdu_encode(p, d, buf, len, &len) == PDU_OK)
			tconn_send_delayed(tc, buf, len, ms_ns(a->ms));
		free(buf);
		return FAULT_TX_DONE;
	case FAULT_ACT_IGNORE:
		return FAULT_TX_DONE;
	case FAULT_ACT_ASYNC:
	case FAULT_ACT_NOP_IN:
		faults_send_standalone(f, tc, r);
		return FAULT_TX_SEND;
	case FAULT_ACT_INVALID_PDU:
		alter_invalid(f, tc, a, p);
		return FAULT_TX_SEND;
	case FAULT_ACT_LOGOUT_RESPONSE:
		if (p->opcode == PDU_OP_LOGOUT_RSP)
			p->u.logout_rsp.response = a->reason;
		return FAULT_TX_SEND;
	default:
		return FAULT_TX_SEND;
	}
}

void
faults_act_timer(struct faults *f, struct tconn *tc, const struct fault_rule *r)
{
	const struct fault_action *a = &r->a;

	switch (a->type) {
	case FAULT_ACT_DROP:
		tconn_close_now(tc, a->rst);
		break;
	case FAULT_ACT_STALL:
		tconn_hold_tx_until(tc, evloop_now(tc->t->loop) + ms_ns(a->ms));
		iconn_pause_rx(&tc->ic, true);
		break;
	default:
		faults_send_standalone(f, tc, r);
		break;
	}
}
