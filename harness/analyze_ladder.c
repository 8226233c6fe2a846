/*
 * Ladder diagram (SVG 1.1, no scripts, no external resources).
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_ladder.h"

#define ROW_H		26
#define TOP		70
#define X_I		260
#define X_T		820
#define WIDTH		1000
#define LABEL_MAX	120
#define MARKS_MAX	80
#define FAULTS_MAX	64

struct row {
	int		 dir;
	uint64_t	 frame;
	double		 time;
	unsigned	 conn;
	char		 label[LABEL_MAX];
	char		 marks[MARKS_MAX];	/* check names of its findings */
	char		 fault[MARKS_MAX];	/* injected fault, if any */
};

/* A fault the target says it injected, to be drawn on its PDU. */
struct fault_mark {
	int		 dir;
	uint8_t		 opcode;
	uint32_t	 itt;
	char		 label[MARKS_MAX];
	bool		 used;
};

struct ana_ladder {
	unsigned	 session;
	size_t		 max, n;
	uint64_t	 skipped;
	struct row	*rows;
	double		 t0;
	bool		 multi_conn;
	unsigned	 first_conn;
	/* findings seen for the PDU being processed (they come first) */
	uint64_t	 pend_index;
	char		 pend[MARKS_MAX];
	char		 initiator[ANA_NAME_MAX], target[ANA_NAME_MAX];
	struct fault_mark faults[FAULTS_MAX];
	size_t		 nfaults;
};

int
ana_ladder_mark_fault(struct ana_ladder *l, int dir, uint8_t opcode,
    uint32_t itt, const char *label)
{
	struct fault_mark *m;

	if (l->nfaults == FAULTS_MAX)
		return -1;
	m = &l->faults[l->nfaults++];
	m->dir = dir;
	m->opcode = opcode;
	m->itt = itt;
	snprintf(m->label, sizeof(m->label), "%s", label);
	return 0;
}

struct ana_ladder *
ana_ladder_new(unsigned session_id, size_t max_rows)
{
	struct ana_ladder *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->session = session_id;
	l->max = max_rows ? max_rows : LADDER_ROWS_DEFAULT;
	if ((l->rows = calloc(l->max, sizeof(*l->rows))) == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

void
ana_ladder_free(struct ana_ladder *l)
{
	if (l == NULL)
		return;
	free(l->rows);
	free(l);
}

size_t
ana_ladder_rows(const struct ana_ladder *l)
{
	return l->n;
}

void
ana_ladder_finding(void *arg, const struct ana_finding *f)
{
	struct ana_ladder *l = arg;
	size_t len;

	if (f->session_id != l->session || f->pdu_index == 0)
		return;
	if (f->pdu_index != l->pend_index) {
		l->pend_index = f->pdu_index;
		l->pend[0] = '\0';
	}
	len = strlen(l->pend);
	snprintf(l->pend + len, sizeof(l->pend) - len, "%s%s", len ? " " : "",
	    ana_check_name(f->check));
}

static void
describe(const struct pdu *p, char *buf, size_t sz)
{
	const char *name = pdu_opcode_name(p->opcode);

	switch (p->opcode) {
	case PDU_OP_SCSI_CMD:
		snprintf(buf, sz, "SCSI Command 0x%02x%s%s ITT 0x%x CmdSN %u "
		    "EDTL %u", p->u.scsi_cmd.cdb[0], p->u.scsi_cmd.read ? " R" :
		    "", p->u.scsi_cmd.write ? " W" : "", p->itt,
		    p->u.scsi_cmd.cmdsn, p->u.scsi_cmd.edtl);
		break;
	case PDU_OP_SCSI_RSP:
		snprintf(buf, sz, "SCSI Response status 0x%02x ITT 0x%x StatSN "
		    "%u", p->u.scsi_rsp.status, p->itt, p->u.scsi_rsp.statsn);
		break;
	case PDU_OP_DATA_IN:
		snprintf(buf, sz, "Data-In%s DataSN %u offset %u len %u",
		    p->u.data_in.status_present ? " +status" : "",
		    p->u.data_in.datasn, p->u.data_in.buffer_offset, p->dsl);
		break;
	case PDU_OP_DATA_OUT:
		snprintf(buf, sz, "Data-Out%s DataSN %u offset %u len %u",
		    p->final ? " F" : "", p->u.data_out.datasn,
		    p->u.data_out.buffer_offset, p->dsl);
		break;
	case PDU_OP_R2T:
		snprintf(buf, sz, "R2T R2TSN %u offset %u len %u",
		    p->u.r2t.r2tsn, p->u.r2t.buffer_offset, p->u.r2t.ddtl);
		break;
	case PDU_OP_LOGIN_REQ:
		snprintf(buf, sz, "Login Request CSG %u NSG %u%s%s",
		    p->u.login_req.csg, p->u.login_req.nsg,
		    p->u.login_req.transit ? " T" : "",
		    p->u.login_req.cont ? " C" : "");
		break;
	case PDU_OP_LOGIN_RSP:
		snprintf(buf, sz, "Login Response CSG %u NSG %u%s status "
		    "0x%02x%02x", p->u.login_rsp.csg, p->u.login_rsp.nsg,
		    p->u.login_rsp.transit ? " T" : "",
		    p->u.login_rsp.status_class, p->u.login_rsp.status_detail);
		break;
	default:
		snprintf(buf, sz, "%s ITT 0x%x", name ? name : "PDU", p->itt);
		break;
	}
}

void
ana_ladder_pdu(void *arg, const struct ana_pdu_ctx *c)
{
	struct ana_ladder *l = arg;
	struct row *r;

	if (c->session == NULL || c->session->id != l->session)
		return;
	if (l->n == 0) {
		l->t0 = c->time;
		l->first_conn = c->conn->id;
	}
	snprintf(l->initiator, sizeof(l->initiator), "%s",
	    c->session->initiator_name);
	snprintf(l->target, sizeof(l->target), "%s", c->session->target_name);
	if (c->conn->id != l->first_conn)
		l->multi_conn = true;
	if (l->n == l->max) {
		l->skipped++;
		return;
	}
	r = &l->rows[l->n++];
	r->dir = c->dir;
	r->frame = c->frame;
	r->time = c->time - l->t0;
	r->conn = c->conn->id;
	describe(c->pdu, r->label, sizeof(r->label));
	if (c->err->code != PDU_OK)
		snprintf(r->label + strlen(r->label), sizeof(r->label) -
		    strlen(r->label), " (%s)", pdu_strerror(c->err->code));
	if (l->pend_index == c->index)
		snprintf(r->marks, sizeof(r->marks), "%s", l->pend);
	{
		size_t k;

		for (k = 0; k < l->nfaults; k++) {
			struct fault_mark *m = &l->faults[k];
			if (!m->used && m->dir == (int)c->dir &&
			    m->opcode == c->pdu->opcode && m->itt == c->pdu->itt) {
				m->used = true;
				snprintf(r->fault, sizeof(r->fault), "%s", m->label);
				break;
			}
		}
	}
}

/* Text content with XML's special characters escaped. */
static void
xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':	fputs("&amp;", f); break;
		case '<':	fputs("&lt;", f); break;
		case '>':	fputs("&gt;", f); break;
		case '"':	fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

int
ana_ladder_write_svg(const struct ana_ladder *l, FILE *f)
{
	size_t i, h = TOP + (l->n + 2) * ROW_H;
	char conn[32];

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%zu\" font-family=\"monospace\" "
	    "font-size=\"11\">\n", WIDTH, h);
	fprintf(f, "<defs><marker id=\"a\" markerWidth=\"8\" markerHeight=\"8\" "
	    "refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" "
	    "fill=\"context-stroke\"/></marker></defs>\n");
	fprintf(f, "<text x=\"10\" y=\"18\" font-size=\"13\">iSCSI session #%u"
	    "</text>\n", l->session);
	fprintf(f, "<text x=\"%d\" y=\"40\" text-anchor=\"middle\">Initiator ",
	    X_I);
	xml_text(f, l->initiator);
	fprintf(f, "</text>\n<text x=\"%d\" y=\"40\" text-anchor=\"middle\">"
	    "Target ", X_T);
	xml_text(f, l->target);
	fprintf(f, "</text>\n");
	fprintf(f, "<line x1=\"%d\" y1=\"50\" x2=\"%d\" y2=\"%zu\" "
	    "stroke=\"black\"/>\n", X_I, X_I, h - 10);
	fprintf(f, "<line x1=\"%d\" y1=\"50\" x2=\"%d\" y2=\"%zu\" "
	    "stroke=\"black\"/>\n", X_T, X_T, h - 10);
	for (i = 0; i < l->n; i++) {
		const struct row *r = &l->rows[i];
		size_t y = TOP + i * ROW_H;
		const char *color = r->fault[0] ? "#c000c0" : r->marks[0] ?
		    "red" : "black";
		int x1 = r->dir == ANA_DIR_I2T ? X_I : X_T;
		int x2 = r->dir == ANA_DIR_I2T ? X_T : X_I;

		fprintf(f, "<text x=\"10\" y=\"%zu\" fill=\"gray\">#%llu "
		    "%.6f</text>\n", y + 8, (unsigned long long)r->frame,
		    r->time);
		fprintf(f, "<line x1=\"%d\" y1=\"%zu\" x2=\"%d\" y2=\"%zu\" "
		    "stroke=\"%s\" marker-end=\"url(#a)\"/>\n", x1, y + 4, x2,
		    y + 12, color);
		fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"middle\" "
		    "fill=\"%s\">", (X_I + X_T) / 2, y + 3, color);
		if (l->multi_conn) {
			snprintf(conn, sizeof(conn), "[conn %u] ", r->conn);
			xml_text(f, conn);
		}
		xml_text(f, r->label);
		if (r->marks[0]) {
			fputs(" [", f);
			xml_text(f, r->marks);
			fputs("]", f);
		}
		if (r->fault[0]) {
			fputs(" \xe2\x9a\xa1 fault: ", f);	/* U+26A1 */
			xml_text(f, r->fault);
		}
		fprintf(f, "</text>\n");
	}
	if (l->skipped)
		fprintf(f, "<text x=\"10\" y=\"%zu\">... %llu more PDUs not "
		    "drawn</text>\n", TOP + l->n * ROW_H + 8,
		    (unsigned long long)l->skipped);
	fprintf(f, "</svg>\n");
	return ferror(f) ? -1 : 0;
}
