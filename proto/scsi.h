/*
 * The SCSI layer, independent of iSCSI PDUs: named constants (opcodes,
 * statuses, sense keys, ASC/ASCQ), CDB builders, response parsers, sense
 * data and the 8-byte LUN field.  References: SAM-5, SPC-4, SBC-3.
 *
 *   uint8_t cdb[SCSI_CDB_MAX];
 *   size_t n = scsi_cdb_read10(cdb, lba, nblocks, SCSI_CDB_FUA);
 *
 *   struct scsi_capacity cap;
 *   struct scsi_perr err;
 *   if (scsi_parse_read_capacity16(buf, len, &cap, &err) != SCSI_OK)
 *           log_warnx("%s", err.msg);
 *
 * Parsers take (const uint8_t *, size_t), never read past len, and accept
 * data cut short by the allocation length where the standard allows it
 * (the result then says how much was there: "truncated", "total").
 */
#ifndef PROTO_SCSI_H
#define PROTO_SCSI_H

#include <stddef.h>
#include <stdint.h>

#define SCSI_CDB_MAX		16
#define SCSI_SENSE_FIXED_LEN	18	/* fixed format, additional length 10 */
#define SCSI_BLOCK_SIZE		512

/* ---- named constants --------------------------------------------------- */

enum scsi_opcode {
#define SCSI_OP(v, name, text)		SCSI_OP_##name = (v),
#include "scsi_opcodes.def"
#undef SCSI_OP
};

/* SERVICE ACTION IN(16) service actions (SBC-3 table 13). */
#define SCSI_SAI_READ_CAPACITY16	0x10
#define SCSI_SAI_GET_LBA_STATUS		0x12
/* MAINTENANCE IN service actions (SPC-4 table 47). */
#define SCSI_MI_REPORT_SUPPORTED_OPCODES	0x0c
/* GET LBA STATUS provisioning status (SBC-3 5.6.3). */
#define SCSI_LBA_STATUS_MAPPED		0x0
#define SCSI_LBA_STATUS_DEALLOCATED	0x1
#define SCSI_LBA_STATUS_ANCHORED	0x2

enum scsi_status {
#define SCSI_STATUS(v, name, text)	SCSI_STATUS_##name = (v),
#include "scsi_status.def"
#undef SCSI_STATUS
};

enum scsi_sense_key {
#define SCSI_SENSE_KEY(v, name, text)	SCSI_SENSE_##name = (v),
#include "scsi_sense_keys.def"
#undef SCSI_SENSE_KEY
};

/* ASC in the high byte, ASCQ in the low byte: SCSI_ASC_LBA_OUT_OF_RANGE 0x2100. */
enum scsi_asc {
#define SCSI_ASC(asc, ascq, name, text)	SCSI_ASC_##name = ((asc) << 8 | (ascq)),
#include "scsi_asc.def"
#undef SCSI_ASC
};
#define SCSI_ASC_PAIR(asc, ascq)	((uint16_t)((asc) << 8 | (ascq)))
#define SCSI_ASC_ASC(pair)		((uint8_t)((pair) >> 8))
#define SCSI_ASC_ASCQ(pair)		((uint8_t)(pair))

/* Peripheral qualifier / device type (SPC-4 6.4.2). */
#define SCSI_TYPE_DISK			0x00
#define SCSI_TYPE_UNKNOWN		0x1f
#define SCSI_QUAL_CONNECTED		0x0
#define SCSI_QUAL_NOT_CONNECTED		0x1
#define SCSI_QUAL_NOT_SUPPORTED		0x3	/* 011b: no LU at this LUN */

/* VPD page codes (SPC-4 7.8, SBC-3 6.5). */
#define SCSI_VPD_SUPPORTED_PAGES	0x00
#define SCSI_VPD_UNIT_SERIAL		0x80
#define SCSI_VPD_DEVICE_ID		0x83
#define SCSI_VPD_BLOCK_LIMITS		0xb0
#define SCSI_VPD_BLOCK_DEV_CHAR		0xb1
#define SCSI_VPD_LB_PROVISIONING	0xb2

/* Mode page codes (SPC-4 7.5, SBC-3 6.4) and page control (SPC-4 6.11). */
#define SCSI_MODEPAGE_CACHING		0x08
#define SCSI_MODEPAGE_CONTROL		0x0a
#define SCSI_MODEPAGE_ALL		0x3f
#define SCSI_MODE_PC_CURRENT		0
#define SCSI_MODE_PC_CHANGEABLE		1
#define SCSI_MODE_PC_DEFAULT		2
#define SCSI_MODE_PC_SAVED		3

/* PERSISTENT RESERVE IN/OUT service actions and types (SPC-4 6.15, 6.16). */
enum scsi_pr_in_sa {
	SCSI_PR_IN_READ_KEYS = 0x00,
	SCSI_PR_IN_READ_RESERVATION = 0x01,
	SCSI_PR_IN_REPORT_CAPABILITIES = 0x02,
	SCSI_PR_IN_READ_FULL_STATUS = 0x03
};

enum scsi_pr_out_sa {
	SCSI_PR_OUT_REGISTER = 0x00,
	SCSI_PR_OUT_RESERVE = 0x01,
	SCSI_PR_OUT_RELEASE = 0x02,
	SCSI_PR_OUT_CLEAR = 0x03,
	SCSI_PR_OUT_PREEMPT = 0x04,
	SCSI_PR_OUT_PREEMPT_AND_ABORT = 0x05,
	SCSI_PR_OUT_REGISTER_AND_IGNORE = 0x06,
	SCSI_PR_OUT_REGISTER_AND_MOVE = 0x07
};

enum scsi_pr_type {
	SCSI_PR_TYPE_NONE = 0x0,	/* no reservation (not on the wire) */
	SCSI_PR_WRITE_EXCLUSIVE = 0x1,
	SCSI_PR_EXCLUSIVE_ACCESS = 0x3,
	SCSI_PR_WRITE_EXCLUSIVE_RO = 0x5,	/* registrants only */
	SCSI_PR_EXCLUSIVE_ACCESS_RO = 0x6,
	SCSI_PR_WRITE_EXCLUSIVE_AR = 0x7,	/* all registrants */
	SCSI_PR_EXCLUSIVE_ACCESS_AR = 0x8
};
#define SCSI_PR_SCOPE_LU		0x0
#define SCSI_PR_OUT_PARAM_LEN		24	/* basic parameter list */

/* Text for a value; NULL when the table does not name it. */
const char *scsi_opcode_name(uint8_t opcode);
const char *scsi_status_name(uint8_t status);
const char *scsi_sense_key_name(uint8_t key);
const char *scsi_asc_text(uint8_t asc, uint8_t ascq);
/* "WRITE EXCLUSIVE - REGISTRANTS ONLY", NULL for a reserved type. */
const char *scsi_pr_type_name(uint8_t type);
/* Iteration over the ASC table (for catalogs/docs). */
size_t	scsi_asc_count(void);
int	scsi_asc_at(size_t index, uint8_t *asc, uint8_t *ascq, const char **name,
	    const char **text);

/*
 * CDB length from the group code of the opcode (SPC-4 4.2.5.1): 6, 10, 12
 * or 16; 0 for groups 3, 6 and 7 (reserved / vendor specific).
 */
size_t	scsi_cdb_len(uint8_t opcode);

/* ---- CDB builders -------------------------------------------------------
 * Each writes a whole CDB into cdb[SCSI_CDB_MAX] (unused tail bytes are
 * zeroed) and returns its length.  CONTROL bytes are 0.
 */
#define SCSI_CDB_FUA		0x08	/* READ/WRITE byte 1 bit 3 */
#define SCSI_CDB_DPO		0x10	/* READ/WRITE byte 1 bit 4 */

size_t	scsi_cdb_test_unit_ready(uint8_t *cdb);
size_t	scsi_cdb_request_sense(uint8_t *cdb, int desc, uint8_t alloc_len);
size_t	scsi_cdb_inquiry(uint8_t *cdb, int evpd, uint8_t page, uint16_t alloc_len);
size_t	scsi_cdb_mode_sense6(uint8_t *cdb, int dbd, uint8_t pc, uint8_t page,
	    uint8_t subpage, uint8_t alloc_len);
size_t	scsi_cdb_mode_sense10(uint8_t *cdb, int llbaa, int dbd, uint8_t pc,
	    uint8_t page, uint8_t subpage, uint16_t alloc_len);
size_t	scsi_cdb_reserve6(uint8_t *cdb);
size_t	scsi_cdb_release6(uint8_t *cdb);
size_t	scsi_cdb_read_capacity10(uint8_t *cdb);
size_t	scsi_cdb_read_capacity16(uint8_t *cdb, uint32_t alloc_len);
/* flags: SCSI_CDB_FUA | SCSI_CDB_DPO */
size_t	scsi_cdb_read10(uint8_t *cdb, uint32_t lba, uint16_t nblocks, int flags);
size_t	scsi_cdb_write10(uint8_t *cdb, uint32_t lba, uint16_t nblocks, int flags);
size_t	scsi_cdb_read16(uint8_t *cdb, uint64_t lba, uint32_t nblocks, int flags);
size_t	scsi_cdb_write16(uint8_t *cdb, uint64_t lba, uint32_t nblocks, int flags);
size_t	scsi_cdb_sync_cache10(uint8_t *cdb, uint32_t lba, uint16_t nblocks,
	    int immed);
/* The LBA and block count of a READ/WRITE (10) or (16) CDB: 1 read, 2
 * write, 0 another command. */
int	scsi_cdb_rw_decode(const uint8_t *cdb, uint64_t *lba, uint32_t *nblocks);
/*
 * Any block command of the common SBC-3 layout: READ/WRITE(6/10/12/16),
 * VERIFY, WRITE AND VERIFY, PRE-FETCH, SYNCHRONIZE CACHE, WRITE SAME (10/16),
 * ORWRITE(16); byte1 is byte 1 as is (FUA, DPO, BYTCHK, UNMAP...), 0 for
 * the 6-byte CDBs.  Returns the CDB length, 0 for another opcode or an LBA
 * or length that does not fit (nblocks 256 is 0 in a 6-byte CDB).
 */
size_t	scsi_cdb_block(uint8_t *cdb, uint8_t opcode, uint64_t lba,
	    uint32_t nblocks, uint8_t byte1);
/*
 * The LBA and NUMBER OF LOGICAL BLOCKS of such a CDB (READ/WRITE(6):
 * 21-bit LBA, 0 blocks = 256).  Returns 0, or -1 for another opcode.
 */
int	scsi_cdb_block_fields(const uint8_t *cdb, uint64_t *lba, uint32_t *nblocks);
size_t	scsi_cdb_report_luns(uint8_t *cdb, uint8_t select_report, uint32_t alloc_len);
size_t	scsi_cdb_pr_in(uint8_t *cdb, enum scsi_pr_in_sa sa, uint16_t alloc_len);
/* scope: SCSI_PR_SCOPE_LU; param_len: SCSI_PR_OUT_PARAM_LEN for the basic list */
size_t	scsi_cdb_pr_out(uint8_t *cdb, enum scsi_pr_out_sa sa, uint8_t scope,
	    enum scsi_pr_type type, uint32_t param_len);

/*
 * The 24-byte basic PERSISTENT RESERVE OUT parameter list (SPC-4 6.16.3):
 * reservation key, service action reservation key and flags
 * SCSI_PR_APTPL / SCSI_PR_ALL_TG_PT / SCSI_PR_SPEC_I_PT.  Returns 24.
 */
#define SCSI_PR_APTPL		0x01
#define SCSI_PR_ALL_TG_PT	0x04
#define SCSI_PR_SPEC_I_PT	0x08
size_t	scsi_pr_out_param(uint8_t *out, uint64_t key, uint64_t sa_key, int flags);

/* ---- parser errors ----------------------------------------------------- */

enum scsi_err {
	SCSI_OK = 0,
	SCSI_ETRUNC = -1,	/* shorter than the fixed part of the format */
	SCSI_EFORMAT = -2,	/* a field holds a value the format forbids */
	SCSI_EUNSUP = -3	/* well formed but not a format we decode */
};

/* Where and why a parser refused its input; every parser fills it (may be NULL). */
struct scsi_perr {
	int		 code;		/* enum scsi_err */
	size_t		 offset;	/* byte offset of the offending field */
	uint64_t	 value;		/* its value (or the length seen) */
	char		 msg[128];	/* "INQUIRY: ..." */
};

const char *scsi_strerror(int err);

/* ---- INQUIRY ----------------------------------------------------------- */

struct scsi_inquiry {
	uint8_t		 qualifier;	/* SCSI_QUAL_* */
	uint8_t		 device_type;	/* SCSI_TYPE_* */
	int		 rmb;
	uint8_t		 version;	/* 6 = SPC-4 */
	uint8_t		 response_format;	/* 2 */
	int		 normaca, hisup, sccs, acc, protect, tpc, encserv, multip,
			 cmdque;
	uint8_t		 tpgs;
	uint8_t		 additional_len;
	char		 vendor[9];	/* trailing spaces trimmed */
	char		 product[17];
	char		 revision[5];
	int		 truncated;	/* data shorter than additional_len + 5 */
};

/* Standard INQUIRY data; needs at least 5 bytes, strings filled as far as present. */
int	scsi_parse_inquiry(const uint8_t *buf, size_t len, struct scsi_inquiry *out,
	    struct scsi_perr *err);

/* VPD page header (4 bytes) and the page body that is present. */
struct scsi_vpd_header {
	uint8_t		 qualifier;
	uint8_t		 device_type;
	uint8_t		 page_code;
	uint16_t	 page_len;	/* as declared */
	const uint8_t	*body;		/* into buf */
	size_t		 body_len;	/* min(page_len, len - 4) */
	int		 truncated;
};

int	scsi_parse_vpd_header(const uint8_t *buf, size_t len, uint8_t want_page,
	    struct scsi_vpd_header *out, struct scsi_perr *err);

struct scsi_vpd_pages {
	struct scsi_vpd_header hdr;
	size_t		 count;
	uint8_t		 pages[256];
};
int	scsi_parse_vpd_supported(const uint8_t *buf, size_t len,
	    struct scsi_vpd_pages *out, struct scsi_perr *err);

struct scsi_vpd_serial {
	struct scsi_vpd_header hdr;
	char		 serial[256];	/* leading/trailing spaces trimmed */
};
int	scsi_parse_vpd_serial(const uint8_t *buf, size_t len,
	    struct scsi_vpd_serial *out, struct scsi_perr *err);

/* Device Identification designators (SPC-4 7.8.6). */
#define SCSI_DESIG_VENDOR_SPECIFIC	0x0
#define SCSI_DESIG_T10_VENDOR_ID	0x1
#define SCSI_DESIG_EUI64		0x2
#define SCSI_DESIG_NAA			0x3
#define SCSI_DESIG_REL_TARGET_PORT	0x4
#define SCSI_DESIG_TARGET_PORT_GROUP	0x5
#define SCSI_DESIG_LU_GROUP		0x6
#define SCSI_DESIG_MD5_LU		0x7
#define SCSI_DESIG_SCSI_NAME		0x8
#define SCSI_ASSOC_LU			0x0
#define SCSI_ASSOC_TARGET_PORT		0x1
#define SCSI_ASSOC_TARGET_DEVICE	0x2
#define SCSI_CODESET_BINARY		0x1
#define SCSI_CODESET_ASCII		0x2
#define SCSI_CODESET_UTF8		0x3
#define SCSI_PROTO_ISCSI		0x5

struct scsi_designator {
	uint8_t		 protocol_id;	/* valid when piv */
	uint8_t		 code_set;
	int		 piv;
	uint8_t		 assoc;
	uint8_t		 type;
	uint8_t		 len;
	const uint8_t	*data;		/* into buf */
};

#define SCSI_DEVID_MAX	16
struct scsi_vpd_devid {
	struct scsi_vpd_header hdr;
	size_t		 count;		/* designators stored */
	size_t		 total;		/* designators seen (count may be capped) */
	struct scsi_designator desig[SCSI_DEVID_MAX];
};
/* A designator running past the page is SCSI_EFORMAT. */
int	scsi_parse_vpd_devid(const uint8_t *buf, size_t len,
	    struct scsi_vpd_devid *out, struct scsi_perr *err);
/* First designator of type/assoc, NULL if none. */
const struct scsi_designator *scsi_devid_find(const struct scsi_vpd_devid *,
	    uint8_t type, uint8_t assoc);

struct scsi_vpd_block_limits {
	struct scsi_vpd_header hdr;
	int		 wsnz;
	uint8_t		 max_compare_write_len;
	uint16_t	 opt_xfer_granularity;
	uint32_t	 max_xfer_len;		/* blocks, 0 = no limit reported */
	uint32_t	 opt_xfer_len;
	uint32_t	 max_prefetch_len;
	uint32_t	 max_unmap_lba_count;
	uint32_t	 max_unmap_desc_count;
	uint32_t	 opt_unmap_granularity;
	int		 ugavalid;
	uint32_t	 unmap_granularity_align;
	uint64_t	 max_write_same_len;
};
/* Fields beyond the data present read as 0. */
int	scsi_parse_vpd_block_limits(const uint8_t *buf, size_t len,
	    struct scsi_vpd_block_limits *out, struct scsi_perr *err);

/* ---- READ CAPACITY ----------------------------------------------------- */

struct scsi_capacity {
	uint64_t	 last_lba;
	uint32_t	 block_size;
	int		 prot_en;
	uint8_t		 p_type;
	uint8_t		 lbppbe;	/* log2 logical blocks per physical block */
	int		 lbpme, lbprz;
	uint16_t	 lowest_aligned_lba;
	int		 need_rc16;	/* RC(10) answered 0xffffffff */
};
/* 8 bytes needed. */
int	scsi_parse_read_capacity10(const uint8_t *buf, size_t len,
	    struct scsi_capacity *out, struct scsi_perr *err);
/* 12 bytes needed; later fields 0 when cut. */
int	scsi_parse_read_capacity16(const uint8_t *buf, size_t len,
	    struct scsi_capacity *out, struct scsi_perr *err);

/* ---- LUN field (SAM-5 4.7) --------------------------------------------- */

#define SCSI_LUN_MAX_FLAT	16383
#define SCSI_LUN_INVALID	UINT64_MAX	/* scsi_lun_encode: lun > 16383 */

enum scsi_lun_method {
	SCSI_LUN_PERIPHERAL = 0,	/* 00b */
	SCSI_LUN_FLAT = 1,		/* 01b */
	SCSI_LUN_LOGICAL_UNIT = 2,	/* 10b */
	SCSI_LUN_EXTENDED = 3		/* 11b */
};

/*
 * The 8-byte LUN as a big-endian 64-bit value (byte 0 in the top bits, as
 * the iSCSI LUN field carries it).  LUNs < 256 use single-level
 * peripheral device addressing (00b, bus 0), 256..16383 flat space
 * addressing (01b).  Larger values give SCSI_LUN_INVALID.
 */
uint64_t scsi_lun_encode(uint16_t lun);
/*
 * Back to a LUN number: single-level peripheral (bus 0) or flat; the six
 * bytes after the first level must be zero.  SCSI_EUNSUP for other
 * methods, multi-level LUNs and peripheral addressing with a bus != 0.
 */
int	scsi_lun_decode(uint64_t raw, uint16_t *lun);
void	scsi_lun_to_bytes(uint64_t raw, uint8_t *out8);
uint64_t scsi_lun_from_bytes(const uint8_t *in8);

/* ---- REPORT LUNS ------------------------------------------------------- */

struct scsi_lun_entry {
	uint64_t	 raw;
	int		 method;	/* enum scsi_lun_method of the first level */
	int		 decoded;	/* 1 when lun is valid (scsi_lun_decode ok) */
	uint16_t	 lun;
};

struct scsi_report_luns {
	uint32_t	 list_len;	/* LUN LIST LENGTH as declared (bytes) */
	uint32_t	 total;		/* list_len / 8 */
	uint32_t	 count;		/* entries stored in the caller's array */
	int		 truncated;	/* buffer or array did not hold them all */
};
/* 8 bytes needed; list_len not a multiple of 8 is SCSI_EFORMAT. */
int	scsi_parse_report_luns(const uint8_t *buf, size_t len,
	    struct scsi_lun_entry *ents, size_t cap, struct scsi_report_luns *out,
	    struct scsi_perr *err);

/* ---- PERSISTENT RESERVE IN --------------------------------------------- */

struct scsi_pr_keys {
	uint32_t	 generation;
	uint32_t	 add_len;	/* bytes of keys declared */
	uint32_t	 total;		/* add_len / 8 */
	uint32_t	 count;		/* keys stored */
	int		 truncated;
};
int	scsi_parse_pr_read_keys(const uint8_t *buf, size_t len, uint64_t *keys,
	    size_t cap, struct scsi_pr_keys *out, struct scsi_perr *err);

struct scsi_pr_reservation {
	uint32_t	 generation;
	int		 reserved;	/* additional length 16 */
	uint64_t	 key;
	uint8_t		 scope;
	uint8_t		 type;		/* enum scsi_pr_type */
};
/* 8 bytes needed, 24 when a reservation is declared. */
int	scsi_parse_pr_read_reservation(const uint8_t *buf, size_t len,
	    struct scsi_pr_reservation *out, struct scsi_perr *err);

struct scsi_pr_caps {
	uint16_t	 length;
	int		 crh, sip_c, atp_c, ptpl_c, tmv, ptpl_a;
	uint8_t		 allow_commands;
	uint16_t	 type_mask;	/* bit n set = type n supported */
};
int	scsi_parse_pr_report_caps(const uint8_t *buf, size_t len,
	    struct scsi_pr_caps *out, struct scsi_perr *err);

/* ---- MODE SENSE -------------------------------------------------------- */

struct scsi_mode_header {
	uint16_t	 data_len;	/* MODE DATA LENGTH as declared */
	uint8_t		 medium_type;
	uint8_t		 dev_specific;	/* bit 7 WP, bit 4 DPOFUA for disks */
	int		 longlba;
	uint16_t	 bd_len;
	uint64_t	 bd_nblocks;	/* from the first block descriptor, if any */
	uint32_t	 bd_block_len;
	const uint8_t	*pages;		/* first mode page, into buf */
	size_t		 pages_len;	/* bytes of pages present */
};
/* is10: MODE SENSE(10) header (8 bytes) instead of (6) (4 bytes). */
int	scsi_parse_mode_sense(const uint8_t *buf, size_t len, int is10,
	    struct scsi_mode_header *out, struct scsi_perr *err);
/* Page page_code (subpage 0) within h->pages; NULL when absent/cut. *plen = whole page. */
const uint8_t *scsi_mode_find_page(const struct scsi_mode_header *h,
	    uint8_t page_code, size_t *plen);

/* ---- sense data -------------------------------------------------------- */

struct scsi_sense {
	uint8_t		 response_code;	/* 0x70 0x71 0x72 0x73 */
	int		 descriptor;	/* 0x72/0x73 */
	int		 deferred;	/* 0x71/0x73 */
	uint8_t		 key;
	uint8_t		 asc, ascq;
	int		 info_valid;
	uint64_t	 info;
	int		 filemark, eom, ili;
	int		 sks_valid;
	uint8_t		 sks[3];	/* sense-key specific bytes (SKSV bit included) */
};

/* Fixed (0x70/0x71) or descriptor (0x72/0x73) sense data; needs 3 / 4 bytes. */
int	scsi_parse_sense(const uint8_t *buf, size_t len, struct scsi_sense *out,
	    struct scsi_perr *err);

/*
 * Fixed-format (0x70) sense data, 18 bytes, into out[cap].  Returns 18 or
 * 0 when cap < 18.  Set s->sks_valid with sks[] (SKSV is forced on) and
 * s->info_valid with info (low 32 bits) as needed.
 */
size_t	scsi_sense_build_fixed(uint8_t *out, size_t cap, const struct scsi_sense *s);
/* Shorthand: key + ASC/ASCQ pair (enum scsi_asc), nothing else. */
size_t	scsi_sense_fixed(uint8_t *out, size_t cap, uint8_t key, uint16_t asc_pair);
/*
 * Sense-key specific "field pointer" (SPC-4 4.5.2.4.2) for ILLEGAL
 * REQUEST: in_cdb 1 for the CDB, 0 for parameter data; bit -1 when no bit
 * pointer applies.
 */
void	scsi_sense_set_field_pointer(struct scsi_sense *s, int in_cdb,
	    uint16_t byte, int bit);

/* "ILLEGAL REQUEST: INVALID FIELD IN CDB (0x24/0x00)" into out[cap]. */
int	scsi_sense_format(const struct scsi_sense *s, char *out, size_t cap);

#endif
