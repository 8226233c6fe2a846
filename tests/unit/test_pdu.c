/*
 * PDU codec: RFC 7143 chapter 11 layouts, round trips for every opcode,
 * known bytes (RFC 3720/7143 appendix B.4), digests, validation rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "bytes.h"
#include "crc32c.h"
#include "pdu.h"
#include "pdu_layout.h"
#include "pdu_samples.h"

static const struct pdu_digest_opts digest_combos[4] = {
	{ false, false, 0, 0 },
	{ true, false, 0, 0 },
	{ false, true, 0, 0 },
	{ true, true, 0, 0 }
};

static uint8_t buf[4096], buf2[4096];

/* Every field the layout knows has the same value in a and b. */
static int
pdu_fields_equal(const struct pdu *a, const struct pdu *b)
{
	const struct pdu_layout *l = pdu_layout_get(a->opcode);
	size_t i;

	if (a->opcode != b->opcode || a->immediate != b->immediate ||
	    a->itt != b->itt || a->data_len != b->data_len)
		return 0;
	for (i = 0; i < l->nfields; i++)
		if (pdu_field_value(a, &l->fields[i]) !=
		    pdu_field_value(b, &l->fields[i]))
			return 0;
	if (a->opcode == PDU_OP_SCSI_CMD &&
	    memcmp(a->u.scsi_cmd.cdb, b->u.scsi_cmd.cdb, PDU_CDB_LEN) != 0)
		return 0;
	if (a->data_len > 0 && memcmp(a->data, b->data, a->data_len) != 0)
		return 0;
	return 1;
}

/* RFC 7143 11.1.1 / 11.2: opcode table and status texts. */
static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(pdu_opcode_name(0x01), "SCSI Command");
	CU_ASSERT_STRING_EQUAL(pdu_opcode_name(0x23), "Login Response");
	CU_ASSERT_STRING_EQUAL(pdu_opcode_name(0x3f), "Reject");
	CU_ASSERT_STRING_EQUAL(pdu_opcode_name(0x10), "SNACK Request");
	CU_ASSERT_PTR_NULL(pdu_opcode_name(0x07));
	CU_ASSERT_PTR_NULL(pdu_opcode_name(0x30));
	CU_ASSERT_EQUAL(pdu_sample_nopcodes, 18);
	CU_ASSERT(pdu_opcode_is_initiator(PDU_OP_SNACK_REQ));
	CU_ASSERT(!pdu_opcode_is_initiator(PDU_OP_NOP_IN));
	CU_ASSERT_STRING_EQUAL(pdu_stage_name(3), "FullFeaturePhase");
	CU_ASSERT_PTR_NULL(pdu_stage_name(2));
	CU_ASSERT_STRING_EQUAL(pdu_strerror(PDU_EHDIGEST), "header digest mismatch");
	CU_ASSERT_STRING_EQUAL(pdu_strerror(999), "unknown PDU status");
	CU_ASSERT_EQUAL(pdu_status_class(PDU_EHDIGEST), PDU_CLASS_FRAMING);
	CU_ASSERT_EQUAL(pdu_status_class(PDU_EOVERSIZE), PDU_CLASS_LIMIT);
	CU_ASSERT_EQUAL(pdu_status_class(PDU_EDDIGEST), PDU_CLASS_DIGEST);
	CU_ASSERT_EQUAL(pdu_status_class(PDU_ERESERVED), PDU_CLASS_FIELD);
	CU_ASSERT_EQUAL(pdu_status_class(PDU_OK), PDU_CLASS_NONE);
}

/*
 * RFC 7143 11.2.1: every BHS bit of every opcode is claimed by exactly one
 * field (named or reserved); no overlap, no gap.
 */
static void
test_layout_coverage(void)
{
	size_t i, j, k;

	for (i = 0; i < pdu_sample_nopcodes; i++) {
		const struct pdu_layout *l = pdu_layout_get(pdu_sample_opcodes[i]);
		uint8_t m[PDU_BHS_LEN] = { 0 };
		int overlap = 0, gap = 0;

		m[0] = 0xff;
		for (k = 4; k < 8; k++)
			m[k] = 0xff;
		for (k = 16; k < 20; k++)
			m[k] = 0xff;
		for (j = 0; j < l->nfields; j++) {
			const struct pdu_field *f = &l->fields[j];
			size_t len = 0;

			switch (f->kind) {
			case PDU_FK_BOOL:
			case PDU_FK_BITS:
			case PDU_FK_RSVD_BITS:
				overlap |= m[f->off] & f->arg;
				m[f->off] |= f->arg;
				continue;
			case PDU_FK_U8: len = 1; break;
			case PDU_FK_U16: len = 2; break;
			case PDU_FK_U32: len = 4; break;
			case PDU_FK_U64: len = 8; break;
			default: len = f->arg; break;
			}
			for (k = f->off; k < f->off + len; k++) {
				overlap |= m[k];
				m[k] = 0xff;
			}
		}
		for (k = 0; k < PDU_BHS_LEN; k++)
			gap |= m[k] != 0xff;
		if (overlap || gap)
			fprintf(stderr, "layout of opcode 0x%02x: overlap %d gap %d\n",
			    pdu_sample_opcodes[i], overlap, gap);
		CU_ASSERT_EQUAL(overlap, 0);
		CU_ASSERT_EQUAL(gap, 0);
	}
}

/*
 * RFC 7143 11.2 / 11.1: encode -> decode -> encode for every opcode, all
 * digest settings, data segments needing 0-3 pad bytes.
 */
static void
test_roundtrip_all(void)
{
	static const uint32_t lens[] = { 0, 1, 2, 3, 4, 7, 8 };
	uint8_t data[64];
	size_t i, j, k, len, len2, expect;
	struct pdu p, q;
	struct pdu_error err;
	unsigned seed = 0;
	int rc;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0x5a ^ i * 7);
	for (i = 0; i < pdu_sample_nopcodes; i++) {
		uint8_t op = pdu_sample_opcodes[i];

		for (j = 0; j < 4; j++) {
			for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
				const struct pdu_digest_opts *d = &digest_combos[j];
				uint32_t dl = lens[k];

				if (!pdu_sample_has_data(op) && dl > 0)
					continue;
				pdu_sample(&p, op, seed++);
				if (op == PDU_OP_REJECT) {
					/* the rejected header, plus 0-8 bytes */
					memcpy(data, p.data, PDU_REJECT_HDR_LEN);
					dl += PDU_REJECT_HDR_LEN;
				}
				if (dl > 0)
					pdu_set_data(&p, data, dl);
				expect = PDU_BHS_LEN + (d->header ? 4 : 0) + dl +
				    PDU_PAD4(dl) + (d->data && dl ? 4 : 0);
				CU_ASSERT_EQUAL_FATAL(pdu_encode(&p, d, buf,
				    sizeof(buf), &len), PDU_OK);
				CU_ASSERT_EQUAL(len, expect);
				CU_ASSERT_EQUAL(pdu_encoded_len(&p, d), expect);
				CU_ASSERT_EQUAL(pdu_wire_len(buf, d), expect);
				rc = pdu_decode(buf, len, d, &q, &err);
				if (rc != PDU_OK)
					fprintf(stderr, "%s dl %u: %s\n",
					    pdu_opcode_name(op), dl, err.msg);
				CU_ASSERT_EQUAL(rc, PDU_OK);
				CU_ASSERT_EQUAL(err.code, PDU_OK);
				CU_ASSERT(pdu_fields_equal(&p, &q));
				CU_ASSERT_EQUAL(q.wire_len, len);
				CU_ASSERT_EQUAL(q.has_hdigest, d->header);
				CU_ASSERT_EQUAL(q.has_ddigest, d->data && dl > 0);
				CU_ASSERT_EQUAL(pdu_validate(&p, NULL), PDU_OK);
				/* the decoded struct re-encodes to the same bytes */
				CU_ASSERT_EQUAL(pdu_encode(&q, d, buf2, sizeof(buf2),
				    &len2), PDU_OK);
				CU_ASSERT(len2 == len && memcmp(buf, buf2, len) == 0);
			}
		}
	}
}

/* RFC 7143 11.2.2.3-4: Extended CDB and Bidirectional Read Length AHS. */
static void
test_roundtrip_ahs(void)
{
	uint8_t tail[20];
	size_t i, j, n, len, len2;
	struct pdu p, q;
	struct pdu_error err;

	for (i = 0; i < sizeof(tail); i++)
		tail[i] = (uint8_t)(0xc0 + i);
	for (n = 1; n <= 17; n++) {
		for (j = 0; j < 4; j++) {
			const struct pdu_digest_opts *d = &digest_combos[j];
			size_t ext_len = (3 + (n + 1) + 3) & ~(size_t)3;

			pdu_sample(&p, PDU_OP_SCSI_CMD, (uint32_t)n);
			p.u.scsi_cmd.read = true;
			CU_ASSERT_EQUAL(pdu_add_ext_cdb(&p, tail, (uint16_t)n), 0);
			CU_ASSERT_EQUAL(pdu_add_bidi_read_len(&p, 0x00abcdefu), 0);
			pdu_set_data(&p, tail, (uint32_t)(n % 4));
			CU_ASSERT_EQUAL_FATAL(pdu_encode(&p, d, buf, sizeof(buf),
			    &len), PDU_OK);
			/* TotalAHSLength counts 4-byte words of both AHS */
			CU_ASSERT_EQUAL(buf[4], (ext_len + 8) / 4);
			CU_ASSERT_EQUAL(get_be16(buf + 48), n + 1);
			CU_ASSERT_EQUAL(buf[50], PDU_AHS_EXT_CDB);
			CU_ASSERT_EQUAL(pdu_decode(buf, len, d, &q, &err), PDU_OK);
			CU_ASSERT_EQUAL(q.ahs_count, 2);
			CU_ASSERT_EQUAL(q.ext_cdb_len, n);
			CU_ASSERT(q.ext_cdb != NULL &&
			    memcmp(q.ext_cdb, tail, n) == 0);
			CU_ASSERT(q.has_bidi_read_len);
			CU_ASSERT_EQUAL(q.bidi_read_len, 0x00abcdefu);
			CU_ASSERT_EQUAL(q.ahs[1].type, PDU_AHS_BIDI_READ_LEN);
			CU_ASSERT_EQUAL(q.ahs[1].len, 5);
			CU_ASSERT(pdu_fields_equal(&p, &q));
			CU_ASSERT_EQUAL(pdu_encode(&q, d, buf2, sizeof(buf2), &len2),
			    PDU_OK);
			CU_ASSERT(len2 == len && memcmp(buf, buf2, len) == 0);
		}
	}
}

/*
 * RFC 3720 / RFC 7143 appendix B.4: the 48-byte SCSI Read (10) command
 * whose CRC32C is printed as "56 3a 96 d9" (digest bytes on the wire).
 */
static const uint8_t rfc_read10[48] = {
	0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
	0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};

static void
test_known_read10(void)
{
	struct pdu_digest_opts hd = { true, false, 0, 0 };
	struct pdu p, q;
	struct pdu_error err;
	size_t len;

	pdu_init(&p, PDU_OP_SCSI_CMD);
	p.u.scsi_cmd.read = true;
	p.itt = 0x14000000;
	p.u.scsi_cmd.edtl = 1024;
	p.u.scsi_cmd.cmdsn = 0x14;
	p.u.scsi_cmd.expstatsn = 0x18;
	p.u.scsi_cmd.cdb[0] = 0x28;	/* READ (10), 2 blocks */
	p.u.scsi_cmd.cdb[8] = 0x02;
	CU_ASSERT_EQUAL(pdu_encode(&p, &hd, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(len, 52);
	CU_ASSERT(memcmp(buf, rfc_read10, 48) == 0);
	CU_ASSERT(buf[48] == 0x56 && buf[49] == 0x3a && buf[50] == 0x96 &&
	    buf[51] == 0xd9);

	CU_ASSERT_EQUAL(pdu_decode(buf, len, &hd, &q, &err), PDU_OK);
	CU_ASSERT_EQUAL(q.opcode, PDU_OP_SCSI_CMD);
	CU_ASSERT(q.final && q.u.scsi_cmd.read && !q.u.scsi_cmd.write);
	CU_ASSERT_EQUAL(q.u.scsi_cmd.attr, 0);
	CU_ASSERT_EQUAL(q.itt, 0x14000000u);
	CU_ASSERT_EQUAL(q.u.scsi_cmd.edtl, 1024);
	CU_ASSERT_EQUAL(q.u.scsi_cmd.cmdsn, 0x14);
	CU_ASSERT_EQUAL(q.u.scsi_cmd.expstatsn, 0x18);
	CU_ASSERT_EQUAL(q.u.scsi_cmd.cdb[8], 0x02);
	CU_ASSERT_EQUAL(q.hdigest, 0xd9963a56u);
	CU_ASSERT_EQUAL(q.flags, 0xc0);
}

/* RFC 7143 11.13: a final Login Response with text data, by hand. */
static const uint8_t login_rsp_bytes[] = {
	0x23, 0x87, 0x00, 0x00,			/* T, CSG=1, NSG=3; max, active */
	0x00, 0x00, 0x00, 0x05,			/* DataSegmentLength 5 */
	0x80, 0x12, 0x34, 0x56, 0x78, 0x9a,	/* ISID */
	0x12, 0x34,				/* TSIH */
	0x00, 0x00, 0x00, 0x01,			/* ITT */
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10,			/* StatSN */
	0x00, 0x00, 0x00, 0x20,			/* ExpCmdSN */
	0x00, 0x00, 0x00, 0x30,			/* MaxCmdSN */
	0x00, 0x00, 0x00, 0x00,			/* Status-Class, -Detail */
	0, 0, 0, 0, 0, 0, 0, 0,
	'a', '=', 'b', 0x00, 0x00, 0x00, 0x00, 0x00
};

/* RFC 7143 11.7: a Data-In with F, U and S, by hand. */
static const uint8_t data_in_bytes[] = {
	0x25, 0x83, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* LUN 1 */
	0x00, 0x00, 0x00, 0x2a, 0xff, 0xff, 0xff, 0xff,	/* ITT, TTT */
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06,	/* StatSN, ExpCmdSN */
	0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,	/* MaxCmdSN, DataSN */
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00,	/* offset, residual */
	0xde, 0xad, 0xbe, 0xef
};

/* RFC 7143 11.8: an R2T, by hand. */
static const uint8_t r2t_bytes[] = {
	0x31, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x01, 0x00,	/* ITT, TTT */
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,	/* MaxCmdSN, R2TSN */
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00	/* offset, DDTL */
};

static void
test_known_bytes(void)
{
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a };
	struct pdu p, q;
	struct pdu_error err;
	size_t len;

	/* Login Response */
	CU_ASSERT_EQUAL(pdu_decode(login_rsp_bytes, sizeof(login_rsp_bytes),
	    NULL, &q, &err), PDU_OK);
	CU_ASSERT(q.u.login_rsp.transit && !q.u.login_rsp.cont);
	CU_ASSERT_EQUAL(q.u.login_rsp.csg, PDU_STAGE_OPERATIONAL);
	CU_ASSERT_EQUAL(q.u.login_rsp.nsg, PDU_STAGE_FULL_FEATURE);
	CU_ASSERT(memcmp(q.u.login_rsp.isid, isid, 6) == 0);
	CU_ASSERT_EQUAL(q.u.login_rsp.tsih, 0x1234);
	CU_ASSERT_EQUAL(q.itt, 1);
	CU_ASSERT_EQUAL(q.u.login_rsp.statsn, 0x10);
	CU_ASSERT_EQUAL(q.u.login_rsp.expcmdsn, 0x20);
	CU_ASSERT_EQUAL(q.u.login_rsp.maxcmdsn, 0x30);
	CU_ASSERT_EQUAL(q.data_len, 5);
	CU_ASSERT(memcmp(q.data, "a=b\0\0", 5) == 0);
	CU_ASSERT_EQUAL(q.wire_len, sizeof(login_rsp_bytes));

	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.u.login_rsp.transit = true;
	p.u.login_rsp.csg = 1;
	p.u.login_rsp.nsg = 3;
	memcpy(p.u.login_rsp.isid, isid, 6);
	p.u.login_rsp.tsih = 0x1234;
	p.itt = 1;
	p.u.login_rsp.statsn = 0x10;
	p.u.login_rsp.expcmdsn = 0x20;
	p.u.login_rsp.maxcmdsn = 0x30;
	pdu_set_data(&p, "a=b\0\0", 5);
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT(len == sizeof(login_rsp_bytes) &&
	    memcmp(buf, login_rsp_bytes, len) == 0);

	/* Data-In */
	CU_ASSERT_EQUAL(pdu_decode(data_in_bytes, sizeof(data_in_bytes), NULL,
	    &q, &err), PDU_OK);
	CU_ASSERT(q.final && q.u.data_in.status_present &&
	    q.u.data_in.underflow && !q.u.data_in.overflow && !q.u.data_in.ack);
	CU_ASSERT_EQUAL(q.lun, 0x0001000000000000ull);
	CU_ASSERT_EQUAL(q.itt, 0x2a);
	CU_ASSERT_EQUAL(q.u.data_in.ttt, PDU_TAG_RESERVED);
	CU_ASSERT_EQUAL(q.u.data_in.statsn, 5);
	CU_ASSERT_EQUAL(q.u.data_in.maxcmdsn, 7);
	CU_ASSERT_EQUAL(q.u.data_in.buffer_offset, 0x1000);
	CU_ASSERT_EQUAL(q.u.data_in.residual, 0x200);
	CU_ASSERT_EQUAL(get_be32(q.data), 0xdeadbeefu);

	/* R2T */
	CU_ASSERT_EQUAL(pdu_decode(r2t_bytes, sizeof(r2t_bytes), NULL, &q,
	    &err), PDU_OK);
	CU_ASSERT_EQUAL(q.lun, 0x0002000000000000ull);
	CU_ASSERT_EQUAL(q.itt, 9);
	CU_ASSERT_EQUAL(q.u.r2t.ttt, 0x100);
	CU_ASSERT_EQUAL(q.u.r2t.r2tsn, 1);
	CU_ASSERT_EQUAL(q.u.r2t.buffer_offset, 0x10000);
	CU_ASSERT_EQUAL(q.u.r2t.ddtl, 0x2000);
	CU_ASSERT_EQUAL(pdu_encode(&q, NULL, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT(len == sizeof(r2t_bytes) && memcmp(buf, r2t_bytes, len) == 0);
}


/* RFC 7143 13.1 / 11.2.1: digest mismatches report both values. */
static void
test_digest_errors(void)
{
	struct pdu_digest_opts bad_hd = { true, true, 0x00000100, 0 };
	struct pdu_digest_opts bad_dd = { true, true, 0, 0x80000000 };
	struct pdu_digest_opts both = { true, true, 0, 0 };
	uint8_t data[10] = "0123456789";
	struct pdu p, q;
	struct pdu_error err;
	uint32_t good;
	size_t len;

	pdu_sample(&p, PDU_OP_DATA_IN, 1);
	pdu_set_data(&p, data, sizeof(data));
	CU_ASSERT_EQUAL(pdu_encode(&p, &bad_hd, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(len, 48 + 4 + 12 + 4);
	good = crc32c(0, buf, 48);
	CU_ASSERT_EQUAL(pdu_decode(buf, len, &both, &q, &err), PDU_EHDIGEST);
	CU_ASSERT_STRING_EQUAL(err.field, "HeaderDigest");
	CU_ASSERT_EQUAL(err.expected, good);
	CU_ASSERT_EQUAL(err.value, good ^ 0x100);
	CU_ASSERT_EQUAL(pdu_status_class(PDU_EHDIGEST), PDU_CLASS_FRAMING);
	CU_ASSERT_EQUAL(q.itt, p.itt);	/* BHS still shown for the log */

	CU_ASSERT_EQUAL(pdu_encode(&p, &bad_dd, buf, sizeof(buf), &len), PDU_OK);
	good = crc32c(0, buf + 52, 12);
	CU_ASSERT_EQUAL(pdu_decode(buf, len, &both, &q, &err), PDU_EDDIGEST);
	CU_ASSERT_STRING_EQUAL(err.field, "DataDigest");
	CU_ASSERT_EQUAL(err.expected, good);
	CU_ASSERT_EQUAL(err.value, good ^ 0x80000000u);
	CU_ASSERT_EQUAL(q.u.data_in.datasn, p.u.data_in.datasn);
	CU_ASSERT_EQUAL(q.data_len, 10);
	CU_ASSERT_EQUAL(get_le32(buf + len - 4), good ^ 0x80000000u);

	/* digest expected but PDU sent without: header digest is garbage */
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(pdu_decode(buf, len, &both, &q, &err), PDU_EHDIGEST);
	/* no data, no data digest (RFC 7143 11.2.1) */
	pdu_set_data(&p, NULL, 0);
	CU_ASSERT_EQUAL(pdu_encode(&p, &both, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(len, 52);
	CU_ASSERT_EQUAL(pdu_decode(buf, len, &both, &q, &err), PDU_OK);
	CU_ASSERT(!q.has_ddigest);
}

/* Every proper prefix of a PDU is reported as truncated, never read past. */
static void
test_truncated(void)
{
	struct pdu_digest_opts both = { true, true, 0, 0 };
	uint8_t data[5] = "abcde", tail[3] = { 1, 2, 3 };
	struct pdu p, q;
	struct pdu_error err;
	size_t len, n;

	pdu_sample(&p, PDU_OP_SCSI_CMD, 3);
	pdu_add_ext_cdb(&p, tail, 3);
	pdu_set_data(&p, data, 5);
	CU_ASSERT_EQUAL(pdu_encode(&p, &both, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(len, 48 + 8 + 4 + 8 + 4);
	for (n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, buf, n);
		CU_ASSERT_EQUAL(pdu_decode(copy, n, &both, &q, &err), PDU_ETRUNC);
		CU_ASSERT_EQUAL(pdu_status_class(err.code), PDU_CLASS_FRAMING);
		free(copy);
	}
	CU_ASSERT_EQUAL(pdu_decode(buf, len, &both, &q, &err), PDU_OK);
	/* trailing bytes are left alone */
	CU_ASSERT_EQUAL(pdu_decode(buf, len + 100, &both, &q, &err), PDU_OK);
	CU_ASSERT_EQUAL(q.wire_len, len);
}

/* The encoder writes illegal PDUs as asked (target-sim fault injection). */
static void
test_encode_illegal(void)
{
	uint8_t data[12] = "illegal!data";
	struct pdu p, q;
	struct pdu_error err;
	size_t len, len2;

	/* unknown opcode with opaque contents survives a decode/encode */
	pdu_init(&p, 0x3a);
	p.itt = 0x01020304;
	p.rsvd[1] = 0x81;
	p.rsvd[44] = 0xee;
	pdu_set_data(&p, data, 3);
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(buf[0], 0x3a);
	CU_ASSERT_EQUAL(buf[1], 0x81);
	CU_ASSERT_EQUAL(buf[44], 0xee);
	CU_ASSERT_EQUAL(pdu_decode(buf, len, NULL, &q, &err), PDU_EOPCODE);
	CU_ASSERT_EQUAL(err.value, 0x3a);
	CU_ASSERT_EQUAL(q.rsvd[44], 0xee);
	CU_ASSERT_EQUAL(pdu_encode(&q, NULL, buf2, sizeof(buf2), &len2), PDU_OK);
	CU_ASSERT(len == len2 && memcmp(buf, buf2, len) == 0);

	/* DataSegmentLength that lies: says 4, carries 12 */
	pdu_sample(&p, PDU_OP_NOP_IN, 0);
	pdu_set_data(&p, data, 12);
	p.dsl_override = true;
	p.dsl = 4;
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(len, 60);
	CU_ASSERT_EQUAL(get_be24(buf + 5), 4);
	CU_ASSERT_EQUAL(pdu_decode(buf, len, NULL, &q, &err), PDU_OK);
	CU_ASSERT_EQUAL(q.wire_len, 52);	/* the receiver frames 4 bytes */

	/* F bit cleared where it is always 1, reserved bits set */
	pdu_sample(&p, PDU_OP_LOGOUT_RSP, 0);
	p.final = false;
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf), &len), PDU_OK);
	CU_ASSERT_EQUAL(buf[1], 0x00);
	CU_ASSERT_EQUAL(pdu_validate(&p, &err), PDU_EFIELD);
	CU_ASSERT_STRING_EQUAL(err.field, "F");

	/* buffer too small, impossible lengths */
	pdu_sample(&p, PDU_OP_NOP_IN, 0);
	pdu_set_data(&p, data, 12);
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, 59, &len), PDU_ENOSPC);
	CU_ASSERT_EQUAL(len, 60);
	p.data_len = PDU_DSL_MAX + 1;
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf), &len), PDU_EINVAL);
	p.data = NULL;
	p.data_len = 4;
	CU_ASSERT_EQUAL(pdu_encode(&p, NULL, buf, sizeof(buf), &len), PDU_EINVAL);

	/* constructor defaults (RFC 7143 reserved-value tags, fixed bits) */
	pdu_init(&p, PDU_OP_NOP_OUT);
	CU_ASSERT_EQUAL(p.u.nop_out.ttt, PDU_TAG_RESERVED);
	CU_ASSERT(p.final);
	pdu_init(&p, PDU_OP_ASYNC);
	CU_ASSERT_EQUAL(p.itt, PDU_TAG_RESERVED);
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	CU_ASSERT(p.immediate);
	pdu_init(&p, PDU_OP_TEXT_REQ);
	CU_ASSERT_EQUAL(p.u.text_req.ttt, PDU_TAG_RESERVED);
	pdu_init(&p, PDU_OP_NOP_OUT);
	for (len = 0; len < PDU_AHS_MAX; len++)
		CU_ASSERT_EQUAL(pdu_add_bidi_read_len(&p, 1), 0);
	CU_ASSERT_EQUAL(pdu_add_bidi_read_len(&p, 1), -1);
}

static CU_TestInfo pdu_tests[] = {
	{ "rfc7143_11_1_names", test_names },
	{ "rfc7143_11_2_layout_covers_bhs", test_layout_coverage },
	{ "rfc7143_11_roundtrip_every_opcode", test_roundtrip_all },
	{ "rfc7143_11_2_2_ahs_roundtrip", test_roundtrip_ahs },
	{ "rfc7143_b4_read10_known_bytes", test_known_read10 },
	{ "rfc7143_11_known_bytes_login_datain_r2t", test_known_bytes },
	{ "rfc7143_13_1_digest_errors", test_digest_errors },
	{ "rfc7143_11_2_truncated", test_truncated },
	{ "encode_illegal_on_purpose", test_encode_illegal },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "pdu", pdu_tests)
