/*
 * Session verbs: LoginTarget, QLoginTarget, LogoutTarget, SessionList and
 * TargetInfo (which shows the target's discovery mechanisms and the
 * ISCSI_RedirectPortalInfo of its connections).
 */
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char *
addr_text(const struct netaddr *a, char *buf, size_t sz)
{
	if (a->len == 0)
		return "";
	return netaddr_format_host(a, buf, sz);
}

/* ISCSI_RedirectPortalInfo (seed 000), exactly its fields. */
static void
redirect_out(struct cli *c, const struct ini_redirect_info *r,
    const char *indent)
{
	char a[NETADDR_STRLEN], b[NETADDR_STRLEN];

	addr_text(&r->original_addr, a, sizeof(a));
	addr_text(&r->redirected_addr, b, sizeof(b));
	if (c->json) {
		json_key(c->j, "redirect");
		json_object_open(c->j);
		json_key(c->j, "UniqueConnectionId");
		json_stringf(c->j, "0x%016llx",
		    (unsigned long long)r->unique_connection_id);
		json_kv_string(c->j, "OriginalIPAddr", a);
		json_kv_uint(c->j, "OriginalPort", r->original_port);
		json_kv_string(c->j, "RedirectedIPAddr", r->redirected ? b : "");
		json_kv_uint(c->j, "RedirectedPort", r->redirected_port);
		json_kv_bool(c->j, "Redirected", r->redirected);
		json_kv_bool(c->j, "TemporaryRedirect", r->temporary_redirect);
		json_object_close(c->j);
		return;
	}
	fprintf(c->out, "%sRedirect Portal Info:\n"
	    "%s    UniqueConnectionId : 0x%016llx\n"
	    "%s    OriginalIPAddr     : %s\n"
	    "%s    OriginalPort       : %u\n"
	    "%s    RedirectedIPAddr   : %s\n"
	    "%s    RedirectedPort     : %u\n"
	    "%s    Redirected         : %u\n"
	    "%s    TemporaryRedirect  : %u\n", indent, indent,
	    (unsigned long long)r->unique_connection_id, indent, a, indent,
	    r->original_port, indent, r->redirected ? b : "", indent,
	    r->redirected_port, indent, r->redirected, indent,
	    r->temporary_redirect);
}

static uint32_t
login_result(struct cli *c, uint32_t rc, struct ini_session *s)
{
	struct ini_session_info i;

	if (rc != INI_ISDSC_OK)
		return rc;
	ini_session_get_info(s, &i);
	snprintf(c->last_sid, sizeof(c->last_sid), "%s", i.id);
	if (c->json) {
		json_kv_string(c->j, "session_id", i.id);
		json_kv_string(c->j, "connection_id", i.connection_id);
		redirect_out(c, &i.redirect, "");
	} else
		fprintf(c->out, "Session Id is %s\nConnection Id is %s\n", i.id,
		    i.connection_id);
	return rc;
}

uint32_t
cli_login_target(struct cli *c, int argc, char **argv)
{
	struct ini_login_req req;
	struct ini_session *s = NULL;
	char host[INI_HOST_MAX];
	uint16_t port = 0;
	bool has;
	uint32_t rc;
	int nopts;

	memset(&req, 0, sizeof(req));
	req.target = argv[1];
	/* argv[2] ReportToPNP: there is no OS to expose LUNs to */
	if (argc > 3 && !cli_is_default(argv[3])) {
		if (!cli_split_portal(argv[3], host, sizeof(host), &port))
			return cli_bad_arg(c, "TargetPortalAddress", argv[3],
			    "expected host, host:port or [v6]:port");
		req.host = host;
	}
	if (argc > 4 && !cli_portal_socket(c, argv[4], &port))
		return ISDSC_INVALID_PARAMETER;
	req.port = port;
	if (!cli_initiator_args(c, argc > 5 ? argv[5] : NULL,
	    argc > 6 ? argv[6] : NULL))
		return ISDSC_INVALID_PARAMETER;
	if (argc > 7 && !cli_opt_u32(c, "Security Flags", argv[7], &has,
	    &req.security_flags))
		return ISDSC_INVALID_PARAMETER;
	nopts = argc > 8 ? argc - 8 : 0;
	if (nopts > 9)
		nopts = 9;
	if (nopts > 0 && !cli_login_opts(c, nopts, argv + 8, &req.opts))
		return ISDSC_INVALID_PARAMETER;
	/* argv[17] Key: IPsec pre-shared key, only used with Security Flags */
	if (argc > 17)
		cli_wipe(argv[17]);
	if (argc > 18 && !cli_mappings(c, argc - 18, argv + 18)) {
		ini_login_opts_clear(&req.opts);
		return ISDSC_INVALID_PARAMETER;
	}
	rc = ini_login(c->node, &req, &s);
	ini_login_opts_clear(&req.opts);
	return login_result(c, rc, s);
}

uint32_t
cli_qlogin_target(struct cli *c, int argc, char **argv)
{
	struct ini_login_req req;
	struct ini_session *s = NULL;
	char *lo[9] = { "*", "*", "*", "*", "*", "*", NULL, NULL, "1" };
	uint32_t rc;

	memset(&req, 0, sizeof(req));
	req.target = argv[1];
	if (argc == 3)
		return cli_bad_arg(c, "CHAP Password", NULL, "a CHAP user name "
		    "needs a password");
	if (argc == 4) {
		/* seed: both given, one-way CHAP is required */
		lo[6] = argv[2];
		lo[7] = argv[3];
		if (!cli_login_opts(c, 9, lo, &req.opts))
			return ISDSC_INVALID_PARAMETER;
	}
	rc = ini_login(c->node, &req, &s);
	ini_login_opts_clear(&req.opts);
	return login_result(c, rc, s);
}

uint32_t
cli_logout_target(struct cli *c, int argc, char **argv)
{
	struct ini_session *s = ini_session_find(c->node, argv[1]);
	uint32_t rc;

	(void)argc;
	rc = s != NULL ? ini_logout(c->node, s) : ISDSC_INVALID_SESSION_ID;
	if (rc == INI_ISDSC_OK && !c->json)
		fprintf(c->out, "The operation completed successfully.\n");
	return rc;
}

static void
stats_out(struct cli *c, const struct ini_stats *st)
{
	if (c->json) {
		json_key(c->j, "stats");
		json_object_open(c->j);
		json_kv_uint(c->j, "bytes_sent", st->bytes_tx);
		json_kv_uint(c->j, "bytes_received", st->bytes_rx);
		json_kv_uint(c->j, "pdus_sent", st->pdus_tx);
		json_kv_uint(c->j, "pdus_received", st->pdus_rx);
		json_kv_uint(c->j, "header_digest_errors", st->hdigest_errors);
		json_kv_uint(c->j, "data_digest_errors", st->ddigest_errors);
		json_kv_uint(c->j, "format_errors", st->format_errors);
		json_kv_uint(c->j, "timeouts", st->timeouts);
		json_kv_uint(c->j, "connection_losses", st->connection_losses);
		json_kv_uint(c->j, "reconnects", st->reconnects);
		json_kv_uint(c->j, "login_accepts", st->login_ok);
		json_kv_uint(c->j, "login_authenticate_fails",
		    st->login_auth_fail);
		json_kv_uint(c->j, "login_authorization_fails",
		    st->login_authz_fail);
		json_kv_uint(c->j, "login_negotiate_fails",
		    st->login_negotiation_fail);
		json_kv_uint(c->j, "login_redirects", st->login_redirects);
		json_kv_uint(c->j, "login_other_fails", st->login_other_fail);
		json_kv_uint(c->j, "commands", st->commands);
		json_kv_uint(c->j, "read_bytes", st->read_bytes);
		json_kv_uint(c->j, "write_bytes", st->write_bytes);
		json_object_close(c->j);
		return;
	}
	fprintf(c->out, "        Bytes Sent         : %llu\n"
	    "        Bytes Received     : %llu\n"
	    "        PDUs Sent          : %llu\n"
	    "        PDUs Received      : %llu\n"
	    "        Digest Errors      : %llu header, %llu data\n"
	    "        Format Errors      : %llu\n"
	    "        Timeouts           : %llu\n"
	    "        Reconnects         : %llu\n",
	    (unsigned long long)st->bytes_tx, (unsigned long long)st->bytes_rx,
	    (unsigned long long)st->pdus_tx, (unsigned long long)st->pdus_rx,
	    (unsigned long long)st->hdigest_errors,
	    (unsigned long long)st->ddigest_errors,
	    (unsigned long long)st->format_errors,
	    (unsigned long long)st->timeouts,
	    (unsigned long long)st->reconnects);
}

static void
session_out(struct cli *c, const struct ini_session_info *i)
{
	char l[NETADDR_STRLEN] = "", p[NETADDR_STRLEN] = "";

	if (i->connected) {
		netaddr_format(&i->local, l, sizeof(l));
		netaddr_format(&i->peer, p, sizeof(p));
	}
	if (c->json) {
		json_object_open(c->j);
		json_kv_string(c->j, "session_id", i->id);
		json_kv_string(c->j, "initiator_node_name", i->initiator);
		json_kv_string(c->j, "target_name", i->target);
		json_key(c->j, "isid");
		json_hex(c->j, i->isid, 6);
		json_kv_uint(c->j, "tsih", i->tsih);
		json_kv_string(c->j, "state", i->state);
		json_kv_string(c->j, "connection_id", i->connection_id);
		json_kv_string(c->j, "connection_state", i->conn_state);
		json_kv_uint(c->j, "cid", i->cid);
		json_kv_string(c->j, "initiator_portal", l);
		json_kv_string(c->j, "target_portal", p);
		json_kv_bool(c->j, "header_digest", i->header_digest);
		json_kv_bool(c->j, "data_digest", i->data_digest);
		json_kv_uint(c->j, "max_send_data_segment_length",
		    i->max_send_dsl);
		json_kv_uint(c->j, "max_burst_length", i->max_burst);
		json_kv_uint(c->j, "first_burst_length", i->first_burst);
		json_kv_bool(c->j, "immediate_data", i->immediate_data);
		json_kv_bool(c->j, "initial_r2t", i->initial_r2t);
		json_kv_bool(c->j, "data_pdu_in_order", i->data_pdu_in_order);
		json_kv_bool(c->j, "data_sequence_in_order",
		    i->data_sequence_in_order);
		redirect_out(c, &i->redirect, "");
		stats_out(c, &i->stats);
		json_object_close(c->j);
		return;
	}
	fprintf(c->out, "Session Id             : %s\n"
	    "Initiator Node Name    : %s\n"
	    "Target Name            : %s\n"
	    "ISID                   : %02x %02x %02x %02x %02x %02x\n"
	    "TSIH                   : 0x%04x\n"
	    "State                  : %s\n"
	    "Number Connections     : %d\n\n"
	    "    Connections:\n\n"
	    "        Connection Id     : %s\n"
	    "        State             : %s\n"
	    "        Initiator Portal  : %s\n"
	    "        Target Portal     : %s\n"
	    "        CID               : 0x%04x\n"
	    "        Digests           : header %s, data %s\n",
	    i->id, i->initiator, i->target, i->isid[0], i->isid[1], i->isid[2],
	    i->isid[3], i->isid[4], i->isid[5], i->tsih, i->state,
	    i->connected ? 1 : 0, i->connection_id, i->conn_state, l, p, i->cid,
	    i->header_digest ? "CRC32C" : "None",
	    i->data_digest ? "CRC32C" : "None");
	redirect_out(c, &i->redirect, "        ");
	stats_out(c, &i->stats);
	fputc('\n', c->out);
}

uint32_t
cli_session_list(struct cli *c, int argc, char **argv)
{
	struct ini_session_info info;
	size_t i, n = ini_session_count(c->node);

	(void)argc;
	(void)argv;
	if (c->json) {
		json_key(c->j, "sessions");
		json_array_open(c->j);
	} else
		fprintf(c->out, "Total of %zu sessions\n\n", n);
	for (i = 0; i < n; i++) {
		ini_session_get_info(ini_session_at(c->node, i), &info);
		session_out(c, &info);
	}
	if (c->json)
		json_array_close(c->j);
	return INI_ISDSC_OK;
}

static void
mechanism_out(struct cli *c, const struct ini_target_info *t, bool sendtargets)
{
	size_t i;

	if (c->json) {
		json_object_open(c->j);
		json_kv_string(c->j, "mechanism", sendtargets ? "SendTargets" :
		    "Static");
		json_kv_string(c->j, "via", sendtargets ? t->discovered_via : "");
		json_kv_string(c->j, "alias", t->alias);
		json_key(c->j, "portals");
		json_array_open(c->j);
	} else
		fprintf(c->out, "    Mechanism    : %s%s\n    Alias        : %s\n"
		    "    Portals      :\n", sendtargets ? "SendTargets:" : "Static",
		    sendtargets ? t->discovered_via : "", t->alias);
	for (i = 0; i < (sendtargets ? t->naddrs : t->static_portal.port ? 1 : 0);
	    i++) {
		const struct ini_target_addr *a = sendtargets ? &t->addrs[i] :
		    &t->static_portal;

		if (c->json) {
			json_object_open(c->j);
			json_kv_string(c->j, "address", a->host);
			json_kv_uint(c->j, "port", a->port);
			json_kv_int(c->j, "tpgt", a->tpgt);
			json_object_close(c->j);
		} else
			fprintf(c->out, "        %s %u (tpgt %d)\n", a->host,
			    a->port, a->tpgt);
	}
	if (c->json) {
		json_array_close(c->j);
		json_object_close(c->j);
	}
}

uint32_t
cli_target_info(struct cli *c, int argc, char **argv)
{
	struct ini_target_info t;
	struct ini_session_info si;
	const char *mech = argc > 2 ? argv[2] : NULL;
	uint32_t rc = ini_target_info(c->node, argv[1], &t);
	size_t i;

	if (rc != INI_ISDSC_OK)
		return rc;
	if (c->json) {
		json_kv_string(c->j, "target", t.name);
		json_key(c->j, "mechanisms");
		json_array_open(c->j);
	} else
		fprintf(c->out, "Discovery Mechanisms :\n");
	if (t.discovered && (mech == NULL || strncasecmp(mech, "SendTargets",
	    11) == 0))
		mechanism_out(c, &t, true);
	if (t.is_static && (mech == NULL || strcasecmp(mech, "Static") == 0))
		mechanism_out(c, &t, false);
	if (c->json) {
		json_array_close(c->j);
		json_key(c->j, "connections");
		json_array_open(c->j);
	}
	for (i = 0; i < ini_session_count(c->node); i++) {
		ini_session_get_info(ini_session_at(c->node, i), &si);
		if (strcmp(si.target, t.name) != 0)
			continue;
		if (c->json) {
			json_object_open(c->j);
			json_kv_string(c->j, "session_id", si.id);
			redirect_out(c, &si.redirect, "");
			json_object_close(c->j);
		} else {
			fprintf(c->out, "    Session %s:\n", si.id);
			redirect_out(c, &si.redirect, "        ");
		}
	}
	if (c->json)
		json_array_close(c->j);
	return INI_ISDSC_OK;
}
