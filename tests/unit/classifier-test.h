/*
 * classifier-test.h: rules embedding a struct cls_rule, shared by the
 * classifier's unit tests.
 */
#ifndef VX_TESTS_UNIT_CLASSIFIER_TEST_H
#define VX_TESTS_UNIT_CLASSIFIER_TEST_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "classifier/classifier.h"
#include "lib/util.h"

/* A test rule. */
struct trule {
    struct cls_rule cr; /* The classifier's rule. */
    int id;             /* Test's number for the rule (or an action). */
    uint64_t seq;       /* Oracle's insertion order (ties, dump order). */
    bool in_cls;        /* In the classifier, in the oracle's view. */
};

static inline struct trule *
trule_create(const struct match *match, int priority, int id)
{
    struct trule *r = xzalloc(sizeof *r);

    cls_rule_init(&r->cr, match, priority);
    r->id = id;
    return r;
}

static inline void
trule_destroy(struct trule *r)
{
    if (r) {
        cls_rule_destroy(&r->cr);
        free(r);
    }
}

static inline struct trule *
trule_from_cls(const struct cls_rule *cr)
{
    return cr ? CONTAINER_OF(cr, struct trule, cr) : NULL;
}

static inline int
trule_id(const struct cls_rule *cr)
{
    return cr ? trule_from_cls(cr)->id : -1;
}

#endif /* VX_TESTS_UNIT_CLASSIFIER_TEST_H */
