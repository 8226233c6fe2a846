/*
 * iscsi-initiator command line: iscsicli verbs (seed appendix C) on top of
 * the initiator library.
 *
 *   cli_args.c     numbers (decimal, 0x hex), '*' defaults, portal
 *                  addresses, login options, mappings, script tokens
 *   cli_run.c      verb table, dispatch, results (text, --json), scripts
 *   cli_verbs_*.c  the verbs
 */
#ifndef INITIATOR_CLI_H
#define INITIATOR_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ini.h"
#include "json.h"

#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1	/* a verb returned a non-zero ISDSC code */
#define CLI_EXIT_USAGE	2	/* bad arguments, unknown verb, bad script */

struct cli {
	struct ini_node	*node;
	bool		 json;
	FILE		*out, *err;
	FILE		*events;	/* --events FILE, or NULL */
	char		 last_sid[48];	/* $SID */
	const char	*where;		/* "script.txt:12: " or "" */
	bool		 usage_error;	/* set by cli_bad_arg */
	struct json	*j;		/* result object being built (--json) */
};

/*
 * A verb: argv[0] is the verb name.  Returns an ISDSC code; on a bad
 * argument it calls cli_bad_arg() (exit status 2).  Text output goes to
 * c->out; with --json the verb adds members to c->j (an open object).
 */
typedef uint32_t cli_verb_fn(struct cli *, int argc, char **argv);

struct cli_verb {
	const char	*name;
	int		 min_args, max_args;	/* after the verb; -1: any */
	cli_verb_fn	*fn;
	const char	*usage;
};

/* cli_run.c */
int	cli_run_verb(struct cli *, int argc, char **argv);
int	cli_run_script(struct cli *, FILE *, const char *name);
void	cli_print_verbs(FILE *);
/* Report a bad argument (never echoes secrets: pass value NULL). */
uint32_t cli_bad_arg(struct cli *, const char *arg_name, const char *value,
	    const char *why);

/* cli_file.c: WriteBlocks input, ReadBlocks output (replaced whole). */
struct cli_out {
	int		 fd;
	char		*tmp;		/* temporary name, NULL: written in place */
	char		*real;		/* realpath of an existing FILE */
	const char	*path;
};
/* Read at most max + 1 bytes (*len > max: too large); -1 + errno. */
int	cli_file_load(const char *path, size_t max, uint8_t **data,
	    size_t *len);
int	cli_out_open(struct cli_out *, const char *path);	/* -1 + errno */
int	cli_out_commit(struct cli_out *, const void *, size_t); /* -1 + errno */
void	cli_out_abort(struct cli_out *);

/* cli_args.c */
bool	cli_is_default(const char *);		/* "*" */
/* --chap-algorithms: 1-8 known CHAP_A numbers, comma-separated. */
bool	cli_chap_algorithms_ok(const char *);
/* decimal or 0x hex, whole string, <= max. */
bool	cli_parse_u64(const char *, uint64_t max, uint64_t *);
/* '*' -> *has = false; else a number into *v. */
bool	cli_opt_u32(struct cli *, const char *name, const char *s, bool *has,
	    uint32_t *v);
/* "host", "host:port", "[v6]:port"; port stays 0 when absent. */
bool	cli_split_portal(const char *, char *host, size_t hostsz,
	    uint16_t *port);
bool	cli_portal_socket(struct cli *, const char *s, uint16_t *port);
bool	cli_initiator_args(struct cli *, const char *instance,
	    const char *port_number);
/*
 * The LoginOptions run shared by several verbs:
 *   <Login Flags> <Header Digest> <Data Digest> <Max Connections>
 *   <DefaultTime2Wait> <DefaultTime2Retain> <Username> <Password> <AuthType>
 * argv may be shorter than 9 (missing trailing arguments are '*').  The
 * password argument is wiped from memory after use.
 */
bool	cli_login_opts(struct cli *, int argc, char **argv,
	    struct ini_login_opts *);
/* <Mapping Count> <Target Lun> <OS Bus> <Os Target> <OS Lun> ... */
bool	cli_mappings(struct cli *, int argc, char **argv);
void	cli_wipe(char *);
/*
 * Split a script line into words (whitespace, "quoted words", '#' starts
 * a comment outside quotes).  Returns the word count, -1 on an unclosed
 * quote, -2 for more than max words.
 */
int	cli_tokenize(char *line, char **words, int max);
/* A session from a SessionId argument. */
struct ini_session *cli_session(struct cli *, const char *id);
/* An event to the --events file (ini_event_fn). */
void	cli_event_sink(void *arg, const struct evrec *ev);

/* verb implementations */
cli_verb_fn cli_add_target_portal, cli_qadd_target_portal,
	    cli_remove_target_portal, cli_refresh_target_portal,
	    cli_list_target_portals, cli_add_target, cli_qadd_target,
	    cli_remove_target, cli_list_targets, cli_target_info,
	    cli_login_target, cli_qlogin_target, cli_logout_target,
	    cli_session_list, cli_report_luns, cli_scsi_inquiry,
	    cli_read_capacity, cli_write_blocks, cli_read_blocks,
	    cli_node_name, cli_chap_secret, cli_list_initiators,
	    cli_version_info, cli_sleep, cli_wait_event;

#endif
