/*
 * target-sim timer rules (docs/scenario-format.md "after"): a timer rule
 * fires once per connection that reaches its event; with "every" it
 * fires again every N ms, at most "count" times over the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "catalog.h"
#include "test_tsim_peer.h"

static struct evloop *loop;
static struct tsim *tgt;
static struct tpeer pe;

static void
start(const char *rules)
{
	struct tpeer_login o = { .target = TPEER_TARGET };

	loop = evloop_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
	tgt = tpeer_target_std(loop, rules);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
	CU_ASSERT_EQUAL_FATAL(tpeer_connect(&pe, loop, tgt, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tpeer_login(&pe, &o), 0);
}

static void
stop(void)
{
	tpeer_destroy(&pe);
	tsim_destroy(tgt);
	evloop_free(loop);
}

/* PDUs of opcode op that arrive until nothing comes for quiet_ms. */
static unsigned
count_until_quiet(uint8_t op, int quiet_ms, uint32_t *last_ttt)
{
	const struct tpeer_pdu *r;
	unsigned n = 0;

	while ((r = tpeer_recv(&pe, quiet_ms)) != NULL)
		if (r->p.opcode == op) {
			n++;
			if (last_ttt != NULL)
				*last_ttt = r->p.u.nop_in.ttt;
		}
	return n;
}

/* every: 10 ms, count: 4: four NOP-In pings, each with a new TTT */
static void
test_every_nop_in(void)
{
	uint32_t ttt = 0;

	start("  - name: pings\n"
	    "    match: { after: { event: ffp, ms: 5, every: 10 }, count: 4 }\n"
	    "    action: { type: nop_in, bytes: 8 }\n");
	/* 300 ms of quiet is 30 more periods: a fifth ping would show */
	CU_ASSERT_EQUAL(count_until_quiet(PDU_OP_NOP_IN, 300, &ttt), 4);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "pings"), 4);
	CU_ASSERT_NOT_EQUAL(ttt, PDU_TAG_RESERVED);
	stop();
}

/* without every: once per connection (the count allows more) */
static void
test_once_without_every(void)
{
	start("  - name: one\n"
	    "    match: { after: { event: ffp, ms: 5 }, count: 4 }\n"
	    "    action: { type: nop_in }\n");
	CU_ASSERT_EQUAL(count_until_quiet(PDU_OP_NOP_IN, 200, NULL), 1);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "one"), 1);
	stop();
}

/* nth counts the ticks too: every 10 ms from the 3rd tick, 2 Async
 * messages (SCSI event), then nothing */
static void
test_every_nth_async(void)
{
	start("  - name: asyncs\n"
	    "    match: { after: { event: ffp, ms: 1, every: 10 }, nth: 3,"
	    " count: 2 }\n"
	    "    action: { type: async, event: scsi_event }\n");
	CU_ASSERT_EQUAL(count_until_quiet(PDU_OP_ASYNC, 300, NULL), 2);
	CU_ASSERT_EQUAL(tsim_rule_fired(tgt, "asyncs"), 2);
	stop();
}

static CU_TestInfo timer_tests[] = {
	{ "every_repeats_up_to_count", test_every_nop_in },
	{ "once_per_connection_without_every", test_once_without_every },
	{ "every_with_nth", test_every_nth_async },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("target", "tsim_timers", timer_tests)
