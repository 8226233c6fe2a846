/*
 * Analyzer checks on synthetic captures: each test builds one connection
 * (tests/unit/test_analyze_flow.c), plays a protocol situation and asserts
 * the finding, its RFC rule and the initiator event (seed 004) with its
 * dump data.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "analyze.h"
#include "catalog.h"
#include "test_analyze_flow.h"

#define INAME	"InitiatorName=iqn.2024-01.org.example:init"
#define TNAME	"TargetName=iqn.2024-01.org.example:disk"
#define IKEYS	INAME ";" TNAME ";SessionType=Normal;HeaderDigest=None;" \
		"DataDigest=None;MaxBurstLength=262144;FirstBurstLength=65536;" \
		"InitialR2T=Yes;ImmediateData=Yes;MaxRecvDataSegmentLength=262144"
#define TKEYS	"HeaderDigest=None;DataDigest=None;MaxBurstLength=262144;" \
		"FirstBurstLength=65536;InitialR2T=Yes;ImmediateData=Yes;" \
		"MaxRecvDataSegmentLength=8192;TargetPortalGroupTag=1"

static uint8_t databuf[65536];

static struct ana *
new_ana(void)
{
	struct ana_opts o;

	ana_opts_default(&o);
	return ana_new(&o);
}

static void
cmd(struct tflow *f, uint32_t itt, bool read, bool write, uint32_t edtl)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_SCSI_CMD);
	p.itt = itt;
	p.u.scsi_cmd.read = read;
	p.u.scsi_cmd.write = write;
	p.u.scsi_cmd.edtl = edtl;
	p.u.scsi_cmd.cmdsn = f->cmdsn++;
	p.u.scsi_cmd.expstatsn = f->statsn;
	p.u.scsi_cmd.cdb[0] = read ? 0x28 : 0x2a;
	tflow_pdu(f, TF_I, &p);
}

static void
data_in(struct tflow *f, uint32_t itt, uint32_t datasn, uint32_t off,
    uint32_t len, bool status)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_DATA_IN);
	p.itt = itt;
	p.final = status;
	p.u.data_in.status_present = status;
	p.u.data_in.datasn = datasn;
	p.u.data_in.buffer_offset = off;
	p.u.data_in.expcmdsn = f->cmdsn;
	p.u.data_in.maxcmdsn = f->cmdsn + 31;
	if (status)
		p.u.data_in.statsn = f->statsn++;
	pdu_set_data(&p, databuf, len);
	tflow_pdu(f, TF_T, &p);
}

static void
scsi_rsp(struct tflow *f, uint32_t itt, uint32_t statsn, uint32_t expdatasn)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_SCSI_RSP);
	p.itt = itt;
	p.u.scsi_rsp.statsn = statsn;
	p.u.scsi_rsp.expcmdsn = f->cmdsn;
	p.u.scsi_rsp.maxcmdsn = f->cmdsn + 31;
	p.u.scsi_rsp.exp_datasn = expdatasn;
	tflow_pdu(f, TF_T, &p);
}

static size_t
errors(const struct ana *a)
{
	const struct ana_stats *st = ana_stats(a);
	size_t n = 0;
	int k;

	tflow_debug(a);
	for (k = 0; k < ANA_CHECK_COUNT; k++)
		if (ana_check_severity((enum ana_check)k) == ANA_SEV_ERROR)
			n += st->findings[k];
	return n;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* A clean login and READ: every PDU counted, no finding, parameters known. */
static void
test_clean_read(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	const struct ana_session *s;
	const struct ana_stats *st;

	tflow_init(&f, a, 40000, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	cmd(&f, 1, true, false, 8192);
	data_in(&f, 1, 0, 0, 4096, false);
	data_in(&f, 1, 1, 4096, 4096, true);
	cmd(&f, 2, true, false, 512);
	data_in(&f, 2, 0, 0, 512, false);
	scsi_rsp(&f, 2, f.statsn++, 1);
	tflow_close(&f, TF_T);
	ana_end(a);
	st = ana_stats(a);
	CU_ASSERT_EQUAL(st->pdus, 8);
	CU_ASSERT_EQUAL(st->opcodes[PDU_OP_DATA_IN], 3);
	CU_ASSERT_EQUAL(st->opcodes[PDU_OP_LOGIN_REQ], 1);
	CU_ASSERT_EQUAL(errors(a), 1);	/* the target closed: CONNECTION_LOST */
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_CONNECTION_LOST), 1);
	CU_ASSERT_EQUAL(tflow_find(a, ANA_CHK_CONNECTION_LOST)->event_id,
	    ISCSI_EV_CONNECTION_LOST);
	CU_ASSERT_EQUAL(st->findings_total, 1);
	CU_ASSERT_EQUAL(st->rtt[ANA_RTT_SCSI].count, 2);
	CU_ASSERT_EQUAL(ana_session_count(a), 1);
	s = ana_session_at(a, 0);
	CU_ASSERT_STRING_EQUAL(s->target_name, "iqn.2024-01.org.example:disk");
	CU_ASSERT_STRING_EQUAL(s->initiator_name, "iqn.2024-01.org.example:init");
	CU_ASSERT_EQUAL(s->tsih, 1);
	CU_ASSERT_TRUE(s->params_known);
	CU_ASSERT_EQUAL(s->params.s.max_burst_length, 262144);
	CU_ASSERT_EQUAL(ana_conn_at(a, 0)->max_recv_dsl[ANA_DIR_I2T], 8192);
	CU_ASSERT_EQUAL(ana_conn_at(a, 0)->max_recv_dsl[ANA_DIR_T2I], 262144);
	ana_free(a);
}

/* RFC 7143 4.2.2.2 / seed event 42: dump = expected, given (LE u32). */
static void
test_statsn_gap(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	const struct ana_finding *fd;

	tflow_init(&f, a, 40001, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	cmd(&f, 1, false, false, 0);
	scsi_rsp(&f, 1, f.statsn + 2, 0);
	ana_end(a);
	fd = tflow_find(a, ANA_CHK_STATSN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_INVALID_STATSN);
	CU_ASSERT_EQUAL(fd->opcode, PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(fd->dump_len, 8);
	CU_ASSERT_EQUAL(le32(fd->dump), 101);
	CU_ASSERT_EQUAL(le32(fd->dump + 4), 103);
	CU_ASSERT_EQUAL(fd->pdu_index, 4);
	CU_ASSERT_STRING_EQUAL(ana_check_rule(fd->check), "RFC 7143 4.2.2.2");
	ana_free(a);
}

/* Seed event 26: Data-In beyond ExpectedDataTransferLength. */
static void
test_too_much_data(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	const struct ana_finding *fd;

	tflow_init(&f, a, 40002, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	cmd(&f, 7, true, false, 1024);
	data_in(&f, 7, 0, 0, 2048, true);
	ana_end(a);
	fd = tflow_find(a, ANA_CHK_TOO_MUCH_DATA);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_TOO_MUCH_DATA);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_DATASN), 0);
	ana_free(a);
}

/* Seed event 27 with the BHS as dump; DataSN order (RFC 7143 11.7.5). */
static void
test_unknown_itt_datasn(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	const struct ana_finding *fd;

	tflow_init(&f, a, 40003, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	scsi_rsp(&f, 0x55, f.statsn++, 0);
	cmd(&f, 8, true, false, 8192);
	data_in(&f, 8, 0, 0, 4096, false);
	data_in(&f, 8, 2, 4096, 4096, true);	/* DataSN 1 skipped */
	ana_end(a);
	fd = tflow_find(a, ANA_CHK_UNKNOWN_ITT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_UNKNOWN_TASK_TAG);
	CU_ASSERT_EQUAL(fd->dump_len, 48);
	CU_ASSERT_EQUAL(fd->dump[0], PDU_OP_SCSI_RSP);
	CU_ASSERT_EQUAL(fd->dump[19], 0x55);	/* ITT in the BHS */
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_DATASN), 1);
	ana_free(a);
}

/* RFC 7143 11.17 / seed event 29: the rejected header is the dump. */
static void
test_reject(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	struct pdu p;
	uint8_t hdr[48];
	const struct ana_finding *fd;

	tflow_init(&f, a, 40004, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	cmd(&f, 9, false, false, 0);
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = PDU_OP_SCSI_CMD;
	hdr[19] = 9;
	pdu_init(&p, PDU_OP_REJECT);
	p.u.reject.reason = ISCSI_REJECT_PROTOCOL_ERROR;
	p.u.reject.statsn = f.statsn++;
	p.u.reject.expcmdsn = f.cmdsn;
	p.u.reject.maxcmdsn = f.cmdsn + 31;
	pdu_set_data(&p, hdr, sizeof(hdr));
	tflow_pdu(&f, TF_T, &p);
	ana_end(a);
	fd = tflow_find(a, ANA_CHK_REJECT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_PDU_REJECTED);
	CU_ASSERT_EQUAL(fd->dump_len, 48);
	CU_ASSERT_EQUAL(memcmp(fd->dump, hdr, 48), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "PROTOCOL_ERROR"));
	ana_free(a);
}

/* RFC 7143 11.13.5 -> seed event 10 + ISDSC_AUTHENTICATION_FAILURE. */
static void
test_login_failed(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	struct pdu p;
	uint8_t keys[512];
	const struct ana_finding *fd;
	size_t n;

	tflow_init(&f, a, 40005, 2, 3260);
	tflow_open(&f);
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = 3;
	p.u.login_req.csg = PDU_STAGE_SECURITY;
	p.u.login_req.nsg = PDU_STAGE_OPERATIONAL;
	p.u.login_req.transit = true;
	n = tflow_keys(INAME ";" TNAME ";AuthMethod=None", keys, sizeof(keys));
	pdu_set_data(&p, keys, (uint32_t)n);
	tflow_pdu(&f, TF_I, &p);
	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.itt = 3;
	p.u.login_rsp.status_class = 2;
	p.u.login_rsp.status_detail = 1;
	tflow_pdu(&f, TF_T, &p);
	tflow_close(&f, TF_T);
	ana_end(a);
	fd = tflow_find(a, ANA_CHK_LOGIN_FAILED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_LOGIN_FAILED);
	CU_ASSERT_EQUAL(fd->isdsc, ISDSC_AUTHENTICATION_FAILURE);
	CU_ASSERT_EQUAL(fd->dump_len, 48);	/* the Login Response PDU */
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_LOGIN_DROPPED), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_STATSN), 0);
	ana_free(a);
}

/* RFC 7143 13.14 / seed event 4: dump = FirstBurstLength, MaxBurstLength. */
static void
test_burst_order(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	const struct ana_finding *fd;

	tflow_init(&f, a, 40006, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, "HeaderDigest=None;DataDigest=None;"
	    "MaxBurstLength=8192;FirstBurstLength=65536;InitialR2T=Yes;"
	    "ImmediateData=Yes");
	ana_end(a);
	fd = tflow_find(a, ANA_CHK_BURST_ORDER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_MAXBURST_NOT_GREATER);
	CU_ASSERT_EQUAL(fd->dump_len, 8);
	CU_ASSERT_EQUAL(le32(fd->dump), 65536);
	CU_ASSERT_EQUAL(le32(fd->dump + 4), 8192);
	ana_free(a);
}

/* Key answers breaking the result function (RFC 7143 6.2.1, 6.2.2). */
static void
test_key_answer(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	const struct ana_finding *fd;

	tflow_init(&f, a, 40007, 2, 3260);
	tflow_open(&f);
	/* Minimum function: 1048576 > the offered 262144; OR: Yes -> No */
	tflow_login(&f, IKEYS, "HeaderDigest=None;DataDigest=None;"
	    "MaxBurstLength=1048576;FirstBurstLength=65536;InitialR2T=No;"
	    "ImmediateData=Yes");
	ana_end(a);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_KEY_ANSWER), 2);
	fd = tflow_find(a, ANA_CHK_KEY_ANSWER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_INVALID_LOGIN_RESPONSE);
	ana_free(a);
}

/* RFC 7143 11.8.4 / seed event 28: R2T longer than MaxBurstLength. */
static void
test_r2t_burst(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	struct pdu p;

	tflow_init(&f, a, 40008, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, "HeaderDigest=None;DataDigest=None;"
	    "MaxBurstLength=16384;FirstBurstLength=8192;InitialR2T=Yes;"
	    "ImmediateData=Yes");
	cmd(&f, 4, false, true, 65536);
	pdu_init(&p, PDU_OP_R2T);
	p.itt = 4;
	p.u.r2t.ttt = 0x100;
	p.u.r2t.statsn = f.statsn;
	p.u.r2t.expcmdsn = f.cmdsn;
	p.u.r2t.maxcmdsn = f.cmdsn + 31;
	p.u.r2t.ddtl = 32768;
	tflow_pdu(&f, TF_T, &p);
	ana_end(a);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_R2T_INVALID), 1);
	CU_ASSERT_EQUAL(tflow_find(a, ANA_CHK_R2T_INVALID)->event_id,
	    ISCSI_EV_INVALID_R2T);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_STATSN), 0);
	ana_free(a);
}

/* A capture gap between PDUs: reported, framing resynchronised. */
static void
test_gap_resync(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	uint8_t buf[5000];
	struct pdu p;
	size_t n;

	tflow_init(&f, a, 40009, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	cmd(&f, 1, true, false, 4096);
	cmd(&f, 2, true, false, 4096);
	/* the Data-In of task 1 is lost from the capture */
	pdu_init(&p, PDU_OP_DATA_IN);
	p.itt = 1;
	p.final = p.u.data_in.status_present = true;
	p.u.data_in.statsn = f.statsn++;
	pdu_set_data(&p, databuf, 4096);
	n = tflow_encode(&f, &p, buf, sizeof(buf));
	tflow_skip(&f, TF_T, n);
	data_in(&f, 2, 0, 0, 4096, true);
	tflow_raw(&f, TF_I, 0, f.seq[TF_I], NULL, 0);	/* ACK past the hole */
	ana_end(a);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_TCP_GAP), 1);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_RESYNC), 1);
	CU_ASSERT_EQUAL(ana_stats(a)->pdus, 5);
	CU_ASSERT_EQUAL(ana_stats(a)->opcodes[PDU_OP_DATA_IN], 1);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_STATSN), 0);	/* relearned */
	CU_ASSERT_EQUAL(ana_conn_at(a, 0)->gap_bytes, n);
	ana_free(a);
}

/* iSCSI found on another port from its Login Request; --no-detect. */
static void
test_detect_port(void)
{
	struct ana_opts o;
	struct ana *a = new_ana();
	struct tflow f;

	tflow_init(&f, a, 40010, 2, 5000);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	cmd(&f, 1, false, false, 0);
	scsi_rsp(&f, 1, f.statsn++, 0);
	ana_end(a);
	CU_ASSERT_EQUAL(ana_stats(a)->pdus, 4);
	CU_ASSERT_EQUAL(ana_conn_count(a), 1);
	CU_ASSERT_EQUAL(ana_conn_at(a, 0)->tport, 5000);
	CU_ASSERT_EQUAL(errors(a), 0);
	ana_free(a);

	ana_opts_default(&o);
	o.detect = false;
	a = ana_new(&o);
	tflow_init(&f, a, 40010, 2, 5000);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	ana_end(a);
	CU_ASSERT_EQUAL(ana_stats(a)->pdus, 0);
	ana_free(a);
}

/* No SYN, no login, digests on: found from the CRC32C values. */
static void
test_midstream_digests(void)
{
	struct ana *a = new_ana();
	struct tflow f;

	tflow_init(&f, a, 40011, 2, 3260);
	f.dig.header = f.dig.data = true;
	cmd(&f, 1, true, false, 4096);
	data_in(&f, 1, 0, 0, 4096, true);
	cmd(&f, 2, true, false, 512);
	data_in(&f, 2, 0, 0, 512, true);
	ana_end(a);
	CU_ASSERT_EQUAL(ana_stats(a)->pdus, 4);
	CU_ASSERT_EQUAL(ana_stats(a)->pdu_errors, 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_MIDSTREAM), 1);
	CU_ASSERT(tflow_count(a, ANA_CHK_DIGESTS_DETECTED) >= 2);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_HEADER_DIGEST), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_DATA_DIGEST), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_UNKNOWN_ITT), 0);
	ana_free(a);
}

/* Digests learned from the login; a corrupt header digest is event 22,
   a corrupt data digest event 25 with (calculated, given). */
static void
test_digest_errors(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	const struct ana_finding *fd;

	tflow_init(&f, a, 40012, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, "HeaderDigest=CRC32C;DataDigest=CRC32C");
	f.dig.header = f.dig.data = true;
	cmd(&f, 1, true, false, 1024);
	f.dig.data_xor = 0x1;
	data_in(&f, 1, 0, 0, 1024, true);
	f.dig.data_xor = 0;
	f.dig.header_xor = 0x100;
	cmd(&f, 2, false, false, 0);
	f.dig.header_xor = 0;
	cmd(&f, 3, false, false, 0);
	scsi_rsp(&f, 3, f.statsn++, 0);
	ana_end(a);
	fd = tflow_find(a, ANA_CHK_DATA_DIGEST);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_DATA_DIGEST_ERROR);
	CU_ASSERT_EQUAL(le32(fd->dump) ^ le32(fd->dump + 4), 0x1);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_HEADER_DIGEST), 1);
	/* the initiator's PDU: the target detects it, no initiator event */
	CU_ASSERT_EQUAL(tflow_find(a, ANA_CHK_HEADER_DIGEST)->event_id, 0);
	CU_ASSERT_EQUAL(ana_stats(a)->opcodes[PDU_OP_SCSI_RSP], 1);
	CU_ASSERT_TRUE(ana_conn_at(a, 0)->hdigest);
	ana_free(a);
}

/* A redirect (RFC 7143 11.13.5 0x0101) followed to the new portal. */
static void
test_redirect(void)
{
	struct ana *a = new_ana();
	struct tflow f, g;
	struct pdu p;
	uint8_t keys[256];
	size_t n;
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0, 1 };

	tflow_init(&f, a, 40013, 2, 3260);
	tflow_open(&f);
	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.itt = 1;
	p.u.login_req.csg = PDU_STAGE_OPERATIONAL;
	p.u.login_req.nsg = PDU_STAGE_FULL_FEATURE;
	p.u.login_req.transit = true;
	memcpy(p.u.login_req.isid, isid, 6);
	n = tflow_keys(INAME ";" TNAME, keys, sizeof(keys));
	pdu_set_data(&p, keys, (uint32_t)n);
	tflow_pdu(&f, TF_I, &p);
	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.itt = 1;
	memcpy(p.u.login_rsp.isid, isid, 6);
	p.u.login_rsp.status_class = 1;
	p.u.login_rsp.status_detail = 1;
	n = tflow_keys("TargetAddress=10.0.0.3:3261,1", keys, sizeof(keys));
	pdu_set_data(&p, keys, (uint32_t)n);
	tflow_pdu(&f, TF_T, &p);
	tflow_close(&f, TF_T);

	tflow_init(&g, a, 40014, 3, 3261);
	g.t = f.t;
	tflow_open(&g);
	tflow_login(&g, IKEYS, TKEYS);
	ana_end(a);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_LOGIN_REDIRECT), 1);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_LOGIN_FAILED), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_LOGIN_DROPPED), 0);
	CU_ASSERT_EQUAL(ana_session_count(a), 2);
	CU_ASSERT_EQUAL(ana_session_at(a, 1)->redirected_from, 1);
	CU_ASSERT_STRING_EQUAL(ana_conn_at(a, 0)->redirect_to,
	    "10.0.0.3:3261,1");
	ana_free(a);
}

/* CHAP (RFC 7143 12.1.3): an algorithm the initiator did not offer is
   seed event 14; a challenge with bad characters event 15. */
static void
test_chap_shape(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	struct pdu q, r;
	uint8_t k1[512], k2[512];

	tflow_init(&f, a, 40015, 2, 3260);
	tflow_open(&f);
	pdu_init(&q, PDU_OP_LOGIN_REQ);
	q.itt = 1;
	q.u.login_req.csg = PDU_STAGE_SECURITY;
	q.u.login_req.nsg = PDU_STAGE_OPERATIONAL;
	pdu_set_data(&q, k1, (uint32_t)tflow_keys(INAME ";" TNAME
	    ";AuthMethod=CHAP", k1, sizeof(k1)));
	tflow_pdu(&f, TF_I, &q);
	pdu_init(&r, PDU_OP_LOGIN_RSP);
	r.itt = 1;
	r.u.login_rsp.statsn = f.statsn++;
	pdu_set_data(&r, k2, (uint32_t)tflow_keys("AuthMethod=CHAP", k2,
	    sizeof(k2)));
	tflow_pdu(&f, TF_T, &r);
	pdu_set_data(&q, k1, (uint32_t)tflow_keys("CHAP_A=5", k1, sizeof(k1)));
	tflow_pdu(&f, TF_I, &q);
	r.u.login_rsp.statsn = f.statsn++;
	pdu_set_data(&r, k2, (uint32_t)tflow_keys("CHAP_A=7;CHAP_I=1;"
	    "CHAP_C=0xzz", k2, sizeof(k2)));
	tflow_pdu(&f, TF_T, &r);
	ana_end(a);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_CHAP_VALUE), 2);
	CU_ASSERT_EQUAL(tflow_find(a, ANA_CHK_CHAP_VALUE)->event_id,
	    ISCSI_EV_UNKNOWN_CHAP_ALGORITHM);
	CU_ASSERT_EQUAL(ana_finding_at(a, ana_finding_count(a) - 1)->event_id,
	    ISCSI_EV_INVALID_CHAP_CHALLENGE);
	ana_free(a);
}

/* NOP ping answered with other data (RFC 7143 11.19); CmdSN window. */
static void
test_nop_and_window(void)
{
	struct ana *a = new_ana();
	struct tflow f;
	struct pdu p;

	tflow_init(&f, a, 40016, 2, 3260);
	tflow_open(&f);
	tflow_login(&f, IKEYS, TKEYS);
	pdu_init(&p, PDU_OP_NOP_OUT);
	p.itt = 0x77;
	p.u.nop_out.cmdsn = f.cmdsn++;
	pdu_set_data(&p, "ping", 4);
	tflow_pdu(&f, TF_I, &p);
	pdu_init(&p, PDU_OP_NOP_IN);
	p.itt = 0x77;
	p.u.nop_in.statsn = f.statsn++;
	p.u.nop_in.expcmdsn = f.cmdsn;
	/* a smaller MaxCmdSN is ignored by the initiator (4.2.2.1) */
	p.u.nop_in.maxcmdsn = f.cmdsn;
	pdu_set_data(&p, "pong", 4);
	tflow_pdu(&f, TF_T, &p);
	cmd(&f, 5, false, false, 0);
	f.cmdsn += 40;				/* window: [2, 33] */
	cmd(&f, 6, false, false, 0);
	ana_end(a);
	tflow_debug(a);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_NOP), 1);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_CMDSN_WINDOW), 1);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_CMDSN_ORDER), 1);
	CU_ASSERT_EQUAL(ana_stats(a)->rtt[ANA_RTT_NOP].count, 1);
	ana_free(a);
}

static CU_TestInfo analyze_tests[] = {
	{ "clean_read_counts_and_params", test_clean_read },
	{ "rfc7143_4_2_2_2_statsn_event42", test_statsn_gap },
	{ "rfc7143_11_7_too_much_data_event26", test_too_much_data },
	{ "rfc7143_11_7_5_unknown_itt_event27_datasn", test_unknown_itt_datasn },
	{ "rfc7143_11_17_reject_event29", test_reject },
	{ "rfc7143_11_13_5_login_failed_event10_isdsc", test_login_failed },
	{ "rfc7143_13_14_burst_order_event4", test_burst_order },
	{ "rfc7143_6_2_key_answer_result_function", test_key_answer },
	{ "rfc7143_11_8_4_r2t_burst_event28", test_r2t_burst },
	{ "capture_gap_resync", test_gap_resync },
	{ "detect_port_from_login", test_detect_port },
	{ "midstream_digest_detection", test_midstream_digests },
	{ "digest_errors_event22_event25", test_digest_errors },
	{ "rfc7143_11_13_5_redirect_followed", test_redirect },
	{ "rfc7143_12_1_3_chap_shape_event14_15", test_chap_shape },
	{ "rfc7143_11_19_nop_echo_cmdsn_window", test_nop_and_window },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "analyze", analyze_tests)
