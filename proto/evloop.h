/*
 * Single-threaded event loop: epoll for descriptors, a min-heap of timers,
 * a FIFO of deferred calls (how state machines post events to each other
 * without re-entering one another), signals through signalfd, and a clock
 * that can be replaced by a virtual one.
 *
 * Handles (struct evfd, struct evtimer, struct evdefer) are owned and
 * embedded by the caller: the loop never allocates per registration except
 * to grow its timer heap.
 */
#ifndef PROTO_EVLOOP_H
#define PROTO_EVLOOP_H

#include <stdint.h>

struct evloop;

#define EV_READ		0x1u
#define EV_WRITE	0x2u
#define EV_ERROR	0x4u	/* reported only: EPOLLERR / EPOLLHUP */

#define EV_NSEC_PER_MSEC	1000000ull
#define EV_NSEC_PER_SEC		1000000000ull

/*
 * A clock.  now() returns nanoseconds on a monotonic scale.  A virtual
 * clock also sets advance(): when nothing is ready the loop then jumps the
 * clock to the next timer instead of sleeping (descriptors are still
 * polled, without blocking).
 */
struct evclock {
	uint64_t	(*now)(void *arg);
	void		(*advance)(void *arg, uint64_t to_ns);
	void		*arg;
};

/* A settable clock for tests and simulations. */
struct evclock_virtual {
	uint64_t	now_ns;
};
void	evclock_virtual_init(struct evclock *clk, struct evclock_virtual *v,
	    uint64_t start_ns);

typedef void (*evfd_cb)(struct evloop *, int fd, unsigned events, void *arg);
typedef void (*evtimer_cb)(struct evloop *, void *arg);
typedef void (*evdefer_cb)(struct evloop *, void *arg);

struct evfd {
	int		fd;
	unsigned	events;
	evfd_cb		cb;
	void		*arg;
	int		registered;
};

struct evtimer {
	uint64_t	deadline;	/* absolute, in the loop's clock */
	uint64_t	seq;		/* FIFO order among equal deadlines */
	evtimer_cb	cb;
	void		*arg;
	long		heap_idx;	/* -1 when not armed */
};

struct evdefer {
	evdefer_cb	cb;
	void		*arg;
	struct evdefer	*next;
	int		queued;
};

/* clock may be NULL for CLOCK_MONOTONIC.  Returns NULL on failure (errno). */
struct evloop	*evloop_new(const struct evclock *clock);
void		 evloop_free(struct evloop *);
uint64_t	 evloop_now(const struct evloop *);

int	evloop_fd_add(struct evloop *, struct evfd *, int fd, unsigned events,
	    evfd_cb cb, void *arg);
int	evloop_fd_set_events(struct evloop *, struct evfd *, unsigned events);
int	evloop_fd_del(struct evloop *, struct evfd *);

void	evtimer_init(struct evtimer *, evtimer_cb cb, void *arg);
/* (Re)arm to fire once, delay_ns from now.  Returns -1 on ENOMEM. */
int	evtimer_arm(struct evloop *, struct evtimer *, uint64_t delay_ns);
int	evtimer_arm_at(struct evloop *, struct evtimer *, uint64_t deadline_ns);
void	evtimer_disarm(struct evloop *, struct evtimer *);
int	evtimer_armed(const struct evtimer *);

void	evdefer_init(struct evdefer *, evdefer_cb cb, void *arg);
/* Queue a call for after the current callback; no-op if already queued. */
void	evloop_defer(struct evloop *, struct evdefer *);
void	evloop_defer_cancel(struct evloop *, struct evdefer *);

/* Deliver sig through the loop (blocks it for the thread, uses signalfd). */
int	evloop_signal(struct evloop *, int sig, evdefer_cb cb, void *arg);

/*
 * Run one iteration: deferred calls, ready descriptors, due timers.
 * Waits at most max_wait_ns (-1: until something happens).  Returns the
 * number of callbacks run, or -1 on error (errno).
 */
int	evloop_run_once(struct evloop *, int64_t max_wait_ns);
/* Run until evloop_stop() or nothing is left to wait for.  0 or -1. */
int	evloop_run(struct evloop *);
void	evloop_stop(struct evloop *);

#endif
