/*
 * capture-format.h: the one-line text form of a captured packet, as
 * `vxstack capture -i PORT` prints it without -w.
 *
 * A line is
 *
 *     HH:MM:SS.uuuuuu In|Out [tunnel(...) ]FRAME
 *
 * "In" is a packet that the port's device handed to the switch, "Out" one
 * that the switch sent to the device.  A packet that carries tunnel
 * metadata (the decapsulated frames on vxlan_sys_4789, and the ones about
 * to be encapsulated) shows it first, in the datapath's terms:
 * "tunnel(tun_id=0xef,src=172.16.0.31,dst=172.16.0.11,ttl=64,
 * tp_src=44874,tp_dst=4789,flags(df|key))".  FRAME is what `tcpdump -n -e`
 * prints for the frame: link addresses, ethertype and length, then the
 * network and transport headers ("192.168.101.85 > 192.168.101.1: ICMP
 * echo request, id 1, seq 1, length 64"), including a VXLAN packet's
 * header and inner frame.  Unlike tcpdump, TCP sequence numbers are
 * absolute (as `tcpdump -S`) and the whole packet stays on one line.
 *
 * The frame is untrusted: capture_format_frame() is a pure function over
 * its bytes that never reads past SIZE and marks a truncated header as
 * tcpdump does ("[|tcp]").
 *
 * Thread safety: the functions are reentrant.
 */
#ifndef VX_DAEMON_CAPTURE_FORMAT_H
#define VX_DAEMON_CAPTURE_FORMAT_H 1

#include <stdbool.h>
#include <stddef.h>

struct ds;
struct flow_tnl;

/* Appends to S the tcpdump-style summary of the SIZE-byte Ethernet frame at
 * DATA, without a trailing newline. */
void capture_format_frame(struct ds *s, const void *data, size_t size);

/* Appends to S "tunnel(...)" for the tunnel metadata TNL. */
void capture_format_tunnel(struct ds *s, const struct flow_tnl *tnl);

/* Appends to S the whole line (with its newline) for the SIZE-byte frame
 * at DATA captured at USEC (microseconds since the epoch, printed in local
 * time) going OUT of the switch to the device (or into it, if false),
 * with tunnel metadata TNL (NULL or all-zero: none). */
void capture_format_line(struct ds *s, long long int usec, bool out,
                         const struct flow_tnl *tnl, const void *data,
                         size_t size);

#endif /* VX_DAEMON_CAPTURE_FORMAT_H */
