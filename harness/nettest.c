/*
 * TCP measurements over a test network; see nettest.h.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "nettest.h"

#define FLOW_CHUNK	(64 * 1024)

int64_t
nettest_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
tcp_socket(const char *ns)
{
	int type = SOCK_STREAM | SOCK_NONBLOCK;

	if (ns != NULL)
		return netns_socket(ns, AF_INET, type, 0);
	return socket(AF_INET, type | SOCK_CLOEXEC, 0);
}

static int
fill_sin(struct sockaddr_in *sin, const char *addr, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Wait until fd shows one of events or the deadline (us) passes. */
static int
wait_fd(int fd, short events, int64_t deadline_us)
{
	struct pollfd pfd = { fd, events, 0 };
	int64_t left;
	int n;

	for (;;) {
		left = deadline_us - nettest_now_us();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&pfd, 1, (int)((left + 999) / 1000));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n > 0)
			return 0;
	}
}

int
nettest_listen(const char *ns, const char *addr, uint16_t port)
{
	struct sockaddr_in sin;
	int fd, one = 1, e;

	if (fill_sin(&sin, addr, port) == -1)
		return -1;
	if ((fd = tcp_socket(ns)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 16) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
nettest_close(struct nettest_conn *c)
{
	if (c->cli >= 0)
		close(c->cli);
	if (c->srv >= 0)
		close(c->srv);
	c->cli = c->srv = -1;
}

int
nettest_connect(struct nettest_conn *c, int lfd, const char *ns,
    const char *addr, uint16_t port, unsigned user_timeout_ms,
    int timeout_ms, int64_t *connect_us)
{
	struct sockaddr_in sin;
	int64_t t0, deadline = nettest_now_us() + (int64_t)timeout_ms * 1000;
	socklen_t len = sizeof(int);
	int one = 1, soerr = 0, e;

	c->cli = c->srv = -1;
	if (fill_sin(&sin, addr, port) == -1)
		return -1;
	if ((c->cli = tcp_socket(ns)) == -1)
		return -1;
	setsockopt(c->cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (user_timeout_ms > 0 && setsockopt(c->cli, IPPROTO_TCP,
	    TCP_USER_TIMEOUT, &user_timeout_ms, sizeof(user_timeout_ms)) == -1)
		goto fail;
	t0 = nettest_now_us();
	if (connect(c->cli, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS)
		goto fail;
	if (wait_fd(c->cli, POLLOUT, deadline) == -1)
		goto fail;
	if (getsockopt(c->cli, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		goto fail;
	if (soerr != 0) {
		errno = soerr;
		goto fail;
	}
	if (connect_us != NULL)
		*connect_us = nettest_now_us() - t0;
	if (wait_fd(lfd, POLLIN, deadline) == -1)
		goto fail;
	c->srv = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c->srv == -1)
		goto fail;
	setsockopt(c->srv, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
fail:
	e = errno;
	nettest_close(c);
	errno = e;
	return -1;
}

/* Move one byte from one end to the other within the deadline. */
static int
bounce(int from, int to, int64_t deadline)
{
	char b = 'p';
	ssize_t n;

	do
		n = send(from, &b, 1, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n != 1)
		return -1;
	for (;;) {
		if (wait_fd(to, POLLIN, deadline) == -1)
			return -1;
		n = recv(to, &b, 1, 0);
		if (n == 1)
			return 0;
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}

int
nettest_pingpong(struct nettest_conn *c, unsigned rounds, int timeout_ms,
    int64_t *rtt_us)
{
	int64_t t0, deadline;
	unsigned i;

	for (i = 0; i < rounds; i++) {
		t0 = nettest_now_us();
		deadline = t0 + (int64_t)timeout_ms * 1000;
		if (bounce(c->cli, c->srv, deadline) == -1 ||
		    bounce(c->srv, c->cli, deadline) == -1)
			return -1;
		rtt_us[i] = nettest_now_us() - t0;
	}
	return 0;
}

void
nettest_flow_init(struct nettest_flow *f, struct nettest_conn *c)
{
	memset(f, 0, sizeof(*f));
	f->conn = c;
	f->last_rx_us = nettest_now_us();
}

static int
sock_error(int fd)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return errno;
	return soerr != 0 ? soerr : EIO;
}

static void
flow_send(struct nettest_flow *f)
{
	static const char chunk[FLOW_CHUNK];
	ssize_t n;

	n = send(f->conn->cli, chunk, sizeof(chunk), MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n > 0)
		f->tx_bytes += (uint64_t)n;
	else if (n == -1 && errno != EAGAIN && errno != EINTR) {
		f->cli_errno = errno;
		f->err_us = nettest_now_us();
	}
}

static void
flow_recv(struct nettest_flow *f)
{
	static char sink[256 * 1024];
	int64_t now;
	ssize_t n;
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {	/* bounded drain */
		n = recv(f->conn->srv, sink, sizeof(sink), MSG_DONTWAIT);
		if (n > 0) {
			now = nettest_now_us();
			if (now - f->last_rx_us > f->max_gap_us)
				f->max_gap_us = now - f->last_rx_us;
			f->last_rx_us = now;
			f->rx_bytes += (uint64_t)n;
			continue;
		}
		if (n == 0)
			f->srv_errno = ENOTCONN;	/* peer closed */
		else if (errno != EAGAIN && errno != EINTR)
			f->srv_errno = errno;
		return;
	}
}

int
nettest_flow_pump(struct nettest_flow *f, int ms, enum nettest_until until)
{
	int64_t deadline = nettest_now_us() + (int64_t)ms * 1000, left;
	uint64_t rx0 = f->rx_bytes;
	struct pollfd pfd[2];
	int n;

	for (;;) {
		if (until == NETTEST_UNTIL_RX && f->rx_bytes > rx0)
			return 1;
		if (until == NETTEST_UNTIL_ERROR && f->cli_errno != 0)
			return 1;
		left = deadline - nettest_now_us();
		if (left <= 0)
			return 0;
		pfd[0].fd = f->cli_errno == 0 ? f->conn->cli : -1;
		pfd[0].events = POLLOUT;
		pfd[1].fd = f->srv_errno == 0 ? f->conn->srv : -1;
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		n = poll(pfd, 2, (int)((left + 999) / 1000));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (pfd[0].revents & POLLERR) {
			f->cli_errno = sock_error(f->conn->cli);
			f->err_us = nettest_now_us();
		} else if (pfd[0].revents & POLLOUT)
			flow_send(f);
		else if (pfd[0].revents & (POLLHUP | POLLNVAL)) {
			f->cli_errno = sock_error(f->conn->cli);
			f->err_us = nettest_now_us();
		}
		if (pfd[1].revents & (POLLIN | POLLERR | POLLHUP))
			flow_recv(f);
		if (f->cli_errno != 0 && f->srv_errno != 0)
			return until == NETTEST_UNTIL_ERROR ? 1 : 0;
	}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int64_t
nettest_median(int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}
