/* Address parsing and formatting for portals and TargetAddress values. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "netaddr.h"
#include "text.h"

static void
seterr(char *err, size_t errsz, const char *fmt, const char *arg)
{
	if (err != NULL && errsz > 0)
		snprintf(err, errsz, fmt, arg);
}

/* Split "host[:port]" / "[v6]:port" / bare v6 into host and port text. */
static int
split_hostport(const char *s, char *host, size_t hostsz, const char **port,
    char *err, size_t errsz)
{
	const char *colon, *end;
	size_t n;

	*port = NULL;
	if (s == NULL || *s == '\0') {
		seterr(err, errsz, "empty address%s", "");
		return -1;
	}
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (end == NULL) {
			seterr(err, errsz, "'%s': missing ']'", s);
			return -1;
		}
		n = (size_t)(end - s - 1);
		if (end[1] == ':')
			*port = end + 2;
		else if (end[1] != '\0') {
			seterr(err, errsz, "'%s': junk after ']'", s);
			return -1;
		}
		s++;
	} else {
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL) {
			n = strlen(s);		/* bare IPv6 literal, no port */
		} else if (colon != NULL) {
			n = (size_t)(colon - s);
			*port = colon + 1;
		} else
			n = strlen(s);
	}
	if (n == 0 || n >= hostsz) {
		seterr(err, errsz, "'%s': bad host part", s);
		return -1;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

static int
parse_port(const char *p, uint16_t *port, char *err, size_t errsz)
{
	char *end;
	unsigned long v;

	if (p == NULL)
		return 0;
	if (*p < '0' || *p > '9') {
		seterr(err, errsz, "bad port '%s'", p);
		return -1;
	}
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535) {
		seterr(err, errsz, "bad port '%s' (1-65535)", p);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

static int
resolve_host(const char *host, uint16_t port, int numeric, struct netaddr *out,
    char *err, size_t errsz)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = numeric ? AI_NUMERICHOST : AI_ADDRCONFIG;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "'%s': %s", host, numeric ?
			    "not a numeric IPv4/IPv6 address" : gai_strerror(rc));
		return -1;
	}
	memset(out, 0, sizeof(*out));
	memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
	out->len = res->ai_addrlen;
	freeaddrinfo(res);
	netaddr_set_port(out, port);
	return 0;
}

static int
resolve(const char *s, uint16_t default_port, int numeric, struct netaddr *out,
    char *err, size_t errsz)
{
	char host[256];
	const char *ptext;
	uint16_t port = default_port;

	if (split_hostport(s, host, sizeof(host), &ptext, err, errsz) == -1 ||
	    parse_port(ptext, &port, err, errsz) == -1)
		return -1;
	return resolve_host(host, port, numeric, out, err, errsz);
}

int
netaddr_parse(const char *s, uint16_t default_port, struct netaddr *out,
    char *err, size_t errsz)
{
	return resolve(s, default_port, 0, out, err, errsz);
}

int
netaddr_parse_numeric(const char *s, uint16_t default_port, struct netaddr *out,
    char *err, size_t errsz)
{
	return resolve(s, default_port, 1, out, err, errsz);
}

int
netaddr_parse_target_address(const char *s, struct netaddr *out, int *tpgt,
    char *err, size_t errsz)
{
	struct text_address ta;

	*tpgt = -1;
	if (s == NULL || text_parse_address(s, strlen(s), &ta) != TEXT_OK) {
		seterr(err, errsz, "malformed TargetAddress '%s'", s ? s : "");
		return -1;
	}
	if (ta.has_tpgt)
		*tpgt = ta.tpgt;
	return resolve_host(ta.host, ta.port, 1, out, err, errsz);
}

char *
netaddr_format_host(const struct netaddr *a, char *buf, size_t bufsz)
{
	const void *src;

	if (a->ss.ss_family == AF_INET6)
		src = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	else if (a->ss.ss_family == AF_INET)
		src = &((const struct sockaddr_in *)&a->ss)->sin_addr;
	else {
		snprintf(buf, bufsz, "?");
		return buf;
	}
	if (inet_ntop(a->ss.ss_family, src, buf, (socklen_t)bufsz) == NULL)
		snprintf(buf, bufsz, "?");
	return buf;
}

char *
netaddr_format(const struct netaddr *a, char *buf, size_t bufsz)
{
	char host[64];

	netaddr_format_host(a, host, sizeof(host));
	if (a->ss.ss_family == AF_INET6)
		snprintf(buf, bufsz, "[%s]:%u", host, netaddr_port(a));
	else
		snprintf(buf, bufsz, "%s:%u", host, netaddr_port(a));
	return buf;
}

uint16_t
netaddr_port(const struct netaddr *a)
{
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	return 0;
}

void
netaddr_set_port(struct netaddr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
	else if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
}

int
netaddr_family(const struct netaddr *a)
{
	return a->ss.ss_family;
}

int
netaddr_equal(const struct netaddr *a, const struct netaddr *b)
{
	char x[80], y[80];

	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	return strcmp(netaddr_format(a, x, sizeof(x)),
	    netaddr_format(b, y, sizeof(y))) == 0;
}
