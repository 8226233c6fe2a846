/* The simulated target: targets, LUNs, portals, lifetime. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"
#include "log.h"
#include "names.h"
#include "sock.h"
#include "tsim_impl.h"

#define TSIM_BACKLOG	1024

static int
tsim_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
tsim_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

void
tsim_vlog(struct tsim *t, const char *fmt, ...)
{
	va_list ap;

	if (t->verbose <= 0)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "iscsi-target-sim: [%.3f] ", tsim_elapsed(t));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

double
tsim_elapsed(const struct tsim *t)
{
	return (double)(evloop_now(t->loop) - t->start_ns) / 1e9;
}

void
tsim_keys_local(const struct tsim *t, const struct ttarget *tg,
    struct keys_local *out)
{
	int id;

	*out = t->local;
	if (tg == NULL)
		return;
	for (id = 0; id < KEYS_COUNT; id++)
		if (tg->cfg->keys.set[id])
			out->value[id] = tg->cfg->keys.v[id];
}

static void
tsim_local_defaults(struct tsim *t)
{
	static const struct {
		int	 id;
		const char *v;
	} dflt[] = {
		{ KEYS_HEADER_DIGEST, "None,CRC32C" },
		{ KEYS_DATA_DIGEST, "None,CRC32C" },
		{ KEYS_MAX_CONNECTIONS, "4" },
		{ KEYS_INITIAL_R2T, "No" },
		{ KEYS_IMMEDIATE_DATA, "Yes" },
		{ KEYS_MAX_RECV_DATA_SEGMENT_LENGTH, "262144" },
		{ KEYS_MAX_BURST_LENGTH, "1048576" },
		{ KEYS_FIRST_BURST_LENGTH, "262144" },
		{ KEYS_DEFAULT_TIME2WAIT, "2" },
		{ KEYS_DEFAULT_TIME2RETAIN, "20" },
		{ KEYS_MAX_OUTSTANDING_R2T, "16" },
		{ KEYS_DATA_PDU_IN_ORDER, "Yes" },
		{ KEYS_DATA_SEQUENCE_IN_ORDER, "Yes" },
		{ KEYS_ERROR_RECOVERY_LEVEL, "0" },
		{ KEYS_TASK_REPORTING, "RFC3720" },
		{ KEYS_PROTOCOL_LEVEL, "1" },
	};
	size_t i;
	int id;

	keys_local_init(&t->local);
	for (i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
		t->local.value[dflt[i].id] = dflt[i].v;
	for (id = 0; id < KEYS_COUNT; id++)
		if (t->cfg->keys.set[id])
			t->local.value[id] = t->cfg->keys.v[id];
}

int
tsim_create(struct evloop *loop, struct tsim_config *cfg, struct tsim **out,
    char *err, size_t errsz)
{
	struct tsim *t;
	size_t i;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		tsim_config_free(cfg);
		return tsim_err(err, errsz, "out of memory");
	}
	t->loop = loop;
	t->cfg = cfg;
	t->next_tsih = 1;
	t->next_nexus = 1;
	t->start_ns = evloop_now(loop);
	tsim_local_defaults(t);
	t->targets = calloc(cfg->ntargets ? cfg->ntargets : 1,
	    sizeof(*t->targets));
	t->portals = calloc(cfg->nportals ? cfg->nportals : 1,
	    sizeof(*t->portals));
	t->faults = faults_new(t, cfg->rules, cfg->nrules);
	if (t->targets == NULL || t->portals == NULL || t->faults == NULL) {
		tsim_destroy(t);
		return tsim_err(err, errsz, "out of memory");
	}
	for (i = 0; i < cfg->ntargets; i++) {
		t->targets[i].idx = i;
		t->targets[i].cfg = &cfg->targets[i];
		tsim_keys_local(t, &t->targets[i], &t->targets[i].local);
	}
	t->ntargets = cfg->ntargets;
	for (i = 0; i < cfg->nportals; i++) {
		t->portals[i].t = t;
		t->portals[i].idx = i;
		t->portals[i].cfg = &cfg->portals[i];
		t->portals[i].fd = -1;
	}
	t->nportals = cfg->nportals;
	*out = t;
	return 0;
}

static int
target_make_luns(struct tsim *t, struct ttarget *tg, char *err, size_t errsz)
{
	const struct tsim_target_cfg *c = tg->cfg;
	char why[256];
	size_t i;

	tg->luns = calloc(c->nluns ? c->nluns : 1, sizeof(*tg->luns));
	tg->lun_ids = calloc(c->nluns ? c->nluns : 1, sizeof(*tg->lun_ids));
	if (tg->luns == NULL || tg->lun_ids == NULL)
		return tsim_err(err, errsz, "out of memory");
	for (i = 0; i < c->nluns; i++)
		tg->lun_ids[i] = (uint16_t)i;
	for (i = 0; i < c->nluns; i++) {
		struct lun_config lc;

		memset(&lc, 0, sizeof(lc));
		lc.target_name = c->name;
		lc.id = (uint16_t)i;
		lc.size = c->luns[i].size;
		lc.path = c->luns[i].file;
		if (lun_create(&lc, &tg->luns[i], why, sizeof(why)) != 0)
			/* the LUN's messages mostly name it already */
			return strncmp(why, "LUN ", 4) == 0 ?
			    tsim_err(err, errsz, "target '%s' %s", c->name, why) :
			    tsim_err(err, errsz, "target '%s' LUN %zu: %s",
			    c->name, i, why);
		tg->nluns = i + 1;
		lun_set_lun_list(tg->luns[i], tg->lun_ids, c->nluns);
		lun_set_port_name_fn(tg->luns[i], tsession_port_name, t);
	}
	return 0;
}

static void
portal_accept(struct evloop *l, int fd, unsigned ev, void *arg)
{
	struct tportal *p = arg;
	struct netaddr peer;
	int s, n;

	(void)l;
	(void)fd;
	(void)ev;
	for (n = 0; n < 64; n++) {
		if ((s = sock_accept(p->fd, &peer)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("accept on %s", p->cfg->addr);
			return;
		}
		if (tconn_accept(p, s) != 0) {
			log_warn("cannot take connection on %s", p->cfg->addr);
			close(s);
		}
	}
}

int
tsim_start(struct tsim *t, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; i < t->ntargets; i++)
		if (target_make_luns(t, &t->targets[i], err, errsz) != 0)
			return -1;
	for (i = 0; i < t->nportals; i++) {
		struct tportal *p = &t->portals[i];

		p->fd = sock_listen(&p->cfg->na, TSIM_BACKLOG);
		if (p->fd == -1)
			return tsim_err(err, errsz, "cannot listen on %s: %s",
			    p->cfg->addr, strerror(errno));
		if (sock_local_addr(p->fd, &p->addr) != 0)
			p->addr = p->cfg->na;
		if (evloop_fd_add(t->loop, &p->h, p->fd, EV_READ, portal_accept,
		    p) != 0)
			return tsim_err(err, errsz, "event loop: %s",
			    strerror(errno));
	}
	return 0;
}

size_t
tsim_portal_count(const struct tsim *t)
{
	return t->nportals;
}

const struct netaddr *
tsim_portal_addr(const struct tsim *t, size_t i)
{
	return i < t->nportals ? &t->portals[i].addr : NULL;
}

void
tsim_set_fault_log(struct tsim *t, FILE *f)
{
	t->fault_log = f;
}

void
tsim_set_verbose(struct tsim *t, int v)
{
	t->verbose = v;
}

void
tsim_get_stats(const struct tsim *t, struct tsim_stats *s)
{
	*s = t->stats;
}

uint64_t
tsim_rule_fired(const struct tsim *t, const char *name)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < t->cfg->nrules; i++)
		if (strcmp(t->cfg->rules[i].name, name) == 0)
			n += faults_fired(t->faults, i);
	return n;
}

struct ttarget *
tsim_target_by_name(struct tsim *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ntargets; i++)
		if (names_equal(t->targets[i].cfg->name,
		    strlen(t->targets[i].cfg->name), name, strlen(name)))
			return &t->targets[i];
	return NULL;
}

bool
tsim_target_on_portal(const struct ttarget *tg, const struct tportal *p)
{
	size_t i;

	if (tg->cfg->nportals == 0)
		return true;
	for (i = 0; i < tg->cfg->nportals; i++)
		if (tg->cfg->portal_idx[i] == p->idx)
			return true;
	return false;
}

void
tsim_destroy(struct tsim *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	while (t->sessions != NULL)
		tsession_free(t->sessions);
	while (t->conns != NULL) {
		struct tconn *c = t->conns;

		t->conns = c->next;
		faults_conn_gone(c);
		evtimer_disarm(t->loop, &c->close_tm);
		evtimer_disarm(t->loop, &c->stall_tm);
		evtimer_disarm(t->loop, &c->nop_tm);
		evtimer_disarm(t->loop, &c->login_tm);
		evloop_defer_cancel(t->loop, &c->free_ev);
		iconn_free(&c->ic);
		tlogin_free(c->login);
		tconn_free_held(c);
		if (c->tneg != NULL)
			keys_neg_free(c->tneg);
		free(c->tneg);
		text_accum_free(&c->tacc);
		tconn_long_free(c);
		free(c);
	}
	for (i = 0; i < t->nportals; i++)
		if (t->portals[i].fd != -1) {
			evloop_fd_del(t->loop, &t->portals[i].h);
			close(t->portals[i].fd);
		}
	for (i = 0; t->targets != NULL && i < t->ntargets; i++) {
		for (j = 0; j < t->targets[i].nluns; j++)
			lun_destroy(t->targets[i].luns[j]);
		free(t->targets[i].luns);
		free(t->targets[i].lun_ids);
	}
	faults_free(t->faults);
	free(t->scratch);
	free(t->targets);
	free(t->portals);
	tsim_config_free(t->cfg);
	free(t);
}
