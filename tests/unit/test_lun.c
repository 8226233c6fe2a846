/*
 * target-sim/lun: the emulated SBC disk.  Every command on its good path
 * and its error sense (fixed format, SPC-4 4.5.3, asserted byte for
 * byte), memory and file backing, the size parser and the no-LUN
 * answers.  Reservations are in test_lun_pr.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lun_testutil.h"

static void
test_parse_size(void)
{
	uint64_t v = 0;
	char err[128];

	CU_ASSERT_EQUAL(lun_parse_size("64M", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 64ULL * MIB);
	CU_ASSERT_EQUAL(lun_parse_size("1G", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 1ULL << 30);
	CU_ASSERT_EQUAL(lun_parse_size("4096", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 4096);
	CU_ASSERT_EQUAL(lun_parse_size("512k", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 512 * 1024);
	CU_ASSERT_EQUAL(lun_parse_size("2GiB", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 2ULL << 30);
	CU_ASSERT_EQUAL(lun_parse_size("3TB", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 3ULL << 40);
	CU_ASSERT_EQUAL(lun_parse_size("", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "size: empty value");
	CU_ASSERT_EQUAL(lun_parse_size("M", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "size 'M': expected decimal digits, e.g. 64M, 1G, 512k, 4096");
	CU_ASSERT_EQUAL(lun_parse_size("12x", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "size '12x': unknown suffix 'x' (use k, M, G or T)");
	CU_ASSERT_EQUAL(lun_parse_size("1Gx", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "size '1Gx': unexpected 'x' after the suffix");
	CU_ASSERT_EQUAL(lun_parse_size("-1", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(lun_parse_size(" 1", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(lun_parse_size("0M", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "size '0M': must be > 0");
	CU_ASSERT_EQUAL(lun_parse_size("18446744073709551616", &v, err, sizeof(err)), -ERANGE);
	CU_ASSERT_EQUAL(lun_parse_size("18446744073709551615", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(lun_parse_size("16777216T", &v, err, sizeof(err)), -ERANGE);
	CU_ASSERT_STRING_EQUAL(err, "size '16777216T': does not fit in 64 bits");
	CU_ASSERT_EQUAL(lun_parse_size(NULL, &v, NULL, 0), -EINVAL);
}

static void
test_create_errors(void)
{
	struct lun_config cfg;
	struct lun *l = (struct lun *)&cfg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.target_name = TNAME;
	cfg.size = 1000;
	CU_ASSERT_EQUAL(lun_create(&cfg, &l, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NULL(l);
	CU_ASSERT_STRING_EQUAL(err, "LUN 0: size 1000 is not a positive multiple of the 512-byte block");
	cfg.size = 0;
	CU_ASSERT_EQUAL(lun_create(&cfg, &l, err, sizeof(err)), -EINVAL);
	cfg.size = MIB;
	cfg.product = "A PRODUCT NAME THAT IS TOO LONG";
	CU_ASSERT_EQUAL(lun_create(&cfg, &l, err, sizeof(err)), -EINVAL);
	cfg.product = NULL;
	cfg.target_name = NULL;
	CU_ASSERT_EQUAL(lun_create(&cfg, &l, err, sizeof(err)), -EINVAL);
	cfg.target_name = TNAME;
	cfg.id = 16384;
	CU_ASSERT_EQUAL(lun_create(&cfg, &l, err, sizeof(err)), -EINVAL);
	cfg.id = 0;
	cfg.path = "/nonexistent-dir/x.img";
	CU_ASSERT_EQUAL(lun_create(&cfg, &l, err, sizeof(err)), -ENOENT);
	CU_ASSERT(strstr(err, "/nonexistent-dir/x.img") != NULL);
}

/* Decoding before data: direction and length from the CDB (for R2T sizing). */
static void
test_cdb_info(void)
{
	struct lun_cdb_info ci;
	uint8_t cdb[SCSI_CDB_MAX];

	scsi_cdb_write10(cdb, 100, 8, SCSI_CDB_FUA);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.known && ci.dir == LUN_DIR_OUT && ci.xfer_len == 4096);
	CU_ASSERT(ci.media && ci.lba == 100 && ci.nblocks == 8 && ci.fua);
	scsi_cdb_read16(cdb, 1ULL << 40, 0x10000000, 0);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.dir == LUN_DIR_IN && ci.xfer_len == 0x10000000ULL * 512);
	scsi_cdb_inquiry(cdb, 1, 0x83, 255);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.dir == LUN_DIR_IN && ci.xfer_len == 255 && !ci.media);
	scsi_cdb_pr_out(cdb, SCSI_PR_OUT_REGISTER, 0, 0, 24);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.dir == LUN_DIR_OUT && ci.xfer_len == 24);
	scsi_cdb_report_luns(cdb, 0, 4096);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT(ci.dir == LUN_DIR_IN && ci.xfer_len == 4096);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 6, &ci), 0);
	CU_ASSERT(ci.known && ci.dir == LUN_DIR_NONE && ci.xfer_len == 0);
	cdb[0] = SCSI_OP_FORMAT_UNIT;
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	CU_ASSERT_FALSE(ci.known);
	scsi_cdb_read16(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 10, &ci), -1);	/* 16-byte opcode in 10 */
}

/* SPC-4 6.4.2 standard INQUIRY data */
static void
test_inquiry_std(void)
{
	static const uint8_t head[36] = {
		0x00, 0x00, 0x06, 0x12, 91, 0x00, 0x00, 0x02,
		'I', 'S', 'C', 'S', 'I', 'B', 'E', 'N',
		'S', 'I', 'M', ' ', 'D', 'I', 'S', 'K', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
		'0', '1', '0', '0',
	};
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	struct scsi_inquiry inq;
	uint8_t cdb[SCSI_CDB_MAX];

	scsi_cdb_inquiry(cdb, 0, 0, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 96);
	CU_ASSERT_PTR_EQUAL(r.data, in);
	CU_ASSERT(memcmp(in, head, 36) == 0);
	/* version descriptors: SAM-5, iSCSI, SPC-4, SBC-3 */
	CU_ASSERT(in[58] == 0x00 && in[59] == 0xa0 && in[60] == 0x09 && in[61] == 0x60);
	CU_ASSERT(in[62] == 0x04 && in[63] == 0x60 && in[64] == 0x04 && in[65] == 0xc0);
	CU_ASSERT_EQUAL(scsi_parse_inquiry(in, r.data_len, &inq, NULL), SCSI_OK);
	CU_ASSERT_STRING_EQUAL(inq.product, "SIM DISK");
	/* allocation length truncates */
	scsi_cdb_inquiry(cdb, 0, 0, 36);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 36);
	CU_ASSERT_EQUAL(in[36], 0xa5);
	/* data_in capacity truncates too */
	scsi_cdb_inquiry(cdb, 0, 0, 255);
	CU_ASSERT_EQUAL(lun_execute(l, NX_A, cdb, 16, NULL, 0, in, 5, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 5);
	/* EVPD 0 with a page code: INVALID FIELD IN CDB, field pointer byte 2 */
	scsi_cdb_inquiry(cdb, 0, 0x80, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 2));
	CU_ASSERT_EQUAL(r.data_len, 0);
	/* CMDDT: byte 1 bit 1 */
	scsi_cdb_inquiry(cdb, 0, 0, 255);
	cdb[1] = 0x02;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc9, 1));
	lun_destroy(l);
}

/* SPC-4 7.8: VPD 00h 80h 83h, SBC-3 6.5 B0h B1h */
static void
test_inquiry_vpd(void)
{
	struct lun *l = mk(MIB, 0), *l2 = mk(MIB, 1), *l0 = mk(2 * MIB, 0);
	struct lun_result r;
	struct scsi_vpd_pages vp;
	struct scsi_vpd_serial vs;
	struct scsi_vpd_devid vd;
	struct scsi_vpd_block_limits bl;
	const struct scsi_designator *d;
	uint8_t cdb[SCSI_CDB_MAX];
	char serial[64];

	scsi_cdb_inquiry(cdb, 1, SCSI_VPD_SUPPORTED_PAGES, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 10);
	CU_ASSERT_EQUAL(scsi_parse_vpd_supported(in, r.data_len, &vp, NULL), SCSI_OK);
	CU_ASSERT(vp.count == 6 && vp.pages[0] == 0x00 && vp.pages[1] == 0x80 &&
	    vp.pages[2] == 0x83 && vp.pages[3] == 0xb0 && vp.pages[4] == 0xb1 &&
	    vp.pages[5] == 0xb2);

	/* serial: 16 hex digits derived from target name + LUN, stable */
	scsi_cdb_inquiry(cdb, 1, SCSI_VPD_UNIT_SERIAL, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(scsi_parse_vpd_serial(in, r.data_len, &vs, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(strlen(vs.serial), 16);
	CU_ASSERT_STRING_EQUAL(vs.serial, lun_serial(l));
	CU_ASSERT_STRING_EQUAL(lun_serial(l), lun_serial(l0));	/* same name+LUN */
	CU_ASSERT_STRING_NOT_EQUAL(lun_serial(l), lun_serial(l2));
	snprintf(serial, sizeof(serial), "ISCSIBEN%s", lun_serial(l));

	scsi_cdb_inquiry(cdb, 1, SCSI_VPD_DEVICE_ID, 1024);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(scsi_parse_vpd_devid(in, r.data_len, &vd, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(vd.count, 6);
	CU_ASSERT_FALSE(vd.hdr.truncated);
	d = scsi_devid_find(&vd, SCSI_DESIG_NAA, SCSI_ASSOC_LU);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->len == 8 && (d->data[0] >> 4) == 0x3);	/* NAA 3h locally assigned */
	d = scsi_devid_find(&vd, SCSI_DESIG_EUI64, SCSI_ASSOC_LU);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->len == 8 && (d->data[0] & 0x03) == 0x02);
	d = scsi_devid_find(&vd, SCSI_DESIG_T10_VENDOR_ID, SCSI_ASSOC_LU);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->code_set == SCSI_CODESET_ASCII && d->len == strlen(serial) &&
	    memcmp(d->data, serial, d->len) == 0);
	d = scsi_devid_find(&vd, SCSI_DESIG_REL_TARGET_PORT, SCSI_ASSOC_TARGET_PORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->piv && d->protocol_id == SCSI_PROTO_ISCSI && d->len == 4 &&
	    d->data[2] == 0 && d->data[3] == 1);
	d = scsi_devid_find(&vd, SCSI_DESIG_SCSI_NAME, SCSI_ASSOC_TARGET_PORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->len % 4 == 0 && strcmp((const char *)d->data, TNAME ",t,0x0001") == 0);
	d = scsi_devid_find(&vd, SCSI_DESIG_SCSI_NAME, SCSI_ASSOC_TARGET_DEVICE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(d->code_set == SCSI_CODESET_UTF8 && strcmp((const char *)d->data, TNAME) == 0);
	/* different LUN, different NAA; same LUN, same NAA */
	{
		uint8_t naa0[8], naa1[8];

		memcpy(naa0, scsi_devid_find(&vd, SCSI_DESIG_NAA, SCSI_ASSOC_LU)->data, 8);
		CU_ASSERT_EQUAL(run(l2, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
		CU_ASSERT_EQUAL(scsi_parse_vpd_devid(in, r.data_len, &vd, NULL), SCSI_OK);
		memcpy(naa1, scsi_devid_find(&vd, SCSI_DESIG_NAA, SCSI_ASSOC_LU)->data, 8);
		CU_ASSERT(memcmp(naa0, naa1, 8) != 0);
		CU_ASSERT_EQUAL(run(l0, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
		CU_ASSERT_EQUAL(scsi_parse_vpd_devid(in, r.data_len, &vd, NULL), SCSI_OK);
		CU_ASSERT(memcmp(naa0, scsi_devid_find(&vd, SCSI_DESIG_NAA,
		    SCSI_ASSOC_LU)->data, 8) == 0);
	}

	scsi_cdb_inquiry(cdb, 1, SCSI_VPD_BLOCK_LIMITS, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 64);
	CU_ASSERT_EQUAL(scsi_parse_vpd_block_limits(in, r.data_len, &bl, NULL), SCSI_OK);
	CU_ASSERT_EQUAL(bl.max_xfer_len, LUN_DEFAULT_MAX_XFER_BLOCKS);
	CU_ASSERT_FALSE(bl.wsnz);
	CU_ASSERT_EQUAL(bl.max_compare_write_len, 255);
	CU_ASSERT_EQUAL(bl.max_unmap_lba_count, 0x100000);
	CU_ASSERT_EQUAL(bl.max_unmap_desc_count, 256);
	CU_ASSERT_EQUAL(bl.opt_unmap_granularity, 1);
	CU_ASSERT_EQUAL(bl.max_write_same_len, 32768);
	/* SBC-3 6.5.4: LBPU LBPWS LBPWS10 LBPRZ, thin provisioned */
	scsi_cdb_inquiry(cdb, 1, SCSI_VPD_LB_PROVISIONING, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	{
		static const uint8_t lbp[8] = { 0, 0xb2, 0, 4, 0, 0xe4, 0x02, 0 };

		CU_ASSERT(r.data_len == 8 && memcmp(in, lbp, 8) == 0);
	}
	scsi_cdb_inquiry(cdb, 1, SCSI_VPD_BLOCK_DEV_CHAR, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 64 && in[1] == 0xb1 && in[4] == 0 && in[5] == 1);

	/* unsupported page: INVALID FIELD IN CDB, byte 2 */
	scsi_cdb_inquiry(cdb, 1, 0x99, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 2));
	lun_destroy(l);
	lun_destroy(l2);
	lun_destroy(l0);
}

static struct lun *
mk_file(const char *path, uint64_t size, int readonly, char *err, size_t errlen)
{
	struct lun_config cfg;
	struct lun *l = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.target_name = TNAME;
	cfg.size = size;
	cfg.path = path;
	cfg.readonly = readonly;
	if (lun_create(&cfg, &l, err, errlen) != 0)
		return NULL;
	return l;
}

/* SBC-3 5.15, 5.16 */
static void
test_read_capacity(void)
{
	struct lun *l = mk(MIB, 0), *big;
	struct lun_result r;
	struct scsi_capacity cap;
	uint8_t cdb[SCSI_CDB_MAX];
	char path[] = "/tmp/iscsi-bench-lun-big-XXXXXX", err[256];
	int fd;

	scsi_cdb_read_capacity10(cdb);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 8);
	CU_ASSERT(in[0] == 0 && in[1] == 0 && in[2] == 0x07 && in[3] == 0xff);
	CU_ASSERT(in[4] == 0 && in[5] == 0 && in[6] == 0x02 && in[7] == 0);
	cdb[5] = 1;		/* LBA with PMI 0 */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 2));
	scsi_cdb_read_capacity16(cdb, 32);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 32);
	CU_ASSERT_EQUAL(scsi_parse_read_capacity16(in, r.data_len, &cap, NULL), SCSI_OK);
	CU_ASSERT(cap.last_lba == 2047 && cap.block_size == 512 && !cap.prot_en);
	scsi_cdb_read_capacity16(cdb, 12);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 12);
	cdb[1] = 0x11;		/* another SERVICE ACTION IN(16) action */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcc, 1));

	/* more than 2^32 blocks: RC(10) says 0xffffffff, RC(16) the truth */
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	big = mk_file(path, (1ULL << 41) + 512, 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(big);
	if (big != NULL) {
		scsi_cdb_read_capacity10(cdb);
		CU_ASSERT_EQUAL(run(big, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
		CU_ASSERT_EQUAL(scsi_parse_read_capacity10(in, r.data_len, &cap, NULL), SCSI_OK);
		CU_ASSERT(cap.need_rc16 && cap.last_lba == 0xffffffffU);
		scsi_cdb_read_capacity16(cdb, 32);
		CU_ASSERT_EQUAL(run(big, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
		CU_ASSERT_EQUAL(scsi_parse_read_capacity16(in, r.data_len, &cap, NULL), SCSI_OK);
		CU_ASSERT_EQUAL(cap.last_lba, (1ULL << 32));
		/* READ(16) above 2^32 */
		scsi_cdb_read16(cdb, (1ULL << 32), 1, 0);
		CU_ASSERT_EQUAL(run(big, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
		CU_ASSERT(r.data_len == 512 && in[0] == 0 && in[511] == 0);
		scsi_cdb_read16(cdb, (1ULL << 32), 2, 0);
		CU_ASSERT_EQUAL(run(big, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
		CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
		lun_destroy(big);
	}
	unlink(path);
	lun_destroy(l);
}

/* SPC-4 6.33 */
static void
test_report_luns(void)
{
	static const uint16_t ids[] = { 0, 1, 300 };
	static const uint8_t want[] = {
		0, 0, 0, 24, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 1, 0, 0, 0, 0, 0, 0,
		0x41, 0x2c, 0, 0, 0, 0, 0, 0,
	};
	struct lun *l = mk(MIB, 1);
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];

	scsi_cdb_report_luns(cdb, 0, 4096);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 16);	/* default: this LUN only */
	CU_ASSERT(in[3] == 8 && in[8] == 0 && in[9] == 1);
	CU_ASSERT_EQUAL(lun_set_lun_list(l, ids, 3), 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, sizeof(want));
	CU_ASSERT(memcmp(in, want, sizeof(want)) == 0);
	/* allocation length cuts the list, LUN LIST LENGTH still says 24 */
	scsi_cdb_report_luns(cdb, 2, 20);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 20);
	CU_ASSERT(memcmp(in, want, 20) == 0 && in[20] == 0xa5);
	scsi_cdb_report_luns(cdb, 1, 4096);	/* well-known LUNs only: none */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 8 && in[3] == 0);
	scsi_cdb_report_luns(cdb, 3, 4096);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 2));
	lun_destroy(l);
}

/* SPC-4 6.37 TEST UNIT READY, 6.29 REQUEST SENSE, SAM-5 5.14 unit attention */
static void
test_tur_request_sense(void)
{
	static const uint8_t no_sense[18] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];
	int i;

	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.sense_len == 0 && r.data_len == 0);
	scsi_cdb_request_sense(cdb, 0, 252);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 18);
	CU_ASSERT(memcmp(in, no_sense, 18) == 0);
	scsi_cdb_request_sense(cdb, 1, 252);	/* descriptor format not offered */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc8, 1));

	/* a unit attention is reported once, to its nexus only */
	CU_ASSERT_EQUAL(lun_set_pending_sense(l, NX_A, SCSI_SENSE_UNIT_ATTENTION,
	    SCSI_ASC_POWER_ON_RESET), 0);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_inquiry(cdb, 0, 0, 36);	/* INQUIRY does not report it */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_UNIT_ATTENTION, SCSI_ASC_POWER_ON_RESET));
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* REQUEST SENSE returns (and clears) pending sense */
	CU_ASSERT_EQUAL(lun_set_pending_sense(l, NX_A, SCSI_SENSE_NOT_READY,
	    SCSI_ASC_MEDIUM_NOT_PRESENT), 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);	/* not a UA */
	scsi_cdb_request_sense(cdb, 0, 18);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(in[2] == SCSI_SENSE_NOT_READY && in[12] == 0x3a && in[13] == 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(memcmp(in, no_sense, 18) == 0);
	/* queue bounds; nexus loss forgets its queue */
	for (i = 0; i < LUN_MAX_PENDING_SENSE; i++)
		CU_ASSERT_EQUAL(lun_set_pending_sense(l, NX_C, SCSI_SENSE_UNIT_ATTENTION,
		    (uint16_t)(0x2900 + i)), 0);
	CU_ASSERT_EQUAL(lun_set_pending_sense(l, NX_C, SCSI_SENSE_UNIT_ATTENTION, 0x2a01),
	    -ENOSPC);
	lun_nexus_lost(l, NX_C);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(run(l, NX_C, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	lun_destroy(l);
}

/* SPC-4 6.11, 6.12, 7.5; SBC-3 6.4 */
static void
test_mode_sense(void)
{
	static const uint8_t want6[4 + 8 + 20 + 12] = {
		43, 0x00, 0x10, 8,
		0, 0, 0x08, 0x00, 0, 0, 0x02, 0x00,
		0x08, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x0a, 0x0a, 0, 0x10, 0, 0, 0, 0, 0xff, 0xff, 0, 0,
	};
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	struct scsi_mode_header h;
	uint8_t cdb[SCSI_CDB_MAX];
	const uint8_t *p;
	size_t plen;

	scsi_cdb_mode_sense6(cdb, 0, SCSI_MODE_PC_CURRENT, SCSI_MODEPAGE_ALL, 0, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, sizeof(want6));
	CU_ASSERT(memcmp(in, want6, sizeof(want6)) == 0);
	/* DBD: no block descriptor */
	scsi_cdb_mode_sense6(cdb, 1, SCSI_MODE_PC_CURRENT, SCSI_MODEPAGE_CACHING, 0, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 24 && in[0] == 23 && in[3] == 0 && in[4] == 0x08);
	/* allocation length 4: header only, MODE DATA LENGTH still the whole */
	scsi_cdb_mode_sense6(cdb, 0, SCSI_MODE_PC_CURRENT, SCSI_MODEPAGE_ALL, 0xff, 4);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 4 && in[0] == 43);
	/* MODE SENSE(10) with LLBAA: long LBA block descriptor */
	scsi_cdb_mode_sense10(cdb, 1, 0, SCSI_MODE_PC_CURRENT, SCSI_MODEPAGE_CONTROL, 0, 512);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 8 + 16 + 12);
	CU_ASSERT(in[0] == 0 && in[1] == 34 && in[3] == 0x10 && in[4] == 0x01 && in[7] == 16);
	CU_ASSERT_EQUAL(scsi_parse_mode_sense(in, r.data_len, 1, &h, NULL), SCSI_OK);
	CU_ASSERT(h.bd_nblocks == 2048 && h.bd_block_len == 512);
	p = scsi_mode_find_page(&h, SCSI_MODEPAGE_CONTROL, &plen);
	CU_ASSERT(p != NULL && plen == 12);
	/* changeable values: all zero */
	scsi_cdb_mode_sense10(cdb, 0, 1, SCSI_MODE_PC_CHANGEABLE, SCSI_MODEPAGE_CONTROL, 0, 512);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 20 && in[8] == 0x0a && in[9] == 0x0a && in[11] == 0 && in[16] == 0);
	/* saved values: SAVING PARAMETERS NOT SUPPORTED, byte 2 bit 7 */
	scsi_cdb_mode_sense6(cdb, 0, SCSI_MODE_PC_SAVED, SCSI_MODEPAGE_CACHING, 0, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_SAVING_PARAMETERS_NOT_SUPPORTED, 0xcf, 2));
	/* unsupported page and subpage */
	scsi_cdb_mode_sense6(cdb, 0, SCSI_MODE_PC_CURRENT, 0x1c, 0, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcd, 2));
	scsi_cdb_mode_sense6(cdb, 0, SCSI_MODE_PC_CURRENT, SCSI_MODEPAGE_CACHING, 1, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 3));
	lun_destroy(l);
}

static void
test_read_write(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	struct lun_cdb_info ci;
	uint8_t cdb[SCSI_CDB_MAX];
	const uint8_t *p = NULL;

	fill(out, 8192, 1);
	scsi_cdb_write10(cdb, 10, 16, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 8192, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 8192);
	scsi_cdb_read10(cdb, 10, 16, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 8192 && r.data == in && memcmp(in, out, 8192) == 0);
	/* zero copy: no buffer, pointer into the LUN */
	CU_ASSERT(lun_is_zero_copy(l));
	CU_ASSERT_EQUAL(lun_execute(l, NX_A, cdb, 16, NULL, 0, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_read_ptr(l, 10, 16, &p), 0);
	CU_ASSERT(r.data == p && r.data_len == 8192 && memcmp(p, out, 8192) == 0);
	CU_ASSERT_EQUAL(lun_read_ptr(l, 2047, 2, &p), -ERANGE);
	/* 16-byte forms, FUA accepted */
	fill(out, 1024, 99);
	scsi_cdb_write16(cdb, 2046, 2, SCSI_CDB_FUA);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 1024, &r), SCSI_STATUS_GOOD);
	scsi_cdb_read16(cdb, 2046, 2, SCSI_CDB_FUA | SCSI_CDB_DPO);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 1024 && memcmp(in, out, 1024) == 0);
	/* Data-Out in pieces at byte offsets, then finish */
	scsi_cdb_write10(cdb, 100, 2, SCSI_CDB_FUA);
	CU_ASSERT_EQUAL(lun_check(l, NX_A, cdb, 16, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(lun_cdb_info(cdb, 16, &ci), 0);
	fill(out, 1024, 5);
	CU_ASSERT_EQUAL(lun_write_at(l, ci.lba * 512 + 700, out + 700, 324), 0);
	CU_ASSERT_EQUAL(lun_write_at(l, ci.lba * 512, out, 700), 0);
	CU_ASSERT_EQUAL(lun_write_finish(l, &ci, &r), SCSI_STATUS_GOOD);
	scsi_cdb_read10(cdb, 100, 2, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(memcmp(in, out, 1024) == 0);
	CU_ASSERT_EQUAL(lun_write_at(l, MIB - 10, out, 11), -ERANGE);
	/* short Data-Out: only what arrived is written */
	scsi_cdb_write10(cdb, 200, 2, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 512);
	/* data_in smaller than the transfer: produced bytes reported */
	scsi_cdb_read10(cdb, 10, 16, 0);
	CU_ASSERT_EQUAL(lun_execute(l, NX_A, cdb, 16, NULL, 0, in, 1000, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 1000);

	/* zero-length transfers are no error, even at LBA == capacity */
	scsi_cdb_read10(cdb, 0, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 0);
	scsi_cdb_write10(cdb, 2048, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* SBC-3 4.5: LBA out of range */
	scsi_cdb_read10(cdb, 2049, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	scsi_cdb_read10(cdb, 2047, 2, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	CU_ASSERT_EQUAL(r.data_len, 0);
	scsi_cdb_write16(cdb, UINT64_MAX, 1, 0);	/* no wrap-around */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	scsi_cdb_read16(cdb, 1, UINT32_MAX, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* lun_check sees it before any Data-Out is solicited */
	scsi_cdb_write10(cdb, 2040, 9, 0);
	CU_ASSERT_EQUAL(lun_check(l, NX_A, cdb, 16, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	/* above MAXIMUM TRANSFER LENGTH (on a LUN big enough): field pointer 7 / 10 */
	{
		struct lun *b = mk(8 * MIB, 2);

		scsi_cdb_read10(cdb, 0, LUN_DEFAULT_MAX_XFER_BLOCKS + 1, 0);
		CU_ASSERT_EQUAL(run(b, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
		CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 7));
		scsi_cdb_write16(cdb, 0, LUN_DEFAULT_MAX_XFER_BLOCKS + 1, 0);
		CU_ASSERT_EQUAL(lun_check(b, NX_A, cdb, 16, &r), SCSI_STATUS_CHECK_CONDITION);
		CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 10));
		lun_destroy(b);
	}
	/* RDPROTECT != 0: no protection information, byte 1 bit 7 */
	scsi_cdb_read10(cdb, 0, 1, 0);
	cdb[1] = 0x20;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcf, 1));
	/* SYNCHRONIZE CACHE(10) */
	scsi_cdb_sync_cache10(cdb, 0, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_sync_cache10(cdb, 2000, 49, 1);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE));
	lun_destroy(l);
}

/* SPC-4 4.5.6 / table 48: unsupported opcodes, exact fixed sense */
static void
test_unknown_opcode(void)
{
	static const uint8_t want[18] = {
		0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x20, 0x00, 0, 0xc0, 0, 0,
	};
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX] = { SCSI_OP_FORMAT_UNIT, 0, 0, 1, 1, 0 };

	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(r.sense_len, 18);
	CU_ASSERT(memcmp(r.sense, want, 18) == 0);
	CU_ASSERT(r.data_len == 0 && r.data_out_used == 0);
	cdb[0] = 0xc0;		/* vendor specific group */
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(memcmp(r.sense, want, 18) == 0);
	CU_ASSERT_EQUAL(lun_check(l, NX_A, cdb, 16, &r), SCSI_STATUS_CHECK_CONDITION);
	/* CDB shorter than its group length */
	scsi_cdb_read16(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(lun_execute(l, NX_A, cdb, 10, NULL, 0, in, sizeof(in), &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xc0, 0));
	lun_destroy(l);
}

/* A file-backed LUN: created, extended, data persists across reopen. */
static void
test_file_backed(void)
{
	char path[] = "/tmp/iscsi-bench-lun-XXXXXX", err[256];
	struct lun *l;
	struct lun_result r;
	struct stat st;
	uint8_t cdb[SCSI_CDB_MAX];
	const uint8_t *p;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	l = mk_file(path, MIB, 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_size, MIB);
	CU_ASSERT_FALSE(lun_is_zero_copy(l));
	CU_ASSERT_EQUAL(lun_read_ptr(l, 0, 1, &p), -ENOTSUP);
	fill(out, 4096, 42);
	scsi_cdb_write10(cdb, 2040, 8, SCSI_CDB_FUA);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 4096, &r), SCSI_STATUS_GOOD);
	scsi_cdb_sync_cache10(cdb, 0, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* file-backed: write cache enabled in the caching page */
	scsi_cdb_mode_sense6(cdb, 1, SCSI_MODE_PC_CURRENT, SCSI_MODEPAGE_CACHING, 0, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(in[4 + 2], 0x04);
	lun_destroy(l);

	/* size 0: take the file's; read back */
	l = mk_file(path, 0, 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(lun_nblocks(l), 2048);
	scsi_cdb_read10(cdb, 2040, 8, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 4096 && memcmp(in, out, 4096) == 0);
	/* NULL data_in on a file LUN: nothing to point at, nothing produced */
	CU_ASSERT_EQUAL(lun_execute(l, NX_A, cdb, 16, NULL, 0, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 0);
	lun_destroy(l);

	/* read-only: DATA PROTECT / WRITE PROTECTED, WP in MODE SENSE */
	l = mk_file(path, 0, 1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	scsi_cdb_write10(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_DATA_PROTECT, SCSI_ASC_WRITE_PROTECTED));
	CU_ASSERT_EQUAL(lun_write_at(l, 0, out, 512), -EROFS);
	scsi_cdb_mode_sense6(cdb, 1, SCSI_MODE_PC_CURRENT, SCSI_MODEPAGE_CACHING, 0, 255);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(in[2], 0x90);
	lun_destroy(l);
	/* read-only cannot extend */
	CU_ASSERT_PTR_NULL(mk_file(path, 2 * MIB, 1, err, sizeof(err)));
	CU_ASSERT(strstr(err, "cannot be extended") != NULL);
	unlink(path);
}

/* SPC-2 7.21 RESERVE(6), 7.17 RELEASE(6) */
static void
test_unknown_lun(void)
{
	static const uint8_t want[18] = {
		0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x25, 0x00, 0, 0, 0, 0,
	};
	static const uint16_t ids[] = { 1, 2 };
	struct lun_result r;
	struct scsi_inquiry inq;
	uint8_t cdb[SCSI_CDB_MAX];

	scsi_cdb_inquiry(cdb, 0, 0, 96);
	CU_ASSERT_EQUAL(lun_unknown_execute(cdb, 16, ids, 2, in, sizeof(in), &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 96);
	CU_ASSERT_EQUAL(in[0], 0x7f);
	CU_ASSERT_EQUAL(scsi_parse_inquiry(in, r.data_len, &inq, NULL), SCSI_OK);
	CU_ASSERT(inq.qualifier == SCSI_QUAL_NOT_SUPPORTED && inq.device_type == SCSI_TYPE_UNKNOWN);
	scsi_cdb_inquiry(cdb, 1, 0x80, 96);
	CU_ASSERT_EQUAL(lun_unknown_execute(cdb, 16, ids, 2, in, sizeof(in), &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(memcmp(r.sense, want, 18) == 0);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lun_unknown_execute(cdb, 16, ids, 2, in, sizeof(in), &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(r.sense_len == 18 && memcmp(r.sense, want, 18) == 0);
	scsi_cdb_read10(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(lun_unknown_execute(cdb, 16, ids, 2, in, sizeof(in), &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(memcmp(r.sense, want, 18) == 0);
	/* REQUEST SENSE: the sense as data, GOOD status */
	scsi_cdb_request_sense(cdb, 0, 18);
	CU_ASSERT_EQUAL(lun_unknown_execute(cdb, 16, ids, 2, in, sizeof(in), &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 18 && r.sense_len == 0 && memcmp(in, want, 18) == 0);
	/* REPORT LUNS through a LUN 0 that does not exist */
	scsi_cdb_report_luns(cdb, 0, 64);
	CU_ASSERT_EQUAL(lun_unknown_execute(cdb, 16, ids, 2, in, sizeof(in), &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 24 && in[3] == 16 && in[9] == 1 && in[17] == 2);
	lun_unknown_sense(&r);
	CU_ASSERT(r.status == SCSI_STATUS_CHECK_CONDITION && memcmp(r.sense, want, 18) == 0);
}

/* Random CDBs from several nexuses: no crash (ASan), results stay in bounds. */
static void
test_random_cdbs(void)
{
	static const uint8_t ops[] = {
		0x00, 0x03, 0x12, 0x16, 0x17, 0x1a, 0x25, 0x28, 0x2a, 0x35, 0x5a,
		0x5e, 0x5f, 0x88, 0x8a, 0x9e, 0xa0, 0x08, 0xc5,
	};
	struct lun *l = mk(64 * 1024, 3);
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];
	unsigned int seed = 12345, i, j;

	for (i = 0; i < 20000; i++) {
		uint32_t cap = rand_r(&seed) % 2 ? (uint32_t)sizeof(in) :
		    (uint32_t)(rand_r(&seed) % 64);
		uint32_t dlen = (uint32_t)(rand_r(&seed) % 4096);
		uint64_t nexus = 1 + (uint64_t)(rand_r(&seed) % 3);
		int st;

		for (j = 0; j < SCSI_CDB_MAX; j++)
			cdb[j] = (uint8_t)(rand_r(&seed) % 4 == 0 ? rand_r(&seed) : 0);
		cdb[0] = ops[rand_r(&seed) % sizeof(ops)];
		if (rand_r(&seed) % 2) {	/* small lengths so commands succeed often */
			cdb[7] = 0;
			cdb[8] = (uint8_t)(rand_r(&seed) % 8);
			cdb[12] = 0;
			cdb[13] = (uint8_t)(rand_r(&seed) % 8);
			cdb[2] = cdb[3] = cdb[4] = cdb[5] = 0;
		}
		if (cdb[0] == 0x5f) {	/* make PR OUT parameter lists plausible */
			cdb[5] = cdb[6] = cdb[7] = 0;
			cdb[8] = 24;
			out[20] = 0;
		}
		st = lun_execute(l, nexus, cdb, SCSI_CDB_MAX, out, dlen,
		    rand_r(&seed) % 8 == 0 ? NULL : in, cap, &r);
		CU_ASSERT(st == r.status);
		CU_ASSERT(st == SCSI_STATUS_GOOD || st == SCSI_STATUS_CHECK_CONDITION ||
		    st == SCSI_STATUS_RESERVATION_CONFLICT);
		CU_ASSERT(r.sense_len == 0 || r.sense_len == 18);
		CU_ASSERT((st == SCSI_STATUS_CHECK_CONDITION) == (r.sense_len == 18));
		CU_ASSERT(r.data_out_used <= dlen);
		if (r.data != NULL && r.data == in)
			CU_ASSERT(r.data_len <= cap);
		if (r.data != NULL && r.data != in && r.data_len > 0) {
			const uint8_t *p = NULL;

			/* zero copy: inside the LUN */
			CU_ASSERT_EQUAL(lun_read_ptr(l, 0, 128, &p), 0);
			CU_ASSERT(r.data >= p && r.data + r.data_len <= p + 64 * 1024);
		}
	}
	lun_destroy(l);
}

static CU_TestInfo lun_tests[] = {
	{ "size_parser", test_parse_size },
	{ "create_errors", test_create_errors },
	{ "cdb_info_before_data", test_cdb_info },
	{ "spc4_6_4_2_inquiry_standard", test_inquiry_std },
	{ "spc4_7_8_inquiry_vpd", test_inquiry_vpd },
	{ "sbc3_5_15_read_capacity", test_read_capacity },
	{ "spc4_6_33_report_luns", test_report_luns },
	{ "spc4_6_29_tur_request_sense_ua", test_tur_request_sense },
	{ "spc4_6_11_mode_sense", test_mode_sense },
	{ "sbc3_5_8_read_write_sync", test_read_write },
	{ "spc4_invalid_opcode_sense", test_unknown_opcode },
	{ "file_backed", test_file_backed },
	{ "spc4_6_4_2_unknown_lun", test_unknown_lun },
	{ "random_cdbs", test_random_cdbs },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "lun", lun_tests)
