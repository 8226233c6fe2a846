/*
 * Sense data (SPC-4 4.5: fixed format 0x70/0x71, descriptor format
 * 0x72/0x73) and the 8-byte LUN field (SAM-5 4.7).
 */
#include <stdio.h>
#include <string.h>

#include "scsi_impl.h"

#define SENSE_FIXED_ADD_LEN	10

static void
parse_fixed(const uint8_t *buf, size_t len, struct scsi_sense *out)
{
	size_t avail = len;

	if (len >= 8 && (size_t)buf[7] + 8 < len)
		avail = (size_t)buf[7] + 8;
	out->filemark = (buf[2] >> 7) & 1;
	out->eom = (buf[2] >> 6) & 1;
	out->ili = (buf[2] >> 5) & 1;
	out->key = buf[2] & 0x0f;
	if ((buf[0] & 0x80) && avail >= 7) {
		out->info_valid = 1;
		out->info = scsi_be32(buf + 3);
	}
	if (avail >= 14) {
		out->asc = buf[12];
		out->ascq = buf[13];
	}
	if (avail >= 18 && (buf[15] & 0x80)) {
		out->sks_valid = 1;
		memcpy(out->sks, buf + 15, 3);
	}
}

/* SPC-4 4.5.2: descriptors from byte 8, each type, additional length, data */
static int
parse_descriptor(const uint8_t *buf, size_t len, struct scsi_sense *out,
    struct scsi_perr *err)
{
	size_t avail = len, off = 8;
	int cut = 0;

	out->key = buf[1] & 0x0f;
	out->asc = buf[2];
	out->ascq = buf[3];
	if (len < 8)
		return SCSI_OK;
	if ((size_t)buf[7] + 8 <= len)
		avail = (size_t)buf[7] + 8;
	else
		cut = 1;
	while (off + 2 <= avail) {
		const uint8_t *d = buf + off;
		size_t dlen = 2 + (size_t)d[1];

		if (off + dlen > avail) {
			if (cut)
				break;
			return scsi_perr_set(err, SCSI_EFORMAT, off + 1, d[1],
			    "sense: descriptor 0x%02x at byte %zu runs past the "
			    "additional sense length %u", d[0], off, buf[7]);
		}
		switch (d[0]) {
		case 0x00:	/* information, SPC-4 4.5.2.2 */
			if (dlen >= 12 && (d[2] & 0x80)) {
				out->info_valid = 1;
				out->info = scsi_be64(d + 4);
			}
			break;
		case 0x02:	/* sense key specific, SPC-4 4.5.2.4 */
			if (dlen >= 8 && (d[4] & 0x80)) {
				out->sks_valid = 1;
				memcpy(out->sks, d + 4, 3);
			}
			break;
		case 0x04:	/* stream commands, SSC-4 */
			if (dlen >= 4) {
				out->filemark = (d[3] >> 7) & 1;
				out->eom = (d[3] >> 6) & 1;
				out->ili = (d[3] >> 5) & 1;
			}
			break;
		default:
			break;
		}
		off += dlen;
	}
	return SCSI_OK;
}

int
scsi_parse_sense(const uint8_t *buf, size_t len, struct scsi_sense *out,
    struct scsi_perr *err)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return scsi_perr_set(err, SCSI_ETRUNC, 0, 0, "sense: no data");
	out->response_code = buf[0] & 0x7f;
	switch (out->response_code) {
	case 0x70:
	case 0x71:
		if (len < 3)
			return scsi_perr_set(err, SCSI_ETRUNC, len, len,
			    "sense: fixed format, %zu bytes, at least 3 needed",
			    len);
		out->deferred = out->response_code == 0x71;
		parse_fixed(buf, len, out);
		return SCSI_OK;
	case 0x72:
	case 0x73:
		if (len < 4)
			return scsi_perr_set(err, SCSI_ETRUNC, len, len,
			    "sense: descriptor format, %zu bytes, at least 4 "
			    "needed", len);
		out->descriptor = 1;
		out->deferred = out->response_code == 0x73;
		return parse_descriptor(buf, len, out, err);
	default:
		return scsi_perr_set(err, SCSI_EFORMAT, 0, out->response_code,
		    "sense: response code 0x%02x is neither fixed (0x70/0x71) "
		    "nor descriptor (0x72/0x73)", out->response_code);
	}
}

/*
 * SPC-4 4.5.3: byte 0 VALID (7) | 0x70, byte 2 FILEMARK EOM ILI | key,
 * bytes 3-6 INFORMATION, byte 7 additional length (10), bytes 12-13
 * ASC/ASCQ, bytes 15-17 sense-key specific.
 */
size_t
scsi_sense_build_fixed(uint8_t *out, size_t cap, const struct scsi_sense *s)
{
	if (cap < SCSI_SENSE_FIXED_LEN)
		return 0;
	memset(out, 0, SCSI_SENSE_FIXED_LEN);
	out[0] = 0x70 | (s->info_valid ? 0x80 : 0);
	out[2] = (uint8_t)((s->filemark ? 0x80 : 0) | (s->eom ? 0x40 : 0) |
	    (s->ili ? 0x20 : 0) | (s->key & 0x0f));
	if (s->info_valid)
		scsi_put_be32(out + 3, (uint32_t)s->info);
	out[7] = SENSE_FIXED_ADD_LEN;
	out[12] = s->asc;
	out[13] = s->ascq;
	if (s->sks_valid) {
		memcpy(out + 15, s->sks, 3);
		out[15] |= 0x80;
	}
	return SCSI_SENSE_FIXED_LEN;
}

size_t
scsi_sense_fixed(uint8_t *out, size_t cap, uint8_t key, uint16_t asc_pair)
{
	struct scsi_sense s;

	memset(&s, 0, sizeof(s));
	s.key = key;
	s.asc = SCSI_ASC_ASC(asc_pair);
	s.ascq = SCSI_ASC_ASCQ(asc_pair);
	return scsi_sense_build_fixed(out, cap, &s);
}

/* SPC-4 4.5.2.4.2: SKSV (7) C/D (6) BPV (3) BIT POINTER (2:0), FIELD POINTER */
void
scsi_sense_set_field_pointer(struct scsi_sense *s, int in_cdb, uint16_t byte,
    int bit)
{
	s->sks_valid = 1;
	s->sks[0] = (uint8_t)(0x80 | (in_cdb ? 0x40 : 0) |
	    (bit >= 0 ? 0x08 | (bit & 7) : 0));
	scsi_put_be16(s->sks + 1, byte);
}

int
scsi_sense_format(const struct scsi_sense *s, char *out, size_t cap)
{
	const char *key = scsi_sense_key_name(s->key);
	const char *asc = scsi_asc_text(s->asc, s->ascq);

	return snprintf(out, cap, "%s: %s (0x%02x/0x%02x)",
	    key != NULL ? key : "RESERVED SENSE KEY",
	    asc != NULL ? asc : "ASC/ASCQ not in the table", s->asc, s->ascq);
}

/* ---- LUN field --------------------------------------------------------- */

uint64_t
scsi_lun_encode(uint16_t lun)
{
	if (lun < 256)		/* SAM-5 4.7.5: peripheral, bus 0 */
		return (uint64_t)lun << 48;
	if (lun <= SCSI_LUN_MAX_FLAT)	/* SAM-5 4.7.7: flat space */
		return (uint64_t)(0x40 | lun >> 8) << 56 |
		    (uint64_t)(lun & 0xff) << 48;
	return SCSI_LUN_INVALID;
}

int
scsi_lun_decode(uint64_t raw, uint16_t *lun)
{
	uint8_t b0 = (uint8_t)(raw >> 56), b1 = (uint8_t)(raw >> 48);

	if ((raw & 0x0000ffffffffffffULL) != 0)
		return SCSI_EUNSUP;	/* second level or beyond */
	switch (b0 >> 6) {
	case SCSI_LUN_PERIPHERAL:
		if ((b0 & 0x3f) != 0)
			return SCSI_EUNSUP;	/* another bus */
		*lun = b1;
		return SCSI_OK;
	case SCSI_LUN_FLAT:
		*lun = (uint16_t)((b0 & 0x3f) << 8 | b1);
		return SCSI_OK;
	default:
		return SCSI_EUNSUP;
	}
}

void
scsi_lun_to_bytes(uint64_t raw, uint8_t *out8)
{
	scsi_put_be64(out8, raw);
}

uint64_t
scsi_lun_from_bytes(const uint8_t *in8)
{
	return scsi_be64(in8);
}
