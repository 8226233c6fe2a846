/*
 * Binary values in text keys (RFC 7143 section 6.1): "0x" followed by hex
 * digits or "0b" followed by base64 (RFC 4648).  Used by CHAP (CHAP_C,
 * CHAP_R) and by the text-key parser for large numeric values.
 */
#ifndef PROTO_BINVAL_H
#define PROTO_BINVAL_H

#include <stddef.h>
#include <stdint.h>

enum binval_enc {
	BINVAL_HEX = 0,		/* 0x... */
	BINVAL_BASE64 = 1	/* 0b... */
};

/* Returned by binval_decode. */
enum binval_err {
	BINVAL_OK = 0,
	BINVAL_ENOPREFIX = -1,	/* no 0x/0X/0b/0B prefix */
	BINVAL_EEMPTY = -2,	/* prefix without digits */
	BINVAL_EBADCHAR = -3,	/* a character outside the encoding's alphabet */
	BINVAL_ETOOLONG = -4,	/* decoded value does not fit the output buffer */
	BINVAL_EPAD = -5	/* base64 padding or length malformed */
};

/*
 * Decode text (len bytes, need not be NUL terminated) into out[outsz].
 * On success stores the byte count in *outlen and the encoding seen in
 * *enc (may be NULL).  An odd number of hex digits is accepted with an
 * implied leading zero nibble, as RFC 7143 6.1 allows.  On BINVAL_EBADCHAR
 * *badpos (may be NULL) receives the offset of the offending character.
 */
int	binval_decode(const char *text, size_t len, uint8_t *out, size_t outsz,
	    size_t *outlen, enum binval_enc *enc, size_t *badpos);

/*
 * Encode in[inlen] as "0x..." (lowercase) or "0b..." into out[outsz],
 * NUL terminated.  Returns the string length, or -1 when out is too small.
 */
int	binval_encode(const uint8_t *in, size_t inlen, enum binval_enc enc,
	    char *out, size_t outsz);

/* Bytes binval_encode needs (including the NUL) for inlen input bytes. */
size_t	binval_encoded_size(size_t inlen, enum binval_enc enc);

const char *binval_strerror(int err);
/* Value of a hex digit (either case), or -1. */
int	binval_hexdigit(int c);

#endif
