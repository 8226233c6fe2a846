/* YAML -> tree with line numbers, over libyaml's event parser. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

#include "ytree.h"

#define YTREE_MAX_DEPTH	64
#define YTREE_MAX_NODES	1000000

struct anchor {
	char		*name;
	struct ynode	*node;
	struct anchor	*next;
};

struct builder {
	yaml_parser_t	 parser;
	const char	*name;
	char		*err;
	size_t		 errsz;
	struct anchor	*anchors;
	size_t		 nodes;
};

static void
berr(struct builder *b, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
berr(struct builder *b, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err == NULL || b->errsz == 0)
		return;
	n = snprintf(b->err, b->errsz, "%s:%d: ", b->name, line);
	if (n < 0 || (size_t)n >= b->errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(b->err + n, b->errsz - (size_t)n, fmt, ap);
	va_end(ap);
}

void
ytree_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys != NULL)
			free(n->keys[i]);
		ytree_free(n->items[i]);
	}
	free(n->keys);
	free(n->key_lines);
	free(n->items);
	free(n->value);
	free(n);
}

static struct ynode *
ynode_copy(const struct ynode *s)
{
	struct ynode *d = calloc(1, sizeof(*d));
	size_t i;

	if (d == NULL)
		return NULL;
	*d = *s;
	d->value = NULL;
	d->keys = NULL;
	d->key_lines = NULL;
	d->items = NULL;
	d->n = 0;
	if (s->value != NULL) {
		if ((d->value = malloc(s->vlen + 1)) == NULL)
			goto fail;
		memcpy(d->value, s->value, s->vlen + 1);
	}
	if (s->n > 0) {
		d->items = calloc(s->n, sizeof(*d->items));
		if (s->keys != NULL) {
			d->keys = calloc(s->n, sizeof(*d->keys));
			d->key_lines = calloc(s->n, sizeof(*d->key_lines));
		}
		if (d->items == NULL || (s->keys != NULL &&
		    (d->keys == NULL || d->key_lines == NULL)))
			goto fail;
		for (i = 0; i < s->n; i++) {
			d->n = i + 1;
			if ((d->items[i] = ynode_copy(s->items[i])) == NULL)
				goto fail;
			if (s->keys != NULL) {
				d->key_lines[i] = s->key_lines[i];
				if ((d->keys[i] = strdup(s->keys[i])) == NULL)
					goto fail;
			}
		}
	}
	return d;
fail:
	ytree_free(d);
	return NULL;
}

static size_t
ynode_count(const struct ynode *n)
{
	size_t i, c = 1;

	for (i = 0; i < n->n; i++)
		c += ynode_count(n->items[i]);
	return c;
}

static int
node_append(struct ynode *p, char *key, int key_line, struct ynode *child)
{
	size_t nn = p->n + 1;
	struct ynode **items = realloc(p->items, nn * sizeof(*items));

	if (items == NULL)
		return -1;
	p->items = items;
	if (p->type == YNODE_MAP) {
		char **keys = realloc(p->keys, nn * sizeof(*keys));
		int *lines;
		if (keys == NULL)
			return -1;
		p->keys = keys;
		lines = realloc(p->key_lines, nn * sizeof(*lines));
		if (lines == NULL)
			return -1;
		p->key_lines = lines;
		p->keys[p->n] = key;
		p->key_lines[p->n] = key_line;
	}
	p->items[p->n] = child;
	p->n = nn;
	return 0;
}

/*
 * Register a complete node under an anchor name.  The anchor keeps its own
 * copy, so freeing parts of the tree never leaves it dangling; an alias to
 * an anchor still being built is an unknown alias (no recursive documents).
 */
static int
add_anchor(struct builder *b, const yaml_char_t *name, const struct ynode *n)
{
	struct anchor *a;

	if (name == NULL)
		return 0;
	b->nodes += ynode_count(n);
	if (b->nodes > YTREE_MAX_NODES) {
		berr(b, n->line, "anchors hold more than %d nodes", YTREE_MAX_NODES);
		return -1;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->name = strdup((const char *)name)) == NULL ||
	    (a->node = ynode_copy(n)) == NULL) {
		if (a != NULL)
			free(a->name);
		free(a);
		berr(b, n->line, "out of memory");
		return -1;
	}
	a->next = b->anchors;
	b->anchors = a;
	return 0;
}

static struct ynode *parse_node(struct builder *, yaml_event_t *, int depth);

static struct ynode *
parse_collection(struct builder *b, yaml_event_t *start, int depth)
{
	struct ynode *n = calloc(1, sizeof(*n));
	int is_map = start->type == YAML_MAPPING_START_EVENT;
	yaml_event_t ev;

	if (n == NULL) {
		berr(b, (int)start->start_mark.line + 1, "out of memory");
		return NULL;
	}
	n->type = is_map ? YNODE_MAP : YNODE_SEQ;
	n->line = (int)start->start_mark.line + 1;
	for (;;) {
		struct ynode *child, *key = NULL;
		int kline;
		size_t i;

		if (!yaml_parser_parse(&b->parser, &ev)) {
			berr(b, (int)b->parser.problem_mark.line + 1, "%s",
			    b->parser.problem ? b->parser.problem : "YAML syntax error");
			goto fail;
		}
		if (ev.type == YAML_MAPPING_END_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			if (add_anchor(b, is_map ? start->data.mapping_start.anchor :
			    start->data.sequence_start.anchor, n) == -1)
				goto fail;
			return n;
		}
		if (is_map) {
			kline = (int)ev.start_mark.line + 1;
			key = parse_node(b, &ev, depth + 1);
			yaml_event_delete(&ev);
			if (key == NULL)
				goto fail;
			if (key->type != YNODE_SCALAR) {
				berr(b, kline, "mapping key must be a plain scalar");
				ytree_free(key);
				goto fail;
			}
			for (i = 0; i < n->n; i++)
				if (strcmp(n->keys[i], key->value) == 0) {
					berr(b, kline, "duplicate key '%s' (first at line %d)",
					    key->value, n->key_lines[i]);
					ytree_free(key);
					goto fail;
				}
			if (!yaml_parser_parse(&b->parser, &ev)) {
				berr(b, (int)b->parser.problem_mark.line + 1, "%s",
				    b->parser.problem ? b->parser.problem : "YAML syntax error");
				ytree_free(key);
				goto fail;
			}
		} else
			kline = 0;
		child = parse_node(b, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (child == NULL) {
			ytree_free(key);
			goto fail;
		}
		if (node_append(n, key != NULL ? key->value : NULL, kline, child) == -1) {
			berr(b, n->line, "out of memory");
			ytree_free(child);
			ytree_free(key);
			goto fail;
		}
		if (key != NULL) {
			key->value = NULL;	/* now owned by n->keys */
			ytree_free(key);
		}
	}
fail:
	ytree_free(n);
	return NULL;
}

static struct ynode *
parse_node(struct builder *b, yaml_event_t *ev, int depth)
{
	int line = (int)ev->start_mark.line + 1;
	struct ynode *n;
	struct anchor *a;

	if (depth > YTREE_MAX_DEPTH) {
		berr(b, line, "nesting deeper than %d levels", YTREE_MAX_DEPTH);
		return NULL;
	}
	if (++b->nodes > YTREE_MAX_NODES) {
		berr(b, line, "document has more than %d nodes", YTREE_MAX_NODES);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if ((n = calloc(1, sizeof(*n))) == NULL ||
		    (n->value = malloc(ev->data.scalar.length + 1)) == NULL) {
			free(n);
			berr(b, line, "out of memory");
			return NULL;
		}
		n->type = YNODE_SCALAR;
		n->line = line;
		n->vlen = ev->data.scalar.length;
		memcpy(n->value, ev->data.scalar.value, n->vlen);
		n->value[n->vlen] = '\0';
		n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		if (add_anchor(b, ev->data.scalar.anchor, n) == -1) {
			ytree_free(n);
			return NULL;
		}
		return n;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		return parse_collection(b, ev, depth);
	case YAML_ALIAS_EVENT:
		for (a = b->anchors; a != NULL; a = a->next)
			if (strcmp(a->name, (const char *)ev->data.alias.anchor) == 0)
				break;
		if (a == NULL) {
			berr(b, line, "unknown alias '*%s'", ev->data.alias.anchor);
			return NULL;
		}
		b->nodes += ynode_count(a->node);
		if (b->nodes > YTREE_MAX_NODES) {
			berr(b, line, "aliases expand to more than %d nodes",
			    YTREE_MAX_NODES);
			return NULL;
		}
		if ((n = ynode_copy(a->node)) == NULL)
			berr(b, line, "out of memory copying alias");
		return n;
	default:
		berr(b, line, "unexpected YAML event");
		return NULL;
	}
}

static struct ynode *
load(struct builder *b)
{
	struct ynode *root = NULL;
	yaml_event_t ev;
	int done = 0;

	while (!done) {
		if (!yaml_parser_parse(&b->parser, &ev)) {
			berr(b, (int)b->parser.problem_mark.line + 1, "%s",
			    b->parser.problem ? b->parser.problem : "YAML syntax error");
			ytree_free(root);
			return NULL;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root != NULL) {
				berr(b, (int)ev.start_mark.line + 1,
				    "only one YAML document per file");
				yaml_event_delete(&ev);
				ytree_free(root);
				return NULL;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			root = parse_node(b, &ev, 0);
			if (root == NULL) {
				yaml_event_delete(&ev);
				return NULL;
			}
		}
		yaml_event_delete(&ev);
	}
	if (root == NULL)
		berr(b, 1, "empty document");
	return root;
}

static void
builder_done(struct builder *b)
{
	struct anchor *a;

	while ((a = b->anchors) != NULL) {
		b->anchors = a->next;
		free(a->name);
		ytree_free(a->node);
		free(a);
	}
	yaml_parser_delete(&b->parser);
}

struct ynode *
ytree_load_buffer(const char *name, const char *buf, size_t len, char *err,
    size_t errsz)
{
	struct builder b = { .name = name, .err = err, .errsz = errsz };
	struct ynode *root;

	if (!yaml_parser_initialize(&b.parser)) {
		berr(&b, 0, "cannot initialise the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
	root = load(&b);
	builder_done(&b);
	return root;
}

struct ynode *
ytree_load_file(const char *path, char *err, size_t errsz)
{
	struct builder b = { .name = path, .err = err, .errsz = errsz };
	struct ynode *root;
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);	/* libyaml would only say "input error" */
		f = NULL;
		errno = EISDIR;
	}
	if (f == NULL) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!yaml_parser_initialize(&b.parser)) {
		fclose(f);
		berr(&b, 0, "cannot initialise the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_file(&b.parser, f);
	root = load(&b);
	builder_done(&b);
	fclose(f);
	return root;
}

/* ---- accessors ------------------------------------------------------------ */

const char *
ytype_name(enum ynode_type t)
{
	switch (t) {
	case YNODE_SCALAR: return "a scalar";
	case YNODE_MAP: return "a mapping";
	case YNODE_SEQ: return "a list";
	}
	return "?";
}

int
yerror(const struct yctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errsz == 0)
		return -1;
	n = snprintf(c->err, c->errsz, "%s:%d: ", c->name, line);
	if (n < 0 || (size_t)n >= c->errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

const struct ynode *
ymap_get(const struct ynode *m, const char *key)
{
	size_t i;

	if (m == NULL || m->type != YNODE_MAP)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0)
			return m->items[i];
	return NULL;
}

int
yget_str(const struct yctx *c, const struct ynode *m, const char *key,
    const char **out)
{
	const struct ynode *n = ymap_get(m, key);

	if (n == NULL)
		return 1;
	if (n->type != YNODE_SCALAR)
		return yerror(c, n->line, "'%s' must be a scalar, not %s", key,
		    ytype_name(n->type));
	if (strlen(n->value) != n->vlen)
		return yerror(c, n->line, "'%s' contains a NUL character", key);
	*out = n->value;
	return 0;
}

int
yscalar_u64(const struct yctx *c, const struct ynode *n, uint64_t min,
    uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;
	const char *s;

	if (n->type != YNODE_SCALAR)
		return yerror(c, n->line, "expected a number, found %s",
		    ytype_name(n->type));
	s = n->value;
	if (*s < '0' || *s > '9')
		return yerror(c, n->line, "'%s' is not an unsigned number", s);
	errno = 0;
	v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
	if (errno == ERANGE && *end == '\0')
		return yerror(c, n->line, "%s is out of range [%llu, %llu]", s,
		    (unsigned long long)min, (unsigned long long)max);
	if (errno != 0 || *end != '\0')
		return yerror(c, n->line, "'%s' is not an unsigned number", s);
	if (v < min || v > max)
		return yerror(c, n->line, "%s is out of range [%llu, %llu]", s,
		    (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int
yget_u64(const struct yctx *c, const struct ynode *m, const char *key,
    uint64_t min, uint64_t max, uint64_t *out)
{
	const struct ynode *n = ymap_get(m, key);

	if (n == NULL)
		return 1;
	return yscalar_u64(c, n, min, max, out);
}

int
yget_bool(const struct yctx *c, const struct ynode *m, const char *key, int *out)
{
	static const char *yes[] = { "true", "yes", "on", "True", "Yes", "TRUE", "YES" };
	static const char *no[] = { "false", "no", "off", "False", "No", "FALSE", "NO" };
	const struct ynode *n = ymap_get(m, key);
	size_t i;

	if (n == NULL)
		return 1;
	if (n->type == YNODE_SCALAR)
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (strcmp(n->value, yes[i]) == 0) {
				*out = 1;
				return 0;
			}
			if (strcmp(n->value, no[i]) == 0) {
				*out = 0;
				return 0;
			}
		}
	return yerror(c, n->line, "'%s' must be true or false", key);
}

int
ymap_check_keys(const struct yctx *c, const struct ynode *m,
    const char *const *allowed)
{
	char list[512];
	size_t i, j, off;

	if (m == NULL)
		return 0;
	if (m->type != YNODE_MAP)
		return yerror(c, m->line, "expected a mapping, found %s",
		    ytype_name(m->type));
	for (i = 0; i < m->n; i++) {
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(m->keys[i], allowed[j]) == 0)
				break;
		if (allowed[j] != NULL)
			continue;
		list[0] = '\0';
		for (j = 0, off = 0; allowed[j] != NULL && off < sizeof(list); j++) {
			int w = snprintf(list + off, sizeof(list) - off, "%s%s",
			    j ? ", " : "", allowed[j]);
			if (w < 0)
				break;
			off += (size_t)w;
		}
		return yerror(c, m->key_lines[i], "unknown key '%s' (expected one of: %s)",
		    m->keys[i], list);
	}
	return 0;
}
