/*
 * Catalog of documented identifiers: seed 004 (Microsoft iSCSI Software
 * Initiator 2.0 user guide) Appendix B event IDs and Appendix D ISDSC codes,
 * and the RFC 7143 code tables.
 */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "catalog.h"

/* Seed Appendix B: iScsiPrt 1-62, iScsiExe 102-121; Appendix D: 99 codes */
static void
test_counts(void)
{
	const struct catalog_event *e;
	size_t i, prt = 0, exe = 0;
	unsigned int id;

	CU_ASSERT_EQUAL(catalog_event_count(), 82);
	for (i = 0; (e = catalog_event_at(i)) != NULL; i++) {
		if (e->source == CATALOG_SRC_ISCSIPRT) {
			CU_ASSERT(e->id >= 1 && e->id <= 62);
			prt++;
		} else {
			CU_ASSERT(e->source == CATALOG_SRC_ISCSIEXE);
			CU_ASSERT(e->id >= 102 && e->id <= 121);
			exe++;
		}
	}
	CU_ASSERT_EQUAL(i, 82);
	CU_ASSERT_EQUAL(prt, 62);
	CU_ASSERT_EQUAL(exe, 20);
	for (id = 1; id <= 62; id++)
		CU_ASSERT_PTR_NOT_NULL(catalog_event(id));
	for (id = 102; id <= 121; id++)
		CU_ASSERT_PTR_NOT_NULL(catalog_event(id));
	CU_ASSERT_PTR_NULL(catalog_event(0));
	CU_ASSERT_PTR_NULL(catalog_event(63));
	CU_ASSERT_PTR_NULL(catalog_event(101));
	CU_ASSERT_PTR_NULL(catalog_event(122));
	CU_ASSERT_PTR_NULL(catalog_event_at(82));
	CU_ASSERT_EQUAL(catalog_isdsc_count(), 99);
	CU_ASSERT_PTR_NULL(catalog_isdsc_at(99));
}

/* Seed Appendix B: exact messages, trailing punctuation as in the seed */
static void
test_event_text(void)
{
	const struct catalog_event *e;

	e = catalog_event(ISCSI_EV_CONNECT_FAILED);
	CU_ASSERT_EQUAL(ISCSI_EV_CONNECT_FAILED, 1);
	CU_ASSERT_STRING_EQUAL(e->message, "Initiator failed to connect to the "
	    "target. Target IP address and TCP Port number are given in dump "
	    "data.");
	CU_ASSERT_STRING_EQUAL(e->name, "ISCSI_EV_CONNECT_FAILED");
	CU_ASSERT_EQUAL(e->data, CATALOG_DATA_IPPORT);
	/* no final period in the seed */
	CU_ASSERT_STRING_EQUAL(catalog_event(6)->message, "The initiator could "
	    "not allocate resources for an iSCSI connection");
	CU_ASSERT_STRING_EQUAL(catalog_event(ISCSI_EV_CONNECTION_LOST)->message,
	    "Connection to the target was lost. The initiator will attempt to "
	    "retry the connection");
	CU_ASSERT_EQUAL(ISCSI_EV_CONNECTION_LOST, 20);
	e = catalog_event(ISCSI_EV_RECONNECTED);
	CU_ASSERT_EQUAL(e->id, 34);
	CU_ASSERT_EQUAL(e->severity, CATALOG_SEV_INFORMATION);
	CU_ASSERT_EQUAL(e->data, CATALOG_DATA_TARGET_NAME);
	e = catalog_event(ISCSI_EV_INVALID_STATSN);
	CU_ASSERT_EQUAL(e->id, 42);
	CU_ASSERT_STRING_EQUAL(e->label1, "expected");
	CU_ASSERT_STRING_EQUAL(e->label2, "given");
	CU_ASSERT_STRING_EQUAL(catalog_event(62)->message, "Target set "
	    "DataSequenceInOrder to NO when initiator requested YES. Login will "
	    "be failed.");
	/* service events: SymbolicName is the constant */
	CU_ASSERT_EQUAL(ISCSIEXE_EVENTMSG_TIMEBOMB, 118);
	e = catalog_event(118);
	CU_ASSERT_EQUAL(e->source, CATALOG_SRC_ISCSIEXE);
	CU_ASSERT_STRING_EQUAL(e->name, "ISCSIEXE_EVENTMSG_TIMEBOMB");
	/* the seed line ends with a blank, the tool strips it */
	CU_ASSERT_STRING_EQUAL(e->message, "The evaluation period for the iSCSI "
	    "initiator service has passed.");
	CU_ASSERT_STRING_EQUAL(catalog_event(104)->message,
	    "Error %1 trying to online dynamic disk %2.");
	CU_ASSERT_PTR_EQUAL(catalog_event_by_name("ISCSIEXE_EVENTMSG_TIMEBOMB"), e);
	CU_ASSERT_PTR_EQUAL(catalog_event_by_name("ISCSI_EV_RECONNECTED"),
	    catalog_event(34));
	CU_ASSERT_PTR_NULL(catalog_event_by_name("ISCSI_EV_NOPE"));
	CU_ASSERT_PTR_NULL(catalog_event_by_name(NULL));
	CU_ASSERT_STRING_EQUAL(catalog_source_name(CATALOG_SRC_ISCSIEXE), "iScsiExe");
	CU_ASSERT_STRING_EQUAL(catalog_severity_name(CATALOG_SEV_WARNING), "Warning");
	CU_ASSERT_PTR_NULL(catalog_severity_name((enum catalog_severity)7));
}

/* Seed Appendix D: names, values and messages, typos included */
static void
test_isdsc(void)
{
	const struct catalog_isdsc *c, *prev = NULL;
	size_t i;

	CU_ASSERT_EQUAL(ISDSC_NON_SPECIFIC_ERROR, 0xEFFF0001u);
	CU_ASSERT_EQUAL(ISDSC_AUTHENTICATION_FAILURE, 0xEFFF0009u);
	CU_ASSERT_EQUAL(ISDSC_TARGET_MOVED_TEMPORARILY, 0xEFFF0006u);
	CU_ASSERT_EQUAL(ISDSC_CANNOT_REMOVE_LEADING_CONNECTION, 0xEFFF0064u);
	c = catalog_isdsc_by_name("ISDSC_EVALUATION_PEROID_EXPIRED");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->code, 0xEFFF0049u);
	CU_ASSERT_STRING_EQUAL(c->message, "The evaluation period for the iSCSI "
	    "initiator service has expired");
	c = catalog_isdsc_by_value(ISDSC_INVALID_PARAMETER);
	CU_ASSERT_STRING_EQUAL(c->message,
	    "One or more paramaters specified is not valid");
	CU_ASSERT_STRING_EQUAL(catalog_isdsc_by_value(0xEFFF0038u)->name,
	    "ISDSC_TARGET_OUT_OF_RESORCES");
	CU_ASSERT_STRING_EQUAL(catalog_isdsc_by_value(0xEFFF0017u)->message,
	    "Initiator Instance Does Not Exist.");
	/* warnings: 0xAFFF.... */
	CU_ASSERT(catalog_isdsc_is_warning(ISDSC_OPERATION_NOT_ALL_SUCCESS));
	CU_ASSERT_EQUAL(ISDSC_OPERATION_REQUIRES_REBOOT, 0xAFFF003Bu);
	CU_ASSERT(catalog_isdsc_is_warning(ISDSC_SHORT_CHAP_SECRET));
	CU_ASSERT(!catalog_isdsc_is_warning(ISDSC_LOGIN_FAILED));
	CU_ASSERT(!catalog_isdsc_is_warning(0xAFFF0001u));	/* unknown */
	/* unknown values and names */
	CU_ASSERT_PTR_NULL(catalog_isdsc_by_value(0));
	CU_ASSERT_PTR_NULL(catalog_isdsc_by_value(0xEFFF0000u));
	CU_ASSERT_PTR_NULL(catalog_isdsc_by_value(0xEFFF0065u));
	CU_ASSERT_PTR_NULL(catalog_isdsc_by_name("ISDSC_EVALUATION_PERIOD_EXPIRED"));
	/* sorted, unique, and both lookups find every entry */
	for (i = 0; (c = catalog_isdsc_at(i)) != NULL; i++) {
		if (prev != NULL)
			CU_ASSERT(prev->code < c->code);
		CU_ASSERT_PTR_EQUAL(catalog_isdsc_by_value(c->code), c);
		CU_ASSERT_PTR_EQUAL(catalog_isdsc_by_name(c->name), c);
		CU_ASSERT((c->code & 0xffff0000u) == 0xEFFF0000u ||
		    (c->code & 0xffff0000u) == 0xAFFF0000u);
		prev = c;
	}
}

/* RFC 7143 11.13.5: every Status-Class/Detail -> ISDSC the initiator returns */
static void
test_login_status(void)
{
	static const struct {
		uint16_t	code;
		uint32_t	isdsc;
	} expect[] = {
		{ 0x0000, CATALOG_ISDSC_OK },
		{ 0x0101, 0xEFFF0006 },		/* TARGET_MOVED_TEMPORARILY */
		{ 0x0102, 0xEFFF0007 },		/* TARGET_MOVED_PERMANENTLY */
		{ 0x0200, 0xEFFF0008 },		/* INITIATOR_ERROR */
		{ 0x0201, 0xEFFF0009 },		/* AUTHENTICATION_FAILURE */
		{ 0x0202, 0xEFFF000A },		/* AUTHORIZATION_FAILURE */
		{ 0x0203, 0xEFFF000B },		/* NOT_FOUND */
		{ 0x0204, 0xEFFF000C },		/* TARGET_REMOVED */
		{ 0x0205, 0xEFFF000D },		/* UNSUPPORTED_VERSION */
		{ 0x0206, 0xEFFF000E },		/* TOO_MANY_CONNECTIONS */
		{ 0x0207, 0xEFFF000F },		/* MISSING_PARAMETER */
		{ 0x0208, 0xEFFF0010 },		/* CANT_INCLUDE_IN_SESSION */
		{ 0x0209, 0xEFFF0011 },		/* SESSION_TYPE_NOT_SUPPORTED */
		{ 0x020a, 0xEFFF001C },		/* INVALID_SESSION_ID (choice) */
		{ 0x020b, 0xEFFF0008 },		/* INITIATOR_ERROR (choice) */
		{ 0x0300, 0xEFFF0012 },		/* TARGET_ERROR */
		{ 0x0301, 0xEFFF0013 },		/* SERVICE_UNAVAILABLE */
		{ 0x0302, 0xEFFF0014 },		/* OUT_OF_RESOURCES */
	};
	struct catalog_login_status s;
	size_t i;

	CU_ASSERT_EQUAL(catalog_login_status_count(), 18);
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		s = catalog_login_status(expect[i].code >> 8, expect[i].code & 0xff);
		CU_ASSERT(s.known);
		CU_ASSERT_EQUAL(s.isdsc, expect[i].isdsc);
		CU_ASSERT_EQUAL(catalog_login_status_at(i)->status_class << 8 |
		    catalog_login_status_at(i)->status_detail, expect[i].code);
		if (expect[i].isdsc != CATALOG_ISDSC_OK)
			CU_ASSERT_PTR_NOT_NULL(catalog_isdsc_by_value(s.isdsc));
	}
	CU_ASSERT_EQUAL(ISCSI_LOGIN_STATUS_TARGET_MOVED_PERMANENTLY, 0x0102);
	CU_ASSERT_EQUAL(ISCSI_LOGIN_STATUS_OUT_OF_RESOURCES, 0x0302);
	CU_ASSERT_EQUAL(ISCSI_LOGIN_CLASS_REDIRECTION, 1);
	s = catalog_login_status(0x01, 0x01);
	CU_ASSERT_STRING_EQUAL(s.name, "TARGET_MOVED_TEMPORARILY");
	CU_ASSERT_EQUAL(s.isdsc, ISDSC_TARGET_MOVED_TEMPORARILY);
	/* unknown details: class fallback; unknown class: LOGIN_FAILED */
	s = catalog_login_status(0x02, 0x0c);
	CU_ASSERT(!s.known);
	CU_ASSERT_STRING_EQUAL(s.name, "UNKNOWN");
	CU_ASSERT_EQUAL(s.status_class, 0x02);
	CU_ASSERT_EQUAL(s.status_detail, 0x0c);
	CU_ASSERT_EQUAL(s.isdsc, ISDSC_INITIATOR_ERROR);
	CU_ASSERT_EQUAL(catalog_login_status(0x03, 0x03).isdsc, ISDSC_TARGET_ERROR);
	CU_ASSERT_EQUAL(catalog_login_status(0x01, 0x00).isdsc,
	    ISDSC_TARGET_MOVED_TEMPORARILY);
	CU_ASSERT_EQUAL(catalog_login_status(0x00, 0x01).isdsc, ISDSC_LOGIN_FAILED);
	CU_ASSERT_EQUAL(catalog_login_status(0x04, 0x00).isdsc, ISDSC_LOGIN_FAILED);
	CU_ASSERT(!catalog_login_status(0xff, 0xff).known);
	CU_ASSERT_EQUAL(catalog_login_status(0xff, 0xff).isdsc, ISDSC_LOGIN_FAILED);
	CU_ASSERT_STRING_EQUAL(catalog_login_class_name(0x03), "Target Error");
	CU_ASSERT_PTR_NULL(catalog_login_class_name(0x04));
}

/* RFC 7143 11.17.1: reasons and "Can the original PDU be resent?" */
static void
test_reject_reasons(void)
{
	static const int resend[13] = {
		/* 0x00 */ -1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0
	};
	unsigned int r;

	for (r = 1; r <= 0x0c; r++) {
		CU_ASSERT_PTR_NOT_NULL(catalog_reject_reason(r));
		CU_ASSERT_EQUAL(catalog_reject_can_resend(r), resend[r]);
	}
	CU_ASSERT_EQUAL(catalog_code_count(CATALOG_REJECT_REASONS), 12);
	CU_ASSERT_PTR_NULL(catalog_reject_reason(0x00));
	CU_ASSERT_PTR_NULL(catalog_reject_reason(0x0d));
	CU_ASSERT_PTR_NULL(catalog_reject_reason(0xff));
	CU_ASSERT(!catalog_reject_can_resend(0x0d));
	CU_ASSERT_EQUAL(ISCSI_REJECT_DATA_DIGEST_ERROR, 0x02);
	CU_ASSERT_EQUAL(ISCSI_REJECT_WAITING_FOR_LOGOUT, 0x0c);
	CU_ASSERT_STRING_EQUAL(catalog_reject_reason(0x09)->name,
	    "INVALID_PDU_FIELD");
	CU_ASSERT_STRING_EQUAL(catalog_table_name(CATALOG_REJECT_REASONS),
	    "reject_reasons");
	CU_ASSERT_PTR_NULL(catalog_table_name(CATALOG_TABLE_COUNT));
	CU_ASSERT_PTR_NULL(catalog_code(CATALOG_TABLE_COUNT, 1));
	CU_ASSERT_EQUAL(catalog_code_count(CATALOG_TABLE_COUNT), 0);
}

/* RFC 7143 11.9.1, 11.16.1, 11.14.1, 11.15.1, 11.5.1, 11.6.1 (+ RFC 7144) */
static void
test_code_tables(void)
{
	unsigned int v;

	for (v = 0; v <= 5; v++)
		CU_ASSERT_PTR_NOT_NULL(catalog_async_event(v));
	CU_ASSERT_PTR_NULL(catalog_async_event(6));
	CU_ASSERT_PTR_NULL(catalog_async_event(254));
	CU_ASSERT_STRING_EQUAL(catalog_async_event(255)->name, "VENDOR_SPECIFIC");
	CU_ASSERT_EQUAL(ISCSI_ASYNC_LOGOUT_REQUEST, 1);
	CU_ASSERT_EQUAL(ISCSI_ASYNC_NEGOTIATION_REQUEST, 4);

	CU_ASSERT_EQUAL(catalog_code_count(CATALOG_SNACK_TYPES), 4);
	CU_ASSERT_EQUAL(ISCSI_SNACK_R_DATA, 3);
	CU_ASSERT_STRING_EQUAL(catalog_snack_type(2)->name, "DATA_ACK");
	CU_ASSERT_PTR_NULL(catalog_snack_type(4));

	CU_ASSERT_EQUAL(ISCSI_LOGOUT_REASON_REMOVE_FOR_RECOVERY, 2);
	CU_ASSERT_PTR_NULL(catalog_logout_reason(3));
	CU_ASSERT_EQUAL(ISCSI_LOGOUT_RESP_CLEANUP_FAILED, 3);
	CU_ASSERT_STRING_EQUAL(catalog_logout_response(1)->name, "CID_NOT_FOUND");
	CU_ASSERT_PTR_NULL(catalog_logout_response(4));

	for (v = 1; v <= 12; v++)
		CU_ASSERT_PTR_NOT_NULL(catalog_tmf_function(v));
	CU_ASSERT_PTR_NULL(catalog_tmf_function(0));
	CU_ASSERT_PTR_NULL(catalog_tmf_function(13));
	CU_ASSERT_EQUAL(ISCSI_TMF_TASK_REASSIGN, 8);
	CU_ASSERT_EQUAL(ISCSI_TMF_I_T_NEXUS_RESET, 11);
	CU_ASSERT_EQUAL(ISCSI_TMF_QUERY_ASYNC_EVENT, 12);

	for (v = 0; v <= 7; v++)
		CU_ASSERT_PTR_NOT_NULL(catalog_tmf_response(v));
	CU_ASSERT_PTR_NULL(catalog_tmf_response(8));
	CU_ASSERT_EQUAL(ISCSI_TMF_RESP_REJECTED, 255);
	CU_ASSERT_STRING_EQUAL(catalog_tmf_response(255)->text, "Function rejected");
	CU_ASSERT_EQUAL(catalog_code_count(CATALOG_TMF_RESPONSES), 9);
}

static void
test_ntstatus(void)
{
	CU_ASSERT_EQUAL(catalog_ntstatus_from_errno(0), STATUS_SUCCESS);
	CU_ASSERT_EQUAL(catalog_ntstatus_from_errno(ETIMEDOUT), 0xC00000B5u);
	CU_ASSERT_EQUAL(catalog_ntstatus_from_errno(ECONNREFUSED), 0xC0000236u);
	CU_ASSERT_EQUAL(catalog_ntstatus_from_errno(ECONNRESET), 0xC000020Du);
	CU_ASSERT_EQUAL(catalog_ntstatus_from_errno(EDOM), STATUS_UNSUCCESSFUL);
	CU_ASSERT_STRING_EQUAL(catalog_ntstatus(0xC000020Cu)->name,
	    "STATUS_CONNECTION_DISCONNECTED");
	CU_ASSERT_PTR_NULL(catalog_ntstatus(0xC0000002u));
}

static CU_TestInfo catalog_tests[] = {
	{ "seed004_appB_appD_counts", test_counts },
	{ "seed004_appB_event_text", test_event_text },
	{ "seed004_appD_isdsc", test_isdsc },
	{ "rfc7143_11_13_5_login_status_isdsc", test_login_status },
	{ "rfc7143_11_17_1_reject_reasons", test_reject_reasons },
	{ "rfc7143_code_tables", test_code_tables },
	{ "ntstatus_from_errno", test_ntstatus },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "catalog", catalog_tests)
