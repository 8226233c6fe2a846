/* key=value text data: errors, key names, parsing (RFC 7143 6.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *const text_err_text[] = {
#define TEXT_ERR_TEXT(name, text) text,
	TEXT_ERRORS(TEXT_ERR_TEXT)
#undef TEXT_ERR_TEXT
};

const char *
text_strerror(int err)
{
	if (err < 0 || err >= TEXT_NERRORS)
		return "unknown text error";
	return text_err_text[err];
}

static void
error_set(struct text_error *err, enum text_err code, size_t offset,
    const char *key, size_t keylen)
{
	size_t n;

	if (err == NULL)
		return;
	err->code = code;
	err->offset = offset;
	n = keylen < sizeof(err->key) - 1 ? keylen : sizeof(err->key) - 1;
	if (key != NULL)
		memcpy(err->key, key, n);
	else
		n = 0;
	err->key[n] = '\0';
}

int
text_error_format(const struct text_error *err, char *buf, size_t bufsz)
{
	char key[sizeof(err->key)];
	size_t i;

	for (i = 0; err->key[i] != '\0'; i++) {
		unsigned char c = (unsigned char)err->key[i];
		key[i] = (c >= 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
	}
	key[i] = '\0';
	if (key[0] == '\0')
		return snprintf(buf, bufsz, "offset %zu: %s", err->offset,
		    text_strerror(err->code));
	return snprintf(buf, bufsz, "offset %zu, key \"%s\": %s", err->offset,
	    key, text_strerror(err->code));
}

static bool
is_key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
	    c == '@' || c == '_';
}

int
text_check_key(const char *key, size_t len, size_t *badpos)
{
	size_t i, start = 0;

	if (len == 0)
		return TEXT_EEMPTYKEY;
	if (len > TEXT_KEY_MAX) {
		if (badpos != NULL)
			*badpos = TEXT_KEY_MAX;
		return TEXT_EKEYLONG;
	}
	if (len >= 2 && key[0] == 'X' && key[1] == '#')
		start = 2;	/* X#IANA-registered-string (13.22) */
	for (i = start; i < len; i++)
		if (!is_key_char((unsigned char)key[i])) {
			if (badpos != NULL)
				*badpos = i;
			return TEXT_EKEYCHAR;
		}
	if (!(key[0] >= 'A' && key[0] <= 'Z') &&
	    !(len >= 5 && memcmp(key, "iSCSI", 5) == 0)) {
		if (badpos != NULL)
			*badpos = 0;
		return TEXT_EKEYSTART;
	}
	return TEXT_OK;
}

void
text_list_free(struct text_list *list)
{
	free(list->pairs);
	free(list->store);
	list->pairs = NULL;
	list->store = NULL;
	list->npairs = 0;
}

const struct text_pair *
text_list_find(const struct text_list *list, const char *key)
{
	size_t i;

	for (i = 0; i < list->npairs; i++)
		if (strcmp(list->pairs[i].key, key) == 0)
			return &list->pairs[i];
	return NULL;
}

/* Check one "key=value" (no NUL inside) found at base; fill *pair. */
static int
parse_pair(char *p, size_t n, size_t base, text_limit_fn *limit,
    struct text_pair *pair, struct text_error *err)
{
	char *eq = memchr(p, '=', n);
	size_t keylen, valuelen, limitlen, bad = 0;
	int rc;

	if (eq == NULL) {
		error_set(err, TEXT_ENOEQUAL, base, p, n);
		return TEXT_ENOEQUAL;
	}
	keylen = (size_t)(eq - p);
	valuelen = n - keylen - 1;
	if ((rc = text_check_key(p, keylen, &bad)) != TEXT_OK) {
		error_set(err, rc, base + bad, p, keylen);
		return rc;
	}
	limitlen = limit != NULL ? limit(p, keylen) : TEXT_VALUE_MAX;
	if (valuelen > limitlen) {
		error_set(err, TEXT_EVALUELONG, base + keylen + 1 + limitlen, p,
		    keylen);
		return TEXT_EVALUELONG;
	}
	if ((rc = text_check_utf8(eq + 1, valuelen, &bad)) != TEXT_OK) {
		error_set(err, rc, base + keylen + 1 + bad, p, keylen);
		return rc;
	}
	*eq = '\0';
	pair->key = p;
	pair->keylen = keylen;
	pair->value = eq + 1;
	pair->valuelen = valuelen;
	pair->offset = base;
	return TEXT_OK;
}

int
text_parse(const uint8_t *data, size_t len, text_limit_fn *limit,
    unsigned flags, struct text_list *list, struct text_error *err)
{
	size_t i, start, npairs = 0;
	char *store;
	int rc;

	list->pairs = NULL;
	list->npairs = 0;
	list->store = NULL;
	error_set(err, TEXT_OK, 0, NULL, 0);
	if ((flags & TEXT_PARSE_PAD_OK) && len > 0 && data[len - 1] == 0) {
		while (len > 0 && data[len - 1] == 0)
			len--;
		if (len > 0)
			len++;		/* keep the last pair's terminator */
	}
	if (len == 0)
		return TEXT_OK;
	if (data[len - 1] != 0) {
		const uint8_t *eq;

		for (start = len; start > 0 && data[start - 1] != 0; start--)
			;
		eq = memchr(data + start, '=', len - start);
		error_set(err, TEXT_ENOTERM, len, (const char *)data + start,
		    eq != NULL ? (size_t)(eq - data) - start : len - start);
		return TEXT_ENOTERM;
	}
	for (i = 0; i < len; i++)
		if (data[i] == 0)
			npairs++;
	if ((store = malloc(len)) == NULL ||
	    (list->pairs = calloc(npairs, sizeof(*list->pairs))) == NULL) {
		free(store);
		error_set(err, TEXT_ENOMEM, 0, NULL, 0);
		return TEXT_ENOMEM;
	}
	memcpy(store, data, len);
	list->store = store;
	for (start = 0, i = 0; i < len; i++) {
		if (store[i] != '\0')
			continue;
		if (i == start) {
			error_set(err, TEXT_EEMPTYPAIR, start, NULL, 0);
			text_list_free(list);
			return TEXT_EEMPTYPAIR;
		}
		rc = parse_pair(store + start, i - start, start, limit,
		    &list->pairs[list->npairs], err);
		if (rc != TEXT_OK) {
			text_list_free(list);
			return rc;
		}
		list->npairs++;
		start = i + 1;
	}
	return TEXT_OK;
}
