/*
 * Synchronous operations: each starts the asynchronous machinery and drives
 * the loop until it completes; the bound passed to ini_run_until is a
 * safety net over the operation's own timers (connect, login, SCSI, TMF,
 * logout, recovery), never the normal way out.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ini_internal.h"
#include "scsi.h"

struct op {
	bool		done;
	uint32_t	isdsc;
};

static void
op_done(void *arg, uint32_t isdsc)
{
	struct op *o = arg;

	o->done = true;
	o->isdsc = isdsc;
}

static uint64_t
login_bound_ms(const struct ini_config *c, size_t nportals)
{
	uint64_t one = ((uint64_t)c->connect_timeout_ms +
	    8ull * c->login_timeout_ms) * (c->max_redirects + 1ull);

	return one * (nportals > 0 ? nportals : 1) + 1000;
}

static uint64_t
recovery_bound_ms(const struct ini_session *s)
{
	const struct ini_config *c = &s->node->cfg;

	return (uint64_t)c->recovery_attempts * ((uint64_t)c->connect_timeout_ms +
	    8ull * c->login_timeout_ms + 1000ull *
	    (s->params.s.default_time2wait + 1)) + 5000;
}

static bool
session_alive(const struct ini_session *s)
{
	return s != NULL && !s->dead && !s->discovery;
}

static bool
add_portal(struct ini_session *s, const char *host, uint16_t port)
{
	if (s->nportals >= sizeof(s->portals) / sizeof(s->portals[0]))
		return false;
	if (netaddr_parse(host, port ? port : ISCSI_DEFAULT_PORT,
	    &s->portals[s->nportals], NULL, 0) != 0)
		return false;
	s->nportals++;
	return true;
}

static bool
logged_in_to(const struct ini_node *n, const char *target)
{
	size_t i;

	for (i = 0; i < n->nsessions; i++)
		if (session_alive(n->sessions[i]) &&
		    strcmp(n->sessions[i]->target, target) == 0)
			return true;
	return false;
}

uint32_t
ini_login(struct ini_node *n, const struct ini_login_req *req,
    struct ini_session **out)
{
	char name[NAMES_MAX + 1];
	struct ini_login_opts merged;
	struct ini_target *t;
	struct ini_session *s;
	struct op o = { false, 0 };
	size_t i;

	if (out != NULL)
		*out = NULL;
	if (req->target == NULL || names_normalize(req->target,
	    strlen(req->target), name, sizeof(name), NULL) != NAMES_OK)
		return ISDSC_INVALID_ISCSI_NAME;
	if (req->security_flags != 0 ||
	    (req->opts.has_login_flags &&
	    (req->opts.login_flags & INI_LOGIN_FLAG_REQUIRE_IPSEC)))
		return ISDSC_IPSEC_NOT_SUPPORTED_ON_OS;
	t = ini_target_find(n, name);
	ini_login_opts_merge(&req->opts,
	    t != NULL && t->info.discovered ? &t->disc_opts : NULL,
	    t != NULL && t->info.is_static ? &t->static_opts : NULL, &merged);
	if (!(merged.has_login_flags &&
	    (merged.login_flags & INI_LOGIN_FLAG_MULTIPATH_ENABLED)) &&
	    logged_in_to(n, name)) {
		ini_login_opts_clear(&merged);
		return ISDSC_TARGET_ALREADY_LOGGED_IN;
	}
	if (req->host == NULL && (t == NULL || (!t->info.discovered &&
	    t->info.static_portal.port == 0))) {
		ini_login_opts_clear(&merged);
		return t == NULL ? ISDSC_TARGET_NOT_FOUND :
		    ISDSC_NO_PORTAL_SPECIFIED;
	}
	s = ini_session_new(n, name, false, &merged);
	ini_login_opts_clear(&merged);
	if (s == NULL) {
		/* event 2: no resources for a session */
		ini_ev_simple(n, NULL, NULL, ISCSI_EV_NO_SESSION_RESOURCES,
		    ISDSC_OUT_OF_RESOURCES);
		return ISDSC_OUT_OF_RESOURCES;
	}
	if (req->host != NULL) {
		/* a portal given in the call: no hopping (seed) */
		if (!add_portal(s, req->host, req->port)) {
			s->dead = true;
			return ISDSC_DNS_NAME_UNRESOLVED;
		}
	} else if (t->info.discovered) {
		for (i = 0; i < t->info.naddrs; i++)
			add_portal(s, t->info.addrs[i].host, t->info.addrs[i].port);
		s->hopping = true;
	} else
		add_portal(s, t->info.static_portal.host,
		    t->info.static_portal.port);
	if (s->nportals == 0) {
		s->dead = true;
		return ISDSC_DNS_NAME_UNRESOLVED;
	}
	ini_session_start_login(s, op_done, &o);
	if (!ini_run_until(n, &o.done, login_bound_ms(&n->cfg, s->nportals))) {
		s->login_cb = NULL;
		s->dead = true;
		ini_session_post(s, INI_SEV_CLOSE, 0);
		return ISDSC_LOGIN_FAILED;
	}
	if (o.isdsc != INI_ISDSC_OK) {
		s->dead = true;
		return o.isdsc;
	}
	if (out != NULL)
		*out = s;
	return INI_ISDSC_OK;
}

uint32_t
ini_logout(struct ini_node *n, struct ini_session *s)
{
	struct op o = { false, 0 };

	if (!session_alive(s))
		return ISDSC_INVALID_SESSION_ID;
	ini_session_logout(s, op_done, &o);
	if (!ini_run_until(n, &o.done, (uint64_t)n->cfg.logout_timeout_ms +
	    login_bound_ms(&n->cfg, 1))) {
		s->logout_cb = NULL;
		s->dead = true;
		return ISDSC_NON_SPECIFIC_ERROR;
	}
	s->dead = true;
	return o.isdsc;
}

/* ---- sessions ------------------------------------------------------------- */

static bool
hex_part(const char **p, uint64_t *v)
{
	char *end;

	if ((*p)[0] == '0' && ((*p)[1] == 'x' || (*p)[1] == 'X'))
		*p += 2;
	if (!((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f') ||
	    (**p >= 'A' && **p <= 'F')))
		return false;
	*v = strtoull(*p, &end, 16);
	*p = end;
	return true;
}

struct ini_session *
ini_session_find(struct ini_node *n, const char *id)
{
	uint64_t a, b;
	const char *p = id;
	size_t i;

	if (id == NULL || !hex_part(&p, &a) || *p++ != '-' || !hex_part(&p, &b) ||
	    *p != '\0')
		return NULL;
	for (i = 0; i < n->nsessions; i++) {
		struct ini_session *s = n->sessions[i];

		if (session_alive(s) && a == n->adapter_id &&
		    b == (0x4000013700000000ull | s->unique))
			return s;
	}
	return NULL;
}

size_t
ini_session_count(const struct ini_node *n)
{
	size_t i, k = 0;

	for (i = 0; i < n->nsessions; i++)
		if (session_alive(n->sessions[i]))
			k++;
	return k;
}

struct ini_session *
ini_session_at(struct ini_node *n, size_t idx)
{
	size_t i, k = 0;

	for (i = 0; i < n->nsessions; i++)
		if (session_alive(n->sessions[i]) && k++ == idx)
			return n->sessions[i];
	return NULL;
}

const char *
ini_session_id(const struct ini_session *s)
{
	return s->id;
}

void
ini_session_get_info(const struct ini_session *s, struct ini_session_info *i)
{
	const struct ini_conn *c = s->conn;
	struct iconn_stats cs;

	memset(i, 0, sizeof(*i));
	snprintf(i->id, sizeof(i->id), "%s", s->id);
	snprintf(i->connection_id, sizeof(i->connection_id), "%s", c->id);
	snprintf(i->target, sizeof(i->target), "%s", s->target);
	snprintf(i->initiator, sizeof(i->initiator), "%s", s->node->name);
	memcpy(i->isid, s->isid, 6);
	i->tsih = s->tsih;
	i->cid = c->cid;
	i->state = ini_sess_state_name(s->state);
	i->conn_state = ini_conn_state_name(c->state);
	i->connected = c->state == INI_S5_LOGGED_IN;
	if (c->ic_live) {
		i->local = c->ic.local;
		i->peer = c->ic.peer;
	}
	i->redirect = c->redirect;
	i->header_digest = c->params.c.header_digest == KEYS_DIGEST_CRC32C;
	i->data_digest = c->params.c.data_digest == KEYS_DIGEST_CRC32C;
	i->max_send_dsl = c->params.c.max_send_dsl;
	i->max_recv_dsl = c->params.c.max_recv_dsl;
	i->max_burst = c->params.s.max_burst_length;
	i->first_burst = c->params.s.first_burst_length;
	i->immediate_data = c->params.s.immediate_data;
	i->initial_r2t = c->params.s.initial_r2t;
	i->data_pdu_in_order = c->params.s.data_pdu_in_order;
	i->data_sequence_in_order = c->params.s.data_sequence_in_order;
	i->stats = s->stats;
	ini_conn_stats(c, &cs);
	i->stats.bytes_tx = cs.bytes_tx;
	i->stats.bytes_rx = cs.bytes_rx;
	i->stats.pdus_tx = cs.pdus_tx;
	i->stats.pdus_rx = cs.pdus_rx;
	i->stats.hdigest_errors = cs.hdigest_errors;
	i->stats.ddigest_errors = cs.ddigest_errors;
	i->stats.format_errors = cs.format_errors + cs.oversize_errors;
}

/* ---- SCSI ------------------------------------------------------------------ */

static uint32_t
scsi_start(struct ini_node *n, struct ini_session *s,
    const struct ini_scsi_cmd *cmd, ini_scsi_done_fn *done, void *arg,
    struct ini_task **out)
{
	struct ini_task *t;

	if (!session_alive(s))
		return ISDSC_INVALID_SESSION_ID;
	if (cmd == NULL || cmd->cdb == NULL || cmd->cdblen == 0 ||
	    cmd->cdblen > 16 || (cmd->inlen > 0 && cmd->outlen > 0) ||
	    (cmd->inlen > 0 && cmd->in == NULL) ||
	    (cmd->outlen > 0 && cmd->out == NULL))
		return ISDSC_INVALID_PARAMETER;	/* no bidirectional commands yet */
	if ((t = ini_task_new(s, cmd, done, arg)) == NULL) {
		/* event 57: no resources for the request */
		ini_ev_simple(n, s, s->conn, ISCSI_EV_NO_IO_RESOURCES,
		    ISDSC_OUT_OF_RESOURCES);
		return ISDSC_OUT_OF_RESOURCES;
	}
	ini_tasks_flush(s);
	if (out != NULL)
		*out = t;
	return INI_ISDSC_OK;
}

uint32_t
ini_scsi_submit(struct ini_node *n, struct ini_session *s,
    const struct ini_scsi_cmd *cmd, ini_scsi_done_fn *done, void *arg)
{
	if (done == NULL)
		return ISDSC_INVALID_PARAMETER;
	return scsi_start(n, s, cmd, done, arg, NULL);
}

size_t
ini_scsi_outstanding(const struct ini_session *s)
{
	const struct ini_task *t;
	size_t k = 0;

	TAILQ_FOREACH(t, &s->tasks, link)
		if (!t->is_tmf && !t->done)
			k++;
	return k;
}

uint32_t
ini_poll(struct ini_node *n, uint32_t ms)
{
	return evloop_run_once(n->loop, (int64_t)ini_ms(ms)) == -1 ?
	    ISDSC_NON_SPECIFIC_ERROR : INI_ISDSC_OK;
}

struct scsi_op {
	bool			 done;
	uint32_t		 isdsc;
	struct ini_scsi_result	*res;
};

static void
scsi_op_done(void *arg, uint32_t isdsc, const struct ini_scsi_result *res)
{
	struct scsi_op *o = arg;

	o->done = true;
	o->isdsc = isdsc;
	if (o->res != NULL)
		*o->res = *res;
}

/* ini_scsi_submit, then the loop until it completes. */
uint32_t
ini_scsi_ex(struct ini_node *n, struct ini_session *s,
    const struct ini_scsi_cmd *cmd, struct ini_scsi_result *res)
{
	struct scsi_op o = { false, 0, res };
	struct ini_task *t;
	uint64_t bound;
	uint32_t rc;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if ((rc = scsi_start(n, s, cmd, scsi_op_done, &o, &t)) != INI_ISDSC_OK)
		return rc;
	bound = (uint64_t)n->cfg.scsi_timeout_ms + 3ull * n->cfg.tmf_timeout_ms +
	    recovery_bound_ms(s);
	if (!ini_run_until(n, &o.done, bound)) {
		ini_task_free(t);	/* still ours: not completed */
		return ISDSC_NON_SPECIFIC_ERROR;
	}
	return o.isdsc;
}

uint32_t
ini_scsi(struct ini_node *n, struct ini_session *s, uint64_t lun,
    const uint8_t *cdb, size_t cdblen, uint8_t *in, uint32_t inlen,
    const uint8_t *out, uint32_t outlen, struct ini_scsi_result *res)
{
	struct ini_scsi_cmd c;

	memset(&c, 0, sizeof(c));
	c.lun = ini_lun_encode(lun);
	c.cdb = cdb;
	c.cdblen = cdblen;
	c.in = inlen > 0 ? in : NULL;
	c.inlen = inlen;
	c.out = outlen > 0 ? out : NULL;
	c.outlen = outlen;
	return ini_scsi_ex(n, s, &c, res);
}

/* SAM-5 4.7: single level, peripheral (0-255) or flat space (to 16383). */
/* Larger values are taken as an 8-byte LUN already encoded. */
uint64_t
ini_lun_encode(uint64_t lun)
{
	return lun <= SCSI_LUN_MAX_FLAT ? scsi_lun_encode((uint16_t)lun) : lun;
}

/* The raw value when it is not a single-level LUN. */
uint64_t
ini_lun_decode(uint64_t wire)
{
	uint16_t lun;

	return scsi_lun_decode(wire, &lun) == SCSI_OK ? lun : wire;
}
