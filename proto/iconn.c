/* One iSCSI transport connection on the event loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iconn.h"
#include "sock.h"

#define ICONN_READ_CHUNK	(256 * 1024)

static void	iconn_io(struct evloop *, int, unsigned, void *);
static void	update_events(struct iconn *);
static void	do_read(struct iconn *);
static void	resume_deliver(struct evloop *, void *);

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
	return pdu_rx_init(&c->rx, max_recv_dsl);
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

	c->in_rx = true;
	used = pdu_rx_feed(&c->rx, b, n, rx_deliver, c);
	c->in_rx = false;
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

static void
do_read(struct iconn *c)
{
	static uint8_t buf[ICONN_READ_CHUNK];
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
		n = read(c->fd, buf, sizeof(buf));
		if (n == 0) {
			shut(c, 0, false);
			return;
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				shut(c, errno, false);
			return;
		}
		c->stats.bytes_rx += (uint64_t)n;
		if (!feed(c, buf, (size_t)n))
			return;
		if ((size_t)n < sizeof(buf))
			return;
	}
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
	if (rc == -1)
		shut(c, errno, false);
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

int
iconn_send_opts(struct iconn *c, const struct pdu *p,
    const struct pdu_digest_opts *d)
{
	size_t need = pdu_encoded_len(p, d), len;
	int rc;

	if (c->state != ICONN_UP) {
		errno = ENOTCONN;
		return -1;
	}
	if (need > c->encbuf_cap) {
		uint8_t *nb = realloc(c->encbuf, need);
		if (nb == NULL)
			return -1;
		c->encbuf = nb;
		c->encbuf_cap = need;
	}
	rc = pdu_encode(p, d, c->encbuf, c->encbuf_cap, &len);
	if (rc != PDU_OK) {
		errno = EINVAL;
		return -1;
	}
	c->stats.pdus_tx++;
	return iconn_send_raw(c, c->encbuf, len);
}

int
iconn_send(struct iconn *c, const struct pdu *p)
{
	return iconn_send_opts(c, p, &c->tx_digests);
}

int
iconn_send_raw(struct iconn *c, const void *buf, size_t len)
{
	if (c->state != ICONN_UP) {
		errno = ENOTCONN;
		return -1;
	}
	if (bufq_push_copy(&c->txq, buf, len) == -1)
		return -1;
	/* try at once; most PDUs leave without waiting for the loop */
	do_write(c);
	update_events(c);
	return 0;
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
iconn_close(struct iconn *c, bool rst)
{
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
