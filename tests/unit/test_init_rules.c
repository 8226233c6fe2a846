/*
 * Initiator rules without a network: the seed's login-option merge rules,
 * node name and CHAP secret rules (events 36), targets and portals,
 * SAM LUN encoding, ISDSC names, the CLI argument helpers.
 */
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "ini_internal.h"
#include "unit.h"

static void
opts(struct ini_login_opts *o, uint32_t flags, int auth, const char *user,
    const char *pw)
{
	memset(o, 0, sizeof(*o));
	if (flags != 0) {
		o->has_login_flags = true;
		o->login_flags = flags;
	}
	if (auth >= 0) {
		o->has_auth = true;
		o->auth_type = (enum ini_auth_type)auth;
	}
	if (user != NULL) {
		o->has_username = true;
		snprintf(o->username, sizeof(o->username), "%s", user);
	}
	if (pw != NULL) {
		o->has_password = true;
		chap_secret_set(&o->password, pw, strlen(pw));
	}
}

/* Seed rule 1: A over B over C, field by field. */
static void
test_merge_precedence(void)
{
	struct ini_login_opts a, b, c, r;

	opts(&a, 0, -1, NULL, NULL);
	opts(&b, 0x2, -1, NULL, NULL);
	opts(&c, 0x1, -1, NULL, NULL);
	c.has_time2wait = true;
	c.time2wait = 7;
	b.has_header_digest = true;
	b.header_digest = true;
	a.has_header_digest = true;
	a.header_digest = false;
	ini_login_opts_merge(&a, &b, &c, &r);
	CU_ASSERT_TRUE(r.has_login_flags);
	CU_ASSERT_EQUAL(r.login_flags, 0x2);		/* B over C */
	CU_ASSERT_TRUE(r.has_header_digest);
	CU_ASSERT_FALSE(r.header_digest);		/* A over B */
	CU_ASSERT_TRUE(r.has_time2wait);
	CU_ASSERT_EQUAL(r.time2wait, 7);		/* only C has it */
	CU_ASSERT_FALSE(r.has_data_digest);		/* nobody: '*' */
	ini_login_opts_merge(NULL, NULL, NULL, &r);
	CU_ASSERT_FALSE(r.has_login_flags);
}

/* Seed rule 2: AuthType, Username, Password as one unit, from the first
 * source whose AuthType is not ISCSI_NO_AUTH_TYPE. */
static void
test_merge_auth_unit(void)
{
	struct ini_login_opts a, b, c, r;

	opts(&a, 0, INI_AUTH_NONE, "userA", NULL);
	opts(&b, 0, INI_AUTH_CHAP, "userB", "SecretOfB-123");
	opts(&c, 0, INI_AUTH_MUTUAL_CHAP, "userC", "SecretOfC-123");
	ini_login_opts_merge(&a, &b, &c, &r);
	CU_ASSERT_EQUAL(r.auth_type, INI_AUTH_CHAP);
	CU_ASSERT_STRING_EQUAL(r.username, "userB");
	CU_ASSERT_EQUAL(r.password.cs_len, 13);
	CU_ASSERT_EQUAL(memcmp(r.password.cs_buf, "SecretOfB-123", 13), 0);
	/* no password in A does not borrow B's: the unit is taken whole */
	opts(&a, 0, INI_AUTH_CHAP, "userA", NULL);
	ini_login_opts_merge(&a, &b, &c, &r);
	CU_ASSERT_STRING_EQUAL(r.username, "userA");
	CU_ASSERT_FALSE(r.has_password);
	/* nobody asks for authentication */
	opts(&a, 0, INI_AUTH_NONE, NULL, NULL);
	opts(&b, 0, -1, "userB", "SecretOfB-123");
	ini_login_opts_merge(&a, &b, NULL, &r);
	CU_ASSERT_FALSE(r.has_auth);
	CU_ASSERT_FALSE(r.has_username);
	CU_ASSERT_FALSE(r.has_password);
}

struct sink {
	unsigned	ids[8];
	size_t		n;
	uint32_t	unique;
	size_t		data_len;
};

static void
sink_fn(void *arg, const struct evrec *ev)
{
	struct sink *s = arg;

	if (s->n < 8)
		s->ids[s->n++] = ev->ev_event->id;
	s->unique = ev->ev_unique_error_value;
	s->data_len = ev->ev_data_len;
}

/* Seed "Node Names" and CHAPSecret rules (event 36: length, no secret). */
static void
test_node_name_and_secret(void)
{
	struct ini_node *n = ini_node_new(NULL, NULL);
	struct sink sk;

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	memset(&sk, 0, sizeof(sk));
	ini_node_set_event_sink(n, sink_fn, &sk);
	CU_ASSERT_EQUAL(strncmp(ini_node_name(n), "iqn.1991-05.com.microsoft:",
	    26), 0);
	CU_ASSERT_EQUAL(ini_node_name_set(n, "IQN.2024-01.Org.Example:Host"),
	    INI_ISDSC_OK);
	CU_ASSERT_STRING_EQUAL(ini_node_name(n), "iqn.2024-01.org.example:host");
	CU_ASSERT_EQUAL(ini_node_name_set(n, "bad_name"),
	    ISDSC_INVALID_ISCSI_NAME);
	CU_ASSERT_EQUAL(ini_node_name_set(n, "*"), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(strncmp(ini_node_name(n), "iqn.1991-05.com.microsoft:",
	    26), 0);
	CU_ASSERT_EQUAL(ini_chap_secret_set(n, "short"), ISDSC_SHORT_CHAP_SECRET);
	CU_ASSERT_FALSE(ini_chap_secret_is_set(n));
	CU_ASSERT_EQUAL(sk.n, 1);
	CU_ASSERT_EQUAL(sk.ids[0], ISCSI_EV_INITIATOR_CHAP_SECRET_SHORT);
	CU_ASSERT_EQUAL(sk.unique, 5);			/* the length */
	CU_ASSERT_EQUAL(sk.data_len, 0);		/* never the secret */
	CU_ASSERT_EQUAL(ini_chap_secret_set(n, "0x00112233445566778899aabb"),
	    INI_ISDSC_OK);
	CU_ASSERT_TRUE(ini_chap_secret_is_set(n));
	CU_ASSERT_EQUAL(ini_chap_secret_set(n, "0xzz"),
	    ISDSC_INVALID_INITIATOR_CHAP_SECRET);
	CU_ASSERT_EQUAL(ini_chap_secret_set(n, "*"), INI_ISDSC_OK);
	CU_ASSERT_FALSE(ini_chap_secret_is_set(n));
	ini_node_free(n);
}

/* AddTarget / RemoveTarget; hidden static targets are not reported. */
static void
test_targets(void)
{
	struct ini_node *n = ini_node_new(NULL, NULL);
	struct ini_target_info t;

	CU_ASSERT_EQUAL(ini_target_add(n, "iqn.2024-01.org.example:A", "alias",
	    "127.0.0.1", 3261, 0, NULL), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_target_add(n, "iqn.2024-01.org.example:a", NULL,
	    NULL, 0, 0, NULL), ISDSC_TARGET_ALREADY_EXISTS);
	CU_ASSERT_EQUAL(ini_target_add(n, "not a name", NULL, NULL, 0, 0, NULL),
	    ISDSC_INVALID_ISCSI_NAME);
	CU_ASSERT_EQUAL(ini_target_add(n, "iqn.2024-01.org.example:hidden", NULL,
	    NULL, 0, INI_TARGET_FLAG_HIDE_STATIC_TARGET, NULL), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_target_count(n), 1);
	CU_ASSERT_TRUE(ini_target_at(n, 0, &t));
	CU_ASSERT_STRING_EQUAL(t.name, "iqn.2024-01.org.example:a");
	CU_ASSERT_EQUAL(t.static_portal.port, 3261);
	CU_ASSERT_EQUAL(ini_target_remove(n, "iqn.2024-01.org.example:a"),
	    INI_ISDSC_OK);
	CU_ASSERT_EQUAL(ini_target_remove(n, "iqn.2024-01.org.example:a"),
	    ISDSC_TARGET_NOT_FOUND);
	CU_ASSERT_EQUAL(ini_portal_remove(n, "127.0.0.1", 3260),
	    ISDSC_PORTAL_NOT_FOUND);
	ini_node_free(n);
}

/* SAM-5 4.7: peripheral (0-255) and flat (256-16383) LUNs. */
static void
test_lun_encoding(void)
{
	CU_ASSERT_EQUAL(ini_lun_encode(0), 0);
	CU_ASSERT_EQUAL(ini_lun_encode(1), 0x0001000000000000ull);
	CU_ASSERT_EQUAL(ini_lun_encode(300), 0x412c000000000000ull);
	CU_ASSERT_EQUAL(ini_lun_decode(0x412c000000000000ull), 300);
	CU_ASSERT_EQUAL(ini_lun_decode(0x0005000000000000ull), 5);
	CU_ASSERT_EQUAL(ini_lun_encode(0x0102030405060708ull),
	    0x0102030405060708ull);
}

static void
test_isdsc_names(void)
{
	CU_ASSERT_STRING_EQUAL(ini_isdsc_name(0), "SUCCESS");
	CU_ASSERT_STRING_EQUAL(ini_isdsc_name(ISDSC_AUTHENTICATION_FAILURE),
	    "ISDSC_AUTHENTICATION_FAILURE");
	CU_ASSERT_STRING_EQUAL(ini_isdsc_text(ISDSC_CONNECTION_FAILED),
	    "Connection Failed");
	CU_ASSERT_STRING_EQUAL(ini_isdsc_name(0x12345678), "UNKNOWN");
}

/* State and event names of the three machines. */
static void
test_fsm_names(void)
{
	CU_ASSERT_STRING_EQUAL(ini_conn_state_name(INI_S5_LOGGED_IN),
	    "S5 LOGGED_IN");
	CU_ASSERT_STRING_EQUAL(ini_conn_event_name(INI_CEV_TRANSPORT_LOST),
	    "TRANSPORT_LOST");
	CU_ASSERT_STRING_EQUAL(ini_sess_state_name(INI_Q4_FAILED), "Q4 FAILED");
	CU_ASSERT_STRING_EQUAL(ini_sess_event_name(INI_SEV_TIME2WAIT),
	    "TIME2WAIT");
	CU_ASSERT_STRING_EQUAL(ini_login_state_name(INI_LS_SEC_CHAP_A),
	    "SEC_CHAP_A");
	CU_ASSERT_STRING_EQUAL(ini_conn_event_name(INI_CEV_COUNT), "unknown");
}

/* Seed appendix C: '*' defaults, decimal or 0x hex; script words. */
static void
test_cli_args(void)
{
	char line[] = "  LoginTarget \"iqn.x:a b\" * 0x10 # comment";
	char *w[8], host[64];
	uint64_t v;
	uint16_t port;

	CU_ASSERT_TRUE(cli_parse_u64("0x1F", 255, &v));
	CU_ASSERT_EQUAL(v, 31);
	CU_ASSERT_TRUE(cli_parse_u64("42", 255, &v));
	CU_ASSERT_FALSE(cli_parse_u64("256", 255, &v));
	CU_ASSERT_FALSE(cli_parse_u64("-1", UINT64_MAX, &v));
	CU_ASSERT_FALSE(cli_parse_u64("0x", 255, &v));
	CU_ASSERT_FALSE(cli_parse_u64("12a", 255, &v));
	CU_ASSERT_TRUE(cli_is_default("*"));
	CU_ASSERT_EQUAL(cli_tokenize(line, w, 8), 4);
	CU_ASSERT_STRING_EQUAL(w[1], "iqn.x:a b");
	CU_ASSERT_STRING_EQUAL(w[3], "0x10");
	CU_ASSERT_TRUE(cli_split_portal("10.0.0.1:3261", host, sizeof(host),
	    &port));
	CU_ASSERT_STRING_EQUAL(host, "10.0.0.1");
	CU_ASSERT_EQUAL(port, 3261);
	CU_ASSERT_TRUE(cli_split_portal("[::1]:99", host, sizeof(host), &port));
	CU_ASSERT_STRING_EQUAL(host, "::1");
	CU_ASSERT_EQUAL(port, 99);
	CU_ASSERT_TRUE(cli_split_portal("fe80::1", host, sizeof(host), &port));
	CU_ASSERT_EQUAL(port, 0);
	CU_ASSERT_FALSE(cli_split_portal("h:0", host, sizeof(host), &port));
}

static CU_TestInfo rules_tests[] = {
	{ "seed_merge_rule1_precedence", test_merge_precedence },
	{ "seed_merge_rule2_auth_unit", test_merge_auth_unit },
	{ "seed_node_name_chapsecret_event36", test_node_name_and_secret },
	{ "seed_static_targets", test_targets },
	{ "sam5_lun_encoding", test_lun_encoding },
	{ "isdsc_names", test_isdsc_names },
	{ "fsm_names", test_fsm_names },
	{ "seed_appc_cli_args", test_cli_args },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("initiator", "rules", rules_tests)
