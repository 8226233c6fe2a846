/*
 * Parsers for SCSI response data: standard INQUIRY and VPD pages (SPC-4
 * 6.4, 7.8), READ CAPACITY (SBC-3 5.15, 5.16), REPORT LUNS (SPC-4 6.33),
 * PERSISTENT RESERVE IN (SPC-4 6.15) and the MODE SENSE header (SPC-4
 * 7.5.4).  Nothing here reads past len; data cut short by an allocation
 * length is parsed as far as it goes and flagged "truncated".
 */
#include <string.h>

#include "scsi_impl.h"

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Field readers that yield 0 for bytes beyond avail. */
static uint8_t
u8_at(const uint8_t *buf, size_t avail, size_t off)
{
	return off < avail ? buf[off] : 0;
}

static uint16_t
be16_at(const uint8_t *buf, size_t avail, size_t off)
{
	return off + 2 <= avail ? scsi_be16(buf + off) : 0;
}

static uint32_t
be32_at(const uint8_t *buf, size_t avail, size_t off)
{
	return off + 4 <= avail ? scsi_be32(buf + off) : 0;
}

static uint64_t
be64_at(const uint8_t *buf, size_t avail, size_t off)
{
	return off + 8 <= avail ? scsi_be64(buf + off) : 0;
}

/*
 * ASCII field [off, off+n) into out[n+1]: stops at NUL or the end of the
 * data, replaces non-printable bytes by '?', trims leading and trailing
 * spaces.
 */
static void
ascii_field(const uint8_t *buf, size_t avail, size_t off, size_t n, char *out)
{
	size_t i, o = 0, start = 0;

	for (i = 0; i < n && off + i < avail; i++) {
		uint8_t c = buf[off + i];

		if (c == 0)
			break;
		out[o++] = (c < 0x20 || c > 0x7e) ? '?' : (char)c;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	while (out[start] == ' ')
		start++;
	if (start > 0)
		memmove(out, out + start, o - start + 1);
}

static int
need(const char *what, size_t len, size_t min, struct scsi_perr *err)
{
	if (len >= min)
		return SCSI_OK;
	return scsi_perr_set(err, SCSI_ETRUNC, len, len,
	    "%s: %zu bytes, at least %zu needed", what, len, min);
}

/* SPC-4 6.4.2 */
int
scsi_parse_inquiry(const uint8_t *buf, size_t len, struct scsi_inquiry *out,
    struct scsi_perr *err)
{
	size_t avail;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("INQUIRY data", len, 5, err)) != SCSI_OK)
		return rc;
	out->qualifier = buf[0] >> 5;
	out->device_type = buf[0] & 0x1f;
	out->rmb = (buf[1] >> 7) & 1;
	out->version = buf[2];
	out->normaca = (buf[3] >> 5) & 1;
	out->hisup = (buf[3] >> 4) & 1;
	out->response_format = buf[3] & 0x0f;
	out->additional_len = buf[4];
	avail = min_size(len, (size_t)buf[4] + 5);
	out->truncated = len < (size_t)buf[4] + 5;
	out->sccs = (u8_at(buf, avail, 5) >> 7) & 1;
	out->acc = (u8_at(buf, avail, 5) >> 6) & 1;
	out->tpgs = (u8_at(buf, avail, 5) >> 4) & 3;
	out->tpc = (u8_at(buf, avail, 5) >> 3) & 1;
	out->protect = u8_at(buf, avail, 5) & 1;
	out->encserv = (u8_at(buf, avail, 6) >> 6) & 1;
	out->multip = (u8_at(buf, avail, 6) >> 4) & 1;
	out->cmdque = (u8_at(buf, avail, 7) >> 1) & 1;
	ascii_field(buf, avail, 8, 8, out->vendor);
	ascii_field(buf, avail, 16, 16, out->product);
	ascii_field(buf, avail, 32, 4, out->revision);
	return SCSI_OK;
}

/* SPC-4 7.8.1: byte 1 page code, bytes 2-3 page length */
int
scsi_parse_vpd_header(const uint8_t *buf, size_t len, uint8_t want_page,
    struct scsi_vpd_header *out, struct scsi_perr *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("VPD page", len, 4, err)) != SCSI_OK)
		return rc;
	out->qualifier = buf[0] >> 5;
	out->device_type = buf[0] & 0x1f;
	out->page_code = buf[1];
	out->page_len = scsi_be16(buf + 2);
	if (out->page_code != want_page)
		return scsi_perr_set(err, SCSI_EFORMAT, 1, buf[1],
		    "VPD page: page code 0x%02x, expected 0x%02x", buf[1],
		    want_page);
	out->body = buf + 4;
	out->body_len = min_size(len - 4, out->page_len);
	out->truncated = len - 4 < out->page_len;
	return SCSI_OK;
}

/* SPC-4 7.8.14 */
int
scsi_parse_vpd_supported(const uint8_t *buf, size_t len,
    struct scsi_vpd_pages *out, struct scsi_perr *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = scsi_parse_vpd_header(buf, len, SCSI_VPD_SUPPORTED_PAGES, &out->hdr, err);
	if (rc != SCSI_OK)
		return rc;
	out->count = min_size(out->hdr.body_len, sizeof(out->pages));
	memcpy(out->pages, out->hdr.body, out->count);
	return SCSI_OK;
}

/* SPC-4 7.8.15 */
int
scsi_parse_vpd_serial(const uint8_t *buf, size_t len,
    struct scsi_vpd_serial *out, struct scsi_perr *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = scsi_parse_vpd_header(buf, len, SCSI_VPD_UNIT_SERIAL, &out->hdr, err);
	if (rc != SCSI_OK)
		return rc;
	ascii_field(out->hdr.body, out->hdr.body_len, 0,
	    min_size(out->hdr.body_len, sizeof(out->serial) - 1), out->serial);
	return SCSI_OK;
}

/*
 * SPC-4 7.8.6.1: designation descriptors, each
 *   byte 0 PROTOCOL IDENTIFIER (7:4) CODE SET (3:0)
 *   byte 1 PIV (7) ASSOCIATION (5:4) DESIGNATOR TYPE (3:0)
 *   byte 3 DESIGNATOR LENGTH, then the designator.
 */
int
scsi_parse_vpd_devid(const uint8_t *buf, size_t len,
    struct scsi_vpd_devid *out, struct scsi_perr *err)
{
	const uint8_t *p;
	size_t off = 0, n;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = scsi_parse_vpd_header(buf, len, SCSI_VPD_DEVICE_ID, &out->hdr, err);
	if (rc != SCSI_OK)
		return rc;
	p = out->hdr.body;
	n = out->hdr.body_len;
	while (off < n) {
		struct scsi_designator *d;
		size_t dlen;

		if (off + 4 > n || off + 4 + (size_t)p[off + 3] > n) {
			if (out->hdr.truncated)
				break;	/* cut by the allocation length */
			return scsi_perr_set(err, SCSI_EFORMAT, 4 + off,
			    off + 4 <= n ? p[off + 3] : 0,
			    "VPD 0x83: designator at byte %zu runs past the "
			    "page length %u", 4 + off, out->hdr.page_len);
		}
		dlen = p[off + 3];
		out->total++;
		if (out->count < SCSI_DEVID_MAX) {
			d = &out->desig[out->count++];
			d->protocol_id = p[off] >> 4;
			d->code_set = p[off] & 0x0f;
			d->piv = (p[off + 1] >> 7) & 1;
			d->assoc = (p[off + 1] >> 4) & 3;
			d->type = p[off + 1] & 0x0f;
			d->len = (uint8_t)dlen;
			d->data = p + off + 4;
		}
		off += 4 + dlen;
	}
	return SCSI_OK;
}

const struct scsi_designator *
scsi_devid_find(const struct scsi_vpd_devid *d, uint8_t type, uint8_t assoc)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		if (d->desig[i].type == type && d->desig[i].assoc == assoc)
			return &d->desig[i];
	return NULL;
}

/* SBC-3 6.5.3: offsets are within the page (header included) */
int
scsi_parse_vpd_block_limits(const uint8_t *buf, size_t len,
    struct scsi_vpd_block_limits *out, struct scsi_perr *err)
{
	size_t avail;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = scsi_parse_vpd_header(buf, len, SCSI_VPD_BLOCK_LIMITS, &out->hdr, err);
	if (rc != SCSI_OK)
		return rc;
	avail = 4 + out->hdr.body_len;
	out->wsnz = u8_at(buf, avail, 4) & 1;
	out->max_compare_write_len = u8_at(buf, avail, 5);
	out->opt_xfer_granularity = be16_at(buf, avail, 6);
	out->max_xfer_len = be32_at(buf, avail, 8);
	out->opt_xfer_len = be32_at(buf, avail, 12);
	out->max_prefetch_len = be32_at(buf, avail, 16);
	out->max_unmap_lba_count = be32_at(buf, avail, 20);
	out->max_unmap_desc_count = be32_at(buf, avail, 24);
	out->opt_unmap_granularity = be32_at(buf, avail, 28);
	out->ugavalid = (u8_at(buf, avail, 32) >> 7) & 1;
	out->unmap_granularity_align = be32_at(buf, avail, 32) & 0x7fffffff;
	out->max_write_same_len = be64_at(buf, avail, 36);
	return SCSI_OK;
}

/* SBC-3 5.15.2: bytes 0-3 RETURNED LOGICAL BLOCK ADDRESS, 4-7 BLOCK LENGTH */
int
scsi_parse_read_capacity10(const uint8_t *buf, size_t len,
    struct scsi_capacity *out, struct scsi_perr *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("READ CAPACITY(10) data", len, 8, err)) != SCSI_OK)
		return rc;
	out->last_lba = scsi_be32(buf);
	out->block_size = scsi_be32(buf + 4);
	out->need_rc16 = out->last_lba == 0xffffffffu;
	if (out->block_size == 0)
		return scsi_perr_set(err, SCSI_EFORMAT, 4, 0,
		    "READ CAPACITY(10): block length 0");
	return SCSI_OK;
}

/*
 * SBC-3 5.16.2: bytes 0-7 LBA, 8-11 block length, 12 P_TYPE (3:1)
 * PROT_EN (0), 13 LBPPBE (3:0), 14-15 LBPME (15) LBPRZ (14) LOWEST
 * ALIGNED LBA (13:0).
 */
int
scsi_parse_read_capacity16(const uint8_t *buf, size_t len,
    struct scsi_capacity *out, struct scsi_perr *err)
{
	uint16_t w;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("READ CAPACITY(16) data", len, 12, err)) != SCSI_OK)
		return rc;
	out->last_lba = scsi_be64(buf);
	out->block_size = scsi_be32(buf + 8);
	out->prot_en = u8_at(buf, len, 12) & 1;
	out->p_type = (u8_at(buf, len, 12) >> 1) & 7;
	out->lbppbe = u8_at(buf, len, 13) & 0x0f;
	w = be16_at(buf, len, 14);
	out->lbpme = (w >> 15) & 1;
	out->lbprz = (w >> 14) & 1;
	out->lowest_aligned_lba = w & 0x3fff;
	if (out->block_size == 0)
		return scsi_perr_set(err, SCSI_EFORMAT, 8, 0,
		    "READ CAPACITY(16): block length 0");
	return SCSI_OK;
}

/* SPC-4 6.33.2: bytes 0-3 LUN LIST LENGTH, 4-7 reserved, then 8-byte LUNs */
int
scsi_parse_report_luns(const uint8_t *buf, size_t len,
    struct scsi_lun_entry *ents, size_t cap, struct scsi_report_luns *out,
    struct scsi_perr *err)
{
	size_t present, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("REPORT LUNS data", len, 8, err)) != SCSI_OK)
		return rc;
	out->list_len = scsi_be32(buf);
	if (out->list_len % 8 != 0)
		return scsi_perr_set(err, SCSI_EFORMAT, 0, out->list_len,
		    "REPORT LUNS: LUN LIST LENGTH %u is not a multiple of 8",
		    out->list_len);
	out->total = out->list_len / 8;
	present = min_size((len - 8) / 8, out->total);
	out->count = (uint32_t)min_size(present, cap);
	out->truncated = out->count < out->total;
	for (i = 0; i < out->count; i++) {
		struct scsi_lun_entry *e = &ents[i];

		e->raw = scsi_be64(buf + 8 + 8 * i);
		e->method = (int)(e->raw >> 62);
		e->decoded = scsi_lun_decode(e->raw, &e->lun) == SCSI_OK;
		if (!e->decoded)
			e->lun = 0;
	}
	return SCSI_OK;
}

/* SPC-4 6.15.2: bytes 0-3 PRGENERATION, 4-7 ADDITIONAL LENGTH, keys */
int
scsi_parse_pr_read_keys(const uint8_t *buf, size_t len, uint64_t *keys,
    size_t cap, struct scsi_pr_keys *out, struct scsi_perr *err)
{
	size_t present, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("PR IN READ KEYS data", len, 8, err)) != SCSI_OK)
		return rc;
	out->generation = scsi_be32(buf);
	out->add_len = scsi_be32(buf + 4);
	if (out->add_len % 8 != 0)
		return scsi_perr_set(err, SCSI_EFORMAT, 4, out->add_len,
		    "PR IN READ KEYS: ADDITIONAL LENGTH %u is not a multiple of 8",
		    out->add_len);
	out->total = out->add_len / 8;
	present = min_size((len - 8) / 8, out->total);
	out->count = (uint32_t)min_size(present, cap);
	out->truncated = out->count < out->total;
	for (i = 0; i < out->count; i++)
		keys[i] = scsi_be64(buf + 8 + 8 * i);
	return SCSI_OK;
}

/* SPC-4 6.15.3: additional length 0 (none) or 0x10; byte 21 scope/type */
int
scsi_parse_pr_read_reservation(const uint8_t *buf, size_t len,
    struct scsi_pr_reservation *out, struct scsi_perr *err)
{
	uint32_t add_len;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("PR IN READ RESERVATION data", len, 8, err)) != SCSI_OK)
		return rc;
	out->generation = scsi_be32(buf);
	add_len = scsi_be32(buf + 4);
	if (add_len == 0)
		return SCSI_OK;
	if (add_len != 16)
		return scsi_perr_set(err, SCSI_EFORMAT, 4, add_len,
		    "PR IN READ RESERVATION: ADDITIONAL LENGTH %u, expected 0 "
		    "or 16", add_len);
	if ((rc = need("PR IN READ RESERVATION data", len, 24, err)) != SCSI_OK)
		return rc;
	out->reserved = 1;
	out->key = scsi_be64(buf + 8);
	out->scope = buf[21] >> 4;
	out->type = buf[21] & 0x0f;
	return SCSI_OK;
}

/*
 * SPC-4 6.15.4: bytes 0-1 LENGTH (8), byte 2 CRH (4) SIP_C (3) ATP_C (2)
 * PTPL_C (0), byte 3 TMV (7) ALLOW COMMANDS (6:4) PTPL_A (0), bytes 4-5
 * PERSISTENT RESERVATION TYPE MASK.
 */
int
scsi_parse_pr_report_caps(const uint8_t *buf, size_t len,
    struct scsi_pr_caps *out, struct scsi_perr *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("PR IN REPORT CAPABILITIES data", len, 6, err)) != SCSI_OK)
		return rc;
	out->length = scsi_be16(buf);
	if (out->length < 6)
		return scsi_perr_set(err, SCSI_EFORMAT, 0, out->length,
		    "PR IN REPORT CAPABILITIES: LENGTH %u, expected 8",
		    out->length);
	out->crh = (buf[2] >> 4) & 1;
	out->sip_c = (buf[2] >> 3) & 1;
	out->atp_c = (buf[2] >> 2) & 1;
	out->ptpl_c = buf[2] & 1;
	out->tmv = (buf[3] >> 7) & 1;
	out->allow_commands = (buf[3] >> 4) & 7;
	out->ptpl_a = buf[3] & 1;
	if (out->tmv) {
		/* byte 4: WR_EX_AR 7, EX_AC_RO 6, WR_EX_RO 5, EX_AC 3, WR_EX 1 */
		static const uint8_t bit_type[8] = { 0, 1, 0, 3, 0, 5, 6, 7 };
		int b;

		for (b = 1; b < 8; b++)
			if (bit_type[b] != 0 && (buf[4] >> b & 1))
				out->type_mask |= (uint16_t)(1u << bit_type[b]);
		if (buf[5] & 1)		/* byte 5 bit 0: EX_AC_AR */
			out->type_mask |= 1u << SCSI_PR_EXCLUSIVE_ACCESS_AR;
	}
	return SCSI_OK;
}

/*
 * SPC-4 7.5.4: mode parameter header (6: 4 bytes, 10: 8 bytes), block
 * descriptors (SBC-3 6.4.2: short 8 bytes, long 16 bytes), mode pages.
 */
int
scsi_parse_mode_sense(const uint8_t *buf, size_t len, int is10,
    struct scsi_mode_header *out, struct scsi_perr *err)
{
	size_t hlen = is10 ? 8 : 4, avail, bd;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need("mode parameter header", len, hlen, err)) != SCSI_OK)
		return rc;
	if (is10) {
		out->data_len = scsi_be16(buf);
		out->medium_type = buf[2];
		out->dev_specific = buf[3];
		out->longlba = buf[4] & 1;
		out->bd_len = scsi_be16(buf + 6);
		avail = min_size(len, (size_t)out->data_len + 2);
	} else {
		out->data_len = buf[0];
		out->medium_type = buf[1];
		out->dev_specific = buf[2];
		out->bd_len = buf[3];
		avail = min_size(len, (size_t)out->data_len + 1);
	}
	if (avail < hlen)
		return scsi_perr_set(err, SCSI_EFORMAT, 0, out->data_len,
		    "mode parameter header: MODE DATA LENGTH %u shorter than "
		    "the header", out->data_len);
	bd = hlen;
	if (out->longlba && out->bd_len >= 16) {
		out->bd_nblocks = be64_at(buf, avail, bd);
		out->bd_block_len = be32_at(buf, avail, bd + 12);
	} else if (!out->longlba && out->bd_len >= 8) {
		out->bd_nblocks = be32_at(buf, avail, bd);
		out->bd_block_len = be32_at(buf, avail, bd + 4) & 0xffffff;
	}
	if (hlen + out->bd_len < avail) {
		out->pages = buf + hlen + out->bd_len;
		out->pages_len = avail - hlen - out->bd_len;
	}
	return SCSI_OK;
}

/* SPC-4 7.5.7: page_0 (2-byte header) or sub_page (SPF, 4-byte header) */
const uint8_t *
scsi_mode_find_page(const struct scsi_mode_header *h, uint8_t page_code,
    size_t *plen)
{
	const uint8_t *p = h->pages;
	size_t off = 0, n = h->pages_len;

	while (p != NULL && off + 2 <= n) {
		int spf = (p[off] >> 6) & 1;
		size_t total;

		if (spf) {
			if (off + 4 > n)
				break;
			total = 4 + (size_t)scsi_be16(p + off + 2);
		} else
			total = 2 + (size_t)p[off + 1];
		if (off + total > n)
			break;
		if (!spf && (p[off] & 0x3f) == page_code) {
			if (plen != NULL)
				*plen = total;
			return p + off;
		}
		off += total;
	}
	return NULL;
}
