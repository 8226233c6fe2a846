/*
 * pcapng writer (libpcap reads pcapng but only writes the old format):
 * one section, one interface, Enhanced Packet Blocks with an optional
 * comment (used to mark the PDUs a fault rule changed).
 */
#ifndef HARNESS_PCAPNG_H
#define HARNESS_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

struct pcapng {
	FILE		*f;
	uint64_t	 packets;
};

/* linktype: a LINKTYPE_* value (pcap_datalink()).  -1 on error (errno). */
int	pcapng_open(struct pcapng *, const char *path, int linktype,
	    uint32_t snaplen, const char *comment);
/* ts in microseconds since the epoch; comment may be NULL. */
int	pcapng_write(struct pcapng *, uint64_t ts_us, const uint8_t *data,
	    uint32_t caplen, uint32_t origlen, const char *comment);
int	pcapng_close(struct pcapng *);

#endif
