/*
 * Replay: run the analyzer over the capture twice (the session list, then
 * the PDUs of the chosen sessions through the collector) and write the
 * scenario through a temporary file, so that a failure leaves nothing
 * half written and an existing file is only replaced with --force.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay_int.h"

static void
opts_for(const struct rp_opts *o, struct ana_opts *ao)
{
	size_t i;

	ana_opts_default(ao);
	for (i = 0; i < o->nports && ao->nports < ANA_PORTS_MAX; i++)
		ao->ports[ao->nports++] = o->ports[i];
	ao->findings_max = 0;
}

/* First pass: sessions and connections. */
static struct ana *
first_pass(const struct rp_opts *o, char *errbuf, size_t errsz)
{
	struct ana_opts ao;
	struct ana *a;
	char e[256];

	opts_for(o, &ao);
	if ((a = ana_new(&ao)) == NULL) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	if (ana_run_file(a, o->file, e, sizeof(e)) != 0) {
		if (ana_stats(a)->pdus == 0) {
			/* e already starts with the file name */
			snprintf(errbuf, errsz, "%s", e);
			ana_free(a);
			return NULL;
		}
		fprintf(stderr, "iscsi-bench replay: warning: %s: %s (using what "
		    "was read before)\n", o->file, e);
	}
	if (ana_stats(a)->pdus == 0) {
		snprintf(errbuf, errsz, "%s: no iSCSI PDUs in the capture (try "
		    "--port N for a target port other than 3260)", o->file);
		ana_free(a);
		return NULL;
	}
	if (o->session > ana_session_count(a)) {
		snprintf(errbuf, errsz, "--session %u: the capture has %zu "
		    "session%s (1..%zu)", o->session, ana_session_count(a),
		    ana_session_count(a) == 1 ? "" : "s", ana_session_count(a));
		ana_free(a);
		return NULL;
	}
	return a;
}

static int
second_pass(struct rp_collect *c, const struct rp_opts *o, char *errbuf,
    size_t errsz)
{
	struct ana_opts ao;
	struct ana *a;
	char e[256];

	opts_for(o, &ao);
	ao.on_pdu = rp_collect_pdu;
	ao.on_finding = rp_collect_finding;
	ao.on_conn_end = rp_collect_conn_end;
	ao.arg = c;
	if ((a = ana_new(&ao)) == NULL) {
		snprintf(errbuf, errsz, "out of memory");
		return -1;
	}
	(void)ana_run_file(a, o->file, e, sizeof(e));	/* said in pass 1 */
	ana_free(a);
	rp_collect_finish(c);
	if (c->nomem) {
		snprintf(errbuf, errsz, "out of memory");
		return -1;
	}
	return 0;
}

static int
write_out(struct rp_collect *c, const struct rp_opts *o, char *errbuf,
    size_t errsz)
{
	char tmp[4200];
	FILE *f;
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", o->out);
	if ((fd = mkstemp(tmp)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(errbuf, errsz, "%s: cannot write: %s", o->out,
		    strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	rc = rp_write_yaml(c, f);
	if (fclose(f) != 0)
		rc = -1;
	if (rc != 0) {
		snprintf(errbuf, errsz, "%s: cannot write", o->out);
		unlink(tmp);
		return -1;
	}
	if (o->force)
		rc = rename(tmp, o->out);
	else if ((rc = link(tmp, o->out)) == 0)
		unlink(tmp);
	if (rc != 0) {
		snprintf(errbuf, errsz, "%s: %s%s", o->out, strerror(errno),
		    errno == EEXIST ? " (use --force to overwrite)" : "");
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
rp_generate(const struct rp_opts *o, char *errbuf, size_t errsz)
{
	struct rp_collect c;
	struct ana *a;
	int rc = -1;

	if (!o->force && access(o->out, F_OK) == 0) {
		snprintf(errbuf, errsz, "%s exists (use --force to overwrite)",
		    o->out);
		return -1;
	}
	if ((a = first_pass(o, errbuf, errsz)) == NULL)
		return -1;
	if (rp_collect_init(&c, o, a) != 0) {
		snprintf(errbuf, errsz, "out of memory");
		ana_free(a);
		rp_collect_free(&c);
		return -1;
	}
	ana_free(a);
	if (second_pass(&c, o, errbuf, errsz) == 0 &&
	    rp_write_data_files(&c, errbuf, errsz) == 0 &&
	    write_out(&c, o, errbuf, errsz) == 0)
		rc = 0;
	rp_collect_free(&c);
	return rc;
}
