/*
 * The initiator node: configuration, node name, initiator CHAP secret,
 * event sink, the per-machine event queues and the synchronous runner that
 * drives the loop for the verbs.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ini_internal.h"

void
ini_config_default(struct ini_config *c)
{
	memset(c, 0, sizeof(*c));
	c->connect_timeout_ms = 3000;
	c->login_timeout_ms = 15000;
	c->text_timeout_ms = 15000;
	c->logout_timeout_ms = 5000;
	c->scsi_timeout_ms = 30000;
	c->tmf_timeout_ms = 10000;
	c->nop_interval_ms = 5000;
	c->nop_timeout_ms = 5000;
	c->tcp_user_timeout_ms = 10000;
	c->max_redirects = 5;
	c->recovery_attempts = 8;
	c->max_recv_dsl = 262144;
	c->max_burst_length = 262144;
	c->first_burst_length = 65536;
	c->max_outstanding_r2t = 1;
	c->immediate_data = true;
	c->initial_r2t = false;
	c->data_pdu_in_order = true;
	c->data_sequence_in_order = true;
	c->chap_algorithms = "5";
}

struct ini_node *
ini_node_new(const struct ini_config *cfg, struct evloop *loop)
{
	struct ini_node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	if (cfg != NULL)
		n->cfg = *cfg;
	else
		ini_config_default(&n->cfg);
	if (n->cfg.chap_algorithms == NULL)
		n->cfg.chap_algorithms = "5";
	if (loop == NULL) {
		loop = evloop_new(NULL);
		if (loop == NULL) {
			free(n);
			return NULL;
		}
		n->own_loop = true;
	}
	n->loop = loop;
	if (names_default_initiator_local(n->name, sizeof(n->name)) != NAMES_OK)
		snprintf(n->name, sizeof(n->name), "%s:iscsi-bench",
		    NAMES_DEFAULT_AUTHORITY);
	/* Like the MS adapter address half of the ids: fixed high bits, pid. */
	n->adapter_id = 0xffffe00000000000ull | (uint64_t)getpid() << 4;
	n->next_session = 1;
	n->next_conn = 1;
	return n;
}

void
ini_node_free(struct ini_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nsessions; i++)
		ini_session_free(n->sessions[i]);
	free(n->sessions);
	for (i = 0; i < n->nportals; i++)
		chap_secret_clear(&n->portals[i].opts.password);
	free(n->portals);
	for (i = 0; i < n->ntargets; i++) {
		chap_secret_clear(&n->targets[i].disc_opts.password);
		chap_secret_clear(&n->targets[i].static_opts.password);
	}
	free(n->targets);
	chap_secret_clear(&n->secret);
	if (n->own_loop)
		evloop_free(n->loop);
	free(n);
}

struct evloop *
ini_node_loop(struct ini_node *n)
{
	return n->loop;
}

const struct ini_config *
ini_node_config(const struct ini_node *n)
{
	return &n->cfg;
}

void
ini_node_set_event_sink(struct ini_node *n, ini_event_fn *fn, void *arg)
{
	n->sink = fn;
	n->sink_arg = arg;
}

uint64_t
ini_event_count(const struct ini_node *n, unsigned id)
{
	return id < 128 ? n->ev_count[id] : 0;
}

void
ini_node_login_stats(const struct ini_node *n, struct ini_stats *out)
{
	const struct ini_stats *t = &n->totals;

	memset(out, 0, sizeof(*out));
	out->login_ok = t->login_ok;
	out->login_auth_fail = t->login_auth_fail;
	out->login_authz_fail = t->login_authz_fail;
	out->login_negotiation_fail = t->login_negotiation_fail;
	out->login_redirects = t->login_redirects;
	out->login_other_fail = t->login_other_fail;
	out->logout_normal = t->logout_normal;
	out->logout_other = t->logout_other;
}

/* ---- node name and secret ------------------------------------------------ */

uint32_t
ini_node_name_set(struct ini_node *n, const char *name)
{
	char buf[NAMES_MAX + 1];

	if (name == NULL || strcmp(name, "*") == 0) {
		if (names_default_initiator_local(buf, sizeof(buf)) != NAMES_OK)
			return ISDSC_INVALID_ISCSI_NAME;
	} else if (names_normalize(name, strlen(name), buf, sizeof(buf),
	    NULL) != NAMES_OK)
		/* seed "Node Names": only the character rules are applied */
		return ISDSC_INVALID_ISCSI_NAME;
	memcpy(n->name, buf, sizeof(n->name));
	return INI_ISDSC_OK;
}

const char *
ini_node_name(const struct ini_node *n)
{
	return n->name;
}

uint32_t
ini_chap_secret_set(struct ini_node *n, const char *secret)
{
	struct chap_secret s;
	int rc;

	chap_secret_clear(&n->secret);
	n->has_secret = false;
	if (secret == NULL || secret[0] == '\0' || strcmp(secret, "*") == 0)
		return INI_ISDSC_OK;		/* seed: '*' sets an empty secret */
	memset(&s, 0, sizeof(s));
	rc = chap_secret_set(&s, secret, strlen(secret));
	if (rc == CHAP_EENCODING)
		return ISDSC_INVALID_INITIATOR_CHAP_SECRET;
	if (rc != CHAP_OK || chap_secret_check(s.cs_len, CHAP_POLICY_RFC) ==
	    CHAP_ESECRETLONG) {
		chap_secret_clear(&s);
		return ISDSC_INVALID_INITIATOR_CHAP_SECRET;
	}
	if (chap_secret_check(s.cs_len, CHAP_POLICY_RFC) == CHAP_ESECRETSHORT) {
		/* event 36: the length only, never the secret (docs) */
		ini_ev_secret_short(n, ISCSI_EV_INITIATOR_CHAP_SECRET_SHORT,
		    s.cs_len);
		chap_secret_clear(&s);
		return ISDSC_SHORT_CHAP_SECRET;
	}
	n->secret = s;
	n->has_secret = true;
	chap_secret_clear(&s);
	return INI_ISDSC_OK;
}

bool
ini_chap_secret_is_set(const struct ini_node *n)
{
	return n->has_secret;
}

/* ---- event queues -------------------------------------------------------- */

void
ini_fsmq_init(struct ini_fsmq *q, void (*run)(struct evloop *, void *),
    void *arg)
{
	memset(q, 0, sizeof(*q));
	evdefer_init(&q->run, run, arg);
}

bool
ini_fsmq_push(struct evloop *l, struct ini_fsmq *q, int ev, uint32_t arg)
{
	unsigned i;

	if (q->n == INI_FSMQ_MAX)
		return false;
	i = (q->head + q->n) % INI_FSMQ_MAX;
	q->ev[i] = ev;
	q->arg[i] = arg;
	q->n++;
	evloop_defer(l, &q->run);
	return true;
}

bool
ini_fsmq_pop(struct ini_fsmq *q, int *ev, uint32_t *arg)
{
	if (q->n == 0)
		return false;
	*ev = q->ev[q->head];
	*arg = q->arg[q->head];
	q->head = (q->head + 1) % INI_FSMQ_MAX;
	q->n--;
	return true;
}

/* ---- synchronous runner -------------------------------------------------- */

uint64_t
ini_ms(uint32_t ms)
{
	return (uint64_t)ms * EV_NSEC_PER_MSEC;
}

bool
ini_run_until(struct ini_node *n, const bool *done, uint64_t ms)
{
	uint64_t deadline = evloop_now(n->loop) + ms * EV_NSEC_PER_MSEC;

	while (done == NULL || !*done) {
		uint64_t now = evloop_now(n->loop);

		if (now >= deadline)
			break;
		if (evloop_run_once(n->loop, (int64_t)(deadline - now)) == -1)
			break;
	}
	return done != NULL && *done;
}

uint32_t
ini_sleep(struct ini_node *n, uint32_t ms)
{
	ini_run_until(n, NULL, ms);
	return INI_ISDSC_OK;
}

uint32_t
ini_wait_event(struct ini_node *n, unsigned id, uint32_t ms)
{
	uint64_t deadline;

	if (id >= 128 || catalog_event(id) == NULL)
		return ISDSC_INVALID_PARAMETER;
	deadline = evloop_now(n->loop) + ini_ms(ms);
	for (;;) {
		uint64_t now = evloop_now(n->loop);

		if (n->ev_count[id] > n->ev_consumed[id]) {
			n->ev_consumed[id]++;
			return INI_ISDSC_OK;
		}
		if (now >= deadline)
			return ISDSC_NOT_FOUND;
		if (evloop_run_once(n->loop, (int64_t)(deadline - now)) == -1)
			return ISDSC_NON_SPECIFIC_ERROR;
	}
}

const char *
ini_isdsc_name(uint32_t code)
{
	const struct catalog_isdsc *c;

	if (code == INI_ISDSC_OK)
		return "SUCCESS";
	c = catalog_isdsc_by_value(code);
	return c != NULL ? c->name : "UNKNOWN";
}

const char *
ini_isdsc_text(uint32_t code)
{
	const struct catalog_isdsc *c;

	if (code == INI_ISDSC_OK)
		return "The operation completed successfully";
	c = catalog_isdsc_by_value(code);
	return c != NULL ? c->message : "Unknown status";
}
