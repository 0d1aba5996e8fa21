/*
 * pcap.h: reading and writing packet captures in the classic libpcap file
 * format, which tcpdump, tshark and Wireshark read.
 *
 * A writer produces host-byte-order files, as libpcap does, with
 * microsecond timestamps (magic 0xa1b2c3d4 as a host-order word), version
 * 2.4, snaplen PCAP_SNAPLEN (262144, tcpdump's default) and
 * link type LINKTYPE_ETHERNET.  Frames longer than the snaplen are
 * truncated with their original length recorded.  A function writer
 * (pcap_writer_func()) hands each frame to a function instead, which is
 * how `vxstack capture` gets the packets that netdev_capture_add()
 * (datapath/netdev.h) captures.
 *
 * A reader accepts both byte orders and both the microsecond and the
 * nanosecond magic, for Ethernet captures only.  A capture file is
 * untrusted input: its parsers return an error message naming what is
 * wrong, and the pure functions pcap_parse_file_header() and
 * pcap_parse_record_header() are what the reader and the fuzz target use.
 *
 * Thread safety: a writer may be shared by threads (it has a mutex, so a
 * capture of several ports into one file works); a reader belongs to one
 * thread.
 */
#ifndef VX_DATAPATH_PCAP_H
#define VX_DATAPATH_PCAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/util.h"

struct pkt;

#define PCAP_SNAPLEN 262144       /* Snaplen we write and the most we read. */
#define PCAP_LINKTYPE_ETHERNET 1  /* LINKTYPE_ETHERNET / DLT_EN10MB. */
#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16

/* What the file header of a capture says. */
struct pcap_file_info {
    bool swapped;        /* Fields are in the opposite byte order. */
    bool nsec;           /* Timestamps have nanosecond resolution. */
    uint32_t snaplen;    /* Snapshot length from the header. */
    uint32_t linktype;   /* Link type (PCAP_LINKTYPE_ETHERNET). */
};

/* What a record header says. */
struct pcap_record_info {
    long long int usec;  /* Timestamp, microseconds since the epoch. */
    uint32_t incl_len;   /* Bytes of frame stored in the file. */
    uint32_t orig_len;   /* Length of the frame on the wire. */
};

/* Parses the PCAP_FILE_HEADER_LEN bytes at HDR into *INFO.  Returns NULL
 * on success, otherwise an error message (caller frees) with *INFO
 * unchanged. */
char *pcap_parse_file_header(const uint8_t *hdr, struct pcap_file_info *info)
    WARN_UNUSED;

/* Parses the PCAP_RECORD_HEADER_LEN bytes at HDR of a file described by
 * INFO into *REC.  Returns NULL on success, otherwise an error message
 * (caller frees) with *REC unchanged. */
char *pcap_parse_record_header(const struct pcap_file_info *info,
                               const uint8_t *hdr,
                               struct pcap_record_info *rec)
    WARN_UNUSED;

/* Writers. */

struct pcap_writer;

/* Creates (or truncates) the file PATH and writes the file header.
 * Returns 0 and stores the writer in *WRITERP, or a positive errno. */
int pcap_writer_open(const char *path, struct pcap_writer **writerp);

/* Like pcap_writer_open() on the open file descriptor FD, which the writer
 * owns from then on (closed by pcap_writer_close(), also on failure). */
int pcap_writer_fdopen(int fd, struct pcap_writer **writerp);

/* Like pcap_writer_open() on STREAM, which is closed by
 * pcap_writer_close() only if OWN is true. */
int pcap_writer_stream(FILE *stream, bool own, struct pcap_writer **writerp);

/* A function writer's record function: called by pcap_write() and
 * pcap_write_pkt() with the writer's AUX, in place of writing a record,
 * for the SIZE-byte frame at DATA captured at USEC (microseconds since
 * the epoch).  P is the packet that holds the frame, with its metadata
 * (tunnel...), or NULL when the frame came from pcap_write().  Calls are
 * serialised by the writer.  Returns 0 or a positive errno, which the
 * writer keeps as its error (no further calls are made). */
typedef int pcap_record_func(void *aux, const void *data, size_t size,
                             const struct pkt *p, long long int usec);

/* Creates a writer that hands each frame to FUNC with AUX instead of
 * writing a file, for a capture that formats packets in its own way or
 * sends them elsewhere (`vxstack capture`).  It writes no file header
 * (see pcap_file_header()); flushing it does nothing.  Never fails. */
struct pcap_writer *pcap_writer_func(pcap_record_func *func, void *aux);

/* Stores in HDR the file header that a writer writes first. */
void pcap_file_header(uint8_t hdr[PCAP_FILE_HEADER_LEN]);

/* Stores in HDR the record header of a SIZE-byte frame captured at USEC
 * (microseconds since the epoch).  Returns the number of bytes of the
 * frame that the record holds (SIZE cut to PCAP_SNAPLEN), which follow
 * the header. */
size_t pcap_record_header(uint8_t hdr[PCAP_RECORD_HEADER_LEN], size_t size,
                          long long int usec);

/* Appends the SIZE-byte frame at DATA with timestamp USEC (microseconds
 * since the epoch).  Frames over PCAP_SNAPLEN are truncated.  Returns 0
 * or a positive errno (the writer keeps failing after a write error). */
int pcap_write(struct pcap_writer *, const void *data, size_t size,
               long long int usec);

/* Appends packet P's frame with the current wall-clock time. */
int pcap_write_pkt(struct pcap_writer *, const struct pkt *p);

/* Returns the current wall-clock time in microseconds since the epoch. */
long long int pcap_now_usec(void);

/* Flushes buffered records to the file.  Returns 0 or a positive errno. */
int pcap_writer_flush(struct pcap_writer *);

/* Flushes, closes (see the open functions) and frees the writer.  Returns
 * 0 or the first error the writer met.  Null is allowed. */
int pcap_writer_close(struct pcap_writer *);

/* Readers. */

struct pcap_reader;

/* Opens the capture PATH and reads its file header.  Returns NULL and
 * stores the reader in *READERP, or an error message (caller frees). */
char *pcap_reader_open(const char *path, struct pcap_reader **readerp)
    WARN_UNUSED;

/* Like pcap_reader_open() on STREAM, closed by pcap_reader_close() only
 * if OWN is true (also when this fails). */
char *pcap_reader_stream(FILE *stream, bool own,
                         struct pcap_reader **readerp)
    WARN_UNUSED;

/* Returns the file header information of READER. */
const struct pcap_file_info *pcap_reader_info(const struct pcap_reader *);

/* Reads the next record.  On success returns NULL and stores in *PKTP a
 * new packet (pkt_new(); caller frees) holding the stored bytes, and its
 * record header in *REC when REC is nonnull; at a clean end of file
 * returns NULL with *PKTP set to NULL.  On a malformed or truncated record
 * returns an error message (caller frees) naming the record. */
char *pcap_read(struct pcap_reader *, struct pkt **pktp,
                struct pcap_record_info *rec) WARN_UNUSED;

/* Closes (see the open functions) and frees READER.  Null is allowed. */
void pcap_reader_close(struct pcap_reader *);

#endif /* VX_DATAPATH_PCAP_H */
