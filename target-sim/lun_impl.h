/*
 * Private parts of the emulated LUN, shared by target-sim/lun*.c:
 * the LUN state, the per-command context and the result helpers.
 */
#ifndef TARGET_SIM_LUN_IMPL_H
#define TARGET_SIM_LUN_IMPL_H

#include "lun.h"

struct lun_reg {
	uint64_t	 nexus;
	uint64_t	 key;
	char		 port[LUN_PORT_NAME_MAX];	/* "" when unknown */
};

/* Limits reported in the Block Limits VPD page (SBC-3 6.5.3). */
#define LUN_MAX_WRITE_SAME	32768		/* blocks per WRITE SAME */
#define LUN_MAX_UNMAP_LBAS	0x100000	/* blocks per UNMAP */
#define LUN_MAX_UNMAP_DESC	256		/* descriptors per UNMAP */
#define LUN_MAX_CAW_BLOCKS	255		/* blocks per COMPARE AND WRITE */
#define LUN_LBA_STATUS_DESC	64		/* descriptors per GET LBA STATUS */
#define LUN_LBA_STATUS_SCAN	131072		/* blocks looked at per GET LBA STATUS */

/* CDB bits (SBC-3 5.x). */
#define LUN_BYTCHK(cdb)		(((cdb)[1] >> 1) & 0x03)	/* VERIFY, WRITE AND VERIFY */
#define LUN_WS_NDOB		0x01	/* WRITE SAME(16) byte 1 */
#define LUN_WS_UNMAP		0x08
#define LUN_WS_ANCHOR		0x10

struct lun_pending {
	uint64_t	 nexus;
	uint8_t		 key;
	uint16_t	 asc;
};

struct lun {
	uint16_t	 id;
	uint64_t	 nblocks;
	uint64_t	 size;
	int		 readonly;
	uint32_t	 max_xfer_blocks;
	uint8_t		*mem;		/* memory backing, or NULL */
	int		 fd;		/* file backing, or -1 */

	/* identity */
	char		 target_name[256];
	char		 product[17];
	char		 serial[33];
	uint64_t	 naa;		/* NAA 3 (locally assigned) designator */
	uint8_t		 eui64[8];
	uint16_t	 tpgt;
	uint16_t	 rel_port;

	uint16_t	*lun_list;	/* for REPORT LUNS */
	size_t		 lun_count;

	/* RESERVE(6)/RELEASE(6) (SPC-2 7.21) */
	int		 r2_reserved;
	uint64_t	 r2_holder;

	/* persistent reservations (SPC-4 5.9) */
	uint32_t	 pr_generation;
	struct lun_reg	 pr_regs[LUN_MAX_REGISTRATIONS];
	size_t		 pr_nregs;
	uint8_t		 pr_type;	/* SCSI_PR_TYPE_NONE: no reservation */
	uint8_t		 pr_scope;
	uint64_t	 pr_holder;	/* nexus, for non all-registrants types */

	struct lun_pending pending[LUN_MAX_PENDING_SENSE];
	size_t		 npending;

	lun_port_name_fn port_name_fn;	/* for READ FULL STATUS */
	void		*port_name_arg;
};

/* One command in flight through the handlers. */
struct lun_ctx {
	struct lun	*lun;
	uint64_t	 nexus;
	const uint8_t	*cdb;
	size_t		 cdb_len;
	const uint8_t	*data_out;
	uint32_t	 data_out_len;
	uint8_t		*data_in;
	uint32_t	 data_in_cap;
	struct lun_result *res;
	struct lun_cdb_info info;
	uint64_t	 edtl;		/* LUN_EDTL_UNKNOWN when not given */
};
#define LUN_EDTL_UNKNOWN	UINT64_MAX

/* Command classes for reservation checks (SPC-4 table 67, SBC-3 table 9). */
enum lun_pr_class {
	LUN_PR_ALLOWED = 0,	/* never conflicts */
	LUN_PR_READ,		/* conflicts with Exclusive Access types */
	LUN_PR_WRITE,		/* conflicts with every type */
	LUN_PR_SELF		/* PERSISTENT RESERVE IN/OUT: decided inside */
};

/* ---- results (lun.c) ---- */
int	lun_fail(struct lun_result *res, uint8_t key, uint16_t asc_pair);
/* ILLEGAL REQUEST with a field pointer: in_cdb 1 (CDB) or 0 (parameter list). */
int	lun_fail_field(struct lun_result *res, uint16_t asc_pair, int in_cdb,
	    uint16_t byte, int bit);
int	lun_conflict(struct lun_result *res);
/* Copy min(total, alloc_len, cap) bytes of src to the caller's data-in. */
int	lun_reply(struct lun_ctx *c, const uint8_t *src, size_t total,
	    uint64_t alloc_len);

/* ---- SBC commands (lun_sbc.c) ---- */
uint16_t lun_sbc_len_byte(uint8_t opcode);
int	lun_sbc_range(struct lun_ctx *c);
/* protection bits 0, range, nblocks <= limit (0: none), write protection */
int	lun_sbc_check_common(struct lun_ctx *c, uint32_t limit, int writes);
int	lun_sbc_rw_check(struct lun_ctx *c);
int	lun_sbc_verify_check(struct lun_ctx *c);
int	lun_sbc_range_check(struct lun_ctx *c);
int	lun_sbc_read(struct lun_ctx *c);
int	lun_sbc_write(struct lun_ctx *c);
int	lun_sbc_verify(struct lun_ctx *c);
int	lun_sbc_prefetch(struct lun_ctx *c);
int	lun_sbc_sync_cache(struct lun_ctx *c);
int	lun_sbc_test_unit_ready(struct lun_ctx *c);
int	lun_sbc_read_capacity10(struct lun_ctx *c);
int	lun_sbc_service_action_in16(struct lun_ctx *c);
/* MISCOMPARE / MISCOMPARE DURING VERIFY OPERATION, INFORMATION = offset */
int	lun_sbc_miscompare(struct lun_result *res, uint64_t offset);
/* -1 equal, -2 read error, else offset of the first differing byte */
int64_t	lun_sbc_compare(struct lun *l, uint64_t lba, uint32_t n,
	    const uint8_t *buf, int step);

/* ---- provisioning (lun_sbc_tp.c), read-modify-write (lun_sbc_rmw.c) ---- */
/* Deallocate n blocks at lba (they read as zeros): 0, -ERANGE, -EROFS, -EIO. */
int	lun_tp_unmap(struct lun *l, uint64_t lba, uint64_t n);
int	lun_tp_write_same_check(struct lun_ctx *c);
int	lun_tp_write_same(struct lun_ctx *c);
int	lun_tp_unmap_cmd(struct lun_ctx *c);
int	lun_tp_get_lba_status(struct lun_ctx *c);
int	lun_rmw_caw_check(struct lun_ctx *c);
int	lun_rmw_compare_and_write(struct lun_ctx *c);
int	lun_rmw_orwrite(struct lun_ctx *c);

/* ---- REPORT SUPPORTED OPERATION CODES (lun_rsoc.c) ---- */
int	lun_rsoc(struct lun_ctx *c);
/* The commands it reports, for cross-checks: -1 past the end. */
size_t	lun_rsoc_count(void);
int	lun_rsoc_entry(size_t i, uint8_t *opcode, int *has_sa, uint16_t *sa);

/* ---- SPC commands (lun_spc.c) ---- */
int	lun_spc_inquiry(struct lun_ctx *c);
int	lun_spc_mode_sense(struct lun_ctx *c);
int	lun_spc_report_luns(struct lun_ctx *c);
int	lun_spc_request_sense(struct lun_ctx *c);
/* Standard INQUIRY data into buf[96] for the LUN (NULL: no LUN, PQ 011b). */
size_t	lun_spc_std_inquiry(const struct lun *l, uint8_t *buf);
/* REPORT LUNS parameter data, written through lun_reply. */
int	lun_spc_lun_list_reply(struct lun_ctx *c, const uint16_t *ids, size_t n);

/* ---- reservations and pending sense (lun_pr.c) ---- */
/* RESERVATION CONFLICT check; 1 when res was filled. */
int	lun_pr_check(struct lun *l, uint64_t nexus, enum lun_pr_class cls,
	    struct lun_result *res);
int	lun_pr_reserve6(struct lun_ctx *c);
int	lun_pr_release6(struct lun_ctx *c);
int	lun_pr_in(struct lun_ctx *c);
int	lun_pr_out(struct lun_ctx *c);
/* Pop the oldest pending sense of nexus (unit attentions only if ua_only). */
int	lun_pending_pop(struct lun *l, uint64_t nexus, int ua_only,
	    struct lun_pending *out);

#endif
