/*
 * Login and Text Responses longer than the initiator may receive (RFC
 * 7143 6.1.1 long text, 11.11.2 / 11.13.2 C bit): the response, as the
 * fault engine left it, is sent in pieces of at most the initiator's
 * MaxRecvDataSegmentLength (during login the 8192-byte default, or less
 * when it declared less), each piece but the last with C=1 (a Login
 * Response piece then has T=0, a Text Response piece F=0 and a Target
 * Transfer Tag).  The initiator asks for each next piece with an empty
 * Login/Text Request; tlogin.c and ttext.c call tconn_long_next().  The
 * last Login Response piece sets T=1 only when that request did too.
 * Pieces end after a key=value NUL where one fits; a pair longer than a
 * piece is cut (the initiator joins the text before parsing it).
 */
#include <stdlib.h>
#include <string.h>

#include "tsim_impl.h"

#define TCONN_LOGIN_DSL	8192	/* RFC 7143 13.12 default, used in login */

struct tconn_long {
	struct pdu		 hdr;	/* the whole response, data excluded */
	struct pdu_digest_opts	 d;	/* digests of the first piece */
	uint8_t			*buf;
	size_t			 len, off;
	uint32_t		 ttt;	/* Text: the tag of the last piece */
};

uint32_t
tconn_text_limit(const struct tconn *tc)
{
	uint32_t lim = tc->max_send_dsl ? tc->max_send_dsl : TCONN_LOGIN_DSL;

	if (tc->state == TC_XPT_UP) {
		const struct tlogin *lg = tc->login;

		lim = TCONN_LOGIN_DSL;
		if (lg != NULL && (lg->neg.received &
		    KEYS_BIT(KEYS_MAX_RECV_DATA_SEGMENT_LENGTH)) &&
		    lg->neg.params.c.max_send_dsl >= 512 &&
		    lg->neg.params.c.max_send_dsl < lim)
			lim = lg->neg.params.c.max_send_dsl;
	}
	return lim;
}

bool
tconn_long_pending(const struct tconn *tc)
{
	return tc->lrsp != NULL;
}

uint32_t
tconn_long_ttt(const struct tconn *tc)
{
	return tc->lrsp != NULL ? tc->lrsp->ttt : PDU_TAG_RESERVED;
}

uint32_t
tconn_long_itt(const struct tconn *tc)
{
	return tc->lrsp != NULL ? tc->lrsp->hdr.itt : PDU_TAG_RESERVED;
}

void
tconn_long_free(struct tconn *tc)
{
	if (tc->lrsp == NULL)
		return;
	free(tc->lrsp->buf);
	free(tc->lrsp);
	tc->lrsp = NULL;
}

/*
 * Send the next piece; the first one with the digests the faults chose.
 * A Login Response piece keeps T=1 (and a new TSIH) for the last piece
 * only, and only when transit_ok: 11.13.3, T=1 never answers T=0.
 */
static int
send_piece(struct tconn *tc, bool first, bool transit_ok)
{
	struct tconn_long *lr = tc->lrsp;
	size_t left = lr->len - lr->off, n = left, max = tconn_text_limit(tc);
	struct pdu p = lr->hdr;
	bool more;
	int rc;

	if (n > max) {
		n = max;
		while (n > 0 && lr->buf[lr->off + n - 1] != '\0')
			n--;
		if (n == 0)
			n = max;	/* one pair longer than a piece */
	}
	more = n < left;
	if (!first)
		tconn_stamp(tc, &p, true);
	if (p.opcode == PDU_OP_LOGIN_RSP) {
		p.u.login_rsp.cont = more;
		if (more || !transit_ok) {	/* 11.13.2: C=1 has T=0 */
			p.u.login_rsp.transit = false;
			p.u.login_rsp.nsg = 0;
			if (tc->login != NULL)
				p.u.login_rsp.tsih = tc->login->tsih_req;
		}
	} else {
		p.u.text_rsp.cont = more;
		p.final = more ? false : lr->hdr.final;
		if (more) {		/* 11.11.4: a tag to continue with */
			struct tsession *s = tc->sess;

			do
				lr->ttt = s != NULL ? s->next_ttt++ : lr->ttt + 1;
			while (lr->ttt == PDU_TAG_RESERVED);
		}
		p.u.text_rsp.ttt = more ? lr->ttt : lr->hdr.u.text_rsp.ttt;
	}
	pdu_set_data(&p, lr->buf + lr->off, (uint32_t)n);
	lr->off += n;
	rc = tconn_send_plain(tc, &p, first ? &lr->d : NULL);
	if (!more)
		tconn_long_free(tc);
	return rc;
}

int
tconn_long_send(struct tconn *tc, const struct pdu *p,
    const struct pdu_digest_opts *d)
{
	struct tconn_long *lr;

	tconn_long_free(tc);
	if ((lr = calloc(1, sizeof(*lr))) == NULL ||
	    (lr->buf = malloc(p->data_len)) == NULL) {
		free(lr);
		return -1;
	}
	lr->hdr = *p;
	pdu_set_data(&lr->hdr, NULL, 0);
	lr->d = *d;
	memcpy(lr->buf, p->data, p->data_len);
	lr->len = p->data_len;
	tc->lrsp = lr;
	return send_piece(tc, true, true);
}

bool
tconn_long_next(struct tconn *tc, bool transit_ok)
{
	if (tc->lrsp == NULL)
		return true;
	send_piece(tc, false, transit_ok);
	return tc->lrsp == NULL;
}
