/*
 * Data transfer checks: SCSI Command (immediate data), R2T, Data-Out
 * (solicited and unsolicited), Data-In and SCSI Response against
 * ExpectedDataTransferLength, the burst limits and the DataSN/R2TSN
 * sequences (RFC 7143 11.3-11.8, 13.10-13.14).
 */
#include <string.h>

#include "analyze_int.h"
#include "serial.h"

void
ana_scsi_command(struct ana_conn_int *c, const struct pdu *p)
{
	const struct keys_session_params *sp = ana_sparams(c);
	struct ana_task *t;

	if ((t = ana_task_new(c, p)) == NULL)
		return;
	t->read = p->u.scsi_cmd.read;
	t->write = p->u.scsi_cmd.write;
	t->edtl = p->u.scsi_cmd.edtl;
	t->cmdsn = p->u.scsi_cmd.cmdsn;
	memcpy(t->cdb, p->u.scsi_cmd.cdb, PDU_CDB_LEN);
	t->unsol_bytes = p->data_len;
	t->unsol_next = p->data_len;
	if (p->data_len == 0)
		return;
	if (sp != NULL && !sp->immediate_data)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
		    "immediate data (%u bytes) with ImmediateData=No (RFC 7143 "
		    "13.11)", p->data_len);
	if (sp != NULL && p->data_len > sp->first_burst_length)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
		    "immediate data %u bytes > FirstBurstLength %u (RFC 7143 "
		    "13.14)", p->data_len, sp->first_burst_length);
	if (p->data_len > t->edtl)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
		    "immediate data %u bytes > ExpectedDataTransferLength %u",
		    p->data_len, t->edtl);
}

void
ana_data_out(struct ana_conn_int *c, const struct pdu *p)
{
	const struct pdu_data_out *d = &p->u.data_out;
	const struct keys_session_params *sp = ana_sparams(c);
	struct ana_task *t = ana_task_find(&c->tasks, p->itt);
	uint32_t len = p->dsl;
	int i;

	if (t == NULL) {
		if (c->pub.login_seen && !c->pub.midstream &&
		    !c->lost[ANA_DIR_I2T])
			ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_UNKNOWN_ITT, p,
			    "Data-Out for ITT 0x%08x: no such command",
			    p->itt);
		return;
	}
	if ((uint64_t)d->buffer_offset + len > t->edtl)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
		    "offset %u + %u bytes beyond ExpectedDataTransferLength %u",
		    d->buffer_offset, len, t->edtl);
	if (d->ttt == PDU_TAG_RESERVED) {	/* unsolicited */
		if (sp != NULL && sp->initial_r2t)
			ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
			    "unsolicited Data-Out with InitialR2T=Yes (RFC 7143 "
			    "13.10)");
		if (!t->unsure && d->datasn != t->unsol_datasn)
			ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATASN, p,
			    "unsolicited Data-Out DataSN %u, expected %u",
			    d->datasn, t->unsol_datasn);
		if (!t->unsure && (sp == NULL || sp->data_pdu_in_order) &&
		    d->buffer_offset != t->unsol_next)
			ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
			    "unsolicited Data-Out offset %u, expected %u "
			    "(DataPDUInOrder=Yes)", d->buffer_offset,
			    t->unsol_next);
		t->unsol_bytes += len;
		if (sp != NULL && t->unsol_bytes > sp->first_burst_length)
			ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
			    "unsolicited data %llu bytes > FirstBurstLength %u "
			    "(RFC 7143 13.14)",
			    (unsigned long long)t->unsol_bytes,
			    sp->first_burst_length);
		t->unsol_datasn = d->datasn + 1;
		t->unsol_next = d->buffer_offset + len;
		return;
	}
	for (i = 0; i < ANA_R2T_SLOTS; i++)
		if (t->r2t[i].used && t->r2t[i].ttt == d->ttt)
			break;
	if (i == ANA_R2T_SLOTS) {
		if (t->unsure)
			return;
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
		    "Data-Out with TTT 0x%08x: no such R2T outstanding", d->ttt);
		return;
	}
	if (!t->unsure && d->datasn != t->r2t[i].datasn)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATASN, p,
		    "Data-Out DataSN %u, expected %u in the sequence of TTT "
		    "0x%08x", d->datasn, t->r2t[i].datasn, d->ttt);
	if (d->buffer_offset < t->r2t[i].off ||
	    (uint64_t)d->buffer_offset + len > (uint64_t)t->r2t[i].off +
	    t->r2t[i].len)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
		    "Data-Out offset %u + %u bytes outside the R2T's %u + %u",
		    d->buffer_offset, len, t->r2t[i].off, t->r2t[i].len);
	else if (!t->unsure && (sp == NULL || sp->data_pdu_in_order) &&
	    d->buffer_offset != t->r2t[i].off + t->r2t[i].got)
		ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
		    "Data-Out offset %u, expected %u (DataPDUInOrder=Yes)",
		    d->buffer_offset, t->r2t[i].off + t->r2t[i].got);
	t->r2t[i].got += len;
	t->r2t[i].datasn = d->datasn + 1;
	if (p->final) {
		if (!t->unsure && t->r2t[i].got != t->r2t[i].len)
			ana_report(c->ana, c, ANA_DIR_I2T, ANA_CHK_DATAOUT, p,
			    "final Data-Out after %u of the %u bytes solicited",
			    t->r2t[i].got, t->r2t[i].len);
		t->r2t[i].used = false;
	}
}

void
ana_r2t(struct ana_conn_int *c, const struct pdu *p)
{
	const struct pdu_r2t *r = &p->u.r2t;
	const struct keys_session_params *sp = ana_sparams(c);
	struct ana_task *t = ana_task_for_response(c, p);
	uint32_t *sn;
	int i, slot = 0;

	if (t == NULL)
		return;
	if (!t->write)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_R2T_INVALID, p,
		    "R2T for a command without the W bit");
	sn = t->read ? &t->datain_sn : &t->r2tsn;	/* bidi: shared */
	if (!t->unsure && r->r2tsn != *sn)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_R2TSN, p,
		    "R2TSN %u, expected %u", r->r2tsn, *sn);
	*sn = r->r2tsn + 1;
	if (sp != NULL && r->ddtl > sp->max_burst_length)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_R2T_INVALID, p,
		    "DesiredDataTransferLength %u > MaxBurstLength %u (RFC 7143 "
		    "11.8.4)", r->ddtl, sp->max_burst_length);
	if ((uint64_t)r->buffer_offset + r->ddtl > t->edtl)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_R2T_INVALID, p,
		    "offset %u + %u beyond ExpectedDataTransferLength %u",
		    r->buffer_offset, r->ddtl, t->edtl);
	for (i = 0; i < ANA_R2T_SLOTS; i++) {
		if (!t->r2t[i].used) {
			slot = i;
			break;
		}
		if (t->r2t[i].ttt == r->ttt) {	/* recovery R2T: same TTT */
			slot = i;
			break;
		}
	}
	t->r2t[slot].used = true;
	t->r2t[slot].ttt = r->ttt;
	t->r2t[slot].off = r->buffer_offset;
	t->r2t[slot].len = r->ddtl;
	t->r2t[slot].got = 0;
	t->r2t[slot].datasn = 0;
}

void
ana_data_in(struct ana_conn_int *c, const struct pdu *p)
{
	const struct pdu_data_in *d = &p->u.data_in;
	const struct keys_session_params *sp = ana_sparams(c);
	struct ana_task *t = ana_task_for_response(c, p);

	if (t == NULL)
		return;
	if (p->dsl > 0 && !t->read)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_TOO_MUCH_DATA, p,
		    "Data-In for a command without the R bit");
	if (!t->unsure && d->datasn != t->datain_sn)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_DATASN, p,
		    "Data-In DataSN %u, expected %u", d->datasn, t->datain_sn);
	t->datain_sn = d->datasn + 1;
	if ((uint64_t)d->buffer_offset + p->dsl > t->edtl && t->read)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_TOO_MUCH_DATA, p,
		    "offset %u + %u bytes beyond ExpectedDataTransferLength %u",
		    d->buffer_offset, p->dsl, t->edtl);
	else if (!t->unsure && (sp == NULL || sp->data_pdu_in_order) &&
	    p->dsl > 0 && d->buffer_offset != t->datain_bytes)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_DATASN, p,
		    "Data-In offset %u, expected %llu (DataPDUInOrder=Yes)",
		    d->buffer_offset, (unsigned long long)t->datain_bytes);
	t->datain_bytes = (uint64_t)d->buffer_offset + p->dsl;
	if (d->status_present) {
		ana_task_answered(c, t, p);
		ana_task_del(&c->tasks, t);
	}
}

void
ana_scsi_response(struct ana_conn_int *c, const struct pdu *p)
{
	const struct pdu_scsi_rsp *r = &p->u.scsi_rsp;
	struct ana_task *t = ana_task_for_response(c, p);

	if (r->status == 0 && p->dsl > 0 && r->response == PDU_SCSI_RSP_COMPLETED)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_DATA_IN_RESPONSE, p,
		    "GOOD status with a %u-byte data segment", p->dsl);
	if (t == NULL)
		return;
	if (!t->unsure && t->read && r->response == PDU_SCSI_RSP_COMPLETED &&
	    r->exp_datasn != t->datain_sn)
		ana_report(c->ana, c, ANA_DIR_T2I, ANA_CHK_DATASN, p,
		    "ExpDataSN %u, %u Data-In%s sent (RFC 7143 11.4.8)",
		    r->exp_datasn, t->datain_sn, t->write ? "/R2T" : "");
	ana_task_answered(c, t, p);
	ana_task_del(&c->tasks, t);
}
