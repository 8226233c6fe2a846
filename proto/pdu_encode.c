/*
 * PDU encoder and constructors.  The encoder never validates: it writes
 * what the struct says so that the target simulator can produce illegal
 * PDUs on purpose (RFC checks live in pdu_validate()).
 */
#include <string.h>

#include "bytes.h"
#include "crc32c.h"
#include "pdu_layout.h"

/* Wire size of one AHS: AHSLength, AHSType, then len bytes, padded to 4. */
static size_t
ahs_wire_len(const struct pdu_ahs *a)
{
	return ((size_t)3 + a->len + 3) & ~(size_t)3;
}

static size_t
ahs_total_len(const struct pdu *p)
{
	size_t i, n = 0, count;

	count = p->ahs_count < PDU_AHS_MAX ? p->ahs_count : PDU_AHS_MAX;
	for (i = 0; i < count; i++)
		n += ahs_wire_len(&p->ahs[i]);
	return n;
}

size_t
pdu_encoded_len(const struct pdu *p, const struct pdu_digest_opts *d)
{
	size_t n = PDU_BHS_LEN + ahs_total_len(p);

	if (d != NULL && d->header)
		n += PDU_DIGEST_LEN;
	n += (size_t)p->data_len + PDU_PAD4(p->data_len);
	if (d != NULL && d->data && p->data_len > 0)
		n += PDU_DIGEST_LEN;
	return n;
}

static uint8_t *
ahs_write(const struct pdu_ahs *a, uint8_t *w)
{
	size_t total = ahs_wire_len(a);
	const uint8_t *src = a->data != NULL ? a->data : a->inl;

	memset(w, 0, total);
	put_be16(w, a->len);
	w[2] = a->type;
	if (a->len >= 1)
		w[3] = a->specific;
	if (a->len > 1)
		memcpy(w + 4, src, (size_t)a->len - 1);
	return w + total;
}

int
pdu_encode(const struct pdu *p, const struct pdu_digest_opts *d,
    uint8_t *buf, size_t bufsz, size_t *outlen)
{
	size_t need, ahs_len, i;
	uint8_t *w, *data_start;
	uint32_t crc;

	if (outlen != NULL)
		*outlen = 0;
	if (p->ahs_count > PDU_AHS_MAX)
		return PDU_EINVAL;
	for (i = 0; i < p->ahs_count; i++)
		if (p->ahs[i].data == NULL && p->ahs[i].len > 1 + sizeof(p->ahs[i].inl))
			return PDU_EINVAL;
	ahs_len = ahs_total_len(p);
	if (!p->ahs_len_override && ahs_len > PDU_AHS_BYTES_MAX)
		return PDU_EINVAL;
	if (!p->dsl_override && p->data_len > PDU_DSL_MAX)
		return PDU_EINVAL;
	if (p->data_len > 0 && p->data == NULL)
		return PDU_EINVAL;
	need = pdu_encoded_len(p, d);
	if (outlen != NULL)
		*outlen = need;
	if (bufsz < need)
		return PDU_ENOSPC;

	/* BHS: common fields, then the opcode's layout, then forced bits. */
	memset(buf, 0, PDU_BHS_LEN);
	buf[0] = (uint8_t)((p->opcode & 0x3f) | (p->immediate ? 0x40 : 0));
	pdu_layout_encode(p, buf);
	buf[4] = p->ahs_len_override ? p->total_ahs_len : (uint8_t)(ahs_len / 4);
	put_be24(buf + 5, p->dsl_override ? p->dsl : p->data_len);
	put_be32(buf + 16, p->itt);
	for (i = 0; i < PDU_BHS_LEN; i++)
		buf[i] |= p->rsvd[i];

	w = buf + PDU_BHS_LEN;
	for (i = 0; i < p->ahs_count; i++)
		w = ahs_write(&p->ahs[i], w);

	if (d != NULL && d->header) {
		crc = crc32c(0, buf, (size_t)(w - buf)) ^ d->header_xor;
		put_le32(w, crc);
		w += PDU_DIGEST_LEN;
	}

	data_start = w;
	if (p->data_len > 0) {
		memcpy(w, p->data, p->data_len);
		w += p->data_len;
		memset(w, 0, PDU_PAD4(p->data_len));
		w += PDU_PAD4(p->data_len);
		if (d != NULL && d->data) {
			crc = crc32c(0, data_start, (size_t)(w - data_start)) ^
			    d->data_xor;
			put_le32(w, crc);
		}
	}
	return PDU_OK;
}

void
pdu_init(struct pdu *p, uint8_t opcode)
{
	const struct pdu_layout *l = pdu_layout_get(opcode);

	memset(p, 0, sizeof(*p));
	p->opcode = opcode & 0x3f;
	if (l->flags & PDU_LF_F_ONE)
		p->final = true;
	if (l->flags & PDU_LF_I_ONE)
		p->immediate = true;

	switch (p->opcode) {
	case PDU_OP_NOP_OUT:
		/* RFC 7143 11.18.2: an initiator-originated ping has no TTT */
		p->u.nop_out.ttt = PDU_TAG_RESERVED;
		break;
	case PDU_OP_NOP_IN:
		/* RFC 7143 11.19.2: a target-originated ping has no ITT */
		p->itt = PDU_TAG_RESERVED;
		p->u.nop_in.ttt = PDU_TAG_RESERVED;
		break;
	case PDU_OP_SCSI_CMD:
		p->final = true;	/* no unsolicited Data-Out follows */
		break;
	case PDU_OP_DATA_OUT:
		p->final = true;
		p->u.data_out.ttt = PDU_TAG_RESERVED;	/* 11.7.4: unsolicited */
		break;
	case PDU_OP_DATA_IN:
		p->final = true;
		p->u.data_in.ttt = PDU_TAG_RESERVED;	/* 11.7.4: no A bit */
		break;
	case PDU_OP_TEXT_REQ:
		p->final = true;
		p->u.text_req.ttt = PDU_TAG_RESERVED;	/* 11.10.4: new request */
		break;
	case PDU_OP_TEXT_RSP:
		p->final = true;
		p->u.text_rsp.ttt = PDU_TAG_RESERVED;	/* 11.11.4: F=1 */
		break;
	case PDU_OP_ASYNC:
	case PDU_OP_REJECT:
		/* RFC 7143 11.9 / 11.17: ITT is the reserved 0xffffffff */
		p->itt = PDU_TAG_RESERVED;
		break;
	default:
		break;
	}
}

void
pdu_set_data(struct pdu *p, const void *data, uint32_t len)
{
	p->data = data;
	p->data_len = len;
}

int
pdu_add_ahs(struct pdu *p, uint8_t type, uint8_t specific,
    const uint8_t *data, uint16_t len)
{
	struct pdu_ahs *a;

	if (p->ahs_count >= PDU_AHS_MAX)
		return -1;
	a = &p->ahs[p->ahs_count++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->specific = specific;
	a->len = len;
	a->data = data;
	return 0;
}

int
pdu_add_ext_cdb(struct pdu *p, const uint8_t *cdb_tail, uint16_t n)
{
	if (n == 0xffff)
		return -1;
	/* RFC 7143 11.2.2.3: AHSLength = CDB length - 15 (reserved byte + tail) */
	return pdu_add_ahs(p, PDU_AHS_EXT_CDB, 0, cdb_tail, (uint16_t)(n + 1));
}

int
pdu_add_bidi_read_len(struct pdu *p, uint32_t len)
{
	struct pdu_ahs *a;

	/* RFC 7143 11.2.2.4: AHSLength 0x0005, reserved byte, 4-byte length */
	if (pdu_add_ahs(p, PDU_AHS_BIDI_READ_LEN, 0, NULL, 5) != 0)
		return -1;
	a = &p->ahs[p->ahs_count - 1];
	put_be32(a->inl, len);
	return 0;
}
