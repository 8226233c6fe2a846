/*
 * harness.ns3link: the link control protocol (harness/ns3link_cmd.c),
 * namespace names (harness/netns.c) and the network mode choice
 * (harness/netlink_ctl.c).  No root needed: nothing here touches the
 * system.  The link itself is exercised by `iscsi-bench netlink selftest`
 * (tests/cli/t_netlink.sh).
 */
#include <math.h>
#include <string.h>

#include "netlink_ctl.h"
#include "netns.h"
#include "ns3link.h"
#include "unit.h"

static void
test_parse_each_op(void)
{
	struct ns3link_cmd c;
	char err[128];

	CU_ASSERT_EQUAL(ns3link_cmd_parse("down", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_DOWN);
	CU_ASSERT_EQUAL(c.dir, NS3LINK_DIR_BOTH);	/* default */

	CU_ASSERT_EQUAL(ns3link_cmd_parse("up t2i\n", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_UP);
	CU_ASSERT_EQUAL(c.dir, NS3LINK_DIR_T2I);

	CU_ASSERT_EQUAL(ns3link_cmd_parse("  down\ti2t  ", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_DOWN);
	CU_ASSERT_EQUAL(c.dir, NS3LINK_DIR_I2T);

	CU_ASSERT_EQUAL(ns3link_cmd_parse("loss i2t 0.25", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_LOSS);
	CU_ASSERT_EQUAL(c.dir, NS3LINK_DIR_I2T);
	CU_ASSERT_DOUBLE_EQUAL(c.loss, 0.25, 1e-12);

	CU_ASSERT_EQUAL(ns3link_cmd_parse("loss both 1", &c, err, sizeof(err)), 0);
	CU_ASSERT_DOUBLE_EQUAL(c.loss, 1.0, 1e-12);

	CU_ASSERT_EQUAL(ns3link_cmd_parse("delay 100", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_DELAY);
	CU_ASSERT_EQUAL(c.value, 100);

	CU_ASSERT_EQUAL(ns3link_cmd_parse("rate 1000000000", &c, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_RATE);
	CU_ASSERT_EQUAL(c.value, 1000000000ULL);

	CU_ASSERT_EQUAL(ns3link_cmd_parse("rate 18446744073709551615", &c, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.value, UINT64_MAX);

	CU_ASSERT_EQUAL(ns3link_cmd_parse("stats", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_STATS);
	CU_ASSERT_EQUAL(ns3link_cmd_parse("stop", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.op, NS3LINK_OP_STOP);
}

/* Each malformed line fails and the message names the offending word. */
static void
test_parse_rejects(void)
{
	static const struct {
		const char *line, *names;
	} bad[] = {
		{ "", "empty" },
		{ "   \n", "empty" },
		{ "cut", "'cut'" },
		{ "DOWN", "'DOWN'" },
		{ "down sideways", "'sideways'" },
		{ "down i2t extra", "'extra'" },
		{ "loss i2t", "loss needs" },
		{ "loss 0.1", "loss needs" },
		{ "loss up 0.1", "'up'" },
		{ "loss i2t 1.5", "'1.5'" },
		{ "loss i2t -0.1", "'-0.1'" },
		{ "loss i2t nan", "'nan'" },
		{ "loss i2t 0.1x", "'0.1x'" },
		{ "delay", "delay needs" },
		{ "delay -5", "'-5'" },
		{ "delay +5", "'+5'" },
		{ "delay 0x10", "'0x10'" },
		{ "delay 12ms", "'12ms'" },
		{ "rate 18446744073709551616", "'18446744073709551616'" },
		{ "stats now", "'now'" },
		{ "stop 1", "'1'" },
		{ "delay 1 2", "got 2 words" },
		{ "down both a b c", "too long" },
		{ "delay 1234567890123456789012345678901234567890", "too long" },
	};
	struct ns3link_cmd c;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(ns3link_cmd_parse(bad[i].line, &c, err,
		    sizeof(err)), -1);
		if (strstr(err, bad[i].names) == NULL)
			CU_FAIL_FATAL("error message lacks the bad word");
	}
	/* NULL err buffer is allowed. */
	CU_ASSERT_EQUAL(ns3link_cmd_parse("bogus", &c, NULL, 0), -1);
}

/* format(parse(x)) == x for every command kind. */
static void
test_format_round_trip(void)
{
	static const char *lines[] = {
		"down both\n", "down i2t\n", "up t2i\n", "loss i2t 0.01\n",
		"loss both 0\n", "loss t2i 1\n", "delay 0\n", "delay 10000\n",
		"rate 0\n", "rate 100000000\n", "stats\n", "stop\n",
	};
	struct ns3link_cmd c, d;
	char buf[128];
	size_t i;
	int n;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ns3link_cmd_parse(lines[i], &c, NULL, 0), 0);
		n = ns3link_cmd_format(&c, buf, sizeof(buf));
		CU_ASSERT_EQUAL(n, (int)strlen(lines[i]));
		CU_ASSERT_STRING_EQUAL(buf, lines[i]);
		CU_ASSERT_EQUAL(ns3link_cmd_parse(buf, &d, NULL, 0), 0);
		CU_ASSERT_EQUAL(d.op, c.op);
		CU_ASSERT_EQUAL(d.dir, c.dir);
		CU_ASSERT_EQUAL(d.value, c.value);
	}
	/* Values that cannot be sent: bad op, direction, probability, room. */
	memset(&c, 0, sizeof(c));
	c.op = NS3LINK_OP_COUNT;
	CU_ASSERT_EQUAL(ns3link_cmd_format(&c, buf, sizeof(buf)), -1);
	c.op = NS3LINK_OP_DOWN;
	c.dir = 0;
	CU_ASSERT_EQUAL(ns3link_cmd_format(&c, buf, sizeof(buf)), -1);
	c.op = NS3LINK_OP_LOSS;
	c.dir = NS3LINK_DIR_I2T;
	c.loss = 2.0;
	CU_ASSERT_EQUAL(ns3link_cmd_format(&c, buf, sizeof(buf)), -1);
	c.loss = NAN;
	CU_ASSERT_EQUAL(ns3link_cmd_format(&c, buf, sizeof(buf)), -1);
	c.op = NS3LINK_OP_STOP;
	CU_ASSERT_EQUAL(ns3link_cmd_format(&c, buf, 5), -1);	/* "stop\n" + NUL */
	CU_ASSERT_EQUAL(ns3link_cmd_format(&c, buf, 6), 5);
}

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(ns3link_op_name(NS3LINK_OP_LOSS), "loss");
	CU_ASSERT_STRING_EQUAL(ns3link_op_name(NS3LINK_OP_COUNT), "?");
	CU_ASSERT_STRING_EQUAL(ns3link_dir_name(NS3LINK_DIR_I2T), "i2t");
	CU_ASSERT_STRING_EQUAL(ns3link_dir_name(NS3LINK_DIR_T2I), "t2i");
	CU_ASSERT_STRING_EQUAL(ns3link_dir_name(NS3LINK_DIR_BOTH), "both");
	CU_ASSERT_STRING_EQUAL(ns3link_dir_name(0), "?");
}

static void
test_stats_round_trip(void)
{
	struct ns3link_stats s = {
		{ 1, 2, 3 }, { 18446744073709551615ULL, 0, 42 }
	}, t;
	char buf[256];

	CU_ASSERT_TRUE(ns3link_stats_format(&s, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "ok stats i2t passed=1 down=2 loss=3 "
	    "t2i passed=18446744073709551615 down=0 loss=42\n");
	CU_ASSERT_EQUAL(ns3link_stats_parse(buf, &t), 0);
	CU_ASSERT_EQUAL(memcmp(&s, &t, sizeof(s)), 0);
	buf[strlen(buf) - 1] = '\0';		/* reply without newline */
	CU_ASSERT_EQUAL(ns3link_stats_parse(buf, &t), 0);
	CU_ASSERT_EQUAL(t.i2t.dropped_loss, 3);

	CU_ASSERT_EQUAL(ns3link_stats_parse("ok stats i2t passed=1 down=2 "
	    "loss=3 t2i passed=4 down=5", &t), -1);	/* field missing */
	CU_ASSERT_EQUAL(ns3link_stats_parse("ok stats i2t passed=1 down=2 "
	    "loss=3 t2i passed=4 down=5 loss=6 more", &t), -1);
	CU_ASSERT_EQUAL(ns3link_stats_parse("ok delay 100", &t), -1);
	CU_ASSERT_EQUAL(ns3link_stats_format(&s, buf, 20), -1);	/* no room */
}

/* Names "ib<pid><i|t><N>" and nothing else (netns_sweep_stale relies on it). */
static void
test_netns_names(void)
{
	static const char *bad[] = {
		"", "ib", "ibi0", "ib0i0", "ib123", "ib123i", "ib123x0",
		"ib123i0x", "ib123t-1", "xib123i0", "IB123i0", "ib1234567890i0",
		"ib12i12345678901", "ib 12i0",
	};
	pid_t pid = 0;
	size_t i;

	CU_ASSERT_EQUAL(netns_name_parse("ib123i0", &pid), 0);
	CU_ASSERT_EQUAL(pid, 123);
	CU_ASSERT_EQUAL(netns_name_parse("ib4194304t17", &pid), 0);
	CU_ASSERT_EQUAL(pid, 4194304);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(netns_name_parse(bad[i], &pid), -1);
	/* Nothing but a real namespace name reaches the unlink. */
	CU_ASSERT_EQUAL(netns_delete("../etc"), -1);
	CU_ASSERT_EQUAL(netns_delete(""), -1);
}

static void
test_mode_pick(void)
{
	const char *no = netlink_unavailable();
	enum net_mode m = NET_MODE_NS3;
	char why[160];

	CU_ASSERT_EQUAL(netlink_mode_pick("loopback", &m, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(m, NET_MODE_LOOPBACK);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "requested"));

	CU_ASSERT_EQUAL(netlink_mode_pick("wifi", &m, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "'wifi'"));

	CU_ASSERT_EQUAL(netlink_mode_pick("auto", &m, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(m, no == NULL ? NET_MODE_NS3 : NET_MODE_LOOPBACK);
	if (no != NULL) {
		/* auto says why it fell back */
		CU_ASSERT_PTR_NOT_NULL(strstr(why, no));
		CU_ASSERT_EQUAL(netlink_mode_pick("ns3", &m, why, sizeof(why)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, no));
	} else {
		CU_ASSERT_EQUAL(netlink_mode_pick("NS3", &m, why, sizeof(why)), 0);
		CU_ASSERT_EQUAL(m, NET_MODE_NS3);
	}
}

static CU_TestInfo ns3link_tests[] = {
	{ "cmd_parse_each_op", test_parse_each_op },
	{ "cmd_parse_rejects", test_parse_rejects },
	{ "cmd_format_round_trip", test_format_round_trip },
	{ "op_and_dir_names", test_names },
	{ "stats_round_trip", test_stats_round_trip },
	{ "netns_name_parse", test_netns_names },
	{ "net_mode_pick", test_mode_pick },
	CU_TEST_INFO_NULL
};

UNIT_SUITE("harness", "ns3link", ns3link_tests)
