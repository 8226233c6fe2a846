/* Diagnostic log: one line per message, "prog: level: text". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static const char *log_prog = "iscsi";
static enum log_level log_lvl = LOG_LVL_WARN;
static FILE *log_dest;

void
log_init(const char *progname, enum log_level level, FILE *dest)
{
	if (progname != NULL)
		log_prog = progname;
	log_lvl = level;
	log_dest = dest;
}

void
log_set_level(enum log_level level)
{
	log_lvl = level;
}

enum log_level
log_get_level(void)
{
	return log_lvl;
}

int
log_level_parse(const char *s)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0')
		return s[0] - '0';
	return -1;
}

void
log_vmsg(enum log_level lvl, int with_errno, const char *fmt, va_list ap)
{
	static const char *tags[] = { "error", "warning", "info", "debug" };
	FILE *f = log_dest != NULL ? log_dest : stderr;
	int saved = errno;

	if (lvl > log_lvl)
		return;
	fprintf(f, "%s: %s: ", log_prog, tags[lvl]);
	vfprintf(f, fmt, ap);
	if (with_errno)
		fprintf(f, ": %s", strerror(saved));
	fputc('\n', f);
	fflush(f);
	errno = saved;
}

#define LOG_FN(fn, lvl, e)				\
void							\
fn(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	log_vmsg(lvl, e, fmt, ap);			\
	va_end(ap);					\
}

LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_error, LOG_LVL_ERROR, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)
