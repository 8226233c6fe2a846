/*
 * Emulated LUN: REPORT SUPPORTED OPERATION CODES (SPC-4 6.35), MAINTENANCE
 * IN service action 0Ch.  The table below lists every command the LUN
 * runs (one entry per service action where the opcode has them) with its
 * CDB usage data: the bits of each CDB byte the LUN looks at.  The
 * CONTROL byte is not looked at (no NACA, no linked commands).
 */
#include <string.h>

#include "bytes.h"
#include "lun_impl.h"

struct rsoc_cmd {
	uint8_t		 opcode;
	int		 has_sa;
	uint16_t	 sa;
	uint8_t		 len;
	uint8_t		 usage[16];	/* usage[0] is the opcode */
};

#define RW10(op, b1)	{ op, 0, 0, 10, { op, b1, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0 } }
#define RW12(op, b1)	{ op, 0, 0, 12, { op, b1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
			    0xff, 0xff, 0, 0 } }
#define RW16(op, b1)	{ op, 0, 0, 16, { op, b1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
			    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 } }
#define PRIN(sa)	{ 0x5e, 1, sa, 10, { 0x5e, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0 } }
#define PROUT(sa)	{ 0x5f, 1, sa, 10, { 0x5f, 0x1f, 0xff, 0, 0, 0xff, 0xff, 0xff, \
			    0xff, 0 } }

static const struct rsoc_cmd rsoc_cmds[] = {
	{ 0x00, 0, 0, 6, { 0x00, 0, 0, 0, 0, 0 } },		/* TEST UNIT READY */
	{ 0x03, 0, 0, 6, { 0x03, 0x01, 0, 0, 0xff, 0 } },	/* REQUEST SENSE */
	{ 0x08, 0, 0, 6, { 0x08, 0x1f, 0xff, 0xff, 0xff, 0 } },	/* READ(6) */
	{ 0x0a, 0, 0, 6, { 0x0a, 0x1f, 0xff, 0xff, 0xff, 0 } },	/* WRITE(6) */
	{ 0x12, 0, 0, 6, { 0x12, 0x03, 0xff, 0xff, 0xff, 0 } },	/* INQUIRY */
	{ 0x16, 0, 0, 6, { 0x16, 0x1f, 0, 0, 0, 0 } },		/* RESERVE(6) */
	{ 0x17, 0, 0, 6, { 0x17, 0x1f, 0, 0, 0, 0 } },		/* RELEASE(6) */
	{ 0x1a, 0, 0, 6, { 0x1a, 0x08, 0xff, 0xff, 0xff, 0 } },	/* MODE SENSE(6) */
	{ 0x25, 0, 0, 10, { 0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0 } },
	RW10(0x28, 0xf8),	/* READ(10): RDPROTECT DPO FUA */
	RW10(0x2a, 0xf8),	/* WRITE(10) */
	RW10(0x2e, 0xf6),	/* WRITE AND VERIFY(10): WRPROTECT DPO BYTCHK */
	RW10(0x2f, 0xf6),	/* VERIFY(10) */
	RW10(0x34, 0x02),	/* PRE-FETCH(10): IMMED */
	RW10(0x35, 0x02),	/* SYNCHRONIZE CACHE(10): IMMED */
	RW10(0x41, 0xf8),	/* WRITE SAME(10): WRPROTECT ANCHOR UNMAP */
	{ 0x42, 0, 0, 10, { 0x42, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, 0 } },	/* UNMAP */
	{ 0x5a, 0, 0, 10, { 0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0 } },
	PRIN(0x00), PRIN(0x01), PRIN(0x02), PRIN(0x03),
	PROUT(0x00), PROUT(0x01), PROUT(0x02), PROUT(0x03), PROUT(0x04),
	PROUT(0x05), PROUT(0x06),
	RW16(0x88, 0xf8),	/* READ(16) */
	{ 0x89, 0, 0, 16, { 0x89, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0, 0, 0, 0xff, 0, 0 } },			/* COMPARE AND WRITE */
	RW16(0x8a, 0xf8),	/* WRITE(16) */
	RW16(0x8b, 0xf8),	/* ORWRITE(16) */
	RW16(0x8e, 0xf6),	/* WRITE AND VERIFY(16) */
	RW16(0x8f, 0xf6),	/* VERIFY(16) */
	RW16(0x90, 0x02),	/* PRE-FETCH(16) */
	RW16(0x91, 0x02),	/* SYNCHRONIZE CACHE(16) */
	RW16(0x93, 0xf9),	/* WRITE SAME(16): ... NDOB */
	{ 0x9e, 1, 0x10, 16, { 0x9e, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	    0xff, 0xff, 0, 0 } },				/* READ CAPACITY(16) */
	{ 0x9e, 1, 0x12, 16, { 0x9e, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 } },	/* GET LBA STATUS */
	{ 0xa0, 0, 0, 12, { 0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0 } },
	{ 0xa3, 1, 0x0c, 12, { 0xa3, 0x1f, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0, 0 } },				/* REPORT SUPPORTED OP CODES */
	RW12(0xa8, 0xf8),	/* READ(12) */
	RW12(0xaa, 0xf8),	/* WRITE(12) */
	RW12(0xae, 0xf6),	/* WRITE AND VERIFY(12) */
	RW12(0xaf, 0xf6),	/* VERIFY(12) */
};
#define NCMDS	(sizeof(rsoc_cmds) / sizeof(rsoc_cmds[0]))

/* SPC-4 6.35.4 command timeouts descriptor: 0 s = not specified */
#define TIMEOUTS_LEN	12

size_t
lun_rsoc_count(void)
{
	return NCMDS;
}

int
lun_rsoc_entry(size_t i, uint8_t *opcode, int *has_sa, uint16_t *sa)
{
	if (i >= NCMDS)
		return -1;
	*opcode = rsoc_cmds[i].opcode;
	*has_sa = rsoc_cmds[i].has_sa;
	*sa = rsoc_cmds[i].sa;
	return 0;
}

static void
put_timeouts(uint8_t *p)
{
	memset(p, 0, TIMEOUTS_LEN);
	put_be16(p, TIMEOUTS_LEN - 2);
}

/* Reporting options 000b: every command, 8-byte descriptors. */
static int
report_all(struct lun_ctx *c, int rctd, uint32_t alloc)
{
	uint8_t buf[4 + NCMDS * (8 + TIMEOUTS_LEN)];
	size_t len = 4, i;

	for (i = 0; i < NCMDS; i++) {
		uint8_t *d = buf + len;

		memset(d, 0, 8);
		d[0] = rsoc_cmds[i].opcode;
		put_be16(d + 2, rsoc_cmds[i].has_sa ? rsoc_cmds[i].sa : 0);
		d[5] = (uint8_t)((rctd ? 0x02 : 0) | (rsoc_cmds[i].has_sa ? 0x01 : 0));
		put_be16(d + 6, rsoc_cmds[i].len);
		len += 8;
		if (rctd) {
			put_timeouts(buf + len);
			len += TIMEOUTS_LEN;
		}
	}
	put_be32(buf, (uint32_t)(len - 4));
	return lun_reply(c, buf, len, alloc);
}

/*
 * Reporting options 001b (opcode; refused for one with service
 * actions), 010b (opcode + service action; refused for one without),
 * 011b (either): SUPPORT 011b with the CDB usage data, or 001b.
 */
static int
report_one(struct lun_ctx *c, uint8_t opt, int rctd, uint32_t alloc)
{
	uint8_t op = c->cdb[3], buf[4 + 16 + TIMEOUTS_LEN];
	uint16_t sa = get_be16(c->cdb + 4);
	const struct rsoc_cmd *e = NULL;
	int op_has_sa = 0;
	size_t len = 4, i;

	for (i = 0; i < NCMDS; i++) {
		if (rsoc_cmds[i].opcode != op)
			continue;
		op_has_sa = rsoc_cmds[i].has_sa;
		if (!rsoc_cmds[i].has_sa || rsoc_cmds[i].sa == sa)
			e = &rsoc_cmds[i];
	}
	if ((opt == 1 && op_has_sa) || (opt == 2 && !op_has_sa && e != NULL))
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, 2);
	memset(buf, 0, sizeof(buf));
	buf[1] = (uint8_t)((rctd ? 0x80 : 0) | (e != NULL ? 0x03 : 0x01));
	if (e != NULL) {
		put_be16(buf + 2, e->len);
		memcpy(buf + 4, e->usage, e->len);
		len += e->len;
	}
	if (rctd) {
		put_timeouts(buf + len);
		len += TIMEOUTS_LEN;
	}
	return lun_reply(c, buf, len, alloc);
}

int
lun_rsoc(struct lun_ctx *c)
{
	uint8_t opt = c->cdb[2] & 0x07;
	int rctd = (c->cdb[2] & 0x80) != 0;
	uint32_t alloc = get_be32(c->cdb + 6);

	if ((c->cdb[1] & 0x1f) != SCSI_MI_REPORT_SUPPORTED_OPCODES)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	if (opt == 0)
		return report_all(c, rctd, alloc);
	if (opt <= 3)
		return report_one(c, opt, rctd, alloc);
	return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, 2);
}
