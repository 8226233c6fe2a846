/* Value encodings of text keys (RFC 7143 6.1) and TargetAddress (13.8). */
#include <string.h>

#include "binval.h"
#include "text.h"

static bool
has_prefix(const char *s, size_t len, char lower)
{
	return len >= 2 && s[0] == '0' && (s[1] == lower || s[1] == lower - 32);
}

/* decimal-constant: "0" or [1-9][0-9]*, < 2**64. */
static int
parse_decimal(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || (s[0] == '0' && len > 1))
		return TEXT_ENUMSYNTAX;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return TEXT_ENUMSYNTAX;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return TEXT_ENUMRANGE;
		v = v * 10 + d;
	}
	*out = v;
	return TEXT_OK;
}

/* hex-constant digits (after 0x), < 2**64; leading zeros allowed. */
static int
parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return TEXT_ENUMSYNTAX;
	for (i = 0; i < len; i++) {
		int d = binval_hexdigit((unsigned char)s[i]);

		if (d < 0)
			return TEXT_ENUMSYNTAX;
		if (v >> 60 != 0)
			return TEXT_ENUMRANGE;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return TEXT_OK;
}

int
text_parse_number(const char *s, size_t len, uint64_t min, uint64_t max,
    uint64_t *out)
{
	uint64_t v;
	int rc;

	if (has_prefix(s, len, 'x'))
		rc = parse_hex(s + 2, len - 2, &v);
	else
		rc = parse_decimal(s, len, &v);
	if (rc != TEXT_OK)
		return rc;
	if (v < min || v > max)
		return TEXT_ENUMRANGE;
	*out = v;
	return TEXT_OK;
}

int
text_parse_large_number(const char *s, size_t len, uint8_t *out,
    size_t *outlen)
{
	uint8_t tmp[TEXT_VALUE_MAX];
	size_t n = 0, skip = 0;
	uint64_t v;
	int rc, i;

	if (!has_prefix(s, len, 'x') && !has_prefix(s, len, 'b')) {
		if ((rc = parse_decimal(s, len, &v)) != TEXT_OK)
			return rc;
		for (i = 7; i >= 0; i--)
			if ((v >> (8 * i)) != 0 || n > 0)
				out[n++] = (uint8_t)(v >> (8 * i));
		*outlen = n;
		return TEXT_OK;
	}
	rc = binval_decode(s, len, tmp, sizeof(tmp), &n, NULL, NULL);
	if (rc == BINVAL_ETOOLONG)
		return TEXT_ENUMRANGE;
	if (rc != BINVAL_OK)
		return TEXT_ENUMSYNTAX;
	while (skip < n && tmp[skip] == 0)
		skip++;
	if (n - skip > TEXT_LARGE_NUMBER_MAX)
		return TEXT_ENUMRANGE;
	memcpy(out, tmp + skip, n - skip);
	*outlen = n - skip;
	return TEXT_OK;
}

int
text_parse_binary(const char *s, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	int rc = binval_decode(s, len, out, outsz, outlen, NULL, NULL);

	if (rc == BINVAL_ETOOLONG)
		return TEXT_EVALUELONG;
	return rc == BINVAL_OK ? TEXT_OK : TEXT_EBINARY;
}

int
text_parse_bool(const char *s, size_t len, bool *out)
{
	if (len == 3 && memcmp(s, "Yes", 3) == 0)
		*out = true;
	else if (len == 2 && memcmp(s, "No", 2) == 0)
		*out = false;
	else
		return TEXT_EBOOL;
	return TEXT_OK;
}

static bool
is_text_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr(".-+@_/[]:", c) != NULL;
}

int
text_check_text_value(const char *s, size_t len, size_t *badpos)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || !is_text_char((unsigned char)s[i])) {
			if (badpos != NULL)
				*badpos = i;
			return TEXT_EVALUECHAR;
		}
	return TEXT_OK;
}

int
text_check_utf8(const char *s, size_t len, size_t *badpos)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (u[i] == 0)
			goto bad;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			n = 1;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			n = 2;
			cp = u[i] & 0x0f;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4) {
			n = 3;
			cp = u[i] & 0x07;
		} else
			goto bad;
		if (len - i <= n)
			goto bad;
		for (k = 1; k <= n; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;	/* overlong, too large, surrogate */
		i += n + 1;
	}
	return TEXT_OK;
bad:
	if (badpos != NULL)
		*badpos = i;
	return TEXT_EUTF8;
}

int
text_check_name_value(const char *s, size_t len, size_t *badpos)
{
	size_t i;
	int rc;

	if (len == 0 || len > 223) {
		if (badpos != NULL)
			*badpos = len > 223 ? 223 : 0;
		return len == 0 ? TEXT_EVALUECHAR : TEXT_EVALUELONG;
	}
	if ((rc = text_check_utf8(s, len, badpos)) != TEXT_OK)
		return rc;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':')
			continue;
		if (badpos != NULL)
			*badpos = i;
		return TEXT_EVALUECHAR;
	}
	return TEXT_OK;
}

bool
text_list_next(const char **cur, const char *end, const char **item,
    size_t *itemlen)
{
	const char *p = *cur, *comma;

	if (p == NULL)
		return false;
	comma = memchr(p, ',', (size_t)(end - p));
	*item = p;
	if (comma == NULL) {
		*itemlen = (size_t)(end - p);
		*cur = NULL;		/* the next call stops */
	} else {
		*itemlen = (size_t)(comma - p);
		*cur = comma + 1;
	}
	return true;
}

int
text_check_list(const char *s, size_t len, size_t *badpos)
{
	const char *cur = s, *item;
	size_t n, bad;

	while (text_list_next(&cur, s + len, &item, &n)) {
		if (n == 0) {
			if (badpos != NULL)
				*badpos = (size_t)(item - s);
			return TEXT_ELIST;
		}
		if (text_check_text_value(item, n, &bad) != TEXT_OK) {
			if (badpos != NULL)
				*badpos = (size_t)(item - s) + bad;
			return TEXT_ELIST;
		}
	}
	return TEXT_OK;
}

bool
text_list_has(const char *list, size_t len, const char *item, size_t itemlen)
{
	const char *cur = list, *it;
	size_t n;

	while (text_list_next(&cur, list + len, &it, &n))
		if (n == itemlen && memcmp(it, item, n) == 0)
			return true;
	return false;
}

/* Decimal 0..65535 without sign or leading zero. */
static bool
parse_u16(const char *s, size_t len, uint16_t *out)
{
	uint64_t v;

	if (parse_decimal(s, len, &v) != TEXT_OK || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

int
text_parse_address(const char *s, size_t len, struct text_address *out)
{
	const char *comma, *host, *rest, *end = s + len;
	size_t hostlen;

	memset(out, 0, sizeof(*out));
	out->port = 3260;
	comma = memchr(s, ',', len);
	if (comma != NULL) {
		if (!parse_u16(comma + 1, (size_t)(end - comma - 1), &out->tpgt))
			return TEXT_EADDRESS;
		out->has_tpgt = true;
		end = comma;
	}
	if (s < end && s[0] == '[') {		/* [IPv6] */
		const char *rb = memchr(s, ']', (size_t)(end - s));

		if (rb == NULL || rb == s + 1)
			return TEXT_EADDRESS;
		host = s + 1;
		hostlen = (size_t)(rb - host);
		rest = rb + 1;
	} else {
		const char *colon = memchr(s, ':', (size_t)(end - s));

		host = s;
		rest = colon != NULL ? colon : end;
		hostlen = (size_t)(rest - s);
	}
	if (hostlen == 0 || hostlen > TEXT_VALUE_MAX ||
	    text_check_text_value(host, hostlen, NULL) != TEXT_OK)
		return TEXT_EADDRESS;
	if (rest < end) {
		if (*rest != ':' ||
		    !parse_u16(rest + 1, (size_t)(end - rest - 1), &out->port) ||
		    out->port == 0)
			return TEXT_EADDRESS;
		out->has_port = true;
	}
	if (memchr(host, '[', hostlen) != NULL ||
	    memchr(host, ']', hostlen) != NULL ||
	    (host == s && memchr(host, ':', hostlen) != NULL))
		return TEXT_EADDRESS;
	memcpy(out->host, host, hostlen);
	out->host[hostlen] = '\0';
	return TEXT_OK;
}
