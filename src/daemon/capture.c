/* capture.c: packet capture on datapath ports for `vxstack capture`.  See
 * capture.h. */
#include "daemon/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon/bridge.h"
#include "daemon/capture-format.h"
#include "datapath/dpif.h"
#include "datapath/netdev.h"
#include "datapath/pcap.h"
#include "lib/capture-stream.h"
#include "lib/coverage.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/list.h"
#include "lib/poll-loop.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "packet/pkt.h"

VLOG_DEFINE_THIS_MODULE(capture);

COVERAGE_DEFINE(capture_queue_full);

struct capture;

/* One direction of a capture: the device's capture hook and the writer it
 * calls. */
struct capture_hook {
    struct capture *capture;       /* Owner. */
    bool out;                      /* Packets sent to the device. */
    struct pcap_writer *writer;    /* Function writer calling
                                    * capture_record(). */
    struct netdev_capture *cap;    /* The device's hook, NULL once ended. */
};

/* A running capture. */
struct capture {
    struct ovs_list node;          /* In 'captures'. */
    char *port;                    /* Datapath port name. */
    uint32_t port_no;              /* Its number when the capture began. */
    struct netdev *netdev;         /* Its device (referenced). */
    int fd;                        /* Client's socket, nonblocking. */
    bool text;                     /* Text lines instead of pcap records. */
    bool tunnel;                   /* A tunnel port: text lines show the
                                    * packets' tunnel metadata. */
    bool ended;                    /* End frame queued; the capture closes
                                    * once the queue is sent. */
    struct capture_hook hooks[2];  /* Received, sent. */

    pthread_mutex_t mutex;         /* Guards the members below, which the
                                    * hooks update. */
    struct ds queue;               /* Frames for the client. */
    size_t queue_ofs;              /* Bytes of 'queue' already sent. */
    struct ds line;                /* Scratch for text lines. */
    uint64_t max_count;            /* Packets to capture, 0: no limit. */
    uint64_t n_packets;            /* Packets queued. */
    uint64_t n_dropped;            /* Packets dropped, queue full. */
};

static struct ovs_list captures = OVS_LIST_INITIALIZER(&captures);

/* Appends a frame of KIND with the SIZE bytes at DATA to C's queue.
 * Caller holds C's mutex. */
static void
queue_frame(struct capture *c, const char *kind, const void *data,
            size_t size)
{
    ds_put_format(&c->queue, "%s %zu\n", kind, size);
    ds_put_buffer(&c->queue, data, size);
}

/* The record function of the hooks' writers: queues one packet. */
static int
capture_record(void *aux, const void *data, size_t size,
               const struct pkt *p, long long int usec)
{
    struct capture_hook *hook = aux;
    struct capture *c = hook->capture;

    pthread_mutex_lock(&c->mutex);
    if (c->max_count && c->n_packets >= c->max_count) {
        /* Done; capture_run() ends it. */
    } else if (c->queue.length - c->queue_ofs >= CAPTURE_MAX_QUEUE) {
        COVERAGE_INC(capture_queue_full);
        c->n_dropped++;
    } else {
        ds_clear(&c->line);
        if (c->text) {
            capture_format_line(&c->line, usec, hook->out,
                                p && c->tunnel ? &p->md.tunnel : NULL,
                                data, size);
        } else {
            uint8_t hdr[PCAP_RECORD_HEADER_LEN];
            size_t incl = pcap_record_header(hdr, size, usec);

            ds_put_buffer(&c->line, (const char *) hdr, sizeof hdr);
            ds_put_buffer(&c->line, data, incl);
        }
        queue_frame(c, CAPTURE_FRAME_PACKET, c->line.string,
                    c->line.length);
        c->n_packets++;
    }
    pthread_mutex_unlock(&c->mutex);
    return 0;
}

/* Stops capturing packets on C's device. */
static void
capture_unhook(struct capture *c)
{
    for (size_t i = 0; i < ARRAY_SIZE(c->hooks); i++) {
        struct capture_hook *hook = &c->hooks[i];

        if (hook->cap) {
            netdev_capture_remove(hook->cap);
            pcap_writer_close(hook->writer);
            hook->cap = NULL;
            hook->writer = NULL;
        }
    }
}

/* Ends C: no more packets, and an end frame saying WHY (may be empty)
 * followed by the number of packets dropped, if any. */
static void
capture_end(struct capture *c, const char *why)
{
    struct ds msg = DS_EMPTY_INITIALIZER;

    capture_unhook(c);
    pthread_mutex_lock(&c->mutex);
    ds_put_cstr(&msg, why);
    if (c->n_dropped) {
        ds_put_format(&msg, "%s%"PRIu64" packets dropped because the "
                      "client did not keep up", msg.length ? "; " : "",
                      c->n_dropped);
    }
    queue_frame(c, CAPTURE_FRAME_END, msg.string, msg.length);
    pthread_mutex_unlock(&c->mutex);
    ds_destroy(&msg);
    c->ended = true;
}

/* Sends what it can of C's queue without blocking.  Returns 0, or an
 * errno if the client is gone. */
static int
capture_flush(struct capture *c)
{
    int error = 0;

    pthread_mutex_lock(&c->mutex);
    while (c->queue_ofs < c->queue.length) {
        ssize_t n = send(c->fd, c->queue.string + c->queue_ofs,
                         c->queue.length - c->queue_ofs,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                error = errno;
            }
            break;
        }
        c->queue_ofs += (size_t) n;
    }
    if (c->queue_ofs == c->queue.length) {
        ds_clear(&c->queue);
        c->queue_ofs = 0;
    } else if (c->queue_ofs >= CAPTURE_MAX_QUEUE / 2) {
        memmove(c->queue.string, c->queue.string + c->queue_ofs,
                c->queue.length - c->queue_ofs);
        ds_truncate(&c->queue, c->queue.length - c->queue_ofs);
        c->queue_ofs = 0;
    }
    pthread_mutex_unlock(&c->mutex);
    return error;
}

/* Returns true if C's queue is empty. */
static bool
capture_is_flushed(struct capture *c)
{
    bool empty;

    pthread_mutex_lock(&c->mutex);
    empty = c->queue_ofs == c->queue.length;
    pthread_mutex_unlock(&c->mutex);
    return empty;
}

/* Returns true if the client of C closed its socket. */
static bool
client_hung_up(const struct capture *c)
{
    struct pollfd pfd = { .fd = c->fd, .events = 0 };

    return poll(&pfd, 1, 0) > 0 && pfd.revents & (POLLHUP | POLLERR);
}

/* Closes C's socket and frees C. */
static void
capture_free(struct capture *c)
{
    capture_unhook(c);
    ovs_list_remove(&c->node);
    close(c->fd);
    netdev_close(c->netdev);
    pthread_mutex_destroy(&c->mutex);
    ds_destroy(&c->queue);
    ds_destroy(&c->line);
    free(c->port);
    free(c);
}

/* Returns the reason C must end now, or NULL. */
static char *
capture_end_reason(struct capture *c)
{
    struct dp *dp = bridge_datapath();
    bool done;

    if (dp_port_by_name(dp, c->port) != c->port_no
        || dp_port_netdev(dp, c->port_no) != c->netdev) {
        int error = netdev_get_error(c->netdev);

        return (error
                ? xasprintf("the device of port %s failed (%s)", c->port,
                            vx_strerror(error))
                : xasprintf("port %s was deleted", c->port));
    }
    pthread_mutex_lock(&c->mutex);
    done = c->max_count && c->n_packets >= c->max_count;
    pthread_mutex_unlock(&c->mutex);
    return done ? xstrdup("") : NULL;
}

void
capture_run(void)
{
    struct capture *c, *next;

    LIST_FOR_EACH_SAFE (c, next, node, &captures) {
        int error;

        if (client_hung_up(c)) {
            VLOG_INFO("capture on %s: client hung up", c->port);
            capture_free(c);
            continue;
        }
        if (!c->ended) {
            char *why = capture_end_reason(c);

            if (why) {
                VLOG_INFO("capture on %s ended%s%s", c->port,
                          why[0] ? ": " : "", why);
                capture_end(c, why);
                free(why);
            }
        }
        error = capture_flush(c);
        if (error) {
            VLOG_INFO("capture on %s: client gone (%s)", c->port,
                      vx_strerror(error));
            capture_free(c);
        } else if (c->ended && capture_is_flushed(c)) {
            capture_free(c);
        }
    }
}

void
capture_wait(void)
{
    struct capture *c;

    LIST_FOR_EACH (c, node, &captures) {
        /* POLLHUP is reported whatever the events. */
        poll_fd_wait(c->fd, capture_is_flushed(c) ? 0 : POLLOUT);
    }
    if (!ovs_list_is_empty(&captures)) {
        /* Hooks running in other threads queue packets without waking
         * this one; the port may go away without any event here. */
        poll_timer_wait(100);
    }
}

void
capture_destroy_all(const char *why)
{
    struct capture *c, *next;

    LIST_FOR_EACH_SAFE (c, next, node, &captures) {
        struct timeval tv = { .tv_sec = 1 };
        int flags = fcntl(c->fd, F_GETFL, 0);

        if (!c->ended) {
            capture_end(c, why);
        }
        /* Give the client a second to take the rest. */
        if (flags >= 0) {
            fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
        }
        setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        capture_flush(c);
        capture_free(c);
    }
}

/* Installs C's hook for direction OUT (packets sent to the device) or
 * received. */
static void
capture_hook(struct capture *c, bool out)
{
    struct capture_hook *hook = &c->hooks[out];

    hook->capture = c;
    hook->out = out;
    hook->writer = pcap_writer_func(capture_record, hook);
    hook->cap = netdev_capture_add(c->netdev, hook->writer,
                                   out ? NETDEV_CAPTURE_TX
                                       : NETDEV_CAPTURE_RX, 0);
}

/* dp_port_for_each() callback: sets *AUX (a struct capture) 'tunnel' if
 * PORT_NO is its port and a tunnel port.  (Packets that came in over a
 * tunnel keep their metadata on their way out of other ports, where it
 * is not on the wire.) */
static void
find_port_type(uint32_t port_no, const char *name, const char *type,
               struct netdev *netdev, void *c_)
{
    struct capture *c = c_;

    (void) name;
    (void) netdev;
    if (port_no == c->port_no) {
        c->tunnel = !strcmp(type, "vxlan");
    }
}

static void
cmd_capture(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct dp *dp = bridge_datapath();
    const char *port = NULL;
    uint64_t count = 0;
    bool text = false;
    struct capture *c;
    uint32_t port_no;
    int flags;

    (void) aux;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-i") && i + 1 < argc) {
            port = argv[++i];
        } else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            if (!str_to_uint64(argv[++i], 10, UINT64_MAX, &count)
                || !count) {
                char *msg = xasprintf("%s: invalid packet count", argv[i]);

                ctl_reply_error(conn, msg);
                free(msg);
                return;
            }
        } else if (!strcmp(argv[i], "--text")) {
            text = true;
        } else {
            char *msg = xasprintf("%s: unknown capture option", argv[i]);

            ctl_reply_error(conn, msg);
            free(msg);
            return;
        }
    }
    if (!port) {
        ctl_reply_error(conn, "capture needs -i PORT");
        return;
    }
    port_no = dp_port_by_name(dp, port);
    if (port_no == ODPP_NONE) {
        char *msg = xasprintf("%s: no such datapath port (patch ports have "
                              "no device to capture on; tunnel ports share "
                              "the datapath port vxlan_sys_4789)", port);

        ctl_reply_error(conn, msg);
        free(msg);
        return;
    }

    c = xzalloc(sizeof *c);
    c->port = xstrdup(port);
    c->port_no = port_no;
    c->netdev = netdev_ref(dp_port_netdev(dp, port_no));
    c->text = text;
    dp_port_for_each(dp, find_port_type, c);
    c->max_count = count;
    pthread_mutex_init(&c->mutex, NULL);
    ds_init(&c->queue);
    ds_init(&c->line);
    c->fd = ctl_reply_stream(conn);
    flags = fcntl(c->fd, F_GETFL, 0);
    if (flags >= 0) {
        fcntl(c->fd, F_SETFL, flags | O_NONBLOCK);
    }
    if (!text) {
        uint8_t hdr[PCAP_FILE_HEADER_LEN];

        pcap_file_header(hdr);
        queue_frame(c, CAPTURE_FRAME_HEADER, hdr, sizeof hdr);
    }
    ovs_list_push_back(&captures, &c->node);
    capture_hook(c, false);
    capture_hook(c, true);
    VLOG_INFO("capture on %s started", port);
}

void
capture_register_commands(void)
{
    ctl_command_register("capture", "-i PORT [-c N] [--text]", 2, 5,
                         cmd_capture, NULL);
}
