/*
 * CHAP digests, verification and secrets (RFC 1994 4.1, RFC 7143 9.2.1 and
 * 12.1.3).  Text-level helpers (CHAP_A, CHAP_I, CHAP_C) are in chap_text.c.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "chap.h"

struct chap_alg_info {
	enum chap_alg	 ai_alg;
	const char	*ai_name;
	const char	*ai_evp;
	size_t		 ai_len;
};

#define CHAP_ALG_ROW(e, num, name, evp, len)	{ e, name, evp, len },
static const struct chap_alg_info chap_algs[] = {
	CHAP_ALGORITHMS(CHAP_ALG_ROW)
};
#undef CHAP_ALG_ROW

#define NALGS	(sizeof(chap_algs) / sizeof(chap_algs[0]))

struct chap_err_info {
	int		 ei_err;
	const char	*ei_name;
	const char	*ei_text;
};

#define CHAP_ERR_ROW(e, v, text)	{ e, #e, text },
static const struct chap_err_info chap_errs[] = {
	CHAP_ERRORS(CHAP_ERR_ROW)
};
#undef CHAP_ERR_ROW

static const struct chap_err_info *
err_lookup(int err)
{
	size_t i;

	for (i = 0; i < sizeof(chap_errs) / sizeof(chap_errs[0]); i++)
		if (chap_errs[i].ei_err == err)
			return &chap_errs[i];
	return NULL;
}

const char *
chap_strerror(int err)
{
	const struct chap_err_info *e = err_lookup(err);

	return e != NULL ? e->ei_text : "unknown CHAP error";
}

const char *
chap_errname(int err)
{
	const struct chap_err_info *e = err_lookup(err);

	return e != NULL ? e->ei_name : "CHAP_E?";
}

static const struct chap_alg_info *
alg_lookup(int alg)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		if ((int)chap_algs[i].ai_alg == alg)
			return &chap_algs[i];
	return NULL;
}

bool
chap_alg_known(int alg)
{
	return alg_lookup(alg) != NULL;
}

const char *
chap_alg_name(int alg)
{
	const struct chap_alg_info *a = alg_lookup(alg);

	return a != NULL ? a->ai_name : NULL;
}

size_t
chap_digest_len(int alg)
{
	const struct chap_alg_info *a = alg_lookup(alg);

	return a != NULL ? a->ai_len : 0;
}

/* Fetch the digest; the caller frees it.  NULL with *err set on failure. */
static EVP_MD *
alg_fetch(int alg, int *err)
{
	const struct chap_alg_info *a = alg_lookup(alg);
	EVP_MD *md;

	if (a == NULL) {
		*err = CHAP_EALG;
		return NULL;
	}
	md = EVP_MD_fetch(NULL, a->ai_evp, NULL);
	if (md == NULL)
		*err = CHAP_EUNAVAIL;	/* e.g. MD5 under a FIPS provider */
	return md;
}

bool
chap_alg_available(int alg)
{
	int err;
	EVP_MD *md = alg_fetch(alg, &err);

	EVP_MD_free(md);
	return md != NULL;
}

int
chap_response(int alg, uint8_t id, const uint8_t *secret, size_t secretlen,
    const uint8_t *challenge, size_t challengelen, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_MD *md;
	unsigned int n = 0;
	int err = CHAP_ECRYPTO;

	if ((secret == NULL && secretlen > 0) ||
	    (challenge == NULL && challengelen > 0) || out == NULL)
		return CHAP_EINVAL;
	if ((md = alg_fetch(alg, &err)) == NULL)
		return err;
	if (outsz < (size_t)EVP_MD_get_size(md)) {
		EVP_MD_free(md);
		return CHAP_EBUFSZ;
	}
	err = CHAP_ECRYPTO;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto done;
	/* RFC 1994 4.1: Identifier, then the secret, then the Challenge */
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &id, 1) != 1 ||
	    EVP_DigestUpdate(ctx, secret, secretlen) != 1 ||
	    EVP_DigestUpdate(ctx, challenge, challengelen) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1)
		goto done;
	if (outlen != NULL)
		*outlen = n;
	err = CHAP_OK;
done:
	EVP_MD_CTX_free(ctx);	/* cleanses the digest state */
	EVP_MD_free(md);
	return err;
}

/* Constant-time comparison of resp with the digest for identifier id. */
static int
response_matches(int alg, uint8_t id, const uint8_t *secret, size_t secretlen,
    const uint8_t *challenge, size_t challengelen, const uint8_t *resp,
    size_t resplen)
{
	uint8_t want[CHAP_DIGEST_MAX];
	size_t wantlen = 0;
	int err;

	err = chap_response(alg, id, secret, secretlen, challenge,
	    challengelen, want, sizeof(want), &wantlen);
	if (err != CHAP_OK)
		return err;
	if (resplen != wantlen)
		err = CHAP_ERESPLEN;
	else if (CRYPTO_memcmp(want, resp, wantlen) != 0)
		err = CHAP_EMISMATCH;
	OPENSSL_cleanse(want, sizeof(want));
	return err;
}

int
chap_verify(int alg, uint8_t id, const uint8_t *secret, size_t secretlen,
    const uint8_t *challenge, size_t challengelen, const uint8_t *resp,
    size_t resplen)
{
	if (resp == NULL && resplen > 0)
		return CHAP_EINVAL;
	return response_matches(alg, id, secret, secretlen, challenge,
	    challengelen, resp, resplen);
}

int
chap_verify_text(int alg, uint8_t id, const uint8_t *secret, size_t secretlen,
    const uint8_t *challenge, size_t challengelen, const char *rtext,
    size_t rlen)
{
	uint8_t resp[CHAP_DIGEST_MAX];
	size_t n = 0;
	int rc;

	if (rtext == NULL)
		return CHAP_EINVAL;
	rc = binval_decode(rtext, rlen, resp, sizeof(resp), &n, NULL, NULL);
	if (rc == BINVAL_ETOOLONG)
		return CHAP_ERESPLEN;	/* longer than any digest */
	if (rc != BINVAL_OK)
		return CHAP_EENCODING;
	return chap_verify(alg, id, secret, secretlen, challenge,
	    challengelen, resp, n);
}

int
chap_diagnose(int alg, uint8_t id, const uint8_t *secret, size_t secretlen,
    const uint8_t *challenge, size_t challengelen, const uint8_t *resp,
    size_t resplen, uint8_t *idused)
{
	int rc, other;

	rc = chap_verify(alg, id, secret, secretlen, challenge, challengelen,
	    resp, resplen);
	if (rc != CHAP_EMISMATCH)
		return rc;
	for (other = 0; other < 256; other++) {
		if (other == id)
			continue;
		if (response_matches(alg, (uint8_t)other, secret, secretlen,
		    challenge, challengelen, resp, resplen) == CHAP_OK) {
			if (idused != NULL)
				*idused = (uint8_t)other;
			return CHAP_EIDMISMATCH;
		}
	}
	return CHAP_EMISMATCH;
}

int
chap_check_not_own(int alg, uint8_t id, const uint8_t *own_secret,
    size_t own_secretlen, const uint8_t *challenge, size_t challengelen,
    const uint8_t *resp, size_t resplen)
{
	int rc;

	rc = chap_verify(alg, id, own_secret, own_secretlen, challenge,
	    challengelen, resp, resplen);
	if (rc == CHAP_OK)
		return CHAP_EOWNSECRET;
	if (rc == CHAP_EMISMATCH || rc == CHAP_ERESPLEN)
		return CHAP_OK;
	return rc;
}

int
chap_secret_check(size_t len, enum chap_secret_policy policy)
{
	size_t max = policy == CHAP_POLICY_MS ? CHAP_SECRET_MS_MAX :
	    CHAP_SECRET_MAX;

	if (len < CHAP_SECRET_MIN)
		return CHAP_ESECRETSHORT;
	if (len > max)
		return CHAP_ESECRETLONG;
	return CHAP_OK;
}

int
chap_secrets_distinct(const struct chap_secret *a, const struct chap_secret *b)
{
	if (a == NULL || b == NULL)
		return CHAP_EINVAL;
	if (a->cs_len == b->cs_len &&
	    CRYPTO_memcmp(a->cs_buf, b->cs_buf, a->cs_len) == 0)
		return CHAP_ESAMESECRET;
	return CHAP_OK;
}

void
chap_secret_clear(struct chap_secret *s)
{
	if (s != NULL)
		OPENSSL_cleanse(s, sizeof(*s));
}
