/*
 * The initiator unit tests' environment: a loop, a node with fast
 * timeouts, the fake target (test_init_peer.c) and the events the node
 * logged, with their dumps (see test_init_peer.h).
 */
#include <string.h>

#include "evrec.h"
#include "test_init_peer.h"

/* ---- test environment ---------------------------------------------------- */

static void
fenv_sink(void *arg, const struct evrec *ev)
{
	struct fenv *e = arg;
	struct fenv_event *x;
	long n;

	if (e->nev == FENV_EVENTS)
		return;
	x = &e->ev[e->nev++];
	memset(x, 0, sizeof(*x));
	x->id = ev->ev_event->id;
	x->status = ev->ev_final_status;
	snprintf(x->session, sizeof(x->session), "%s", ev->ev_session);
	x->nstrings = ev->ev_nstrings;
	if (ev->ev_nstrings > 0)
		snprintf(x->last_string, sizeof(x->last_string), "%s",
		    ev->ev_strings[ev->ev_nstrings - 1]);
	n = evrec_dump(ev, x->dump, sizeof(x->dump));
	x->dump_len = n > 0 ? (size_t)n : 0;
}

int
fenv_setup(struct fenv *e)
{
	memset(e, 0, sizeof(*e));
	if ((e->loop = evloop_new(NULL)) == NULL)
		return -1;
	ini_config_default(&e->cfg);
	e->cfg.connect_timeout_ms = 1000;
	e->cfg.login_timeout_ms = 1000;
	e->cfg.text_timeout_ms = 1000;
	e->cfg.logout_timeout_ms = 1000;
	e->cfg.scsi_timeout_ms = 2000;
	e->cfg.tmf_timeout_ms = 500;
	e->cfg.nop_interval_ms = 0;
	e->cfg.recovery_attempts = 3;
	return fpeer_start(&e->peer, e->loop);
}

void
fenv_node(struct fenv *e)
{
	e->node = ini_node_new(&e->cfg, e->loop);
	ini_node_set_event_sink(e->node, fenv_sink, e);
}

void
fenv_teardown(struct fenv *e)
{
	ini_node_free(e->node);
	fpeer_stop(&e->peer);
	evloop_free(e->loop);
}

uint32_t
fenv_login_opts(struct fenv *e, const struct ini_login_opts *o,
    struct ini_session **s)
{
	struct ini_login_req req;

	if (e->node == NULL)
		fenv_node(e);
	memset(&req, 0, sizeof(req));
	req.target = "iqn.2024-01.org.example:fake";
	req.host = "127.0.0.1";
	req.port = e->peer.port;
	if (o != NULL)
		req.opts = *o;
	if (!req.opts.has_time2wait) {
		req.opts.has_time2wait = true;
		req.opts.time2wait = 0;
	}
	return ini_login(e->node, &req, s);
}

uint32_t
fenv_login(struct fenv *e, struct ini_session **s)
{
	return fenv_login_opts(e, NULL, s);
}

const struct fenv_event *
fenv_event(const struct fenv *e, unsigned id)
{
	size_t i;

	for (i = e->nev; i > 0; i--)
		if (e->ev[i - 1].id == id)
			return &e->ev[i - 1];
	return NULL;
}

size_t
fenv_count(const struct fenv *e, unsigned id)
{
	size_t i, n = 0;

	for (i = 0; i < e->nev; i++)
		if (e->ev[i].id == id)
			n++;
	return n;
}

const uint8_t *
fenv_data(const struct fenv_event *x, size_t *len)
{
	*len = x->dump_len > EVREC_HEADER_SIZE ? x->dump_len - EVREC_HEADER_SIZE :
	    0;
	return x->dump + EVREC_HEADER_SIZE;
}
