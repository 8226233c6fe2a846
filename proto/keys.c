/* The key table (RFC 7143 section 13), parameter sets and their checks. */
#include <stdio.h>
#include <string.h>

#include "keys.h"

static const struct keys_def keys_table[KEYS_COUNT] = {
#define KEYS_DEF_ROW(id, name, type, res, scope, use, by, dflt, min, max, \
    vs, flags, sec)							\
	{ KEYS_##id, name, KEYS_T_##type, KEYS_RES_##res, KEYS_##scope,	\
	  KEYS_USE_##use, KEYS_BY_##by, dflt, min, max, KEYS_VS_##vs,	\
	  flags, sec },
	KEYS_TABLE(KEYS_DEF_ROW)
#undef KEYS_DEF_ROW
};

#define KEYS_VAL_TEXT(name, text) text,
static const char *const digest_values[] = {
	KEYS_DIGEST_VALUES(KEYS_VAL_TEXT) NULL };
static const char *const auth_values[] = {
	KEYS_AUTH_VALUES(KEYS_VAL_TEXT) NULL };
static const char *const taskrep_values[] = {
	KEYS_TASKREP_VALUES(KEYS_VAL_TEXT) NULL };
static const char *const sesstype_values[] = {
	KEYS_SESSTYPE_VALUES(KEYS_VAL_TEXT) NULL };
#undef KEYS_VAL_TEXT

const struct keys_def *
keys_def(int id)
{
	if (id < 0 || id >= KEYS_COUNT)
		return NULL;
	return &keys_table[id];
}

const char *
keys_name(int id)
{
	const struct keys_def *d = keys_def(id);

	return d != NULL ? d->name : "(unknown key)";
}

int
keys_lookup_n(const char *name, size_t len)
{
	int i;

	for (i = 0; i < KEYS_COUNT; i++)
		if (strlen(keys_table[i].name) == len &&
		    memcmp(keys_table[i].name, name, len) == 0)
			return i;
	return KEYS_UNKNOWN;
}

int
keys_lookup(const char *name)
{
	return keys_lookup_n(name, strlen(name));
}

size_t
keys_value_limit(const char *key, size_t keylen)
{
	int id = keys_lookup_n(key, keylen);

	if (id != KEYS_UNKNOWN && (keys_table[id].flags & KEYS_F_LONG))
		return TEXT_LONG_VALUE_MAX;
	return TEXT_VALUE_MAX;
}

const char *const *
keys_values(int id)
{
	const struct keys_def *d = keys_def(id);

	if (d == NULL)
		return NULL;
	switch (d->valset) {
	case KEYS_VS_DIGEST:
		return digest_values;
	case KEYS_VS_AUTH:
		return auth_values;
	case KEYS_VS_TASKREP:
		return taskrep_values;
	case KEYS_VS_SESSTYPE:
		return sesstype_values;
	case KEYS_VS_NONE:
		break;
	}
	return NULL;
}

const char *
keys_resfn_name(enum keys_resfn r)
{
	static const char *const names[] = { "declarative", "OR", "AND",
	    "Minimum", "Maximum", "list", "authentication", "obsolete" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *
keys_use_name(enum keys_use u)
{
	static const char *const names[] = { "IO", "LO", "ALL", "FFP",
	    "security" };

	return (unsigned)u < sizeof(names) / sizeof(names[0]) ? names[u] : "?";
}

/* ---- statuses and findings ---------------------------------------------- */

static const struct {
	const char	*name;
	enum keys_action action;
	const char	*text;
} status_table[KEYS_NSTATUS] = {
#define KEYS_STATUS_ROW(st, act, text) { #st, KEYS_ACT_##act, text },
	KEYS_STATUSES(KEYS_STATUS_ROW)
#undef KEYS_STATUS_ROW
};

const char *
keys_status_name(enum keys_status s)
{
	return (unsigned)s < KEYS_NSTATUS ? status_table[s].name : "?";
}

const char *
keys_status_text(enum keys_status s)
{
	return (unsigned)s < KEYS_NSTATUS ? status_table[s].text : "?";
}

enum keys_action
keys_status_action(enum keys_status s)
{
	return (unsigned)s < KEYS_NSTATUS ? status_table[s].action :
	    KEYS_ACT_FAIL;
}

int
keys_result_format(const struct keys_result *r, char *buf, size_t bufsz)
{
	if (r->action == KEYS_ACT_ANSWER)
		return snprintf(buf, bufsz, "%s=%s: %s (answer %s=%s)", r->key,
		    r->value, keys_status_text(r->status), r->key, r->answer);
	if (r->offer[0] != '\0')
		return snprintf(buf, bufsz, "%s=%s: %s (we offered %s)", r->key,
		    r->value, keys_status_text(r->status), r->offer);
	return snprintf(buf, bufsz, "%s=%s: %s", r->key, r->value,
	    keys_status_text(r->status));
}

static const char *const finding_text[KEYS_NFINDINGS] = {
#define KEYS_FINDING_TEXT(code, key, text) text,
	KEYS_FINDINGS(KEYS_FINDING_TEXT)
#undef KEYS_FINDING_TEXT
};

static const int finding_key[KEYS_NFINDINGS] = {
#define KEYS_FINDING_KEY(code, key, text) KEYS_##key,
	KEYS_FINDINGS(KEYS_FINDING_KEY)
#undef KEYS_FINDING_KEY
};

const char *
keys_finding_text(enum keys_finding_code c)
{
	return (unsigned)c < KEYS_NFINDINGS ? finding_text[c] : "?";
}

/* ---- parameter slots ---------------------------------------------------- */

/* Numeric view of a scalar slot (numbers, Booleans, value-set indices). */
static bool
param_num(const struct keys_params *p, int id, uint64_t *v)
{
	switch (id) {
	case KEYS_HEADER_DIGEST:	*v = p->c.header_digest; break;
	case KEYS_DATA_DIGEST:		*v = p->c.data_digest; break;
	case KEYS_AUTH_METHOD:		*v = p->c.auth_method; break;
	case KEYS_MAX_RECV_DATA_SEGMENT_LENGTH: *v = p->c.max_recv_dsl; break;
	case KEYS_MAX_CONNECTIONS:	*v = p->s.max_connections; break;
	case KEYS_TARGET_PORTAL_GROUP_TAG: *v = p->s.target_portal_group_tag; break;
	case KEYS_INITIAL_R2T:		*v = p->s.initial_r2t; break;
	case KEYS_IMMEDIATE_DATA:	*v = p->s.immediate_data; break;
	case KEYS_MAX_BURST_LENGTH:	*v = p->s.max_burst_length; break;
	case KEYS_FIRST_BURST_LENGTH:	*v = p->s.first_burst_length; break;
	case KEYS_DEFAULT_TIME2WAIT:	*v = p->s.default_time2wait; break;
	case KEYS_DEFAULT_TIME2RETAIN:	*v = p->s.default_time2retain; break;
	case KEYS_MAX_OUTSTANDING_R2T:	*v = p->s.max_outstanding_r2t; break;
	case KEYS_DATA_PDU_IN_ORDER:	*v = p->s.data_pdu_in_order; break;
	case KEYS_DATA_SEQUENCE_IN_ORDER: *v = p->s.data_sequence_in_order; break;
	case KEYS_ERROR_RECOVERY_LEVEL:	*v = p->s.error_recovery_level; break;
	case KEYS_SESSION_TYPE:		*v = p->s.session_type; break;
	case KEYS_TASK_REPORTING:	*v = p->s.task_reporting; break;
	case KEYS_PROTOCOL_LEVEL:	*v = p->s.protocol_level; break;
	default:
		return false;
	}
	return true;
}

static bool
param_set_num(struct keys_params *p, int id, uint64_t v)
{
	uint32_t u = (uint32_t)v;

	switch (id) {
	case KEYS_HEADER_DIGEST:	p->c.header_digest = (enum keys_digest)u; break;
	case KEYS_DATA_DIGEST:		p->c.data_digest = (enum keys_digest)u; break;
	case KEYS_AUTH_METHOD:		p->c.auth_method = (enum keys_auth)u; break;
	case KEYS_MAX_RECV_DATA_SEGMENT_LENGTH: p->c.max_recv_dsl = u; break;
	case KEYS_MAX_CONNECTIONS:	p->s.max_connections = u; break;
	case KEYS_TARGET_PORTAL_GROUP_TAG: p->s.target_portal_group_tag = u; break;
	case KEYS_INITIAL_R2T:		p->s.initial_r2t = u != 0; break;
	case KEYS_IMMEDIATE_DATA:	p->s.immediate_data = u != 0; break;
	case KEYS_MAX_BURST_LENGTH:	p->s.max_burst_length = u; break;
	case KEYS_FIRST_BURST_LENGTH:	p->s.first_burst_length = u; break;
	case KEYS_DEFAULT_TIME2WAIT:	p->s.default_time2wait = u; break;
	case KEYS_DEFAULT_TIME2RETAIN:	p->s.default_time2retain = u; break;
	case KEYS_MAX_OUTSTANDING_R2T:	p->s.max_outstanding_r2t = u; break;
	case KEYS_DATA_PDU_IN_ORDER:	p->s.data_pdu_in_order = u != 0; break;
	case KEYS_DATA_SEQUENCE_IN_ORDER: p->s.data_sequence_in_order = u != 0; break;
	case KEYS_ERROR_RECOVERY_LEVEL:	p->s.error_recovery_level = u; break;
	case KEYS_SESSION_TYPE:		p->s.session_type = (enum keys_sesstype)u; break;
	case KEYS_TASK_REPORTING:	p->s.task_reporting = (enum keys_taskrep)u; break;
	case KEYS_PROTOCOL_LEVEL:	p->s.protocol_level = u; break;
	default:
		return false;
	}
	return true;
}

static char *
param_text(struct keys_params *p, int id, size_t *size)
{
	switch (id) {
	case KEYS_TARGET_NAME:
		*size = sizeof(p->s.target_name);
		return p->s.target_name;
	case KEYS_INITIATOR_NAME:
		*size = sizeof(p->s.initiator_name);
		return p->s.initiator_name;
	case KEYS_TARGET_ALIAS:
		*size = sizeof(p->s.target_alias);
		return p->s.target_alias;
	case KEYS_INITIATOR_ALIAS:
		*size = sizeof(p->s.initiator_alias);
		return p->s.initiator_alias;
	case KEYS_TARGET_ADDRESS:
		*size = sizeof(p->s.target_address);
		return p->s.target_address;
	default:
		return NULL;
	}
}

static int
value_index(int id, const char *value)
{
	const char *const *vals = keys_values(id);
	int i;

	for (i = 0; vals != NULL && vals[i] != NULL; i++)
		if (strcmp(vals[i], value) == 0)
			return i;
	return -1;
}

bool
keys_params_set(struct keys_params *p, int id, const char *value)
{
	const struct keys_def *d = keys_def(id);
	size_t size, len = strlen(value);
	uint64_t v;
	char *t;
	bool b;
	int i;

	if (d == NULL)
		return false;
	if ((t = param_text(p, id, &size)) != NULL) {
		if (len >= size)
			return false;
		memcpy(t, value, len + 1);
	} else if (d->type == KEYS_T_NUMBER) {
		if (text_parse_number(value, len, d->min, d->max, &v) != TEXT_OK ||
		    !param_set_num(p, id, v))
			return false;
	} else if (d->type == KEYS_T_BOOL) {
		if (text_parse_bool(value, len, &b) != TEXT_OK ||
		    !param_set_num(p, id, b))
			return false;
	} else if (d->type == KEYS_T_LIST || d->type == KEYS_T_ENUM) {
		if ((i = value_index(id, value)) < 0 ||
		    !param_set_num(p, id, (uint64_t)i))
			return false;
	} else
		return false;
	p->set |= KEYS_BIT(id);
	return true;
}

bool
keys_value_valid(int id, const char *value, char *why, size_t whysz)
{
	const struct keys_def *d = keys_def(id);
	const char *const *vals = keys_values(id);
	const char *cur = value, *end = value + strlen(value), *item;
	size_t len = strlen(value), k;
	uint64_t v;
	bool b;

	if (d == NULL) {
		snprintf(why, whysz, "unknown key");
		return false;
	}
	switch (d->type) {
	case KEYS_T_NUMBER:
		if (text_parse_number(value, len, d->min, d->max, &v) == TEXT_OK)
			return true;
		snprintf(why, whysz, "%s: '%s' is not a number in [%llu, %llu]",
		    d->name, value, (unsigned long long)d->min,
		    (unsigned long long)d->max);
		return false;
	case KEYS_T_BOOL:
		if (text_parse_bool(value, len, &b) == TEXT_OK)
			return true;
		snprintf(why, whysz, "%s: '%s' is not Yes or No", d->name, value);
		return false;
	case KEYS_T_LIST:
	case KEYS_T_ENUM:
		while (vals != NULL && text_list_next(&cur, end, &item, &len)) {
			for (k = 0; vals[k] != NULL; k++)
				if (strlen(vals[k]) == len &&
				    strncmp(vals[k], item, len) == 0)
					break;
			if (vals[k] == NULL || (d->type == KEYS_T_ENUM &&
			    cur != NULL)) {
				snprintf(why, whysz, "%s: '%s' is not %s of the "
				    "RFC 7143 values", d->name, value,
				    d->type == KEYS_T_ENUM ? "one" : "a list");
				return false;
			}
		}
		return true;
	default:
		return true;
	}
}

bool
keys_params_get(const struct keys_params *p, int id, char *buf, size_t bufsz)
{
	const struct keys_def *d = keys_def(id);
	const char *const *vals = keys_values(id);
	size_t size;
	uint64_t v;
	const char *t;

	if (d == NULL || bufsz == 0)
		return false;
	if ((t = param_text((struct keys_params *)p, id, &size)) != NULL) {
		snprintf(buf, bufsz, "%s", t);
		return true;
	}
	if (!param_num(p, id, &v))
		return false;
	if (d->type == KEYS_T_BOOL)
		snprintf(buf, bufsz, "%s", v ? "Yes" : "No");
	else if (vals != NULL) {
		size_t n = 0;

		while (vals[n] != NULL)
			n++;
		if (v >= n)
			return false;
		snprintf(buf, bufsz, "%s", vals[v]);
	}
	else
		snprintf(buf, bufsz, "%llu", (unsigned long long)v);
	return true;
}

void
keys_params_default(struct keys_params *p)
{
	int id;

	memset(p, 0, sizeof(*p));
	for (id = 0; id < KEYS_COUNT; id++)
		if (keys_table[id].dflt[0] != '\0')
			keys_params_set(p, id, keys_table[id].dflt);
	p->c.max_send_dsl = p->c.max_recv_dsl;
	p->set = 0;
}

int
keys_params_render(const struct keys_params *p, uint64_t mask,
    struct text_builder *b)
{
	char value[TEXT_VALUE_MAX + 1];
	int id, rc;

	for (id = 0; id < KEYS_COUNT; id++) {
		if (!(mask & KEYS_BIT(id)) ||
		    !keys_params_get(p, id, value, sizeof(value)))
			continue;
		if ((rc = text_builder_add(b, keys_table[id].name, value)) != TEXT_OK)
			return rc;
	}
	return TEXT_OK;
}

/* ---- local configuration ------------------------------------------------ */

void
keys_local_init(struct keys_local *l)
{
	memset(l, 0, sizeof(*l));
}

const char *
keys_local_get(const struct keys_local *l, int id)
{
	const struct keys_def *d = keys_def(id);

	if (d == NULL)
		return "";
	if (l != NULL && l->value[id] != NULL)
		return l->value[id];
	return d->dflt;
}

/* ---- consistency -------------------------------------------------------- */

static void
finding_add(struct keys_finding *out, size_t max, size_t *n,
    enum keys_finding_code code, uint64_t a, uint64_t b)
{
	if (*n < max) {
		out[*n].code = code;
		out[*n].id = finding_key[code];
		out[*n].a = a;
		out[*n].b = b;
	}
	(*n)++;
}

/* A digest is required when we configured a list without "None". */
static bool
digest_required(const struct keys_local *l, int id)
{
	const char *v = l != NULL ? l->value[id] : NULL;

	return v != NULL && v[0] != '\0' &&
	    !text_list_has(v, strlen(v), "None", 4);
}

/* We asked for Yes (configured, or the RFC default Yes). */
static bool
wants_yes(const struct keys_local *l, int id)
{
	return strcmp(keys_local_get(l, id), "Yes") == 0;
}

size_t
keys_check_session(const struct keys_local *l, const struct keys_params *p,
    struct keys_finding *out, size_t max)
{
	size_t n = 0;

	if (digest_required(l, KEYS_HEADER_DIGEST) &&
	    p->c.header_digest == KEYS_DIGEST_NONE)
		finding_add(out, max, &n, KEYS_CHK_HEADER_DIGEST_REQUIRED, 0, 0);
	if (digest_required(l, KEYS_DATA_DIGEST) &&
	    p->c.data_digest == KEYS_DIGEST_NONE)
		finding_add(out, max, &n, KEYS_CHK_DATA_DIGEST_REQUIRED, 0, 0);
	if (p->s.session_type == KEYS_SESSION_DISCOVERY)
		return n;	/* the rest is Irrelevant there (13.13-13.19) */
	/* 13.14: FirstBurstLength is Irrelevant with InitialR2T=Yes and
	 * ImmediateData=No (there is no unsolicited data to bound) */
	if (p->s.max_burst_length < p->s.first_burst_length &&
	    !(p->s.initial_r2t && !p->s.immediate_data))
		finding_add(out, max, &n, KEYS_CHK_BURST_ORDER,
		    p->s.first_burst_length, p->s.max_burst_length);
	if (wants_yes(l, KEYS_DATA_PDU_IN_ORDER) && !p->s.data_pdu_in_order)
		finding_add(out, max, &n, KEYS_CHK_DATA_PDU_ORDER, 1, 0);
	if (wants_yes(l, KEYS_DATA_SEQUENCE_IN_ORDER) &&
	    !p->s.data_sequence_in_order)
		finding_add(out, max, &n, KEYS_CHK_DATA_SEQUENCE_ORDER, 1, 0);
	return n;
}
