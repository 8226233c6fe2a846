/*
 * Writes the fuzz_pdu seed corpus: one valid encoded PDU per opcode (with
 * and without digests, decode path) and a few multi-PDU streams prefixed
 * with the settings byte fuzz_pdu reads for its receive path.
 * Built and run by scripts/gen-pdu-corpus.sh.
 */
#include <stdio.h>
#include <string.h>

#include "pdu.h"
#include "pdu_samples.h"

static int
write_file(const char *dir, const char *name, const uint8_t *b, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (fwrite(b, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static void
slug(char *out, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < n; i++)
		out[i] = (name[i] == ' ' || name[i] == '-') ? '_' :
		    (char)(name[i] | 0x20);
	out[i] = '\0';
}

int
main(int argc, char **argv)
{
	static const struct pdu_digest_opts none = { 0 }, both = { true, true, 0, 0 };
	static uint8_t buf[8192], stream[65536];
	static const uint8_t text[] = "TargetName=iqn.2024-01.bench:t0\0MaxRecvDataSegmentLength=8192";
	const char *dir = argc > 1 ? argv[1] : "tests/fuzz/corpus/pdu";
	char name[128], s[64];
	size_t i, len, slen[2] = { 1, 1 };
	struct pdu p;
	int d;

	stream[0] = 0;		/* rx settings: no digests */
	for (d = 0; d < 2; d++) {
		const struct pdu_digest_opts *o = d ? &both : &none;

		for (i = 0; i < pdu_sample_nopcodes; i++) {
			uint8_t op = pdu_sample_opcodes[i];

			pdu_sample(&p, op, (uint32_t)i);
			if (pdu_sample_has_data(op) && op != PDU_OP_REJECT)
				pdu_set_data(&p, text, (uint32_t)(i * 3 % sizeof(text)));
			if (op == PDU_OP_SCSI_CMD)
				pdu_add_bidi_read_len(&p, 4096);
			if (pdu_encode(&p, o, buf, sizeof(buf), &len) != PDU_OK)
				return 1;
			slug(s, sizeof(s), pdu_opcode_name(op));
			snprintf(name, sizeof(name), "%s%s.bin", s,
			    d ? "_digests" : "");
			if (write_file(dir, name, buf, len) != 0)
				return 1;
			if (d == 0 && slen[0] + len <= sizeof(stream)) {
				memcpy(stream + slen[0], buf, len);
				slen[0] += len;
			}
		}
	}
	if (write_file(dir, "rx_stream_mixed.bin", stream, slen[0]) != 0)
		return 1;
	/* same stream, digests on, fed with a different chunking seed */
	stream[0] = 0x03 | 0x10;
	len = 1;
	for (i = 0; i < pdu_sample_nopcodes; i++) {
		size_t n;

		pdu_sample(&p, pdu_sample_opcodes[i], 40 + (uint32_t)i);
		if (pdu_encode(&p, &both, stream + len, sizeof(stream) - len,
		    &n) != PDU_OK)
			return 1;
		len += n;
	}
	slen[1] = len;
	return write_file(dir, "rx_stream_digests.bin", stream, slen[1]) != 0;
}
