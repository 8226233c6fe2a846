/*
 * CDB builders (SPC-4 chapter 6, SBC-3 chapter 5).  Every builder zeroes
 * the whole 16-byte buffer first so a shorter CDB never carries stale
 * bytes, then sets the fields by name.
 */
#include <string.h>

#include "scsi_impl.h"

static size_t
cdb_start(uint8_t *cdb, uint8_t opcode)
{
	memset(cdb, 0, SCSI_CDB_MAX);
	cdb[0] = opcode;
	return scsi_cdb_len(opcode);
}

/* SPC-4 6.37 */
size_t
scsi_cdb_test_unit_ready(uint8_t *cdb)
{
	return cdb_start(cdb, SCSI_OP_TEST_UNIT_READY);
}

/* SPC-4 6.29: byte 1 bit 0 DESC, byte 4 allocation length */
size_t
scsi_cdb_request_sense(uint8_t *cdb, int desc, uint8_t alloc_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_REQUEST_SENSE);

	cdb[1] = desc ? 0x01 : 0;
	cdb[4] = alloc_len;
	return n;
}

/* SPC-4 6.4.1: byte 1 bit 0 EVPD, byte 2 page code, bytes 3-4 allocation length */
size_t
scsi_cdb_inquiry(uint8_t *cdb, int evpd, uint8_t page, uint16_t alloc_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_INQUIRY);

	cdb[1] = evpd ? 0x01 : 0;
	cdb[2] = page;
	put_be16(cdb + 3, alloc_len);
	return n;
}

/* SPC-4 6.11: byte 1 bit 3 DBD; byte 2 PC (7:6) page code (5:0); byte 3 subpage */
size_t
scsi_cdb_mode_sense6(uint8_t *cdb, int dbd, uint8_t pc, uint8_t page,
    uint8_t subpage, uint8_t alloc_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_MODE_SENSE6);

	cdb[1] = dbd ? 0x08 : 0;
	cdb[2] = (uint8_t)((pc & 0x3) << 6 | (page & 0x3f));
	cdb[3] = subpage;
	cdb[4] = alloc_len;
	return n;
}

/* SPC-4 6.12: byte 1 bit 4 LLBAA, bit 3 DBD; bytes 7-8 allocation length */
size_t
scsi_cdb_mode_sense10(uint8_t *cdb, int llbaa, int dbd, uint8_t pc,
    uint8_t page, uint8_t subpage, uint16_t alloc_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_MODE_SENSE10);

	cdb[1] = (uint8_t)((llbaa ? 0x10 : 0) | (dbd ? 0x08 : 0));
	cdb[2] = (uint8_t)((pc & 0x3) << 6 | (page & 0x3f));
	cdb[3] = subpage;
	put_be16(cdb + 7, alloc_len);
	return n;
}

/* SPC-2 7.21 (third-party and extent fields left 0) */
size_t
scsi_cdb_reserve6(uint8_t *cdb)
{
	return cdb_start(cdb, SCSI_OP_RESERVE6);
}

/* SPC-2 7.17 */
size_t
scsi_cdb_release6(uint8_t *cdb)
{
	return cdb_start(cdb, SCSI_OP_RELEASE6);
}

/* SBC-3 5.15: LBA 0, PMI 0 */
size_t
scsi_cdb_read_capacity10(uint8_t *cdb)
{
	return cdb_start(cdb, SCSI_OP_READ_CAPACITY10);
}

/* SBC-3 5.16: SERVICE ACTION IN(16), SA 0x10, bytes 10-13 allocation length */
size_t
scsi_cdb_read_capacity16(uint8_t *cdb, uint32_t alloc_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_SERVICE_ACTION_IN16);

	cdb[1] = SCSI_SAI_READ_CAPACITY16;
	put_be32(cdb + 10, alloc_len);
	return n;
}

static size_t
cdb_rw10(uint8_t *cdb, uint8_t op, uint32_t lba, uint16_t nblocks, int flags)
{
	size_t n = cdb_start(cdb, op);

	cdb[1] = (uint8_t)(flags & (SCSI_CDB_FUA | SCSI_CDB_DPO));
	put_be32(cdb + 2, lba);
	put_be16(cdb + 7, nblocks);
	return n;
}

static size_t
cdb_rw16(uint8_t *cdb, uint8_t op, uint64_t lba, uint32_t nblocks, int flags)
{
	size_t n = cdb_start(cdb, op);

	cdb[1] = (uint8_t)(flags & (SCSI_CDB_FUA | SCSI_CDB_DPO));
	put_be64(cdb + 2, lba);
	put_be32(cdb + 10, nblocks);
	return n;
}

/* SBC-3 5.8 */
size_t
scsi_cdb_read10(uint8_t *cdb, uint32_t lba, uint16_t nblocks, int flags)
{
	return cdb_rw10(cdb, SCSI_OP_READ10, lba, nblocks, flags);
}

/* SBC-3 5.32 */
size_t
scsi_cdb_write10(uint8_t *cdb, uint32_t lba, uint16_t nblocks, int flags)
{
	return cdb_rw10(cdb, SCSI_OP_WRITE10, lba, nblocks, flags);
}

/* SBC-3 5.10 */
size_t
scsi_cdb_read16(uint8_t *cdb, uint64_t lba, uint32_t nblocks, int flags)
{
	return cdb_rw16(cdb, SCSI_OP_READ16, lba, nblocks, flags);
}

/* SBC-3 5.34 */
size_t
scsi_cdb_write16(uint8_t *cdb, uint64_t lba, uint32_t nblocks, int flags)
{
	return cdb_rw16(cdb, SCSI_OP_WRITE16, lba, nblocks, flags);
}

int
scsi_cdb_rw_decode(const uint8_t *cdb, uint64_t *lba, uint32_t *nblocks)
{
	switch (cdb[0]) {
	case SCSI_OP_READ10:
	case SCSI_OP_WRITE10:
		*lba = get_be32(cdb + 2);
		*nblocks = get_be16(cdb + 7);
		return cdb[0] == SCSI_OP_READ10 ? 1 : 2;
	case SCSI_OP_READ16:
	case SCSI_OP_WRITE16:
		*lba = get_be64(cdb + 2);
		*nblocks = get_be32(cdb + 10);
		return cdb[0] == SCSI_OP_READ16 ? 1 : 2;
	default:
		*lba = 0;
		*nblocks = 0;
		return 0;
	}
}

/* SBC-3 5.22: byte 1 bit 1 IMMED, bytes 2-5 LBA, bytes 7-8 number of blocks */
size_t
scsi_cdb_sync_cache10(uint8_t *cdb, uint32_t lba, uint16_t nblocks, int immed)
{
	size_t n = cdb_start(cdb, SCSI_OP_SYNCHRONIZE_CACHE10);

	cdb[1] = immed ? 0x02 : 0;
	put_be32(cdb + 2, lba);
	put_be16(cdb + 7, nblocks);
	return n;
}

/* SPC-4 6.33: byte 2 SELECT REPORT, bytes 6-9 allocation length */
size_t
scsi_cdb_report_luns(uint8_t *cdb, uint8_t select_report, uint32_t alloc_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_REPORT_LUNS);

	cdb[2] = select_report;
	put_be32(cdb + 6, alloc_len);
	return n;
}

/* SPC-4 6.15.1: byte 1 service action (4:0), bytes 7-8 allocation length */
size_t
scsi_cdb_pr_in(uint8_t *cdb, enum scsi_pr_in_sa sa, uint16_t alloc_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_PERSISTENT_RESERVE_IN);

	cdb[1] = (uint8_t)(sa & 0x1f);
	put_be16(cdb + 7, alloc_len);
	return n;
}

/*
 * SPC-4 6.16.1: byte 1 service action (4:0), byte 2 scope (7:4) type
 * (3:0), bytes 5-8 parameter list length.
 */
size_t
scsi_cdb_pr_out(uint8_t *cdb, enum scsi_pr_out_sa sa, uint8_t scope,
    enum scsi_pr_type type, uint32_t param_len)
{
	size_t n = cdb_start(cdb, SCSI_OP_PERSISTENT_RESERVE_OUT);

	cdb[1] = (uint8_t)(sa & 0x1f);
	cdb[2] = (uint8_t)((scope & 0xf) << 4 | (type & 0xf));
	put_be32(cdb + 5, param_len);
	return n;
}

/* SPC-4 6.16.3: bytes 0-7 key, 8-15 SA key, 16-19 obsolete, 20 flags */
size_t
scsi_pr_out_param(uint8_t *out, uint64_t key, uint64_t sa_key, int flags)
{
	memset(out, 0, SCSI_PR_OUT_PARAM_LEN);
	put_be64(out, key);
	put_be64(out + 8, sa_key);
	out[20] = (uint8_t)(flags & (SCSI_PR_APTPL | SCSI_PR_ALL_TG_PT |
	    SCSI_PR_SPEC_I_PT));
	return SCSI_PR_OUT_PARAM_LEN;
}
