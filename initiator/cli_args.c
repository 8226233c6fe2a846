/*
 * Argument parsing shared by the verbs: '*' defaults, decimal or 0x hex
 * numbers (seed appendix C), portal addresses, login options, mappings,
 * and the tokenizer of script lines.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chap.h"
#include "cli.h"
#include "text.h"

bool
cli_is_default(const char *s)
{
	return s != NULL && strcmp(s, "*") == 0;
}

bool
cli_parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	const char *p = s;
	char *end;
	int base = 10;

	if (s == NULL || *s == '\0')
		return false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		base = 16;
	}
	if (!isxdigit((unsigned char)*p) || (base == 10 && !isdigit(
	    (unsigned char)*p)))
		return false;
	errno = 0;
	*v = strtoull(p, &end, base);
	return errno == 0 && *end == '\0' && *v <= max;
}

bool
cli_opt_u32(struct cli *c, const char *name, const char *s, bool *has,
    uint32_t *v)
{
	uint64_t x;

	if (s == NULL || cli_is_default(s)) {
		*has = false;
		return true;
	}
	if (!cli_parse_u64(s, UINT32_MAX, &x)) {
		cli_bad_arg(c, name, s, "expected a decimal or 0x hex number "
		    "or *");
		return false;
	}
	*has = true;
	*v = (uint32_t)x;
	return true;
}

bool
cli_split_portal(const char *s, char *host, size_t hostsz, uint16_t *port)
{
	const char *colon, *end;
	uint64_t v;
	size_t n;

	*port = 0;
	if (s == NULL || *s == '\0')
		return false;
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return false;
		n = (size_t)(end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return false;
		s++;
	} else {
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;		/* a bare IPv6 address */
		n = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (n == 0 || n >= hostsz)
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	if (colon != NULL) {
		if (!cli_parse_u64(colon + 1, 65535, &v) || v == 0)
			return false;
		*port = (uint16_t)v;
	}
	return true;
}

bool
cli_portal_socket(struct cli *c, const char *s, uint16_t *port)
{
	uint64_t v;

	if (s == NULL || cli_is_default(s))
		return true;		/* keep what the address said, or 3260 */
	if (!cli_parse_u64(s, 65535, &v) || v == 0) {
		cli_bad_arg(c, "TargetPortalSocket", s, "expected a TCP port "
		    "1-65535");
		return false;
	}
	*port = (uint16_t)v;
	return true;
}

bool
cli_initiator_args(struct cli *c, const char *instance, const char *port)
{
	uint64_t v;

	if (instance != NULL && !cli_is_default(instance) &&
	    strcasecmp(instance, INI_INSTANCE_NAME) != 0) {
		cli_bad_arg(c, "Initiator Instance Name", instance,
		    "unknown initiator instance (see ListInitiators)");
		return false;
	}
	if (port != NULL && !cli_is_default(port) &&
	    (!cli_parse_u64(port, UINT32_MAX, &v) || v != 0)) {
		cli_bad_arg(c, "Initiator Port Number", port,
		    "this initiator has port 0 only");
		return false;
	}
	return true;
}

bool
cli_chap_algorithms_ok(const char *s)
{
	const char *cur = s, *end = s + strlen(s), *item;
	size_t len, n = 0;
	uint64_t v;

	while (text_list_next(&cur, end, &item, &len))
		if (++n > 8 || text_parse_number(item, len, 0, 255, &v) !=
		    TEXT_OK || !chap_alg_known((int)v))
			return false;
	return true;
}

void
cli_wipe(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
}

bool
cli_login_opts(struct cli *c, int argc, char **argv, struct ini_login_opts *o)
{
	const char *a[9] = { NULL };
	uint32_t v;
	bool has;
	int i;

	ini_login_opts_clear(o);
	for (i = 0; i < argc && i < 9; i++)
		a[i] = argv[i];
	if (!cli_opt_u32(c, "Login Flags", a[0], &o->has_login_flags,
	    &o->login_flags))
		goto bad;
	if (!cli_opt_u32(c, "Header Digest", a[1], &o->has_header_digest, &v))
		goto bad;
	o->header_digest = v != 0;
	if (!cli_opt_u32(c, "Data Digest", a[2], &o->has_data_digest, &v))
		goto bad;
	o->data_digest = v != 0;
	if (!cli_opt_u32(c, "Max Connections", a[3], &o->has_max_connections,
	    &o->max_connections) ||
	    !cli_opt_u32(c, "DefaultTime2Wait", a[4], &o->has_time2wait,
	    &o->time2wait) ||
	    !cli_opt_u32(c, "DefaultTime2Retain", a[5], &o->has_time2retain,
	    &o->time2retain))
		goto bad;
	if (o->has_time2wait && o->time2wait > 3600) {
		cli_bad_arg(c, "DefaultTime2Wait", a[4], "must be 0-3600");
		goto bad;
	}
	if (o->has_time2retain && o->time2retain > 3600) {
		cli_bad_arg(c, "DefaultTime2Retain", a[5], "must be 0-3600");
		goto bad;
	}
	if (a[6] != NULL && !cli_is_default(a[6])) {
		if (strlen(a[6]) > CHAP_NAME_MAX) {
			cli_bad_arg(c, "Username", NULL, "longer than 223 bytes");
			goto bad;
		}
		o->has_username = true;
		snprintf(o->username, sizeof(o->username), "%s", a[6]);
	}
	if (a[7] != NULL && !cli_is_default(a[7])) {
		if (chap_secret_set(&o->password, a[7], strlen(a[7])) !=
		    CHAP_OK) {
			cli_wipe(argv[7]);
			cli_bad_arg(c, "Password", NULL, "not a valid CHAP "
			    "secret (0x... must be hex, at most 256 bytes)");
			goto bad;
		}
		o->has_password = true;
		cli_wipe(argv[7]);
	}
	if (!cli_opt_u32(c, "AuthType", a[8], &has, &v))
		goto bad;
	if (has && v > INI_AUTH_MUTUAL_CHAP) {
		cli_bad_arg(c, "AuthType", a[8], "must be 0 (none), 1 (CHAP) or "
		    "2 (mutual CHAP)");
		goto bad;
	}
	o->has_auth = has;
	o->auth_type = (enum ini_auth_type)v;
	return true;
bad:
	ini_login_opts_clear(o);
	return false;
}

bool
cli_mappings(struct cli *c, int argc, char **argv)
{
	uint64_t count, v;
	int i;

	if (argc == 0 || cli_is_default(argv[0]))
		return argc <= 1 || cli_bad_arg(c, "Mapping Count", argv[0],
		    "mappings given without a count") == 0;
	if (!cli_parse_u64(argv[0], 64, &count)) {
		cli_bad_arg(c, "Mapping Count", argv[0], "expected a number");
		return false;
	}
	if ((uint64_t)argc - 1 != count * 4) {
		cli_bad_arg(c, "Mapping Count", argv[0], "needs 4 values "
		    "(Target Lun, OS Bus, OS Target, OS LUN) per mapping");
		return false;
	}
	for (i = 1; i < argc; i++)
		if (!cli_parse_u64(argv[i], UINT64_MAX, &v)) {
			cli_bad_arg(c, (i - 1) % 4 == 0 ? "Target Lun" : "mapping "
			    "value", argv[i], "expected a number");
			return false;
		}
	return true;	/* mappings are accepted; there is no OS to map into */
}

int
cli_tokenize(char *line, char **words, int max)
{
	char *p = line, *w;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			return n;
		if (n == max)
			return -2;
		if (*p == '"') {
			w = ++p;
			while (*p != '\0' && *p != '"')
				p++;
			if (*p != '"')
				return -1;
			*p++ = '\0';
		} else {
			w = p;
			while (*p != '\0' && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '\n')
				p++;
			if (*p != '\0')
				*p++ = '\0';
		}
		words[n++] = w;
	}
}

struct ini_session *
cli_session(struct cli *c, const char *id)
{
	struct ini_session *s = ini_session_find(c->node, id);

	if (s == NULL)
		fprintf(c->err, "iscsi-initiator: %sno session '%s'\n", c->where,
		    id);
	return s;
}

void
cli_event_sink(void *arg, const struct evrec *ev)
{
	struct cli *c = arg;

	if (c->events != NULL) {
		evrec_write_json(ev, c->events);
		fflush(c->events);
	}
}
