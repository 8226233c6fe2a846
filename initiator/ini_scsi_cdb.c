/*
 * TEMPORARY (see ini_scsi_cdb.h): CDBs for INQUIRY, READ CAPACITY (10/16),
 * REPORT LUNS, READ/WRITE (10/16), TEST UNIT READY (SPC-4, SBC-3), until
 * proto/scsi.h lands.
 */
#include <string.h>

#include "bytes.h"
#include "ini_scsi_cdb.h"

size_t
ini_cdb_test_unit_ready(uint8_t *cdb)
{
	memset(cdb, 0, 16);
	cdb[0] = INI_SCSI_OP_TEST_UNIT_READY;
	return 6;
}

size_t
ini_cdb_inquiry(uint8_t *cdb, int evpd, uint8_t page, uint16_t alloc_len)
{
	memset(cdb, 0, 16);
	cdb[0] = INI_SCSI_OP_INQUIRY;
	cdb[1] = (uint8_t)(evpd & 0x03);	/* EVPD, obsolete CMDDT */
	cdb[2] = page;
	put_be16(cdb + 3, alloc_len);
	return 6;
}

size_t
ini_cdb_read_capacity10(uint8_t *cdb)
{
	memset(cdb, 0, 16);
	cdb[0] = INI_SCSI_OP_READ_CAPACITY10;
	return 10;
}

size_t
ini_cdb_read_capacity16(uint8_t *cdb, uint32_t alloc_len)
{
	memset(cdb, 0, 16);
	cdb[0] = INI_SCSI_OP_SERVICE_ACTION_IN16;
	cdb[1] = INI_SCSI_SAI_READ_CAPACITY16;
	put_be32(cdb + 10, alloc_len);
	return 16;
}

size_t
ini_cdb_report_luns(uint8_t *cdb, uint8_t select, uint32_t alloc_len)
{
	memset(cdb, 0, 16);
	cdb[0] = INI_SCSI_OP_REPORT_LUNS;
	cdb[2] = select;
	put_be32(cdb + 6, alloc_len);
	return 12;
}

static size_t
rw10(uint8_t *cdb, uint8_t op, uint32_t lba, uint16_t n, int flags)
{
	memset(cdb, 0, 16);
	cdb[0] = op;
	cdb[1] = (uint8_t)(flags & 0x18);	/* DPO, FUA */
	put_be32(cdb + 2, lba);
	put_be16(cdb + 7, n);
	return 10;
}

static size_t
rw16(uint8_t *cdb, uint8_t op, uint64_t lba, uint32_t n, int flags)
{
	memset(cdb, 0, 16);
	cdb[0] = op;
	cdb[1] = (uint8_t)(flags & 0x18);
	put_be64(cdb + 2, lba);
	put_be32(cdb + 10, n);
	return 16;
}

size_t
ini_cdb_read10(uint8_t *cdb, uint32_t lba, uint16_t n, int flags)
{
	return rw10(cdb, INI_SCSI_OP_READ10, lba, n, flags);
}

size_t
ini_cdb_write10(uint8_t *cdb, uint32_t lba, uint16_t n, int flags)
{
	return rw10(cdb, INI_SCSI_OP_WRITE10, lba, n, flags);
}

size_t
ini_cdb_read16(uint8_t *cdb, uint64_t lba, uint32_t n, int flags)
{
	return rw16(cdb, INI_SCSI_OP_READ16, lba, n, flags);
}

size_t
ini_cdb_write16(uint8_t *cdb, uint64_t lba, uint32_t n, int flags)
{
	return rw16(cdb, INI_SCSI_OP_WRITE16, lba, n, flags);
}

int
ini_parse_read_capacity10(const uint8_t *d, size_t len, struct ini_capacity *c)
{
	if (len < 8)
		return -1;
	c->last_lba = get_be32(d);
	c->block_len = get_be32(d + 4);
	return 0;
}

int
ini_parse_read_capacity16(const uint8_t *d, size_t len, struct ini_capacity *c)
{
	if (len < 12)
		return -1;
	c->last_lba = get_be64(d);
	c->block_len = get_be32(d + 8);
	return 0;
}

long
ini_parse_report_luns_count(const uint8_t *d, size_t len)
{
	if (len < 8)
		return -1;
	return (long)(get_be32(d) / 8);
}

int
ini_parse_report_luns_at(const uint8_t *d, size_t len, size_t i, uint64_t *lun)
{
	if (8 + (i + 1) * 8 > len)
		return -1;
	*lun = get_be64(d + 8 + i * 8);
	return 0;
}
