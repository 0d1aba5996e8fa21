/*
 * seed-switch.h: builds the seed's switch in-process for tests: the
 * datapath, the four bridges with the seed's ports and OpenFlow/datapath
 * port numbers (as tests/data/ovs/README.md records them), and the seed's
 * flows loaded from ../shared/seed/outputs/ovs-ofctl-dump-flows-*.txt.
 */
#ifndef VX_TESTS_SEED_SWITCH_H
#define VX_TESTS_SEED_SWITCH_H 1

#include <stdbool.h>

struct dp;
struct ds;

/* Returns the path of the seed outputs folder (../shared/seed/outputs,
 * else its copy in tests/data/seed), or NULL if both are missing (tests
 * then skip). */
const char *seed_outputs_dir(void);

/* Builds the seed switch into a new datapath.  With LEARNED, keeps the
 * seed's learned table-20 flow; otherwise drops it (as the OVS golden
 * traces do).  Aborts the test on failure. */
struct dp *seed_switch_build(bool learned);

/* Reads the seed's dump of bridge BR without its "$ ..." line into S. */
void seed_read_flows(const char *br, bool learned, struct ds *s);

/* Tears down everything seed_switch_build() made. */
void seed_switch_destroy(struct dp *);

#endif /* VX_TESTS_SEED_SWITCH_H */
