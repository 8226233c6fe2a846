/*
 * iscsi-target-sim: the scriptable simulated target (docs/target-sim.md).
 * Prints one "listening ADDR:PORT" line per portal when ready, runs until
 * SIGINT/SIGTERM and exits 0; bad arguments or a bad scenario exit 2.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "evloop.h"
#include "log.h"
#include "tsim.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-target-sim --listen ADDR:PORT [--listen ...] --target IQN\n"
	    "                        --lun SIZE[,SIZE...] [--alias TEXT] [--chap USER:SECRET]\n"
	    "                        [--mutual-chap USER:SECRET] [--target IQN --lun ...]\n"
	    "                        [--digest none|crc32c|both] [--cmdsn-window N]\n"
	    "                        [--nop-interval MS] [--fault-log FILE] [-v]\n"
	    "       iscsi-target-sim --scenario FILE [--fault-log FILE] [-v] [flags]\n"
	    "                        [--portal-address NAME=ADDR:PORT ...]\n"
	    "       iscsi-target-sim --help | --version\n"
	    "\n"
	    "  --listen    portal to listen on (repeatable); port 0 picks a free port\n"
	    "  --target    starts a target; the --lun/--chap/--alias after it are its own\n"
	    "  --lun       LUN sizes (512-byte blocks, k/M/G suffixes), numbered 0, 1, ...\n"
	    "  --chap      CHAP the initiator must pass (before any --target: all targets\n"
	    "              and discovery sessions)\n"
	    "  --digest    digests the target accepts (default both)\n"
	    "  --scenario  YAML scenario: target, portals, fault rules\n"
	    "              (docs/scenario-format.md)\n"
	    "  --portal-address  listen on ADDR:PORT for the portal NAME instead\n"
	    "              (repeatable)\n"
	    "  --fault-log JSON line per fired fault rule\n");
}

static void
on_signal(struct evloop *l, void *arg)
{
	(void)arg;
	evloop_stop(l);
}

int
main(int argc, char **argv)
{
	struct tsim_config *cfg;
	struct tsim_cli cli;
	struct evloop *loop;
	struct tsim *t;
	FILE *flog = NULL;
	char err[512], a[NETADDR_STRLEN];
	size_t i;
	int rc;

	log_init("iscsi-target-sim", LOG_LVL_WARN, stderr);
	if ((cfg = tsim_config_new()) == NULL) {
		fprintf(stderr, "iscsi-target-sim: out of memory\n");
		return 1;
	}
	rc = tsim_config_from_args(cfg, argc - 1, argv + 1, &cli, err,
	    sizeof(err));
	if (rc == 0 && cli.help) {
		usage(stdout);
		tsim_config_free(cfg);
		return 0;
	}
	if (rc == 0 && cli.version) {
		printf("iscsi-target-sim %s\n", ISCSI_BENCH_VERSION);
		tsim_config_free(cfg);
		return 0;
	}
	if (rc != 0) {
		fprintf(stderr, "iscsi-target-sim: %s\n", err);
		usage(stderr);
		tsim_config_free(cfg);
		return 2;
	}
	if (cli.fault_log != NULL && (flog = fopen(cli.fault_log, "w")) == NULL) {
		fprintf(stderr, "iscsi-target-sim: --fault-log %s: %s\n",
		    cli.fault_log, strerror(errno));
		tsim_config_free(cfg);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((loop = evloop_new(NULL)) == NULL ||
	    evloop_signal(loop, SIGINT, on_signal, NULL) != 0 ||
	    evloop_signal(loop, SIGTERM, on_signal, NULL) != 0) {
		fprintf(stderr, "iscsi-target-sim: event loop: %s\n",
		    strerror(errno));
		tsim_config_free(cfg);
		return 1;
	}
	if (tsim_create(loop, cfg, &t, err, sizeof(err)) != 0 ||
	    tsim_start(t, err, sizeof(err)) != 0) {
		fprintf(stderr, "iscsi-target-sim: %s\n", err);
		tsim_destroy(t);
		evloop_free(loop);
		return 1;
	}
	tsim_set_fault_log(t, flog);
	tsim_set_verbose(t, cli.verbose);
	if (cli.verbose > 1)
		log_set_level(LOG_LVL_DEBUG);
	for (i = 0; i < tsim_portal_count(t); i++)
		printf("listening %s\n", netaddr_format(tsim_portal_addr(t, i),
		    a, sizeof(a)));
	fflush(stdout);
	rc = evloop_run(loop);
	/* stopping: a second SIGTERM/SIGINT must not turn a clean exit into
	 * death by signal once the loop no longer watches them */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	tsim_destroy(t);
	evloop_free(loop);
	if (flog != NULL)
		fclose(flog);
	if (rc != 0) {
		fprintf(stderr, "iscsi-target-sim: event loop: %s\n",
		    strerror(errno));
		return 1;
	}
	return 0;
}
