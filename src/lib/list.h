/*
 * list.h: intrusive circular doubly-linked list (OVS style).
 *
 * Embed a struct ovs_list in each element; the head is a struct ovs_list
 * too.  LIST_FOR_EACH_SAFE allows removing the current element.
 *
 * Thread safety: none; callers serialise.
 */
#ifndef VX_LIB_LIST_H
#define VX_LIB_LIST_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

struct ovs_list {
    struct ovs_list *prev; /* Previous element, or the head. */
    struct ovs_list *next; /* Next element, or the head. */
};

#define OVS_LIST_INITIALIZER(LIST) { LIST, LIST }

static inline void
ovs_list_init(struct ovs_list *list)
{
    list->next = list->prev = list;
}

/* Inserts ELEM just before BEFORE. */
static inline void
ovs_list_insert(struct ovs_list *before, struct ovs_list *elem)
{
    elem->prev = before->prev;
    elem->next = before;
    before->prev->next = elem;
    before->prev = elem;
}

static inline void
ovs_list_push_back(struct ovs_list *list, struct ovs_list *elem)
{
    ovs_list_insert(list, elem);
}

static inline void
ovs_list_push_front(struct ovs_list *list, struct ovs_list *elem)
{
    ovs_list_insert(list->next, elem);
}

/* Removes ELEM from its list and returns the element that followed it. */
static inline struct ovs_list *
ovs_list_remove(struct ovs_list *elem)
{
    elem->prev->next = elem->next;
    elem->next->prev = elem->prev;
    return elem->next;
}

static inline bool
ovs_list_is_empty(const struct ovs_list *list)
{
    return list->next == list;
}

static inline struct ovs_list *
ovs_list_pop_front(struct ovs_list *list)
{
    struct ovs_list *front = list->next;

    ovs_list_remove(front);
    return front;
}

static inline size_t
ovs_list_size(const struct ovs_list *list)
{
    size_t n = 0;

    for (const struct ovs_list *e = list->next; e != list; e = e->next) {
        n++;
    }
    return n;
}

#define LIST_FOR_EACH(ITER, MEMBER, LIST)                                     \
    for (ITER = CONTAINER_OF((LIST)->next, __typeof__(*ITER), MEMBER);        \
         &(ITER)->MEMBER != (LIST);                                           \
         ITER = CONTAINER_OF((ITER)->MEMBER.next, __typeof__(*ITER), MEMBER))

#define LIST_FOR_EACH_REVERSE(ITER, MEMBER, LIST)                             \
    for (ITER = CONTAINER_OF((LIST)->prev, __typeof__(*ITER), MEMBER);        \
         &(ITER)->MEMBER != (LIST);                                           \
         ITER = CONTAINER_OF((ITER)->MEMBER.prev, __typeof__(*ITER), MEMBER))

#define LIST_FOR_EACH_SAFE(ITER, NEXT, MEMBER, LIST)                          \
    for (ITER = CONTAINER_OF((LIST)->next, __typeof__(*ITER), MEMBER);        \
         (&(ITER)->MEMBER != (LIST)                                           \
          ? (NEXT = CONTAINER_OF((ITER)->MEMBER.next, __typeof__(*ITER),      \
                                 MEMBER), 1)                                  \
          : 0);                                                               \
         ITER = NEXT)

#endif /* VX_LIB_LIST_H */
