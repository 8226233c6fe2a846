/*
 * iSCSI node names (RFC 7143 section 4.2.7) with the simplified character
 * rules of seed 004 ("Node Names"): UTF-8, at most 223 bytes, only a-z,
 * 0-9, '.', '-' and ':', uppercase mapped to lowercase.  This is a subset
 * of the RFC 3722 stringprep profile: any non-ASCII character is refused.
 * Formats: iqn.yyyy-mm.reversed.domain[:anything], eui. + 16 hex digits,
 * naa. + 16 or 32 hex digits.  See docs/names.md.
 */
#ifndef PROTO_NAMES_H
#define PROTO_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAMES_MAX	223	/* bytes, without the terminating NUL */

/*
 * Naming authority of generated initiator names: the one the MS initiator
 * uses, which the reference initiator reproduces (docs/names.md).
 */
#define NAMES_DEFAULT_AUTHORITY	"iqn.1991-05.com.microsoft"

/* X(enum name, value, text).  All map to ISDSC_INVALID_ISCSI_NAME. */
#define NAMES_ERRORS(X)							\
	X(NAMES_OK,		  0, "ok")				\
	X(NAMES_EINVAL,		 -1, "invalid argument")		\
	X(NAMES_EBUFSZ,		 -2, "output buffer too small")		\
	X(NAMES_EEMPTY,		 -3, "iSCSI name is empty")		\
	X(NAMES_ETOOLONG,	 -4, "iSCSI name longer than 223 bytes") \
	X(NAMES_EBADCHAR,	 -5, "character not allowed in an iSCSI name") \
	X(NAMES_ENONASCII,	 -6, "non-ASCII character not allowed in an iSCSI name") \
	X(NAMES_EUTF8,		 -7, "iSCSI name is not valid UTF-8")	\
	X(NAMES_ETYPE,		 -8, "iSCSI name does not start with iqn., eui. or naa.") \
	X(NAMES_EIQNDATE,	 -9, "iqn. name needs a yyyy-mm date and a dot after it") \
	X(NAMES_EIQNAUTH,	-10, "iqn. name has an empty or malformed naming authority") \
	X(NAMES_EEUI,		-11, "eui. name needs exactly 16 hex digits") \
	X(NAMES_ENAA,		-12, "naa. name needs 16 or 32 hex digits") \
	X(NAMES_EHOST,		-13, "host name is empty or unavailable")

#define NAMES_ERR_ENUM(e, v, text)	e = v,
enum names_err {
	NAMES_ERRORS(NAMES_ERR_ENUM)
};
#undef NAMES_ERR_ENUM

enum names_type {
	NAMES_TYPE_UNKNOWN = 0,
	NAMES_TYPE_IQN,		/* iSCSI Qualified Name (RFC 3721) */
	NAMES_TYPE_EUI,		/* IEEE EUI-64 */
	NAMES_TYPE_NAA		/* Network Address Authority (RFC 3980) */
};

/* Where and why a name was refused. */
struct names_diag {
	enum names_type	nd_type;	/* type found from the prefix */
	size_t		nd_offset;	/* byte offset of the problem */
	uint32_t	nd_char;	/* offending byte or code point */
};

const char	*names_strerror(int err);
const char	*names_errname(int err);
const char	*names_type_name(enum names_type type);	/* "iqn" ... */

/*
 * Character rules only: copy in[len] to out[outsz] (NUL terminated) with
 * ASCII uppercase lowered.  NAMES_EEMPTY, NAMES_ETOOLONG, NAMES_EBUFSZ, or
 * NAMES_EBADCHAR / NAMES_ENONASCII / NAMES_EUTF8 with diag (may be NULL)
 * at the first bad byte.
 */
int	names_normalize(const char *in, size_t len, char *out, size_t outsz,
	    struct names_diag *diag);

/*
 * Character rules plus the format of the type prefix (case-insensitive,
 * since uppercase maps to lowercase).  Errors as above plus NAMES_ETYPE,
 * NAMES_EIQNDATE, NAMES_EIQNAUTH, NAMES_EEUI, NAMES_ENAA.
 */
int	names_validate(const char *name, size_t len, struct names_diag *diag);

/* Type from the prefix alone (case-insensitive). */
enum names_type	names_type(const char *name, size_t len);

/* Equal after normalisation (ASCII case folded); no validation. */
bool	names_equal(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Default initiator name from a host name, as the seed describes: each
 * invalid character becomes '-' ("Computer1_Dept1" -> "Computer1-Dept1"),
 * then the name rules lower the case; the result is
 * NAMES_DEFAULT_AUTHORITY ":" label, e.g.
 * "iqn.1991-05.com.microsoft:computer1-dept1".  NAMES_EHOST for an empty
 * host name, NAMES_ETOOLONG past 223 bytes, NAMES_EBUFSZ.
 */
int	names_default_initiator(const char *hostname, char *out, size_t outsz);

/* The same with gethostname(2). */
int	names_default_initiator_local(char *out, size_t outsz);

#endif
