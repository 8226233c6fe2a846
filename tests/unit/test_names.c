/*
 * iSCSI node names: seed 004 "Node Names" rules (UTF-8, <= 223 bytes, a-z
 * 0-9 . - :, uppercase mapped to lowercase, invalid host name characters
 * mapped to '-') and the RFC 7143 4.2.7 iqn./eui./naa. formats.
 */
#include <string.h>

#include "unit.h"
#include "names.h"

static int
validate(const char *s, struct names_diag *d)
{
	return names_validate(s, strlen(s), d);
}

/* Seed: allowed characters, uppercase mapped to lowercase. */
static void
test_normalize(void)
{
	char out[NAMES_MAX + 1];
	struct names_diag d;
	const char *in = "IQN.2001-04.COM.Example:Disk-1.A";

	CU_ASSERT_EQUAL(names_normalize(in, strlen(in), out, sizeof(out), &d),
	    NAMES_OK);
	CU_ASSERT_STRING_EQUAL(out, "iqn.2001-04.com.example:disk-1.a");
	/* first bad byte and why */
	CU_ASSERT_EQUAL(names_normalize("iqn.x_y z", 9, out, sizeof(out), &d),
	    NAMES_EBADCHAR);
	CU_ASSERT_EQUAL(d.nd_offset, 5);
	CU_ASSERT_EQUAL(d.nd_char, '_');
	CU_ASSERT_EQUAL(names_normalize("ab\0c", 4, out, sizeof(out), &d),
	    NAMES_EBADCHAR);
	CU_ASSERT_EQUAL(d.nd_offset, 2);
	/* seed: the service does not accept characters beyond a-z 0-9 . - : */
	CU_ASSERT_EQUAL(names_normalize("iqn.caf\xc3\xa9", 9, out, sizeof(out),
	    &d), NAMES_ENONASCII);
	CU_ASSERT_EQUAL(d.nd_offset, 7);
	CU_ASSERT_EQUAL(d.nd_char, 0xe9);		/* U+00E9 */
	/* not UTF-8 at all: lone continuation byte, overlong '/' */
	CU_ASSERT_EQUAL(names_normalize("ab\x80", 3, out, sizeof(out), &d),
	    NAMES_EUTF8);
	CU_ASSERT_EQUAL(d.nd_offset, 2);
	CU_ASSERT_EQUAL(names_normalize("a\xc0\xaf", 3, out, sizeof(out), &d),
	    NAMES_EUTF8);
	CU_ASSERT_EQUAL(d.nd_offset, 1);
	CU_ASSERT_EQUAL(names_normalize("", 0, out, sizeof(out), &d),
	    NAMES_EEMPTY);
	CU_ASSERT_EQUAL(names_normalize("abcd", 4, out, 4, &d), NAMES_EBUFSZ);
	CU_ASSERT_EQUAL(names_normalize("abcd", 4, out, 5, &d), NAMES_OK);
}

/* Seed: "Node names are 223 bytes or less". */
static void
test_length(void)
{
	char name[NAMES_MAX + 2];
	char out[NAMES_MAX + 2];
	struct names_diag d;

	memset(name, 'a', sizeof(name));
	memcpy(name, "iqn.2001-04.com.example:", 24);
	CU_ASSERT_EQUAL(names_validate(name, 223, &d), NAMES_OK);
	CU_ASSERT_EQUAL(names_validate(name, 224, &d), NAMES_ETOOLONG);
	CU_ASSERT_EQUAL(d.nd_offset, 223);
	CU_ASSERT_EQUAL(names_normalize(name, 223, out, sizeof(out), &d),
	    NAMES_OK);
	CU_ASSERT_EQUAL(strlen(out), 223);
	CU_ASSERT_EQUAL(names_normalize(name, 224, out, sizeof(out), &d),
	    NAMES_ETOOLONG);
}

/* RFC 7143 4.2.7: iqn.yyyy-mm.reversed.domain[:unique]. */
static void
test_iqn(void)
{
	struct names_diag d;

	CU_ASSERT_EQUAL(validate("iqn.2001-04.com.example:storage:diskarrays-sn-a8675309", &d),
	    NAMES_OK);
	CU_ASSERT_EQUAL(d.nd_type, NAMES_TYPE_IQN);
	CU_ASSERT_EQUAL(validate("iqn.2001-04.com.example", &d), NAMES_OK);
	CU_ASSERT_EQUAL(validate("iqn.1991-05.com.microsoft:computer1-dept1", &d),
	    NAMES_OK);
	CU_ASSERT_EQUAL(validate("IQN.2001-04.COM.EXAMPLE:X", &d), NAMES_OK);
	CU_ASSERT_EQUAL(validate("iqn.01-04.com.example", &d), NAMES_EIQNDATE);
	CU_ASSERT_EQUAL(d.nd_offset, 6);
	CU_ASSERT_EQUAL(validate("iqn.2001-13.com.example", &d), NAMES_EIQNDATE);
	CU_ASSERT_EQUAL(d.nd_offset, 9);
	CU_ASSERT_EQUAL(validate("iqn.2001-00.com.example", &d), NAMES_EIQNDATE);
	CU_ASSERT_EQUAL(validate("iqn.2001-4.com.example", &d), NAMES_EIQNDATE);
	CU_ASSERT_EQUAL(validate("iqn.2001-04", &d), NAMES_EIQNDATE);
	CU_ASSERT_EQUAL(d.nd_offset, 11);
	CU_ASSERT_EQUAL(validate("iqn.2001-04:com.example", &d), NAMES_EIQNDATE);
	CU_ASSERT_EQUAL(validate("iqn.2001-04.", &d), NAMES_EIQNAUTH);
	CU_ASSERT_EQUAL(d.nd_offset, 12);
	CU_ASSERT_EQUAL(validate("iqn.2001-04.:disk", &d), NAMES_EIQNAUTH);
	CU_ASSERT_EQUAL(validate("iqn.2001-04.com..example", &d), NAMES_EIQNAUTH);
	CU_ASSERT_EQUAL(d.nd_offset, 16);
	CU_ASSERT_EQUAL(validate("iqn.2001-04.com.example.:x", &d), NAMES_EIQNAUTH);
	CU_ASSERT_EQUAL(d.nd_offset, 24);
	/* character rules come first */
	CU_ASSERT_EQUAL(validate("iqn.2001-04.com.example:disk_1", &d),
	    NAMES_EBADCHAR);
	CU_ASSERT_EQUAL(d.nd_offset, 28);
}

/* RFC 7143 4.2.7: eui. + 16 hex digits; naa. + 16 or 32 hex digits. */
static void
test_eui_naa(void)
{
	struct names_diag d;

	CU_ASSERT_EQUAL(validate("eui.02004567A425678D", &d), NAMES_OK);
	CU_ASSERT_EQUAL(d.nd_type, NAMES_TYPE_EUI);
	CU_ASSERT_EQUAL(validate("eui.02004567a425678d", &d), NAMES_OK);
	CU_ASSERT_EQUAL(validate("eui.02004567A425678", &d), NAMES_EEUI);
	CU_ASSERT_EQUAL(validate("eui.02004567A425678D0", &d), NAMES_EEUI);
	CU_ASSERT_EQUAL(validate("eui.02004567A42567-D", &d), NAMES_EEUI);
	CU_ASSERT_EQUAL(d.nd_offset, 18);
	CU_ASSERT_EQUAL(validate("eui.", &d), NAMES_EEUI);

	CU_ASSERT_EQUAL(validate("naa.52004567BA64678D", &d), NAMES_OK);
	CU_ASSERT_EQUAL(d.nd_type, NAMES_TYPE_NAA);
	CU_ASSERT_EQUAL(validate("naa.62004567BA64678D0123456789ABCDEF", &d),
	    NAMES_OK);
	CU_ASSERT_EQUAL(validate("naa.52004567BA64678D01", &d), NAMES_ENAA);
	CU_ASSERT_EQUAL(d.nd_offset, 22);
	CU_ASSERT_EQUAL(validate("naa.52004567BA64678:", &d), NAMES_ENAA);
	CU_ASSERT_EQUAL(d.nd_offset, 19);

	CU_ASSERT_EQUAL(validate("abc.2001-04.com.example", &d), NAMES_ETYPE);
	CU_ASSERT_EQUAL(d.nd_type, NAMES_TYPE_UNKNOWN);
	CU_ASSERT_EQUAL(validate("iqn", &d), NAMES_ETYPE);
	CU_ASSERT_EQUAL(validate("", &d), NAMES_EEMPTY);
	CU_ASSERT_EQUAL(names_type("NAA.1234", 8), NAMES_TYPE_NAA);
	CU_ASSERT_STRING_EQUAL(names_type_name(NAMES_TYPE_EUI), "eui");
}

/* Seed: uppercase always maps to lowercase, so names compare case-folded. */
static void
test_equal(void)
{
	CU_ASSERT(names_equal("IQN.2001-04.com.X", 17, "iqn.2001-04.COM.x", 17));
	CU_ASSERT(!names_equal("iqn.2001-04.com.x", 17, "iqn.2001-04.com.y", 17));
	CU_ASSERT(!names_equal("iqn.a", 5, "iqn.ab", 6));
}

/*
 * Seed: "If there are any invalid characters in the computer name then
 * those invalid characters are mapped to '-'. For example if the computer
 * name is Computer1_Dept1 then the equivalent part of the node name is
 * Computer1-Dept1."  Uppercase is then lowered by the name rules.
 */
static void
test_default_name(void)
{
	char out[NAMES_MAX + 1], host[300];

	CU_ASSERT_EQUAL(names_default_initiator("Computer1_Dept1", out,
	    sizeof(out)), NAMES_OK);
	CU_ASSERT_STRING_EQUAL(out, "iqn.1991-05.com.microsoft:computer1-dept1");
	CU_ASSERT_EQUAL(names_default_initiator("web01.corp.example.com", out,
	    sizeof(out)), NAMES_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "iqn.1991-05.com.microsoft:web01.corp.example.com");
	/* one '-' per character, also for a two-byte UTF-8 character */
	CU_ASSERT_EQUAL(names_default_initiator("Caf\xc3\xa9 PC#2", out,
	    sizeof(out)), NAMES_OK);
	CU_ASSERT_STRING_EQUAL(out, "iqn.1991-05.com.microsoft:caf--pc-2");
	CU_ASSERT_EQUAL(names_default_initiator("", out, sizeof(out)),
	    NAMES_EHOST);
	CU_ASSERT_EQUAL(names_default_initiator("Computer1_Dept1", out, 30),
	    NAMES_EBUFSZ);
	/* 26-byte prefix + 197 = 223 fits, 198 does not */
	memset(host, 'h', sizeof(host));
	host[197] = '\0';
	CU_ASSERT_EQUAL(names_default_initiator(host, out, sizeof(out)),
	    NAMES_OK);
	CU_ASSERT_EQUAL(strlen(out), 223);
	host[197] = 'h';
	host[198] = '\0';
	CU_ASSERT_EQUAL(names_default_initiator(host, out, sizeof(out)),
	    NAMES_ETOOLONG);
	/* this machine's host name gives a valid name too */
	CU_ASSERT_EQUAL(names_default_initiator_local(out, sizeof(out)),
	    NAMES_OK);
	CU_ASSERT_EQUAL(names_validate(out, strlen(out), NULL), NAMES_OK);
	CU_ASSERT(strncmp(out, "iqn.1991-05.com.microsoft:", 26) == 0);
}

static void
test_error_table(void)
{
	CU_ASSERT_STRING_EQUAL(names_errname(NAMES_EEUI), "NAMES_EEUI");
	CU_ASSERT_STRING_EQUAL(names_strerror(NAMES_ETOOLONG),
	    "iSCSI name longer than 223 bytes");
}

static CU_TestInfo names_tests[] = {
	{ "seed004_node_names_normalize", test_normalize },
	{ "seed004_node_names_223_bytes", test_length },
	{ "rfc7143_4_2_7_iqn", test_iqn },
	{ "rfc7143_4_2_7_eui_naa", test_eui_naa },
	{ "seed004_uppercase_equal", test_equal },
	{ "seed004_default_name_computer1_dept1", test_default_name },
	{ "error_table", test_error_table },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("proto", "names", names_tests)
