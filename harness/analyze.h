/*
 * iSCSI capture analyzer: reads a pcap/pcapng file (libpcap), reassembles
 * the TCP connections carrying iSCSI, frames and decodes every PDU with
 * the proto/ core, groups connections into sessions, runs the protocol
 * checks and infers the initiator events (seed 004, proto/catalog.h) each
 * finding would raise.
 *
 * Streaming: memory depends on the number of connections and outstanding
 * tasks, not on the size of the capture.  Every decoded PDU can be seen
 * through a callback with its session/connection context, which is how
 * the ladder diagram and a future `replay` consume the capture:
 *
 *	static void on_pdu(void *arg, const struct ana_pdu_ctx *c) {
 *		if (c->dir == ANA_DIR_T2I && c->pdu->opcode == PDU_OP_LOGIN_RSP)
 *			...c->session->target_name, c->pdu->u.login_rsp...
 *	}
 *	struct ana_opts o;
 *	struct ana *a;
 *	ana_opts_default(&o);
 *	o.on_pdu = on_pdu;
 *	a = ana_new(&o);
 *	rc = ana_run_file(a, "trace.pcap", errbuf, sizeof(errbuf));
 *	for (i = 0; i < ana_session_count(a); i++) ... ana_session_at(a, i)
 *	ana_free(a);
 */
#ifndef HARNESS_ANALYZE_H
#define HARNESS_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "pdu.h"

#define ANA_PORTS_MAX		16
#define ANA_DEFAULT_PORT	3260
#define ANA_FINDINGS_MAX	1000	/* findings kept in detail */
#define ANA_DUMP_MAX		512	/* dump bytes kept per finding */
#define ANA_NAME_MAX		224	/* iSCSI names (RFC 7143 4.2.7.1) */

enum ana_dir { ANA_DIR_I2T = 0, ANA_DIR_T2I = 1 };

enum ana_severity { ANA_SEV_INFO, ANA_SEV_WARNING, ANA_SEV_ERROR };

/*
 * Every check: X(SYMBOL, severity, event, "rule", "text").  event is the
 * iScsiPrt event ID the documented initiator logs for it (0: none; some
 * checks choose the event per finding, see docs/analyze.md).
 */
#define ANA_CHECK_TABLE(X)						\
	X(PKT_MALFORMED, WARNING, 0, "RFC 791/8200/9293", "malformed link/IP/TCP header") \
	X(IP_FRAGMENT, WARNING, 0, "RFC 791 3.2, RFC 8200 4.5", "IP fragments not reassembled (incomplete, invalid or over the limits): payload skipped") \
	X(TCP_GAP, WARNING, 0, "capture", "bytes missing from the capture") \
	X(TCP_CONFLICT, WARNING, 0, "RFC 9293 3.10.7.4", "retransmitted bytes differ from the first copy") \
	X(MIDSTREAM, INFO, 0, "capture", "connection start not captured") \
	X(FRAMING_LOST, ERROR, 0, "RFC 7143 11.2", "PDU framing lost") \
	X(RESYNC, INFO, 0, "RFC 7143 11.2", "PDU framing recovered at a plausible BHS") \
	X(DIGESTS_DETECTED, INFO, 0, "RFC 7143 13.1", "digests detected from CRC32C values") \
	X(PDU_TRUNCATED, WARNING, 0, "RFC 7143 11.2", "stream ended inside a PDU") \
	X(PDU_INCOMPLETE, WARNING, 0, "capture", "PDU with bytes missing from the capture") \
	X(HEADER_DIGEST, ERROR, ISCSI_EV_HEADER_DIGEST_ERROR, "RFC 7143 7.8, 13.1", "header digest mismatch") \
	X(DATA_DIGEST, ERROR, ISCSI_EV_DATA_DIGEST_ERROR, "RFC 7143 7.8, 13.1", "data digest mismatch") \
	X(PDU_FIELD, ERROR, ISCSI_EV_INVALID_PDU, "RFC 7143 11", "illegal PDU field") \
	X(OPCODE, ERROR, ISCSI_EV_INVALID_OPCODE, "RFC 7143 11.1.1", "unknown opcode") \
	X(OVERSIZE, ERROR, ISCSI_EV_DATA_SEGMENT_TOO_LONG, "RFC 7143 13.12", "DataSegmentLength exceeds the declared MaxRecvDataSegmentLength") \
	X(LOGIN_STAGE, ERROR, ISCSI_EV_INVALID_LOGIN_RESPONSE, "RFC 7143 6.3, 11.12", "illegal login stage transition or T/C bits") \
	X(LOGIN_FIELD, ERROR, ISCSI_EV_INVALID_LOGIN_RESPONSE, "RFC 7143 11.13", "Login Response does not match the request") \
	X(LOGIN_FAILED, ERROR, ISCSI_EV_LOGIN_FAILED, "RFC 7143 11.13.5", "login rejected by the target") \
	X(LOGIN_REDIRECT, INFO, 0, "RFC 7143 11.13.5", "login redirected") \
	X(REDIRECT_DATA, ERROR, ISCSI_EV_INVALID_REDIRECT_DATA, "RFC 7143 13.8", "redirect without a valid TargetAddress") \
	X(LOGIN_WINDOW, ERROR, ISCSI_EV_MAXCMDSN_NOT_GREATER, "seed 004 event 3", "MaxCmdSN not serially greater than ExpCmdSN in the final Login Response") \
	X(LOGIN_DROPPED, ERROR, ISCSI_EV_DROPPED_BEFORE_FFP, "RFC 7143 6.3", "connection closed before Full Feature Phase") \
	X(KEY_TEXT, ERROR, 0, "RFC 7143 6.1", "malformed key=value text") \
	X(KEY_VALUE, ERROR, 0, "RFC 7143 6.2, 13", "illegal key or value") \
	X(KEY_REPEATED, ERROR, 0, "RFC 7143 6.2", "key sent twice in one negotiation") \
	X(KEY_ANSWER, ERROR, ISCSI_EV_INVALID_LOGIN_RESPONSE, "RFC 7143 6.2.1, 6.2.2", "answer breaks the key's result function") \
	X(KEY_NO_ANSWER, WARNING, 0, "RFC 7143 6.2", "offered key not answered") \
	X(KEY_REFUSED, INFO, 0, "RFC 7143 6.2", "key answered Reject/NotUnderstood/Irrelevant") \
	X(BURST_ORDER, ERROR, ISCSI_EV_MAXBURST_NOT_GREATER, "RFC 7143 13.14, seed 004 event 4", "MaxBurstLength less than FirstBurstLength") \
	X(DIGEST_REFUSED, ERROR, 0, "RFC 7143 13.1, seed 004 events 18/19", "digest required by the initiator not in effect") \
	X(ORDER_REFUSED, ERROR, 0, "RFC 7143 13.18-13.19, seed 004 events 61/62", "DataPDUInOrder/DataSequenceInOrder No although Yes was requested") \
	X(CHAP_SHAPE, ERROR, ISCSI_EV_INVALID_CHAP_KEY, "RFC 7143 12.1.3", "CHAP exchange out of shape") \
	X(CHAP_VALUE, ERROR, 0, "RFC 7143 12.1.3, 9.2.1", "bad CHAP value") \
	X(AUTH_METHOD, ERROR, 0, "RFC 7143 12.1", "AuthMethod negotiation broken") \
	X(CMDSN_WINDOW, ERROR, 0, "RFC 7143 4.2.2.1", "command outside the CmdSN window") \
	X(CMDSN_ORDER, WARNING, 0, "RFC 7143 4.2.2.1", "CmdSN not consecutive") \
	X(WINDOW_INVALID, ERROR, 0, "RFC 7143 4.2.2.1", "MaxCmdSN less than ExpCmdSN - 1") \
	X(EXPCMDSN_AHEAD, ERROR, 0, "RFC 7143 4.2.2.1", "ExpCmdSN acknowledges commands never sent") \
	X(STATSN, ERROR, ISCSI_EV_INVALID_STATSN, "RFC 7143 4.2.2.2", "StatSN not continuous") \
	X(EXPSTATSN, WARNING, 0, "RFC 7143 4.2.2.2", "ExpStatSN acknowledges a status never sent") \
	X(DATASN, ERROR, ISCSI_EV_INVALID_PDU, "RFC 7143 11.7.5", "DataSN out of order") \
	X(R2TSN, ERROR, ISCSI_EV_INVALID_R2T, "RFC 7143 11.8.5", "R2TSN out of order") \
	X(R2T_INVALID, ERROR, ISCSI_EV_INVALID_R2T, "RFC 7143 11.8", "R2T offset/length invalid") \
	X(DATAOUT, ERROR, 0, "RFC 7143 11.7, 13.14", "Data-Out offset/length outside what was solicited") \
	X(TOO_MUCH_DATA, ERROR, ISCSI_EV_TOO_MUCH_DATA, "RFC 7143 11.7.6", "data beyond the expected transfer length") \
	X(DATA_IN_RESPONSE, ERROR, ISCSI_EV_DATA_IN_SCSI_RESPONSE, "RFC 7143 11.4.7", "data other than sense data in a SCSI Response") \
	X(UNKNOWN_ITT, ERROR, ISCSI_EV_UNKNOWN_TASK_TAG, "RFC 7143 11.4.3", "response for an unknown Initiator Task Tag") \
	X(REJECT, ERROR, ISCSI_EV_PDU_REJECTED, "RFC 7143 11.17", "PDU rejected by the target") \
	X(ASYNC, WARNING, 0, "RFC 7143 11.9", "asynchronous message") \
	X(LOGOUT, WARNING, 0, "RFC 7143 11.14-11.15", "Logout handshake incomplete or failed") \
	X(NOP, WARNING, 0, "RFC 7143 11.18-11.19", "NOP ping not answered or answered wrongly") \
	X(TIMEOUT, ERROR, 0, "seed 004 events 8/9/48", "request not answered in time") \
	X(CONNECTION_LOST, ERROR, ISCSI_EV_CONNECTION_LOST, "RFC 7143 6.1, seed 004 event 20", "connection closed in Full Feature Phase without Logout")

#define ANA_X_CHECK(s, sev, ev, rule, text)	ANA_CHK_##s,
enum ana_check { ANA_CHECK_TABLE(ANA_X_CHECK) ANA_CHECK_COUNT };
#undef ANA_X_CHECK

const char	*ana_check_name(enum ana_check);	/* "TCP_GAP" */
const char	*ana_check_rule(enum ana_check);
const char	*ana_check_text(enum ana_check);
enum ana_severity ana_check_severity(enum ana_check);
const char	*ana_severity_name(enum ana_severity);
const char	*ana_dir_name(enum ana_dir);		/* "I->T" */

/* ---- sessions, connections, findings (read-only for users) ---------- */

struct ana_session {
	unsigned	 id;		/* 1, 2, ... in order of appearance */
	uint8_t		 isid[6];
	uint16_t	 tsih;
	bool		 isid_known;	/* login (or a Login PDU) captured */
	bool		 discovery;
	char		 initiator_name[ANA_NAME_MAX];
	char		 target_name[ANA_NAME_MAX];
	struct keys_params params;	/* negotiated on the leading connection */
	bool		 params_known;
	unsigned	 nconns;
	unsigned	 redirected_from;	/* session id, 0 if none */
	uint64_t	 first_frame, last_frame;
	uint64_t	 pdus;
};

struct ana_conn {
	unsigned	 id;		/* 1, 2, ... */
	unsigned	 session_id;	/* 0 until known */
	int		 family;	/* 4 or 6 */
	uint8_t		 iaddr[16], taddr[16];	/* initiator, target */
	uint16_t	 iport, tport;
	uint16_t	 cid;
	bool		 login_seen;	/* a Login Request was captured */
	bool		 ffp;		/* reached Full Feature Phase */
	bool		 midstream;	/* SYN not captured */
	bool		 closed, reset;
	bool		 closer_known;	/* a FIN or RST was captured */
	enum ana_dir	 closer;	/* the side that ended first */
	bool		 closer_rst;	/* ... with a RST (else a FIN) */
	double		 first_time, close_time;	/* capture time */
	uint64_t	 close_frame;
	bool		 logged_out;
	bool		 hdigest, ddigest;	/* in force at the end */
	uint8_t		 login_class, login_detail;	/* last Login Response */
	uint32_t	 max_recv_dsl[2];	/* declared by the receiver of dir */
	uint64_t	 first_frame, last_frame;
	uint64_t	 pdus[2];
	uint64_t	 bytes[2];
	uint64_t	 gaps, gap_bytes, retransmissions, resyncs;
	char		 redirect_to[TEXT_VALUE_MAX + 1];	/* TargetAddress */
};

struct ana_finding {
	enum ana_check	 check;
	enum ana_severity severity;
	uint64_t	 frame;		/* frame where it was seen */
	uint64_t	 pdu_index;	/* 1-based PDU number, 0 if none */
	int		 opcode;	/* -1: not about one PDU */
	enum ana_dir	 dir;
	unsigned	 conn_id, session_id;
	double		 time;		/* capture time (s since epoch) */
	uint16_t	 event_id;	/* 0: no initiator event */
	uint32_t	 isdsc;		/* 0: none */
	char		 msg[240];
	uint16_t	 dump_len;	/* event additional data (evrec) */
	uint8_t		 dump[ANA_DUMP_MAX];
};

/* Response-time statistics of one request kind. */
struct ana_rtt {
	uint64_t	count;
	double		min, max, sum;	/* seconds */
	uint64_t	max_frame;	/* request frame of the slowest */
};

enum ana_rtt_kind { ANA_RTT_SCSI, ANA_RTT_NOP, ANA_RTT_TEXT, ANA_RTT_LOGIN,
	ANA_RTT_TMF, ANA_RTT_LOGOUT, ANA_RTT_COUNT };
const char	*ana_rtt_name(enum ana_rtt_kind);

struct ana_stats {
	uint64_t	frames;
	uint64_t	bytes;		/* captured bytes of all frames */
	uint64_t	tcp_frames;	/* frames on iSCSI connections */
	uint64_t	pdus;		/* PDUs decoded */
	uint64_t	pdu_errors;	/* of which with a pdu_decode error */
	uint64_t	opcodes[64];	/* by opcode (6 bits) */
	uint64_t	findings[ANA_CHECK_COUNT];
	uint64_t	findings_total, findings_dropped;
	struct ana_rtt	rtt[ANA_RTT_COUNT];
	double		first_time, last_time;
	int		linktype;
};

/* ---- the per-PDU hook --------------------------------------------------- */

struct ana_pdu_ctx {
	const struct ana_session *session;	/* NULL until known */
	const struct ana_conn	*conn;
	enum ana_dir		 dir;
	uint64_t		 index;		/* 1-based PDU number */
	uint64_t		 first_frame, frame;
	double			 time;
	const struct pdu	*pdu;
	const struct pdu_error	*err;		/* err->code PDU_OK or problem */
	uint64_t		 missing;	/* bytes lost in a capture gap */
};

typedef void ana_pdu_fn(void *arg, const struct ana_pdu_ctx *);
typedef void ana_finding_fn(void *arg, const struct ana_finding *);
/* A connection ended: at its first FIN or RST (closer_known), after the
   PDUs that came before it, or at the end of the capture. Once each. */
typedef void ana_conn_fn(void *arg, const struct ana_conn *);

struct ana_opts {
	uint16_t	 ports[ANA_PORTS_MAX];
	size_t		 nports;
	bool		 detect;	/* iSCSI on other ports from a Login Request */
	size_t		 findings_max;
	double		 timeout;	/* seconds; slower answers are findings */
	ana_pdu_fn	*on_pdu;
	ana_finding_fn	*on_finding;
	ana_conn_fn	*on_conn_end;
	void		*arg;
};

struct ana;

void	ana_opts_default(struct ana_opts *);	/* port 3260, detect, 1000, 20 s */
struct ana *ana_new(const struct ana_opts *);
void	ana_free(struct ana *);

/*
 * Analyse a capture file.  Returns 0, or -1 with a message in errbuf when
 * the file cannot be read or is damaged part-way (findings up to that
 * point are kept and can be reported).
 */
int	ana_run_file(struct ana *, const char *path, char *errbuf, size_t errsz);

/* Lower level: feed packets yourself (link type as pcap_datalink()). */
void	ana_begin(struct ana *, int linktype);
void	ana_packet(struct ana *, double time, const uint8_t *data,
	    size_t caplen, size_t wirelen);
void	ana_end(struct ana *);

const struct ana_stats	 *ana_stats(const struct ana *);
size_t			  ana_session_count(const struct ana *);
const struct ana_session *ana_session_at(const struct ana *, size_t);
size_t			  ana_conn_count(const struct ana *);
const struct ana_conn	 *ana_conn_at(const struct ana *, size_t);
size_t			  ana_finding_count(const struct ana *);
const struct ana_finding *ana_finding_at(const struct ana *, size_t);

#endif
