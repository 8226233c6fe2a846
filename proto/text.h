/*
 * iSCSI text data: key=value pairs (RFC 7143 section 6).
 *
 * - text_parse():   a data segment of "key=value\0" pairs -> struct text_list
 * - text_accum_*:   joins the data segments of a Login/Text PDU sequence
 *                   whose C (continue) bit was set (RFC 7143 11.10.2, 11.12.2)
 * - text_builder_*: emits key=value pairs; text_split_* cuts the result into
 *                   chunks of at most the peer's MaxRecvDataSegmentLength and
 *                   says which need the C bit
 * - value parsers:  numerical, large-numerical, binary, boolean, list,
 *                   text-value / iSCSI-name-value / UTF-8 checks (6.1)
 * - text_seen_*:    repeated-key detection over a negotiation (6.2)
 *
 * Every error is an enum text_err from one table (TEXT_ERRORS) with its text;
 * parse errors also carry the offset and key where they were found.
 */
#ifndef PROTO_TEXT_H
#define PROTO_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits (see docs/text-keys.md). */
#define TEXT_KEY_MAX		63	/* RFC 7143 6.1: key names <= 63 bytes */
#define TEXT_VALUE_MAX		255	/* RFC 7143 6.1: simple values <= 255 bytes */
#define TEXT_BINARY_MAX		1024	/* decoded bytes of a long binary value (CHAP_C/R) */
#define TEXT_LONG_VALUE_MAX	(2 + 2 * TEXT_BINARY_MAX)	/* its "0x" hex form */
#define TEXT_LARGE_NUMBER_MAX	128	/* large-numerical-value < 2**1024 */
#define TEXT_NEGOTIATION_MIN	8192	/* RFC 7143 6.1: must accept at least */
#define TEXT_NEGOTIATION_MAX	65536	/* default cap: 64 KiB (6.1, long auth items) */

#define TEXT_ERRORS(X)							\
	X(OK,		"ok")						\
	X(ENOEQUAL,	"key=value pair has no '='")			\
	X(EEMPTYKEY,	"empty key name")				\
	X(EKEYLONG,	"key name longer than 63 bytes")		\
	X(EKEYCHAR,	"key name contains a character outside a-zA-Z0-9.-+@_") \
	X(EKEYSTART,	"key name does not begin with a capital letter") \
	X(EVALUELONG,	"value longer than allowed for this key")	\
	X(EUTF8,	"value is not valid UTF-8")			\
	X(ENOTERM,	"last key=value pair is not NUL-terminated")	\
	X(EEMPTYPAIR,	"empty key=value pair (stray NUL byte)")	\
	X(ETOOBIG,	"text exceeds the negotiation size limit")	\
	X(ENOMEM,	"out of memory")				\
	X(ESTATE,	"text sequence already complete")		\
	X(EINVAL,	"invalid argument")				\
	X(ENUMSYNTAX,	"malformed numerical value")			\
	X(ENUMRANGE,	"numerical value out of range")			\
	X(EBOOL,	"boolean value must be Yes or No")		\
	X(EBINARY,	"malformed binary value")			\
	X(EVALUECHAR,	"value contains a character not allowed for its type") \
	X(ELIST,	"malformed list of values")			\
	X(EADDRESS,	"malformed TargetAddress value")		\
	X(EREPEATED,	"key sent twice in one negotiation")

enum text_err {
#define TEXT_ERR_ENUM(name, text) TEXT_##name,
	TEXT_ERRORS(TEXT_ERR_ENUM)
#undef TEXT_ERR_ENUM
	TEXT_NERRORS
};

const char *text_strerror(int err);

/* Where a parse error was found: offset into the text and the key, if any. */
struct text_error {
	enum text_err	code;
	size_t		offset;
	char		key[TEXT_KEY_MAX + 2];	/* truncated copy, "" if none */
};

/* "offset 17, key \"Foo\": <text>"; returns snprintf's result. */
int	text_error_format(const struct text_error *, char *buf, size_t bufsz);

/* ---- parsing ------------------------------------------------------------ */

/* One pair; key and value are NUL-terminated copies owned by the list. */
struct text_pair {
	const char	*key;
	size_t		 keylen;
	const char	*value;
	size_t		 valuelen;
	size_t		 offset;	/* of the key in the parsed text */
};

struct text_list {
	struct text_pair *pairs;
	size_t		  npairs;
	char		 *store;	/* copy of the text, '=' and NUL split */
};

/* Longest value allowed for a key; NULL means TEXT_VALUE_MAX for all. */
typedef size_t text_limit_fn(const char *key, size_t keylen);

#define TEXT_PARSE_PAD_OK	0x1	/* tolerate trailing NUL padding */

/*
 * Parse len bytes of text data.  On success *list holds the pairs (free
 * with text_list_free).  On error returns the code, fills *err (may be
 * NULL) and leaves *list empty.  An empty text (len 0) is a valid empty
 * list.
 */
int	text_parse(const uint8_t *data, size_t len, text_limit_fn *limit,
	    unsigned flags, struct text_list *list, struct text_error *err);
void	text_list_free(struct text_list *);
/* First pair with this exact key, or NULL. */
const struct text_pair *text_list_find(const struct text_list *, const char *key);

/*
 * Key name syntax (RFC 7143 6.1 standard-label, 13.22 X-/X# extension
 * keys): 1..63 bytes of a-zA-Z0-9.-+@_ starting with a capital letter;
 * "X#" may start an IANA-registered key; the "iSCSI" prefix of RFC 7144's
 * iSCSIProtocolLevel is the one lowercase start accepted.
 * *badpos (may be NULL) gets the offending offset.
 */
int	text_check_key(const char *key, size_t len, size_t *badpos);

/* ---- value parsers (RFC 7143 6.1) --------------------------------------- */

/*
 * numerical-value: decimal-constant ("0" or 1-9 then digits, no sign, no
 * leading zero) or hex-constant ("0x"/"0X" + 1 or more hex digits), < 2**64.
 * base64 is not a numerical-value encoding (only a large one).
 * Range-checked against [min, max] (TEXT_ENUMRANGE).
 */
int	text_parse_number(const char *s, size_t len, uint64_t min,
	    uint64_t max, uint64_t *out);
/*
 * large-numerical-value: decimal, hex-constant or base64-constant ("0b"),
 * < 2**1024.  Stored big-endian without leading zero bytes in
 * out[TEXT_LARGE_NUMBER_MAX]; *outlen 0 means the value 0.
 */
int	text_parse_large_number(const char *s, size_t len, uint8_t *out,
	    size_t *outlen);
/* binary-value: hex or base64 constant of 1..outsz decoded bytes. */
int	text_parse_binary(const char *s, size_t len, uint8_t *out,
	    size_t outsz, size_t *outlen);
/* boolean-value: exactly "Yes" or "No". */
int	text_parse_bool(const char *s, size_t len, bool *out);

/* text-value: a-zA-Z0-9 . - + @ _ / [ ] : (may be empty). */
int	text_check_text_value(const char *s, size_t len, size_t *badpos);
/* iSCSI-name-value: a-z0-9 - . : and UTF-8 beyond ASCII (stringprep
 * output has no upper case), 1..223 bytes (RFC 7143 4.2.7.1). */
int	text_check_name_value(const char *s, size_t len, size_t *badpos);
/* iSCSI-local-name-value and general text: valid UTF-8, no NUL. */
int	text_check_utf8(const char *s, size_t len, size_t *badpos);
/* list-of-values: text-values separated by single commas, none empty. */
int	text_check_list(const char *s, size_t len, size_t *badpos);

/* Iterate list items: *cur starts at the list and becomes NULL after the
 * last item; returns false when there is none left.  "" has one empty item. */
bool	text_list_next(const char **cur, const char *end, const char **item,
	    size_t *itemlen);
/* Does the comma-separated list contain item exactly? */
bool	text_list_has(const char *list, size_t len, const char *item,
	    size_t itemlen);

/* TargetAddress value: domainname[:port][,portal-group-tag] (13.8). */
struct text_address {
	char		host[TEXT_VALUE_MAX + 1];	/* IPv6 without brackets */
	uint16_t	port;		/* 3260 when absent */
	bool		has_port;
	uint16_t	tpgt;
	bool		has_tpgt;
};
int	text_parse_address(const char *s, size_t len, struct text_address *out);

/* ---- continuation across PDUs (C bit) ----------------------------------- */

struct text_accum {
	uint8_t		*buf;
	size_t		 len, cap, max;
	size_t		*seg_end;	/* end offset of each segment added */
	size_t		 nseg, segcap;
	bool		 complete;
};

/* max 0 means TEXT_NEGOTIATION_MAX. */
void	text_accum_init(struct text_accum *, size_t max);
/*
 * Append one PDU's data segment; more is the PDU's C bit.  Fails with
 * TEXT_ETOOBIG past the cap and TEXT_ESTATE after the final (C=0) segment
 * until text_accum_reset().
 */
int	text_accum_add(struct text_accum *, const uint8_t *data, size_t len,
	    bool more);
bool	text_accum_complete(const struct text_accum *);
/* Parse the joined text (only once complete, else TEXT_ESTATE). */
int	text_accum_parse(const struct text_accum *, text_limit_fn *limit,
	    unsigned flags, struct text_list *list, struct text_error *err);
/* Map an offset of the joined text to (segment index, offset in it). */
void	text_accum_locate(const struct text_accum *, size_t off, size_t *seg,
	    size_t *segoff);
void	text_accum_reset(struct text_accum *);
void	text_accum_free(struct text_accum *);

/* ---- building and splitting --------------------------------------------- */

struct text_builder {
	uint8_t		*buf;
	size_t		 len, cap, max;
};

/* max 0 means TEXT_NEGOTIATION_MAX. */
void	text_builder_init(struct text_builder *, size_t max);
/* Append "key=value\0"; the key must pass text_check_key, the value must
 * be UTF-8 of at most TEXT_LONG_VALUE_MAX bytes. */
int	text_builder_add(struct text_builder *, const char *key,
	    const char *value);
int	text_builder_addf(struct text_builder *, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int	text_builder_add_number(struct text_builder *, const char *key,
	    uint64_t value);
/* Append bytes unchecked (to send malformed text on purpose). */
int	text_builder_add_raw(struct text_builder *, const void *data,
	    size_t len);
void	text_builder_reset(struct text_builder *);
void	text_builder_free(struct text_builder *);

enum text_split_mode {
	TEXT_SPLIT_ANYWHERE,	/* fill every chunk; pairs may straddle */
	TEXT_SPLIT_PAIRS	/* end chunks on pair ends where a pair fits */
};

struct text_chunk {
	size_t	off, len;
	bool	more;		/* set the C bit on this PDU */
};

struct text_split {
	const uint8_t		*data;
	size_t			 len, off, max;
	enum text_split_mode	 mode;
	bool			 done;
};

/*
 * Iterate chunks of at most max (the peer's MaxRecvDataSegmentLength)
 * bytes.  Empty text gives one empty chunk.  All chunks but the last have
 * more == true.  Returns TEXT_EINVAL for max 0.
 */
int	text_split_init(struct text_split *, const uint8_t *data, size_t len,
	    size_t max, enum text_split_mode mode);
bool	text_split_next(struct text_split *, struct text_chunk *);

/* ---- repeated keys (RFC 7143 6.2) --------------------------------------- */

struct text_seen {
	char	**slot;
	size_t	  nslot, count;
};

void	text_seen_init(struct text_seen *);
/* Record key; TEXT_EREPEATED if already seen and !may_repeat. */
int	text_seen_add(struct text_seen *, const char *key, bool may_repeat);
bool	text_seen_has(const struct text_seen *, const char *key);
void	text_seen_reset(struct text_seen *);
void	text_seen_free(struct text_seen *);

#endif
