/*
 * Initiator session FSM and ERL 0 recovery against the fake target:
 * reinstatement (RFC 7143 6.3.5: same ISID, TSIH 0) with events 20 and 34,
 * bounded attempts, the seed's portal hopping order, NOP keepalive timeout
 * (event 48), Async messages 1 (event 32), 2 and 4, SendTargets discovery
 * (event 114 for an invalid target name), WaitEvent semantics.
 */
#include <string.h>

#include "bytes.h"
#include "catalog.h"
#include "scsi.h"
#include "test_init_peer.h"
#include "unit.h"

static struct fenv E;

#define SETUP()	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0)
#define FAKE_IQN "iqn.2024-01.org.example:fake"

static uint32_t
tur(struct ini_session *s)
{
	uint8_t cdb[16];

	return ini_scsi(E.node, s, 1, cdb, scsi_cdb_test_unit_ready(cdb), NULL, 0,
	    NULL, 0, NULL);
}

/* RFC 7143 6.3.5 / seed: lost in FFP -> event 20, reinstatement with the
 * same ISID and TSIH 0, the outstanding command retried, event 34. */
static void
test_sess_recovery(void)
{
	struct ini_session *s = NULL;
	struct ini_session_info i;
	const struct fenv_event *ev;
	const uint8_t *d;
	uint8_t isid[6];
	uint16_t tsih;
	size_t n;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	memcpy(isid, E.peer.last_isid, 6);
	ini_session_get_info(s, &i);
	tsih = i.tsih;
	E.peer.drop_after_cmds = 1;
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(E.peer.accepts, 2);
	CU_ASSERT_EQUAL(E.peer.cmds, 2);		/* sent again */
	CU_ASSERT_EQUAL(memcmp(E.peer.last_isid, isid, 6), 0);
	CU_ASSERT_EQUAL(E.peer.last_tsih, 0);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_CONNECTION_LOST), 1);
	ev = fenv_event(&E, ISCSI_EV_RECONNECTED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, strlen(FAKE_IQN));
	CU_ASSERT_EQUAL(memcmp(d, FAKE_IQN, n), 0);
	CU_ASSERT_STRING_EQUAL(ev->session, i.id);
	ini_session_get_info(s, &i);
	CU_ASSERT_NOT_EQUAL(i.tsih, tsih);
	CU_ASSERT_EQUAL(i.stats.reconnects, 1);
	CU_ASSERT_EQUAL(i.stats.connection_losses, 1);
	CU_ASSERT_STRING_EQUAL(i.state, "Q3 LOGGED_IN");
	fenv_teardown(&E);
}

/* Bounded: the target is gone, N attempts (event 1 each), then the
 * command fails with ISDSC_CONNECTION_FAILED and the session is gone. */
static void
test_sess_recovery_exhausted(void)
{
	struct ini_session *s = NULL;
	char id[48];

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	snprintf(id, sizeof(id), "%s", ini_session_id(s));
	E.peer.drop_after_cmds = 1;
	E.peer.stop_listening_on_drop = true;
	CU_ASSERT_EQUAL(tur(s), ISDSC_CONNECTION_FAILED);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_CONNECT_FAILED),
	    E.cfg.recovery_attempts);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_RECONNECTED), 0);
	CU_ASSERT_PTR_NULL(ini_session_find(E.node, id));
	CU_ASSERT_EQUAL(ini_session_count(E.node), 0);
	CU_ASSERT_EQUAL(tur(s), ISDSC_INVALID_SESSION_ID);
	fenv_teardown(&E);
}

/* Seed "Portal Hopping": the original portal first, then the others from
 * SendTargets; discovery ignores an invalid name with event 114. */
static void
test_sess_portal_hopping(void)
{
	struct fpeer b;
	struct ini_portal po;
	struct ini_login_req req;
	struct ini_session *s = NULL;
	struct ini_session_info i;
	struct ini_target_info t;
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fpeer_start(&b, E.loop), 0);
	E.peer.second_port = b.port;
	fenv_node(&E);
	memset(&po, 0, sizeof(po));
	snprintf(po.host, sizeof(po.host), "127.0.0.1");
	po.port = E.peer.port;
	po.opts.has_time2wait = true;		/* B options: Time2Wait 0 */
	CU_ASSERT_EQUAL(ini_portal_add(E.node, &po), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_portal_count(E.node), 1);
	CU_ASSERT_EQUAL(ini_target_count(E.node), 1);
	CU_ASSERT_EQUAL_FATAL(ini_target_info(E.node, FAKE_IQN, &t),
	    INI_ISDSC_OK);
	CU_ASSERT_TRUE(t.discovered);
	CU_ASSERT_EQUAL(t.naddrs, 2);
	CU_ASSERT_EQUAL(t.addrs[1].port, b.port);
	CU_ASSERT_EQUAL(t.addrs[1].tpgt, 1);
	ev = fenv_event(&E, ISCSIEXE_EVENTMSG_INVALID_SENDTARGETS_TEXT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_STRING_EQUAL(ev->last_string, "Bad_Name");
	CU_ASSERT_EQUAL(E.peer.logouts, 1);	/* discovery session ended */

	memset(&req, 0, sizeof(req));
	req.target = FAKE_IQN;			/* portal '*': hopping on */
	CU_ASSERT_EQUAL_FATAL(ini_login(E.node, &req, &s), INI_ISDSC_OK);
	ini_session_get_info(s, &i);
	CU_ASSERT_EQUAL(netaddr_port(&i.peer), E.peer.port);	/* original */
	E.peer.drop_after_cmds = E.peer.cmds + 1;
	E.peer.stop_listening_on_drop = true;
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	ini_session_get_info(s, &i);
	CU_ASSERT_EQUAL(netaddr_port(&i.peer), b.port);	/* hopped */
	ev = fenv_event(&E, ISCSI_EV_CONNECT_FAILED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(get_be16(d + 2), E.peer.port);	/* original first */
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_CONNECT_FAILED), 1);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_RECONNECTED));
	fpeer_stop(&b);
	fenv_teardown(&E);
}

/* Seed "Portal Hopping": the first login hopped from A (0x0300) to B; after a
 * drop, recovery starts on B, the portal of the original login. */
static void
test_sess_hopping_starts_on_login_portal(void)
{
	struct fpeer b;
	struct ini_portal po;
	struct ini_login_req req;
	struct ini_session *s = NULL;
	struct ini_session_info i;
	int a_accepts;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fpeer_start(&b, E.loop), 0);
	E.peer.second_port = b.port;
	fenv_node(&E);
	memset(&po, 0, sizeof(po));
	snprintf(po.host, sizeof(po.host), "127.0.0.1");
	po.port = E.peer.port;
	po.opts.has_time2wait = true;		/* Time2Wait 0 */
	CU_ASSERT_EQUAL_FATAL(ini_portal_add(E.node, &po), INI_ISDSC_OK);
	E.peer.login_class = 3;			/* A: target error */
	memset(&req, 0, sizeof(req));
	req.target = FAKE_IQN;
	CU_ASSERT_EQUAL_FATAL(ini_login(E.node, &req, &s), INI_ISDSC_OK);
	ini_session_get_info(s, &i);
	CU_ASSERT_EQUAL(netaddr_port(&i.peer), b.port);
	E.peer.login_class = 0;			/* A would accept now */
	a_accepts = E.peer.accepts;
	b.drop_after_cmds = b.cmds + 1;
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	ini_session_get_info(s, &i);
	CU_ASSERT_EQUAL(netaddr_port(&i.peer), b.port);
	CU_ASSERT_EQUAL(E.peer.accepts, a_accepts);	/* A not tried */
	CU_ASSERT_EQUAL(i.stats.reconnects, 1);
	fpeer_stop(&b);
	fenv_teardown(&E);
}

/* Seed event 48: no NOP-In for our NOP-Out; the link is treated as dead. */
static void
test_sess_nop_timeout(void)
{
	struct ini_session *s = NULL;

	SETUP();
	E.cfg.nop_interval_ms = 50;
	E.cfg.nop_timeout_ms = 50;
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	ini_sleep(E.node, 120);
	CU_ASSERT_TRUE(E.peer.nop_outs >= 1);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_NOP_TIMEOUT), 0);
	E.peer.ignore_nops = true;
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_NOP_TIMEOUT, 1000),
	    INI_ISDSC_OK);
	E.peer.ignore_nops = false;
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_CONNECTION_LOST, 1000),
	    INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_RECONNECTED, 1000),
	    INI_ISDSC_OK);
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	fenv_teardown(&E);
}

static void
send_async(struct fpeer *f, uint8_t event, uint16_t p2)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_ASYNC);
	p.u.async.event = event;
	p.u.async.param2 = p2;
	fpeer_fill_sn(f, &p.u.async.statsn, &p.u.async.expcmdsn,
	    &p.u.async.maxcmdsn);
	fpeer_send(f, &p);
}

/* RFC 7143 11.9.1 AsyncEvent 1: event 32, logout, back after Time2Wait. */
static void
test_sess_async_logout(void)
{
	struct ini_session *s = NULL;
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	send_async(&E.peer, ISCSI_ASYNC_LOGOUT_REQUEST, 0);
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_RECONNECTED, 2000),
	    INI_ISDSC_OK);
	ev = fenv_event(&E, ISCSI_EV_ASYNC_LOGOUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, strlen(FAKE_IQN));
	CU_ASSERT_EQUAL(memcmp(d, FAKE_IQN, n), 0);
	CU_ASSERT_EQUAL(E.peer.logouts, 1);
	CU_ASSERT_EQUAL(E.peer.accepts, 2);
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	fenv_teardown(&E);
}

/* AsyncEvent 2 (drop, Parameter2 = Time2Wait 0) and 4 (renegotiate). */
static void
test_sess_async_drop_renegotiate(void)
{
	struct ini_session *s = NULL;
	struct ini_session_info i;

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	send_async(&E.peer, ISCSI_ASYNC_CONNECTION_DROP, 0);
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_RECONNECTED, 2000),
	    INI_ISDSC_OK);
	CU_ASSERT_EQUAL(E.peer.accepts, 2);
	CU_ASSERT_EQUAL(tur(s), INI_ISDSC_OK);
	ini_session_get_info(s, &i);
	CU_ASSERT_EQUAL(i.max_send_dsl, 65536);
	send_async(&E.peer, ISCSI_ASYNC_NEGOTIATION_REQUEST, 0);
	ini_sleep(E.node, 100);
	CU_ASSERT_EQUAL(E.peer.texts, 1);
	ini_session_get_info(s, &i);
	CU_ASSERT_EQUAL(i.max_send_dsl, 8192);
	fenv_teardown(&E);
}

/* WaitEvent consumes one occurrence each; events before it count. */
static void
test_sess_wait_event(void)
{
	SETUP();
	fenv_node(&E);
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_CONNECT_FAILED, 10),
	    ISDSC_NOT_FOUND);
	fpeer_stop(&E.peer);
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_CONNECTION_FAILED);
	CU_ASSERT_EQUAL(ini_event_count(E.node, ISCSI_EV_CONNECT_FAILED), 1);
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_CONNECT_FAILED, 10),
	    INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_wait_event(E.node, ISCSI_EV_CONNECT_FAILED, 10),
	    ISDSC_NOT_FOUND);
	CU_ASSERT_EQUAL(ini_wait_event(E.node, 200, 10), ISDSC_INVALID_PARAMETER);
	fenv_teardown(&E);
}

static CU_TestInfo sess_tests[] = {
	{ "rfc7143_6_3_5_erl0_reinstatement", test_sess_recovery },
	{ "erl0_bounded_attempts", test_sess_recovery_exhausted },
	{ "seed_portal_hopping_event114", test_sess_portal_hopping },
	{ "seed_portal_hopping_starts_on_login_portal",
	    test_sess_hopping_starts_on_login_portal },
	{ "seed_event48_nop_timeout", test_sess_nop_timeout },
	{ "rfc7143_11_9_async1_event32", test_sess_async_logout },
	{ "rfc7143_11_9_async2_async4", test_sess_async_drop_renegotiate },
	{ "wait_event_consumes", test_sess_wait_event },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("initiator", "session", sess_tests)
