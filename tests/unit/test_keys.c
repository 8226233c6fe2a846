/*
 * Key table and negotiation: RFC 7143 6.2 (6.2.1 list, 6.2.2 simple
 * values), 13.x per key, 13.25 obsoleted keys, RFC 7144 iSCSIProtocolLevel;
 * MS initiator events 4, 18, 19, 61, 62 (seed 004) via keys_check_session.
 */
#include <string.h>

#include "unit.h"
#include "keys.h"

static struct keys_result res;

/* Run one key=value through neg; return the status. */
static enum keys_status
neg1(struct keys_neg *neg, const char *key, const char *value)
{
	keys_negotiate(neg, key, value, &res);
	return res.status;
}

static void
target_neg(struct keys_neg *neg, struct keys_local *l)
{
	keys_neg_init(neg, KEYS_ROLE_TARGET, l);
	neg->stage = KEYS_STAGE_OPERATIONAL;
}

/* RFC 7143 13: every key in one table, looked up exactly (6.1). */
static void
test_table(void)
{
	static const char *const names[] = { "HeaderDigest", "DataDigest",
	    "MaxConnections", "SendTargets", "TargetName", "InitiatorName",
	    "TargetAlias", "InitiatorAlias", "TargetAddress",
	    "TargetPortalGroupTag", "InitialR2T", "ImmediateData",
	    "MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength",
	    "DefaultTime2Wait", "DefaultTime2Retain", "MaxOutstandingR2T",
	    "DataPDUInOrder", "DataSequenceInOrder", "ErrorRecoveryLevel",
	    "SessionType", "AuthMethod", "TaskReporting", "iSCSIProtocolLevel",
	    "CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R", "OFMarker",
	    "IFMarker", "OFMarkInt", "IFMarkInt", "X#NodeArchitecture", NULL };
	const struct keys_def *d;
	int i;

	CU_ASSERT(KEYS_COUNT <= 64);	/* masks are uint64_t */
	for (i = 0; names[i] != NULL; i++) {
		int id = keys_lookup(names[i]);

		CU_ASSERT_NOT_EQUAL(id, KEYS_UNKNOWN);
		CU_ASSERT_STRING_EQUAL(keys_name(id), names[i]);
	}
	for (i = 0; i < KEYS_COUNT; i++)
		CU_ASSERT_EQUAL(keys_def(i)->id, i);
	CU_ASSERT_EQUAL(keys_lookup("headerdigest"), KEYS_UNKNOWN);
	CU_ASSERT_EQUAL(keys_lookup("HeaderDigestX"), KEYS_UNKNOWN);
	CU_ASSERT_EQUAL(keys_lookup("Header"), KEYS_UNKNOWN);
	CU_ASSERT_EQUAL(keys_lookup_n("MaxBurstLengthXYZ", 14), KEYS_MAX_BURST_LENGTH);
	CU_ASSERT_PTR_NULL(keys_def(KEYS_COUNT));
	/* spot checks of the columns against RFC 7143 13 */
	d = keys_def(KEYS_MAX_BURST_LENGTH);
	CU_ASSERT(d->result == KEYS_RES_MIN && d->scope == KEYS_SW &&
	    d->use == KEYS_USE_LO && d->min == 512 && d->max == 16777215);
	CU_ASSERT_EQUAL(keys_def(KEYS_DEFAULT_TIME2WAIT)->result, KEYS_RES_MAX);
	CU_ASSERT_EQUAL(keys_def(KEYS_INITIAL_R2T)->result, KEYS_RES_OR);
	CU_ASSERT_EQUAL(keys_def(KEYS_IMMEDIATE_DATA)->result, KEYS_RES_AND);
	d = keys_def(KEYS_HEADER_DIGEST);
	CU_ASSERT(d->result == KEYS_RES_LIST && d->scope == KEYS_CO && d->use == KEYS_USE_IO);
	d = keys_def(KEYS_MAX_RECV_DATA_SEGMENT_LENGTH);
	CU_ASSERT(d->result == KEYS_RES_NONE && d->scope == KEYS_CO && d->use == KEYS_USE_ALL);
	d = keys_def(KEYS_SEND_TARGETS);
	CU_ASSERT(d->use == KEYS_USE_FFP && d->senders == KEYS_BY_I);
	CU_ASSERT_EQUAL(keys_def(KEYS_TARGET_ADDRESS)->senders, KEYS_BY_T);
	CU_ASSERT_EQUAL(keys_def(KEYS_PROTOCOL_LEVEL)->max, 31);
	CU_ASSERT_STRING_EQUAL(keys_def(KEYS_FIRST_BURST_LENGTH)->section, "RFC7143 13.14");
	CU_ASSERT_STRING_EQUAL(keys_resfn_name(KEYS_RES_MIN), "Minimum");
	CU_ASSERT_STRING_EQUAL(keys_use_name(KEYS_USE_LO), "LO");
}

/* RFC 7143 13: defaults. */
static void
test_defaults(void)
{
	struct keys_params p;
	struct text_builder b;

	keys_params_default(&p);
	CU_ASSERT_EQUAL(p.c.max_recv_dsl, 8192);
	CU_ASSERT_EQUAL(p.c.max_send_dsl, 8192);
	CU_ASSERT_EQUAL(p.c.header_digest, KEYS_DIGEST_NONE);
	CU_ASSERT_EQUAL(p.c.auth_method, KEYS_AUTH_NONE);
	CU_ASSERT_EQUAL(p.s.max_connections, 1);
	CU_ASSERT_EQUAL(p.s.max_burst_length, 262144);
	CU_ASSERT_EQUAL(p.s.first_burst_length, 65536);
	CU_ASSERT_EQUAL(p.s.default_time2wait, 2);
	CU_ASSERT_EQUAL(p.s.default_time2retain, 20);
	CU_ASSERT_EQUAL(p.s.max_outstanding_r2t, 1);
	CU_ASSERT_EQUAL(p.s.error_recovery_level, 0);
	CU_ASSERT_EQUAL(p.s.protocol_level, 1);
	CU_ASSERT(p.s.initial_r2t && p.s.immediate_data);
	CU_ASSERT(p.s.data_pdu_in_order && p.s.data_sequence_in_order);
	CU_ASSERT_EQUAL(p.s.session_type, KEYS_SESSION_NORMAL);
	CU_ASSERT_EQUAL(p.s.task_reporting, KEYS_TASKREP_RFC3720);
	CU_ASSERT_EQUAL(p.set, 0);
	/* render a parameter set as offers */
	text_builder_init(&b, 0);
	CU_ASSERT_EQUAL(keys_params_render(&p, KEYS_BIT(KEYS_MAX_BURST_LENGTH) |
	    KEYS_BIT(KEYS_INITIAL_R2T) | KEYS_BIT(KEYS_HEADER_DIGEST) |
	    KEYS_BIT(KEYS_CHAP_C), &b), TEXT_OK);
	CU_ASSERT_EQUAL(b.len, 55);
	CU_ASSERT_EQUAL(memcmp(b.buf, "HeaderDigest=None\0InitialR2T=Yes\0"
	    "MaxBurstLength=262144\0", 55), 0);
	text_builder_free(&b);
}

/* RFC 7143 6.2.2: Minimum and Maximum result functions. */
static void
test_min_max(void)
{
	struct keys_local l;
	struct keys_neg n;

	keys_local_init(&l);
	l.value[KEYS_MAX_BURST_LENGTH] = "65536";
	l.value[KEYS_DEFAULT_TIME2WAIT] = "5";
	target_neg(&n, &l);
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "262144"), KEYS_S_ACCEPTED);
	CU_ASSERT_EQUAL(res.action, KEYS_ACT_ANSWER);
	CU_ASSERT_STRING_EQUAL(res.answer, "65536");
	CU_ASSERT_EQUAL(n.params.s.max_burst_length, 65536);
	CU_ASSERT_EQUAL(neg1(&n, "DefaultTime2Wait", "2"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "5");
	/* local default applies when not configured: DefaultTime2Retain 20 */
	CU_ASSERT_EQUAL(neg1(&n, "DefaultTime2Retain", "3600"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "20");
	/* 0x encoding accepted in offers, answers are decimal */
	CU_ASSERT_EQUAL(neg1(&n, "MaxOutstandingR2T", "0x10"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "1");
	/* iSCSIProtocolLevel: Minimum 0..31 (RFC 7144) */
	CU_ASSERT_EQUAL(neg1(&n, "iSCSIProtocolLevel", "2"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "1");
	CU_ASSERT_EQUAL(neg1(&n, "ErrorRecoveryLevel", "2"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "0");
	keys_neg_free(&n);

	target_neg(&n, &l);
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "1024"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "1024");
	CU_ASSERT_EQUAL(neg1(&n, "DefaultTime2Wait", "10"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "10");
	/* out of range / malformed: Reject (6.2.2) */
	CU_ASSERT_EQUAL(neg1(&n, "FirstBurstLength", "100"), KEYS_S_REJECT_RANGE);
	CU_ASSERT_STRING_EQUAL(res.answer, "Reject");
	CU_ASSERT_EQUAL(neg1(&n, "ErrorRecoveryLevel", "3"), KEYS_S_REJECT_RANGE);
	CU_ASSERT_EQUAL(neg1(&n, "MaxConnections", "two"), KEYS_S_REJECT_VALUE);
	CU_ASSERT_STRING_EQUAL(res.answer, "Reject");
	CU_ASSERT_EQUAL(neg1(&n, "MaxOutstandingR2T", "010"), KEYS_S_REJECT_VALUE);
	keys_neg_free(&n);
}

/* RFC 7143 6.2.2: Boolean OR / AND, optional answers. */
static void
test_booleans(void)
{
	struct keys_local l;
	struct keys_neg n;

	keys_local_init(&l);
	l.value[KEYS_INITIAL_R2T] = "No";
	l.value[KEYS_IMMEDIATE_DATA] = "No";
	target_neg(&n, &l);
	/* OR: No + No = No; Yes decides alone (answer optional) */
	CU_ASSERT_EQUAL(neg1(&n, "InitialR2T", "No"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "No");
	CU_ASSERT_FALSE(n.params.s.initial_r2t);
	/* AND: Yes + No = No */
	CU_ASSERT_EQUAL(neg1(&n, "ImmediateData", "Yes"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "No");
	/* local default Yes: DataPDUInOrder No + Yes = Yes (OR) */
	CU_ASSERT_EQUAL(neg1(&n, "DataPDUInOrder", "No"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "Yes");
	CU_ASSERT_EQUAL(neg1(&n, "DataSequenceInOrder", "Yes"), KEYS_S_ANSWER_OPTIONAL);
	CU_ASSERT_STRING_EQUAL(res.answer, "Yes");
	CU_ASSERT_EQUAL(neg1(&n, "OFMarker", "maybe"), KEYS_S_REJECT_OBSOLETE);
	keys_neg_free(&n);
	keys_local_init(&l);
	target_neg(&n, &l);
	CU_ASSERT_EQUAL(neg1(&n, "InitialR2T", "Yes"), KEYS_S_ANSWER_OPTIONAL);
	CU_ASSERT_EQUAL(neg1(&n, "ImmediateData", "No"), KEYS_S_ANSWER_OPTIONAL);
	CU_ASSERT_STRING_EQUAL(res.answer, "No");
	CU_ASSERT_EQUAL(neg1(&n, "DataPDUInOrder", "yes"), KEYS_S_REJECT_VALUE);
	keys_neg_free(&n);
}

/* RFC 7143 6.2.1: list negotiation, first acceptable in the offerer's order. */
static void
test_lists(void)
{
	struct keys_local l;
	struct keys_neg n;

	keys_local_init(&l);
	l.value[KEYS_HEADER_DIGEST] = "CRC32C,None";
	l.value[KEYS_DATA_DIGEST] = "None";
	l.value[KEYS_AUTH_METHOD] = "CHAP";
	target_neg(&n, &l);
	CU_ASSERT_EQUAL(neg1(&n, "HeaderDigest", "None,CRC32C"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "None");
	CU_ASSERT_EQUAL(neg1(&n, "DataDigest", "CRC32C"), KEYS_S_REJECT_NO_COMMON);
	CU_ASSERT_STRING_EQUAL(res.answer, "Reject");
	CU_ASSERT_EQUAL(neg1(&n, "TaskReporting", "FastAbort,RFC3720"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "RFC3720");
	keys_neg_free(&n);
	target_neg(&n, &l);
	/* unknown values in the list are ignored */
	CU_ASSERT_EQUAL(neg1(&n, "HeaderDigest", "X-foo,CRC32C,None"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "CRC32C");
	CU_ASSERT_EQUAL(n.params.c.header_digest, KEYS_DIGEST_CRC32C);
	CU_ASSERT_EQUAL(neg1(&n, "DataDigest", "CRC32C,,None"), KEYS_S_REJECT_VALUE);
	keys_neg_free(&n);
	keys_neg_init(&n, KEYS_ROLE_TARGET, &l);	/* security stage */
	CU_ASSERT_EQUAL(neg1(&n, "AuthMethod", "KRB5,CHAP,None"), KEYS_S_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(res.answer, "CHAP");
	CU_ASSERT_EQUAL(n.params.c.auth_method, KEYS_AUTH_CHAP);
	keys_neg_free(&n);
}

/* RFC 7143 6.2: NotUnderstood for unknown keys, never echoed back. */
static void
test_not_understood(void)
{
	struct keys_neg n;

	target_neg(&n, NULL);
	CU_ASSERT_EQUAL(neg1(&n, "X-com.example.Foo", "bar"), KEYS_S_NOT_UNDERSTOOD);
	CU_ASSERT_STRING_EQUAL(res.answer, "NotUnderstood");
	CU_ASSERT_EQUAL(res.id, KEYS_UNKNOWN);
	CU_ASSERT_EQUAL(neg1(&n, "Maxburstlength", "512"), KEYS_S_NOT_UNDERSTOOD);
	CU_ASSERT_EQUAL(neg1(&n, "X-com.example.Foo", "baz"), KEYS_S_FAIL_REPEATED);
	CU_ASSERT_EQUAL(res.action, KEYS_ACT_FAIL);
	CU_ASSERT_EQUAL(neg1(&n, "X-com.example.Ours", "NotUnderstood"),
	    KEYS_S_PEER_NOT_UNDERSTOOD);
	CU_ASSERT_EQUAL(res.action, KEYS_ACT_NONE);
	/* RFC 7143 13.25: obsoleted keys get Reject, not NotUnderstood */
	CU_ASSERT_EQUAL(neg1(&n, "OFMarker", "Yes"), KEYS_S_REJECT_OBSOLETE);
	CU_ASSERT_STRING_EQUAL(res.answer, "Reject");
	CU_ASSERT_EQUAL(neg1(&n, "IFMarker", "No"), KEYS_S_REJECT_OBSOLETE);
	CU_ASSERT_EQUAL(neg1(&n, "OFMarkInt", "2048~8192"), KEYS_S_REJECT_OBSOLETE);
	CU_ASSERT_EQUAL(neg1(&n, "IFMarkInt", "2048"), KEYS_S_REJECT_OBSOLETE);
	CU_ASSERT_STRING_EQUAL(res.answer, "Reject");
	keys_neg_free(&n);
}

/* RFC 7143 13.2-13.19 "Irrelevant when SessionType=Discovery"; 13.14 FBL. */
static void
test_irrelevant(void)
{
	struct keys_neg n;
	struct text_list l;
	struct text_builder out;

	keys_neg_init(&n, KEYS_ROLE_TARGET, NULL);
	CU_ASSERT_EQUAL(neg1(&n, "SessionType", "Discovery"), KEYS_S_DECLARED);
	n.stage = KEYS_STAGE_OPERATIONAL;
	CU_ASSERT_EQUAL(neg1(&n, "MaxConnections", "4"), KEYS_S_IRRELEVANT);
	CU_ASSERT_STRING_EQUAL(res.answer, "Irrelevant");
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "4096"), KEYS_S_IRRELEVANT);
	CU_ASSERT_EQUAL(neg1(&n, "TaskReporting", "FastAbort"), KEYS_S_IRRELEVANT);
	CU_ASSERT_EQUAL(neg1(&n, "HeaderDigest", "None"), KEYS_S_ACCEPTED);
	CU_ASSERT_EQUAL(neg1(&n, "ErrorRecoveryLevel", "0"), KEYS_S_ACCEPTED);
	keys_neg_free(&n);

	/* FirstBurstLength irrelevant with InitialR2T=Yes, ImmediateData=No,
	 * whatever the order of the keys in the text */
	target_neg(&n, NULL);
	text_builder_init(&out, 0);
	CU_ASSERT_EQUAL(text_parse((const uint8_t *)"FirstBurstLength=4096\0"
	    "ImmediateData=No\0SessionType=Normal\0", 58, keys_value_limit, 0, &l, NULL),
	    TEXT_OK);
	CU_ASSERT_EQUAL(keys_negotiate_list(&n, &l, &out, NULL, NULL), 0);
	CU_ASSERT_EQUAL(out.len, 45);
	CU_ASSERT_EQUAL(memcmp(out.buf, "ImmediateData=No\0FirstBurstLength=Irrelevant\0", 45), 0);
	text_list_free(&l);
	text_builder_free(&out);
	keys_neg_free(&n);
}

/* RFC 7143 13: use (IO/LO/ALL/FFP/security) and senders. */
static void
test_stage_and_sender(void)
{
	struct keys_neg n;

	target_neg(&n, NULL);
	n.stage = KEYS_STAGE_FFP;
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "4096"), KEYS_S_REJECT_STAGE);
	CU_ASSERT_STRING_EQUAL(res.answer, "Reject");
	CU_ASSERT_EQUAL(neg1(&n, "HeaderDigest", "None"), KEYS_S_REJECT_STAGE);
	CU_ASSERT_EQUAL(neg1(&n, "MaxRecvDataSegmentLength", "4096"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "SendTargets", "All"), KEYS_S_DECLARED);
	keys_neg_free(&n);

	keys_neg_init(&n, KEYS_ROLE_TARGET, NULL);	/* security stage */
	CU_ASSERT_EQUAL(neg1(&n, "InitiatorName", "iqn.1991-05.com.microsoft:h"),
	    KEYS_S_DECLARED);
	CU_ASSERT_STRING_EQUAL(n.params.s.initiator_name, "iqn.1991-05.com.microsoft:h");
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "4096"), KEYS_S_REJECT_STAGE);
	CU_ASSERT_EQUAL(neg1(&n, "CHAP_A", "5,7"), KEYS_S_AUTH);
	CU_ASSERT_EQUAL(neg1(&n, "CHAP_N", "user"), KEYS_S_AUTH);
	CU_ASSERT_EQUAL(neg1(&n, "CHAP_R", "0x0g"), KEYS_S_FAIL_VALUE);
	CU_ASSERT_EQUAL(neg1(&n, "SendTargets", "All"), KEYS_S_REJECT_STAGE);
	n.stage = KEYS_STAGE_OPERATIONAL;
	CU_ASSERT_EQUAL(neg1(&n, "AuthMethod", "None"), KEYS_S_REJECT_STAGE);
	CU_ASSERT_EQUAL(neg1(&n, "CHAP_I", "1"), KEYS_S_REJECT_STAGE);
	/* a target may not be sent target-only keys */
	CU_ASSERT_EQUAL(neg1(&n, "TargetAlias", "x"), KEYS_S_FAIL_SENDER);
	CU_ASSERT_EQUAL(res.action, KEYS_ACT_FAIL);
	CU_ASSERT_EQUAL(neg1(&n, "TargetPortalGroupTag", "1"), KEYS_S_FAIL_SENDER);
	/* value "Reject" is reserved for answers */
	CU_ASSERT_EQUAL(neg1(&n, "MaxConnections", "Reject"), KEYS_S_FAIL_RESERVED);
	/* MaxBurstLength came already in the security stage */
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "4096"), KEYS_S_FAIL_REPEATED);
	keys_neg_free(&n);

	/* LO keys on a non-leading connection; IO keys are fine there */
	target_neg(&n, NULL);
	n.leading = false;
	CU_ASSERT_EQUAL(neg1(&n, "MaxConnections", "2"), KEYS_S_REJECT_NON_LEADING);
	CU_ASSERT_EQUAL(neg1(&n, "HeaderDigest", "None"), KEYS_S_ACCEPTED);
	keys_neg_free(&n);

	keys_neg_init(&n, KEYS_ROLE_INITIATOR, NULL);
	n.stage = KEYS_STAGE_OPERATIONAL;
	CU_ASSERT_EQUAL(neg1(&n, "InitiatorName", "iqn.2001-04.com.example:t"),
	    KEYS_S_FAIL_SENDER);
	CU_ASSERT_EQUAL(neg1(&n, "SessionType", "Normal"), KEYS_S_FAIL_SENDER);
	CU_ASSERT_EQUAL(neg1(&n, "TargetName", "iqn.2001-04.com.example:t"),
	    KEYS_S_FAIL_SENDER);
	CU_ASSERT_EQUAL(neg1(&n, "TargetPortalGroupTag", "0x10"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(n.params.s.target_portal_group_tag, 16);
	CU_ASSERT_EQUAL(neg1(&n, "TargetAddress", "10.1.1.1:3260,1"), KEYS_S_DECLARED);
	CU_ASSERT_STRING_EQUAL(n.params.s.target_address, "10.1.1.1:3260,1");
	keys_neg_free(&n);
}

/* RFC 7143 6.2: a key declared or negotiated twice is detected. */
static void
test_repeated(void)
{
	struct keys_neg n;

	keys_neg_init(&n, KEYS_ROLE_TARGET, NULL);
	CU_ASSERT_EQUAL(neg1(&n, "TargetName", "iqn.2001-04.com.example:t"),
	    KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "TargetName", "iqn.2001-04.com.example:t"),
	    KEYS_S_FAIL_REPEATED);
	n.stage = KEYS_STAGE_OPERATIONAL;	/* across stages of one login */
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "4096"), KEYS_S_ACCEPTED);
	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "4096"), KEYS_S_FAIL_REPEATED);
	keys_neg_free(&n);

	/* SendTargets response: TargetName/TargetAddress repeat (13.3) */
	keys_neg_init(&n, KEYS_ROLE_INITIATOR, NULL);
	n.stage = KEYS_STAGE_FFP;
	CU_ASSERT_EQUAL(neg1(&n, "TargetName", "iqn.2001-04.com.example:a"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "TargetAddress", "10.0.0.1:3260,1"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "TargetAddress", "[fe80::1]:3260,1"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "TargetName", "iqn.2001-04.com.example:b"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "MaxRecvDataSegmentLength", "4096"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "MaxRecvDataSegmentLength", "4096"), KEYS_S_FAIL_REPEATED);
	keys_neg_new_sequence(&n);	/* a new Text exchange */
	CU_ASSERT_EQUAL(neg1(&n, "MaxRecvDataSegmentLength", "8192"), KEYS_S_DECLARED);
	keys_neg_free(&n);
}

/* RFC 7143 13.12: MaxRecvDataSegmentLength is declarative per direction. */
static void
test_declarative(void)
{
	struct keys_local l;
	struct keys_neg n;
	struct text_builder b;

	keys_local_init(&l);
	l.value[KEYS_MAX_RECV_DATA_SEGMENT_LENGTH] = "65536";
	target_neg(&n, &l);
	text_builder_init(&b, 0);
	CU_ASSERT_EQUAL(keys_offer(&n, KEYS_MAX_RECV_DATA_SEGMENT_LENGTH, NULL, &b),
	    TEXT_OK);
	CU_ASSERT_EQUAL(n.params.c.max_recv_dsl, 65536);
	CU_ASSERT_EQUAL(neg1(&n, "MaxRecvDataSegmentLength", "4096"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(res.action, KEYS_ACT_NONE);
	CU_ASSERT_EQUAL(n.params.c.max_send_dsl, 4096);
	CU_ASSERT_EQUAL(n.params.c.max_recv_dsl, 65536);
	CU_ASSERT_EQUAL(neg1(&n, "InitiatorAlias", "Caf\xc3\xa9"), KEYS_S_DECLARED);
	CU_ASSERT_EQUAL(neg1(&n, "InitiatorName", "iqn.1991-05.com.Microsoft:h"),
	    KEYS_S_FAIL_VALUE);
	CU_ASSERT_EQUAL(neg1(&n, "SessionType", "discovery"), KEYS_S_FAIL_VALUE);
	CU_ASSERT_EQUAL(neg1(&n, "X#NodeArchitecture", "ExampleOS/v1.0,Bench/0.1"),
	    KEYS_S_DECLARED);
	keys_neg_free(&n);
	target_neg(&n, &l);
	CU_ASSERT_EQUAL(neg1(&n, "MaxRecvDataSegmentLength", "511"), KEYS_S_FAIL_VALUE);
	CU_ASSERT_EQUAL(neg1(&n, "TargetName", "iqn.2001-04.com.example:t"), KEYS_S_DECLARED);
	keys_neg_free(&n);
	text_builder_free(&b);
}

/* Proposer side: the peer's answer must fit our offer (6.2.1, 6.2.2). */
static void
test_proposer_checks(void)
{
	struct keys_local l;
	struct keys_neg n;
	struct text_builder b;
	struct keys_finding f[8];
	char buf[160];

	keys_local_init(&l);
	l.value[KEYS_MAX_BURST_LENGTH] = "65536";
	l.value[KEYS_FIRST_BURST_LENGTH] = "65536";
	l.value[KEYS_DEFAULT_TIME2WAIT] = "2";
	l.value[KEYS_IMMEDIATE_DATA] = "No";
	l.value[KEYS_INITIAL_R2T] = "Yes";
	l.value[KEYS_DATA_PDU_IN_ORDER] = "Yes";
	l.value[KEYS_HEADER_DIGEST] = "CRC32C";
	l.value[KEYS_DATA_DIGEST] = "CRC32C";
	l.value[KEYS_MAX_CONNECTIONS] = "4";
	keys_neg_init(&n, KEYS_ROLE_INITIATOR, &l);
	n.stage = KEYS_STAGE_OPERATIONAL;
	text_builder_init(&b, 0);
	CU_ASSERT_EQUAL(keys_offer_stage(&n, &b), TEXT_OK);
	CU_ASSERT(n.offered & KEYS_BIT(KEYS_MAX_BURST_LENGTH));

	CU_ASSERT_EQUAL(neg1(&n, "MaxBurstLength", "262144"), KEYS_S_FAIL_ANSWER_RANGE);
	CU_ASSERT_EQUAL(res.action, KEYS_ACT_FAIL);
	CU_ASSERT_STRING_EQUAL(res.offer, "65536");
	keys_result_format(&res, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "MaxBurstLength=262144: answer outside what the "
	    "result function allows for our offer (we offered 65536)");
	CU_ASSERT_EQUAL(neg1(&n, "FirstBurstLength", "16384"), KEYS_S_AGREED);
	CU_ASSERT_EQUAL(n.params.s.first_burst_length, 16384);
	CU_ASSERT_EQUAL(neg1(&n, "DefaultTime2Wait", "1"), KEYS_S_FAIL_ANSWER_RANGE);
	CU_ASSERT_EQUAL(neg1(&n, "ImmediateData", "Yes"), KEYS_S_FAIL_ANSWER_BOOL);
	CU_ASSERT_EQUAL(neg1(&n, "InitialR2T", "No"), KEYS_S_FAIL_ANSWER_BOOL);
	/* event 61: DataPDUInOrder No although we asked Yes */
	CU_ASSERT_EQUAL(neg1(&n, "DataPDUInOrder", "No"), KEYS_S_FAIL_ANSWER_BOOL);
	/* event 18: the list answer None was never offered */
	CU_ASSERT_EQUAL(neg1(&n, "HeaderDigest", "None"), KEYS_S_FAIL_ANSWER_LIST);
	/* event 19: the target rejected our only digest */
	CU_ASSERT_EQUAL(neg1(&n, "DataDigest", "Reject"), KEYS_S_PEER_REJECT);
	CU_ASSERT_EQUAL(res.action, KEYS_ACT_NONE);
	CU_ASSERT_EQUAL(neg1(&n, "MaxConnections", "x1"), KEYS_S_FAIL_ANSWER_SYNTAX);
	CU_ASSERT_EQUAL(keys_check_session(&l, &n.params, f, 8), 3);
	CU_ASSERT_EQUAL(f[0].code, KEYS_CHK_HEADER_DIGEST_REQUIRED);
	CU_ASSERT_EQUAL(f[0].id, KEYS_HEADER_DIGEST);
	CU_ASSERT_EQUAL(f[1].code, KEYS_CHK_DATA_DIGEST_REQUIRED);
	CU_ASSERT_EQUAL(f[2].code, KEYS_CHK_DATA_PDU_ORDER);
	CU_ASSERT_STRING_EQUAL(keys_finding_text(f[2].code),
	    "DataPDUInOrder=No although Yes was requested");
	keys_neg_free(&n);
	text_builder_free(&b);

	keys_neg_init(&n, KEYS_ROLE_INITIATOR, &l);
	n.stage = KEYS_STAGE_OPERATIONAL;
	text_builder_init(&b, 0);
	keys_offer(&n, KEYS_HEADER_DIGEST, "CRC32C,None", &b);
	CU_ASSERT_EQUAL(neg1(&n, "HeaderDigest", "CRC32C,None"), KEYS_S_FAIL_ANSWER_LIST);
	keys_offer(&n, KEYS_DATA_DIGEST, "CRC32C,None", &b);
	CU_ASSERT_EQUAL(neg1(&n, "DataDigest", "None"), KEYS_S_AGREED);
	keys_offer(&n, KEYS_ERROR_RECOVERY_LEVEL, "2", &b);
	CU_ASSERT_EQUAL(neg1(&n, "ErrorRecoveryLevel", "Irrelevant"), KEYS_S_PEER_IRRELEVANT);
	keys_offer(&n, KEYS_DEFAULT_TIME2WAIT, "2", &b);
	CU_ASSERT_EQUAL(neg1(&n, "DefaultTime2Wait", "5"), KEYS_S_AGREED);
	CU_ASSERT_EQUAL(keys_offer(&n, KEYS_CHAP_A, "5", &b), TEXT_EINVAL);
	CU_ASSERT_EQUAL(keys_offer(&n, KEYS_OF_MARKER, "No", &b), TEXT_EINVAL);
	keys_neg_free(&n);
	text_builder_free(&b);
}

static int finish_seen[KEYS_NSTATUS];

static void
count_result(void *arg, const struct keys_result *r)
{
	(void)arg;
	finish_seen[r->status]++;
}

/* RFC 7143 6.2.2: AND=No / OR=Yes need no answer; others do. */
static void
test_finish(void)
{
	struct keys_neg n;
	struct text_builder b;

	keys_neg_init(&n, KEYS_ROLE_INITIATOR, NULL);
	n.stage = KEYS_STAGE_OPERATIONAL;
	text_builder_init(&b, 0);
	keys_offer(&n, KEYS_IMMEDIATE_DATA, "No", &b);
	keys_offer(&n, KEYS_DATA_SEQUENCE_IN_ORDER, "Yes", &b);
	keys_offer(&n, KEYS_INITIAL_R2T, "No", &b);
	keys_offer(&n, KEYS_MAX_BURST_LENGTH, "4096", &b);
	memset(finish_seen, 0, sizeof(finish_seen));
	CU_ASSERT_EQUAL(keys_neg_finish(&n, count_result, NULL), 2);
	CU_ASSERT_EQUAL(finish_seen[KEYS_S_AGREED], 2);
	CU_ASSERT_EQUAL(finish_seen[KEYS_S_NO_ANSWER], 2);
	CU_ASSERT_FALSE(n.params.s.immediate_data);
	CU_ASSERT_EQUAL(n.params.s.max_burst_length, 262144);
	CU_ASSERT_EQUAL(n.offered, 0);
	keys_neg_free(&n);
	text_builder_free(&b);
}

/* Seed 004 event 4: MaxBurstLength < FirstBurstLength (dump: FBL, MBL). */
static void
test_check_session(void)
{
	struct keys_params p;
	struct keys_finding f[4];
	struct keys_local l;

	keys_local_init(&l);
	keys_params_default(&p);
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, f, 4), 0);
	p.s.max_burst_length = 16384;
	p.s.first_burst_length = 65536;
	p.s.data_sequence_in_order = false;	/* event 62 (default Yes asked) */
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, f, 4), 2);
	CU_ASSERT_EQUAL(f[0].code, KEYS_CHK_BURST_ORDER);
	CU_ASSERT(f[0].a == 65536 && f[0].b == 16384);
	CU_ASSERT_EQUAL(f[1].code, KEYS_CHK_DATA_SEQUENCE_ORDER);
	/* 13.14: FirstBurstLength Irrelevant with InitialR2T=Yes and
	 * ImmediateData=No: no event 4 whatever it holds */
	p.s.initial_r2t = true;
	p.s.immediate_data = false;
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, f, 4), 1);
	CU_ASSERT_EQUAL(f[0].code, KEYS_CHK_DATA_SEQUENCE_ORDER);
	p.s.immediate_data = true;
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, f, 4), 2);
	p.s.initial_r2t = false;
	/* equal lengths are fine (RFC 7143 13.14: FBL must not exceed MBL) */
	p.s.max_burst_length = 65536;
	l.value[KEYS_DATA_SEQUENCE_IN_ORDER] = "No";
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, f, 4), 0);
	/* a digest list with None is not a requirement */
	l.value[KEYS_HEADER_DIGEST] = "CRC32C,None";
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, f, 4), 0);
	l.value[KEYS_HEADER_DIGEST] = "CRC32C";
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, NULL, 0), 1);
	/* discovery: burst/order keys are irrelevant */
	p.s.session_type = KEYS_SESSION_DISCOVERY;
	p.s.max_burst_length = 512;
	CU_ASSERT_EQUAL(keys_check_session(&l, &p, f, 4), 1);
}

/* Both roles through one engine: offers, answers, same result (6.2). */
static void
test_end_to_end(void)
{
	struct keys_local il, tl;
	struct keys_neg ini, tgt;
	struct text_builder offers, answers;
	struct text_list l;
	int id;

	keys_local_init(&il);
	il.value[KEYS_INITIATOR_NAME] = "iqn.1991-05.com.microsoft:host";
	il.value[KEYS_TARGET_NAME] = "iqn.2001-04.com.example:disk";
	il.value[KEYS_SESSION_TYPE] = "Normal";
	il.value[KEYS_AUTH_METHOD] = "None";
	il.value[KEYS_HEADER_DIGEST] = "CRC32C,None";
	il.value[KEYS_DATA_DIGEST] = "None";
	il.value[KEYS_MAX_RECV_DATA_SEGMENT_LENGTH] = "262144";
	il.value[KEYS_MAX_BURST_LENGTH] = "1048576";
	il.value[KEYS_FIRST_BURST_LENGTH] = "262144";
	il.value[KEYS_INITIAL_R2T] = "No";
	il.value[KEYS_IMMEDIATE_DATA] = "Yes";
	il.value[KEYS_MAX_OUTSTANDING_R2T] = "8";
	il.value[KEYS_ERROR_RECOVERY_LEVEL] = "2";
	il.value[KEYS_DEFAULT_TIME2WAIT] = "0";
	keys_local_init(&tl);
	tl.value[KEYS_AUTH_METHOD] = "CHAP,None";
	tl.value[KEYS_HEADER_DIGEST] = "CRC32C,None";
	tl.value[KEYS_MAX_BURST_LENGTH] = "262144";
	tl.value[KEYS_MAX_OUTSTANDING_R2T] = "4";
	tl.value[KEYS_INITIAL_R2T] = "Yes";
	tl.value[KEYS_DEFAULT_TIME2WAIT] = "2";
	tl.value[KEYS_TARGET_PORTAL_GROUP_TAG] = "1";
	keys_neg_init(&ini, KEYS_ROLE_INITIATOR, &il);
	keys_neg_init(&tgt, KEYS_ROLE_TARGET, &tl);
	text_builder_init(&offers, 0);
	text_builder_init(&answers, 0);

	for (int stage = KEYS_STAGE_SECURITY; stage <= KEYS_STAGE_OPERATIONAL; stage++) {
		ini.stage = tgt.stage = (enum keys_stage)stage;
		text_builder_reset(&offers);
		text_builder_reset(&answers);
		CU_ASSERT_EQUAL(keys_offer_stage(&ini, &offers), TEXT_OK);
		CU_ASSERT_EQUAL_FATAL(text_parse(offers.buf, offers.len, keys_value_limit,
		    0, &l, NULL), TEXT_OK);
		CU_ASSERT_EQUAL(keys_negotiate_list(&tgt, &l, &answers, NULL, NULL), 0);
		text_list_free(&l);
		CU_ASSERT_EQUAL(keys_offer_stage(&tgt, &answers), TEXT_OK);
		CU_ASSERT_EQUAL_FATAL(text_parse(answers.buf, answers.len,
		    keys_value_limit, 0, &l, NULL), TEXT_OK);
		CU_ASSERT_EQUAL(keys_negotiate_list(&ini, &l, NULL, NULL, NULL), 0);
		text_list_free(&l);
	}
	CU_ASSERT_EQUAL(keys_neg_finish(&ini, NULL, NULL), 0);
	CU_ASSERT_EQUAL(keys_neg_finish(&tgt, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ini.params.c.header_digest, KEYS_DIGEST_CRC32C);
	CU_ASSERT_EQUAL(ini.params.s.max_burst_length, 262144);
	CU_ASSERT_EQUAL(ini.params.s.first_burst_length, 65536);
	CU_ASSERT_EQUAL(ini.params.s.max_outstanding_r2t, 4);
	CU_ASSERT_EQUAL(ini.params.s.default_time2wait, 2);
	CU_ASSERT_EQUAL(ini.params.s.error_recovery_level, 0);
	CU_ASSERT_TRUE(ini.params.s.initial_r2t);
	CU_ASSERT_EQUAL(ini.params.s.target_portal_group_tag, 1);
	CU_ASSERT_EQUAL(tgt.params.c.max_send_dsl, 262144);
	CU_ASSERT_STRING_EQUAL(tgt.params.s.target_name, "iqn.2001-04.com.example:disk");
	/* both sides agree on every session-wide scalar */
	for (id = 0; id < KEYS_COUNT; id++) {
		char a[TEXT_VALUE_MAX + 1], b[TEXT_VALUE_MAX + 1];

		if (keys_def(id)->scope != KEYS_SW || keys_def(id)->type == KEYS_T_NAME ||
		    !keys_params_get(&ini.params, id, a, sizeof(a)))
			continue;
		keys_params_get(&tgt.params, id, b, sizeof(b));
		CU_ASSERT_STRING_EQUAL(a, b);
	}
	keys_neg_free(&ini);
	keys_neg_free(&tgt);
	text_builder_free(&offers);
	text_builder_free(&answers);
}

static void
test_status_table(void)
{
	CU_ASSERT_STRING_EQUAL(keys_status_name(KEYS_S_REJECT_OBSOLETE), "REJECT_OBSOLETE");
	CU_ASSERT_EQUAL(keys_status_action(KEYS_S_NOT_UNDERSTOOD), KEYS_ACT_ANSWER);
	CU_ASSERT_EQUAL(keys_status_action(KEYS_S_FAIL_SENDER), KEYS_ACT_FAIL);
	CU_ASSERT_EQUAL(keys_status_action(KEYS_S_DECLARED), KEYS_ACT_NONE);
	CU_ASSERT_EQUAL(keys_status_action(KEYS_NSTATUS), KEYS_ACT_FAIL);
}

/* keys_value_valid: what a side may hold as its own value of a key. */
static void
test_value_valid(void)
{
	char why[160];

	CU_ASSERT_TRUE(keys_value_valid(KEYS_MAX_BURST_LENGTH, "512", why,
	    sizeof(why)));
	CU_ASSERT_TRUE(keys_value_valid(KEYS_MAX_BURST_LENGTH, "0xffffff", why,
	    sizeof(why)));
	CU_ASSERT_FALSE(keys_value_valid(KEYS_MAX_BURST_LENGTH, "511", why,
	    sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "MaxBurstLength: '511' is not a number in "
	    "[512, 16777215]");
	CU_ASSERT_FALSE(keys_value_valid(KEYS_MAX_BURST_LENGTH, "8k", why,
	    sizeof(why)));
	CU_ASSERT_TRUE(keys_value_valid(KEYS_INITIAL_R2T, "No", why,
	    sizeof(why)));
	CU_ASSERT_FALSE(keys_value_valid(KEYS_INITIAL_R2T, "yes", why,
	    sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "InitialR2T: 'yes' is not Yes or No");
	CU_ASSERT_TRUE(keys_value_valid(KEYS_HEADER_DIGEST, "CRC32C,None", why,
	    sizeof(why)));
	CU_ASSERT_FALSE(keys_value_valid(KEYS_HEADER_DIGEST, "CRC32C,MD5", why,
	    sizeof(why)));
	CU_ASSERT_FALSE(keys_value_valid(KEYS_HEADER_DIGEST, "", why,
	    sizeof(why)));
	CU_ASSERT_FALSE(keys_value_valid(KEYS_ERROR_RECOVERY_LEVEL, "3", why,
	    sizeof(why)));
	CU_ASSERT_FALSE(keys_value_valid(-1, "1", why, sizeof(why)));
}

static CU_TestInfo keys_tests[] = {
	{ "value_valid", test_value_valid },
	{ "rfc7143_13_table", test_table },
	{ "rfc7143_13_defaults_render", test_defaults },
	{ "rfc7143_6_2_2_minimum_maximum", test_min_max },
	{ "rfc7143_6_2_2_boolean_or_and", test_booleans },
	{ "rfc7143_6_2_1_list_first_acceptable", test_lists },
	{ "rfc7143_6_2_not_understood_13_25_obsolete", test_not_understood },
	{ "rfc7143_13_irrelevant_discovery_fbl", test_irrelevant },
	{ "rfc7143_13_use_stage_sender", test_stage_and_sender },
	{ "rfc7143_6_2_repeated_keys", test_repeated },
	{ "rfc7143_13_12_declarative", test_declarative },
	{ "rfc7143_6_2_proposer_answer_checks", test_proposer_checks },
	{ "rfc7143_6_2_2_optional_answers_finish", test_finish },
	{ "seed004_events_4_18_19_61_62_check", test_check_session },
	{ "rfc7143_6_2_end_to_end", test_end_to_end },
	{ "status_table", test_status_table },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "keys", keys_tests)
