/*
 * libFuzzer harness for the PDU decoder and the receive path.  The input
 * is decoded with each digest setting, re-encoded when it framed, and fed
 * to a pdu_rx in chunks whose sizes come from the input itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pdu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[PDU_BHS_LEN + PDU_AHS_BYTES_MAX + 8 + 70000];

static int
on_pdu(void *arg, const struct pdu *p, const struct pdu_error *err)
{
	size_t *count = arg;
	volatile size_t sink = 0;
	uint32_t i;

	(*count)++;
	/* touch what the callback is promised to be readable */
	if (err->code == PDU_OK || pdu_status_class(err->code) ==
	    PDU_CLASS_FIELD || err->code == PDU_EDDIGEST) {
		for (i = 0; i < p->data_len; i++)
			sink += p->data[i];
		if (p->ext_cdb != NULL)
			for (i = 0; i < p->ext_cdb_len; i++)
				sink += p->ext_cdb[i];
	}
	(void)sink;
	(void)pdu_opcode_name(p->opcode);
	(void)pdu_strerror(err->code);
	return 0;
}

static void
check_decode(const uint8_t *data, size_t size, const struct pdu_digest_opts *d)
{
	struct pdu p, q;
	struct pdu_error err;
	size_t len, i;
	volatile size_t sink = 0;
	int rc;

	rc = pdu_decode(data, size, d, &p, &err);
	if (rc != PDU_OK && pdu_status_class(rc) != PDU_CLASS_FIELD &&
	    rc != PDU_EDDIGEST)
		return;
	if (p.wire_len > size)
		__builtin_trap();
	for (i = 0; i < p.data_len; i++)
		sink += p.data[i];
	(void)sink;
	(void)pdu_validate(&p, NULL);
	/* A PDU that decoded cleanly re-encodes to the same bytes. */
	if (rc == PDU_OK && p.wire_len <= sizeof(out)) {
		if (pdu_encode(&p, d, out, sizeof(out), &len) != PDU_OK ||
		    len != p.wire_len)
			__builtin_trap();
		if (memcmp(out, data, PDU_BHS_LEN) != 0)
			__builtin_trap();
		if (pdu_decode(out, len, d, &q, NULL) != PDU_OK)
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pdu_digest_opts opts[4] = {
		{ false, false, 0, 0 }, { true, false, 0, 0 },
		{ false, true, 0, 0 }, { true, true, 0, 0 }
	};
	struct pdu_rx rx;
	size_t i, off, n, count = 0;
	ssize_t r;

	for (i = 0; i < 4; i++)
		check_decode(data, size, &opts[i]);
	check_decode(data, size, NULL);

	if (size == 0 || pdu_rx_init(&rx, 4096) != 0)
		return 0;
	/* first byte: digest settings and chunking seed */
	pdu_rx_set_digests(&rx, data[0] & 1, (data[0] & 2) != 0);
	for (off = 1, i = 0; off < size; off += n, i++) {
		n = 1 + ((data[(i * 7) % size] ^ data[0]) & 0x3f);
		if (n > size - off)
			n = size - off;
		r = pdu_rx_feed(&rx, data + off, n, on_pdu, &count);
		if (r < 0)
			pdu_rx_reset(&rx);
		else if ((size_t)r != n)
			__builtin_trap();
		if (data[0] & 4)
			pdu_rx_set_digests(&rx, (i & 1) != 0, (i & 2) != 0);
	}
	pdu_rx_free(&rx);
	return 0;
}
