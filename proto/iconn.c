/* One iSCSI transport connection on the event loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bytes.h"
#include "crc32c.h"
#include "iconn.h"
#include "sock.h"

#define ICONN_READ_CHUNK	(256 * 1024)
/* A placed data segment at least this long is read straight into place. */
#define ICONN_DIRECT_MIN	4096
/*
 * After a placed data segment at least this long, headers are read on
 * their own so that the next data segment lands in place too (one small
 * read instead of copying the segment).
 */
#define ICONN_HDR_FIRST_MIN	65536
/*
 * While at least this much of a placed data segment is due, the socket
 * reports readable only once all of it (up to ICONN_LOWAT_MAX) is there:
 * one wakeup and one read per segment instead of one per TCP burst.
 */
#define ICONN_LOWAT_MIN		32768
#define ICONN_LOWAT_MAX		(1024 * 1024)
/* A data segment at least this long is sent at once, never gathered. */
#define ICONN_GATHER_MAX	16384
/* What is gathered leaves once it reaches this much (bounded copies). */
#define ICONN_GATHER_BYTES	65536
/*
 * Coalescing (ops->rx_expect): a guessed low mark holds at most this long;
 * after a miss, guessing pauses for a number of wakeups that doubles with
 * each consecutive miss (from ICONN_GUESS_PAUSE_MIN to ..._MAX).
 */
#define ICONN_COALESCE_MS	2
#define ICONN_GUESS_PAUSE_MIN	16
#define ICONN_GUESS_PAUSE_MAX	4096

static void	iconn_io(struct evloop *, int, unsigned, void *);
static void	update_events(struct iconn *);
static void	do_read(struct iconn *);
static void	do_read_input(struct iconn *);
static void	do_write(struct iconn *);
static void	resume_deliver(struct evloop *, void *);
static void	lowat_expired(struct evloop *, void *);

static void
close_deliver(struct evloop *l, void *arg)
{
	struct iconn *c = arg;

	(void)l;
	if (c->ops->on_close != NULL)
		c->ops->on_close(c, c->close_err, c->arg);
}

static void
shut(struct iconn *c, int err, bool rst)
{
	if (c->state == ICONN_CLOSED)
		return;
	c->state = ICONN_CLOSED;
	c->close_err = err;
	evtimer_disarm(c->loop, &c->lowat_timer);
	evloop_fd_del(c->loop, &c->h);
	if (c->fd != -1) {
		if (rst)
			sock_close_rst(c->fd);
		else
			close(c->fd);
		c->fd = -1;
	}
	bufq_clear(&c->txq);
	evloop_defer(c->loop, &c->close_ev);
}

static uint8_t *
rx_place(void *arg, const struct pdu *hdr)
{
	struct iconn *c = arg;

	return c->ops->on_place(c, hdr, c->arg);
}

static int
common_init(struct iconn *c, struct evloop *l, uint32_t max_recv_dsl,
    const struct iconn_ops *ops, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->loop = l;
	c->ops = ops;
	c->arg = arg;
	c->fd = -1;
	bufq_init(&c->txq);
	evdefer_init(&c->close_ev, close_deliver, c);
	evdefer_init(&c->resume_ev, resume_deliver, c);
	evtimer_init(&c->lowat_timer, lowat_expired, c);
	c->guess_backoff = ICONN_GUESS_PAUSE_MIN;
	if (pdu_rx_init(&c->rx, max_recv_dsl) == -1)
		return -1;
	if (ops->on_place != NULL)
		pdu_rx_set_placement(&c->rx, rx_place, c);
	return 0;
}

static unsigned
wanted_events(const struct iconn *c)
{
	unsigned ev = 0;

	if (c->state == ICONN_CONNECTING)
		return EV_WRITE;
	if (!c->rx_paused)
		ev |= EV_READ;
	if (bufq_pending(&c->txq) > 0)
		ev |= EV_WRITE;
	return ev;
}

static void
update_events(struct iconn *c)
{
	if (c->state == ICONN_UP || c->state == ICONN_CONNECTING)
		(void)evloop_fd_set_events(c->loop, &c->h, wanted_events(c));
}

int
iconn_attach(struct iconn *c, struct evloop *l, int fd, uint32_t max_recv_dsl,
    const struct iconn_ops *ops, void *arg)
{
	if (common_init(c, l, max_recv_dsl, ops, arg) == -1)
		return -1;
	c->fd = fd;
	c->state = ICONN_UP;
	(void)sock_set_nodelay(fd, 1);
	(void)sock_local_addr(fd, &c->local);
	(void)sock_peer_addr(fd, &c->peer);
	if (evloop_fd_add(l, &c->h, fd, EV_READ, iconn_io, c) == -1) {
		pdu_rx_free(&c->rx);
		return -1;
	}
	return 0;
}

int
iconn_connect(struct iconn *c, struct evloop *l, const struct netaddr *to,
    uint32_t max_recv_dsl, const struct iconn_ops *ops, void *arg)
{
	int inprog;

	if (common_init(c, l, max_recv_dsl, ops, arg) == -1)
		return -1;
	c->peer = *to;
	c->fd = sock_connect(to, &inprog);
	if (c->fd == -1) {
		int e = errno;
		pdu_rx_free(&c->rx);
		errno = e;
		return -1;
	}
	(void)sock_set_nodelay(c->fd, 1);
	c->state = ICONN_CONNECTING;
	if (evloop_fd_add(l, &c->h, c->fd, EV_WRITE, iconn_io, c) == -1) {
		int e = errno;
		close(c->fd);
		pdu_rx_free(&c->rx);
		errno = e;
		return -1;
	}
	return 0;
}

static int
rx_deliver(void *arg, const struct pdu *p, const struct pdu_error *err)
{
	struct iconn *c = arg;

	c->stats.pdus_rx++;
	switch (pdu_status_class(err->code)) {
	case PDU_CLASS_NONE:
		break;
	case PDU_CLASS_DIGEST:
		c->stats.ddigest_errors++;
		break;
	case PDU_CLASS_LIMIT:
		c->stats.oversize_errors++;
		break;
	default:
		if (err->code == PDU_EHDIGEST)
			c->stats.hdigest_errors++;
		else
			c->stats.format_errors++;
	}
	if (p->data_len > 0)	/* PDUs without data do not change the mode */
		c->hdr_first = c->ops->on_place != NULL &&
		    p->data_len >= ICONN_HDR_FIRST_MIN;
	if (c->ops->on_pdu != NULL)
		c->ops->on_pdu(c, p, err, c->arg);
	/* stop at once when the owner closed or paused us */
	return c->state != ICONN_UP || c->rx_paused;
}

/* Feed bytes to the receive path; false when reading must stop. */
static bool
feed(struct iconn *c, const uint8_t *b, size_t n)
{
	ssize_t used;

	used = pdu_rx_feed(&c->rx, b, n, rx_deliver, c);
	if (used == -1) {
		/* framing lost (header digest): nothing more can be trusted */
		if (c->state == ICONN_UP)
			shut(c, EPROTO, false);
		return false;
	}
	if ((size_t)used < n && c->state == ICONN_UP) {
		/* paused mid-buffer: keep the rest for iconn_pause_rx(false) */
		size_t left = n - (size_t)used;
		uint8_t *np = realloc(c->pend, c->pend_len + left);
		if (np == NULL) {
			shut(c, ENOMEM, false);
			return false;
		}
		memcpy(np + c->pend_len, b + used, left);
		c->pend = np;
		c->pend_len += left;
		return false;
	}
	return c->state == ICONN_UP && !c->rx_paused;
}

/* Bytes still missing of the header in progress (0: not in a header). */
static size_t
header_due(const struct pdu_rx *rx)
{
	size_t hd = rx->cur.header ? PDU_DIGEST_LEN : 0;

	switch (rx->state) {
	case PDU_RX_BHS:
		return PDU_BHS_LEN + hd - rx->have;
	case PDU_RX_AHS:
	case PDU_RX_HDIGEST:
		return rx->hdr_end + hd > rx->have ? rx->hdr_end + hd - rx->have : 0;
	default:
		return 0;
	}
}

/*
 * SO_RCVLOWAT: the placed data still due when it is large, or what the
 * owner expects when that is more (then for ICONN_COALESCE_MS at most),
 * else 1.
 */
static void
set_lowat(struct iconn *c)
{
	uint8_t *dst;
	size_t due, guess = 0;
	int v = 0;

	if (c->state != ICONN_UP)
		return;
	if ((due = pdu_rx_direct(&c->rx, &dst)) < ICONN_LOWAT_MIN)
		due = 0;
	if (c->ops->rx_expect != NULL) {
		if (c->guess_off > 0)
			c->guess_off--;
		else
			guess = c->ops->rx_expect(c, c->arg);
	}
	if (guess > due) {
		due = guess;
		evtimer_arm(c->loop, &c->lowat_timer,
		    ICONN_COALESCE_MS * EV_NSEC_PER_MSEC);
	}
	if (due > 0)
		v = (int)(due < ICONN_LOWAT_MAX ? due : ICONN_LOWAT_MAX);
	if (v == c->rcvlowat)
		return;
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVLOWAT, v > 0 ? &v :
	    &(int){ 1 }, sizeof(int)) == 0)
		c->rcvlowat = v;
}

/*
 * Read what the socket holds.  A placed data segment is read straight
 * into place (readv), with what follows it into buf; in hdr_first mode
 * only up to the next header, so that its data lands in place too.  What
 * the PDUs read make us send leaves in one write at the end.
 */
static void
do_read(struct iconn *c)
{
	if (evtimer_armed(&c->lowat_timer)) {
		/* the guessed low mark was reached in time */
		evtimer_disarm(c->loop, &c->lowat_timer);
		c->guess_backoff = ICONN_GUESS_PAUSE_MIN;
	}
	c->in_rx = true;	/* replies leave together, after the reading */
	do_read_input(c);
	c->in_rx = false;
	if (c->state == ICONN_UP && bufq_pending(&c->txq) > 0)
		do_write(c);
	set_lowat(c);
}

/* Read and deliver what the socket holds (sends are only gathered). */
static void
do_read_input(struct iconn *c)
{
	static uint8_t buf[ICONN_READ_CHUNK];
	struct pdu_rx *rx = &c->rx;
	struct iovec iov[2];
	size_t direct, want, got;
	uint8_t *dst;
	ssize_t n;

	if (c->pend_len > 0 && !c->rx_paused) {
		uint8_t *p = c->pend;
		size_t len = c->pend_len;

		c->pend = NULL;
		c->pend_len = 0;
		if (!feed(c, p, len)) {
			free(p);
			return;
		}
		free(p);
	}
	while (c->state == ICONN_UP && !c->rx_paused) {
		direct = pdu_rx_direct(rx, &dst);
		if (direct < ICONN_DIRECT_MIN && !c->hdr_first)
			direct = 0;	/* a copy is cheaper than readv */
		want = sizeof(buf);
		if (c->hdr_first && direct > 0)
			/* padding, data digest, the next BHS and its digest */
			want = rx->pdu_end - (rx->data_off + rx->pdu.dsl) +
			    PDU_BHS_LEN + (rx->next.header ? PDU_DIGEST_LEN : 0);
		else if (c->hdr_first && header_due(rx) > 0)
			want = header_due(rx);
		iov[0].iov_base = dst;
		iov[0].iov_len = direct;
		iov[1].iov_base = buf;
		iov[1].iov_len = want;
		if (direct > 0)
			n = readv(c->fd, iov, 2);
		else
			n = read(c->fd, buf, want);
		if (n == 0) {
			shut(c, 0, false);
			return;
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				shut(c, errno, false);
				return;
			}
			break;
		}
		c->stats.bytes_rx += (uint64_t)n;
		got = (size_t)n < direct ? (size_t)n : direct;
		if (got > 0)
			pdu_rx_direct_done(rx, got);
		if (!feed(c, buf, (size_t)n - got))
			return;
		if ((size_t)n < direct + want)
			break;		/* the socket is drained */
	}
}

/* A guessed low mark did not fill in time: read what is there, and do
 * not guess for a while (longer after each consecutive miss). */
static void
lowat_expired(struct evloop *l, void *arg)
{
	struct iconn *c = arg;
	unsigned pause = c->guess_backoff;

	(void)l;
	if (c->state != ICONN_UP)
		return;
	c->guess_backoff = pause < ICONN_GUESS_PAUSE_MAX / 2 ? pause * 2 :
	    ICONN_GUESS_PAUSE_MAX;
	c->guess_off = pause;
	if (!c->rx_paused)
		do_read(c);
	else
		set_lowat(c);
	update_events(c);
}

static void
resume_deliver(struct evloop *l, void *arg)
{
	struct iconn *c = arg;

	(void)l;
	if (c->state == ICONN_UP && !c->rx_paused)
		do_read(c);
	update_events(c);
}

static void
do_write(struct iconn *c)
{
	uint64_t before = c->txq.total_written;
	int rc = bufq_flush(&c->txq, c->fd);

	c->stats.bytes_tx += c->txq.total_written - before;
	if (rc == -1) {
		c->close_in_send = true;
		shut(c, errno, false);
	}
}

static void
iconn_io(struct evloop *l, int fd, unsigned ev, void *arg)
{
	struct iconn *c = arg;

	(void)l;
	(void)fd;
	if (c->state == ICONN_CONNECTING) {
		int err = sock_connect_result(c->fd);
		if (err != 0) {
			c->state = ICONN_CLOSED;
			evloop_fd_del(c->loop, &c->h);
			close(c->fd);
			c->fd = -1;
			if (c->ops->on_connected != NULL)
				c->ops->on_connected(c, err, c->arg);
			return;
		}
		c->state = ICONN_UP;
		(void)sock_local_addr(c->fd, &c->local);
		update_events(c);
		if (c->ops->on_connected != NULL)
			c->ops->on_connected(c, 0, c->arg);
		return;
	}
	if ((ev & EV_WRITE) && c->state == ICONN_UP)
		do_write(c);
	if ((ev & (EV_READ | EV_ERROR)) && c->state == ICONN_UP)
		do_read(c);
	update_events(c);
}

/*
 * Send iov now when nothing is queued, else (or for what the socket does
 * not take) queue a copy.  While input is being handled small PDUs are
 * only queued: feed() sends them together.  Errors close the connection
 * (on_close reports them), as a failed flush does.
 */
static int
send_iov(struct iconn *c, const struct iovec *iov, int n, size_t data_len)
{
	size_t len = 0;
	ssize_t w = 0;
	int i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (c->in_rx && data_len < ICONN_GATHER_MAX &&
	    bufq_pending(&c->txq) + len <= ICONN_GATHER_BYTES) {
		if (bufq_push_copyv(&c->txq, iov, n, 0) == -1)
			return -1;
		return 0;
	}
	/* enough gathered (or a large segment): what is queued goes first */
	if (bufq_pending(&c->txq) > 0)
		do_write(c);
	if (c->state != ICONN_UP)
		return 0;
	if (bufq_pending(&c->txq) == 0) {
		struct msghdr mh = { .msg_iov = (struct iovec *)iov,
		    .msg_iovlen = (size_t)n };

		do
			w = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
		while (w == -1 && errno == EINTR);
		if (w == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				c->close_in_send = true;
				shut(c, errno, false);
				return 0;
			}
			w = 0;
		}
		c->stats.bytes_tx += (uint64_t)w;
	}
	if (bufq_push_copyv(&c->txq, iov, n, (size_t)w) == -1)
		return -1;
	update_events(c);
	return 0;
}

static int
encbuf_reserve(struct iconn *c, size_t need)
{
	uint8_t *nb;

	if (need <= c->encbuf_cap)
		return 0;
	if ((nb = realloc(c->encbuf, need)) == NULL)
		return -1;
	c->encbuf = nb;
	c->encbuf_cap = need;
	return 0;
}

int
iconn_send_opts(struct iconn *c, const struct pdu *p,
    const struct pdu_digest_opts *d)
{
	struct iovec iov[3];
	struct pdu h;
	uint8_t tail[3 + PDU_DIGEST_LEN];
	size_t len, tlen;
	int rc;

	if (c->state != ICONN_UP) {
		errno = ENOTCONN;
		return -1;
	}
	if (p->data_len == 0 || p->data == NULL || p->dsl_override) {
		/* all of it in the encode buffer */
		if (encbuf_reserve(c, pdu_encoded_len(p, d)) == -1)
			return -1;
		rc = pdu_encode(p, d, c->encbuf, c->encbuf_cap, &len);
		if (rc != PDU_OK) {
			errno = EINVAL;
			return -1;
		}
		iov[0].iov_base = c->encbuf;
		iov[0].iov_len = len;
		c->stats.pdus_tx++;
		return send_iov(c, iov, 1, 0);
	}
	/* the header alone (its DataSegmentLength set), the data by reference */
	h = *p;
	h.data = NULL;
	h.data_len = 0;
	h.dsl_override = true;
	h.dsl = p->data_len;
	if (p->data_len > PDU_DSL_MAX ||
	    encbuf_reserve(c, pdu_encoded_len(&h, d)) == -1) {
		errno = p->data_len > PDU_DSL_MAX ? EINVAL : ENOMEM;
		return -1;
	}
	rc = pdu_encode(&h, d, c->encbuf, c->encbuf_cap, &len);
	if (rc != PDU_OK) {
		errno = EINVAL;
		return -1;
	}
	tlen = PDU_PAD4(p->data_len);
	memset(tail, 0, sizeof(tail));
	if (d != NULL && d->data) {
		put_le32(tail + tlen, crc32c(crc32c(0, p->data, p->data_len),
		    tail, tlen) ^ d->data_xor);
		tlen += PDU_DIGEST_LEN;
	}
	iov[0].iov_base = c->encbuf;
	iov[0].iov_len = len;
	iov[1].iov_base = (void *)p->data;
	iov[1].iov_len = p->data_len;
	iov[2].iov_base = tail;
	iov[2].iov_len = tlen;
	c->stats.pdus_tx++;
	return send_iov(c, iov, tlen > 0 ? 3 : 2, p->data_len);
}

int
iconn_send(struct iconn *c, const struct pdu *p)
{
	return iconn_send_opts(c, p, &c->tx_digests);
}

int
iconn_send_raw(struct iconn *c, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	if (c->state != ICONN_UP) {
		errno = ENOTCONN;
		return -1;
	}
	if (len == 0)
		return 0;
	return send_iov(c, &iov, 1, len);
}

void
iconn_set_digests(struct iconn *c, bool header, bool data)
{
	c->tx_digests.header = header;
	c->tx_digests.data = data;
	pdu_rx_set_digests(&c->rx, header, data);
}

int
iconn_set_max_recv_dsl(struct iconn *c, uint32_t v)
{
	return pdu_rx_set_max_dsl(&c->rx, v);
}

void
iconn_pause_rx(struct iconn *c, bool paused)
{
	c->rx_paused = paused;
	if (!paused && c->pend_len > 0)
		evloop_defer(c->loop, &c->resume_ev);
	update_events(c);
}

void
iconn_rx_unplace(struct iconn *c)
{
	pdu_rx_unplace(&c->rx);
}

void
iconn_close(struct iconn *c, bool rst)
{
	if (c->state == ICONN_UP && bufq_pending(&c->txq) > 0)
		do_write(c);	/* gathered PDUs leave before the FIN / RST */
	if (c->state == ICONN_CONNECTING) {
		evloop_fd_del(c->loop, &c->h);
		close(c->fd);
		c->fd = -1;
		c->state = ICONN_CLOSED;
		c->close_err = -1;
		evloop_defer(c->loop, &c->close_ev);
		return;
	}
	shut(c, -1, rst);
}

void
iconn_free(struct iconn *c)
{
	if (c->state != ICONN_CLOSED && c->fd != -1) {
		evloop_fd_del(c->loop, &c->h);
		close(c->fd);
		c->fd = -1;
	}
	if (c->loop != NULL) {
		evtimer_disarm(c->loop, &c->lowat_timer);
		evloop_defer_cancel(c->loop, &c->close_ev);
		evloop_defer_cancel(c->loop, &c->resume_ev);
	}
	free(c->pend);
	c->pend = NULL;
	c->pend_len = 0;
	bufq_clear(&c->txq);
	pdu_rx_free(&c->rx);
	free(c->encbuf);
	c->encbuf = NULL;
	c->state = ICONN_CLOSED;
}
