/*
 * Network addresses as iSCSI writes them: "192.0.2.1", "192.0.2.1:3260",
 * "[2001:db8::1]:3260", "::1", "host.example:3260", and the TargetAddress
 * form "address[:port][,portal-group-tag]" (RFC 7143 13.8).
 */
#ifndef PROTO_NETADDR_H
#define PROTO_NETADDR_H

#include <stdint.h>
#include <sys/socket.h>

#define ISCSI_DEFAULT_PORT	3260
#define NETADDR_STRLEN		64	/* "[v6]:port" with room to spare */

struct netaddr {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

/*
 * Parse "host[:port]" (IPv6 literals with a port in brackets).  Host names
 * are resolved with getaddrinfo (first result).  err (may be NULL) receives
 * a readable reason on failure.  Returns 0 or -1.
 */
int	netaddr_parse(const char *s, uint16_t default_port, struct netaddr *out,
	    char *err, size_t errsz);
/* Numeric only: never resolves names (for data coming from the wire). */
int	netaddr_parse_numeric(const char *s, uint16_t default_port,
	    struct netaddr *out, char *err, size_t errsz);

/*
 * TargetAddress value: "address[:port][,tpgt]".  *tpgt is -1 when absent.
 * Numeric addresses only (a target must not make us resolve names during
 * login); returns -1 with a reason otherwise.
 */
int	netaddr_parse_target_address(const char *s, struct netaddr *out,
	    int *tpgt, char *err, size_t errsz);

/* "192.0.2.1:3260" / "[::1]:3260".  Returns buf. */
char	*netaddr_format(const struct netaddr *, char *buf, size_t bufsz);
/* Address only, without port or brackets. */
char	*netaddr_format_host(const struct netaddr *, char *buf, size_t bufsz);
uint16_t netaddr_port(const struct netaddr *);
void	 netaddr_set_port(struct netaddr *, uint16_t port);
int	 netaddr_family(const struct netaddr *);
int	 netaddr_equal(const struct netaddr *, const struct netaddr *);

#endif
