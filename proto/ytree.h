/*
 * YAML documents as a small tree (libyaml parser underneath) with line
 * numbers on every node, so that loaders of scenario files can report
 * "file:line: message".  Anchors and aliases are supported (an alias is a
 * deep copy of its anchor); duplicate keys in a mapping are an error.
 */
#ifndef PROTO_YTREE_H
#define PROTO_YTREE_H

#include <stddef.h>
#include <stdint.h>

enum ynode_type {
	YNODE_SCALAR,
	YNODE_MAP,
	YNODE_SEQ
};

struct ynode {
	enum ynode_type	 type;
	int		 line;		/* 1-based */
	int		 quoted;	/* scalar was quoted ('...' or "...") */
	char		*value;		/* scalar text (NUL terminated) */
	size_t		 vlen;		/* scalar length (may contain NULs) */
	size_t		 n;		/* entries in a map / items in a seq */
	char		**keys;		/* map keys */
	int		*key_lines;
	struct ynode	**items;	/* map values / seq items */
};

/* Parse a file / a buffer.  NULL on error with "name:line: msg" in err. */
struct ynode	*ytree_load_file(const char *path, char *err, size_t errsz);
struct ynode	*ytree_load_buffer(const char *name, const char *buf, size_t len,
		    char *err, size_t errsz);
void		 ytree_free(struct ynode *);

/* Mapping lookup; NULL when absent or when m is not a mapping. */
const struct ynode *ymap_get(const struct ynode *m, const char *key);
const char	*ytype_name(enum ynode_type);

/*
 * Typed accessors.  Each returns 0 on success, 1 when the key is absent
 * (out untouched), -1 on a type/range error with "name:line: msg" in err.
 * 'name' is the file name used in messages.
 */
struct yctx {
	const char	*name;		/* file name for messages */
	char		*err;
	size_t		 errsz;
};
int	yget_str(const struct yctx *, const struct ynode *m, const char *key,
	    const char **out);
int	yget_u64(const struct yctx *, const struct ynode *m, const char *key,
	    uint64_t min, uint64_t max, uint64_t *out);
int	yget_bool(const struct yctx *, const struct ynode *m, const char *key,
	    int *out);
/* Parse a scalar node as an unsigned number (decimal or 0x hex). */
int	yscalar_u64(const struct yctx *, const struct ynode *n, uint64_t min,
	    uint64_t max, uint64_t *out);
/* Reject keys not in the NULL-terminated list (names them all). */
int	ymap_check_keys(const struct yctx *, const struct ynode *m,
	    const char *const *allowed);
/* Format "name:line: msg" into ctx->err; always returns -1. */
int	yerror(const struct yctx *, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
