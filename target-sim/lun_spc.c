/*
 * Emulated LUN: SPC commands — INQUIRY (standard data, VPD 00h 80h 83h
 * B0h B1h B2h), MODE SENSE(6)/(10) (caching 08h, control 0Ah, all 3Fh),
 * REPORT LUNS and REQUEST SENSE.
 */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "lun_impl.h"

#define STD_INQUIRY_LEN		96
#define VPD_MAX			1024

/* Space-padded ASCII field (SPC-4 4.4.1). */
static void
put_ascii(uint8_t *p, const char *s, size_t n)
{
	size_t l = strlen(s);

	memset(p, ' ', n);
	memcpy(p, s, l < n ? l : n);
}

/* ---- INQUIRY ----------------------------------------------------------- */

/* Version descriptors (SPC-4 table 144): SAM-5, iSCSI, SPC-4, SBC-3. */
static const uint16_t version_descriptors[] = { 0x00a0, 0x0960, 0x0460, 0x04c0 };

/*
 * SPC-4 6.4.2: PERIPHERAL DEVICE TYPE 0 (or PQ 011b/1Fh without LU),
 * VERSION 6 (SPC-4), HISUP, RESPONSE DATA FORMAT 2, CMDQUE.
 */
size_t
lun_spc_std_inquiry(const struct lun *l, uint8_t *buf)
{
	size_t i;

	memset(buf, 0, STD_INQUIRY_LEN);
	buf[0] = l != NULL ? (SCSI_QUAL_CONNECTED << 5 | SCSI_TYPE_DISK) :
	    (SCSI_QUAL_NOT_SUPPORTED << 5 | SCSI_TYPE_UNKNOWN);
	buf[2] = 0x06;
	buf[3] = 0x10 | 0x02;
	buf[4] = STD_INQUIRY_LEN - 5;
	buf[7] = 0x02;
	put_ascii(buf + 8, LUN_VENDOR, 8);
	put_ascii(buf + 16, l != NULL ? l->product : LUN_DEFAULT_PRODUCT, 16);
	put_ascii(buf + 32, LUN_REVISION, 4);
	for (i = 0; i < sizeof(version_descriptors) / sizeof(version_descriptors[0]); i++)
		put_be16(buf + 58 + 2 * i, version_descriptors[i]);
	return STD_INQUIRY_LEN;
}

static size_t
vpd_start(const struct lun *l, uint8_t *buf, uint8_t page)
{
	(void)l;
	memset(buf, 0, 4);
	buf[0] = SCSI_TYPE_DISK;
	buf[1] = page;
	return 4;
}

static size_t
vpd_finish(uint8_t *buf, size_t len)
{
	put_be16(buf + 2, (uint16_t)(len - 4));
	return len;
}

static const uint8_t vpd_pages[] = {
	SCSI_VPD_SUPPORTED_PAGES, SCSI_VPD_UNIT_SERIAL, SCSI_VPD_DEVICE_ID,
	SCSI_VPD_BLOCK_LIMITS, SCSI_VPD_BLOCK_DEV_CHAR, SCSI_VPD_LB_PROVISIONING
};

/* One designation descriptor (SPC-4 7.8.6.1); returns the new length. */
static size_t
put_designator(uint8_t *buf, size_t off, uint8_t proto, uint8_t code_set,
    int piv, uint8_t assoc, uint8_t type, const void *data, size_t dlen)
{
	buf[off] = (uint8_t)(proto << 4 | code_set);
	buf[off + 1] = (uint8_t)((piv ? 0x80 : 0) | assoc << 4 | type);
	buf[off + 2] = 0;
	buf[off + 3] = (uint8_t)dlen;
	memcpy(buf + off + 4, data, dlen);
	return off + 4 + dlen;
}

/* SCSI name string (SPC-4 7.8.6.11): NUL terminated, padded to 4 bytes. */
static size_t
put_name_designator(uint8_t *buf, size_t off, uint8_t assoc, const char *name)
{
	uint8_t tmp[256];
	size_t n = strlen(name) + 1;

	n = (n + 3) & ~(size_t)3;
	if (n > 252)
		return off;	/* cannot happen with names <= 223 bytes */
	memset(tmp, 0, n);
	memcpy(tmp, name, strlen(name));
	return put_designator(buf, off, SCSI_PROTO_ISCSI, SCSI_CODESET_UTF8, 1,
	    assoc, SCSI_DESIG_SCSI_NAME, tmp, n);
}

/*
 * SPC-4 7.8.6: NAA 3h, EUI-64, T10 vendor id (vendor + serial) for the
 * LU; relative target port and the iSCSI target port name
 * ("<iqn>,t,0x<tpgt>") for the port; the iSCSI name for the device.
 */
static size_t
vpd_device_id(const struct lun *l, uint8_t *buf)
{
	uint8_t naa[8], t10[8 + 32], rel[4];
	char port[256 + 16];
	size_t off = vpd_start(l, buf, SCSI_VPD_DEVICE_ID), i, sl;

	for (i = 0; i < 8; i++)
		naa[i] = (uint8_t)(l->naa >> (56 - 8 * i));
	off = put_designator(buf, off, 0, SCSI_CODESET_BINARY, 0, SCSI_ASSOC_LU,
	    SCSI_DESIG_NAA, naa, sizeof(naa));
	off = put_designator(buf, off, 0, SCSI_CODESET_BINARY, 0, SCSI_ASSOC_LU,
	    SCSI_DESIG_EUI64, l->eui64, sizeof(l->eui64));
	sl = strlen(l->serial);
	put_ascii(t10, LUN_VENDOR, 8);
	memcpy(t10 + 8, l->serial, sl);
	off = put_designator(buf, off, 0, SCSI_CODESET_ASCII, 0, SCSI_ASSOC_LU,
	    SCSI_DESIG_T10_VENDOR_ID, t10, 8 + sl);
	rel[0] = rel[1] = 0;
	put_be16(rel + 2, l->rel_port);
	off = put_designator(buf, off, SCSI_PROTO_ISCSI, SCSI_CODESET_BINARY, 1,
	    SCSI_ASSOC_TARGET_PORT, SCSI_DESIG_REL_TARGET_PORT, rel, sizeof(rel));
	snprintf(port, sizeof(port), "%s,t,0x%04x", l->target_name, l->tpgt);
	off = put_name_designator(buf, off, SCSI_ASSOC_TARGET_PORT, port);
	off = put_name_designator(buf, off, SCSI_ASSOC_TARGET_DEVICE, l->target_name);
	return vpd_finish(buf, off);
}

/*
 * SBC-3 6.5.3: WSNZ 0 (WRITE SAME of 0 blocks = to the end), COMPARE AND
 * WRITE, transfer, UNMAP and WRITE SAME limits; unmap granularity 1 block.
 */
static size_t
vpd_block_limits(const struct lun *l, uint8_t *buf)
{
	size_t off = vpd_start(l, buf, SCSI_VPD_BLOCK_LIMITS);

	memset(buf + off, 0, 0x3c);
	buf[5] = LUN_MAX_CAW_BLOCKS;		/* MAXIMUM COMPARE AND WRITE LENGTH */
	put_be16(buf + 6, 1);			/* optimal granularity: 1 block */
	put_be32(buf + 8, l->max_xfer_blocks);	/* MAXIMUM TRANSFER LENGTH */
	put_be32(buf + 12, l->max_xfer_blocks);	/* OPTIMAL TRANSFER LENGTH */
	put_be32(buf + 20, LUN_MAX_UNMAP_LBAS);
	put_be32(buf + 24, LUN_MAX_UNMAP_DESC);
	put_be32(buf + 28, 1);			/* OPTIMAL UNMAP GRANULARITY */
	put_be64(buf + 36, LUN_MAX_WRITE_SAME);	/* MAXIMUM WRITE SAME LENGTH */
	return vpd_finish(buf, off + 0x3c);
}

/*
 * SBC-3 6.5.4: UNMAP, WRITE SAME(16) and (10) with UNMAP supported
 * (LBPU, LBPWS, LBPWS10), deallocated blocks read zero (LBPRZ), thin
 * provisioned, no threshold, no anchored state.
 */
static size_t
vpd_lb_provisioning(const struct lun *l, uint8_t *buf)
{
	size_t off = vpd_start(l, buf, SCSI_VPD_LB_PROVISIONING);

	memset(buf + off, 0, 4);
	buf[5] = 0x80 | 0x40 | 0x20 | 0x04;
	buf[6] = 0x02;				/* PROVISIONING TYPE: thin */
	return vpd_finish(buf, off + 4);
}

/* SBC-3 6.5.2: MEDIUM ROTATION RATE 1 = non-rotating medium */
static size_t
vpd_block_dev_char(const struct lun *l, uint8_t *buf)
{
	size_t off = vpd_start(l, buf, SCSI_VPD_BLOCK_DEV_CHAR);

	memset(buf + off, 0, 0x3c);
	put_be16(buf + 4, 0x0001);
	return vpd_finish(buf, off + 0x3c);
}

/* SPC-4 6.4: EVPD 0 needs PAGE CODE 0; CMDDT (obsolete) must be 0 */
int
lun_spc_inquiry(struct lun_ctx *c)
{
	const struct lun *l = c->lun;
	uint8_t buf[VPD_MAX];
	size_t len;

	if (c->cdb[1] & 0x02)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 1);
	if (!(c->cdb[1] & 0x01)) {
		if (c->cdb[2] != 0)
			return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB,
			    1, 2, -1);
		len = lun_spc_std_inquiry(l, buf);
		return lun_reply(c, buf, len, c->info.xfer_len);
	}
	switch (c->cdb[2]) {
	case SCSI_VPD_SUPPORTED_PAGES:
		len = vpd_start(l, buf, SCSI_VPD_SUPPORTED_PAGES);
		memcpy(buf + len, vpd_pages, sizeof(vpd_pages));
		len = vpd_finish(buf, len + sizeof(vpd_pages));
		break;
	case SCSI_VPD_UNIT_SERIAL:
		len = vpd_start(l, buf, SCSI_VPD_UNIT_SERIAL);
		memcpy(buf + len, l->serial, strlen(l->serial));
		len = vpd_finish(buf, len + strlen(l->serial));
		break;
	case SCSI_VPD_DEVICE_ID:
		len = vpd_device_id(l, buf);
		break;
	case SCSI_VPD_BLOCK_LIMITS:
		len = vpd_block_limits(l, buf);
		break;
	case SCSI_VPD_BLOCK_DEV_CHAR:
		len = vpd_block_dev_char(l, buf);
		break;
	case SCSI_VPD_LB_PROVISIONING:
		len = vpd_lb_provisioning(l, buf);
		break;
	default:
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, -1);
	}
	return lun_reply(c, buf, len, c->info.xfer_len);
}

/* ---- MODE SENSE -------------------------------------------------------- */

/* SBC-3 6.4.5: caching page; WCE set when a file write cache exists */
static size_t
page_caching(const struct lun *l, uint8_t *p, int changeable)
{
	memset(p, 0, 20);
	p[0] = SCSI_MODEPAGE_CACHING;
	p[1] = 0x12;
	if (!changeable && l->fd >= 0)
		p[2] = 0x04;	/* WCE */
	return 20;
}

/* SPC-4 7.5.8: control page; QUEUE ALGORITHM MODIFIER 1 (unrestricted) */
static size_t
page_control(const struct lun *l, uint8_t *p, int changeable)
{
	(void)l;
	memset(p, 0, 12);
	p[0] = SCSI_MODEPAGE_CONTROL;
	p[1] = 0x0a;
	if (!changeable) {
		p[3] = 0x10;
		put_be16(p + 8, 0xffff);	/* BUSY TIMEOUT PERIOD: unlimited */
	}
	return 12;
}

/*
 * SPC-4 6.11/6.12, 7.5.4: header, block descriptor unless DBD (long with
 * LLBAA in MODE SENSE(10)), then the pages asked for.  Saved values are
 * not supported; changeable values are all zero (nothing is changeable).
 */
int
lun_spc_mode_sense(struct lun_ctx *c)
{
	const struct lun *l = c->lun;
	int is10 = c->info.opcode == SCSI_OP_MODE_SENSE10;
	int dbd = (c->cdb[1] >> 3) & 1, llbaa = is10 && ((c->cdb[1] >> 4) & 1);
	uint8_t pc = c->cdb[2] >> 6, page = c->cdb[2] & 0x3f, sub = c->cdb[3];
	uint8_t buf[256];
	size_t hlen = is10 ? 8 : 4, off, bdlen = dbd ? 0 : llbaa ? 16 : 8;
	int changeable = pc == SCSI_MODE_PC_CHANGEABLE;

	if (pc == SCSI_MODE_PC_SAVED)
		return lun_fail_field(c->res, SCSI_ASC_SAVING_PARAMETERS_NOT_SUPPORTED,
		    1, 2, 7);
	if (page != SCSI_MODEPAGE_CACHING && page != SCSI_MODEPAGE_CONTROL &&
	    page != SCSI_MODEPAGE_ALL)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, 5);
	if (sub != 0 && !(sub == 0xff && page == SCSI_MODEPAGE_ALL))
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 3, -1);
	memset(buf, 0, hlen + bdlen);
	off = hlen;
	if (bdlen == 16) {	/* SBC-3 6.4.2.3 long LBA block descriptor */
		put_be32(buf + off, (uint32_t)(l->nblocks >> 32));
		put_be32(buf + off + 4, (uint32_t)l->nblocks);
		put_be32(buf + off + 12, LUN_BLOCK_SIZE);
	} else if (bdlen == 8) {	/* SBC-3 6.4.2.2 short block descriptor */
		put_be32(buf + off, l->nblocks > 0xffffffffULL ? 0xffffffffU :
		    (uint32_t)l->nblocks);
		put_be32(buf + off + 4, LUN_BLOCK_SIZE);	/* byte 4 reserved */
	}
	off += bdlen;
	if (page == SCSI_MODEPAGE_CACHING || page == SCSI_MODEPAGE_ALL)
		off += page_caching(l, buf + off, changeable);
	if (page == SCSI_MODEPAGE_CONTROL || page == SCSI_MODEPAGE_ALL)
		off += page_control(l, buf + off, changeable);
	/* device-specific parameter (SBC-3 6.4.1): WP, DPOFUA */
	if (is10) {
		put_be16(buf, (uint16_t)(off - 2));
		buf[3] = (uint8_t)((l->readonly ? 0x80 : 0) | 0x10);
		buf[4] = llbaa && bdlen ? 0x01 : 0;
		put_be16(buf + 6, (uint16_t)bdlen);
		return lun_reply(c, buf, off, get_be16(c->cdb + 7));
	}
	buf[0] = (uint8_t)(off - 1);
	buf[2] = (uint8_t)((l->readonly ? 0x80 : 0) | 0x10);
	buf[3] = (uint8_t)bdlen;
	return lun_reply(c, buf, off, c->cdb[4]);
}

/* ---- REPORT LUNS, REQUEST SENSE ---------------------------------------- */

/*
 * SPC-4 6.33: SELECT REPORT 00h (all but well-known) and 02h (all) list
 * the LUNs, 01h (well-known only) an empty list; others are refused.
 */
int
lun_spc_lun_list_reply(struct lun_ctx *c, const uint16_t *ids, size_t n)
{
	uint64_t alloc = get_be32(c->cdb + 6), total;
	uint32_t limit;
	uint8_t hdr[8];
	size_t i, have;

	if (c->cdb[2] > 0x02)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, -1);
	if (c->cdb[2] == 0x01)
		n = 0;
	total = 8 + 8 * (uint64_t)n;
	memset(hdr, 0, sizeof(hdr));
	put_be32(hdr, (uint32_t)(8 * n));
	lun_reply(c, hdr, sizeof(hdr), alloc);
	limit = (uint32_t)(alloc < c->data_in_cap ? alloc : c->data_in_cap);
	if (total < limit)
		limit = (uint32_t)total;
	for (i = 0, have = 8; i < n && have < limit; i++) {
		uint8_t ent[8];
		size_t k = limit - have < 8 ? limit - have : 8;

		scsi_lun_to_bytes(scsi_lun_encode(ids[i]), ent);
		memcpy(c->data_in + have, ent, k);
		have += k;
	}
	c->res->data_len = limit;
	return SCSI_STATUS_GOOD;
}

int
lun_spc_report_luns(struct lun_ctx *c)
{
	return lun_spc_lun_list_reply(c, c->lun->lun_list, c->lun->lun_count);
}

/*
 * SPC-4 6.29: the oldest pending sense for this nexus (cleared), else NO
 * SENSE; fixed format only, so DESC=1 is refused.
 */
int
lun_spc_request_sense(struct lun_ctx *c)
{
	struct lun_pending p;
	uint8_t buf[SCSI_SENSE_FIXED_LEN];

	if (c->cdb[1] & 0x01)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 0);
	if (!lun_pending_pop(c->lun, c->nexus, 0, &p)) {
		p.key = SCSI_SENSE_NO_SENSE;
		p.asc = SCSI_ASC_NO_ADDITIONAL_SENSE;
	}
	scsi_sense_fixed(buf, sizeof(buf), p.key, p.asc);
	return lun_reply(c, buf, sizeof(buf), c->cdb[4]);
}
