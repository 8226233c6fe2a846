/*
 * Emulated LUN: reservations and pending sense.
 *
 * - RESERVE(6)/RELEASE(6) (SPC-2 7.21, 7.17), with the SPC-4 5.9.3
 *   compatible reservation handling (CRH=1) when a persistent
 *   reservation exists.
 * - PERSISTENT RESERVE IN (READ KEYS, READ RESERVATION, REPORT
 *   CAPABILITIES) and OUT (REGISTER, REGISTER AND IGNORE EXISTING KEY,
 *   RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT AND ABORT) for LU scope and
 *   the six types (SPC-4 5.9, 6.15, 6.16).  No APTPL, ALL_TG_PT or
 *   SPEC_I_PT, no REGISTER AND MOVE.
 * - Unit attentions queued per I_T nexus (SAM-5 5.14).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "lun_impl.h"

/* ---- pending sense ----------------------------------------------------- */

int
lun_set_pending_sense(struct lun *l, uint64_t nexus, uint8_t key,
    uint16_t asc_pair)
{
	size_t i;

	for (i = 0; i < l->npending; i++)	/* SAM-5 5.14: no duplicates */
		if (l->pending[i].nexus == nexus && l->pending[i].key == key &&
		    l->pending[i].asc == asc_pair)
			return 0;
	if (l->npending == LUN_MAX_PENDING_SENSE)
		return -ENOSPC;
	l->pending[l->npending].nexus = nexus;
	l->pending[l->npending].key = key;
	l->pending[l->npending].asc = asc_pair;
	l->npending++;
	return 0;
}

static void
pending_remove(struct lun *l, size_t i)
{
	memmove(&l->pending[i], &l->pending[i + 1],
	    (l->npending - i - 1) * sizeof(l->pending[0]));
	l->npending--;
}

int
lun_pending_pop(struct lun *l, uint64_t nexus, int ua_only,
    struct lun_pending *out)
{
	size_t i;

	for (i = 0; i < l->npending; i++) {
		if (l->pending[i].nexus != nexus)
			continue;
		if (ua_only && l->pending[i].key != SCSI_SENSE_UNIT_ATTENTION)
			continue;
		*out = l->pending[i];
		pending_remove(l, i);
		return 1;
	}
	return 0;
}

void
lun_nexus_lost(struct lun *l, uint64_t nexus)
{
	size_t i = 0;

	if (l->r2_reserved && l->r2_holder == nexus)
		l->r2_reserved = 0;
	while (i < l->npending)
		if (l->pending[i].nexus == nexus)
			pending_remove(l, i);
		else
			i++;
}

void
lun_reset(struct lun *l)
{
	l->r2_reserved = 0;
}

/* ---- persistent reservation state -------------------------------------- */

static struct lun_reg *
reg_find(struct lun *l, uint64_t nexus)
{
	size_t i;

	for (i = 0; i < l->pr_nregs; i++)
		if (l->pr_regs[i].nexus == nexus)
			return &l->pr_regs[i];
	return NULL;
}

static int
type_valid(uint8_t t)
{
	return t == SCSI_PR_WRITE_EXCLUSIVE || t == SCSI_PR_EXCLUSIVE_ACCESS ||
	    (t >= SCSI_PR_WRITE_EXCLUSIVE_RO && t <= SCSI_PR_EXCLUSIVE_ACCESS_AR);
}

static int
type_all_registrants(uint8_t t)
{
	return t == SCSI_PR_WRITE_EXCLUSIVE_AR || t == SCSI_PR_EXCLUSIVE_ACCESS_AR;
}

static int
type_registrants(uint8_t t)	/* registrants get access: RO and AR types */
{
	return t >= SCSI_PR_WRITE_EXCLUSIVE_RO && t <= SCSI_PR_EXCLUSIVE_ACCESS_AR;
}

static int
type_exclusive_access(uint8_t t)
{
	return t == SCSI_PR_EXCLUSIVE_ACCESS || t == SCSI_PR_EXCLUSIVE_ACCESS_RO ||
	    t == SCSI_PR_EXCLUSIVE_ACCESS_AR;
}

/* SPC-4 5.9.10: all registrants hold an all-registrants reservation */
static int
pr_is_holder(struct lun *l, uint64_t nexus)
{
	if (l->pr_type == SCSI_PR_TYPE_NONE)
		return 0;
	if (type_all_registrants(l->pr_type))
		return reg_find(l, nexus) != NULL;
	return l->pr_holder == nexus;
}

/* Queue asc for every registrant but `except`. */
static void
ua_registrants(struct lun *l, uint64_t except, uint16_t asc)
{
	size_t i;

	for (i = 0; i < l->pr_nregs; i++)
		if (l->pr_regs[i].nexus != except)
			(void)lun_set_pending_sense(l, l->pr_regs[i].nexus,
			    SCSI_SENSE_UNIT_ATTENTION, asc);
}

/*
 * Remove the registration at index i.  SPC-4 5.9.11.3: a holder that
 * unregisters releases a non all-registrants reservation (registrants of
 * an RO type get RESERVATIONS RELEASED); the last registrant gone ends an
 * all-registrants one.
 */
static void
reg_remove(struct lun *l, size_t i)
{
	uint64_t nexus = l->pr_regs[i].nexus;

	memmove(&l->pr_regs[i], &l->pr_regs[i + 1],
	    (l->pr_nregs - i - 1) * sizeof(l->pr_regs[0]));
	l->pr_nregs--;
	if (l->pr_type == SCSI_PR_TYPE_NONE)
		return;
	if (type_all_registrants(l->pr_type)) {
		if (l->pr_nregs == 0)
			l->pr_type = SCSI_PR_TYPE_NONE;
	} else if (l->pr_holder == nexus) {
		if (type_registrants(l->pr_type))
			ua_registrants(l, nexus, SCSI_ASC_RESERVATIONS_RELEASED);
		l->pr_type = SCSI_PR_TYPE_NONE;
	}
}

/* Remove registrations holding key (not self's); returns how many. */
static size_t
reg_remove_key(struct lun *l, uint64_t key, uint64_t self, int any_key)
{
	size_t i = 0, n = 0;

	while (i < l->pr_nregs) {
		struct lun_reg *r = &l->pr_regs[i];

		if (r->nexus != self && (any_key || r->key == key)) {
			(void)lun_set_pending_sense(l, r->nexus,
			    SCSI_SENSE_UNIT_ATTENTION, SCSI_ASC_REGISTRATIONS_PREEMPTED);
			memmove(r, r + 1, (l->pr_nregs - i - 1) * sizeof(*r));
			l->pr_nregs--;
			n++;
		} else
			i++;
	}
	return n;
}

/*
 * SPC-4 table 67 / SBC-3 table 9: a non-holder conflicts on commands of
 * class WRITE under every type, on class READ under Exclusive Access
 * types; registrants pass under RO/AR types.
 */
int
lun_pr_check(struct lun *l, uint64_t nexus, enum lun_pr_class cls,
    struct lun_result *res)
{
	if (cls == LUN_PR_ALLOWED || cls == LUN_PR_SELF)
		return 0;
	if (l->pr_type == SCSI_PR_TYPE_NONE || pr_is_holder(l, nexus))
		return 0;
	if (type_registrants(l->pr_type) && reg_find(l, nexus) != NULL)
		return 0;
	if (cls == LUN_PR_READ && !type_exclusive_access(l->pr_type))
		return 0;
	lun_conflict(res);
	return 1;
}

/* ---- RESERVE(6) / RELEASE(6) ------------------------------------------- */

/* SPC-2 7.21; SPC-4 5.9.3 (CRH=1) when a persistent reservation exists */
int
lun_pr_reserve6(struct lun_ctx *c)
{
	struct lun *l = c->lun;

	if (c->cdb[1] & 0x1f)	/* 3RDPTY, third-party id, LONGID/extent */
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	if (l->pr_type != SCSI_PR_TYPE_NONE) {
		if (pr_is_holder(l, c->nexus))
			return c->res->status = SCSI_STATUS_GOOD;
		return lun_conflict(c->res);
	}
	l->r2_reserved = 1;
	l->r2_holder = c->nexus;
	return c->res->status = SCSI_STATUS_GOOD;
}

/* SPC-2 7.17: a release by a non-holder is GOOD and changes nothing */
int
lun_pr_release6(struct lun_ctx *c)
{
	struct lun *l = c->lun;

	if (c->cdb[1] & 0x1f)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	if (l->pr_type == SCSI_PR_TYPE_NONE && l->r2_reserved &&
	    l->r2_holder == c->nexus)
		l->r2_reserved = 0;
	return c->res->status = SCSI_STATUS_GOOD;
}

/* ---- PERSISTENT RESERVE IN ---------------------------------------------- */

/* The initiator port name of a new registrant, kept for READ FULL STATUS. */
static void
reg_set_port(struct lun *l, struct lun_reg *r)
{
	const char *name = l->port_name_fn != NULL ?
	    l->port_name_fn(l->port_name_arg, r->nexus) : NULL;

	snprintf(r->port, sizeof(r->port), "%s", name != NULL ? name : "");
}

/*
 * SPC-4 7.6.4.6: iSCSI TransportID, format 01b (initiator port name
 * "<name>,i,0x<ISID>") when the name has the ",i,0x" separator, else 00b
 * (device name); NUL terminated, padded to a multiple of 4, 20 bytes at
 * least.  Returns its length (0 when the name is unknown).
 */
static size_t
transport_id(uint8_t *out, const char *port)
{
	size_t n = strlen(port) + 1;

	if (n == 1)
		return 0;
	n = (n + 3) & ~(size_t)3;
	if (n < 20)
		n = 20;
	memset(out, 0, 4 + n);
	out[0] = (uint8_t)((strstr(port, ",i,0x") != NULL ? 0x40 : 0) |
	    SCSI_PROTO_ISCSI);
	put_be16(out + 2, (uint16_t)n);
	memcpy(out + 4, port, strlen(port));
	return 4 + n;
}

/* SPC-4 6.15.5: one full status descriptor per registration */
static int
read_full_status(struct lun_ctx *c, uint16_t alloc)
{
	struct lun *l = c->lun;
	uint8_t buf[8 + LUN_MAX_REGISTRATIONS * (24 + 4 + sizeof(l->pr_regs[0].port) + 20)];
	size_t len = 8, i, tl;

	memset(buf, 0, 8);
	put_be32(buf, l->pr_generation);
	for (i = 0; i < l->pr_nregs; i++) {
		const struct lun_reg *r = &l->pr_regs[i];
		uint8_t *d = buf + len;

		memset(d, 0, 24);
		put_be64(d, r->key);
		if (pr_is_holder(l, r->nexus)) {
			d[12] = 0x01;	/* R_HOLDER */
			d[13] = (uint8_t)(l->pr_scope << 4 | l->pr_type);
		}
		put_be16(d + 18, l->rel_port);
		tl = transport_id(d + 24, r->port);
		put_be32(d + 20, (uint32_t)tl);
		len += 24 + tl;
	}
	put_be32(buf + 4, (uint32_t)(len - 8));
	return lun_reply(c, buf, len, alloc);
}

int
lun_pr_in(struct lun_ctx *c)
{
	struct lun *l = c->lun;
	uint8_t buf[8 + 8 * LUN_MAX_REGISTRATIONS];
	uint16_t alloc = get_be16(c->cdb + 7);
	size_t len = 8, i;
	struct lun_reg *h;

	memset(buf, 0, sizeof(buf));
	switch (c->cdb[1] & 0x1f) {
	case SCSI_PR_IN_READ_KEYS:	/* SPC-4 6.15.2 */
		put_be32(buf, l->pr_generation);
		put_be32(buf + 4, (uint32_t)(8 * l->pr_nregs));
		for (i = 0; i < l->pr_nregs; i++, len += 8)
			put_be64(buf + len, l->pr_regs[i].key);
		break;
	case SCSI_PR_IN_READ_RESERVATION:	/* SPC-4 6.15.3 */
		put_be32(buf, l->pr_generation);
		if (l->pr_type == SCSI_PR_TYPE_NONE)
			break;
		put_be32(buf + 4, 16);
		h = type_all_registrants(l->pr_type) ? NULL : reg_find(l, l->pr_holder);
		put_be64(buf + 8, h != NULL ? h->key : 0);
		buf[21] = (uint8_t)(l->pr_scope << 4 | l->pr_type);
		len = 24;
		break;
	case SCSI_PR_IN_REPORT_CAPABILITIES:	/* SPC-4 6.15.4 */
		buf[1] = 8;
		buf[2] = 0x10;		/* CRH */
		buf[3] = 0x80;		/* TMV */
		buf[4] = 0xea;		/* WR_EX_AR EX_AC_RO WR_EX_RO EX_AC WR_EX */
		buf[5] = 0x01;		/* EX_AC_AR */
		break;
	case SCSI_PR_IN_READ_FULL_STATUS:
		return read_full_status(c, alloc);
	default:
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	}
	return lun_reply(c, buf, len, alloc);
}

/* ---- PERSISTENT RESERVE OUT --------------------------------------------- */

struct pr_out {
	uint8_t		 sa, scope, type;
	uint64_t	 key, sa_key;
	struct lun_reg	*reg;
};

/* SPC-4 5.9.7: REGISTER and REGISTER AND IGNORE EXISTING KEY */
static int
pr_register(struct lun_ctx *c, struct pr_out *o)
{
	struct lun *l = c->lun;

	if (o->sa == SCSI_PR_OUT_REGISTER &&
	    o->key != (o->reg != NULL ? o->reg->key : 0))
		return lun_conflict(c->res);
	if (o->reg == NULL) {
		if (o->sa_key == 0)
			return c->res->status = SCSI_STATUS_GOOD;
		if (l->pr_nregs == LUN_MAX_REGISTRATIONS)
			return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
			    SCSI_ASC_INSUFFICIENT_REGISTRATION_RESOURCES);
		l->pr_regs[l->pr_nregs].nexus = c->nexus;
		l->pr_regs[l->pr_nregs].key = o->sa_key;
		reg_set_port(l, &l->pr_regs[l->pr_nregs]);
		l->pr_nregs++;
	} else if (o->sa_key == 0)
		reg_remove(l, (size_t)(o->reg - l->pr_regs));
	else
		o->reg->key = o->sa_key;
	l->pr_generation++;
	return c->res->status = SCSI_STATUS_GOOD;
}

static int
check_scope_type(struct lun_ctx *c, struct pr_out *o)
{
	if (o->scope != SCSI_PR_SCOPE_LU)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, 7);
	if (!type_valid(o->type))
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 2, 3);
	return SCSI_STATUS_GOOD;
}

/* SPC-4 5.9.9 */
static int
pr_reserve(struct lun_ctx *c, struct pr_out *o)
{
	struct lun *l = c->lun;

	if (check_scope_type(c, o) != SCSI_STATUS_GOOD)
		return c->res->status;
	if (l->pr_type != SCSI_PR_TYPE_NONE) {
		if (pr_is_holder(l, c->nexus) && l->pr_type == o->type &&
		    l->pr_scope == o->scope)
			return c->res->status = SCSI_STATUS_GOOD;
		return lun_conflict(c->res);
	}
	l->pr_type = o->type;
	l->pr_scope = o->scope;
	l->pr_holder = c->nexus;
	return c->res->status = SCSI_STATUS_GOOD;
}

/* SPC-4 5.9.11.2 */
static int
pr_release(struct lun_ctx *c, struct pr_out *o)
{
	struct lun *l = c->lun;
	uint8_t type = l->pr_type;

	if (type == SCSI_PR_TYPE_NONE || !pr_is_holder(l, c->nexus))
		return c->res->status = SCSI_STATUS_GOOD;
	if (o->type != type || o->scope != l->pr_scope)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_INVALID_RELEASE_OF_PR);
	l->pr_type = SCSI_PR_TYPE_NONE;
	if (type_registrants(type))
		ua_registrants(l, c->nexus, SCSI_ASC_RESERVATIONS_RELEASED);
	return c->res->status = SCSI_STATUS_GOOD;
}

/* SPC-4 5.9.11.6 */
static int
pr_clear(struct lun_ctx *c)
{
	struct lun *l = c->lun;

	ua_registrants(l, c->nexus, SCSI_ASC_RESERVATIONS_PREEMPTED);
	l->pr_nregs = 0;
	l->pr_type = SCSI_PR_TYPE_NONE;
	l->pr_generation++;
	return c->res->status = SCSI_STATUS_GOOD;
}

/* SPC-4 5.9.11.4: PREEMPT (and PREEMPT AND ABORT: tasks are the caller's) */
static int
pr_preempt(struct lun_ctx *c, struct pr_out *o)
{
	struct lun *l = c->lun;
	struct lun_reg *h;
	int takes_over = 0;

	if (l->pr_type != SCSI_PR_TYPE_NONE) {
		if (check_scope_type(c, o) != SCSI_STATUS_GOOD)
			return c->res->status;
		if (type_all_registrants(l->pr_type))
			takes_over = o->sa_key == 0;
		else {
			h = reg_find(l, l->pr_holder);
			takes_over = h != NULL && h->key == o->sa_key;
		}
	}
	if (takes_over) {
		(void)reg_remove_key(l, o->sa_key, c->nexus,
		    type_all_registrants(l->pr_type));
		l->pr_type = o->type;
		l->pr_scope = o->scope;
		l->pr_holder = c->nexus;
	} else {
		if (o->sa_key == 0)
			return lun_fail_field(c->res,
			    SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0, 8, -1);
		if (reg_remove_key(l, o->sa_key, c->nexus, 0) == 0)
			return lun_conflict(c->res);
	}
	l->pr_generation++;
	return c->res->status = SCSI_STATUS_GOOD;
}

/*
 * SPC-4 6.16: CDB byte 1 service action, byte 2 scope/type, bytes 5-8
 * parameter list length (24 for the basic list, 6.16.3).
 */
int
lun_pr_out(struct lun_ctx *c)
{
	struct pr_out o;
	const uint8_t *p = c->data_out;
	uint32_t plen = get_be32(c->cdb + 5);

	memset(&o, 0, sizeof(o));
	o.sa = c->cdb[1] & 0x1f;
	o.scope = c->cdb[2] >> 4;
	o.type = c->cdb[2] & 0x0f;
	if (o.sa > SCSI_PR_OUT_REGISTER_AND_IGNORE)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_CDB, 1, 1, 4);
	if (plen != SCSI_PR_OUT_PARAM_LEN || c->data_out_len < SCSI_PR_OUT_PARAM_LEN)
		return lun_fail(c->res, SCSI_SENSE_ILLEGAL_REQUEST,
		    SCSI_ASC_PARAMETER_LIST_LENGTH_ERROR);
	c->res->data_out_used = SCSI_PR_OUT_PARAM_LEN;
	o.key = get_be64(p);
	o.sa_key = get_be64(p + 8);
	if (p[20] & SCSI_PR_SPEC_I_PT)
		return lun_fail_field(c->res, SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST,
		    0, 20, 3);
	o.reg = reg_find(c->lun, c->nexus);
	if (o.sa == SCSI_PR_OUT_REGISTER || o.sa == SCSI_PR_OUT_REGISTER_AND_IGNORE) {
		if (p[20] & SCSI_PR_ALL_TG_PT)
			return lun_fail_field(c->res,
			    SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0, 20, 2);
		if (p[20] & SCSI_PR_APTPL)
			return lun_fail_field(c->res,
			    SCSI_ASC_INVALID_FIELD_IN_PARAMETER_LIST, 0, 20, 0);
		return pr_register(c, &o);
	}
	/* SPC-4 5.9.7: other service actions need a registered nexus and its key */
	if (o.reg == NULL || o.reg->key != o.key)
		return lun_conflict(c->res);
	switch (o.sa) {
	case SCSI_PR_OUT_RESERVE:
		return pr_reserve(c, &o);
	case SCSI_PR_OUT_RELEASE:
		return pr_release(c, &o);
	case SCSI_PR_OUT_CLEAR:
		return pr_clear(c);
	default:
		return pr_preempt(c, &o);
	}
}
