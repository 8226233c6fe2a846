/*
 * The rules: list of a scenario (docs/scenario-format.md):
 *
 *   - name: reject-third-write
 *     match:  { direction: in, opcode: scsi_cmd, scsi_opcode: 0x2a, nth: 3 }
 *     action: { type: reject, reason: protocol_error }
 *
 * match: { portal: NAME } limits a rule to connections accepted on that
 * portal (portal hopping); action: { type: logout_response, response: N }
 * sends the Logout Response with Response N (RFC 7143 11.15.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "faults.h"
#include "scenario.h"

/* A name from a catalog table ("protocol_error", "PROTOCOL_ERROR") or a
 * number; -1 when neither. */
static int
code_lookup(enum catalog_table tab, const struct ynode *n, unsigned max)
{
	const struct catalog_code *cc;
	char *end;
	unsigned long v;
	size_t i;

	for (i = 0; i < catalog_code_count(tab); i++) {
		cc = catalog_code_at(tab, i);
		if (strcasecmp(cc->name, n->value) == 0)
			return cc->value;
	}
	if (n->value[0] >= '0' && n->value[0] <= '9') {
		v = strtoul(n->value, &end, 0);
		if (*end == '\0' && v <= max)
			return (int)v;
	}
	return -1;
}

static int
u16_param(const struct yctx *c, const struct ynode *m, const char *key,
    uint16_t *out)
{
	uint64_t v;
	int rc = yget_u64(c, m, key, 0, 65535, &v);

	if (rc == 0)
		*out = (uint16_t)v;
	return rc < 0 ? -1 : 0;
}

static int
login_status(const struct yctx *c, const struct ynode *m,
    struct fault_action *a)
{
	const struct ynode *st = ymap_get(m, "status");
	uint64_t cls = 0, det = 0;
	size_t i;

	if (st != NULL) {
		if (st->type != YNODE_SCALAR)
			return yerror(c, st->line, "status must be 0xCCDD or a name");
		for (i = 0; i < catalog_login_status_count(); i++) {
			const struct catalog_login_status *ls =
			    catalog_login_status_at(i);

			if (strcasecmp(ls->name, st->value) == 0) {
				a->status_class = ls->status_class;
				a->status_detail = ls->status_detail;
				return 0;
			}
		}
		if (yscalar_u64(c, st, 0, 0xffff, &cls) != 0)
			return yerror(c, st->line, "unknown login status '%s'",
			    st->value);
		a->status_class = (uint8_t)(cls >> 8);
		a->status_detail = (uint8_t)cls;
		return 0;
	}
	if (yget_u64(c, m, "class", 0, 255, &cls) != 0 ||
	    yget_u64(c, m, "detail", 0, 255, &det) < 0)
		return yerror(c, m->line, "login_status needs 'status' or "
		    "'class' (and 'detail')");
	a->status_class = (uint8_t)cls;
	a->status_detail = (uint8_t)det;
	return 0;
}

static int
async_params(const struct yctx *c, const struct ynode *m,
    struct fault_action *a)
{
	const struct ynode *ev = ymap_get(m, "event");
	uint64_t v;
	int e, b;

	if (ev == NULL || ev->type != YNODE_SCALAR ||
	    (e = code_lookup(CATALOG_ASYNC_EVENTS, ev, 255)) < 0)
		return yerror(c, ev ? ev->line : m->line, "async needs 'event' "
		    "(logout_request, connection_drop, session_drop, "
		    "negotiation_request, scsi_event, task_termination or 0-255)");
	a->event = (uint8_t)e;
	if (yget_u64(c, m, "vcode", 0, 255, &v) < 0)
		return -1;
	if (ymap_get(m, "vcode"))
		a->vcode = (uint8_t)v;
	if (u16_param(c, m, "param1", &a->param[0]) != 0 ||
	    u16_param(c, m, "param2", &a->param[1]) != 0 ||
	    u16_param(c, m, "param3", &a->param[2]) != 0 ||
	    u16_param(c, m, "cid", &a->param[0]) != 0 ||
	    u16_param(c, m, "time2wait", &a->param[1]) != 0 ||
	    u16_param(c, m, "time2retain", &a->param[2]) != 0 ||
	    u16_param(c, m, "time", &a->param[2]) != 0)
		return -1;
	a->async_drop = e == ISCSI_ASYNC_CONNECTION_DROP ||
	    e == ISCSI_ASYNC_SESSION_DROP;
	if (yget_bool(c, m, "drop", &b) < 0)
		return -1;
	if (ymap_get(m, "drop") != NULL)
		a->async_drop = b;
	return 0;
}

static const char *const action_keys[] = { "type", "status", "class",
	"detail", "portal", "address", "permanent", "kind", "key", "value",
	"which", "reason", "how", "when", "ms", "event", "vcode", "param1",
	"param2", "param3", "cid", "time2wait", "time2retain", "time", "drop",
	"bytes", "opcode", "offset", "response", "repeat", NULL };

static int
kind_param(const struct yctx *c, const struct ynode *m, struct fault_action *a,
    bool negotiate)
{
	const struct ynode *k = ymap_get(m, "kind");
	int v;

	if (k == NULL || k->type != YNODE_SCALAR)
		return yerror(c, m->line, "'%s' needs 'kind'",
		    negotiate ? "negotiate" : "invalid_pdu");
	v = negotiate ? fault_negotiate_lookup(k->value) :
	    fault_invalid_lookup(k->value);
	if (v < 0)
		return yerror(c, k->line, "unknown %s kind '%s'",
		    negotiate ? "negotiate" : "invalid_pdu", k->value);
	a->kind = v;
	if (scn_str(c, m, "key", a->key, sizeof(a->key), false) < 0 ||
	    scn_str(c, m, "value", a->value, sizeof(a->value), false) < 0)
		return -1;
	if (negotiate && (v == FAULT_NEG_SET_KEY || v == FAULT_NEG_REMOVE_KEY ||
	    v == FAULT_NEG_ADD_KEY) &&
	    (a->key[0] == '\0' || text_check_key(a->key, strlen(a->key),
	    NULL) != TEXT_OK))
		return yerror(c, m->line, "'%s' needs a valid 'key'", k->value);
	return 0;
}

static int
action_params(const struct yctx *c, const struct ynode *m,
    struct fault_action *a)
{
	const struct ynode *n;
	char s[64];
	uint64_t v;
	int b, r;

	switch (a->type) {
	case FAULT_ACT_LOGIN_STATUS:
		return login_status(c, m, a);
	case FAULT_ACT_REDIRECT:
		if (scn_str(c, m, "portal", a->portal, sizeof(a->portal),
		    false) < 0 || scn_str(c, m, "address", a->address,
		    sizeof(a->address), false) < 0 ||
		    yget_bool(c, m, "permanent", &b) < 0)
			return -1;
		a->permanent = ymap_get(m, "permanent") != NULL && b;
		if (a->portal[0] == '\0' && a->address[0] == '\0')
			return yerror(c, m->line, "redirect needs 'portal' or "
			    "'address'");
		return 0;
	case FAULT_ACT_NEGOTIATE:
		if (kind_param(c, m, a, true) != 0 ||
		    yget_u64(c, m, "repeat", 1, 4096, &v) < 0)
			return -1;
		a->repeat = ymap_get(m, "repeat") ? (uint32_t)v : 1;
		if (a->repeat > 1 && a->kind != FAULT_NEG_ADD_KEY)
			return yerror(c, m->line, "'repeat' goes with kind "
			    "add_key only");
		return 0;
	case FAULT_ACT_INVALID_PDU:
		if (kind_param(c, m, a, false) != 0 ||
		    yget_u64(c, m, "bytes", 0, 16u << 20, &v) < 0)
			return -1;
		a->bytes = ymap_get(m, "bytes") ? (uint32_t)v : 0;
		a->opcode = 0x3c;
		if ((n = ymap_get(m, "opcode")) != NULL) {
			if (yscalar_u64(c, n, 0, 0x3f, &v) != 0)
				return -1;
			if (pdu_opcode_known((unsigned)v))
				return yerror(c, n->line, "opcode 0x%02x is "
				    "defined by RFC 7143", (unsigned)v);
			a->opcode = (uint8_t)v;
		}
		if (yget_u64(c, m, "offset", 1, 0x7fffffff, &v) < 0)
			return -1;
		a->offset = ymap_get(m, "offset") ? (int64_t)v : 0;
		return 0;
	case FAULT_ACT_CORRUPT_DIGEST:
		if (scn_str(c, m, "which", s, sizeof(s), true) != 0)
			return -1;
		if (strcmp(s, "header") != 0 && strcmp(s, "data") != 0)
			return yerror(c, m->line, "which must be header or data");
		a->header = s[0] == 'h';
		return 0;
	case FAULT_ACT_REJECT:
		if ((n = ymap_get(m, "reason")) == NULL ||
		    n->type != YNODE_SCALAR ||
		    (r = code_lookup(CATALOG_REJECT_REASONS, n, 255)) < 0)
			return yerror(c, n ? n->line : m->line, "reject needs a "
			    "'reason' (protocol_error, data_digest_error, ... "
			    "or 0-255)");
		a->reason = (uint8_t)r;
		return 0;
	case FAULT_ACT_DROP:
		if (scn_str(c, m, "how", s, sizeof(s), false) < 0)
			return -1;
		a->rst = strcmp(s, "rst") == 0;
		if (ymap_get(m, "how") && !a->rst && strcmp(s, "fin") != 0)
			return yerror(c, m->line, "how must be fin or rst");
		if (scn_str(c, m, "when", s, sizeof(s), false) < 0)
			return -1;
		a->after = ymap_get(m, "when") != NULL &&
		    strcmp(s, "after") == 0;
		if (ymap_get(m, "when") && !a->after && strcmp(s, "before") != 0)
			return yerror(c, m->line, "when must be before or after");
		return 0;
	case FAULT_ACT_STALL:
	case FAULT_ACT_DELAY:
		if ((r = yget_u64(c, m, "ms", 0, 3600000, &a->ms)) < 0)
			return -1;	/* the range error names the value */
		if (r == 1)
			return yerror(c, m->line, "'%s' needs 'ms'",
			    fault_act_name(a->type));
		return 0;
	case FAULT_ACT_ASYNC:
		return async_params(c, m, a);
	case FAULT_ACT_LOGOUT_RESPONSE:
		/* RFC 7143 11.15.1: 1 CID not found, 2 connection recovery is
		 * not supported, 3 cleanup failed */
		if ((r = yget_u64(c, m, "response", 0, 255, &v)) < 0)
			return -1;
		if (r == 1)
			return yerror(c, m->line, "logout_response needs "
			    "'response' (0-255: 1 cid_not_found, 2 "
			    "recovery_not_supported, 3 cleanup_failed)");
		a->reason = (uint8_t)v;
		return 0;
	case FAULT_ACT_NOP_IN:
		if (yget_u64(c, m, "bytes", 0, 16u << 20, &v) < 0)
			return -1;
		a->bytes = ymap_get(m, "bytes") ? (uint32_t)v : 0;
		return 0;
	default:
		return 0;
	}
}

static int
stage_lookup(const char *s)
{
	if (strcmp(s, "security") == 0)
		return FAULT_STAGE_SECURITY;
	if (strcmp(s, "operational") == 0)
		return FAULT_STAGE_OPERATIONAL;
	if (strcmp(s, "ffp") == 0 || strcmp(s, "full_feature") == 0)
		return FAULT_STAGE_FFP;
	if (strcmp(s, "logout") == 0)
		return FAULT_STAGE_LOGOUT;
	return -2;
}

static int
load_after(const struct yctx *c, const struct ynode *m, struct fault_match *fm)
{
	static const char *const allowed[] = { "event", "ms", "every", NULL };
	const struct ynode *n = ymap_get(m, "after");
	char ev[32];

	if (n == NULL)
		return 0;
	if (n->type != YNODE_MAP || ymap_check_keys(c, n, allowed) != 0)
		return yerror(c, n->line, "'after' is { event: connect|login|ffp, "
		    "ms: N [, every: N] }");
	if (scn_str(c, n, "event", ev, sizeof(ev), true) != 0)
		return -1;
	if ((fm->after_event = fault_event_lookup(ev)) < 0)
		return yerror(c, n->line, "unknown event '%s' (connect, login, "
		    "ffp)", ev);
	if (yget_u64(c, n, "ms", 0, 86400000, &fm->after_ms) < 0)
		return -1;
	if (yget_u64(c, n, "every", 1, 86400000, &fm->every_ms) < 0)
		return -1;
	return 0;
}

static int
load_match(const struct yctx *c, const struct ynode *m, struct fault_match *fm)
{
	static const char *const allowed[] = { "direction", "opcode",
		"scsi_opcode", "session", "connection", "portal", "stage", "nth",
		"count", "key", "after", NULL };
	const struct ynode *n;
	char s[64];
	uint64_t v;

	if (m->type != YNODE_MAP || ymap_check_keys(c, m, allowed) != 0)
		return yerror(c, m->line, "'match' must be a mapping");
	if (scn_str(c, m, "direction", s, sizeof(s), false) < 0)
		return -1;
	if (ymap_get(m, "direction") != NULL) {
		fm->dir = strcmp(s, "in") == 0 ? FAULT_DIR_IN :
		    strcmp(s, "out") == 0 ? FAULT_DIR_OUT :
		    strcmp(s, "timer") == 0 ? FAULT_DIR_TIMER : 0;
		if (fm->dir == 0)
			return yerror(c, m->line, "direction must be in, out or "
			    "timer");
	}
	if ((n = ymap_get(m, "opcode")) != NULL &&
	    (n->type != YNODE_SCALAR ||
	    (fm->opcode = fault_opcode_lookup(n->value)) < 0))
		return yerror(c, n->line, "unknown opcode '%s' (scsi_cmd, "
		    "login_rsp, data_in, ... or 0x00-0x3f)",
		    n->type == YNODE_SCALAR ? n->value : "?");
	if (yget_u64(c, m, "scsi_opcode", 0, 255, &v) < 0)
		return -1;
	if (ymap_get(m, "scsi_opcode") != NULL)
		fm->scsi_opcode = (int)v;
	if (yget_u64(c, m, "session", 1, UINT32_MAX, &v) < 0)
		return -1;
	fm->session = ymap_get(m, "session") ? (uint32_t)v : 0;
	if (yget_u64(c, m, "connection", 1, UINT32_MAX, &v) < 0)
		return -1;
	fm->conn = ymap_get(m, "connection") ? (uint32_t)v : 0;
	if (scn_str(c, m, "portal", fm->portal, sizeof(fm->portal), false) < 0)
		return -1;
	if (scn_str(c, m, "stage", s, sizeof(s), false) < 0)
		return -1;
	if (ymap_get(m, "stage") != NULL &&
	    (fm->stage = stage_lookup(s)) == -2)
		return yerror(c, m->line, "stage must be security, operational, "
		    "ffp or logout");
	if (yget_u64(c, m, "nth", 1, UINT32_MAX, &v) < 0)
		return -1;
	if (ymap_get(m, "nth"))
		fm->nth = (uint32_t)v;
	if (yget_u64(c, m, "count", 0, UINT32_MAX, &v) < 0)
		return -1;
	if (ymap_get(m, "count"))
		fm->count = (uint32_t)v;
	if (scn_str(c, m, "key", fm->key, sizeof(fm->key), false) < 0)
		return -1;
	return load_after(c, m, fm);
}

/* Direction and opcode defaults, and what each action allows. */
static int
settle(const struct yctx *c, const struct ynode *m, struct fault_rule *r)
{
	unsigned dirs = fault_act_dirs(r->a.type);

	if (r->m.dir == 0) {
		if (r->m.after_event >= 0 && r->m.opcode < 0 &&
		    (dirs & FAULT_DIR_TIMER))
			r->m.dir = FAULT_DIR_TIMER;
		else
			r->m.dir = (dirs & FAULT_DIR_IN) ? FAULT_DIR_IN :
			    FAULT_DIR_OUT;
	}
	if (!(dirs & r->m.dir))
		return yerror(c, m->line, "rule '%s': action %s cannot act on "
		    "direction %s", r->name, fault_act_name(r->a.type),
		    fault_dir_name(r->m.dir));
	if (r->m.dir == FAULT_DIR_TIMER && r->m.after_event < 0)
		return yerror(c, m->line, "rule '%s': a timer rule needs "
		    "'after: {event, ms}'", r->name);
	if (r->m.every_ms > 0 && r->m.dir != FAULT_DIR_TIMER)
		return yerror(c, m->line, "rule '%s': 'every' repeats timer "
		    "rules only", r->name);
	if (r->m.every_ms > 0 && r->m.count == 0)
		return yerror(c, m->line, "rule '%s': a repeating timer needs "
		    "a bound: 'count' 1 or more", r->name);
	if (r->a.type == FAULT_ACT_LOGIN_STATUS ||
	    r->a.type == FAULT_ACT_REDIRECT) {
		if (r->m.opcode >= 0 && r->m.opcode != PDU_OP_LOGIN_REQ)
			return yerror(c, m->line, "rule '%s': %s answers Login "
			    "Requests only", r->name, fault_act_name(r->a.type));
		r->m.opcode = PDU_OP_LOGIN_REQ;
	}
	if (r->a.type == FAULT_ACT_LOGOUT_RESPONSE) {
		if (r->m.opcode >= 0 && r->m.opcode != PDU_OP_LOGOUT_RSP)
			return yerror(c, m->line, "rule '%s': logout_response "
			    "alters Logout Responses only", r->name);
		r->m.opcode = PDU_OP_LOGOUT_RSP;
	}
	/* a redirect portal name is resolved when the rule fires */
	return 0;
}

static int
load_rule(const struct yctx *c, const struct ynode *m, size_t idx,
    struct fault_rule *r)
{
	static const char *const allowed[] = { "name", "match", "action", NULL };
	const struct ynode *am;
	char type[32];
	int t;

	memset(r, 0, sizeof(*r));
	r->line = m->line;
	r->m.opcode = -1;
	r->m.scsi_opcode = -1;
	r->m.stage = FAULT_STAGE_ANY;
	r->m.nth = 1;
	r->m.count = 1;
	r->m.after_event = -1;
	if (m->type != YNODE_MAP || ymap_check_keys(c, m, allowed) != 0)
		return yerror(c, m->line, "a rule is a mapping (name, match, "
		    "action)");
	if (scn_str(c, m, "name", r->name, sizeof(r->name), false) < 0)
		return -1;
	if (r->name[0] == '\0')
		snprintf(r->name, sizeof(r->name), "rule%zu", idx + 1);
	if (ymap_get(m, "match") != NULL &&
	    load_match(c, ymap_get(m, "match"), &r->m) != 0)
		return -1;
	if ((am = ymap_get(m, "action")) == NULL || am->type != YNODE_MAP)
		return yerror(c, m->line, "rule '%s' needs an 'action' mapping",
		    r->name);
	if (ymap_check_keys(c, am, action_keys) != 0 ||
	    scn_str(c, am, "type", type, sizeof(type), true) != 0)
		return -1;
	if ((t = fault_act_lookup(type)) < 0)
		return yerror(c, ymap_get(am, "type")->line, "unknown action "
		    "'%s'", type);
	r->a.type = (enum fault_act)t;
	if (action_params(c, am, &r->a) != 0)
		return -1;
	return settle(c, m, r);
}

int
scn_load_rules(const struct yctx *c, const struct ynode *root,
    struct tsim_config *cfg)
{
	const struct ynode *l = ymap_get(root, "rules");
	struct fault_rule *nr;
	size_t i;

	if (l == NULL)
		return 0;
	if (l->type != YNODE_SEQ)
		return yerror(c, l->line, "'rules' must be a list");
	if (l->n == 0)
		return 0;
	nr = realloc(cfg->rules, (cfg->nrules + l->n) * sizeof(*nr));
	if (nr == NULL)
		return yerror(c, l->line, "out of memory");
	cfg->rules = nr;
	for (i = 0; i < l->n; i++) {
		struct fault_rule *r = &cfg->rules[cfg->nrules];

		if (load_rule(c, l->items[i], cfg->nrules, r) != 0)
			return -1;
		if (r->m.portal[0] != '\0' &&
		    tsim_config_portal_by_name(cfg, r->m.portal) < 0)
			return yerror(c, r->line, "rule '%s': no portal named '%s'",
			    r->name, r->m.portal);
		cfg->nrules++;
	}
	return 0;
}
