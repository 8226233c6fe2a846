/*
 * libFuzzer harness: text parser, C-bit accumulator and negotiation engine
 * (RFC 7143 6.1, 6.2, 11.10.2).  The input is peer key=value data.
 *
 *   byte 0: bit 0 role (initiator/target), bits 1-2 stage, bit 3 non-leading,
 *           bit 4 pad-tolerant parse, bit 5 pair-aligned re-split
 *   byte 1: PDU size the input is cut into (1..256)
 *   byte 2: MaxRecvDataSegmentLength our answers are split at (1..256)
 *   rest:   the text
 *
 * Invariants (trap on violation): the accumulator gives the same result as
 * a one-shot parse; our own answers always parse back, and split/rejoin
 * to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
exercise_values(const struct text_list *l)
{
	uint8_t bin[TEXT_BINARY_MAX];
	struct text_address addr;
	const char *cur, *item;
	size_t i, n;
	uint64_t v;
	bool b;

	for (i = 0; i < l->npairs; i++) {
		const char *s = l->pairs[i].value;
		size_t len = l->pairs[i].valuelen;

		text_parse_number(s, len, 0, UINT64_MAX, &v);
		text_parse_large_number(s, len, bin, &n);
		text_parse_binary(s, len, bin, sizeof(bin), &n);
		text_parse_bool(s, len, &b);
		text_parse_address(s, len, &addr);
		text_check_list(s, len, &n);
		text_check_name_value(s, len, &n);
		cur = s;
		while (text_list_next(&cur, s + len, &item, &n))
			if (item < s || item + n > s + len)
				__builtin_trap();
	}
}

static void
check_answers(const struct text_builder *out, size_t mrdsl,
    enum text_split_mode mode)
{
	struct text_split sp;
	struct text_chunk c;
	struct text_accum a;
	struct text_list l;

	if (text_parse(out->buf, out->len, keys_value_limit, 0, &l, NULL) !=
	    TEXT_OK)
		__builtin_trap();	/* we emitted malformed text */
	text_list_free(&l);
	text_accum_init(&a, 0);
	if (text_split_init(&sp, out->buf, out->len, mrdsl, mode) != TEXT_OK)
		__builtin_trap();
	while (text_split_next(&sp, &c)) {
		if (c.len > mrdsl ||
		    text_accum_add(&a, out->buf + c.off, c.len, c.more) != TEXT_OK)
			__builtin_trap();
	}
	if (!text_accum_complete(&a) || a.len != out->len ||
	    (a.len > 0 && memcmp(a.buf, out->buf, a.len) != 0))
		__builtin_trap();
	text_accum_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct keys_local *localp;
	static struct keys_local local;
	struct text_accum a;
	struct text_list l1, l2;
	struct text_error e1, e2;
	struct text_builder out;
	struct keys_neg neg;
	struct keys_finding f[KEYS_NFINDINGS];
	unsigned flags;
	size_t cut, mrdsl, off, n;
	int rc1, rc2;

	if (size < 3)
		return 0;
	if (localp == NULL) {
		keys_local_init(&local);
		local.value[KEYS_HEADER_DIGEST] = "CRC32C,None";
		local.value[KEYS_DATA_DIGEST] = "CRC32C";
		local.value[KEYS_AUTH_METHOD] = "CHAP,None";
		local.value[KEYS_MAX_BURST_LENGTH] = "65536";
		local.value[KEYS_INITIAL_R2T] = "No";
		local.value[KEYS_IMMEDIATE_DATA] = "Yes";
		local.value[KEYS_DEFAULT_TIME2WAIT] = "4";
		local.value[KEYS_MAX_RECV_DATA_SEGMENT_LENGTH] = "16384";
		localp = &local;
	}
	flags = (data[0] & 0x10) ? TEXT_PARSE_PAD_OK : 0;
	cut = (size_t)data[1] + 1;
	mrdsl = (size_t)data[2] + 1;
	data += 3;
	size -= 3;

	/* one-shot parse and the accumulator must agree */
	rc1 = text_parse(data, size, keys_value_limit, flags, &l1, &e1);
	text_accum_init(&a, 0);
	for (off = 0; off < size || off == 0; off += n) {
		n = size - off < cut ? size - off : cut;
		if (text_accum_add(&a, data + off, n, off + n < size) != TEXT_OK)
			__builtin_trap();
		if (n == 0)
			break;
	}
	rc2 = text_accum_parse(&a, keys_value_limit, flags, &l2, &e2);
	if (rc1 != rc2 || l1.npairs != l2.npairs ||
	    (rc1 != TEXT_OK && e1.offset != e2.offset))
		__builtin_trap();
	if (rc1 != TEXT_OK) {
		size_t seg, segoff;

		text_accum_locate(&a, e2.offset, &seg, &segoff);
		if (seg >= a.nseg && a.nseg > 0)
			__builtin_trap();
	}
	text_accum_free(&a);
	text_list_free(&l2);
	if (rc1 != TEXT_OK)
		return 0;
	exercise_values(&l1);

	/* negotiate the text as the peer's offers/answers */
	keys_neg_init(&neg, (data[-3] & 1) ? KEYS_ROLE_TARGET :
	    KEYS_ROLE_INITIATOR, localp);
	neg.stage = (enum keys_stage)(((data[-3] >> 1) & 3) % 3);
	neg.leading = !(data[-3] & 8);
	text_builder_init(&out, 0);
	keys_offer_stage(&neg, &out);
	keys_negotiate_list(&neg, &l1, &out, NULL, NULL);
	keys_neg_finish(&neg, NULL, NULL);
	keys_check_session(localp, &neg.params, f, KEYS_NFINDINGS);
	check_answers(&out, mrdsl, (data[-3] & 0x20) ? TEXT_SPLIT_PAIRS :
	    TEXT_SPLIT_ANYWHERE);
	keys_neg_free(&neg);
	text_builder_free(&out);
	text_list_free(&l1);
	return 0;
}
