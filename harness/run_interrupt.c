/*
 * Interrupts of a scenario runner child (see runner.h): stop every process
 * the run started, delete its network namespaces, leave an "interrupted"
 * result.json and exit.  The handler does everything itself, with
 * async-signal-safe calls only, and never returns to the interrupted code:
 * whatever the run was doing (waiting for the initiator, starting the ns-3
 * link, reading a capture) cannot delay or skip the clean-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "netns.h"
#include "proc.h"
#include "runner.h"

#define INTR_GRACE_MS	2000	/* SIGTERM to SIGKILL, unless forced */
#define INTR_NSIG	3

static const int intr_signals[INTR_NSIG] = { SIGINT, SIGTERM, SIGHUP };

/* Prepared before the run: what the handler writes, and where. */
static char	 intr_path[1200];
static char	*intr_head;		/* result.json up to the "ms" value */
static size_t	 intr_head_len;
static char	*intr_tail;		/* and after it */
static size_t	 intr_tail_len;
static int64_t	 intr_t0;
static pid_t	 intr_owner;
static volatile sig_atomic_t intr_count[INTR_NSIG], intr_stopping, intr_force;

static void
write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Decimal digits of v into buf (at least 20 bytes); returns the length. */
static size_t
format_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static void
write_result(void)
{
	char ms[20];
	int64_t t = proc_now_ms() - intr_t0;
	int fd;

	if (intr_head == NULL || (fd = open(intr_path, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0644)) == -1)
		return;		/* the parent then reports "interrupted" itself */
	write_all(fd, intr_head, intr_head_len);
	write_all(fd, ms, format_u64(ms, t > 0 ? (uint64_t)t : 0));
	write_all(fd, intr_tail, intr_tail_len);
	close(fd);
}

/*
 * SA_NODEFER: a signal arriving during the stop runs this again, nested;
 * that call only counts it.  The same signal twice (a second Ctrl-C, or a
 * second SIGTERM from the harness) forces the stop.  A Ctrl-C reaches
 * this process both from the terminal (SIGINT) and from the harness
 * (SIGTERM): one of each is still one interrupt.
 */
static void
on_interrupt(int sig)
{
	size_t k;

	if (getpid() != intr_owner) {
		/* a child forked by the run, before it set its own handlers */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	for (k = 0; k < INTR_NSIG; k++)
		if (intr_signals[k] == sig && ++intr_count[k] >= 2)
			intr_force = 1;
	if (intr_stopping)
		return;
	intr_stopping = 1;
	proc_stop_all(intr_force ? 0 : INTR_GRACE_MS, &intr_force);
	netns_cleanup_all();	/* the ns-3 link process, the namespaces */
	write_result();
	_exit(128 + sig);
}

/* The "interrupted" result of s, split around its "ms" value. */
static int
prepare_result(const struct scn *s, const struct run_opts *o)
{
	static const char key[] = "\"ms\":0,";
	struct run_result r;
	struct json j;
	const char *text, *at;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.status = RUN_ERROR;
	snprintf(r.reason, sizeof(r.reason), "interrupted");
	snprintf(intr_path, sizeof(intr_path), "%s/%s/result.json", o->outdir,
	    s->name);
	json_init(&j);
	run_json_build(s, &r, &j);
	text = json_text(&j);
	/* name, file, status and reason come first: their text is escaped,
	   so the first match is the key itself */
	if (json_error(&j) == 0 && (at = strstr(text, key)) != NULL) {
		intr_head_len = (size_t)(at - text) + sizeof(key) - 3;
		intr_head = strndup(text, intr_head_len);
		if (asprintf(&intr_tail, "%s\n", at + sizeof(key) - 2) == -1)
			intr_tail = NULL;
		if (intr_head != NULL && intr_tail != NULL) {
			intr_tail_len = strlen(intr_tail);
			rc = 0;
		} else {
			free(intr_head);
			intr_head = NULL;
		}
	}
	json_free(&j);
	return rc;
}

int
run_interrupt_install(const struct scn *s, const struct run_opts *o)
{
	struct sigaction sa, old;
	size_t k;
	int rc;

	intr_owner = getpid();
	intr_t0 = proc_now_ms();
	rc = prepare_result(s, o);
	/* the namespace registry's atexit clean-up; its signal handlers are
	   replaced by ours below, which call netns_cleanup_all in order */
	if (o->net_ns3 && netns_cleanup_install() == -1)
		rc = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (k = 0; k < INTR_NSIG; k++) {
		/* ignored when the harness started: stays ignored */
		if (sigaction(intr_signals[k], NULL, &old) == 0 &&
		    (old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(intr_signals[k], &sa, NULL) == -1)
			rc = -1;
	}
	return rc;
}

void
run_interrupt_disarm(void)
{
	proc_block_signals(NULL);
}
