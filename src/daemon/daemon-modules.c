/* daemon-modules.c: the modules vxstackd runs, in the order they start
 * (and the reverse of the order they stop).  A new part of the daemon
 * adds its struct daemon_module here. */
#include "daemon/bridge.h"
#include "daemon/daemon.h"

void
daemon_register_modules(void)
{
    daemon_module_register(&daemon_vsdb_module);
    daemon_module_register(&bridge_module);
}
