/* iscsi-bench crc32c FILE...: CRC32C of files, 8 lowercase hex digits each. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "crc32c.h"

int
cmd_crc32c(int argc, char **argv)
{
	static unsigned char buf[1 << 16];
	int i, rc = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
		    "usage: iscsi-bench crc32c FILE...\n"
		    "Prints the CRC32C (Castagnoli, as in iSCSI digests) of each FILE\n"
		    "('-' is standard input) as 8 hex digits, followed by the name when\n"
		    "several files are given.\n");
		return argc < 2 ? 2 : 0;
	}
	for (i = 1; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
		uint32_t crc = 0;
		size_t n;

		if (f == NULL) {
			fprintf(stderr, "iscsi-bench crc32c: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			crc = crc32c(crc, buf, n);
		if (ferror(f)) {
			fprintf(stderr, "iscsi-bench crc32c: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 1;
		} else if (argc > 2)
			printf("%08x  %s\n", crc, argv[i]);
		else
			printf("%08x\n", crc);
		if (f != stdin)
			fclose(f);
	}
	return rc;
}
