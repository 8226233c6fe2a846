/*
 * IP fragment reassembly (ip_frag.h).  Each set keeps its bytes in a
 * buffer grown to the highest offset seen and a bitmap of the 8-byte
 * units received (fragment offsets count in 8-byte units, RFC 791 3.1,
 * RFC 8200 4.5; only the last fragment may end inside one).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_frag.h"

#define UNITS	((IPF_MAX_LEN + 7) / 8)

struct ipf_set {
	bool		 used;
	int		 family;
	uint8_t		 src[16], dst[16];
	uint32_t	 id;
	uint8_t		 proto;
	double		 first;		/* capture time of its first fragment */
	uint8_t		*buf;
	size_t		 cap;
	uint8_t		 have[(UNITS + 7) / 8];
	size_t		 bytes;		/* received, overlaps counted once */
	size_t		 maxend;	/* highest end offset seen */
	size_t		 overlap;
	bool		 total_known;
	size_t		 total;
	unsigned	 frags;
};

struct ipf {
	struct ipf_set	 sets[IPF_SETS];
	size_t		 active;
	uint8_t		*done;		/* the last completed datagram */
};

struct ipf *
ipf_new(void)
{
	return calloc(1, sizeof(struct ipf));
}

static void
set_release(struct ipf *f, struct ipf_set *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
	f->active--;
}

void
ipf_free(struct ipf *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < IPF_SETS; i++)
		if (f->sets[i].used)
			set_release(f, &f->sets[i]);
	free(f->done);
	free(f);
}

size_t
ipf_active(const struct ipf *f)
{
	return f->active;
}

static void
give_up(struct ipf *f, struct ipf_set *s, const char *why, ipf_lost_fn *fn,
    void *arg)
{
	struct ipf_lost l;

	if (fn != NULL) {
		memset(&l, 0, sizeof(l));
		l.family = s->family;
		memcpy(l.src, s->src, sizeof(l.src));
		memcpy(l.dst, s->dst, sizeof(l.dst));
		l.id = s->id;
		l.proto = s->proto;
		l.frags = s->frags;
		l.have = s->bytes;
		l.total_known = s->total_known;
		l.total = s->total;
		l.why = why;
		fn(arg, &l);
	}
	set_release(f, s);
}

static bool
bit(const uint8_t *map, size_t i)
{
	return (map[i / 8] >> (i % 8)) & 1;
}

static size_t
addr_len(int family)
{
	return family == 6 ? 16 : 4;
}

static struct ipf_set *
set_find(struct ipf *f, const struct ipf_frag *fr)
{
	size_t i, n = addr_len(fr->family);

	for (i = 0; i < IPF_SETS; i++) {
		struct ipf_set *s = &f->sets[i];

		if (s->used && s->family == fr->family && s->id == fr->id &&
		    s->proto == fr->proto && memcmp(s->src, fr->src, n) == 0 &&
		    memcmp(s->dst, fr->dst, n) == 0)
			return s;
	}
	return NULL;
}

static struct ipf_set *
set_new(struct ipf *f, const struct ipf_frag *fr, double now, ipf_lost_fn *fn,
    void *arg)
{
	struct ipf_set *s = NULL, *oldest = NULL;
	size_t i, n = addr_len(fr->family);

	for (i = 0; i < IPF_SETS && s == NULL; i++) {
		if (!f->sets[i].used)
			s = &f->sets[i];
		else if (oldest == NULL || f->sets[i].first < oldest->first)
			oldest = &f->sets[i];
	}
	if (s == NULL) {
		give_up(f, oldest, "given up: more than 64 datagrams in "
		    "reassembly at once", fn, arg);
		s = oldest;
	}
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->family = fr->family;
	memcpy(s->src, fr->src, n);
	memcpy(s->dst, fr->dst, n);
	s->id = fr->id;
	s->proto = fr->proto;
	s->first = now;
	f->active++;
	return s;
}

static bool
complete(const struct ipf_set *s)
{
	size_t i;

	if (!s->total_known)
		return false;
	for (i = 0; i < (s->total + 7) / 8; i++)
		if (!bit(s->have, i))
			return false;
	return true;
}

static enum ipf_status
dropped(struct ipf_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum ipf_status
dropped(struct ipf_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return IPF_DROPPED;
}

enum ipf_status
ipf_add(struct ipf *f, const struct ipf_frag *fr, double now,
    struct ipf_out *out, ipf_lost_fn *fn, void *arg)
{
	struct ipf_set *s;
	size_t end = (size_t)fr->offset + fr->len, u, u0, u1, need;
	bool seen = false;
	uint8_t *nb;

	memset(out, 0, sizeof(*out));
	ipf_expire(f, now, fn, arg);
	s = set_find(f, fr);
	if (fr->cap_len < fr->len) {
		if (s != NULL)
			give_up(f, s, "given up: a fragment was cut by the "
			    "capture's snap length", fn, arg);
		return dropped(out, "fragment cut by the snap length (%zu of "
		    "%zu bytes captured)", fr->cap_len, fr->len);
	}
	if (end > IPF_MAX_LEN || (fr->more && fr->len % 8 != 0) ||
	    (fr->more && fr->len == 0)) {
		if (s != NULL)
			give_up(f, s, "given up: an invalid fragment", fn, arg);
		if (end > IPF_MAX_LEN)
			return dropped(out, "fragment ends at byte %zu, beyond "
			    "%d", end, IPF_MAX_LEN);
		return dropped(out, "fragment of %zu bytes with more to come: "
		    "not a positive multiple of 8 (RFC 791, RFC 8200 4.5)",
		    fr->len);
	}
	if (s == NULL)
		s = set_new(f, fr, now, fn, arg);
	/* the end: the last fragment says it, once and consistently */
	if (!fr->more) {
		if ((s->total_known && s->total != end) || end < s->maxend) {
			give_up(f, s, "given up: fragments disagree on the "
			    "datagram's length", fn, arg);
			return dropped(out, "last fragment ends at %zu, other "
			    "fragments disagree", end);
		}
		s->total_known = true;
		s->total = end;
	} else if (s->total_known && end > s->total) {
		give_up(f, s, "given up: a fragment beyond the last one", fn,
		    arg);
		return dropped(out, "fragment ends at %zu beyond the datagram's "
		    "%zu bytes", end, s->total);
	}
	u0 = fr->offset / 8;
	u1 = (end + 7) / 8;
	for (u = u0; u < u1; u++)
		if (bit(s->have, u))
			seen = true;
	if (seen && s->family == 6) {
		give_up(f, s, "discarded: overlapping fragments (RFC 5722)", fn,
		    arg);
		return dropped(out, "overlapping IPv6 fragment at %u..%zu "
		    "(RFC 5722)", fr->offset, end);
	}
	if (end > s->cap) {
		need = end < 1024 ? 1024 : end;
		if (need < 2 * s->cap)
			need = 2 * s->cap > IPF_MAX_LEN ? IPF_MAX_LEN : 2 * s->cap;
		if ((nb = realloc(s->buf, need)) == NULL) {
			give_up(f, s, "given up: out of memory", fn, arg);
			return dropped(out, "out of memory");
		}
		s->buf = nb;
		s->cap = need;
	}
	/* first copy wins, unit by unit */
	for (u = u0; u < u1; u++) {
		size_t a = u * 8, b = a + 8 > end ? end : a + 8;

		if (a < fr->offset)
			a = fr->offset;
		if (bit(s->have, u)) {
			s->overlap += b - a;
			continue;
		}
		memcpy(s->buf + a, fr->data + (a - fr->offset), b - a);
		s->have[u / 8] |= (uint8_t)(1u << (u % 8));
		s->bytes += b - a;
	}
	if (end > s->maxend)
		s->maxend = end;
	s->frags++;
	if (!complete(s))
		return IPF_HELD;
	free(f->done);
	f->done = s->buf;	/* handed to the caller until the next call */
	s->buf = NULL;
	out->data = f->done;
	out->len = s->total;
	out->proto = s->proto;
	out->frags = s->frags;
	out->overlap = s->overlap;
	set_release(f, s);
	return IPF_COMPLETE;
}

void
ipf_expire(struct ipf *f, double now, ipf_lost_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; f->active > 0 && i < IPF_SETS; i++)
		if (f->sets[i].used && now - f->sets[i].first > IPF_TIMEOUT)
			give_up(f, &f->sets[i], "incomplete: timed out (30 s of "
			    "capture time)", fn, arg);
}

void
ipf_flush(struct ipf *f, ipf_lost_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; f->active > 0 && i < IPF_SETS; i++)
		if (f->sets[i].used)
			give_up(f, &f->sets[i], "incomplete at the end of the "
			    "capture", fn, arg);
}
