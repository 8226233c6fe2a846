/*
 * An emulated SBC direct-access block device (512-byte blocks) for the
 * simulated target, backed by anonymous memory or by a file.  The iSCSI
 * layer drives it in three steps:
 *
 *   struct lun_cdb_info ci;
 *   lun_cdb_info(cdb, 16, &ci);          direction and bytes, before any data
 *   if (lun_check(l, nexus, cdb, 16, &res) != SCSI_STATUS_GOOD)
 *           reply with res (no Data-Out solicited);
 *   ...collect Data-Out (or write it piecewise with lun_write_at()) ...
 *   lun_execute(l, nexus, cdb, 16, out, outlen, in, incap, &res);
 *
 * Nothing here knows about PDUs: residuals are the caller's business,
 * the result says how many bytes were produced.  Sense data is fixed
 * format (SPC-4 4.5.3).  Not thread safe: one event loop owns a LUN.
 */
#ifndef TARGET_SIM_LUN_H
#define TARGET_SIM_LUN_H

#include <stddef.h>
#include <stdint.h>

#include "scsi.h"

#define LUN_BLOCK_SIZE			SCSI_BLOCK_SIZE
#define LUN_DEFAULT_MAX_XFER_BLOCKS	8192	/* 4 MiB, VPD B0h */
#define LUN_MAX_REGISTRATIONS		32	/* PR registrations */
#define LUN_MAX_PENDING_SENSE		32	/* unit attentions / pending sense */
#define LUN_VENDOR			"ISCSIBEN"
#define LUN_DEFAULT_PRODUCT		"SIM DISK"
#define LUN_REVISION			"0100"
#define LUN_PORT_NAME_MAX		256	/* "<iSCSI name>,i,0x<ISID>" + NUL */

struct lun;

struct lun_config {
	const char	*target_name;	/* iSCSI name; identity derives from it */
	uint16_t	 id;		/* LUN number (<= 16383) */
	uint64_t	 size;		/* bytes, multiple of 512; 0 = size of path */
	const char	*path;		/* NULL: anonymous memory (sparse, zeroed) */
	const char	*product;	/* NULL: LUN_DEFAULT_PRODUCT (<= 16 chars) */
	const char	*serial;	/* NULL: derived (16 hex digits) */
	int		 readonly;	/* writes fail with DATA PROTECT */
	uint16_t	 tpgt;		/* for the target port name; 0 means 1 */
	uint16_t	 rel_port;	/* relative target port id; 0 means 1 */
	uint32_t	 max_xfer_blocks;	/* 0: LUN_DEFAULT_MAX_XFER_BLOCKS */
};

/*
 * Create a LUN.  A file is created if missing and extended (sparse) to
 * size; it is never shrunk.  Returns 0, or -errno with a message in
 * err[errlen] (which argument, which value, why).
 */
int	lun_create(const struct lun_config *cfg, struct lun **out, char *err,
	    size_t errlen);
void	lun_destroy(struct lun *);

uint16_t lun_id(const struct lun *);
uint64_t lun_nblocks(const struct lun *);
const char *lun_serial(const struct lun *);
/* 1 when READ data can be handed out without copying (memory backed). */
int	lun_is_zero_copy(const struct lun *);

/* The target's LUN numbers for REPORT LUNS (copied).  Default: this LUN only. */
int	lun_set_lun_list(struct lun *, const uint16_t *ids, size_t n);

/*
 * The initiator port name of a nexus ("<iSCSI name>,i,0x<ISID>", SPC-4
 * 7.6.4.6), asked when a nexus registers a persistent reservation key and
 * kept with the registration for READ FULL STATUS.  NULL: unknown.
 */
typedef const char *(*lun_port_name_fn)(void *arg, uint64_t nexus);
void	lun_set_port_name_fn(struct lun *, lun_port_name_fn fn, void *arg);

/*
 * "64M", "1G", "512k", "4096", "2GiB": decimal bytes with an optional
 * binary suffix k/M/G/T (optionally followed by "B" or "iB").  Returns 0
 * or -EINVAL / -ERANGE with a message in err[errlen].
 */
int	lun_parse_size(const char *s, uint64_t *out, char *err, size_t errlen);

/* ---- commands -------------------------------------------------------- */

enum lun_dir {
	LUN_DIR_NONE = 0,
	LUN_DIR_IN = 1,		/* data to the initiator (READ, INQUIRY) */
	LUN_DIR_OUT = 2		/* data from the initiator (WRITE, PR OUT) */
};

struct lun_cdb_info {
	uint8_t		 opcode;
	int		 known;		/* the LUN emulates this command */
	enum lun_dir	 dir;
	uint64_t	 xfer_len;	/* bytes the CDB asks for (allocation length,
					   parameter list length or blocks * 512) */
	int		 media;		/* READ, WRITE, WRITE AND VERIFY: data goes
					   straight to/from the medium at lba */
	uint64_t	 lba;		/* block commands (media or not) */
	uint32_t	 nblocks;
	int		 fua;
};

/*
 * Decode what a CDB wants to move, before any data.  Needs no LUN.
 * Returns 0, or -1 when cdb_len is shorter than the opcode's group length.
 */
int	lun_cdb_info(const uint8_t *cdb, size_t cdb_len, struct lun_cdb_info *info);

struct lun_result {
	uint8_t		 status;	/* enum scsi_status */
	uint8_t		 sense_len;	/* 0 or SCSI_SENSE_FIXED_LEN */
	uint8_t		 sense[SCSI_SENSE_FIXED_LEN];
	const uint8_t	*data;		/* data-in: the caller's buffer or, for a
					   zero-copy READ, the LUN's memory */
	uint32_t	 data_len;	/* data-in bytes produced */
	uint32_t	 data_out_used;	/* data-out bytes consumed */
};

/*
 * Checks done before data moves: opcode, pending unit attention,
 * reservation conflict, and for READ/WRITE/SYNCHRONIZE CACHE the CDB
 * fields, LBA range and transfer limit.  Returns res->status; GOOD means
 * the command may proceed (solicit its Data-Out).  Consumes a pending
 * unit attention when it reports one.
 */
int	lun_check(struct lun *, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
	    struct lun_result *res);
/*
 * The same, knowing the Expected Data Transfer Length: COMPARE AND WRITE
 * whose Data-Out length is not 2 x NUMBER OF LOGICAL BLOCKS blocks is
 * refused (INVALID FIELD IN CDB), as neither half could be told apart.
 */
int	lun_check_edtl(struct lun *, uint64_t nexus, const uint8_t *cdb,
	    size_t cdb_len, uint64_t edtl, struct lun_result *res);

/*
 * Run a command for I_T nexus `nexus` (an opaque initiator identity).
 * data_out holds the Data-Out received so far (a WRITE writes
 * min(data_out_len, blocks * 512) bytes).  Data-in goes to
 * data_in[data_in_cap]; a READ on a memory-backed LUN with data_in ==
 * NULL returns a pointer into the LUN instead (res->data), valid until
 * the next write or lun_destroy.  Returns res->status.
 */
int	lun_execute(struct lun *, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
	    const uint8_t *data_out, uint32_t data_out_len, uint8_t *data_in,
	    uint32_t data_in_cap, struct lun_result *res);

/* ---- direct data path (after lun_check said GOOD) -------------------- */

/* Memory-backed only: pointer to nblocks at lba; -ENOTSUP for files, -ERANGE. */
int	lun_read_ptr(struct lun *, uint64_t lba, uint32_t nblocks, const uint8_t **p);
/* Byte-granular copies at a byte offset (Data-Out pieces, Data-In); -ERANGE, -EIO. */
int	lun_read_at(struct lun *, uint64_t offset, void *buf, size_t len);
int	lun_write_at(struct lun *, uint64_t offset, const void *buf, size_t len);
/*
 * Finish a WRITE whose data went in with lun_write_at(): flushes when FUA
 * was set and fills res (GOOD, or MEDIUM ERROR / WRITE ERROR).
 */
int	lun_write_finish(struct lun *, const struct lun_cdb_info *info,
	    struct lun_result *res);
/* fdatasync for a file, nothing for memory: 0 or -errno. */
int	lun_flush(struct lun *);

/* ---- nexus events, pending sense ------------------------------------- */

/*
 * Queue sense for nexus: a UNIT ATTENTION key is reported by the next
 * command (other than INQUIRY, REPORT LUNS, REQUEST SENSE); any sense is
 * returned by REQUEST SENSE.  -ENOSPC when the queue is full.
 */
int	lun_set_pending_sense(struct lun *, uint64_t nexus, uint8_t key,
	    uint16_t asc_pair);
/* I_T nexus loss: drops its RESERVE(6) and pending sense (PR persists). */
void	lun_nexus_lost(struct lun *, uint64_t nexus);
/* LOGICAL UNIT RESET: drops the RESERVE(6) reservation (PR persists). */
void	lun_reset(struct lun *);

/* ---- a LUN number with no LUN behind it ------------------------------- */

/*
 * SPC-4 for an unsupported LUN: INQUIRY returns standard data with
 * peripheral qualifier 011b / type 1Fh, REQUEST SENSE returns LOGICAL
 * UNIT NOT SUPPORTED sense with GOOD, REPORT LUNS lists luns[n] (so the
 * well-known path via LUN 0 works even without a LUN 0), anything else
 * is CHECK CONDITION, ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED.
 */
int	lun_unknown_execute(const uint8_t *cdb, size_t cdb_len, const uint16_t *luns,
	    size_t n, uint8_t *data_in, uint32_t data_in_cap, struct lun_result *res);
/* Just the CHECK CONDITION, ILLEGAL REQUEST, 0x25/0x00 result. */
void	lun_unknown_sense(struct lun_result *res);

#endif
