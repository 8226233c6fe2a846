/*
 * PDU decoder: framing (BHS, AHS, header digest, data segment and padding,
 * data digest; RFC 7143 11.1-11.2), digest verification (RFC 7143 13.1)
 * and then the field rules of pdu_validate().
 */
#include <string.h>

#include "bytes.h"
#include "crc32c.h"
#include "pdu_layout.h"

size_t
pdu_wire_len(const uint8_t *bhs, const struct pdu_digest_opts *d)
{
	size_t dsl = get_be24(bhs + 5);
	size_t n = PDU_BHS_LEN + (size_t)bhs[4] * 4;

	if (d != NULL && d->header)
		n += PDU_DIGEST_LEN;
	n += dsl + PDU_PAD4(dsl);
	if (d != NULL && d->data && dsl > 0)
		n += PDU_DIGEST_LEN;
	return n;
}

/* Walk the AHS area (RFC 7143 11.2.1.5); problems go to *aerr. */
static void
ahs_parse(const uint8_t *buf, size_t start, size_t end, struct pdu *out,
    struct pdu_error *aerr)
{
	size_t off = start, total, seen = 0;
	struct pdu_ahs *a;
	uint16_t alen;
	uint8_t type;

	while (off < end) {
		if (end - off < 4) {
			pdu_fail(aerr, PDU_EAHS, "AHSLength", end - off, 4,
			    "AHS at offset %zu: %zu bytes left, need 4", off,
			    end - off);
			return;
		}
		alen = get_be16(buf + off);
		type = buf[off + 2];
		total = ((size_t)3 + alen + 3) & ~(size_t)3;
		if (total > end - off) {
			pdu_fail(aerr, PDU_EAHS, "AHSLength", alen, end - off - 3,
			    "AHS at offset %zu: AHSLength %u overruns "
			    "TotalAHSLength (%zu bytes left)", off, alen,
			    end - off);
			return;
		}
		if (seen++ >= PDU_AHS_MAX) {
			pdu_fail(aerr, PDU_EAHS, "TotalAHSLength", seen,
			    PDU_AHS_MAX, "more than %d AHS", PDU_AHS_MAX);
			return;
		}
		a = &out->ahs[out->ahs_count++];
		a->len = alen;
		a->type = type;
		a->specific = alen >= 1 ? buf[off + 3] : 0;
		a->data = alen > 1 ? buf + off + 4 : NULL;
		if (type == PDU_AHS_EXT_CDB && alen > 1 && out->ext_cdb == NULL) {
			out->ext_cdb = buf + off + 4;
			out->ext_cdb_len = (uint16_t)(alen - 1);
		} else if (type == PDU_AHS_BIDI_READ_LEN && alen == 5) {
			out->has_bidi_read_len = true;
			out->bidi_read_len = get_be32(buf + off + 4);
		}
		off += total;
	}
}

int
pdu_decode_header(const uint8_t *buf, size_t len,
    const struct pdu_digest_opts *d, struct pdu *out, struct pdu_error *err,
    struct pdu_error *ahs_err)
{
	size_t hdr_end;
	uint32_t computed;

	memset(out, 0, sizeof(*out));
	if (ahs_err != NULL)
		ahs_err->code = PDU_OK;
	if (len < PDU_BHS_LEN)
		return pdu_fail(err, PDU_ETRUNC, "BHS", len, PDU_BHS_LEN,
		    "%zu bytes, a BHS needs %d", len, PDU_BHS_LEN);

	out->rsvd[0] = buf[0] & 0x80;
	out->immediate = (buf[0] & 0x40) != 0;
	out->opcode = buf[0] & 0x3f;
	out->flags = buf[1];
	out->total_ahs_len = buf[4];
	out->dsl = get_be24(buf + 5);
	out->itt = get_be32(buf + 16);
	pdu_layout_decode(buf, out);

	hdr_end = PDU_BHS_LEN + (size_t)out->total_ahs_len * 4;
	if (len < hdr_end + (d != NULL && d->header ? PDU_DIGEST_LEN : 0))
		return pdu_fail(err, PDU_ETRUNC, "TotalAHSLength",
		    out->total_ahs_len, 0, "%zu bytes, header needs %zu%s", len,
		    hdr_end, d != NULL && d->header ? " + header digest" : "");

	if (d != NULL && d->header) {
		out->has_hdigest = true;
		out->hdigest = get_le32(buf + hdr_end);
		computed = crc32c(0, buf, hdr_end);
		if (computed != out->hdigest)
			return pdu_fail(err, PDU_EHDIGEST, "HeaderDigest",
			    out->hdigest, computed,
			    "header digest 0x%08x, computed 0x%08x",
			    out->hdigest, computed);
	}
	ahs_parse(buf, PDU_BHS_LEN, hdr_end, out, ahs_err);
	return pdu_fail(err, PDU_OK, NULL, 0, 0, "%s", "");
}

int
pdu_decode(const uint8_t *buf, size_t len, const struct pdu_digest_opts *d,
    struct pdu *out, struct pdu_error *err)
{
	struct pdu_error ahs_err;
	size_t data_off, need, padded;
	uint32_t computed;
	int rc;

	rc = pdu_decode_header(buf, len, d, out, err, &ahs_err);
	if (rc != PDU_OK)
		return rc;

	data_off = PDU_BHS_LEN + (size_t)out->total_ahs_len * 4;
	if (out->has_hdigest)
		data_off += PDU_DIGEST_LEN;
	need = pdu_wire_len(buf, d);
	if (len < need)
		return pdu_fail(err, PDU_ETRUNC, "DataSegmentLength", out->dsl,
		    len > data_off ? len - data_off : 0,
		    "%zu bytes, PDU with DataSegmentLength %u needs %zu", len,
		    out->dsl, need);

	out->wire = buf;
	out->wire_len = need;
	out->data = out->dsl > 0 ? buf + data_off : NULL;
	out->data_len = out->dsl;
	padded = (size_t)out->dsl + PDU_PAD4(out->dsl);

	if (d != NULL && d->data && out->dsl > 0) {
		out->has_ddigest = true;
		out->ddigest = get_le32(buf + data_off + padded);
		computed = crc32c(0, buf + data_off, padded);
		if (computed != out->ddigest)
			return pdu_fail(err, PDU_EDDIGEST, "DataDigest",
			    out->ddigest, computed,
			    "data digest 0x%08x, computed 0x%08x",
			    out->ddigest, computed);
	}
	if (ahs_err.code != PDU_OK) {
		if (err != NULL)
			*err = ahs_err;
		return ahs_err.code;
	}
	return pdu_validate(out, err);
}
