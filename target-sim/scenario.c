/*
 * Scenario files (YAML, docs/scenario-format.md) -> struct tsim_config.
 * The file is shared with the harness: the top level is
 *
 *   name, description, cites, tags, timeout    (metadata)
 *   target                                     (read here)
 *   rules                                      (scenario_rules.c)
 *   initiator, network, expect                 (the harness': skipped)
 *
 * and anything else is an error.  Every error is "file:line: message".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lun.h"
#include "scenario.h"
#include "ytree.h"

static const char *const top_keys[] = { "name", "description", "cites",
	"tags", "timeout", "target", "rules", "initiator", "network", "expect",
	NULL };

int
scn_str(const struct yctx *c, const struct ynode *m, const char *key,
    char *out, size_t outsz, bool required)
{
	const struct ynode *n = ymap_get(m, key);
	const char *s;
	int rc = yget_str(c, m, key, &s);

	if (rc < 0)
		return -1;
	if (rc == 1)
		return required ? yerror(c, m->line, "'%s' is required", key) :
		    1;
	if (strlen(s) >= outsz || strlen(s) != n->vlen)
		return yerror(c, n->line, "'%s' longer than %zu bytes or "
		    "contains NUL", key, outsz - 1);
	snprintf(out, outsz, "%s", s);
	return 0;
}

static int
str_list(const struct yctx *c, const struct ynode *m, const char *key)
{
	const struct ynode *n = ymap_get(m, key);
	size_t i;

	if (n == NULL)
		return 0;
	if (n->type != YNODE_SEQ)
		return yerror(c, n->line, "'%s' must be a list", key);
	for (i = 0; i < n->n; i++)
		if (n->items[i]->type != YNODE_SCALAR)
			return yerror(c, n->items[i]->line, "'%s' items must be "
			    "strings", key);
	return 0;
}

/* ---- keys and auth ------------------------------------------------------ */

static int
load_keys(const struct yctx *c, const struct ynode *m, struct tsim_keyvals *kv)
{
	const struct ynode *n = ymap_get(m, "keys");
	char why[128];
	size_t i;

	if (n == NULL)
		return 0;
	if (n->type != YNODE_MAP)
		return yerror(c, n->line, "'keys' must be a mapping of "
		    "key: value");
	for (i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];

		if (v->type != YNODE_SCALAR)
			return yerror(c, v->line, "key '%s': value must be a "
			    "scalar", n->keys[i]);
		if (tsim_keyvals_set(kv, n->keys[i], v->value, why,
		    sizeof(why)) != 0)
			return yerror(c, n->key_lines[i], "%s", why);
	}
	return 0;
}

static int
load_cred(const struct yctx *c, const struct ynode *m, const char *key,
    char *user, struct chap_secret *secret, bool *on)
{
	static const char *const allowed[] = { "user", "secret", NULL };
	const struct ynode *n = ymap_get(m, key), *sn;
	int rc;

	if (n == NULL)
		return 0;
	if (n->type != YNODE_MAP)
		return yerror(c, n->line, "'%s' must be a mapping with user and "
		    "secret", key);
	if (ymap_check_keys(c, n, allowed) != 0 ||
	    scn_str(c, n, "user", user, CHAP_NAME_MAX + 1, true) != 0)
		return -1;
	if ((rc = chap_name_check(user, strlen(user))) != CHAP_OK)
		return yerror(c, n->line, "%s.user: %s", key, chap_strerror(rc));
	if ((sn = ymap_get(n, "secret")) == NULL || sn->type != YNODE_SCALAR)
		return yerror(c, n->line, "%s.secret is required", key);
	rc = chap_secret_set(secret, sn->value, sn->vlen);
	if (rc == CHAP_OK)
		rc = chap_secret_check(secret->cs_len, CHAP_POLICY_RFC);
	if (rc != CHAP_OK)
		return yerror(c, sn->line, "%s.secret: %s", key,
		    chap_strerror(rc));
	*on = true;
	return 0;
}

static int
load_auth(const struct yctx *c, const struct ynode *parent, const char *key,
    struct tsim_auth_cfg *a)
{
	static const char *const allowed[] = { "chap", "mutual", "algorithms",
		NULL };
	const struct ynode *m = ymap_get(parent, key), *al;
	enum chap_alg alg;
	uint64_t v;
	size_t i;

	if (m == NULL)
		return 0;
	if (m->type != YNODE_MAP)
		return yerror(c, m->line, "'%s' must be a mapping", key);
	if (ymap_check_keys(c, m, allowed) != 0 ||
	    load_cred(c, m, "chap", a->user, &a->secret, &a->chap) != 0 ||
	    load_cred(c, m, "mutual", a->muser, &a->msecret, &a->mutual) != 0)
		return -1;
	if (a->mutual && !a->chap)
		return yerror(c, m->line, "'mutual' needs 'chap'");
	if ((al = ymap_get(m, "algorithms")) != NULL) {
		if (al->type != YNODE_SEQ || al->n == 0 || al->n > 4)
			return yerror(c, al->line, "'algorithms' must be a list "
			    "of 1 to 4 CHAP_A values");
		for (i = 0; i < al->n; i++) {
			const struct ynode *it = al->items[i];

			if (it->type != YNODE_SCALAR)
				return yerror(c, it->line, "bad algorithm");
			if (chap_alg_from_name(it->value, &alg) == CHAP_OK)
				a->algs[i] = alg;
			else if (yscalar_u64(c, it, 0, 255, &v) == 0 &&
			    chap_alg_known((int)v))
				a->algs[i] = (enum chap_alg)v;
			else
				return yerror(c, it->line, "unknown CHAP "
				    "algorithm '%s' (5, 6, 7, 8, MD5, SHA1, "
				    "SHA256, SHA3-256)", it->value);
		}
		a->nalgs = al->n;
	}
	return 0;
}

/* ---- portals, LUNs, targets --------------------------------------------- */

static int
load_portals(const struct yctx *c, const struct ynode *tgt,
    struct tsim_config *cfg)
{
	static const char *const allowed[] = { "name", "address", "tpgt", NULL };
	const struct ynode *l = ymap_get(tgt, "portals");
	char why[128];
	uint64_t v;
	size_t i;

	if (l == NULL)
		return 0;
	if (l->type != YNODE_SEQ)
		return yerror(c, l->line, "'portals' must be a list");
	for (i = 0; i < l->n; i++) {
		const struct ynode *m = l->items[i];
		struct tsim_portal_cfg *p;

		if (m->type != YNODE_MAP)
			return yerror(c, m->line, "a portal is a mapping "
			    "(name, address, tpgt)");
		if (ymap_check_keys(c, m, allowed) != 0)
			return -1;
		if ((p = tsim_config_add_portal(cfg)) == NULL)
			return yerror(c, m->line, "too many portals (at most %d)",
			    TSIM_MAX_PORTALS);
		p->line = m->line;
		if (scn_str(c, m, "name", p->name, sizeof(p->name), true) != 0 ||
		    scn_str(c, m, "address", p->addr, sizeof(p->addr),
		    true) != 0)
			return -1;
		if (tsim_config_portal_by_name(cfg, p->name) !=
		    (int)(cfg->nportals - 1))
			return yerror(c, m->line, "portal '%s' defined twice",
			    p->name);
		if (tsim_parse_listen(p->addr, &p->na, why, sizeof(why)) != 0)
			return yerror(c, ymap_get(m, "address")->line,
			    "address '%s': %s", p->addr, why);
		if (yget_u64(c, m, "tpgt", 0, 65535, &v) < 0)
			return -1;
		p->tpgt = ymap_get(m, "tpgt") ? (uint16_t)v : 1;
	}
	return 0;
}

static int
load_luns(const struct yctx *c, const struct ynode *m, struct tsim_target_cfg *t)
{
	static const char *const allowed[] = { "size", "file", NULL };
	const struct ynode *l = ymap_get(m, "luns");
	char why[128], file[4096];
	const struct ynode *it, *sz;
	uint64_t size;
	size_t i;

	if (l == NULL)
		return yerror(c, m->line, "target '%s' needs 'luns'", t->name);
	if (l->type != YNODE_SEQ || l->n == 0)
		return yerror(c, l->line, "'luns' must be a non-empty list");
	for (i = 0; i < l->n; i++) {
		it = l->items[i];
		file[0] = '\0';
		sz = it;
		if (it->type == YNODE_MAP) {
			if (ymap_check_keys(c, it, allowed) != 0 ||
			    scn_str(c, it, "file", file, sizeof(file), false) < 0)
				return -1;
			if ((sz = ymap_get(it, "size")) == NULL)
				return yerror(c, it->line, "LUN %zu: 'size' is "
				    "required", i);
		}
		if (sz->type != YNODE_SCALAR)
			return yerror(c, sz->line, "LUN %zu: size must be a "
			    "scalar like 64M", i);
		if (lun_parse_size(sz->value, &size, why, sizeof(why)) != 0)
			return yerror(c, sz->line, "LUN %zu: %s", i, why);
		if (size == 0 || size % LUN_BLOCK_SIZE != 0)
			return yerror(c, sz->line, "LUN %zu: size must be a "
			    "non-zero multiple of %d", i, LUN_BLOCK_SIZE);
		if (tsim_target_add_lun(t, size, file[0] ? file : NULL) != 0)
			return yerror(c, it->line, "out of memory");
	}
	return 0;
}

static int
load_target_lists(const struct yctx *c, const struct ynode *m,
    struct tsim_config *cfg, struct tsim_target_cfg *t)
{
	const struct ynode *l;
	size_t i;
	int idx;

	if ((l = ymap_get(m, "portals")) != NULL) {
		if (l->type != YNODE_SEQ || str_list(c, m, "portals") != 0)
			return yerror(c, l->line, "'portals' must be a list of "
			    "portal names");
		for (i = 0; i < l->n && i < TSIM_MAX_PORTALS; i++) {
			idx = tsim_config_portal_by_name(cfg, l->items[i]->value);
			if (idx < 0)
				return yerror(c, l->items[i]->line, "no portal "
				    "named '%s'", l->items[i]->value);
			t->portal_idx[t->nportals++] = (size_t)idx;
		}
	}
	if ((l = ymap_get(m, "offer")) != NULL) {
		if (l->type != YNODE_SEQ || str_list(c, m, "offer") != 0 ||
		    l->n > TSIM_MAX_OFFERS)
			return yerror(c, l->line, "'offer' must be a list of at "
			    "most %d key names", TSIM_MAX_OFFERS);
		for (i = 0; i < l->n; i++) {
			const struct keys_def *d = keys_def(
			    keys_lookup(l->items[i]->value));

			if (d == NULL || !(d->senders & KEYS_BY_T) ||
			    d->result == KEYS_RES_AUTH ||
			    d->result == KEYS_RES_OBSOLETE)
				return yerror(c, l->items[i]->line, "'%s' is not "
				    "a key the target can offer",
				    l->items[i]->value);
			t->offers[t->noffers++] = d->id;
		}
	}
	if ((l = ymap_get(m, "addresses")) != NULL) {
		if (l->type != YNODE_SEQ || str_list(c, m, "addresses") != 0 ||
		    l->n > TSIM_MAX_ADDRS)
			return yerror(c, l->line, "'addresses' must be a list of "
			    "at most %d TargetAddress values", TSIM_MAX_ADDRS);
		for (i = 0; i < l->n; i++) {
			if (l->items[i]->vlen > TEXT_VALUE_MAX)
				return yerror(c, l->items[i]->line, "address too "
				    "long");
			if ((t->addrs[t->naddrs] = strdup(l->items[i]->value)) ==
			    NULL)
				return yerror(c, l->line, "out of memory");
			t->naddrs++;
		}
	}
	return 0;
}

static int
load_targets(const struct yctx *c, const struct ynode *tgt,
    struct tsim_config *cfg)
{
	static const char *const allowed[] = { "name", "alias", "portals",
		"luns", "auth", "keys", "offer", "addresses", NULL };
	const struct ynode *l = ymap_get(tgt, "targets");
	size_t i;

	if (l == NULL)
		return 0;
	if (l->type != YNODE_SEQ)
		return yerror(c, l->line, "'targets' must be a list");
	for (i = 0; i < l->n; i++) {
		const struct ynode *m = l->items[i];
		struct tsim_target_cfg *t;

		if (m->type != YNODE_MAP)
			return yerror(c, m->line, "a target is a mapping");
		if (ymap_check_keys(c, m, allowed) != 0)
			return -1;
		if ((t = tsim_config_add_target(cfg)) == NULL)
			return yerror(c, m->line, "out of memory");
		t->line = m->line;
		if (scn_str(c, m, "name", t->name, sizeof(t->name), true) != 0 ||
		    scn_str(c, m, "alias", t->alias, sizeof(t->alias),
		    false) < 0 || load_luns(c, m, t) != 0 ||
		    load_auth(c, m, "auth", &t->auth) != 0 ||
		    load_keys(c, m, &t->keys) != 0 ||
		    load_target_lists(c, m, cfg, t) != 0)
			return -1;
		if (names_validate(t->name, strlen(t->name), NULL) != 0)
			return yerror(c, ymap_get(m, "name")->line, "'%s' is not "
			    "a valid iSCSI name", t->name);
		if (t->auth.mutual && chap_secrets_distinct(&t->auth.secret,
		    &t->auth.msecret) != CHAP_OK)
			return yerror(c, m->line, "mutual secret must differ "
			    "from the CHAP secret (RFC 7143 9.2.1)");
	}
	return 0;
}

static int
load_settings(const struct yctx *c, const struct ynode *tgt,
    struct tsim_config *cfg)
{
	static const char *const allowed[] = { "keys", "digest", "cmdsn_window",
		"nop_interval_ms", "login_pdus_max", "discovery_auth", NULL };
	const struct ynode *m = ymap_get(tgt, "settings");
	const struct ynode *d;
	uint64_t v;

	if (m == NULL)
		return 0;
	if (m->type != YNODE_MAP)
		return yerror(c, m->line, "'settings' must be a mapping");
	if (ymap_check_keys(c, m, allowed) != 0 ||
	    load_keys(c, m, &cfg->keys) != 0 ||
	    load_auth(c, m, "discovery_auth", &cfg->discovery_auth) != 0)
		return -1;
	if ((d = ymap_get(m, "digest")) != NULL &&
	    (d->type != YNODE_SCALAR ||
	    tsim_keyvals_set_digest(&cfg->keys, d->value) != 0))
		return yerror(c, d->line, "digest must be none, crc32c or both");
	if (yget_u64(c, m, "cmdsn_window", 1, 65536, &v) < 0)
		return -1;
	if (ymap_get(m, "cmdsn_window") != NULL)
		cfg->cmdsn_window = (uint32_t)v;
	if (yget_u64(c, m, "nop_interval_ms", 0, 3600000, &v) < 0)
		return -1;
	if (ymap_get(m, "nop_interval_ms") != NULL)
		cfg->nop_interval_ms = (uint32_t)v;
	if (yget_u64(c, m, "login_pdus_max", 1, 100000, &v) < 0)
		return -1;
	if (ymap_get(m, "login_pdus_max") != NULL)
		cfg->login_pdus_max = (uint32_t)v;
	return 0;
}

static int
load_target(const struct yctx *c, const struct ynode *root,
    struct tsim_config *cfg)
{
	static const char *const allowed[] = { "settings", "portals", "targets",
		NULL };
	const struct ynode *tgt = ymap_get(root, "target");

	if (tgt == NULL)
		return 0;
	if (tgt->type != YNODE_MAP)
		return yerror(c, tgt->line, "'target' must be a mapping");
	if (ymap_check_keys(c, tgt, allowed) != 0 ||
	    load_settings(c, tgt, cfg) != 0 ||
	    load_portals(c, tgt, cfg) != 0 ||
	    load_targets(c, tgt, cfg) != 0)
		return -1;
	return 0;
}

static int
load_root(const struct yctx *c, const struct ynode *root,
    struct tsim_config *cfg)
{
	char name[256];
	uint64_t v;

	if (root->type != YNODE_MAP)
		return yerror(c, root->line, "a scenario is a mapping (name, "
		    "target, rules, ...)");
	if (ymap_check_keys(c, root, top_keys) != 0)
		return -1;
	if (scn_str(c, root, "name", name, sizeof(name), false) < 0 ||
	    yget_u64(c, root, "timeout", 0, 86400, &v) < 0 ||
	    str_list(c, root, "cites") != 0 || str_list(c, root, "tags") != 0)
		return -1;
	if (ymap_get(root, "description") != NULL &&
	    ymap_get(root, "description")->type != YNODE_SCALAR)
		return yerror(c, ymap_get(root, "description")->line,
		    "'description' must be text");
	if (ymap_get(root, "name") != NULL && cfg->name == NULL &&
	    (cfg->name = strdup(name)) == NULL)
		return yerror(c, root->line, "out of memory");
	if (load_target(c, root, cfg) != 0 ||
	    scn_load_rules(c, root, cfg) != 0)
		return -1;
	return 0;
}

int
tsim_scenario_load_buffer(struct tsim_config *cfg, const char *name,
    const char *buf, size_t len, char *err, size_t errsz)
{
	struct yctx c = { name, err, errsz };
	struct ynode *root = ytree_load_buffer(name, buf, len, err, errsz);
	int rc;

	if (root == NULL)
		return -1;
	rc = load_root(&c, root, cfg);
	ytree_free(root);
	return rc;
}

int
tsim_scenario_load_file(struct tsim_config *cfg, const char *path, char *err,
    size_t errsz)
{
	struct yctx c = { path, err, errsz };
	struct ynode *root = ytree_load_file(path, err, errsz);
	int rc;

	if (root == NULL)
		return -1;
	rc = load_root(&c, root, cfg);
	ytree_free(root);
	if (rc == 0 && cfg->path == NULL)
		cfg->path = strdup(path);
	return rc;
}
