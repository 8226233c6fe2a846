/*
 * Analyzer bookkeeping: the check table, findings with their inferred
 * events, sessions, response-time statistics and the read-only accessors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* ---- tables --------------------------------------------------------- */

static const struct {
	const char		*name, *rule, *text;
	enum ana_severity	 sev;
	unsigned		 event;
} checks[] = {
#define ANA_X_ROW(s, sv, ev, rl, tx)	{ #s, rl, tx, ANA_SEV_##sv, ev },
	ANA_CHECK_TABLE(ANA_X_ROW)
#undef ANA_X_ROW
};

const char *
ana_check_name(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].name : "?";
}

const char *
ana_check_rule(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].rule : "?";
}

const char *
ana_check_text(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].text : "?";
}

enum ana_severity
ana_check_severity(enum ana_check c)
{
	return (unsigned)c < ANA_CHECK_COUNT ? checks[c].sev : ANA_SEV_ERROR;
}

const char *
ana_severity_name(enum ana_severity s)
{
	switch (s) {
	case ANA_SEV_INFO:
		return "info";
	case ANA_SEV_WARNING:
		return "warning";
	case ANA_SEV_ERROR:
		return "error";
	}
	return "?";
}

const char *
ana_dir_name(enum ana_dir d)
{
	return d == ANA_DIR_I2T ? "I->T" : "T->I";
}

const char *
ana_rtt_name(enum ana_rtt_kind k)
{
	static const char *const names[ANA_RTT_COUNT] = {
		"scsi", "nop", "text", "login", "tmf", "logout"
	};

	return (unsigned)k < ANA_RTT_COUNT ? names[k] : "?";
}

/* ---- findings ------------------------------------------------------- */

/* Events about the connection or session, not about a PDU the target sent. */
static bool
event_any_direction(enum ana_check chk)
{
	switch (chk) {
	case ANA_CHK_LOGIN_DROPPED:
	case ANA_CHK_CONNECTION_LOST:
	case ANA_CHK_BURST_ORDER:
		return true;
	default:
		return false;
	}
}

static size_t
dump_for_event(const struct catalog_event *ce, const struct pdu *p,
    const struct ana_conn_int *c, uint8_t *out)
{
	size_t n = 0, h;

	if (ce == NULL)
		return 0;
	switch (ce->data) {
	case CATALOG_DATA_HEADER:
		if (p != NULL && p->wire != NULL && p->wire_len >= PDU_BHS_LEN)
			n = PDU_BHS_LEN;
		if (n > 0)
			memcpy(out, p->wire, n);
		return n;
	case CATALOG_DATA_HEADER_DIGEST:
		if (p == NULL || p->wire == NULL)
			return 0;
		h = PDU_BHS_LEN + (size_t)p->total_ahs_len * 4;
		n = h + (p->has_hdigest ? PDU_DIGEST_LEN : 0);
		if (n > p->wire_len)
			n = p->wire_len;
		if (n > ANA_DUMP_MAX)
			n = ANA_DUMP_MAX;
		memcpy(out, p->wire, n);
		return n;
	case CATALOG_DATA_PDU:
		if (p == NULL || p->wire == NULL)
			return 0;
		n = p->wire_len < ANA_DUMP_MAX ? p->wire_len : ANA_DUMP_MAX;
		memcpy(out, p->wire, n);
		return n;
	case CATALOG_DATA_TARGET_NAME:
		if (c == NULL || c->sess == NULL)
			return 0;
		n = strnlen(c->sess->pub.target_name, ANA_DUMP_MAX);
		memcpy(out, c->sess->pub.target_name, n);
		return n;
	default:
		return 0;
	}
}

static void
report_v(struct ana *a, struct ana_conn_int *c, enum ana_dir dir,
    enum ana_check chk, const struct pdu *p, int event, uint32_t isdsc,
    const void *dump, size_t dumplen, const char *fmt, va_list ap)
{
	struct ana_finding f, *fp;
	const struct catalog_event *ce;

	a->stats.findings[chk]++;
	a->stats.findings_total++;
	memset(&f, 0, sizeof(f));
	f.check = chk;
	f.severity = checks[chk].sev;
	f.frame = a->frame;
	f.pdu_index = p != NULL ? a->pdu_index : 0;
	f.opcode = p != NULL ? p->opcode : -1;
	f.dir = dir;
	f.conn_id = c != NULL ? c->pub.id : 0;
	f.session_id = c != NULL && c->sess != NULL ? c->sess->pub.id : 0;
	f.time = a->time;
	if (event < 0)		/* table default */
		event = (dir == ANA_DIR_T2I || event_any_direction(chk)) ?
		    (int)checks[chk].event : 0;
	f.event_id = (uint16_t)event;
	f.isdsc = isdsc;
	vsnprintf(f.msg, sizeof(f.msg), fmt, ap);
	if (dump != NULL && dumplen > 0) {
		f.dump_len = (uint16_t)(dumplen < ANA_DUMP_MAX ? dumplen :
		    ANA_DUMP_MAX);
		memcpy(f.dump, dump, f.dump_len);
	} else if (event > 0) {
		ce = catalog_event((unsigned)event);
		f.dump_len = (uint16_t)dump_for_event(ce, p, c, f.dump);
	}
	if (a->opts.on_finding != NULL)
		a->opts.on_finding(a->opts.arg, &f);
	if (a->nfindings >= a->opts.findings_max) {
		a->stats.findings_dropped++;
		return;
	}
	if (a->findings == NULL) {
		a->findings = malloc(a->opts.findings_max * sizeof(*fp));
		if (a->findings == NULL) {
			a->stats.findings_dropped++;
			return;
		}
	}
	a->findings[a->nfindings++] = f;
}

void
ana_report(struct ana *a, struct ana_conn_int *c, enum ana_dir dir,
    enum ana_check chk, const struct pdu *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_v(a, c, dir, chk, p, -1, 0, NULL, 0, fmt, ap);
	va_end(ap);
}

void
ana_report_ev(struct ana *a, struct ana_conn_int *c, enum ana_dir dir,
    enum ana_check chk, const struct pdu *p, unsigned event, uint32_t isdsc,
    const void *dump, size_t dumplen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_v(a, c, dir, chk, p, (int)event, isdsc, dump, dumplen, fmt, ap);
	va_end(ap);
}

/* ---- sessions ------------------------------------------------------- */

struct ana_session_int *
ana_session_new(struct ana *a)
{
	struct ana_session_int *s, **ns;
	size_t ncap;

	if (a->nsessions == a->sesscap) {
		ncap = a->sesscap ? a->sesscap * 2 : 16;
		ns = realloc(a->sessions, ncap * sizeof(*ns));
		if (ns == NULL)
			return NULL;
		a->sessions = ns;
		a->sesscap = ncap;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->pub.id = (unsigned)a->nsessions + 1;
	s->pub.first_frame = a->frame;
	keys_params_default(&s->pub.params);
	a->sessions[a->nsessions++] = s;
	return s;
}

struct ana_session_int *
ana_session_find(struct ana *a, const uint8_t *isid, uint16_t tsih)
{
	size_t i;

	for (i = a->nsessions; i-- > 0;) {
		struct ana_session_int *s = a->sessions[i];

		if (s->pub.isid_known && s->pub.tsih == tsih &&
		    memcmp(s->pub.isid, isid, 6) == 0)
			return s;
	}
	return NULL;
}

void
ana_conn_set_session(struct ana_conn_int *c, struct ana_session_int *s)
{
	if (c->sess == s)
		return;
	c->sess = s;
	c->pub.session_id = s != NULL ? s->pub.id : 0;
	if (s != NULL)
		s->pub.nconns++;
}

/* ---- statistics ----------------------------------------------------- */

static void
count_rtt(struct ana *a, enum ana_rtt_kind k, double dt, uint64_t frame)
{
	struct ana_rtt *r = &a->stats.rtt[k];

	if (r->count == 0 || dt < r->min)
		r->min = dt;
	if (r->count == 0 || dt > r->max) {
		r->max = dt;
		r->max_frame = frame;
	}
	r->count++;
	r->sum += dt;
}

void
ana_count_rtt(struct ana *a, enum ana_rtt_kind k, double dt, uint64_t frame)
{
	count_rtt(a, k, dt, frame);
}

/* ---- accessors ------------------------------------------------------ */

const struct ana_stats *
ana_stats(const struct ana *a)
{
	return &a->stats;
}

size_t
ana_session_count(const struct ana *a)
{
	return a->nsessions;
}

const struct ana_session *
ana_session_at(const struct ana *a, size_t i)
{
	return i < a->nsessions ? &a->sessions[i]->pub : NULL;
}

size_t
ana_conn_count(const struct ana *a)
{
	return a->nconns;
}

const struct ana_conn *
ana_conn_at(const struct ana *a, size_t i)
{
	return i < a->nconns ? &a->conns[i]->pub : NULL;
}

size_t
ana_finding_count(const struct ana *a)
{
	return a->nfindings;
}

const struct ana_finding *
ana_finding_at(const struct ana *a, size_t i)
{
	return i < a->nfindings ? &a->findings[i] : NULL;
}
