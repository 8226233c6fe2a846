/*
 * Wire assertions: expectations checked on the PDUs of a run's capture
 * (expect.wire in a scenario file, docs/harness.md).  Each assertion
 * selects PDUs (direction, opcode, connection, portal, keys, fields,
 * after a fault or after another PDU) and checks them: how many, none,
 * the time from the anchor to the first one, a field equal to the same
 * field of another PDU.
 *
 *	expect_wire_load()	YAML -> struct wire_check (scenario load time)
 *	wire_log_capture()	capture file -> struct wire_log (analyzer)
 *	expect_wire_eval()	checks x log x fault firings -> verdicts
 */
#ifndef HARNESS_EXPECT_WIRE_H
#define HARNESS_EXPECT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "pdu.h"

#define WIRE_MAX_FIELDS		8
#define WIRE_MAX_KEYS		4
#define WIRE_NAME_LEN		64
#define WIRE_MAX_PDUS		200000	/* kept from one capture (~400 bytes each) */

struct verdicts;
struct yctx;
struct ynode;

enum wire_anchor { WIRE_AFTER_NONE, WIRE_AFTER_RULE, WIRE_AFTER_PDU };

struct wire_field {
	char		 name[32];
	uint64_t	 value;
};

struct wire_key {
	char		 key[WIRE_NAME_LEN];
	char		*value;		/* NULL: present with any value */
};

/* Which PDUs: every set member must match; unset ones match anything. */
struct wire_sel {
	int		 dir;		/* -1, or enum ana_dir */
	int		 opcode;	/* -1 or 0..63 */
	int		 scsi_opcode;	/* -1 or CDB byte 0 of a SCSI Command */
	unsigned	 conn;		/* 0, or 1-based TCP connection */
	unsigned	 session;	/* 0, or 1-based analyzer session */
	int		 portal;	/* -1, or index into scn.portals */
	struct wire_key	 keys[WIRE_MAX_KEYS];	/* Login/Text keys */
	size_t		 nkeys;
	struct wire_field fields[WIRE_MAX_FIELDS];
	size_t		 nfields;
	unsigned	 nth;		/* 0: all matches; N: only the N-th */
	enum wire_anchor after;
	char		 after_rule[WIRE_NAME_LEN];
	unsigned	 after_firing;	/* 1-based firing of after_rule */
	struct wire_sel	*after_pdu;	/* first PDU it selects */
	char		 text[200];	/* as written, for verdicts */
};

struct wire_check {
	int		 line;
	char		 name[96];	/* label in the report */
	struct wire_sel	 sel;
	int		 has_count;
	unsigned	 count_min, count_max;
	int		 none;
	int		 has_gap;
	int64_t		 gap_min_ms, gap_max_ms;	/* -1: no bound */
	char		 same_field[32];		/* "" : no same check */
	struct wire_sel	*same_sel;
	char		 deviation[200];	/* "": none; else why it may fail */
};

/* One captured PDU, as the analyzer decoded it. */
struct wire_pdu {
	double		 time;		/* capture time, s since the epoch */
	int		 dir;		/* enum ana_dir */
	unsigned	 conn, session;	/* 1-based, capture order */
	int		 portal;	/* index into the portals, -1 unknown */
	int		 decode_error;	/* digest / field error (still decoded) */
	struct pdu	 pdu;		/* pointers cleared */
	uint8_t		 cdb0;
	char		*text;		/* Login/Text data segment, NUL-split */
	size_t		 text_len;
};

struct wire_log {
	struct wire_pdu	*p;
	size_t		 n, cap;
	int		 usable;	/* the capture could be read */
	char		 why[300];	/* why not, when !usable */
};

/* A fault rule firing from the target's fault log, on the capture clock. */
struct wire_firing {
	const char	*rule;
	double		 wall;		/* s since the epoch, < 0 unknown */
};

/*
 * Load expect.wire (a list) into *out / *nout.  portals: the scenario's
 * portal names.  0, or -1 with "file:line: message" in the context.
 */
int	expect_wire_load(const struct yctx *, const struct ynode *list,
	    char portals[][64], size_t nportals, struct wire_check **out,
	    size_t *nout);
void	expect_wire_free(struct wire_check *, size_t n);
/* Frees what a selector owns (not the selector itself). */
void	expect_wire_sel_free(struct wire_sel *);

/*
 * Decode capture with the analyzer (ports: the portals' TCP ports;
 * addrs: what the target reported, "ADDR:PORT", to name portals).
 * Problems are kept in log->why; the log is then unusable.
 */
void	wire_log_capture(struct wire_log *, const char *capture,
	    const uint16_t *ports, size_t nports, char addrs[][128],
	    size_t nportals);
/* Append one PDU (copies what it needs); -1 when full or out of memory. */
int	wire_log_add(struct wire_log *, double time, int dir, unsigned conn,
	    unsigned session, int portal, const struct pdu *, int decode_error);
void	wire_log_free(struct wire_log *);

/* Evaluate every check; one verdict per check and per kind of check. */
void	expect_wire_eval(const struct wire_check *, size_t n,
	    const struct wire_log *, const struct wire_firing *, size_t nfirings,
	    char portals[][64], struct verdicts *);

#endif
