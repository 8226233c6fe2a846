/*
 * iscsi-bench catalog [--json]: print the catalog of documented identifiers
 * (event IDs, ISDSC codes) and the RFC 7143 code tables.
 *
 * --json prints one object whose "events" and "isdsc" members have exactly
 * the shape of the seed extraction tool's output (tests/cli/t_catalog_seed.sh
 * compares them); the other members are the catalog's own additions.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "commands.h"
#include "json.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: iscsi-bench catalog [--json]\n"
	    "Prints the iSCSI event IDs (iScsiPrt 1-62, iScsiExe 102-121), the\n"
	    "ISDSC status codes and the RFC 7143 code tables (login status with\n"
	    "the ISDSC code the initiator reports, Reject reasons, Async events,\n"
	    "SNACK types, Logout reasons/responses, TMF functions/responses).\n"
	    "  --json  one JSON object: \"events\" and \"isdsc\" as the seed tool\n"
	    "          prints them, plus \"event_details\", \"login_status\",\n"
	    "          \"login_status_unknown\" and one key per RFC table\n");
}

/* Key formatted like printf. */
static void
json_keyf(struct json *j, const char *fmt, unsigned int v)
	__attribute__((format(printf, 2, 0)));

static void
json_keyf(struct json *j, const char *fmt, unsigned int v)
{
	char key[16];

	snprintf(key, sizeof(key), fmt, v);
	json_key(j, key);
}

static void
json_code32(struct json *j, const char *key, uint32_t code)
{
	json_key(j, key);
	json_stringf(j, "0x%08X", code);
}

static void
json_events(struct json *j)
{
	const struct catalog_event *e;
	size_t i;

	json_key(j, "events");
	json_object_open(j);
	for (i = 0; (e = catalog_event_at(i)) != NULL; i++) {
		json_keyf(j, "%u", e->id);
		json_object_open(j);
		json_kv_string(j, "source", catalog_source_name(e->source));
		json_kv_string(j, "message", e->message);
		if (e->source == CATALOG_SRC_ISCSIEXE)
			json_kv_string(j, "symbol", e->name);
		json_object_close(j);
	}
	json_object_close(j);

	json_key(j, "event_details");
	json_object_open(j);
	for (i = 0; (e = catalog_event_at(i)) != NULL; i++) {
		json_keyf(j, "%u", e->id);
		json_object_open(j);
		json_kv_string(j, "constant", e->name);
		json_kv_string(j, "severity", catalog_severity_name(e->severity));
		json_kv_string(j, "dump_data", catalog_data_name(e->data));
		if (e->label1 != NULL) {
			json_key(j, "dump_words");
			json_array_open(j);
			json_string(j, e->label1);
			json_string(j, e->label2);
			json_array_close(j);
		}
		json_object_close(j);
	}
	json_object_close(j);
}

static void
json_isdsc(struct json *j)
{
	const struct catalog_isdsc *c;
	size_t i;

	json_key(j, "isdsc");
	json_object_open(j);
	for (i = 0; (c = catalog_isdsc_at(i)) != NULL; i++) {
		json_key(j, c->name);
		json_object_open(j);
		json_code32(j, "code", c->code);
		json_kv_string(j, "message", c->message);
		json_object_close(j);
	}
	json_object_close(j);
}

static void
json_login_isdsc(struct json *j, uint32_t isdsc)
{
	const struct catalog_isdsc *c = catalog_isdsc_by_value(isdsc);

	json_kv_string(j, "isdsc", c != NULL ? c->name : NULL);
	json_code32(j, "isdsc_code", isdsc);
}

static void
json_login(struct json *j)
{
	const struct catalog_login_status *s;
	struct catalog_login_status u;
	unsigned int cls;
	size_t i;

	json_key(j, "login_status");
	json_object_open(j);
	for (i = 0; (s = catalog_login_status_at(i)) != NULL; i++) {
		json_keyf(j, "0x%04x",
		    (unsigned int)(s->status_class << 8 | s->status_detail));
		json_object_open(j);
		json_kv_string(j, "name", s->name);
		json_kv_string(j, "text", s->text);
		json_kv_string(j, "class",
		    catalog_login_class_name(s->status_class));
		json_login_isdsc(j, s->isdsc);
		json_object_close(j);
	}
	json_object_close(j);

	/* what an undocumented detail in each class (and any other class) maps to */
	json_key(j, "login_status_unknown");
	json_object_open(j);
	for (cls = 0; cls <= 4; cls++) {
		u = catalog_login_status((uint8_t)cls, 0xff);
		if (cls == 4)
			json_key(j, "other");
		else
			json_keyf(j, "0x%02xxx", cls);
		json_object_open(j);
		json_login_isdsc(j, u.isdsc);
		json_object_close(j);
	}
	json_object_close(j);
}

static void
json_tables(struct json *j)
{
	const struct catalog_code *c;
	enum catalog_table t;
	size_t i;

	for (t = 0; t < CATALOG_TABLE_COUNT; t++) {
		json_key(j, catalog_table_name(t));
		json_object_open(j);
		for (i = 0; (c = catalog_code_at(t, i)) != NULL; i++) {
			json_keyf(j, t == CATALOG_REJECT_REASONS ? "0x%02x" : "%u",
			    c->value);
			json_object_open(j);
			json_kv_string(j, "name", c->name);
			json_kv_string(j, "text", c->text);
			if (t == CATALOG_REJECT_REASONS)
				json_kv_bool(j, "resend", c->flag);
			json_object_close(j);
		}
		json_object_close(j);
	}
}

static int
print_json(void)
{
	struct json j;
	int rc = 0;

	json_init(&j);
	json_object_open(&j);
	json_events(&j);
	json_isdsc(&j);
	json_login(&j);
	json_tables(&j);
	json_object_close(&j);
	if (json_complete(&j) != JSON_OK) {
		fprintf(stderr, "iscsi-bench catalog: JSON output: %s\n",
		    json_strerror(json_complete(&j)));
		rc = 1;
	} else if (json_write(&j, stdout) != 0 || putchar('\n') == EOF ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "iscsi-bench catalog: write error\n");
		rc = 1;
	}
	json_free(&j);
	return rc;
}

static int
print_text(void)
{
	const struct catalog_event *e;
	const struct catalog_isdsc *c;
	const struct catalog_login_status *s;
	const struct catalog_isdsc *is;
	const struct catalog_code *code;
	enum catalog_table t;
	size_t i;

	printf("Events (source, ID, severity, constant, dump data, message)\n");
	for (i = 0; (e = catalog_event_at(i)) != NULL; i++)
		printf("  %-8s %3u  %-11s %-57s %-13s %s\n",
		    catalog_source_name(e->source), e->id,
		    catalog_severity_name(e->severity), e->name,
		    catalog_data_name(e->data), e->message);

	printf("\nISDSC status codes\n");
	for (i = 0; (c = catalog_isdsc_at(i)) != NULL; i++)
		printf("  0x%08X  %-45s %s\n", c->code, c->name, c->message);

	printf("\nLogin status (RFC 7143 11.13.5) -> ISDSC code\n");
	for (i = 0; (s = catalog_login_status_at(i)) != NULL; i++) {
		is = catalog_isdsc_by_value(s->isdsc);
		printf("  0x%02x%02x  %-27s %-34s %s\n", s->status_class,
		    s->status_detail, s->name, is != NULL ? is->name : "-",
		    s->text);
	}

	for (t = 0; t < CATALOG_TABLE_COUNT; t++) {
		printf("\n%s\n", catalog_table_name(t));
		for (i = 0; (code = catalog_code_at(t, i)) != NULL; i++)
			printf("  0x%02x  %-26s %s%s\n", code->value, code->name,
			    code->text,
			    t == CATALOG_REJECT_REASONS ?
			    (code->flag ? " [resend]" : " [no resend]") : "");
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

int
cmd_catalog(int argc, char **argv)
{
	int i, json = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "iscsi-bench catalog: unknown %s '%s'\n",
			    argv[i][0] == '-' ? "option" : "argument", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	return json ? print_json() : print_text();
}
