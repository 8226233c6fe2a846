/*
 * Running a selected suite: each scenario in its own runner child (at most
 * -j at once), results read back from result.json, and the interrupt path
 * (see run_sched.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "netns.h"
#include "proc.h"
#include "report_html.h"
#include "run_sched.h"

#define STOP_WAIT_MS	10000	/* after an interrupt, for the children */
#define FORCE_WAIT_MS	3000	/* after a second one */

/* How many interrupts (SIGINT, SIGTERM, SIGHUP) the harness received. */
static volatile sig_atomic_t interrupted;

struct sched {
	struct suite		*sel;
	const struct run_opts	*o;
	const struct sched_opts	*so;
	pid_t			*pids;		/* running children, by entry */
	size_t			 running, done, fails;
};

static void
on_interrupt(int sig)
{
	(void)sig;
	if (interrupted < 1000)
		interrupted++;
}

/* Only there so that SIGCHLD ends a wait in ppoll. */
static void
on_child(int sig)
{
	(void)sig;
}

/*
 * Start order: longest time limit first (a stand-in for the longest run), so
 * that with -j N the long recovery scenarios overlap the many short ones
 * instead of trailing at the end.  Ties keep the path order.  Reports keep
 * the path order whatever the start order.
 */
static const struct suite *order_suite;

static int
cmp_start(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct suite_entry *ea = &order_suite->e[ia], *eb = &order_suite->e[ib];
	unsigned ta = ea->loaded ? ea->scn.timeout_s : 0;
	unsigned tb = eb->loaded ? eb->scn.timeout_s : 0;

	if (ta != tb)
		return ta < tb ? 1 : -1;
	return ia < ib ? -1 : ia > ib;
}

static size_t *
start_order(const struct suite *sel)
{
	size_t i, *ord = calloc(sel->n, sizeof(*ord));

	if (ord == NULL)
		return NULL;
	for (i = 0; i < sel->n; i++)
		ord[i] = i;
	order_suite = sel;
	qsort(ord, sel->n, sizeof(*ord), cmp_start);
	return ord;
}

static void
rmtree(const char *dir)
{
	char *argv[] = { "rm", "-rf", "--", (char *)dir, NULL };
	struct proc p;
	char err[128];

	if (proc_start(&p, "rm", argv, NULL, NULL, NULL, NULL, err, sizeof(err)) == 0)
		(void)proc_wait(&p, 10000);
}

static void
progress(const struct sched *sc, const char *name)
{
	if (!sc->so->tty)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %zu failing  %s", sc->done, sc->sel->n,
	    sc->fails, name != NULL ? name : "");
	fflush(stderr);
}

/*
 * Child side: run one scenario, write result.json, exit.  Forked with the
 * harness's signals blocked; the interrupt handlers are in place before
 * they are unblocked, so an early interrupt is not lost.
 */
static void
child_run(const struct scn *s, const struct run_opts *o)
{
	struct run_result r;
	sigset_t none;

	signal(SIGCHLD, SIG_DFL);
	(void)run_interrupt_install(s, o);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	run_scenario(s, o, &r);
	run_interrupt_disarm();
	verdicts_free(&r.verdicts);
	_exit(0);
}

/* Read back the result of entry k, whose runner child ended with st. */
static void
collect(struct sched *sc, size_t k, int st)
{
	struct suite_entry *e = &sc->sel->e[k];
	char path[1200];

	sc->pids[k] = 0;
	sc->running--;
	sc->done++;
	snprintf(path, sizeof(path), "%s/%s/result.json", sc->o->outdir,
	    e->scn.name);
	if (run_read_json(path, &e->result) == -1) {
		e->result.status = RUN_ERROR;
		snprintf(e->result.reason, sizeof(e->result.reason), interrupted ?
		    "interrupted (the scenario runner ended, status 0x%x, "
		    "without a result)" : "the scenario runner died (status "
		    "0x%x) without a result", (unsigned)st);
	}
	snprintf(e->result.dir, sizeof(e->result.dir), "%s/%s", sc->o->outdir,
	    e->scn.name);
	if (sc->so->html != NULL &&
	    html_scenario_page(e, e->result.dir, sc->so->html) != 0)
		fprintf(stderr, "iscsi-bench run: cannot write the HTML page of %s\n",
		    e->scn.name);
	if (run_status_bad(e->result.status))
		sc->fails++;
	else if (!sc->so->keep)
		rmtree(e->result.dir);
	progress(sc, e->scn.name);
}

/* Collect every runner child that has ended, without waiting. */
static void
reap_ended(struct sched *sc)
{
	size_t k;
	pid_t p;
	int st;

	while (sc->running > 0 && (p = waitpid(-1, &st, WNOHANG)) > 0)
		for (k = 0; k < sc->sel->n; k++)
			if (sc->pids[k] == p) {
				collect(sc, k, st);
				break;
			}
}

/* Start entry k (signals blocked: the child inherits that). */
static void
start_one(struct sched *sc, size_t k)
{
	struct suite_entry *e = &sc->sel->e[k];
	char stale[1200];
	pid_t pid;

	if (!e->loaded) {
		e->result.status = RUN_ERROR;
		snprintf(e->result.reason, sizeof(e->result.reason), "%s",
		    e->load_error);
		sc->fails++;
		sc->done++;
		return;
	}
	/* never take a previous run's verdict for this one */
	snprintf(stale, sizeof(stale), "%s/%s/result.json", sc->o->outdir,
	    e->scn.name);
	(void)unlink(stale);
	pid = fork();
	if (pid == 0)
		child_run(&e->scn, sc->o);
	if (pid == -1) {
		e->result.status = RUN_ERROR;
		snprintf(e->result.reason, sizeof(e->result.reason), "fork: %s",
		    strerror(errno));
		sc->done++;
		sc->fails++;
	} else {
		sc->pids[k] = pid;
		sc->running++;
	}
	progress(sc, e->scn.name);
}

static void
signal_children(const struct sched *sc, int sig)
{
	size_t k;

	for (k = 0; k < sc->sel->n; k++)
		if (sc->pids[k] > 0)
			kill(sc->pids[k], sig);
}

/* Wait for a signal (SIGCHLD or an interrupt), at most ms (-1: no limit). */
static void
wait_signal(const sigset_t *waitmask, int64_t ms)
{
	struct timespec ts;

	if (ms >= 0) {
		ts.tv_sec = (time_t)(ms / 1000);
		ts.tv_nsec = (long)(ms % 1000) * 1000000;
	}
	(void)ppoll(NULL, 0, ms >= 0 ? &ts : NULL, waitmask);
}

/*
 * After an interrupt: forward each interrupt to the running children as
 * SIGTERM (one per wait, so that two are never merged into one), wait for
 * them within a bound, kill the ones still there.
 */
static void
stop_children(struct sched *sc, const sigset_t *waitmask)
{
	int64_t end = proc_now_ms() + STOP_WAIT_MS, now;
	int forwarded = 0;
	size_t k;
	int st;

	if (sc->so->tty)
		fputc('\n', stderr);
	if (sc->running > 0)
		fprintf(stderr, "iscsi-bench run: interrupted; stopping %zu running "
		    "scenario%s (interrupt again to force)\n", sc->running,
		    sc->running == 1 ? "" : "s");
	while (sc->running > 0) {
		if (forwarded < interrupted) {
			signal_children(sc, SIGTERM);
			if (forwarded++ == 1) {
				fprintf(stderr, "iscsi-bench run: forcing the stop\n");
				if (end > proc_now_ms() + FORCE_WAIT_MS)
					end = proc_now_ms() + FORCE_WAIT_MS;
			}
		}
		reap_ended(sc);
		now = proc_now_ms();
		if (sc->running == 0 || now >= end)
			break;
		wait_signal(waitmask, forwarded < interrupted ? 50 : end - now);
	}
	if (sc->running == 0)
		return;
	/* their own processes die with them (PR_SET_PDEATHSIG) */
	fprintf(stderr, "iscsi-bench run: %zu scenario runner%s did not stop in "
	    "time; killed\n", sc->running, sc->running == 1 ? "" : "s");
	signal_children(sc, SIGKILL);
	for (k = 0; k < sc->sel->n; k++)
		if (sc->pids[k] > 0 && waitpid(sc->pids[k], &st, 0) == sc->pids[k])
			collect(sc, k, st);
}

/*
 * Handlers for the interrupts, except for a signal ignored when the
 * harness started (nohup, a script's "&"): that one stays ignored.
 */
static void
install_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_interrupt;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_IGN))
			sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
}

int
run_suite(struct suite *sel, const struct run_opts *o,
    const struct sched_opts *so)
{
	struct sched sc = { sel, o, so, NULL, 0, 0, 0 };
	sigset_t block, waitmask, orig;
	size_t i, next = 0, *ord;

	sc.pids = calloc(sel->n, sizeof(*sc.pids));
	ord = start_order(sel);
	if (sc.pids == NULL || ord == NULL) {
		free(sc.pids);
		free(ord);
		for (i = 0; i < sel->n; i++) {
			sel->e[i].result.status = RUN_ERROR;
			snprintf(sel->e[i].result.reason, sizeof(sel->e[i].result.reason),
			    "not run: out of memory");
		}
		return 0;
	}
	/*
	 * The signals stay blocked except inside ppoll: an interrupt or a
	 * child's end between a check and the wait cannot be missed.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig);
	waitmask = orig;
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGHUP);
	sigdelset(&waitmask, SIGCHLD);
	install_handlers();

	for (;;) {
		reap_ended(&sc);
		if (interrupted)
			break;
		while (next < sel->n && sc.running < (size_t)so->jobs)
			start_one(&sc, ord[next++]);
		if (next == sel->n && sc.running == 0)
			break;
		if (sc.running > 0)
			wait_signal(&waitmask, -1);
	}
	if (interrupted) {
		stop_children(&sc, &waitmask);
		if (o->net_ns3)
			(void)netns_sweep_stale();	/* of runners killed above */
		fprintf(stderr, "iscsi-bench run: interrupted; %zu of %zu scenarios "
		    "finished\n", sc.done, sel->n);
	}
	if (so->tty)
		fprintf(stderr, "\r\033[K");
	for (i = 0; i < sel->n; i++) {
		struct run_result *r = &sel->e[i].result;

		if (r->status != RUN_NONE)
			continue;
		r->status = RUN_ERROR;
		snprintf(r->reason, sizeof(r->reason), "%s", interrupted ?
		    "not run (interrupted)" : "not run");
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	free(sc.pids);
	free(ord);
	return interrupted ? 1 : 0;
}
