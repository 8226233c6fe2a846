/*
 * target-sim/lun: RESERVE(6)/RELEASE(6) (SPC-2) and persistent
 * reservations (SPC-4 5.9) across several I_T nexuses, with the
 * conflicts and unit attentions they cause.
 */
#include <string.h>

#include "bytes.h"
#include "lun_testutil.h"

static void
test_reserve6(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX], rd[SCSI_CDB_MAX];

	scsi_cdb_read10(rd, 0, 1, 0);
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);	/* again */
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(r.sense_len, 0);
	CU_ASSERT_EQUAL(run(l, NX_A, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_B, rd, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(lun_check(l, NX_B, rd, 16, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	scsi_cdb_inquiry(cdb, 0, 0, 36);	/* allowed */
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_report_luns(cdb, 0, 64);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* RELEASE by another nexus: GOOD, nothing released */
	scsi_cdb_release6(cdb);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_B, rd, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_B, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* nexus loss and LU reset drop it */
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_A, rd, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	lun_nexus_lost(l, NX_B);
	CU_ASSERT_EQUAL(run(l, NX_A, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	lun_reset(l);
	CU_ASSERT_EQUAL(run(l, NX_B, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* obsolete third-party bits */
	cdb[1] = 0x10;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcc, 1));
	lun_destroy(l);
}

static int
pr_out(struct lun *l, uint64_t nexus, enum scsi_pr_out_sa sa, enum scsi_pr_type type,
    uint64_t key, uint64_t sa_key, int flags, struct lun_result *r)
{
	uint8_t cdb[SCSI_CDB_MAX], par[SCSI_PR_OUT_PARAM_LEN];

	scsi_cdb_pr_out(cdb, sa, SCSI_PR_SCOPE_LU, type, sizeof(par));
	scsi_pr_out_param(par, key, sa_key, flags);
	return run(l, nexus, cdb, par, sizeof(par), r);
}

static struct scsi_pr_keys
read_keys(struct lun *l, uint64_t *keys)
{
	struct scsi_pr_keys k;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];

	memset(&k, 0, sizeof(k));
	scsi_cdb_pr_in(cdb, SCSI_PR_IN_READ_KEYS, 1024);
	CU_ASSERT_EQUAL(run(l, NX_OBS, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(scsi_parse_pr_read_keys(in, r.data_len, keys, 8, &k, NULL), SCSI_OK);
	return k;
}

static struct scsi_pr_reservation
read_resv(struct lun *l)
{
	struct scsi_pr_reservation pr;
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX];

	memset(&pr, 0, sizeof(pr));
	scsi_cdb_pr_in(cdb, SCSI_PR_IN_READ_RESERVATION, 1024);
	CU_ASSERT_EQUAL(run(l, NX_OBS, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(scsi_parse_pr_read_reservation(in, r.data_len, &pr, NULL), SCSI_OK);
	return pr;
}

/* SPC-4 5.9.7 / 6.16 register, 6.15 PR IN, 6.15.4 capabilities */
static void
test_pr_register(void)
{
	static const uint8_t caps[8] = { 0, 8, 0x10, 0x80, 0xea, 0x01, 0, 0 };
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	struct scsi_pr_keys k;
	struct scsi_pr_reservation pr;
	uint64_t keys[8];
	uint8_t cdb[SCSI_CDB_MAX], par[32];

	k = read_keys(l, keys);
	CU_ASSERT(k.generation == 0 && k.total == 0);
	pr = read_resv(l);
	CU_ASSERT_FALSE(pr.reserved);
	scsi_cdb_pr_in(cdb, SCSI_PR_IN_REPORT_CAPABILITIES, 8);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 8 && memcmp(in, caps, 8) == 0);
	/* READ FULL STATUS with no registration: the 8-byte header */
	scsi_cdb_pr_in(cdb, SCSI_PR_IN_READ_FULL_STATUS, 1024);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 8 && memcmp(in, "\0\0\0\0\0\0\0\0", 8) == 0);
	/* reserved service action 04h */
	cdb[1] = 0x04;
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcc, 1));

	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER, 0, 0, 0xaa, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_out_used, 24);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_REGISTER_AND_IGNORE, 0, 0x77, 0xbb, 0, &r),
	    SCSI_STATUS_GOOD);
	k = read_keys(l, keys);
	CU_ASSERT(k.generation == 2 && k.count == 2 && keys[0] == 0xaa && keys[1] == 0xbb);
	/* REGISTER with a wrong current key: conflict, no change */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER, 0, 0x99, 0xab, 0, &r),
	    SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_REGISTER, 0, 0x99, 0xcc, 0, &r),
	    SCSI_STATUS_RESERVATION_CONFLICT);
	/* change key, then unregister with SA key 0 */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER, 0, 0xaa, 0xa2, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_REGISTER, 0, 0xbb, 0, 0, &r), SCSI_STATUS_GOOD);
	k = read_keys(l, keys);
	CU_ASSERT(k.generation == 4 && k.count == 1 && keys[0] == 0xa2);
	/* unregistered nexus, SA key 0: nothing to do, no generation bump */
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_REGISTER, 0, 0, 0, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(read_keys(l, keys).generation, 4);
	/* unregistered nexus: other service actions conflict */
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_RESERVE, SCSI_PR_WRITE_EXCLUSIVE, 0, 0, 0, &r),
	    SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_CLEAR, 0, 0, 0, 0, &r),
	    SCSI_STATUS_RESERVATION_CONFLICT);

	/* parameter list errors */
	scsi_cdb_pr_out(cdb, SCSI_PR_OUT_REGISTER, 0, 0, 20);
	scsi_pr_out_param(par, 0, 0x12, 0);
	CU_ASSERT_EQUAL(run(l, NX_C, cdb, par, 20, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR));
	scsi_cdb_pr_out(cdb, SCSI_PR_OUT_REGISTER, 0, 0, 24);
	CU_ASSERT_EQUAL(run(l, NX_C, cdb, par, 10, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR));
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_REGISTER, 0, 0, 0x12, SCSI_PR_SPEC_I_PT, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0x8b, 20));
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_REGISTER, 0, 0, 0x12, SCSI_PR_ALL_TG_PT, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0x8a, 20));
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_REGISTER, 0, 0, 0x12, SCSI_PR_APTPL, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0x88, 20));
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_REGISTER_AND_MOVE, 0, 0, 0x12, 0, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcc, 1));
	CU_ASSERT_EQUAL(read_keys(l, keys).total, 1);
	lun_destroy(l);
}

/* SPC-4 5.9.9-5.9.11, table 67: reserve, conflicts per type, release, preempt, clear */
static void
test_pr_reserve(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	struct scsi_pr_reservation pr;
	uint64_t keys[8];
	uint8_t rd[SCSI_CDB_MAX], wr[SCSI_CDB_MAX], cdb[SCSI_CDB_MAX];

	scsi_cdb_read10(rd, 0, 1, 0);
	scsi_cdb_write10(wr, 0, 1, 0);
	fill(out, 512, 3);
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER, 0, 0, 0xa, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_REGISTER, 0, 0, 0xb, 0, &r), SCSI_STATUS_GOOD);

	/* Write Exclusive: others read, only the holder writes */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RESERVE, SCSI_PR_WRITE_EXCLUSIVE, 0xa, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	pr = read_resv(l);
	CU_ASSERT(pr.reserved && pr.key == 0xa && pr.type == SCSI_PR_WRITE_EXCLUSIVE);
	CU_ASSERT_EQUAL(pr.generation, 2);	/* RESERVE does not bump it */
	CU_ASSERT_EQUAL(run(l, NX_A, wr, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_B, wr, out, 512, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(run(l, NX_C, wr, out, 512, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(lun_check(l, NX_B, wr, 16, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(run(l, NX_B, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_C, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(run(l, NX_C, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_sync_cache10(cdb, 0, 0, 0);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	/* same reservation again: GOOD; another type or another nexus: conflict */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RESERVE, SCSI_PR_WRITE_EXCLUSIVE, 0xa, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RESERVE, SCSI_PR_EXCLUSIVE_ACCESS, 0xa, 0, 0, &r),
	    SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_RESERVE, SCSI_PR_WRITE_EXCLUSIVE, 0xb, 0, 0, &r),
	    SCSI_STATUS_RESERVATION_CONFLICT);
	/* RESERVE(6) under a persistent reservation (CRH): conflict for others */
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(run(l, NX_A, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* a non-holder's RELEASE: GOOD, nothing changes; wrong type by holder */
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_RELEASE, SCSI_PR_WRITE_EXCLUSIVE, 0xb, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT(read_resv(l).reserved);
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RELEASE, SCSI_PR_EXCLUSIVE_ACCESS, 0xa, 0, 0, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_RELEASE_OF_PR));
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RELEASE, SCSI_PR_WRITE_EXCLUSIVE, 0xa, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_FALSE(read_resv(l).reserved);
	CU_ASSERT_EQUAL(run(l, NX_B, wr, out, 512, &r), SCSI_STATUS_GOOD);

	/* Exclusive Access: others neither read nor write */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RESERVE, SCSI_PR_EXCLUSIVE_ACCESS, 0xa, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_B, rd, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(run(l, NX_C, rd, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(run(l, NX_A, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_inquiry(cdb, 0, 0, 36);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_read_capacity10(cdb);
	CU_ASSERT_EQUAL(run(l, NX_B, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);

	/* PREEMPT by B of the holder's key: A loses registration and reservation */
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_PREEMPT, SCSI_PR_WRITE_EXCLUSIVE, 0xb, 0xa, 0, &r),
	    SCSI_STATUS_GOOD);
	pr = read_resv(l);
	CU_ASSERT(pr.reserved && pr.key == 0xb && pr.type == SCSI_PR_WRITE_EXCLUSIVE);
	CU_ASSERT(read_keys(l, keys).count == 1 && keys[0] == 0xb);
	/* A's next command reports REGISTRATIONS PREEMPTED (SAM-5 unit attention) */
	CU_ASSERT_EQUAL(run(l, NX_A, rd, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_UNIT_ATTENTION, SCSI_ASC_REGISTRATIONS_PREEMPTED));
	CU_ASSERT_EQUAL(run(l, NX_A, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_A, wr, out, 512, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	/* PREEMPT of a key nobody holds: conflict; SA key 0 without AR: invalid */
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_PREEMPT, SCSI_PR_WRITE_EXCLUSIVE, 0xb, 0x55, 0, &r),
	    SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_PREEMPT, SCSI_PR_WRITE_EXCLUSIVE, 0xb, 0, 0, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0x80, 8));
	/* bad type / scope */
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_RESERVE, 2, 0xb, 0, 0, &r),
	    SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(field_is(&r, SCSI_ASC_INVALID_FIELD_IN_CDB, 0xcb, 2));

	/* CLEAR: everything goes, the others get RESERVATIONS PREEMPTED */
	CU_ASSERT_EQUAL(pr_out(l, NX_C, SCSI_PR_OUT_REGISTER, 0, 0, 0xc, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_CLEAR, 0, 0xb, 0, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(read_keys(l, keys).total, 0);
	CU_ASSERT_FALSE(read_resv(l).reserved);
	CU_ASSERT_EQUAL(run(l, NX_C, wr, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_UNIT_ATTENTION, SCSI_ASC_RESERVATIONS_PREEMPTED));
	CU_ASSERT_EQUAL(run(l, NX_C, wr, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_B, wr, out, 512, &r), SCSI_STATUS_GOOD);
	lun_destroy(l);
}

/* SPC-4 5.9.10: Registrants Only and All Registrants types (cluster use) */
static void
test_pr_registrants(void)
{
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	struct scsi_pr_reservation pr;
	uint64_t keys[8];
	uint8_t rd[SCSI_CDB_MAX], wr[SCSI_CDB_MAX];

	scsi_cdb_read10(rd, 0, 1, 0);
	scsi_cdb_write10(wr, 0, 1, 0);
	fill(out, 512, 3);
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER_AND_IGNORE, 0, 0, 0xa, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_REGISTER_AND_IGNORE, 0, 0, 0xb, 0, &r), SCSI_STATUS_GOOD);
	/* WE-RO: registrants write, others only read */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RESERVE, SCSI_PR_WRITE_EXCLUSIVE_RO, 0xa, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_B, wr, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_C, wr, out, 512, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(run(l, NX_C, rd, NULL, 0, &r), SCSI_STATUS_GOOD);
	/* the holder unregisters: reservation released, B told so */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER, 0, 0xa, 0, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_FALSE(read_resv(l).reserved);
	CU_ASSERT_EQUAL(run(l, NX_B, rd, NULL, 0, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_UNIT_ATTENTION, SCSI_ASC_RESERVATIONS_RELEASED));
	/* EA-RO: a non-registrant cannot even read */
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_RESERVE, SCSI_PR_EXCLUSIVE_ACCESS_RO, 0xb, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_C, rd, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_RELEASE, SCSI_PR_EXCLUSIVE_ACCESS_RO, 0xb, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	/* EA-AR: every registrant holds it; READ RESERVATION reports key 0 */
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER, 0, 0, 0xa, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RESERVE, SCSI_PR_EXCLUSIVE_ACCESS_AR, 0xa, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	pr = read_resv(l);
	CU_ASSERT(pr.reserved && pr.key == 0 && pr.type == SCSI_PR_EXCLUSIVE_ACCESS_AR);
	CU_ASSERT_EQUAL(run(l, NX_B, wr, out, 512, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(run(l, NX_C, rd, NULL, 0, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	/* B releases it for everybody */
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_RESERVE, SCSI_PR_EXCLUSIVE_ACCESS_AR, 0xb, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	/* PREEMPT with SA key 0 under AR: all others removed, new reservation */
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_PREEMPT, SCSI_PR_WRITE_EXCLUSIVE, 0xb, 0, 0, &r),
	    SCSI_STATUS_GOOD);
	pr = read_resv(l);
	CU_ASSERT(pr.reserved && pr.key == 0xb && pr.type == SCSI_PR_WRITE_EXCLUSIVE);
	CU_ASSERT(read_keys(l, keys).count == 1 && keys[0] == 0xb);
	CU_ASSERT_EQUAL(run(l, NX_A, wr, out, 512, &r), SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT(sense_is(&r, SCSI_SENSE_UNIT_ATTENTION, SCSI_ASC_REGISTRATIONS_PREEMPTED));
	CU_ASSERT_EQUAL(run(l, NX_A, wr, out, 512, &r), SCSI_STATUS_RESERVATION_CONFLICT);
	lun_destroy(l);
}

/* Initiator port names for READ FULL STATUS: A known, B not. */
static const char *
port_name(void *arg, uint64_t nexus)
{
	(void)arg;
	return nexus == NX_A ? "iqn.2024-01.org.example:host-a,i,0x23d000000001" :
	    NULL;
}

/* SPC-4 6.15.5 READ FULL STATUS, 7.6.4.6 iSCSI TransportID */
static void
test_pr_full_status(void)
{
	static const char name_a[] = "iqn.2024-01.org.example:host-a,i,0x23d000000001";
	struct lun *l = mk(MIB, 0);
	struct lun_result r;
	uint8_t cdb[SCSI_CDB_MAX], want[24];
	uint32_t tlen = (sizeof(name_a) + 3) & ~3u;	/* 48: NUL, padded */

	lun_set_port_name_fn(l, port_name, NULL);
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_REGISTER, 0, 0, 0xa1, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_B, SCSI_PR_OUT_REGISTER, 0, 0, 0xb2, 0, &r),
	    SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(pr_out(l, NX_A, SCSI_PR_OUT_RESERVE, SCSI_PR_WRITE_EXCLUSIVE,
	    0xa1, 0, 0, &r), SCSI_STATUS_GOOD);
	scsi_cdb_pr_in(cdb, SCSI_PR_IN_READ_FULL_STATUS, 1024);
	CU_ASSERT_EQUAL(run(l, NX_OBS, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT_EQUAL(r.data_len, 8 + 24 + 4 + tlen + 24);
	CU_ASSERT(get_be32(in) == 2 && get_be32(in + 4) == r.data_len - 8);
	/* A: key, R_HOLDER, scope 0 / type 1, relative port 1, TransportID */
	memset(want, 0, sizeof(want));
	put_be64(want, 0xa1);
	want[12] = 0x01;
	want[13] = SCSI_PR_WRITE_EXCLUSIVE;
	want[19] = 1;
	put_be32(want + 20, 4 + tlen);
	CU_ASSERT(memcmp(in + 8, want, 24) == 0);
	CU_ASSERT(in[32] == 0x45 && in[33] == 0 && get_be16(in + 34) == tlen);
	CU_ASSERT(memcmp(in + 36, name_a, sizeof(name_a)) == 0);
	CU_ASSERT(in[36 + tlen - 1] == 0);
	/* B: not the holder, its name unknown: no TransportID */
	memset(want, 0, sizeof(want));
	put_be64(want, 0xb2);
	want[19] = 1;
	CU_ASSERT(memcmp(in + 36 + tlen, want, 24) == 0);
	/* cut by the allocation length: the header still says the whole */
	scsi_cdb_pr_in(cdb, SCSI_PR_IN_READ_FULL_STATUS, 16);
	CU_ASSERT_EQUAL(run(l, NX_OBS, cdb, NULL, 0, &r), SCSI_STATUS_GOOD);
	CU_ASSERT(r.data_len == 16 && get_be32(in + 4) == 24 + 4 + tlen + 24);
	lun_destroy(l);
}

/* SPC-4 6.4.2 (PQ 011b), 6.29, SAM-5: commands to a LUN that does not exist */
static CU_TestInfo lun_pr_tests[] = {
	{ "spc4_6_15_5_read_full_status", test_pr_full_status },
	{ "spc2_7_21_reserve6", test_reserve6 },
	{ "spc4_5_9_7_pr_register", test_pr_register },
	{ "spc4_5_9_9_pr_reserve_conflict", test_pr_reserve },
	{ "spc4_5_9_10_pr_registrants_types", test_pr_registrants },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "lun_pr", lun_pr_tests)
