/*
 * libFuzzer harness for the SCSI response and sense parsers (proto/scsi).
 * The first input byte picks the parser, the rest is copied into a buffer
 * of exactly that size so any read past the end trips ASan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_one(uint8_t which, const uint8_t *buf, size_t len)
{
	struct scsi_inquiry inq;
	struct scsi_vpd_pages vp;
	struct scsi_vpd_serial vs;
	struct scsi_vpd_devid vd;
	struct scsi_vpd_block_limits bl;
	struct scsi_capacity c;
	struct scsi_lun_entry e[16];
	struct scsi_report_luns r;
	struct scsi_pr_keys pk;
	struct scsi_pr_reservation pr;
	struct scsi_pr_caps pc;
	struct scsi_mode_header h;
	struct scsi_sense s;
	struct scsi_perr err;
	uint64_t keys[16];
	volatile size_t sink = 0;
	char txt[160];
	size_t i;

	switch (which % 14) {
	case 0:
		(void)scsi_parse_inquiry(buf, len, &inq, &err);
		break;
	case 1:
		(void)scsi_parse_vpd_supported(buf, len, &vp, &err);
		break;
	case 2:
		(void)scsi_parse_vpd_serial(buf, len, &vs, &err);
		break;
	case 3:
		if (scsi_parse_vpd_devid(buf, len, &vd, &err) == SCSI_OK)
			for (i = 0; i < vd.count; i++)
				if (vd.desig[i].len > 0)
					sink += vd.desig[i].data[vd.desig[i].len - 1];
		break;
	case 4:
		(void)scsi_parse_vpd_block_limits(buf, len, &bl, &err);
		break;
	case 5:
		(void)scsi_parse_read_capacity10(buf, len, &c, &err);
		break;
	case 6:
		(void)scsi_parse_read_capacity16(buf, len, &c, &err);
		break;
	case 7:
		(void)scsi_parse_report_luns(buf, len, e, 16, &r, &err);
		break;
	case 8:
		(void)scsi_parse_pr_read_keys(buf, len, keys, 16, &pk, &err);
		break;
	case 9:
		(void)scsi_parse_pr_read_reservation(buf, len, &pr, &err);
		break;
	case 10:
		(void)scsi_parse_pr_report_caps(buf, len, &pc, &err);
		break;
	case 11:
	case 12:
		if (scsi_parse_mode_sense(buf, len, which % 14 == 12, &h, &err) ==
		    SCSI_OK) {
			const uint8_t *p;
			size_t plen = 0;

			for (i = 0; i < 64; i++)
				if ((p = scsi_mode_find_page(&h, (uint8_t)i, &plen)) != NULL)
					sink += p[plen - 1];
		}
		break;
	default:
		if (scsi_parse_sense(buf, len, &s, &err) == SCSI_OK)
			(void)scsi_sense_format(&s, txt, sizeof(txt));
		break;
	}
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	if (size < 1)
		return 0;
	buf = malloc(size - 1 > 0 ? size - 1 : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	parse_one(data[0], buf, size - 1);
	free(buf);
	return 0;
}
