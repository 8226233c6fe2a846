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
	int kind;

	switch (cdb[0]) {
	case SCSI_OP_READ10:
	case SCSI_OP_READ16:
		kind = 1;
		break;
	case SCSI_OP_WRITE10:
	case SCSI_OP_WRITE16:
		kind = 2;
		break;
	default:
		*lba = 0;
		*nblocks = 0;
		return 0;
	}
	(void)scsi_cdb_block_fields(cdb, lba, nblocks);
	return kind;
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

/*
 * SBC-3 common layouts (4.2.2): 6-byte LBA in bytes 1-3 (21 bits) and
 * length in byte 4; 10-byte LBA 2-5, length 7-8; 12-byte LBA 2-5, length
 * 6-9; 16-byte LBA 2-9, length 10-13.
 */
static int
block_layout(uint8_t opcode)
{
	switch (opcode) {
	case SCSI_OP_READ6:
	case SCSI_OP_WRITE6:
		return 6;
	case SCSI_OP_READ10:
	case SCSI_OP_WRITE10:
	case SCSI_OP_WRITE_AND_VERIFY10:
	case SCSI_OP_VERIFY10:
	case SCSI_OP_PRE_FETCH10:
	case SCSI_OP_SYNCHRONIZE_CACHE10:
	case SCSI_OP_WRITE_SAME10:
		return 10;
	case SCSI_OP_READ12:
	case SCSI_OP_WRITE12:
	case SCSI_OP_WRITE_AND_VERIFY12:
	case SCSI_OP_VERIFY12:
		return 12;
	case SCSI_OP_READ16:
	case SCSI_OP_WRITE16:
	case SCSI_OP_ORWRITE16:
	case SCSI_OP_WRITE_AND_VERIFY16:
	case SCSI_OP_VERIFY16:
	case SCSI_OP_PRE_FETCH16:
	case SCSI_OP_SYNCHRONIZE_CACHE16:
	case SCSI_OP_WRITE_SAME16:
		return 16;
	default:
		return 0;
	}
}

size_t
scsi_cdb_block(uint8_t *cdb, uint8_t opcode, uint64_t lba, uint32_t nblocks,
    uint8_t byte1)
{
	int layout = block_layout(opcode);
	size_t n;

	if (layout == 0 || (layout == 6 && (lba > 0x1fffff || nblocks > 256 ||
	    nblocks == 0)) || (layout == 10 && (lba > UINT32_MAX ||
	    nblocks > UINT16_MAX)) || (layout == 12 && lba > UINT32_MAX))
		return 0;
	n = cdb_start(cdb, opcode);
	switch (layout) {
	case 6:
		cdb[1] = (uint8_t)(lba >> 16);
		put_be16(cdb + 2, (uint16_t)lba);
		cdb[4] = (uint8_t)nblocks;	/* 256 -> 0 */
		break;
	case 10:
		cdb[1] = byte1;
		put_be32(cdb + 2, (uint32_t)lba);
		put_be16(cdb + 7, (uint16_t)nblocks);
		break;
	case 12:
		cdb[1] = byte1;
		put_be32(cdb + 2, (uint32_t)lba);
		put_be32(cdb + 6, nblocks);
		break;
	default:
		cdb[1] = byte1;
		put_be64(cdb + 2, lba);
		put_be32(cdb + 10, nblocks);
		break;
	}
	return n;
}

int
scsi_cdb_block_fields(const uint8_t *cdb, uint64_t *lba, uint32_t *nblocks)
{
	switch (block_layout(cdb[0])) {
	case 6:
		*lba = (uint64_t)(cdb[1] & 0x1f) << 16 | get_be16(cdb + 2);
		*nblocks = cdb[4] != 0 ? cdb[4] : 256;
		return 0;
	case 10:
		*lba = get_be32(cdb + 2);
		*nblocks = get_be16(cdb + 7);
		return 0;
	case 12:
		*lba = get_be32(cdb + 2);
		*nblocks = get_be32(cdb + 6);
		return 0;
	case 16:
		*lba = get_be64(cdb + 2);
		*nblocks = get_be32(cdb + 10);
		return 0;
	default:
		return -1;
	}
}
