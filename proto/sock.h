/* Non-blocking TCP socket helpers shared by the initiator and the target. */
#ifndef PROTO_SOCK_H
#define PROTO_SOCK_H

#include "netaddr.h"

/* Listening socket (non-blocking, CLOEXEC, SO_REUSEADDR).  -1 + errno. */
int	sock_listen(const struct netaddr *, int backlog);
/* Accept one connection (non-blocking, CLOEXEC); -1 + errno (EAGAIN). */
int	sock_accept(int lfd, struct netaddr *peer);
/*
 * Start a non-blocking connect.  Returns the fd; *in_progress is set when
 * the caller must wait for EV_WRITE and then call sock_connect_result().
 */
int	sock_connect(const struct netaddr *, int *in_progress);
/* 0 when the connect succeeded, else the errno value it failed with. */
int	sock_connect_result(int fd);
/* Local / peer address of a connected socket. */
int	sock_local_addr(int fd, struct netaddr *);
int	sock_peer_addr(int fd, struct netaddr *);
int	sock_set_nodelay(int fd, int on);
/* TCP_USER_TIMEOUT: fail the connection when sent data stays unacked. */
int	sock_set_user_timeout(int fd, unsigned ms);
/* Close with a TCP RST instead of a FIN (SO_LINGER 0). */
void	sock_close_rst(int fd);

#endif
