/*
 * Holding PDUs for the fault actions: received PDUs kept and processed
 * later (stall, delay, in order), outgoing PDUs held during a stall or
 * sent after a delay.
 */
#include <stdlib.h>
#include <string.h>

#include "tsim_impl.h"

void
tconn_free_held(struct tconn *tc)
{
	while (tc->held != NULL) {
		struct theld *h = tc->held;

		tc->held = h->next;
		free(h->buf);
		free(h);
	}
	tc->held_tail = &tc->held;
	while (tc->txhold != NULL) {
		struct tdelayed *d = tc->txhold;

		tc->txhold = d->next;
		evtimer_disarm(tc->t->loop, &d->tm);
		free(d->buf);
		free(d);
	}
	tc->txhold_tail = &tc->txhold;
	while (tc->delayed != NULL) {
		struct tdelayed *d = tc->delayed;

		tc->delayed = d->next;
		evtimer_disarm(tc->t->loop, &d->tm);
		free(d->buf);
		free(d);
	}
}

static void
delayed_fire(struct evloop *l, void *arg)
{
	struct tdelayed *d = arg, **pp;
	struct tconn *tc = d->tc;

	(void)l;
	for (pp = &tc->delayed; *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	if (tc->ic.state == ICONN_UP)
		iconn_send_raw(&tc->ic, d->buf, d->len);
	free(d->buf);
	free(d);
}

int
tconn_send_delayed(struct tconn *tc, const uint8_t *buf, size_t len,
    uint64_t delay_ns)
{
	struct tdelayed *d = calloc(1, sizeof(*d));

	if (d == NULL || (d->buf = malloc(len ? len : 1)) == NULL) {
		free(d);
		return -1;
	}
	memcpy(d->buf, buf, len);
	d->len = len;
	d->tc = tc;
	evtimer_init(&d->tm, delayed_fire, d);
	/* a delayed PDU does not hold the others */
	d->next = tc->delayed;
	tc->delayed = d;
	evtimer_arm(tc->t->loop, &d->tm, delay_ns);
	return 0;
}

void
tconn_hold_tx_until(struct tconn *tc, uint64_t until_ns)
{
	if (until_ns > tc->stall_until)
		tc->stall_until = until_ns;
	evtimer_arm_at(tc->t->loop, &tc->stall_tm, tc->stall_until);
}

int
theld_copy(struct theld *h, const struct pdu *p)
{
	size_t n = (size_t)p->data_len + p->ext_cdb_len;

	if ((h->buf = malloc(n ? n : 1)) == NULL)
		return -1;
	h->p = *p;
	if (p->data_len > 0)
		memcpy(h->buf, p->data, p->data_len);
	if (p->ext_cdb_len > 0)
		memcpy(h->buf + p->data_len, p->ext_cdb, p->ext_cdb_len);
	h->p.data = h->buf;
	h->p.ext_cdb = p->ext_cdb_len ? h->buf + p->data_len : NULL;
	h->p.ahs_count = 0;
	memset(h->bhs, 0, sizeof(h->bhs));
	if (p->wire != NULL && p->wire_len >= PDU_BHS_LEN)
		memcpy(h->bhs, p->wire, PDU_BHS_LEN);
	h->p.wire = h->bhs;
	h->p.wire_len = PDU_BHS_LEN;
	return 0;
}

int
tconn_hold_rx(struct tconn *tc, const struct pdu *p, bool digest_error,
    uint64_t until_ns)
{
	struct theld *h = calloc(1, sizeof(*h));

	if (h == NULL || theld_copy(h, p) != 0) {
		free(h);
		return -1;
	}
	h->digest_error = digest_error;
	*tc->held_tail = h;
	tc->held_tail = &h->next;
	iconn_pause_rx(&tc->ic, true);
	if (until_ns > 0 && (!evtimer_armed(&tc->stall_tm) ||
	    until_ns > tc->stall_tm.deadline))
		evtimer_arm_at(tc->t->loop, &tc->stall_tm, until_ns);
	return 0;
}

void
tconn_stall_end(struct evloop *l, void *arg)
{
	struct tconn *tc = arg;
	if (evloop_now(l) < tc->stall_until) {
		evtimer_arm_at(l, &tc->stall_tm, tc->stall_until);
		return;
	}
	tc->stall_until = 0;
	/* outgoing PDUs held by the stall, in order */
	while (tc->txhold != NULL) {
		struct tdelayed *d = tc->txhold;

		tc->txhold = d->next;
		if (tc->ic.state == ICONN_UP)
			iconn_send_raw(&tc->ic, d->buf, d->len);
		free(d->buf);
		free(d);
	}
	tc->txhold_tail = &tc->txhold;
	/* received PDUs held, then reading again */
	while (tc->held != NULL && tc->ic.state == ICONN_UP && !tc->closing &&
	    !evtimer_armed(&tc->stall_tm)) {
		struct theld *h = tc->held;
		struct pdu_error e;

		tc->held = h->next;
		if (tc->held == NULL)
			tc->held_tail = &tc->held;
		memset(&e, 0, sizeof(e));
		e.code = h->digest_error ? PDU_EDDIGEST : PDU_OK;
		tconn_dispatch(tc, &h->p, &e);
		free(h->buf);
		free(h);
	}
	if (tc->held == NULL && tc->ic.state == ICONN_UP && !tc->closing &&
	    !evtimer_armed(&tc->stall_tm))
		iconn_pause_rx(&tc->ic, false);
}

