/*
 * RFC 7143 code tables of the catalog: login Status-Class/Detail with the
 * ISDSC code the initiator reports (login_status.def, login_class.def) and
 * the one-byte code tables (Reject reasons, Async events, SNACK types,
 * Logout reasons and responses, TMF functions and responses).
 */
#include <stddef.h>

#include "catalog.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct catalog_login_status login_statuses[] = {
#define LOGIN_STATUS(cls, det, name, isdsc, text) \
	{ (cls), (det), 1, #name, (text), (isdsc) },
#include "login_status.def"
#undef LOGIN_STATUS
};

struct login_class {
	uint8_t		 status_class;
	const char	*name;
	const char	*text;
	uint32_t	 unknown_detail_isdsc;
};

static const struct login_class login_classes[] = {
#define LOGIN_CLASS(cls, name, isdsc, text)	{ (cls), #name, (text), (isdsc) },
#include "login_class.def"
#undef LOGIN_CLASS
};

static const struct catalog_code reject_reasons[] = {
#define REJECT(v, name, f, text)	{ (v), (f), #name, (text) },
#include "reject_reasons.def"
#undef REJECT
};

static const struct catalog_code async_events[] = {
#define ASYNC(v, name, f, text)		{ (v), (f), #name, (text) },
#include "async_events.def"
#undef ASYNC
};

static const struct catalog_code snack_types[] = {
#define SNACK(v, name, f, text)		{ (v), (f), #name, (text) },
#include "snack_types.def"
#undef SNACK
};

static const struct catalog_code logout_reasons[] = {
#define LOGOUT_REASON(v, name, f, text)	{ (v), (f), #name, (text) },
#include "logout_reasons.def"
#undef LOGOUT_REASON
};

static const struct catalog_code logout_responses[] = {
#define LOGOUT_RESP(v, name, f, text)	{ (v), (f), #name, (text) },
#include "logout_responses.def"
#undef LOGOUT_RESP
};

static const struct catalog_code tmf_functions[] = {
#define TMF(v, name, f, text)		{ (v), (f), #name, (text) },
#include "tmf_functions.def"
#undef TMF
};

static const struct catalog_code tmf_responses[] = {
#define TMF_RESP(v, name, f, text)	{ (v), (f), #name, (text) },
#include "tmf_responses.def"
#undef TMF_RESP
};

static const struct {
	const char			*name;
	const struct catalog_code	*rows;
	size_t				 count;
} tables[CATALOG_TABLE_COUNT] = {
	[CATALOG_REJECT_REASONS] =
	    { "reject_reasons", reject_reasons, NELEM(reject_reasons) },
	[CATALOG_ASYNC_EVENTS] =
	    { "async_events", async_events, NELEM(async_events) },
	[CATALOG_SNACK_TYPES] =
	    { "snack_types", snack_types, NELEM(snack_types) },
	[CATALOG_LOGOUT_REASONS] =
	    { "logout_reasons", logout_reasons, NELEM(logout_reasons) },
	[CATALOG_LOGOUT_RESPONSES] =
	    { "logout_responses", logout_responses, NELEM(logout_responses) },
	[CATALOG_TMF_FUNCTIONS] =
	    { "tmf_functions", tmf_functions, NELEM(tmf_functions) },
	[CATALOG_TMF_RESPONSES] =
	    { "tmf_responses", tmf_responses, NELEM(tmf_responses) },
};

static const struct login_class *
login_class_find(uint8_t status_class)
{
	size_t i;

	for (i = 0; i < NELEM(login_classes); i++)
		if (login_classes[i].status_class == status_class)
			return &login_classes[i];
	return NULL;
}

struct catalog_login_status
catalog_login_status(uint8_t status_class, uint8_t status_detail)
{
	struct catalog_login_status unknown = {
		status_class, status_detail, 0, "UNKNOWN",
		"Unknown Status-Class", ISDSC_LOGIN_FAILED
	};
	const struct login_class *cls;
	size_t i;

	for (i = 0; i < NELEM(login_statuses); i++)
		if (login_statuses[i].status_class == status_class &&
		    login_statuses[i].status_detail == status_detail)
			return login_statuses[i];
	if ((cls = login_class_find(status_class)) != NULL) {
		unknown.text = "Unknown Status-Detail";
		unknown.isdsc = cls->unknown_detail_isdsc;
	}
	return unknown;
}

size_t
catalog_login_status_count(void)
{
	return NELEM(login_statuses);
}

const struct catalog_login_status *
catalog_login_status_at(size_t index)
{
	return index < NELEM(login_statuses) ? &login_statuses[index] : NULL;
}

const char *
catalog_login_class_name(uint8_t status_class)
{
	const struct login_class *cls = login_class_find(status_class);

	return cls != NULL ? cls->text : NULL;
}

const struct catalog_code *
catalog_code(enum catalog_table table, unsigned int value)
{
	size_t i;

	if ((unsigned int)table >= CATALOG_TABLE_COUNT)
		return NULL;
	for (i = 0; i < tables[table].count; i++)
		if (tables[table].rows[i].value == value)
			return &tables[table].rows[i];
	return NULL;
}

size_t
catalog_code_count(enum catalog_table table)
{
	if ((unsigned int)table >= CATALOG_TABLE_COUNT)
		return 0;
	return tables[table].count;
}

const struct catalog_code *
catalog_code_at(enum catalog_table table, size_t index)
{
	if ((unsigned int)table >= CATALOG_TABLE_COUNT ||
	    index >= tables[table].count)
		return NULL;
	return &tables[table].rows[index];
}

const char *
catalog_table_name(enum catalog_table table)
{
	if ((unsigned int)table >= CATALOG_TABLE_COUNT)
		return NULL;
	return tables[table].name;
}

const struct catalog_code *
catalog_reject_reason(unsigned int reason)
{
	return catalog_code(CATALOG_REJECT_REASONS, reason);
}

const struct catalog_code *
catalog_async_event(unsigned int event)
{
	return catalog_code(CATALOG_ASYNC_EVENTS, event);
}

const struct catalog_code *
catalog_snack_type(unsigned int type)
{
	return catalog_code(CATALOG_SNACK_TYPES, type);
}

const struct catalog_code *
catalog_logout_reason(unsigned int reason)
{
	return catalog_code(CATALOG_LOGOUT_REASONS, reason);
}

const struct catalog_code *
catalog_logout_response(unsigned int response)
{
	return catalog_code(CATALOG_LOGOUT_RESPONSES, response);
}

const struct catalog_code *
catalog_tmf_function(unsigned int function)
{
	return catalog_code(CATALOG_TMF_FUNCTIONS, function);
}

const struct catalog_code *
catalog_tmf_response(unsigned int response)
{
	return catalog_code(CATALOG_TMF_RESPONSES, response);
}

int
catalog_reject_can_resend(unsigned int reason)
{
	const struct catalog_code *c = catalog_reject_reason(reason);

	return c != NULL && c->flag;
}
