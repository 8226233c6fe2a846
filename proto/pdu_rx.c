/*
 * Resumable PDU receive path: bytes arrive in chunks of any size and the
 * state machine walks BHS -> AHS -> header digest -> data + padding ->
 * data digest, handing each complete PDU to a callback.  The header is
 * checked (header digest, MaxRecvDataSegmentLength) before any data byte
 * is accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "crc32c.h"
#include "pdu_layout.h"

static size_t
rx_capacity(uint32_t max_dsl)
{
	return PDU_BHS_LEN + PDU_AHS_BYTES_MAX + PDU_DIGEST_LEN +
	    (size_t)max_dsl + 3 + PDU_DIGEST_LEN;
}

int
pdu_rx_init(struct pdu_rx *rx, uint32_t max_dsl)
{
	memset(rx, 0, sizeof(*rx));
	if (max_dsl > PDU_DSL_MAX)
		max_dsl = PDU_DSL_MAX;
	rx->max_dsl = max_dsl;
	rx->cap = rx_capacity(max_dsl);
	rx->buf = malloc(rx->cap);
	rx->state = PDU_RX_BHS;
	return rx->buf != NULL ? 0 : -1;
}

void
pdu_rx_free(struct pdu_rx *rx)
{
	free(rx->buf);
	rx->buf = NULL;
	rx->cap = 0;
}

static void
rx_next_pdu(struct pdu_rx *rx)
{
	rx->state = PDU_RX_BHS;
	rx->have = 0;
	rx->skip = 0;
	rx->cur = rx->next;
	rx->place = NULL;
}

void
pdu_rx_reset(struct pdu_rx *rx)
{
	rx_next_pdu(rx);
}

void
pdu_rx_set_digests(struct pdu_rx *rx, bool header, bool data)
{
	rx->next.header = header;
	rx->next.data = data;
	if (rx->state == PDU_RX_BHS && rx->have == 0)
		rx->cur = rx->next;
}

int
pdu_rx_set_max_dsl(struct pdu_rx *rx, uint32_t max_dsl)
{
	size_t cap;
	uint8_t *nbuf;

	if (max_dsl > PDU_DSL_MAX)
		max_dsl = PDU_DSL_MAX;
	cap = rx_capacity(max_dsl);
	/* Never shrink: a PDU in progress may already use the space. */
	if (cap > rx->cap) {
		nbuf = realloc(rx->buf, cap);
		if (nbuf == NULL)
			return -1;
		rx->buf = nbuf;
		rx->cap = cap;
	}
	rx->max_dsl = max_dsl;
	return 0;
}

/* Copy input into the PDU buffer up to offset upto; true once reached. */
static bool
rx_fill(struct pdu_rx *rx, const uint8_t **in, size_t *len, size_t upto)
{
	size_t n;

	if (rx->have >= upto)
		return true;
	n = upto - rx->have;
	if (n > *len)
		n = *len;
	memcpy(rx->buf + rx->have, *in, n);
	rx->have += n;
	*in += n;
	*len -= n;
	return rx->have >= upto;
}

/* Copy input into the placed data segment; true once all of it is there. */
static bool
rx_place(struct pdu_rx *rx, const uint8_t **in, size_t *len)
{
	size_t end = rx->data_off + rx->pdu.dsl, n;

	if (rx->have >= end)
		return true;
	n = end - rx->have;
	if (n > *len)
		n = *len;
	memcpy(rx->place + (rx->have - rx->data_off), *in, n);
	rx->have += n;
	*in += n;
	*len -= n;
	return rx->have >= end;
}

/*
 * pdu_decode() for a placed PDU: the header (and padding, data digest) in
 * buf, the data segment at rx->place.
 */
static int
rx_decode_placed(struct pdu_rx *rx)
{
	struct pdu *p = &rx->pdu;
	struct pdu_error ahs_err;
	uint32_t pad, computed;
	int rc;

	rc = pdu_decode_header(rx->buf, rx->data_off, &rx->cur, p, &rx->err,
	    &ahs_err);
	if (rc != PDU_OK)
		return rc;
	p->wire = rx->buf;
	p->wire_len = rx->data_off;
	p->data = rx->place;
	p->data_len = p->dsl;
	pad = PDU_PAD4(p->dsl);
	if (rx->cur.data) {
		p->has_ddigest = true;
		p->ddigest = get_le32(rx->buf + rx->data_off + p->dsl + pad);
		computed = crc32c(crc32c(0, rx->place, p->dsl),
		    rx->buf + rx->data_off + p->dsl, pad);
		if (computed != p->ddigest)
			return pdu_fail(&rx->err, PDU_EDDIGEST, "DataDigest",
			    p->ddigest, computed,
			    "data digest 0x%08x, computed 0x%08x", p->ddigest,
			    computed);
	}
	if (ahs_err.code != PDU_OK) {
		rx->err = ahs_err;
		return ahs_err.code;
	}
	return pdu_validate(p, &rx->err);
}

void
pdu_rx_set_placement(struct pdu_rx *rx,
    uint8_t *(*fn)(void *arg, const struct pdu *hdr), void *arg)
{
	rx->place_fn = fn;
	rx->place_arg = arg;
}

size_t
pdu_rx_direct(const struct pdu_rx *rx, uint8_t **dst)
{
	size_t end = rx->data_off + rx->pdu.dsl;

	if (rx->state != PDU_RX_DATA || rx->place == NULL || rx->have >= end)
		return 0;
	*dst = rx->place + (rx->have - rx->data_off);
	return end - rx->have;
}

void
pdu_rx_direct_done(struct pdu_rx *rx, size_t n)
{
	uint8_t *dst;
	size_t due = pdu_rx_direct(rx, &dst);

	rx->have += n < due ? n : due;
}

void
pdu_rx_unplace(struct pdu_rx *rx)
{
	size_t end;

	if (rx->place == NULL)
		return;
	end = rx->data_off + rx->pdu.dsl;
	if (rx->have > rx->data_off)
		memcpy(rx->buf + rx->data_off, rx->place,
		    (rx->have < end ? rx->have : end) - rx->data_off);
	rx->place = NULL;
}

static int
rx_deliver(struct pdu_rx *rx, pdu_rx_fn fn, void *arg)
{
	rx->pdus++;
	if (rx->err.code != PDU_OK)
		rx->errors++;
	return fn != NULL ? fn(arg, &rx->pdu, &rx->err) : 0;
}

ssize_t
pdu_rx_feed(struct pdu_rx *rx, const uint8_t *in, size_t len, pdu_rx_fn fn,
    void *arg)
{
	const uint8_t *start = in;
	size_t n, dsl, ddigest;
	int rc;

	for (;;) {
		switch (rx->state) {
		case PDU_RX_DEAD:
			return -1;
		case PDU_RX_DISCARD:
			n = len < rx->skip ? len : rx->skip;
			in += n;
			len -= n;
			rx->skip -= n;
			if (rx->skip > 0)
				return in - start;
			rx_next_pdu(rx);
			continue;
		case PDU_RX_BHS:
			if (!rx_fill(rx, &in, &len, PDU_BHS_LEN))
				return in - start;
			rx->hdr_end = PDU_BHS_LEN + (size_t)rx->buf[4] * 4;
			rx->state = PDU_RX_AHS;
			/* FALLTHROUGH */
		case PDU_RX_AHS:
			if (!rx_fill(rx, &in, &len, rx->hdr_end))
				return in - start;
			rx->state = PDU_RX_HDIGEST;
			/* FALLTHROUGH */
		case PDU_RX_HDIGEST:
			if (!rx_fill(rx, &in, &len, rx->hdr_end +
			    (rx->cur.header ? PDU_DIGEST_LEN : 0)))
				return in - start;
			rc = pdu_decode_header(rx->buf, rx->have, &rx->cur,
			    &rx->pdu, &rx->err, NULL);
			if (rc != PDU_OK) {
				/* Header digest error: the lengths are untrusted. */
				rx->state = PDU_RX_DEAD;
				rx_deliver(rx, fn, arg);
				return -1;
			}
			dsl = rx->pdu.dsl;
			ddigest = rx->cur.data && dsl > 0 ? PDU_DIGEST_LEN : 0;
			if (dsl > rx->max_dsl) {
				pdu_fail(&rx->err, PDU_EOVERSIZE,
				    "DataSegmentLength", dsl, rx->max_dsl,
				    "DataSegmentLength %zu exceeds "
				    "MaxRecvDataSegmentLength %u", dsl,
				    rx->max_dsl);
				rx->state = PDU_RX_DISCARD;
				rx->skip = dsl + PDU_PAD4(dsl) + ddigest;
				if (rx_deliver(rx, fn, arg) != 0)
					return in - start;
				continue;
			}
			rx->data_off = rx->have;
			rx->data_end = rx->have + dsl + PDU_PAD4(dsl);
			rx->pdu_end = rx->data_end + ddigest;
			rx->place = dsl > 0 && rx->place_fn != NULL ?
			    rx->place_fn(rx->place_arg, &rx->pdu) : NULL;
			rx->state = PDU_RX_DATA;
			/* FALLTHROUGH */
		case PDU_RX_DATA:
			if (rx->place != NULL && !rx_place(rx, &in, &len))
				return in - start;
			/* the rest (all of it unless placed, else the padding) */
			if (!rx_fill(rx, &in, &len, rx->data_end))
				return in - start;
			rx->state = PDU_RX_DDIGEST;
			/* FALLTHROUGH */
		case PDU_RX_DDIGEST:
			if (!rx_fill(rx, &in, &len, rx->pdu_end))
				return in - start;
			if (rx->place != NULL)
				rx_decode_placed(rx);
			else
				pdu_decode(rx->buf, rx->have, &rx->cur, &rx->pdu,
				    &rx->err);
			rx_next_pdu(rx);
			if (rx_deliver(rx, fn, arg) != 0)
				return in - start;
			continue;
		}
		return -1;	/* corrupted state */
	}
}
