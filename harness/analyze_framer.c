/*
 * PDU framing of one captured TCP direction: in-place decoding, one
 * buffered PDU at most, gap handling and resynchronisation.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_framer.h"
#include "bytes.h"
#include "crc32c.h"

#define BUF_MAX	(PDU_BHS_LEN + PDU_AHS_BYTES_MAX + PDU_DIGEST_LEN + \
		    PDU_DSL_MAX + 3 + PDU_DIGEST_LEN)

enum verdict { REJECT, WAIT, ACCEPT };

const char *
framer_event_text(enum framer_event ev)
{
	switch (ev) {
#define FRAMER_X_TEXT(s, t)	case FRAMER_EV_##s: return (t);
	FRAMER_EVENT_TABLE(FRAMER_X_TEXT)
#undef FRAMER_X_TEXT
	}
	return "framing event";
}

void
framer_init(struct framer *f, bool initiator, bool synced,
    const struct framer_ops *ops, void *arg)
{
	memset(f, 0, sizeof(*f));
	f->initiator = initiator;
	f->synced = synced;
	f->ops = ops;
	f->arg = arg;
}

void
framer_free(struct framer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
}

void
framer_set_digests(struct framer *f, bool header, bool data)
{
	f->dig.header = header;
	f->dig.data = data;
	f->hd_known = f->dd_known = true;
}

static void
event(struct framer *f, enum framer_event ev, uint64_t frame, uint64_t bytes,
    const uint8_t *bhs)
{
	if (f->ops->event != NULL)
		f->ops->event(f->arg, ev, frame, bytes, bhs);
}

static int
reserve(struct framer *f, size_t need)
{
	size_t ncap;
	uint8_t *nb;

	if (need <= f->cap)
		return 0;
	if (need > BUF_MAX + FRAMER_SCAN_WINDOW)
		return -1;
	ncap = f->cap != 0 ? f->cap : 4096;
	while (ncap < need)
		ncap *= 2;
	if ((nb = realloc(f->buf, ncap)) == NULL)
		return -1;
	f->buf = nb;
	f->cap = ncap;
	return 0;
}

static int
append(struct framer *f, const uint8_t *p, size_t n, uint64_t frame,
    uint64_t off)
{
	if (reserve(f, f->len + n) != 0)
		return -1;
	if (f->len == 0) {
		f->buf_frame = frame;
		f->buf_off = off;
		f->missing = 0;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

static void
consume(struct framer *f, size_t n)
{
	if (n >= f->len) {
		f->len = 0;
		return;
	}
	memmove(f->buf, f->buf + n, f->len - n);
	f->len -= n;
	f->buf_off += n;
}

/* Cheap checks on a would-be BHS. */
static bool
bhs_plausible(const struct framer *f, const uint8_t *b, uint32_t dsl_max)
{
	unsigned op = b[0] & 0x3f;

	if ((b[0] & 0x80) != 0 || !pdu_opcode_known(op))
		return false;
	if (pdu_opcode_is_initiator(op) != f->initiator)
		return false;
	if (!f->initiator && (b[0] & 0x40) != 0)	/* I bit: initiator only */
		return false;
	if (b[4] != 0 && op != PDU_OP_SCSI_CMD)
		return false;
	return get_be24(b + 5) <= dsl_max;
}

static size_t
header_len(const uint8_t *b, bool hdigest)
{
	return PDU_BHS_LEN + (size_t)b[4] * 4 + (hdigest ? PDU_DIGEST_LEN : 0);
}

static bool
data_digest_matches(const uint8_t *b, size_t hlen, uint32_t dsl)
{
	size_t dlen = dsl + PDU_PAD4(dsl);

	return crc32c(0, b + hlen, dlen) == get_le32(b + hlen + dlen);
}

/*
 * One PDU at p (synced).  Returns bytes consumed (> 0), 0 when *need
 * bytes are required, -1 when the BHS is implausible, -2 after a header
 * digest error (delivered first).
 */
static long
frame_one(struct framer *f, const uint8_t *p, size_t avail, bool at_end,
    uint64_t first_frame, uint64_t frame, uint64_t off, uint64_t missing,
    size_t *need)
{
	struct pdu_digest_opts d = f->dig;
	struct framer_pdu_info info;
	struct pdu pdu;
	struct pdu_error err;
	uint32_t dsl;
	size_t wl, hlen;
	bool dd_unknown = false;
	int rc;

	*need = PDU_BHS_LEN;
	if (avail < PDU_BHS_LEN)
		return 0;
	if (!bhs_plausible(f, p, PDU_DSL_MAX))
		return -1;
	dsl = get_be24(p + 5);
	wl = pdu_wire_len(p, &d);
	hlen = header_len(p, d.header);
	if (!f->dd_known && dsl > 0 && !d.data && missing == 0) {
		*need = wl + PDU_DIGEST_LEN;
		if (avail >= wl + PDU_DIGEST_LEN) {
			f->dd_known = true;
			if (data_digest_matches(p, hlen, dsl)) {
				f->dig.data = d.data = true;
				wl += PDU_DIGEST_LEN;
				event(f, FRAMER_EV_DIGESTS, frame, 0, p);
			}
		} else if (!at_end)
			return 0;
		else
			dd_unknown = true;
	}
	*need = wl;
	if (avail < wl)
		return 0;
	if (missing > 0)
		d.data = false;		/* zero-filled: nothing to check */
	rc = pdu_decode(p, wl, &d, &pdu, &err);
	memset(&info, 0, sizeof(info));
	info.first_frame = first_frame;
	info.last_frame = frame;
	info.stream_off = off;
	info.missing = missing;
	info.data_digest_unknown = dd_unknown || (!f->dd_known && dsl > 0);
	f->pdus++;
	f->ops->pdu(f->arg, &pdu, &err, &info);
	if (rc == PDU_EHDIGEST)
		return -2;
	return (long)wl;
}

/* Try a BHS candidate while scanning. */
static enum verdict
try_candidate(struct framer *f, const uint8_t *b, size_t avail, bool at_end,
    struct pdu_digest_opts *out, bool *detected)
{
	struct pdu_digest_opts d = f->dig;
	struct pdu pdu;
	uint32_t dsl;
	size_t hlen, wl;

	*detected = false;
	if (!bhs_plausible(f, b, FRAMER_SCAN_DSL_MAX))
		return REJECT;
	hlen = header_len(b, false);
	if (avail < hlen + PDU_DIGEST_LEN)
		return at_end ? REJECT : WAIT;
	if (f->hd_known) {
		if (d.header && crc32c(0, b, hlen) != get_le32(b + hlen))
			return REJECT;
	} else {
		d.header = crc32c(0, b, hlen) == get_le32(b + hlen);
		*detected = true;
	}
	dsl = get_be24(b + 5);
	wl = pdu_wire_len(b, &d);
	hlen = header_len(b, d.header);
	if (!f->dd_known && dsl > 0) {
		if (avail < wl + PDU_DIGEST_LEN)
			return at_end ? REJECT : WAIT;
		d.data = data_digest_matches(b, hlen, dsl);
		*detected = true;
		wl = pdu_wire_len(b, &d);
	}
	if (avail < wl + PDU_BHS_LEN && !at_end)
		return WAIT;
	if (avail < wl)
		return REJECT;
	if (pdu_decode(b, wl, &d, &pdu, NULL) != PDU_OK)
		return REJECT;
	if (avail >= wl + PDU_BHS_LEN &&
	    !bhs_plausible(f, b + wl, FRAMER_SCAN_DSL_MAX))
		return REJECT;
	*out = d;
	return ACCEPT;
}

/* Unsynced: look for a BHS in the buffer. */
static void
scan(struct framer *f, uint64_t frame, bool at_end)
{
	struct pdu_digest_opts d;
	size_t i;
	bool detected;

	for (i = 0; i + PDU_BHS_LEN <= f->len; i++) {
		switch (try_candidate(f, f->buf + i, f->len - i, at_end, &d,
		    &detected)) {
		case REJECT:
			continue;
		case WAIT:
			if (i > 0) {
				f->discarded += i;
				event(f, FRAMER_EV_DISCARD, frame, i, NULL);
				consume(f, i);
			}
			return;
		case ACCEPT:
			f->synced = true;
			f->resyncs++;
			if (detected) {
				bool was_h = f->hd_known;

				f->dig.header = d.header;
				f->hd_known = true;
				if (d.data) {
					f->dig.data = true;
					f->dd_known = true;
				} else if (get_be24(f->buf + i + 5) > 0)
					f->dd_known = true;
				if (!was_h)
					event(f, FRAMER_EV_DIGESTS, frame, 0,
					    f->buf + i);
			}
			event(f, FRAMER_EV_RESYNC, frame, i, f->buf + i);
			if (i > 0) {
				f->discarded += i;
				consume(f, i);
			}
			return;
		}
	}
	/* nothing: keep a possible BHS prefix */
	i = at_end ? f->len : (f->len >= PDU_BHS_LEN ? f->len - (PDU_BHS_LEN - 1) : 0);
	if (i > 0) {
		f->discarded += i;
		event(f, FRAMER_EV_DISCARD, frame, i, NULL);
		consume(f, i);
	}
}

static void
lose_sync(struct framer *f, enum framer_event ev, uint64_t frame,
    const uint8_t *bhs)
{
	f->synced = false;
	event(f, ev, frame, 0, bhs);
}

/* Frame what the buffer holds; returns when it needs more bytes. */
static void
process_buffer(struct framer *f, uint64_t frame, bool at_end)
{
	size_t need;
	long r;

	for (;;) {
		if (!f->synced) {
			scan(f, frame, at_end);
			if (!f->synced)
				return;
		}
		if (f->len == 0)
			return;
		r = frame_one(f, f->buf, f->len, at_end, f->buf_frame, frame,
		    f->buf_off, f->missing, &need);
		if (r == 0)
			return;
		if (r > 0) {
			consume(f, (size_t)r);
			f->missing = 0;
			f->buf_frame = frame;
			continue;
		}
		lose_sync(f, r == -1 ? FRAMER_EV_LOST_HEADER :
		    FRAMER_EV_LOST_HDIGEST, frame, f->buf);
		consume(f, 1);
		f->missing = 0;
	}
}

/* Bytes the buffered (synced) PDU needs before it can be framed. */
static size_t
buffered_need(const struct framer *f)
{
	size_t wl;

	if (f->len < PDU_BHS_LEN || !bhs_plausible(f, f->buf, PDU_DSL_MAX))
		return PDU_BHS_LEN;
	wl = pdu_wire_len(f->buf, &f->dig);
	if (!f->dd_known && !f->dig.data && get_be24(f->buf + 5) > 0 &&
	    f->missing == 0)
		wl += PDU_DIGEST_LEN;
	return wl;
}

int
framer_feed(struct framer *f, const uint8_t *p, size_t n, uint64_t frame)
{
	size_t need, take;
	long r;

	f->stream_off += n;
	while (n > 0) {
		if (f->synced && f->len == 0) {
			/* in place: no copy for PDUs inside this chunk */
			r = frame_one(f, p, n, false, frame, frame,
			    f->stream_off - n, 0, &need);
			if (r > 0) {
				p += r;
				n -= (size_t)r;
				continue;
			}
			if (r == 0)
				return append(f, p, n, frame, f->stream_off - n);
			lose_sync(f, r == -1 ? FRAMER_EV_LOST_HEADER :
			    FRAMER_EV_LOST_HDIGEST, frame, p);
			p++;
			n--;
			continue;
		}
		if (!f->synced)
			take = n;
		else {
			need = buffered_need(f);
			take = need > f->len ? need - f->len : 1;
			if (take > n)
				take = n;
		}
		if (append(f, p, take, frame, f->stream_off - n) != 0)
			return -1;
		p += take;
		n -= take;
		process_buffer(f, frame, false);
	}
	return 0;
}

void
framer_gap(struct framer *f, uint64_t len, uint64_t frame)
{
	size_t hlen, wl;

	f->stream_off += len;
	if (f->synced && f->len >= PDU_BHS_LEN) {
		hlen = header_len(f->buf, f->dig.header);
		wl = pdu_wire_len(f->buf, &f->dig);
		if (f->len >= hlen && (f->dd_known || get_be24(f->buf + 5) == 0) &&
		    f->len + len <= wl && reserve(f, wl) == 0) {
			memset(f->buf + f->len, 0, (size_t)len);
			f->len += (size_t)len;
			f->missing += len;
			process_buffer(f, frame, false);
			return;
		}
	}
	if (f->synced) {
		f->synced = false;
		event(f, FRAMER_EV_LOST_GAP, frame, f->len, f->len >=
		    PDU_BHS_LEN ? f->buf : NULL);
	} else if (f->len > 0) {
		f->discarded += f->len;
		event(f, FRAMER_EV_DISCARD, frame, f->len, NULL);
	}
	f->len = 0;
	f->missing = 0;
}

void
framer_end(struct framer *f, uint64_t frame)
{
	if (f->len > 0)
		process_buffer(f, frame, true);
	if (f->len > 0) {
		if (f->synced)
			event(f, FRAMER_EV_TRUNC_END, frame, f->len,
			    f->len >= PDU_BHS_LEN ? f->buf : NULL);
		else {
			f->discarded += f->len;
			event(f, FRAMER_EV_DISCARD, frame, f->len, NULL);
		}
		f->len = 0;
	}
}
