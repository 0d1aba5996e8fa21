/*
 * capture.h: `vxstack capture -i PORT`, the daemon side.
 *
 * The "capture -i PORT [-c COUNT] [--text]" control request captures the
 * packets received on and sent to the datapath port PORT: any device port
 * (tap, system, internal, dummy) and the datapath's tunnel port
 * vxlan_sys_4789, whose packets are the decapsulated inner frames with
 * their tunnel metadata, as the seed's capture on vxlan_sys_4789 shows.
 * It answers with a capture stream (lib/capture-stream.h) of pcap records,
 * or with --text of one line per packet (capture-format.h).
 *
 * A capture ends, with an end frame that says why, after COUNT packets,
 * when PORT leaves the datapath (deleted, or its device failed), or when
 * the daemon exits; it ends silently when the client hangs up (Ctrl-C, a
 * closed pipe).  The datapath never waits for a client: packets are
 * queued for the client's socket up to CAPTURE_MAX_QUEUE bytes and the
 * ones beyond are dropped and counted (the end message says how many).
 *
 * Thread safety: the capture hooks may run in any thread that receives or
 * sends on the port; the functions below belong to the main thread.
 */
#ifndef VX_DAEMON_CAPTURE_H
#define VX_DAEMON_CAPTURE_H 1

/* Bytes of captured packets queued for one client at most. */
#define CAPTURE_MAX_QUEUE (8 * 1024 * 1024)

/* Registers the "capture" control command. */
void capture_register_commands(void);

/* Sends queued packets to the clients and ends the captures that are
 * done: COUNT reached, port deleted, client gone. */
void capture_run(void);

/* Registers with the poll loop what capture_run() waits for. */
void capture_wait(void);

/* Ends every capture, telling each client WHY. */
void capture_destroy_all(const char *why);

#endif /* VX_DAEMON_CAPTURE_H */
