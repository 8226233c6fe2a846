/*
 * The fault-rule engine of the simulated target.  A rule is a match (which
 * PDU or which moment) and an action (what to do wrong).  Rules come from
 * the scenario file (scenario_rules.c, docs/scenario-format.md); every rule
 * that fires is logged as one JSON line (fault_log.c).
 *
 * Hooks, called by the connection code:
 *   faults_rx()     a PDU arrived; the rule may consume it (reject it,
 *                   answer a login with a status, hold it, drop the link)
 *   faults_tx()     a PDU is about to leave; the rule may alter a copy of
 *                   it (fields, text, digests) or hold / drop it
 *   faults_event()  a connection reached an event (connect, login, ffp):
 *                   timer rules ("after: {event, ms}") are armed
 */
#ifndef TARGET_SIM_FAULTS_H
#define TARGET_SIM_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "pdu.h"
#include "text.h"

/* X(symbol, "name", dirs allowed, "text") */
#define FAULT_DIR_IN	0x1
#define FAULT_DIR_OUT	0x2
#define FAULT_DIR_TIMER	0x4
#define FAULT_DIR_ALL	(FAULT_DIR_IN | FAULT_DIR_OUT | FAULT_DIR_TIMER)

#define FAULT_ACTIONS(X)						\
	X(LOGIN_STATUS, "login_status", FAULT_DIR_IN,			\
	    "answer the Login Request with a status class/detail")	\
	X(REDIRECT, "redirect", FAULT_DIR_IN,				\
	    "answer the Login Request with a redirect to a portal")	\
	X(NEGOTIATE, "negotiate", FAULT_DIR_OUT,			\
	    "odd or illegal negotiation result in a Login/Text Response") \
	X(CORRUPT_DIGEST, "corrupt_digest", FAULT_DIR_OUT,		\
	    "send the PDU with a wrong header or data digest")		\
	X(REJECT, "reject", FAULT_DIR_IN,				\
	    "answer the PDU with a Reject carrying its header")		\
	X(DROP, "drop", FAULT_DIR_ALL,					\
	    "close the connection (FIN or RST)")			\
	X(STALL, "stall", FAULT_DIR_ALL,				\
	    "stop reading and sending for a duration")			\
	X(DELAY, "delay", FAULT_DIR_IN | FAULT_DIR_OUT,			\
	    "process / send this PDU later")				\
	X(IGNORE, "ignore", FAULT_DIR_IN | FAULT_DIR_OUT,		\
	    "never process / never send this PDU")			\
	X(ASYNC, "async", FAULT_DIR_ALL,				\
	    "send an Async Message")					\
	X(NOP_IN, "nop_in", FAULT_DIR_ALL,				\
	    "send a NOP-In ping")					\
	X(INVALID_PDU, "invalid_pdu", FAULT_DIR_ALL,			\
	    "send an invalid PDU or make this one invalid")		\
	X(LOGOUT_RESPONSE, "logout_response", FAULT_DIR_OUT,		\
	    "send the Logout Response with another Response code")	\
	X(OBSERVE, "observe", FAULT_DIR_ALL,				\
	    "change nothing: the rule only records that the PDU or moment "\
	    "happened (a witness for faults_fired)")

enum fault_act {
#define FAULT_ACT_ENUM(s, n, d, t) FAULT_ACT_##s,
	FAULT_ACTIONS(FAULT_ACT_ENUM)
#undef FAULT_ACT_ENUM
	FAULT_NACT
};

/* Negotiation oddities: X(symbol, "name", "text") */
#define FAULT_NEGOTIATE_KINDS(X)					\
	X(NO_AUTH_METHOD, "no_auth_method", "leave AuthMethod out of the answer") \
	X(UNKNOWN_AUTH_METHOD, "unknown_auth_method", "answer AuthMethod with a method nobody offered") \
	X(UNKNOWN_CHAP_A, "unknown_chap_a", "answer CHAP_A with an algorithm nobody offered") \
	X(CHAP_C_INVALID, "chap_c_invalid_chars", "CHAP_C with characters that are not hex") \
	X(CHAP_C_TOO_LONG, "chap_c_too_long", "CHAP_C longer than 1024 bytes") \
	X(WRONG_MUTUAL_CHAP_R, "wrong_mutual_chap_r", "mutual CHAP_R that does not match") \
	X(REFLECT_CHAP_C, "reflect_chap_c", "answer mutual CHAP with the initiator's own CHAP_I and CHAP_C instead of CHAP_N, CHAP_R") \
	X(DIGEST_NONE_ONLY, "digest_none_only", "HeaderDigest=None and DataDigest=None whatever was offered") \
	X(BURST_INVERTED, "max_burst_below_first_burst", "MaxBurstLength < FirstBurstLength") \
	X(MAXCMDSN_NOT_GREATER, "maxcmdsn_not_greater", "final Login Response with MaxCmdSN not serially greater than ExpCmdSN") \
	X(DATA_PDU_IN_ORDER_NO, "data_pdu_in_order_no", "DataPDUInOrder=No") \
	X(DATA_SEQUENCE_IN_ORDER_NO, "data_sequence_in_order_no", "DataSequenceInOrder=No") \
	X(DUPLICATE_KEY, "duplicate_key", "a key declared twice") \
	X(MALFORMED, "malformed", "malformed text (a pair without '=', no NUL)") \
	X(SET_KEY, "set_key", "set or add key=value") \
	X(ADD_KEY, "add_key", "append key=value, keeping the pairs already there") \
	X(REMOVE_KEY, "remove_key", "remove a key")

enum fault_negotiate {
#define FAULT_NEG_ENUM(s, n, t) FAULT_NEG_##s,
	FAULT_NEGOTIATE_KINDS(FAULT_NEG_ENUM)
#undef FAULT_NEG_ENUM
	FAULT_NNEG
};

#define FAULT_INVALID_KINDS(X)						\
	X(UNKNOWN_OPCODE, "unknown_opcode", "a PDU with an opcode RFC 7143 does not define") \
	X(BAD_STATSN, "bad_statsn", "a StatSN out of sequence")	\
	X(UNKNOWN_ITT, "unknown_itt", "an Initiator Task Tag nobody used") \
	X(INVALID_R2T, "invalid_r2t", "an R2T outside the command's data") \
	X(MORE_DATA, "more_data", "more Data-In than the command asked for") \
	X(DATA_IN_RESPONSE, "data_in_response", "a SCSI Response carrying data that is not sense") \
	X(OVER_MRDSL, "over_mrdsl", "a data segment over the initiator's MaxRecvDataSegmentLength")

enum fault_invalid {
#define FAULT_INV_ENUM(s, n, t) FAULT_INV_##s,
	FAULT_INVALID_KINDS(FAULT_INV_ENUM)
#undef FAULT_INV_ENUM
	FAULT_NINV
};

/* Events a rule can count time from. */
#define FAULT_EVENTS(X)							\
	X(CONNECT, "connect", "TCP connection accepted")		\
	X(LOGIN, "login", "first Login Request received")		\
	X(FFP, "ffp", "full feature phase reached")

enum fault_event {
#define FAULT_EV_ENUM(s, n, t) FAULT_EV_##s,
	FAULT_EVENTS(FAULT_EV_ENUM)
#undef FAULT_EV_ENUM
	FAULT_NEV
};

/* Connection stage a rule may require. */
enum fault_stage {
	FAULT_STAGE_ANY = -1,
	FAULT_STAGE_SECURITY = 0,
	FAULT_STAGE_OPERATIONAL = 1,
	FAULT_STAGE_FFP = 3,
	FAULT_STAGE_LOGOUT = 4
};

struct fault_match {
	unsigned	 dir;		/* one FAULT_DIR_* */
	int		 opcode;	/* -1: any */
	int		 scsi_opcode;	/* CDB byte 0 of a SCSI Command, -1 */
	uint32_t	 session;	/* session ordinal, 0: any */
	uint32_t	 conn;		/* connection ordinal, 0: any */
	char		 portal[64];	/* accepted on this portal, "" any */
	int		 stage;		/* enum fault_stage */
	char		 key[TEXT_KEY_MAX + 1];	/* key present, "" any */
	uint32_t	 nth;		/* first matching occurrence that fires */
	uint32_t	 count;		/* fires at most, 0: unlimited */
	int		 after_event;	/* enum fault_event, -1 none */
	uint64_t	 after_ms;
	uint64_t	 every_ms;	/* timer: then again every ms, 0 once */
};

struct fault_action {
	enum fault_act	 type;
	int		 kind;		/* fault_negotiate / fault_invalid */
	uint8_t		 status_class, status_detail;
	bool		 permanent;	/* redirect 0x0102 */
	char		 portal[64];	/* redirect target portal name */
	char		 address[TEXT_VALUE_MAX + 1];	/* literal TargetAddress */
	bool		 header;	/* corrupt_digest: header, else data */
	uint8_t		 reason;	/* reject; logout_response: Response */
	bool		 rst;		/* drop */
	bool		 after;		/* drop after sending the PDU */
	uint64_t	 ms;		/* stall, delay */
	uint8_t		 event, vcode;	/* async */
	uint16_t	 param[3];
	bool		 async_drop;	/* async 2/3: close afterwards */
	uint32_t	 bytes;		/* nop data, extra bytes */
	uint8_t		 opcode;	/* unknown_opcode */
	int64_t		 offset;	/* bad_statsn */
	uint32_t	 repeat;	/* add_key: pairs key1..keyN */
	char		 key[TEXT_KEY_MAX + 1];		/* set/remove/dup key */
	char		 value[TEXT_VALUE_MAX + 1];
};

struct fault_rule {
	char		 name[64];
	int		 line;
	struct fault_match m;
	struct fault_action a;
};

const char	*fault_act_name(enum fault_act);
const char	*fault_act_text(enum fault_act);
unsigned	 fault_act_dirs(enum fault_act);
int		 fault_act_lookup(const char *name);
const char	*fault_negotiate_name(int);
int		 fault_negotiate_lookup(const char *name);
const char	*fault_invalid_name(int);
int		 fault_invalid_lookup(const char *name);
const char	*fault_event_name(int);
int		 fault_event_lookup(const char *name);
const char	*fault_dir_name(unsigned dir);
/* PDU opcode from "scsi_cmd", "login_rsp", "0x01" ...; -1 if unknown. */
int		 fault_opcode_lookup(const char *name);

/* ---- the engine (faults_match.c, faults_act.c, fault_log.c) ---------- */

struct tsim;
struct tconn;
struct faults;

struct faults *faults_new(struct tsim *, const struct fault_rule *, size_t n);
void	faults_free(struct faults *);

/* Incoming PDU: true when a rule consumed it (do not process). */
bool	faults_rx(struct tconn *, const struct pdu *p,
	    const struct pdu_error *err);

enum fault_tx {
	FAULT_TX_SEND,		/* send *p (maybe altered) with *d */
	FAULT_TX_DONE		/* a rule took care of it (held, dropped) */
};
/* Outgoing PDU: *p may be altered; its data then points into the engine. */
enum fault_tx faults_tx(struct tconn *, struct pdu *p,
	    struct pdu_digest_opts *d);
void	faults_event(struct tconn *, enum fault_event);
void	faults_conn_gone(struct tconn *);

/* Times each rule fired (index as given to faults_new). */
uint64_t faults_fired(const struct faults *, size_t rule);

/* ---- private between the engine's files ------------------------------- */

struct fault_state {
	const struct fault_rule *r;
	uint64_t	 seen;		/* matching occurrences */
	uint64_t	 fired;
};

struct faults {
	struct tsim		*t;
	struct fault_state	*rules;
	size_t			 nrules;
	uint8_t			*scratch;	/* altered data segments */
	size_t			 scratch_cap;
	struct text_builder	 tb;
	bool			 busy;		/* no rules inside actions */
};

/* Does rule r (ignoring nth/count) match this PDU / moment? */
bool	faults_match_pdu(struct tconn *, const struct fault_rule *r,
	    unsigned dir, const struct pdu *p);
/* Count an occurrence; true when it is one that fires. */
bool	faults_count(struct fault_state *);
/* Actions.  rx: may consume; tx: may alter *p / *d. */
bool	faults_act_rx(struct faults *, struct tconn *,
	    const struct fault_rule *, const struct pdu *p,
	    const struct pdu_error *err);
enum fault_tx faults_act_tx(struct faults *, struct tconn *,
	    const struct fault_rule *, struct pdu *p,
	    struct pdu_digest_opts *d);
void	faults_act_timer(struct faults *, struct tconn *,
	    const struct fault_rule *);
/* Standalone PDUs (no PDU matched): the invalid kinds, async, NOP-In. */
void	faults_send_standalone(struct faults *, struct tconn *,
	    const struct fault_rule *);
/* Negotiation edit of an outgoing Login/Text Response's text. */
bool	faults_negotiate_applies(struct tconn *, const struct fault_rule *,
	    const struct pdu *p);
int	faults_negotiate_edit(struct faults *, struct tconn *,
	    const struct fault_rule *, struct pdu *p);
/* One JSON line to the fault log, a short line on stderr with -v. */
void	fault_log(struct tsim *, const struct fault_rule *, struct tconn *,
	    const char *dir, const struct pdu *p, const char *note);
/* Grow the scratch buffer; NULL on ENOMEM. */
uint8_t	*faults_scratch(struct faults *, size_t len);

#endif
