/*
 * Verbs on the node's configuration: target portals, targets, node name,
 * CHAP secret, initiators, version, and the time verbs Sleep / WaitEvent.
 */
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "version.h"

static uint32_t
done(struct cli *c, uint32_t rc)
{
	if (rc == INI_ISDSC_OK && !c->json)
		fprintf(c->out, "The operation completed successfully.\n");
	return rc;
}

static bool
portal_addr(struct cli *c, const char *addr, const char *sock,
    struct ini_portal *p)
{
	uint16_t port;

	if (!cli_split_portal(addr, p->host, sizeof(p->host), &port)) {
		cli_bad_arg(c, "TargetPortalAddress", addr, "expected host, "
		    "host:port or [v6]:port");
		return false;
	}
	p->port = port != 0 ? port : ISCSI_DEFAULT_PORT;
	return cli_portal_socket(c, sock, &p->port);
}

static uint32_t
security_flags(struct cli *c, const char *s, uint32_t *flags)
{
	bool has;

	*flags = 0;
	if (!cli_opt_u32(c, "Security Flags", s, &has, flags))
		return ISDSC_INVALID_PARAMETER;
	/* IPsec: not supported on this OS (seed ISDSC code) */
	return has && *flags != 0 ? ISDSC_IPSEC_NOT_SUPPORTED_ON_OS :
	    INI_ISDSC_OK;
}

/* ---- target portals ------------------------------------------------------ */

uint32_t
cli_add_target_portal(struct cli *c, int argc, char **argv)
{
	struct ini_portal p;
	uint32_t rc;

	memset(&p, 0, sizeof(p));
	if (!portal_addr(c, argv[1], argc > 2 ? argv[2] : NULL, &p) ||
	    !cli_initiator_args(c, argc > 3 ? argv[3] : NULL,
	    argc > 4 ? argv[4] : NULL))
		return ISDSC_INVALID_PARAMETER;
	if ((rc = security_flags(c, argc > 5 ? argv[5] : NULL,
	    &p.security_flags)) != INI_ISDSC_OK)
		return rc;
	if (argc > 6 && !cli_login_opts(c, argc - 6, argv + 6, &p.opts))
		return ISDSC_INVALID_PARAMETER;
	rc = ini_portal_add(c->node, &p);
	ini_login_opts_clear(&p.opts);
	return done(c, rc);
}

uint32_t
cli_qadd_target_portal(struct cli *c, int argc, char **argv)
{
	struct ini_portal p;
	char *lo[9] = { "*", "*", "*", "*", "*", "*", NULL, NULL, "1" };
	uint32_t rc;

	memset(&p, 0, sizeof(p));
	if (!portal_addr(c, argv[1], NULL, &p))
		return ISDSC_INVALID_PARAMETER;
	if (argc == 3)
		return cli_bad_arg(c, "CHAP Password", NULL, "a CHAP user name "
		    "needs a password");
	if (argc == 4) {
		/* seed: both given, one-way CHAP is required */
		lo[6] = argv[2];
		lo[7] = argv[3];
		if (!cli_login_opts(c, 9, lo, &p.opts))
			return ISDSC_INVALID_PARAMETER;
	}
	rc = ini_portal_add(c->node, &p);
	ini_login_opts_clear(&p.opts);
	return done(c, rc);
}

uint32_t
cli_remove_target_portal(struct cli *c, int argc, char **argv)
{
	struct ini_portal p;

	memset(&p, 0, sizeof(p));
	if (!portal_addr(c, argv[1], argc > 2 ? argv[2] : NULL, &p) ||
	    !cli_initiator_args(c, argc > 3 ? argv[3] : NULL,
	    argc > 4 ? argv[4] : NULL))
		return ISDSC_INVALID_PARAMETER;
	return done(c, ini_portal_remove(c->node, p.host, p.port));
}

uint32_t
cli_refresh_target_portal(struct cli *c, int argc, char **argv)
{
	struct ini_portal p;

	memset(&p, 0, sizeof(p));
	if (!portal_addr(c, argv[1], argc > 2 ? argv[2] : NULL, &p) ||
	    !cli_initiator_args(c, argc > 3 ? argv[3] : NULL,
	    argc > 4 ? argv[4] : NULL))
		return ISDSC_INVALID_PARAMETER;
	return done(c, ini_portal_refresh(c->node, p.host, p.port));
}

static void
opts_json(struct json *j, const struct ini_login_opts *o)
{
	json_kv_uint(j, "login_flags", o->has_login_flags ? o->login_flags : 0);
	json_kv_uint(j, "auth_type", o->has_auth ? o->auth_type : 0);
	json_kv_string(j, "username", o->has_username ? o->username : NULL);
}

uint32_t
cli_list_target_portals(struct cli *c, int argc, char **argv)
{
	size_t i, n = ini_portal_count(c->node);

	(void)argc;
	(void)argv;
	if (c->json) {
		json_key(c->j, "portals");
		json_array_open(c->j);
	} else
		fprintf(c->out, "Total of %zu portals are persisted:\n\n", n);
	for (i = 0; i < n; i++) {
		const struct ini_portal *p = ini_portal_at(c->node, i);

		if (c->json) {
			json_object_open(c->j);
			json_kv_string(c->j, "address", p->host);
			json_kv_uint(c->j, "port", p->port);
			json_kv_uint(c->j, "security_flags", p->security_flags);
			opts_json(c->j, &p->opts);
			json_object_close(c->j);
			continue;
		}
		fprintf(c->out, "    Address and Socket   : %s %u\n"
		    "    Symbolic Name        : \n"
		    "    Initiator Name       : \n"
		    "    Port Number          : <Any Port>\n"
		    "    Security Flags       : 0x%x\n"
		    "    Login Flags          : 0x%x\n"
		    "    AuthType             : %u\n\n", p->host, p->port,
		    p->security_flags, p->opts.has_login_flags ?
		    p->opts.login_flags : 0, p->opts.has_auth ?
		    p->opts.auth_type : 0);
	}
	if (c->json)
		json_array_close(c->j);
	return INI_ISDSC_OK;
}

/* ---- targets ------------------------------------------------------------- */

uint32_t
cli_add_target(struct cli *c, int argc, char **argv)
{
	struct ini_login_opts o;
	struct ini_portal p;
	const char *alias = argc > 2 && !cli_is_default(argv[2]) ? argv[2] :
	    NULL;
	uint32_t flags = 0, rc;
	bool has = false, with_portal = argc > 3 && !cli_is_default(argv[3]);
	int nopts;

	memset(&p, 0, sizeof(p));
	memset(&o, 0, sizeof(o));
	if (with_portal && !portal_addr(c, argv[3], argc > 4 ? argv[4] : NULL,
	    &p))
		return ISDSC_INVALID_PARAMETER;
	if (argc > 5 && !cli_opt_u32(c, "Target flags", argv[5], &has, &flags))
		return ISDSC_INVALID_PARAMETER;
	/* argv[6] Persist: state lives for the process lifetime only */
	nopts = argc > 7 ? argc - 7 : 0;
	if (nopts > 9)
		nopts = 9;
	if (nopts > 0 && !cli_login_opts(c, nopts, argv + 7, &o))
		return ISDSC_INVALID_PARAMETER;
	if (argc > 16 && !cli_mappings(c, argc - 16, argv + 16)) {
		ini_login_opts_clear(&o);
		return ISDSC_INVALID_PARAMETER;
	}
	rc = ini_target_add(c->node, argv[1], alias, with_portal ? p.host : NULL,
	    p.port, flags, &o);
	ini_login_opts_clear(&o);
	return done(c, rc);
}

uint32_t
cli_qadd_target(struct cli *c, int argc, char **argv)
{
	struct ini_portal p;

	(void)argc;
	memset(&p, 0, sizeof(p));
	if (!portal_addr(c, argv[2], NULL, &p))
		return ISDSC_INVALID_PARAMETER;
	return done(c, ini_target_add(c->node, argv[1], NULL, p.host, p.port, 0,
	    NULL));
}

uint32_t
cli_remove_target(struct cli *c, int argc, char **argv)
{
	(void)argc;
	return done(c, ini_target_remove(c->node, argv[1]));
}

uint32_t
cli_list_targets(struct cli *c, int argc, char **argv)
{
	struct ini_target_info t;
	size_t i;

	if (argc > 1 && (argv[1][0] == 'T' || argv[1][0] == 't'))
		/* ForceUpdate: SendTargets to every portal again */
		for (i = 0; i < ini_portal_count(c->node); i++) {
			const struct ini_portal *p = ini_portal_at(c->node, i);

			(void)ini_portal_refresh(c->node, p->host, p->port);
		}
	if (c->json) {
		json_key(c->j, "targets");
		json_array_open(c->j);
	} else
		fprintf(c->out, "Targets List:\n");
	for (i = 0; ini_target_at(c->node, i, &t); i++)
		if (c->json)
			json_string(c->j, t.name);
		else
			fprintf(c->out, "    %s\n", t.name);
	if (c->json)
		json_array_close(c->j);
	return INI_ISDSC_OK;
}

uint32_t
cli_node_name(struct cli *c, int argc, char **argv)
{
	uint32_t rc;

	(void)argc;
	rc = ini_node_name_set(c->node, argv[1]);
	if (rc == INI_ISDSC_OK && c->json)
		json_kv_string(c->j, "node_name", ini_node_name(c->node));
	return done(c, rc);
}

uint32_t
cli_chap_secret(struct cli *c, int argc, char **argv)
{
	uint32_t rc;

	(void)argc;
	rc = ini_chap_secret_set(c->node, argv[1]);
	cli_wipe(argv[1]);		/* never kept, never echoed */
	return done(c, rc);
}

uint32_t
cli_list_initiators(struct cli *c, int argc, char **argv)
{
	struct ini_stats st;

	(void)argc;
	(void)argv;
	ini_node_login_stats(c->node, &st);
	if (c->json) {
		json_key(c->j, "initiators");
		json_array_open(c->j);
		json_string(c->j, INI_INSTANCE_NAME);
		json_array_close(c->j);
		/* initiator-wide login statistics, every session counted */
		json_key(c->j, "login_statistics");
		json_object_open(c->j);
		json_kv_uint(c->j, "login_accepts", st.login_ok);
		json_kv_uint(c->j, "login_authenticate_fails", st.login_auth_fail);
		json_kv_uint(c->j, "login_authorization_fails",
		    st.login_authz_fail);
		json_kv_uint(c->j, "login_negotiate_fails",
		    st.login_negotiation_fail);
		json_kv_uint(c->j, "login_redirects", st.login_redirects);
		json_kv_uint(c->j, "login_other_fails", st.login_other_fail);
		json_kv_uint(c->j, "logout_normals", st.logout_normal);
		json_kv_uint(c->j, "logout_others", st.logout_other);
		json_object_close(c->j);
	} else
		fprintf(c->out, "Initiators List:\n    %s\n"
		    "Login statistics (all sessions):\n"
		    "    Accepted %llu, authentication failures %llu, "
		    "authorization failures %llu,\n"
		    "    negotiation failures %llu, redirects %llu, other "
		    "failures %llu;\n    logouts normal %llu, other %llu\n",
		    INI_INSTANCE_NAME, (unsigned long long)st.login_ok,
		    (unsigned long long)st.login_auth_fail,
		    (unsigned long long)st.login_authz_fail,
		    (unsigned long long)st.login_negotiation_fail,
		    (unsigned long long)st.login_redirects,
		    (unsigned long long)st.login_other_fail,
		    (unsigned long long)st.logout_normal,
		    (unsigned long long)st.logout_other);
	return INI_ISDSC_OK;
}

uint32_t
cli_version_info(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (c->json)
		json_kv_string(c->j, "version", ISCSI_BENCH_VERSION);
	else
		fprintf(c->out, "iscsi-initiator version %s\n",
		    ISCSI_BENCH_VERSION);
	return INI_ISDSC_OK;
}

uint32_t
cli_sleep(struct cli *c, int argc, char **argv)
{
	uint64_t ms;

	(void)argc;
	if (!cli_parse_u64(argv[1], 86400000, &ms))
		return cli_bad_arg(c, "ms", argv[1], "expected milliseconds "
		    "(at most one day)");
	return ini_sleep(c->node, (uint32_t)ms);
}

uint32_t
cli_wait_event(struct cli *c, int argc, char **argv)
{
	uint64_t id, ms;
	uint32_t rc;

	(void)argc;
	if (!cli_parse_u64(argv[1], 127, &id) || catalog_event((unsigned)id) ==
	    NULL)
		return cli_bad_arg(c, "EventId", argv[1], "not a catalog event "
		    "ID (iScsiPrt 1-62, iScsiExe 102-121)");
	if (!cli_parse_u64(argv[2], 86400000, &ms))
		return cli_bad_arg(c, "ms", argv[2], "expected milliseconds "
		    "(at most one day)");
	rc = ini_wait_event(c->node, (unsigned)id, (uint32_t)ms);
	if (c->json)
		json_kv_bool(c->j, "seen", rc == INI_ISDSC_OK);
	else if (rc == INI_ISDSC_OK)
		fprintf(c->out, "Event %u seen\n", (unsigned)id);
	return rc;
}
