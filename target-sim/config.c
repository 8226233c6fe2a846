/* Configuration of the simulated target: portals, targets, LUNs, keys. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "names.h"
#include "tsim.h"

static int
cfg_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
cfg_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

struct tsim_config *
tsim_config_new(void)
{
	struct tsim_config *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->cmdsn_window = TSIM_DEFAULT_CMDSN_WINDOW;
	tsim_auth_defaults(&c->discovery_auth);
	c->login_pdus_max = TSIM_DEFAULT_LOGIN_PDUS;
	return c;
}

static void
target_cfg_clear(struct tsim_target_cfg *t)
{
	size_t i;

	for (i = 0; i < t->nluns; i++)
		free(t->luns[i].file);
	free(t->luns);
	for (i = 0; i < t->naddrs; i++)
		free(t->addrs[i]);
	chap_secret_clear(&t->auth.secret);
	chap_secret_clear(&t->auth.msecret);
}

void
tsim_config_free(struct tsim_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ntargets; i++)
		target_cfg_clear(&c->targets[i]);
	free(c->targets);
	chap_secret_clear(&c->discovery_auth.secret);
	chap_secret_clear(&c->discovery_auth.msecret);
	free(c->portals);
	free(c->rules);
	free(c->name);
	free(c->path);
	free(c);
}

struct tsim_portal_cfg *
tsim_config_add_portal(struct tsim_config *c)
{
	struct tsim_portal_cfg *np;

	if (c->nportals >= TSIM_MAX_PORTALS) {
		errno = ENOSPC;
		return NULL;
	}
	np = realloc(c->portals, (c->nportals + 1) * sizeof(*np));
	if (np == NULL)
		return NULL;
	c->portals = np;
	np = &c->portals[c->nportals++];
	memset(np, 0, sizeof(*np));
	np->tpgt = 1;
	return np;
}

struct tsim_target_cfg *
tsim_config_add_target(struct tsim_config *c)
{
	struct tsim_target_cfg *nt;

	nt = realloc(c->targets, (c->ntargets + 1) * sizeof(*nt));
	if (nt == NULL)
		return NULL;
	c->targets = nt;
	nt = &c->targets[c->ntargets++];
	memset(nt, 0, sizeof(*nt));
	tsim_auth_defaults(&nt->auth);
	return nt;
}

void
tsim_auth_defaults(struct tsim_auth_cfg *a)
{
	a->algs[0] = CHAP_ALG_SHA256;
	a->algs[1] = CHAP_ALG_SHA1;
	a->algs[2] = CHAP_ALG_SHA3_256;
	a->algs[3] = CHAP_ALG_MD5;
	a->nalgs = 4;
}

int
tsim_target_add_lun(struct tsim_target_cfg *t, uint64_t size, const char *file)
{
	struct tsim_lun_cfg *nl;

	nl = realloc(t->luns, (t->nluns + 1) * sizeof(*nl));
	if (nl == NULL)
		return -1;
	t->luns = nl;
	nl = &t->luns[t->nluns];
	nl->size = size;
	nl->file = NULL;
	if (file != NULL && (nl->file = strdup(file)) == NULL)
		return -1;
	t->nluns++;
	return 0;
}

int
tsim_config_portal_by_name(const struct tsim_config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nportals; i++)
		if (strcmp(c->portals[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
tsim_parse_listen(const char *s, struct netaddr *na, char *err, size_t errsz)
{
	char buf[TSIM_ADDR_MAX + 1];
	size_t n = strlen(s);

	/* netaddr wants ports 1-65535; ":0" means any free port here */
	if (n >= 2 && n < sizeof(buf) && strcmp(s + n - 2, ":0") == 0 &&
	    (n < 3 || s[n - 3] != ':')) {
		memcpy(buf, s, n - 2);
		memcpy(buf + n - 2, ":1", 3);
		if (netaddr_parse_numeric(buf, ISCSI_DEFAULT_PORT, na, err,
		    errsz) != 0)
			return -1;
		netaddr_set_port(na, 0);
		return 0;
	}
	return netaddr_parse_numeric(s, ISCSI_DEFAULT_PORT, na, err, errsz);
}

int
tsim_keyvals_set(struct tsim_keyvals *kv, const char *key, const char *value,
    char *err, size_t errsz)
{
	int id = keys_lookup(key);
	const struct keys_def *d = keys_def(id);
	char why[TEXT_VALUE_MAX + 96];

	if (d == NULL)
		return cfg_err(err, errsz, "unknown key '%s'", key);
	if (d->result == KEYS_RES_AUTH || d->result == KEYS_RES_OBSOLETE)
		return cfg_err(err, errsz, "key '%s' cannot be configured "
		    "(use auth: for CHAP)", key);
	if (strlen(value) > TEXT_VALUE_MAX)
		return cfg_err(err, errsz, "value of '%s' longer than %d bytes",
		    key, TEXT_VALUE_MAX);
	/* a typo such as "8k" or "yes" would otherwise go on the wire;
	 * deliberately wrong values are the 'negotiate' action's job */
	if (!keys_value_valid(id, value, why, sizeof(why)))
		return cfg_err(err, errsz, "%s", why);
	snprintf(kv->v[id], sizeof(kv->v[id]), "%s", value);
	kv->set[id] = true;
	return 0;
}

int
tsim_keyvals_set_digest(struct tsim_keyvals *kv, const char *mode)
{
	const char *v;

	if (strcmp(mode, "none") == 0)
		v = "None";
	else if (strcmp(mode, "crc32c") == 0)
		v = "CRC32C";
	else if (strcmp(mode, "both") == 0)
		v = "CRC32C,None";
	else
		return -1;
	tsim_keyvals_set(kv, "HeaderDigest", v, NULL, 0);
	tsim_keyvals_set(kv, "DataDigest", v, NULL, 0);
	return 0;
}

int
tsim_parse_userpass(const char *s, char *user, size_t usersz,
    struct chap_secret *secret, char *err, size_t errsz)
{
	const char *colon = strchr(s, ':');
	size_t ulen;
	int rc;

	if (colon == NULL)
		return cfg_err(err, errsz, "'%s' is not USER:SECRET", s);
	ulen = (size_t)(colon - s);
	if ((rc = chap_name_check(s, ulen)) != CHAP_OK)
		return cfg_err(err, errsz, "CHAP user name: %s", chap_strerror(rc));
	if (ulen >= usersz)
		return cfg_err(err, errsz, "CHAP user name too long");
	memcpy(user, s, ulen);
	user[ulen] = '\0';
	rc = chap_secret_set(secret, colon + 1, strlen(colon + 1));
	if (rc == CHAP_OK)
		rc = chap_secret_check(secret->cs_len, CHAP_POLICY_RFC);
	if (rc != CHAP_OK)
		return cfg_err(err, errsz, "CHAP secret for '%s': %s", user,
		    chap_strerror(rc));
	return 0;
}

int
tsim_config_check(const struct tsim_config *c, char *err, size_t errsz)
{
	size_t i, j;

	if (c->nportals == 0)
		return cfg_err(err, errsz, "%s%sno portal to listen on (%s)",
		    c->path != NULL ? c->path : "", c->path != NULL ? ": " : "",
		    c->path != NULL ? "target.portals or --listen" : "--listen");
	if (c->ntargets == 0)
		return cfg_err(err, errsz, "%s%sno target defined (%s)",
		    c->path != NULL ? c->path : "", c->path != NULL ? ": " : "",
		    c->path != NULL ? "target.targets or --target" : "--target");
	for (i = 0; i < c->ntargets; i++) {
		const struct tsim_target_cfg *t = &c->targets[i];
		char at[300] = "";

		/* a target from a scenario: "file:line: " */
		if (t->line > 0 && c->path != NULL)
			snprintf(at, sizeof(at), "%s:%d: ", c->path, t->line);
		if (names_validate(t->name, strlen(t->name), NULL) != 0)
			return cfg_err(err, errsz, "%starget '%s' is not a valid "
			    "iSCSI name", at, t->name);
		for (j = 0; j < i; j++)
			if (strcmp(c->targets[j].name, t->name) == 0)
				return cfg_err(err, errsz, "%starget '%s' defined "
				    "twice", at, t->name);
		for (j = 0; j < t->nluns; j++)
			if (t->luns[j].size % 512 != 0 ||
			    (t->luns[j].size == 0 && t->luns[j].file == NULL))
				return cfg_err(err, errsz, "%starget '%s' LUN %zu: "
				    "size must be a non-zero multiple of 512",
				    at, t->name, j);
		if (t->auth.mutual && !t->auth.chap)
			return cfg_err(err, errsz, "%starget '%s': mutual CHAP "
			    "needs CHAP", at, t->name);
		if (t->auth.mutual && chap_secrets_distinct(&t->auth.secret,
		    &t->auth.msecret) != CHAP_OK)
			return cfg_err(err, errsz, "%starget '%s': the mutual "
			    "CHAP secret must differ from the initiator's (RFC "
			    "7143 9.2.1)", at, t->name);
	}
	if (c->cmdsn_window < 1 || c->cmdsn_window > 65536)
		return cfg_err(err, errsz, "cmdsn_window must be 1..65536");
	return 0;
}
