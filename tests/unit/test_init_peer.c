/* The fake target of the initiator unit tests (see test_init_peer.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "catalog.h"
#include "chap.h"
#include "sock.h"
#include "test_init_peer.h"

#define SCSI_GOOD		0x00
#define SCSI_CHECK_CONDITION	0x02

static void	peer_on_pdu(struct iconn *, const struct pdu *,
		    const struct pdu_error *, void *);
static void	peer_on_close(struct iconn *, int, void *);

static const struct iconn_ops peer_ops = {
	.on_pdu = peer_on_pdu,
	.on_close = peer_on_close,
};

void
fpeer_fill_sn(struct fpeer *f, uint32_t *statsn, uint32_t *exp, uint32_t *max)
{
	if (statsn != NULL)
		*statsn = f->statsn++;
	*exp = f->expcmdsn;
	*max = f->expcmdsn + (uint32_t)f->maxcmdsn_delta;
}

int
fpeer_send(struct fpeer *f, struct pdu *p)
{
	return f->live ? iconn_send(&f->c, p) : -1;
}

void
fpeer_drop(struct fpeer *f)
{
	if (f->live)
		iconn_close(&f->c, true);
	if (f->stop_listening_on_drop && f->lfd != -1) {
		evloop_fd_del(f->loop, &f->lh);
		close(f->lfd);
		f->lfd = -1;
	}
}

static void
peer_on_close(struct iconn *c, int err, void *arg)
{
	struct fpeer *f = arg;

	(void)c;
	(void)err;
	iconn_free(&f->c);
	f->live = false;
	if (f->neg_init)
		keys_neg_free(&f->neg);
	f->neg_init = false;
}

static void
peer_accept(struct evloop *l, int fd, unsigned ev, void *arg)
{
	struct fpeer *f = arg;
	int s;

	(void)fd;
	(void)ev;
	if ((s = sock_accept(f->lfd, NULL)) == -1)
		return;
	if (f->live) {		/* one connection at a time: the newest */
		iconn_free(&f->c);
		f->live = false;
		if (f->neg_init)
			keys_neg_free(&f->neg);
		f->neg_init = false;
	}
	if (iconn_attach(&f->c, l, s, 262144, &peer_ops, f) != 0) {
		close(s);
		return;
	}
	f->live = true;
	f->accepts++;
}

int
fpeer_start(struct fpeer *f, struct evloop *l)
{
	struct netaddr a;

	memset(f, 0, sizeof(*f));
	f->loop = l;
	f->statsn = 100;
	f->tsih_next = 0x10;
	f->maxcmdsn_delta = 31;
	keys_local_init(&f->local);
	f->local.value[KEYS_HEADER_DIGEST] = "CRC32C,None";
	f->local.value[KEYS_DATA_DIGEST] = "CRC32C,None";
	f->local.value[KEYS_DEFAULT_TIME2WAIT] = "0";
	f->local.value[KEYS_MAX_OUTSTANDING_R2T] = "1";
	f->local.value[KEYS_INITIAL_R2T] = "No";
	if (netaddr_parse_numeric("127.0.0.1", 0, &a, NULL, 0) != 0 ||
	    (f->lfd = sock_listen(&a, 4)) == -1)
		return -1;
	if (sock_local_addr(f->lfd, &a) != 0)
		return -1;
	f->port = netaddr_port(&a);
	return evloop_fd_add(l, &f->lh, f->lfd, EV_READ, peer_accept, f);
}

void
fpeer_stop(struct fpeer *f)
{
	if (f->live) {
		iconn_free(&f->c);
		f->live = false;
	}
	if (f->lfd != -1) {
		evloop_fd_del(f->loop, &f->lh);
		close(f->lfd);
		f->lfd = -1;
	}
	if (f->neg_init)
		keys_neg_free(&f->neg);
	f->neg_init = false;
	if (f->acc_init)
		text_accum_free(&f->acc);
	f->acc_init = false;
	free(f->chap_offer);
	f->chap_offer = NULL;
}

/* ---- login ---------------------------------------------------------------- */

static void
add_extra(struct text_builder *b, const char *extra)
{
	char buf[512];
	size_t i, n = strlen(extra);

	/* "Key=V|Key2=V2" -> "Key=V\0Key2=V2\0" */
	if (n + 1 > sizeof(buf))
		return;
	for (i = 0; i < n; i++)
		buf[i] = extra[i] == '|' ? '\0' : extra[i];
	buf[n] = '\0';
	text_builder_add_raw(b, buf, n + 1);
}

/* The value "Key=V" of login_override for key, or NULL. */
static const char *
override_for(const struct fpeer *f, const char *key, char *buf, size_t sz)
{
	const char *p = f->login_override, *e;
	size_t kl = strlen(key);

	while (p != NULL && *p != '\0') {
		e = strchr(p, '|');
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			snprintf(buf, sz, "%.*s", (int)((e != NULL ? (size_t)(e - p) :
			    strlen(p)) - kl - 1), p + kl + 1);
			return buf;
		}
		p = e != NULL ? e + 1 : NULL;
	}
	return NULL;
}

static void
answer_keys(struct fpeer *f, const struct text_list *l, struct text_builder *b)
{
	struct keys_result r;
	char buf[256];
	const char *ov;
	size_t i;

	for (i = 0; i < l->npairs; i++) {
		keys_negotiate(&f->neg, l->pairs[i].key, l->pairs[i].value, &r);
		if (r.action != KEYS_ACT_ANSWER)
			continue;
		ov = override_for(f, l->pairs[i].key, buf, sizeof(buf));
		text_builder_add(b, l->pairs[i].key, ov != NULL ? ov : r.answer);
	}
}

static void
login_rsp(struct fpeer *f, const struct pdu *req, struct text_builder *b,
    uint8_t cls, uint8_t det)
{
	const struct pdu_login_req *q = &req->u.login_req;
	struct pdu p;

	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.itt = req->itt;
	memcpy(p.u.login_rsp.isid, q->isid, 6);
	p.u.login_rsp.status_class = cls;
	p.u.login_rsp.status_detail = det;
	if (cls == 0) {
		p.u.login_rsp.transit = q->transit;
		p.u.login_rsp.csg = q->csg;
		p.u.login_rsp.nsg = q->transit ? q->nsg : 0;
		if (q->transit && q->nsg == PDU_STAGE_FULL_FEATURE)
			p.u.login_rsp.tsih = q->tsih != 0 ? q->tsih :
			    f->tsih_next++;
	}
	f->expcmdsn = q->cmdsn;
	fpeer_fill_sn(f, &p.u.login_rsp.statsn, &p.u.login_rsp.expcmdsn,
	    &p.u.login_rsp.maxcmdsn);
	pdu_set_data(&p, b->buf, (uint32_t)b->len);
	fpeer_send(f, &p);
	if (cls == 0 && p.u.login_rsp.transit &&
	    p.u.login_rsp.nsg == PDU_STAGE_FULL_FEATURE)
		iconn_set_digests(&f->c,
		    f->neg.params.c.header_digest == KEYS_DIGEST_CRC32C,
		    f->neg.params.c.data_digest == KEYS_DIGEST_CRC32C);
}

/* CHAP as a target (RFC 7143 12.1.3): algorithm 5, our challenge, the
 * initiator's response checked, a response to its challenge (mutual). */
static bool
chap_answer(struct fpeer *f, const struct text_list *l, struct text_builder *b)
{
	const struct text_pair *a = text_list_find(l, "CHAP_A");
	const struct text_pair *r = text_list_find(l, "CHAP_R");
	const struct text_pair *i = text_list_find(l, "CHAP_I");
	const struct text_pair *c = text_list_find(l, "CHAP_C");
	uint8_t chal[CHAP_CHALLENGE_MAX], resp[CHAP_DIGEST_MAX], id;
	char hex[2 * CHAP_CHALLENGE_MAX + 3];
	size_t clen, rlen;

	if (a != NULL) {
		f->chap_offer = strdup(a->value);
		text_builder_add(b, "CHAP_A", f->chap_a != NULL ? f->chap_a : "5");
		text_builder_add(b, "CHAP_I", f->chap_i != NULL ? f->chap_i : "7");
		if (text_builder_add(b, "CHAP_C", f->chap_c != NULL ?
		    f->chap_c : "0x00112233445566778899aabbccddeeff") !=
		    TEXT_OK) {
			/* longer than a CHAP_C may be: sent anyway */
			text_builder_add_raw(b, "CHAP_C=", 7);
			text_builder_add_raw(b, f->chap_c, strlen(f->chap_c) + 1);
		}
		return true;
	}
	if (r == NULL)
		return true;
	binval_decode("0x00112233445566778899aabbccddeeff", 34, chal,
	    sizeof(chal), &clen, NULL, NULL);
	f->chap_ok = chap_verify_text(CHAP_ALG_MD5, 7,
	    (const uint8_t *)f->chap_secret, strlen(f->chap_secret), chal, clen,
	    r->value, r->valuelen) == CHAP_OK;
	if (!f->chap_ok)
		return false;
	if (i != NULL && c != NULL) {
		chap_identifier_parse(i->value, i->valuelen, &id);
		binval_decode(c->value, c->valuelen, chal, sizeof(chal), &clen,
		    NULL, NULL);
		chap_response(CHAP_ALG_MD5, id, (const uint8_t *)f->mutual_secret,
		    strlen(f->mutual_secret), chal, clen, resp, sizeof(resp),
		    &rlen);
		chap_value_encode(resp, rlen, BINVAL_HEX, hex, sizeof(hex));
		text_builder_add(b, "CHAP_N", "fake");
		text_builder_add(b, "CHAP_R", f->chap_r != NULL ? f->chap_r : hex);
	}
	return true;
}

/*
 * A part of a request split with the C bit: kept, counted, answered
 * empty by the caller (true).  False for the last part (or a whole
 * request); then *data, *len are the joined text.
 */
static bool
split_part(struct fpeer *f, const struct pdu *p, bool cont, bool bad,
    int *parts, const uint8_t **data, size_t *len)
{
	if (!f->acc_init) {
		text_accum_init(&f->acc, 0);
		f->acc_init = true;
	}
	if (cont || f->acc.len > 0)
		(*parts)++;
	if (cont)
		f->cont_parts++;
	if (bad)
		f->bad_parts++;
	if (p->data_len > f->max_part)
		f->max_part = p->data_len;
	if (cont || f->acc.len > 0) {
		if (text_accum_add(&f->acc, p->data, p->data_len, cont) != TEXT_OK)
			f->bad_parts++;
		if (cont)
			return true;
		*data = f->acc.buf;
		*len = f->acc.len;
		return false;
	}
	*data = p->data;
	*len = p->data_len;
	return false;
}

static void
on_login(struct fpeer *f, const struct pdu *p)
{
	const struct pdu_login_req *q = &p->u.login_req;
	struct text_builder b;
	struct text_list l;
	const uint8_t *text;
	size_t tlen;

	f->logins++;
	memcpy(f->last_isid, q->isid, 6);
	f->last_tsih = q->tsih;
	if (f->silent_login)
		return;
	if (f->close_in_login) {
		fpeer_drop(f);
		return;
	}
	if (!f->neg_init) {
		keys_neg_init(&f->neg, KEYS_ROLE_TARGET, &f->local);
		f->neg_init = true;
	}
	text_builder_init(&b, 0);
	if (split_part(f, p, q->cont, q->cont && q->transit, &f->login_parts,
	    &text, &tlen)) {
		login_rsp(f, p, &b, 0, 0);	/* 11.12.2: an empty answer */
		text_builder_free(&b);
		return;
	}
	if (f->login_class != 0 || f->login_detail != 0) {
		if (f->redirect_to != NULL)
			text_builder_add(&b, "TargetAddress", f->redirect_to);
		login_rsp(f, p, &b, f->login_class, f->login_detail);
		text_builder_free(&b);
		return;
	}
	if (text_parse(text, tlen, keys_value_limit, TEXT_PARSE_PAD_OK, &l,
	    NULL) != TEXT_OK)
		memset(&l, 0, sizeof(l));
	text_accum_reset(&f->acc);
	if (q->csg == PDU_STAGE_SECURITY) {
		if (text_list_find(&l, "AuthMethod") != NULL && !f->no_auth_method)
			text_builder_add(&b, "AuthMethod", f->auth_answer != NULL ?
			    f->auth_answer : f->chap ? "CHAP" : "None");
		if (f->chap && !chap_answer(f, &l, &b)) {
			text_list_free(&l);
			text_builder_reset(&b);
			login_rsp(f, p, &b, 2, 1);	/* authentication failure */
			text_builder_free(&b);
			return;
		}
		if (text_list_find(&l, "AuthMethod") != NULL)	/* once */
			text_builder_add(&b, "TargetPortalGroupTag", "1");
	} else {
		if (f->neg.stage == KEYS_STAGE_SECURITY) {
			f->neg.stage = KEYS_STAGE_OPERATIONAL;
			char mrdsl[16];

			snprintf(mrdsl, sizeof(mrdsl), "%u", f->declare_mrdsl > 0 ?
			    f->declare_mrdsl : 65536);
			keys_offer(&f->neg, KEYS_MAX_RECV_DATA_SEGMENT_LENGTH,
			    mrdsl, &b);
		}
		answer_keys(f, &l, &b);
		if (f->login_extra != NULL && q->transit)
			add_extra(&b, f->login_extra);
	}
	text_list_free(&l);
	login_rsp(f, p, &b, 0, 0);
	text_builder_free(&b);
}

/* ---- SCSI ----------------------------------------------------------------- */

static void
scsi_rsp(struct fpeer *f, uint32_t itt, uint8_t status, const uint8_t *sense,
    size_t slen)
{
	uint8_t buf[2 + 64];
	struct pdu p;

	pdu_init(&p, PDU_OP_SCSI_RSP);
	p.itt = itt;
	p.u.scsi_rsp.status = status;
	fpeer_fill_sn(f, &p.u.scsi_rsp.statsn, &p.u.scsi_rsp.expcmdsn,
	    &p.u.scsi_rsp.maxcmdsn);
	if (slen > 0) {
		put_be16(buf, (uint16_t)slen);
		memcpy(buf + 2, sense, slen);
		pdu_set_data(&p, buf, (uint32_t)(2 + slen));
	}
	fpeer_send(f, &p);
}

static void
data_in(struct fpeer *f, const struct pdu *req, const uint8_t *d, uint32_t n)
{
	uint32_t edtl = req->u.scsi_cmd.edtl, off = 0, chunk, sn = 0;
	struct pdu p;

	if (n > edtl)
		n = edtl;
	do {
		chunk = n - off > 8192 ? 8192 : n - off;
		pdu_init(&p, PDU_OP_DATA_IN);
		p.itt = req->itt;
		p.lun = req->lun;
		p.u.data_in.ttt = PDU_TAG_RESERVED;
		p.u.data_in.datasn = sn++;
		p.u.data_in.buffer_offset = off;
		if (off + chunk == n) {
			p.final = true;
			p.u.data_in.status_present = true;
			p.u.data_in.status = SCSI_GOOD;
			p.u.data_in.underflow = n < edtl;
			p.u.data_in.residual = edtl - n;
			fpeer_fill_sn(f, &p.u.data_in.statsn, &p.u.data_in.expcmdsn,
			    &p.u.data_in.maxcmdsn);
		} else
			fpeer_fill_sn(f, NULL, &p.u.data_in.expcmdsn,
			    &p.u.data_in.maxcmdsn);
		pdu_set_data(&p, d + off, chunk);
		fpeer_send(f, &p);
		off += chunk;
	} while (off < n);
}

static void
r2t(struct fpeer *f)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_R2T);
	p.itt = f->w_itt;
	p.lun = f->w_lun;
	p.u.r2t.ttt = f->w_ttt = 0x1000 + f->w_itt;
	p.u.r2t.r2tsn = 0;
	p.u.r2t.buffer_offset = f->w_got;
	p.u.r2t.ddtl = f->w_edtl - f->w_got;
	fpeer_fill_sn(f, NULL, &p.u.r2t.expcmdsn, &p.u.r2t.maxcmdsn);
	p.u.r2t.statsn = f->statsn;
	fpeer_send(f, &p);
}

static void
write_data(struct fpeer *f, uint32_t off, const uint8_t *d, uint32_t n)
{
	size_t at = (size_t)f->w_lba * FPEER_BLOCK + off;

	if (n > 0 && at + n <= sizeof(f->disk))
		memcpy(f->disk + at, d, n);
	f->w_got += n;
}

static void
on_scsi(struct fpeer *f, const struct pdu *p)
{
	const uint8_t *cdb = p->u.scsi_cmd.cdb;
	static const uint8_t bad_op[18] = { 0x70, 0, 0x05, 0, 0, 0, 0, 10,
	    0, 0, 0, 0, 0x20, 0x00 };
	uint8_t buf[64];
	uint32_t lba, n;

	f->cmds++;
	if (f->drop_after_cmds > 0 && f->cmds == f->drop_after_cmds) {
		fpeer_drop(f);
		return;
	}
	if (!p->immediate)
		f->expcmdsn = p->u.scsi_cmd.cmdsn + 1;
	memset(buf, 0, sizeof(buf));
	switch (cdb[0]) {
	case 0x00:	/* TEST UNIT READY */
		scsi_rsp(f, p->itt, SCSI_GOOD, NULL, 0);
		break;
	case 0x12:	/* INQUIRY */
		buf[2] = 0x05;
		buf[4] = 31;
		memcpy(buf + 8, "FPEER   FAKE DISK       0001", 28);
		data_in(f, p, buf, 36);
		break;
	case 0x25:	/* READ CAPACITY (10) */
		put_be32(buf, FPEER_DISK / FPEER_BLOCK - 1);
		put_be32(buf + 4, FPEER_BLOCK);
		data_in(f, p, buf, 8);
		break;
	case 0xa0:	/* REPORT LUNS */
		put_be32(buf, 16);
		buf[8 + 8 + 1] = 1;
		data_in(f, p, buf, 24);
		break;
	case 0x28:	/* READ (10) */
		lba = get_be32(cdb + 2);
		n = get_be16(cdb + 7) * FPEER_BLOCK;
		if ((size_t)lba * FPEER_BLOCK + n > sizeof(f->disk)) {
			scsi_rsp(f, p->itt, SCSI_CHECK_CONDITION, bad_op, 18);
			break;
		}
		data_in(f, p, f->disk + (size_t)lba * FPEER_BLOCK, n);
		break;
	case 0x2a:	/* WRITE (10) */
		f->w_active = true;
		f->w_itt = p->itt;
		f->w_lun = p->lun;
		f->w_lba = get_be32(cdb + 2);
		f->w_edtl = p->u.scsi_cmd.edtl;
		f->w_got = 0;
		f->immediate_bytes += (int)p->data_len;
		write_data(f, 0, p->data, p->data_len);
		if (f->w_got == f->w_edtl) {
			f->w_active = false;
			scsi_rsp(f, p->itt, SCSI_GOOD, NULL, 0);
		} else if (p->final)
			r2t(f);
		break;
	default:
		scsi_rsp(f, p->itt, SCSI_CHECK_CONDITION, bad_op, 18);
		break;
	}
}

static void
on_data_out(struct fpeer *f, const struct pdu *p)
{
	f->data_outs++;
	if (!f->w_active || p->itt != f->w_itt)
		return;
	if (p->u.data_out.ttt == PDU_TAG_RESERVED)
		f->unsolicited_bytes += (int)p->data_len;
	write_data(f, p->u.data_out.buffer_offset, p->data, p->data_len);
	if (f->w_got >= f->w_edtl) {
		f->w_active = false;
		scsi_rsp(f, p->itt, SCSI_GOOD, NULL, 0);
	} else if (p->final && p->u.data_out.ttt == PDU_TAG_RESERVED)
		r2t(f);
}

/* ---- the rest ------------------------------------------------------------- */

static void
on_nop_out(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	f->nop_outs++;
	if (p->itt == PDU_TAG_RESERVED) {
		f->last_nop_ttt = p->u.nop_out.ttt;	/* answer to our ping */
		return;
	}
	if (f->ignore_nops)
		return;
	pdu_init(&r, PDU_OP_NOP_IN);
	r.itt = p->itt;
	r.u.nop_in.ttt = PDU_TAG_RESERVED;
	fpeer_fill_sn(f, &r.u.nop_in.statsn, &r.u.nop_in.expcmdsn,
	    &r.u.nop_in.maxcmdsn);
	fpeer_send(f, &r);
}

static void
on_text(struct fpeer *f, const struct pdu *p)
{
	const struct pdu_text_req *q = &p->u.text_req;
	const uint8_t *text;
	size_t tlen;
	char buf[256];
	struct pdu r;
	int n;

	f->texts++;
	if (!p->immediate)
		f->expcmdsn = p->u.text_req.cmdsn + 1;
	/* a continuation carries the TTT of our empty answer (11.10.4) */
	if (split_part(f, p, q->cont, (q->cont && p->final) ||
	    (f->acc_init && f->acc.len > 0 && q->ttt != FPEER_TEXT_TTT),
	    &f->text_parts, &text, &tlen)) {
		pdu_init(&r, PDU_OP_TEXT_RSP);
		r.final = false;			/* F=0: go on */
		r.itt = p->itt;
		r.u.text_rsp.ttt = FPEER_TEXT_TTT;
		fpeer_fill_sn(f, &r.u.text_rsp.statsn, &r.u.text_rsp.expcmdsn,
		    &r.u.text_rsp.maxcmdsn);
		fpeer_send(f, &r);
		return;
	}
	if (tlen > 0 && memmem(text, tlen, "MaxRecvDataSegmentLength", 24) !=
	    NULL)
		n = snprintf(buf, sizeof(buf), "MaxRecvDataSegmentLength=8192%c",
		    0);
	else if (f->second_port != 0)
		n = snprintf(buf, sizeof(buf), "TargetName=iqn.2024-01.org.example:"
		    "fake%cTargetAddress=127.0.0.1:%u,1%cTargetAddress=127.0.0.1:"
		    "%u,1%cTargetName=Bad_Name%c", 0, f->port, 0, f->second_port,
		    0, 0);
	else
		n = snprintf(buf, sizeof(buf), "TargetName=iqn.2024-01.org.example:"
		    "fake%cTargetAddress=127.0.0.1:%u,1%cTargetName=Bad_Name%c", 0,
		    f->port, 0, 0);
	if (f->acc_init)
		text_accum_reset(&f->acc);
	pdu_init(&r, PDU_OP_TEXT_RSP);
	r.final = true;
	r.itt = p->itt;
	r.u.text_rsp.ttt = PDU_TAG_RESERVED;
	fpeer_fill_sn(f, &r.u.text_rsp.statsn, &r.u.text_rsp.expcmdsn,
	    &r.u.text_rsp.maxcmdsn);
	pdu_set_data(&r, buf, (uint32_t)n);
	fpeer_send(f, &r);
}

static void
on_logout(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	f->logouts++;
	pdu_init(&r, PDU_OP_LOGOUT_RSP);
	r.itt = p->itt;
	r.u.logout_rsp.response = ISCSI_LOGOUT_RESP_SUCCESS;
	fpeer_fill_sn(f, &r.u.logout_rsp.statsn, &r.u.logout_rsp.expcmdsn,
	    &r.u.logout_rsp.maxcmdsn);
	fpeer_send(f, &r);
}

static void
peer_on_pdu(struct iconn *c, const struct pdu *p, const struct pdu_error *e,
    void *arg)
{
	struct fpeer *f = arg;

	(void)c;
	if (e->code != PDU_OK)
		return;
	if (f->hook != NULL && f->hook(f, p))
		return;
	switch (p->opcode) {
	case PDU_OP_LOGIN_REQ:
		on_login(f, p);
		break;
	case PDU_OP_SCSI_CMD:
		on_scsi(f, p);
		break;
	case PDU_OP_DATA_OUT:
		on_data_out(f, p);
		break;
	case PDU_OP_NOP_OUT:
		on_nop_out(f, p);
		break;
	case PDU_OP_TEXT_REQ:
		on_text(f, p);
		break;
	case PDU_OP_LOGOUT_REQ:
		on_logout(f, p);
		break;
	default:
		break;
	}
}
