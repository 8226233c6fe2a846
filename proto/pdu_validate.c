/*
 * Field rules of RFC 7143 chapter 11, checked on a struct pdu (decoded or
 * about to be encoded).  The first violation found is reported with the
 * field's RFC name and value.
 */
#include "catalog.h"
#include "pdu_layout.h"

#define TAG_RSVD	PDU_TAG_RESERVED

static int
ok(struct pdu_error *err)
{
	return pdu_fail(err, PDU_OK, NULL, 0, 0, "%s", "");
}

static int
bad(struct pdu_error *err, const char *field, uint64_t value,
    uint64_t expected, const char *why)
{
	return pdu_fail(err, PDU_EFIELD, field, value, expected,
	    "%s = 0x%llx: %s", field, (unsigned long long)value, why);
}

static uint32_t
effective_dsl(const struct pdu *p)
{
	return p->dsl_override ? p->dsl : p->data_len;
}

/* RFC 7143 11.2.1.5 and 11.2.2: AHS types and lengths. */
static int
check_ahs(const struct pdu *p, struct pdu_error *err)
{
	size_t i, bytes = 0;
	unsigned type;

	for (i = 0; i < p->ahs_count && i < PDU_AHS_MAX; i++) {
		const struct pdu_ahs *a = &p->ahs[i];

		bytes += ((size_t)3 + a->len + 3) & ~(size_t)3;
		if (a->type & 0xc0)
			return pdu_fail(err, PDU_ERESERVED, "AHSType", a->type, 0,
			    "AHS %zu: reserved AHSType bits set (0x%02x)", i,
			    a->type);
		type = a->type & 0x3f;
		if (type == PDU_AHS_EXT_CDB) {
			if (a->len < 2)
				return pdu_fail(err, PDU_EAHS, "AHSLength",
				    a->len, 2, "Extended CDB AHS with AHSLength "
				    "%u carries no CDB byte", a->len);
		} else if (type == PDU_AHS_BIDI_READ_LEN) {
			if (a->len != 5)
				return pdu_fail(err, PDU_EAHS, "AHSLength",
				    a->len, 5, "Bidirectional Read Expected Data "
				    "Transfer Length AHS with AHSLength %u",
				    a->len);
		} else if (type < 60) {
			/* 0 and 3-59 reserved; 60-63 non-iSCSI extensions */
			return pdu_fail(err, PDU_EAHS, "AHSType", type, 0,
			    "AHS %zu: reserved AHSType %u", i, type);
		}
		if ((type == PDU_AHS_EXT_CDB || type == PDU_AHS_BIDI_READ_LEN) &&
		    a->specific != 0)
			return pdu_fail(err, PDU_ERESERVED, "AHS Reserved",
			    a->specific, 0, "AHS %zu (%s): reserved byte 0x%02x",
			    i, pdu_ahs_type_name(type), a->specific);
	}
	if (p->ahs_len_override && (size_t)p->total_ahs_len * 4 != bytes)
		return pdu_fail(err, PDU_EAHS, "TotalAHSLength", p->total_ahs_len,
		    bytes / 4, "TotalAHSLength %u words, AHS take %zu bytes",
		    p->total_ahs_len, bytes);
	if (p->ahs_count > 0 && p->opcode != PDU_OP_SCSI_CMD)
		return pdu_fail(err, PDU_EAHS, "TotalAHSLength",
		    bytes / 4, 0, "AHS on a %s PDU (only SCSI Command has AHS)",
		    pdu_opcode_name(p->opcode));
	return PDU_OK;
}

/* RFC 7143 11.12.3-11.12.4 / 11.13.3-11.13.4: T, C, CSG, NSG. */
static int
check_stages(bool transit, bool cont, unsigned csg, unsigned nsg,
    struct pdu_error *err)
{
	if (transit && cont)
		return bad(err, "C", 1, 0, "T and C both set (11.12.2)");
	if (csg == 2 || csg == PDU_STAGE_FULL_FEATURE)
		return bad(err, "CSG", csg, 1, "not a login stage (11.12.3)");
	if (transit && nsg == 2)
		return bad(err, "NSG", nsg, 3, "reserved stage (11.12.3)");
	if (transit && nsg <= csg)
		return bad(err, "NSG", nsg, csg + 1,
		    "T=1 must move to a later stage (11.12.4)");
	return PDU_OK;
}

static int
check_opcode(const struct pdu *p, struct pdu_error *err)
{
	uint32_t dsl = effective_dsl(p);

	switch (p->opcode) {
	case PDU_OP_NOP_OUT:
		/* RFC 7143 11.18.1 */
		if (p->itt == TAG_RSVD && !p->immediate)
			return bad(err, "I", 0, 1,
			    "NOP-Out with ITT 0xffffffff must be immediate");
		/* 11.18.2: an originated ping (valid ITT) has no TTT */
		if (p->itt != TAG_RSVD && p->u.nop_out.ttt != TAG_RSVD)
			return bad(err, "Target Transfer Tag", p->u.nop_out.ttt,
			    TAG_RSVD, "must be 0xffffffff when ITT is valid");
		break;
	case PDU_OP_NOP_IN:
		/* 11.19.2: a response to a NOP-Out carries no TTT */
		if (p->itt != TAG_RSVD && p->u.nop_in.ttt != TAG_RSVD)
			return bad(err, "Target Transfer Tag", p->u.nop_in.ttt,
			    TAG_RSVD, "must be 0xffffffff when ITT is valid");
		break;
	case PDU_OP_SCSI_CMD:
		if (p->itt == TAG_RSVD)
			return bad(err, "Initiator Task Tag", p->itt, 0,
			    "reserved value (11.2.1.8)");
		if (p->u.scsi_cmd.attr > 4)
			return bad(err, "ATTR", p->u.scsi_cmd.attr, 4,
			    "reserved task attribute (11.3.1.3)");
		if (dsl > 0 && !p->u.scsi_cmd.write)
			return bad(err, "W", 0, 1,
			    "immediate data without W (11.3.1.2)");
		break;
	case PDU_OP_TMF_REQ:
		if (p->itt == TAG_RSVD)
			return bad(err, "Initiator Task Tag", p->itt, 0,
			    "reserved value (11.2.1.8)");
		if (catalog_tmf_function(p->u.tmf_req.function) == NULL)
			return bad(err, "Function", p->u.tmf_req.function, 0,
			    "undefined TMF function (11.5.1)");
		break;
	case PDU_OP_LOGIN_REQ: {
		const struct pdu_login_req *l = &p->u.login_req;

		if (p->itt == TAG_RSVD)
			return bad(err, "Initiator Task Tag", p->itt, 0,
			    "reserved value (11.2.1.8)");
		if (l->version_max < l->version_min)
			return bad(err, "Version-min", l->version_min,
			    l->version_max, "above Version-max (11.12.5)");
		return check_stages(l->transit, l->cont, l->csg, l->nsg, err);
	}
	case PDU_OP_LOGIN_RSP: {
		const struct pdu_login_rsp *l = &p->u.login_rsp;
		int rc;

		if (l->status_class > 3)
			return bad(err, "Status-Class", l->status_class, 3,
			    "undefined class (11.13.5)");
		if (l->status_class != 0)
			break;	/* 11.13.5: T, CSG, NSG, version not significant */
		if (l->version_active != 0)
			return bad(err, "Version-active", l->version_active, 0,
			    "only version 0x00 is defined (11.13.4)");
		rc = check_stages(l->transit, l->cont, l->csg, l->nsg, err);
		if (rc != PDU_OK)
			return rc;
		if (l->transit && l->nsg == PDU_STAGE_FULL_FEATURE &&
		    l->tsih == 0)
			return bad(err, "TSIH", 0, 1,
			    "final Login Response must carry a TSIH (11.13.6)");
		break;
	}
	case PDU_OP_TEXT_REQ:
		if (p->itt == TAG_RSVD)
			return bad(err, "Initiator Task Tag", p->itt, 0,
			    "reserved value (11.2.1.8)");
		if (p->final && p->u.text_req.cont)
			return bad(err, "C", 1, 0, "F and C both set (11.10.2)");
		break;
	case PDU_OP_TEXT_RSP:
		if (p->final && p->u.text_rsp.cont)
			return bad(err, "C", 1, 0, "F and C both set (11.11.2)");
		if (p->final && p->u.text_rsp.ttt != TAG_RSVD)
			return bad(err, "Target Transfer Tag", p->u.text_rsp.ttt,
			    TAG_RSVD, "final Text Response must carry "
			    "0xffffffff (11.11.4)");
		break;
	case PDU_OP_DATA_IN: {
		const struct pdu_data_in *di = &p->u.data_in;

		if (di->status_present && !p->final)
			return bad(err, "S", 1, 0, "S bit without F (11.7.1)");
		if (di->overflow && di->underflow)
			return bad(err, "U", 1, 0, "O and U both set (11.7.5)");
		if (!di->status_present && di->status != 0)
			return pdu_fail(err, PDU_ERESERVED, "Status", di->status,
			    0, "Status 0x%02x without S bit (11.7.1)",
			    di->status);
		break;
	}
	case PDU_OP_SCSI_RSP: {
		const struct pdu_scsi_rsp *r = &p->u.scsi_rsp;

		if (r->bidi_overflow && r->bidi_underflow)
			return bad(err, "u", 1, 0, "o and u both set (11.4.1)");
		if (r->overflow && r->underflow)
			return bad(err, "U", 1, 0, "O and U both set (11.4.1)");
		if (r->response > PDU_SCSI_RSP_TARGET_FAILURE &&
		    r->response < 0x80)
			return bad(err, "Response", r->response, 0,
			    "reserved response code (11.4.3)");
		if (r->response != PDU_SCSI_RSP_COMPLETED &&
		    (r->bidi_overflow || r->bidi_underflow || r->overflow ||
		    r->underflow))
			return bad(err, "o/u/O/U",
			    (unsigned)r->bidi_overflow << 4 |
			    (unsigned)r->bidi_underflow << 3 |
			    (unsigned)r->overflow << 2 |
			    (unsigned)r->underflow << 1, 0,
			    "residual bits with a failed response (11.4.1)");
		if (r->response != PDU_SCSI_RSP_COMPLETED && r->exp_datasn != 0)
			return bad(err, "ExpDataSN", r->exp_datasn, 0,
			    "must be 0 unless Command Completed (11.4.8)");
		break;
	}
	case PDU_OP_TMF_RSP:
		if (catalog_tmf_response(p->u.tmf_rsp.response) == NULL)
			return bad(err, "Response", p->u.tmf_rsp.response, 0,
			    "reserved TMF response (11.6.1)");
		break;
	case PDU_OP_LOGOUT_REQ:
		if (p->itt == TAG_RSVD)
			return bad(err, "Initiator Task Tag", p->itt, 0,
			    "reserved value (11.2.1.8)");
		if (catalog_logout_reason(p->u.logout_req.reason) == NULL)
			return bad(err, "Reason Code", p->u.logout_req.reason, 0,
			    "reserved logout reason (11.14.1)");
		break;
	case PDU_OP_LOGOUT_RSP:
		if (catalog_logout_response(p->u.logout_rsp.response) == NULL)
			return bad(err, "Response", p->u.logout_rsp.response, 0,
			    "reserved logout response (11.15.1)");
		break;
	case PDU_OP_SNACK_REQ:
		if (catalog_snack_type(p->u.snack.type) == NULL)
			return bad(err, "Type", p->u.snack.type, 0,
			    "reserved SNACK type (11.16.1)");
		break;
	case PDU_OP_R2T:
		if (p->u.r2t.ddtl == 0)
			return bad(err, "Desired Data Transfer Length", 0, 1,
			    "must not be 0 (11.8.7)");
		if (p->u.r2t.ttt == TAG_RSVD)
			return bad(err, "Target Transfer Tag", p->u.r2t.ttt, 0,
			    "reserved value in an R2T (11.8.4)");
		break;
	case PDU_OP_ASYNC:
		if (p->itt != TAG_RSVD)
			return bad(err, "Initiator Task Tag", p->itt, TAG_RSVD,
			    "must be 0xffffffff (11.9)");
		if (catalog_async_event(p->u.async.event) == NULL)
			return bad(err, "AsyncEvent", p->u.async.event, 0,
			    "reserved AsyncEvent (11.9.1)");
		break;
	case PDU_OP_REJECT:
		if (p->itt != TAG_RSVD)
			return bad(err, "Initiator Task Tag", p->itt, TAG_RSVD,
			    "must be 0xffffffff (11.17)");
		if ((catalog_reject_reason(p->u.reject.reason) == NULL ||
		    p->u.reject.reason == ISCSI_REJECT_RESERVED))
			return bad(err, "Reason", p->u.reject.reason, 0,
			    "reserved Reject reason (11.17.1)");
		if (dsl < PDU_REJECT_HDR_LEN)
			return bad(err, "DataSegmentLength", dsl,
			    PDU_REJECT_HDR_LEN, "Reject must carry the "
			    "rejected PDU's header (11.17.3)");
		break;
	default:
		break;
	}
	return PDU_OK;
}

int
pdu_validate(const struct pdu *p, struct pdu_error *err)
{
	const struct pdu_layout *l = pdu_layout_get(p->opcode);
	uint32_t dsl = effective_dsl(p);
	size_t i;
	int rc;

	if (!(l->flags & PDU_LF_KNOWN))
		return pdu_fail(err, PDU_EOPCODE, "Opcode", p->opcode, 0,
		    "unknown opcode 0x%02x (11.1.1)", p->opcode);
	if (p->rsvd[0] & 0x80)
		return pdu_fail(err, PDU_ERESERVED, "Reserved (byte 0 mask 0x80)",
		    1, 0, "reserved bit 0 of byte 0 set (11.2.1.1)");
	if ((l->flags & PDU_LF_I_ONE) && !p->immediate)
		return bad(err, "I", 0, 1, "Login Request must have I=1 (11.12)");
	if (!(l->flags & PDU_LF_I_OK) && p->immediate)
		return pdu_fail(err, PDU_ERESERVED, "I", 1, 0,
		    "I bit set in a %s (reserved)", pdu_opcode_name(p->opcode));
	if ((l->flags & PDU_LF_F_ONE) && !p->final)
		return bad(err, "F", 0, 1, "bit 7 of byte 1 is always 1 here");

	for (i = 0; i < l->nfields; i++) {
		const struct pdu_field *f = &l->fields[i];
		uint64_t v;

		if (f->kind != PDU_FK_RSVD && f->kind != PDU_FK_RSVD_BITS)
			continue;
		v = pdu_field_value(p, f);
		if (v != 0)
			return pdu_fail(err, PDU_ERESERVED, f->name, v, 0,
			    "%s: %s = 0x%llx, must be 0",
			    pdu_opcode_name(p->opcode), f->name,
			    (unsigned long long)v);
	}

	if ((l->flags & PDU_LF_NO_DATA) && dsl != 0)
		return bad(err, "DataSegmentLength", dsl, 0,
		    "this PDU carries no data segment");
	if (dsl > PDU_DSL_MAX)
		return bad(err, "DataSegmentLength", dsl, PDU_DSL_MAX,
		    "does not fit 24 bits");

	rc = check_ahs(p, err);
	if (rc != PDU_OK)
		return rc;
	rc = check_opcode(p, err);
	if (rc != PDU_OK)
		return rc;
	return ok(err);
}
