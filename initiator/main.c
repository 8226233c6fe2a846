/*
 * iscsi-initiator: the reference initiator's command line.  One verb per
 * run, or a script of verbs in one process (--script FILE|-) so sessions
 * live across them.  Exit status: 0 success, 1 a verb failed (its ISDSC
 * code is printed), 2 bad usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keys.h"
#include "log.h"
#include "text.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-initiator [options] VERB [ARGS...]\n"
	    "       iscsi-initiator [options] --script FILE|-\n"
	    "       iscsi-initiator --help | --version\n\n"
	    "Options:\n"
	    "  --json               print every verb's result as a JSON line\n"
	    "  --events FILE        write the event log as JSON lines\n"
	    "  --script FILE|-      run verbs from FILE (or stdin), one per line,\n"
	    "                       '#' comments, $SID = last logged-in session\n"
	    "  --debug              protocol debug log on stderr\n"
	    "  --connect-timeout MS --login-timeout MS --scsi-timeout MS\n"
	    "  --nop-interval MS    (0: no keepalive) --nop-timeout MS\n"
	    "  --tcp-user-timeout MS --recovery-attempts N --max-redirects N\n"
	    "  --chap-algorithms L  CHAP_A preference, e.g. 7,5 (MD5 always)\n"
	    "  --max-recv-dsl N --first-burst N --max-burst N\n"
	    "  --immediate-data yes|no --initial-r2t yes|no\n"
	    "  --data-pdu-in-order yes|no --data-sequence-in-order yes|no\n"
	    "  --login-key K=V      offer an extension key at login (a key\n"
	    "                       RFC 7143 does not define, e.g. X-com.example.A=1;\n"
	    "                       repeatable; a long set goes out in parts)\n\n"
	    "Numbers are decimal or 0x hex; '*' stands for a default.\n"
	    "Verbs (case-insensitive):\n");
	cli_print_verbs(f);
}

struct num_opt {
	const char	*name;
	size_t		 off;
	uint32_t	 min, max;
};

/*
 * A timeout of 0 would fire before any answer can come (only the NOP
 * interval and TCP_USER_TIMEOUT give 0 a meaning: off / the kernel's);
 * the lengths are RFC 7143 13.12-13.14 ranges, MaxOutstandingR2T 13.17.
 */
#define CFG(f)	offsetof(struct ini_config, f)
#define DSL_MAX	16777215u
static const struct num_opt num_opts[] = {
	{ "--connect-timeout", CFG(connect_timeout_ms), 1, UINT32_MAX },
	{ "--login-timeout", CFG(login_timeout_ms), 1, UINT32_MAX },
	{ "--text-timeout", CFG(text_timeout_ms), 1, UINT32_MAX },
	{ "--logout-timeout", CFG(logout_timeout_ms), 1, UINT32_MAX },
	{ "--scsi-timeout", CFG(scsi_timeout_ms), 1, UINT32_MAX },
	{ "--tmf-timeout", CFG(tmf_timeout_ms), 1, UINT32_MAX },
	{ "--nop-interval", CFG(nop_interval_ms), 0, UINT32_MAX },
	{ "--nop-timeout", CFG(nop_timeout_ms), 1, UINT32_MAX },
	{ "--tcp-user-timeout", CFG(tcp_user_timeout_ms), 0, UINT32_MAX },
	{ "--max-redirects", CFG(max_redirects), 0, UINT32_MAX },
	{ "--recovery-attempts", CFG(recovery_attempts), 0, UINT32_MAX },
	{ "--max-recv-dsl", CFG(max_recv_dsl), 512, DSL_MAX },
	{ "--first-burst", CFG(first_burst_length), 512, DSL_MAX },
	{ "--max-burst", CFG(max_burst_length), 512, DSL_MAX },
	{ "--max-outstanding-r2t", CFG(max_outstanding_r2t), 1, 65535 },
};

static int
bad_option(const char *opt, const char *why)
{
	fprintf(stderr, "iscsi-initiator: %s: %s\n", opt, why);
	return CLI_EXIT_USAGE;
}

static bool
known_value_option(const char *o)
{
	static const char *const named[] = { "--events", "--script",
	    "--chap-algorithms", "--immediate-data", "--initial-r2t",
	    "--data-pdu-in-order", "--data-sequence-in-order", "--login-key" };
	size_t k;

	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if (strcmp(o, named[k]) == 0)
			return true;
	for (k = 0; k < sizeof(num_opts) / sizeof(num_opts[0]); k++)
		if (strcmp(o, num_opts[k].name) == 0)
			return true;
	return false;
}

static int
num_option(struct ini_config *cfg, const char *o, const char *val)
{
	const struct num_opt *n = NULL;
	char why[80];
	uint64_t v;
	size_t k;

	for (k = 0; k < sizeof(num_opts) / sizeof(num_opts[0]); k++)
		if (strcmp(o, num_opts[k].name) == 0)
			n = &num_opts[k];
	if (!cli_parse_u64(val, UINT32_MAX, &v) || v < n->min || v > n->max) {
		snprintf(why, sizeof(why), "'%s': expected a number %u-%u "
		    "(decimal or 0x hex)", val, n->min, n->max);
		return bad_option(o, why);
	}
	*(uint32_t *)((char *)cfg + n->off) = (uint32_t)v;
	return 0;
}

static int
yes_no(const char *opt, const char *v, bool *out)
{
	if (v != NULL && strcasecmp(v, "yes") == 0)
		*out = true;
	else if (v != NULL && strcasecmp(v, "no") == 0)
		*out = false;
	else
		return bad_option(opt, "expected yes or no");
	return 0;
}

/* --login-key K=V: a key no table row defines, a simple value. */
static int
login_key(struct text_builder *b, struct text_seen *seen, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[TEXT_KEY_MAX + 1];
	size_t klen;

	if (eq == NULL || (klen = (size_t)(eq - kv)) == 0 || klen > TEXT_KEY_MAX)
		return bad_option("--login-key", "expected KEY=VALUE");
	memcpy(key, kv, klen);
	key[klen] = '\0';
	if (keys_lookup(key) != KEYS_UNKNOWN)
		return bad_option("--login-key", "a key RFC 7143 defines is "
		    "negotiated by the initiator itself");
	if (text_seen_add(seen, key, false) != TEXT_OK)
		return bad_option("--login-key", "key given twice (6.2)");
	if (strlen(eq + 1) > TEXT_VALUE_MAX ||
	    text_builder_add(b, key, eq + 1) != TEXT_OK)
		return bad_option("--login-key", "malformed key or value "
		    "(6.1: key a-zA-Z0-9.-+@_ from a capital, value <= 255 bytes)");
	return 0;
}

int
main(int argc, char **argv)
{
	struct ini_config cfg;
	struct text_builder keys;
	struct text_seen seen;
	struct cli c;
	const char *script = NULL, *events = NULL;
	bool json = false, debug = false;
	int i, rc;
	FILE *sf;

	ini_config_default(&cfg);
	text_builder_init(&keys, 0);
	text_seen_init(&seen);
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(o, "--version") == 0) {
			printf("iscsi-initiator %s\n", ISCSI_BENCH_VERSION);
			return 0;
		}
		if (strcmp(o, "--json") == 0) {
			json = true;
			continue;
		}
		if (strcmp(o, "--debug") == 0) {
			debug = true;
			continue;
		}
		if (!known_value_option(o)) {
			fprintf(stderr, "iscsi-initiator: unknown option '%s'\n", o);
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
		if (val == NULL)
			return bad_option(o, "needs a value");
		if (strcmp(o, "--events") == 0)
			events = val;
		else if (strcmp(o, "--script") == 0)
			script = val;
		else if (strcmp(o, "--chap-algorithms") == 0) {
			if (!cli_chap_algorithms_ok(val))
				return bad_option(o, "expected a comma-separated "
				    "list of CHAP_A numbers: 5 (MD5), 6 (SHA-1), "
				    "7 (SHA-256), 8 (SHA3-256)");
			cfg.chap_algorithms = val;
		} else if (strcmp(o, "--login-key") == 0) {
			if (login_key(&keys, &seen, val) != 0)
				return CLI_EXIT_USAGE;
		}
		else if (strcmp(o, "--immediate-data") == 0) {
			if (yes_no(o, val, &cfg.immediate_data) != 0)
				return CLI_EXIT_USAGE;
		} else if (strcmp(o, "--initial-r2t") == 0) {
			if (yes_no(o, val, &cfg.initial_r2t) != 0)
				return CLI_EXIT_USAGE;
		} else if (strcmp(o, "--data-pdu-in-order") == 0) {
			if (yes_no(o, val, &cfg.data_pdu_in_order) != 0)
				return CLI_EXIT_USAGE;
		} else if (strcmp(o, "--data-sequence-in-order") == 0) {
			if (yes_no(o, val, &cfg.data_sequence_in_order) != 0)
				return CLI_EXIT_USAGE;
		} else if (num_option(&cfg, o, val) != 0)
			return CLI_EXIT_USAGE;
		i++;
	}
	text_seen_free(&seen);
	cfg.login_keys = (const char *)keys.buf;
	cfg.login_keys_len = keys.len;
	if (script == NULL && i >= argc) {
		fprintf(stderr, "iscsi-initiator: no verb given\n");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (script != NULL && i < argc)
		return bad_option("--script", "takes no verb on the command line");
	log_init("iscsi-initiator", debug ? LOG_LVL_DEBUG : LOG_LVL_WARN, stderr);
	signal(SIGPIPE, SIG_IGN);

	memset(&c, 0, sizeof(c));
	c.out = stdout;
	c.err = stderr;
	c.json = json;
	c.where = "";
	if (events != NULL && (c.events = fopen(events, "a")) == NULL) {
		fprintf(stderr, "iscsi-initiator: --events %s: %s\n", events,
		    strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if ((c.node = ini_node_new(&cfg, NULL)) == NULL) {
		fprintf(stderr, "iscsi-initiator: cannot create the node\n");
		return CLI_EXIT_FAIL;
	}
	ini_node_set_event_sink(c.node, cli_event_sink, &c);
	if (script != NULL) {
		sf = strcmp(script, "-") == 0 ? stdin : fopen(script, "r");
		if (sf == NULL) {
			fprintf(stderr, "iscsi-initiator: --script %s: %s\n",
			    script, strerror(errno));
			rc = CLI_EXIT_USAGE;
		} else {
			rc = cli_run_script(&c, sf, strcmp(script, "-") == 0 ?
			    "stdin" : script);
			if (sf != stdin)
				fclose(sf);
		}
	} else
		rc = cli_run_verb(&c, argc - i, argv + i);
	ini_node_free(c.node);
	text_builder_free(&keys);
	if (c.events != NULL)
		fclose(c.events);
	return rc;
}
