/*
 * Emulated LUN: creation, backing store (anonymous memory or a file),
 * identity derived from the target name and LUN number, size parsing and
 * the raw data path.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lun_impl.h"

static int
seterr(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
seterr(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ---- size parsing ------------------------------------------------------ */

int
lun_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	static const char suffixes[] = "kmgt";
	const char *p = s, *sfx;
	uint64_t v = 0;
	unsigned int shift = 0;

	if (s == NULL || *s == '\0')
		return seterr(err, errlen, -EINVAL, "size: empty value");
	if (*p < '0' || *p > '9')
		return seterr(err, errlen, -EINVAL,
		    "size '%s': expected decimal digits, e.g. 64M, 1G, 512k, 4096", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return seterr(err, errlen, -ERANGE,
			    "size '%s': does not fit in 64 bits", s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0') {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		sfx = strchr(suffixes, c);
		if (sfx == NULL)
			return seterr(err, errlen, -EINVAL,
			    "size '%s': unknown suffix '%s' (use k, M, G or T)", s, p);
		shift = 10 * (unsigned int)(sfx - suffixes + 1);
		p++;
		if (strcmp(p, "") != 0 && strcmp(p, "B") != 0 &&
		    strcmp(p, "iB") != 0)
			return seterr(err, errlen, -EINVAL,
			    "size '%s': unexpected '%s' after the suffix", s, p);
	}
	if (v == 0)
		return seterr(err, errlen, -EINVAL, "size '%s': must be > 0", s);
	if (shift > 0 && v > (UINT64_MAX >> shift))
		return seterr(err, errlen, -ERANGE,
		    "size '%s': does not fit in 64 bits", s);
	*out = v << shift;
	return 0;
}

/* ---- identity ---------------------------------------------------------- */

/*
 * SHA-256 over a fixed label, the target name and the LUN number: the
 * serial number, the NAA and the EUI-64 designators come from it, so the
 * same target name and LUN always give the same identity.
 */
static int
lun_derive_identity(struct lun *l)
{
	static const char label[] = "iscsi-bench lun identity";
	uint8_t md[EVP_MAX_MD_SIZE], msg[sizeof(label) + sizeof(l->target_name) + 2];
	unsigned int mdlen = 0, i;
	size_t n = 0, tn = strlen(l->target_name);

	memcpy(msg, label, sizeof(label));	/* with its NUL */
	n = sizeof(label);
	memcpy(msg + n, l->target_name, tn + 1);
	n += tn + 1;
	msg[n++] = (uint8_t)(l->id >> 8);
	msg[n++] = (uint8_t)l->id;
	if (EVP_Digest(msg, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 24)
		return -EIO;
	if (l->serial[0] == '\0')
		for (i = 0; i < 8; i++)
			snprintf(l->serial + 2 * i, 3, "%02X", md[i]);
	/* NAA 3h: locally assigned, 60 bits (SPC-4 7.8.6.6.3) */
	l->naa = 0;
	for (i = 8; i < 16; i++)
		l->naa = l->naa << 8 | md[i];
	l->naa = 0x3ULL << 60 | (l->naa & 0x0fffffffffffffffULL);
	/* EUI-64, locally administered (U/L bit set), unicast */
	memcpy(l->eui64, md + 16, 8);
	l->eui64[0] = (uint8_t)((l->eui64[0] & 0xfc) | 0x02);
	return 0;
}

/* ---- backing store ----------------------------------------------------- */

static int
lun_open_file(struct lun *l, const struct lun_config *cfg, char *err,
    size_t errlen)
{
	struct stat st;
	int flags = cfg->readonly ? O_RDONLY : O_RDWR | O_CREAT;
	off_t end;

	l->fd = open(cfg->path, flags | O_CLOEXEC, 0644);
	if (l->fd < 0)
		return seterr(err, errlen, -errno, "LUN %u: cannot open '%s': %s",
		    cfg->id, cfg->path, strerror(errno));
	if (fstat(l->fd, &st) < 0)
		return seterr(err, errlen, -errno, "LUN %u: fstat '%s': %s",
		    cfg->id, cfg->path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return seterr(err, errlen, -EINVAL,
		    "LUN %u: '%s' is neither a regular file nor a block device",
		    cfg->id, cfg->path);
	end = lseek(l->fd, 0, SEEK_END);
	if (end < 0)
		return seterr(err, errlen, -errno, "LUN %u: size of '%s': %s",
		    cfg->id, cfg->path, strerror(errno));
	if (cfg->size == 0) {
		l->size = (uint64_t)end / LUN_BLOCK_SIZE * LUN_BLOCK_SIZE;
		if (l->size == 0)
			return seterr(err, errlen, -EINVAL,
			    "LUN %u: no size given and '%s' holds less than one "
			    "512-byte block", cfg->id, cfg->path);
		return 0;
	}
	if ((uint64_t)end >= cfg->size)
		return 0;
	if (cfg->readonly || S_ISBLK(st.st_mode))
		return seterr(err, errlen, -EINVAL,
		    "LUN %u: '%s' holds %lld bytes, %llu asked and it cannot "
		    "be extended", cfg->id, cfg->path, (long long)end,
		    (unsigned long long)cfg->size);
	if (cfg->size > (uint64_t)LLONG_MAX || ftruncate(l->fd, (off_t)cfg->size) < 0)
		return seterr(err, errlen, -errno, "LUN %u: extend '%s' to %llu "
		    "bytes: %s", cfg->id, cfg->path, (unsigned long long)cfg->size,
		    strerror(errno));
	return 0;
}

static int
lun_open_memory(struct lun *l, char *err, size_t errlen)
{
	void *p;

	if (l->size > SIZE_MAX)
		return seterr(err, errlen, -ERANGE, "LUN %u: %llu bytes do not "
		    "fit in the address space", l->id, (unsigned long long)l->size);
	p = mmap(NULL, (size_t)l->size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return seterr(err, errlen, -errno, "LUN %u: cannot map %llu bytes "
		    "of memory: %s", l->id, (unsigned long long)l->size,
		    strerror(errno));
	l->mem = p;
	return 0;
}

int
lun_create(const struct lun_config *cfg, struct lun **out, char *err,
    size_t errlen)
{
	struct lun *l;
	int rc;

	*out = NULL;
	if (cfg->target_name == NULL || cfg->target_name[0] == '\0' ||
	    strlen(cfg->target_name) > 223)
		return seterr(err, errlen, -EINVAL,
		    "LUN %u: target name missing or longer than 223 bytes", cfg->id);
	if (cfg->id > SCSI_LUN_MAX_FLAT)
		return seterr(err, errlen, -EINVAL,
		    "LUN %u: above %u (flat space addressing limit)", cfg->id,
		    SCSI_LUN_MAX_FLAT);
	if (cfg->size % LUN_BLOCK_SIZE != 0 || (cfg->size == 0 && cfg->path == NULL))
		return seterr(err, errlen, -EINVAL,
		    "LUN %u: size %llu is not a positive multiple of the %u-byte "
		    "block", cfg->id, (unsigned long long)cfg->size, LUN_BLOCK_SIZE);
	if (cfg->product != NULL && strlen(cfg->product) > 16)
		return seterr(err, errlen, -EINVAL,
		    "LUN %u: product '%s' longer than 16 characters", cfg->id,
		    cfg->product);
	if (cfg->serial != NULL && (cfg->serial[0] == '\0' ||
	    strlen(cfg->serial) > 32))
		return seterr(err, errlen, -EINVAL,
		    "LUN %u: serial number must have 1 to 32 characters", cfg->id);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return seterr(err, errlen, -ENOMEM, "LUN %u: out of memory", cfg->id);
	l->fd = -1;
	l->id = cfg->id;
	l->size = cfg->size;
	l->readonly = cfg->readonly;
	l->max_xfer_blocks = cfg->max_xfer_blocks != 0 ? cfg->max_xfer_blocks :
	    LUN_DEFAULT_MAX_XFER_BLOCKS;
	l->tpgt = cfg->tpgt != 0 ? cfg->tpgt : 1;
	l->rel_port = cfg->rel_port != 0 ? cfg->rel_port : 1;
	snprintf(l->target_name, sizeof(l->target_name), "%s", cfg->target_name);
	snprintf(l->product, sizeof(l->product), "%s",
	    cfg->product != NULL ? cfg->product : LUN_DEFAULT_PRODUCT);
	if (cfg->serial != NULL)
		snprintf(l->serial, sizeof(l->serial), "%s", cfg->serial);
	rc = cfg->path != NULL ? lun_open_file(l, cfg, err, errlen) :
	    lun_open_memory(l, err, errlen);
	if (rc == 0 && (rc = lun_derive_identity(l)) != 0)
		seterr(err, errlen, rc, "LUN %u: SHA-256 failed", cfg->id);
	if (rc == 0)
		rc = lun_set_lun_list(l, &l->id, 1);
	if (rc != 0) {
		lun_destroy(l);
		return rc;
	}
	l->nblocks = l->size / LUN_BLOCK_SIZE;
	*out = l;
	return 0;
}

void
lun_destroy(struct lun *l)
{
	if (l == NULL)
		return;
	if (l->mem != NULL)
		munmap(l->mem, (size_t)l->size);
	if (l->fd >= 0)
		close(l->fd);
	free(l->lun_list);
	free(l);
}

uint16_t
lun_id(const struct lun *l)
{
	return l->id;
}

uint64_t
lun_nblocks(const struct lun *l)
{
	return l->nblocks;
}

const char *
lun_serial(const struct lun *l)
{
	return l->serial;
}

int
lun_is_zero_copy(const struct lun *l)
{
	return l->mem != NULL;
}

int
lun_set_lun_list(struct lun *l, const uint16_t *ids, size_t n)
{
	uint16_t *copy = NULL;

	if (n > SCSI_LUN_MAX_FLAT + 1)
		return -EINVAL;
	if (n > 0) {
		if ((copy = malloc(n * sizeof(*copy))) == NULL)
			return -ENOMEM;
		memcpy(copy, ids, n * sizeof(*copy));
	}
	free(l->lun_list);
	l->lun_list = copy;
	l->lun_count = n;
	return 0;
}

void
lun_set_port_name_fn(struct lun *l, lun_port_name_fn fn, void *arg)
{
	l->port_name_fn = fn;
	l->port_name_arg = arg;
}

/* ---- data path --------------------------------------------------------- */

static int
lun_range_ok(const struct lun *l, uint64_t offset, size_t len)
{
	return offset <= l->size && len <= l->size - offset;
}

int
lun_read_ptr(struct lun *l, uint64_t lba, uint32_t nblocks, const uint8_t **p)
{
	if (l->mem == NULL)
		return -ENOTSUP;
	if (lba > l->nblocks || nblocks > l->nblocks - lba)
		return -ERANGE;
	*p = l->mem + lba * LUN_BLOCK_SIZE;
	return 0;
}

int
lun_read_at(struct lun *l, uint64_t offset, void *buf, size_t len)
{
	uint8_t *b = buf;

	if (!lun_range_ok(l, offset, len))
		return -ERANGE;
	if (l->mem != NULL) {
		memcpy(buf, l->mem + offset, len);
		return 0;
	}
	while (len > 0) {
		ssize_t n = pread(l->fd, b, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {		/* file shrunk under us: reads as zeros */
			memset(b, 0, len);
			return 0;
		}
		b += n;
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int
lun_write_at(struct lun *l, uint64_t offset, const void *buf, size_t len)
{
	const uint8_t *b = buf;

	if (!lun_range_ok(l, offset, len))
		return -ERANGE;
	if (l->readonly)
		return -EROFS;
	if (l->mem != NULL) {
		memcpy(l->mem + offset, buf, len);
		return 0;
	}
	while (len > 0) {
		ssize_t n = pwrite(l->fd, b, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		b += n;
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int
lun_flush(struct lun *l)
{
	if (l->fd >= 0 && fdatasync(l->fd) < 0)
		return -errno;
	return 0;
}
