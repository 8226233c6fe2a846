/*
 * Outbound byte queue for a non-blocking socket: chunks are either copied
 * in or referenced (with a release callback, so large data segments are
 * sent without a copy) and flushed with writev.
 */
#ifndef PROTO_BUFQ_H
#define PROTO_BUFQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef void (*bufq_release_cb)(void *arg);

struct bufq_chunk;

struct bufq {
	struct bufq_chunk	*head, *tail;
	struct bufq_chunk	*spare;		/* written copy chunks, for reuse */
	unsigned		 nspare;
	size_t			 bytes;		/* not yet written */
	uint64_t		 total_written;
};

void	bufq_init(struct bufq *);
/* Drop everything queued (release callbacks run) and the spare chunk. */
void	bufq_clear(struct bufq *);
int	bufq_push_copy(struct bufq *, const void *data, size_t len);
/* The bytes of iov[0..n) after the first skip ones, as one copied chunk. */
int	bufq_push_copyv(struct bufq *, const struct iovec *iov, int n,
	    size_t skip);
/* data stays owned by the caller until release(arg) is called. */
int	bufq_push_ref(struct bufq *, const void *data, size_t len,
	    bufq_release_cb release, void *arg);
/*
 * Write as much as the socket takes.  Returns 0 when the queue is empty,
 * 1 when data remains (wait for EV_WRITE), -1 on a socket error (errno).
 */
int	bufq_flush(struct bufq *, int fd);
size_t	bufq_pending(const struct bufq *);

#endif
