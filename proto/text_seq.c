/*
 * Text across PDUs: the C-bit accumulator, the builder and the splitter
 * (RFC 7143 11.10.2, 11.12.2: a key=value pair may straddle PDUs), and
 * repeated-key detection (6.2).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Grow buf (element size elsz) to hold need elements; NULL on failure. */
static void *
grow(void *buf, size_t *cap, size_t need, size_t elsz)
{
	size_t ncap = *cap > 0 ? *cap : 64;
	void *nbuf;

	if (need <= *cap && buf != NULL)
		return buf;
	while (ncap < need)
		ncap *= 2;
	if ((nbuf = realloc(buf, ncap * elsz)) == NULL)
		return NULL;
	*cap = ncap;
	return nbuf;
}

/* ---- accumulator -------------------------------------------------------- */

void
text_accum_init(struct text_accum *a, size_t max)
{
	memset(a, 0, sizeof(*a));
	a->max = max != 0 ? max : TEXT_NEGOTIATION_MAX;
}

int
text_accum_add(struct text_accum *a, const uint8_t *data, size_t len,
    bool more)
{
	uint8_t *buf;
	size_t *ends;

	if (a->complete)
		return TEXT_ESTATE;
	if (len > a->max - a->len)
		return TEXT_ETOOBIG;
	if ((buf = grow(a->buf, &a->cap, a->len + len, 1)) == NULL)
		return TEXT_ENOMEM;
	a->buf = buf;
	if ((ends = grow(a->seg_end, &a->segcap, a->nseg + 1,
	    sizeof(*ends))) == NULL)
		return TEXT_ENOMEM;
	a->seg_end = ends;
	if (len > 0)
		memcpy(a->buf + a->len, data, len);
	a->len += len;
	a->seg_end[a->nseg++] = a->len;
	a->complete = !more;
	return TEXT_OK;
}

bool
text_accum_complete(const struct text_accum *a)
{
	return a->complete;
}

int
text_accum_parse(const struct text_accum *a, text_limit_fn *limit,
    unsigned flags, struct text_list *list, struct text_error *err)
{
	if (!a->complete) {
		memset(list, 0, sizeof(*list));
		if (err != NULL) {
			memset(err, 0, sizeof(*err));
			err->code = TEXT_ESTATE;
			err->offset = a->len;
		}
		return TEXT_ESTATE;
	}
	return text_parse(a->buf, a->len, limit, flags, list, err);
}

void
text_accum_locate(const struct text_accum *a, size_t off, size_t *seg,
    size_t *segoff)
{
	size_t i, start = 0;

	for (i = 0; i < a->nseg; i++) {
		if (off < a->seg_end[i] ||
		    (i + 1 == a->nseg && off <= a->seg_end[i]))
			break;
		start = a->seg_end[i];
	}
	if (i == a->nseg && i > 0)
		i--;
	*seg = i;
	*segoff = off - start;
}

void
text_accum_reset(struct text_accum *a)
{
	a->len = 0;
	a->nseg = 0;
	a->complete = false;
}

void
text_accum_free(struct text_accum *a)
{
	free(a->buf);
	free(a->seg_end);
	text_accum_init(a, a->max);
}

/* ---- builder ------------------------------------------------------------ */

void
text_builder_init(struct text_builder *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max != 0 ? max : TEXT_NEGOTIATION_MAX;
}

int
text_builder_add_raw(struct text_builder *b, const void *data, size_t len)
{
	uint8_t *buf;

	if (len > b->max - b->len)
		return TEXT_ETOOBIG;
	if ((buf = grow(b->buf, &b->cap, b->len + len, 1)) == NULL)
		return TEXT_ENOMEM;
	b->buf = buf;
	if (len > 0)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	return TEXT_OK;
}

int
text_builder_add(struct text_builder *b, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value);
	uint8_t *buf;
	int rc;

	if ((rc = text_check_key(key, klen, NULL)) != TEXT_OK)
		return rc;
	if (vlen > TEXT_LONG_VALUE_MAX)
		return TEXT_EVALUELONG;
	if ((rc = text_check_utf8(value, vlen, NULL)) != TEXT_OK)
		return rc;
	if (klen + vlen + 2 > b->max - b->len)
		return TEXT_ETOOBIG;
	if ((buf = grow(b->buf, &b->cap, b->len + klen + vlen + 2, 1)) == NULL)
		return TEXT_ENOMEM;
	b->buf = buf;
	memcpy(b->buf + b->len, key, klen);
	b->buf[b->len + klen] = '=';
	memcpy(b->buf + b->len + klen + 1, value, vlen);
	b->buf[b->len + klen + 1 + vlen] = '\0';
	b->len += klen + vlen + 2;
	return TEXT_OK;
}

int
text_builder_addf(struct text_builder *b, const char *key, const char *fmt,
    ...)
{
	char value[TEXT_LONG_VALUE_MAX + 2];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0)
		return TEXT_EINVAL;
	if ((size_t)n >= sizeof(value))
		return TEXT_EVALUELONG;
	return text_builder_add(b, key, value);
}

int
text_builder_add_number(struct text_builder *b, const char *key,
    uint64_t value)
{
	return text_builder_addf(b, key, "%llu", (unsigned long long)value);
}

void
text_builder_reset(struct text_builder *b)
{
	b->len = 0;
}

void
text_builder_free(struct text_builder *b)
{
	free(b->buf);
	text_builder_init(b, b->max);
}

/* ---- splitter ----------------------------------------------------------- */

int
text_split_init(struct text_split *s, const uint8_t *data, size_t len,
    size_t max, enum text_split_mode mode)
{
	memset(s, 0, sizeof(*s));
	if (max == 0)
		return TEXT_EINVAL;
	s->data = data;
	s->len = len;
	s->max = max;
	s->mode = mode;
	return TEXT_OK;
}

bool
text_split_next(struct text_split *s, struct text_chunk *c)
{
	size_t n, i;

	if (s->done || s->max == 0)
		return false;
	n = s->len - s->off;
	if (n > s->max) {
		n = s->max;
		if (s->mode == TEXT_SPLIT_PAIRS) {
			/* end on the last NUL inside the chunk, if any */
			for (i = n; i > 0; i--)
				if (s->data[s->off + i - 1] == 0)
					break;
			if (i > 0)
				n = i;
		}
	}
	c->off = s->off;
	c->len = n;
	s->off += n;
	c->more = s->off < s->len;
	s->done = !c->more;
	return true;
}

/* ---- repeated keys ------------------------------------------------------ */

static size_t
seen_hash(const char *key)
{
	size_t h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

void
text_seen_init(struct text_seen *s)
{
	memset(s, 0, sizeof(*s));
}

static char **
seen_slot(char **slot, size_t nslot, const char *key)
{
	size_t i = seen_hash(key) & (nslot - 1);

	while (slot[i] != NULL && strcmp(slot[i], key) != 0)
		i = (i + 1) & (nslot - 1);
	return &slot[i];
}

bool
text_seen_has(const struct text_seen *s, const char *key)
{
	return s->nslot > 0 && *seen_slot(s->slot, s->nslot, key) != NULL;
}

int
text_seen_add(struct text_seen *s, const char *key, bool may_repeat)
{
	char **p;

	if (s->count + 1 > s->nslot / 2) {	/* keep load <= 1/2 */
		size_t i, n = s->nslot > 0 ? s->nslot * 2 : 32;
		char **ns = calloc(n, sizeof(*ns));

		if (ns == NULL)
			return TEXT_ENOMEM;
		for (i = 0; i < s->nslot; i++)
			if (s->slot[i] != NULL)
				*seen_slot(ns, n, s->slot[i]) = s->slot[i];
		free(s->slot);
		s->slot = ns;
		s->nslot = n;
	}
	p = seen_slot(s->slot, s->nslot, key);
	if (*p != NULL)
		return may_repeat ? TEXT_OK : TEXT_EREPEATED;
	if ((*p = strdup(key)) == NULL)
		return TEXT_ENOMEM;
	s->count++;
	return TEXT_OK;
}

void
text_seen_reset(struct text_seen *s)
{
	size_t i;

	for (i = 0; i < s->nslot; i++) {
		free(s->slot[i]);
		s->slot[i] = NULL;
	}
	s->count = 0;
}

void
text_seen_free(struct text_seen *s)
{
	text_seen_reset(s);
	free(s->slot);
	text_seen_init(s);
}
