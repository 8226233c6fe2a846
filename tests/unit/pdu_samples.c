/* Sample PDUs for the codec tests (see pdu_samples.h). */
#include <string.h>

#include "catalog.h"
#include "pdu_samples.h"

#define X_OPCODE(v, s, t)	(v),
const uint8_t pdu_sample_opcodes[] = { PDU_OPCODE_TABLE(X_OPCODE) };
const size_t pdu_sample_nopcodes = sizeof(pdu_sample_opcodes);

static const uint8_t reject_hdr[PDU_REJECT_HDR_LEN] = {
	0x01, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xde, 0xad, 0xbe, 0xef
};

int
pdu_sample_has_data(uint8_t opcode)
{
	switch (opcode) {
	case PDU_OP_TMF_REQ:
	case PDU_OP_TMF_RSP:
	case PDU_OP_LOGOUT_REQ:
	case PDU_OP_LOGOUT_RSP:
	case PDU_OP_R2T:
	case PDU_OP_SNACK_REQ:
		return 0;
	default:
		return 1;
	}
}

void
pdu_sample(struct pdu *p, uint8_t opcode, uint32_t seed)
{
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a };
	uint32_t sn = 0xa1b2c3d4u + seed;

	pdu_init(p, opcode);
	if (p->itt != PDU_TAG_RESERVED)
		p->itt = 0x11223344u + seed;
	switch (opcode) {
	case PDU_OP_NOP_OUT:
		p->immediate = true;
		p->lun = 0x0001000000000000ull;
		p->u.nop_out.cmdsn = sn;
		p->u.nop_out.expstatsn = sn + 7;
		break;
	case PDU_OP_SCSI_CMD: {
		static const uint8_t cdb[16] = { 0x2a, 0, 0, 0, 0x12, 0x34, 0,
		    0, 0x08, 0 };

		p->u.scsi_cmd.write = true;
		p->u.scsi_cmd.attr = 1;
		p->u.scsi_cmd.edtl = 0x1000 + seed;
		p->u.scsi_cmd.cmdsn = sn;
		p->u.scsi_cmd.expstatsn = sn + 1;
		memcpy(p->u.scsi_cmd.cdb, cdb, sizeof(cdb));
		p->lun = 0x0002000000000000ull;
		break;
	}
	case PDU_OP_TMF_REQ:
		p->immediate = true;
		p->lun = 0x0003000000000000ull;
		p->u.tmf_req.function = ISCSI_TMF_ABORT_TASK;
		p->u.tmf_req.ref_task_tag = 0x0f0e0d0cu;
		p->u.tmf_req.cmdsn = sn;
		p->u.tmf_req.expstatsn = sn + 2;
		p->u.tmf_req.ref_cmdsn = sn - 5;
		p->u.tmf_req.exp_datasn = 3;
		break;
	case PDU_OP_LOGIN_REQ:
		p->u.login_req.transit = true;
		p->u.login_req.csg = PDU_STAGE_OPERATIONAL;
		p->u.login_req.nsg = PDU_STAGE_FULL_FEATURE;
		memcpy(p->u.login_req.isid, isid, 6);
		p->u.login_req.tsih = 0;
		p->u.login_req.cid = 0x0102;
		p->u.login_req.cmdsn = sn;
		p->u.login_req.expstatsn = sn + 3;
		break;
	case PDU_OP_TEXT_REQ:
		p->lun = 0x0004000000000000ull;
		p->u.text_req.cmdsn = sn;
		p->u.text_req.expstatsn = sn + 4;
		break;
	case PDU_OP_DATA_OUT:
		p->lun = 0x0005000000000000ull;
		p->u.data_out.ttt = 0x0badcafeu;
		p->u.data_out.expstatsn = sn;
		p->u.data_out.datasn = 7;
		p->u.data_out.buffer_offset = 0x2000;
		break;
	case PDU_OP_LOGOUT_REQ:
		p->immediate = true;
		p->u.logout_req.reason = ISCSI_LOGOUT_REASON_CLOSE_CONNECTION;
		p->u.logout_req.cid = 0x0102;
		p->u.logout_req.cmdsn = sn;
		p->u.logout_req.expstatsn = sn + 5;
		break;
	case PDU_OP_SNACK_REQ:
		p->lun = 0x0006000000000000ull;
		p->u.snack.type = ISCSI_SNACK_DATA_R2T;
		p->u.snack.ttt = 0x01020304u;
		p->u.snack.expstatsn = sn;
		p->u.snack.begrun = 3;
		p->u.snack.runlength = 4;
		break;
	case PDU_OP_NOP_IN:
		p->lun = 0x0007000000000000ull;
		p->u.nop_in.ttt = 0x55667788u;
		p->u.nop_in.statsn = sn;
		p->u.nop_in.expcmdsn = sn + 1;
		p->u.nop_in.maxcmdsn = sn + 64;
		break;
	case PDU_OP_SCSI_RSP:
		p->u.scsi_rsp.underflow = true;
		p->u.scsi_rsp.status = 0x02;
		p->u.scsi_rsp.snack_tag = 0x0a0b0c0du;
		p->u.scsi_rsp.statsn = sn;
		p->u.scsi_rsp.expcmdsn = sn + 1;
		p->u.scsi_rsp.maxcmdsn = sn + 32;
		p->u.scsi_rsp.exp_datasn = 5;
		p->u.scsi_rsp.residual = 0x200;
		break;
	case PDU_OP_TMF_RSP:
		p->u.tmf_rsp.response = ISCSI_TMF_RESP_TASK_NOT_FOUND;
		p->u.tmf_rsp.statsn = sn;
		p->u.tmf_rsp.expcmdsn = sn + 1;
		p->u.tmf_rsp.maxcmdsn = sn + 2;
		break;
	case PDU_OP_LOGIN_RSP:
		p->u.login_rsp.transit = true;
		p->u.login_rsp.csg = PDU_STAGE_OPERATIONAL;
		p->u.login_rsp.nsg = PDU_STAGE_FULL_FEATURE;
		memcpy(p->u.login_rsp.isid, isid, 6);
		p->u.login_rsp.tsih = 0x1234;
		p->u.login_rsp.statsn = sn;
		p->u.login_rsp.expcmdsn = sn + 1;
		p->u.login_rsp.maxcmdsn = sn + 16;
		break;
	case PDU_OP_TEXT_RSP:
		p->lun = 0x0008000000000000ull;
		p->u.text_rsp.statsn = sn;
		p->u.text_rsp.expcmdsn = sn + 1;
		p->u.text_rsp.maxcmdsn = sn + 8;
		break;
	case PDU_OP_DATA_IN:
		p->lun = 0x0009000000000000ull;
		p->u.data_in.status_present = true;
		p->u.data_in.underflow = true;
		p->u.data_in.statsn = sn;
		p->u.data_in.expcmdsn = sn + 1;
		p->u.data_in.maxcmdsn = sn + 4;
		p->u.data_in.datasn = 2;
		p->u.data_in.buffer_offset = 0x4000;
		p->u.data_in.residual = 0x100;
		break;
	case PDU_OP_LOGOUT_RSP:
		p->u.logout_rsp.statsn = sn;
		p->u.logout_rsp.expcmdsn = sn + 1;
		p->u.logout_rsp.maxcmdsn = sn + 2;
		p->u.logout_rsp.time2wait = 2;
		p->u.logout_rsp.time2retain = 20;
		break;
	case PDU_OP_R2T:
		p->lun = 0x000a000000000000ull;
		p->u.r2t.ttt = 0x0badf00du;
		p->u.r2t.statsn = sn;
		p->u.r2t.expcmdsn = sn + 1;
		p->u.r2t.maxcmdsn = sn + 2;
		p->u.r2t.r2tsn = 1;
		p->u.r2t.buffer_offset = 0x1000;
		p->u.r2t.ddtl = 0x2000;
		break;
	case PDU_OP_ASYNC:
		p->lun = 0x000b000000000000ull;
		p->u.async.event = ISCSI_ASYNC_LOGOUT_REQUEST;
		p->u.async.param1 = 0x1111;
		p->u.async.param2 = 0x2222;
		p->u.async.param3 = 0x3333;
		p->u.async.statsn = sn;
		p->u.async.expcmdsn = sn + 1;
		p->u.async.maxcmdsn = sn + 2;
		break;
	case PDU_OP_REJECT:
		p->u.reject.reason = ISCSI_REJECT_INVALID_PDU_FIELD;
		p->u.reject.statsn = sn;
		p->u.reject.expcmdsn = sn + 1;
		p->u.reject.maxcmdsn = sn + 2;
		p->u.reject.datasn = 9;
		pdu_set_data(p, reject_hdr, sizeof(reject_hdr));
		break;
	default:
		break;
	}
}
