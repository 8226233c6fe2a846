/*
 * Debug/diagnostic log (stderr by default).  This is NOT the initiator's
 * documented event log (see evrec.h): it is free text for developers.
 *
 *   log_warn("connect %s", addr);   appends ": strerror(errno)"
 *   log_warnx("bad key %s", key);   no errno
 *   log_info(...), log_debug(...)   filtered by the level
 */
#ifndef PROTO_LOG_H
#define PROTO_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_INFO = 2,
	LOG_LVL_DEBUG = 3
};

/* Program name prefix (e.g. "iscsi-target-sim"), level and destination. */
void	log_init(const char *progname, enum log_level level, FILE *dest);
void	log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "error", "warn", "info", "debug" (or 0-3); -1 if unknown. */
int	log_level_parse(const char *s);

void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_vmsg(enum log_level lvl, int with_errno, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

#endif
