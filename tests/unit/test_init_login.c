/*
 * Initiator login FSM against the fake target: stages, status -> ISDSC,
 * redirects (ISCSI_RedirectPortalInfo, hop limit, event 12), and the seed
 * events of the login response checks (3, 4, 10, 11, 13, 38, 40, 41, 43,
 * 59, 61, 62) with their dump data.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bytes.h"
#include "catalog.h"
#include "test_init_peer.h"
#include "unit.h"

static struct fenv E;

#define SETUP()	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0)

/* RFC 7143 6.3: None, operational stage, full feature phase. */
static void
test_login_none_ok(void)
{
	struct ini_session *s = NULL;
	struct ini_session_info i;

	SETUP();
	CU_ASSERT_EQUAL(fenv_login(&E, &s), INI_ISDSC_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	ini_session_get_info(s, &i);
	CU_ASSERT_STRING_EQUAL(i.state, "Q3 LOGGED_IN");
	CU_ASSERT_STRING_EQUAL(i.conn_state, "S5 LOGGED_IN");
	CU_ASSERT_EQUAL(i.tsih, 0x10);
	/* ISID: type 01b + 311, qualifier = session number (RFC 7143 11.12.5) */
	CU_ASSERT_EQUAL(E.peer.last_isid[0], 0x40);
	CU_ASSERT_EQUAL(E.peer.last_isid[3], 0x37);
	CU_ASSERT_EQUAL(i.max_send_dsl, 65536);	/* the target's declaration */
	CU_ASSERT_FALSE(i.redirect.redirected);
	CU_ASSERT_EQUAL(i.redirect.original_port, E.peer.port);
	CU_ASSERT_EQUAL(ini_session_count(E.node), 1);
	CU_ASSERT_PTR_EQUAL(ini_session_find(E.node, i.id), s);
	CU_ASSERT_EQUAL(ini_logout(E.node, s), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(E.peer.logouts, 1);
	CU_ASSERT_EQUAL(ini_session_count(E.node), 0);
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

/* RFC 7143 11.13.5 -> ISDSC for every class 2/3 status; event 10 with
 * the login response in the dump. */
static void
test_login_status_isdsc(void)
{
	size_t i, n = catalog_login_status_count(), data_len;
	const struct fenv_event *ev;
	const uint8_t *d;

	for (i = 0; i < n; i++) {
		const struct catalog_login_status *st = catalog_login_status_at(i);

		if (st->status_class < 2)
			continue;
		SETUP();
		E.peer.login_class = st->status_class;
		E.peer.login_detail = st->status_detail;
		CU_ASSERT_EQUAL(fenv_login(&E, NULL), st->isdsc);
		ev = fenv_event(&E, ISCSI_EV_LOGIN_FAILED);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		CU_ASSERT_EQUAL(ev->status, st->isdsc);
		d = fenv_data(ev, &data_len);
		CU_ASSERT_EQUAL(data_len, PDU_BHS_LEN);
		CU_ASSERT_EQUAL(d[0], PDU_OP_LOGIN_RSP);
		CU_ASSERT_EQUAL(d[36], st->status_class);
		CU_ASSERT_EQUAL(d[37], st->status_detail);
		CU_ASSERT_EQUAL(ini_session_count(E.node), 0);
		fenv_teardown(&E);
	}
}

/* RFC 7143 11.13.5 0x0101: followed to the new portal; the redirect is
 * recorded with the ISCSI_RedirectPortalInfo fields (seed 000). */
static void
test_login_redirect_temporary(void)
{
	struct fpeer p2;
	struct ini_session *s = NULL;
	struct ini_session_info i;
	char to[32];

	SETUP();
	CU_ASSERT_EQUAL_FATAL(fpeer_start(&p2, E.loop), 0);
	snprintf(to, sizeof(to), "127.0.0.1:%u,1", p2.port);
	E.peer.login_class = 1;
	E.peer.login_detail = 1;
	E.peer.redirect_to = to;
	CU_ASSERT_EQUAL(fenv_login(&E, &s), INI_ISDSC_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(p2.logins >= 2, 1);
	ini_session_get_info(s, &i);
	CU_ASSERT_EQUAL(i.redirect.redirected, 1);
	CU_ASSERT_EQUAL(i.redirect.temporary_redirect, 1);
	CU_ASSERT_EQUAL(i.redirect.original_port, E.peer.port);
	CU_ASSERT_EQUAL(i.redirect.redirected_port, p2.port);
	CU_ASSERT_EQUAL(netaddr_port(&i.peer), p2.port);
	CU_ASSERT_EQUAL(i.stats.login_redirects, 1);
	CU_ASSERT_EQUAL(E.nev, 0);
	ini_logout(E.node, s);
	fpeer_stop(&p2);
	fenv_teardown(&E);
}

/* A redirect loop ends at the hop limit with the redirect's ISDSC code. */
static void
test_login_redirect_hop_limit(void)
{
	char to[32];

	SETUP();
	E.cfg.max_redirects = 3;
	snprintf(to, sizeof(to), "127.0.0.1:%u", E.peer.port);
	E.peer.login_class = 1;
	E.peer.login_detail = 2;
	E.peer.redirect_to = to;
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_TARGET_MOVED_PERMANENTLY);
	CU_ASSERT_EQUAL(E.peer.logins, 4);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_LOGIN_FAILED), 1);
	fenv_teardown(&E);
}

/* Seed event 12: redirect without a usable TargetAddress. */
static void
test_login_redirect_invalid(void)
{
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	E.peer.login_class = 1;
	E.peer.login_detail = 1;
	E.peer.redirect_to = "host.example:3260";	/* a name: not allowed */
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_TARGET_MOVED_TEMPORARILY);
	ev = fenv_event(&E, ISCSI_EV_INVALID_REDIRECT_DATA);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, strlen("host.example:3260"));
	CU_ASSERT_EQUAL(memcmp(d, "host.example:3260", n), 0);
	fenv_teardown(&E);
}

/* Seed event 3: MaxCmdSN not serially greater than ExpCmdSN. */
static void
test_login_event3_window(void)
{
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	E.peer.maxcmdsn_delta = -1;	/* MaxCmdSN = ExpCmdSN - 1 */
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
	ev = fenv_event(&E, ISCSI_EV_MAXCMDSN_NOT_GREATER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	CU_ASSERT_EQUAL(get_le32(d) - 1, get_le32(d + 4));	/* ExpCmdSN, MaxCmdSN */
	fenv_teardown(&E);
}

/* Seed event 4: MaxBurstLength below FirstBurstLength; dump FBL, MBL. */
static void
test_login_event4_burst(void)
{
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	E.peer.local.value[KEYS_MAX_BURST_LENGTH] = "4096";
	E.peer.local.value[KEYS_FIRST_BURST_LENGTH] = "8192";
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
	ev = fenv_event(&E, ISCSI_EV_MAXBURST_NOT_GREATER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	CU_ASSERT_EQUAL(get_le32(d), 8192);
	CU_ASSERT_EQUAL(get_le32(d + 4), 4096);
	fenv_teardown(&E);
}

/* Seed events 61 / 62: No to our Yes (Boolean OR), login failed. */
static void
test_login_event61_62_order(void)
{
	SETUP();
	E.peer.login_override = "DataPDUInOrder=No";
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_DATAPDUINORDER_NO));
	CU_ASSERT_PTR_NULL(fenv_event(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE));
	fenv_teardown(&E);

	SETUP();
	E.peer.login_override = "DataSequenceInOrder=No";
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_DATASEQUENCEINORDER_NO));
	fenv_teardown(&E);
}

/* Seed events 18 / 19: a digest we require answered None. */
static void
test_login_event18_19_digest(void)
{
	struct ini_login_opts o;

	SETUP();
	memset(&o, 0, sizeof(o));
	o.has_header_digest = o.header_digest = true;
	o.has_data_digest = o.data_digest = true;
	E.peer.login_override = "HeaderDigest=None|DataDigest=None";
	CU_ASSERT_EQUAL(fenv_login_opts(&E, &o, NULL), ISDSC_LOGIN_FAILED);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_HEADER_DIGEST_NOT_OFFERED));
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_DATA_DIGEST_NOT_OFFERED));
	fenv_teardown(&E);
}

/* An answer the RFC does not allow (MIN function raised): event 11. */
static void
test_login_bad_answer_event11(void)
{
	SETUP();
	E.peer.login_override = "MaxBurstLength=16777215";
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_INVALID_TEXT_KEY);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE));
	fenv_teardown(&E);
}

/* Seed event 41: no AuthMethod in the security answer. */
static void
test_login_event41_no_authmethod(void)
{
	SETUP();
	E.peer.no_auth_method = true;
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_AUTHENTICATION_FAILURE);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_NO_AUTHMETHOD));
	fenv_teardown(&E);
}

/* Seed event 13: an AuthMethod value nobody knows; dump = the value. */
static void
test_login_event13_unknown_method(void)
{
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	E.peer.auth_answer = "Foo";
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_AUTHENTICATION_FAILURE);
	ev = fenv_event(&E, ISCSI_EV_UNKNOWN_AUTHMETHOD);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(memcmp(d, "Foo", 3), 0);
	fenv_teardown(&E);
}

/* Seed event 38: we require CHAP, the target answers None. */
static void
test_login_event38_target_no_chap(void)
{
	struct ini_login_opts o;

	SETUP();
	memset(&o, 0, sizeof(o));
	o.has_auth = true;
	o.auth_type = INI_AUTH_CHAP;
	o.has_password = true;
	chap_secret_set(&o.password, "TargetSecret123", 15);
	CU_ASSERT_EQUAL(fenv_login_opts(&E, &o, NULL),
	    ISDSC_AUTHENTICATION_FAILURE);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_TARGET_NO_CHAP));
	fenv_teardown(&E);
}

/* Seed event 40: the target answers CHAP to our None. */
static void
test_login_event40_initiator_no_chap(void)
{
	SETUP();
	E.peer.auth_answer = "CHAP";
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_TARGET_AUTHINFO_UNAVAILABLE);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_INITIATOR_NO_CHAP));
	fenv_teardown(&E);
}

/* Seed event 35: a target secret under 12 bytes, never in the dump. */
static void
test_login_event35_short_secret(void)
{
	const struct fenv_event *ev;
	struct ini_login_opts o;
	size_t n;

	SETUP();
	memset(&o, 0, sizeof(o));
	o.has_auth = true;
	o.auth_type = INI_AUTH_CHAP;
	o.has_password = true;
	chap_secret_set(&o.password, "short", 5);
	CU_ASSERT_EQUAL(fenv_login_opts(&E, &o, NULL), ISDSC_SHORT_CHAP_SECRET);
	CU_ASSERT_EQUAL(E.peer.accepts, 0);	/* refused before connecting */
	ev = fenv_event(&E, ISCSI_EV_TARGET_CHAP_SECRET_SHORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(get_le32(ev->dump + EVREC_OFF_UNIQUE_ERROR_VALUE), 5);
	fenv_teardown(&E);
}

/* Seed event 43: no login response in time. */
static void
test_login_event43_timeout(void)
{
	SETUP();
	E.cfg.login_timeout_ms = 200;
	E.peer.silent_login = true;
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_LOGIN_TIMEOUT));
	fenv_teardown(&E);
}

/* Seed event 59: the target drops the connection during login. */
static void
test_login_event59_dropped(void)
{
	SETUP();
	E.peer.close_in_login = true;
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_CONNECTION_FAILED);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_DROPPED_BEFORE_FFP));
	fenv_teardown(&E);
}

static bool
bad_itt_hook(struct fpeer *f, const struct pdu *p)
{
	struct pdu r;

	if (p->opcode != PDU_OP_LOGIN_REQ)
		return false;
	pdu_init(&r, PDU_OP_LOGIN_RSP);
	r.itt = p->itt + 1;
	memcpy(r.u.login_rsp.isid, p->u.login_req.isid, 6);
	fpeer_fill_sn(f, &r.u.login_rsp.statsn, &r.u.login_rsp.expcmdsn,
	    &r.u.login_rsp.maxcmdsn);
	fpeer_send(f, &r);
	return true;
}

/* Seed event 11: a response with another ITT; the whole PDU dumped. */
static void
test_login_event11_invalid(void)
{
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;

	SETUP();
	E.peer.hook = bad_itt_hook;
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
	ev = fenv_event(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(d[0], PDU_OP_LOGIN_RSP);
	fenv_teardown(&E);
}

static bool
authmethod_twice_hook(struct fpeer *f, const struct pdu *p)
{
	static const char twice[] = "AuthMethod=None\0AuthMethod=None";
	struct pdu r;

	if (p->opcode != PDU_OP_LOGIN_REQ)
		return false;
	pdu_init(&r, PDU_OP_LOGIN_RSP);
	r.itt = p->itt;
	memcpy(r.u.login_rsp.isid, p->u.login_req.isid, 6);
	r.u.login_rsp.transit = p->u.login_req.transit;
	r.u.login_rsp.nsg = p->u.login_req.nsg;
	fpeer_fill_sn(f, &r.u.login_rsp.statsn, &r.u.login_rsp.expcmdsn,
	    &r.u.login_rsp.maxcmdsn);
	pdu_set_data(&r, twice, sizeof(twice));
	fpeer_send(f, &r);
	return true;
}

/* RFC 7143 6.2: AuthMethod answered twice is an invalid response (event
 * 11, ISDSC_INVALID_TEXT_KEY), not a target that requires CHAP (40). */
static void
test_login_repeated_authmethod(void)
{
	SETUP();
	E.peer.hook = authmethod_twice_hook;
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_INVALID_TEXT_KEY);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE), 1);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INITIATOR_NO_CHAP), 0);
	fenv_teardown(&E);
}

static bool
big_login_rsp_hook(struct fpeer *f, const struct pdu *p)
{
	static uint8_t data[8192 + 4];
	struct pdu r;

	if (p->opcode != PDU_OP_LOGIN_REQ)
		return false;
	memset(data, 0, sizeof(data));
	pdu_init(&r, PDU_OP_LOGIN_RSP);
	r.itt = p->itt;
	memcpy(r.u.login_rsp.isid, p->u.login_req.isid, 6);
	fpeer_fill_sn(f, &r.u.login_rsp.statsn, &r.u.login_rsp.expcmdsn,
	    &r.u.login_rsp.maxcmdsn);
	pdu_set_data(&r, data, sizeof(data));
	fpeer_send(f, &r);
	return true;
}

/* RFC 7143 6.3: the default MaxRecvDataSegmentLength (8192) during login:
 * a longer Login Response is event 21 and the login fails. */
static void
test_login_event21_login_mrdsl(void)
{
	SETUP();
	E.peer.hook = big_login_rsp_hook;
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_DATA_SEGMENT_TOO_LONG), 1);
	CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE), 0);
	fenv_teardown(&E);
}

/* RFC 7143 11.13.5: an undefined Status-Class, and class 0 with a
 * detail, are invalid responses: event 11, ISDSC_LOGIN_FAILED, no 10. */
static void
test_login_event11_bad_status(void)
{
	static const uint8_t st[][2] = { { 0x00, 0x05 }, { 0x07, 0x00 } };
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t i, n;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		SETUP();
		E.peer.login_class = st[i][0];
		E.peer.login_detail = st[i][1];
		CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_LOGIN_FAILED);
		ev = fenv_event(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		d = fenv_data(ev, &n);
		CU_ASSERT_EQUAL(d[36], st[i][0]);
		CU_ASSERT_EQUAL(d[37], st[i][1]);
		CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_LOGIN_FAILED), 0);
		fenv_teardown(&E);
	}
}

/* Seed event 1: connection refused, address and port in the dump. */
static void
test_login_event1_refused(void)
{
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;
	uint16_t port;

	SETUP();
	port = E.peer.port;
	fpeer_stop(&E.peer);
	CU_ASSERT_EQUAL(fenv_login(&E, NULL), ISDSC_CONNECTION_FAILED);
	ev = fenv_event(&E, ISCSI_EV_CONNECT_FAILED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	CU_ASSERT_EQUAL(d[0], EVREC_ADDRESS_TYPE_IP);
	CU_ASSERT_EQUAL(get_be16(d + 2), port);
	CU_ASSERT_EQUAL(get_be32(d + 4), 0x7f000001);
	CU_ASSERT_EQUAL(ev->status, catalog_ntstatus_from_errno(ECONNREFUSED));
	fenv_teardown(&E);
}

/* A bounded connect: a listener whose accept queue is full drops our SYN;
 * after connect_timeout_ms event 1 with STATUS_IO_TIMEOUT. */
static void
test_login_connect_timeout(void)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	const struct fenv_event *ev;
	struct ini_login_req req;
	int lfd, c[3], i;

	SETUP();
	E.cfg.connect_timeout_ms = 300;
	fenv_node(&E);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	CU_ASSERT_EQUAL_FATAL(listen(lfd, 0), 0);
	getsockname(lfd, (struct sockaddr *)&a, &alen);
	for (i = 0; i < 3; i++) {	/* fill the accept queue */
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		(void)connect(c[i], (struct sockaddr *)&a, sizeof(a));
	}
	usleep(50000);
	memset(&req, 0, sizeof(req));
	req.target = "iqn.2024-01.org.example:fake";
	req.host = "127.0.0.1";
	req.port = ntohs(a.sin_port);
	CU_ASSERT_EQUAL(ini_login(E.node, &req, NULL), ISDSC_CONNECTION_FAILED);
	ev = fenv_event(&E, ISCSI_EV_CONNECT_FAILED);
	CU_ASSERT_PTR_NOT_NULL(ev);
	if (ev != NULL)
		CU_ASSERT_EQUAL(ev->status,
		    catalog_ntstatus_from_errno(ETIMEDOUT));
	for (i = 0; i < 3; i++)
		close(c[i]);
	close(lfd);
	fenv_teardown(&E);
}

static CU_TestInfo login_tests[] = {
	{ "rfc7143_6_3_login_none", test_login_none_ok },
	{ "rfc7143_11_13_5_status_to_isdsc_event10", test_login_status_isdsc },
	{ "rfc7143_11_13_5_redirect_temporary_seed000",
	    test_login_redirect_temporary },
	{ "redirect_hop_limit", test_login_redirect_hop_limit },
	{ "seed_event12_invalid_redirect", test_login_redirect_invalid },
	{ "seed_event3_maxcmdsn", test_login_event3_window },
	{ "seed_event4_burst_order", test_login_event4_burst },
	{ "seed_event61_62_order", test_login_event61_62_order },
	{ "seed_event18_19_digest_refused", test_login_event18_19_digest },
	{ "rfc7143_6_2_2_bad_answer_event11", test_login_bad_answer_event11 },
	{ "seed_event41_no_authmethod", test_login_event41_no_authmethod },
	{ "seed_event13_unknown_authmethod", test_login_event13_unknown_method },
	{ "seed_event38_target_no_chap", test_login_event38_target_no_chap },
	{ "seed_event40_initiator_no_chap", test_login_event40_initiator_no_chap },
	{ "seed_event35_short_target_secret", test_login_event35_short_secret },
	{ "seed_event43_login_timeout", test_login_event43_timeout },
	{ "seed_event59_dropped_in_login", test_login_event59_dropped },
	{ "seed_event11_invalid_response", test_login_event11_invalid },
	{ "rfc7143_11_13_5_bad_status_event11", test_login_event11_bad_status },
	{ "rfc7143_6_3_login_mrdsl_event21", test_login_event21_login_mrdsl },
	{ "rfc7143_6_2_repeated_authmethod_event11",
	    test_login_repeated_authmethod },
	{ "seed_event1_connect_refused", test_login_event1_refused },
	{ "seed_event1_connect_timeout", test_login_connect_timeout },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("initiator", "login", login_tests)
