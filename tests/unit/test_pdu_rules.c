/*
 * PDU validation (RFC 7143 chapter 11): one mutation of a valid sample per
 * rule, decoded with the expected code, field name and value; every
 * reserved field of every opcode reported by name.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "pdu.h"
#include "pdu_layout.h"
#include "pdu_samples.h"

static uint8_t buf[4096];

static uint8_t rule_data[64];

static void m_unknown_opcode(struct pdu *p) { p->opcode = 0x07; }
static void m_rsvd_byte0(struct pdu *p) { p->rsvd[0] = 0x80; }
static void m_rsvd_32_39(struct pdu *p) { p->rsvd[35] = 0x01; }
static void m_cmd_rsvd_bits(struct pdu *p) { p->rsvd[1] = 0x08; }
static void m_set_i(struct pdu *p) { p->immediate = true; }
static void m_clear_i(struct pdu *p) { p->immediate = false; }
static void m_clear_f(struct pdu *p) { p->final = false; }
static void m_add_data4(struct pdu *p) { pdu_set_data(p, rule_data, 4); }
static void m_cmd_nodata_w(struct pdu *p)
{
	p->u.scsi_cmd.write = false;
	pdu_set_data(p, rule_data, 4);
}
static void m_add_bidi(struct pdu *p) { pdu_add_bidi_read_len(p, 512); }
static void m_ahs_type3(struct pdu *p) { pdu_add_ahs(p, 3, 0, NULL, 1); }
static void m_ahs_type_rsvd_bits(struct pdu *p) { pdu_add_ahs(p, 0x41, 0, rule_data, 3); }
static void m_bidi_len4(struct pdu *p) { pdu_add_ahs(p, PDU_AHS_BIDI_READ_LEN, 0, NULL, 4); }
static void m_ext_cdb_rsvd(struct pdu *p) { pdu_add_ahs(p, PDU_AHS_EXT_CDB, 1, rule_data, 5); }
static void m_ahs_len_lies(struct pdu *p)
{
	pdu_add_bidi_read_len(p, 512);
	p->ahs_len_override = true;
	p->total_ahs_len = 1;
}
static void m_cmd_attr5(struct pdu *p) { p->u.scsi_cmd.attr = 5; }
static void m_itt_rsvd(struct pdu *p) { p->itt = PDU_TAG_RESERVED; }
static void m_itt_valid(struct pdu *p) { p->itt = 0x42; }
static void m_lrsp_version(struct pdu *p) { p->u.login_rsp.version_active = 1; }
static void m_lrsp_tc(struct pdu *p) { p->u.login_rsp.cont = true; }
static void m_lrsp_csg2(struct pdu *p) { p->u.login_rsp.csg = 2; }
static void m_lrsp_nsg2(struct pdu *p) { p->u.login_rsp.nsg = 2; }
static void m_lrsp_backwards(struct pdu *p) { p->u.login_rsp.nsg = 1; }
static void m_lrsp_tsih0(struct pdu *p) { p->u.login_rsp.tsih = 0; }
static void m_lrsp_class4(struct pdu *p) { p->u.login_rsp.status_class = 4; }
static void m_lreq_csg3(struct pdu *p) { p->u.login_req.csg = 3; }
static void m_lreq_versions(struct pdu *p) { p->u.login_req.version_min = 2; }
static void m_din_s_no_f(struct pdu *p) { p->final = false; }
static void m_din_ou(struct pdu *p) { p->u.data_in.overflow = true; }
static void m_din_status_no_s(struct pdu *p)
{
	p->u.data_in.status_present = false;
	p->u.data_in.underflow = false;
	p->u.data_in.status = 0x02;
}
static void m_rsp_ou_small(struct pdu *p)
{
	p->u.scsi_rsp.bidi_overflow = true;
	p->u.scsi_rsp.bidi_underflow = true;
}
static void m_rsp_ou(struct pdu *p) { p->u.scsi_rsp.overflow = true; }
static void m_rsp_fail_bits(struct pdu *p) { p->u.scsi_rsp.response = 1; p->u.scsi_rsp.exp_datasn = 0; }
static void m_rsp_reserved(struct pdu *p) { p->u.scsi_rsp.response = 5; }
static void m_rsp_expdatasn(struct pdu *p)
{
	p->u.scsi_rsp.response = 1;
	p->u.scsi_rsp.underflow = false;
}
static void m_r2t_ddtl0(struct pdu *p) { p->u.r2t.ddtl = 0; }
static void m_r2t_ttt(struct pdu *p) { p->u.r2t.ttt = PDU_TAG_RESERVED; }
static void m_rej_short(struct pdu *p) { pdu_set_data(p, rule_data, 47); }
static void m_rej_reason1(struct pdu *p) { p->u.reject.reason = 1; }
static void m_async_event7(struct pdu *p) { p->u.async.event = 7; }
static void m_trsp_fc(struct pdu *p) { p->u.text_rsp.cont = true; }
static void m_trsp_ttt(struct pdu *p) { p->u.text_rsp.ttt = 0x77; }
static void m_treq_fc(struct pdu *p) { p->u.text_req.cont = true; }
static void m_nopout_ping(struct pdu *p) { p->itt = PDU_TAG_RESERVED; p->immediate = false; }
static void m_nopout_ttt(struct pdu *p) { p->u.nop_out.ttt = 0x99; }
static void m_tmf_func(struct pdu *p) { p->u.tmf_req.function = 0x20; }
/* 7 is RFC 7144 "Function succeeded"; 8 is reserved */
static void m_tmfrsp_resp(struct pdu *p) { p->u.tmf_rsp.response = 8; }
static void m_logout_reason(struct pdu *p) { p->u.logout_req.reason = 3; }
static void m_logoutrsp_resp(struct pdu *p) { p->u.logout_rsp.response = 4; }
static void m_snack_type(struct pdu *p) { p->u.snack.type = 5; }

struct rule_case {
	const char	*rule;		/* RFC 7143 section */
	uint8_t		 op;
	void		(*mutate)(struct pdu *);
	int		 code;
	const char	*field;
	uint64_t	 value;
};

static const struct rule_case rule_cases[] = {
	{ "11.1.1", PDU_OP_NOP_OUT, m_unknown_opcode, PDU_EOPCODE, "Opcode", 7 },
	{ "11.2.1.1", PDU_OP_NOP_OUT, m_rsvd_byte0, PDU_ERESERVED,
	    "Reserved (byte 0 mask 0x80)", 1 },
	{ "11.18", PDU_OP_NOP_OUT, m_rsvd_32_39, PDU_ERESERVED,
	    "Reserved (bytes 32-39)", 0x100000000ull },
	{ "11.3", PDU_OP_SCSI_CMD, m_cmd_rsvd_bits, PDU_ERESERVED,
	    "Reserved (byte 1 mask 0x18)", 0x08 },
	{ "11.19", PDU_OP_NOP_IN, m_set_i, PDU_ERESERVED, "I", 1 },
	{ "11.12", PDU_OP_LOGIN_REQ, m_clear_i, PDU_EFIELD, "I", 0 },
	{ "11.8", PDU_OP_R2T, m_clear_f, PDU_EFIELD, "F", 0 },
	{ "11.5", PDU_OP_TMF_REQ, m_add_data4, PDU_EFIELD, "DataSegmentLength", 4 },
	{ "11.15", PDU_OP_LOGOUT_RSP, m_add_data4, PDU_EFIELD,
	    "DataSegmentLength", 4 },
	{ "11.3.1.2", PDU_OP_SCSI_CMD, m_cmd_nodata_w, PDU_EFIELD, "W", 0 },
	{ "11.3.1.3", PDU_OP_SCSI_CMD, m_cmd_attr5, PDU_EFIELD, "ATTR", 5 },
	{ "11.2.1.8", PDU_OP_SCSI_CMD, m_itt_rsvd, PDU_EFIELD,
	    "Initiator Task Tag", PDU_TAG_RESERVED },
	{ "11.2.2", PDU_OP_NOP_OUT, m_add_bidi, PDU_EAHS, "TotalAHSLength", 2 },
	{ "11.2.1.5", PDU_OP_SCSI_CMD, m_ahs_type3, PDU_EAHS, "AHSType", 3 },
	{ "11.2.1.5", PDU_OP_SCSI_CMD, m_ahs_type_rsvd_bits, PDU_ERESERVED,
	    "AHSType", 0x41 },
	{ "11.2.2.4", PDU_OP_SCSI_CMD, m_bidi_len4, PDU_EAHS, "AHSLength", 4 },
	{ "11.2.2.3", PDU_OP_SCSI_CMD, m_ext_cdb_rsvd, PDU_ERESERVED,
	    "AHS Reserved", 1 },
	{ "11.2.1.2", PDU_OP_SCSI_CMD, m_ahs_len_lies, PDU_EAHS, "AHSLength", 5 },
	{ "11.13.4", PDU_OP_LOGIN_RSP, m_lrsp_version, PDU_EFIELD,
	    "Version-active", 1 },
	{ "11.13.2", PDU_OP_LOGIN_RSP, m_lrsp_tc, PDU_EFIELD, "C", 1 },
	{ "11.13.3", PDU_OP_LOGIN_RSP, m_lrsp_csg2, PDU_EFIELD, "CSG", 2 },
	{ "11.13.3", PDU_OP_LOGIN_RSP, m_lrsp_nsg2, PDU_EFIELD, "NSG", 2 },
	{ "11.12.4", PDU_OP_LOGIN_RSP, m_lrsp_backwards, PDU_EFIELD, "NSG", 1 },
	{ "11.13.6", PDU_OP_LOGIN_RSP, m_lrsp_tsih0, PDU_EFIELD, "TSIH", 0 },
	{ "11.13.5", PDU_OP_LOGIN_RSP, m_lrsp_class4, PDU_EFIELD,
	    "Status-Class", 4 },
	{ "11.12.3", PDU_OP_LOGIN_REQ, m_lreq_csg3, PDU_EFIELD, "CSG", 3 },
	{ "11.12.5", PDU_OP_LOGIN_REQ, m_lreq_versions, PDU_EFIELD,
	    "Version-min", 2 },
	{ "11.7.1", PDU_OP_DATA_IN, m_din_s_no_f, PDU_EFIELD, "S", 1 },
	{ "11.7.5", PDU_OP_DATA_IN, m_din_ou, PDU_EFIELD, "U", 1 },
	{ "11.7.1", PDU_OP_DATA_IN, m_din_status_no_s, PDU_ERESERVED,
	    "Status", 2 },
	{ "11.4.1", PDU_OP_SCSI_RSP, m_rsp_ou_small, PDU_EFIELD, "u", 1 },
	{ "11.4.1", PDU_OP_SCSI_RSP, m_rsp_ou, PDU_EFIELD, "U", 1 },
	{ "11.4.1", PDU_OP_SCSI_RSP, m_rsp_fail_bits, PDU_EFIELD, "o/u/O/U", 2 },
	{ "11.4.3", PDU_OP_SCSI_RSP, m_rsp_reserved, PDU_EFIELD, "Response", 5 },
	{ "11.4.8", PDU_OP_SCSI_RSP, m_rsp_expdatasn, PDU_EFIELD, "ExpDataSN", 5 },
	{ "11.8.7", PDU_OP_R2T, m_r2t_ddtl0, PDU_EFIELD,
	    "Desired Data Transfer Length", 0 },
	{ "11.8.4", PDU_OP_R2T, m_r2t_ttt, PDU_EFIELD, "Target Transfer Tag",
	    PDU_TAG_RESERVED },
	{ "11.17.3", PDU_OP_REJECT, m_rej_short, PDU_EFIELD,
	    "DataSegmentLength", 47 },
	{ "11.17", PDU_OP_REJECT, m_itt_valid, PDU_EFIELD,
	    "Initiator Task Tag", 0x42 },
	{ "11.17.1", PDU_OP_REJECT, m_rej_reason1, PDU_EFIELD, "Reason", 1 },
	{ "11.9", PDU_OP_ASYNC, m_itt_valid, PDU_EFIELD, "Initiator Task Tag",
	    0x42 },
	{ "11.9.1", PDU_OP_ASYNC, m_async_event7, PDU_EFIELD, "AsyncEvent", 7 },
	{ "11.11.2", PDU_OP_TEXT_RSP, m_trsp_fc, PDU_EFIELD, "C", 1 },
	{ "11.11.4", PDU_OP_TEXT_RSP, m_trsp_ttt, PDU_EFIELD,
	    "Target Transfer Tag", 0x77 },
	{ "11.10.2", PDU_OP_TEXT_REQ, m_treq_fc, PDU_EFIELD, "C", 1 },
	{ "11.18.1", PDU_OP_NOP_OUT, m_nopout_ping, PDU_EFIELD, "I", 0 },
	{ "11.18.2", PDU_OP_NOP_OUT, m_nopout_ttt, PDU_EFIELD,
	    "Target Transfer Tag", 0x99 },
	{ "11.19.2", PDU_OP_NOP_IN, m_itt_valid, PDU_EFIELD,
	    "Target Transfer Tag", 0x55667788 },
	{ "11.5.1", PDU_OP_TMF_REQ, m_tmf_func, PDU_EFIELD, "Function", 0x20 },
	{ "11.6.1", PDU_OP_TMF_RSP, m_tmfrsp_resp, PDU_EFIELD, "Response", 8 },
	{ "11.14.1", PDU_OP_LOGOUT_REQ, m_logout_reason, PDU_EFIELD,
	    "Reason Code", 3 },
	{ "11.15.1", PDU_OP_LOGOUT_RSP, m_logoutrsp_resp, PDU_EFIELD,
	    "Response", 4 },
	{ "11.16.1", PDU_OP_SNACK_REQ, m_snack_type, PDU_EFIELD, "Type", 5 },
};

/*
 * Each rule: the mutated PDU encodes (the encoder never refuses), decodes
 * with the rule's code, field and value, and is still fully decoded (a
 * receiver can log it and carry on).  pdu_validate() agrees on the struct.
 */
static void
test_rules(void)
{
	size_t i, len;
	struct pdu p, q;
	struct pdu_error err, verr;
	int rc;

	for (i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		const struct rule_case *c = &rule_cases[i];

		pdu_sample(&p, c->op, 100);
		c->mutate(&p);
		CU_ASSERT_EQUAL_FATAL(pdu_encode(&p, NULL, buf, sizeof(buf),
		    &len), PDU_OK);
		memset(&err, 0, sizeof(err));
		rc = pdu_decode(buf, len, NULL, &q, &err);
		if (rc != c->code || err.field == NULL ||
		    strcmp(err.field, c->field) != 0 || err.value != c->value)
			fprintf(stderr, "rule %s (%s): rc %d field %s value "
			    "0x%llx msg \"%s\"\n", c->rule, c->field, rc,
			    err.field ? err.field : "(null)",
			    (unsigned long long)err.value, err.msg);
		CU_ASSERT_EQUAL(rc, c->code);
		CU_ASSERT_EQUAL(err.code, c->code);
		CU_ASSERT_PTR_NOT_NULL_FATAL(err.field);
		CU_ASSERT_STRING_EQUAL(err.field, c->field);
		CU_ASSERT_EQUAL(err.value, c->value);
		CU_ASSERT(err.msg[0] != '\0');
		CU_ASSERT_EQUAL(pdu_status_class(rc), PDU_CLASS_FIELD);
		/* framed: header fields and wire length are there */
		CU_ASSERT_EQUAL(q.opcode, p.opcode);
		CU_ASSERT_EQUAL(q.itt, p.itt);
		CU_ASSERT_EQUAL(q.wire_len, pdu_wire_len(buf, NULL));
		CU_ASSERT_EQUAL(pdu_validate(&p, &verr), c->code);
	}
}

/*
 * RFC 7143 11.2.1: every reserved field of every opcode, set on its own,
 * is reported by name.
 */
static void
test_reserved_every_field(void)
{
	size_t i, j, len, checked = 0;
	struct pdu p, q;
	struct pdu_error err;

	for (i = 0; i < pdu_sample_nopcodes; i++) {
		const struct pdu_layout *l = pdu_layout_get(pdu_sample_opcodes[i]);

		for (j = 0; j < l->nfields; j++) {
			const struct pdu_field *f = &l->fields[j];
			uint8_t bit;

			if (f->kind == PDU_FK_RSVD_BITS)
				bit = (uint8_t)(f->arg & -f->arg);
			else if (f->kind == PDU_FK_RSVD)
				bit = 1;
			else
				continue;
			pdu_sample(&p, pdu_sample_opcodes[i], 7);
			p.rsvd[f->kind == PDU_FK_RSVD ? f->off + f->arg - 1 :
			    f->off] = bit;
			CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf),
			    &len), PDU_OK);
			CU_ASSERT_EQUAL(pdu_decode(buf, len, NULL, &q, &err),
			    PDU_ERESERVED);
			CU_ASSERT_STRING_EQUAL(err.field, f->name);
			CU_ASSERT_EQUAL(err.value, bit);
			checked++;
		}
	}
	CU_ASSERT(checked > 60);
}

static CU_TestInfo pdu_rule_tests[] = {
	{ "rfc7143_11_validation_rules", test_rules },
	{ "rfc7143_11_reserved_fields_named", test_reserved_every_field },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "pdu_rules", pdu_rule_tests)
