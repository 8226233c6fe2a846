/* target-sim login: stages, keys, CHAP, sessions (RFC 7143 6, 11.12-13, 12.1). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "catalog.h"
#include "chap.h"
#include "test_tsim_peer.h"

static struct evloop *loop;
static struct tsim *tgt;
static struct tpeer pe;

static void
setup(const char *yaml)
{
	loop = evloop_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
	tgt = yaml ? tpeer_target(loop, yaml) : tpeer_target_std(loop, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
}

static void
teardown(void)
{
	tpeer_destroy(&pe);
	tsim_destroy(tgt);
	evloop_free(loop);
}

static const char chap_yaml[] =
    "target:\n"
    "  portals: [ { name: p, address: \"127.0.0.1:0\" } ]\n"
    "  targets:\n"
    "    - name: " TPEER_TARGET "\n"
    "      luns: [1M]\n"
    "      auth:\n"
    "        chap: { user: alice, secret: alicesecret1 }\n"
    "        mutual: { user: tgt, secret: targetsecret2 }\n";

/* RFC 7143 6.3, 11.13: a plain login, the numbers in the final response */
static void
test_login_plain(void)
{
	static const char *const op[] = { "InitialR2T=Yes", "ImmediateData=Yes",
		"MaxBurstLength=65536", "FirstBurstLength=32768",
		"MaxOutstandingR2T=4", "ErrorRecoveryLevel=2",
		"HeaderDigest=CRC32C,None", NULL };
	struct tpeer_login o = { .target = TPEER_TARGET, .op_keys = op };
	struct tsim_stats st;

	setup(NULL);
	pe.cmdsn = 1000;
	pe.expstatsn = 77;
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o), 0);
	/* 11.13.4: the first StatSN is ours to pick: we take ExpStatSN */
	CU_ASSERT_EQUAL(pe.cur.p.u.login_rsp.statsn, 78);
	CU_ASSERT_EQUAL(pe.cur.p.u.login_rsp.expcmdsn, 1000);
	CU_ASSERT_EQUAL(pe.cur.p.u.login_rsp.maxcmdsn, 1000 + 128 - 1);
	CU_ASSERT_NOT_EQUAL(pe.tsih, 0);
	/* 13.9: TargetPortalGroupTag in the first response */
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "TargetPortalGroupTag"), "1");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "MaxRecvDataSegmentLength"),
	    "262144");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "InitialR2T"), "Yes");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "MaxBurstLength"), "65536");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "FirstBurstLength"), "32768");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "MaxOutstandingR2T"), "4");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "ErrorRecoveryLevel"), "0");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "HeaderDigest"), "CRC32C");
	tsim_get_stats(tgt, &st);
	CU_ASSERT_EQUAL(st.sessions_open, 1);
	CU_ASSERT_EQUAL(st.logins_ok, 1);
	/* a ping works with the header digest in force */
	tpeer_nop(&pe, "abc", 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(pe.cur.code, PDU_OK);
	CU_ASSERT_EQUAL(pe.cur.p.opcode, PDU_OP_NOP_IN);
	CU_ASSERT_EQUAL(pe.cur.p.u.nop_in.statsn, 79);
	CU_ASSERT_EQUAL(memcmp(pe.cur.data, "abc", 3), 0);
	teardown();
}

static int
login_raw(const char *const *keys, uint8_t vmin)
{
	struct text_builder b;
	const struct tpeer_pdu *r;
	struct pdu p;
	char k[64];
	const char *eq;

	text_builder_init(&b, 0);
	for (; *keys != NULL; keys++) {
		eq = strchr(*keys, '=');
		snprintf(k, sizeof(k), "%.*s", (int)(eq - *keys), *keys);
		text_builder_add(&b, k, eq + 1);
	}
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = 1;
	p.u.login_req.transit = true;
	p.u.login_req.nsg = 1;
	p.u.login_req.version_min = vmin;
	p.u.login_req.version_max = vmin;
	memcpy(p.u.login_req.isid, pe.isid, 6);
	pdu_set_data(&p, b.buf, (uint32_t)b.len);
	tpeer_send(&pe, &p);
	text_builder_free(&b);
	if ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) == NULL ||
	    r->p.opcode != PDU_OP_LOGIN_RSP)
		return -1;
	return r->p.u.login_rsp.status_class << 8 | r->p.u.login_rsp.status_detail;
}

/* RFC 7143 11.13.5: status codes of a bad first Login Request */
static void
test_login_errors(void)
{
	static const char *const no_iname[] = { "SessionType=Normal",
		"TargetName=" TPEER_TARGET, "AuthMethod=None", NULL };
	static const char *const no_target[] = { "InitiatorName=" TPEER_INITIATOR,
		"AuthMethod=None", NULL };
	static const char *const bad_target[] = {
		"InitiatorName=" TPEER_INITIATOR,
		"TargetName=iqn.2024-01.org.iscsi-bench:nosuch", NULL };
	static const char *const ok[] = { "InitiatorName=" TPEER_INITIATOR,
		"TargetName=" TPEER_TARGET, NULL };

	setup(NULL);
	CU_ASSERT_EQUAL(login_raw(no_iname, 0),
	    ISCSI_LOGIN_STATUS_MISSING_PARAMETER);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL(login_raw(no_target, 0),
	    ISCSI_LOGIN_STATUS_MISSING_PARAMETER);
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL(login_raw(bad_target, 0), ISCSI_LOGIN_STATUS_NOT_FOUND);
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL(login_raw(ok, 1), ISCSI_LOGIN_STATUS_UNSUPPORTED_VERSION);
	teardown();
}

/* RFC 7143 6.3.5 session reinstatement, 6.3.4 connection reinstatement,
 * 11.13.5 0x020a for an unknown TSIH */
static void
test_reinstatement(void)
{
	static const char *const op[] = { "MaxConnections=2", NULL };
	struct tpeer_login o = { .target = TPEER_TARGET, .op_keys = op };
	struct tpeer p2, p3;
	uint16_t tsih1;
	struct tsim_stats st;

	setup(NULL);
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
	tsih1 = pe.tsih;
	/* same ISID, TSIH 0: the old session goes */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&p2, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL(tpeer_login(&p2, &o), 0);
	CU_ASSERT_NOT_EQUAL(p2.tsih, tsih1);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	tsim_get_stats(tgt, &st);
	CU_ASSERT_EQUAL(st.sessions_open, 1);
	CU_ASSERT_EQUAL(st.sessions_created, 2);
	tpeer_destroy(&pe);
	/* TSIH of the live session, same CID 0: connection reinstatement */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	o.tsih = p2.tsih;
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o), 0);
	CU_ASSERT_EQUAL(pe.tsih, p2.tsih);
	CU_ASSERT_TRUE(tpeer_wait_closed(&p2, TPEER_WAIT_MS));
	tpeer_nop(&pe, "x", 1);
	CU_ASSERT_PTR_NOT_NULL(tpeer_recv(&pe, TPEER_WAIT_MS));
	tpeer_destroy(&p2);
	/* a second connection (CID 1) joins the session (MC/S) */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&p2, loop, tgt, 0), 0);
	o.cid = 1;
	CU_ASSERT_EQUAL(tpeer_login(&p2, &o), 0);
	tsim_get_stats(tgt, &st);
	CU_ASSERT_EQUAL(st.sessions_open, 1);
	CU_ASSERT_EQUAL(st.conns_open, 2);
	/* 11.13.5: a third connection is one too many (MaxConnections=2) */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&p3, loop, tgt, 0), 0);
	o.cid = 2;
	CU_ASSERT_EQUAL(tpeer_login(&p3, &o),
	    ISCSI_LOGIN_STATUS_TOO_MANY_CONNECTIONS);
	tpeer_destroy(&p3);
	tpeer_destroy(&p2);
	/* unknown TSIH */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&p2, loop, tgt, 0), 0);
	o.tsih = 0x7777;
	CU_ASSERT_EQUAL(tpeer_login(&p2, &o),
	    ISCSI_LOGIN_STATUS_SESSION_DOES_NOT_EXIST);
	tpeer_destroy(&p2);
	teardown();
}

/* RFC 7143 11.12.2: C bit; the target answers each partial request empty */
static void
test_login_continue(void)
{
	const struct tpeer_pdu *r;
	struct pdu p;
	static const char part1[] = "InitiatorName=" TPEER_INITIATOR;
	static const char part2[] = "\0TargetName=" TPEER_TARGET "\0AuthMethod=None";

	setup(NULL);
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = 1;
	p.u.login_req.cont = true;
	memcpy(p.u.login_req.isid, pe.isid, 6);
	pdu_set_data(&p, part1, sizeof(part1) - 1);
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_LOGIN_RSP);
	CU_ASSERT_EQUAL(r->p.data_len, 0);
	CU_ASSERT_FALSE(r->p.u.login_rsp.transit);
	p.u.login_req.cont = false;
	p.u.login_req.transit = true;
	p.u.login_req.nsg = 1;
	pdu_set_data(&p, part2, sizeof(part2));
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.u.login_rsp.status_class, 0);
	CU_ASSERT_TRUE(r->p.u.login_rsp.transit);
	CU_ASSERT_EQUAL(r->p.u.login_rsp.nsg, 1);
	CU_ASSERT_STRING_EQUAL(tpeer_text_value(r, "AuthMethod"), "None");
	teardown();
}

/* Appendix C: SendTargets=All in a discovery session */
static void
test_discovery(void)
{
	static const char y[] =
	    "target:\n"
	    "  portals:\n"
	    "    - { name: a, address: \"127.0.0.1:0\", tpgt: 1 }\n"
	    "    - { name: b, address: \"127.0.0.1:0\", tpgt: 2 }\n"
	    "  targets:\n"
	    "    - { name: \"iqn.2024-01.org.iscsi-bench:t1\", luns: [1M] }\n"
	    "    - name: \"iqn.2024-01.org.iscsi-bench:t2\"\n"
	    "      luns: [1M]\n"
	    "      portals: [b]\n"
	    "      addresses: [\"192.0.2.7:3260,9\"]\n";
	struct tpeer_login o = { .target = NULL };
	const struct tpeer_pdu *r;
	struct pdu p;
	char want[128], a[64];
	const char *s;

	setup(y);
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
	pdu_init(&p, PDU_OP_TEXT_REQ);
	p.itt = 5;
	p.final = true;
	p.u.text_req.ttt = PDU_TAG_RESERVED;
	p.u.text_req.cmdsn = pe.cmdsn;
	pdu_set_data(&p, "SendTargets=All", 16);
	tpeer_send(&pe, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = tpeer_recv(&pe, TPEER_WAIT_MS));
	CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_TEXT_RSP);
	CU_ASSERT_TRUE(r->p.final);
	CU_ASSERT_EQUAL(r->p.u.text_rsp.ttt, PDU_TAG_RESERVED);
	s = (const char *)r->data;
	CU_ASSERT_STRING_EQUAL(s, "TargetName=iqn.2024-01.org.iscsi-bench:t1");
	/* t1 is on both portals, t2 on b only plus one extra address */
	snprintf(want, sizeof(want), "TargetAddress=%s,1",
	    netaddr_format(tsim_portal_addr(tgt, 0), a, sizeof(a)));
	s += strlen(s) + 1;
	CU_ASSERT_STRING_EQUAL(s, want);
	snprintf(want, sizeof(want), "TargetAddress=%s,2",
	    netaddr_format(tsim_portal_addr(tgt, 1), a, sizeof(a)));
	s += strlen(s) + 1;
	CU_ASSERT_STRING_EQUAL(s, want);
	s += strlen(s) + 1;
	CU_ASSERT_STRING_EQUAL(s, "TargetName=iqn.2024-01.org.iscsi-bench:t2");
	s += strlen(s) + 1;
	CU_ASSERT_STRING_EQUAL(s, want);
	s += strlen(s) + 1;
	CU_ASSERT_STRING_EQUAL(s, "TargetAddress=192.0.2.7:3260,9");
	/* t2 cannot be logged in to through portal a */
	tpeer_destroy(&pe);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	o.target = "iqn.2024-01.org.iscsi-bench:t2";
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o), ISCSI_LOGIN_STATUS_NOT_FOUND);
	teardown();
}

/* RFC 7143 6.1.1 / 11.11: a long Text Response in several PDUs (C bit, TTT) */
static void
test_text_long(void)
{
	char y[16384];
	size_t n = 0;
	int i;
	struct tpeer_login o = { .target = NULL };
	const struct tpeer_pdu *r;
	struct pdu p;
	unsigned pdus = 0, names = 0;
	uint32_t off;

	n += (size_t)snprintf(y + n, sizeof(y) - n, "target:\n  portals: "
	    "[ { name: a, address: \"127.0.0.1:0\" } ]\n  targets:\n");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(y + n, sizeof(y) - n, "    - { name: "
		    "\"iqn.2024-01.org.iscsi-bench:a-rather-long-target-name-%02d\", "
		    "luns: [1M] }\n", i);
	setup(y);
	pe.mrdsl = 512;
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
	pdu_init(&p, PDU_OP_TEXT_REQ);
	p.itt = 9;
	p.final = true;
	p.u.text_req.ttt = PDU_TAG_RESERVED;
	p.u.text_req.cmdsn = pe.cmdsn;
	pdu_set_data(&p, "SendTargets=All", 16);
	tpeer_send(&pe, &p);
	while ((r = tpeer_recv(&pe, TPEER_WAIT_MS)) != NULL) {
		CU_ASSERT_EQUAL(r->p.opcode, PDU_OP_TEXT_RSP);
		CU_ASSERT_TRUE(r->p.data_len <= 512);
		pdus++;
		for (off = 0; off + 11 <= r->p.data_len; off++)
			if (memcmp(r->data + off, "TargetName=", 11) == 0 &&
			    (off == 0 || r->data[off - 1] == 0))
				names++;
		if (!r->p.u.text_rsp.cont)
			break;
		/* 11.10.4: an empty request with the TTT gets the next part */
		CU_ASSERT_NOT_EQUAL(r->p.u.text_rsp.ttt, PDU_TAG_RESERVED);
		pdu_init(&p, PDU_OP_TEXT_REQ);
		p.itt = 9;
		p.final = true;
		p.immediate = true;
		p.u.text_req.ttt = r->p.u.text_rsp.ttt;
		p.u.text_req.cmdsn = pe.cmdsn;
		tpeer_send(&pe, &p);
	}
	CU_ASSERT_TRUE(pdus > 3);
	CU_ASSERT_EQUAL(names, 40);
	teardown();
}

/* ---- CHAP (RFC 7143 12.1.3) --------------------------------------------- */

static void
test_chap_ok(void)
{
	struct tpeer_login o = { .target = TPEER_TARGET, .user = "alice",
		.secret = "alicesecret1", .chap_a = "7,5" };

	setup(chap_yaml);
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o), 0);
	/* the first of the initiator's list we allow: SHA-256 */
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "CHAP_A"), "7");
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "AuthMethod"), "CHAP");
	teardown();
}

static void
test_chap_mutual(void)
{
	struct tpeer_login o = { .target = TPEER_TARGET, .user = "alice",
		.secret = "alicesecret1", .tuser = "tgt",
		.tsecret = "targetsecret2" };

	setup(chap_yaml);
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o), 0);
	CU_ASSERT_STRING_EQUAL(tpeer_key(&pe, "CHAP_N"), "tgt");
	tpeer_destroy(&pe);
	/* a wrong target secret is noticed by the initiator side */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	o.tsecret = "wrongsecret22";
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o), 0x0201);
	teardown();
}

static void
test_chap_failures(void)
{
	struct tpeer_login o = { .target = TPEER_TARGET, .user = "alice",
		.secret = "wrongsecret1" };

	setup(chap_yaml);
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o),
	    ISCSI_LOGIN_STATUS_AUTHENTICATION_FAILURE);
	CU_ASSERT_TRUE(tpeer_wait_closed(&pe, TPEER_WAIT_MS));
	tpeer_destroy(&pe);
	/* unknown user */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	o.user = "bob";
	o.secret = "alicesecret1";
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o),
	    ISCSI_LOGIN_STATUS_AUTHENTICATION_FAILURE);
	tpeer_destroy(&pe);
	/* AuthMethod=None while CHAP is required */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	o.user = NULL;
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o),
	    ISCSI_LOGIN_STATUS_AUTHENTICATION_FAILURE);
	tpeer_destroy(&pe);
	/* straight to the operational stage */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	o.skip_security = true;
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o),
	    ISCSI_LOGIN_STATUS_AUTHENTICATION_FAILURE);
	tpeer_destroy(&pe);
	/* no acceptable CHAP_A */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	o.skip_security = false;
	o.user = "alice";
	o.secret = "alicesecret1";
	o.chap_a = "99,3";
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o),
	    ISCSI_LOGIN_STATUS_AUTHENTICATION_FAILURE);
	teardown();
}

static CU_TestInfo login_tests[] = {
	{ "rfc7143_6_3_plain_login_numbers", test_login_plain },
	{ "rfc7143_11_13_5_first_request_errors", test_login_errors },
	{ "rfc7143_6_3_5_session_and_connection_reinstatement", test_reinstatement },
	{ "rfc7143_11_12_2_continue_bit", test_login_continue },
	{ "rfc7143_appC_sendtargets_portals", test_discovery },
	{ "rfc7143_11_11_long_text_response", test_text_long },
	{ "rfc7143_12_1_3_chap_sha256_first_of_list", test_chap_ok },
	{ "rfc7143_12_1_3_chap_mutual", test_chap_mutual },
	{ "rfc7143_12_1_3_chap_failures_0201", test_chap_failures },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_login", login_tests)
