/* Minimal JSON writer (RFC 8259); see json.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define LEVEL_BIT(d)	((uint64_t)1 << ((d) - 1))

void
json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
}

void
json_free(struct json *j)
{
	free(j->j_buf);
	json_init(j);
}

void
json_reset(struct json *j)
{
	char *buf = j->j_buf;
	size_t cap = j->j_cap;

	json_init(j);
	j->j_buf = buf;
	j->j_cap = cap;
	if (buf != NULL)
		buf[0] = '\0';
}

static void
json_fail(struct json *j, int err)
{
	if (j->j_err == JSON_OK)
		j->j_err = err;
}

static int
json_reserve(struct json *j, size_t more)
{
	size_t cap;
	char *nbuf;

	if (j->j_err != JSON_OK)
		return -1;
	if (more < j->j_cap - j->j_len)		/* room for the NUL too */
		return 0;
	if (more > SIZE_MAX / 2 - j->j_len) {
		json_fail(j, JSON_ENOMEM);
		return -1;
	}
	cap = j->j_cap ? j->j_cap : 256;
	while (cap <= j->j_len + more)
		cap *= 2;
	if ((nbuf = realloc(j->j_buf, cap)) == NULL) {
		json_fail(j, JSON_ENOMEM);
		return -1;
	}
	j->j_buf = nbuf;
	j->j_cap = cap;
	return 0;
}

static void
json_put(struct json *j, const char *s, size_t n)
{
	if (json_reserve(j, n) != 0)
		return;
	memcpy(j->j_buf + j->j_len, s, n);
	j->j_len += n;
	j->j_buf[j->j_len] = '\0';
}

static void
json_putc(struct json *j, char c)
{
	json_put(j, &c, 1);
}

/*
 * Before any value: in an object a key must precede it; in an array a comma
 * separates it from the previous element.
 */
static int
json_begin_value(struct json *j)
{
	unsigned int d = j->j_depth;

	if (j->j_err != JSON_OK)
		return -1;
	if (d > 0 && (j->j_object & LEVEL_BIT(d))) {
		if (!j->j_key) {
			json_fail(j, JSON_ESTATE);
			return -1;
		}
		j->j_key = 0;
		return 0;
	}
	if (d > 0) {
		if (j->j_member & LEVEL_BIT(d))
			json_putc(j, ',');
		j->j_member |= LEVEL_BIT(d);
	}
	return j->j_err == JSON_OK ? 0 : -1;
}

static void
json_open(struct json *j, char c, int object)
{
	unsigned int d;

	if (json_begin_value(j) != 0)
		return;
	if (j->j_depth >= JSON_MAX_DEPTH) {
		json_fail(j, JSON_EDEPTH);
		return;
	}
	d = ++j->j_depth;
	if (object)
		j->j_object |= LEVEL_BIT(d);
	else
		j->j_object &= ~LEVEL_BIT(d);
	j->j_member &= ~LEVEL_BIT(d);
	json_putc(j, c);
}

static void
json_close(struct json *j, char c, int object)
{
	unsigned int d = j->j_depth;

	if (j->j_err != JSON_OK)
		return;
	if (d == 0 || j->j_key ||
	    !!(j->j_object & LEVEL_BIT(d)) != !!object) {
		json_fail(j, JSON_ESTATE);
		return;
	}
	j->j_depth--;
	json_putc(j, c);
}

void
json_object_open(struct json *j)
{
	json_open(j, '{', 1);
}

void
json_object_close(struct json *j)
{
	json_close(j, '}', 1);
}

void
json_array_open(struct json *j)
{
	json_open(j, '[', 0);
}

void
json_array_close(struct json *j)
{
	json_close(j, ']', 0);
}

/*
 * Length of the well-formed UTF-8 sequence at p (Unicode 3.9, table 3-7),
 * or 0 when the bytes are not one.
 */
static size_t
utf8_sequence_length(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;		/* no overlong forms */
		else if (p[0] == 0xed)
			hi = 0x9f;		/* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;		/* nothing above U+10FFFF */
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

static void
json_put_escaped(struct json *j, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, n;
	char esc[7];

	json_putc(j, '"');
	while (i < len && j->j_err == JSON_OK) {
		/* copy the longest run needing no escape in one go */
		for (run = i; run < len && p[run] >= 0x20 && p[run] < 0x80 &&
		    p[run] != '"' && p[run] != '\\'; run++)
			;
		if (run > i) {
			json_put(j, s + i, run - i);
			i = run;
			continue;
		}
		switch (p[i]) {
		case '"':  json_put(j, "\\\"", 2); i++; continue;
		case '\\': json_put(j, "\\\\", 2); i++; continue;
		case '\b': json_put(j, "\\b", 2); i++; continue;
		case '\f': json_put(j, "\\f", 2); i++; continue;
		case '\n': json_put(j, "\\n", 2); i++; continue;
		case '\r': json_put(j, "\\r", 2); i++; continue;
		case '\t': json_put(j, "\\t", 2); i++; continue;
		default:
			break;
		}
		if (p[i] < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			json_put(j, esc, 6);
			i++;
		} else if ((n = utf8_sequence_length(p + i, len - i)) != 0) {
			json_put(j, s + i, n);
			i += n;
		} else {
			json_put(j, "\\ufffd", 6);
			i++;
		}
	}
	json_putc(j, '"');
}

void
json_key(struct json *j, const char *key)
{
	unsigned int d = j->j_depth;

	if (j->j_err != JSON_OK)
		return;
	if (d == 0 || !(j->j_object & LEVEL_BIT(d)) || j->j_key ||
	    key == NULL) {
		json_fail(j, JSON_ESTATE);
		return;
	}
	if (j->j_member & LEVEL_BIT(d))
		json_putc(j, ',');
	j->j_member |= LEVEL_BIT(d);
	json_put_escaped(j, key, strlen(key));
	json_putc(j, ':');
	j->j_key = 1;
}

void
json_string_len(struct json *j, const char *s, size_t len)
{
	if (json_begin_value(j) != 0)
		return;
	json_put_escaped(j, s, len);
}

void
json_string(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_string_len(j, s, strlen(s));
}

void
json_stringf(struct json *j, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (j->j_err != JSON_OK)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		json_fail(j, JSON_ENOMEM);
		return;
	}
	json_string_len(j, s, (size_t)n);
	free(s);
}

static void
json_number(struct json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
json_number(struct json *j, const char *fmt, ...)
{
	char num[32];
	va_list ap;
	int n;

	if (json_begin_value(j) != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(num, sizeof(num), fmt, ap);
	va_end(ap);
	json_put(j, num, (size_t)n);
}

void
json_int(struct json *j, long long v)
{
	json_number(j, "%lld", v);
}

void
json_uint(struct json *j, unsigned long long v)
{
	json_number(j, "%llu", v);
}

void
json_bool(struct json *j, int v)
{
	if (json_begin_value(j) != 0)
		return;
	if (v)
		json_put(j, "true", 4);
	else
		json_put(j, "false", 5);
}

void
json_null(struct json *j)
{
	if (json_begin_value(j) != 0)
		return;
	json_put(j, "null", 4);
}

void
json_hex(struct json *j, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t i;

	if (json_begin_value(j) != 0)
		return;
	if (len > SIZE_MAX / 2 - 2 || json_reserve(j, 2 * len + 2) != 0) {
		json_fail(j, JSON_ENOMEM);
		return;
	}
	j->j_buf[j->j_len++] = '"';
	for (i = 0; i < len; i++) {
		j->j_buf[j->j_len++] = hex[p[i] >> 4];
		j->j_buf[j->j_len++] = hex[p[i] & 0xf];
	}
	j->j_buf[j->j_len++] = '"';
	j->j_buf[j->j_len] = '\0';
}

void
json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void
json_kv_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void
json_kv_uint(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	json_uint(j, v);
}

void
json_kv_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

int
json_error(const struct json *j)
{
	return j->j_err;
}

int
json_complete(const struct json *j)
{
	if (j->j_err != JSON_OK)
		return j->j_err;
	return j->j_depth == 0 && !j->j_key ? JSON_OK : JSON_ESTATE;
}

const char *
json_text(const struct json *j)
{
	return j->j_buf != NULL ? j->j_buf : "";
}

size_t
json_length(const struct json *j)
{
	return j->j_len;
}

int
json_write(const struct json *j, FILE *f)
{
	if (j->j_len > 0 && fwrite(j->j_buf, 1, j->j_len, f) != j->j_len)
		return -1;
	return ferror(f) ? -1 : 0;
}

const char *
json_strerror(int err)
{
	switch (err) {
	case JSON_OK:
		return "no error";
	case JSON_ENOMEM:
		return "out of memory";
	case JSON_EDEPTH:
		return "nesting too deep";
	case JSON_ESTATE:
		return "misplaced key, value or close";
	default:
		return "unknown error";
	}
}
