/* Non-blocking TCP sockets. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "sock.h"

int
sock_listen(const struct netaddr *a, int backlog)
{
	int fd, on = 1;

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (a->ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, (const struct sockaddr *)&a->ss, a->len) == -1 ||
	    listen(fd, backlog) == -1) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
sock_accept(int lfd, struct netaddr *peer)
{
	struct netaddr tmp;
	struct netaddr *p = peer != NULL ? peer : &tmp;

	p->len = sizeof(p->ss);
	return accept4(lfd, (struct sockaddr *)&p->ss, &p->len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int
sock_connect(const struct netaddr *a, int *in_progress)
{
	int fd;

	*in_progress = 0;
	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == -1) {
		if (errno == EINPROGRESS) {
			*in_progress = 1;
			return fd;
		}
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
sock_connect_result(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return errno;
	return err;
}

int
sock_local_addr(int fd, struct netaddr *a)
{
	a->len = sizeof(a->ss);
	return getsockname(fd, (struct sockaddr *)&a->ss, &a->len);
}

int
sock_peer_addr(int fd, struct netaddr *a)
{
	a->len = sizeof(a->ss);
	return getpeername(fd, (struct sockaddr *)&a->ss, &a->len);
}

int
sock_set_nodelay(int fd, int on)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

int
sock_set_user_timeout(int fd, unsigned ms)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms));
}

void
sock_close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}
