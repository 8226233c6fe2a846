/* The scripted initiator-side peer of the target-sim tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "chap.h"
#include "scsi.h"
#include "test_tsim_peer.h"

struct tsim *
tpeer_target(struct evloop *loop, const char *yaml)
{
	struct tsim_config *cfg = tsim_config_new();
	struct tsim *t = NULL;
	char err[512];

	if (cfg == NULL)
		return NULL;
	if (tsim_scenario_load_buffer(cfg, "test.yaml", yaml, strlen(yaml), err,
	    sizeof(err)) != 0 || tsim_config_check(cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "tpeer_target: %s\n", err);
		tsim_config_free(cfg);
		return NULL;
	}
	if (tsim_create(loop, cfg, &t, err, sizeof(err)) != 0 ||
	    tsim_start(t, err, sizeof(err)) != 0) {
		fprintf(stderr, "tpeer_target: %s\n", err);
		tsim_destroy(t);
		return NULL;
	}
	return t;
}

struct tsim *
tpeer_target_std(struct evloop *loop, const char *rules)
{
	char y[8192];

	snprintf(y, sizeof(y),
	    "name: unit\n"
	    "target:\n"
	    "  portals:\n"
	    "    - { name: main, address: \"127.0.0.1:0\", tpgt: 1 }\n"
	    "  targets:\n"
	    "    - name: " TPEER_TARGET "\n"
	    "      luns: [16M]\n"
	    "%s%s", rules ? "rules:\n" : "", rules ? rules : "");
	return tpeer_target(loop, y);
}

/* ---- transport ---------------------------------------------------------- */

static void
on_connected(struct iconn *c, int err, void *arg)
{
	struct tpeer *pe = arg;

	(void)c;
	pe->connected = err == 0 ? 1 : -1;
}

static void
copy_pdu(struct tpeer_pdu *d, const struct pdu *p, int code)
{
	free(d->data);
	memset(d, 0, sizeof(*d));
	d->p = *p;
	d->code = code;
	d->data = malloc(p->data_len + 1);
	if (d->data != NULL) {
		if (p->data_len > 0)
			memcpy(d->data, p->data, p->data_len);
		d->data[p->data_len] = 0;
	}
	d->p.data = d->data;
	d->p.ext_cdb = NULL;
	if (p->wire != NULL && p->wire_len >= PDU_BHS_LEN)
		memcpy(d->bhs, p->wire, PDU_BHS_LEN);
	d->p.wire = d->bhs;
	d->p.wire_len = PDU_BHS_LEN;
}

static void
on_pdu(struct iconn *c, const struct pdu *p, const struct pdu_error *e,
    void *arg)
{
	struct tpeer *pe = arg;
	struct tpeer_pdu *d;

	(void)c;
	if (pe->qlen == TPEER_QUEUE)
		return;
	d = &pe->q[(pe->qhead + pe->qlen++) % TPEER_QUEUE];
	d->data = NULL;
	copy_pdu(d, p, e->code);
}

static void
on_close(struct iconn *c, int err, void *arg)
{
	struct tpeer *pe = arg;

	(void)c;
	pe->closed = 1;
	pe->close_err = err;
}

static const struct iconn_ops peer_ops = { on_connected, on_pdu, on_close };

void
tpeer_run_ms(struct tpeer *pe, int ms)
{
	uint64_t end = evloop_now(pe->loop) + (uint64_t)ms * EV_NSEC_PER_MSEC;

	while (evloop_now(pe->loop) < end)
		evloop_run_once(pe->loop, EV_NSEC_PER_MSEC);
}

int
tpeer_connect(struct tpeer *pe, struct evloop *loop, struct tsim *t,
    size_t portal)
{
	int i;

	memset(pe, 0, sizeof(*pe));
	pe->loop = loop;
	pe->t = t;
	pe->mrdsl = 262144;
	pe->isid[0] = 0x80;
	pe->isid[5] = 0x01;
	pe->itt = 0x10;
	pe->cmdsn = 1;
	text_builder_init(&pe->rkeys, 0);
	if (t == NULL || iconn_connect(&pe->c, loop, tsim_portal_addr(t, portal),
	    pe->mrdsl, &peer_ops, pe) != 0)
		return -1;
	for (i = 0; i < 2000 && pe->connected == 0; i++)
		evloop_run_once(loop, EV_NSEC_PER_MSEC);
	/* let the target accept */
	for (i = 0; i < 5; i++)
		evloop_run_once(loop, 0);
	return pe->connected == 1 ? 0 : -1;
}

void
tpeer_close(struct tpeer *pe)
{
	if (pe->c.state == ICONN_UP)
		iconn_close(&pe->c, false);
}

const struct tpeer_pdu *
tpeer_recv(struct tpeer *pe, int ms)
{
	uint64_t end = evloop_now(pe->loop) + (uint64_t)ms * EV_NSEC_PER_MSEC;
	struct tpeer_pdu *d;

	while (pe->qlen == 0 && evloop_now(pe->loop) < end)
		evloop_run_once(pe->loop, EV_NSEC_PER_MSEC);
	if (pe->qlen == 0)
		return NULL;
	d = &pe->q[pe->qhead];
	pe->qhead = (pe->qhead + 1) % TPEER_QUEUE;
	pe->qlen--;
	free(pe->cur.data);
	pe->cur = *d;		/* takes the data over */
	d->data = NULL;
	return &pe->cur;
}

bool
tpeer_wait_closed(struct tpeer *pe, int ms)
{
	uint64_t end = evloop_now(pe->loop) + (uint64_t)ms * EV_NSEC_PER_MSEC;

	while (!pe->closed && evloop_now(pe->loop) < end)
		evloop_run_once(pe->loop, EV_NSEC_PER_MSEC);
	return pe->closed != 0;
}

int
tpeer_send(struct tpeer *pe, const struct pdu *p)
{
	return iconn_send(&pe->c, p);
}

int
tpeer_send_opts(struct tpeer *pe, const struct pdu *p,
    const struct pdu_digest_opts *d)
{
	return iconn_send_opts(&pe->c, p, d);
}

void
tpeer_destroy(struct tpeer *pe)
{
	size_t i;

	iconn_free(&pe->c);
	for (i = 0; i < TPEER_QUEUE; i++)
		free(pe->q[i].data);
	free(pe->cur.data);
	text_builder_free(&pe->rkeys);
	memset(pe, 0, sizeof(*pe));
}

/* ---- login -------------------------------------------------------------- */

const char *
tpeer_text_value(const struct tpeer_pdu *d, const char *key)
{
	static char v[4096];
	size_t off = 0, klen = strlen(key);

	while (off < d->p.data_len) {
		const char *s = (const char *)d->data + off;
		size_t n = strnlen(s, d->p.data_len - off);

		if (n > klen && memcmp(s, key, klen) == 0 && s[klen] == '=') {
			snprintf(v, sizeof(v), "%.*s", (int)(n - klen - 1),
			    s + klen + 1);
			return v;
		}
		off += n + 1;
	}
	return NULL;
}

const char *
tpeer_key(struct tpeer *pe, const char *key)
{
	struct tpeer_pdu d;

	memset(&d, 0, sizeof(d));
	d.data = pe->rkeys.buf;
	d.p.data_len = (uint32_t)pe->rkeys.len;
	return tpeer_text_value(&d, key);
}

static void
add_keys(struct text_builder *b, const char *const *kv)
{
	char k[TEXT_KEY_MAX + 1];
	const char *eq;

	for (; kv != NULL && *kv != NULL; kv++) {
		eq = strchr(*kv, '=');
		snprintf(k, sizeof(k), "%.*s", (int)(eq - *kv), *kv);
		text_builder_add(b, k, eq + 1);
	}
}

/* One Login Request; returns the response or NULL. */
static const struct tpeer_pdu *
login_step(struct tpeer *pe, uint8_t csg, uint8_t nsg, bool transit,
    struct text_builder *b, const struct tpeer_login *o)
{
	const struct tpeer_pdu *r;
	struct pdu p;

	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = pe->itt;
	p.u.login_req.transit = transit;
	p.u.login_req.csg = csg;
	p.u.login_req.nsg = transit ? nsg : 0;
	memcpy(p.u.login_req.isid, pe->isid, 6);
	p.u.login_req.tsih = o->tsih;
	p.u.login_req.cid = o->cid;
	p.u.login_req.cmdsn = pe->cmdsn;
	p.u.login_req.expstatsn = pe->expstatsn;
	pdu_set_data(&p, b->buf, (uint32_t)b->len);
	if (tpeer_send(pe, &p) != 0)
		return NULL;
	text_builder_reset(b);
	if ((r = tpeer_recv(pe, TPEER_WAIT_MS)) == NULL ||
	    r->p.opcode != PDU_OP_LOGIN_RSP)
		return NULL;
	pe->expstatsn = r->p.u.login_rsp.statsn + 1;
	if (r->p.data_len > 0)
		text_builder_add_raw(&pe->rkeys, r->data, r->p.data_len);
	return r;
}

static int
rsp_status(const struct tpeer_pdu *r)
{
	return r->p.u.login_rsp.status_class << 8 | r->p.u.login_rsp.status_detail;
}

static int
chap_exchange(struct tpeer *pe, const struct tpeer_login *o,
    struct text_builder *b)
{
	const struct tpeer_pdu *r;
	uint8_t chal[CHAP_CHALLENGE_MAX], resp[CHAP_DIGEST_MAX], id, mychal[16];
	char hex[2 * CHAP_CHALLENGE_MAX + 3], a[16];
	size_t clen, rlen;
	int alg;

	text_builder_add(b, "CHAP_A", o->chap_a ? o->chap_a : "5");
	if ((r = login_step(pe, 0, 1, false, b, o)) == NULL)
		return -1;
	if (rsp_status(r) != 0)
		return rsp_status(r);
	if (tpeer_text_value(r, "CHAP_A") == NULL)
		return -1;
	alg = atoi(tpeer_text_value(r, "CHAP_A"));
	snprintf(a, sizeof(a), "%d", alg);
	if (tpeer_text_value(r, "CHAP_I") == NULL ||
	    chap_identifier_parse(tpeer_text_value(r, "CHAP_I"),
	    strlen(tpeer_text_value(r, "CHAP_I")), &id) != CHAP_OK)
		return -1;
	if (tpeer_text_value(r, "CHAP_C") == NULL ||
	    chap_challenge_decode(tpeer_text_value(r, "CHAP_C"),
	    strlen(tpeer_text_value(r, "CHAP_C")), NULL, 0, chal, sizeof(chal),
	    &clen, NULL) != CHAP_OK)
		return -1;
	chap_response(alg, id, (const uint8_t *)o->secret, strlen(o->secret),
	    chal, clen, resp, sizeof(resp), &rlen);
	chap_value_encode(resp, rlen, BINVAL_HEX, hex, sizeof(hex));
	text_builder_add(b, "CHAP_N", o->user);
	text_builder_add(b, "CHAP_R", hex);
	if (o->tuser != NULL) {
		memset(mychal, 0x5c, sizeof(mychal));
		text_builder_add(b, "CHAP_I", "77");
		chap_value_encode(mychal, sizeof(mychal), BINVAL_HEX, hex,
		    sizeof(hex));
		text_builder_add(b, "CHAP_C", hex);
	}
	if ((r = login_step(pe, 0, 1, true, b, o)) == NULL)
		return -1;
	if (rsp_status(r) != 0)
		return rsp_status(r);
	if (o->tuser != NULL) {
		const char *tr = tpeer_text_value(r, "CHAP_R");

		if (tr == NULL || chap_verify_text(alg, 77,
		    (const uint8_t *)o->tsecret, strlen(o->tsecret), mychal,
		    sizeof(mychal), tr, strlen(tr)) != CHAP_OK)
			return 0x0201;	/* the target failed to authenticate */
	}
	return r->p.u.login_rsp.transit ? 0 : -1;
}

int
tpeer_login(struct tpeer *pe, const struct tpeer_login *o)
{
	struct text_builder b;
	const struct tpeer_pdu *r = NULL;
	const char *v;
	int rc = -1, i;
	char mrdsl[16];

	text_builder_init(&b, 0);
	text_builder_add(&b, "InitiatorName", TPEER_INITIATOR);
	text_builder_add(&b, "SessionType", o->target ? "Normal" : "Discovery");
	if (o->target != NULL)
		text_builder_add(&b, "TargetName", o->target);
	pe->cid = o->cid;
	if (!o->skip_security) {
		text_builder_add(&b, "AuthMethod", o->user ? "CHAP" : "None");
		add_keys(&b, o->sec_keys);
		if ((r = login_step(pe, 0, 1, o->user == NULL, &b, o)) == NULL)
			goto out;
		if ((rc = rsp_status(r)) != 0)
			goto out;
		if (o->user != NULL &&
		    (rc = chap_exchange(pe, o, &b)) != 0)
			goto out;
		rc = -1;
	}
	snprintf(mrdsl, sizeof(mrdsl), "%u", pe->mrdsl);
	text_builder_add(&b, "MaxRecvDataSegmentLength", mrdsl);
	add_keys(&b, o->op_keys);
	for (i = 0; i < 4; i++) {
		if ((r = login_step(pe, 1, 3, true, &b, o)) == NULL)
			goto out;
		if ((rc = rsp_status(r)) != 0)
			goto out;
		if (r->p.u.login_rsp.transit)
			break;
		rc = -1;
	}
	if (r == NULL || !r->p.u.login_rsp.transit ||
	    r->p.u.login_rsp.nsg != PDU_STAGE_FULL_FEATURE)
		goto out;
	pe->tsih = r->p.u.login_rsp.tsih;
	pe->hd = (v = tpeer_key(pe, "HeaderDigest")) && strcmp(v, "CRC32C") == 0;
	pe->dd = (v = tpeer_key(pe, "DataDigest")) && strcmp(v, "CRC32C") == 0;
	iconn_set_digests(&pe->c, pe->hd, pe->dd);
	pe->itt++;
	rc = 0;
out:
	text_builder_free(&b);
	return rc;
}

/* ---- SCSI --------------------------------------------------------------- */

uint32_t
tpeer_cmd(struct tpeer *pe, const uint8_t *cdb, uint32_t edtl, bool read,
    bool write, const uint8_t *imm, uint32_t immlen, bool final, uint16_t lun)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_SCSI_CMD);
	p.itt = pe->itt++;
	p.final = final;
	p.lun = scsi_lun_encode(lun);
	p.u.scsi_cmd.read = read;
	p.u.scsi_cmd.write = write;
	p.u.scsi_cmd.attr = 1;	/* SIMPLE */
	p.u.scsi_cmd.edtl = edtl;
	p.u.scsi_cmd.cmdsn = pe->cmdsn++;
	p.u.scsi_cmd.expstatsn = pe->expstatsn;
	memcpy(p.u.scsi_cmd.cdb, cdb, scsi_cdb_len(cdb[0]));
	pdu_set_data(&p, imm, immlen);
	tpeer_send(pe, &p);
	return p.itt;
}

int
tpeer_read(struct tpeer *pe, const uint8_t *cdb, uint32_t edtl, uint8_t *buf,
    uint32_t *got, uint32_t *resid)
{
	uint32_t itt = tpeer_cmd(pe, cdb, edtl, true, false, NULL, 0, true, 0);
	const struct tpeer_pdu *r;

	*got = 0;
	*resid = 0;
	while ((r = tpeer_recv(pe, TPEER_WAIT_MS)) != NULL) {
		if (r->p.itt != itt)
			continue;
		if (r->p.opcode == PDU_OP_DATA_IN) {
			const struct pdu_data_in *di = &r->p.u.data_in;

			if (di->buffer_offset + r->p.data_len <= edtl)
				memcpy(buf + di->buffer_offset, r->data,
				    r->p.data_len);
			*got += r->p.data_len;
			if (di->status_present) {
				pe->expstatsn = di->statsn + 1;
				*resid = di->residual;
				return di->status;
			}
		} else if (r->p.opcode == PDU_OP_SCSI_RSP) {
			pe->expstatsn = r->p.u.scsi_rsp.statsn + 1;
			*resid = r->p.u.scsi_rsp.residual;
			return r->p.u.scsi_rsp.status;
		}
	}
	return -1;
}

int
tpeer_write(struct tpeer *pe, const uint8_t *cdb, const uint8_t *data,
    uint32_t len, uint32_t immlen)
{
	uint32_t itt = tpeer_cmd(pe, cdb, len, false, true, data, immlen, true, 0);
	const struct tpeer_pdu *r;
	struct pdu p;

	while ((r = tpeer_recv(pe, TPEER_WAIT_MS)) != NULL) {
		if (r->p.itt != itt)
			continue;
		if (r->p.opcode == PDU_OP_R2T) {
			const struct pdu_r2t *t = &r->p.u.r2t;
			uint32_t off = 0, n, sn = 0;

			while (off < t->ddtl) {
				n = t->ddtl - off;
				if (n > 8192)
					n = 8192;
				pdu_init(&p, PDU_OP_DATA_OUT);
				p.itt = itt;
				p.lun = r->p.lun;
				p.final = off + n == t->ddtl;
				p.u.data_out.ttt = t->ttt;
				p.u.data_out.expstatsn = pe->expstatsn;
				p.u.data_out.datasn = sn++;
				p.u.data_out.buffer_offset = t->buffer_offset + off;
				pdu_set_data(&p, data + t->buffer_offset + off, n);
				tpeer_send(pe, &p);
				off += n;
			}
		} else if (r->p.opcode == PDU_OP_SCSI_RSP) {
			pe->expstatsn = r->p.u.scsi_rsp.statsn + 1;
			return r->p.u.scsi_rsp.status;
		} else
			return -1;
	}
	return -1;
}

uint32_t
tpeer_nop(struct tpeer *pe, const void *data, uint32_t len)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_NOP_OUT);
	p.itt = pe->itt++;
	p.immediate = true;
	p.u.nop_out.ttt = PDU_TAG_RESERVED;
	p.u.nop_out.cmdsn = pe->cmdsn;
	p.u.nop_out.expstatsn = pe->expstatsn;
	pdu_set_data(&p, data, len);
	tpeer_send(pe, &p);
	return p.itt;
}
