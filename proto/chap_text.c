/*
 * CHAP text values: CHAP_A lists, CHAP_I, CHAP_C/CHAP_R encodings, CHAP_N
 * and configured secrets (RFC 7143 12.1.3, 6.1 for value encodings).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "chap.h"

/*
 * Strict unsigned number: decimal without sign or leading blanks, or 0x
 * hex; at most max.  0 on success, -1 otherwise.
 */
static int
parse_number(const char *s, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i = 0;
	unsigned base = 10;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (v > (max - (unsigned long)d) / base)
			return -1;
		v = v * base + (unsigned long)d;
	}
	*out = v;
	return 0;
}

int
chap_alg_from_name(const char *name, enum chap_alg *out)
{
	static const struct {
		const char	*alias;
		enum chap_alg	 alg;
	} aliases[] = {
		{ "MD5", CHAP_ALG_MD5 },
		{ "SHA1", CHAP_ALG_SHA1 },
		{ "SHA-1", CHAP_ALG_SHA1 },
		{ "SHA256", CHAP_ALG_SHA256 },
		{ "SHA-256", CHAP_ALG_SHA256 },
		{ "SHA3-256", CHAP_ALG_SHA3_256 },
	};
	size_t i;

	if (name == NULL || out == NULL)
		return CHAP_EINVAL;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0) {
			*out = aliases[i].alg;
			return CHAP_OK;
		}
	return CHAP_EALG;
}

static bool
alg_in(int alg, const enum chap_alg *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((int)set[i] == alg)
			return true;
	return false;
}

/* Next comma-separated item of text[len] from *pos; false at the end. */
static bool
next_item(const char *text, size_t len, size_t *pos, const char **item,
    size_t *itemlen)
{
	size_t start = *pos, end;

	if (start > len)
		return false;
	for (end = start; end < len && text[end] != ','; end++)
		;
	*item = text + start;
	*itemlen = end - start;
	*pos = end + 1;
	return true;
}

/* Is alg offered in the CHAP_A list text[len]? */
static bool
list_offers(const char *text, size_t len, int alg)
{
	const char *item;
	size_t pos = 0, ilen;
	unsigned long v;

	while (next_item(text, len, &pos, &item, &ilen))
		if (parse_number(item, ilen, 255, &v) == 0 && (int)v == alg)
			return true;
	return false;
}

int
chap_alg_select(const char *text, size_t len, const enum chap_alg *allowed,
    size_t nallowed, enum chap_select_order order, enum chap_alg *out)
{
	const char *item;
	size_t pos = 0, ilen, i;
	unsigned long v;

	if (text == NULL || out == NULL || (allowed == NULL && nallowed > 0))
		return CHAP_EINVAL;
	if (order == CHAP_ORDER_LOCAL) {
		for (i = 0; i < nallowed; i++)
			if (list_offers(text, len, allowed[i]) &&
			    chap_alg_available(allowed[i])) {
				*out = allowed[i];
				return CHAP_OK;
			}
		return CHAP_EALG;
	}
	while (next_item(text, len, &pos, &item, &ilen)) {
		if (parse_number(item, ilen, 255, &v) != 0)
			continue;
		if (alg_in((int)v, allowed, nallowed) &&
		    chap_alg_available((int)v)) {
			*out = (enum chap_alg)v;
			return CHAP_OK;
		}
	}
	return CHAP_EALG;
}

int
chap_alg_offer(const enum chap_alg *pref, size_t npref, char *out,
    size_t outsz)
{
	enum chap_alg done[8];	/* distinct available algorithms: at most 4 */
	size_t ndone = 0, i, used = 0;
	bool md5 = false;

	if (out == NULL || outsz == 0 || (pref == NULL && npref > 0))
		return CHAP_EINVAL;
	out[0] = '\0';
	for (i = 0; i <= npref; i++) {
		enum chap_alg a;
		int n;

		if (i < npref)
			a = pref[i];
		else if (!md5)
			a = CHAP_ALG_MD5;	/* always offered by our initiator */
		else
			break;
		if (alg_in(a, done, ndone) || ndone == sizeof(done) /
		    sizeof(done[0]) || !chap_alg_available(a))
			continue;
		n = snprintf(out + used, outsz - used, "%s%d",
		    ndone > 0 ? "," : "", (int)a);
		if (n < 0 || (size_t)n >= outsz - used) {
			out[0] = '\0';
			return CHAP_EBUFSZ;
		}
		used += (size_t)n;
		done[ndone++] = a;
		if (a == CHAP_ALG_MD5)
			md5 = true;
	}
	return (int)used;
}

int
chap_identifier_parse(const char *text, size_t len, uint8_t *id)
{
	unsigned long v;

	if (text == NULL || id == NULL)
		return CHAP_EINVAL;
	if (parse_number(text, len, 255, &v) != 0)
		return CHAP_EIDENT;
	*id = (uint8_t)v;
	return CHAP_OK;
}

int
chap_identifier_generate(uint8_t *id)
{
	if (id == NULL)
		return CHAP_EINVAL;
	return RAND_bytes(id, 1) == 1 ? CHAP_OK : CHAP_ECRYPTO;
}

size_t
chap_challenge_default_len(int alg)
{
	/* 16 bytes for MD5; the digest size for the others */
	return chap_digest_len(alg);
}

int
chap_challenge_generate(uint8_t *out, size_t len)
{
	if (out == NULL || len == 0)
		return CHAP_EINVAL;
	if (len > CHAP_CHALLENGE_MAX)
		return CHAP_ECHALLTOOLONG;
	return RAND_bytes(out, (int)len) == 1 ? CHAP_OK : CHAP_ECRYPTO;
}

int
chap_challenge_decode(const char *text, size_t len, const uint8_t *sent,
    size_t sentlen, uint8_t *out, size_t outsz, size_t *outlen, size_t *badpos)
{
	uint8_t buf[CHAP_CHALLENGE_MAX];
	size_t n = 0;
	int rc;

	if (text == NULL || out == NULL || outlen == NULL)
		return CHAP_EINVAL;
	rc = binval_decode(text, len, buf, sizeof(buf), &n, NULL, badpos);
	if (rc == BINVAL_ETOOLONG)
		return CHAP_ECHALLTOOLONG;	/* RFC 7143 12.1.3 */
	if (rc != BINVAL_OK)
		return CHAP_EENCODING;
	/* RFC 7143 9.2.1: never answer our own challenge */
	if (sent != NULL && sentlen == n && CRYPTO_memcmp(sent, buf, n) == 0)
		return CHAP_EREFLECT;
	if (n > outsz)
		return CHAP_EBUFSZ;
	memcpy(out, buf, n);
	*outlen = n;
	return CHAP_OK;
}

int
chap_value_encode(const uint8_t *in, size_t inlen, enum binval_enc enc,
    char *out, size_t outsz)
{
	int n;

	if ((in == NULL && inlen > 0) || out == NULL)
		return CHAP_EINVAL;
	n = binval_encode(in, inlen, enc, out, outsz);
	return n < 0 ? CHAP_EBUFSZ : n;
}

int
chap_secret_set(struct chap_secret *s, const char *text, size_t len)
{
	size_t n = 0;
	int rc;

	if (s == NULL || text == NULL)
		return CHAP_EINVAL;
	chap_secret_clear(s);
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		rc = binval_decode(text, len, s->cs_buf, sizeof(s->cs_buf), &n,
		    NULL, NULL);
		if (rc != BINVAL_OK) {
			chap_secret_clear(s);
			return rc == BINVAL_ETOOLONG ? CHAP_ESECRETLONG :
			    CHAP_EENCODING;
		}
		s->cs_len = n;
		return CHAP_OK;
	}
	if (len > sizeof(s->cs_buf))
		return CHAP_ESECRETLONG;
	memcpy(s->cs_buf, text, len);
	s->cs_len = len;
	return CHAP_OK;
}

int
chap_name_check(const char *name, size_t len)
{
	if (name == NULL)
		return CHAP_EINVAL;
	if (len == 0)
		return CHAP_EUSEREMPTY;
	if (len > CHAP_NAME_MAX)
		return CHAP_EUSERLONG;
	if (memchr(name, '\0', len) != NULL)
		return CHAP_EUSERCHAR;
	return CHAP_OK;
}
