/*
 * Initiator CHAP (RFC 7143 12.1.3, seed authentication types 1 and 2)
 * against the fake target: one-way and mutual, the CHAP_A preference list
 * with MD5 always offered, and the seed events 14, 15, 16, 17, 33 with
 * their dump data.
 */
#include <string.h>

#include "binval.h"
#include "catalog.h"
#include "test_init_peer.h"
#include "unit.h"

static struct fenv E;

#define SETUP()	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0)
#define TSECRET	"TargetSecret-1"
#define MSECRET	"MutualSecret-9"

static uint32_t
chap_login(enum ini_auth_type type, const char *pw)
{
	struct ini_login_opts o;

	memset(&o, 0, sizeof(o));
	o.has_auth = true;
	o.auth_type = type;
	o.has_username = true;
	snprintf(o.username, sizeof(o.username), "user1");
	o.has_password = true;
	chap_secret_set(&o.password, pw, strlen(pw));
	return fenv_login_opts(&E, &o, NULL);
}

static void
peer_chap(void)
{
	E.peer.chap = true;
	E.peer.chap_secret = TSECRET;
	E.peer.mutual_secret = MSECRET;
}

/* One-way CHAP: the target checks our CHAP_R; CHAP_A is "5" by default. */
static void
test_chap_one_way(void)
{
	SETUP();
	peer_chap();
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_CHAP, TSECRET), INI_ISDSC_OK);
	CU_ASSERT_TRUE(E.peer.chap_ok);
	CU_ASSERT_STRING_EQUAL(E.peer.chap_offer, "5");
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

/* The preference list is offered in order, MD5 always added (issue 4). */
static void
test_chap_alg_preference(void)
{
	SETUP();
	peer_chap();
	E.cfg.chap_algorithms = "7,6";
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_CHAP, TSECRET), INI_ISDSC_OK);
	CU_ASSERT_STRING_EQUAL(E.peer.chap_offer, "7,6,5");
	fenv_teardown(&E);
}

/* A wrong secret: status 0x0201, event 10, no event 40 (we had CHAP). */
static void
test_chap_wrong_secret(void)
{
	SETUP();
	peer_chap();
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_CHAP, "WrongSecret-00"),
	    ISDSC_AUTHENTICATION_FAILURE);
	CU_ASSERT_FALSE(E.peer.chap_ok);
	CU_ASSERT_PTR_NOT_NULL(fenv_event(&E, ISCSI_EV_LOGIN_FAILED));
	CU_ASSERT_PTR_NULL(fenv_event(&E, ISCSI_EV_INITIATOR_NO_CHAP));
	fenv_teardown(&E);
}

/* Mutual CHAP: we verify the target's answer to our challenge. */
static void
test_chap_mutual(void)
{
	SETUP();
	peer_chap();
	fenv_node(&E);
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_MUTUAL_CHAP, TSECRET),
	    ISDSC_INVALID_INITIATOR_CHAP_SECRET);	/* no CHAPSecret yet */
	CU_ASSERT_EQUAL(E.peer.accepts, 0);
	CU_ASSERT_EQUAL(ini_chap_secret_set(E.node, TSECRET), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_MUTUAL_CHAP, TSECRET),
	    ISDSC_INVALID_CHAP_SECRET);		/* the same both ways */
	CU_ASSERT_EQUAL(ini_chap_secret_set(E.node, MSECRET), INI_ISDSC_OK);
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_MUTUAL_CHAP, TSECRET), INI_ISDSC_OK);
	CU_ASSERT_TRUE(E.peer.chap_ok);
	CU_ASSERT_EQUAL(E.nev, 0);
	fenv_teardown(&E);
}

/* Seed event 17: the target's CHAP_R does not match; dump = CHAP_R. */
static void
test_chap_event17(void)
{
	const struct fenv_event *ev;
	const uint8_t *d;
	size_t n;
	static const char bad[] = "0x0123456789abcdef0123456789abcdef";

	SETUP();
	peer_chap();
	E.peer.chap_r = bad;
	fenv_node(&E);
	ini_chap_secret_set(E.node, MSECRET);
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_MUTUAL_CHAP, TSECRET),
	    ISDSC_AUTHENTICATION_FAILURE);
	ev = fenv_event(&E, ISCSI_EV_CHAP_RESPONSE_MISMATCH);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, strlen(bad));
	CU_ASSERT_EQUAL(memcmp(d, bad, n), 0);
	fenv_teardown(&E);
}

static void
expect_text_event(unsigned id, const char *dump)
{
	const struct fenv_event *ev = fenv_event(&E, id);
	const uint8_t *d;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	d = fenv_data(ev, &n);
	CU_ASSERT_EQUAL(n, strlen(dump));
	CU_ASSERT_EQUAL(memcmp(d, dump, n), 0);
	CU_ASSERT_EQUAL(ev->status, ISDSC_AUTHENTICATION_FAILURE);
}

/* Seed events 14 (CHAP_A), 15 (CHAP_C characters), 16 (key=value). */
static void
test_chap_events14_15_16(void)
{
	SETUP();
	peer_chap();
	E.peer.chap_a = "99";
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_CHAP, TSECRET),
	    ISDSC_AUTHENTICATION_FAILURE);
	expect_text_event(ISCSI_EV_UNKNOWN_CHAP_ALGORITHM, "99");
	fenv_teardown(&E);

	SETUP();
	peer_chap();
	E.peer.chap_c = "0x00zz11";
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_CHAP, TSECRET),
	    ISDSC_AUTHENTICATION_FAILURE);
	expect_text_event(ISCSI_EV_INVALID_CHAP_CHALLENGE, "0x00zz11");
	fenv_teardown(&E);

	SETUP();
	peer_chap();
	E.peer.chap_i = "300";
	CU_ASSERT_EQUAL(chap_login(INI_AUTH_CHAP, TSECRET),
	    ISDSC_AUTHENTICATION_FAILURE);
	expect_text_event(ISCSI_EV_INVALID_CHAP_KEY, "CHAP_I=300");
	fenv_teardown(&E);
}

/* Seed event 33: a challenge over 1024 bytes, base64 and hex (the hex
 * text is longer than a CHAP_C can legally be: still event 33). */
static void
test_chap_event33(void)
{
	static uint8_t big[1025];
	static char text[2100];
	int enc;

	for (enc = 0; enc < 2; enc++) {
		SETUP();
		peer_chap();
		memset(big, 0xa5, sizeof(big));
		CU_ASSERT_FATAL(binval_encode(big, sizeof(big), enc == 0 ?
		    BINVAL_BASE64 : BINVAL_HEX, text, sizeof(text)) > 0);
		E.peer.chap_c = text;
		CU_ASSERT_EQUAL(chap_login(INI_AUTH_CHAP, TSECRET),
		    ISDSC_AUTHENTICATION_FAILURE);
		CU_ASSERT_PTR_NOT_NULL(fenv_event(&E,
		    ISCSI_EV_CHAP_CHALLENGE_TOO_LONG));
		CU_ASSERT_EQUAL(fenv_count(&E, ISCSI_EV_INVALID_LOGIN_RESPONSE),
		    0);
		fenv_teardown(&E);
	}
}

static CU_TestInfo chap_tests[] = {
	{ "rfc7143_12_1_3_one_way", test_chap_one_way },
	{ "issue4_chap_a_preference_md5_always", test_chap_alg_preference },
	{ "wrong_secret_event10", test_chap_wrong_secret },
	{ "seed_authtype2_mutual", test_chap_mutual },
	{ "seed_event17_response_mismatch", test_chap_event17 },
	{ "seed_events14_15_16", test_chap_events14_15_16 },
	{ "seed_event33_challenge_too_long", test_chap_event33 },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("initiator", "chap", chap_tests)
