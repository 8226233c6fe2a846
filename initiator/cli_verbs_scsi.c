/*
 * SCSI verbs: ReportLUNs, ScsiInquiry, ReadCapacity (seed appendix C; a
 * timeout of these is event 47, "sent through a WMI request") and the
 * bench's WriteBlocks / ReadBlocks.  LUNs are decimal or 0x hex.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crc32c.h"
#include "scsi.h"

#define INQUIRY_MAX	8192		/* seed: "Maximum value is 8KB" */
#define RW_CHUNK	(1024 * 1024)	/* bytes per READ/WRITE command */
#define RW_MAX_BLOCKS	(1u << 21)	/* per ReadBlocks / WriteBlocks */
#define UA_RETRIES	4
#define SCSI_CHECK_CONDITION	0x02

/* Sense key of fixed or descriptor format sense data. */
static uint8_t
sense_key(const struct ini_scsi_result *r)
{
	if (r->sense_len >= 3 && (r->sense[0] & 0x7f) <= 0x71)
		return r->sense[2] & 0x0f;
	if (r->sense_len >= 2)
		return r->sense[1] & 0x0f;
	return 0;
}

static void
sense_out(struct cli *c, const struct ini_scsi_result *r)
{
	uint8_t key = 0, asc = 0, ascq = 0;
	const uint8_t *s = r->sense;

	if (r->sense_len >= 14 && (s[0] & 0x7f) <= 0x71) {
		key = s[2] & 0x0f;
		asc = s[12];
		ascq = s[13];
	} else if (r->sense_len >= 4) {
		key = s[1] & 0x0f;
		asc = s[2];
		ascq = s[3];
	}
	if (c->json) {
		json_kv_uint(c->j, "scsi_status", r->status);
		json_kv_uint(c->j, "iscsi_response", r->response);
		json_key(c->j, "sense");
		json_hex(c->j, r->sense, r->sense_len);
		json_kv_uint(c->j, "sense_key", key);
		json_kv_uint(c->j, "asc", asc);
		json_kv_uint(c->j, "ascq", ascq);
		json_kv_uint(c->j, "residual", r->residual);
		return;
	}
	fprintf(c->out, "SCSI Status       : 0x%02x\n", r->status);
	if (r->response != 0)
		fprintf(c->out, "iSCSI Response    : 0x%02x\n", r->response);
	if (r->sense_len > 0)
		fprintf(c->out, "Sense             : key 0x%x asc 0x%02x ascq "
		    "0x%02x\n", key, asc, ascq);
}

static bool
lun_arg(struct cli *c, const char *s, uint64_t *lun)
{
	if (!cli_parse_u64(s, UINT64_MAX, lun)) {
		cli_bad_arg(c, "LUN", s, "expected a decimal or 0x hex LUN");
		return false;
	}
	return true;
}

static uint32_t
run(struct cli *c, struct ini_session *s, uint64_t lun, const uint8_t *cdb,
    size_t cdblen, uint8_t *in, uint32_t inlen, const uint8_t *out,
    uint32_t outlen, bool wmi, struct ini_scsi_result *r)
{
	struct ini_scsi_cmd cmd;
	uint32_t rc;
	int tries;

	memset(&cmd, 0, sizeof(cmd));
	cmd.lun = ini_lun_encode(lun);
	cmd.cdb = cdb;
	cmd.cdblen = cdblen;
	cmd.in = inlen > 0 ? in : NULL;
	cmd.inlen = inlen;
	cmd.out = outlen > 0 ? out : NULL;
	cmd.outlen = outlen;
	cmd.wmi = wmi;
	for (tries = 0;; tries++) {
		rc = ini_scsi_ex(c->node, s, &cmd, r);
		/* UNIT ATTENTION (power on, reset...): report it, then retry */
		if (rc != ISDSC_SCSI_REQUEST_FAILED || tries == UA_RETRIES ||
		    r->status != SCSI_CHECK_CONDITION || sense_key(r) != 0x6)
			return rc;
	}
}

static void
hexdump(struct cli *c, const uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(c->out, "%s%02x%s", i % 16 == 0 ? "    " : "", d[i],
		    i % 16 == 15 || i + 1 == n ? "\n" : " ");
}

uint32_t
cli_report_luns(struct cli *c, int argc, char **argv)
{
	struct ini_session *s = cli_session(c, argv[1]);
	struct ini_scsi_result r;
	uint8_t cdb[16], *buf;
	uint32_t len = 8192, rc;
	struct scsi_report_luns rl;
	uint64_t wire;
	long n, i;

	(void)argc;
	if (s == NULL)
		return ISDSC_INVALID_SESSION_ID;
	for (;;) {
		if ((buf = calloc(1, len)) == NULL)
			return ISDSC_OUT_OF_RESOURCES;
		rc = run(c, s, 0, cdb, scsi_cdb_report_luns(cdb, 0, len), buf, len,
		    NULL, 0, true, &r);
		n = rc == INI_ISDSC_OK && scsi_parse_report_luns(buf, r.data_len,
		    NULL, 0, &rl, NULL) == SCSI_OK ? (long)rl.total : -1;
		if (rc != INI_ISDSC_OK || n < 0 || (uint64_t)n * 8 + 8 <= len ||
		    len >= 65536)
			break;
		len = (uint32_t)n * 8 + 8 > 65536 ? 65536 : (uint32_t)n * 8 + 8;
		free(buf);
	}
	sense_out(c, &r);
	if (rc == INI_ISDSC_OK) {
		if (c->json) {
			json_key(c->j, "luns");
			json_array_open(c->j);
		} else
			fprintf(c->out, "LUN List          :\n");
		for (i = 0; i < n; i++) {
			if (8 + (size_t)i * 8 + 8 > r.data_len)
				break;
			wire = scsi_lun_from_bytes(buf + 8 + (size_t)i * 8);
			if (c->json) {
				json_object_open(c->j);
				json_key(c->j, "lun");
				json_stringf(c->j, "0x%016llx",
				    (unsigned long long)wire);
				json_kv_uint(c->j, "number", ini_lun_decode(wire));
				json_object_close(c->j);
			} else
				fprintf(c->out, "    0x%016llx  (%llu)\n",
				    (unsigned long long)wire,
				    (unsigned long long)ini_lun_decode(wire));
		}
		if (c->json)
			json_array_close(c->j);
	}
	free(buf);
	return rc;
}

static void
trimmed(struct cli *c, const char *key, const uint8_t *p, size_t n)
{
	char buf[32];

	while (n > 0 && p[n - 1] == ' ')
		n--;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (c->json)
		json_kv_string(c->j, key, buf);
	else
		fprintf(c->out, "%-18s: %s\n", key, buf);
}

uint32_t
cli_scsi_inquiry(struct cli *c, int argc, char **argv)
{
	struct ini_session *s;
	struct ini_scsi_result r;
	uint64_t lun, evpd, page, len = 0xff;
	uint8_t cdb[16], *buf;
	uint32_t rc;

	if (!lun_arg(c, argv[2], &lun))
		return ISDSC_INVALID_PARAMETER;
	if (!cli_parse_u64(argv[3], 3, &evpd))
		return cli_bad_arg(c, "EvpdCmddt", argv[3], "expected 0-3");
	if (!cli_parse_u64(argv[4], 255, &page))
		return cli_bad_arg(c, "PageCode", argv[4], "expected 0-255");
	if (argc > 5 && !cli_is_default(argv[5]) &&
	    (!cli_parse_u64(argv[5], INQUIRY_MAX, &len) || len == 0))
		return cli_bad_arg(c, "Length", argv[5], "expected 1-8192");
	if ((s = cli_session(c, argv[1])) == NULL)
		return ISDSC_INVALID_SESSION_ID;
	if ((buf = calloc(1, len)) == NULL)
		return ISDSC_OUT_OF_RESOURCES;
	rc = run(c, s, lun, cdb, scsi_cdb_inquiry(cdb, (int)evpd, (uint8_t)page,
	    (uint16_t)len), buf, (uint32_t)len, NULL, 0, true, &r);
	sense_out(c, &r);
	if (rc == INI_ISDSC_OK) {
		if (c->json) {
			json_key(c->j, "data");
			json_hex(c->j, buf, r.data_len);
		} else {
			fprintf(c->out, "Buffer            :\n");
			hexdump(c, buf, r.data_len);
		}
		if (evpd == 0 && r.data_len >= 36) {
			trimmed(c, "vendor", buf + 8, 8);
			trimmed(c, "product", buf + 16, 16);
			trimmed(c, "revision", buf + 32, 4);
		}
	}
	free(buf);
	return rc;
}

/* READ CAPACITY (10), then (16) when the LBA does not fit 32 bits. */
static uint32_t
capacity(struct cli *c, struct ini_session *s, uint64_t lun, bool wmi,
    struct scsi_capacity *cap, struct ini_scsi_result *r)
{
	uint8_t cdb[16], buf[32];
	uint32_t rc;

	rc = run(c, s, lun, cdb, scsi_cdb_read_capacity10(cdb), buf, 8, NULL, 0,
	    wmi, r);
	if (rc != INI_ISDSC_OK)
		return rc;
	if (scsi_parse_read_capacity10(buf, r->data_len, cap, NULL) != SCSI_OK)
		return ISDSC_SCSI_REQUEST_FAILED;
	if (cap->last_lba != 0xffffffffu)
		return rc;
	rc = run(c, s, lun, cdb, scsi_cdb_read_capacity16(cdb, 32), buf, 32, NULL,
	    0, wmi, r);
	if (rc == INI_ISDSC_OK && scsi_parse_read_capacity16(buf, r->data_len,
	    cap, NULL) != SCSI_OK)
		rc = ISDSC_SCSI_REQUEST_FAILED;
	return rc;
}

uint32_t
cli_read_capacity(struct cli *c, int argc, char **argv)
{
	struct ini_session *s;
	struct scsi_capacity cap;
	struct ini_scsi_result r;
	uint64_t lun;
	uint32_t rc;

	(void)argc;
	if (!lun_arg(c, argv[2], &lun))
		return ISDSC_INVALID_PARAMETER;
	if ((s = cli_session(c, argv[1])) == NULL)
		return ISDSC_INVALID_SESSION_ID;
	memset(&cap, 0, sizeof(cap));
	rc = capacity(c, s, lun, true, &cap, &r);
	sense_out(c, &r);
	if (rc != INI_ISDSC_OK)
		return rc;
	if (c->json) {
		json_kv_uint(c->j, "last_lba", cap.last_lba);
		json_kv_uint(c->j, "block_length", cap.block_size);
		json_kv_uint(c->j, "bytes", (cap.last_lba + 1) * cap.block_size);
	} else
		fprintf(c->out, "Max Block Address : 0x%llx\n"
		    "Block Length      : %u\n"
		    "Capacity          : %llu bytes\n",
		    (unsigned long long)cap.last_lba, cap.block_size,
		    (unsigned long long)((cap.last_lba + 1) * cap.block_size));
	return rc;
}

/* READ / WRITE of n blocks at lba, chunked, 10- or 16-byte CDBs. */
static uint32_t
transfer(struct cli *c, struct ini_session *s, uint64_t lun, uint64_t lba,
    uint64_t blocks, uint32_t bs, uint8_t *data, bool write,
    struct ini_scsi_result *r)
{
	uint64_t per = RW_CHUNK / bs > 0 ? RW_CHUNK / bs : 1, done = 0, n;
	uint8_t cdb[16];
	size_t len;
	uint32_t rc = INI_ISDSC_OK;

	while (done < blocks && rc == INI_ISDSC_OK) {
		n = blocks - done < per ? blocks - done : per;
		if (lba + done + n <= 0xffffffffull && n <= 0xffff)
			len = write ? scsi_cdb_write10(cdb, (uint32_t)(lba + done),
			    (uint16_t)n, 0) : scsi_cdb_read10(cdb,
			    (uint32_t)(lba + done), (uint16_t)n, 0);
		else
			len = write ? scsi_cdb_write16(cdb, lba + done, (uint32_t)n,
			    0) : scsi_cdb_read16(cdb, lba + done, (uint32_t)n, 0);
		rc = run(c, s, lun, cdb, len, write ? NULL : data + done * bs,
		    write ? 0 : (uint32_t)(n * bs), write ? data + done * bs :
		    NULL, write ? (uint32_t)(n * bs) : 0, false, r);
		done += n;
	}
	return rc;
}

static uint32_t
rw_common(struct cli *c, char **argv, struct ini_session **s, uint64_t *lun,
    uint64_t *lba)
{
	*s = NULL;
	if (!lun_arg(c, argv[2], lun))
		return ISDSC_INVALID_PARAMETER;
	if (!cli_parse_u64(argv[3], UINT64_MAX, lba))
		return cli_bad_arg(c, "LBA", argv[3], "expected a decimal or 0x "
		    "hex block address");
	if ((*s = cli_session(c, argv[1])) == NULL)
		return ISDSC_INVALID_SESSION_ID;
	return INI_ISDSC_OK;
}

uint32_t
cli_write_blocks(struct cli *c, int argc, char **argv)
{
	struct ini_session *s;
	struct scsi_capacity cap;
	struct ini_scsi_result r;
	uint64_t lun, lba, room;
	uint8_t *data = NULL;
	size_t len = 0;
	char why[160];
	uint32_t rc;

	(void)argc;
	if ((rc = rw_common(c, argv, &s, &lun, &lba)) != INI_ISDSC_OK)
		return rc;
	memset(&cap, 0, sizeof(cap));
	if ((rc = capacity(c, s, lun, false, &cap, &r)) != INI_ISDSC_OK) {
		sense_out(c, &r);
		return rc;
	}
	if (cap.block_size == 0)
		return ISDSC_SCSI_REQUEST_FAILED;
	/* the blocks from lba to the end of the LU, at most RW_MAX_BLOCKS */
	room = lba > cap.last_lba ? 0 : cap.last_lba - lba + 1;
	if (room > RW_MAX_BLOCKS)
		room = RW_MAX_BLOCKS;
	if (cli_file_load(argv[4], (size_t)(room * cap.block_size), &data,
	    &len) == -1)
		return cli_bad_arg(c, "FILE", argv[4], strerror(errno));
	if (len > room * cap.block_size) {
		/* checked before sending: never a partial write */
		if (room == RW_MAX_BLOCKS)
			snprintf(why, sizeof(why), "larger than %u blocks (the "
			    "most one WriteBlocks sends); nothing written",
			    RW_MAX_BLOCKS);
		else
			snprintf(why, sizeof(why), "does not fit in the LUN from "
			    "LBA %llu (last LBA %llu); nothing written",
			    (unsigned long long)lba,
			    (unsigned long long)cap.last_lba);
		free(data);
		return cli_bad_arg(c, "FILE", argv[4], why);
	}
	if (len == 0 || len % cap.block_size != 0) {
		free(data);
		snprintf(why, sizeof(why), "%zu bytes, not a non-zero multiple "
		    "of the block length %u", len, cap.block_size);
		return cli_bad_arg(c, "FILE", argv[4], why);
	}
	rc = transfer(c, s, lun, lba, len / cap.block_size, cap.block_size,
	    data, true, &r);
	if (rc != INI_ISDSC_OK)
		sense_out(c, &r);
	else if (c->json) {
		json_kv_uint(c->j, "blocks", len / cap.block_size);
		json_kv_uint(c->j, "bytes", len);
		/* CRC32C of the data: a scenario compares it with a read */
		json_key(c->j, "crc32c");
		json_stringf(c->j, "0x%08x", crc32c(0, data, len));
	} else
		fprintf(c->out, "%zu blocks written (%zu bytes)\n",
		    len / cap.block_size, len);
	free(data);
	return rc;
}

uint32_t
cli_read_blocks(struct cli *c, int argc, char **argv)
{
	struct ini_session *s;
	struct scsi_capacity cap;
	struct ini_scsi_result r;
	struct cli_out out;
	uint64_t lun, lba, blocks;
	uint8_t *data;
	uint32_t rc, crc = 0;

	(void)argc;
	if (!cli_parse_u64(argv[4], RW_MAX_BLOCKS, &blocks) || blocks == 0)
		return cli_bad_arg(c, "Blocks", argv[4], "expected 1-2097152");
	if ((rc = rw_common(c, argv, &s, &lun, &lba)) != INI_ISDSC_OK)
		return rc;
	/* FILE is checked before reading; it is replaced only when whole */
	if (cli_out_open(&out, argv[5]) == -1)
		return cli_bad_arg(c, "FILE", argv[5], strerror(errno));
	memset(&cap, 0, sizeof(cap));
	if ((rc = capacity(c, s, lun, false, &cap, &r)) != INI_ISDSC_OK) {
		cli_out_abort(&out);
		sense_out(c, &r);
		return rc;
	}
	if (cap.block_size == 0 || (data = malloc(blocks * cap.block_size)) ==
	    NULL) {
		cli_out_abort(&out);
		return ISDSC_OUT_OF_RESOURCES;
	}
	rc = transfer(c, s, lun, lba, blocks, cap.block_size, data, false, &r);
	if (rc != INI_ISDSC_OK)
		cli_out_abort(&out);
	else {
		crc = crc32c(0, data, blocks * cap.block_size);
		if (cli_out_commit(&out, data, blocks * cap.block_size) == -1) {
			free(data);
			return cli_bad_arg(c, "FILE", argv[5], strerror(errno));
		}
	}
	free(data);
	if (rc != INI_ISDSC_OK)
		sense_out(c, &r);
	else if (c->json) {
		json_kv_uint(c->j, "blocks", blocks);
		json_kv_uint(c->j, "bytes", blocks * cap.block_size);
		json_key(c->j, "crc32c");
		json_stringf(c->j, "0x%08x", crc);
	} else
		fprintf(c->out, "%llu blocks read (%llu bytes)\n",
		    (unsigned long long)blocks,
		    (unsigned long long)(blocks * cap.block_size));
	return rc;
}
