/*
 * bridge.h: the switch module of vxstackd: the datapath and the OpenFlow
 * bridges, configured from the switch database (see bridge.c).
 *
 * Thread safety: main thread only.
 */
#ifndef VX_DAEMON_BRIDGE_H
#define VX_DAEMON_BRIDGE_H 1

#include "daemon/daemon.h"

struct dp;

/* The daemon module; registered in daemon-modules.c. */
extern const struct daemon_module bridge_module;

/* Returns the datapath (NULL before the module starts). */
struct dp *bridge_datapath(void);

#endif /* VX_DAEMON_BRIDGE_H */
