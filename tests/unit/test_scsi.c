/*
 * proto/scsi: CDB builders (exact bytes per SPC-4/SBC-3), response and
 * sense parsers (good data, truncated and garbage buffers), LUN field
 * encoding (SAM-5 4.7).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "scsi.h"

#define CDB_EQ(cdb, n, ...) do {					\
	static const uint8_t want_[] = { __VA_ARGS__ };			\
	CU_ASSERT_EQUAL((n), sizeof(want_));				\
	CU_ASSERT(memcmp((cdb), want_, sizeof(want_)) == 0);		\
} while (0)

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(scsi_opcode_name(SCSI_OP_READ16), "READ(16)");
	CU_ASSERT_STRING_EQUAL(scsi_opcode_name(0x9e), "SERVICE ACTION IN(16)");
	CU_ASSERT_PTR_NULL(scsi_opcode_name(0xff));
	CU_ASSERT_EQUAL(SCSI_STATUS_RESERVATION_CONFLICT, 0x18);
	CU_ASSERT_EQUAL(SCSI_STATUS_TASK_SET_FULL, 0x28);
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x02), "CHECK CONDITION");
	CU_ASSERT_STRING_EQUAL(scsi_sense_key_name(SCSI_SENSE_ILLEGAL_REQUEST),
	    "ILLEGAL REQUEST");
	CU_ASSERT_PTR_NULL(scsi_sense_key_name(0xc));
	CU_ASSERT_EQUAL(SCSI_ASC_LBA_OUT_OF_RANGE, 0x2100);
	CU_ASSERT_EQUAL(SCSI_ASC_INVALID_COMMAND_OPERATION_CODE, 0x2000);
	CU_ASSERT_EQUAL(SCSI_ASC_LOGICAL_UNIT_NOT_SUPPORTED, 0x2500);
	CU_ASSERT_EQUAL(SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR, 0x1a00);
	CU_ASSERT_EQUAL(SCSI_ASC_MEDIUM_NOT_PRESENT, 0x3a00);
	CU_ASSERT_STRING_EQUAL(scsi_asc_text(0x24, 0x00), "INVALID FIELD IN CDB");
	/* RFC 7143 11.4.7.2: protocol service CRC error 0x47/0x05 */
	CU_ASSERT_STRING_EQUAL(scsi_asc_text(0x47, 0x05), "PROTOCOL SERVICE CRC ERROR");
	CU_ASSERT_PTR_NULL(scsi_asc_text(0x24, 0x77));
	CU_ASSERT(scsi_asc_count() > 30);
	CU_ASSERT_STRING_EQUAL(scsi_pr_type_name(5), "WRITE EXCLUSIVE - REGISTRANTS ONLY");
	CU_ASSERT_PTR_NULL(scsi_pr_type_name(2));
	/* SPC-4 4.2.5.1: group code -> CDB length */
	CU_ASSERT_EQUAL(scsi_cdb_len(0x12), 6);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x28), 10);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x5e), 10);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x7f), 0);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x88), 16);
	CU_ASSERT_EQUAL(scsi_cdb_len(0xa0), 12);
	CU_ASSERT_EQUAL(scsi_cdb_len(0xc0), 0);
}

static void
test_cdb_builders(void)
{
	uint8_t cdb[SCSI_CDB_MAX], par[SCSI_PR_OUT_PARAM_LEN];
	size_t n;

	memset(cdb, 0xee, sizeof(cdb));
	n = scsi_cdb_test_unit_ready(cdb);
	CDB_EQ(cdb, n, 0x00, 0, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(cdb[15], 0);	/* tail zeroed */
	n = scsi_cdb_request_sense(cdb, 1, 252);
	CDB_EQ(cdb, n, 0x03, 0x01, 0, 0, 252, 0);
	/* SPC-4 6.4.1 */
	n = scsi_cdb_inquiry(cdb, 0, 0, 96);
	CDB_EQ(cdb, n, 0x12, 0, 0, 0, 96, 0);
	n = scsi_cdb_inquiry(cdb, 1, 0x83, 0x1234);
	CDB_EQ(cdb, n, 0x12, 0x01, 0x83, 0x12, 0x34, 0);
	/* SPC-4 6.11, 6.12 */
	n = scsi_cdb_mode_sense6(cdb, 1, SCSI_MODE_PC_CHANGEABLE, 0x08, 0, 255);
	CDB_EQ(cdb, n, 0x1a, 0x08, 0x48, 0, 255, 0);
	n = scsi_cdb_mode_sense10(cdb, 1, 0, SCSI_MODE_PC_CURRENT, 0x3f, 0xff, 0x0400);
	CDB_EQ(cdb, n, 0x5a, 0x10, 0x3f, 0xff, 0, 0, 0, 0x04, 0x00, 0);
	n = scsi_cdb_reserve6(cdb);
	CDB_EQ(cdb, n, 0x16, 0, 0, 0, 0, 0);
	n = scsi_cdb_release6(cdb);
	CDB_EQ(cdb, n, 0x17, 0, 0, 0, 0, 0);
	/* SBC-3 5.15, 5.16 */
	n = scsi_cdb_read_capacity10(cdb);
	CDB_EQ(cdb, n, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	n = scsi_cdb_read_capacity16(cdb, 32);
	CDB_EQ(cdb, n, 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
	/* SBC-3 5.8, 5.32, 5.10, 5.34 */
	n = scsi_cdb_read10(cdb, 0x01020304, 0x0506, SCSI_CDB_FUA);
	CDB_EQ(cdb, n, 0x28, 0x08, 1, 2, 3, 4, 0, 5, 6, 0);
	n = scsi_cdb_write10(cdb, 0xfffffffe, 1, SCSI_CDB_DPO);
	CDB_EQ(cdb, n, 0x2a, 0x10, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0);
	n = scsi_cdb_read16(cdb, 0x1122334455667788ULL, 0x99aabbcc, 0);
	CDB_EQ(cdb, n, 0x88, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	    0x99, 0xaa, 0xbb, 0xcc, 0, 0);
	n = scsi_cdb_write16(cdb, 1, 8, SCSI_CDB_FUA | 0x01);	/* stray bit dropped */
	CDB_EQ(cdb, n, 0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0);
	/* SBC-3 5.22 */
	n = scsi_cdb_sync_cache10(cdb, 16, 32, 1);
	CDB_EQ(cdb, n, 0x35, 0x02, 0, 0, 0, 16, 0, 0, 32, 0);
	/* SPC-4 6.33 */
	n = scsi_cdb_report_luns(cdb, 0x02, 0x00010000);
	CDB_EQ(cdb, n, 0xa0, 0, 0x02, 0, 0, 0, 0, 1, 0, 0, 0, 0);
	/* SPC-4 6.15, 6.16 */
	n = scsi_cdb_pr_in(cdb, SCSI_PR_IN_READ_RESERVATION, 0x2000);
	CDB_EQ(cdb, n, 0x5e, 0x01, 0, 0, 0, 0, 0, 0x20, 0x00, 0);
	n = scsi_cdb_pr_out(cdb, SCSI_PR_OUT_PREEMPT, SCSI_PR_SCOPE_LU,
	    SCSI_PR_EXCLUSIVE_ACCESS_RO, SCSI_PR_OUT_PARAM_LEN);
	CDB_EQ(cdb, n, 0x5f, 0x04, 0x06, 0, 0, 0, 0, 0, 24, 0);
	n = scsi_cdb_pr_out(cdb, SCSI_PR_OUT_REGISTER_AND_IGNORE, 0, 0, 24);
	CDB_EQ(cdb, n, 0x5f, 0x06, 0x00, 0, 0, 0, 0, 0, 24, 0);
	n = scsi_pr_out_param(par, 0x0102030405060708ULL, 0xa1a2a3a4a5a6a7a8ULL,
	    SCSI_PR_APTPL);
	CDB_EQ(par, n, 1, 2, 3, 4, 5, 6, 7, 8, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
	    0xa7, 0xa8, 0, 0, 0, 0, 0x01, 0, 0, 0);
	/* SBC-3 4.2.2: the common block layouts, built and read back */
	{
		uint64_t lba;
		uint32_t nb;

		n = scsi_cdb_block(cdb, SCSI_OP_READ6, 0x12345, 256, 0xff);
		CDB_EQ(cdb, n, 0x08, 0x01, 0x23, 0x45, 0x00, 0);
		CU_ASSERT(scsi_cdb_block_fields(cdb, &lba, &nb) == 0 &&
		    lba == 0x12345 && nb == 256);
		n = scsi_cdb_block(cdb, SCSI_OP_VERIFY12, 0x01020304, 0x05060708, 0x02);
		CDB_EQ(cdb, n, 0xaf, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0);
		CU_ASSERT(scsi_cdb_block_fields(cdb, &lba, &nb) == 0 &&
		    lba == 0x01020304 && nb == 0x05060708);
		n = scsi_cdb_block(cdb, SCSI_OP_WRITE_SAME10, 7, 9, 0x08);
		CDB_EQ(cdb, n, 0x41, 0x08, 0, 0, 0, 7, 0, 0, 9, 0);
		n = scsi_cdb_block(cdb, SCSI_OP_ORWRITE16, 1ULL << 40, 3, 0);
		CDB_EQ(cdb, n, 0x8b, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0);
		CU_ASSERT(scsi_cdb_block_fields(cdb, &lba, &nb) == 0 &&
		    lba == 1ULL << 40 && nb == 3);
		CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_WRITE6, 0, 0, 0), 0);
		CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_READ12, 1ULL << 32, 1, 0), 0);
		CU_ASSERT_EQUAL(scsi_cdb_block(cdb, SCSI_OP_REPORT_LUNS, 0, 1, 0), 0);
		cdb[0] = SCSI_OP_INQUIRY;
		CU_ASSERT_EQUAL(scsi_cdb_block_fields(cdb, &lba, &nb), -1);
	}
}

/* SAM-5 4.7.5 / 4.7.7: peripheral and flat space addressing */
static void
test_lun_field(void)
{
	uint8_t b[8];
	uint16_t lun = 0xffff;
	unsigned int i;

	CU_ASSERT_EQUAL(scsi_lun_encode(0), 0);
	CU_ASSERT_EQUAL(scsi_lun_encode(5), 0x0005000000000000ULL);
	CU_ASSERT_EQUAL(scsi_lun_encode(255), 0x00ff000000000000ULL);
	CU_ASSERT_EQUAL(scsi_lun_encode(256), 0x4100000000000000ULL);
	CU_ASSERT_EQUAL(scsi_lun_encode(0x1234), 0x5234000000000000ULL);
	CU_ASSERT_EQUAL(scsi_lun_encode(16383), 0x7fff000000000000ULL);
	CU_ASSERT_EQUAL(scsi_lun_encode(16384), SCSI_LUN_INVALID);
	scsi_lun_to_bytes(scsi_lun_encode(300), b);
	CU_ASSERT(b[0] == 0x41 && b[1] == 0x2c && b[2] == 0 && b[7] == 0);
	CU_ASSERT_EQUAL(scsi_lun_from_bytes(b), 0x412c000000000000ULL);
	for (i = 0; i <= SCSI_LUN_MAX_FLAT; i++) {
		if (scsi_lun_decode(scsi_lun_encode((uint16_t)i), &lun) != SCSI_OK ||
		    lun != i) {
			CU_FAIL("LUN round trip");
			break;
		}
	}
	/* flat encoding of a small LUN decodes too */
	CU_ASSERT_EQUAL(scsi_lun_decode(0x4003000000000000ULL, &lun), SCSI_OK);
	CU_ASSERT_EQUAL(lun, 3);
	/* second level, other bus, logical unit and extended methods refused */
	CU_ASSERT_EQUAL(scsi_lun_decode(0x0001000100000000ULL, &lun), SCSI_EUNSUP);
	CU_ASSERT_EQUAL(scsi_lun_decode(0x0501000000000000ULL, &lun), SCSI_EUNSUP);
	CU_ASSERT_EQUAL(scsi_lun_decode(0x8001000000000000ULL, &lun), SCSI_EUNSUP);
	CU_ASSERT_EQUAL(scsi_lun_decode(0xc101000000000000ULL, &lun), SCSI_EUNSUP);
}

static const uint8_t inq_std[] = {
	0x00, 0x00, 0x06, 0x12, 31, 0x00, 0x10, 0x02,
	'I', 'S', 'C', 'S', 'I', 'B', 'E', 'N',
	'S', 'I', 'M', ' ', 'D', 'I', 'S', 'K', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	'0', '1', '0', ' ',
};

/* SPC-4 6.4.2 */
static void
test_parse_inquiry(void)
{
	struct scsi_inquiry inq;
	struct scsi_perr err;
	uint8_t buf[64];

	CU_ASSERT_EQUAL(scsi_parse_inquiry(inq_std, sizeof(inq_std), &inq, &err), SCSI_OK);
	CU_ASSERT_EQUAL(inq.qualifier, 0);
	CU_ASSERT_EQUAL(inq.device_type, SCSI_TYPE_DISK);
	CU_ASSERT_EQUAL(inq.version, 6);
	CU_ASSERT_EQUAL(inq.response_format, 2);
	CU_ASSERT(inq.hisup && inq.cmdque && inq.multip && !inq.rmb);
	CU_ASSERT_STRING_EQUAL(inq.vendor, "ISCSIBEN");
	CU_ASSERT_STRING_EQUAL(inq.product, "SIM DISK");
	CU_ASSERT_STRING_EQUAL(inq.revision, "010");
	CU_ASSERT_FALSE(inq.truncated);
	/* cut inside the product id: strings as far as present */
	CU_ASSERT_EQUAL(scsi_parse_inquiry(inq_std, 19, &inq, NULL), SCSI_OK);
	CU_ASSERT_STRING_EQUAL(inq.vendor, "ISCSIBEN");
	CU_ASSERT_STRING_EQUAL(inq.product, "SIM");
	CU_ASSERT_STRING_EQUAL(inq.revision, "");
	CU_ASSERT(inq.truncated);
	/* ADDITIONAL LENGTH smaller than the buffer limits what is read */
	memcpy(buf, inq_std, sizeof(inq_std));
	buf[4] = 7;
	CU_ASSERT_EQUAL(scsi_parse_inquiry(buf, sizeof(inq_std), &inq, NULL), SCSI_OK);
	CU_ASSERT_STRING_EQUAL(inq.vendor, "ISCS");
	/* non-existent LUN: qualifier 011b, type 1Fh; garbage bytes sanitised */
	buf[0] = 0x7f;
	buf[4] = 31;
	buf[9] = 0x01;
	CU_ASSERT_EQUAL(scsi_parse_inquiry(buf, sizeof(inq_std), &inq, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(inq.qualifier, SCSI_QUAL_NOT_SUPPORTED);
	CU_ASSERT_EQUAL(inq.device_type, SCSI_TYPE_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(inq.vendor, "I?CSIBEN");
	CU_ASSERT_EQUAL(scsi_parse_inquiry(inq_std, 4, &inq, &err), SCSI_ETRUNC);
	CU_ASSERT_EQUAL(err.code, SCSI_ETRUNC);
	CU_ASSERT_EQUAL(err.value, 4);
	CU_ASSERT_STRING_EQUAL(err.msg, "INQUIRY data: 4 bytes, at least 5 needed");
	CU_ASSERT_EQUAL(scsi_parse_inquiry(NULL, 0, &inq, NULL), SCSI_ETRUNC);
}

/* SPC-4 7.8.14, 7.8.15, 7.8.6; SBC-3 6.5.3 */
static void
test_parse_vpd(void)
{
	static const uint8_t pages[] = { 0x00, 0x00, 0x00, 0x04, 0x00, 0x80, 0x83, 0xb0 };
	static const uint8_t serial[] = { 0x00, 0x80, 0x00, 0x06, ' ', 'A', 'B', '1', ' ', ' ' };
	static const uint8_t devid[] = {
		0x00, 0x83, 0x00, 28,
		0x01, 0x03, 0x00, 0x08, 0x3a, 1, 2, 3, 4, 5, 6, 7,	/* NAA, LU */
		0x51, 0x94, 0x00, 0x04, 0, 0, 0, 1,			/* rel port */
		0x53, 0xa8, 0x00, 0x04, 'i', 'q', 'n', 0,		/* name, device */
	};
	struct scsi_vpd_pages vp;
	struct scsi_vpd_serial vs;
	struct scsi_vpd_devid vd;
	struct scsi_vpd_block_limits bl;
	const struct scsi_designator *d;
	struct scsi_perr err;
	uint8_t buf[64];

	CU_ASSERT_EQUAL(scsi_parse_vpd_supported(pages, sizeof(pages), &vp, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(vp.count, 4);
	CU_ASSERT(vp.pages[2] == 0x83 && vp.pages[3] == 0xb0);
	CU_ASSERT_EQUAL(scsi_parse_vpd_supported(pages, 6, &vp, NULL), SCSI_OK);
	CU_ASSERT(vp.count == 2 && vp.hdr.truncated);
	/* a page code other than the one asked for is refused */
	CU_ASSERT_EQUAL(scsi_parse_vpd_serial(pages, sizeof(pages), &vs, &err), SCSI_EFORMAT);
	CU_ASSERT_EQUAL(err.offset, 1);
	CU_ASSERT_STRING_EQUAL(err.msg, "VPD page: page code 0x00, expected 0x80");
	CU_ASSERT_EQUAL(scsi_parse_vpd_serial(serial, sizeof(serial), &vs, NULL), SCSI_OK);
	CU_ASSERT_STRING_EQUAL(vs.serial, "AB1");
	CU_ASSERT_EQUAL(scsi_parse_vpd_serial(serial, 3, &vs, NULL), SCSI_ETRUNC);

	CU_ASSERT_EQUAL(scsi_parse_vpd_devid(devid, sizeof(devid), &vd, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(vd.count, 3);
	CU_ASSERT_EQUAL(vd.total, 3);
	d = scsi_devid_find(&vd, SCSI_DESIG_NAA, SCSI_ASSOC_LU);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->len == 8 && d->data[0] == 0x3a && d->code_set == SCSI_CODESET_BINARY);
	d = scsi_devid_find(&vd, SCSI_DESIG_REL_TARGET_PORT, SCSI_ASSOC_TARGET_PORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->piv && d->protocol_id == SCSI_PROTO_ISCSI && d->data[3] == 1);
	d = scsi_devid_find(&vd, SCSI_DESIG_SCSI_NAME, SCSI_ASSOC_TARGET_DEVICE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->code_set == SCSI_CODESET_UTF8 && memcmp(d->data, "iqn", 3) == 0);
	CU_ASSERT_PTR_NULL(scsi_devid_find(&vd, SCSI_DESIG_EUI64, SCSI_ASSOC_LU));
	/* cut by the allocation length: the designators that fit */
	CU_ASSERT_EQUAL(scsi_parse_vpd_devid(devid, 22, &vd, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(vd.count, 1);
	/* designator length past the declared page length: garbage */
	memcpy(buf, devid, sizeof(devid));
	buf[19] = 40;
	CU_ASSERT_EQUAL(scsi_parse_vpd_devid(buf, sizeof(devid), &vd, &err), SCSI_EFORMAT);
	CU_ASSERT_EQUAL(err.offset, 16);
	CU_ASSERT_EQUAL(err.value, 40);

	memset(buf, 0, sizeof(buf));
	buf[1] = 0xb0;
	buf[3] = 0x3c;
	buf[4] = 1;
	buf[8] = 0x00; buf[9] = 0x00; buf[10] = 0x20; buf[11] = 0x00;
	buf[15] = 0x80;
	buf[32] = 0x80; buf[35] = 0x08;
	buf[43] = 0x10;
	CU_ASSERT_EQUAL(scsi_parse_vpd_block_limits(buf, 64, &bl, NULL), SCSI_OK);
	CU_ASSERT(bl.wsnz == 1 && bl.max_xfer_len == 0x2000 && bl.opt_xfer_len == 0x80);
	CU_ASSERT(bl.ugavalid == 1 && bl.unmap_granularity_align == 8);
	CU_ASSERT_EQUAL(bl.max_write_same_len, 0x10);
	CU_ASSERT_EQUAL(scsi_parse_vpd_block_limits(buf, 14, &bl, NULL), SCSI_OK);
	CU_ASSERT(bl.max_xfer_len == 0x2000 && bl.opt_xfer_len == 0 && bl.hdr.truncated);
}

/* SBC-3 5.15.2, 5.16.2 */
static void
test_parse_capacity(void)
{
	static const uint8_t rc10[] = { 0x00, 0x01, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00 };
	static const uint8_t rc10_big[] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00 };
	static const uint8_t rc16[32] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x10, 0,
		0x05, 0x03, 0xc0, 0x07 };
	struct scsi_capacity c;
	struct scsi_perr err;
	uint8_t zero[8] = { 0 };

	CU_ASSERT_EQUAL(scsi_parse_read_capacity10(rc10, 8, &c, NULL), SCSI_OK);
	CU_ASSERT(c.last_lba == 0x1ffff && c.block_size == 512 && !c.need_rc16);
	CU_ASSERT_EQUAL(scsi_parse_read_capacity10(rc10_big, 8, &c, NULL), SCSI_OK);
	CU_ASSERT(c.need_rc16);
	CU_ASSERT_EQUAL(scsi_parse_read_capacity10(rc10, 7, &c, &err), SCSI_ETRUNC);
	CU_ASSERT_EQUAL(scsi_parse_read_capacity10(zero, 8, &c, &err), SCSI_EFORMAT);
	CU_ASSERT_STRING_EQUAL(err.msg, "READ CAPACITY(10): block length 0");
	CU_ASSERT_EQUAL(scsi_parse_read_capacity16(rc16, 32, &c, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(c.last_lba, 0x100000000ULL);
	CU_ASSERT_EQUAL(c.block_size, 4096);
	CU_ASSERT(c.prot_en == 1 && c.p_type == 2 && c.lbppbe == 3);
	CU_ASSERT(c.lbpme == 1 && c.lbprz == 1 && c.lowest_aligned_lba == 7);
	CU_ASSERT_EQUAL(scsi_parse_read_capacity16(rc16, 12, &c, NULL), SCSI_OK);
	CU_ASSERT(c.block_size == 4096 && c.lbppbe == 0);
	CU_ASSERT_EQUAL(scsi_parse_read_capacity16(rc16, 11, &c, NULL), SCSI_ETRUNC);
}

/* SPC-4 6.33.2 */
static void
test_parse_report_luns(void)
{
	static const uint8_t rl[] = {
		0, 0, 0, 32, 0, 0, 0, 0,
		0x00, 0x00, 0, 0, 0, 0, 0, 0,		/* LUN 0 */
		0x00, 0x07, 0, 0, 0, 0, 0, 0,		/* LUN 7 peripheral */
		0x41, 0x00, 0, 0, 0, 0, 0, 0,		/* LUN 256 flat */
		0xc1, 0x00, 0, 0, 0, 0, 0, 0,		/* extended: not decoded */
	};
	struct scsi_lun_entry e[8];
	struct scsi_report_luns r;
	struct scsi_perr err;
	uint8_t bad[8] = { 0, 0, 0, 12 };

	CU_ASSERT_EQUAL(scsi_parse_report_luns(rl, sizeof(rl), e, 8, &r, NULL), SCSI_OK);
	CU_ASSERT(r.list_len == 32 && r.total == 4 && r.count == 4 && !r.truncated);
	CU_ASSERT(e[1].decoded && e[1].lun == 7 && e[1].method == SCSI_LUN_PERIPHERAL);
	CU_ASSERT(e[2].decoded && e[2].lun == 256 && e[2].method == SCSI_LUN_FLAT);
	CU_ASSERT(!e[3].decoded && e[3].method == SCSI_LUN_EXTENDED);
	CU_ASSERT_EQUAL(e[3].raw, 0xc100000000000000ULL);
	/* allocation length 16: header + one LUN, total still known */
	CU_ASSERT_EQUAL(scsi_parse_report_luns(rl, 16, e, 8, &r, NULL), SCSI_OK);
	CU_ASSERT(r.total == 4 && r.count == 1 && r.truncated);
	/* caller's array smaller than the list */
	CU_ASSERT_EQUAL(scsi_parse_report_luns(rl, sizeof(rl), e, 2, &r, NULL), SCSI_OK);
	CU_ASSERT(r.count == 2 && r.truncated);
	CU_ASSERT_EQUAL(scsi_parse_report_luns(bad, 8, e, 8, &r, &err), SCSI_EFORMAT);
	CU_ASSERT_EQUAL(err.value, 12);
	CU_ASSERT_EQUAL(scsi_parse_report_luns(rl, 7, e, 8, &r, &err), SCSI_ETRUNC);
}

/* SPC-4 6.15.2-6.15.4 */
static void
test_parse_pr_in(void)
{
	static const uint8_t keys[] = {
		0, 0, 0, 9, 0, 0, 0, 16,
		0, 0, 0, 0, 0, 0, 0xab, 0xcd,
		1, 2, 3, 4, 5, 6, 7, 8,
	};
	static const uint8_t resv[] = {
		0, 0, 0, 3, 0, 0, 0, 16,
		0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 0, 0, 0, 0, 0x05, 0, 0,
	};
	static const uint8_t caps[] = { 0, 8, 0x10, 0x81, 0xea, 0x01, 0, 0 };
	uint64_t k[4];
	struct scsi_pr_keys pk;
	struct scsi_pr_reservation pr;
	struct scsi_pr_caps pc;
	struct scsi_perr err;
	uint8_t buf[24];

	CU_ASSERT_EQUAL(scsi_parse_pr_read_keys(keys, sizeof(keys), k, 4, &pk, NULL), SCSI_OK);
	CU_ASSERT(pk.generation == 9 && pk.total == 2 && pk.count == 2);
	CU_ASSERT(k[0] == 0xabcd && k[1] == 0x0102030405060708ULL);
	CU_ASSERT_EQUAL(scsi_parse_pr_read_keys(keys, 20, k, 4, &pk, NULL), SCSI_OK);
	CU_ASSERT(pk.count == 1 && pk.truncated);
	memcpy(buf, keys, 24);
	buf[7] = 13;
	CU_ASSERT_EQUAL(scsi_parse_pr_read_keys(buf, 24, k, 4, &pk, &err), SCSI_EFORMAT);

	CU_ASSERT_EQUAL(scsi_parse_pr_read_reservation(resv, 24, &pr, NULL), SCSI_OK);
	CU_ASSERT(pr.reserved && pr.generation == 3 && pr.key == 0xabcd);
	CU_ASSERT(pr.scope == 0 && pr.type == SCSI_PR_WRITE_EXCLUSIVE_RO);
	CU_ASSERT_EQUAL(scsi_parse_pr_read_reservation(resv, 8 + 0, &pr, NULL), SCSI_ETRUNC);
	memcpy(buf, resv, 24);
	buf[7] = 0;
	CU_ASSERT_EQUAL(scsi_parse_pr_read_reservation(buf, 8, &pr, NULL), SCSI_OK);
	CU_ASSERT_FALSE(pr.reserved);
	buf[7] = 8;
	CU_ASSERT_EQUAL(scsi_parse_pr_read_reservation(buf, 24, &pr, &err), SCSI_EFORMAT);
	CU_ASSERT_EQUAL(err.offset, 4);

	CU_ASSERT_EQUAL(scsi_parse_pr_report_caps(caps, sizeof(caps), &pc, NULL), SCSI_OK);
	CU_ASSERT(pc.crh && !pc.sip_c && !pc.atp_c && !pc.ptpl_c && pc.tmv && pc.ptpl_a);
	CU_ASSERT_EQUAL(pc.type_mask, (1u << 1) | (1u << 3) | (1u << 5) | (1u << 6) |
	    (1u << 7) | (1u << 8));
	CU_ASSERT_EQUAL(scsi_parse_pr_report_caps(caps, 5, &pc, NULL), SCSI_ETRUNC);
}

/* SPC-4 7.5.4-7.5.7, SBC-3 6.4.2 */
static void
test_parse_mode_sense(void)
{
	static const uint8_t ms6[] = {
		3 + 8 + 20 + 12, 0, 0x10, 8,
		0, 0, 0x10, 0, 0, 0, 2, 0,
		0x08, 0x12, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x0a, 0x0a, 0, 0x10, 0, 0, 0, 0, 0xff, 0xff, 0, 0,
	};
	static const uint8_t ms10[] = {
		0, 6 + 16, 0, 0x80, 0x01, 0, 0, 16,
		0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0,
	};
	struct scsi_mode_header h;
	const uint8_t *p;
	size_t plen = 0;

	CU_ASSERT_EQUAL(scsi_parse_mode_sense(ms6, sizeof(ms6), 0, &h, NULL), SCSI_OK);
	CU_ASSERT(h.dev_specific == 0x10 && h.bd_len == 8);
	CU_ASSERT(h.bd_nblocks == 0x1000 && h.bd_block_len == 512);
	p = scsi_mode_find_page(&h, SCSI_MODEPAGE_CACHING, &plen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT(plen == 20 && (p[2] & 0x04));
	p = scsi_mode_find_page(&h, SCSI_MODEPAGE_CONTROL, &plen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(plen, 12);
	CU_ASSERT_PTR_NULL(scsi_mode_find_page(&h, 0x1c, &plen));
	/* cut inside the control page: it is not returned */
	CU_ASSERT_EQUAL(scsi_parse_mode_sense(ms6, 40, 0, &h, NULL), SCSI_OK);
	CU_ASSERT_PTR_NOT_NULL(scsi_mode_find_page(&h, SCSI_MODEPAGE_CACHING, NULL));
	CU_ASSERT_PTR_NULL(scsi_mode_find_page(&h, SCSI_MODEPAGE_CONTROL, NULL));
	CU_ASSERT_EQUAL(scsi_parse_mode_sense(ms10, sizeof(ms10), 1, &h, NULL), SCSI_OK);
	CU_ASSERT(h.longlba && h.bd_len == 16 && h.bd_nblocks == 0x100000000ULL);
	CU_ASSERT(h.bd_block_len == 512 && h.dev_specific == 0x80 && h.pages_len == 0);
	CU_ASSERT_EQUAL(scsi_parse_mode_sense(ms10, 7, 1, &h, NULL), SCSI_ETRUNC);
}

/* SPC-4 4.5.3 fixed, 4.5.2 descriptor */
static void
test_sense(void)
{
	static const uint8_t want_fixed[18] = {
		0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0x00, 0, 0xcb, 0x00, 0x02,
	};
	static const uint8_t desc[] = {
		0x72, 0x03, 0x11, 0x00, 0, 0, 0, 24,
		0x00, 0x0a, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x23, 0x45,	/* information */
		0x02, 0x06, 0, 0, 0x80, 0x00, 0x10, 0,			/* SKS */
	};
	struct scsi_sense s;
	struct scsi_perr err;
	uint8_t out[32], bad[32];
	char txt[96];

	memset(&s, 0, sizeof(s));
	s.key = SCSI_SENSE_ILLEGAL_REQUEST;
	s.asc = 0x24;
	/* field pointer: CDB byte 2, bit 3 */
	scsi_sense_set_field_pointer(&s, 1, 2, 3);
	CU_ASSERT_EQUAL(scsi_sense_build_fixed(out, sizeof(out), &s), 18);
	CU_ASSERT(memcmp(out, want_fixed, 18) == 0);
	CU_ASSERT_EQUAL(scsi_sense_build_fixed(out, 17, &s), 0);
	CU_ASSERT_EQUAL(scsi_sense_fixed(out, sizeof(out), SCSI_SENSE_ILLEGAL_REQUEST,
	    SCSI_ASC_LBA_OUT_OF_RANGE), 18);
	CU_ASSERT(out[0] == 0x70 && out[2] == 0x05 && out[7] == 10);
	CU_ASSERT(out[12] == 0x21 && out[13] == 0x00 && out[15] == 0);

	CU_ASSERT_EQUAL(scsi_parse_sense(want_fixed, 18, &s, NULL), SCSI_OK);
	CU_ASSERT(s.response_code == 0x70 && !s.descriptor && s.key == 5);
	CU_ASSERT(s.asc == 0x24 && s.ascq == 0 && s.sks_valid && s.sks[2] == 2);
	CU_ASSERT_FALSE(s.info_valid);
	scsi_sense_format(&s, txt, sizeof(txt));
	CU_ASSERT_STRING_EQUAL(txt, "ILLEGAL REQUEST: INVALID FIELD IN CDB (0x24/0x00)");
	/* fixed sense cut to 8 bytes: key only */
	CU_ASSERT_EQUAL(scsi_parse_sense(want_fixed, 8, &s, NULL), SCSI_OK);
	CU_ASSERT(s.key == 5 && s.asc == 0 && !s.sks_valid);
	/* VALID bit + information */
	memcpy(bad, want_fixed, 18);
	bad[0] = 0xf0;
	bad[5] = 0x12;
	bad[6] = 0x34;
	CU_ASSERT_EQUAL(scsi_parse_sense(bad, 18, &s, NULL), SCSI_OK);
	CU_ASSERT(s.info_valid && s.info == 0x1234);

	CU_ASSERT_EQUAL(scsi_parse_sense(desc, sizeof(desc), &s, NULL), SCSI_OK);
	CU_ASSERT(s.descriptor && s.key == SCSI_SENSE_MEDIUM_ERROR);
	CU_ASSERT(s.asc == 0x11 && s.info_valid && s.info == 0x12345);
	CU_ASSERT(s.sks_valid && s.sks[1] == 0x00 && s.sks[2] == 0x10);
	/* descriptor running past the additional sense length */
	memcpy(bad, desc, sizeof(desc));
	bad[7] = 14;
	CU_ASSERT_EQUAL(scsi_parse_sense(bad, 22, &s, &err), SCSI_EFORMAT);
	CU_ASSERT_EQUAL(err.offset, 21);
	/* the same cut by the buffer: parsed as far as it goes */
	CU_ASSERT_EQUAL(scsi_parse_sense(desc, 24, &s, NULL), SCSI_OK);
	CU_ASSERT(s.info_valid && !s.sks_valid);

	bad[0] = 0x7e;
	CU_ASSERT_EQUAL(scsi_parse_sense(bad, 18, &s, &err), SCSI_EFORMAT);
	CU_ASSERT_EQUAL(err.value, 0x7e);
	CU_ASSERT_EQUAL(scsi_parse_sense(want_fixed, 2, &s, NULL), SCSI_ETRUNC);
	CU_ASSERT_EQUAL(scsi_parse_sense(desc, 3, &s, NULL), SCSI_ETRUNC);
	CU_ASSERT_EQUAL(scsi_parse_sense(desc, 0, &s, NULL), SCSI_ETRUNC);
}

/* Random garbage through every parser, every length: no crash, no overread (ASan). */
static void
test_garbage(void)
{
	struct scsi_inquiry inq;
	struct scsi_vpd_pages vp;
	struct scsi_vpd_serial vs;
	struct scsi_vpd_devid vd;
	struct scsi_vpd_block_limits bl;
	struct scsi_capacity c;
	struct scsi_lun_entry e[4];
	struct scsi_report_luns r;
	struct scsi_pr_keys pk;
	struct scsi_pr_reservation pr;
	struct scsi_pr_caps pc;
	struct scsi_mode_header h;
	struct scsi_sense s;
	struct scsi_perr err;
	uint64_t k[4];
	unsigned int seed = 7, round;
	size_t len, i;

	for (round = 0; round < 300; round++) {
		uint8_t *buf;

		len = (size_t)(rand_r(&seed) % 80);
		buf = malloc(len + 1);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		if (len > 1 && round % 4 == 0)
			buf[1] = (uint8_t)(round % 3 == 0 ? 0x83 : 0xb0);
		if (len > 0 && round % 5 == 0)
			buf[0] = (uint8_t)(0x70 + round % 4);
		(void)scsi_parse_inquiry(buf, len, &inq, &err);
		(void)scsi_parse_vpd_supported(buf, len, &vp, &err);
		(void)scsi_parse_vpd_serial(buf, len, &vs, &err);
		(void)scsi_parse_vpd_devid(buf, len, &vd, &err);
		(void)scsi_parse_vpd_block_limits(buf, len, &bl, &err);
		(void)scsi_parse_read_capacity10(buf, len, &c, &err);
		(void)scsi_parse_read_capacity16(buf, len, &c, &err);
		(void)scsi_parse_report_luns(buf, len, e, 4, &r, &err);
		(void)scsi_parse_pr_read_keys(buf, len, k, 4, &pk, &err);
		(void)scsi_parse_pr_read_reservation(buf, len, &pr, &err);
		(void)scsi_parse_pr_report_caps(buf, len, &pc, &err);
		if (scsi_parse_mode_sense(buf, len, round & 1, &h, &err) == SCSI_OK)
			(void)scsi_mode_find_page(&h, 0x08, NULL);
		(void)scsi_parse_sense(buf, len, &s, &err);
		CU_ASSERT(vd.count <= SCSI_DEVID_MAX);
		CU_ASSERT(r.count <= 4 && pk.count <= 4);
		free(buf);
	}
}

static CU_TestInfo scsi_tests[] = {
	{ "spc4_names_tables", test_names },
	{ "spc4_sbc3_cdb_builders", test_cdb_builders },
	{ "sam5_4_7_lun_field", test_lun_field },
	{ "spc4_6_4_2_inquiry_parse", test_parse_inquiry },
	{ "spc4_7_8_vpd_parse", test_parse_vpd },
	{ "sbc3_5_15_read_capacity_parse", test_parse_capacity },
	{ "spc4_6_33_report_luns_parse", test_parse_report_luns },
	{ "spc4_6_15_pr_in_parse", test_parse_pr_in },
	{ "spc4_7_5_mode_sense_parse", test_parse_mode_sense },
	{ "spc4_4_5_sense", test_sense },
	{ "garbage_inputs", test_garbage },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "scsi", scsi_tests)
