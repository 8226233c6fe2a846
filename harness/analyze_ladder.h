/*
 * Ladder diagram of one session as a plain SVG file: initiator on the
 * left, target on the right, one arrow per PDU in capture order (frame
 * number and time on the left), PDUs with findings in red with the check
 * names.  Fed through the analyzer's per-PDU and per-finding hooks.
 */
#ifndef HARNESS_ANALYZE_LADDER_H
#define HARNESS_ANALYZE_LADDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze.h"

#define LADDER_ROWS_DEFAULT	400

struct ana_ladder;

/* session_id: 1-based; max_rows 0: LADDER_ROWS_DEFAULT. */
struct ana_ladder *ana_ladder_new(unsigned session_id, size_t max_rows);
void	ana_ladder_free(struct ana_ladder *);
void	ana_ladder_pdu(void *ladder, const struct ana_pdu_ctx *);
void	ana_ladder_finding(void *ladder, const struct ana_finding *);
size_t	ana_ladder_rows(const struct ana_ladder *);
int	ana_ladder_write_svg(const struct ana_ladder *, FILE *);
/*
 * Before the analysis: draw label on the first PDU in direction dir
 * (enum ana_dir) with this opcode and ITT (an injected fault).
 */
int	ana_ladder_mark_fault(struct ana_ladder *, int dir, uint8_t opcode,
	    uint32_t itt, const char *label);

#endif
