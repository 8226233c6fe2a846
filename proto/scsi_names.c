/*
 * Names of the SCSI constants (scsi_*.def tables), CDB length by group
 * code (SPC-4 4.2.5.1) and parser error text.
 */
#include <stdarg.h>
#include <stdio.h>

#include "scsi_impl.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct scsi_name {
	uint8_t		 value;
	const char	*text;
};

static const struct scsi_name opcodes[] = {
#define SCSI_OP(v, name, text)		{ (v), (text) },
#include "scsi_opcodes.def"
#undef SCSI_OP
};

static const struct scsi_name statuses[] = {
#define SCSI_STATUS(v, name, text)	{ (v), (text) },
#include "scsi_status.def"
#undef SCSI_STATUS
};

static const struct scsi_name sense_keys[] = {
#define SCSI_SENSE_KEY(v, name, text)	{ (v), (text) },
#include "scsi_sense_keys.def"
#undef SCSI_SENSE_KEY
};

struct scsi_asc_entry {
	uint8_t		 asc, ascq;
	const char	*name;
	const char	*text;
};

static const struct scsi_asc_entry ascs[] = {
#define SCSI_ASC(asc, ascq, name, text)	{ (asc), (ascq), #name, (text) },
#include "scsi_asc.def"
#undef SCSI_ASC
};

static const struct scsi_name pr_types[] = {
	{ SCSI_PR_WRITE_EXCLUSIVE,	"WRITE EXCLUSIVE" },
	{ SCSI_PR_EXCLUSIVE_ACCESS,	"EXCLUSIVE ACCESS" },
	{ SCSI_PR_WRITE_EXCLUSIVE_RO,	"WRITE EXCLUSIVE - REGISTRANTS ONLY" },
	{ SCSI_PR_EXCLUSIVE_ACCESS_RO,	"EXCLUSIVE ACCESS - REGISTRANTS ONLY" },
	{ SCSI_PR_WRITE_EXCLUSIVE_AR,	"WRITE EXCLUSIVE - ALL REGISTRANTS" },
	{ SCSI_PR_EXCLUSIVE_ACCESS_AR,	"EXCLUSIVE ACCESS - ALL REGISTRANTS" },
};

static const char *
name_lookup(const struct scsi_name *t, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].text;
	return NULL;
}

const char *
scsi_opcode_name(uint8_t opcode)
{
	return name_lookup(opcodes, NELEM(opcodes), opcode);
}

const char *
scsi_status_name(uint8_t status)
{
	return name_lookup(statuses, NELEM(statuses), status);
}

const char *
scsi_sense_key_name(uint8_t key)
{
	return name_lookup(sense_keys, NELEM(sense_keys), key);
}

const char *
scsi_pr_type_name(uint8_t type)
{
	return name_lookup(pr_types, NELEM(pr_types), type);
}

const char *
scsi_asc_text(uint8_t asc, uint8_t ascq)
{
	size_t i;

	for (i = 0; i < NELEM(ascs); i++)
		if (ascs[i].asc == asc && ascs[i].ascq == ascq)
			return ascs[i].text;
	return NULL;
}

size_t
scsi_asc_count(void)
{
	return NELEM(ascs);
}

int
scsi_asc_at(size_t index, uint8_t *asc, uint8_t *ascq, const char **name,
    const char **text)
{
	if (index >= NELEM(ascs))
		return -1;
	if (asc != NULL)
		*asc = ascs[index].asc;
	if (ascq != NULL)
		*ascq = ascs[index].ascq;
	if (name != NULL)
		*name = ascs[index].name;
	if (text != NULL)
		*text = ascs[index].text;
	return 0;
}

size_t
scsi_cdb_len(uint8_t opcode)
{
	switch (opcode >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	default:
		return 0;	/* 3: reserved/variable, 6-7: vendor specific */
	}
}

const char *
scsi_strerror(int err)
{
	switch (err) {
	case SCSI_OK:
		return "success";
	case SCSI_ETRUNC:
		return "data too short for the format";
	case SCSI_EFORMAT:
		return "field value not allowed by the format";
	case SCSI_EUNSUP:
		return "format not supported";
	default:
		return "unknown error";
	}
}

int
scsi_perr_set(struct scsi_perr *err, int code, size_t offset, uint64_t value,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->offset = offset;
	err->value = value;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
