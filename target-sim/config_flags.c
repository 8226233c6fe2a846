/*
 * Command-line flags -> struct tsim_config:
 *
 *   --listen ADDR:PORT      (repeatable; port 0 picks a free port)
 *   --target IQN            starts a target group; --lun, --chap,
 *   --lun SIZE[,SIZE...]    --mutual-chap and --alias that follow belong
 *   --chap USER:SECRET      to it (given before any --target they are the
 *   --mutual-chap USER:SEC  default of every target)
 *   --alias TEXT
 *   --digest none|crc32c|both   what the target accepts
 *   --scenario FILE         load a scenario first (flags add to it)
 *   --fault-log FILE, -v, --cmdsn-window N, --nop-interval MS
 *   --portal-address NAME=ADDR:PORT   moves portal NAME of the scenario
 *                           (the harness's ns3 mode: the namespace's address)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lun.h"
#include "netaddr.h"
#include "tsim.h"

static int
usage_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
usage_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return 2;
}

/* Defaults given before the first --target. */
struct flag_defaults {
	bool		 chap, mutual;
	char		 user[CHAP_NAME_MAX + 1], muser[CHAP_NAME_MAX + 1];
	struct chap_secret secret, msecret;
};

static int
add_listen(struct tsim_config *c, const char *arg, char *err, size_t errsz)
{
	struct tsim_portal_cfg *p;
	char why[128];
	struct netaddr na;

	if (tsim_parse_listen(arg, &na, why, sizeof(why)) != 0)
		return usage_err(err, errsz, "--listen '%s': %s", arg, why);
	if ((p = tsim_config_add_portal(c)) == NULL)
		return usage_err(err, errsz, "--listen '%s': too many portals "
		    "(at most %d)", arg, TSIM_MAX_PORTALS);
	snprintf(p->addr, sizeof(p->addr), "%s", arg);
	snprintf(p->name, sizeof(p->name), "portal%zu", c->nportals);
	p->na = na;
	return 0;
}

/* NAME=ADDR:PORT: the portal NAME (scenario or --listen "portalN") moves. */
static int
portal_address(struct tsim_config *c, const char *arg, char *err, size_t errsz)
{
	const char *eq = strchr(arg, '=');
	char name[TSIM_LABEL_MAX + 1], why[128];
	struct tsim_portal_cfg *p;
	struct netaddr na;
	int idx;

	if (eq == NULL || eq == arg || (size_t)(eq - arg) > TSIM_LABEL_MAX)
		return usage_err(err, errsz, "--portal-address '%s': expected "
		    "NAME=ADDR:PORT", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if ((idx = tsim_config_portal_by_name(c, name)) < 0)
		return usage_err(err, errsz, "--portal-address '%s': no portal "
		    "named '%s'", arg, name);
	if (strlen(eq + 1) > TSIM_ADDR_MAX ||
	    tsim_parse_listen(eq + 1, &na, why, sizeof(why)) != 0)
		return usage_err(err, errsz, "--portal-address '%s': %s", arg,
		    strlen(eq + 1) > TSIM_ADDR_MAX ? "address too long" : why);
	p = &c->portals[idx];
	snprintf(p->addr, sizeof(p->addr), "%s", eq + 1);
	p->na = na;
	return 0;
}

static int
add_luns(struct tsim_target_cfg *t, const char *arg, char *err, size_t errsz)
{
	char *copy = strdup(arg), *tok, *save, why[128];
	uint64_t size;
	int rc = 0;

	if (copy == NULL)
		return usage_err(err, errsz, "out of memory");
	for (save = copy; (tok = strsep(&save, ",")) != NULL;) {
		if (*tok == '\0') {
			/* "1M,,2M" would silently renumber the LUNs after it */
			rc = usage_err(err, errsz, "--lun '%s': %s", arg,
			    *arg == '\0' ? "no size given" : "empty size in "
			    "the list");
			break;
		}
		if (lun_parse_size(tok, &size, why, sizeof(why)) != 0) {
			rc = usage_err(err, errsz, "--lun '%s': %s", tok, why);
			break;
		}
		if (size == 0 || size % LUN_BLOCK_SIZE != 0) {
			rc = usage_err(err, errsz, "--lun '%s': size must be a "
			    "non-zero multiple of %d", tok, LUN_BLOCK_SIZE);
			break;
		}
		if (tsim_target_add_lun(t, size, NULL) != 0) {
			rc = usage_err(err, errsz, "out of memory");
			break;
		}
	}
	if (rc == 0 && t->nluns == 0)
		rc = usage_err(err, errsz, "--lun '%s': no size given", arg);
	free(copy);
	return rc;
}

static void
apply_defaults(struct tsim_target_cfg *t, const struct flag_defaults *fd)
{
	if (fd->chap && !t->auth.chap) {
		t->auth.chap = true;
		memcpy(t->auth.user, fd->user, sizeof(t->auth.user));
		t->auth.secret = fd->secret;
	}
	if (fd->mutual && !t->auth.mutual) {
		t->auth.mutual = true;
		memcpy(t->auth.muser, fd->muser, sizeof(t->auth.muser));
		t->auth.msecret = fd->msecret;
	}
}

static int
parse_u32(const char *opt, const char *arg, uint32_t min, uint32_t max,
    uint32_t *out, char *err, size_t errsz)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || *arg == '\0' || *end != '\0' || arg[0] == '-' ||
	    v < min || v > max)
		return usage_err(err, errsz, "%s '%s': expected a number from "
		    "%u to %u", opt, arg, min, max);
	*out = (uint32_t)v;
	return 0;
}

static const char *const with_arg[] = { "--listen", "--target", "--lun",
	"--chap", "--mutual-chap", "--alias", "--digest", "--scenario",
	"--fault-log", "--cmdsn-window", "--nop-interval", "--portal-address",
	NULL };

static bool
takes_arg(const char *opt)
{
	size_t i;

	for (i = 0; with_arg[i] != NULL; i++)
		if (strcmp(opt, with_arg[i]) == 0)
			return true;
	return false;
}

static int
one_flag(struct tsim_config *c, struct tsim_target_cfg **cur,
    struct flag_defaults *fd, const char *opt, const char *arg,
    struct tsim_cli *cli, char *err, size_t errsz)
{
	char why[256];
	struct tsim_target_cfg *t = *cur;

	if (strcmp(opt, "--listen") == 0)
		return add_listen(c, arg, err, errsz);
	if (strcmp(opt, "--target") == 0) {
		if (strlen(arg) > TSIM_NAME_MAX)
			return usage_err(err, errsz, "--target: name longer "
			    "than %d bytes", TSIM_NAME_MAX);
		if ((*cur = tsim_config_add_target(c)) == NULL)
			return usage_err(err, errsz, "out of memory");
		snprintf((*cur)->name, sizeof((*cur)->name), "%s", arg);
		return 0;
	}
	if (strcmp(opt, "--lun") == 0) {
		if (t == NULL)
			return usage_err(err, errsz, "--lun must follow --target");
		return add_luns(t, arg, err, errsz);
	}
	if (strcmp(opt, "--alias") == 0) {
		if (t == NULL)
			return usage_err(err, errsz, "--alias must follow --target");
		snprintf(t->alias, sizeof(t->alias), "%s", arg);
		return 0;
	}
	if (strcmp(opt, "--chap") == 0 || strcmp(opt, "--mutual-chap") == 0) {
		bool mutual = opt[2] == 'm';
		char *user = mutual ? (t ? t->auth.muser : fd->muser) :
		    (t ? t->auth.user : fd->user);
		struct chap_secret *s = mutual ? (t ? &t->auth.msecret :
		    &fd->msecret) : (t ? &t->auth.secret : &fd->secret);

		if (tsim_parse_userpass(arg, user, CHAP_NAME_MAX + 1, s, why,
		    sizeof(why)) != 0)
			return usage_err(err, errsz, "%s: %s", opt, why);
		if (t != NULL) {
			if (mutual)
				t->auth.mutual = true;
			else
				t->auth.chap = true;
		} else if (mutual)
			fd->mutual = true;
		else
			fd->chap = true;
		return 0;
	}
	if (strcmp(opt, "--digest") == 0) {
		if (tsim_keyvals_set_digest(&c->keys, arg) != 0)
			return usage_err(err, errsz, "--digest '%s': expected "
			    "none, crc32c or both", arg);
		return 0;
	}
	if (strcmp(opt, "--fault-log") == 0) {
		cli->fault_log = arg;
		return 0;
	}
	if (strcmp(opt, "--cmdsn-window") == 0)
		return parse_u32(opt, arg, 1, 65536, &c->cmdsn_window, err,
		    errsz);
	if (strcmp(opt, "--nop-interval") == 0)
		return parse_u32(opt, arg, 0, 3600000, &c->nop_interval_ms, err,
		    errsz);
	if (strcmp(opt, "--portal-address") == 0)
		return portal_address(c, arg, err, errsz);
	if (strcmp(opt, "--scenario") == 0)
		return 0;	/* loaded first */
	return usage_err(err, errsz, "unknown option '%s'", opt);
}

int
tsim_config_from_args(struct tsim_config *c, int argc, char **argv,
    struct tsim_cli *cli, char *err, size_t errsz)
{
	struct tsim_target_cfg *cur = NULL;
	struct flag_defaults fd;
	const char *scenario = NULL;
	size_t i;
	int a, rc = 0;

	memset(&fd, 0, sizeof(fd));
	memset(cli, 0, sizeof(*cli));
	if (argc == 0)
		return usage_err(err, errsz, "no arguments given");
	/* pass 1: flags without side effects, --scenario, syntax */
	for (a = 0; a < argc; a++) {
		const char *opt = argv[a];

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
			cli->help = true;
		else if (strcmp(opt, "--version") == 0)
			cli->version = true;
		else if (strcmp(opt, "-v") == 0 || strcmp(opt, "--verbose") == 0)
			cli->verbose++;
		else if (takes_arg(opt)) {
			if (a + 1 >= argc)
				return usage_err(err, errsz, "%s needs an argument",
				    opt);
			if (strcmp(opt, "--scenario") == 0) {
				if (scenario != NULL)
					return usage_err(err, errsz,
					    "--scenario given twice");
				scenario = argv[a + 1];
			}
			a++;
		} else
			return usage_err(err, errsz, "unknown option '%s'", opt);
	}
	if (cli->help || cli->version)
		return 0;
	if (scenario != NULL &&
	    tsim_scenario_load_file(c, scenario, err, errsz) != 0)
		return 2;
	for (a = 0; a < argc && rc == 0; a++) {
		if (!takes_arg(argv[a]))
			continue;
		rc = one_flag(c, &cur, &fd, argv[a], argv[a + 1], cli, err,
		    errsz);
		a++;
	}
	if (rc != 0)
		goto out;
	/* CHAP given before any --target also guards discovery sessions */
	if (fd.chap) {
		c->discovery_auth.chap = true;
		memcpy(c->discovery_auth.user, fd.user, sizeof(fd.user));
		c->discovery_auth.secret = fd.secret;
	}
	if (fd.mutual) {
		c->discovery_auth.mutual = true;
		memcpy(c->discovery_auth.muser, fd.muser, sizeof(fd.muser));
		c->discovery_auth.msecret = fd.msecret;
	}
	for (i = 0; i < c->ntargets; i++) {
		apply_defaults(&c->targets[i], &fd);
		if (c->targets[i].nluns == 0 && c->targets[i].line == 0) {
			rc = usage_err(err, errsz, "target '%s' has no --lun",
			    c->targets[i].name);
			goto out;
		}
	}
	if (tsim_config_check(c, err, errsz) != 0)
		rc = 2;
out:
	chap_secret_clear(&fd.secret);
	chap_secret_clear(&fd.msecret);
	return rc;
}
