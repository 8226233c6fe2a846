/*
 * ns3link control protocol: one command per line, words separated by
 * blanks.  Parsed here in C so that the C++ shim stays small and the
 * grammar can be unit-tested without ns-3.
 *
 *   down [DIR] | up [DIR] | loss DIR P | delay US | rate BPS | stats | stop
 *   DIR = i2t | t2i | both
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "ns3link.h"

enum arg_kind { ARG_DIR, ARG_LOSS, ARG_U64, ARG_NONE };

static const struct {
	const char	*word;
	enum arg_kind	 arg;
} op_table[NS3LINK_OP_COUNT] = {
#define NS3LINK_OP_ROW(name, w, a)	[NS3LINK_OP_##name] = { w, ARG_##a },
	NS3LINK_OPS(NS3LINK_OP_ROW)
#undef NS3LINK_OP_ROW
};

#define MAX_WORDS	4
#define WORD_LEN	32

const char *
ns3link_op_name(enum ns3link_op op)
{
	if ((unsigned)op >= NS3LINK_OP_COUNT)
		return "?";
	return op_table[op].word;
}

const char *
ns3link_dir_name(unsigned dir)
{
	switch (dir) {
	case NS3LINK_DIR_I2T:
		return "i2t";
	case NS3LINK_DIR_T2I:
		return "t2i";
	case NS3LINK_DIR_BOTH:
		return "both";
	default:
		return "?";
	}
}

static int
parse_dir(const char *w, unsigned *dir)
{
	if (strcmp(w, "i2t") == 0)
		*dir = NS3LINK_DIR_I2T;
	else if (strcmp(w, "t2i") == 0)
		*dir = NS3LINK_DIR_T2I;
	else if (strcmp(w, "both") == 0)
		*dir = NS3LINK_DIR_BOTH;
	else
		return -1;
	return 0;
}

/* Decimal digits only: no sign, no blanks, no hex, fits in 64 bits. */
static int
parse_u64(const char *w, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (w[0] < '0' || w[0] > '9')
		return -1;
	errno = 0;
	n = strtoull(w, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

static int
parse_prob(const char *w, double *p)
{
	char *end;
	double d;

	if ((w[0] < '0' || w[0] > '9') && w[0] != '.')
		return -1;
	errno = 0;
	d = strtod(w, &end);
	if (errno != 0 || *end != '\0' || !isfinite(d) || d < 0.0 || d > 1.0)
		return -1;
	*p = d;
	return 0;
}

/* Split line into at most MAX_WORDS words; -1 when a word is too long. */
static int
split_words(const char *line, char words[MAX_WORDS][WORD_LEN], int *nwords)
{
	const char *p = line;
	size_t n;

	*nwords = 0;
	for (;;) {
		p += strspn(p, " \t\r\n");
		if (*p == '\0')
			return 0;
		n = strcspn(p, " \t\r\n");
		if (*nwords == MAX_WORDS || n >= WORD_LEN)
			return -1;
		memcpy(words[*nwords], p, n);
		words[*nwords][n] = '\0';
		(*nwords)++;
		p += n;
	}
}

int
ns3link_cmd_parse(const char *line, struct ns3link_cmd *cmd, char *err,
    size_t errlen)
{
	char w[MAX_WORDS][WORD_LEN];
	int nw, op;

	memset(cmd, 0, sizeof(*cmd));
	if (split_words(line, w, &nw) == -1)
		return errbuf_set(err, errlen, "command too long or word too long");
	if (nw == 0)
		return errbuf_set(err, errlen, "empty command");
	for (op = 0; op < NS3LINK_OP_COUNT; op++)
		if (strcmp(w[0], op_table[op].word) == 0)
			break;
	if (op == NS3LINK_OP_COUNT)
		return errbuf_set(err, errlen, "unknown command '%s'", w[0]);
	cmd->op = (enum ns3link_op)op;
	cmd->dir = NS3LINK_DIR_BOTH;

	switch (op_table[op].arg) {
	case ARG_NONE:
		if (nw != 1)
			return errbuf_set(err, errlen, "%s takes no argument, got '%s'",
			    w[0], w[1]);
		break;
	case ARG_DIR:
		if (nw > 2)
			return errbuf_set(err, errlen, "%s: unexpected '%s'", w[0], w[2]);
		if (nw == 2 && parse_dir(w[1], &cmd->dir) == -1)
			return errbuf_set(err, errlen,
			    "%s: direction '%s' is not i2t, t2i or both", w[0], w[1]);
		break;
	case ARG_LOSS:
		if (nw != 3)
			return errbuf_set(err, errlen, "loss needs DIR and P, got %d words",
			    nw - 1);
		if (parse_dir(w[1], &cmd->dir) == -1)
			return errbuf_set(err, errlen,
			    "loss: direction '%s' is not i2t, t2i or both", w[1]);
		if (parse_prob(w[2], &cmd->loss) == -1)
			return errbuf_set(err, errlen,
			    "loss: probability '%s' is not a number in [0, 1]", w[2]);
		break;
	case ARG_U64:
		if (nw != 2)
			return errbuf_set(err, errlen, "%s needs one number, got %d words",
			    w[0], nw - 1);
		if (parse_u64(w[1], &cmd->value) == -1)
			return errbuf_set(err, errlen,
			    "%s: '%s' is not an unsigned decimal number", w[0], w[1]);
		break;
	}
	return 0;
}

int
ns3link_cmd_format(const struct ns3link_cmd *cmd, char *buf, size_t len)
{
	int n;

	if ((unsigned)cmd->op >= NS3LINK_OP_COUNT)
		return -1;
	if ((op_table[cmd->op].arg == ARG_DIR ||
	    op_table[cmd->op].arg == ARG_LOSS) &&
	    strcmp(ns3link_dir_name(cmd->dir), "?") == 0)
		return -1;
	switch (op_table[cmd->op].arg) {
	case ARG_DIR:
		n = snprintf(buf, len, "%s %s\n", op_table[cmd->op].word,
		    ns3link_dir_name(cmd->dir));
		break;
	case ARG_LOSS:
		if (!isfinite(cmd->loss) || cmd->loss < 0.0 || cmd->loss > 1.0)
			return -1;
		n = snprintf(buf, len, "loss %s %.9g\n",
		    ns3link_dir_name(cmd->dir), cmd->loss);
		break;
	case ARG_U64:
		n = snprintf(buf, len, "%s %" PRIu64 "\n",
		    op_table[cmd->op].word, cmd->value);
		break;
	default:
		n = snprintf(buf, len, "%s\n", op_table[cmd->op].word);
		break;
	}
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

#define STATS_FMT							\
	"ok stats i2t passed=%" PRIu64 " down=%" PRIu64 " loss=%" PRIu64 \
	" t2i passed=%" PRIu64 " down=%" PRIu64 " loss=%" PRIu64

int
ns3link_stats_format(const struct ns3link_stats *st, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, STATS_FMT "\n",
	    st->i2t.passed, st->i2t.dropped_down, st->i2t.dropped_loss,
	    st->t2i.passed, st->t2i.dropped_down, st->t2i.dropped_loss);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

int
ns3link_stats_parse(const char *reply, struct ns3link_stats *st)
{
	int end = -1;

	memset(st, 0, sizeof(*st));
	if (sscanf(reply, STATS_FMT "%n",
	    &st->i2t.passed, &st->i2t.dropped_down, &st->i2t.dropped_loss,
	    &st->t2i.passed, &st->t2i.dropped_down, &st->t2i.dropped_loss,
	    &end) != 6 || end < 0)
		return -1;
	reply += end;
	reply += strspn(reply, "\r\n");
	return *reply == '\0' ? 0 : -1;
}
