/*
 * The fault log: one JSON object per line for every rule that fires, so
 * that a harness can tell the fault really happened, e.g.
 *
 * {"time_us":1204113,"wall_us":1767225600123456,"rule":"reject-3rd-write",
 *  "line":12,"action":"reject","dir":"in","conn":1,"portal":"p1","cid":0,"tsih":1,"opcode":1,
 *  "pdu":"SCSI Command",
 *  "itt":5,"cmdsn":7}
 *
 * time_us counts from the start of the target; wall_us is the system's
 * real-time clock, the clock packet captures are stamped with, so that a
 * harness can place the firing among the captured PDUs.
 *
 * With -v a short line goes to stderr as well.
 */
#include <stdio.h>
#include <time.h>

#include "faults.h"
#include "json.h"
#include "tsim_impl.h"

static const char *
kind_name(const struct fault_action *a)
{
	if (a->type == FAULT_ACT_NEGOTIATE)
		return fault_negotiate_name(a->kind);
	if (a->type == FAULT_ACT_INVALID_PDU)
		return fault_invalid_name(a->kind);
	return NULL;
}

/* CmdSN of requests, StatSN of responses (0 when the PDU has none). */
static void
sn_field(const struct pdu *p, const char **name, uint32_t *v)
{
	*name = "cmdsn";
	switch (p->opcode) {
	case PDU_OP_SCSI_CMD:	*v = p->u.scsi_cmd.cmdsn; return;
	case PDU_OP_NOP_OUT:	*v = p->u.nop_out.cmdsn; return;
	case PDU_OP_TMF_REQ:	*v = p->u.tmf_req.cmdsn; return;
	case PDU_OP_LOGIN_REQ:	*v = p->u.login_req.cmdsn; return;
	case PDU_OP_TEXT_REQ:	*v = p->u.text_req.cmdsn; return;
	case PDU_OP_LOGOUT_REQ:	*v = p->u.logout_req.cmdsn; return;
	default:		break;
	}
	*name = "statsn";
	switch (p->opcode) {
	case PDU_OP_NOP_IN:	*v = p->u.nop_in.statsn; return;
	case PDU_OP_SCSI_RSP:	*v = p->u.scsi_rsp.statsn; return;
	case PDU_OP_TMF_RSP:	*v = p->u.tmf_rsp.statsn; return;
	case PDU_OP_LOGIN_RSP:	*v = p->u.login_rsp.statsn; return;
	case PDU_OP_TEXT_RSP:	*v = p->u.text_rsp.statsn; return;
	case PDU_OP_DATA_IN:	*v = p->u.data_in.statsn; return;
	case PDU_OP_LOGOUT_RSP:	*v = p->u.logout_rsp.statsn; return;
	case PDU_OP_R2T:	*v = p->u.r2t.statsn; return;
	case PDU_OP_ASYNC:	*v = p->u.async.statsn; return;
	case PDU_OP_REJECT:	*v = p->u.reject.statsn; return;
	default:		*name = NULL; *v = 0; return;
	}
}

void
fault_log(struct tsim *t, const struct fault_rule *r, struct tconn *tc,
    const char *dir, const struct pdu *p, const char *note)
{
	const char *kind = kind_name(&r->a), *snn = NULL;
	const char *opn = p != NULL ? pdu_opcode_name(p->opcode) : NULL;
	uint32_t sn = 0;
	struct timespec wall;
	struct json j;

	if (p != NULL)
		sn_field(p, &snn, &sn);
	if (t->verbose > 0)
		fprintf(stderr, "iscsi-target-sim: [%.3f] rule '%s' fired: %s%s%s "
		    "(%s %s, conn %u)\n", tsim_elapsed(t), r->name,
		    fault_act_name(r->a.type), kind ? " " : "", kind ? kind : "",
		    dir, opn ? opn : p != NULL ? "PDU" : "-", tc->id);
	if (t->fault_log == NULL)
		return;
	json_init(&j);
	json_object_open(&j);
	json_kv_uint(&j, "time_us",
	    (evloop_now(t->loop) - t->start_ns) / 1000);
	if (clock_gettime(CLOCK_REALTIME, &wall) == 0)
		json_kv_uint(&j, "wall_us", (uint64_t)wall.tv_sec * 1000000u +
		    (uint64_t)wall.tv_nsec / 1000u);
	json_kv_string(&j, "rule", r->name);
	json_kv_int(&j, "line", r->line);
	json_kv_string(&j, "action", fault_act_name(r->a.type));
	if (kind != NULL)
		json_kv_string(&j, "kind", kind);
	json_kv_string(&j, "dir", dir);
	json_kv_uint(&j, "conn", tc->id);
	if (tc->portal != NULL)
		json_kv_string(&j, "portal", tc->portal->cfg->name);
	json_kv_uint(&j, "cid", tc->cid);
	json_kv_uint(&j, "tsih", tc->sess != NULL ? tc->sess->tsih :
	    tc->login != NULL ? tc->login->tsih : 0);
	if (p != NULL) {
		json_kv_uint(&j, "opcode", p->opcode);
		json_kv_string(&j, "pdu", opn != NULL ? opn : "unknown");
		json_kv_uint(&j, "itt", p->itt);
		if (snn != NULL)
			json_kv_uint(&j, snn, sn);
	}
	if (note != NULL)
		json_kv_string(&j, "note", note);
	json_object_close(&j);
	if (json_error(&j) == JSON_OK) {
		json_write(&j, t->fault_log);
		fputc('\n', t->fault_log);
		fflush(t->fault_log);
	}
	json_free(&j);
}
