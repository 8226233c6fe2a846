/*
 * Analyzer checks on synthetic captures (tests/unit/test_analyze_flow.c):
 * the login stage and T/C bits (LOGIN_STAGE, PDU_FIELD), R2TSN order, and
 * Data-Out offsets and lengths against the R2Ts and the burst limits
 * (DATAOUT).  Each case asserts the exact finding kind, the frame and PDU
 * where it was seen and the inferred initiator event (seed 004): a fault of
 * a PDU the target sent carries the event the initiator logs, a fault of
 * the initiator's own PDU none.
 *
 * Frames: tflow_open() makes frames 1-3 (SYN, SYN-ACK, ACK), then every
 * PDU is one frame, so PDU n is frame n + 3.
 */
#include <string.h>

#include "unit.h"
#include "analyze.h"
#include "catalog.h"
#include "test_analyze_flow.h"

#define NAMES	"InitiatorName=iqn.2024-01.org.example:init;" \
		"TargetName=iqn.2024-01.org.example:disk;SessionType=Normal"
#define OPKEYS	"HeaderDigest=None;DataDigest=None;MaxBurstLength=16384;" \
		"FirstBurstLength=4096;InitialR2T=No;ImmediateData=Yes"
#define IKEYS	NAMES ";" OPKEYS ";MaxRecvDataSegmentLength=262144"
#define TKEYS	OPKEYS ";MaxRecvDataSegmentLength=8192;TargetPortalGroupTag=1"
/* the same limits with InitialR2T=Yes and ImmediateData=No */
#define OPKEYS_R2T "HeaderDigest=None;DataDigest=None;MaxBurstLength=16384;" \
		"FirstBurstLength=4096;InitialR2T=Yes;ImmediateData=No"

#define FRAME(pdu)	((pdu) + 3)

static uint8_t databuf[8192];
static const uint8_t isid1[6] = { 0x80, 0x12, 0x34, 0x56, 0, 1 };
static const uint8_t isid2[6] = { 0x80, 0x12, 0x34, 0x56, 0, 2 };

static struct ana *
start(struct tflow *f, uint16_t iport)
{
	struct ana_opts o;
	struct ana *a;

	ana_opts_default(&o);
	a = ana_new(&o);
	tflow_init(f, a, iport, 2, 3260);
	tflow_open(f);
	return a;
}

static void
login_req(struct tflow *f, const uint8_t *isid, int csg, int nsg, bool t,
    bool c, const char *keys)
{
	static uint8_t kb[4096];
	struct pdu p;

	pdu_init(&p, PDU_OP_LOGIN_REQ);
	p.immediate = true;
	p.itt = 0x10;
	p.u.login_req.transit = t;
	p.u.login_req.cont = c;
	p.u.login_req.csg = (uint8_t)csg;
	p.u.login_req.nsg = t ? (uint8_t)nsg : 0;
	memcpy(p.u.login_req.isid, isid, 6);
	p.u.login_req.cmdsn = f->cmdsn;
	p.u.login_req.expstatsn = f->statsn;
	if (keys != NULL)
		pdu_set_data(&p, kb, (uint32_t)tflow_keys(keys, kb, sizeof(kb)));
	tflow_pdu(f, TF_I, &p);
}

static void
login_rsp(struct tflow *f, const uint8_t *isid, int csg, int nsg, bool t,
    bool c, const char *keys)
{
	static uint8_t kb[4096];
	struct pdu p;

	pdu_init(&p, PDU_OP_LOGIN_RSP);
	p.itt = 0x10;
	p.u.login_rsp.transit = t;
	p.u.login_rsp.cont = c;
	p.u.login_rsp.csg = (uint8_t)csg;
	p.u.login_rsp.nsg = t ? (uint8_t)nsg : 0;
	memcpy(p.u.login_rsp.isid, isid, 6);
	p.u.login_rsp.tsih = t && nsg == PDU_STAGE_FULL_FEATURE ? 1 : 0;
	p.u.login_rsp.statsn = f->statsn++;
	p.u.login_rsp.expcmdsn = f->cmdsn;
	p.u.login_rsp.maxcmdsn = f->cmdsn + 31;
	if (keys != NULL)
		pdu_set_data(&p, kb, (uint32_t)tflow_keys(keys, kb, sizeof(kb)));
	tflow_pdu(f, TF_T, &p);
}

static void
write_cmd(struct tflow *f, uint32_t itt, uint32_t edtl, uint32_t immediate)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_SCSI_CMD);
	p.itt = itt;
	p.final = true;
	p.u.scsi_cmd.write = true;
	p.u.scsi_cmd.edtl = edtl;
	p.u.scsi_cmd.cmdsn = f->cmdsn++;
	p.u.scsi_cmd.expstatsn = f->statsn;
	p.u.scsi_cmd.cdb[0] = 0x2a;
	if (immediate > 0)
		pdu_set_data(&p, databuf, immediate);
	tflow_pdu(f, TF_I, &p);
}

static void
r2t(struct tflow *f, uint32_t itt, uint32_t ttt, uint32_t r2tsn,
    uint32_t off, uint32_t len)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_R2T);
	p.itt = itt;
	p.u.r2t.ttt = ttt;
	p.u.r2t.statsn = f->statsn;
	p.u.r2t.expcmdsn = f->cmdsn;
	p.u.r2t.maxcmdsn = f->cmdsn + 31;
	p.u.r2t.r2tsn = r2tsn;
	p.u.r2t.buffer_offset = off;
	p.u.r2t.ddtl = len;
	tflow_pdu(f, TF_T, &p);
}

static void
data_out(struct tflow *f, uint32_t itt, uint32_t ttt, uint32_t datasn,
    uint32_t off, uint32_t len, bool final)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_DATA_OUT);
	p.itt = itt;
	p.final = final;
	p.u.data_out.ttt = ttt;
	p.u.data_out.expstatsn = f->statsn;
	p.u.data_out.datasn = datasn;
	p.u.data_out.buffer_offset = off;
	pdu_set_data(&p, databuf, len);
	tflow_pdu(f, TF_I, &p);
}

static void
scsi_rsp(struct tflow *f, uint32_t itt)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_SCSI_RSP);
	p.itt = itt;
	p.u.scsi_rsp.statsn = f->statsn++;
	p.u.scsi_rsp.expcmdsn = f->cmdsn;
	p.u.scsi_rsp.maxcmdsn = f->cmdsn + 31;
	tflow_pdu(f, TF_T, &p);
}

/* The findings of one check, in order: their frames into fr[], count. */
static size_t
frames_of(const struct ana *a, enum ana_check chk, uint64_t *fr, size_t max)
{
	size_t i, n = 0;

	tflow_debug(a);
	for (i = 0; i < ana_finding_count(a); i++) {
		const struct ana_finding *fd = ana_finding_at(a, i);

		if (fd->check != chk)
			continue;
		if (n < max)
			fr[n] = fd->frame;
		n++;
	}
	return n;
}

/* The only finding of check chk; fails the test when there is not one. */
static const struct ana_finding *
only(const struct ana *a, enum ana_check chk)
{
	uint64_t fr[4];

	if (frames_of(a, chk, fr, 4) != 1)
		return NULL;
	return tflow_find(a, chk);
}

/* ---- login stage, T and C bits (RFC 7143 6.3, 11.12, 11.13) --------- */

/* 11.13.3: T=1 in a response to T=0; target's fault: event 11. */
static void
test_t_answering_t0(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41000);
	const struct ana_finding *fd;

	login_req(&f, isid1, 1, 0, false, false, IKEYS);	/* PDU 1 */
	login_rsp(&f, isid1, 1, 3, true, false, TKEYS);		/* PDU 2 */
	ana_end(a);
	fd = only(a, ANA_CHK_LOGIN_STAGE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->frame, FRAME(2));
	CU_ASSERT_EQUAL(fd->pdu_index, 2);
	CU_ASSERT_EQUAL(fd->opcode, PDU_OP_LOGIN_RSP);
	CU_ASSERT_EQUAL(fd->dir, ANA_DIR_T2I);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_INVALID_LOGIN_RESPONSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "T=1 in the response to a "
	    "request with T=0"));
	CU_ASSERT_TRUE(ana_conn_at(a, 0)->ffp);
	ana_free(a);
}

/* 6.3: the response may not go beyond the NSG the initiator asked for. */
static void
test_nsg_beyond_request(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41001);
	const struct ana_finding *fd;

	login_req(&f, isid1, 0, 1, true, false, NAMES ";AuthMethod=None");
	login_rsp(&f, isid1, 0, 3, true, false, "AuthMethod=None");
	ana_end(a);
	fd = only(a, ANA_CHK_LOGIN_STAGE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->frame, FRAME(2));
	CU_ASSERT_EQUAL(fd->pdu_index, 2);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_INVALID_LOGIN_RESPONSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "response NSG 3 beyond the "
	    "request's NSG 1"));
	ana_free(a);
}

/* 11.13.3: the response's CSG is the request's. */
static void
test_response_csg(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41002);
	const struct ana_finding *fd;

	login_req(&f, isid1, 1, 3, true, false, IKEYS);
	login_rsp(&f, isid1, 0, 3, true, false, TKEYS);
	ana_end(a);
	fd = only(a, ANA_CHK_LOGIN_STAGE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->frame, FRAME(2));
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_INVALID_LOGIN_RESPONSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "response CSG 0, request CSG 1"));
	ana_free(a);
}

/*
 * 6.3: after the target moved the login to the operational stage, a
 * request still in the security stage is the initiator's fault (no
 * initiator event); so is an ISID changed within one login (11.12.5).
 */
static void
test_request_stage_and_isid(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41003);
	const struct ana_finding *fd;
	uint64_t fr[4];

	login_req(&f, isid1, 0, 1, true, false, NAMES ";AuthMethod=None");
	login_rsp(&f, isid1, 0, 1, true, false, "AuthMethod=None");
	login_req(&f, isid1, 0, 1, true, false, NULL);		/* PDU 3 */
	login_rsp(&f, isid1, 1, 0, false, false, NULL);		/* PDU 4 */
	login_req(&f, isid2, 1, 3, true, false, OPKEYS);	/* PDU 5 */
	ana_end(a);
	CU_ASSERT_EQUAL_FATAL(frames_of(a, ANA_CHK_LOGIN_STAGE, fr, 4), 3);
	CU_ASSERT_EQUAL(fr[0], FRAME(3));	/* CSG 0 in stage 1 */
	CU_ASSERT_EQUAL(fr[1], FRAME(4));	/* response CSG 1, request 0 */
	CU_ASSERT_EQUAL(fr[2], FRAME(5));	/* ISID changed */
	fd = tflow_find(a, ANA_CHK_LOGIN_STAGE);
	CU_ASSERT_EQUAL(fd->dir, ANA_DIR_I2T);
	CU_ASSERT_EQUAL(fd->event_id, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "Login Request CSG 0 "
	    "(SecurityNegotiation), the stage in progress is 1"));
	ana_free(a);
}

/*
 * 6.3: no other PDU before the final Login Response (a NOP-In from the
 * target: event 11), no Login PDU in Full Feature Phase (the initiator's
 * request: no event; the target's response: event 11).
 */
static void
test_pdu_outside_its_phase(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41004);
	struct pdu p;
	uint64_t fr[4];
	size_t i;

	login_req(&f, isid1, 1, 0, false, false, IKEYS);
	login_rsp(&f, isid1, 1, 0, false, false, TKEYS);
	pdu_init(&p, PDU_OP_NOP_IN);				/* PDU 3 */
	p.final = true;
	p.itt = PDU_TAG_RESERVED;
	p.u.nop_in.ttt = 0x55;
	p.u.nop_in.statsn = f.statsn;
	p.u.nop_in.expcmdsn = f.cmdsn;
	p.u.nop_in.maxcmdsn = f.cmdsn + 31;
	tflow_pdu(&f, TF_T, &p);
	login_req(&f, isid1, 1, 3, true, false, NULL);		/* PDU 4 */
	login_rsp(&f, isid1, 1, 3, true, false, NULL);		/* PDU 5 */
	login_req(&f, isid1, 1, 3, true, false, NULL);		/* PDU 6: FFP */
	login_rsp(&f, isid1, 1, 3, true, false, NULL);		/* PDU 7 */
	ana_end(a);
	CU_ASSERT_EQUAL_FATAL(frames_of(a, ANA_CHK_LOGIN_STAGE, fr, 4), 3);
	CU_ASSERT_EQUAL(fr[0], FRAME(3));
	CU_ASSERT_EQUAL(fr[1], FRAME(6));
	CU_ASSERT_EQUAL(fr[2], FRAME(7));
	for (i = 0; i < ana_finding_count(a); i++) {
		const struct ana_finding *fd = ana_finding_at(a, i);

		if (fd->check != ANA_CHK_LOGIN_STAGE)
			continue;
		if (fd->frame == FRAME(3)) {
			CU_ASSERT_EQUAL(fd->opcode, PDU_OP_NOP_IN);
			CU_ASSERT_EQUAL(fd->event_id,
			    ISCSI_EV_INVALID_LOGIN_RESPONSE);
			CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "before the "
			    "login completed"));
		} else if (fd->frame == FRAME(6)) {
			CU_ASSERT_EQUAL(fd->event_id, 0);
			CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "Login Request "
			    "in Full Feature Phase"));
		} else {
			CU_ASSERT_EQUAL(fd->event_id,
			    ISCSI_EV_INVALID_LOGIN_RESPONSE);
			CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "Login Response "
			    "in Full Feature Phase"));
		}
	}
	ana_free(a);
}

/*
 * 11.12.2 / 11.13: T and C both set is an illegal field (PDU_FIELD): the
 * target's Login Response gives event 23 with the BHS as dump, the
 * initiator's Login Request no event.
 */
static void
test_t_and_c(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41005);
	const struct ana_finding *fd;
	uint64_t fr[4];
	size_t i;

	login_req(&f, isid1, 1, 3, true, true, IKEYS);		/* PDU 1 */
	login_rsp(&f, isid1, 1, 3, true, true, TKEYS);		/* PDU 2 */
	ana_end(a);
	CU_ASSERT_EQUAL_FATAL(frames_of(a, ANA_CHK_PDU_FIELD, fr, 4), 2);
	CU_ASSERT_EQUAL(fr[0], FRAME(1));
	CU_ASSERT_EQUAL(fr[1], FRAME(2));
	for (i = 0; i < ana_finding_count(a); i++) {
		fd = ana_finding_at(a, i);
		if (fd->check != ANA_CHK_PDU_FIELD)
			continue;
		CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "T and C both set"));
		if (fd->dir == ANA_DIR_I2T) {
			CU_ASSERT_EQUAL(fd->event_id, 0);
		} else {
			CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_INVALID_PDU);
			CU_ASSERT_EQUAL(fd->dump_len, PDU_BHS_LEN);
			CU_ASSERT_EQUAL(fd->dump[0], 0x23);
			CU_ASSERT_EQUAL(fd->dump[1], 0xc7);	/* T C CSG 1 NSG 3 */
		}
	}
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_LOGIN_STAGE), 0);
	ana_free(a);
}

/* ---- R2TSN (RFC 7143 11.8.5) ---------------------------------------- */

/* R2TSN 0, then 2: the second R2T is out of order, event 28 (BHS dump). */
static void
test_r2tsn_order(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41006);
	const struct ana_finding *fd;

	tflow_login(&f, IKEYS, TKEYS);				/* PDUs 1-2 */
	write_cmd(&f, 5, 16384, 0);				/* PDU 3 */
	r2t(&f, 5, 0x100, 0, 0, 8192);				/* PDU 4 */
	data_out(&f, 5, 0x100, 0, 0, 8192, true);		/* PDU 5 */
	r2t(&f, 5, 0x101, 2, 8192, 8192);			/* PDU 6 */
	data_out(&f, 5, 0x101, 0, 8192, 8192, true);		/* PDU 7 */
	scsi_rsp(&f, 5);					/* PDU 8 */
	ana_end(a);
	fd = only(a, ANA_CHK_R2TSN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT_EQUAL(fd->frame, FRAME(6));
	CU_ASSERT_EQUAL(fd->pdu_index, 6);
	CU_ASSERT_EQUAL(fd->opcode, PDU_OP_R2T);
	CU_ASSERT_EQUAL(fd->event_id, ISCSI_EV_INVALID_R2T);
	CU_ASSERT_EQUAL(fd->dump_len, PDU_BHS_LEN);
	CU_ASSERT_EQUAL(fd->dump[0], 0x31);
	CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "R2TSN 2, expected 1"));
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_DATAOUT), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_DATASN), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_R2T_INVALID), 0);
	ana_free(a);
}

/* ---- Data-Out against R2Ts and burst limits (11.7, 13.10-13.14) ----- */

/*
 * FirstBurstLength 4096, MaxBurstLength 16384, InitialR2T=No,
 * ImmediateData=Yes.  A clean WRITE first (no finding), then one fault
 * per command; every DATAOUT finding is the initiator's (no event).
 */
static void
test_dataout_limits(void)
{
	static const struct {
		uint64_t	pdu;
		const char	*text;
	} want[] = {
		{ 8, "immediate data 8192 bytes > FirstBurstLength 4096" },
		{ 11, "unsolicited data 6144 bytes > FirstBurstLength 4096" },
		{ 15, "Data-Out offset 4096 + 8192 bytes outside the R2T's "
		    "0 + 8192" },
		{ 19, "Data-Out offset 4096, expected 0 (DataPDUInOrder=Yes)" },
		{ 20, "Data-Out offset 0, expected 4096 (DataPDUInOrder=Yes)" },
		{ 24, "Data-Out with TTT 0x00000099: no such R2T outstanding" },
		{ 25, "final Data-Out after 4096 of the 8192 bytes solicited" },
		{ 28, "offset 4096 + 8192 bytes beyond ExpectedDataTransferLength "
		    "8192" },
	};
	struct tflow f;
	struct ana *a = start(&f, 41007);
	uint64_t fr[16];
	size_t i, j, n;

	tflow_login(&f, IKEYS, TKEYS);				/* PDUs 1-2 */
	/* clean: 2048 immediate + 2048 unsolicited, the rest on an R2T */
	write_cmd(&f, 1, 12288, 2048);				/* PDU 3 */
	data_out(&f, 1, PDU_TAG_RESERVED, 0, 2048, 2048, true);	/* PDU 4 */
	r2t(&f, 1, 0x10, 0, 4096, 8192);			/* PDU 5 */
	data_out(&f, 1, 0x10, 0, 4096, 8192, true);		/* PDU 6 */
	scsi_rsp(&f, 1);					/* PDU 7 */
	/* immediate data beyond FirstBurstLength */
	write_cmd(&f, 2, 8192, 8192);				/* PDU 8 */
	scsi_rsp(&f, 2);					/* PDU 9 */
	/* unsolicited data beyond FirstBurstLength */
	write_cmd(&f, 3, 8192, 2048);				/* PDU 10 */
	data_out(&f, 3, PDU_TAG_RESERVED, 0, 2048, 4096, true);	/* PDU 11 */
	scsi_rsp(&f, 3);					/* PDU 12 */
	/* Data-Out past the end of its R2T */
	write_cmd(&f, 4, 16384, 0);				/* PDU 13 */
	r2t(&f, 4, 0x20, 0, 0, 8192);				/* PDU 14 */
	data_out(&f, 4, 0x20, 0, 4096, 8192, true);		/* PDU 15 */
	scsi_rsp(&f, 4);					/* PDU 16 */
	/* Data-Out PDUs of one R2T out of order (DataPDUInOrder=Yes) */
	write_cmd(&f, 5, 8192, 0);				/* PDU 17 */
	r2t(&f, 5, 0x30, 0, 0, 8192);				/* PDU 18 */
	data_out(&f, 5, 0x30, 0, 4096, 4096, false);		/* PDU 19 */
	data_out(&f, 5, 0x30, 1, 0, 4096, true);		/* PDU 20 */
	scsi_rsp(&f, 5);					/* PDU 21 */
	/* a TTT no R2T gave; the sequence closed short of the R2T */
	write_cmd(&f, 6, 8192, 0);				/* PDU 22 */
	r2t(&f, 6, 0x40, 0, 0, 8192);				/* PDU 23 */
	data_out(&f, 6, 0x99, 0, 0, 4096, false);		/* PDU 24 */
	data_out(&f, 6, 0x40, 0, 0, 4096, true);		/* PDU 25 */
	scsi_rsp(&f, 6);					/* PDU 26 */
	/* unsolicited Data-Out beyond ExpectedDataTransferLength */
	write_cmd(&f, 7, 8192, 4096);				/* PDU 27 */
	data_out(&f, 7, PDU_TAG_RESERVED, 0, 4096, 8192, true);	/* PDU 28 */
	scsi_rsp(&f, 7);					/* PDU 29 */
	ana_end(a);
	n = frames_of(a, ANA_CHK_DATAOUT, fr, 16);
	/* PDU 28 is also beyond FirstBurstLength (4096 + 8192): counted */
	CU_ASSERT_EQUAL_FATAL(n, sizeof(want) / sizeof(want[0]) + 1);
	for (i = 0, j = 0; i < ana_finding_count(a); i++) {
		const struct ana_finding *fd = ana_finding_at(a, i);

		if (fd->check != ANA_CHK_DATAOUT)
			continue;
		if (j < sizeof(want) / sizeof(want[0]) &&
		    fd->frame == FRAME(want[j].pdu)) {
			CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, want[j].text));
			if (strstr(fd->msg, want[j].text) == NULL)
				fprintf(stderr, "PDU %llu: '%s', want '%s'\n",
				    (unsigned long long)want[j].pdu, fd->msg,
				    want[j].text);
			j++;
		} else {
			CU_ASSERT_EQUAL(fd->frame, FRAME(28));
			CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, "unsolicited "
			    "data 12288 bytes > FirstBurstLength 4096"));
		}
		CU_ASSERT_EQUAL(fd->pdu_index, fd->frame - 3);
		CU_ASSERT_EQUAL(fd->dir, ANA_DIR_I2T);
		CU_ASSERT_EQUAL(fd->event_id, 0);
	}
	CU_ASSERT_EQUAL(j, sizeof(want) / sizeof(want[0]));
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_R2TSN), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_R2T_INVALID), 0);
	CU_ASSERT_EQUAL(tflow_count(a, ANA_CHK_UNKNOWN_ITT), 0);
	ana_free(a);
}

/* InitialR2T=Yes, ImmediateData=No: any unsolicited data is a fault. */
static void
test_dataout_unsolicited_refused(void)
{
	struct tflow f;
	struct ana *a = start(&f, 41008);
	uint64_t fr[4];
	size_t i;

	tflow_login(&f, NAMES ";" OPKEYS_R2T, OPKEYS_R2T
	    ";MaxRecvDataSegmentLength=8192;TargetPortalGroupTag=1");
	write_cmd(&f, 1, 8192, 1024);				/* PDU 3 */
	data_out(&f, 1, PDU_TAG_RESERVED, 0, 1024, 1024, true);	/* PDU 4 */
	scsi_rsp(&f, 1);					/* PDU 5 */
	ana_end(a);
	CU_ASSERT_EQUAL_FATAL(frames_of(a, ANA_CHK_DATAOUT, fr, 4), 2);
	CU_ASSERT_EQUAL(fr[0], FRAME(3));
	CU_ASSERT_EQUAL(fr[1], FRAME(4));
	for (i = 0; i < ana_finding_count(a); i++) {
		const struct ana_finding *fd = ana_finding_at(a, i);

		if (fd->check != ANA_CHK_DATAOUT)
			continue;
		CU_ASSERT_EQUAL(fd->event_id, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(fd->msg, fd->frame == FRAME(3) ?
		    "immediate data (1024 bytes) with ImmediateData=No" :
		    "unsolicited Data-Out with InitialR2T=Yes"));
	}
	ana_free(a);
}

static CU_TestInfo analyze_checks_tests[] = {
	{ "rfc7143_11_13_3_t1_answering_t0_event11", test_t_answering_t0 },
	{ "rfc7143_6_3_nsg_beyond_request_event11", test_nsg_beyond_request },
	{ "rfc7143_11_13_3_response_csg_event11", test_response_csg },
	{ "rfc7143_6_3_request_stage_isid_no_event",
	    test_request_stage_and_isid },
	{ "rfc7143_6_3_pdu_outside_its_phase", test_pdu_outside_its_phase },
	{ "rfc7143_11_12_2_t_and_c_event23", test_t_and_c },
	{ "rfc7143_11_8_5_r2tsn_order_event28", test_r2tsn_order },
	{ "rfc7143_13_14_dataout_offsets_bursts", test_dataout_limits },
	{ "rfc7143_13_10_13_11_unsolicited_refused",
	    test_dataout_unsolicited_refused },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "analyze_checks", analyze_checks_tests);
