/*
 * capture-stream.h: what vxstackd sends to `vxstack capture`.
 *
 * The daemon answers the "capture" control request with a streaming reply
 * (ctl.h).  The stream is a sequence of frames, each a header line
 * "<KIND> <LENGTH>\n" followed by LENGTH bytes:
 *
 *   CAPTURE_FRAME_HEADER   the pcap file header (pcap mode only), first;
 *   CAPTURE_FRAME_PACKET   one packet: a pcap record (record header and
 *                          frame), or one text line with its newline;
 *   CAPTURE_FRAME_END      the last frame: the capture is over.  Its bytes
 *                          say why for the user ("port tap1 was deleted"),
 *                          and are empty when the capture ended as asked
 *                          (-c COUNT).
 *
 * The daemon closes the stream after the end frame.  A client that wants
 * to stop closes its socket; the daemon notices the hang-up and ends the
 * capture.  The framing lets the client tell an ended capture from a lost
 * daemon, and keeps a pcap stream intact to the last record.
 */
#ifndef VX_LIB_CAPTURE_STREAM_H
#define VX_LIB_CAPTURE_STREAM_H 1

#define CAPTURE_FRAME_HEADER "header"
#define CAPTURE_FRAME_PACKET "packet"
#define CAPTURE_FRAME_END "end"

/* The longest frame header line, newline included. */
#define CAPTURE_FRAME_LINE_MAX 32

/* The largest frame: a pcap record of a maximal frame, or a text line. */
#define CAPTURE_FRAME_MAX (1024 * 1024)

#endif /* VX_LIB_CAPTURE_STREAM_H */
