/*
 * Documented events: one evrec per condition, with the session and
 * connection identifiers and the additional dump data that
 * docs/event-record.md gives for the event ID, handed to the node's sink.
 */
#include <string.h>

#include "ini_internal.h"

static bool
ev_begin(struct ini_node *n, struct evrec *ev, unsigned id,
    const struct ini_session *s, const struct ini_conn *c, uint32_t status)
{
	if (evrec_init(ev, id) != EVREC_OK)
		return false;
	if (s != NULL)
		evrec_set_session(ev, s->id);
	if (c != NULL)
		evrec_set_connection(ev, c->id);
	evrec_set_status(ev, status);
	(void)n;
	return true;
}

static void
ev_emit(struct ini_node *n, struct evrec *ev, unsigned id)
{
	if (id < 128)
		n->ev_count[id]++;
	if (n->sink != NULL)
		n->sink(n->sink_arg, ev);
	evrec_free(ev);
}

void
ini_ev_simple(struct ini_node *n, const struct ini_session *s,
    const struct ini_conn *c, unsigned id, uint32_t status)
{
	struct evrec ev;

	if (ev_begin(n, &ev, id, s, c, status))
		ev_emit(n, &ev, id);
}

void
ini_ev_bytes(struct ini_node *n, const struct ini_session *s,
    const struct ini_conn *c, unsigned id, uint32_t status, const void *data,
    size_t len)
{
	struct evrec ev;

	if (!ev_begin(n, &ev, id, s, c, status))
		return;
	if (len > EVREC_DATA_MAX)
		len = EVREC_DATA_MAX;
	if (len > 0)
		evrec_add_bytes(&ev, data, len);
	ev_emit(n, &ev, id);
}

void
ini_ev_pair(struct ini_node *n, const struct ini_session *s,
    const struct ini_conn *c, unsigned id, uint32_t a, uint32_t b)
{
	struct evrec ev;

	if (!ev_begin(n, &ev, id, s, c, 0))
		return;
	evrec_add_u32(&ev, a);
	evrec_add_u32(&ev, b);
	ev_emit(n, &ev, id);
}

/* Events of kind "status": the NTSTATUS word, also in FinalStatus. */
void
ini_ev_status(struct ini_node *n, const struct ini_session *s,
    const struct ini_conn *c, unsigned id, uint32_t status)
{
	struct evrec ev;

	if (!ev_begin(n, &ev, id, s, c, status))
		return;
	evrec_add_u32(&ev, status);
	ev_emit(n, &ev, id);
}

void
ini_ev_ipport(struct ini_node *n, const struct ini_session *s,
    const struct ini_conn *c, const struct netaddr *a, int err)
{
	struct evrec ev;

	if (!ev_begin(n, &ev, ISCSI_EV_CONNECT_FAILED, s, c,
	    catalog_ntstatus_from_errno(err)))
		return;
	evrec_add_ipport(&ev, (const struct sockaddr *)&a->ss);
	ev_emit(n, &ev, ISCSI_EV_CONNECT_FAILED);
}

/*
 * Events 35/36: the seed puts the secret in the dump; we never do (STYLE,
 * docs/chap.md).  No additional data; UniqueErrorValue holds the length.
 */
void
ini_ev_secret_short(struct ini_node *n, unsigned id, size_t len)
{
	struct evrec ev;

	if (!ev_begin(n, &ev, id, NULL, NULL, ISDSC_SHORT_CHAP_SECRET))
		return;
	ev.ev_unique_error_value = (uint32_t)len;
	ev_emit(n, &ev, id);
}

void
ini_ev_service(struct ini_node *n, unsigned id, uint32_t status,
    const char *s1, const char *s2, const char *s3)
{
	struct evrec ev;

	if (!ev_begin(n, &ev, id, NULL, NULL, status))
		return;
	if (s1 != NULL)
		evrec_add_insert(&ev, s1);
	if (s2 != NULL)
		evrec_add_insert(&ev, s2);
	if (s3 != NULL)
		evrec_add_insert(&ev, s3);
	ev_emit(n, &ev, id);
}

void
ini_ev_pdu(struct ini_node *n, const struct ini_session *s,
    const struct ini_conn *c, unsigned id, uint32_t status,
    const struct pdu *p, bool whole)
{
	const uint8_t *b = p->wire;
	size_t len = p->wire_len;

	if (b == NULL && c != NULL && c->ic.rx.buf != NULL) {
		/* decode stopped before framing the data: the header is there */
		b = c->ic.rx.buf;
		len = c->ic.rx.hdr_end;
	}
	if (b == NULL) {
		ini_ev_simple(n, s, c, id, status);
		return;
	}
	if (!whole && len > PDU_BHS_LEN)
		len = PDU_BHS_LEN;
	ini_ev_bytes(n, s, c, id, status, b, len);
}
