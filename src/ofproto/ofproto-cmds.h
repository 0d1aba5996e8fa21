/*
 * ofproto-cmds.h: the control-socket commands of the OpenFlow layer:
 * ofctl/add-flow, add-flows, mod-flows, del-flows, dump-flows, show;
 * ofproto/trace; fdb/show, fdb/flush, fdb/stats-show;
 * ofproto/list-tunnels.  Commands that need datapath counters
 * (dump-ports) are registered by the layers above.
 *
 * Thread safety: main thread only.
 */
#ifndef VX_OFPROTO_OFPROTO_CMDS_H
#define VX_OFPROTO_OFPROTO_CMDS_H 1

/* Registers the commands with lib/ctl.h. */
void ofproto_cmds_register(void);

#endif /* VX_OFPROTO_OFPROTO_CMDS_H */
