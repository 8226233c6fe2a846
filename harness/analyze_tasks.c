/*
 * Outstanding requests of one connection, keyed by Initiator Task Tag:
 * open addressing with linear probing and backward-shift deletion.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

#define TASKS_INIT	64

static size_t
slot_of(const struct ana_tasks *t, uint32_t itt)
{
	uint32_t h = itt * 2654435761u;

	return (size_t)(h ^ (h >> 16)) & (t->cap - 1);
}

struct ana_task *
ana_task_find(struct ana_tasks *t, uint32_t itt)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = slot_of(t, itt); t->slot[i].used; i = (i + 1) & (t->cap - 1))
		if (t->slot[i].itt == itt)
			return &t->slot[i];
	return NULL;
}

static int
grow(struct ana_tasks *t)
{
	struct ana_tasks n;
	size_t i, j;

	n.cap = t->cap ? t->cap * 2 : TASKS_INIT;
	n.count = t->count;
	if ((n.slot = calloc(n.cap, sizeof(*n.slot))) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i].used)
			continue;
		for (j = slot_of(&n, t->slot[i].itt); n.slot[j].used;
		    j = (j + 1) & (n.cap - 1))
			;
		n.slot[j] = t->slot[i];
	}
	free(t->slot);
	*t = n;
	return 0;
}

/* Add (or reset) the task for itt; NULL when the table is full. */
struct ana_task *
ana_task_add(struct ana_tasks *t, uint32_t itt)
{
	struct ana_task *k;
	size_t i;

	if ((k = ana_task_find(t, itt)) != NULL) {
		memset(k, 0, sizeof(*k));
		k->used = true;
		k->itt = itt;
		return k;
	}
	if (t->count >= ANA_TASKS_MAX)
		return NULL;
	if ((t->count + 1) * 2 > t->cap && grow(t) != 0)
		return NULL;
	for (i = slot_of(t, itt); t->slot[i].used; i = (i + 1) & (t->cap - 1))
		;
	k = &t->slot[i];
	memset(k, 0, sizeof(*k));
	k->used = true;
	k->itt = itt;
	t->count++;
	return k;
}

void
ana_task_del(struct ana_tasks *t, struct ana_task *k)
{
	size_t i = (size_t)(k - t->slot), j, home;

	t->slot[i].used = false;
	t->count--;
	/* backward shift: move later members of the run into the hole */
	for (j = (i + 1) & (t->cap - 1); t->slot[j].used;
	    j = (j + 1) & (t->cap - 1)) {
		home = slot_of(t, t->slot[j].itt);
		/* can j's entry move to i?  yes unless home lies in (i, j] */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			t->slot[i] = t->slot[j];
			t->slot[j].used = false;
			i = j;
		}
	}
}

void
ana_tasks_free(struct ana_tasks *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}
