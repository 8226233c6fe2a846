/*
 * Catalog of the seed's documented identifiers: event IDs and ISDSC codes
 * (tables in events.def, service_events.def, isdsc.def), and the NTSTATUS
 * values used in event records (ntstatus.def).
 */
#include <errno.h>
#include <string.h>

#include "catalog.h"

static const struct catalog_event events[] = {
#define EV(id, name, sev, data, l1, l2, msg)				\
	{ (id), CATALOG_SRC_ISCSIPRT, CATALOG_SEV_##sev,		\
	  CATALOG_DATA_##data, "ISCSI_EV_" #name, (l1), (l2), (msg) },
#include "events.def"
#undef EV
#define SEV(id, name, sev, msg)						\
	{ (id), CATALOG_SRC_ISCSIEXE, CATALOG_SEV_##sev,		\
	  CATALOG_DATA_NONE, #name, NULL, NULL, (msg) },
#include "service_events.def"
#undef SEV
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct catalog_isdsc isdscs[] = {
#define ISDSC(name, value, msg)		{ (value), #name, (msg) },
#include "isdsc.def"
#undef ISDSC
};

static const struct catalog_ntstatus ntstatuses[] = {
#define NTSTATUS(name, value, err, text)	{ (value), (err), #name, (text) },
#include "ntstatus.def"
#undef NTSTATUS
};

static const char *const source_names[] = {
	[CATALOG_SRC_ISCSIPRT] = "iScsiPrt",
	[CATALOG_SRC_ISCSIEXE] = "iScsiExe",
};

static const char *const severity_names[] = {
	[CATALOG_SEV_SUCCESS] = "Success",
	[CATALOG_SEV_INFORMATION] = "Information",
	[CATALOG_SEV_WARNING] = "Warning",
	[CATALOG_SEV_ERROR] = "Error",
};

static const char *const data_names[] = {
	[CATALOG_DATA_NONE] = "none",
	[CATALOG_DATA_IPPORT] = "ipport",
	[CATALOG_DATA_U32_PAIR] = "u32_pair",
	[CATALOG_DATA_STATUS] = "status",
	[CATALOG_DATA_FUNCTION] = "function",
	[CATALOG_DATA_CDB] = "cdb",
	[CATALOG_DATA_PDU] = "pdu",
	[CATALOG_DATA_HEADER] = "header",
	[CATALOG_DATA_HEADER_DIGEST] = "header_digest",
	[CATALOG_DATA_TEXT] = "text",
	[CATALOG_DATA_TARGET_NAME] = "target_name",
	[CATALOG_DATA_SECRET] = "secret",
};

const struct catalog_event *
catalog_event(unsigned int id)
{
	size_t i;

	for (i = 0; i < NELEM(events); i++)
		if (events[i].id == id)
			return &events[i];
	return NULL;
}

const struct catalog_event *
catalog_event_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NELEM(events); i++)
		if (strcmp(events[i].name, name) == 0)
			return &events[i];
	return NULL;
}

size_t
catalog_event_count(void)
{
	return NELEM(events);
}

const struct catalog_event *
catalog_event_at(size_t index)
{
	return index < NELEM(events) ? &events[index] : NULL;
}

const char *
catalog_source_name(enum catalog_source src)
{
	if ((unsigned int)src >= NELEM(source_names))
		return NULL;
	return source_names[src];
}

const char *
catalog_severity_name(enum catalog_severity sev)
{
	if ((unsigned int)sev >= NELEM(severity_names))
		return NULL;
	return severity_names[sev];
}

const char *
catalog_data_name(enum catalog_data data)
{
	if ((unsigned int)data >= NELEM(data_names))
		return NULL;
	return data_names[data];
}

const struct catalog_isdsc *
catalog_isdsc_by_value(uint32_t code)
{
	size_t lo = 0, hi = NELEM(isdscs);

	/* isdsc.def is sorted by value (the generator guarantees it) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (isdscs[mid].code == code)
			return &isdscs[mid];
		if (isdscs[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct catalog_isdsc *
catalog_isdsc_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NELEM(isdscs); i++)
		if (strcmp(isdscs[i].name, name) == 0)
			return &isdscs[i];
	return NULL;
}

size_t
catalog_isdsc_count(void)
{
	return NELEM(isdscs);
}

const struct catalog_isdsc *
catalog_isdsc_at(size_t index)
{
	return index < NELEM(isdscs) ? &isdscs[index] : NULL;
}

int
catalog_isdsc_is_warning(uint32_t code)
{
	return catalog_isdsc_by_value(code) != NULL &&
	    (code >> 30) == CATALOG_SEV_WARNING;
}

const struct catalog_ntstatus *
catalog_ntstatus(uint32_t code)
{
	size_t i;

	for (i = 0; i < NELEM(ntstatuses); i++)
		if (ntstatuses[i].code == code)
			return &ntstatuses[i];
	return NULL;
}

uint32_t
catalog_ntstatus_from_errno(int err)
{
	size_t i;

	if (err == 0)
		return STATUS_SUCCESS;
	for (i = 0; i < NELEM(ntstatuses); i++)
		if (ntstatuses[i].err == err)
			return ntstatuses[i].code;
	return STATUS_UNSUCCESSFUL;
}
