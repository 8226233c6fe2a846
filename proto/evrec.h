/*
 * Windows-style event records for the initiator's documented event log.
 *
 * A record is one catalog event (proto/catalog.h: ID, source, severity,
 * message) plus session/connection identifiers, a status word and "dump
 * data" laid out as the Windows IO_ERROR_LOG_PACKET: a fixed 0x28-byte
 * little-endian header followed by the event's additional data, which
 * therefore starts at offset 0x28 as the seed (user guide, Appendix B)
 * says.  docs/event-record.md gives the layout and, for every event, what
 * the additional data holds.
 *
 *	struct evrec ev;
 *	if (evrec_init(&ev, ISCSI_EV_CONNECT_FAILED) == EVREC_OK) {
 *		evrec_set_session(&ev, "0x4000013700000002");
 *		evrec_set_status(&ev, catalog_ntstatus_from_errno(ECONNREFUSED));
 *		evrec_add_ipport(&ev, (struct sockaddr *)&target);
 *		evrec_write_json(&ev, logfile);	    -- one JSON line
 *	}
 *	evrec_free(&ev);
 *
 * The builder copies what it is given: it does not redact anything (the
 * caller decides what may appear, e.g. CHAP secrets for events 35/36).
 */
#ifndef PROTO_EVREC_H
#define PROTO_EVREC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/socket.h>

#include "catalog.h"
#include "json.h"

/*
 * IO_ERROR_LOG_PACKET fixed part: EVREC_FIELD(NAME, OFFSET, SIZE).  All
 * fields little-endian; 0x0a-0x0b is padding that aligns ErrorCode.
 */
#define EVREC_FIELDS(X)					\
	X(MAJOR_FUNCTION_CODE,	0x00, 1)		\
	X(RETRY_COUNT,		0x01, 1)		\
	X(DUMP_DATA_SIZE,	0x02, 2)		\
	X(NUMBER_OF_STRINGS,	0x04, 2)		\
	X(STRING_OFFSET,	0x06, 2)		\
	X(EVENT_CATEGORY,	0x08, 2)		\
	X(ERROR_CODE,		0x0c, 4)		\
	X(UNIQUE_ERROR_VALUE,	0x10, 4)		\
	X(FINAL_STATUS,		0x14, 4)		\
	X(SEQUENCE_NUMBER,	0x18, 4)		\
	X(IO_CONTROL_CODE,	0x1c, 4)		\
	X(DEVICE_OFFSET,	0x20, 8)

enum evrec_offset {
#define EVREC_OFFSET_ENUM(name, off, size)	EVREC_OFF_##name = (off),
	EVREC_FIELDS(EVREC_OFFSET_ENUM)
#undef EVREC_OFFSET_ENUM
	EVREC_HEADER_SIZE = 0x28	/* additional data starts here */
};

#define EVREC_DATA_MAX		0xffff	/* DumpDataSize is 16 bits */
#define EVREC_MAX_STRINGS	9	/* insertion strings %1..%9 */
#define EVREC_ID_MAX		64	/* session/connection id length */

/* Address types in evrec_add_ipport data (Windows TDI values). */
#define EVREC_ADDRESS_TYPE_IP	2
#define EVREC_ADDRESS_TYPE_IP6	23

enum evrec_err {
	EVREC_OK = 0,
	EVREC_EUNKNOWN = -1,	/* event ID not in the catalog */
	EVREC_ETOOBIG = -2,	/* additional data would exceed 65535 bytes */
	EVREC_ENOMEM = -3,
	EVREC_ETOOLONG = -4,	/* session/connection id too long */
	EVREC_ETOOMANY = -5,	/* more than EVREC_MAX_STRINGS strings */
	EVREC_EFAMILY = -6,	/* address family not AF_INET/AF_INET6 */
	EVREC_ESPACE = -7,	/* output buffer too small */
	EVREC_EINVAL = -8	/* NULL argument */
};

struct evrec {
	const struct catalog_event *ev_event;
	struct timespec	 ev_time;	/* CLOCK_REALTIME at evrec_init */
	char		 ev_session[EVREC_ID_MAX + 1];	  /* "" = not set */
	char		 ev_connection[EVREC_ID_MAX + 1];
	/* header fields the caller may set directly (default 0) */
	uint8_t		 ev_major_function;
	uint8_t		 ev_retry_count;
	uint16_t	 ev_event_category;
	uint32_t	 ev_unique_error_value;
	uint32_t	 ev_final_status;
	uint32_t	 ev_sequence_number;
	uint32_t	 ev_io_control_code;
	uint64_t	 ev_device_offset;
	/* additional data */
	uint8_t		*ev_data;
	size_t		 ev_data_len;
	size_t		 ev_data_cap;
	/* insertion strings (iScsiExe messages use %1, %2, %3) */
	char		*ev_strings[EVREC_MAX_STRINGS];
	unsigned int	 ev_nstrings;
};

/* Start a record for a catalog event ID (ISCSI_EV_..., ISCSIEXE_...). */
int	evrec_init(struct evrec *, unsigned int event_id);
void	evrec_free(struct evrec *);

void	evrec_set_time(struct evrec *, const struct timespec *);
/* Opaque identifiers, at most EVREC_ID_MAX bytes; NULL clears. */
int	evrec_set_session(struct evrec *, const char *);
int	evrec_set_connection(struct evrec *, const char *);
/* Numeric identifiers, written as "0x" + 16 lowercase hex digits. */
int	evrec_set_session_id(struct evrec *, uint64_t);
int	evrec_set_connection_id(struct evrec *, uint64_t);
/* FinalStatus: an NTSTATUS (catalog_ntstatus_from_errno) or ISDSC code. */
void	evrec_set_status(struct evrec *, uint32_t final_status);

/* Additional data, appended in order after offset 0x28. */
int	evrec_add_u32(struct evrec *, uint32_t);	/* little-endian */
int	evrec_add_bytes(struct evrec *, const void *, size_t); /* verbatim */
int	evrec_add_string(struct evrec *, const char *);	/* bytes, no NUL */
/*
 * Target address for event 1: u16 LE address type (2 IPv4, 23 IPv6),
 * u16 port in network order, then the address in network order (4 or 16
 * bytes) -- 8 or 20 bytes.
 */
int	evrec_add_ipport(struct evrec *, const struct sockaddr *);
/* Insertion string for %1, %2, ... in the message. */
int	evrec_add_insert(struct evrec *, const char *);

/* ErrorCode: severity << 30 | event ID (docs/event-record.md). */
uint32_t evrec_error_code(const struct evrec *);
/* Size of the dump: EVREC_HEADER_SIZE + additional data. */
size_t	evrec_dump_size(const struct evrec *);
/* Write the dump into out; returns its size or a negative enum evrec_err. */
long	evrec_dump(const struct evrec *, uint8_t *out, size_t outsz);

/* Append the record as one JSON object (docs/event-record.md). */
int	evrec_json(const struct evrec *, struct json *);
/* The record as one JSON line (object + '\n') on f. */
int	evrec_write_json(const struct evrec *, FILE *f);

const char *evrec_strerror(int err);

#endif
