/*
 * Private to the PDU codec: the BHS layout of every opcode as a table of
 * fields (RFC 7143 chapter 11 diagrams), used by the encoder, the decoder
 * and the validator alike, and the error helper they share.
 */
#ifndef PROTO_PDU_LAYOUT_H
#define PROTO_PDU_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "pdu.h"

enum pdu_field_kind {
	PDU_FK_BOOL,		/* bit (arg = mask) -> bool */
	PDU_FK_BITS,		/* bit group (arg = mask) -> uint8_t */
	PDU_FK_U8,
	PDU_FK_U16,
	PDU_FK_U32,
	PDU_FK_U64,
	PDU_FK_BYTES,		/* arg = length -> uint8_t[] */
	PDU_FK_RSVD_BITS,	/* reserved bits (arg = mask) */
	PDU_FK_RSVD		/* reserved bytes (arg = length, <= 8) */
};

struct pdu_field {
	const char	*name;
	uint8_t		 kind;
	uint8_t		 off;		/* byte offset in the BHS */
	uint8_t		 arg;		/* mask or length, see kind */
	uint16_t	 member;	/* offsetof(struct pdu, ...) */
};

/* Layout flags. */
#define PDU_LF_KNOWN	0x01	/* opcode defined by RFC 7143 */
#define PDU_LF_F_ONE	0x02	/* byte 1 bit 7 is a fixed 1 */
#define PDU_LF_NO_DATA	0x04	/* DataSegmentLength MUST be 0 */
#define PDU_LF_I_OK	0x08	/* I bit meaningful (initiator PDU) */
#define PDU_LF_I_ONE	0x10	/* I bit always 1 (Login Request) */

struct pdu_layout {
	const struct pdu_field	*fields;
	size_t			 nfields;
	unsigned		 flags;
};

/* Never NULL: unknown opcodes get an all-opaque layout. */
const struct pdu_layout	*pdu_layout_get(unsigned opcode);

/* Field value (reserved kinds: from p->rsvd) widened to 64 bits. */
uint64_t	pdu_field_value(const struct pdu *p, const struct pdu_field *f);

/* Decode/encode the opcode-specific part of a BHS through the layout. */
void	pdu_layout_decode(const uint8_t *bhs, struct pdu *p);
void	pdu_layout_encode(const struct pdu *p, uint8_t *bhs);

/*
 * Decode BHS, AHS and header digest from buf (len bytes available, at
 * least up to the header digest).  Returns PDU_OK or a FRAMING-class code;
 * a malformed AHS (FIELD class) is returned in *ahs_status / *ahs_err and
 * does not stop decoding.
 */
int	pdu_decode_header(const uint8_t *buf, size_t len,
	    const struct pdu_digest_opts *d, struct pdu *out,
	    struct pdu_error *err, struct pdu_error *ahs_err);

/* Fill *err (may be NULL) and return code. */
int	pdu_fail(struct pdu_error *err, enum pdu_status code, const char *field,
	    uint64_t value, uint64_t expected, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));

#endif
