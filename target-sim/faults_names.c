/*
 * Names of the fault-rule vocabulary (actions, kinds, events, opcodes),
 * from the X-macro tables of faults.h.  No dependency on the running
 * target: the scenario loader and its fuzz harness use this file alone.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faults.h"

static const struct {
	const char	*name;
	unsigned	 dirs;
	const char	*text;
} act_table[FAULT_NACT] = {
#define FAULT_ACT_ROW(s, n, d, t) { n, d, t },
	FAULT_ACTIONS(FAULT_ACT_ROW)
#undef FAULT_ACT_ROW
};

static const char *const neg_names[FAULT_NNEG] = {
#define FAULT_NEG_NAME(s, n, t) n,
	FAULT_NEGOTIATE_KINDS(FAULT_NEG_NAME)
#undef FAULT_NEG_NAME
};

static const char *const inv_names[FAULT_NINV] = {
#define FAULT_INV_NAME(s, n, t) n,
	FAULT_INVALID_KINDS(FAULT_INV_NAME)
#undef FAULT_INV_NAME
};

static const char *const ev_names[FAULT_NEV] = {
#define FAULT_EV_NAME(s, n, t) n,
	FAULT_EVENTS(FAULT_EV_NAME)
#undef FAULT_EV_NAME
};

const char *
fault_act_name(enum fault_act a)
{
	return (unsigned)a < FAULT_NACT ? act_table[a].name : "?";
}

const char *
fault_act_text(enum fault_act a)
{
	return (unsigned)a < FAULT_NACT ? act_table[a].text : "?";
}

unsigned
fault_act_dirs(enum fault_act a)
{
	return (unsigned)a < FAULT_NACT ? act_table[a].dirs : 0;
}

static int
lookup(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

int
fault_act_lookup(const char *name)
{
	int i;

	for (i = 0; i < FAULT_NACT; i++)
		if (strcmp(act_table[i].name, name) == 0)
			return i;
	return -1;
}

const char *
fault_negotiate_name(int k)
{
	return k >= 0 && k < FAULT_NNEG ? neg_names[k] : "?";
}

int
fault_negotiate_lookup(const char *name)
{
	return lookup(neg_names, FAULT_NNEG, name);
}

const char *
fault_invalid_name(int k)
{
	return k >= 0 && k < FAULT_NINV ? inv_names[k] : "?";
}

int
fault_invalid_lookup(const char *name)
{
	return lookup(inv_names, FAULT_NINV, name);
}

const char *
fault_event_name(int e)
{
	return e >= 0 && e < FAULT_NEV ? ev_names[e] : "?";
}

int
fault_event_lookup(const char *name)
{
	return lookup(ev_names, FAULT_NEV, name);
}

const char *
fault_dir_name(unsigned dir)
{
	switch (dir) {
	case FAULT_DIR_IN:	return "in";
	case FAULT_DIR_OUT:	return "out";
	case FAULT_DIR_TIMER:	return "timer";
	default:		return "?";
	}
}

int
fault_opcode_lookup(const char *name)
{
	char *end;
	unsigned long v;
	int op;

	if ((op = pdu_opcode_lookup(name)) >= 0)
		return op;
	if (name[0] >= '0' && name[0] <= '9') {
		v = strtoul(name, &end, 0);
		if (*end == '\0' && v <= 0x3f)
			return (int)v;
	}
	return -1;
}
