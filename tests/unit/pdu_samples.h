/*
 * Valid sample PDUs with non-trivial field values, one per opcode, shared
 * by the PDU unit tests and the fuzz corpus generator.
 */
#ifndef TESTS_PDU_SAMPLES_H
#define TESTS_PDU_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "pdu.h"

/* Every opcode RFC 7143 defines, in table order. */
extern const uint8_t	pdu_sample_opcodes[];
extern const size_t	pdu_sample_nopcodes;

/*
 * Fill *p with a valid PDU of this opcode; seed varies the values.  The
 * data segment is left empty except for Reject, which gets the 48-byte
 * header it must carry (static storage).
 */
void	pdu_sample(struct pdu *p, uint8_t opcode, uint32_t seed);

/* True when RFC 7143 lets this opcode carry a data segment. */
int	pdu_sample_has_data(uint8_t opcode);

#endif
