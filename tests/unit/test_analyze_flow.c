/*
 * Synthetic Ethernet/IPv4/TCP captures for the analyzer tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_analyze_flow.h"
#include "pcap_pkt.h"
#include "pcapng.h"

void
tflow_init(struct tflow *f, struct ana *a, uint16_t iport, uint8_t last,
    uint16_t tport)
{
	memset(f, 0, sizeof(*f));
	f->a = a;
	f->ip[TF_I][0] = 10; f->ip[TF_I][3] = 1;
	f->ip[TF_T][0] = 10; f->ip[TF_T][3] = last;
	f->port[TF_I] = iport;
	f->port[TF_T] = tport;
	f->seq[TF_I] = 1000;
	f->seq[TF_T] = 0x7ffffff0u;
	f->t = 1700000000.0;
	f->statsn = 100;
	f->cmdsn = 1;
	if (a != NULL)
		ana_begin(a, PKT_LINK_ETHERNET);
}

void
tflow_raw(struct tflow *f, int dir, uint8_t flags, uint32_t seq,
    const uint8_t *data, size_t len)
{
	static uint8_t b[70000];
	size_t n = 0, ip;
	uint32_t ack = f->seq[!dir];
	int o = dir, d = !dir;

	memset(b, 0, 54);
	b[12] = 0x08;				/* IPv4 */
	n = 14;
	ip = n;
	b[n] = 0x45;
	b[n + 2] = (uint8_t)((20 + 20 + len) >> 8);
	b[n + 3] = (uint8_t)(20 + 20 + len);
	b[n + 8] = 64;
	b[n + 9] = 6;
	memcpy(b + n + 12, f->ip[o], 4);
	memcpy(b + n + 16, f->ip[d], 4);
	n += 20;
	b[n] = f->port[o] >> 8; b[n + 1] = f->port[o] & 0xff;
	b[n + 2] = f->port[d] >> 8; b[n + 3] = f->port[d] & 0xff;
	b[n + 4] = seq >> 24; b[n + 5] = seq >> 16; b[n + 6] = seq >> 8;
	b[n + 7] = seq & 0xff;
	b[n + 8] = ack >> 24; b[n + 9] = ack >> 16; b[n + 10] = ack >> 8;
	b[n + 11] = ack & 0xff;
	b[n + 12] = 0x50;
	b[n + 13] = flags | (flags & PKT_TCP_SYN && dir == TF_I ? 0 :
	    PKT_TCP_ACK);
	b[n + 14] = 0xff; b[n + 15] = 0xff;
	n += 20;
	(void)ip;
	if (len > 0)
		memcpy(b + n, data, len);
	n += len;
	f->t += 0.001;
	if (f->out != NULL)
		(void)pcapng_write(f->out, (uint64_t)(f->t * 1e6 + 0.5), b,
		    (uint32_t)n, (uint32_t)n, NULL);
	else
		ana_packet(f->a, f->t, b, n, n);
}

void
tflow_open(struct tflow *f)
{
	tflow_raw(f, TF_I, PKT_TCP_SYN, f->seq[TF_I]++, NULL, 0);
	tflow_raw(f, TF_T, PKT_TCP_SYN, f->seq[TF_T]++, NULL, 0);
	tflow_raw(f, TF_I, 0, f->seq[TF_I], NULL, 0);
}

void
tflow_send(struct tflow *f, int dir, const uint8_t *data, size_t len)
{
	tflow_raw(f, dir, PKT_TCP_PSH, f->seq[dir], data, len);
	f->seq[dir] += (uint32_t)len;
}

void
tflow_skip(struct tflow *f, int dir, size_t len)
{
	f->seq[dir] += (uint32_t)len;
}

size_t
tflow_encode(struct tflow *f, const struct pdu *p, uint8_t *buf, size_t bufsz)
{
	size_t len = 0;

	if (pdu_encode(p, &f->dig, buf, bufsz, &len) != PDU_OK)
		return 0;
	return len;
}

void
tflow_pdu(struct tflow *f, int dir, const struct pdu *p)
{
	static uint8_t buf[70000];
	size_t len = tflow_encode(f, p, buf, sizeof(buf));

	tflow_send(f, dir, buf, len);
}

void
tflow_close(struct tflow *f, int first)
{
	tflow_raw(f, first, PKT_TCP_FIN, f->seq[first]++, NULL, 0);
	tflow_raw(f, !first, PKT_TCP_FIN, f->seq[!first]++, NULL, 0);
	tflow_raw(f, first, 0, f->seq[first], NULL, 0);
}

size_t
tflow_keys(const char *s, uint8_t *out, size_t outsz)
{
	size_t n = strlen(s), i;

	if (n + 1 > outsz)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = s[i] == ';' ? '\0' : (uint8_t)s[i];
	out[n] = '\0';
	return n + 1;
}

void
tflow_login(struct tflow *f, const char *ikeys, const char *tkeys)
{
	static uint8_t ik[4096], tk[4096];
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0, 1 };
	struct pdu p;
	size_t n;

	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = 0x10;
	p.u.login_req.transit = true;
	p.u.login_req.csg = PDU_STAGE_OPERATIONAL;
	p.u.login_req.nsg = PDU_STAGE_FULL_FEATURE;
	memcpy(p.u.login_req.isid, isid, 6);
	p.u.login_req.cmdsn = f->cmdsn;
	n = tflow_keys(ikeys, ik, sizeof(ik));
	pdu_set_data(&p, ik, (uint32_t)n);
	tflow_pdu(f, TF_I, &p);

	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.itt = 0x10;
	p.u.login_rsp.transit = true;
	p.u.login_rsp.csg = PDU_STAGE_OPERATIONAL;
	p.u.login_rsp.nsg = PDU_STAGE_FULL_FEATURE;
	memcpy(p.u.login_rsp.isid, isid, 6);
	p.u.login_rsp.tsih = 1;
	p.u.login_rsp.statsn = f->statsn++;
	p.u.login_rsp.expcmdsn = f->cmdsn;
	p.u.login_rsp.maxcmdsn = f->cmdsn + 31;
	n = tflow_keys(tkeys, tk, sizeof(tk));
	pdu_set_data(&p, tk, (uint32_t)n);
	tflow_pdu(f, TF_T, &p);
}

size_t
tflow_count(const struct ana *a, enum ana_check c)
{
	return (size_t)ana_stats(a)->findings[c];
}

const struct ana_finding *
tflow_find(const struct ana *a, enum ana_check c)
{
	size_t i;

	for (i = 0; i < ana_finding_count(a); i++)
		if (ana_finding_at(a, i)->check == c)
			return ana_finding_at(a, i);
	return NULL;
}

/* With TFLOW_DEBUG set, print the findings (to debug a failing test). */
void
tflow_debug(const struct ana *a)
{
	size_t i;

	if (getenv("TFLOW_DEBUG") == NULL)
		return;
	for (i = 0; i < ana_finding_count(a); i++) {
		const struct ana_finding *f = ana_finding_at(a, i);

		fprintf(stderr, "  [%s] frame %llu pdu %llu: %s\n",
		    ana_check_name(f->check), (unsigned long long)f->frame,
		    (unsigned long long)f->pdu_index, f->msg);
	}
}
