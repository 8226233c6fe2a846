/*
 * BHS fields by name, for the tools that let a person pick a field in a
 * PDU (the harness's wire assertions): the RFC 7143 names of the layout
 * table (pdu_layout.c) plus the fields common to every opcode.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pdu_layout.h"

#define NAME_MAX_LEN	48

/* Short opcode names: the PDU table symbols in lower case. */
static const struct {
	const char	*name;
	unsigned	 op;
} op_names[] = {
#define PDU_X_OP_ROW(v, s, t) { #s, v },
	PDU_OPCODE_TABLE(PDU_X_OP_ROW)
#undef PDU_X_OP_ROW
};

/* Other spellings of layout names people write. */
static const struct {
	const char	*alias;
	const char	*name;
} aliases[] = {
	{ "ttt",	"targettransfertag" },
	{ "edtl",	"expecteddatatransferlength" },
	{ "ddtl",	"desireddatatransferlength" },
	{ "datasn",	"datasnr2tsn" },		/* Reject */
};

enum common_field { CF_OPCODE, CF_IMMEDIATE, CF_FLAGS, CF_DSL, CF_ITT,
	CF_LUN, CF_TOTALAHSLENGTH, CF_COUNT };

static const char *const common_names[CF_COUNT] = { "opcode", "immediate",
	"flags", "dsl", "itt", "lun", "totalahslength" };

int
pdu_opcode_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (strcasecmp(op_names[i].name, name) == 0)
			return (int)op_names[i].op;
	return -1;
}

const char *
pdu_opcode_short_name(unsigned opcode)
{
	static char buf[sizeof(op_names) / sizeof(op_names[0])][16];
	size_t i, k;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (op_names[i].op == opcode) {
			for (k = 0; op_names[i].name[k] != '\0' &&
			    k + 1 < sizeof(buf[i]); k++)
				buf[i][k] = (char)tolower(
				    (unsigned char)op_names[i].name[k]);
			buf[i][k] = '\0';
			return buf[i];
		}
	return NULL;
}

/* Letters and digits only: "Status-Class" -> "StatusClass". */
static void
squeeze(const char *in, char *out)
{
	size_t n = 0;

	for (; *in != '\0' && n + 1 < NAME_MAX_LEN; in++)
		if (isalnum((unsigned char)*in))
			out[n++] = *in;
	out[n] = '\0';
}

/* Index of the layout field called name, or -1; exact case wins. */
static int
layout_find(const struct pdu_layout *l, const char *want)
{
	char have[NAME_MAX_LEN];
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < l->nfields; i++) {
			const struct pdu_field *f = &l->fields[i];

			if (f->kind == PDU_FK_RSVD || f->kind == PDU_FK_RSVD_BITS)
				continue;
			squeeze(f->name, have);
			if (pass == 0 ? strcmp(have, want) == 0 :
			    strcasecmp(have, want) == 0)
				return (int)i;
		}
	return -1;
}

static void
canonical(const char *name, char *out)
{
	size_t i;

	squeeze(name, out);
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(out, aliases[i].alias) == 0) {
			snprintf(out, NAME_MAX_LEN, "%s", aliases[i].name);
			return;
		}
}

static int
common_find(const char *want)
{
	int i;

	for (i = 0; i < CF_COUNT; i++)
		if (strcasecmp(common_names[i], want) == 0)
			return i;
	return -1;
}

bool
pdu_field_exists(int opcode, const char *name)
{
	char want[NAME_MAX_LEN];
	unsigned op;

	canonical(name, want);
	if (want[0] == '\0')
		return false;
	if (common_find(want) >= 0)
		return true;
	if (opcode >= 0)
		return layout_find(pdu_layout_get((unsigned)opcode), want) >= 0;
	for (op = 0; op < 64; op++)
		if (pdu_opcode_known(op) &&
		    layout_find(pdu_layout_get(op), want) >= 0)
			return true;
	return false;
}

int
pdu_field_get(const struct pdu *p, const char *name, uint64_t *value)
{
	const struct pdu_layout *l = pdu_layout_get(p->opcode);
	char want[NAME_MAX_LEN];
	int i;

	canonical(name, want);
	switch (common_find(want)) {
	case CF_OPCODE:		*value = p->opcode; return 0;
	case CF_IMMEDIATE:	*value = p->immediate; return 0;
	case CF_FLAGS:		*value = p->flags; return 0;
	case CF_DSL:		*value = p->dsl; return 0;
	case CF_ITT:		*value = p->itt; return 0;
	case CF_TOTALAHSLENGTH:	*value = p->total_ahs_len; return 0;
	case CF_LUN:
		if (layout_find(l, "LUN") < 0)
			return -1;
		*value = p->lun;
		return 0;
	default:
		break;
	}
	if (!pdu_opcode_known(p->opcode) || (i = layout_find(l, want)) < 0)
		return -1;
	*value = pdu_field_value(p, &l->fields[i]);
	return 0;
}
