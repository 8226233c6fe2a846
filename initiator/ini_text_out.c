/*
 * Outgoing Login / Text request text longer than the target takes in one
 * PDU (8192 bytes during login, RFC 7143 13.12; its MaxRecvDataSegmentLength
 * in full feature phase): kept here and sent in parts, all but the last
 * with the C bit (11.10.2, 11.12.2), each after the target's empty answer.
 * Parts end on key=value boundaries where a pair fits.
 */
#include <stdlib.h>
#include <string.h>

#include "ini_internal.h"

bool
ini_text_out_start(struct ini_text_out *o, const void *data, size_t len,
    size_t max)
{
	ini_text_out_free(o);
	if (len <= max || max == 0 || (o->buf = malloc(len)) == NULL)
		return false;
	memcpy(o->buf, data, len);
	if (text_split_init(&o->sp, o->buf, len, max, TEXT_SPLIT_PAIRS) !=
	    TEXT_OK) {
		ini_text_out_free(o);
		return false;
	}
	o->active = true;
	return true;
}

bool
ini_text_out_next(struct ini_text_out *o, const uint8_t **data, size_t *len,
    bool *more)
{
	struct text_chunk ch;

	if (!o->active || !text_split_next(&o->sp, &ch))
		return false;
	*data = o->buf + ch.off;
	*len = ch.len;
	*more = ch.more;
	return true;
}

void
ini_text_out_free(struct ini_text_out *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}
