/*
 * target-sim with DataPDUInOrder=No / DataSequenceInOrder=No (RFC 7143
 * 13.18, 13.19): Data-In PDUs and sequences really go out of order
 * (DataSN still counts in sending order, F ends each sequence, the
 * status rides on the last PDU sent), R2Ts go out from the end of the
 * buffer backwards, and Data-Out at any offset inside its sequence is
 * taken.  Every transfer is checked byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "scsi.h"
#include "test_tsim_peer.h"

static struct evloop *loop;
static struct tsim *tgt;
static struct tpeer pe;

#define ORDER_YAML(pdu, seq)						\
	"name: order\n"							\
	"target:\n"							\
	"  settings:\n"							\
	"    keys: { DataPDUInOrder: \"" pdu "\", DataSequenceInOrder: \"" seq "\" }\n" \
	"  portals:\n"							\
	"    - { name: main, address: \"127.0.0.1:0\", tpgt: 1 }\n"	\
	"  targets:\n"							\
	"    - name: " TPEER_TARGET "\n"				\
	"      luns: [16M]\n"

static void
up(const char *yaml, const char *const *op)
{
	struct tpeer_login o = { .target = TPEER_TARGET, .op_keys = op };

	loop = evloop_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
	tgt = tpeer_target(loop, yaml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	pe.mrdsl = 4096;
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
}

static void
down(void)
{
	tpeer_destroy(&pe);
	tsim_destroy(tgt);
	evloop_free(loop);
}

static uint8_t *
pattern(uint32_t len, unsigned seed)
{
	uint8_t *b = malloc(len);
	uint32_t i;

	for (i = 0; b != NULL && i < len; i++)
		b[i] = (uint8_t)((i >> 8) * 13 + i * 3 + seed);
	return b;
}

static void
write_in_order(uint32_t lba, const uint8_t *w, uint32_t len)
{
	uint8_t cdb[16];

	scsi_cdb_write10(cdb, lba, len / 512, 0);
	CU_ASSERT_EQUAL_FATAL(tpeer_write(&pe, cdb, w, len, 0),
	    SCSI_STATUS_GOOD);
}

struct read_trace {
	unsigned	 pdus, backwards, finals, seq_jumps;
	bool		 datasn_ok, status_last;
	uint32_t	 got;
};

/* READ(10) of len bytes into rd, watching the order of the Data-In. */
static void
read_traced(uint32_t lba, uint8_t *rd, uint32_t len, uint32_t mb,
    struct read_trace *tr)
{
	const struct tpeer_pdu *r;
	uint8_t cdb[16];
	uint32_t itt, prev_off = 0, prev_seq = 0, k;
	uint8_t *seen = calloc(1, len);

	memset(tr, 0, sizeof(*tr));
	tr->datasn_ok = true;
	scsi_cdb_read10(cdb, lba, len / 512, 0);
	itt = tpeer_cmd(&pe, cdb, len, true, false, NULL, 0, true, 0);
	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL) {
		const struct pdu_data_in *di = &r->p.u.data_in;
		uint32_t i;

		CU_ASSERT_EQUAL_FATAL(r->p.opcode, PDU_OP_DATA_IN);
		CU_ASSERT_EQUAL(r->p.itt, itt);
		CU_ASSERT_FATAL(di->buffer_offset + r->p.data_len <= len);
		if (di->datasn != tr->pdus)
			tr->datasn_ok = false;
		if (tr->pdus > 0 && di->buffer_offset < prev_off)
			tr->backwards++;
		if (tr->pdus > 0 && di->buffer_offset / mb != prev_seq)
			tr->seq_jumps++;
		prev_off = di->buffer_offset;
		prev_seq = di->buffer_offset / mb;
		for (i = 0; i < r->p.data_len; i++)
			seen[di->buffer_offset + i]++;
		memcpy(rd + di->buffer_offset, r->data, r->p.data_len);
		tr->got += r->p.data_len;
		tr->pdus++;
		if (r->p.final)
			tr->finals++;
		if (di->status_present) {
			tr->status_last = di->status == SCSI_STATUS_GOOD &&
			    r->p.final;
			pe.expstatsn = di->statsn + 1;
			break;
		}
	}
	/* every byte exactly once */
	for (k = 0; k < len; k++)
		if (seen[k] != 1) {
			CU_FAIL("a byte missing or sent twice");
			break;
		}
	free(seen);
}

/* 13.18: DataPDUInOrder=No: PDUs of a sequence out of offset order, the
 * sequences themselves in order; reassembled data equal */
static void
test_read_pdu_order_no(void)
{
	static const char *const op[] = { "DataPDUInOrder=No",
		"MaxBurstLength=16384", NULL };
	const uint32_t len = 65536;
	uint8_t *w = pattern(len, 1), *rd = calloc(1, len);
	struct read_trace tr;

	up(ORDER_YAML("No", "Yes"), op);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "DataPDUInOrder"), "No");
	write_in_order(32, w, len);
	read_traced(32, rd, len, 16384, &tr);
	CU_ASSERT_EQUAL(tr.got, len);
	CU_ASSERT_EQUAL(tr.pdus, 16);
	CU_ASSERT_TRUE(tr.datasn_ok);
	CU_ASSERT_TRUE(tr.backwards > 0);
	CU_ASSERT_EQUAL(tr.seq_jumps, 3);	/* sequences one after another */
	CU_ASSERT_EQUAL(tr.finals, 4);
	CU_ASSERT_TRUE(tr.status_last);
	CU_ASSERT_EQUAL(memcmp(w, rd, len), 0);
	free(w);
	free(rd);
	down();
}

/* 13.19: DataSequenceInOrder=No: whole sequences out of order */
static void
test_read_sequence_order_no(void)
{
	static const char *const op[] = { "DataSequenceInOrder=No",
		"MaxBurstLength=16384", NULL };
	const uint32_t len = 65536;
	uint8_t *w = pattern(len, 2), *rd = calloc(1, len);
	struct read_trace tr;

	up(ORDER_YAML("Yes", "No"), op);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "DataSequenceInOrder"), "No");
	write_in_order(64, w, len);
	read_traced(64, rd, len, 16384, &tr);
	CU_ASSERT_EQUAL(tr.got, len);
	CU_ASSERT_TRUE(tr.datasn_ok);
	CU_ASSERT_TRUE(tr.backwards > 0);
	CU_ASSERT_EQUAL(tr.seq_jumps, 3);	/* PDUs of a sequence together */
	CU_ASSERT_EQUAL(tr.finals, 4);
	CU_ASSERT_TRUE(tr.status_last);
	CU_ASSERT_EQUAL(memcmp(w, rd, len), 0);
	free(w);
	free(rd);
	down();
}

/* the target says Yes: our No is ORed away, everything in order */
static void
test_read_target_keeps_yes(void)
{
	static const char *const op[] = { "DataPDUInOrder=No",
		"DataSequenceInOrder=No", "MaxBurstLength=16384", NULL };
	const uint32_t len = 65536;
	uint8_t *w = pattern(len, 3), *rd = calloc(1, len);
	struct read_trace tr;

	up(ORDER_YAML("Yes", "Yes"), op);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "DataPDUInOrder"), "Yes");
	write_in_order(128, w, len);
	read_traced(128, rd, len, 16384, &tr);
	CU_ASSERT_EQUAL(tr.backwards, 0);
	CU_ASSERT_EQUAL(memcmp(w, rd, len), 0);
	free(w);
	free(rd);
	down();
}

/* 13.19: R2Ts from the end backwards; 13.18: Data-Out of each R2T sent
 * last piece first; the pattern reads back */
static void
test_write_out_of_order(void)
{
	static const char *const op[] = { "DataPDUInOrder=No",
		"DataSequenceInOrder=No", "InitialR2T=Yes", "ImmediateData=No",
		"MaxBurstLength=16384", "MaxOutstandingR2T=4", NULL };
	const uint32_t len = 65536;
	uint8_t *w = pattern(len, 4), *rd = calloc(1, len), cdb[16];
	const struct tpeer_pdu *r;
	struct read_trace tr;
	uint32_t itt, offs[8], ttts[8], n = 0, i, k, prev = UINT32_MAX;
	struct pdu p;

	up(ORDER_YAML("No", "No"), op);
	scsi_cdb_write10(cdb, 256, len / 512, 0);
	itt = tpeer_cmd(&pe, cdb, len, false, true, NULL, 0, true, 0);
	while (n < 4 && (r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL) {
		CU_ASSERT_EQUAL_FATAL(r->p.opcode, PDU_OP_R2T);
		CU_ASSERT_EQUAL(r->p.u.r2t.ddtl, 16384);
		CU_ASSERT_EQUAL(r->p.u.r2t.r2tsn, n);
		/* non-increasing offsets: 48K, 32K, 16K, 0 */
		CU_ASSERT_TRUE(r->p.u.r2t.buffer_offset < prev);
		prev = r->p.u.r2t.buffer_offset;
		offs[n] = r->p.u.r2t.buffer_offset;
		ttts[n] = r->p.u.r2t.ttt;
		n++;
	}
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(offs[0], 49152);
	CU_ASSERT_EQUAL(offs[3], 0);
	for (i = 0; i < n; i++)
		for (k = 0; k < 4; k++) {	/* 4 KiB pieces, last first */
			uint32_t o = offs[i] + (3 - k) * 4096;

			pdu_init(&p, PDU_OP_DATA_OUT);
			p.itt = itt;
			p.final = k == 3;
			p.u.data_out.ttt = ttts[i];
			p.u.data_out.datasn = k;
			p.u.data_out.buffer_offset = o;
			pdu_set_data(&p, w + o, 4096);
			tpeer_send(&pe, &p);
		}
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_GOOD);
	pe.expstatsn = r->p.u.scsi_rsp.statsn + 1;
	read_traced(256, rd, len, 16384, &tr);
	CU_ASSERT_EQUAL(tr.got, len);
	CU_ASSERT_EQUAL(memcmp(w, rd, len), 0);
	free(w);
	free(rd);
	down();
}

/* 13.18: with DataPDUInOrder=Yes the same out-of-order Data-Out is
 * refused (Reject, DATA OFFSET ERROR) and nothing is written */
static void
test_write_out_of_order_refused(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=No",
		NULL };
	uint8_t *w = pattern(8192, 5), cdb[16];
	const struct tpeer_pdu *r;
	unsigned rejects = 0;
	uint32_t itt, ttt;
	struct pdu p;
	int k;

	up(ORDER_YAML("Yes", "Yes"), op);
	scsi_cdb_write10(cdb, 512, 16, 0);
	itt = tpeer_cmd(&pe, cdb, 8192, false, true, NULL, 0, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL_FATAL(r->p.opcode, PDU_OP_R2T);
	ttt = r->p.u.r2t.ttt;
	for (k = 0; k < 2; k++) {
		pdu_init(&p, PDU_OP_DATA_OUT);
		p.itt = itt;
		p.final = k == 1;
		p.u.data_out.ttt = ttt;
		p.u.data_out.datasn = (uint32_t)k;
		p.u.data_out.buffer_offset = k == 0 ? 4096 : 0;
		pdu_set_data(&p, w + (k == 0 ? 4096 : 0), 4096);
		tpeer_send(&pe, &p);
	}
	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL &&
	    r->p.opcode == PDU_OP_REJECT)
		rejects++;
	CU_ASSERT_TRUE(rejects >= 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(r->p.u.scsi_rsp.status, SCSI_STATUS_CHECK_CONDITION);
	CU_ASSERT_EQUAL(r->data[2 + 12], 0x4b);
	CU_ASSERT_EQUAL(r->data[2 + 13], 0x05);
	free(w);
	down();
}

static CU_TestInfo order_tests[] = {
	{ "rfc7143_13_18_read_pdu_order_no", test_read_pdu_order_no },
	{ "rfc7143_13_19_read_sequence_order_no", test_read_sequence_order_no },
	{ "rfc7143_13_18_or_target_yes_stays_in_order",
	    test_read_target_keeps_yes },
	{ "rfc7143_13_19_write_r2t_backwards_data_out_any_order",
	    test_write_out_of_order },
	{ "rfc7143_13_18_out_of_order_refused_when_yes",
	    test_write_out_of_order_refused },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_order", order_tests)
