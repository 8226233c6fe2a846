/*
 * Minimal JSON writer (RFC 8259) into a growable buffer: objects, arrays,
 * strings, numbers, booleans, null.  Used for the structured event log
 * (JSON lines), reports and `--json` outputs.
 *
 *	struct json j;
 *	json_init(&j);
 *	json_object_open(&j);
 *	json_kv_string(&j, "source", "iScsiPrt");
 *	json_object_close(&j);
 *	if (json_error(&j) == 0)
 *		json_write(&j, stdout);
 *	json_free(&j);
 *
 * Commas and key/value separators are inserted automatically.  Errors are
 * sticky: after the first one every call is a no-op and json_error() tells
 * which.  Strings are escaped per RFC 8259 section 7 (quote, backslash,
 * U+0000-U+001F); bytes that are not well-formed UTF-8 are replaced by
 * U+FFFD so the output is always valid UTF-8 (section 8.1).
 */
#ifndef PROTO_JSON_H
#define PROTO_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	64

enum json_err {
	JSON_OK = 0,
	JSON_ENOMEM = -1,	/* buffer could not grow */
	JSON_EDEPTH = -2,	/* nesting deeper than JSON_MAX_DEPTH */
	JSON_ESTATE = -3	/* key outside an object, value without a key in
				   an object, unbalanced close */
};

struct json {
	char		*j_buf;		/* NUL terminated */
	size_t		 j_len;
	size_t		 j_cap;
	int		 j_err;
	unsigned int	 j_depth;
	uint64_t	 j_object;	/* bit d: level d+1 is an object */
	uint64_t	 j_member;	/* bit d: level d+1 has a member */
	int		 j_key;		/* a key was written, value expected */
};

void	json_init(struct json *);
void	json_free(struct json *);
void	json_reset(struct json *);	/* empty, keep the allocation */

void	json_object_open(struct json *);
void	json_object_close(struct json *);
void	json_array_open(struct json *);
void	json_array_close(struct json *);
void	json_key(struct json *, const char *key);

void	json_string(struct json *, const char *s);	/* NULL -> null */
void	json_string_len(struct json *, const char *s, size_t len);
void	json_stringf(struct json *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	json_int(struct json *, long long);
void	json_uint(struct json *, unsigned long long);
void	json_bool(struct json *, int);
void	json_null(struct json *);
/* bytes as a string of lowercase hex digits, two per byte */
void	json_hex(struct json *, const void *, size_t);

/* key + value */
void	json_kv_string(struct json *, const char *key, const char *s);
void	json_kv_int(struct json *, const char *key, long long);
void	json_kv_uint(struct json *, const char *key, unsigned long long);
void	json_kv_bool(struct json *, const char *key, int);

int	json_error(const struct json *);	/* JSON_OK or enum json_err */
/* JSON_OK when no error and every container is closed. */
int	json_complete(const struct json *);
const char *json_text(const struct json *);	/* "" when empty */
size_t	json_length(const struct json *);
/* Write the text (and nothing else) to f; 0 or -1 on error. */
int	json_write(const struct json *, FILE *f);
const char *json_strerror(int err);

#endif
