/*
 * iscsi-target-sim as a library: a complete RFC 7143 target on one event
 * loop, configured from command-line flags (config_flags.c) or from a
 * scenario file (scenario.c), with the fault-rule engine (faults_*.c).
 *
 *	struct tsim_config *cfg = tsim_config_new();
 *	tsim_config_from_args(cfg, argc, argv, err, sizeof(err));
 *	tsim_create(loop, cfg, &t, err, sizeof(err));	(takes cfg over)
 *	tsim_start(t, err, sizeof(err));		(portals listen)
 *	... evloop_run(loop) ...
 *	tsim_destroy(t);
 *
 * main.c is the only user that prints or exits; the unit tests drive the
 * same library in-process.
 */
#ifndef TARGET_SIM_TSIM_H
#define TARGET_SIM_TSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chap.h"
#include "evloop.h"
#include "keys.h"
#include "netaddr.h"

#define TSIM_NAME_MAX		223	/* iSCSI name (RFC 7143 4.2.7.1) */
#define TSIM_LABEL_MAX		63	/* portal / rule names */
#define TSIM_ADDR_MAX		TEXT_VALUE_MAX

/* Defaults of the target's own operational values (docs/target-sim.md). */
#define TSIM_DEFAULT_MAX_RECV_DSL	262144
#define TSIM_DEFAULT_MAX_BURST		1048576
#define TSIM_DEFAULT_FIRST_BURST	262144
#define TSIM_DEFAULT_MAX_OUT_R2T	16
#define TSIM_DEFAULT_MAX_CONNECTIONS	4
#define TSIM_DEFAULT_CMDSN_WINDOW	128
#define TSIM_DEFAULT_LOGIN_PDUS		64

struct tsim_portal_cfg {
	char		 name[TSIM_LABEL_MAX + 1];
	char		 addr[TSIM_ADDR_MAX + 1];	/* as configured */
	struct netaddr	 na;
	uint16_t	 tpgt;
	int		 line;				/* scenario line, 0 */
};

struct tsim_lun_cfg {
	uint64_t	 size;
	char		*file;		/* NULL: RAM */
};

struct tsim_auth_cfg {
	bool		 chap;		/* CHAP required */
	char		 user[CHAP_NAME_MAX + 1];
	struct chap_secret secret;
	bool		 mutual;	/* we answer the initiator's challenge */
	char		 muser[CHAP_NAME_MAX + 1];
	struct chap_secret msecret;
	enum chap_alg	 algs[4];	/* CHAP_A we accept, preference order */
	size_t		 nalgs;
};

/* Local key values: what the target accepts / declares (keys_local). */
struct tsim_keyvals {
	char		 v[KEYS_COUNT][TEXT_VALUE_MAX + 1];
	bool		 set[KEYS_COUNT];
};

#define TSIM_MAX_PORTALS	32
#define TSIM_MAX_ADDRS		16
#define TSIM_MAX_OFFERS		8

struct tsim_target_cfg {
	char		 name[TSIM_NAME_MAX + 1];
	char		 alias[TEXT_VALUE_MAX + 1];
	size_t		 portal_idx[TSIM_MAX_PORTALS];	/* into cfg->portals */
	size_t		 nportals;			/* 0: every portal */
	struct tsim_lun_cfg *luns;
	size_t		 nluns;
	struct tsim_auth_cfg auth;
	struct tsim_keyvals keys;			/* over cfg->keys */
	int		 offers[TSIM_MAX_OFFERS];	/* keys we offer */
	size_t		 noffers;
	char		*addrs[TSIM_MAX_ADDRS];		/* extra TargetAddress */
	size_t		 naddrs;
	int		 line;
};

struct fault_rule;

struct tsim_config {
	char		*name;		/* scenario name, or NULL */
	char		*path;		/* scenario file, or NULL */
	struct tsim_portal_cfg *portals;
	size_t		 nportals;
	struct tsim_target_cfg *targets;
	size_t		 ntargets;
	struct tsim_keyvals keys;	/* global local key values */
	struct tsim_auth_cfg discovery_auth;	/* discovery sessions */
	uint32_t	 cmdsn_window;	/* MaxCmdSN - ExpCmdSN + 1 */
	uint32_t	 nop_interval_ms;	/* target NOP-In pings, 0 off */
	uint32_t	 login_pdus_max;
	struct fault_rule *rules;
	size_t		 nrules;
};

struct tsim_config *tsim_config_new(void);
void	tsim_config_free(struct tsim_config *);
/* Append a portal / target (zeroed, defaults set); NULL on ENOMEM. */
struct tsim_portal_cfg *tsim_config_add_portal(struct tsim_config *);
struct tsim_target_cfg *tsim_config_add_target(struct tsim_config *);
/* CHAP_A defaults: SHA-256, SHA-1, SHA3-256, MD5. */
void	tsim_auth_defaults(struct tsim_auth_cfg *);
int	tsim_target_add_lun(struct tsim_target_cfg *, uint64_t size,
	    const char *file);
/* "ADDR[:PORT]" of a portal, numeric; port 0 allowed (any free port). */
int	tsim_parse_listen(const char *s, struct netaddr *na, char *err,
	    size_t errsz);
/* Portal index by name; -1 when absent. */
int	tsim_config_portal_by_name(const struct tsim_config *, const char *);
/* Set a local key value ("HeaderDigest", "CRC32C,None"); checks the name. */
int	tsim_keyvals_set(struct tsim_keyvals *, const char *key,
	    const char *value, char *err, size_t errsz);
/* --digest none|crc32c|both into both digest keys. */
int	tsim_keyvals_set_digest(struct tsim_keyvals *, const char *mode);
/* "USER:SECRET" into user/secret (secret policy: 12..256 bytes). */
int	tsim_parse_userpass(const char *s, char *user, size_t usersz,
	    struct chap_secret *secret, char *err, size_t errsz);
/* Cross-checks after loading (names, portals, LUN sizes). */
int	tsim_config_check(const struct tsim_config *, char *err, size_t errsz);

/*
 * Command line (everything after argv[0]).  Returns 0, or 2 with a
 * message for a usage error; *want_help / *want_version for those flags.
 * --scenario FILE loads the file (errors as "file:line: message").
 */
struct tsim_cli {
	bool		 help, version;
	int		 verbose;
	const char	*fault_log;
};
int	tsim_config_from_args(struct tsim_config *, int argc, char **argv,
	    struct tsim_cli *cli, char *err, size_t errsz);

/* Scenario files (YAML).  0, or -1 with "file:line: message" in err. */
int	tsim_scenario_load_file(struct tsim_config *, const char *path,
	    char *err, size_t errsz);
int	tsim_scenario_load_buffer(struct tsim_config *, const char *name,
	    const char *buf, size_t len, char *err, size_t errsz);

/* ---- the running target --------------------------------------------- */

struct tsim;

/* Takes cfg over (freed by tsim_destroy, or here on failure). */
int	tsim_create(struct evloop *, struct tsim_config *cfg, struct tsim **out,
	    char *err, size_t errsz);
/* Create the LUNs and open every portal. */
int	tsim_start(struct tsim *, char *err, size_t errsz);
size_t	tsim_portal_count(const struct tsim *);
/* The bound address (port 0 resolved to the real one). */
const struct netaddr *tsim_portal_addr(const struct tsim *, size_t i);
/* JSON lines of fired rules go to f (not closed by us); NULL: none. */
void	tsim_set_fault_log(struct tsim *, FILE *f);
/* 0 quiet, 1: a line on stderr per fired rule and per session event. */
void	tsim_set_verbose(struct tsim *, int);
void	tsim_destroy(struct tsim *);

/* Counters, for tests and the benchmark. */
struct tsim_stats {
	uint64_t	conns_accepted, conns_open;
	uint64_t	sessions_created, sessions_open;
	uint64_t	logins_ok, logins_failed;
	uint64_t	commands, data_in_bytes, data_out_bytes;
	uint64_t	rules_fired;
	uint64_t	protocol_errors;
};
void	tsim_get_stats(const struct tsim *, struct tsim_stats *);
/* Times the fault rule(s) named `name` fired. */
uint64_t tsim_rule_fired(const struct tsim *, const char *name);

#endif
