/*
 * Helpers shared by the target.lun* unit tests (test_lun.c, test_lun_pr.c):
 * LUN creation, command runner and exact fixed-sense comparisons.
 */
#ifndef TESTS_UNIT_LUN_TESTUTIL_H
#define TESTS_UNIT_LUN_TESTUTIL_H

#include <string.h>

#include "unit.h"
#include "lun.h"

#define TNAME	"iqn.2024-01.org.example:disk1"
#define NX_A	0x1111
#define NX_B	0x2222
#define NX_C	0x3333
#define NX_OBS	0x9999	/* observer for PR IN, never registered */
#define MIB	(1024 * 1024)

static uint8_t in[64 * 1024];
static uint8_t out[64 * 1024];

static inline struct lun *
mk(uint64_t size, uint16_t id)
{
	struct lun_config cfg;
	struct lun *l = NULL;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.target_name = TNAME;
	cfg.id = id;
	cfg.size = size;
	if (lun_create(&cfg, &l, err, sizeof(err)) != 0)
		CU_FAIL(err);
	return l;
}

static inline int
run(struct lun *l, uint64_t nexus, const uint8_t *cdb, const uint8_t *dout,
    uint32_t doutlen, struct lun_result *res)
{
	memset(in, 0xa5, sizeof(in));
	return lun_execute(l, nexus, cdb, SCSI_CDB_MAX, dout, doutlen, in,
	    sizeof(in), res);
}

/* CHECK CONDITION with fixed sense key/ASC/ASCQ and no SKS. */
static inline int
sense_is(const struct lun_result *r, uint8_t key, uint16_t asc)
{
	uint8_t want[18] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };

	want[2] = key;
	want[12] = (uint8_t)(asc >> 8);
	want[13] = (uint8_t)asc;
	return r->status == SCSI_STATUS_CHECK_CONDITION && r->sense_len == 18 &&
	    memcmp(r->sense, want, 18) == 0;
}

/* ILLEGAL REQUEST with a field pointer (SPC-4 4.5.2.4.2): sks0 = SKSV|C/D|BPV|bit. */
static inline int
field_is(const struct lun_result *r, uint16_t asc, uint8_t sks0, uint16_t byte)
{
	uint8_t want[18] = { 0x70, 0, 0x05, 0, 0, 0, 0, 10 };

	want[12] = (uint8_t)(asc >> 8);
	want[13] = (uint8_t)asc;
	want[15] = sks0;
	want[16] = (uint8_t)(byte >> 8);
	want[17] = (uint8_t)byte;
	return r->status == SCSI_STATUS_CHECK_CONDITION && r->sense_len == 18 &&
	    memcmp(r->sense, want, 18) == 0;
}

static inline void
fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 9));
}

/* SBC-3 5.8, 5.10, 5.32, 5.34, 5.22 */

#endif
