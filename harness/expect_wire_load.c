/* Loading expect.wire from a scenario file (docs/harness.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "expect_wire.h"
#include "ytree.h"

#define WIRE_NEST_MAX	4	/* after: {pdu: {after: {pdu: ...}}} */

static const char *const check_keys[] = { "name", "pdu", "count", "none",
	"first_gap_ms", "same", "deviation", NULL };
static const char *const sel_keys[] = { "direction", "opcode", "scsi_opcode",
	"connection", "session", "portal", "key", "fields", "nth", "after", NULL };
static const char *const after_keys[] = { "rule", "nth", "pdu", NULL };
static const char *const range_keys[] = { "min", "max", NULL };

static void
text_add(struct wire_sel *s, const char *fmt, const char *a)
{
	size_t l = strlen(s->text);

	if (l + 2 < sizeof(s->text)) {
		if (l > 0)
			s->text[l++] = ' ';
		snprintf(s->text + l, sizeof(s->text) - l, fmt, a);
	}
}

static int load_sel(const struct yctx *, const struct ynode *, char portals[][64],
    size_t, struct wire_sel *, int depth);

static struct wire_sel *
load_sel_alloc(const struct yctx *c, const struct ynode *n, char portals[][64],
    size_t nportals, int depth)
{
	struct wire_sel *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		yerror(c, n->line, "out of memory");
		return NULL;
	}
	if (load_sel(c, n, portals, nportals, s, depth) == -1) {
		expect_wire_sel_free(s);
		free(s);
		return NULL;
	}
	return s;
}

static int
load_after(const struct yctx *c, const struct ynode *n, char portals[][64],
    size_t nportals, struct wire_sel *s, int depth)
{
	const char *rule = NULL;
	const struct ynode *pdu;
	uint64_t v = 1;

	if (n->type != YNODE_MAP || ymap_check_keys(c, n, after_keys) == -1)
		return n->type != YNODE_MAP ? yerror(c, n->line, "'after' is "
		    "{rule: NAME} or {pdu: {...}}") : -1;
	if (yget_str(c, n, "rule", &rule) == -1 ||
	    yget_u64(c, n, "nth", 1, 100000, &v) == -1)
		return -1;
	pdu = ymap_get(n, "pdu");
	if ((rule == NULL) == (pdu == NULL))
		return yerror(c, n->line, "'after' names one 'rule' (a target "
		    "rule: when it fired) or one 'pdu' (a selector)");
	if (rule != NULL) {
		if (rule[0] == '\0' || strlen(rule) >= sizeof(s->after_rule))
			return yerror(c, n->line, "bad rule name");
		s->after = WIRE_AFTER_RULE;
		snprintf(s->after_rule, sizeof(s->after_rule), "%s", rule);
		s->after_firing = (unsigned)v;
		text_add(s, "after rule %s", rule);
		if (v > 1) {
			char b[24];

			snprintf(b, sizeof(b), "%u", (unsigned)v);
			text_add(s, "(firing %s)", b);
		}
		return 0;
	}
	if (ymap_get(n, "nth") != NULL)
		return yerror(c, n->line, "'nth' goes with 'rule' (which firing); "
		    "a 'pdu' anchor takes its own 'nth'");
	if (depth >= WIRE_NEST_MAX)
		return yerror(c, n->line, "'after' nested too deep");
	s->after = WIRE_AFTER_PDU;
	if ((s->after_pdu = load_sel_alloc(c, pdu, portals, nportals,
	    depth + 1)) == NULL)
		return -1;
	text_add(s, "after [%s]", s->after_pdu->text);
	return 0;
}

static int
load_keys(const struct yctx *c, const struct ynode *n, struct wire_sel *s)
{
	const struct ynode *one = n;
	size_t i, count = 1;

	if (n->type == YNODE_SEQ) {
		if (n->n == 0 || n->n > WIRE_MAX_KEYS)
			return yerror(c, n->line, "'key' lists 1 to %d keys",
			    WIRE_MAX_KEYS);
		count = n->n;
	}
	for (i = 0; i < count; i++) {
		struct wire_key *k = &s->keys[i];
		const char *eq;
		size_t kl;

		if (n->type == YNODE_SEQ)
			one = n->items[i];
		if (one->type != YNODE_SCALAR || one->value[0] == '\0')
			return yerror(c, one->line, "'key' is KEY or KEY=VALUE "
			    "(or a list of them)");
		eq = strchr(one->value, '=');
		kl = eq != NULL ? (size_t)(eq - one->value) : strlen(one->value);
		if (kl == 0 || kl >= sizeof(k->key))
			return yerror(c, one->line, "bad key name in '%s'",
			    one->value);
		memcpy(k->key, one->value, kl);
		k->key[kl] = '\0';
		if (eq != NULL && (k->value = strdup(eq + 1)) == NULL)
			return yerror(c, one->line, "out of memory");
		s->nkeys = i + 1;
		text_add(s, "%s", one->value);
	}
	return 0;
}

static int
load_fields(const struct yctx *c, const struct ynode *n, struct wire_sel *s)
{
	size_t i;

	if (n->type != YNODE_MAP || n->n == 0 || n->n > WIRE_MAX_FIELDS)
		return yerror(c, n->line, "'fields' maps 1 to %d BHS field names "
		    "to values, e.g. {tsih: 0, cid: 1}", WIRE_MAX_FIELDS);
	for (i = 0; i < n->n; i++) {
		struct wire_field *f = &s->fields[i];
		char b[80];

		if (strlen(n->keys[i]) >= sizeof(f->name) ||
		    !pdu_field_exists(s->opcode, n->keys[i]))
			return yerror(c, n->key_lines[i], "'%s' is not a BHS field "
			    "of %s (RFC 7143 names such as cmdsn, isid, tsih, cid, "
			    "statsn, time2wait; or itt, lun, flags, dsl, immediate)",
			    n->keys[i], s->opcode >= 0 ?
			    pdu_opcode_short_name((unsigned)s->opcode) : "any PDU");
		snprintf(f->name, sizeof(f->name), "%s", n->keys[i]);
		if (yscalar_u64(c, n->items[i], 0, UINT64_MAX, &f->value) == -1)
			return -1;
		s->nfields = i + 1;
		snprintf(b, sizeof(b), "%s=%s", f->name, n->items[i]->value);
		text_add(s, "%s", b);
	}
	return 0;
}

static int
load_sel(const struct yctx *c, const struct ynode *n, char portals[][64],
    size_t nportals, struct wire_sel *s, int depth)
{
	const struct ynode *v;
	const char *str = NULL;
	uint64_t u;
	size_t i;

	s->dir = s->opcode = s->scsi_opcode = s->portal = -1;
	if (n->type != YNODE_MAP)
		return yerror(c, n->line, "a PDU selector is a mapping, e.g. "
		    "{direction: i2t, opcode: login_req}");
	if (ymap_check_keys(c, n, sel_keys) == -1 ||
	    yget_str(c, n, "direction", &str) == -1)
		return -1;
	if (str != NULL) {
		if (strcmp(str, "i2t") == 0)
			s->dir = ANA_DIR_I2T;
		else if (strcmp(str, "t2i") == 0)
			s->dir = ANA_DIR_T2I;
		else
			return yerror(c, ymap_get(n, "direction")->line,
			    "direction is i2t (initiator to target) or t2i, not "
			    "'%s'", str);
		text_add(s, "%s", str);
	}
	if ((v = ymap_get(n, "opcode")) != NULL) {
		if (v->type != YNODE_SCALAR ||
		    (s->opcode = pdu_opcode_lookup(v->value)) < 0)
			return yerror(c, v->line, "unknown opcode '%s' (login_req, "
			    "scsi_cmd, data_in, text_rsp, ... as in target rules)",
			    v->type == YNODE_SCALAR ? v->value : "?");
		if (s->dir >= 0 && (s->dir == ANA_DIR_I2T) !=
		    pdu_opcode_is_initiator((unsigned)s->opcode))
			return yerror(c, v->line, "%s never travels %s", v->value,
			    s->dir == ANA_DIR_I2T ? "i2t" : "t2i");
		text_add(s, "%s", v->value);
	}
	if (yget_u64(c, n, "scsi_opcode", 0, 255, &u) == -1)
		return -1;
	if ((v = ymap_get(n, "scsi_opcode")) != NULL) {
		if (s->opcode >= 0 && s->opcode != PDU_OP_SCSI_CMD)
			return yerror(c, v->line, "'scsi_opcode' needs opcode "
			    "scsi_cmd");
		s->opcode = PDU_OP_SCSI_CMD;
		s->scsi_opcode = (int)u;
		text_add(s, "scsi_opcode=%s", v->value);
	}
	if (yget_u64(c, n, "connection", 1, 100000, &u) == -1)
		return -1;
	if ((v = ymap_get(n, "connection")) != NULL) {
		s->conn = (unsigned)u;
		text_add(s, "connection=%s", v->value);
	}
	if (yget_u64(c, n, "session", 1, 100000, &u) == -1)
		return -1;
	if ((v = ymap_get(n, "session")) != NULL) {
		s->session = (unsigned)u;
		text_add(s, "session=%s", v->value);
	}
	if (yget_str(c, n, "portal", &str) == -1)
		return -1;
	if ((v = ymap_get(n, "portal")) != NULL) {
		for (i = 0; i < nportals; i++)
			if (strcmp(portals[i], str) == 0)
				break;
		if (i == nportals)
			return yerror(c, v->line, "'%s' is not a portal of this "
			    "scenario", str);
		s->portal = (int)i;
		text_add(s, "portal=%s", str);
	}
	if ((v = ymap_get(n, "key")) != NULL) {
		if (s->opcode >= 0 && s->opcode != PDU_OP_LOGIN_REQ &&
		    s->opcode != PDU_OP_LOGIN_RSP && s->opcode != PDU_OP_TEXT_REQ &&
		    s->opcode != PDU_OP_TEXT_RSP)
			return yerror(c, v->line, "keys travel in Login and Text "
			    "PDUs only");
		if (load_keys(c, v, s) == -1)
			return -1;
	}
	if ((v = ymap_get(n, "fields")) != NULL && load_fields(c, v, s) == -1)
		return -1;
	if (yget_u64(c, n, "nth", 1, 1000000, &u) == -1)
		return -1;
	if ((v = ymap_get(n, "nth")) != NULL) {
		s->nth = (unsigned)u;
		text_add(s, "nth=%s", v->value);
	}
	if ((v = ymap_get(n, "after")) != NULL &&
	    load_after(c, v, portals, nportals, s, depth) == -1)
		return -1;
	if (s->text[0] == '\0')
		snprintf(s->text, sizeof(s->text), "any PDU");
	return 0;
}

/* N, or {min: N, max: M}: bounds in *lo / *hi (hi -1: none). */
static int
load_range(const struct yctx *c, const struct ynode *n, const char *what,
    uint64_t maxv, int64_t *lo, int64_t *hi)
{
	uint64_t v;
	int r;

	*lo = *hi = -1;
	if (n->type == YNODE_SCALAR) {
		if (yscalar_u64(c, n, 0, maxv, &v) == -1)
			return -1;
		*lo = *hi = (int64_t)v;
		return 0;
	}
	if (n->type != YNODE_MAP || ymap_check_keys(c, n, range_keys) == -1)
		return n->type != YNODE_MAP ? yerror(c, n->line, "'%s' is a "
		    "number or {min, max}", what) : -1;
	if ((r = yget_u64(c, n, "min", 0, maxv, &v)) == -1)
		return -1;
	if (r == 0)
		*lo = (int64_t)v;
	if ((r = yget_u64(c, n, "max", 0, maxv, &v)) == -1)
		return -1;
	if (r == 0)
		*hi = (int64_t)v;
	if (*lo < 0 && *hi < 0)
		return yerror(c, n->line, "'%s' needs min or max", what);
	if (*lo >= 0 && *hi >= 0 && *lo > *hi)
		return yerror(c, n->line, "'%s': min is above max", what);
	return 0;
}

static int
load_same(const struct yctx *c, const struct ynode *n, char portals[][64],
    size_t nportals, struct wire_check *w)
{
	const struct ynode *f;

	if (n->type != YNODE_SEQ || n->n != 2)
		return yerror(c, n->line, "'same' is [FIELD, {selector}]: the "
		    "field of the first PDU selected here equals the same field "
		    "of the first PDU the other selector picks");
	f = n->items[0];
	if (f->type != YNODE_SCALAR || strlen(f->value) >= sizeof(w->same_field) ||
	    !pdu_field_exists(w->sel.opcode, f->value))
		return yerror(c, f->line, "'%s' is not a BHS field%s%s",
		    f->type == YNODE_SCALAR ? f->value : "?",
		    w->sel.opcode >= 0 ? " of " : "", w->sel.opcode >= 0 ?
		    pdu_opcode_short_name((unsigned)w->sel.opcode) : "");
	snprintf(w->same_field, sizeof(w->same_field), "%s", f->value);
	if ((w->same_sel = load_sel_alloc(c, n->items[1], portals, nportals,
	    0)) == NULL)
		return -1;
	if (w->same_sel->opcode >= 0 &&
	    !pdu_field_exists(w->same_sel->opcode, w->same_field))
		return yerror(c, n->items[1]->line, "%s has no field '%s'",
		    pdu_opcode_short_name((unsigned)w->same_sel->opcode),
		    w->same_field);
	return 0;
}

static int
load_check(const struct yctx *c, const struct ynode *n, char portals[][64],
    size_t nportals, struct wire_check *w)
{
	const struct ynode *v;
	const char *name = NULL, *dev = NULL;
	int64_t lo, hi;

	w->line = n->line;
	w->gap_min_ms = w->gap_max_ms = -1;
	if (n->type != YNODE_MAP)
		return yerror(c, n->line, "each wire assertion is a mapping "
		    "{pdu: {...}, count | none | first_gap_ms | same}");
	if (ymap_check_keys(c, n, check_keys) == -1 ||
	    yget_str(c, n, "name", &name) == -1)
		return -1;
	if (name != NULL)
		snprintf(w->name, sizeof(w->name), "%s", name);
	if (yget_str(c, n, "deviation", &dev) == -1)
		return -1;
	if (dev != NULL) {
		if (*dev == '\0')
			return yerror(c, n->line, "'deviation' needs the text "
			    "that documents the known deviation");
		snprintf(w->deviation, sizeof(w->deviation), "%s", dev);
	}
	if ((v = ymap_get(n, "pdu")) == NULL)
		return yerror(c, n->line, "a wire assertion needs 'pdu' (which "
		    "PDUs it is about)");
	if (load_sel(c, v, portals, nportals, &w->sel, 0) == -1)
		return -1;
	if ((v = ymap_get(n, "count")) != NULL) {
		if (load_range(c, v, "count", 1000000, &lo, &hi) == -1)
			return -1;
		w->has_count = 1;
		w->count_min = lo < 0 ? 0 : (unsigned)lo;
		w->count_max = hi < 0 ? UINT32_MAX : (unsigned)hi;
	}
	if (yget_bool(c, n, "none", &w->none) == -1)
		return -1;
	if ((v = ymap_get(n, "none")) != NULL && !w->none)
		return yerror(c, v->line, "'none: false' checks nothing; use "
		    "count: {min: 1}");
	if ((v = ymap_get(n, "first_gap_ms")) != NULL) {
		if (w->sel.after == WIRE_AFTER_NONE)
			return yerror(c, v->line, "'first_gap_ms' is the time from "
			    "the 'after' anchor: the selector needs 'after'");
		if (v->type == YNODE_SCALAR)
			return yerror(c, v->line, "'first_gap_ms' is {min: MS, max: "
			    "MS} (one of them at least)");
		if (load_range(c, v, "first_gap_ms", 86400000, &w->gap_min_ms,
		    &w->gap_max_ms) == -1)
			return -1;
		w->has_gap = 1;
	}
	if ((v = ymap_get(n, "same")) != NULL &&
	    load_same(c, v, portals, nportals, w) == -1)
		return -1;
	if (!w->has_count && !w->none && !w->has_gap && w->same_field[0] == '\0')
		return yerror(c, n->line, "a wire assertion checks something: "
		    "count, none, first_gap_ms or same");
	if (w->none && (w->has_count || w->has_gap || w->same_field[0] != '\0'))
		return yerror(c, n->line, "'none: true' cannot go with other "
		    "checks of the same PDUs");
	return 0;
}

int
expect_wire_load(const struct yctx *c, const struct ynode *list,
    char portals[][64], size_t nportals, struct wire_check **out, size_t *nout)
{
	struct wire_check *w;
	size_t i;

	*out = NULL;
	*nout = 0;
	if (list->type != YNODE_SEQ || list->n == 0)
		return yerror(c, list->line, "'wire' is a list of assertions "
		    "{pdu: {...}, count | none | first_gap_ms | same}");
	if ((w = calloc(list->n, sizeof(*w))) == NULL)
		return yerror(c, list->line, "out of memory");
	for (i = 0; i < list->n; i++)
		if (load_check(c, list->items[i], portals, nportals, &w[i]) == -1) {
			expect_wire_free(w, i + 1);
			return -1;
		}
	*out = w;
	*nout = list->n;
	return 0;
}

void
expect_wire_sel_free(struct wire_sel *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nkeys; i++)
		free(s->keys[i].value);
	if (s->after_pdu != NULL) {
		expect_wire_sel_free(s->after_pdu);
		free(s->after_pdu);
	}
}

void
expect_wire_free(struct wire_check *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		expect_wire_sel_free(&w[i].sel);
		if (w[i].same_sel != NULL) {
			expect_wire_sel_free(w[i].same_sel);
			free(w[i].same_sel);
		}
	}
	free(w);
}
