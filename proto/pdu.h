/*
 * iSCSI PDU codec (RFC 7143 chapter 11), shared by the initiator, the
 * simulated target and the pcap analyzer.
 *
 *   pdu_decode()   one complete PDU from a buffer: framing, digests, then
 *                  the RFC field rules (pdu_validate()).
 *   pdu_encode()   writes exactly what a struct pdu says, legal or not, so
 *                  the target simulator can send broken PDUs on purpose.
 *   pdu_validate() checks a struct pdu against the RFC.
 *   struct pdu_rx  resumable receive path fed arbitrary byte chunks.
 *
 * Wire layout of a PDU: BHS (48 bytes), AHS (TotalAHSLength 4-byte words),
 * header digest (optional, 4), data segment (DataSegmentLength bytes padded
 * to a multiple of 4), data digest (optional, 4, only when
 * DataSegmentLength > 0).  Digests are CRC32C values stored least
 * significant byte first (RFC 7143 appendix B.4 byte order).
 */
#ifndef PROTO_PDU_H
#define PROTO_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PDU_BHS_LEN		48
#define PDU_DIGEST_LEN		4
#define PDU_AHS_MAX		8		/* AHS entries kept per PDU */
#define PDU_AHS_BYTES_MAX	(255 * 4)	/* TotalAHSLength is one byte */
#define PDU_DSL_MAX		0xffffffu	/* DataSegmentLength is 24 bits */
#define PDU_TAG_RESERVED	0xffffffffu	/* reserved ITT/TTT value */
#define PDU_REJECT_HDR_LEN	48		/* RFC 7143 11.17.3 */
#define PDU_CDB_LEN		16
#define PDU_LOGIN_MAX_DSL	8192		/* RFC 7143 13.12: during login */

/* Bytes needed to pad n to a 4-byte boundary. */
#define PDU_PAD4(n)		((4u - ((n) & 3u)) & 3u)

/* ---- named constants: X(value, SYMBOL, "text") -------------------------- */

/* RFC 7143 11.1.1: opcodes.  Initiator opcodes < 0x20, target opcodes >= 0x20. */
#define PDU_OPCODE_TABLE(X)						\
	X(0x00, NOP_OUT,	"NOP-Out")				\
	X(0x01, SCSI_CMD,	"SCSI Command")				\
	X(0x02, TMF_REQ,	"TMF Request")				\
	X(0x03, LOGIN_REQ,	"Login Request")			\
	X(0x04, TEXT_REQ,	"Text Request")				\
	X(0x05, DATA_OUT,	"SCSI Data-Out")			\
	X(0x06, LOGOUT_REQ,	"Logout Request")			\
	X(0x10, SNACK_REQ,	"SNACK Request")			\
	X(0x20, NOP_IN,		"NOP-In")				\
	X(0x21, SCSI_RSP,	"SCSI Response")			\
	X(0x22, TMF_RSP,	"TMF Response")				\
	X(0x23, LOGIN_RSP,	"Login Response")			\
	X(0x24, TEXT_RSP,	"Text Response")			\
	X(0x25, DATA_IN,	"SCSI Data-In")				\
	X(0x26, LOGOUT_RSP,	"Logout Response")			\
	X(0x31, R2T,		"R2T")					\
	X(0x32, ASYNC,		"Async Message")			\
	X(0x3f, REJECT,		"Reject")

/* RFC 7143 11.2.2: AHS types. */
#define PDU_AHS_TYPE_TABLE(X)						\
	X(1, EXT_CDB,		"Extended CDB")				\
	X(2, BIDI_READ_LEN,	"Bidirectional Read Expected Data Transfer Length")

/* RFC 7143 11.4.3: iSCSI service response in SCSI Response. */
#define PDU_SCSI_RESP_TABLE(X)						\
	X(0x00, COMPLETED,	"Command Completed at Target")		\
	X(0x01, TARGET_FAILURE,	"Target Failure")

/* RFC 7143 11.12.3: login stages (CSG/NSG). */
#define PDU_STAGE_TABLE(X)						\
	X(0, SECURITY,		"SecurityNegotiation")			\
	X(1, OPERATIONAL,	"LoginOperationalNegotiation")		\
	X(3, FULL_FEATURE,	"FullFeaturePhase")

/*
 * Result codes.  X(SYMBOL, class, "text"); the class says how far the
 * PDU could be understood (enum pdu_class).
 */
#define PDU_STATUS_TABLE(X)						\
	X(OK,		NONE,	 "no error")				\
	X(ETRUNC,	FRAMING, "PDU truncated")			\
	X(EHDIGEST,	FRAMING, "header digest mismatch")		\
	X(ERXDEAD,	FRAMING, "receive stream lost framing")		\
	X(EOVERSIZE,	LIMIT,	 "DataSegmentLength exceeds MaxRecvDataSegmentLength") \
	X(EDDIGEST,	DIGEST,	 "data digest mismatch")		\
	X(EOPCODE,	FIELD,	 "unknown opcode")			\
	X(ERESERVED,	FIELD,	 "reserved field not zero")		\
	X(EAHS,		FIELD,	 "malformed AHS")			\
	X(EFIELD,	FIELD,	 "illegal field value")			\
	X(ENOSPC,	ENCODE,	 "output buffer too small")		\
	X(EINVAL,	ENCODE,	 "PDU cannot be expressed on the wire")

#define PDU_X_ENUM(prefix)	PDU_X_ENUM_##prefix
#define PDU_X_ENUM_OP(v, s, t)		PDU_OP_##s = (v),
#define PDU_X_ENUM_AHS(v, s, t)		PDU_AHS_##s = (v),
#define PDU_X_ENUM_SRSP(v, s, t)	PDU_SCSI_RSP_##s = (v),
#define PDU_X_ENUM_STAGE(v, s, t)	PDU_STAGE_##s = (v),
#define PDU_X_ENUM_STATUS(s, c, t)	PDU_##s,

enum pdu_opcode		{ PDU_OPCODE_TABLE(PDU_X_ENUM_OP) };
enum pdu_ahs_type	{ PDU_AHS_TYPE_TABLE(PDU_X_ENUM_AHS) };
enum pdu_scsi_resp	{ PDU_SCSI_RESP_TABLE(PDU_X_ENUM_SRSP) };
enum pdu_stage		{ PDU_STAGE_TABLE(PDU_X_ENUM_STAGE) };
enum pdu_status		{ PDU_STATUS_TABLE(PDU_X_ENUM_STATUS) };

/* How far a PDU with a given status was understood. */
enum pdu_class {
	PDU_CLASS_NONE,		/* fine */
	PDU_CLASS_FRAMING,	/* cannot frame: length unknown or untrusted */
	PDU_CLASS_LIMIT,	/* header decoded, data segment too large (skipped) */
	PDU_CLASS_DIGEST,	/* framed, fields decoded, data segment corrupt */
	PDU_CLASS_FIELD,	/* framed and decoded, but a field is illegal */
	PDU_CLASS_ENCODE	/* encoder refused */
};

/*
 * Names; NULL when the value is not in the table.  TMF, Logout, SNACK,
 * Async and Reject codes are named by the catalog (catalog.h).
 */
const char	*pdu_opcode_name(unsigned opcode);
const char	*pdu_ahs_type_name(unsigned type);
const char	*pdu_scsi_resp_name(unsigned resp);
const char	*pdu_stage_name(unsigned stage);
/* Never NULL. */
const char	*pdu_strerror(int status);
enum pdu_class	 pdu_status_class(int status);

bool	pdu_opcode_known(unsigned opcode);
/* True for opcodes an initiator sends (< 0x20). */
bool	pdu_opcode_is_initiator(unsigned opcode);
/* Short names, the table symbols in lower case ("scsi_cmd", "login_rsp"):
 * opcode or -1; name or NULL. */
int		 pdu_opcode_lookup(const char *name);
const char	*pdu_opcode_short_name(unsigned opcode);

/* ---- the decoded / to-be-encoded PDU ------------------------------------ */

struct pdu_digest_opts {
	bool		header;		/* HeaderDigest=CRC32C in force */
	bool		data;		/* DataDigest=CRC32C in force */
	/* Encode only: XORed into the computed digest (0 = correct digest). */
	uint32_t	header_xor;
	uint32_t	data_xor;
};

/*
 * One AHS (RFC 7143 11.2.1.5): AHSLength, AHSType (whole byte, including
 * its two reserved bits), the first AHS-specific byte (reserved for the
 * two defined types) and the len - 1 AHS-specific bytes after it.  data
 * NULL means "use inl" (up to 4 bytes).
 */
struct pdu_ahs {
	uint16_t	 len;
	uint8_t		 type;
	uint8_t		 specific;
	const uint8_t	*data;
	uint8_t		 inl[4];
};

struct pdu_nop_out {
	uint32_t	ttt, cmdsn, expstatsn;
};

struct pdu_scsi_cmd {
	bool		read, write;	/* R, W */
	uint8_t		attr;		/* ATTR (3 bits) */
	uint32_t	edtl;		/* ExpectedDataTransferLength */
	uint32_t	cmdsn, expstatsn;
	uint8_t		cdb[PDU_CDB_LEN];
};

struct pdu_tmf_req {
	uint8_t		function;	/* 7 bits */
	uint32_t	ref_task_tag, cmdsn, expstatsn, ref_cmdsn, exp_datasn;
};

struct pdu_login_req {
	bool		transit, cont;	/* T, C */
	uint8_t		csg, nsg;
	uint8_t		version_max, version_min;
	uint8_t		isid[6];
	uint16_t	tsih, cid;
	uint32_t	cmdsn, expstatsn;
};

struct pdu_text_req {
	bool		cont;		/* C */
	uint32_t	ttt, cmdsn, expstatsn;
};

struct pdu_data_out {
	uint32_t	ttt, expstatsn, datasn, buffer_offset;
};

struct pdu_logout_req {
	uint8_t		reason;		/* 7 bits */
	uint16_t	cid;
	uint32_t	cmdsn, expstatsn;
};

struct pdu_snack {
	uint8_t		type;		/* 4 bits */
	uint32_t	ttt;		/* TTT or SNACK Tag */
	uint32_t	expstatsn, begrun, runlength;
};

struct pdu_nop_in {
	uint32_t	ttt, statsn, expcmdsn, maxcmdsn;
};

struct pdu_scsi_rsp {
	bool		bidi_overflow;	/* o */
	bool		bidi_underflow;	/* u */
	bool		overflow;	/* O */
	bool		underflow;	/* U */
	uint8_t		response, status;
	uint32_t	snack_tag, statsn, expcmdsn, maxcmdsn, exp_datasn;
	uint32_t	bidi_residual, residual;
};

struct pdu_tmf_rsp {
	uint8_t		response;
	uint32_t	statsn, expcmdsn, maxcmdsn;
};

struct pdu_login_rsp {
	bool		transit, cont;	/* T, C */
	uint8_t		csg, nsg;
	uint8_t		version_max, version_active;
	uint8_t		isid[6];
	uint16_t	tsih;
	uint32_t	statsn, expcmdsn, maxcmdsn;
	uint8_t		status_class, status_detail;
};

struct pdu_text_rsp {
	bool		cont;		/* C */
	uint32_t	ttt, statsn, expcmdsn, maxcmdsn;
};

struct pdu_data_in {
	bool		ack;		/* A */
	bool		overflow;	/* O */
	bool		underflow;	/* U */
	bool		status_present;	/* S */
	uint8_t		status;
	uint32_t	ttt, statsn, expcmdsn, maxcmdsn, datasn, buffer_offset;
	uint32_t	residual;
};

struct pdu_logout_rsp {
	uint8_t		response;
	uint32_t	statsn, expcmdsn, maxcmdsn;
	uint16_t	time2wait, time2retain;
};

struct pdu_r2t {
	uint32_t	ttt, statsn, expcmdsn, maxcmdsn, r2tsn, buffer_offset;
	uint32_t	ddtl;		/* DesiredDataTransferLength */
};

struct pdu_async {
	uint8_t		event, vcode;	/* AsyncEvent, AsyncVCode */
	uint16_t	param1, param2, param3;
	uint32_t	statsn, expcmdsn, maxcmdsn;
};

struct pdu_reject {
	uint8_t		reason;
	uint32_t	statsn, expcmdsn, maxcmdsn;
	uint32_t	datasn;		/* DataSN/R2TSN */
};

struct pdu {
	/* Common BHS fields. */
	uint8_t		opcode;		/* 6 bits */
	bool		immediate;	/* I */
	bool		final;		/* F (Login PDUs: unused, see transit) */
	uint8_t		flags;		/* byte 1 as decoded; ignored by encode */
	uint8_t		total_ahs_len;	/* TotalAHSLength, 4-byte words */
	uint32_t	dsl;		/* DataSegmentLength */
	uint64_t	lun;		/* LUN (where the opcode has one) */
	uint32_t	itt;		/* Initiator Task Tag */

	union {
		struct pdu_nop_out	nop_out;
		struct pdu_scsi_cmd	scsi_cmd;
		struct pdu_tmf_req	tmf_req;
		struct pdu_login_req	login_req;
		struct pdu_text_req	text_req;
		struct pdu_data_out	data_out;
		struct pdu_logout_req	logout_req;
		struct pdu_snack	snack;
		struct pdu_nop_in	nop_in;
		struct pdu_scsi_rsp	scsi_rsp;
		struct pdu_tmf_rsp	tmf_rsp;
		struct pdu_login_rsp	login_rsp;
		struct pdu_text_rsp	text_rsp;
		struct pdu_data_in	data_in;
		struct pdu_logout_rsp	logout_rsp;
		struct pdu_r2t		r2t;
		struct pdu_async	async;
		struct pdu_reject	reject;
	} u;

	/*
	 * BHS bits that are reserved for this opcode (and every opcode-specific
	 * byte of an unknown opcode), as received.  The encoder ORs all 48
	 * bytes into the BHS it built, so any bit can be forced on purpose.
	 */
	uint8_t		rsvd[PDU_BHS_LEN];

	/* Additional header segments. */
	unsigned	ahs_count;
	struct pdu_ahs	ahs[PDU_AHS_MAX];
	/* Decode only: the two defined AHS types, interpreted. */
	const uint8_t	*ext_cdb;	/* CDB bytes 16.. (Extended CDB AHS) */
	uint16_t	ext_cdb_len;
	bool		has_bidi_read_len;
	uint32_t	bidi_read_len;

	/* Data segment (without padding). */
	const uint8_t	*data;
	uint32_t	data_len;

	/* Decode only: digests as received (CRC32C values). */
	bool		has_hdigest, has_ddigest;
	uint32_t	hdigest, ddigest;

	/* Decode only: the whole PDU as received. */
	const uint8_t	*wire;
	size_t		wire_len;

	/* Encode controls for deliberately inconsistent PDUs. */
	bool		dsl_override;	 /* write dsl, not data_len */
	bool		ahs_len_override;/* write total_ahs_len, not the AHS size */
};

struct pdu_error {
	enum pdu_status	code;
	const char	*field;		/* RFC field name, or NULL */
	uint64_t	value;		/* offending value */
	uint64_t	expected;	/* what the rule wanted (rule-specific) */
	char		msg[160];
};

/*
 * Zero *p and set what RFC 7143 fixes for this opcode: the F bit where it
 * is always 1, the I bit of Login Requests, reserved-value tags
 * (0xffffffff) for TTT/ITT where the PDU does not carry one yet.
 */
void	pdu_init(struct pdu *p, uint8_t opcode);
void	pdu_set_data(struct pdu *p, const void *data, uint32_t len);
/* Append an AHS; -1 when PDU_AHS_MAX are already present. */
int	pdu_add_ahs(struct pdu *p, uint8_t type, uint8_t specific,
	    const uint8_t *data, uint16_t len);
/* Extended CDB AHS carrying CDB bytes 16..16+n-1. */
int	pdu_add_ext_cdb(struct pdu *p, const uint8_t *cdb_tail, uint16_t n);
int	pdu_add_bidi_read_len(struct pdu *p, uint32_t len);

/* Bytes pdu_encode() will write. */
size_t	pdu_encoded_len(const struct pdu *p, const struct pdu_digest_opts *d);

/*
 * Encode p into buf.  Nothing is validated: reserved bits (p->rsvd), an
 * unknown opcode, a wrong DataSegmentLength (dsl_override) or
 * TotalAHSLength (ahs_len_override) and corrupt digests (d->*_xor) are
 * written as asked.  Returns PDU_OK, PDU_ENOSPC or PDU_EINVAL (data_len or
 * AHS too large for their length fields).  d may be NULL (no digests).
 */
int	pdu_encode(const struct pdu *p, const struct pdu_digest_opts *d,
	    uint8_t *buf, size_t bufsz, size_t *outlen);

/*
 * Decode the PDU at the start of buf (trailing bytes are not looked at;
 * out->wire_len says how many bytes the PDU took).  Pointers in *out point
 * into buf.  Returns PDU_OK or the first problem found, with details in
 * *err (may be NULL):
 *   FRAMING class   nothing after the BHS can be trusted (*out has the
 *                   BHS fields when at least 48 bytes were there);
 *   DIGEST class    *out fully decoded, data segment corrupt;
 *   FIELD class     *out fully decoded, err names the illegal field.
 * d may be NULL (no digests).
 */
int	pdu_decode(const uint8_t *buf, size_t len, const struct pdu_digest_opts *d,
	    struct pdu *out, struct pdu_error *err);

/*
 * Length of the PDU whose BHS starts at bhs (48 bytes available), from
 * its TotalAHSLength and DataSegmentLength.
 */
size_t	pdu_wire_len(const uint8_t *bhs, const struct pdu_digest_opts *d);

/* Check p against RFC 7143 chapter 11.  Returns PDU_OK or a FIELD-class code. */
int	pdu_validate(const struct pdu *p, struct pdu_error *err);

/*
 * A BHS field by name (proto/pdu_fields.c): the RFC 7143 name of one of
 * the opcode's fields ("CmdSN", "Time2Wait", "Status-Class", "ISID")
 * matched ignoring case, spaces and punctuation ("cmdsn", "status_class";
 * a single-letter flag matches its exact case first: SCSI Response "O"
 * vs "o"), the aliases ttt, edtl, ddtl, or a field every PDU has: opcode,
 * immediate, flags (byte 1), dsl, itt, lun, totalahslength.  Byte fields
 * (ISID) read as a big-endian number.  Returns 0, or -1 when this opcode
 * has no such field.
 */
int	pdu_field_get(const struct pdu *p, const char *name, uint64_t *value);
/* Is name a field of this opcode (opcode < 0: of any defined opcode)? */
bool	pdu_field_exists(int opcode, const char *name);

/* ---- resumable receive path --------------------------------------------- */

enum pdu_rx_state {
	PDU_RX_BHS,
	PDU_RX_AHS,
	PDU_RX_HDIGEST,
	PDU_RX_DATA,
	PDU_RX_DDIGEST,
	PDU_RX_DISCARD,		/* skipping an oversize data segment */
	PDU_RX_DEAD		/* framing lost (header digest error) */
};

struct pdu_rx {
	uint32_t		max_dsl;	/* MaxRecvDataSegmentLength */
	struct pdu_digest_opts	cur;		/* digests for the PDU in progress */
	struct pdu_digest_opts	next;		/* from the next PDU on */
	enum pdu_rx_state	state;
	uint8_t			*buf;
	size_t			cap;
	size_t			have;		/* bytes of the current PDU in buf */
	size_t			hdr_end;	/* BHS + AHS */
	size_t			data_end;	/* ... + header digest + data + pad */
	size_t			pdu_end;	/* ... + data digest */
	size_t			skip;		/* bytes left to discard */
	uint64_t		pdus;		/* PDUs delivered (any status) */
	uint64_t		errors;		/* of which with status != OK */
	struct pdu		pdu;
	struct pdu_error	err;
	/* data placement (pdu_rx_set_placement) */
	uint8_t			*(*place_fn)(void *arg, const struct pdu *hdr);
	void			*place_arg;
	uint8_t			*place;		/* data segment of this PDU, or NULL */
	size_t			data_off;	/* where the data segment starts */
};

/*
 * Called once per PDU.  err->code is PDU_OK or the problem; p and its
 * pointers are valid only during the call.  The callback may change the
 * digest settings (pdu_rx_set_digests); they apply from the next PDU.
 * Return 0 to go on, non-zero to make pdu_rx_feed() return at once.
 */
typedef int (*pdu_rx_fn)(void *arg, const struct pdu *p,
    const struct pdu_error *err);

/* max_dsl: largest DataSegmentLength accepted.  Returns 0 or -1 (ENOMEM). */
int	pdu_rx_init(struct pdu_rx *rx, uint32_t max_dsl);
void	pdu_rx_free(struct pdu_rx *rx);
/* Start over at a PDU boundary (after a framing loss, a reconnect...). */
void	pdu_rx_reset(struct pdu_rx *rx);
/* Takes effect at the next PDU boundary (immediately when idle). */
void	pdu_rx_set_digests(struct pdu_rx *rx, bool header, bool data);
int	pdu_rx_set_max_dsl(struct pdu_rx *rx, uint32_t max_dsl);

/*
 * Data placement: once the header of a PDU with a data segment is decoded
 * (header digest good, DataSegmentLength within the limit), fn may return
 * where its DataSegmentLength bytes go (room for hdr->dsl bytes), or NULL
 * for the receive buffer.  The delivered PDU's data then points there and
 * its wire holds the header only.  The header is not validated yet: fn
 * must check what it relies on.  fn NULL turns placement off.
 */
void	pdu_rx_set_placement(struct pdu_rx *rx,
	    uint8_t *(*fn)(void *arg, const struct pdu *hdr), void *arg);
/*
 * While a placed data segment is arriving: where its next bytes go and how
 * many are still due (0: none), so a reader can receive them there
 * directly, then report them with pdu_rx_direct_done() and feed the rest.
 */
size_t	pdu_rx_direct(const struct pdu_rx *rx, uint8_t **dst);
void	pdu_rx_direct_done(struct pdu_rx *rx, size_t n);
/*
 * The placement target is going away: what arrived there is copied back
 * into the receive buffer and the PDU goes on as if never placed.
 */
void	pdu_rx_unplace(struct pdu_rx *rx);

/*
 * Feed len bytes.  Returns the number of bytes consumed (len unless the
 * callback asked to stop), or -1 once the stream has lost framing (a
 * header digest error, reported to the callback first); pdu_rx_reset()
 * re-arms it.  Oversize data segments are reported (PDU_EOVERSIZE) and
 * skipped, so the stream stays framed.
 */
ssize_t	pdu_rx_feed(struct pdu_rx *rx, const uint8_t *buf, size_t len,
	    pdu_rx_fn fn, void *arg);

#endif
