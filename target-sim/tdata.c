/*
 * Tasks of a session and Data-In (RFC 7143 11.7): sequences of at most
 * MaxBurstLength in PDUs of at most the initiator's
 * MaxRecvDataSegmentLength, the status in the last Data-In when it can
 * go there.  Write data (immediate, unsolicited, R2T): tdata_out.c.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "scsi.h"
#include "tsim_impl.h"

/* ---- tasks -------------------------------------------------------------- */

struct ttask *
ttask_find(struct tsession *s, uint32_t itt)
{
	struct ttask *k;

	for (k = s->tasks; k != NULL; k = k->next)
		if (k->itt == itt)
			return k;
	return NULL;
}

void
ttask_unlink(struct ttask *k)
{
	struct ttask **pp;

	for (pp = &k->sess->tasks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
}

void
ttask_free(struct ttask *k)
{
	free(k->buf);
	free(k->r2ts);
	free(k);
}

unsigned
ttask_abort_all(struct tsession *s, const uint64_t *lun_raw,
    const struct tconn *only)
{
	struct ttask **pp = &s->tasks;
	unsigned n = 0;

	while (*pp != NULL) {
		struct ttask *k = *pp;

		if ((lun_raw == NULL || k->lun_raw == *lun_raw) &&
		    (only == NULL || k->tc == only)) {
			*pp = k->next;
			ttask_free(k);
			n++;
		} else
			pp = &k->next;
	}
	return n;
}

/* ---- Data-In ------------------------------------------------------------ */

/* One Data-In PDU to send: bytes [off, off + len), F at a sequence end. */
struct tpiece {
	uint32_t	 off, len;
	uint32_t	 seq;		/* sequence number, in offset order */
};

static void
send_piece(struct tconn *tc, uint32_t itt, uint64_t lun_raw,
    const uint8_t *data, const struct tpiece *pc, bool end, bool last,
    bool collapse, uint32_t datasn, const struct lun_result *res,
    const struct tresid *rs)
{
	struct pdu p;

	pdu_init(&p, PDU_OP_DATA_IN);
	p.itt = itt;
	p.lun = lun_raw;
	p.final = end;			/* 11.7.1: end of a sequence */
	p.u.data_in.ttt = PDU_TAG_RESERVED;
	p.u.data_in.datasn = datasn;	/* in sending order (11.7.5) */
	p.u.data_in.buffer_offset = pc->off;
	pdu_set_data(&p, data + pc->off, pc->len);
	if (last && collapse) {
		p.u.data_in.status_present = true;
		p.u.data_in.status = res->status;
		if (rs->residual > 0) {
			p.u.data_in.overflow = rs->overflow;
			p.u.data_in.underflow = !rs->overflow;
			p.u.data_in.residual = rs->residual;
		}
	}
	tconn_send(tc, &p, last && collapse);
}

/* xorshift32: a fixed sequence per command, so runs repeat. */
static uint32_t
next_rand(uint32_t *st)
{
	uint32_t x = *st;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *st = x;
}

/*
 * Shuffle a[0..n) (Fisher-Yates); never left in order when n > 1, so a
 * test of the No setting always sees something out of order.
 */
static void
shuffle(struct tpiece *a, size_t n, uint32_t *st)
{
	size_t i, j;
	bool moved = false;
	struct tpiece t;

	for (i = n; i > 1; i--) {
		j = next_rand(st) % i;
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
	for (i = 1; i < n && !moved; i++)
		moved = a[i].off < a[i - 1].off;
	if (n > 1 && !moved) {
		t = a[0];
		a[0] = a[1];
		a[1] = t;
	}
}

/*
 * DataPDUInOrder=No / DataSequenceInOrder=No (RFC 7143 13.18, 13.19):
 * the same PDUs and sequences as in order, sent in a seeded order: the
 * sequences shuffled (sequence order No), the PDUs of each sequence
 * shuffled (PDU order No).  DataSN counts in sending order, F marks the
 * last PDU sent of each sequence, the status goes in the last one sent.
 */
static int
send_out_of_order(struct tconn *tc, uint32_t itt, uint64_t lun_raw,
    const uint8_t *data, uint32_t len, uint32_t mb, uint32_t mrdsl,
    bool collapse, const struct lun_result *res, const struct tresid *rs)
{
	const struct keys_session_params *sp = &tc->sess->sp;
	uint32_t nseq = (len + mb - 1) / mb, per = (mb + mrdsl - 1) / mrdsl;
	uint32_t st = itt * 2654435761u ^ tc->sess->tsih ^ 0x5eed, q, k;
	struct tpiece *pcs, *seqs;
	size_t n = 0, i, first;
	uint32_t datasn = 0;

	if ((pcs = calloc((size_t)nseq * per, sizeof(*pcs))) == NULL ||
	    (seqs = calloc(nseq, sizeof(*seqs))) == NULL) {
		free(pcs);
		return -1;
	}
	if (st == 0)
		st = 1;
	for (q = 0; q < nseq; q++) {		/* sequences in offset order */
		seqs[q].seq = q;
		seqs[q].off = q * mb;
		seqs[q].len = len - seqs[q].off < mb ? len - seqs[q].off : mb;
	}
	if (!sp->data_sequence_in_order)
		shuffle(seqs, nseq, &st);
	for (q = 0; q < nseq; q++) {
		first = n;
		for (k = 0; k < seqs[q].len; k += mrdsl) {
			pcs[n].seq = seqs[q].seq;
			pcs[n].off = seqs[q].off + k;
			pcs[n].len = seqs[q].len - k < mrdsl ? seqs[q].len - k :
			    mrdsl;
			n++;
		}
		if (!sp->data_pdu_in_order)
			shuffle(pcs + first, n - first, &st);
	}
	for (i = 0; i < n && tc->ic.state == ICONN_UP; i++)
		send_piece(tc, itt, lun_raw, data, &pcs[i], i + 1 == n ||
		    pcs[i + 1].seq != pcs[i].seq, i + 1 == n, collapse,
		    datasn++, res, rs);
	free(pcs);
	free(seqs);
	return 0;
}

void
tdata_send_in(struct tconn *tc, uint32_t itt, uint64_t lun_raw,
    const uint8_t *data, uint32_t len, const struct lun_result *res,
    const struct tresid *rs)
{
	struct tsession *s = tc->sess;
	uint32_t mb = s->sp.max_burst_length, mrdsl = tc->max_send_dsl;
	uint32_t off = 0, burst = 0, datasn = 0;
	bool collapse = res->status == SCSI_STATUS_GOOD && res->sense_len == 0;
	struct tpiece pc;

	if (mb == 0)
		mb = 262144;
	if (mrdsl == 0)
		mrdsl = 8192;
	if ((!s->sp.data_pdu_in_order || !s->sp.data_sequence_in_order) &&
	    send_out_of_order(tc, itt, lun_raw, data, len, mb, mrdsl, collapse,
	    res, rs) == 0)
		off = len;
	while (off < len && tc->ic.state == ICONN_UP) {
		bool last, end;

		pc.off = off;
		pc.len = len - off;
		if (pc.len > mrdsl)
			pc.len = mrdsl;
		if (pc.len > mb - burst)
			pc.len = mb - burst;
		last = off + pc.len == len;
		end = last || burst + pc.len == mb;
		send_piece(tc, itt, lun_raw, data, &pc, end, last, collapse,
		    datasn++, res, rs);
		off += pc.len;
		burst = end ? 0 : burst + pc.len;
	}
	tc->t->stats.data_in_bytes += len;
	if (!collapse)
		tscsi_send_status(tc, itt, res, rs);
}
