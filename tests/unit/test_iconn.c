/* iconn: PDUs over loopback with digests, pause/resume, digest errors, close. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "iconn.h"
#include "sock.h"

struct side {
	struct iconn	c;
	int		connected, closed, close_err;
	int		npdus, nerrs;
	uint8_t		last_op;
	int		last_code;
	uint32_t	last_len;
	uint32_t	last_itt;
	uint8_t		*data;		/* copy of the last data segment */
	int		pause_after;	/* pause after this many PDUs (0: never) */
};

static void
on_connected(struct iconn *c, int err, void *arg)
{
	struct side *s = arg;

	(void)c;
	s->connected = err == 0 ? 1 : -err;
}

static void
on_pdu(struct iconn *c, const struct pdu *p, const struct pdu_error *e, void *arg)
{
	struct side *s = arg;

	s->npdus++;
	if (e->code != PDU_OK)
		s->nerrs++;
	s->last_op = p->opcode;
	s->last_code = e->code;
	s->last_len = p->data_len;
	s->last_itt = p->itt;
	free(s->data);
	s->data = malloc(p->data_len + 1);
	if (s->data != NULL && p->data_len > 0)
		memcpy(s->data, p->data, p->data_len);
	if (s->pause_after > 0 && s->npdus == s->pause_after)
		iconn_pause_rx(c, true);
}

static void
on_close(struct iconn *c, int err, void *arg)
{
	struct side *s = arg;

	(void)c;
	s->closed = 1;
	s->close_err = err;
}

static const struct iconn_ops ops = { on_connected, on_pdu, on_close };

static struct evloop *loop;

/* Run the loop until cond or a bounded number of turns (2 s). */
#define RUN_UNTIL(cond) do {						\
	int turns_;							\
	for (turns_ = 0; turns_ < 400 && !(cond); turns_++)		\
		evloop_run_once(loop, 5 * EV_NSEC_PER_MSEC);		\
} while (0)

static void
send_nop(struct iconn *c, uint32_t itt, const uint8_t *data, uint32_t len)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_NOP_OUT);
	p.itt = itt;
	p.u.nop_out.ttt = PDU_TAG_RESERVED;
	pdu_set_data(&p, data, len);
	CU_ASSERT_EQUAL(iconn_send(c, &p), 0);
}

static void
test_exchange(void)
{
	struct netaddr a, la;
	struct side cli, srv;
	int lfd, sfd, i;
	uint8_t *big = malloc(256 * 1024);
	struct pdu_digest_opts bad = { .header = true, .data = true, .data_xor = 1 };
	struct pdu p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	for (i = 0; i < 256 * 1024; i++)
		big[i] = (uint8_t)(i * 13);
	memset(&cli, 0, sizeof(cli));
	memset(&srv, 0, sizeof(srv));
	loop = evloop_new(NULL);
	netaddr_parse_numeric("127.0.0.1", 3260, &a, NULL, 0);
	netaddr_set_port(&a, 0);
	lfd = sock_listen(&a, 4);
	CU_ASSERT_FATAL(lfd >= 0);
	sock_local_addr(lfd, &la);
	CU_ASSERT_EQUAL_FATAL(iconn_connect(&cli.c, loop, &la, 262144, &ops, &cli), 0);
	RUN_UNTIL(cli.connected != 0);
	CU_ASSERT_EQUAL(cli.connected, 1);
	for (i = 0; i < 100 && (sfd = sock_accept(lfd, NULL)) == -1; i++)
		usleep(1000);
	CU_ASSERT_FATAL(sfd >= 0);
	CU_ASSERT_EQUAL_FATAL(iconn_attach(&srv.c, loop, sfd, 262144, &ops, &srv), 0);
	CU_ASSERT_EQUAL(netaddr_port(&srv.c.peer), netaddr_port(&cli.c.local));

	/* no digests yet (login phase) */
	send_nop(&cli.c, 1, (const uint8_t *)"ping", 4);
	RUN_UNTIL(srv.npdus == 1);
	CU_ASSERT_EQUAL(srv.last_op, PDU_OP_NOP_OUT);
	CU_ASSERT_EQUAL(srv.last_len, 4);
	CU_ASSERT_EQUAL(memcmp(srv.data, "ping", 4), 0);

	/* digests on both ends, then a 256 KiB data segment */
	iconn_set_digests(&cli.c, true, true);
	iconn_set_digests(&srv.c, true, true);
	send_nop(&cli.c, 2, big, 256 * 1024);
	RUN_UNTIL(srv.npdus == 2);
	CU_ASSERT_EQUAL(srv.last_code, PDU_OK);
	CU_ASSERT_EQUAL(srv.last_len, 256 * 1024);
	CU_ASSERT_EQUAL(memcmp(srv.data, big, 256 * 1024), 0);

	/* a corrupted data digest is reported and counted, the stream stays framed */
	pdu_init(&p, PDU_OP_NOP_OUT);
	p.itt = 3;
	pdu_set_data(&p, "abcd", 4);
	CU_ASSERT_EQUAL(iconn_send_opts(&cli.c, &p, &bad), 0);
	send_nop(&cli.c, 4, (const uint8_t *)"ok", 2);
	RUN_UNTIL(srv.npdus == 4);
	CU_ASSERT_EQUAL(srv.nerrs, 1);
	CU_ASSERT_EQUAL(srv.c.stats.ddigest_errors, 1);
	CU_ASSERT_EQUAL(srv.last_itt, 4);
	CU_ASSERT_EQUAL(srv.last_code, PDU_OK);

	/* pause after the next PDU: the two after it wait until resumed */
	srv.pause_after = 5;
	send_nop(&cli.c, 5, NULL, 0);
	send_nop(&cli.c, 6, NULL, 0);
	send_nop(&cli.c, 7, NULL, 0);
	RUN_UNTIL(srv.npdus >= 5);
	for (i = 0; i < 20; i++)
		evloop_run_once(loop, 2 * EV_NSEC_PER_MSEC);
	CU_ASSERT_EQUAL(srv.npdus, 5);
	iconn_pause_rx(&srv.c, false);
	RUN_UNTIL(srv.npdus == 7);
	CU_ASSERT_EQUAL(srv.npdus, 7);
	CU_ASSERT_EQUAL(srv.last_itt, 7);
	CU_ASSERT_EQUAL(srv.c.stats.pdus_rx, 7);
	CU_ASSERT_EQUAL(cli.c.stats.pdus_tx, 7);
	CU_ASSERT_EQUAL(srv.c.stats.bytes_rx, cli.c.stats.bytes_tx);

	/* the server answers; then the client closes: FIN seen as err 0 */
	pdu_init(&p, PDU_OP_NOP_IN);
	p.itt = 7;
	p.u.nop_in.ttt = PDU_TAG_RESERVED;
	CU_ASSERT_EQUAL(iconn_send(&srv.c, &p), 0);
	RUN_UNTIL(cli.npdus == 1);
	CU_ASSERT_EQUAL(cli.last_op, PDU_OP_NOP_IN);
	iconn_close(&cli.c, false);
	RUN_UNTIL(srv.closed && cli.closed);
	CU_ASSERT_EQUAL(cli.close_err, -1);
	CU_ASSERT_EQUAL(srv.close_err, 0);
	CU_ASSERT_EQUAL(iconn_send(&srv.c, &p), -1);
	CU_ASSERT_EQUAL(errno, ENOTCONN);
	iconn_free(&cli.c);
	iconn_free(&srv.c);
	close(lfd);
	evloop_free(loop);
	free(cli.data);
	free(srv.data);
	free(big);
}

static void
test_refused_and_rst(void)
{
	struct netaddr a, la;
	struct side cli, srv;
	int lfd, sfd, i;

	memset(&cli, 0, sizeof(cli));
	memset(&srv, 0, sizeof(srv));
	loop = evloop_new(NULL);
	netaddr_parse_numeric("127.0.0.1", 3260, &a, NULL, 0);
	netaddr_set_port(&a, 0);
	lfd = sock_listen(&a, 4);
	sock_local_addr(lfd, &la);
	close(lfd);
	/* nobody listens: the connect fails with ECONNREFUSED */
	if (iconn_connect(&cli.c, loop, &la, 8192, &ops, &cli) == 0) {
		RUN_UNTIL(cli.connected != 0);
		CU_ASSERT_EQUAL(cli.connected, -ECONNREFUSED);
	} else
		CU_ASSERT_EQUAL(errno, ECONNREFUSED);
	iconn_free(&cli.c);

	/* a reset is seen as ECONNRESET by the peer */
	memset(&cli, 0, sizeof(cli));
	lfd = sock_listen(&a, 4);
	sock_local_addr(lfd, &la);
	CU_ASSERT_EQUAL_FATAL(iconn_connect(&cli.c, loop, &la, 8192, &ops, &cli), 0);
	RUN_UNTIL(cli.connected != 0);
	for (i = 0; i < 100 && (sfd = sock_accept(lfd, NULL)) == -1; i++)
		usleep(1000);
	CU_ASSERT_FATAL(sfd >= 0);
	iconn_attach(&srv.c, loop, sfd, 8192, &ops, &srv);
	iconn_close(&srv.c, true);
	RUN_UNTIL(cli.closed);
	CU_ASSERT_EQUAL(cli.close_err, ECONNRESET);
	iconn_free(&cli.c);
	iconn_free(&srv.c);
	close(lfd);
	evloop_free(loop);
}

static CU_TestInfo iconn_tests[] = {
	{ "loopback_digests_pause_close", test_exchange },
	{ "refused_and_reset", test_refused_and_rst },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "iconn", iconn_tests)
