/*
 * The reference initiator as a library (libinitiator.a): the node (name,
 * CHAP secret, portals, targets), sessions and connections on one
 * proto/evloop, and the iscsicli operations of the seed (Microsoft iSCSI
 * Software Initiator 2.0 user guide, appendix C) as calls that return an
 * ISDSC code (0 on success).
 *
 * Every operation either runs asynchronously on the loop (ini_*_start,
 * completion callback) or synchronously: the call drives the loop until the
 * operation completes or its bounded timeout expires.  Documented events
 * (proto/catalog.h event IDs with the dump data of docs/event-record.md)
 * go to the event sink set with ini_node_set_event_sink().
 *
 * Nothing here prints or exits; secrets never reach the event sink.
 */
#ifndef INITIATOR_INI_H
#define INITIATOR_INI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chap.h"
#include "evloop.h"
#include "evrec.h"
#include "names.h"
#include "netaddr.h"

/* The one initiator instance this node has (ListInitiators). */
#define INI_INSTANCE_NAME	"ROOT\\ISCSIPRT\\0000_0"
#define INI_ISDSC_OK		0u

/* Seed appendix C: Authentication Types Values. */
enum ini_auth_type {
	INI_AUTH_NONE = 0,		/* ISCSI_NO_AUTH_TYPE */
	INI_AUTH_CHAP = 1,		/* ISCSI_CHAP_AUTH_TYPE */
	INI_AUTH_MUTUAL_CHAP = 2	/* ISCSI_MUTUAL_CHAP_AUTH_TYPE */
};

/* Seed appendix C: Login Flags Values. */
#define INI_LOGIN_FLAG_REQUIRE_IPSEC		0x00000001u
#define INI_LOGIN_FLAG_MULTIPATH_ENABLED	0x00000002u
/* Seed appendix C: Target Flag Values. */
#define INI_TARGET_FLAG_HIDE_STATIC_TARGET	0x00000002u
#define INI_TARGET_FLAG_MERGE_TARGET_INFORMATION 0x00000004u

/*
 * The seed's LoginOptions.  has_* false means '*' (not specified): the
 * merge rules (ini_login_opts_merge) then take the value from the next
 * source.  The password is the target's CHAP secret.
 */
struct ini_login_opts {
	bool			has_login_flags, has_header_digest;
	bool			has_data_digest, has_max_connections;
	bool			has_time2wait, has_time2retain, has_auth;
	bool			has_username, has_password;
	uint32_t		login_flags;
	bool			header_digest, data_digest;	/* required */
	uint32_t		max_connections, time2wait, time2retain;
	enum ini_auth_type	auth_type;
	char			username[CHAP_NAME_MAX + 1];
	struct chap_secret	password;
};

/*
 * Seed "How targets are organized": A (login call) over B (discovered)
 * over C (manually configured), field by field; AuthType, Username and
 * Password as one unit taken from the first source whose AuthType is not
 * ISCSI_NO_AUTH_TYPE.  Any source may be NULL.
 */
void	ini_login_opts_merge(const struct ini_login_opts *a,
	    const struct ini_login_opts *b, const struct ini_login_opts *c,
	    struct ini_login_opts *out);
void	ini_login_opts_clear(struct ini_login_opts *);

/* Tunables of the bench (ini_config_default gives the values). */
struct ini_config {
	uint32_t	connect_timeout_ms;	/* TCP connect */
	uint32_t	login_timeout_ms;	/* each login response */
	uint32_t	text_timeout_ms;	/* SendTargets / Text */
	uint32_t	logout_timeout_ms;
	uint32_t	scsi_timeout_ms;	/* then ABORT TASK */
	uint32_t	tmf_timeout_ms;
	uint32_t	nop_interval_ms;	/* keepalive; 0 = off */
	uint32_t	nop_timeout_ms;		/* then event 48 */
	uint32_t	tcp_user_timeout_ms;	/* 0 = system default */
	uint32_t	max_redirects;		/* hop limit */
	uint32_t	recovery_attempts;	/* ERL 0 reconnect attempts */
	uint32_t	max_recv_dsl;		/* MaxRecvDataSegmentLength */
	uint32_t	max_burst_length, first_burst_length;
	uint32_t	max_outstanding_r2t;
	bool		immediate_data, initial_r2t;
	bool		data_pdu_in_order, data_sequence_in_order;
	const char	*chap_algorithms;	/* CHAP_A preference, "7,5" */
	/* extension keys offered at login, "K=V\0K=V\0" (the caller's) */
	const char	*login_keys;
	size_t		 login_keys_len;
};

void	ini_config_default(struct ini_config *);

struct ini_node;
struct ini_stats;
struct ini_session;

/* Receives every documented event; the record is valid during the call. */
typedef void ini_event_fn(void *arg, const struct evrec *ev);

/* loop NULL: the node creates (and frees) its own.  NULL on ENOMEM. */
struct ini_node	*ini_node_new(const struct ini_config *, struct evloop *loop);
void		 ini_node_free(struct ini_node *);
struct evloop	*ini_node_loop(struct ini_node *);
const struct ini_config *ini_node_config(const struct ini_node *);
void		 ini_node_set_event_sink(struct ini_node *, ini_event_fn *,
		    void *arg);
/* Events of this ID logged so far (WaitEvent). */
uint64_t	 ini_event_count(const struct ini_node *, unsigned id);
/*
 * The node's login and logout counters over all its sessions, those that
 * never logged in or have ended included (login_* and logout_* of struct
 * ini_stats; the other fields are 0): the initiator-wide login statistics.
 */
void		 ini_node_login_stats(const struct ini_node *, struct ini_stats *);

/* ---- node name and CHAP secret (NodeName, CHAPSecret) ------------------- */

/* name NULL or "*": back to the default name.  ISDSC_INVALID_ISCSI_NAME. */
uint32_t	 ini_node_name_set(struct ini_node *, const char *name);
const char	*ini_node_name(const struct ini_node *);
/*
 * The initiator CHAP secret for mutual CHAP; NULL, "" or "*" clear it.
 * "0x..." is hex.  Shorter than 12 bytes: event 36 (length only) and
 * ISDSC_SHORT_CHAP_SECRET, the secret is not kept.
 */
uint32_t	 ini_chap_secret_set(struct ini_node *, const char *secret);
bool		 ini_chap_secret_is_set(const struct ini_node *);

/* ---- discovery portals and targets -------------------------------------- */

#define INI_HOST_MAX	256
#define INI_ALIAS_MAX	256
#define INI_MAX_ADDRS	16

struct ini_portal {
	char			host[INI_HOST_MAX];
	uint16_t		port;
	uint32_t		security_flags;
	struct ini_login_opts	opts;
};

/* One TargetAddress of a SendTargets answer. */
struct ini_target_addr {
	char		host[INI_HOST_MAX];
	uint16_t	port;
	int		tpgt;		/* -1: none given */
};

struct ini_target_info {
	char			name[NAMES_MAX + 1];
	char			alias[INI_ALIAS_MAX];
	bool			discovered;	/* by SendTargets */
	char			discovered_via[INI_HOST_MAX + 8];
	size_t			naddrs;
	struct ini_target_addr	addrs[INI_MAX_ADDRS];
	bool			is_static;	/* AddTarget */
	bool			static_hidden;
	struct ini_target_addr	static_portal;	/* port 0: none */
	uint32_t		static_flags;
};

uint32_t ini_portal_add(struct ini_node *, const struct ini_portal *);
uint32_t ini_portal_remove(struct ini_node *, const char *host, uint16_t port);
uint32_t ini_portal_refresh(struct ini_node *, const char *host, uint16_t port);
size_t	 ini_portal_count(const struct ini_node *);
const struct ini_portal *ini_portal_at(const struct ini_node *, size_t);

/* AddTarget: opts are the manually configured LoginOptions (source C). */
uint32_t ini_target_add(struct ini_node *, const char *name, const char *alias,
	    const char *host, uint16_t port, uint32_t flags,
	    const struct ini_login_opts *opts);
uint32_t ini_target_remove(struct ini_node *, const char *name);
size_t	 ini_target_count(const struct ini_node *);
/* Reported targets (hidden static ones only once discovered). */
bool	 ini_target_at(const struct ini_node *, size_t, struct ini_target_info *);
uint32_t ini_target_info(const struct ini_node *, const char *name,
	    struct ini_target_info *);

/* ---- sessions ------------------------------------------------------------ */

struct ini_login_req {
	const char		*target;
	const char		*host;		/* NULL: discovered/static portal */
	uint16_t		 port;		/* 0: 3260 */
	uint32_t		 security_flags;
	struct ini_login_opts	 opts;		/* source A */
};

/* ISCSI_RedirectPortalInfo (seed 000), one per connection. */
struct ini_redirect_info {
	uint64_t	unique_connection_id;
	struct netaddr	original_addr;
	uint32_t	original_port;
	struct netaddr	redirected_addr;
	uint32_t	redirected_port;
	uint8_t		redirected;
	uint8_t		temporary_redirect;
};

struct ini_stats {
	uint64_t	bytes_tx, bytes_rx, pdus_tx, pdus_rx;
	uint64_t	hdigest_errors, ddigest_errors, format_errors;
	uint64_t	timeouts, connection_losses, reconnects;
	uint64_t	login_ok, login_auth_fail, login_authz_fail;
	uint64_t	login_negotiation_fail, login_redirects, login_other_fail;
	uint64_t	logout_normal, logout_other;
	uint64_t	commands, read_bytes, write_bytes;
};

struct ini_session_info {
	char			 id[48];		/* "0x...-0x..." */
	char			 connection_id[48];
	char			 target[NAMES_MAX + 1];
	char			 initiator[NAMES_MAX + 1];
	uint8_t			 isid[6];
	uint16_t		 tsih, cid;
	const char		*state;		/* "Q3 LOGGED_IN" ... */
	const char		*conn_state;	/* "S5 LOGGED_IN" ... */
	bool			 connected;
	struct netaddr		 local, peer;
	struct ini_redirect_info redirect;
	bool			 header_digest, data_digest;
	uint32_t		 max_send_dsl, max_recv_dsl, max_burst, first_burst;
	bool			 immediate_data, initial_r2t;
	bool			 data_pdu_in_order, data_sequence_in_order;
	struct ini_stats	 stats;
};

uint32_t ini_login(struct ini_node *, const struct ini_login_req *,
	    struct ini_session **out);
uint32_t ini_logout(struct ini_node *, struct ini_session *);
/* Accepts "0x..-0x..", without 0x, any case; NULL if unknown. */
struct ini_session *ini_session_find(struct ini_node *, const char *id);
size_t	 ini_session_count(const struct ini_node *);
struct ini_session *ini_session_at(struct ini_node *, size_t);
void	 ini_session_get_info(const struct ini_session *,
	    struct ini_session_info *);
const char *ini_session_id(const struct ini_session *);

/* ---- SCSI ---------------------------------------------------------------- */

struct ini_scsi_result {
	uint8_t		status;		/* SCSI status */
	uint8_t		response;	/* iSCSI response */
	uint32_t	residual;
	bool		underflow, overflow;
	uint8_t		sense[252];
	uint32_t	sense_len;
	uint32_t	data_len;	/* Data-In bytes received */
};

/* A SCSI command as ini_scsi_ex takes it. */
struct ini_scsi_cmd {
	uint64_t	 lun;		/* encoded (ini_lun_encode) */
	const uint8_t	*cdb;
	size_t		 cdblen;
	uint8_t		*in;
	uint32_t	 inlen;
	const uint8_t	*out;
	uint32_t	 outlen;
	bool		 wmi;		/* iscsicli-issued: timeout is event 47 */
};

uint32_t ini_scsi_ex(struct ini_node *, struct ini_session *,
	    const struct ini_scsi_cmd *, struct ini_scsi_result *);

/*
 * Completion of an asynchronous command.  isdsc is what ini_scsi_ex()
 * would return: 0, ISDSC_SCSI_REQUEST_FAILED (status not GOOD, a Reject,
 * a timeout and ABORT TASK: res tells which), ISDSC_CONNECTION_FAILED (the
 * session ended or could not be recovered).  res is valid during the call.
 */
typedef void ini_scsi_done_fn(void *arg, uint32_t isdsc,
	    const struct ini_scsi_result *res);

/*
 * Queue a SCSI command without waiting.  It leaves in submission order as
 * soon as the CmdSN window (MaxCmdSN) allows, with immediate and
 * unsolicited data as negotiated and Data-Out for each R2T (at most
 * MaxOutstandingR2T per command); a command queued during ERL 0 recovery
 * leaves on the reinstated session.  The CDB is copied; cmd->in and
 * cmd->out must stay valid until done runs.
 *
 * Returns 0 when queued: done then runs exactly once, from the node's loop
 * (ini_poll, or any synchronous call), never from inside this call.
 * Otherwise the error (done is not called): ISDSC_INVALID_SESSION_ID,
 * ISDSC_INVALID_PARAMETER (no CDB, a CDB over 16 bytes, bidirectional),
 * ISDSC_OUT_OF_RESOURCES (event 57).  done may submit further commands; it
 * must not call the synchronous operations.  Commands still outstanding
 * when the node is freed are dropped without a call.
 */
uint32_t ini_scsi_submit(struct ini_node *, struct ini_session *,
	    const struct ini_scsi_cmd *, ini_scsi_done_fn *done, void *arg);
/* Commands of the session submitted and not yet completed. */
size_t	 ini_scsi_outstanding(const struct ini_session *);
/*
 * Run the node's loop once: wait at most ms for something to happen, then
 * handle what is ready (completions run their callbacks).  0, or
 * ISDSC_NON_SPECIFIC_ERROR when the loop failed.
 */
uint32_t ini_poll(struct ini_node *, uint32_t ms);

/*
 * One SCSI command.  in/inlen receive Data-In (read), out/outlen are sent
 * (write).  ISDSC_SCSI_REQUEST_FAILED when the status is not GOOD (result
 * filled), ISDSC_INVALID_SESSION_ID, ISDSC_CONNECTION_FAILED when the
 * session could not be recovered.
 */
uint32_t ini_scsi(struct ini_node *, struct ini_session *, uint64_t lun,
	    const uint8_t *cdb, size_t cdblen, uint8_t *in, uint32_t inlen,
	    const uint8_t *out, uint32_t outlen, struct ini_scsi_result *);
/* SAM LUN encoding of a number (<= 0x3fff: peripheral/flat; else raw). */
uint64_t ini_lun_encode(uint64_t lun);
uint64_t ini_lun_decode(uint64_t wire);

/* ---- time ---------------------------------------------------------------- */

/* Run the loop for ms (keepalives, recovery and async messages go on). */
uint32_t ini_sleep(struct ini_node *, uint32_t ms);
/*
 * Wait until an event with this ID is logged, consuming one occurrence
 * not yet consumed (so events logged earlier count).  ISDSC_NOT_FOUND
 * after ms.
 */
uint32_t ini_wait_event(struct ini_node *, unsigned id, uint32_t ms);

/* ISDSC name ("SUCCESS" for 0, "UNKNOWN" if not in the catalog). */
const char *ini_isdsc_name(uint32_t code);
const char *ini_isdsc_text(uint32_t code);

#endif
