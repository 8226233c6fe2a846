/*
 * Replay, the collector: the analyzer's callbacks (harness/analyze.h) for
 * the sessions being replayed become observations for replay_rules.c,
 * initiator actions for replay_script.c and the target model (portals,
 * targets, keys the target answered, CHAP, LUNs) for replay_yaml.c.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "pdu.h"
#include "replay_int.h"

/* Operational keys whose answer becomes a target key value. */
static const char *const answered_keys[] = {
	"MaxConnections", "InitialR2T", "ImmediateData",
	"MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength",
	"DefaultTime2Wait", "DefaultTime2Retain", "MaxOutstandingR2T",
	"DataPDUInOrder", "DataSequenceInOrder", "ErrorRecoveryLevel", NULL
};

static size_t
sess_slot(const struct ana_session *s)
{
	return s != NULL ? s->id : 0;
}

int
rp_collect_init(struct rp_collect *c, const struct rp_opts *o,
    const struct ana *a)
{
	size_t i, ns = ana_session_count(a), nc = ana_conn_count(a);
	const struct ana_session *s0 = NULL;
	unsigned ord = 0;

	memset(c, 0, sizeof(*c));
	c->o = o;
	rp_rules_init(&c->rules);
	c->nselected = ns + 1;
	c->nordinal = nc + 1;
	c->nsess_group = ns + 1;
	c->selected = calloc(c->nselected, sizeof(*c->selected));
	c->ordinal = calloc(c->nordinal, sizeof(*c->ordinal));
	c->sess_group = calloc(c->nsess_group, sizeof(*c->sess_group));
	if (c->selected == NULL || c->ordinal == NULL || c->sess_group == NULL)
		return -1;
	if (o->session != 0)
		s0 = ana_session_at(a, o->session - 1);
	for (i = 0; i < ns; i++) {
		const struct ana_session *s = ana_session_at(a, i);

		/* a session and its recoveries and redirects (same ISID) */
		if (s0 == NULL || s == s0 || (s0->isid_known && s->isid_known &&
		    memcmp(s->isid, s0->isid, 6) == 0 &&
		    strcmp(s->initiator_name, s0->initiator_name) == 0))
			if (s->id < c->nselected)
				c->selected[s->id] = true;
	}
	/* connection ordinals as the target counts them: accept order */
	for (i = 0; i < nc; i++) {
		const struct ana_conn *k = ana_conn_at(a, i);

		if (k->id >= c->nordinal)
			continue;
		if ((k->session_id != 0 && k->session_id < c->nselected &&
		    c->selected[k->session_id]) ||
		    (k->session_id == 0 && s0 == NULL))
			c->ordinal[k->id] = ++ord;
	}
	c->ncc = ord;
	if (ord > 0 && (c->cc = calloc(ord, sizeof(*c->cc))) == NULL)
		return -1;
	return 0;
}

void
rp_collect_free(struct rp_collect *c)
{
	size_t i;

	for (i = 0; i < c->ncc; i++)
		rp_tasks_free(&c->cc[i]);
	for (i = 0; i < c->nacts; i++) {
		free(c->acts[i].wdata);
		free(c->acts[i].data_file);
	}
	rp_rules_free(&c->rules);
	free(c->selected);
	free(c->ordinal);
	free(c->sess_group);
	for (i = 0; i < c->ntargets; i++)
		free(c->targets[i]);
	free(c->targets);
	free(c->acts);
	free(c->cc);
	free(c->groups);
	memset(c, 0, sizeof(*c));
}

struct rp_action *
rp_action_new(struct rp_collect *c, enum rp_act_kind k, double start)
{
	struct rp_action *na;
	size_t n;

	if (c->nacts == c->capacts) {
		n = c->capacts ? 2 * c->capacts : 32;
		if ((na = realloc(c->acts, n * sizeof(*na))) == NULL) {
			c->nomem = true;
			return NULL;
		}
		c->acts = na;
		c->capacts = n;
	}
	na = &c->acts[c->nacts++];
	memset(na, 0, sizeof(*na));
	na->kind = k;
	na->start = start;
	na->hd = na->dd = -1;
	na->block_size = 512;
	return na;
}

struct rp_target *
rp_target_get(struct rp_collect *c, const char *name)
{
	struct rp_target **nt, *t;
	size_t i;

	if (name == NULL || name[0] == '\0')
		return NULL;
	for (i = 0; i < c->ntargets; i++)
		if (strcmp(c->targets[i]->name, name) == 0)
			return c->targets[i];
	if ((nt = realloc(c->targets, (c->ntargets + 1) * sizeof(*nt))) ==
	    NULL || (t = calloc(1, sizeof(*t))) == NULL) {
		if (nt != NULL)
			c->targets = nt;
		c->nomem = true;
		return NULL;
	}
	c->targets = nt;
	c->targets[c->ntargets++] = t;
	snprintf(t->name, sizeof(t->name), "%s", name);
	return t;
}

/* Index + 1 of a target of the list. */
static size_t
target_slot(const struct rp_collect *c, const struct rp_target *t)
{
	size_t i;

	for (i = 0; i < c->ntargets; i++)
		if (c->targets[i] == t)
			return i + 1;
	return 0;
}

void
rp_portal_text(const struct rp_portal *p, char *buf, size_t bufsz)
{
	char host[INET6_ADDRSTRLEN];

	inet_ntop(p->family == 6 ? AF_INET6 : AF_INET, p->addr, host,
	    sizeof(host));
	snprintf(buf, bufsz, p->family == 6 ? "[%s]:%u" : "%s:%u", host,
	    p->port);
}

static unsigned
portal_of(struct rp_collect *c, const struct ana_conn *k)
{
	size_t i, n = k->family == 6 ? 16 : 4;
	struct rp_portal *p;

	for (i = 0; i < c->nportals; i++)
		if (c->portals[i].family == k->family &&
		    c->portals[i].port == k->tport &&
		    memcmp(c->portals[i].addr, k->taddr, n) == 0)
			return (unsigned)i + 1;
	if (c->nportals == RP_PORTALS_MAX) {
		c->portals_full = true;
		return 1;
	}
	p = &c->portals[c->nportals++];
	memset(p, 0, sizeof(*p));
	p->family = k->family;
	memcpy(p->addr, k->taddr, n);
	p->port = k->tport;
	return (unsigned)c->nportals;
}

static struct rp_group *
group_of(struct rp_collect *c, const struct ana_session *s)
{
	struct rp_group *g;
	size_t i, slot = sess_slot(s);

	if (slot < c->nsess_group && c->sess_group[slot] != 0)
		return &c->groups[c->sess_group[slot] - 1];
	for (i = 0; s != NULL && s->isid_known && i < c->ngroups; i++) {
		g = &c->groups[i];
		if (memcmp(g->isid, s->isid, 6) == 0 &&
		    strcmp(g->iname, s->initiator_name) == 0)
			break;
	}
	if (s == NULL || !s->isid_known || i == c->ngroups) {
		if ((g = realloc(c->groups, (c->ngroups + 1) * sizeof(*g))) ==
		    NULL) {
			c->nomem = true;
			return NULL;
		}
		c->groups = g;
		i = c->ngroups++;
		memset(&c->groups[i], 0, sizeof(c->groups[i]));
		c->groups[i].used = true;
		if (s != NULL && s->isid_known) {
			memcpy(c->groups[i].isid, s->isid, 6);
			snprintf(c->groups[i].iname, sizeof(c->groups[i].iname),
			    "%s", s->initiator_name);
		}
	}
	/* only a session whose ISID is known keeps its group */
	if (s != NULL && s->isid_known && slot < c->nsess_group)
		c->sess_group[slot] = i + 1;
	return &c->groups[i];
}

static size_t
chap_limit(const char *key, size_t keylen)
{
	(void)key;
	(void)keylen;
	return TEXT_LONG_VALUE_MAX;
}

static bool
parse_text(const struct pdu *p, struct text_list *l)
{
	memset(l, 0, sizeof(*l));
	return p->data_len > 0 && text_parse(p->data, p->data_len, chap_limit,
	    TEXT_PARSE_PAD_OK, l, NULL) == TEXT_OK;
}

static const char *
find(const struct text_list *l, const char *key)
{
	const struct text_pair *p = text_list_find(l, key);

	return p != NULL ? p->value : NULL;
}

static void
target_key(struct rp_target *t, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < t->nkeys; i++)
		if (strcmp(t->keys[i].key, key) == 0)
			break;
	if (i == t->nkeys) {
		if (t->nkeys == RP_TKEYS)
			return;
		t->nkeys++;
	}
	snprintf(t->keys[i].key, sizeof(t->keys[i].key), "%s", key);
	snprintf(t->keys[i].value, sizeof(t->keys[i].value), "%s", value);
}

static struct rp_action *
group_login(struct rp_collect *c, struct rp_group *g)
{
	return g != NULL && g->login_action != 0 ?
	    &c->acts[g->login_action - 1] : NULL;
}

/* A Login Request: the first of a connection may start a verb. */
static void
login_req_seen(struct rp_collect *c, struct rp_cconn *cc, struct rp_group *g,
    const struct ana_pdu_ctx *x, struct rp_pdu *rp)
{
	const struct pdu *p = x->pdu;
	struct rp_action *a;
	struct rp_target *t;
	struct text_list l;
	const char *v;

	if (!parse_text(p, &l))
		return;
	if (find(&l, "InitiatorName") != NULL)
		rp->keys |= RP_KEY_INITIATOR_NAME;
	if (find(&l, "CHAP_A") != NULL)
		rp->keys |= RP_KEY_CHAP_A;
	if (find(&l, "CHAP_R") != NULL)
		rp->keys |= RP_KEY_CHAP_R;
	if (!cc->login_started && g != NULL) {
		cc->login_started = true;
		if (g->logged_in) {
			/* the same ISID again: the initiator's own recovery */
			rp_action_new(c, RA_RECOVERY, x->time);
		} else if (g->login_action == 0 && !g->verb_done) {
			v = find(&l, "SessionType");
			g->discovery = v != NULL && strcmp(v, "Discovery") == 0;
			t = g->discovery ? NULL :
			    rp_target_get(c, find(&l, "TargetName"));
			if ((a = rp_action_new(c, g->discovery ? RA_DISCOVERY :
			    RA_LOGIN, x->time)) != NULL) {
				a->portal = cc->portal;
				if (t != NULL) {
					a->target = t->name;
					a->multipath = t->sessions > 0;
					g->target = target_slot(c, t);
				}
				g->login_action = g->verb_action = c->nacts;
			}
			g->verb_done = true;
		}
	}
	if ((a = group_login(c, g)) != NULL) {
		if ((v = find(&l, "CHAP_N")) != NULL) {
			char *dst = g->target != 0 ?
			    c->targets[g->target - 1]->chap_user :
			    c->discovery_user;

			snprintf(dst, TEXT_VALUE_MAX + 1, "%s", v);
			a->chap_user = dst;
			if (a->auth == 0)
				a->auth = 1;
		}
		if (find(&l, "CHAP_I") != NULL && find(&l, "CHAP_C") != NULL)
			a->auth = 2;
	}
	text_list_free(&l);
}

static void
login_rsp_seen(struct rp_collect *c, struct rp_cconn *cc, struct rp_group *g,
    const struct ana_pdu_ctx *x, struct rp_pdu *rp)
{
	const struct pdu *p = x->pdu;
	const struct pdu_login_rsp *r = &p->u.login_rsp;
	struct rp_action *a = group_login(c, g);
	struct rp_target *t = g != NULL && g->target != 0 ?
	    c->targets[g->target - 1] : NULL;
	struct text_list l;
	const char *v;
	size_t i;

	rp->status_class = r->status_class;
	rp->status_detail = r->status_detail;
	rp->login_final = r->status_class == 0 && r->transit &&
	    r->nsg == PDU_STAGE_FULL_FEATURE;
	if (parse_text(p, &l)) {
		if (r->status_class == 1)
			rp->redirect_to = find(&l, "TargetAddress");
		if ((v = find(&l, "TargetPortalGroupTag")) != NULL &&
		    cc->portal != 0)
			c->portals[cc->portal - 1].tpgt = (uint16_t)atoi(v);
		if (t != NULL && (v = find(&l, "TargetAlias")) != NULL)
			snprintf(t->alias, sizeof(t->alias), "%s", v);
		if ((v = find(&l, "AuthMethod")) != NULL &&
		    strcmp(v, "CHAP") == 0 && a != NULL) {
			if (a->auth == 0)
				a->auth = 1;
			if (g->discovery)
				c->discovery_auth = 1;
		}
		if (t != NULL && (v = find(&l, "CHAP_A")) != NULL)
			t->chap_alg = atoi(v);
		if (t != NULL && a != NULL && a->auth == 2 &&
		    (v = find(&l, "CHAP_N")) != NULL)
			snprintf(t->mutual_user, sizeof(t->mutual_user), "%s", v);
		if (a != NULL && (v = find(&l, "HeaderDigest")) != NULL)
			a->hd = strcmp(v, "CRC32C") == 0;
		if (a != NULL && (v = find(&l, "DataDigest")) != NULL)
			a->dd = strcmp(v, "CRC32C") == 0;
		for (i = 0; t != NULL && answered_keys[i] != NULL; i++)
			if ((v = find(&l, answered_keys[i])) != NULL)
				target_key(t, answered_keys[i], v);
		/* rp->redirect_to points into l until rp_rules_pdu() ran */
		if (rp->redirect_to != NULL) {
			rp_rules_pdu(&c->rules, rp);
			rp->index = 0;	/* fed */
		}
		text_list_free(&l);
	}
	if (a == NULL)
		return;
	if (t != NULL && a->auth > 0 && t->auth < a->auth)
		t->auth = a->auth;
	if (r->status_class >= 2 || rp->login_final) {
		a->ended = true;
		a->end = x->time;
		a->fails = r->status_class >= 2;
		g->login_action = 0;
		if (rp->login_final) {
			g->logged_in = true;
			if (t != NULL)
				t->sessions++;
		}
	}
}

static void
logout(struct rp_collect *c, struct rp_cconn *cc, struct rp_group *g,
    const struct ana_pdu_ctx *x)
{
	const struct pdu *p = x->pdu;
	struct rp_action *a;

	if (x->dir == ANA_DIR_T2I) {
		if (cc->logout_action != 0) {
			a = &c->acts[cc->logout_action - 1];
			a->ended = true;
			a->end = x->time;
			a->fails = p->u.logout_rsp.response != 0;
			cc->logout_action = 0;
		}
		/* after an Async logout request the initiator comes back by
		   itself; else a new login is a new verb */
		if (g != NULL && g->logged_in && !cc->async_logout) {
			g->logged_in = false;
			g->verb_done = false;
			if (g->target != 0 &&
			    c->targets[g->target - 1]->sessions > 0)
				c->targets[g->target - 1]->sessions--;
		}
		return;
	}
	if (g == NULL || g->discovery || cc->async_logout ||
	    p->u.logout_req.reason != 0)
		return;
	if ((a = rp_action_new(c, RA_LOGOUT, x->time)) != NULL)
		cc->logout_action = c->nacts;
}

static void
other_request(struct rp_collect *c, struct rp_group *g,
    const struct ana_pdu_ctx *x)
{
	const struct pdu *p = x->pdu;
	struct rp_action *a;
	char *s;

	if (g == NULL || g->discovery)
		return;
	if (p->opcode != PDU_OP_TEXT_REQ && p->opcode != PDU_OP_TMF_REQ)
		return;
	if ((a = rp_action_new(c, RA_OTHER, x->time)) == NULL)
		return;
	if (p->opcode == PDU_OP_TMF_REQ)
		snprintf(a->note, sizeof(a->note), "TMF Request, function %u",
		    p->u.tmf_req.function);
	else
		snprintf(a->note, sizeof(a->note), "Text Request (%.*s)",
		    (int)(p->data_len < 60 ? p->data_len : 60),
		    p->data != NULL ? (const char *)p->data : "");
	/* the text may lack its NUL: keep it printable */
	for (s = a->note; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '.';
}

void
rp_collect_pdu(void *arg, const struct ana_pdu_ctx *x)
{
	struct rp_collect *c = arg;
	const struct pdu *p = x->pdu;
	struct rp_cconn *cc;
	struct rp_group *g;
	struct rp_pdu rp;
	unsigned ord;

	if (x->session == NULL || x->session->id >= c->nselected ||
	    !c->selected[x->session->id] || x->conn->id >= c->nordinal ||
	    (ord = c->ordinal[x->conn->id]) == 0)
		return;
	cc = &c->cc[ord - 1];
	if (!cc->seen) {
		cc->seen = true;
		cc->portal = portal_of(c, x->conn);
	}
	c->pdus++;
	if (!c->have_time) {
		c->have_time = true;
		c->first_time = x->time;
	}
	c->last_time = x->time;
	if ((g = group_of(c, x->session)) != NULL)
		cc->group = (size_t)(g - c->groups) + 1;

	memset(&rp, 0, sizeof(rp));
	rp.index = x->index;
	rp.time = x->time;
	rp.dir = x->dir;
	rp.conn = ord;
	rp.opcode = p->opcode;
	rp.scsi_opcode = p->opcode == PDU_OP_SCSI_CMD ? p->u.scsi_cmd.cdb[0] :
	    -1;
	rp.stage = -1;
	rp.itt = p->itt;
	rp.data_len = p->data_len;
	rp.rej_opcode = rp.rej_scsi_opcode = -1;
	if (p->opcode != PDU_OP_LOGIN_REQ && p->opcode != PDU_OP_LOGIN_RSP) {
		rp.hdigest = x->conn->hdigest;
		rp.ddigest = x->conn->ddigest;
	}
	rp.bad_hdigest = x->err->code == PDU_EHDIGEST;
	rp.bad_ddigest = x->err->code == PDU_EDDIGEST;

	switch (p->opcode) {
	case PDU_OP_LOGIN_REQ:
		rp.stage = p->u.login_req.csg;
		login_req_seen(c, cc, g, x, &rp);
		break;
	case PDU_OP_LOGIN_RSP:
		rp.stage = p->u.login_rsp.csg;
		login_rsp_seen(c, cc, g, x, &rp);
		break;
	case PDU_OP_REJECT:
		rp.reason = p->u.reject.reason;
		if (p->data_len >= PDU_BHS_LEN) {
			rp.rej_opcode = p->data[0] & 0x3f;
			if (rp.rej_opcode == PDU_OP_SCSI_CMD)
				rp.rej_scsi_opcode = p->data[32];
			rp.rej_itt = (uint32_t)p->data[16] << 24 |
			    (uint32_t)p->data[17] << 16 |
			    (uint32_t)p->data[18] << 8 | p->data[19];
		}
		break;
	case PDU_OP_ASYNC:
		rp.async_event = p->u.async.event;
		rp.async_vcode = p->u.async.vcode;
		rp.async_param[0] = p->u.async.param1;
		rp.async_param[1] = p->u.async.param2;
		rp.async_param[2] = p->u.async.param3;
		if (p->u.async.event == 1)
			cc->async_logout = true;
		break;
	case PDU_OP_LOGOUT_REQ:
	case PDU_OP_LOGOUT_RSP:
		logout(c, cc, g, x);
		break;
	default:
		break;
	}
	if (g != NULL && !g->discovery)
		rp_task_pdu(c, cc, x);
	/* a Reject in a discovery session fails AddTargetPortal */
	if (g != NULL && g->discovery && p->opcode == PDU_OP_REJECT &&
	    g->verb_action != 0)
		c->acts[g->verb_action - 1].fails = true;
	if (x->dir == ANA_DIR_I2T)
		other_request(c, g, x);
	if (rp.index != 0 && rp_rules_pdu(&c->rules, &rp) != 0)
		c->nomem = true;
}

void
rp_collect_finding(void *arg, const struct ana_finding *f)
{
	struct rp_collect *c = arg;
	size_t i;

	if (f->session_id != 0 && (f->session_id >= c->nselected ||
	    !c->selected[f->session_id]))
		return;
	if (f->check == ANA_CHK_TCP_GAP)
		c->gaps++;
	if (f->event_id == 0 || f->dir != ANA_DIR_T2I)
		return;
	for (i = 0; i < c->nevents; i++)
		if (c->events[i] == f->event_id)
			return;
	if (c->nevents < RP_EVENTS_MAX)
		c->events[c->nevents++] = f->event_id;
}

void
rp_collect_conn_end(void *arg, const struct ana_conn *k)
{
	struct rp_collect *c = arg;
	struct rp_cconn *cc;
	unsigned ord;

	if (k->id >= c->nordinal || (ord = c->ordinal[k->id]) == 0)
		return;
	cc = &c->cc[ord - 1];
	if (cc->ended)
		return;
	cc->ended = true;
	if (k->closer_known && c->have_time && k->close_time > c->last_time)
		c->last_time = k->close_time;
	if (!cc->seen) {
		cc->seen = true;
		cc->portal = portal_of(c, k);
	}
	rp_tasks_conn_end(c, cc, k->closer_known);
	if (k->closer_known && rp_rules_conn_end(&c->rules, ord, k->closer,
	    k->closer_rst, k->close_time) != 0)
		c->nomem = true;
}

void
rp_collect_finish(struct rp_collect *c)
{
	size_t i;

	/* a login the capture never saw succeed (dropped, redirected to
	   nowhere): the verb fails */
	for (i = 0; i < c->nacts; i++)
		if ((c->acts[i].kind == RA_LOGIN ||
		    c->acts[i].kind == RA_DISCOVERY) && !c->acts[i].ended)
			c->acts[i].fails = true;
	rp_rules_finish(&c->rules);
}
