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

void
tdata_send_in(struct tconn *tc, uint32_t itt, uint64_t lun_raw,
    const uint8_t *data, uint32_t len, const struct lun_result *res,
    const struct tresid *rs)
{
	struct tsession *s = tc->sess;
	uint32_t mb = s->sp.max_burst_length, mrdsl = tc->max_send_dsl;
	uint32_t off = 0, burst = 0, datasn = 0, n;
	bool collapse = res->status == SCSI_STATUS_GOOD && res->sense_len == 0;
	struct pdu p;

	if (mb == 0)
		mb = 262144;
	if (mrdsl == 0)
		mrdsl = 8192;
	while (off < len && tc->ic.state == ICONN_UP) {
		bool last, end;

		n = len - off;
		if (n > mrdsl)
			n = mrdsl;
		if (n > mb - burst)
			n = mb - burst;
		last = off + n == len;
		end = last || burst + n == mb;
		pdu_init(&p, PDU_OP_DATA_IN);
		p.itt = itt;
		p.lun = lun_raw;
		p.final = end;			/* 11.7.1: end of a sequence */
		p.u.data_in.ttt = PDU_TAG_RESERVED;
		p.u.data_in.datasn = datasn++;
		p.u.data_in.buffer_offset = off;
		pdu_set_data(&p, data + off, n);
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
		off += n;
		burst = end ? 0 : burst + n;
	}
	tc->t->stats.data_in_bytes += len;
	if (!collapse)
		tscsi_send_status(tc, itt, res, rs);
}
