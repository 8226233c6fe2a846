/*
 * TEMPORARY: the few SCSI CDB builders and parameter-data parsers the
 * initiator's verbs need.  To be replaced by proto/scsi.h (being written
 * in the scsi worktree); the builders have the same signatures as its
 * scsi_cdb_* functions so the switch is a rename.
 */
#ifndef INITIATOR_INI_SCSI_CDB_H
#define INITIATOR_INI_SCSI_CDB_H

#include <stddef.h>
#include <stdint.h>

/* SPC/SBC operation codes used here. */
#define INI_SCSI_OP_TEST_UNIT_READY	0x00
#define INI_SCSI_OP_INQUIRY		0x12
#define INI_SCSI_OP_READ_CAPACITY10	0x25
#define INI_SCSI_OP_READ10		0x28
#define INI_SCSI_OP_WRITE10		0x2a
#define INI_SCSI_OP_READ16		0x88
#define INI_SCSI_OP_WRITE16		0x8a
#define INI_SCSI_OP_SERVICE_ACTION_IN16	0x9e
#define INI_SCSI_SAI_READ_CAPACITY16	0x10
#define INI_SCSI_OP_REPORT_LUNS		0xa0

/* Each returns the CDB length written into cdb[16]. */
size_t	ini_cdb_test_unit_ready(uint8_t *cdb);
size_t	ini_cdb_inquiry(uint8_t *cdb, int evpd, uint8_t page, uint16_t alloc_len);
size_t	ini_cdb_read_capacity10(uint8_t *cdb);
size_t	ini_cdb_read_capacity16(uint8_t *cdb, uint32_t alloc_len);
size_t	ini_cdb_report_luns(uint8_t *cdb, uint8_t select, uint32_t alloc_len);
size_t	ini_cdb_read10(uint8_t *cdb, uint32_t lba, uint16_t nblocks, int flags);
size_t	ini_cdb_write10(uint8_t *cdb, uint32_t lba, uint16_t nblocks, int flags);
size_t	ini_cdb_read16(uint8_t *cdb, uint64_t lba, uint32_t nblocks, int flags);
size_t	ini_cdb_write16(uint8_t *cdb, uint64_t lba, uint32_t nblocks, int flags);

struct ini_capacity {
	uint64_t	last_lba;
	uint32_t	block_len;
};

/* READ CAPACITY (10) / (16) parameter data; -1 when too short. */
int	ini_parse_read_capacity10(const uint8_t *d, size_t len,
	    struct ini_capacity *);
int	ini_parse_read_capacity16(const uint8_t *d, size_t len,
	    struct ini_capacity *);
/* REPORT LUNS: number of LUNs in the list (from LUN LIST LENGTH) and the
 * i-th 8-byte LUN; -1 when out of the data. */
long	ini_parse_report_luns_count(const uint8_t *d, size_t len);
int	ini_parse_report_luns_at(const uint8_t *d, size_t len, size_t i,
	    uint64_t *lun);

#endif
