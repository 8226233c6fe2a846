/*
 * CHAP for iSCSI login (RFC 1994 as profiled by RFC 7143 section 12.1.3,
 * security rules of RFC 7143 section 9.2.1).  Digests come from OpenSSL EVP.
 *
 * Response = H(identifier || secret || challenge), RFC 1994 section 4.1.
 * Algorithm numbers are those of the IANA "PPP Authentication Algorithms"
 * registry that RFC 1994 points to (see docs/chap.md).
 *
 * Secrets never go through a log or an error message of this module; keep
 * them in a struct chap_secret and wipe it with chap_secret_clear().
 */
#ifndef PROTO_CHAP_H
#define PROTO_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binval.h"

/* RFC 7143 12.1.3: binary length of CHAP_C and CHAP_R MUST NOT exceed 1024. */
#define CHAP_CHALLENGE_MAX	1024
#define CHAP_RESPONSE_MAX	1024
/* Largest digest of the algorithms below (SHA-256, SHA3-256). */
#define CHAP_DIGEST_MAX		32
/* RFC 7143 9.2.1 / seed ISDSC_SHORT_CHAP_SECRET: at least 96 bits. */
#define CHAP_SECRET_MIN		12
/* Our own cap for any secret (docs/chap.md). */
#define CHAP_SECRET_MAX		256
/* The MS initiator's own (mutual) CHAP secret is 12 to 16 bytes. */
#define CHAP_SECRET_MS_MAX	16
/* Seed 004: the MS kernel driver limits the CHAP user name to 223. */
#define CHAP_NAME_MAX		223

/*
 * X(enum name, IANA number, name shown to people, OpenSSL digest name,
 *   digest length)
 */
#define CHAP_ALGORITHMS(X)						\
	X(CHAP_ALG_MD5,		5, "MD5",	"MD5",		16)	\
	X(CHAP_ALG_SHA1,	6, "SHA1",	"SHA1",		20)	\
	X(CHAP_ALG_SHA256,	7, "SHA256",	"SHA2-256",	32)	\
	X(CHAP_ALG_SHA3_256,	8, "SHA3-256",	"SHA3-256",	32)

#define CHAP_ALG_ENUM(e, num, name, evp, len)	e = num,
enum chap_alg {
	CHAP_ALG_NONE = 0,
	CHAP_ALGORITHMS(CHAP_ALG_ENUM)
};
#undef CHAP_ALG_ENUM

/*
 * X(enum name, value, text).  Seed event / ISDSC mapping: docs/chap.md.
 */
#define CHAP_ERRORS(X)							\
	X(CHAP_OK,		  0, "ok")				\
	X(CHAP_EINVAL,		 -1, "invalid argument")		\
	X(CHAP_EBUFSZ,		 -2, "output buffer too small")		\
	X(CHAP_ECRYPTO,		 -3, "OpenSSL digest or random generator failed") \
	X(CHAP_EALG,		 -4, "unknown or unsupported CHAP algorithm") \
	X(CHAP_EUNAVAIL,	 -5, "CHAP algorithm not available from OpenSSL") \
	X(CHAP_EENCODING,	 -6, "CHAP value has a bad encoding or invalid characters") \
	X(CHAP_ECHALLTOOLONG,	 -7, "CHAP challenge longer than 1024 bytes") \
	X(CHAP_EREFLECT,	 -8, "received CHAP challenge equals the one we sent") \
	X(CHAP_EIDENT,		 -9, "CHAP identifier is not a number from 0 to 255") \
	X(CHAP_EIDMISMATCH,	-10, "CHAP response was computed with another identifier") \
	X(CHAP_ERESPLEN,	-11, "CHAP response length differs from the digest length") \
	X(CHAP_EMISMATCH,	-12, "CHAP response does not match") \
	X(CHAP_EOWNSECRET,	-13, "CHAP response was computed with our own secret") \
	X(CHAP_ESECRETSHORT,	-14, "CHAP secret shorter than 12 bytes (96 bits)") \
	X(CHAP_ESECRETLONG,	-15, "CHAP secret longer than 256 bytes")	\
	X(CHAP_ESAMESECRET,	-16, "same CHAP secret for both directions") \
	X(CHAP_EUSEREMPTY,	-17, "CHAP user name is empty")		\
	X(CHAP_EUSERLONG,	-18, "CHAP user name longer than 223 bytes") \
	X(CHAP_EUSERCHAR,	-19, "CHAP user name contains a NUL byte")

#define CHAP_ERR_ENUM(e, v, text)	e = v,
enum chap_err {
	CHAP_ERRORS(CHAP_ERR_ENUM)
};
#undef CHAP_ERR_ENUM

const char	*chap_strerror(int err);	/* the text column */
const char	*chap_errname(int err);		/* "CHAP_EALG" ... */

/* --- algorithms ------------------------------------------------------- */

bool		 chap_alg_known(int alg);	/* in the table */
bool		 chap_alg_available(int alg);	/* known and fetchable */
const char	*chap_alg_name(int alg);	/* "MD5"..., NULL if unknown */
/* Accepts "MD5", "SHA1", "SHA-1", "SHA256", "SHA-256", "SHA3-256" (any case). */
int		 chap_alg_from_name(const char *name, enum chap_alg *out);
size_t		 chap_digest_len(int alg);	/* 0 if unknown */

enum chap_select_order {
	/* RFC 7143 6.2.1: first value of the originator's list we allow */
	CHAP_ORDER_PEER,
	/* first value of our own preference list the peer offered */
	CHAP_ORDER_LOCAL
};

/*
 * Choose an algorithm from a CHAP_A value list (text[len], "7,5", numbers
 * in decimal or 0x hex) among allowed[nallowed] (our preference order).
 * Items that are not numbers or not allowed are skipped, as list
 * negotiation does; CHAP_EALG when nothing is left (seed event 14).
 * Unavailable algorithms are never chosen.
 */
int	chap_alg_select(const char *text, size_t len,
	    const enum chap_alg *allowed, size_t nallowed,
	    enum chap_select_order order, enum chap_alg *out);

/*
 * Format our CHAP_A offer ("7,5") from pref[npref], skipping unknown or
 * unavailable entries and duplicates; MD5 is appended when absent, as our
 * initiator always offers it.  Returns the string length or CHAP_EBUFSZ.
 */
int	chap_alg_offer(const enum chap_alg *pref, size_t npref, char *out,
	    size_t outsz);

/* --- identifiers and challenges ---------------------------------------- */

/* CHAP_I value: decimal or 0x hex, 0..255, else CHAP_EIDENT. */
int	chap_identifier_parse(const char *text, size_t len, uint8_t *id);
int	chap_identifier_generate(uint8_t *id);		/* RAND_bytes */

/* Our default challenge length: the digest length (16 bytes for MD5). */
size_t	chap_challenge_default_len(int alg);
/* len random bytes (1..CHAP_CHALLENGE_MAX) from RAND_bytes. */
int	chap_challenge_generate(uint8_t *out, size_t len);

/*
 * Decode a received CHAP_C value (0x hex or 0b base64) into out[outsz].
 * Errors: CHAP_EENCODING with *badpos (may be NULL) at the offending
 * character when there is one (seed event 15), CHAP_ECHALLTOOLONG past
 * 1024 bytes (seed event 33), CHAP_EREFLECT when it equals sent[sentlen]
 * (RFC 7143 9.2.1; sent may be NULL), CHAP_EBUFSZ.
 */
int	chap_challenge_decode(const char *text, size_t len,
	    const uint8_t *sent, size_t sentlen,
	    uint8_t *out, size_t outsz, size_t *outlen, size_t *badpos);

/* Encode a CHAP_C / CHAP_R value; returns the length or CHAP_EBUFSZ. */
int	chap_value_encode(const uint8_t *in, size_t inlen, enum binval_enc enc,
	    char *out, size_t outsz);

/* --- responses -------------------------------------------------------- */

/*
 * out[*outlen] = H(id || secret || challenge).  No secret-length policy
 * here (the simulated target may compute with bad secrets on purpose).
 */
int	chap_response(int alg, uint8_t id, const uint8_t *secret,
	    size_t secretlen, const uint8_t *challenge, size_t challengelen,
	    uint8_t *out, size_t outsz, size_t *outlen);

/*
 * Check resp[resplen] in constant time: CHAP_OK, CHAP_ERESPLEN or
 * CHAP_EMISMATCH (seed event 17).
 */
int	chap_verify(int alg, uint8_t id, const uint8_t *secret,
	    size_t secretlen, const uint8_t *challenge, size_t challengelen,
	    const uint8_t *resp, size_t resplen);

/* Same with the CHAP_R text; its encoding errors give CHAP_EENCODING. */
int	chap_verify_text(int alg, uint8_t id, const uint8_t *secret,
	    size_t secretlen, const uint8_t *challenge, size_t challengelen,
	    const char *rtext, size_t rlen);

/*
 * After a failed verification, explain it for the bench: CHAP_EIDMISMATCH
 * with *idused when the response matches another identifier, else the
 * chap_verify() result.  Costs up to 256 digests.
 */
int	chap_diagnose(int alg, uint8_t id, const uint8_t *secret,
	    size_t secretlen, const uint8_t *challenge, size_t challengelen,
	    const uint8_t *resp, size_t resplen, uint8_t *idused);

/*
 * RFC 7143 9.2.1: a response equal to the one we would compute with our
 * own secret for that challenge is a failure.  CHAP_EOWNSECRET then,
 * else CHAP_OK.
 */
int	chap_check_not_own(int alg, uint8_t id, const uint8_t *own_secret,
	    size_t own_secretlen, const uint8_t *challenge, size_t challengelen,
	    const uint8_t *resp, size_t resplen);

/* --- secrets and user names ------------------------------------------- */

struct chap_secret {
	uint8_t		cs_buf[CHAP_SECRET_MAX];
	size_t		cs_len;
};

enum chap_secret_policy {
	CHAP_POLICY_RFC,	/* 12 .. CHAP_SECRET_MAX bytes */
	CHAP_POLICY_MS		/* 12 .. 16 bytes, the MS initiator's own secret */
};

/*
 * Set a secret from configuration text: "0x..." is hex (as the MS
 * iscsicli CHAPSecret command), anything else is taken byte for byte.
 * CHAP_EENCODING, CHAP_ESECRETLONG (over CHAP_SECRET_MAX).  No minimum
 * here: check with chap_secret_check().
 */
int	chap_secret_set(struct chap_secret *s, const char *text, size_t len);
/* CHAP_ESECRETSHORT (seed events 35/36), CHAP_ESECRETLONG or CHAP_OK. */
int	chap_secret_check(size_t len, enum chap_secret_policy policy);
/* RFC 7143 9.2.1: initiator and target secrets must differ. */
int	chap_secrets_distinct(const struct chap_secret *a,
	    const struct chap_secret *b);
/* OPENSSL_cleanse the whole structure. */
void	chap_secret_clear(struct chap_secret *s);

/* CHAP_N: 1..223 bytes, no NUL.  CHAP_EUSEREMPTY/EUSERLONG/EUSERCHAR. */
int	chap_name_check(const char *name, size_t len);

#endif
