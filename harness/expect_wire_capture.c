/* The PDUs of a run's capture, decoded by the analyzer, for wire checks. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "expect.h"
#include "expect_wire.h"
#include "netaddr.h"
#include "scn.h"

struct collect {
	struct wire_log	*log;
	struct netaddr	 portals[64];
	int		 have[64];
	size_t		 nportals;
	int		 full;
};

int
wire_log_add(struct wire_log *l, double time, int dir, unsigned conn,
    unsigned session, int portal, const struct pdu *p, int decode_error)
{
	struct wire_pdu *w;

	if (l->n == WIRE_MAX_PDUS)
		return -1;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		struct wire_pdu *np = realloc(l->p, ncap * sizeof(*np));

		if (np == NULL)
			return -1;
		l->p = np;
		l->cap = ncap;
	}
	w = &l->p[l->n];
	memset(w, 0, sizeof(*w));
	w->time = time;
	w->dir = dir;
	w->conn = conn;
	w->session = session;
	w->portal = portal;
	w->decode_error = decode_error;
	w->pdu = *p;
	w->pdu.data = NULL;
	w->pdu.wire = NULL;
	w->pdu.ext_cdb = NULL;
	w->pdu.ahs_count = 0;
	w->pdu.data_len = 0;
	if (p->opcode == PDU_OP_SCSI_CMD)
		w->cdb0 = p->u.scsi_cmd.cdb[0];
	if ((p->opcode == PDU_OP_LOGIN_REQ || p->opcode == PDU_OP_LOGIN_RSP ||
	    p->opcode == PDU_OP_TEXT_REQ || p->opcode == PDU_OP_TEXT_RSP) &&
	    p->data != NULL && p->data_len > 0) {
		if ((w->text = malloc(p->data_len)) == NULL)
			return -1;
		memcpy(w->text, p->data, p->data_len);
		w->text_len = p->data_len;
	}
	l->n++;
	return 0;
}

void
wire_log_free(struct wire_log *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->p[i].text);
	free(l->p);
	memset(l, 0, sizeof(*l));
}

/* Which portal a connection's target end is, or -1. */
static int
portal_of(const struct collect *k, const struct ana_conn *c)
{
	size_t i;

	for (i = 0; i < k->nportals; i++) {
		const struct netaddr *na = &k->portals[i];

		if (!k->have[i] || netaddr_port(na) != c->tport)
			continue;
		if (c->family == 4 && na->ss.ss_family == AF_INET &&
		    memcmp(&((const struct sockaddr_in *)&na->ss)->sin_addr,
		    c->taddr, 4) == 0)
			return (int)i;
		if (c->family == 6 && na->ss.ss_family == AF_INET6 &&
		    memcmp(&((const struct sockaddr_in6 *)&na->ss)->sin6_addr,
		    c->taddr, 16) == 0)
			return (int)i;
	}
	return -1;
}

static void
on_pdu(void *arg, const struct ana_pdu_ctx *c)
{
	struct collect *k = arg;
	int bad = c->err != NULL && c->err->code != PDU_OK;

	if (k->full)
		return;
	/* framing errors: nothing after the BHS can be trusted, skip it */
	if (bad && pdu_status_class(c->err->code) == PDU_CLASS_FRAMING)
		return;
	if (wire_log_add(k->log, c->time, (int)c->dir, c->conn->id,
	    c->session != NULL ? c->session->id : 0, portal_of(k, c->conn),
	    c->pdu, bad) == -1)
		k->full = 1;
}

void
wire_log_capture(struct wire_log *l, const char *capture, const uint16_t *ports,
    size_t nports, char addrs[][128], size_t nportals)
{
	struct collect k;
	struct ana_opts o;
	struct ana *a;
	char err[256];
	size_t i;
	int rc;

	memset(l, 0, sizeof(*l));
	memset(&k, 0, sizeof(k));
	k.log = l;
	for (i = 0; i < nportals && i < 64; i++)
		k.have[i] = netaddr_parse_numeric(addrs[i], 0, &k.portals[i],
		    NULL, 0) == 0;
	k.nportals = i;
	ana_opts_default(&o);
	for (i = 0; i < nports && i < ANA_PORTS_MAX; i++)
		o.ports[i] = ports[i];
	o.nports = i;
	o.on_pdu = on_pdu;
	o.arg = &k;
	if ((a = ana_new(&o)) == NULL) {
		snprintf(l->why, sizeof(l->why), "out of memory");
		return;
	}
	rc = ana_run_file(a, capture, err, sizeof(err));
	ana_free(a);
	if (rc == -1) {
		snprintf(l->why, sizeof(l->why), "capture %s unreadable: %s",
		    capture, err);
		return;
	}
	if (k.full) {
		snprintf(l->why, sizeof(l->why), "capture too large for wire "
		    "checks (more than %d PDUs, or out of memory)", WIRE_MAX_PDUS);
		return;
	}
	l->usable = 1;
}

void
expect_evaluate_wire(const struct scn *s, const struct observation *o,
    const char *capture, char addrs[][128], struct verdicts *vs)
{
	struct wire_firing *fire = NULL;
	struct wire_log log;
	uint16_t ports[SCN_MAX_PORTALS];
	size_t i, np = 0;

	if (s->nwire == 0)
		return;
	memset(&log, 0, sizeof(log));
	if (capture == NULL || capture[0] == '\0')
		snprintf(log.why, sizeof(log.why), "no capture was made");
	else if (strncmp(capture, "not ", 4) == 0)
		snprintf(log.why, sizeof(log.why), "%s", capture);
	else {
		for (i = 0; i < s->nportals; i++) {
			struct netaddr na;

			if (netaddr_parse_numeric(addrs[i], 0, &na, NULL, 0) == 0)
				ports[np++] = netaddr_port(&na);
		}
		wire_log_capture(&log, capture, ports, np, addrs, s->nportals);
	}
	if (o->nfirings > 0 &&
	    (fire = calloc(o->nfirings, sizeof(*fire))) == NULL) {
		log.usable = 0;
		snprintf(log.why, sizeof(log.why), "out of memory");
	}
	for (i = 0; fire != NULL && i < o->nfirings; i++) {
		fire[i].rule = o->firings[i].rule;
		fire[i].wall = o->firings[i].wall_us < 0 ? -1 :
		    (double)o->firings[i].wall_us / 1e6;
	}
	expect_wire_eval(s->wire, s->nwire, &log, fire, o->nfirings,
	    (char (*)[64])s->portals, vs);
	free(fire);
	wire_log_free(&log);
}
