/*
 * Outgoing Login and Text requests longer than the target takes in one
 * PDU go out in parts with the C bit, each after the target's empty
 * answer (RFC 7143 11.10.2, 11.12.2; 13.12: 8192 bytes during login, the
 * target's MaxRecvDataSegmentLength in full feature phase).
 */
#include <stdio.h>
#include <string.h>

#include "ini_internal.h"
#include "test_init_peer.h"
#include "unit.h"

static struct fenv E;

/* n extension keys of 250-byte values: about 275 n bytes of text. */
static size_t
make_keys(struct text_builder *b, int n)
{
	char key[32], val[251];
	int i;

	memset(val, 'v', 250);
	val[250] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "X-org.iscsi-bench.K%02d", i);
		CU_ASSERT_EQUAL(text_builder_add(b, key, val), TEXT_OK);
	}
	return b->len;
}

/* The operational offers with 40 extension keys (about 11 KB): two
 * parts, the first with C and without T, neither over 8192 bytes; the
 * login completes and the extension keys were all seen. */
static void
test_login_split(void)
{
	struct ini_session *s = NULL;
	struct text_builder keys;

	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	text_builder_init(&keys, 0);
	CU_ASSERT(make_keys(&keys, 40) > 8192);
	E.cfg.login_keys = (const char *)keys.buf;
	E.cfg.login_keys_len = keys.len;
	fenv_node(&E);
	CU_ASSERT_EQUAL(fenv_login(&E, &s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(E.peer.login_parts, 2);
	CU_ASSERT_EQUAL(E.peer.cont_parts, 1);
	CU_ASSERT_EQUAL(E.peer.bad_parts, 0);
	CU_ASSERT(E.peer.max_part <= 8192);
	CU_ASSERT(E.peer.max_part > 4096);
	/* the target answered every extension key NotUnderstood; the
	 * initiator took that (no event 11) */
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE), 0);
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
	text_builder_free(&keys);
}

/* Without extension keys nothing is split. */
static void
test_login_not_split(void)
{
	struct ini_session *s = NULL;

	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	CU_ASSERT_EQUAL(fenv_login(&E, &s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(E.peer.login_parts, 0);
	CU_ASSERT_EQUAL(E.peer.cont_parts, 0);
	fenv_teardown(&E);
}

/* Answer a partial Login Request with keys: not allowed, event 11. */
static bool
keys_to_partial_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;
	static const char txt[] = "X-org.iscsi-bench.K00=NotUnderstood";

	if (p->opcode != PDU_OP_LOGIN_REQ || !p->u.login_req.cont)
		return false;
	pdu_init(&r, PDU_OP_LOGIN_RSP);
	r.itt = p->itt;
	memcpy(r.u.login_rsp.isid, p->u.login_req.isid, 6);
	r.u.login_rsp.csg = p->u.login_req.csg;
	fpeer_fill_sn(f, &r.u.login_rsp.statsn, &r.u.login_rsp.expcmdsn,
	    &r.u.login_rsp.maxcmdsn);
	pdu_set_data(&r, txt, sizeof(txt));
	fpeer_send(f, &r);
	return true;
}

static void
test_login_split_bad_answer(void)
{
	struct ini_session *s = NULL;
	struct text_builder keys;

	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	text_builder_init(&keys, 0);
	make_keys(&keys, 40);
	E.cfg.login_keys = (const char *)keys.buf;
	E.cfg.login_keys_len = keys.len;
	E.cfg.recovery_attempts = 0;
	E.peer.hook = keys_to_partial_hook;
	fenv_node(&E);
	CU_ASSERT_NOT_EQUAL(fenv_login(&E, &s), INI_ISDSC_OK);
	CU_ASSERT(fenv_count(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE) >= 1);
	fenv_teardown(&E);
	text_builder_free(&keys);
}

/* A Text Request of about 860 bytes to a target taking 512 bytes: three
 * parts, C and not F on the first two, the TTT of each empty answer
 * echoed; the exchange ends with the target's answer applied. */
static void
test_text_split(void)
{
	struct ini_session *s = NULL;
	struct text_builder t;
	int turns;

	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	E.peer.declare_mrdsl = 512;
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(s->conn->params.c.max_send_dsl, 512);
	text_builder_init(&t, 0);
	CU_ASSERT_EQUAL(text_builder_add(&t, "MaxRecvDataSegmentLength",
	    "262144"), TEXT_OK);
	make_keys(&t, 3);
	CU_ASSERT(t.len > 768 && t.len <= 1024);
	CU_ASSERT_EQUAL(ini_text_start(s->conn, true, t.buf, t.len), 0);
	for (turns = 0; turns < 200 && s->text != NULL; turns++)
		ini_poll(E.node, 10);
	CU_ASSERT_PTR_NULL(s->text);		/* done and applied */
	CU_ASSERT_EQUAL(E.peer.text_parts, 3);
	CU_ASSERT_EQUAL(E.peer.cont_parts, 2);
	CU_ASSERT_EQUAL(E.peer.bad_parts, 0);
	CU_ASSERT(E.peer.max_part <= 512);
	/* the answer, MaxRecvDataSegmentLength=8192, is in force */
	CU_ASSERT_EQUAL(s->conn->params.c.max_send_dsl, 8192);
	CU_ASSERT_EQUAL(E.nev, 0);
	text_builder_free(&t);
	fenv_teardown(&E);
}

static CU_TestInfo split_tests[] = {
	{ "rfc7143_11_12_2_login_split", test_login_split },
	{ "login_not_split", test_login_not_split },
	{ "rfc7143_11_12_2_keys_to_partial", test_login_split_bad_answer },
	{ "rfc7143_11_10_2_text_split", test_text_split },
	CU_TEST_INFO_NULL
};

UNIT_SUITE("initiator", "split", split_tests)
