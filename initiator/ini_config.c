/*
 * Configuration the node keeps for the process lifetime: discovery portals
 * (AddTargetPortal), targets (discovered by SendTargets or added with
 * AddTarget) and the seed's login-option merge rules.
 */
#include <stdlib.h>
#include <string.h>

#include "ini_internal.h"

void
ini_login_opts_clear(struct ini_login_opts *o)
{
	chap_secret_clear(&o->password);
	memset(o, 0, sizeof(*o));
}

/*
 * Seed "How targets are organized", rule 1: LoginFlags, HeaderDigest,
 * DataDigest, MaximumConnections, DefaultTime2Wait, DefaultTime2Retain
 * from A over B over C; rule 2: AuthType, Username, Password as a unit
 * from the first of A, B, C with an AuthType other than ISCSI_NO_AUTH_TYPE.
 */
void
ini_login_opts_merge(const struct ini_login_opts *a,
    const struct ini_login_opts *b, const struct ini_login_opts *c,
    struct ini_login_opts *out)
{
	const struct ini_login_opts *src[3] = { a, b, c };
	struct ini_login_opts r;
	int i;

	memset(&r, 0, sizeof(r));
	for (i = 2; i >= 0; i--) {
		const struct ini_login_opts *o = src[i];

		if (o == NULL)
			continue;
		if (o->has_login_flags) {
			r.has_login_flags = true;
			r.login_flags = o->login_flags;
		}
		if (o->has_header_digest) {
			r.has_header_digest = true;
			r.header_digest = o->header_digest;
		}
		if (o->has_data_digest) {
			r.has_data_digest = true;
			r.data_digest = o->data_digest;
		}
		if (o->has_max_connections) {
			r.has_max_connections = true;
			r.max_connections = o->max_connections;
		}
		if (o->has_time2wait) {
			r.has_time2wait = true;
			r.time2wait = o->time2wait;
		}
		if (o->has_time2retain) {
			r.has_time2retain = true;
			r.time2retain = o->time2retain;
		}
	}
	for (i = 0; i < 3; i++) {
		const struct ini_login_opts *o = src[i];

		if (o == NULL || !o->has_auth || o->auth_type == INI_AUTH_NONE)
			continue;
		r.has_auth = true;
		r.auth_type = o->auth_type;
		r.has_username = o->has_username;
		memcpy(r.username, o->username, sizeof(r.username));
		r.has_password = o->has_password;
		r.password = o->password;
		break;
	}
	*out = r;
	chap_secret_clear(&r.password);
}

/* ---- portals ------------------------------------------------------------- */

static ssize_t
portal_index(const struct ini_node *n, const char *host, uint16_t port)
{
	size_t i;

	for (i = 0; i < n->nportals; i++)
		if (strcasecmp(n->portals[i].host, host) == 0 &&
		    n->portals[i].port == port)
			return (ssize_t)i;
	return -1;
}

uint32_t
ini_portal_add(struct ini_node *n, const struct ini_portal *p)
{
	struct ini_portal *np;
	uint32_t rc;

	if (p->host[0] == '\0')
		return ISDSC_INVALID_PARAMETER;
	if (portal_index(n, p->host, p->port) >= 0)
		return ISDSC_TARGET_PORTAL_ALREADY_EXISTS;
	/* seed: a SendTargets is done when the portal is added */
	rc = ini_discovery_run(n, p);
	if (rc != INI_ISDSC_OK)
		return rc;
	np = realloc(n->portals, (n->nportals + 1) * sizeof(*np));
	if (np == NULL)
		return ISDSC_OUT_OF_RESOURCES;
	n->portals = np;
	n->portals[n->nportals++] = *p;
	return INI_ISDSC_OK;
}

uint32_t
ini_portal_remove(struct ini_node *n, const char *host, uint16_t port)
{
	ssize_t i = portal_index(n, host, port);

	if (i < 0)
		return ISDSC_PORTAL_NOT_FOUND;
	chap_secret_clear(&n->portals[i].opts.password);
	memmove(&n->portals[i], &n->portals[i + 1],
	    (n->nportals - (size_t)i - 1) * sizeof(n->portals[0]));
	n->nportals--;
	return INI_ISDSC_OK;
}

uint32_t
ini_portal_refresh(struct ini_node *n, const char *host, uint16_t port)
{
	struct ini_portal p;
	ssize_t i = portal_index(n, host, port);
	uint32_t rc;

	if (i >= 0)
		p = n->portals[i];
	else {
		memset(&p, 0, sizeof(p));
		snprintf(p.host, sizeof(p.host), "%s", host);
		p.port = port;
	}
	rc = ini_discovery_run(n, &p);
	chap_secret_clear(&p.opts.password);
	return rc;
}

size_t
ini_portal_count(const struct ini_node *n)
{
	return n->nportals;
}

const struct ini_portal *
ini_portal_at(const struct ini_node *n, size_t i)
{
	return i < n->nportals ? &n->portals[i] : NULL;
}

/* ---- targets ------------------------------------------------------------- */

struct ini_target *
ini_target_find(struct ini_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->ntargets; i++)
		if (names_equal(n->targets[i].info.name,
		    strlen(n->targets[i].info.name), name, strlen(name)))
			return &n->targets[i];
	return NULL;
}

/* Find or create (the name must already be valid and normalised). */
struct ini_target *
ini_target_get(struct ini_node *n, const char *name)
{
	struct ini_target *t = ini_target_find(n, name), *nt;

	if (t != NULL)
		return t;
	nt = realloc(n->targets, (n->ntargets + 1) * sizeof(*nt));
	if (nt == NULL)
		return NULL;
	n->targets = nt;
	t = &n->targets[n->ntargets++];
	memset(t, 0, sizeof(*t));
	snprintf(t->info.name, sizeof(t->info.name), "%s", name);
	return t;
}

uint32_t
ini_target_add(struct ini_node *n, const char *name, const char *alias,
    const char *host, uint16_t port, uint32_t flags,
    const struct ini_login_opts *opts)
{
	char norm[NAMES_MAX + 1];
	struct ini_target *t;

	/* seed "Node Names": an invalid target name is refused */
	if (names_validate(name, strlen(name), NULL) != NAMES_OK ||
	    names_normalize(name, strlen(name), norm, sizeof(norm), NULL) !=
	    NAMES_OK)
		return ISDSC_INVALID_ISCSI_NAME;
	t = ini_target_find(n, norm);
	if (t != NULL && t->info.is_static &&
	    !(flags & INI_TARGET_FLAG_MERGE_TARGET_INFORMATION))
		return ISDSC_TARGET_ALREADY_EXISTS;
	if ((t = ini_target_get(n, norm)) == NULL)
		return ISDSC_OUT_OF_RESOURCES;
	t->info.is_static = true;
	t->info.static_flags = flags;
	t->info.static_hidden = (flags & INI_TARGET_FLAG_HIDE_STATIC_TARGET) != 0;
	if (alias != NULL)
		snprintf(t->info.alias, sizeof(t->info.alias), "%s", alias);
	if (host != NULL) {
		snprintf(t->info.static_portal.host,
		    sizeof(t->info.static_portal.host), "%s", host);
		t->info.static_portal.port = port ? port : ISCSI_DEFAULT_PORT;
		t->info.static_portal.tpgt = -1;
	}
	if (opts != NULL) {
		chap_secret_clear(&t->static_opts.password);
		t->static_opts = *opts;
	}
	return INI_ISDSC_OK;
}

uint32_t
ini_target_remove(struct ini_node *n, const char *name)
{
	struct ini_target *t = ini_target_find(n, name);
	size_t i;

	if (t == NULL || !t->info.is_static)
		return ISDSC_TARGET_NOT_FOUND;
	if (t->info.discovered) {
		/* still known through discovery: drop only the static part */
		t->info.is_static = false;
		t->info.static_portal.port = 0;
		ini_login_opts_clear(&t->static_opts);
		return INI_ISDSC_OK;
	}
	i = (size_t)(t - n->targets);
	ini_login_opts_clear(&t->static_opts);
	ini_login_opts_clear(&t->disc_opts);
	memmove(&n->targets[i], &n->targets[i + 1],
	    (n->ntargets - i - 1) * sizeof(n->targets[0]));
	n->ntargets--;
	return INI_ISDSC_OK;
}

static bool
reported(const struct ini_target *t)
{
	return t->info.discovered || (t->info.is_static && !t->info.static_hidden);
}

size_t
ini_target_count(const struct ini_node *n)
{
	size_t i, k = 0;

	for (i = 0; i < n->ntargets; i++)
		if (reported(&n->targets[i]))
			k++;
	return k;
}

bool
ini_target_at(const struct ini_node *n, size_t idx, struct ini_target_info *out)
{
	size_t i, k = 0;

	for (i = 0; i < n->ntargets; i++) {
		if (!reported(&n->targets[i]))
			continue;
		if (k++ == idx) {
			*out = n->targets[i].info;
			return true;
		}
	}
	return false;
}

uint32_t
ini_target_info(const struct ini_node *n, const char *name,
    struct ini_target_info *out)
{
	struct ini_target *t = ini_target_find((struct ini_node *)n, name);

	if (t == NULL || !reported(t))
		return ISDSC_TARGET_NOT_FOUND;
	*out = t->info;
	return INI_ISDSC_OK;
}
