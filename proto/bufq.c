/* Outbound byte queue flushed with writev. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "bufq.h"

#define BUFQ_IOV_MAX	64

/* Copies go into chunks of at least this size; small ones share a chunk. */
#define BUFQ_COPY_MIN	4096
/* Written copy chunks up to this size are kept (at most BUFQ_SPARES) for
 * later copies: no allocation, no heap growing and shrinking, per batch. */
#define BUFQ_SPARE_CAP	32768
#define BUFQ_SPARES	16

struct bufq_chunk {
	struct bufq_chunk	*next;
	const uint8_t		*data;
	size_t			 len, off;
	size_t			 cap;		/* of copy[] */
	bufq_release_cb		 release;
	void			*arg;
	uint8_t			 copy[];	/* inline storage for copies */
};

void
bufq_init(struct bufq *q)
{
	memset(q, 0, sizeof(*q));
}

static void
chunk_free(struct bufq_chunk *c)
{
	if (c->release != NULL)
		c->release(c->arg);
	free(c);
}

/* A written chunk: the first small copy chunk is kept for the next copy
 * (no allocation per gathered batch). */
static void
chunk_done(struct bufq *q, struct bufq_chunk *c)
{
	if (q->nspare < BUFQ_SPARES && c->release == NULL &&
	    c->data == c->copy && c->cap <= BUFQ_SPARE_CAP) {
		c->next = q->spare;
		q->spare = c;
		q->nspare++;
	} else
		chunk_free(c);
}

/* A kept chunk with room for len, or NULL. */
static struct bufq_chunk *
spare_take(struct bufq *q, size_t len)
{
	struct bufq_chunk **pp, *c;

	for (pp = &q->spare; (c = *pp) != NULL; pp = &c->next)
		if (c->cap >= len) {
			*pp = c->next;
			q->nspare--;
			return c;
		}
	return NULL;
}

void
bufq_clear(struct bufq *q)
{
	struct bufq_chunk *c;

	while ((c = q->head) != NULL) {
		q->head = c->next;
		chunk_free(c);
	}
	q->tail = NULL;
	q->bytes = 0;
	while ((c = q->spare) != NULL) {
		q->spare = c->next;
		free(c);
	}
	q->nspare = 0;
}

static void
append(struct bufq *q, struct bufq_chunk *c)
{
	c->next = NULL;
	if (q->tail != NULL)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->bytes += c->len;
}

/* Room for len more copied bytes at the end of the queue. */
static uint8_t *
copy_space(struct bufq *q, size_t len)
{
	struct bufq_chunk *c = q->tail;
	size_t cap;

	if (c != NULL && c->data == c->copy && c->cap - c->len >= len) {
		c->len += len;
		q->bytes += len;
		return c->copy + c->len - len;
	}
	/* whole pages up to BUFQ_SPARE_CAP, so kept chunks fit again */
	cap = len <= BUFQ_SPARE_CAP ? (len + BUFQ_COPY_MIN - 1) /
	    BUFQ_COPY_MIN * BUFQ_COPY_MIN : len;
	if (cap < BUFQ_COPY_MIN)
		cap = BUFQ_COPY_MIN;
	if ((c = spare_take(q, len)) != NULL) {
		if (c->cap > cap)
			cap = c->cap;
	} else if ((c = malloc(sizeof(*c) + cap)) == NULL)
		return NULL;
	c->data = c->copy;
	c->len = len;
	c->off = 0;
	c->cap = cap;
	c->release = NULL;
	c->arg = NULL;
	append(q, c);
	return c->copy;
}

int
bufq_push_copy(struct bufq *q, const void *data, size_t len)
{
	uint8_t *w;

	if (len == 0)
		return 0;
	if ((w = copy_space(q, len)) == NULL)
		return -1;
	memcpy(w, data, len);
	return 0;
}

int
bufq_push_copyv(struct bufq *q, const struct iovec *iov, int n, size_t skip)
{
	uint8_t *w;
	size_t len = 0, at = 0, part;
	int i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len <= skip)
		return 0;
	len -= skip;
	if ((w = copy_space(q, len)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const uint8_t *b = iov[i].iov_base;

		part = iov[i].iov_len;
		if (skip >= part) {
			skip -= part;
			continue;
		}
		memcpy(w + at, b + skip, part - skip);
		at += part - skip;
		skip = 0;
	}
	return 0;
}

int
bufq_push_ref(struct bufq *q, const void *data, size_t len,
    bufq_release_cb release, void *arg)
{
	struct bufq_chunk *c = malloc(sizeof(*c));

	if (c == NULL)
		return -1;
	c->cap = 0;
	c->data = data;
	c->len = len;
	c->off = 0;
	c->release = release;
	c->arg = arg;
	append(q, c);
	return 0;
}

int
bufq_flush(struct bufq *q, int fd)
{
	struct iovec iov[BUFQ_IOV_MAX];

	while (q->head != NULL) {
		struct bufq_chunk *c;
		ssize_t n;
		int cnt = 0;

		for (c = q->head; c != NULL && cnt < BUFQ_IOV_MAX; c = c->next) {
			iov[cnt].iov_base = (void *)(c->data + c->off);
			iov[cnt].iov_len = c->len - c->off;
			cnt++;
		}
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)cnt };

		/* sendmsg, not writev: a closed peer must not raise SIGPIPE */
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			return -1;
		}
		q->total_written += (uint64_t)n;
		q->bytes -= (size_t)n;
		while (n > 0 && (c = q->head) != NULL) {
			size_t left = c->len - c->off;
			if ((size_t)n < left) {
				c->off += (size_t)n;
				n = 0;
				break;
			}
			n -= (ssize_t)left;
			q->head = c->next;
			if (q->head == NULL)
				q->tail = NULL;
			chunk_done(q, c);
		}
		/* zero-length referenced chunks are released here too */
		while ((c = q->head) != NULL && c->off == c->len) {
			q->head = c->next;
			if (q->head == NULL)
				q->tail = NULL;
			chunk_done(q, c);
		}
	}
	return 0;
}

size_t
bufq_pending(const struct bufq *q)
{
	return q->bytes;
}
