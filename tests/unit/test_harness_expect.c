/* Harness: scenario loading (harness sections) and expectation verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "catalog.h"
#include "expect.h"
#include "runner.h"
#include "scn.h"

static char *
write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/ib-scn-XXXXXX");
	fd = mkstemp(path);
	if (fd == -1)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

static const char good[] =
    "name: login-auth-failure\n"
    "tags: [login, chap]\n"
    "cites: [\"seed 004 Appendix D\"]\n"
    "timeout: 20\n"
    "target:\n"
    "  portals: [{name: p1, address: \"127.0.0.1:0\"}, {name: p2, address: \"127.0.0.1:0\"}]\n"
    "rules: [{name: fail-login}]\n"
    "initiator:\n"
    "  script: |\n"
    "    AddTargetPortal ${p1.addr} ${p1.port}\n"
    "    LoginTarget iqn.x T ${p2.addr} ${p2.port}\n"
    "expect:\n"
    "  exit: nonzero\n"
    "  steps:\n"
    "    - {step: 1, isdsc: success}\n"
    "    - {step: 2, isdsc: ISDSC_AUTHENTICATION_FAILURE}\n"
    "  events:\n"
    "    include: [10]\n"
    "    exclude: [ISCSI_EV_RECONNECTED]\n"
    "    order: [1, 10]\n"
    "    count: [{event: 10, exactly: 1}]\n"
    "  faults_fired: [fail-login]\n";

static void
test_load_good(void)
{
	struct scn s;
	char err[256], *p = write_tmp(good), *sub;
	char addrs[SCN_MAX_PORTALS][128] = { "127.0.0.1:40001", "[::1]:40002" };

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(scn_load(p, &s, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(s.name, "login-auth-failure");
	CU_ASSERT_EQUAL(s.ntags, 2);
	CU_ASSERT(scn_has_tag(&s, "chap"));
	CU_ASSERT_EQUAL(s.timeout_s, 20);
	CU_ASSERT_EQUAL(s.nportals, 2);
	CU_ASSERT_EQUAL(s.initiator, SCN_INIT_OURS);
	CU_ASSERT_EQUAL(s.nsteps, 2);
	CU_ASSERT_EQUAL(s.steps[1].isdsc, ISDSC_AUTHENTICATION_FAILURE);
	CU_ASSERT_EQUAL(s.ev_exclude[0], ISCSI_EV_RECONNECTED);
	CU_ASSERT_EQUAL(s.net, SCN_NET_ANY);
	sub = run_substitute(s.script, &s, addrs, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
	CU_ASSERT_STRING_EQUAL(sub, "AddTargetPortal 127.0.0.1 40001\n"
	    "LoginTarget iqn.x T ::1 40002\n");
	free(sub);
	scn_free(&s);
	unlink(p);
}

static void
expect_error(const char *text, const char *msg)
{
	struct scn s;
	char err[256], *p = write_tmp(text);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(scn_load(p, &s, err, sizeof(err)), -1);
	if (strstr(err, msg) == NULL)
		fprintf(stderr, "\n  got '%s', wanted '%s'\n", err, msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
	CU_ASSERT_EQUAL(strncmp(err, p, strlen(p)), 0);	/* file:line: */
	unlink(p);
}

/* initiator.options: kept in order, for our initiator only */
static void
test_load_options(void)
{
	struct scn s;
	char err[256], *p = write_tmp("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator:\n  options: [--chap-algorithms, \"7,5\"]\n"
	    "  script: VersionInfo\nexpect: {exit: 0}\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(scn_load(p, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.noptions, 2);
	CU_ASSERT_STRING_EQUAL(s.options[0], "--chap-algorithms");
	CU_ASSERT_STRING_EQUAL(s.options[1], "7,5");
	scn_free(&s);
	unlink(p);
}

static void
test_load_errors(void)
{
	expect_error("name: x\n", "missing 'target'");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\nexpect: {exit: 0}\n",
	    "missing 'initiator'");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x}\n", "missing 'expect'");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x}\nexpect: {}\n", "states nothing to check");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x, command: [y]}\nexpect: {exit: 0}\n",
	    "exactly one of 'script' or 'command'");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x, options: [--chap-algorithms, '7', --json]}\n"
	    "expect: {exit: 0}\n", "option '--json' is set by the harness");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {command: [y], options: [--debug]}\nexpect: {exit: 0}\n",
	    "'options' go with 'script'");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x}\nexpect: {events: {include: [63]}}\n",
	    ":4: event 63 is not a documented event ID");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x}\nexpect: {steps: [{step: 1, isdsc: ISDSC_NOPE}]}\n",
	    "unknown ISDSC code 'ISDSC_NOPE'");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x}\nexpect: {exit: 0}\nbogus: 1\n",
	    ":5: unknown key 'bogus'");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x}\nnetwork: {mode: loopback, faults: "
	    "[{at: 1, action: down}]}\nexpect: {exit: 0}\n",
	    "link faults need network mode ns3");
	expect_error("name: x\ntarget: {portals: [{name: a}]}\n"
	    "initiator: {script: x}\nnetwork: {link: {loss: 2}}\nexpect: {exit: 0}\n",
	    "out of range");
}

static void
test_verdicts(void)
{
	struct scn s;
	struct observation o;
	struct verdicts vs = { 0 };
	char err[256], *p = write_tmp(good);
	size_t i, failed_steps = 0;

	CU_ASSERT_EQUAL_FATAL(scn_load(p, &s, err, sizeof(err)), 0);
	obs_init(&o);
	o.exit_code = 1;
	o.steps[0].isdsc = 0;
	o.steps[1].isdsc = ISDSC_LOGIN_FAILED;		/* wrong code */
	o.nsteps = 2;
	o.events[0] = 1;
	o.events[1] = 10;
	o.events[2] = 10;				/* count says exactly 1 */
	o.nevents = 3;
	expect_evaluate(&s, &o, NULL, &vs);
	/* exit ok, step1 ok, step2 FAIL, include ok, exclude ok, count FAIL,
	   order ok, fault rule FAIL (never fired) */
	CU_ASSERT_EQUAL(vs.n, 8);
	CU_ASSERT_EQUAL(vs.failed, 3);
	for (i = 0; i < vs.n; i++)
		if (!vs.v[i].pass && strncmp(vs.v[i].what, "step", 4) == 0) {
			failed_steps++;
			CU_ASSERT_PTR_NOT_NULL(strstr(vs.v[i].detail,
			    "expected ISDSC_AUTHENTICATION_FAILURE (0xEFFF0009), got "
			    "ISDSC_LOGIN_FAILED (0xEFFF0002)"));
		}
	CU_ASSERT_EQUAL(failed_steps, 1);
	verdicts_free(&vs);

	/* the same run done right passes everything */
	o.steps[1].isdsc = ISDSC_AUTHENTICATION_FAILURE;
	o.nevents = 2;
	o.fired[0] = strdup("fail-login");
	o.nfired = 1;
	expect_evaluate(&s, &o, NULL, &vs);
	CU_ASSERT_EQUAL(vs.failed, 0);
	verdicts_free(&vs);

	/* order: 10 before 1 breaks the stated order */
	o.events[0] = 10;
	o.events[1] = 1;
	expect_evaluate(&s, &o, NULL, &vs);
	CU_ASSERT_EQUAL(vs.failed, 1);
	verdicts_free(&vs);
	obs_free(&o);
	scn_free(&s);
	unlink(p);
}

static void
test_observe_files(void)
{
	struct observation o;
	char err[256], *p;

	obs_init(&o);
	p = write_tmp("{\"time\": \"x\", \"event\": 20, \"message\": \"a, b: c\"}\n"
	    "not json\n{\"event\": 34}\n");
	CU_ASSERT_EQUAL(obs_read_events(&o, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.nevents, 2);
	CU_ASSERT_EQUAL(o.events[1], 34);
	unlink(p);
	p = write_tmp("{\"verb\": \"LoginTarget\", \"isdsc\": {\"name\": "
	    "\"ISDSC_LOGIN_FAILED\", \"value\": 4026466306}}\n");
	CU_ASSERT_EQUAL(obs_read_steps(&o, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.nsteps, 1);
	CU_ASSERT_EQUAL(o.steps[0].isdsc, ISDSC_LOGIN_FAILED);
	CU_ASSERT_STRING_EQUAL(o.steps[0].verb, "LoginTarget");
	unlink(p);
	p = write_tmp("{\"rule\": \"drop-it\", \"action\": \"drop\"}\n"
	    "{\"rule\": \"drop-it\"}\n");
	CU_ASSERT_EQUAL(obs_read_fired(&o, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.nfired, 1);
	unlink(p);
	p = write_tmp("{\"event\": \"twenty\"}\n");
	CU_ASSERT_EQUAL(obs_read_events(&o, p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: event record without"));
	unlink(p);
	CU_ASSERT_EQUAL(obs_read_events(&o, "/nonexistent/x", err, sizeof(err)), 0);
	obs_free(&o);
}

static const char fieldscn[] =
    "name: recovery\n"
    "target: {portals: [{name: p1}, {name: p2}]}\n"
    "initiator: {script: x}\n"
    "expect:\n"
    "  steps:\n"
    "    - {step: 1, isdsc: success, result: {redirect.Redirected: true, "
    "redirect.RedirectedPort: \"${p2.port}\"}}\n"
    "  events:\n"
    "    fields: [{event: 1, path: data.port, equals: 3260}]\n"
    "    gaps: [{from: 20, to: 34, min_ms: 2000, max_ms: 5000}]\n"
    "  same:\n"
    "    - [{step: 1, path: sessions.0.isid}, {step: 2, path: sessions.0.isid}]\n";

static void
test_fields_gaps_same(void)
{
	struct scn s;
	struct observation o;
	struct verdicts vs = { 0 };
	char err[256], *p = write_tmp(fieldscn), *ev, *st;
	char addrs[SCN_MAX_PORTALS][128] = { "127.0.0.1:4000", "127.0.0.1:4001" };

	CU_ASSERT_EQUAL_FATAL(scn_load(p, &s, err, sizeof(err)), 0);
	unlink(p);
	CU_ASSERT_EQUAL(s.nfields, 3);
	CU_ASSERT_EQUAL(s.ngaps, 1);
	CU_ASSERT_EQUAL(s.nsame, 1);
	obs_init(&o);
	ev = strdup(write_tmp("{\"time\": \"2026-11-22T10:00:01.000Z\", \"event\": 1, "
	    "\"data\": {\"port\": 3260}}\n"
	    "{\"time\": \"2026-11-22T10:00:02.500Z\", \"event\": 20}\n"
	    "{\"time\": \"2026-11-22T10:00:05.000Z\", \"event\": 34}\n"));
	st = strdup(write_tmp("{\"verb\": \"LoginTarget\", \"isdsc\": 0, \"result\": "
	    "{\"redirect\": {\"Redirected\": true, \"RedirectedPort\": 4001}, "
	    "\"sessions\": [{\"isid\": \"400001370002\"}]}}\n"
	    "{\"verb\": \"SessionList\", \"isdsc\": 0, \"result\": "
	    "{\"sessions\": [{\"isid\": \"400001370002\"}]}}\n"));
	CU_ASSERT_EQUAL(obs_read_events(&o, ev, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(obs_read_steps(&o, st, err, sizeof(err)), 0);
	expect_evaluate(&s, &o, addrs, &vs);
	CU_ASSERT_EQUAL(vs.failed, 0);
	{
		size_t k;
		for (k = 0; k < vs.n; k++) {
			if (!vs.v[k].pass)
				fprintf(stderr, "\n  %s: %s\n", vs.v[k].what, vs.v[k].detail);
			if (strstr(vs.v[k].what, "time from event") != NULL)
				CU_ASSERT_STRING_EQUAL(vs.v[k].detail, "2500 ms "
				    "(expected >= 2000 ms, <= 5000 ms)");
		}
	}
	verdicts_free(&vs);
	/* only a lower bound: said without a stray upper one */
	s.gaps[0].max_ms = -1;
	expect_evaluate(&s, &o, addrs, &vs);
	{
		size_t k;
		for (k = 0; k < vs.n; k++)
			if (strstr(vs.v[k].what, "time from event") != NULL)
				CU_ASSERT_STRING_EQUAL(vs.v[k].detail, "2500 ms "
				    "(expected >= 2000 ms)");
	}
	verdicts_free(&vs);
	/* a gap too short (recovery before DefaultTime2Wait) fails */
	o.event_ms[2] = o.event_ms[1] + 1000;
	/* the redirect went to the wrong portal */
	{
		char bad[SCN_MAX_PORTALS][128] = { "127.0.0.1:4000", "127.0.0.1:4999" };
		expect_evaluate(&s, &o, bad, &vs);
	}
	CU_ASSERT_EQUAL(vs.failed, 2);
	verdicts_free(&vs);
	obs_free(&o);
	scn_free(&s);
	unlink(ev);
	unlink(st);
	free(ev);
	free(st);
}

static CU_TestInfo harness_tests[] = {
	{ "fields_gaps_same", test_fields_gaps_same },
	{ "scenario_load_and_substitute", test_load_good },
	{ "scenario_errors_file_line", test_load_errors },
	{ "initiator_options", test_load_options },
	{ "verdicts_steps_events_faults", test_verdicts },
	{ "observe_json_lines", test_observe_files },
	CU_TEST_INFO_NULL
};
UNIT_SUITE("harness", "expect", harness_tests)
