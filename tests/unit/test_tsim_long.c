/*
 * target-sim long text (RFC 7143 6.1.1, 11.10-11.13 C bit): a Login
 * Response longer than the initiator takes goes in pieces with C=1 (T=0
 * until the last), each continued by an empty Login Request; the stage
 * changes (and full feature phase starts) with the last piece only.  A
 * Text Request split by the initiator (C=1) is joined before it is
 * answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "catalog.h"
#include "test_tsim_peer.h"

static struct evloop *loop;
static struct tsim *tgt;
static struct tpeer pe;

/* 60 pairs X-org.iscsi-bench.padN=<200 x> appended by a fault rule */
#define PAD200 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"	\
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"		\
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"		\
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define PAD_RULE(stage)							\
	"  - name: pad\n"						\
	"    match: { direction: out, opcode: login_rsp, stage: " stage " }\n" \
	"    action: { type: negotiate, kind: add_key, key: X-org.iscsi-bench.pad,"\
	" repeat: 60, value: \"" PAD200 "\" }\n"

static void
start(const char *rules)
{
	loop = evloop_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
	tgt = tpeer_target_std(loop, rules);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
}

static void
stop(void)
{
	tpeer_destroy(&pe);
	tsim_destroy(tgt);
	evloop_free(loop);
}

static void
login_req(uint8_t csg, uint8_t nsg, bool transit, const void *text,
    size_t len)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = 1;
	p.u.login_req.transit = transit;
	p.u.login_req.csg = csg;
	p.u.login_req.nsg = transit ? nsg : 0;
	memcpy(p.u.login_req.isid, pe.isid, 6);
	p.u.login_req.cmdsn = pe.cmdsn;
	p.u.login_req.expstatsn = pe.expstatsn;
	pdu_set_data(&p, text, (uint32_t)len);
	tpeer_send(&pe, &p);
}

struct pieces {
	unsigned	 n;		/* Login Responses */
	uint32_t	 max_len;	/* longest data segment */
	bool		 early_transit;	/* T=1 before the last piece */
	struct pdu	 last;		/* header of the last piece */
	struct text_builder text;	/* the pieces joined */
};

/* Collect a response: answer each C=1 piece with an empty request
 * (T=1 to nsg when transit: still asking to change stage). */
static void
collect(uint8_t csg, uint8_t nsg, bool transit, struct pieces *pc)
{
	const struct tpeer_pdu *r;

	memset(pc, 0, sizeof(*pc));
	text_builder_init(&pc->text, 1u << 20);
	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL &&
	    r->p.opcode == PDU_OP_LOGIN_RSP) {
		CU_ASSERT_EQUAL(r->p.u.login_rsp.status_class, 0);
		pc->n++;
		if (r->p.data_len > pc->max_len)
			pc->max_len = r->p.data_len;
		text_builder_add_raw(&pc->text, r->data, r->p.data_len);
		pe.expstatsn = r->p.u.login_rsp.statsn + 1;
		pc->last = r->p;
		if (!r->p.u.login_rsp.cont)
			break;
		/* 11.13.2: C=1 carries T=0 */
		if (r->p.u.login_rsp.transit)
			pc->early_transit = true;
		login_req(csg, nsg, transit, NULL, 0);
		if (pc->n > 100)
			break;
	}
	CU_ASSERT_PTR_NOT_NULL(r);
}

/* Pairs in the joined text whose key starts with prefix. */
static unsigned
count_pairs(const struct pieces *pc, const char *prefix)
{
	struct text_list l;
	unsigned n = 0;
	size_t i;

	if (text_parse(pc->text.buf, pc->text.len, NULL, TEXT_PARSE_PAD_OK, &l,
	    NULL) != TEXT_OK)
		return 0;
	for (i = 0; i < l.npairs; i++)
		if (strncmp(l.pairs[i].key, prefix, strlen(prefix)) == 0 &&
		    strcmp(l.pairs[i].value, PAD200) == 0)
			n++;
	text_list_free(&l);
	return n;
}

static const char sec_text[] = "InitiatorName=" TPEER_INITIATOR
    "\0SessionType=Normal\0TargetName=" TPEER_TARGET "\0AuthMethod=None";

/* 11.13.2 / 13.12: a 12 KiB security-stage answer in pieces of at most
 * 8192 bytes (the login default); T=1 NSG=1 on the last piece only */
static void
test_login_response_pieces(void)
{
	static const char op[] = "HeaderDigest=None\0DataDigest=None";
	struct pieces pc;

	start(PAD_RULE("security"));
	login_req(0, 1, true, sec_text, sizeof(sec_text));
	collect(0, 1, true, &pc);
	CU_ASSERT_EQUAL(pc.n, 2);
	CU_ASSERT_TRUE(pc.max_len <= 8192);
	CU_ASSERT_FALSE(pc.early_transit);
	CU_ASSERT_TRUE(pc.last.u.login_rsp.transit);
	CU_ASSERT_EQUAL(pc.last.u.login_rsp.nsg, 1);
	CU_ASSERT_EQUAL(count_pairs(&pc, "X-org.iscsi-bench.pad"), 60);
	text_builder_free(&pc.text);
	/* the login goes on in the operational stage */
	login_req(1, 3, true, op, sizeof(op));
	collect(1, 3, true, &pc);
	CU_ASSERT_EQUAL(pc.n, 1);
	CU_ASSERT_TRUE(pc.last.u.login_rsp.transit);
	CU_ASSERT_EQUAL(pc.last.u.login_rsp.nsg, 3);
	CU_ASSERT_NOT_EQUAL(pc.last.u.login_rsp.tsih, 0);
	text_builder_free(&pc.text);
	stop();
}

/* The initiator declared MaxRecvDataSegmentLength=1024 during login: the
 * final answer goes in pieces of at most 1024 bytes; full feature phase
 * starts after the last one (a NOP-Out then gets its NOP-In) */
static void
test_final_response_pieces(void)
{
	static const char op[] = "MaxRecvDataSegmentLength=1024\0"
	    "HeaderDigest=None\0DataDigest=None";
	const struct tpeer_pdu *r;
	struct pieces pc;

	start(PAD_RULE("operational"));
	login_req(0, 1, true, sec_text, sizeof(sec_text));
	collect(0, 1, true, &pc);
	CU_ASSERT_EQUAL(pc.n, 1);
	text_builder_free(&pc.text);
	login_req(1, 3, true, op, sizeof(op));
	collect(1, 3, true, &pc);
	CU_ASSERT_TRUE(pc.n >= 12);
	CU_ASSERT_TRUE(pc.max_len <= 1024);
	CU_ASSERT_FALSE(pc.early_transit);
	CU_ASSERT_TRUE(pc.last.u.login_rsp.transit);
	CU_ASSERT_EQUAL(pc.last.u.login_rsp.nsg, PDU_STAGE_FULL_FEATURE);
	CU_ASSERT_NOT_EQUAL(pc.last.u.login_rsp.tsih, 0);
	CU_ASSERT_EQUAL(count_pairs(&pc, "X-org.iscsi-bench.pad"), 60);
	text_builder_free(&pc.text);
	pe.itt = 100;
	tpeer_nop(&pe, "ping", 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(r->p.itt, 100);
	stop();
}

/* 11.13.3: continued with T=0, the last piece has T=0 too and the stage
 * stays; the next request with T=1 changes it (one session, one TSIH) */
static void
test_continued_without_transit(void)
{
	static const char op[] = "HeaderDigest=None\0DataDigest=None";
	struct tsim_stats st;
	struct pieces pc;
	uint16_t tsih;

	start(PAD_RULE("operational"));
	login_req(0, 1, true, sec_text, sizeof(sec_text));
	collect(0, 1, true, &pc);
	text_builder_free(&pc.text);
	login_req(1, 3, true, op, sizeof(op));
	collect(1, 0, false, &pc);
	CU_ASSERT_EQUAL(pc.n, 2);
	CU_ASSERT_FALSE(pc.early_transit);
	CU_ASSERT_FALSE(pc.last.u.login_rsp.transit);
	CU_ASSERT_EQUAL(pc.last.u.login_rsp.tsih, 0);
	text_builder_free(&pc.text);
	login_req(1, 3, true, NULL, 0);
	collect(1, 3, true, &pc);
	CU_ASSERT_TRUE(pc.last.u.login_rsp.transit);
	CU_ASSERT_EQUAL(pc.last.u.login_rsp.nsg, PDU_STAGE_FULL_FEATURE);
	tsih = pc.last.u.login_rsp.tsih;
	CU_ASSERT_NOT_EQUAL(tsih, 0);
	tsim_get_stats(tgt, &st);
	CU_ASSERT_EQUAL(st.sessions_created, 1);
	text_builder_free(&pc.text);
	stop();
}

/* 11.13.2: text in a Login Request while our answer is being continued
 * is an initiator error (0x0200) */
static void
test_text_during_continuation(void)
{
	const struct tpeer_pdu *r;

	start(PAD_RULE("security"));
	login_req(0, 1, true, sec_text, sizeof(sec_text));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_TRUE_FATAL(r->p.u.login_rsp.cont);
	pe.expstatsn = r->p.u.login_rsp.statsn + 1;
	login_req(0, 1, true, "AuthMethod=None", 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_LOGIN_RSP);
	CU_ASSERT_EQUAL(r->p.u.login_rsp.status_class, 2);
	CU_ASSERT_EQUAL(r->p.u.login_rsp.status_detail, 0);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	stop();
}

/* Fill buf with NUL-terminated X-org.iscsi-bench.padN=xxx keys, exactly
 * len bytes in all (len >= 32). */
static void
fill_keys(char *buf, size_t len)
{
	size_t off = 0, k = 0;

	while (off < len) {
		size_t left = len - off, take = left > 200 ? 200 : left;
		int h;

		if (left - take > 0 && left - take < 32)
			take = left - 32;		/* leave room for one more */
		h = snprintf(buf + off, take, "X-org.iscsi-bench.pad%zu=", k++);
		memset(buf + off + h, 'x', take - (size_t)h - 1);
		buf[off + take - 1] = '\0';
		off += take;
	}
}

/* 13.12: a Login Request data segment over 8192 bytes (not split with C)
 * is an initiator error (0x0200); exactly 8192 is taken */
static void
test_login_request_oversize(void)
{
	const struct tpeer_pdu *r;
	static char big[8196];
	size_t n;

	for (n = 0; n < 2; n++) {
		size_t len = n == 0 ? 8192 : 8196;

		start(NULL);
		memset(big, 0, sizeof(big));
		memcpy(big, sec_text, sizeof(sec_text));
		/* pad with extension keys (answered NotUnderstood) of at
		 * most 200 bytes each: X-org.iscsi-bench.padN=xxx...\0 */
		fill_keys(big + sizeof(sec_text), len - sizeof(sec_text));
		login_req(0, 1, true, big, len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
		CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_LOGIN_RSP);
		if (n == 0)
			CU_ASSERT_NOT_EQUAL(r->p.u.login_rsp.status_class, 2)
		else {
			CU_ASSERT_EQUAL(r->p.u.login_rsp.status_class, 2);
			CU_ASSERT_EQUAL(r->p.u.login_rsp.status_detail, 0);
			CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
		}
		stop();
	}
}

/* 11.10.2: a Text Request split by the initiator (C=1): an empty answer
 * with a TTT, the rest with that TTT, then one whole answer */
static void
test_text_request_split(void)
{
	struct tpeer_login o = { .target = TPEER_TARGET };
	const struct tpeer_pdu *r;
	struct pdu p;
	uint32_t ttt;

	start(NULL);
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
	pdu_init(&p, PDU_OP_TEXT_REQ);
	p.itt = 50;
	p.u.text_req.cont = true;
	p.u.text_req.ttt = PDU_TAG_RESERVED;
	p.u.text_req.cmdsn = pe.cmdsn;
	p.u.text_req.expstatsn = pe.expstatsn;
	pdu_set_data(&p, "SendTa", 6);
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_TEXT_RSP);
	CU_ASSERT_EQUAL(r->p.data_len, 0);
	CU_ASSERT_FALSE(r->p.final);
	ttt = r->p.u.text_rsp.ttt;
	CU_ASSERT_NOT_EQUAL(ttt, PDU_TAG_RESERVED);
	pdu_init(&p, PDU_OP_TEXT_REQ);
	p.itt = 50;
	p.final = true;
	p.immediate = true;
	p.u.text_req.ttt = ttt;
	p.u.text_req.cmdsn = pe.cmdsn;
	pdu_set_data(&p, "rgets=All", 10);
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_TEXT_RSP);
	CU_ASSERT_TRUE(r->p.final);
	CU_ASSERT_STRING_EQUAL(tpeer_text_value(r, "TargetName"), TPEER_TARGET);
	stop();
}

static CU_TestInfo long_tests[] = {
	{ "rfc7143_11_13_2_login_response_in_pieces",
	    test_login_response_pieces },
	{ "rfc7143_13_12_final_login_response_in_pieces",
	    test_final_response_pieces },
	{ "rfc7143_11_13_3_continued_without_transit",
	    test_continued_without_transit },
	{ "rfc7143_11_13_2_text_while_continued", test_text_during_continuation },
	{ "rfc7143_11_10_2_text_request_split", test_text_request_split },
	{ "rfc7143_13_12_login_request_over_8192", test_login_request_oversize },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_long", long_tests)
