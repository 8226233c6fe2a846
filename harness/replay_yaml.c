/*
 * Replay: the scenario file (docs/scenario-format.md, docs/harness.md)
 * from the collected model, rules and actions, and the data files of the
 * captured WRITEs.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "chap.h"
#include "keys.h"
#include "pdu.h"
#include "replay_int.h"

#define CHAP_PLACEHOLDER	"replay-secret-1"
#define MUTUAL_PLACEHOLDER	"replay-mutual-2"
#define DEFAULT_TARGET		"iqn.2026-11.org.iscsi-bench:replay"

/* YAML double-quoted scalar. */
static void
yq(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* Path without a trailing ".yaml" / ".yml". */
static void
out_stem(const char *out, char *buf, size_t bufsz)
{
	size_t n = strlen(out);

	if (n > 5 && strcmp(out + n - 5, ".yaml") == 0)
		n -= 5;
	else if (n > 4 && strcmp(out + n - 4, ".yml") == 0)
		n -= 4;
	snprintf(buf, bufsz, "%.*s", (int)n, out);
}

int
rp_write_data_files(struct rp_collect *c, char *errbuf, size_t errsz)
{
	char stem[4096], path[4200];
	size_t i, n = 0;
	int fd, flags;

	out_stem(c->o->out, stem, sizeof(stem));
	for (i = 0; i < c->nacts; i++) {
		struct rp_action *a = &c->acts[i];

		if (a->kind != RA_SCSI || a->wdata == NULL || a->wlen == 0 ||
		    a->wlen % 512 != 0)
			continue;
		snprintf(path, sizeof(path), "%s.w%zu.bin", stem, ++n);
		flags = O_WRONLY | O_CREAT | O_CLOEXEC |
		    (c->o->force ? O_TRUNC : O_EXCL);
		if ((fd = open(path, flags, 0644)) < 0) {
			snprintf(errbuf, errsz, "%s: %s%s", path, strerror(errno),
			    errno == EEXIST ? " (use --force to overwrite)" : "");
			return -1;
		}
		if (write(fd, a->wdata, a->wlen) != (ssize_t)a->wlen) {
			snprintf(errbuf, errsz, "%s: cannot write", path);
			close(fd);
			return -1;
		}
		close(fd);
		if ((a->data_file = strdup(path)) == NULL) {
			snprintf(errbuf, errsz, "out of memory");
			return -1;
		}
	}
	return 0;
}

static void
size_text(uint64_t bytes, char *buf, size_t bufsz)
{
	static const char sfx[] = "kMGT";
	int i;

	bytes = (bytes + 511) / 512 * 512;
	for (i = 3; i >= 0; i--)
		if (bytes % (1ull << (10 * (i + 1))) == 0) {
			snprintf(buf, bufsz, "%llu%c", (unsigned long long)
			    (bytes >> (10 * (i + 1))), sfx[i]);
			return;
		}
	snprintf(buf, bufsz, "%llu", (unsigned long long)bytes);
}

static const char *
usable_name(const char *user, const char *fallback)
{
	return user[0] != '\0' && chap_name_check(user, strlen(user)) ==
	    CHAP_OK && strchr(user, ' ') == NULL ? user : fallback;
}

static void
write_luns(FILE *f, const struct rp_target *t)
{
	uint64_t bytes, max = 16ull << 40;
	size_t i, n = 1;
	char sz[32];

	for (i = 0; i < RP_LUNS_MAX; i++)
		if (t->luns[i].present)
			n = i + 1;
	fprintf(f, "      luns:\n");
	for (i = 0; i < n; i++) {
		const struct rp_lun *l = &t->luns[i];

		if (!l->measured) {
			size_text(RP_LUN_DEFAULT, sz, sizeof(sz));
			fprintf(f, "        - %s    # LUN %zu: %s\n", sz, i,
			    l->present ? "no READ CAPACITY answer captured, "
			    "default size" : "not seen, fills the LUN numbering");
			continue;
		}
		bytes = l->blocks * l->block_size;
		if (l->blocks > max / (l->block_size ? l->block_size : 1))
			bytes = max;
		size_text(bytes, sz, sizeof(sz));
		fprintf(f, "        - %s    # LUN %zu: %llu blocks of %u bytes",
		    sz, i, (unsigned long long)l->blocks, l->block_size);
		if (l->block_size != 512)
			fprintf(f, " (the simulated LUN has 512-byte blocks)");
		if (bytes == max)
			fprintf(f, " (capped)");
		fputc('\n', f);
	}
}

static bool
needs_quotes(const char *v)
{
	return strcmp(v, "Yes") == 0 || strcmp(v, "No") == 0 ||
	    strspn(v, "0123456789") != strlen(v) || v[0] == '\0';
}

static void
write_target(FILE *f, const struct rp_target *t)
{
	const char *alg;
	size_t i;
	bool first = true;
	char why[160];

	fprintf(f, "    - name: %s\n", t->name);
	if (t->alias[0] != '\0') {
		fprintf(f, "      alias: ");
		yq(f, t->alias);
		fputc('\n', f);
	}
	write_luns(f, t);
	if (t->auth > 0) {
		fprintf(f, "      auth:    # the captured secrets cannot be "
		    "recovered from a capture: placeholders the script uses "
		    "too\n");
		fprintf(f, "        chap: {user: %s, secret: %s}\n",
		    usable_name(t->chap_user, "replay-user"), CHAP_PLACEHOLDER);
		if (t->auth == 2)
			fprintf(f, "        mutual: {user: %s, secret: %s}\n",
			    usable_name(t->mutual_user, "replay-target"),
			    MUTUAL_PLACEHOLDER);
		if ((alg = chap_alg_name(t->chap_alg)) != NULL)
			fprintf(f, "        algorithms: [%s]    # CHAP_A=%d "
			    "chosen by the captured target\n", alg, t->chap_alg);
	}
	for (i = 0; i < t->nkeys; i++) {
		const struct rp_kv *kv = &t->keys[i];

		if (strcmp(kv->key, "ErrorRecoveryLevel") == 0 &&
		    strcmp(kv->value, "0") != 0) {
			fprintf(f, "      # ErrorRecoveryLevel=%s answered by the "
			    "captured target: iscsi-target-sim does 0 only\n",
			    kv->value);
			continue;
		}
		if (!keys_value_valid(keys_lookup(kv->key), kv->value, why,
		    sizeof(why))) {
			/* the scenario would not load (Reject, out of range) */
			fprintf(f, "      # %s=%s answered by the captured target "
			    "is not reproduced: not an RFC 7143 value\n", kv->key,
			    kv->value);
			continue;
		}
		fprintf(f, "%s%s: ", first ? "      keys:    # the values "
		    "the captured target answered in login\n        " :
		    "        ", kv->key);
		first = false;
		if (needs_quotes(kv->value))
			yq(f, kv->value);
		else
			fputs(kv->value, f);
		fputc('\n', f);
	}
}

static void
rule_name(const struct rp_rule *r, char *buf, size_t bufsz)
{
	char k[32];
	char *s;

	snprintf(k, sizeof(k), "%s", rp_kind_name(r->kind));
	for (s = k; *s != '\0'; s++)
		if (*s == '_')
			*s = '-';
	snprintf(buf, bufsz, "%s-%u", k, r->seq);
}

/* The rule vocabulary's opcode word: the PDU table symbol, lower case. */
static void
opcode_word(int op, char *buf, size_t bufsz)
{
#define RP_OP_ROW(v, s, t) { v, #s },
	static const struct { int op; const char *sym; } rows[] = {
		PDU_OPCODE_TABLE(RP_OP_ROW)
	};
#undef RP_OP_ROW
	const char *n = NULL;
	size_t i;
	char *s;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].op == op)
			n = rows[i].sym;
	if (n == NULL) {
		snprintf(buf, bufsz, "0x%02x", op);
		return;
	}
	snprintf(buf, bufsz, "%s", n);
	for (s = buf; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
write_match(FILE *f, const struct rp_match *m)
{
	static const char *const stages[] = { "security", "operational", "?",
		"ffp" };
	char op[32];

	fprintf(f, "    match: {direction: %s", m->dir == RP_IN ? "in" :
	    m->dir == RP_OUT ? "out" : "timer");
	if (m->opcode >= 0) {
		opcode_word(m->opcode, op, sizeof(op));
		fprintf(f, ", opcode: %s", op);
	}
	if (m->scsi_opcode >= 0)
		fprintf(f, ", scsi_opcode: 0x%02x", m->scsi_opcode);
	if (m->stage >= 0 && m->stage < 4)
		fprintf(f, ", stage: %s", stages[m->stage]);
	if (m->key != 0)
		fprintf(f, ", key: %s", rp_key_name(m->key));
	if (m->conn != 0)
		fprintf(f, ", connection: %u", m->conn);
	if (m->after_event != RP_EV_NONE)
		fprintf(f, ", after: {event: %s, ms: %llu}", m->after_event ==
		    RP_EV_FFP ? "ffp" : "connect",
		    (unsigned long long)m->after_ms);
	if (m->dir != RP_TIMER)
		fprintf(f, ", nth: %llu", (unsigned long long)m->nth);
	fprintf(f, "}\n");
}

/* Portal named by a TargetAddress, 0 if none of the captured ones. */
static unsigned
portal_named(const struct rp_collect *c, const char *addr)
{
	struct text_address ta;
	char text[80], want[300];
	size_t i;

	if (text_parse_address(addr, strlen(addr), &ta) != TEXT_OK)
		return 0;
	snprintf(want, sizeof(want), strchr(ta.host, ':') != NULL ?
	    "[%s]:%u" : "%s:%u", ta.host, ta.port);
	for (i = 0; i < c->nportals; i++) {
		rp_portal_text(&c->portals[i], text, sizeof(text));
		if (strcmp(text, want) == 0)
			return (unsigned)i + 1;
	}
	return 0;
}

static void
code_name(enum catalog_table tab, unsigned v, char *buf, size_t bufsz)
{
	const struct catalog_code *cc = catalog_code(tab, v);
	char *s;

	if (cc == NULL) {
		snprintf(buf, bufsz, "%u", v);
		return;
	}
	snprintf(buf, bufsz, "%s", cc->name);
	for (s = buf; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
write_action(FILE *f, const struct rp_collect *c, const struct rp_rule *r)
{
	char word[64];
	unsigned p;

	fprintf(f, "    action: {type: %s", rp_kind_name(r->kind));
	switch (r->kind) {
	case RP_LOGIN_STATUS:
		fprintf(f, ", status: 0x%02x%02x", r->status_class,
		    r->status_detail);
		break;
	case RP_REDIRECT:
		if ((p = portal_named(c, r->address)) != 0)
			fprintf(f, ", portal: p%u", p);
		else {
			fprintf(f, ", address: ");
			yq(f, r->address);
		}
		if (r->status_detail == 2)
			fprintf(f, ", permanent: true");
		break;
	case RP_REJECT:
		code_name(CATALOG_REJECT_REASONS, r->reason, word, sizeof(word));
		fprintf(f, ", reason: %s", word);
		break;
	case RP_ASYNC:
		code_name(CATALOG_ASYNC_EVENTS, r->event, word, sizeof(word));
		fprintf(f, ", event: %s, param1: %u, param2: %u, param3: %u",
		    word, r->param[0], r->param[1], r->param[2]);
		if (r->event == 255)
			fprintf(f, ", vcode: %u", r->vcode);
		if (r->event == 2 || r->event == 3)
			fprintf(f, ", drop: %s", r->async_drop ? "true" :
			    "false");
		break;
	case RP_NOP_IN:
		fprintf(f, ", bytes: %u", r->bytes);
		break;
	case RP_CORRUPT_DIGEST:
		fprintf(f, ", which: %s", r->header ? "header" : "data");
		break;
	case RP_DROP:
		fprintf(f, ", how: %s", r->rst ? "rst" : "fin");
		if (r->after)
			fprintf(f, ", when: after");
		break;
	case RP_DELAY:
		fprintf(f, ", ms: %llu", (unsigned long long)r->ms);
		break;
	default:
		break;
	}
	fprintf(f, "}\n");
}

static void
write_rules(FILE *f, const struct rp_collect *c)
{
	const struct rp_rules *rr = &c->rules;
	char name[48];
	size_t i;

	if (rr->nrules == 0) {
		fprintf(f, "rules: []    # the captured target did nothing "
		    "out of the ordinary\n");
		return;
	}
	fprintf(f, "# Latest PDU first: a rule that consumes a PDU hides it "
	    "from the rules\n# after it, so each rule counts the occurrence it "
	    "names (nth).\nrules:\n");
	for (i = 0; i < rr->nrules; i++) {
		const struct rp_rule *r = &rr->rules[i];

		rule_name(r, name, sizeof(name));
		fprintf(f, "  - name: %s    # %s\n", name, r->note);
		write_match(f, &r->m);
		write_action(f, c, r);
	}
	if (rr->pings_skipped > 0)
		fprintf(f, "# %zu more NOP-In pings not reproduced (at most "
		    "%d)\n", rr->pings_skipped, RP_PINGS_MAX);
	if (rr->dropped > 0)
		fprintf(f, "# %zu more rules left out (at most %d)\n",
		    rr->dropped, RP_RULES_MAX);
}

static void
write_target_section(FILE *f, const struct rp_collect *c, bool digests)
{
	char text[80];
	size_t i;

	fprintf(f, "target:\n");
	if (digests || c->discovery_auth) {
		fprintf(f, "  settings:\n");
		if (digests)
			fprintf(f, "    digest: both    # the captured target "
			    "answered CRC32C\n");
		if (c->discovery_auth)
			fprintf(f, "    discovery_auth: {chap: {user: %s, secret: "
			    "%s}}    # placeholder secret\n",
			    usable_name(c->discovery_user, "replay-user"),
			    CHAP_PLACEHOLDER);
	}
	fprintf(f, "  portals:\n");
	for (i = 0; i < c->nportals; i++) {
		rp_portal_text(&c->portals[i], text, sizeof(text));
		fprintf(f, "    - {name: p%zu, address: \"127.0.0.1:0\"", i + 1);
		if (c->portals[i].tpgt != 0)
			fprintf(f, ", tpgt: %u", c->portals[i].tpgt);
		fprintf(f, "}    # captured %s\n", text);
	}
	if (c->portals_full)
		fprintf(f, "    # more portals in the capture (at most %d)\n",
		    RP_PORTALS_MAX);
	fprintf(f, "  targets:\n");
	for (i = 0; i < c->ntargets; i++)
		write_target(f, c->targets[i]);
	if (c->ntargets == 0)
		fprintf(f, "    - {name: %s, luns: [16M]}    # no login to a "
		    "target was captured\n", DEFAULT_TARGET);
}

static void
write_expect(FILE *f, const struct rp_collect *c, bool fails)
{
	char name[48];
	size_t i;

	fprintf(f, "expect:\n  exit: %s\n", fails ? "nonzero" : "0");
	if (c->rules.nrules > 0) {
		fprintf(f, "  faults_fired:    # replay fidelity: every "
		    "captured oddity happened again\n");
		for (i = 0; i < c->rules.nrules; i++) {
			rule_name(&c->rules.rules[i], name, sizeof(name));
			fprintf(f, "    - %s\n", name);
		}
	}
	fprintf(f, "  # To complete by hand: the events the documents predict. "
	    "The analyzer's\n  # event inference for this capture (seed 004 "
	    "Appendix B):\n");
	if (c->nevents == 0)
		fprintf(f, "  #   none inferred\n");
	else {
		fprintf(f, "  # events:\n  #   include: [");
		for (i = 0; i < c->nevents; i++)
			fprintf(f, "%s%u", i ? ", " : "", c->events[i]);
		fprintf(f, "]\n");
		for (i = 0; i < c->nevents; i++) {
			const struct catalog_event *e =
			    catalog_event(c->events[i]);

			if (e != NULL)
				fprintf(f, "  #   %u %s\n", c->events[i], e->name);
		}
	}
}

int
rp_write_yaml(struct rp_collect *c, FILE *f)
{
	struct rp_script_opts so;
	char prefix[300];
	double dur = c->have_time ? c->last_time - c->first_time : 0;
	int timeout = (int)ceil(dur) * 2 + 20;
	bool digests = false, fails;
	const char *opt_alg = NULL;
	size_t i;

	for (i = 0; i < c->nacts; i++)
		if (c->acts[i].hd == 1 || c->acts[i].dd == 1)
			digests = true;
	for (i = 0; i < c->ntargets; i++)
		if (c->targets[i]->auth > 0 && c->targets[i]->chap_alg != 0 &&
		    c->targets[i]->chap_alg != 5)
			opt_alg = chap_alg_name(c->targets[i]->chap_alg);
	if (timeout < 30)
		timeout = 30;
	if (timeout > 600)
		timeout = 600;

	fprintf(f, "# Generated by `iscsi-bench replay --as target` "
	    "(docs/replay.md).\n");
	fprintf(f, "name: %s\n", c->o->name);
	fprintf(f, "description: ");
	{
		char d[1200];

		snprintf(d, sizeof(d), "The target side of %s of the capture "
		    "%s (%llu PDUs, %.3f s), reproduced by iscsi-target-sim "
		    "against the initiator under test.%s",
		    c->o->session ? "one session (with its recoveries and "
		    "redirects)" : "every session", c->o->file,
		    (unsigned long long)c->pdus, dur, c->gaps ? " The capture "
		    "has gaps: what they hid is not reproduced." : "");
		if (c->o->session) {
			size_t n = strlen(d);

			snprintf(d + n, sizeof(d) - n, " Session %u.",
			    c->o->session);
		}
		yq(f, d);
	}
	fprintf(f, "\ncites:\n  - \"RFC 7143 (the captured exchange)\"\n"
	    "  - ");
	{
		char d[600];

		snprintf(d, sizeof(d), "capture %s", c->o->file);
		yq(f, d);
	}
	fprintf(f, "\ntags: [replay]\ntimeout: %d\n", timeout);
	write_target_section(f, c, digests);
	write_rules(f, c);

	fprintf(f, "initiator:\n");
	if (opt_alg != NULL) {
		for (i = 0; i < c->ntargets; i++)
			if (c->targets[i]->chap_alg != 0)
				break;
		fprintf(f, "  options: [--chap-algorithms, \"%d\"]\n",
		    c->targets[i]->chap_alg);
	}
	fprintf(f, "  script: |\n");
	snprintf(prefix, sizeof(prefix), "/tmp/iscsi-bench-%s-read",
	    c->o->name);
	so.read_prefix = prefix;
	so.chap_secret = CHAP_PLACEHOLDER;
	so.mutual_secret = MUTUAL_PLACEHOLDER;
	so.max_verbs = RP_MAX_VERBS;
	so.end_time = c->last_time;
	fails = rp_script_write(f, c->acts, c->nacts, &so, 4);
	write_expect(f, c, fails);
	return ferror(f) ? -1 : 0;
}
