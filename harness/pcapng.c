/* pcapng writer: SHB, IDB, EPBs (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng). */
#include <errno.h>
#include <string.h>

#include "pcapng.h"

#define BT_SHB		0x0A0D0D0Au
#define BT_IDB		0x00000001u
#define BT_EPB		0x00000006u
#define OPT_END		0
#define OPT_COMMENT	1
#define IF_TSRESOL	9

static int
put32(FILE *f, uint32_t v)
{
	return fwrite(&v, 4, 1, f) == 1 ? 0 : -1;	/* host order: SHB BOM says so */
}

static int
put16(FILE *f, uint16_t v)
{
	return fwrite(&v, 2, 1, f) == 1 ? 0 : -1;
}

static uint32_t
pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

static int
put_bytes_padded(FILE *f, const void *p, uint32_t n)
{
	static const uint8_t zero[4];

	if (n > 0 && fwrite(p, n, 1, f) != 1)
		return -1;
	if (pad4(n) != n && fwrite(zero, pad4(n) - n, 1, f) != 1)
		return -1;
	return 0;
}

/* Option list bytes for an optional comment (plus opt_endofopt). */
static uint32_t
comment_opt_len(const char *c)
{
	return c != NULL && *c != '\0' ? 4 + pad4((uint32_t)strlen(c)) + 4 : 0;
}

static int
put_comment_opt(FILE *f, const char *c)
{
	uint32_t n;

	if (c == NULL || *c == '\0')
		return 0;
	n = (uint32_t)strlen(c);
	if (n > 65535)
		n = 65535;
	return put16(f, OPT_COMMENT) | put16(f, (uint16_t)n) |
	    put_bytes_padded(f, c, n) | put16(f, OPT_END) | put16(f, 0);
}

int
pcapng_open(struct pcapng *p, const char *path, int linktype, uint32_t snaplen,
    const char *comment)
{
	uint32_t len;
	FILE *f = fopen(path, "wb");
	int rc;

	memset(p, 0, sizeof(*p));
	if (f == NULL)
		return -1;
	/* Section Header Block */
	len = 28 + comment_opt_len(comment);
	rc = put32(f, BT_SHB) | put32(f, len) | put32(f, 0x1A2B3C4Du) |
	    put16(f, 1) | put16(f, 0);
	{
		uint64_t unknown = UINT64_MAX;	/* section length not given */
		rc |= fwrite(&unknown, 8, 1, f) == 1 ? 0 : -1;
	}
	rc |= put_comment_opt(f, comment) | put32(f, len);
	/* Interface Description Block, microsecond timestamps (default) */
	len = 20 + 8 + 4;	/* + if_tsresol option (4+4) + end (4) */
	rc |= put32(f, BT_IDB) | put32(f, len) | put16(f, (uint16_t)linktype) |
	    put16(f, 0) | put32(f, snaplen);
	{
		uint8_t res[4] = { 6, 0, 0, 0 };	/* 10^-6 */
		rc |= put16(f, IF_TSRESOL) | put16(f, 1) | put_bytes_padded(f, res, 1);
	}
	rc |= put16(f, OPT_END) | put16(f, 0) | put32(f, len);
	if (rc != 0) {
		int e = errno;
		fclose(f);
		errno = e;
		return -1;
	}
	p->f = f;
	return 0;
}

int
pcapng_write(struct pcapng *p, uint64_t ts_us, const uint8_t *data,
    uint32_t caplen, uint32_t origlen, const char *comment)
{
	uint32_t len = 32 + pad4(caplen) + comment_opt_len(comment);
	int rc;

	rc = put32(p->f, BT_EPB) | put32(p->f, len) | put32(p->f, 0) |
	    put32(p->f, (uint32_t)(ts_us >> 32)) | put32(p->f, (uint32_t)ts_us) |
	    put32(p->f, caplen) | put32(p->f, origlen) |
	    put_bytes_padded(p->f, data, caplen) | put_comment_opt(p->f, comment) |
	    put32(p->f, len);
	if (rc == 0)
		p->packets++;
	return rc;
}

int
pcapng_close(struct pcapng *p)
{
	int rc = 0;

	if (p->f != NULL)
		rc = fclose(p->f);
	p->f = NULL;
	return rc;
}
