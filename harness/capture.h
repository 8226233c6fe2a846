/*
 * Traffic capture for a scenario run: a child process reads packets with
 * libpcap (live, on an interface, with a BPF filter) and writes pcapng,
 * until it is stopped.
 */
#ifndef HARNESS_CAPTURE_H
#define HARNESS_CAPTURE_H

#include "proc.h"

struct capture {
	struct proc	 proc;
	int		 running;
	char		 path[600];
};

/*
 * Start capturing on iface (e.g. "lo") with filter (pcap syntax) into
 * path.  netns (may be NULL) is entered first.  Waits until the capture
 * is live, so no early packet is missed.  -1 with a reason (e.g. no
 * permission to capture) in err.
 */
int	capture_start(struct capture *, const char *iface, const char *filter,
	    const char *path, const char *netns, char *err, size_t errsz);
/* Stop and flush; returns the number of packets written or -1. */
long	capture_stop(struct capture *);

#endif
