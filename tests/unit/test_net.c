/* netaddr parsing (RFC 7143 13.8 TargetAddress), sockets and bufq over loopback. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "bufq.h"
#include "netaddr.h"
#include "sock.h"

static void
test_parse_forms(void)
{
	struct netaddr a;
	char buf[NETADDR_STRLEN], err[128];
	int tpgt;

	CU_ASSERT_EQUAL(netaddr_parse_numeric("127.0.0.1", 3260, &a, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(netaddr_format(&a, buf, sizeof(buf)), "127.0.0.1:3260");
	CU_ASSERT_EQUAL(netaddr_parse_numeric("127.0.0.2:3261", 3260, &a, NULL, 0), 0);
	CU_ASSERT_EQUAL(netaddr_port(&a), 3261);
	CU_ASSERT_EQUAL(netaddr_parse_numeric("[::1]:3262", 3260, &a, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(netaddr_format(&a, buf, sizeof(buf)), "[::1]:3262");
	CU_ASSERT_EQUAL(netaddr_parse_numeric("::1", 3260, &a, NULL, 0), 0);
	CU_ASSERT_EQUAL(netaddr_port(&a), 3260);
	CU_ASSERT_STRING_EQUAL(netaddr_format_host(&a, buf, sizeof(buf)), "::1");
	/* errors name the problem */
	CU_ASSERT_EQUAL(netaddr_parse_numeric("127.0.0.1:0", 3260, &a, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad port"));
	CU_ASSERT_EQUAL(netaddr_parse_numeric("127.0.0.1:70000", 3260, &a, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(netaddr_parse_numeric("127.0.0.1:32x", 3260, &a, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(netaddr_parse_numeric("[::1", 3260, &a, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "]"));
	CU_ASSERT_EQUAL(netaddr_parse_numeric("localhost", 3260, &a, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "numeric"));
	CU_ASSERT_EQUAL(netaddr_parse_numeric("", 3260, &a, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(netaddr_parse("localhost:3300", 3260, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(netaddr_port(&a), 3300);

	/* RFC 7143 13.8: TargetAddress=domainname[:port][,portal-group-tag] */
	CU_ASSERT_EQUAL(netaddr_parse_target_address("10.1.2.3:3270,5", &a, &tpgt, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tpgt, 5);
	CU_ASSERT_STRING_EQUAL(netaddr_format(&a, buf, sizeof(buf)), "10.1.2.3:3270");
	CU_ASSERT_EQUAL(netaddr_parse_target_address("[fe80::1],1", &a, &tpgt, NULL, 0), 0);
	CU_ASSERT_EQUAL(tpgt, 1);
	CU_ASSERT_EQUAL(netaddr_port(&a), 3260);
	CU_ASSERT_EQUAL(netaddr_parse_target_address("10.1.2.3", &a, &tpgt, NULL, 0), 0);
	CU_ASSERT_EQUAL(tpgt, -1);
	CU_ASSERT_EQUAL(netaddr_parse_target_address("10.1.2.3,x", &a, &tpgt, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "malformed TargetAddress"));
	CU_ASSERT_EQUAL(netaddr_parse_target_address("10.1.2.3,70000", &a, &tpgt, NULL, 0), -1);
	CU_ASSERT_EQUAL(netaddr_parse_target_address("bogus!,1", &a, &tpgt, NULL, 0), -1);
}

static void
release_cb(void *arg)
{
	(*(int *)arg)++;
}

static void
test_loopback_bufq(void)
{
	struct netaddr a, la;
	struct bufq q;
	struct bufq_chunk *spare;
	int lfd, cfd, sfd, inprog, released = 0, rc;
	size_t big = 4u << 20, got = 0;
	uint8_t *data = malloc(big), *rx = malloc(big);

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rx);
	for (size_t i = 0; i < big; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	/* port 0 is refused by the parser; bind to an ephemeral port directly */
	netaddr_parse_numeric("127.0.0.1", 3260, &a, NULL, 0);
	netaddr_set_port(&a, 0);
	lfd = sock_listen(&a, 4);
	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_EQUAL(sock_local_addr(lfd, &la), 0);
	cfd = sock_connect(&la, &inprog);
	CU_ASSERT_FATAL(cfd >= 0);
	{
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		CU_ASSERT_EQUAL(poll(&p, 1, 2000), 1);
	}
	sfd = sock_accept(lfd, NULL);
	CU_ASSERT_FATAL(sfd >= 0);
	if (inprog) {
		struct pollfd p = { .fd = cfd, .events = POLLOUT };
		CU_ASSERT_EQUAL(poll(&p, 1, 2000), 1);
	}
	CU_ASSERT_EQUAL(sock_connect_result(cfd), 0);
	CU_ASSERT_EQUAL(sock_set_nodelay(cfd, 1), 0);
	CU_ASSERT_EQUAL(sock_set_user_timeout(cfd, 5000), 0);

	bufq_init(&q);
	CU_ASSERT_EQUAL(bufq_push_copy(&q, "HDR!", 4), 0);
	CU_ASSERT_EQUAL(bufq_push_ref(&q, data, big, release_cb, &released), 0);
	CU_ASSERT_EQUAL(bufq_pending(&q), big + 4);
	/* 4 MiB does not fit the socket buffers: flush and drain alternately */
	for (int rounds = 0; rounds < 100000 && got < big + 4; rounds++) {
		rc = bufq_flush(&q, cfd);
		CU_ASSERT(rc >= 0);
		for (;;) {
			ssize_t n = read(sfd, rx + (got < 4 ? 0 : got - 4),
			    got < 4 ? 4 - got : big + 4 - got);
			if (n <= 0)
				break;
			if (got < 4)
				CU_ASSERT_EQUAL(memcmp(rx, "HDR!" + got, (size_t)n), 0);
			got += (size_t)n;
		}
	}
	CU_ASSERT_EQUAL(got, big + 4);
	CU_ASSERT_EQUAL(bufq_pending(&q), 0);
	CU_ASSERT_EQUAL(released, 1);
	CU_ASSERT_EQUAL(q.total_written, big + 4);
	CU_ASSERT_EQUAL(memcmp(rx, data, big), 0);
	/* the written copy chunk is kept and taken again by the next copy */
	spare = q.spare;
	CU_ASSERT_PTR_NOT_NULL(spare);

	/* a closed peer gives an error, not SIGPIPE */
	close(sfd);
	bufq_push_copy(&q, "x", 1);
	CU_ASSERT_PTR_EQUAL(q.head, spare);
	CU_ASSERT_PTR_NULL(q.spare);
	usleep(10000);
	for (int i = 0; i < 5 && (rc = bufq_flush(&q, cfd)) != -1; i++) {
		bufq_push_copy(&q, "y", 1);
		usleep(10000);
	}
	CU_ASSERT_EQUAL(rc, -1);
	bufq_clear(&q);
	CU_ASSERT_EQUAL(bufq_pending(&q), 0);
	close(cfd);
	close(lfd);
	free(data);
	free(rx);
}

static void
test_connect_refused(void)
{
	struct netaddr a, la;
	int lfd, fd, inprog;

	/* find a free port by binding and closing */
	netaddr_parse_numeric("127.0.0.1", 3260, &a, NULL, 0);
	netaddr_set_port(&a, 0);
	lfd = sock_listen(&a, 1);
	CU_ASSERT_FATAL(lfd >= 0);
	sock_local_addr(lfd, &la);
	close(lfd);
	fd = sock_connect(&la, &inprog);
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		poll(&p, 1, 2000);
		CU_ASSERT_EQUAL(sock_connect_result(fd), ECONNREFUSED);
		close(fd);
	} else
		CU_ASSERT_EQUAL(errno, ECONNREFUSED);
}

static CU_TestInfo net_tests[] = {
	{ "rfc7143_13_8_address_forms", test_parse_forms },
	{ "loopback_bufq_4MiB_nosigpipe", test_loopback_bufq },
	{ "connect_refused_reported", test_connect_refused },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "net", net_tests)
