/*
 * CHAP (RFC 1994 4.1 as profiled by RFC 7143 12.1.3, rules of RFC 7143
 * 9.2.1) and the seed 004 CHAP events / ISDSC codes.
 *
 * Known answers: computed independently with Python's hashlib,
 *   hashlib.new(alg, bytes([0x5a]) + b"iscsi-bench-secret"
 *       + bytes(range(16))).hexdigest()
 * for alg in md5, sha1, sha256, sha3_256, and base64.b64encode() of the
 * digest for the 0b forms.
 */
#include <string.h>

#include "unit.h"
#include "chap.h"

#define KAT_ID		0x5a
#define KAT_SECRET	"iscsi-bench-secret"

static const uint8_t kat_challenge[16] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
};

static const struct {
	enum chap_alg	 alg;
	size_t		 len;
	const char	*hex;
} kat[] = {
	{ CHAP_ALG_MD5, 16, "0x98627b508e640b3d815f5dab2dbfd304" },
	{ CHAP_ALG_SHA1, 20, "0x128ebba618f6b6ae263f97ccd05529b9413033bd" },
	{ CHAP_ALG_SHA256, 32, "0x0c7cfd9ebb981e78f050465526fc653d"
	    "263c516685b55b2b1dc7fe42ab80d215" },
	{ CHAP_ALG_SHA3_256, 32, "0x6321f5226c1b83d8a561367ccbfd7f9b"
	    "0f858522d075d822df40be8f90a737e4" },
};

static int
kat_response(enum chap_alg alg, uint8_t id, uint8_t *out, size_t *outlen)
{
	return chap_response(alg, id, (const uint8_t *)KAT_SECRET,
	    strlen(KAT_SECRET), kat_challenge, sizeof(kat_challenge), out,
	    CHAP_DIGEST_MAX, outlen);
}

/* IANA PPP Authentication Algorithms: 5 MD5, 6 SHA1, 7 SHA-256, 8 SHA3-256. */
static void
test_algorithms(void)
{
	enum chap_alg a = CHAP_ALG_NONE;

	CU_ASSERT_EQUAL(CHAP_ALG_MD5, 5);
	CU_ASSERT_EQUAL(CHAP_ALG_SHA1, 6);
	CU_ASSERT_EQUAL(CHAP_ALG_SHA256, 7);
	CU_ASSERT_EQUAL(CHAP_ALG_SHA3_256, 8);
	CU_ASSERT_EQUAL(chap_digest_len(CHAP_ALG_MD5), 16);
	CU_ASSERT_EQUAL(chap_digest_len(CHAP_ALG_SHA1), 20);
	CU_ASSERT_EQUAL(chap_digest_len(CHAP_ALG_SHA256), 32);
	CU_ASSERT_EQUAL(chap_digest_len(CHAP_ALG_SHA3_256), 32);
	CU_ASSERT_EQUAL(chap_digest_len(9), 0);
	CU_ASSERT_STRING_EQUAL(chap_alg_name(CHAP_ALG_SHA3_256), "SHA3-256");
	CU_ASSERT_PTR_NULL(chap_alg_name(4));
	CU_ASSERT(chap_alg_known(5) && !chap_alg_known(0) && !chap_alg_known(128));
	CU_ASSERT(chap_alg_available(CHAP_ALG_SHA256));
	CU_ASSERT(!chap_alg_available(9));
	CU_ASSERT_EQUAL(chap_alg_from_name("sha-256", &a), CHAP_OK);
	CU_ASSERT_EQUAL(a, CHAP_ALG_SHA256);
	CU_ASSERT_EQUAL(chap_alg_from_name("Sha1", &a), CHAP_OK);
	CU_ASSERT_EQUAL(a, CHAP_ALG_SHA1);
	CU_ASSERT_EQUAL(chap_alg_from_name("SHA512", &a), CHAP_EALG);
}

/* RFC 1994 4.1: Response = H(Identifier || secret || Challenge). */
static void
test_known_answers(void)
{
	uint8_t got[CHAP_DIGEST_MAX], want[CHAP_DIGEST_MAX];
	size_t i, n, wn;

	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		n = 0;
		CU_ASSERT_EQUAL_FATAL(kat_response(kat[i].alg, KAT_ID, got, &n),
		    CHAP_OK);
		CU_ASSERT_EQUAL(n, kat[i].len);
		CU_ASSERT_EQUAL_FATAL(binval_decode(kat[i].hex,
		    strlen(kat[i].hex), want, sizeof(want), &wn, NULL, NULL),
		    BINVAL_OK);
		CU_ASSERT_EQUAL(wn, kat[i].len);
		CU_ASSERT(memcmp(got, want, wn) == 0);
	}
}

/*
 * RFC 1994 4.1 ordering: the identifier byte comes first.  MD5 over
 * secret || identifier || challenge (hashlib) is
 * 1a4a670c67bd4b9988b801cb5fe310c5, which must not be what we produce.
 */
static void
test_ordering(void)
{
	uint8_t got[CHAP_DIGEST_MAX];
	char txt[80];
	size_t n;

	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_MD5, KAT_ID, got, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_value_encode(got, n, BINVAL_HEX, txt, sizeof(txt)), 34);
	CU_ASSERT_STRING_NOT_EQUAL(txt, "0x1a4a670c67bd4b9988b801cb5fe310c5");
	CU_ASSERT_STRING_EQUAL(txt, "0x98627b508e640b3d815f5dab2dbfd304");
	/* another identifier, another digest (hashlib: id 0x5b) */
	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_MD5, 0x5b, got, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_value_encode(got, n, BINVAL_HEX, txt, sizeof(txt)), 34);
	CU_ASSERT_STRING_EQUAL(txt, "0x71d43264988d10c7114a60c9898e93dd");
	/* output buffer smaller than the digest */
	CU_ASSERT_EQUAL(chap_response(CHAP_ALG_SHA256, 1, (const uint8_t *)"x", 1,
	    kat_challenge, 16, got, 31, &n), CHAP_EBUFSZ);
}

/* RFC 7143 6.1 / 12.1.3: CHAP_R as 0x hex and 0b base64, both verified. */
static void
test_encodings(void)
{
	uint8_t got[CHAP_DIGEST_MAX];
	char txt[80];
	size_t n;
	const uint8_t *sec = (const uint8_t *)KAT_SECRET;
	size_t slen = strlen(KAT_SECRET);

	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_MD5, KAT_ID, got, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_value_encode(got, n, BINVAL_BASE64, txt,
	    sizeof(txt)), 26);
	CU_ASSERT_STRING_EQUAL(txt, "0bmGJ7UI5kCz2BX12rLb/TBA==");
	CU_ASSERT_EQUAL(chap_value_encode(got, n, BINVAL_HEX, txt, 34), CHAP_EBUFSZ);
	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_SHA256, KAT_ID, got, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_value_encode(got, n, BINVAL_BASE64, txt,
	    sizeof(txt)), 46);
	CU_ASSERT_STRING_EQUAL(txt, "0bDHz9nruYHnjwUEZVJvxlPSY8UWaFtVsrHcf+QquA0hU=");

	CU_ASSERT_EQUAL(chap_verify_text(CHAP_ALG_MD5, KAT_ID, sec, slen,
	    kat_challenge, 16, "0bmGJ7UI5kCz2BX12rLb/TBA==", 26), CHAP_OK);
	/* hex digits are case-insensitive (RFC 7143 6.1) */
	CU_ASSERT_EQUAL(chap_verify_text(CHAP_ALG_MD5, KAT_ID, sec, slen,
	    kat_challenge, 16, "0X98627B508E640B3D815F5DAB2DBFD304", 34), CHAP_OK);
	CU_ASSERT_EQUAL(chap_verify_text(CHAP_ALG_SHA256, KAT_ID, sec, slen,
	    kat_challenge, 16, "0bDHz9nruYHnjwUEZVJvxlPSY8UWaFtVsrHcf+QquA0hU=",
	    46), CHAP_OK);
	CU_ASSERT_EQUAL(chap_verify_text(CHAP_ALG_MD5, KAT_ID, sec, slen,
	    kat_challenge, 16, "98627b508e640b3d815f5dab2dbfd304", 32),
	    CHAP_EENCODING);
	CU_ASSERT_EQUAL(chap_verify_text(CHAP_ALG_MD5, KAT_ID, sec, slen,
	    kat_challenge, 16, "0x98627b508e640b3d815f5dab2dbfd30g", 34),
	    CHAP_EENCODING);
}

/* Seed event 17: wrong response length and mismatching response. */
static void
test_verify_errors(void)
{
	uint8_t r[CHAP_DIGEST_MAX];
	size_t n;
	const uint8_t *sec = (const uint8_t *)KAT_SECRET;
	size_t slen = strlen(KAT_SECRET);

	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_MD5, KAT_ID, r, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_verify(CHAP_ALG_MD5, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_verify(CHAP_ALG_MD5, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n - 1), CHAP_ERESPLEN);
	/* an MD5-sized response where SHA-256 was negotiated */
	CU_ASSERT_EQUAL(chap_verify(CHAP_ALG_SHA256, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n), CHAP_ERESPLEN);
	/* 33 bytes of text-encoded response: too long for any digest */
	CU_ASSERT_EQUAL(chap_verify_text(CHAP_ALG_SHA256, KAT_ID, sec, slen,
	    kat_challenge, 16, "0x000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f20", 68), CHAP_ERESPLEN);
	r[15] ^= 0x01;
	CU_ASSERT_EQUAL(chap_verify(CHAP_ALG_MD5, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n), CHAP_EMISMATCH);
	r[15] ^= 0x01;
	/* wrong secret */
	CU_ASSERT_EQUAL(chap_verify(CHAP_ALG_MD5, KAT_ID,
	    (const uint8_t *)"iscsi-bench-secreT", slen, kat_challenge, 16, r, n),
	    CHAP_EMISMATCH);
	/* the wrong algorithm with a same-size digest: SHA3-256 vs SHA-256 */
	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_SHA3_256, KAT_ID, r, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_verify(CHAP_ALG_SHA256, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n), CHAP_EMISMATCH);
}

/* Seed event 17 ("error in interpreting ... CHAP ID"): identifier mismatch. */
static void
test_identifier(void)
{
	uint8_t r[CHAP_DIGEST_MAX], id = 0, used = 0;
	size_t n;
	const uint8_t *sec = (const uint8_t *)KAT_SECRET;
	size_t slen = strlen(KAT_SECRET);

	/* the peer answered with identifier 0x5b instead of 0x5a */
	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_SHA1, 0x5b, r, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_verify(CHAP_ALG_SHA1, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n), CHAP_EMISMATCH);
	CU_ASSERT_EQUAL(chap_diagnose(CHAP_ALG_SHA1, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n, &used), CHAP_EIDMISMATCH);
	CU_ASSERT_EQUAL(used, 0x5b);
	CU_ASSERT_EQUAL(chap_diagnose(CHAP_ALG_SHA1, 0x5b, sec, slen,
	    kat_challenge, 16, r, n, &used), CHAP_OK);
	r[0] ^= 0x80;
	CU_ASSERT_EQUAL(chap_diagnose(CHAP_ALG_SHA1, KAT_ID, sec, slen,
	    kat_challenge, 16, r, n, &used), CHAP_EMISMATCH);

	/* RFC 7143 12.1.3: CHAP_I is a number 0..255 */
	CU_ASSERT_EQUAL(chap_identifier_parse("90", 2, &id), CHAP_OK);
	CU_ASSERT_EQUAL(id, 90);
	CU_ASSERT_EQUAL(chap_identifier_parse("0xff", 4, &id), CHAP_OK);
	CU_ASSERT_EQUAL(id, 255);
	CU_ASSERT_EQUAL(chap_identifier_parse("0", 1, &id), CHAP_OK);
	CU_ASSERT_EQUAL(id, 0);
	CU_ASSERT_EQUAL(chap_identifier_parse("256", 3, &id), CHAP_EIDENT);
	CU_ASSERT_EQUAL(chap_identifier_parse("0x100", 5, &id), CHAP_EIDENT);
	CU_ASSERT_EQUAL(chap_identifier_parse("-1", 2, &id), CHAP_EIDENT);
	CU_ASSERT_EQUAL(chap_identifier_parse("", 0, &id), CHAP_EIDENT);
	CU_ASSERT_EQUAL(chap_identifier_parse("0x", 2, &id), CHAP_EIDENT);
	CU_ASSERT_EQUAL(chap_identifier_parse("12 ", 3, &id), CHAP_EIDENT);
	CU_ASSERT_EQUAL(chap_identifier_parse("99999999999999999999", 20, &id),
	    CHAP_EIDENT);
	CU_ASSERT_EQUAL(chap_identifier_generate(&id), CHAP_OK);
}

/* Seed events 15 and 33, RFC 7143 12.1.3 (1024 bytes) and 9.2.1 (reflection). */
static void
test_challenge(void)
{
	static char big[2 + 2 * 1025 + 1];
	uint8_t out[CHAP_CHALLENGE_MAX], a[16], b[16];
	size_t n = 0, bad = 0;

	CU_ASSERT_EQUAL(chap_challenge_decode("0x00010203", 10, NULL, 0, out,
	    sizeof(out), &n, &bad), CHAP_OK);
	CU_ASSERT(n == 4 && out[3] == 3);
	CU_ASSERT_EQUAL(chap_challenge_decode("0bAAECAw==", 10, NULL, 0, out,
	    sizeof(out), &n, &bad), CHAP_OK);
	CU_ASSERT(n == 4 && out[0] == 0 && out[3] == 3);
	/* event 15: invalid characters, offset of the first one */
	CU_ASSERT_EQUAL(chap_challenge_decode("0x0102zz04", 10, NULL, 0, out,
	    sizeof(out), &n, &bad), CHAP_EENCODING);
	CU_ASSERT_EQUAL(bad, 6);
	CU_ASSERT_EQUAL(chap_challenge_decode("0bAAE*Aw==", 10, NULL, 0, out,
	    sizeof(out), &n, &bad), CHAP_EENCODING);
	CU_ASSERT_EQUAL(bad, 5);
	CU_ASSERT_EQUAL(chap_challenge_decode("01020304", 8, NULL, 0, out,
	    sizeof(out), &n, NULL), CHAP_EENCODING);
	CU_ASSERT_EQUAL(chap_challenge_decode("0x", 2, NULL, 0, out,
	    sizeof(out), &n, NULL), CHAP_EENCODING);
	/* event 33: exactly 1024 bytes pass, 1025 do not */
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '0';
	big[1] = 'x';
	CU_ASSERT_EQUAL(chap_challenge_decode(big, 2 + 2048, NULL, 0, out,
	    sizeof(out), &n, NULL), CHAP_OK);
	CU_ASSERT(n == 1024 && out[1023] == 0xaa);
	CU_ASSERT_EQUAL(chap_challenge_decode(big, 2 + 2050, NULL, 0, out,
	    sizeof(out), &n, NULL), CHAP_ECHALLTOOLONG);
	/* a valid challenge that does not fit the caller's buffer */
	CU_ASSERT_EQUAL(chap_challenge_decode("0x00010203", 10, NULL, 0, out, 3,
	    &n, NULL), CHAP_EBUFSZ);
	/* RFC 7143 9.2.1: the challenge we sent, reflected back */
	CU_ASSERT_EQUAL(chap_challenge_decode("0x00010203", 10,
	    (const uint8_t *)"\x00\x01\x02\x03", 4, out, sizeof(out), &n, NULL),
	    CHAP_EREFLECT);
	CU_ASSERT_EQUAL(chap_challenge_decode("0bAAECAw==", 10,
	    (const uint8_t *)"\x00\x01\x02\x03", 4, out, sizeof(out), &n, NULL),
	    CHAP_EREFLECT);
	CU_ASSERT_EQUAL(chap_challenge_decode("0x00010204", 10,
	    (const uint8_t *)"\x00\x01\x02\x03", 4, out, sizeof(out), &n, NULL),
	    CHAP_OK);
	CU_ASSERT_EQUAL(chap_challenge_decode("0x0001020300", 12,
	    (const uint8_t *)"\x00\x01\x02\x03", 4, out, sizeof(out), &n, NULL),
	    CHAP_OK);

	/* generation: RAND_bytes, default length = digest length */
	CU_ASSERT_EQUAL(chap_challenge_default_len(CHAP_ALG_MD5), 16);
	CU_ASSERT_EQUAL(chap_challenge_default_len(CHAP_ALG_SHA1), 20);
	CU_ASSERT_EQUAL(chap_challenge_default_len(CHAP_ALG_SHA3_256), 32);
	CU_ASSERT_EQUAL(chap_challenge_generate(a, sizeof(a)), CHAP_OK);
	CU_ASSERT_EQUAL(chap_challenge_generate(b, sizeof(b)), CHAP_OK);
	CU_ASSERT(memcmp(a, b, sizeof(a)) != 0);	/* 2^-128 chance */
	CU_ASSERT_EQUAL(chap_challenge_generate(out, 0), CHAP_EINVAL);
	CU_ASSERT_EQUAL(chap_challenge_generate(out, 1025), CHAP_ECHALLTOOLONG);
	CU_ASSERT_EQUAL(chap_challenge_generate(out, 1024), CHAP_OK);
}

/* Seed event 14 (unknown algorithm); RFC 7143 6.2.1 list selection. */
static void
test_alg_select(void)
{
	static const enum chap_alg md5_sha256[] = { CHAP_ALG_MD5, CHAP_ALG_SHA256 };
	static const enum chap_alg sha1[] = { CHAP_ALG_SHA1 };
	enum chap_alg a = CHAP_ALG_NONE;
	uint8_t r[CHAP_DIGEST_MAX];
	size_t n;

	CU_ASSERT_EQUAL(chap_alg_select("7,5", 3, md5_sha256, 2,
	    CHAP_ORDER_PEER, &a), CHAP_OK);
	CU_ASSERT_EQUAL(a, CHAP_ALG_SHA256);
	CU_ASSERT_EQUAL(chap_alg_select("7,5", 3, md5_sha256, 2,
	    CHAP_ORDER_LOCAL, &a), CHAP_OK);
	CU_ASSERT_EQUAL(a, CHAP_ALG_MD5);
	/* unknown and non-numeric items are skipped */
	CU_ASSERT_EQUAL(chap_alg_select("129,abc,,0x6", 12, sha1, 1,
	    CHAP_ORDER_PEER, &a), CHAP_OK);
	CU_ASSERT_EQUAL(a, CHAP_ALG_SHA1);
	/* event 14: nothing we support */
	CU_ASSERT_EQUAL(chap_alg_select("9,3", 3, md5_sha256, 2,
	    CHAP_ORDER_PEER, &a), CHAP_EALG);
	CU_ASSERT_EQUAL(chap_alg_select("6", 1, md5_sha256, 2,
	    CHAP_ORDER_LOCAL, &a), CHAP_EALG);
	CU_ASSERT_EQUAL(chap_alg_select("", 0, md5_sha256, 2,
	    CHAP_ORDER_PEER, &a), CHAP_EALG);
	/* a single answer from the target is a one-item list */
	CU_ASSERT_EQUAL(chap_alg_select("5", 1, md5_sha256, 2,
	    CHAP_ORDER_PEER, &a), CHAP_OK);
	CU_ASSERT_EQUAL(a, CHAP_ALG_MD5);
	CU_ASSERT_EQUAL(chap_response(9, 1, (const uint8_t *)"x", 1,
	    kat_challenge, 16, r, sizeof(r), &n), CHAP_EALG);
	CU_ASSERT_EQUAL(chap_verify(0, 1, (const uint8_t *)"x", 1,
	    kat_challenge, 16, r, 16), CHAP_EALG);
}

/* Our CHAP_A offer: preference order kept, MD5 always included. */
static void
test_alg_offer(void)
{
	static const enum chap_alg p1[] = { CHAP_ALG_SHA256, CHAP_ALG_SHA1 };
	static const enum chap_alg p2[] = { CHAP_ALG_MD5, CHAP_ALG_SHA3_256,
	    CHAP_ALG_MD5, 42 };
	char out[32];

	CU_ASSERT_EQUAL(chap_alg_offer(p1, 2, out, sizeof(out)), 5);
	CU_ASSERT_STRING_EQUAL(out, "7,6,5");
	CU_ASSERT_EQUAL(chap_alg_offer(p2, 4, out, sizeof(out)), 3);
	CU_ASSERT_STRING_EQUAL(out, "5,8");
	CU_ASSERT_EQUAL(chap_alg_offer(NULL, 0, out, sizeof(out)), 1);
	CU_ASSERT_STRING_EQUAL(out, "5");
	CU_ASSERT_EQUAL(chap_alg_offer(p1, 2, out, 5), CHAP_EBUFSZ);
	CU_ASSERT_EQUAL(chap_alg_offer(p1, 2, out, 6), 5);
}

/*
 * Seed ISDSC_SHORT_CHAP_SECRET (0xAFFF0048, "less than 96 bits"), events 35
 * (target secret) and 36 (initiator secret); MS initiator secret 12..16.
 */
static void
test_secrets(void)
{
	struct chap_secret s, t;
	size_t i;
	int zero = 1;

	CU_ASSERT_EQUAL(chap_secret_check(11, CHAP_POLICY_RFC), CHAP_ESECRETSHORT);
	CU_ASSERT_EQUAL(chap_secret_check(12, CHAP_POLICY_RFC), CHAP_OK);
	CU_ASSERT_EQUAL(chap_secret_check(11, CHAP_POLICY_MS), CHAP_ESECRETSHORT);
	CU_ASSERT_EQUAL(chap_secret_check(16, CHAP_POLICY_MS), CHAP_OK);
	CU_ASSERT_EQUAL(chap_secret_check(17, CHAP_POLICY_MS), CHAP_ESECRETLONG);
	CU_ASSERT_EQUAL(chap_secret_check(256, CHAP_POLICY_RFC), CHAP_OK);
	CU_ASSERT_EQUAL(chap_secret_check(257, CHAP_POLICY_RFC), CHAP_ESECRETLONG);

	/* iscsicli CHAPSecret: a 0x prefix means hex */
	CU_ASSERT_EQUAL(chap_secret_set(&s, "0x00112233445566778899aabb", 26),
	    CHAP_OK);
	CU_ASSERT(s.cs_len == 12 && s.cs_buf[0] == 0 && s.cs_buf[11] == 0xbb);
	CU_ASSERT_EQUAL(chap_secret_set(&s, "0x0011zz", 8), CHAP_EENCODING);
	CU_ASSERT_EQUAL(s.cs_len, 0);
	CU_ASSERT_EQUAL(chap_secret_set(&t, KAT_SECRET, 18), CHAP_OK);
	CU_ASSERT(t.cs_len == 18 && memcmp(t.cs_buf, KAT_SECRET, 18) == 0);
	CU_ASSERT_EQUAL(chap_secret_set(&s, "0b" KAT_SECRET, 20), CHAP_OK);
	CU_ASSERT_EQUAL(s.cs_len, 20);			/* 0b is literal text */
	CU_ASSERT_EQUAL(chap_secrets_distinct(&s, &t), CHAP_OK);
	/* RFC 7143 9.2.1: one secret for both directions */
	CU_ASSERT_EQUAL(chap_secret_set(&s, KAT_SECRET, 18), CHAP_OK);
	CU_ASSERT_EQUAL(chap_secrets_distinct(&s, &t), CHAP_ESAMESECRET);

	chap_secret_clear(&s);
	for (i = 0; i < sizeof(s.cs_buf); i++)
		if (s.cs_buf[i] != 0)
			zero = 0;
	CU_ASSERT(zero && s.cs_len == 0);
	{
		static char longer[CHAP_SECRET_MAX + 1];
		memset(longer, 'k', sizeof(longer));
		CU_ASSERT_EQUAL(chap_secret_set(&s, longer, sizeof(longer)),
		    CHAP_ESECRETLONG);
		CU_ASSERT_EQUAL(chap_secret_set(&s, longer, CHAP_SECRET_MAX),
		    CHAP_OK);
	}
	chap_secret_clear(&s);
	chap_secret_clear(&t);
}

/* RFC 7143 9.2.1: a response made with our own secret is a failure. */
static void
test_own_secret(void)
{
	uint8_t r[CHAP_DIGEST_MAX];
	size_t n;
	const uint8_t *own = (const uint8_t *)KAT_SECRET;

	CU_ASSERT_EQUAL(kat_response(CHAP_ALG_SHA256, 7, r, &n), CHAP_OK);
	CU_ASSERT_EQUAL(chap_check_not_own(CHAP_ALG_SHA256, 7, own, 18,
	    kat_challenge, 16, r, n), CHAP_EOWNSECRET);
	CU_ASSERT_EQUAL(chap_check_not_own(CHAP_ALG_SHA256, 7,
	    (const uint8_t *)"another-secret!", 15, kat_challenge, 16, r, n),
	    CHAP_OK);
}

/* Seed: "kernel mode driver has a limit of 223 characters for the CHAP username". */
static void
test_user_name(void)
{
	char name[224];

	memset(name, 'u', sizeof(name));
	CU_ASSERT_EQUAL(chap_name_check(name, 223), CHAP_OK);
	CU_ASSERT_EQUAL(chap_name_check(name, 224), CHAP_EUSERLONG);
	CU_ASSERT_EQUAL(chap_name_check(name, 0), CHAP_EUSEREMPTY);
	name[5] = '\0';
	CU_ASSERT_EQUAL(chap_name_check(name, 10), CHAP_EUSERCHAR);
}

static void
test_error_table(void)
{
	CU_ASSERT_STRING_EQUAL(chap_errname(CHAP_EREFLECT), "CHAP_EREFLECT");
	CU_ASSERT_STRING_EQUAL(chap_strerror(CHAP_ECHALLTOOLONG),
	    "CHAP challenge longer than 1024 bytes");
	CU_ASSERT_STRING_EQUAL(chap_errname(-999), "CHAP_E?");
}

static CU_TestInfo chap_tests[] = {
	{ "iana_ppp_auth_algorithms", test_algorithms },
	{ "rfc1994_4_1_known_answers", test_known_answers },
	{ "rfc1994_4_1_id_secret_challenge_order", test_ordering },
	{ "rfc7143_6_1_hex_base64_values", test_encodings },
	{ "seed004_event17_length_mismatch", test_verify_errors },
	{ "seed004_event17_identifier_mismatch", test_identifier },
	{ "seed004_event15_33_challenge", test_challenge },
	{ "seed004_event14_algorithm_select", test_alg_select },
	{ "chap_a_offer_md5_always", test_alg_offer },
	{ "seed004_isdsc_short_chap_secret", test_secrets },
	{ "rfc7143_9_2_1_own_secret", test_own_secret },
	{ "seed004_chap_username_223", test_user_name },
	{ "error_table", test_error_table },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "chap", chap_tests)
