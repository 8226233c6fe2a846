/*
 * Session statistics (seed 004 WMI classes, docs/initiator.md): exact
 * counts of PDUs and bytes sent and received, commands and bytes read and
 * written, and the login counted as accepted, over the fake target.
 */
#include <string.h>

#include "scsi.h"
#include "test_init_peer.h"
#include "unit.h"

static struct fenv E;

static void
test_stats_exact(void)
{
	struct ini_session *s = NULL;
	struct ini_session_info a, b, c;
	uint8_t cdb[16], buf[4096];

	CU_ASSERT_EQUAL_FATAL(fenv_setup(&E), 0);
	CU_ASSERT_EQUAL_FATAL(fenv_login(&E, &s), INI_ISDSC_OK);
	ini_session_get_info(s, &a);
	CU_ASSERT_EQUAL(a.stats.login_ok, 1);
	CU_ASSERT_EQUAL(a.stats.pdus_tx, 2);	/* security, operational */
	CU_ASSERT_EQUAL(a.stats.pdus_rx, 2);
	CU_ASSERT(a.stats.bytes_tx > 2 * 48);
	CU_ASSERT(a.stats.bytes_rx > 2 * 48);
	CU_ASSERT_EQUAL(a.stats.commands, 0);
	/* READ (10) of 4096 bytes: one Command, one Data-In with status */
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb, scsi_cdb_read10(cdb, 0, 8, 0),
	    buf, sizeof(buf), NULL, 0, NULL), INI_ISDSC_OK);
	ini_session_get_info(s, &b);
	CU_ASSERT_EQUAL(b.stats.pdus_tx - a.stats.pdus_tx, 1);
	CU_ASSERT_EQUAL(b.stats.pdus_rx - a.stats.pdus_rx, 1);
	CU_ASSERT_EQUAL(b.stats.bytes_tx - a.stats.bytes_tx, 48);
	CU_ASSERT_EQUAL(b.stats.bytes_rx - a.stats.bytes_rx, 48 + 4096);
	CU_ASSERT_EQUAL(b.stats.commands, 1);
	CU_ASSERT_EQUAL(b.stats.read_bytes, 4096);
	CU_ASSERT_EQUAL(b.stats.write_bytes, 0);
	/* WRITE (10) of 512 bytes as immediate data: one PDU each way */
	memset(buf, 0x3c, 512);
	CU_ASSERT_EQUAL(ini_scsi(E.node, s, 1, cdb,
	    scsi_cdb_write10(cdb, 8, 1, 0), NULL, 0, buf, 512, NULL),
	    INI_ISDSC_OK);
	ini_session_get_info(s, &c);
	CU_ASSERT_EQUAL(c.stats.pdus_tx - b.stats.pdus_tx, 1);
	CU_ASSERT_EQUAL(c.stats.pdus_rx - b.stats.pdus_rx, 1);
	CU_ASSERT_EQUAL(c.stats.bytes_tx - b.stats.bytes_tx, 48 + 512);
	CU_ASSERT_EQUAL(c.stats.bytes_rx - b.stats.bytes_rx, 48);
	CU_ASSERT_EQUAL(c.stats.commands, 2);
	CU_ASSERT_EQUAL(c.stats.read_bytes, 4096);
	CU_ASSERT_EQUAL(c.stats.write_bytes, 512);
	CU_ASSERT_EQUAL(c.stats.hdigest_errors + c.stats.ddigest_errors +
	    c.stats.format_errors + c.stats.timeouts, 0);
	fenv_teardown(&E);
}

static CU_TestInfo stats_tests[] = {
	{ "seed004_wmi_counts_exact", test_stats_exact },
	CU_TEST_INFO_NULL
};

UNIT_SUITE("initiator", "stats", stats_tests)
