/*
 * target-sim robustness: a storm of random and malformed PDUs, during
 * login and in full feature phase, must never crash the target or make it
 * stop serving new logins (the bench exists to meet misbehaving peers).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "scsi.h"
#include "test_tsim_peer.h"

static uint32_t rng = 0x12345678;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/*
 * A PDU with a random opcode (mostly initiator ones) and data, encoded,
 * then with random bytes written over its BHS (flags, LUN, tags, CmdSN,
 * opcode-specific fields; the length fields are kept half of the time).
 */
static size_t
random_pdu(uint8_t *out, size_t outcap, uint8_t *data, size_t cap)
{
	static const uint8_t ops[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
		0x06, 0x10, 0x1c, 0x3f };
	uint32_t len = rnd() % 4 == 0 ? rnd() % (uint32_t)cap : rnd() % 64;
	struct pdu p;
	size_t i, n = 0;

	pdu_init(&p, ops[rnd() % sizeof(ops)]);
	p.itt = rnd() % 16;
	if (p.opcode == PDU_OP_SCSI_CMD) {
		if (rnd() % 2)
			scsi_cdb_read10(p.u.scsi_cmd.cdb, rnd() % 40000,
			    (uint16_t)(rnd() % 64), 0);
		else
			scsi_cdb_write10(p.u.scsi_cmd.cdb, rnd() % 40000,
			    (uint16_t)(rnd() % 64), 0);
	}
	for (i = 0; i < len; i++)
		data[i] = rnd() % 3 == 0 ? 0 : (uint8_t)('A' + rnd() % 58);
	if (len > 15 && rnd() % 2)
		memcpy(data, "SendTargets=All", 15);
	pdu_set_data(&p, data, len);
	if (pdu_encode(&p, NULL, out, outcap, &n) != PDU_OK)
		return 0;
	for (i = 1; i < PDU_BHS_LEN; i++) {
		if ((i >= 4 && i < 8) && rnd() % 2)
			continue;		/* keep the framing, often */
		if (rnd() % 3 == 0)
			out[i] = (uint8_t)rnd();
	}
	return n;
}

static void
test_storm(void)
{
	struct evloop *loop = evloop_new(NULL);
	struct tsim *t = tpeer_target_std(loop, NULL);
	struct tpeer pe;
	struct tpeer_login o = { .target = TPEER_TARGET };
	static uint8_t data[70000], wire[80000];
	struct tsim_stats st;
	size_t n;
	int round, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (round = 0; round < 40; round++) {
		CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, t, 0), 0);
		/* half the rounds: log in first, then the storm in FFP */
		if (round % 2 == 0)
			tpeer_login(&pe, &o);
		for (i = 0; i < 60 && pe.c.state == ICONN_UP; i++) {
			if ((n = random_pdu(wire, sizeof(wire), data,
			    sizeof(data))) > 0)
				iconn_send_raw(&pe.c, wire, n);
			if (i % 8 == 0)
				tpeer_run_ms(&pe, 1);
		}
		if (round % 5 == 0 && pe.c.state == ICONN_UP)
			iconn_send_raw(&pe.c, data, 100);	/* garbage bytes */
		tpeer_run_ms(&pe, 5);
		tpeer_destroy(&pe);
		for (i = 0; i < 5; i++)
			evloop_run_once(loop, EV_NSEC_PER_MSEC);
	}
	/* still serving */
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, t, 0), 0);
	pe.isid[5] = 0x77;
	CU_ASSERT_EQUAL(tpeer_login(&pe, &o), 0);
	tpeer_nop(&pe, "ok", 2);
	CU_ASSERT_PTR_NOT_NULL(tpeer_recv(&pe, TPEER_WAIT_MS));
	tsim_get_stats(t, &st);
	CU_ASSERT_TRUE(st.conns_accepted >= 41);
	tpeer_destroy(&pe);
	tsim_destroy(t);
	evloop_free(loop);
}

static CU_TestInfo robust_tests[] = {
	{ "random_pdu_storm_login_and_ffp", test_storm },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_robust", robust_tests)
