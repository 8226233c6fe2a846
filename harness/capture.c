/* Live capture with libpcap into pcapng, in a child process. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "pcapng.h"

static volatile sig_atomic_t cap_stop;
static pcap_t *cap_pcap;

static void
cap_on_term(int sig)
{
	(void)sig;
	cap_stop = 1;
	/* wakes a pcap_dispatch blocked in poll (libpcap >= 1.10) */
	if (cap_pcap != NULL)
		pcap_breakloop(cap_pcap);
}

static void
cap_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct pcapng *w = (struct pcapng *)user;

	(void)pcapng_write(w, (uint64_t)h->ts.tv_sec * 1000000u +
	    (uint64_t)h->ts.tv_usec, bytes, h->caplen, h->len, NULL);
}

/*
 * Child: report readiness (or an error text) on fd, then capture.  Forked
 * with the stop signals blocked; SIGTERM, SIGINT and SIGHUP, and the death
 * of the harness, end the capture cleanly.
 */
static void
cap_child(int fd, const char *iface, const char *filter, const char *path,
    const char *netns, pid_t parent)
{
	char ebuf[PCAP_ERRBUF_SIZE + 128] = "";
	struct bpf_program prog;
	struct pcapng w;
	struct sigaction sa;
	sigset_t none;
	pcap_t *pc;
	long n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cap_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
		_exit(2);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (netns != NULL) {
		char nspath[256];
		int nsfd;

		snprintf(nspath, sizeof(nspath), "/run/netns/%s", netns);
		if ((nsfd = open(nspath, O_RDONLY)) == -1 ||
		    setns(nsfd, CLONE_NEWNET) == -1) {
			snprintf(ebuf, sizeof(ebuf), "netns %s: %s", netns,
			    strerror(errno));
			goto fail;
		}
	}
	if ((pc = pcap_create(iface, ebuf)) == NULL)
		goto fail;
	pcap_set_snaplen(pc, 65535);
	pcap_set_timeout(pc, 20);
	pcap_set_immediate_mode(pc, 1);
	pcap_set_buffer_size(pc, 32 << 20);
	if (pcap_activate(pc) < 0) {
		snprintf(ebuf, sizeof(ebuf), "%s", pcap_geterr(pc));
		goto fail;
	}
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1 ||
	    pcap_setfilter(pc, &prog) == -1) {
		snprintf(ebuf, sizeof(ebuf), "filter '%s': %s", filter, pcap_geterr(pc));
		goto fail;
	}
	pcap_freecode(&prog);
	if (pcapng_open(&w, path, pcap_datalink(pc), 65535,
	    "iscsi-bench scenario capture") == -1) {
		snprintf(ebuf, sizeof(ebuf), "%s: %s", path, strerror(errno));
		goto fail;
	}
	cap_pcap = pc;
	(void)!write(fd, "ok", 2);
	close(fd);
	while (!cap_stop) {
		if (pcap_dispatch(pc, -1, cap_packet, (u_char *)&w) == PCAP_ERROR)
			break;
	}
	cap_pcap = NULL;
	/* drain what the kernel still holds */
	pcap_setnonblock(pc, 1, ebuf);
	while (pcap_dispatch(pc, -1, cap_packet, (u_char *)&w) > 0)
		;
	n = (long)w.packets;
	pcapng_close(&w);
	pcap_close(pc);
	_exit(n > 0 ? 0 : 3);
fail:
	(void)!write(fd, ebuf, strlen(ebuf));
	_exit(2);
}

int
capture_start(struct capture *c, const char *iface, const char *filter,
    const char *path, const char *netns, char *err, size_t errsz)
{
	char buf[PCAP_ERRBUF_SIZE + 128];
	int pfd[2];
	ssize_t n;
	pid_t pid, parent = getpid();
	sigset_t old;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	/* blocked until registered: an interrupt of the run stops it too */
	proc_block_signals(&old);
	pid = fork();
	if (pid == -1) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		cap_child(pfd[1], iface, filter, path, netns, parent);
	}
	proc_adopt(&c->proc, pid, "capture");
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	if (n == 2 && memcmp(buf, "ok", 2) == 0) {
		c->running = 1;
		return 0;
	}
	buf[n > 0 ? n : 0] = '\0';
	snprintf(err, errsz, "capture on %s: %s", iface, n > 0 ? buf : "child died");
	proc_stop(&c->proc, 2000);
	return -1;
}

long
capture_stop(struct capture *c)
{
	if (!c->running)
		return -1;
	c->running = 0;
	/* let the last packets reach the capture before stopping it */
	usleep(50000);
	proc_stop(&c->proc, 3000);
	return proc_exit_code(&c->proc) == 0 ? 1 : 0;
}
