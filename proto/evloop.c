/* Single-threaded event loop: epoll + timer heap + deferred FIFO. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "evloop.h"

#define EVLOOP_MAX_SIGNALS	8
#define EVLOOP_MAX_EVENTS	64

struct evsig {
	int		signo;
	evdefer_cb	cb;
	void		*arg;
};

struct evloop {
	int		epfd;
	struct evclock	clock;
	int		stop;
	unsigned	nfds;
	/* timers: binary min-heap on (deadline, seq) */
	struct evtimer	**heap;
	size_t		heap_len, heap_cap;
	uint64_t	timer_seq;
	/* deferred calls */
	struct evdefer	*dq_head, *dq_tail;
	/* signals */
	struct evfd	sigfd;
	sigset_t	sigmask;
	struct evsig	sigs[EVLOOP_MAX_SIGNALS];
	int		nsigs;
};

static uint64_t
monotonic_now(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * EV_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t
virtual_now(void *arg)
{
	return ((struct evclock_virtual *)arg)->now_ns;
}

static void
virtual_advance(void *arg, uint64_t to)
{
	struct evclock_virtual *v = arg;

	if (to > v->now_ns)
		v->now_ns = to;
}

void
evclock_virtual_init(struct evclock *clk, struct evclock_virtual *v,
    uint64_t start_ns)
{
	v->now_ns = start_ns;
	clk->now = virtual_now;
	clk->advance = virtual_advance;
	clk->arg = v;
}

struct evloop *
evloop_new(const struct evclock *clock)
{
	struct evloop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd == -1) {
		free(l);
		return NULL;
	}
	if (clock != NULL)
		l->clock = *clock;
	else
		l->clock.now = monotonic_now;
	l->sigfd.fd = -1;
	sigemptyset(&l->sigmask);
	return l;
}

void
evloop_free(struct evloop *l)
{
	if (l == NULL)
		return;
	if (l->sigfd.fd != -1) {
		static const struct timespec zero = { 0, 0 };

		close(l->sigfd.fd);
		/* a watched signal that came again after the loop took the
		 * first (SIGTERM sent to the process and to its group) belongs
		 * to the loop: discard it rather than die of it on unblocking */
		while (sigtimedwait(&l->sigmask, NULL, &zero) > 0)
			;
		sigprocmask(SIG_UNBLOCK, &l->sigmask, NULL);
	}
	close(l->epfd);
	free(l->heap);
	free(l);
}

uint64_t
evloop_now(const struct evloop *l)
{
	return l->clock.now(l->clock.arg);
}

/* ---- descriptors ---------------------------------------------------------- */

static uint32_t
to_epoll(unsigned ev)
{
	return ((ev & EV_READ) ? EPOLLIN | EPOLLRDHUP : 0) |
	    ((ev & EV_WRITE) ? EPOLLOUT : 0);
}

int
evloop_fd_add(struct evloop *l, struct evfd *h, int fd, unsigned events,
    evfd_cb cb, void *arg)
{
	struct epoll_event ee = { .events = to_epoll(events), .data.ptr = h };

	if (h->registered) {
		errno = EEXIST;
		return -1;
	}
	h->fd = fd;
	h->events = events;
	h->cb = cb;
	h->arg = arg;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ee) == -1)
		return -1;
	h->registered = 1;
	l->nfds++;
	return 0;
}

int
evloop_fd_set_events(struct evloop *l, struct evfd *h, unsigned events)
{
	struct epoll_event ee = { .events = to_epoll(events), .data.ptr = h };

	if (!h->registered) {
		errno = ENOENT;
		return -1;
	}
	if (h->events == events)
		return 0;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, h->fd, &ee) == -1)
		return -1;
	h->events = events;
	return 0;
}

int
evloop_fd_del(struct evloop *l, struct evfd *h)
{
	if (!h->registered)
		return 0;
	h->registered = 0;
	l->nfds--;
	/* the fd may already be closed; epoll dropped it then */
	if (epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL) == -1 &&
	    errno != EBADF && errno != ENOENT)
		return -1;
	return 0;
}

/* ---- timers --------------------------------------------------------------- */

static int
timer_before(const struct evtimer *a, const struct evtimer *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

static void
heap_set(struct evloop *l, size_t i, struct evtimer *t)
{
	l->heap[i] = t;
	t->heap_idx = (long)i;
}

static void
heap_up(struct evloop *l, size_t i)
{
	struct evtimer *t = l->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!timer_before(t, l->heap[p]))
			break;
		heap_set(l, i, l->heap[p]);
		i = p;
	}
	heap_set(l, i, t);
}

static void
heap_down(struct evloop *l, size_t i)
{
	struct evtimer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->heap_len)
			break;
		if (c + 1 < l->heap_len && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

void
evtimer_init(struct evtimer *t, evtimer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
	t->heap_idx = -1;
}

int
evtimer_armed(const struct evtimer *t)
{
	return t->heap_idx >= 0;
}

void
evtimer_disarm(struct evloop *l, struct evtimer *t)
{
	struct evtimer *m;
	size_t i;

	if (t->heap_idx < 0)
		return;
	i = (size_t)t->heap_idx;
	t->heap_idx = -1;
	if (--l->heap_len == i)
		return;
	m = l->heap[l->heap_len];
	heap_set(l, i, m);
	heap_up(l, i);
	if ((size_t)m->heap_idx == i)
		heap_down(l, i);
}

int
evtimer_arm_at(struct evloop *l, struct evtimer *t, uint64_t deadline)
{
	evtimer_disarm(l, t);
	if (l->heap_len == l->heap_cap) {
		size_t ncap = l->heap_cap ? l->heap_cap * 2 : 16;
		struct evtimer **nh = realloc(l->heap, ncap * sizeof(*nh));
		if (nh == NULL)
			return -1;
		l->heap = nh;
		l->heap_cap = ncap;
	}
	t->deadline = deadline;
	t->seq = l->timer_seq++;
	heap_set(l, l->heap_len++, t);
	heap_up(l, (size_t)t->heap_idx);
	return 0;
}

int
evtimer_arm(struct evloop *l, struct evtimer *t, uint64_t delay_ns)
{
	return evtimer_arm_at(l, t, evloop_now(l) + delay_ns);
}

static int
run_timers(struct evloop *l)
{
	uint64_t now = evloop_now(l);
	int n = 0;

	while (l->heap_len > 0 && l->heap[0]->deadline <= now && !l->stop) {
		struct evtimer *t = l->heap[0];
		evtimer_disarm(l, t);
		t->cb(l, t->arg);
		n++;
	}
	return n;
}

/* ---- deferred calls ------------------------------------------------------- */

void
evdefer_init(struct evdefer *d, evdefer_cb cb, void *arg)
{
	memset(d, 0, sizeof(*d));
	d->cb = cb;
	d->arg = arg;
}

void
evloop_defer(struct evloop *l, struct evdefer *d)
{
	if (d->queued)
		return;
	d->queued = 1;
	d->next = NULL;
	if (l->dq_tail != NULL)
		l->dq_tail->next = d;
	else
		l->dq_head = d;
	l->dq_tail = d;
}

void
evloop_defer_cancel(struct evloop *l, struct evdefer *d)
{
	struct evdefer **pp, *prev = NULL;

	if (!d->queued)
		return;
	for (pp = &l->dq_head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
		if (*pp != d)
			continue;
		*pp = d->next;
		if (l->dq_tail == d)
			l->dq_tail = prev;
		break;
	}
	d->queued = 0;
	d->next = NULL;
}

static int
run_deferred(struct evloop *l)
{
	struct evdefer *stop_at = l->dq_tail, *d;
	int n = 0;

	/* only what was queued before we started: later posts wait a turn */
	while ((d = l->dq_head) != NULL && !l->stop) {
		l->dq_head = d->next;
		if (l->dq_head == NULL)
			l->dq_tail = NULL;
		d->queued = 0;
		d->next = NULL;
		d->cb(l, d->arg);
		n++;
		if (d == stop_at)
			break;
	}
	return n;
}

/* ---- signals -------------------------------------------------------------- */

static void
signal_ready(struct evloop *l, int fd, unsigned events, void *arg)
{
	struct signalfd_siginfo si;
	int i;

	(void)events;
	(void)arg;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		for (i = 0; i < l->nsigs; i++)
			if ((uint32_t)l->sigs[i].signo == si.ssi_signo)
				l->sigs[i].cb(l, l->sigs[i].arg);
}

int
evloop_signal(struct evloop *l, int sig, evdefer_cb cb, void *arg)
{
	int fd;

	if (l->nsigs == EVLOOP_MAX_SIGNALS) {
		errno = ENOSPC;
		return -1;
	}
	sigaddset(&l->sigmask, sig);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) == -1)
		return -1;
	fd = signalfd(l->sigfd.fd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		return -1;
	if (l->sigfd.fd == -1) {
		if (evloop_fd_add(l, &l->sigfd, fd, EV_READ, signal_ready, NULL) == -1) {
			close(fd);
			return -1;
		}
		l->nfds--;	/* a signal watch alone does not keep run() going */
	}
	l->sigs[l->nsigs].signo = sig;
	l->sigs[l->nsigs].cb = cb;
	l->sigs[l->nsigs].arg = arg;
	l->nsigs++;
	return 0;
}

/* ---- running -------------------------------------------------------------- */

int
evloop_run_once(struct evloop *l, int64_t max_wait_ns)
{
	struct epoll_event evs[EVLOOP_MAX_EVENTS];
	int64_t wait_ns = max_wait_ns;
	int n = 0, nev, i, timeout_ms;

	n += run_deferred(l);
	if (l->dq_head != NULL || l->stop)
		wait_ns = 0;
	else if (l->heap_len > 0) {
		uint64_t now = evloop_now(l), dl = l->heap[0]->deadline;
		int64_t until = dl > now ? (int64_t)(dl - now) : 0;
		if (l->clock.advance != NULL)
			until = 0;	/* virtual time: never sleep for a timer */
		if (wait_ns < 0 || until < wait_ns)
			wait_ns = until;
	}
	if (n > 0)
		wait_ns = 0;
	if (wait_ns < 0)
		timeout_ms = -1;
	else	/* round up so a timer is never polled early in a busy loop */
		timeout_ms = (int)((wait_ns + (int64_t)EV_NSEC_PER_MSEC - 1) /
		    (int64_t)EV_NSEC_PER_MSEC);
	nev = epoll_wait(l->epfd, evs, EVLOOP_MAX_EVENTS, timeout_ms);
	if (nev == -1) {
		if (errno != EINTR)
			return -1;
		nev = 0;
	}
	for (i = 0; i < nev && !l->stop; i++) {
		struct evfd *h = evs[i].data.ptr;
		unsigned ev = 0;

		if (!h->registered)
			continue;
		if (evs[i].events & (EPOLLIN | EPOLLRDHUP))
			ev |= EV_READ;
		if (evs[i].events & EPOLLOUT)
			ev |= EV_WRITE;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			ev |= EV_ERROR | (h->events & EV_READ);
		h->cb(l, h->fd, ev, h->arg);
		n++;
	}
	/* virtual clock: nothing happened, jump to the next deadline */
	if (l->clock.advance != NULL && nev == 0 && n == 0 && l->heap_len > 0 &&
	    l->dq_head == NULL)
		l->clock.advance(l->clock.arg, l->heap[0]->deadline);
	n += run_timers(l);
	return n;
}

int
evloop_run(struct evloop *l)
{
	l->stop = 0;
	while (!l->stop) {
		if (l->nfds == 0 && l->heap_len == 0 && l->dq_head == NULL)
			break;
		if (evloop_run_once(l, -1) == -1)
			return -1;
	}
	return 0;
}

void
evloop_stop(struct evloop *l)
{
	l->stop = 1;
}
