/*
 * Verb table, dispatch and results.  Verbs are case-insensitive (seed
 * appendix C).  Every verb ends with its ISDSC code: text mode prints the
 * error (name, value, seed message) on stderr; --json prints one object
 * per verb on stdout with "isdsc", "isdsc_hex", "isdsc_name" and the
 * verb's results.  Scripts run verbs in one process, one per line, '#'
 * comments, $SID for the session of the last successful login, and stop
 * at the first failing verb.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const struct cli_verb verbs[] = {
	{ "AddTargetPortal", 1, 14, cli_add_target_portal,
	    "<TargetPortalAddress> <TargetPortalSocket> <Initiator Instance "
	    "Name> <Initiator Port Number> <Security Flags> <Login Flags> "
	    "<Header Digest> <Data Digest> <Maximum Connections> "
	    "<DefaultTime2Wait> <DefaultTime2Retain> <Username> <Password> "
	    "<AuthType>" },
	{ "QAddTargetPortal", 1, 3, cli_qadd_target_portal,
	    "<TargetPortalAddress>[:port] [CHAP Username] [CHAP Password]" },
	{ "RemoveTargetPortal", 1, 4, cli_remove_target_portal,
	    "<TargetPortalAddress> <TargetPortalSocket> <Initiator Name> "
	    "<Initiator Port Number>" },
	{ "RefreshTargetPortal", 1, 4, cli_refresh_target_portal,
	    "<TargetPortalAddress> <TargetPortalSocket> <Initiator Name> "
	    "<Initiator Port Number>" },
	{ "ListTargetPortals", 0, 0, cli_list_target_portals, "" },
	{ "AddTarget", 1, -1, cli_add_target,
	    "<TargetName> <TargetAlias> <TargetPortalAddress> "
	    "<TargetPortalSocket> <Target flags> <Persist> <Login Flags> "
	    "<Header Digest> <Data Digest> <Max Connections> "
	    "<DefaultTime2Wait> <DefaultTime2Retain> <Username> <Password> "
	    "<AuthType> <Mapping Count> <Target Lun> <OS Bus> <Os Target> "
	    "<OS Lun> ..." },
	{ "QAddTarget", 2, 2, cli_qadd_target,
	    "<TargetName> <TargetPortalAddress>[:port]" },
	{ "RemoveTarget", 1, 1, cli_remove_target, "<TargetName>" },
	{ "ListTargets", 0, 1, cli_list_targets, "[ForceUpdate]" },
	{ "TargetInfo", 1, 2, cli_target_info,
	    "<TargetName> [Discovery Mechanism]" },
	{ "LoginTarget", 1, -1, cli_login_target,
	    "<TargetName> <ReportToPNP> <TargetPortalAddress> "
	    "<TargetPortalSocket> <Initiator Instance Name> <Port number> "
	    "<Security Flags> <Login Flags> <Header Digest> <Data Digest> "
	    "<Max Connections> <DefaultTime2Wait> <DefaultTime2Retain> "
	    "<Username> <Password> <AuthType> <Key> <Mapping Count> "
	    "<Target Lun> <OS Bus> <Os Target> <OS Lun> ..." },
	{ "QLoginTarget", 1, 3, cli_qlogin_target,
	    "<TargetName> [CHAP Username] [CHAP Password]" },
	{ "LogoutTarget", 1, 1, cli_logout_target, "<SessionId>" },
	{ "SessionList", 0, 1, cli_session_list, "" },
	{ "ReportLUNs", 1, 1, cli_report_luns, "<SessionId>" },
	{ "ScsiInquiry", 4, 5, cli_scsi_inquiry,
	    "<SessionId> <LUN> <EvpdCmddt> <PageCode> [Length]" },
	{ "ReadCapacity", 2, 2, cli_read_capacity, "<SessionId> <LUN>" },
	{ "WriteBlocks", 4, 4, cli_write_blocks,
	    "<SessionId> <LUN> <LBA> <FILE>" },
	{ "ReadBlocks", 5, 5, cli_read_blocks,
	    "<SessionId> <LUN> <LBA> <Blocks> <FILE>" },
	{ "NodeName", 1, 1, cli_node_name, "<node name>" },
	{ "CHAPSecret", 1, 1, cli_chap_secret, "<CHAP secret>" },
	{ "ListInitiators", 0, 0, cli_list_initiators, "" },
	{ "VersionInfo", 0, 0, cli_version_info, "" },
	{ "Sleep", 1, 1, cli_sleep, "<ms>" },
	{ "WaitEvent", 2, 2, cli_wait_event, "<EventId> <ms>" },
};

void
cli_print_verbs(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %s %s\n", verbs[i].name, verbs[i].usage);
}

uint32_t
cli_bad_arg(struct cli *c, const char *arg_name, const char *value,
    const char *why)
{
	c->usage_error = true;
	if (value != NULL)
		fprintf(c->err, "iscsi-initiator: %s%s '%s': %s\n", c->where,
		    arg_name, value, why);
	else
		fprintf(c->err, "iscsi-initiator: %s%s: %s\n", c->where,
		    arg_name, why);
	return ISDSC_INVALID_PARAMETER;
}

static const struct cli_verb *
verb_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcasecmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

int
cli_run_verb(struct cli *c, int argc, char **argv)
{
	const struct cli_verb *v = verb_find(argv[0]);
	struct json j;
	uint32_t rc;
	int nargs = argc - 1;

	if (v == NULL) {
		fprintf(c->err, "iscsi-initiator: %sunknown verb '%s' (see "
		    "--help)\n", c->where, argv[0]);
		return CLI_EXIT_USAGE;
	}
	if (nargs < v->min_args || (v->max_args >= 0 && nargs > v->max_args)) {
		fprintf(c->err, "iscsi-initiator: %s%s: wrong number of "
		    "arguments (%d given)\nusage: %s %s\n", c->where, v->name,
		    nargs, v->name, v->usage);
		return CLI_EXIT_USAGE;
	}
	c->usage_error = false;
	c->j = NULL;
	if (c->json) {
		json_init(&j);
		json_object_open(&j);
		json_kv_string(&j, "verb", v->name);
		json_key(&j, "result");
		json_object_open(&j);
		c->j = &j;
	}
	rc = v->fn(c, argc, argv);
	if (c->json) {
		json_object_close(&j);
		json_kv_uint(&j, "isdsc", rc);
		json_key(&j, "isdsc_hex");
		json_stringf(&j, "0x%08X", rc);
		json_kv_string(&j, "isdsc_name", ini_isdsc_name(rc));
		json_kv_string(&j, "message", ini_isdsc_text(rc));
		json_kv_bool(&j, "usage_error", c->usage_error);
		json_object_close(&j);
		json_write(&j, c->out);
		fputc('\n', c->out);
		json_free(&j);
		c->j = NULL;
	}
	fflush(c->out);
	if (c->usage_error)
		return CLI_EXIT_USAGE;
	if (rc != INI_ISDSC_OK) {
		fprintf(c->err, "iscsi-initiator: %s%s failed: %s (0x%08X): %s\n",
		    c->where, v->name, ini_isdsc_name(rc), rc, ini_isdsc_text(rc));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

#define CLI_LINE_MAX	4096
#define CLI_WORDS_MAX	128

/* Replace $SID in every word (the session of the last successful login). */
static int
expand_sid(struct cli *c, char **words, int n, char store[][CLI_LINE_MAX])
{
	int i;

	for (i = 0; i < n; i++) {
		char *p = strstr(words[i], "$SID");

		if (p == NULL)
			continue;
		if (c->last_sid[0] == '\0') {
			fprintf(c->err, "iscsi-initiator: %s$SID used before a "
			    "successful login\n", c->where);
			return -1;
		}
		snprintf(store[i], CLI_LINE_MAX, "%.*s%s%s", (int)(p - words[i]),
		    words[i], c->last_sid, p + 4);
		words[i] = store[i];
	}
	return 0;
}

/*
 * One line (with its newline) into line: 1, 0 at the end of the file,
 * -1 longer than sz - 2 bytes, -2 a NUL byte in it.
 */
static int
read_line(FILE *f, char *line, size_t sz)
{
	size_t n = 0;
	bool nul = false;
	int ch = EOF;

	while ((ch = getc(f)) != EOF) {
		if (n + 1 >= sz)
			return -1;
		nul |= ch == '\0';
		line[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	line[n] = '\0';
	if (n == 0)
		return 0;
	return nul ? -2 : 1;
}

int
cli_run_script(struct cli *c, FILE *f, const char *name)
{
	static char store[CLI_WORDS_MAX][CLI_LINE_MAX];
	char line[CLI_LINE_MAX], where[300];
	char *words[CLI_WORDS_MAX];
	int lineno = 0, n, rc = CLI_EXIT_OK;

	while ((n = read_line(f, line, sizeof(line))) != 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d: ", name, lineno);
		c->where = where;
		if (n < 0) {
			if (n == -1)
				fprintf(c->err, "iscsi-initiator: %sline longer "
				    "than %d bytes\n", where, CLI_LINE_MAX - 2);
			else
				fprintf(c->err, "iscsi-initiator: %sNUL byte in "
				    "the line (not a text file?)\n", where);
			rc = CLI_EXIT_USAGE;
			break;
		}
		n = cli_tokenize(line, words, CLI_WORDS_MAX);
		if (n < 0) {
			fprintf(c->err, "iscsi-initiator: %s%s\n", where, n == -1 ?
			    "unclosed quote" : "too many words");
			rc = CLI_EXIT_USAGE;
			break;
		}
		if (n == 0)
			continue;
		if (expand_sid(c, words, n, store) != 0) {
			rc = CLI_EXIT_USAGE;
			break;
		}
		rc = cli_run_verb(c, n, words);
		explicit_bzero(line, sizeof(line));	/* secrets in the line */
		explicit_bzero(store, sizeof(store));
		if (rc != CLI_EXIT_OK)
			break;
	}
	if (rc == CLI_EXIT_OK && ferror(f)) {
		/* e.g. a directory (EISDIR): never a silent empty script */
		fprintf(c->err, "iscsi-initiator: %s: cannot read the script: "
		    "%s\n", name, strerror(errno));
		rc = CLI_EXIT_USAGE;
	}
	explicit_bzero(line, sizeof(line));
	c->where = "";
	return rc;
}
