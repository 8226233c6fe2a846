/*
 * Replay, the initiator half: the captured initiator's actions as verbs of
 * our iscsi-initiator (docs/initiator.md), as far as the verbs allow.
 * ReadBlocks and WriteBlocks send READ CAPACITY first and cut transfers
 * into 1 MiB commands; ReadCapacity sends READ CAPACITY (16) after a (10)
 * that answered 0xffffffff: the mapping folds those commands back into
 * one verb so that the replayed run sends the captured commands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "scsi.h"

#define RW_CHUNK	(1024 * 1024)	/* initiator/cli_verbs_scsi.c */
#define SLEEP_MIN_MS	100		/* shorter pauses are not scripted */
#define SLEEP_MAX_MS	600000
#define SLEEP_LAST_MS	20		/* the capture went on after the script */
#define WAIT_EXTRA_MS	5000		/* WaitEvent 34: the gap plus this */

struct out {
	FILE		*f;
	int		 indent;
	bool		 stopped;	/* a verb above fails: comment the rest */
	size_t		 verbs, max;
	size_t		 reads;
};

static void
line(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
line(struct out *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(o->f, "%*s", o->indent, "");
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
}

/* A verb line; after a failing verb it is only shown as a comment. */
static void
verb(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
verb(struct out *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(o->f, "%*s%s", o->indent, "", o->stopped ? "# " : "");
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
	o->verbs++;
}

static bool
is_read(uint8_t op)
{
	return op == SCSI_OP_READ10 || op == SCSI_OP_READ16;
}

static bool
is_write(uint8_t op)
{
	return op == SCSI_OP_WRITE10 || op == SCSI_OP_WRITE16;
}

static bool
is_rc16(const struct rp_action *a)
{
	return a->cdb[0] == SCSI_OP_SERVICE_ACTION_IN16 &&
	    (a->cdb[1] & 0x1f) == 0x10;
}

/* Next SCSI action after i (skipping recoveries), or n. */
static size_t
next_scsi(const struct rp_action *a, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (a[i].kind == RA_SCSI)
			return i;
		if (a[i].kind != RA_RECOVERY)
			return n;
	}
	return n;
}

struct rw {
	uint64_t	lba;
	uint32_t	nblocks;
};

static void
rw_info(const struct rp_action *a, struct rw *ci)
{
	(void)scsi_cdb_rw_decode(a->cdb, &ci->lba, &ci->nblocks);
}

/* READ CAPACITY the next verb sends itself: after it, the index to go on. */
static size_t
capacity_absorbed(const struct rp_action *a, size_t n, size_t i, bool *absorbed)
{
	size_t j = next_scsi(a, n, i);

	*absorbed = false;
	if (a[i].cdb[0] == SCSI_OP_READ_CAPACITY10 && a[i].rc_answered &&
	    a[i].rc_last_lba == 0xffffffffu && j < n && is_rc16(&a[j]) &&
	    a[j].lun == a[i].lun) {
		i = j;	/* ReadCapacity sends the (16) itself */
		j = next_scsi(a, n, i);
	}
	if (j < n && a[j].lun == a[i].lun && (is_read(a[j].cdb[0]) ||
	    is_write(a[j].cdb[0])))
		*absorbed = true;
	return i;
}

/* Following READs that continue this one the way ReadBlocks cuts them. */
static size_t
reads_merged(const struct rp_action *a, size_t n, size_t i, uint64_t *blocks)
{
	struct rw ci, nx;
	uint32_t bs = a[i].block_size ? a[i].block_size : 512;
	uint64_t per = RW_CHUNK / bs ? RW_CHUNK / bs : 1, last;
	size_t j;

	rw_info(&a[i], &ci);
	*blocks = last = ci.nblocks;
	while ((j = next_scsi(a, n, i)) < n && a[j].lun == a[i].lun &&
	    is_read(a[j].cdb[0]) && last == per) {
		rw_info(&a[j], &nx);
		if (nx.lba != ci.lba + *blocks)
			break;
		*blocks += nx.nblocks;
		last = nx.nblocks;
		i = j;
	}
	return i;
}

static size_t
scsi_verb(struct out *o, const struct rp_action *a, size_t n, size_t i,
    const struct rp_script_opts *so, bool *fails)
{
	const struct rp_action *x = &a[i];
	struct rw ci;
	uint64_t blocks;
	uint16_t alloc;
	bool absorbed;
	size_t k;

	*fails = x->fails;
	switch (x->cdb[0]) {
	case SCSI_OP_INQUIRY:
		alloc = (uint16_t)(x->cdb[3] << 8 | x->cdb[4]);
		if (alloc == 0 || alloc > 8192)
			verb(o, "ScsiInquiry $SID %llu %u %u", (unsigned long long)
			    x->lun, x->cdb[1] & 3, x->cdb[2]);
		else
			verb(o, "ScsiInquiry $SID %llu %u %u %u",
			    (unsigned long long)x->lun, x->cdb[1] & 3, x->cdb[2],
			    alloc);
		return i;
	case SCSI_OP_REPORT_LUNS:
		verb(o, "ReportLUNs $SID");
		while ((k = next_scsi(a, n, i)) < n &&
		    a[k].cdb[0] == SCSI_OP_REPORT_LUNS) {
			i = k;	/* the verb asks again with a larger buffer */
			*fails = a[i].fails;
		}
		return i;
	case SCSI_OP_READ_CAPACITY10:
	case SCSI_OP_SERVICE_ACTION_IN16:
		if (x->cdb[0] == SCSI_OP_SERVICE_ACTION_IN16 && !is_rc16(x))
			break;
		k = capacity_absorbed(a, n, i, &absorbed);
		if (!absorbed)
			verb(o, "ReadCapacity $SID %llu", (unsigned long long)x->lun);
		*fails = absorbed ? false : a[k].fails;
		return k;
	case SCSI_OP_READ10:
	case SCSI_OP_READ16:
		k = reads_merged(a, n, i, &blocks);
		rw_info(x, &ci);
		verb(o, "ReadBlocks $SID %llu %llu %llu %s-%zu.bin",
		    (unsigned long long)x->lun, (unsigned long long)ci.lba,
		    (unsigned long long)blocks, so->read_prefix, ++o->reads);
		*fails = a[k].fails;
		return k;
	case SCSI_OP_WRITE10:
	case SCSI_OP_WRITE16:
		rw_info(x, &ci);
		if (x->data_file != NULL) {
			verb(o, "WriteBlocks $SID %llu %llu %s",
			    (unsigned long long)x->lun, (unsigned long long)ci.lba,
			    x->data_file);
			return i;
		}
		line(o, "# %s of %u blocks at LBA %llu: its data was not "
		    "captured, no WriteBlocks", scsi_opcode_name(x->cdb[0]),
		    ci.nblocks, (unsigned long long)ci.lba);
		*fails = false;
		return i;
	default:
		break;
	}
	line(o, "# SCSI %s (0x%02x) on LUN %llu: no verb sends it",
	    scsi_opcode_name(x->cdb[0]) ? scsi_opcode_name(x->cdb[0]) :
	    "command", x->cdb[0], (unsigned long long)x->lun);
	*fails = false;
	return i;
}

static void
login_verb(struct out *o, const struct rp_action *x,
    const struct rp_script_opts *so, bool *mutual_set)
{
	const char *user = x->chap_user != NULL && x->auth > 0 ? x->chap_user :
	    "*";

	if (x->auth == 2 && !*mutual_set) {
		verb(o, "CHAPSecret %s", so->mutual_secret);
		*mutual_set = true;
	}
	if (x->kind == RA_DISCOVERY) {
		if (x->auth > 0)
			verb(o, "AddTargetPortal ${p%u.addr} ${p%u.port} * * * * "
			    "* * * * * %s %s %d", x->portal, x->portal, user,
			    so->chap_secret, x->auth);
		else
			verb(o, "AddTargetPortal ${p%u.addr} ${p%u.port}",
			    x->portal, x->portal);
		return;
	}
	verb(o, "LoginTarget %s T ${p%u.addr} ${p%u.port} * * * %s %s %s * * * "
	    "%s %s %d * 0", x->target, x->portal, x->portal,
	    x->multipath ? "0x2" : "*", x->hd == 1 ? "1" : "*",
	    x->dd == 1 ? "1" : "*", user, x->auth > 0 ? so->chap_secret : "*",
	    x->auth);
}

bool
rp_script_write(FILE *f, const struct rp_action *a, size_t n,
    const struct rp_script_opts *so, int indent)
{
	struct out o = { f, indent, false, 0, so->max_verbs, 0 };
	bool fails, recovered = false, mutual_set = false, have_prev = false;
	double prev_end = 0, gap;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct rp_action *x = &a[i];

		if (x->kind == RA_RECOVERY) {
			if (have_prev && x->start >= prev_end)
				recovered = true;
			continue;
		}
		if (o.max > 0 && o.verbs >= o.max) {
			line(&o, "# ... %zu more captured actions not scripted "
			    "(at most %zu verbs)", n - i, o.max);
			break;
		}
		if (x->kind == RA_OTHER) {
			line(&o, "# %s: no verb sends it", x->note);
			continue;
		}
		gap = have_prev ? (x->start - prev_end) * 1000.0 : 0;
		if (recovered)
			verb(&o, "WaitEvent 34 %.0f", (gap > 0 ? gap : 0) +
			    WAIT_EXTRA_MS);
		else if (gap >= SLEEP_MIN_MS)
			verb(&o, "Sleep %.0f", gap > SLEEP_MAX_MS ? SLEEP_MAX_MS :
			    gap);
		recovered = false;
		fails = x->fails;
		switch (x->kind) {
		case RA_DISCOVERY:
		case RA_LOGIN:
			login_verb(&o, x, so, &mutual_set);
			break;
		case RA_SCSI:
			i = scsi_verb(&o, a, n, i, so, &fails);
			break;
		case RA_LOGOUT:
			verb(&o, "LogoutTarget $SID");
			break;
		default:
			break;
		}
		have_prev = true;
		prev_end = a[i].ended ? a[i].end : a[i].start;
		if (fails && !o.stopped) {
			line(&o, "# the captured %s failed: the script stops "
			    "here; what the captured initiator did next:",
			    x->kind == RA_SCSI ? "command" : x->kind ==
			    RA_LOGOUT ? "logout" : "login");
			o.stopped = true;
		}
	}
	/* the capture went on (the target's timers, Async, NOP-In) */
	gap = have_prev ? (so->end_time - prev_end) * 1000.0 : 0;
	if (!o.stopped && gap >= SLEEP_LAST_MS)
		verb(&o, "Sleep %.0f", gap + SLEEP_MIN_MS > SLEEP_MAX_MS ?
		    SLEEP_MAX_MS : gap + SLEEP_MIN_MS);
	return o.stopped;
}
