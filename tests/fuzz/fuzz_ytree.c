/* libFuzzer harness: YAML scenario documents -> ytree, plus accessors. */
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "ytree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct yctx c = { "fuzz.yaml", err, sizeof(err) };
	struct ynode *r;
	size_t i;

	r = ytree_load_buffer("fuzz.yaml", (const char *)data, size, err, sizeof(err));
	if (r == NULL)
		return 0;
	if (r->type == YNODE_MAP)
		for (i = 0; i < r->n; i++) {
			const char *s;
			uint64_t v;
			int b;
			struct netaddr a;
			int tpgt;

			(void)yget_u64(&c, r, r->keys[i], 0, UINT64_MAX, &v);
			(void)yget_bool(&c, r, r->keys[i], &b);
			if (yget_str(&c, r, r->keys[i], &s) == 0)
				(void)netaddr_parse_target_address(s, &a, &tpgt, err,
				    sizeof(err));
		}
	ytree_free(r);
	return 0;
}
