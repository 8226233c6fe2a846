/*
 * BHS layouts of every opcode, transcribed from the PDU diagrams of
 * RFC 7143 chapter 11.  Bytes 0 (I bit, opcode), 4-7 (TotalAHSLength,
 * DataSegmentLength) and 16-19 (Initiator Task Tag) are common to all
 * PDUs and handled by the codec itself; everything else is listed here.
 */
#include <string.h>

#include "bytes.h"
#include "pdu_layout.h"

#define M(x)			((uint16_t)offsetof(struct pdu, x))
#define BOOLF(n, o, m, x)	{ (n), PDU_FK_BOOL, (o), (m), M(x) }
#define BITS(n, o, m, x)	{ (n), PDU_FK_BITS, (o), (m), M(x) }
#define U8(n, o, x)		{ (n), PDU_FK_U8, (o), 0, M(x) }
#define U16(n, o, x)		{ (n), PDU_FK_U16, (o), 0, M(x) }
#define U32(n, o, x)		{ (n), PDU_FK_U32, (o), 0, M(x) }
#define BYTES(n, o, l, x)	{ (n), PDU_FK_BYTES, (o), (l), M(x) }
#define RSVB(o, m)		{ "Reserved (byte " #o " mask " #m ")",	\
				    PDU_FK_RSVD_BITS, (o), (m), 0 }
#define RSV(a, b)		{ "Reserved (bytes " #a "-" #b ")",	\
				    PDU_FK_RSVD, (a), (b) - (a) + 1, 0 }
#define OPAQUE(a, b)		{ "Opcode-specific (bytes " #a "-" #b ")", \
				    PDU_FK_RSVD, (a), (b) - (a) + 1, 0 }
#define FBIT			BOOLF("F", 1, 0x80, final)
#define LUN			{ "LUN", PDU_FK_U64, 8, 0, M(lun) }

/* RFC 7143 11.18 */
static const struct pdu_field nop_out_fields[] = {
	FBIT, RSVB(1, 0x7f), RSV(2, 3), LUN,
	U32("Target Transfer Tag", 20, u.nop_out.ttt),
	U32("CmdSN", 24, u.nop_out.cmdsn),
	U32("ExpStatSN", 28, u.nop_out.expstatsn),
	RSV(32, 39), RSV(40, 47)
};

/* RFC 7143 11.3 */
static const struct pdu_field scsi_cmd_fields[] = {
	FBIT,
	BOOLF("R", 1, 0x40, u.scsi_cmd.read),
	BOOLF("W", 1, 0x20, u.scsi_cmd.write),
	RSVB(1, 0x18),
	BITS("ATTR", 1, 0x07, u.scsi_cmd.attr),
	RSV(2, 3), LUN,
	U32("Expected Data Transfer Length", 20, u.scsi_cmd.edtl),
	U32("CmdSN", 24, u.scsi_cmd.cmdsn),
	U32("ExpStatSN", 28, u.scsi_cmd.expstatsn),
	BYTES("CDB", 32, PDU_CDB_LEN, u.scsi_cmd.cdb)
};

/* RFC 7143 11.5 */
static const struct pdu_field tmf_req_fields[] = {
	FBIT,
	BITS("Function", 1, 0x7f, u.tmf_req.function),
	RSV(2, 3), LUN,
	U32("Referenced Task Tag", 20, u.tmf_req.ref_task_tag),
	U32("CmdSN", 24, u.tmf_req.cmdsn),
	U32("ExpStatSN", 28, u.tmf_req.expstatsn),
	U32("RefCmdSN", 32, u.tmf_req.ref_cmdsn),
	U32("ExpDataSN", 36, u.tmf_req.exp_datasn),
	RSV(40, 47)
};

/* RFC 7143 11.12 */
static const struct pdu_field login_req_fields[] = {
	BOOLF("T", 1, 0x80, u.login_req.transit),
	BOOLF("C", 1, 0x40, u.login_req.cont),
	RSVB(1, 0x30),
	BITS("CSG", 1, 0x0c, u.login_req.csg),
	BITS("NSG", 1, 0x03, u.login_req.nsg),
	U8("Version-max", 2, u.login_req.version_max),
	U8("Version-min", 3, u.login_req.version_min),
	BYTES("ISID", 8, 6, u.login_req.isid),
	U16("TSIH", 14, u.login_req.tsih),
	U16("CID", 20, u.login_req.cid),
	RSV(22, 23),
	U32("CmdSN", 24, u.login_req.cmdsn),
	U32("ExpStatSN", 28, u.login_req.expstatsn),
	RSV(32, 39), RSV(40, 47)
};

/* RFC 7143 11.10 */
static const struct pdu_field text_req_fields[] = {
	FBIT,
	BOOLF("C", 1, 0x40, u.text_req.cont),
	RSVB(1, 0x3f), RSV(2, 3), LUN,
	U32("Target Transfer Tag", 20, u.text_req.ttt),
	U32("CmdSN", 24, u.text_req.cmdsn),
	U32("ExpStatSN", 28, u.text_req.expstatsn),
	RSV(32, 39), RSV(40, 47)
};

/* RFC 7143 11.7 */
static const struct pdu_field data_out_fields[] = {
	FBIT, RSVB(1, 0x7f), RSV(2, 3), LUN,
	U32("Target Transfer Tag", 20, u.data_out.ttt),
	RSV(24, 27),
	U32("ExpStatSN", 28, u.data_out.expstatsn),
	RSV(32, 35),
	U32("DataSN", 36, u.data_out.datasn),
	U32("Buffer Offset", 40, u.data_out.buffer_offset),
	RSV(44, 47)
};

/* RFC 7143 11.14 */
static const struct pdu_field logout_req_fields[] = {
	FBIT,
	BITS("Reason Code", 1, 0x7f, u.logout_req.reason),
	RSV(2, 3), RSV(8, 15),
	U16("CID", 20, u.logout_req.cid),
	RSV(22, 23),
	U32("CmdSN", 24, u.logout_req.cmdsn),
	U32("ExpStatSN", 28, u.logout_req.expstatsn),
	RSV(32, 39), RSV(40, 47)
};

/* RFC 7143 11.16 */
static const struct pdu_field snack_fields[] = {
	FBIT, RSVB(1, 0x70),
	BITS("Type", 1, 0x0f, u.snack.type),
	RSV(2, 3), LUN,
	U32("Target Transfer Tag or SNACK Tag", 20, u.snack.ttt),
	RSV(24, 27),
	U32("ExpStatSN", 28, u.snack.expstatsn),
	RSV(32, 39),
	U32("BegRun", 40, u.snack.begrun),
	U32("RunLength", 44, u.snack.runlength)
};

/* RFC 7143 11.19 */
static const struct pdu_field nop_in_fields[] = {
	FBIT, RSVB(1, 0x7f), RSV(2, 3), LUN,
	U32("Target Transfer Tag", 20, u.nop_in.ttt),
	U32("StatSN", 24, u.nop_in.statsn),
	U32("ExpCmdSN", 28, u.nop_in.expcmdsn),
	U32("MaxCmdSN", 32, u.nop_in.maxcmdsn),
	RSV(36, 39), RSV(40, 47)
};

/* RFC 7143 11.4 */
static const struct pdu_field scsi_rsp_fields[] = {
	FBIT, RSVB(1, 0x60),
	BOOLF("o", 1, 0x10, u.scsi_rsp.bidi_overflow),
	BOOLF("u", 1, 0x08, u.scsi_rsp.bidi_underflow),
	BOOLF("O", 1, 0x04, u.scsi_rsp.overflow),
	BOOLF("U", 1, 0x02, u.scsi_rsp.underflow),
	RSVB(1, 0x01),
	U8("Response", 2, u.scsi_rsp.response),
	U8("Status", 3, u.scsi_rsp.status),
	RSV(8, 15),
	U32("SNACK Tag", 20, u.scsi_rsp.snack_tag),
	U32("StatSN", 24, u.scsi_rsp.statsn),
	U32("ExpCmdSN", 28, u.scsi_rsp.expcmdsn),
	U32("MaxCmdSN", 32, u.scsi_rsp.maxcmdsn),
	U32("ExpDataSN", 36, u.scsi_rsp.exp_datasn),
	U32("Bidirectional Read Residual Count", 40, u.scsi_rsp.bidi_residual),
	U32("Residual Count", 44, u.scsi_rsp.residual)
};

/* RFC 7143 11.6 */
static const struct pdu_field tmf_rsp_fields[] = {
	FBIT, RSVB(1, 0x7f),
	U8("Response", 2, u.tmf_rsp.response),
	RSV(3, 3), RSV(8, 15), RSV(20, 23),
	U32("StatSN", 24, u.tmf_rsp.statsn),
	U32("ExpCmdSN", 28, u.tmf_rsp.expcmdsn),
	U32("MaxCmdSN", 32, u.tmf_rsp.maxcmdsn),
	RSV(36, 39), RSV(40, 47)
};

/* RFC 7143 11.13 */
static const struct pdu_field login_rsp_fields[] = {
	BOOLF("T", 1, 0x80, u.login_rsp.transit),
	BOOLF("C", 1, 0x40, u.login_rsp.cont),
	RSVB(1, 0x30),
	BITS("CSG", 1, 0x0c, u.login_rsp.csg),
	BITS("NSG", 1, 0x03, u.login_rsp.nsg),
	U8("Version-max", 2, u.login_rsp.version_max),
	U8("Version-active", 3, u.login_rsp.version_active),
	BYTES("ISID", 8, 6, u.login_rsp.isid),
	U16("TSIH", 14, u.login_rsp.tsih),
	RSV(20, 23),
	U32("StatSN", 24, u.login_rsp.statsn),
	U32("ExpCmdSN", 28, u.login_rsp.expcmdsn),
	U32("MaxCmdSN", 32, u.login_rsp.maxcmdsn),
	U8("Status-Class", 36, u.login_rsp.status_class),
	U8("Status-Detail", 37, u.login_rsp.status_detail),
	RSV(38, 39), RSV(40, 47)
};

/* RFC 7143 11.11 */
static const struct pdu_field text_rsp_fields[] = {
	FBIT,
	BOOLF("C", 1, 0x40, u.text_rsp.cont),
	RSVB(1, 0x3f), RSV(2, 3), LUN,
	U32("Target Transfer Tag", 20, u.text_rsp.ttt),
	U32("StatSN", 24, u.text_rsp.statsn),
	U32("ExpCmdSN", 28, u.text_rsp.expcmdsn),
	U32("MaxCmdSN", 32, u.text_rsp.maxcmdsn),
	RSV(36, 39), RSV(40, 47)
};

/* RFC 7143 11.7 */
static const struct pdu_field data_in_fields[] = {
	FBIT,
	BOOLF("A", 1, 0x40, u.data_in.ack),
	RSVB(1, 0x38),
	BOOLF("O", 1, 0x04, u.data_in.overflow),
	BOOLF("U", 1, 0x02, u.data_in.underflow),
	BOOLF("S", 1, 0x01, u.data_in.status_present),
	RSV(2, 2),
	U8("Status", 3, u.data_in.status),
	LUN,
	U32("Target Transfer Tag", 20, u.data_in.ttt),
	U32("StatSN", 24, u.data_in.statsn),
	U32("ExpCmdSN", 28, u.data_in.expcmdsn),
	U32("MaxCmdSN", 32, u.data_in.maxcmdsn),
	U32("DataSN", 36, u.data_in.datasn),
	U32("Buffer Offset", 40, u.data_in.buffer_offset),
	U32("Residual Count", 44, u.data_in.residual)
};

/* RFC 7143 11.15 */
static const struct pdu_field logout_rsp_fields[] = {
	FBIT, RSVB(1, 0x7f),
	U8("Response", 2, u.logout_rsp.response),
	RSV(3, 3), RSV(8, 15), RSV(20, 23),
	U32("StatSN", 24, u.logout_rsp.statsn),
	U32("ExpCmdSN", 28, u.logout_rsp.expcmdsn),
	U32("MaxCmdSN", 32, u.logout_rsp.maxcmdsn),
	RSV(36, 39),
	U16("Time2Wait", 40, u.logout_rsp.time2wait),
	U16("Time2Retain", 42, u.logout_rsp.time2retain),
	RSV(44, 47)
};

/* RFC 7143 11.8 */
static const struct pdu_field r2t_fields[] = {
	FBIT, RSVB(1, 0x7f), RSV(2, 3), LUN,
	U32("Target Transfer Tag", 20, u.r2t.ttt),
	U32("StatSN", 24, u.r2t.statsn),
	U32("ExpCmdSN", 28, u.r2t.expcmdsn),
	U32("MaxCmdSN", 32, u.r2t.maxcmdsn),
	U32("R2TSN", 36, u.r2t.r2tsn),
	U32("Buffer Offset", 40, u.r2t.buffer_offset),
	U32("Desired Data Transfer Length", 44, u.r2t.ddtl)
};

/* RFC 7143 11.9 */
static const struct pdu_field async_fields[] = {
	FBIT, RSVB(1, 0x7f), RSV(2, 3), LUN, RSV(20, 23),
	U32("StatSN", 24, u.async.statsn),
	U32("ExpCmdSN", 28, u.async.expcmdsn),
	U32("MaxCmdSN", 32, u.async.maxcmdsn),
	U8("AsyncEvent", 36, u.async.event),
	U8("AsyncVCode", 37, u.async.vcode),
	U16("Parameter1", 38, u.async.param1),
	U16("Parameter2", 40, u.async.param2),
	U16("Parameter3", 42, u.async.param3),
	RSV(44, 47)
};

/* RFC 7143 11.17 */
static const struct pdu_field reject_fields[] = {
	FBIT, RSVB(1, 0x7f),
	U8("Reason", 2, u.reject.reason),
	RSV(3, 3), RSV(8, 15), RSV(20, 23),
	U32("StatSN", 24, u.reject.statsn),
	U32("ExpCmdSN", 28, u.reject.expcmdsn),
	U32("MaxCmdSN", 32, u.reject.maxcmdsn),
	U32("DataSN/R2TSN", 36, u.reject.datasn),
	RSV(40, 47)
};

/* Unknown opcode: every opcode-specific byte is kept opaque in rsvd. */
static const struct pdu_field unknown_fields[] = {
	{ "Opcode-specific (byte 1)", PDU_FK_RSVD_BITS, 1, 0xff, 0 },
	OPAQUE(2, 3), OPAQUE(8, 15), OPAQUE(20, 27), OPAQUE(28, 35),
	OPAQUE(36, 43), OPAQUE(44, 47)
};

#define LAYOUT(f, fl)	{ (f), sizeof(f) / sizeof((f)[0]), PDU_LF_KNOWN | (fl) }

static const struct pdu_layout layouts[64] = {
	[PDU_OP_NOP_OUT]    = LAYOUT(nop_out_fields, PDU_LF_F_ONE | PDU_LF_I_OK),
	[PDU_OP_SCSI_CMD]   = LAYOUT(scsi_cmd_fields, PDU_LF_I_OK),
	[PDU_OP_TMF_REQ]    = LAYOUT(tmf_req_fields,
	    PDU_LF_F_ONE | PDU_LF_NO_DATA | PDU_LF_I_OK),
	[PDU_OP_LOGIN_REQ]  = LAYOUT(login_req_fields, PDU_LF_I_OK | PDU_LF_I_ONE),
	[PDU_OP_TEXT_REQ]   = LAYOUT(text_req_fields, PDU_LF_I_OK),
	[PDU_OP_DATA_OUT]   = LAYOUT(data_out_fields, 0),
	[PDU_OP_LOGOUT_REQ] = LAYOUT(logout_req_fields,
	    PDU_LF_F_ONE | PDU_LF_NO_DATA | PDU_LF_I_OK),
	[PDU_OP_SNACK_REQ]  = LAYOUT(snack_fields, PDU_LF_F_ONE | PDU_LF_NO_DATA),
	[PDU_OP_NOP_IN]     = LAYOUT(nop_in_fields, PDU_LF_F_ONE),
	[PDU_OP_SCSI_RSP]   = LAYOUT(scsi_rsp_fields, PDU_LF_F_ONE),
	[PDU_OP_TMF_RSP]    = LAYOUT(tmf_rsp_fields, PDU_LF_F_ONE | PDU_LF_NO_DATA),
	[PDU_OP_LOGIN_RSP]  = LAYOUT(login_rsp_fields, 0),
	[PDU_OP_TEXT_RSP]   = LAYOUT(text_rsp_fields, 0),
	[PDU_OP_DATA_IN]    = LAYOUT(data_in_fields, 0),
	[PDU_OP_LOGOUT_RSP] = LAYOUT(logout_rsp_fields,
	    PDU_LF_F_ONE | PDU_LF_NO_DATA),
	[PDU_OP_R2T]        = LAYOUT(r2t_fields, PDU_LF_F_ONE | PDU_LF_NO_DATA),
	[PDU_OP_ASYNC]      = LAYOUT(async_fields, PDU_LF_F_ONE),
	[PDU_OP_REJECT]     = LAYOUT(reject_fields, PDU_LF_F_ONE)
};

static const struct pdu_layout unknown_layout = {
	unknown_fields, sizeof(unknown_fields) / sizeof(unknown_fields[0]), 0
};

const struct pdu_layout *
pdu_layout_get(unsigned opcode)
{
	if (opcode < 64 && layouts[opcode].fields != NULL)
		return &layouts[opcode];
	return &unknown_layout;
}

static unsigned
mask_shift(uint8_t mask)
{
	unsigned s = 0;

	while (s < 8 && !(mask & (1u << s)))
		s++;
	return s;
}

static uint64_t
get_be_n(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

uint64_t
pdu_field_value(const struct pdu *p, const struct pdu_field *f)
{
	const unsigned char *base = (const unsigned char *)p + f->member;

	switch (f->kind) {
	case PDU_FK_BOOL:
		return *(const bool *)base;
	case PDU_FK_BITS:
	case PDU_FK_U8:
		return *base;
	case PDU_FK_U16:
		return *(const uint16_t *)base;
	case PDU_FK_U32:
		return *(const uint32_t *)base;
	case PDU_FK_U64:
		return *(const uint64_t *)base;
	case PDU_FK_BYTES:
		return get_be_n(base, f->arg < 8 ? f->arg : 8);
	case PDU_FK_RSVD_BITS:
		return p->rsvd[f->off] & f->arg;
	case PDU_FK_RSVD:
		return get_be_n(p->rsvd + f->off, f->arg);
	}
	return 0;
}

void
pdu_layout_decode(const uint8_t *bhs, struct pdu *p)
{
	const struct pdu_layout *l = pdu_layout_get(p->opcode);
	unsigned char *base;
	size_t i;

	for (i = 0; i < l->nfields; i++) {
		const struct pdu_field *f = &l->fields[i];

		base = (unsigned char *)p + f->member;
		switch (f->kind) {
		case PDU_FK_BOOL:
			*(bool *)base = (bhs[f->off] & f->arg) != 0;
			break;
		case PDU_FK_BITS:
			*base = (uint8_t)((bhs[f->off] & f->arg) >>
			    mask_shift(f->arg));
			break;
		case PDU_FK_U8:
			*base = bhs[f->off];
			break;
		case PDU_FK_U16:
			*(uint16_t *)base = get_be16(bhs + f->off);
			break;
		case PDU_FK_U32:
			*(uint32_t *)base = get_be32(bhs + f->off);
			break;
		case PDU_FK_U64:
			*(uint64_t *)base = get_be64(bhs + f->off);
			break;
		case PDU_FK_BYTES:
			memcpy(base, bhs + f->off, f->arg);
			break;
		case PDU_FK_RSVD_BITS:
			p->rsvd[f->off] |= bhs[f->off] & f->arg;
			break;
		case PDU_FK_RSVD:
			memcpy(p->rsvd + f->off, bhs + f->off, f->arg);
			break;
		}
	}
}

void
pdu_layout_encode(const struct pdu *p, uint8_t *bhs)
{
	const struct pdu_layout *l = pdu_layout_get(p->opcode);
	const unsigned char *base;
	size_t i;

	for (i = 0; i < l->nfields; i++) {
		const struct pdu_field *f = &l->fields[i];

		base = (const unsigned char *)p + f->member;
		switch (f->kind) {
		case PDU_FK_BOOL:
			if (*(const bool *)base)
				bhs[f->off] |= f->arg;
			break;
		case PDU_FK_BITS:
			bhs[f->off] |= (uint8_t)((*base << mask_shift(f->arg)) &
			    f->arg);
			break;
		case PDU_FK_U8:
			bhs[f->off] = *base;
			break;
		case PDU_FK_U16:
			put_be16(bhs + f->off, *(const uint16_t *)base);
			break;
		case PDU_FK_U32:
			put_be32(bhs + f->off, *(const uint32_t *)base);
			break;
		case PDU_FK_U64:
			put_be64(bhs + f->off, *(const uint64_t *)base);
			break;
		case PDU_FK_BYTES:
			memcpy(bhs + f->off, base, f->arg);
			break;
		case PDU_FK_RSVD_BITS:
		case PDU_FK_RSVD:
			break;	/* p->rsvd is ORed in by the caller */
		}
	}
}
