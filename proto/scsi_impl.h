/*
 * Private helpers of the scsi_*.c files: the parser error filler (field
 * access comes from bytes.h).  Not part of the proto API.
 */
#ifndef PROTO_SCSI_IMPL_H
#define PROTO_SCSI_IMPL_H

#include <stdint.h>

#include "bytes.h"
#include "scsi.h"

/* Fill err (may be NULL) and return code. */
int	scsi_perr_set(struct scsi_perr *err, int code, size_t offset,
	    uint64_t value, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#endif
