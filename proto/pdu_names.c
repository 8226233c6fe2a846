/* Names of the PDU constants and codec results, generated from pdu.h tables. */
#include <stdarg.h>
#include <stdio.h>

#include "pdu_layout.h"

struct pdu_name {
	unsigned	 value;
	const char	*text;
};

#define PDU_X_NAME(v, s, t)	{ (v), (t) },

static const struct pdu_name opcode_names[] = { PDU_OPCODE_TABLE(PDU_X_NAME) };
static const struct pdu_name ahs_names[] = { PDU_AHS_TYPE_TABLE(PDU_X_NAME) };
static const struct pdu_name scsi_resp_names[] = { PDU_SCSI_RESP_TABLE(PDU_X_NAME) };
static const struct pdu_name stage_names[] = { PDU_STAGE_TABLE(PDU_X_NAME) };

#define PDU_X_STATUS_TEXT(s, c, t)	(t),
#define PDU_X_STATUS_CLASS(s, c, t)	PDU_CLASS_##c,

static const char *const status_text[] = { PDU_STATUS_TABLE(PDU_X_STATUS_TEXT) };
static const enum pdu_class status_class[] =
    { PDU_STATUS_TABLE(PDU_X_STATUS_CLASS) };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
name_find(const struct pdu_name *t, size_t n, unsigned value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].text;
	return NULL;
}

#define NAME_FN(fn, table)						\
const char *								\
fn(unsigned v)								\
{									\
	return name_find(table, NELEM(table), v);			\
}

NAME_FN(pdu_opcode_name, opcode_names)
NAME_FN(pdu_ahs_type_name, ahs_names)
NAME_FN(pdu_scsi_resp_name, scsi_resp_names)
NAME_FN(pdu_stage_name, stage_names)

bool
pdu_opcode_known(unsigned opcode)
{
	return pdu_opcode_name(opcode) != NULL;
}

bool
pdu_opcode_is_initiator(unsigned opcode)
{
	return (opcode & 0x3f) < 0x20;
}

const char *
pdu_strerror(int status)
{
	if (status < 0 || (size_t)status >= NELEM(status_text))
		return "unknown PDU status";
	return status_text[status];
}

enum pdu_class
pdu_status_class(int status)
{
	if (status < 0 || (size_t)status >= NELEM(status_class))
		return PDU_CLASS_FRAMING;
	return status_class[status];
}

int
pdu_fail(struct pdu_error *err, enum pdu_status code, const char *field,
    uint64_t value, uint64_t expected, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->field = field;
	err->value = value;
	err->expected = expected;
	if (code == PDU_OK) {
		/* the common case: no message to format (receive fast path) */
		err->msg[0] = '\0';
		return code;
	}
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
