/* Hex and base64 binary values for text keys (RFC 7143 6.1). */
#include <string.h>

#include <openssl/evp.h>

#include "binval.h"

int
binval_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
decode_hex(const char *d, size_t n, uint8_t *out, size_t outsz, size_t *outlen,
    size_t *badpos)
{
	size_t nbytes = (n + 1) / 2, i, o = 0;
	int hi = -1;

	for (i = 0; i < n; i++)
		if (binval_hexdigit((unsigned char)d[i]) < 0) {
			if (badpos != NULL)
				*badpos = i + 2;
			return BINVAL_EBADCHAR;
		}
	if (nbytes > outsz)
		return BINVAL_ETOOLONG;
	i = 0;
	if (n % 2 == 1)		/* implied leading zero nibble */
		out[o++] = (uint8_t)binval_hexdigit((unsigned char)d[i++]);
	for (; i < n; i++) {
		int v = binval_hexdigit((unsigned char)d[i]);
		if (hi < 0)
			hi = v;
		else {
			out[o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*outlen = o;
	return BINVAL_OK;
}

static int
is_b64(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static int
decode_b64(const char *d, size_t n, uint8_t *out, size_t outsz, size_t *outlen,
    size_t *badpos)
{
	uint8_t tmp[3 * 1024];
	uint8_t *buf = tmp;
	size_t i, pad = 0, need;
	int got;

	for (i = 0; i < n; i++) {
		if (d[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || !is_b64((unsigned char)d[i])) {
			if (pad > 0 && is_b64((unsigned char)d[i]))
				return BINVAL_EPAD;
			if (badpos != NULL)
				*badpos = i + 2;
			return BINVAL_EBADCHAR;
		}
	}
	if (n % 4 != 0 || pad > 2)
		return BINVAL_EPAD;
	need = n / 4 * 3;
	if (need - pad > outsz)
		return BINVAL_ETOOLONG;
	if (need > sizeof(tmp))
		buf = out;	/* big enough: need - pad <= outsz checked below */
	if (buf == out && need > outsz)
		return BINVAL_ETOOLONG;
	got = EVP_DecodeBlock(buf, (const unsigned char *)d, (int)n);
	if (got < 0 || (size_t)got != need)
		return BINVAL_EPAD;
	if (buf != out)
		memcpy(out, buf, need - pad);
	*outlen = need - pad;
	return BINVAL_OK;
}

int
binval_decode(const char *text, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen, enum binval_enc *enc, size_t *badpos)
{
	if (len < 2 || text[0] != '0')
		return BINVAL_ENOPREFIX;
	if (len == 2 && (text[1] == 'x' || text[1] == 'X' || text[1] == 'b' ||
	    text[1] == 'B'))
		return BINVAL_EEMPTY;
	switch (text[1]) {
	case 'x':
	case 'X':
		if (enc != NULL)
			*enc = BINVAL_HEX;
		return decode_hex(text + 2, len - 2, out, outsz, outlen, badpos);
	case 'b':
	case 'B':
		if (enc != NULL)
			*enc = BINVAL_BASE64;
		return decode_b64(text + 2, len - 2, out, outsz, outlen, badpos);
	default:
		return BINVAL_ENOPREFIX;
	}
}

size_t
binval_encoded_size(size_t inlen, enum binval_enc enc)
{
	if (enc == BINVAL_HEX)
		return 2 + inlen * 2 + 1;
	return 2 + (inlen + 2) / 3 * 4 + 1;
}

int
binval_encode(const uint8_t *in, size_t inlen, enum binval_enc enc, char *out,
    size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (outsz < binval_encoded_size(inlen, enc))
		return -1;
	out[0] = '0';
	if (enc == BINVAL_HEX) {
		out[1] = 'x';
		for (i = 0; i < inlen; i++) {
			out[2 + 2 * i] = hex[in[i] >> 4];
			out[3 + 2 * i] = hex[in[i] & 15];
		}
		out[2 + 2 * inlen] = '\0';
		return (int)(2 + 2 * inlen);
	}
	out[1] = 'b';
	return 2 + EVP_EncodeBlock((unsigned char *)out + 2, in, (int)inlen);
}

const char *
binval_strerror(int err)
{
	switch (err) {
	case BINVAL_OK: return "ok";
	case BINVAL_ENOPREFIX: return "binary value lacks the 0x or 0b prefix";
	case BINVAL_EEMPTY: return "binary value has no digits";
	case BINVAL_EBADCHAR: return "binary value contains an invalid character";
	case BINVAL_ETOOLONG: return "binary value is too long";
	case BINVAL_EPAD: return "base64 value has bad length or padding";
	}
	return "unknown binval error";
}
