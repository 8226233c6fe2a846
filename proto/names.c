/*
 * iSCSI node names: seed 004 "Node Names" character rules and the RFC 7143
 * 4.2.7 iqn./eui./naa. formats.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "names.h"

struct names_err_info {
	int		 ei_err;
	const char	*ei_name;
	const char	*ei_text;
};

#define NAMES_ERR_ROW(e, v, text)	{ e, #e, text },
static const struct names_err_info names_errs[] = {
	NAMES_ERRORS(NAMES_ERR_ROW)
};
#undef NAMES_ERR_ROW

static const struct names_err_info *
err_lookup(int err)
{
	size_t i;

	for (i = 0; i < sizeof(names_errs) / sizeof(names_errs[0]); i++)
		if (names_errs[i].ei_err == err)
			return &names_errs[i];
	return NULL;
}

const char *
names_strerror(int err)
{
	const struct names_err_info *e = err_lookup(err);

	return e != NULL ? e->ei_text : "unknown iSCSI name error";
}

const char *
names_errname(int err)
{
	const struct names_err_info *e = err_lookup(err);

	return e != NULL ? e->ei_name : "NAMES_E?";
}

const char *
names_type_name(enum names_type type)
{
	switch (type) {
	case NAMES_TYPE_IQN: return "iqn";
	case NAMES_TYPE_EUI: return "eui";
	case NAMES_TYPE_NAA: return "naa";
	case NAMES_TYPE_UNKNOWN: break;
	}
	return "unknown";
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Seed 004: a-z, 0-9, '.', '-', ':' (after mapping uppercase). */
static bool
name_char_ok(int c)
{
	c = lower(c);
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	    c == '-' || c == ':';
}

static bool
is_hex(int c)
{
	c = lower(c);
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Length of the well-formed UTF-8 sequence (RFC 3629) at s[0..len), with
 * its code point in *cp; 0 when malformed, overlong, a surrogate or past
 * U+10FFFF.
 */
static size_t
utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2; v = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3; v = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4; v = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static int
fail(struct names_diag *diag, int err, size_t off, uint32_t c)
{
	if (diag != NULL) {
		diag->nd_offset = off;
		diag->nd_char = c;
	}
	return err;
}

/* Character rules over in[len]; no copy. */
static int
check_chars(const char *in, size_t len, struct names_diag *diag)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i;
	uint32_t cp;

	if (len == 0)
		return fail(diag, NAMES_EEMPTY, 0, 0);
	if (len > NAMES_MAX)
		return fail(diag, NAMES_ETOOLONG, NAMES_MAX, 0);
	for (i = 0; i < len; i++) {
		if (s[i] >= 0x80) {
			if (utf8_seq(s + i, len - i, &cp) == 0)
				return fail(diag, NAMES_EUTF8, i, s[i]);
			return fail(diag, NAMES_ENONASCII, i, cp);
		}
		if (!name_char_ok(s[i]))
			return fail(diag, NAMES_EBADCHAR, i, s[i]);
	}
	return NAMES_OK;
}

int
names_normalize(const char *in, size_t len, char *out, size_t outsz,
    struct names_diag *diag)
{
	size_t i;
	int rc;

	if (in == NULL || out == NULL)
		return NAMES_EINVAL;
	if (diag != NULL)
		memset(diag, 0, sizeof(*diag));
	if ((rc = check_chars(in, len, diag)) != NAMES_OK)
		return rc;
	if (outsz <= len)
		return NAMES_EBUFSZ;
	for (i = 0; i < len; i++)
		out[i] = (char)lower((unsigned char)in[i]);
	out[len] = '\0';
	return NAMES_OK;
}

static bool
prefix_is(const char *s, size_t len, const char *p)
{
	size_t i, n = strlen(p);

	if (len < n)
		return false;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != p[i])
			return false;
	return true;
}

enum names_type
names_type(const char *name, size_t len)
{
	if (name == NULL)
		return NAMES_TYPE_UNKNOWN;
	if (prefix_is(name, len, "iqn."))
		return NAMES_TYPE_IQN;
	if (prefix_is(name, len, "eui."))
		return NAMES_TYPE_EUI;
	if (prefix_is(name, len, "naa."))
		return NAMES_TYPE_NAA;
	return NAMES_TYPE_UNKNOWN;
}

/* Offset of the first non-hex digit in s[from..len), or len. */
static size_t
hex_run(const char *s, size_t from, size_t len)
{
	while (from < len && is_hex((unsigned char)s[from]))
		from++;
	return from;
}

/*
 * "iqn." yyyy "-" mm "." naming-authority [ ":" unique part ].  The
 * authority (a reversed domain name) is made of non-empty dot-separated
 * labels.
 */
static int
check_iqn(const char *s, size_t len, struct names_diag *diag)
{
	static const char shape[] = "dddd-dd.";	/* from offset 4 */
	size_t i, end, label;
	int month;

	for (i = 0; i < sizeof(shape) - 1; i++) {
		size_t o = 4 + i;
		bool ok = o < len && (shape[i] == 'd' ?
		    is_digit((unsigned char)s[o]) : s[o] == shape[i]);

		if (!ok)
			return fail(diag, NAMES_EIQNDATE, o,
			    o < len ? (unsigned char)s[o] : 0);
	}
	month = (s[9] - '0') * 10 + (s[10] - '0');
	if (month < 1 || month > 12)
		return fail(diag, NAMES_EIQNDATE, 9, (unsigned char)s[9]);
	for (end = 12; end < len && s[end] != ':'; end++)
		;
	label = 12;
	for (i = 12; i <= end; i++) {
		if (i < end && s[i] != '.')
			continue;
		if (i == label)		/* empty label */
			return fail(diag, NAMES_EIQNAUTH, i,
			    i < len ? (unsigned char)s[i] : 0);
		label = i + 1;
	}
	return NAMES_OK;
}

int
names_validate(const char *name, size_t len, struct names_diag *diag)
{
	enum names_type type;
	size_t end;
	int rc;

	if (name == NULL)
		return NAMES_EINVAL;
	if (diag != NULL)
		memset(diag, 0, sizeof(*diag));
	if ((rc = check_chars(name, len, diag)) != NAMES_OK)
		return rc;
	type = names_type(name, len);
	if (diag != NULL)
		diag->nd_type = type;
	switch (type) {
	case NAMES_TYPE_IQN:
		return check_iqn(name, len, diag);
	case NAMES_TYPE_EUI:
		end = hex_run(name, 4, len);
		if (end < len)
			return fail(diag, NAMES_EEUI, end,
			    (unsigned char)name[end]);
		if (len - 4 != 16)
			return fail(diag, NAMES_EEUI, len, 0);
		return NAMES_OK;
	case NAMES_TYPE_NAA:
		end = hex_run(name, 4, len);
		if (end < len)
			return fail(diag, NAMES_ENAA, end,
			    (unsigned char)name[end]);
		if (len - 4 != 16 && len - 4 != 32)
			return fail(diag, NAMES_ENAA, len, 0);
		return NAMES_OK;
	case NAMES_TYPE_UNKNOWN:
		break;
	}
	return fail(diag, NAMES_ETYPE, 0, (unsigned char)name[0]);
}

bool
names_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (a == NULL || b == NULL || alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

int
names_default_initiator(const char *hostname, char *out, size_t outsz)
{
	static const char auth[] = NAMES_DEFAULT_AUTHORITY ":";
	const unsigned char *h = (const unsigned char *)hostname;
	size_t hlen, i, o, n;
	uint32_t cp;

	if (hostname == NULL || out == NULL)
		return NAMES_EINVAL;
	if ((hlen = strlen(hostname)) == 0)
		return NAMES_EHOST;
	if (outsz < sizeof(auth))
		return NAMES_EBUFSZ;
	memcpy(out, auth, sizeof(auth) - 1);
	o = sizeof(auth) - 1;
	for (i = 0; i < hlen; i += n) {
		int c = h[i];

		n = 1;
		if (c >= 0x80) {
			/* one '-' per character, not per byte */
			if ((n = utf8_seq(h + i, hlen - i, &cp)) == 0)
				n = 1;
			c = '-';
		} else if (!name_char_ok(c))
			c = '-';	/* seed: "Computer1_Dept1" -> "Computer1-Dept1" */
		if (o >= NAMES_MAX)
			return NAMES_ETOOLONG;
		if (o + 1 >= outsz)
			return NAMES_EBUFSZ;
		out[o++] = (char)lower(c);
	}
	out[o] = '\0';
	return names_validate(out, o, NULL);
}

int
names_default_initiator_local(char *out, size_t outsz)
{
	char host[HOST_NAME_MAX + 1];

	if (out == NULL)
		return NAMES_EINVAL;
	if (gethostname(host, sizeof(host)) != 0)
		return NAMES_EHOST;
	host[sizeof(host) - 1] = '\0';
	return names_default_initiator(host, out, outsz);
}
