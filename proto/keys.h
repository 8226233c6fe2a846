/*
 * iSCSI login/text keys (RFC 7143 section 13, security keys 12.1, RFC 7144)
 * and their negotiation (RFC 7143 6.2).
 *
 * One table, KEYS_TABLE, describes every key: its value type, result
 * function, scope, use (phase), who may send it, default and range, and
 * the RFC section.  The negotiation engine (keys_negotiate) is driven by
 * it for both roles: as acceptor it computes the answer to a peer's offer,
 * as proposer it checks the peer's answer to ours.  The typed result is
 * kept in struct keys_params.
 */
#ifndef PROTO_KEYS_H
#define PROTO_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

enum keys_type {
	KEYS_T_NUMBER,		/* numerical-value in [min, max] */
	KEYS_T_BOOL,		/* Yes | No */
	KEYS_T_LIST,		/* list-of-values from the key's value set */
	KEYS_T_ENUM,		/* one value of the key's value set */
	KEYS_T_NAME,		/* iSCSI-name-value */
	KEYS_T_LOCALNAME,	/* iSCSI-local-name-value (UTF-8) */
	KEYS_T_ADDRESS,		/* domainname[:port][,tpgt] */
	KEYS_T_SENDTARGETS,	/* All | iSCSI-name-value | empty */
	KEYS_T_TEXTLIST,	/* list-of-values of free text-values */
	KEYS_T_NUMLIST,		/* list of numerical-values (CHAP_A) */
	KEYS_T_BINARY		/* hex or base64 binary-value (CHAP_C/R) */
};

enum keys_resfn {
	KEYS_RES_NONE,		/* declarative: no negotiation */
	KEYS_RES_OR,		/* Boolean OR (6.2.2) */
	KEYS_RES_AND,		/* Boolean AND */
	KEYS_RES_MIN,		/* Minimum of offer and local value */
	KEYS_RES_MAX,		/* Maximum */
	KEYS_RES_LIST,		/* first offered value acceptable (6.2.1) */
	KEYS_RES_AUTH,		/* exchanged by the authentication method */
	KEYS_RES_OBSOLETE	/* removed by RFC 7143: answer Reject */
};

enum keys_scope { KEYS_SW, KEYS_CO };	/* session-wide / connection-only */

enum keys_use {
	KEYS_USE_IO,		/* initialize only: login of each connection */
	KEYS_USE_LO,		/* leading only: leading connection's login */
	KEYS_USE_ALL,		/* login and full feature phase (Text) */
	KEYS_USE_FFP,		/* full feature phase only */
	KEYS_USE_SEC		/* security negotiation stage only */
};

enum keys_sender {
	KEYS_BY_I = 1,		/* initiator */
	KEYS_BY_T = 2,		/* target */
	KEYS_BY_IT = 3
};

/* flags */
#define KEYS_F_IRR_DISC	0x01	/* Irrelevant when SessionType=Discovery */
#define KEYS_F_IRR_FBL	0x02	/* Irrelevant when InitialR2T=Yes and ImmediateData=No */
#define KEYS_F_REPEAT	0x04	/* may repeat in a SendTargets response */
#define KEYS_F_SECOK	0x08	/* may be sent in the security stage */
#define KEYS_F_LONG	0x10	/* long binary value (TEXT_LONG_VALUE_MAX) */
#define KEYS_F_FFP_T	0x20	/* target may send it in FFP (SendTargets) */

/* Value sets of list/enumerated keys (index = stored value). */
#define KEYS_DIGEST_VALUES(X)	X(NONE, "None") X(CRC32C, "CRC32C")
#define KEYS_AUTH_VALUES(X)						\
	X(NONE, "None") X(CHAP, "CHAP") X(SRP, "SRP") X(KRB5, "KRB5")
#define KEYS_TASKREP_VALUES(X)						\
	X(RFC3720, "RFC3720") X(RESPONSE_FENCE, "ResponseFence")	\
	X(FAST_ABORT, "FastAbort")
#define KEYS_SESSTYPE_VALUES(X)	X(DISCOVERY, "Discovery") X(NORMAL, "Normal")

#define KEYS_VAL_ENUM(pfx, name, text) pfx##name,
#define KEYS_VAL_DIGEST(n, t)	KEYS_VAL_ENUM(KEYS_DIGEST_, n, t)
#define KEYS_VAL_AUTH(n, t)	KEYS_VAL_ENUM(KEYS_AUTH_, n, t)
#define KEYS_VAL_TASKREP(n, t)	KEYS_VAL_ENUM(KEYS_TASKREP_, n, t)
#define KEYS_VAL_SESSTYPE(n, t)	KEYS_VAL_ENUM(KEYS_SESSION_, n, t)
enum keys_digest { KEYS_DIGEST_VALUES(KEYS_VAL_DIGEST) };
enum keys_auth { KEYS_AUTH_VALUES(KEYS_VAL_AUTH) };
enum keys_taskrep { KEYS_TASKREP_VALUES(KEYS_VAL_TASKREP) };
enum keys_sesstype { KEYS_SESSTYPE_VALUES(KEYS_VAL_SESSTYPE) };

enum keys_valset { KEYS_VS_NONE, KEYS_VS_DIGEST, KEYS_VS_AUTH,
	KEYS_VS_TASKREP, KEYS_VS_SESSTYPE };

#define KEYS_MAX_LEN	16777215	/* 2**24 - 1 */

/*
 * X(id, name, type, result, scope, use, senders, default, min, max,
 *   value set, flags, RFC section)
 */
#define KEYS_TABLE(X)							\
	X(HEADER_DIGEST, "HeaderDigest", LIST, LIST, CO, IO, IT, "None",	\
	    0, 0, DIGEST, 0, "RFC7143 13.1")				\
	X(DATA_DIGEST, "DataDigest", LIST, LIST, CO, IO, IT, "None",	\
	    0, 0, DIGEST, 0, "RFC7143 13.1")				\
	X(MAX_CONNECTIONS, "MaxConnections", NUMBER, MIN, SW, LO, IT,	\
	    "1", 1, 65535, NONE, KEYS_F_IRR_DISC, "RFC7143 13.2")	\
	X(SEND_TARGETS, "SendTargets", SENDTARGETS, NONE, SW, FFP, I,	\
	    "", 0, 0, NONE, 0, "RFC7143 13.3")				\
	X(TARGET_NAME, "TargetName", NAME, NONE, SW, IO, I, "", 0, 0,	\
	    NONE, KEYS_F_SECOK | KEYS_F_REPEAT | KEYS_F_FFP_T,		\
	    "RFC7143 13.4")						\
	X(INITIATOR_NAME, "InitiatorName", NAME, NONE, SW, IO, I, "",	\
	    0, 0, NONE, KEYS_F_SECOK, "RFC7143 13.5")			\
	X(TARGET_ALIAS, "TargetAlias", LOCALNAME, NONE, SW, ALL, T, "",	\
	    0, 0, NONE, KEYS_F_SECOK | KEYS_F_REPEAT, "RFC7143 13.6")	\
	X(INITIATOR_ALIAS, "InitiatorAlias", LOCALNAME, NONE, SW, ALL, I, \
	    "", 0, 0, NONE, KEYS_F_SECOK, "RFC7143 13.7")		\
	X(TARGET_ADDRESS, "TargetAddress", ADDRESS, NONE, SW, ALL, T, "", \
	    0, 0, NONE, KEYS_F_SECOK | KEYS_F_REPEAT, "RFC7143 13.8")	\
	X(TARGET_PORTAL_GROUP_TAG, "TargetPortalGroupTag", NUMBER, NONE, \
	    SW, IO, T, "", 0, 65535, NONE, KEYS_F_SECOK, "RFC7143 13.9") \
	X(INITIAL_R2T, "InitialR2T", BOOL, OR, SW, LO, IT, "Yes", 0, 1,	\
	    NONE, KEYS_F_IRR_DISC, "RFC7143 13.10")			\
	X(IMMEDIATE_DATA, "ImmediateData", BOOL, AND, SW, LO, IT, "Yes",	\
	    0, 1, NONE, KEYS_F_IRR_DISC, "RFC7143 13.11")		\
	X(MAX_RECV_DATA_SEGMENT_LENGTH, "MaxRecvDataSegmentLength",	\
	    NUMBER, NONE, CO, ALL, IT, "8192", 512, KEYS_MAX_LEN, NONE,	\
	    0, "RFC7143 13.12")						\
	X(MAX_BURST_LENGTH, "MaxBurstLength", NUMBER, MIN, SW, LO, IT,	\
	    "262144", 512, KEYS_MAX_LEN, NONE, KEYS_F_IRR_DISC,		\
	    "RFC7143 13.13")						\
	X(FIRST_BURST_LENGTH, "FirstBurstLength", NUMBER, MIN, SW, LO, IT, \
	    "65536", 512, KEYS_MAX_LEN, NONE,				\
	    KEYS_F_IRR_DISC | KEYS_F_IRR_FBL, "RFC7143 13.14")		\
	X(DEFAULT_TIME2WAIT, "DefaultTime2Wait", NUMBER, MAX, SW, LO, IT, \
	    "2", 0, 3600, NONE, 0, "RFC7143 13.15")			\
	X(DEFAULT_TIME2RETAIN, "DefaultTime2Retain", NUMBER, MIN, SW, LO, \
	    IT, "20", 0, 3600, NONE, 0, "RFC7143 13.16")		\
	X(MAX_OUTSTANDING_R2T, "MaxOutstandingR2T", NUMBER, MIN, SW, LO,	\
	    IT, "1", 1, 65535, NONE, KEYS_F_IRR_DISC, "RFC7143 13.17")	\
	X(DATA_PDU_IN_ORDER, "DataPDUInOrder", BOOL, OR, SW, LO, IT,	\
	    "Yes", 0, 1, NONE, KEYS_F_IRR_DISC, "RFC7143 13.18")	\
	X(DATA_SEQUENCE_IN_ORDER, "DataSequenceInOrder", BOOL, OR, SW, LO, \
	    IT, "Yes", 0, 1, NONE, KEYS_F_IRR_DISC, "RFC7143 13.19")	\
	X(ERROR_RECOVERY_LEVEL, "ErrorRecoveryLevel", NUMBER, MIN, SW, LO, \
	    IT, "0", 0, 2, NONE, 0, "RFC7143 13.20")			\
	X(SESSION_TYPE, "SessionType", ENUM, NONE, SW, LO, I, "Normal",	\
	    0, 0, SESSTYPE, KEYS_F_SECOK, "RFC7143 13.21")		\
	X(TASK_REPORTING, "TaskReporting", LIST, LIST, SW, LO, IT,	\
	    "RFC3720", 0, 0, TASKREP, KEYS_F_IRR_DISC, "RFC7143 13.23")	\
	X(NODE_ARCHITECTURE, "X#NodeArchitecture", TEXTLIST, NONE, SW, LO, \
	    IT, "", 0, 0, NONE, 0, "RFC7143 13.26")			\
	X(PROTOCOL_LEVEL, "iSCSIProtocolLevel", NUMBER, MIN, SW, LO, IT,	\
	    "1", 0, 31, NONE, 0, "RFC7143 13.24, RFC7144 2.1")				\
	X(AUTH_METHOD, "AuthMethod", LIST, LIST, CO, SEC, IT, "None",	\
	    0, 0, AUTH, 0, "RFC7143 12.1")				\
	X(CHAP_A, "CHAP_A", NUMLIST, AUTH, CO, SEC, IT, "", 0, 255,	\
	    NONE, 0, "RFC7143 12.1.3")					\
	X(CHAP_I, "CHAP_I", NUMBER, AUTH, CO, SEC, IT, "", 0, 255, NONE, \
	    0, "RFC7143 12.1.3")					\
	X(CHAP_C, "CHAP_C", BINARY, AUTH, CO, SEC, IT, "", 1,		\
	    TEXT_BINARY_MAX, NONE, KEYS_F_LONG, "RFC7143 12.1.3")	\
	X(CHAP_N, "CHAP_N", LOCALNAME, AUTH, CO, SEC, IT, "", 0, 0, NONE, \
	    0, "RFC7143 12.1.3")					\
	X(CHAP_R, "CHAP_R", BINARY, AUTH, CO, SEC, IT, "", 1,		\
	    TEXT_BINARY_MAX, NONE, KEYS_F_LONG, "RFC7143 12.1.3")	\
	X(OF_MARKER, "OFMarker", BOOL, OBSOLETE, CO, IO, IT, "No", 0, 1,	\
	    NONE, 0, "RFC7143 13.25")					\
	X(IF_MARKER, "IFMarker", BOOL, OBSOLETE, CO, IO, IT, "No", 0, 1,	\
	    NONE, 0, "RFC7143 13.25")					\
	X(OF_MARK_INT, "OFMarkInt", NUMBER, OBSOLETE, CO, IO, IT, "2048",	\
	    1, 65535, NONE, 0, "RFC7143 13.25")				\
	X(IF_MARK_INT, "IFMarkInt", NUMBER, OBSOLETE, CO, IO, IT, "2048",	\
	    1, 65535, NONE, 0, "RFC7143 13.25")

enum keys_id {
#define KEYS_ID_ENUM(id, ...) KEYS_##id,
	KEYS_TABLE(KEYS_ID_ENUM)
#undef KEYS_ID_ENUM
	KEYS_COUNT
};
#define KEYS_UNKNOWN	(-1)
#define KEYS_BIT(id)	(UINT64_C(1) << (id))

struct keys_def {
	enum keys_id	 id;
	const char	*name;
	enum keys_type	 type;
	enum keys_resfn	 result;
	enum keys_scope	 scope;
	enum keys_use	 use;
	enum keys_sender senders;
	const char	*dflt;		/* RFC default, "" if none */
	uint64_t	 min, max;	/* NUMBER range; BINARY length range */
	enum keys_valset valset;
	unsigned	 flags;
	const char	*section;
};

const struct keys_def *keys_def(int id);	/* NULL when out of range */
const char	*keys_name(int id);
/* Exact, case-sensitive lookup (RFC 7143 6.1); KEYS_UNKNOWN if none. */
int		 keys_lookup(const char *name);
int		 keys_lookup_n(const char *name, size_t len);
/* text_limit_fn for text_parse: TEXT_LONG_VALUE_MAX for KEYS_F_LONG keys. */
size_t		 keys_value_limit(const char *key, size_t keylen);
/* Value set of a LIST/ENUM key: the names, NULL-terminated, or NULL. */
const char *const *keys_values(int id);
const char	*keys_resfn_name(enum keys_resfn);
const char	*keys_use_name(enum keys_use);

/* ---- negotiated parameters ---------------------------------------------- */

struct keys_conn_params {		/* connection-only (CO) */
	enum keys_digest header_digest;
	enum keys_digest data_digest;
	enum keys_auth	 auth_method;
	uint32_t	 max_recv_dsl;	/* we declared: peer sends at most */
	uint32_t	 max_send_dsl;	/* peer declared: we send at most */
};

struct keys_session_params {		/* session-wide (SW) */
	uint32_t	 max_connections;
	bool		 initial_r2t;
	bool		 immediate_data;
	uint32_t	 max_burst_length;
	uint32_t	 first_burst_length;
	uint32_t	 default_time2wait;
	uint32_t	 default_time2retain;
	uint32_t	 max_outstanding_r2t;
	bool		 data_pdu_in_order;
	bool		 data_sequence_in_order;
	uint32_t	 error_recovery_level;
	enum keys_sesstype session_type;
	enum keys_taskrep task_reporting;
	uint32_t	 protocol_level;
	uint32_t	 target_portal_group_tag;
	char		 target_name[224];
	char		 initiator_name[224];
	char		 target_alias[TEXT_VALUE_MAX + 1];
	char		 initiator_alias[TEXT_VALUE_MAX + 1];
	char		 target_address[TEXT_VALUE_MAX + 1];
};

struct keys_params {
	struct keys_session_params s;
	struct keys_conn_params	   c;
	uint64_t		   set;	/* KEYS_BIT(id): negotiated or declared */
};

/* RFC 7143 defaults for every key. */
void	keys_params_default(struct keys_params *);
/* Current value of key id as wire text; false if the key has no slot. */
bool	keys_params_get(const struct keys_params *, int id, char *buf,
	    size_t bufsz);
/* Store a wire value (already validated) into the slot of key id. */
bool	keys_params_set(struct keys_params *, int id, const char *value);
/*
 * Is value one a side may hold for the key: a number in the key's range,
 * Yes/No, values of its set (a list for list keys)?  Other types: true.
 * False with "Key: 'value' is not ..." in why.
 */
bool	keys_value_valid(int id, const char *value, char *why, size_t whysz);
/* Emit key=value for every key in mask that has a slot, in table order. */
int	keys_params_render(const struct keys_params *, uint64_t mask,
	    struct text_builder *);

/* ---- local configuration ------------------------------------------------ */

/*
 * What one side wants or supports, per key, in wire form: a number is the
 * value offered (the bound accepted for Minimum/Maximum keys), a list is
 * the acceptable values in order of preference ("CRC32C,None"), a
 * declarative value is what we declare.  NULL: not configured (the RFC
 * default is used when answering and nothing is offered).
 */
struct keys_local {
	const char	*value[KEYS_COUNT];
};

void		 keys_local_init(struct keys_local *);
const char	*keys_local_get(const struct keys_local *, int id);

/* ---- negotiation -------------------------------------------------------- */

enum keys_role { KEYS_ROLE_INITIATOR, KEYS_ROLE_TARGET };
enum keys_stage {
	KEYS_STAGE_SECURITY,	/* login, CSG 0 */
	KEYS_STAGE_OPERATIONAL,	/* login, CSG 1 */
	KEYS_STAGE_FFP		/* Text requests in full feature phase */
};

enum keys_action {
	KEYS_ACT_NONE,		/* nothing to send for this key */
	KEYS_ACT_ANSWER,	/* send key=answer */
	KEYS_ACT_FAIL		/* negotiation failure: protocol error */
};

/* X(status, action, text) */
#define KEYS_STATUSES(X)						\
	X(ACCEPTED, ANSWER, "offer answered with the result function's value") \
	X(ANSWER_OPTIONAL, ANSWER, "offer fixes the result (AND with No, OR with Yes); answer optional") \
	X(DECLARED, NONE, "declarative key recorded")			\
	X(AUTH, NONE, "security key for the authentication exchange")	\
	X(AGREED, NONE, "answer to our offer accepted")			\
	X(NOT_UNDERSTOOD, ANSWER, "unknown key: answer NotUnderstood")	\
	X(IRRELEVANT, ANSWER, "key irrelevant in a discovery session: answer Irrelevant") \
	X(IRRELEVANT_BURST, ANSWER, "FirstBurstLength irrelevant with InitialR2T=Yes and ImmediateData=No") \
	X(REJECT_VALUE, ANSWER, "malformed value: answer Reject")	\
	X(REJECT_RANGE, ANSWER, "value out of range: answer Reject")	\
	X(REJECT_NO_COMMON, ANSWER, "no acceptable value in the offered list: answer Reject") \
	X(REJECT_STAGE, ANSWER, "key not allowed in this stage or phase: answer Reject") \
	X(REJECT_NON_LEADING, ANSWER, "leading-only key on a non-leading connection: answer Reject") \
	X(REJECT_OBSOLETE, ANSWER, "key obsoleted by RFC 7143: answer Reject") \
	X(PEER_REJECT, NONE, "peer answered Reject to our offer")	\
	X(PEER_NOT_UNDERSTOOD, NONE, "peer answered NotUnderstood")	\
	X(PEER_IRRELEVANT, NONE, "peer answered Irrelevant")		\
	X(NO_ANSWER, NONE, "peer did not answer our offer")		\
	X(FAIL_REPEATED, FAIL, "key sent twice in one negotiation")	\
	X(FAIL_SENDER, FAIL, "key sent by a side that may not send it") \
	X(FAIL_RESERVED, FAIL, "reserved constant used as an offered value") \
	X(FAIL_VALUE, FAIL, "malformed declarative or security value")	\
	X(FAIL_ANSWER_SYNTAX, FAIL, "malformed answer")			\
	X(FAIL_ANSWER_RANGE, FAIL, "answer outside what the result function allows for our offer") \
	X(FAIL_ANSWER_LIST, FAIL, "answer is not one of the values we offered") \
	X(FAIL_ANSWER_BOOL, FAIL, "Boolean answer contradicts the result function") \
	X(FAIL_NOMEM, FAIL, "out of memory")

enum keys_status {
#define KEYS_STATUS_ENUM(st, act, text) KEYS_S_##st,
	KEYS_STATUSES(KEYS_STATUS_ENUM)
#undef KEYS_STATUS_ENUM
	KEYS_NSTATUS
};

const char	*keys_status_name(enum keys_status);
const char	*keys_status_text(enum keys_status);
enum keys_action keys_status_action(enum keys_status);

struct keys_result {
	enum keys_status status;
	enum keys_action action;
	int		 id;			/* enum keys_id or KEYS_UNKNOWN */
	char		 key[TEXT_KEY_MAX + 1];
	char		 value[TEXT_VALUE_MAX + 1];	/* received, truncated */
	char		 answer[TEXT_VALUE_MAX + 1];	/* for KEYS_ACT_ANSWER */
	char		 offer[TEXT_VALUE_MAX + 1];	/* ours, proposer path */
};

/* "MaxBurstLength=100: value out of range: answer Reject" */
int	keys_result_format(const struct keys_result *, char *buf, size_t bufsz);

struct keys_neg {
	enum keys_role		 role;
	enum keys_stage		 stage;
	bool			 leading;	/* leading connection */
	const struct keys_local	*local;
	struct keys_params	 params;
	uint64_t		 offered;	/* our offers awaiting an answer */
	uint64_t		 declared;	/* our declarations */
	uint64_t		 received;	/* keys the peer sent (repeats) */
	struct text_seen	 unknown;	/* unknown keys the peer sent */
	char			 offer[KEYS_COUNT][TEXT_VALUE_MAX + 1];
};

typedef void keys_result_fn(void *arg, const struct keys_result *);

/* Start a login negotiation: security stage, leading connection. */
void	keys_neg_init(struct keys_neg *, enum keys_role,
	    const struct keys_local *);
void	keys_neg_free(struct keys_neg *);
/* A new Text negotiation in FFP: forget which keys the peer sent. */
void	keys_neg_new_sequence(struct keys_neg *);

/*
 * Offer (or declare) key id with value (NULL: the local value) and append
 * it to out.  Security exchange keys (CHAP_*) and obsolete keys are not
 * offered here (TEXT_EINVAL).
 */
int	keys_offer(struct keys_neg *, int id, const char *value,
	    struct text_builder *out);
/* Offer every configured key proper to our role, stage and session. */
int	keys_offer_stage(struct keys_neg *, struct text_builder *out);

/*
 * Process one key=value received from the peer: as acceptor compute the
 * answer, as proposer check the answer to our offer.  Fills *res and
 * returns res->action.
 */
enum keys_action keys_negotiate(struct keys_neg *, const char *key,
	    const char *value, struct keys_result *res);
/*
 * Process a parsed text: SessionType first, FirstBurstLength last (its
 * relevance depends on InitialR2T/ImmediateData), the rest in order.
 * Answers are appended to out (may be NULL); cb (may be NULL) sees every
 * result.  Returns the number of KEYS_ACT_FAIL results.
 */
int	keys_negotiate_list(struct keys_neg *, const struct text_list *,
	    struct text_builder *out, keys_result_fn *cb, void *arg);
/*
 * End of a negotiation: offers left unanswered take their implied result
 * when the answer was optional (AND=No, OR=Yes), else are reported
 * KEYS_S_NO_ANSWER.  Returns the number of NO_ANSWER results.
 */
int	keys_neg_finish(struct keys_neg *, keys_result_fn *cb, void *arg);

/* ---- post-negotiation consistency --------------------------------------- */

/* X(code, key, text) */
#define KEYS_FINDINGS(X)						\
	X(BURST_ORDER, MAX_BURST_LENGTH, "MaxBurstLength is less than FirstBurstLength") \
	X(HEADER_DIGEST_REQUIRED, HEADER_DIGEST, "HeaderDigest required locally but not in effect") \
	X(DATA_DIGEST_REQUIRED, DATA_DIGEST, "DataDigest required locally but not in effect") \
	X(DATA_PDU_ORDER, DATA_PDU_IN_ORDER, "DataPDUInOrder=No although Yes was requested") \
	X(DATA_SEQUENCE_ORDER, DATA_SEQUENCE_IN_ORDER, "DataSequenceInOrder=No although Yes was requested")

enum keys_finding_code {
#define KEYS_FINDING_ENUM(code, key, text) KEYS_CHK_##code,
	KEYS_FINDINGS(KEYS_FINDING_ENUM)
#undef KEYS_FINDING_ENUM
	KEYS_NFINDINGS
};

struct keys_finding {
	enum keys_finding_code code;
	int		 id;		/* key concerned */
	uint64_t	 a, b;		/* BURST_ORDER: FirstBurstLength, MaxBurstLength */
};

const char *keys_finding_text(enum keys_finding_code);
/*
 * Check a negotiated parameter set against what we asked for (local):
 * MaxBurstLength < FirstBurstLength, a digest we required (no "None" in
 * our list) not in effect, DataPDUInOrder/DataSequenceInOrder No although
 * we wanted Yes.  Returns the number of findings (at most max stored).
 */
size_t	keys_check_session(const struct keys_local *, const struct keys_params *,
	    struct keys_finding *out, size_t max);

#endif
