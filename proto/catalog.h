/*
 * The catalog of documented identifiers: Windows-style event IDs (iScsiPrt
 * 1-62, iScsiExe 102-121) and ISDSC status codes from the Microsoft iSCSI
 * Software Initiator 2.0 user guide (seed 004), and the RFC 7143 code
 * tables (login status, Reject reasons, Async events, SNACK types, Logout
 * reasons/responses, TMF functions/responses).
 *
 * Every constant below is generated from one X-macro table (*.def) that
 * also carries its text; code never writes a bare event number or code.
 * The tables are read-only and need no initialisation.
 */
#ifndef PROTO_CATALOG_H
#define PROTO_CATALOG_H

#include <stddef.h>
#include <stdint.h>

/* ---- event IDs --------------------------------------------------------- */

/* iScsiPrt (kernel driver) events: ISCSI_EV_CONNECT_FAILED = 1, ... */
enum iscsi_event_id {
#define EV(id, name, sev, data, l1, l2, msg)	ISCSI_EV_##name = (id),
#include "events.def"
#undef EV
};

/* iScsiExe (service) events, named by the seed's SymbolicName. */
enum iscsi_service_event_id {
#define SEV(id, name, sev, msg)			name = (id),
#include "service_events.def"
#undef SEV
};

/* Severity, numbered as the two top bits of an NTSTATUS value. */
enum catalog_severity {
	CATALOG_SEV_SUCCESS = 0,
	CATALOG_SEV_INFORMATION = 1,
	CATALOG_SEV_WARNING = 2,
	CATALOG_SEV_ERROR = 3
};

enum catalog_source {
	CATALOG_SRC_ISCSIPRT = 0,	/* "iScsiPrt", events 1-62 */
	CATALOG_SRC_ISCSIEXE = 1	/* "iScsiExe", events 102-121 */
};

/* What an event's additional dump data holds (docs/event-record.md). */
enum catalog_data {
	CATALOG_DATA_NONE = 0,		/* nothing */
	CATALOG_DATA_IPPORT,		/* target address and TCP port */
	CATALOG_DATA_U32_PAIR,		/* two u32 (labels in the entry) */
	CATALOG_DATA_STATUS,		/* one u32 NTSTATUS */
	CATALOG_DATA_FUNCTION,		/* one u32 iSCSI function code */
	CATALOG_DATA_CDB,		/* the SCSI CDB bytes */
	CATALOG_DATA_PDU,		/* a whole PDU (BHS + data) */
	CATALOG_DATA_HEADER,		/* a 48-byte BHS */
	CATALOG_DATA_HEADER_DIGEST,	/* a BHS followed by its digest */
	CATALOG_DATA_TEXT,		/* key=value text from the target */
	CATALOG_DATA_TARGET_NAME,	/* the iSCSI target name */
	CATALOG_DATA_SECRET		/* a CHAP secret (caller decides) */
};

struct catalog_event {
	uint16_t		 id;
	enum catalog_source	 source;
	enum catalog_severity	 severity;
	enum catalog_data	 data;
	const char		*name;		/* "ISCSI_EV_CONNECT_FAILED" or
						   the SymbolicName */
	const char		*label1;	/* U32_PAIR word names, else NULL */
	const char		*label2;
	const char		*message;	/* the seed's text */
};

/* Lookup by event ID (either source); NULL when undocumented. */
const struct catalog_event *catalog_event(unsigned int id);
/* Lookup by constant name ("ISCSI_EV_RECONNECTED", "ISCSIEXE_EVENTMSG_..."). */
const struct catalog_event *catalog_event_by_name(const char *name);
/* Iteration: iScsiPrt events in ID order, then iScsiExe events. */
size_t	catalog_event_count(void);
const struct catalog_event *catalog_event_at(size_t index);

const char *catalog_source_name(enum catalog_source);	 /* "iScsiPrt" */
const char *catalog_severity_name(enum catalog_severity); /* "Error" */
const char *catalog_data_name(enum catalog_data);	 /* "ipport" */

/* ---- ISDSC codes ------------------------------------------------------- */

/*
 * ISDSC_NON_SPECIFIC_ERROR = 0xEFFF0001, ...  The values exceed INT_MAX:
 * the enum is unsigned int (GNU C; standard in C23).  Store ISDSC codes in
 * uint32_t.
 */
enum isdsc_code {
#define ISDSC(name, value, msg)			name = (value),
#include "isdsc.def"
#undef ISDSC
};

/* "No ISDSC error": what a successful login maps to. */
#define CATALOG_ISDSC_OK	0u

struct catalog_isdsc {
	uint32_t	 code;
	const char	*name;		/* "ISDSC_AUTHENTICATION_FAILURE" */
	const char	*message;
};

const struct catalog_isdsc *catalog_isdsc_by_value(uint32_t code);
const struct catalog_isdsc *catalog_isdsc_by_name(const char *name);
size_t	catalog_isdsc_count(void);				/* 99 */
const struct catalog_isdsc *catalog_isdsc_at(size_t index);	/* by value */
/* 1 for 0xAFFF.... (warning severity), 0 for errors and unknown codes. */
int	catalog_isdsc_is_warning(uint32_t code);

/* ---- RFC 7143 login status --------------------------------------------- */

enum iscsi_login_class {
#define LOGIN_CLASS(cls, name, isdsc, text)	ISCSI_LOGIN_CLASS_##name = (cls),
#include "login_class.def"
#undef LOGIN_CLASS
};

/* ISCSI_LOGIN_STATUS_TARGET_MOVED_TEMPORARILY = 0x0101, ... */
enum iscsi_login_status {
#define LOGIN_STATUS(cls, det, name, isdsc, text) \
	ISCSI_LOGIN_STATUS_##name = ((cls) << 8 | (det)),
#include "login_status.def"
#undef LOGIN_STATUS
};

struct catalog_login_status {
	uint8_t		 status_class;
	uint8_t		 status_detail;
	int		 known;		/* 0: fallback entry for an unknown
					   class/detail (class, detail hold
					   the looked-up values) */
	const char	*name;		/* "TARGET_MOVED_TEMPORARILY" */
	const char	*text;
	uint32_t	 isdsc;		/* ISDSC code the initiator returns,
					   CATALOG_ISDSC_OK for success */
};

/*
 * Look up class/detail.  Never fails: an unknown detail in a known class
 * yields the class fallback (0x01xx -> ISDSC_TARGET_MOVED_TEMPORARILY,
 * 0x02xx -> ISDSC_INITIATOR_ERROR, 0x03xx -> ISDSC_TARGET_ERROR, 0x00xx ->
 * ISDSC_LOGIN_FAILED), an unknown class ISDSC_LOGIN_FAILED; then known = 0
 * and name is "UNKNOWN".
 */
struct catalog_login_status catalog_login_status(uint8_t status_class,
	    uint8_t status_detail);
/* Iteration over the documented entries, in (class, detail) order. */
size_t	catalog_login_status_count(void);
const struct catalog_login_status *catalog_login_status_at(size_t index);
/* "Redirection", or NULL for an undefined class. */
const char *catalog_login_class_name(uint8_t status_class);

/* ---- RFC 7143 one-byte code tables ------------------------------------- */

enum iscsi_reject_reason {
#define REJECT(v, name, f, text)	ISCSI_REJECT_##name = (v),
#include "reject_reasons.def"
#undef REJECT
};

enum iscsi_async_event {
#define ASYNC(v, name, f, text)		ISCSI_ASYNC_##name = (v),
#include "async_events.def"
#undef ASYNC
};

enum iscsi_snack_type {
#define SNACK(v, name, f, text)		ISCSI_SNACK_##name = (v),
#include "snack_types.def"
#undef SNACK
};

enum iscsi_logout_reason {
#define LOGOUT_REASON(v, name, f, text)	ISCSI_LOGOUT_REASON_##name = (v),
#include "logout_reasons.def"
#undef LOGOUT_REASON
};

enum iscsi_logout_response {
#define LOGOUT_RESP(v, name, f, text)	ISCSI_LOGOUT_RESP_##name = (v),
#include "logout_responses.def"
#undef LOGOUT_RESP
};

enum iscsi_tmf_function {
#define TMF(v, name, f, text)		ISCSI_TMF_##name = (v),
#include "tmf_functions.def"
#undef TMF
};

enum iscsi_tmf_response {
#define TMF_RESP(v, name, f, text)	ISCSI_TMF_RESP_##name = (v),
#include "tmf_responses.def"
#undef TMF_RESP
};

enum catalog_table {
	CATALOG_REJECT_REASONS = 0,	/* flag: original PDU can be resent */
	CATALOG_ASYNC_EVENTS,
	CATALOG_SNACK_TYPES,
	CATALOG_LOGOUT_REASONS,
	CATALOG_LOGOUT_RESPONSES,
	CATALOG_TMF_FUNCTIONS,
	CATALOG_TMF_RESPONSES,
	CATALOG_TABLE_COUNT
};

struct catalog_code {
	uint8_t		 value;
	int		 flag;		/* table-specific, see enum above */
	const char	*name;		/* "DATA_DIGEST_ERROR" */
	const char	*text;
};

/* Entry for value in table, NULL when reserved/undefined. */
const struct catalog_code *catalog_code(enum catalog_table, unsigned int value);
size_t	catalog_code_count(enum catalog_table);
const struct catalog_code *catalog_code_at(enum catalog_table, size_t index);
/* "reject_reasons", "async_events", ...; NULL for a bad table. */
const char *catalog_table_name(enum catalog_table);

/* Shorthands for catalog_code(CATALOG_..., value). */
const struct catalog_code *catalog_reject_reason(unsigned int reason);
const struct catalog_code *catalog_async_event(unsigned int event);
const struct catalog_code *catalog_snack_type(unsigned int type);
const struct catalog_code *catalog_logout_reason(unsigned int reason);
const struct catalog_code *catalog_logout_response(unsigned int response);
const struct catalog_code *catalog_tmf_function(unsigned int function);
const struct catalog_code *catalog_tmf_response(unsigned int response);
/* 1 when RFC 7143 11.17.1 allows resending the rejected PDU. */
int	catalog_reject_can_resend(unsigned int reason);

/* ---- NTSTATUS values for FinalStatus ----------------------------------- */

enum ntstatus_code {
#define NTSTATUS(name, value, err, text)	name = (value),
#include "ntstatus.def"
#undef NTSTATUS
};

struct catalog_ntstatus {
	uint32_t	 code;
	int		 err;		/* errno translated to it, 0 if none */
	const char	*name;
	const char	*text;
};

const struct catalog_ntstatus *catalog_ntstatus(uint32_t code);
/* NTSTATUS for an errno value: 0 -> STATUS_SUCCESS, unknown ->
   STATUS_UNSUCCESSFUL. */
uint32_t catalog_ntstatus_from_errno(int err);

#endif
