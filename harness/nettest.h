/*
 * nettest: small TCP measurements across a test network (connect time,
 * ping-pong RTT, bulk flow with stall and error detection), all driven
 * from one thread with non-blocking sockets and bounded waits.  Sockets
 * can be created inside network namespaces (netns_socket), so both ends
 * may live in one process.
 */
#ifndef HARNESS_NETTEST_H
#define HARNESS_NETTEST_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds on the monotonic clock. */
int64_t	nettest_now_us(void);

/*
 * Listening TCP socket on addr:port, created in namespace ns (NULL: the
 * current one).  Non-blocking.  Returns the fd or -1 (errno set).
 */
int	nettest_listen(const char *ns, const char *addr, uint16_t port);

struct nettest_conn {
	int	cli;		/* connecting end */
	int	srv;		/* accepted end */
};

/*
 * Connect from namespace ns to addr:port and accept on lfd, both within
 * timeout_ms.  user_timeout_ms > 0 sets TCP_USER_TIMEOUT on the client.
 * Sets *connect_us to the connect() duration.  Both ends non-blocking,
 * TCP_NODELAY.  Returns 0 or -1 (errno set).
 */
int	nettest_connect(struct nettest_conn *c, int lfd, const char *ns,
	    const char *addr, uint16_t port, unsigned user_timeout_ms,
	    int timeout_ms, int64_t *connect_us);

void	nettest_close(struct nettest_conn *c);

/*
 * rounds one-byte round trips client -> server -> client; rtt_us[i] gets
 * each.  Returns 0, or -1 (errno ETIMEDOUT when one took > timeout_ms).
 */
int	nettest_pingpong(struct nettest_conn *c, unsigned rounds,
	    int timeout_ms, int64_t *rtt_us);

/* Bulk flow client -> server with receive-side timing. */
struct nettest_flow {
	struct nettest_conn *conn;
	uint64_t	rx_bytes;	/* received by the server end */
	uint64_t	tx_bytes;	/* accepted by the client's send() */
	int64_t		last_rx_us;	/* when bytes last arrived */
	int64_t		max_gap_us;	/* longest time without bytes */
	int		cli_errno;	/* first error of the client end */
	int		srv_errno;	/* first error of the server end */
	int64_t		err_us;		/* when cli_errno was seen */
};

enum nettest_until {
	NETTEST_UNTIL_TIME,	/* run the whole duration */
	NETTEST_UNTIL_RX,	/* stop once new bytes arrive */
	NETTEST_UNTIL_ERROR	/* stop once the client end fails */
};

void	nettest_flow_init(struct nettest_flow *f, struct nettest_conn *c);

/*
 * Send and receive for at most ms milliseconds, or less per `until`.
 * Returns 1 if the `until` condition was met, 0 if the time ran out,
 * -1 if a poll error prevented running.
 */
int	nettest_flow_pump(struct nettest_flow *f, int ms,
	    enum nettest_until until);

/* Median of n values (sorts v in place); 0 when n == 0. */
int64_t	nettest_median(int64_t *v, size_t n);

#endif
