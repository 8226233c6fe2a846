/*
 * Analyzer output: the readable summary and the JSON document.
 */
#include <stdio.h>
#include <string.h>

#include "analyze_report.h"
#include "catalog.h"
#include "evrec.h"
#include "pcap_pkt.h"

/* Keys shown in the summary, in this order. */
static const int summary_keys[] = {
	KEYS_HEADER_DIGEST, KEYS_DATA_DIGEST, KEYS_MAX_BURST_LENGTH,
	KEYS_FIRST_BURST_LENGTH, KEYS_INITIAL_R2T, KEYS_IMMEDIATE_DATA,
	KEYS_MAX_OUTSTANDING_R2T, KEYS_DATA_PDU_IN_ORDER,
	KEYS_DATA_SEQUENCE_IN_ORDER, KEYS_ERROR_RECOVERY_LEVEL,
	KEYS_MAX_CONNECTIONS, KEYS_DEFAULT_TIME2WAIT, KEYS_DEFAULT_TIME2RETAIN
};

static void
isid_text(const uint8_t *isid, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "0x%02x%02x%02x%02x%02x%02x", isid[0], isid[1],
	    isid[2], isid[3], isid[4], isid[5]);
}

static const char *
opcode_label(unsigned op, char *buf, size_t bufsz)
{
	const char *n = pdu_opcode_name(op);

	if (n != NULL)
		return n;
	snprintf(buf, bufsz, "opcode 0x%02x", op);
	return buf;
}

static void
endpoints(const struct ana_conn *c, char *ib, char *tb, size_t sz)
{
	pkt_format_endpoint(c->family, c->iaddr, c->iport, ib, sz);
	pkt_format_endpoint(c->family, c->taddr, c->tport, tb, sz);
}

/* ---- text ----------------------------------------------------------- */

int
ana_write_text(const struct ana *a, const char *file, const char *error,
    FILE *f)
{
	const struct ana_stats *st = ana_stats(a);
	char ib[64], tb[64], buf[300], isid[16];
	size_t i, k, nerr = 0, nwarn = 0, ninfo = 0;
	unsigned op;

	fprintf(f, "iscsi-bench analyze: %s\n", file);
	fprintf(f, "  %llu frames (%s), %llu PDUs on %zu connections, %zu "
	    "sessions, %.3f s\n", (unsigned long long)st->frames,
	    pkt_link_name(st->linktype) ? pkt_link_name(st->linktype) : "?",
	    (unsigned long long)st->pdus, ana_conn_count(a),
	    ana_session_count(a), st->frames ? st->last_time - st->first_time :
	    0.0);
	if (error != NULL)
		fprintf(f, "  ERROR: %s (results up to that point)\n", error);
	if (st->pdus == 0 && error == NULL)
		/* a capture of other traffic: say why the report is empty */
		fprintf(f, "  no iSCSI PDUs found (iSCSI is looked for on TCP port "
		    "3260, every --port N, and connections that start with a "
		    "Login Request)\n");
	if (st->pdus > 0) {
		fprintf(f, "\nPDUs by opcode:\n");
		for (op = 0; op < 64; op++)
			if (st->opcodes[op] > 0)
				fprintf(f, "  %-20s %10llu\n",
				    opcode_label(op, buf, sizeof(buf)),
				    (unsigned long long)st->opcodes[op]);
	}
	if (ana_session_count(a) > 0)
		fprintf(f, "\nSessions:\n");
	for (i = 0; i < ana_session_count(a); i++) {
		const struct ana_session *s = ana_session_at(a, i);

		isid_text(s->isid, isid, sizeof(isid));
		fprintf(f, "  #%u %s ISID %s TSIH 0x%04x %s -> %s (%u "
		    "connection%s, %llu PDUs, frames %llu-%llu)\n", s->id,
		    !s->isid_known ? "(login not captured)" : s->discovery ?
		    "Discovery" : "Normal", s->isid_known ? isid : "?", s->tsih,
		    s->initiator_name[0] ? s->initiator_name : "?",
		    s->target_name[0] ? s->target_name : "?", s->nconns,
		    s->nconns == 1 ? "" : "s", (unsigned long long)s->pdus,
		    (unsigned long long)s->first_frame,
		    (unsigned long long)s->last_frame);
		if (s->redirected_from)
			fprintf(f, "     redirected from session #%u\n",
			    s->redirected_from);
		if (s->params_known) {
			fprintf(f, "    ");
			for (k = 0; k < sizeof(summary_keys) /
			    sizeof(summary_keys[0]); k++)
				if (keys_params_get(&s->params, summary_keys[k],
				    buf, sizeof(buf)))
					fprintf(f, " %s=%s",
					    keys_name(summary_keys[k]), buf);
			fprintf(f, "\n");
		}
	}
	if (ana_conn_count(a) > 0)
		fprintf(f, "\nConnections:\n");
	for (i = 0; i < ana_conn_count(a); i++) {
		const struct ana_conn *c = ana_conn_at(a, i);

		endpoints(c, ib, tb, sizeof(ib));
		fprintf(f, "  #%u session #%u CID %u %s -> %s:%s%s%s%s%s%s "
		    "digests %s/%s, MaxRecvDSL I->T %u T->I %u, PDUs %llu/%llu, "
		    "gaps %llu (%llu bytes), retransmissions %llu\n", c->id,
		    c->session_id, c->cid, ib, tb,
		    c->midstream ? " midstream" : "",
		    c->login_seen ? " login" : "", c->ffp ? " FFP" : "",
		    c->logged_out ? " logout" : "", c->reset ? " reset" :
		    c->closed ? " closed" : "",
		    c->redirect_to[0] ? " redirected" : "",
		    c->hdigest ? "CRC32C" : "None", c->ddigest ? "CRC32C" : "None",
		    c->max_recv_dsl[ANA_DIR_I2T], c->max_recv_dsl[ANA_DIR_T2I],
		    (unsigned long long)c->pdus[0], (unsigned long long)c->pdus[1],
		    (unsigned long long)c->gaps, (unsigned long long)c->gap_bytes,
		    (unsigned long long)c->retransmissions);
	}
	for (k = 0; k < ANA_RTT_COUNT; k++) {
		const struct ana_rtt *r = &st->rtt[k];

		if (r->count == 0)
			continue;
		if (k == 0 || st->rtt[0].count == 0)
			fprintf(f, "\nResponse times:\n");
		fprintf(f, "  %-7s n=%llu min %.3f ms avg %.3f ms max %.3f ms "
		    "(request frame %llu)\n", ana_rtt_name((enum ana_rtt_kind)k),
		    (unsigned long long)r->count, r->min * 1e3,
		    r->sum / (double)r->count * 1e3, r->max * 1e3,
		    (unsigned long long)r->max_frame);
		if (k == 0)
			continue;
	}
	for (i = 0; i < ana_finding_count(a); i++) {
		switch (ana_finding_at(a, i)->severity) {
		case ANA_SEV_ERROR:	nerr++; break;
		case ANA_SEV_WARNING:	nwarn++; break;
		case ANA_SEV_INFO:	ninfo++; break;
		}
	}
	fprintf(f, "\nFindings: %llu (%zu errors, %zu warnings, %zu info "
	    "shown%s)\n", (unsigned long long)st->findings_total, nerr, nwarn,
	    ninfo, st->findings_dropped ? "; more not kept" : "");
	for (i = 0; i < ana_finding_count(a); i++) {
		const struct ana_finding *fd = ana_finding_at(a, i);
		const struct catalog_event *ce = fd->event_id ?
		    catalog_event(fd->event_id) : NULL;
		const struct catalog_isdsc *is = fd->isdsc ?
		    catalog_isdsc_by_value(fd->isdsc) : NULL;

		fprintf(f, "  frame %llu", (unsigned long long)fd->frame);
		if (fd->pdu_index)
			fprintf(f, " PDU %llu %s %s",
			    (unsigned long long)fd->pdu_index,
			    ana_dir_name(fd->dir),
			    opcode_label((unsigned)fd->opcode, buf, sizeof(buf)));
		else if (fd->conn_id)
			fprintf(f, " conn #%u %s", fd->conn_id,
			    ana_dir_name(fd->dir));
		fprintf(f, " [%s] %s: %s (%s)\n", ana_check_name(fd->check),
		    ana_severity_name(fd->severity), fd->msg,
		    ana_check_rule(fd->check));
		if (ce != NULL)
			fprintf(f, "      -> event %u %s%s%s\n", ce->id, ce->name,
			    is != NULL ? ", " : "", is != NULL ? is->name : "");
	}
	return ferror(f) ? -1 : 0;
}

/* ---- JSON ----------------------------------------------------------- */

static unsigned long long
us(double s)
{
	return s > 0 ? (unsigned long long)(s * 1e6 + 0.5) : 0;
}

static void
json_params(struct json *j, const struct keys_params *p)
{
	char buf[300];
	int id;

	json_object_open(j);
	for (id = 0; id < KEYS_COUNT; id++) {
		const struct keys_def *d = keys_def(id);

		if (d->result == KEYS_RES_AUTH || d->result == KEYS_RES_OBSOLETE)
			continue;
		if (keys_params_get(p, id, buf, sizeof(buf)) && buf[0] != '\0')
			json_kv_string(j, d->name, buf);
	}
	json_object_close(j);
}

static void
json_finding(struct json *j, const struct ana_finding *fd)
{
	const struct catalog_isdsc *is = fd->isdsc ?
	    catalog_isdsc_by_value(fd->isdsc) : NULL;
	struct evrec ev;
	struct timespec ts;
	char buf[32];

	json_object_open(j);
	json_kv_uint(j, "frame", fd->frame);
	if (fd->pdu_index) {
		json_kv_uint(j, "pdu", fd->pdu_index);
		json_kv_string(j, "opcode", opcode_label((unsigned)fd->opcode,
		    buf, sizeof(buf)));
	}
	json_kv_string(j, "direction", ana_dir_name(fd->dir));
	json_kv_uint(j, "session", fd->session_id);
	json_kv_uint(j, "connection", fd->conn_id);
	json_kv_string(j, "check", ana_check_name(fd->check));
	json_kv_string(j, "severity", ana_severity_name(fd->severity));
	json_kv_string(j, "rule", ana_check_rule(fd->check));
	json_kv_string(j, "message", fd->msg);
	if (is != NULL)
		json_kv_string(j, "isdsc", is->name);
	json_key(j, "event");
	if (fd->event_id && evrec_init(&ev, fd->event_id) == EVREC_OK) {
		ts.tv_sec = (time_t)fd->time;
		ts.tv_nsec = (long)((fd->time - (double)ts.tv_sec) * 1e9);
		evrec_set_time(&ev, &ts);
		evrec_set_session_id(&ev, fd->session_id);
		evrec_set_connection_id(&ev, fd->conn_id);
		evrec_set_status(&ev, fd->isdsc);
		if (fd->dump_len > 0)
			evrec_add_bytes(&ev, fd->dump, fd->dump_len);
		evrec_json(&ev, j);
		evrec_free(&ev);
	} else
		json_null(j);
	json_object_close(j);
}

int
ana_write_json(const struct ana *a, const char *file, const char *error,
    FILE *f)
{
	const struct ana_stats *st = ana_stats(a);
	struct json j;
	char ib[64], tb[64], buf[32];
	size_t i;
	unsigned op;
	int k, rc;

	json_init(&j);
	json_object_open(&j);
	json_kv_string(&j, "file", file);
	json_kv_string(&j, "linktype", pkt_link_name(st->linktype));
	json_kv_uint(&j, "frames", st->frames);
	json_kv_uint(&j, "bytes", st->bytes);
	json_kv_uint(&j, "duration_us", st->frames ? (unsigned long long)
	    ((st->last_time - st->first_time) * 1e6 + 0.5) : 0);
	json_kv_uint(&j, "pdus", st->pdus);
	json_kv_uint(&j, "pdu_errors", st->pdu_errors);
	json_key(&j, "opcodes");
	json_object_open(&j);
	for (op = 0; op < 64; op++)
		if (st->opcodes[op] > 0)
			json_kv_uint(&j, opcode_label(op, buf, sizeof(buf)),
			    st->opcodes[op]);
	json_object_close(&j);

	json_key(&j, "sessions");
	json_array_open(&j);
	for (i = 0; i < ana_session_count(a); i++) {
		const struct ana_session *s = ana_session_at(a, i);

		json_object_open(&j);
		json_kv_uint(&j, "id", s->id);
		json_key(&j, "isid");
		if (s->isid_known)
			json_hex(&j, s->isid, 6);
		else
			json_null(&j);
		json_kv_uint(&j, "tsih", s->tsih);
		json_kv_string(&j, "type", !s->isid_known ? "unknown" :
		    s->discovery ? "Discovery" : "Normal");
		json_kv_string(&j, "initiator", s->initiator_name);
		json_kv_string(&j, "target", s->target_name);
		json_kv_uint(&j, "redirected_from", s->redirected_from);
		json_kv_uint(&j, "connections", s->nconns);
		json_kv_uint(&j, "pdus", s->pdus);
		json_kv_uint(&j, "first_frame", s->first_frame);
		json_kv_uint(&j, "last_frame", s->last_frame);
		json_key(&j, "params");
		if (s->params_known)
			json_params(&j, &s->params);
		else
			json_null(&j);
		json_object_close(&j);
	}
	json_array_close(&j);

	json_key(&j, "connections");
	json_array_open(&j);
	for (i = 0; i < ana_conn_count(a); i++) {
		const struct ana_conn *c = ana_conn_at(a, i);

		endpoints(c, ib, tb, sizeof(ib));
		json_object_open(&j);
		json_kv_uint(&j, "id", c->id);
		json_kv_uint(&j, "session", c->session_id);
		json_kv_string(&j, "initiator", ib);
		json_kv_string(&j, "target", tb);
		json_kv_uint(&j, "cid", c->cid);
		json_kv_bool(&j, "login_seen", c->login_seen);
		json_kv_bool(&j, "ffp", c->ffp);
		json_kv_bool(&j, "midstream", c->midstream);
		json_kv_bool(&j, "closed", c->closed);
		json_kv_bool(&j, "reset", c->reset);
		json_kv_bool(&j, "logged_out", c->logged_out);
		json_kv_string(&j, "header_digest", c->hdigest ? "CRC32C" : "None");
		json_kv_string(&j, "data_digest", c->ddigest ? "CRC32C" : "None");
		json_kv_uint(&j, "max_recv_dsl_i2t", c->max_recv_dsl[0]);
		json_kv_uint(&j, "max_recv_dsl_t2i", c->max_recv_dsl[1]);
		json_kv_uint(&j, "pdus_i2t", c->pdus[0]);
		json_kv_uint(&j, "pdus_t2i", c->pdus[1]);
		json_kv_uint(&j, "bytes_i2t", c->bytes[0]);
		json_kv_uint(&j, "bytes_t2i", c->bytes[1]);
		json_kv_uint(&j, "gaps", c->gaps);
		json_kv_uint(&j, "gap_bytes", c->gap_bytes);
		json_kv_uint(&j, "retransmissions", c->retransmissions);
		json_kv_uint(&j, "resyncs", c->resyncs);
		if (c->redirect_to[0])
			json_kv_string(&j, "redirect_to", c->redirect_to);
		json_kv_uint(&j, "first_frame", c->first_frame);
		json_kv_uint(&j, "last_frame", c->last_frame);
		json_object_close(&j);
	}
	json_array_close(&j);

	json_key(&j, "response_times");
	json_object_open(&j);
	for (k = 0; k < ANA_RTT_COUNT; k++) {
		const struct ana_rtt *r = &st->rtt[k];

		if (r->count == 0)
			continue;
		json_key(&j, ana_rtt_name((enum ana_rtt_kind)k));
		json_object_open(&j);
		json_kv_uint(&j, "count", r->count);
		json_kv_uint(&j, "min_us", us(r->min));
		json_kv_uint(&j, "avg_us", us(r->sum / (double)r->count));
		json_kv_uint(&j, "max_us", us(r->max));
		json_kv_uint(&j, "max_frame", r->max_frame);
		json_object_close(&j);
	}
	json_object_close(&j);

	json_kv_uint(&j, "findings_total", st->findings_total);
	json_kv_uint(&j, "findings_dropped", st->findings_dropped);
	json_key(&j, "findings_by_check");
	json_object_open(&j);
	for (k = 0; k < ANA_CHECK_COUNT; k++)
		if (st->findings[k] > 0)
			json_kv_uint(&j, ana_check_name((enum ana_check)k),
			    st->findings[k]);
	json_object_close(&j);
	json_key(&j, "findings");
	json_array_open(&j);
	for (i = 0; i < ana_finding_count(a); i++)
		json_finding(&j, ana_finding_at(a, i));
	json_array_close(&j);
	json_kv_string(&j, "error", error);
	json_object_close(&j);
	rc = json_complete(&j);
	if (rc == JSON_OK) {
		json_write(&j, f);
		fputc('\n', f);
	}
	json_free(&j);
	return rc == JSON_OK && !ferror(f) ? 0 : -1;
}
