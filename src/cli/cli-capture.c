/* cli-capture.c: `vxstack capture`, the client of the daemon's capture
 * stream (lib/capture-stream.h).
 *
 * Without -w the daemon formats each packet as a line of text, which goes
 * to standard output as it comes.  With -w FILE (or -w - for standard
 * output) the frames make a pcap file that tcpdump reads.  The capture
 * ends when the daemon says so (COUNT packets, port deleted, daemon
 * exiting), on SIGINT or SIGTERM, or when the reader of standard output
 * goes away; in every case a pcap file ends with a whole record, and the
 * number of packets captured is printed on standard error, as tcpdump
 * does.  Exit status 0 when the capture stopped as asked (COUNT packets,
 * a signal, a closed pipe), 1 when the port was deleted, the daemon
 * exited or the connection was lost. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/capture-stream.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Set by the SIGINT and SIGTERM handler. */
static volatile sig_atomic_t interrupted;

static void
interrupt_handler(int signo)
{
    (void) signo;
    interrupted = 1;
}

/* Buffered reader of the capture stream. */
struct stream_reader {
    int fd;                     /* The daemon's socket. */
    sigset_t wait_mask;         /* Signal mask while waiting for data. */
    char buf[65536];            /* Received bytes. */
    size_t ofs, len;            /* Unread bytes are buf[ofs..len). */
};

/* Reads more bytes into R's buffer, waiting with SIGINT and SIGTERM
 * unblocked.  Returns 0, EOF at the end of the stream, EINTR once
 * interrupted, or an errno. */
static int
reader_fill(struct stream_reader *r)
{
    struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
    ssize_t n;

    if (r->ofs > 0) {
        memmove(r->buf, r->buf + r->ofs, r->len - r->ofs);
        r->len -= r->ofs;
        r->ofs = 0;
    }
    for (;;) {
        if (interrupted) {
            return EINTR;
        }
        if (ppoll(&pfd, 1, NULL, &r->wait_mask) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return errno;
        }
        if (!n) {
            return EOF;
        }
        r->len += (size_t) n;
        return 0;
    }
}

/* Reads the next frame header line into KIND (CAPTURE_FRAME_LINE_MAX
 * bytes) and *SIZE.  Returns 0, EOF, EINTR, EPROTO or an errno. */
static int
read_frame_header(struct stream_reader *r, char *kind, size_t *size)
{
    for (;;) {
        char *nl = memchr(r->buf + r->ofs, '\n', r->len - r->ofs);

        if (nl) {
            size_t n = (size_t) (nl - (r->buf + r->ofs));
            char line[CAPTURE_FRAME_LINE_MAX];
            unsigned long long int len;
            char *sp;

            if (n >= sizeof line) {
                return EPROTO;
            }
            memcpy(line, r->buf + r->ofs, n);
            line[n] = '\0';
            r->ofs += n + 1;
            sp = strchr(line, ' ');
            if (!sp || sscanf(sp + 1, "%llu", &len) != 1
                || len > CAPTURE_FRAME_MAX) {
                return EPROTO;
            }
            *sp = '\0';
            vx_strlcpy(kind, line, CAPTURE_FRAME_LINE_MAX);
            *size = (size_t) len;
            return 0;
        }
        if (r->len - r->ofs >= CAPTURE_FRAME_LINE_MAX) {
            return EPROTO;
        }
        int error = reader_fill(r);
        if (error) {
            return error == EOF && r->len > r->ofs ? EPROTO : error;
        }
    }
}

/* Reads SIZE bytes of frame body into BODY.  Returns 0, EOF, EINTR or an
 * errno. */
static int
read_frame_body(struct stream_reader *r, struct ds *body, size_t size)
{
    ds_clear(body);
    while (body->length < size) {
        size_t n = MIN(size - body->length, r->len - r->ofs);

        if (!n) {
            int error = reader_fill(r);

            if (error) {
                return error;
            }
            continue;
        }
        ds_put_buffer(body, r->buf + r->ofs, n);
        r->ofs += n;
    }
    return 0;
}

/* Returns the value of option OPT ("-i") at ARGV[*I]: attached ("-ieth0")
 * or the next argument. */
static const char *
short_option_value(int argc, char *argv[], int *i, const char *opt)
{
    const char *arg = argv[*i];

    if (arg[2]) {
        return arg + 2;
    }
    if (*i + 1 >= argc) {
        cli_usage_error("capture: option '%s' requires an argument", opt);
    }
    return argv[++*i];
}

/* Copies the capture stream of R to OUT_FD until it ends.  PORT names the
 * port in messages; MAX_COUNT is the -c COUNT asked for (0: none).  Stores
 * the number of packets in *N_PACKETS.  Returns the exit status. */
static int
copy_capture(struct stream_reader *r, int out_fd, const char *port,
             uint64_t max_count, uint64_t *n_packets)
{
    struct ds body = DS_EMPTY_INITIALIZER;
    char kind[CAPTURE_FRAME_LINE_MAX];
    int status = 1;

    *n_packets = 0;
    for (;;) {
        size_t size;
        int error = read_frame_header(r, kind, &size);

        if (!error) {
            error = read_frame_body(r, &body, size);
        }
        if (error == EINTR) {
            status = 0;
            break;
        } else if (error == EOF) {
            fprintf(stderr, "vxstack: capture on %s: vxstackd closed the "
                    "connection\n", port);
            break;
        } else if (error) {
            fprintf(stderr, "vxstack: capture on %s: %s\n", port,
                    error == EPROTO ? "malformed capture stream"
                                    : vx_strerror(error));
            break;
        }

        if (!strcmp(kind, CAPTURE_FRAME_END)) {
            if (body.length) {
                fprintf(stderr, "vxstack: capture on %s ended: %s\n", port,
                        ds_cstr(&body));
            }
            status = !(max_count && *n_packets >= max_count)
                     && body.length;
            break;
        } else if (!strcmp(kind, CAPTURE_FRAME_HEADER)
                   || !strcmp(kind, CAPTURE_FRAME_PACKET)) {
            error = vx_write_all(out_fd, body.string, body.length);
            if (error == EPIPE) {
                /* The reader went away: stopping is what it asked. */
                status = 0;
                break;
            } else if (error) {
                fprintf(stderr, "vxstack: capture on %s: write failed "
                        "(%s)\n", port, vx_strerror(error));
                break;
            }
            if (!strcmp(kind, CAPTURE_FRAME_PACKET)) {
                ++*n_packets;
            }
        } else {
            fprintf(stderr, "vxstack: capture on %s: unknown frame "
                    "'%s'\n", port, kind);
            break;
        }
    }
    ds_destroy(&body);
    return status;
}

int
cli_capture(const struct cli_ctx *ctx, int argc, char *argv[])
{
    const char *port = NULL, *file = NULL, *count = NULL;
    struct stream_reader *r;
    struct sigaction sa;
    sigset_t block;
    struct ds reply = DS_EMPTY_INITIALIZER;
    const char *request[6];
    uint64_t max_count = 0, n_packets;
    int n_request = 0, stream_fd, out_fd, status, error;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            printf("usage: vxstack capture -i PORT [-w FILE|-] "
                   "[-c COUNT]\n"
                   "Prints the packets received on and sent to the "
                   "datapath port PORT, one line\n"
                   "each (the tunnel metadata first on vxlan_sys_4789), "
                   "or writes them as a pcap\n"
                   "file with -w (to standard output with -w -), "
                   "stopping after COUNT packets,\n"
                   "when interrupted or when the port is deleted.\n");
            return 0;
        } else if (str_has_prefix(arg, "-i")) {
            port = short_option_value(argc, argv, &i, "-i");
        } else if (str_has_prefix(arg, "-w")) {
            file = short_option_value(argc, argv, &i, "-w");
        } else if (str_has_prefix(arg, "-c")) {
            count = short_option_value(argc, argv, &i, "-c");
            if (!str_to_uint64(count, 10, UINT32_MAX, &max_count)
                || !max_count) {
                cli_usage_error("capture: invalid packet count '%s'",
                                count);
            }
        } else if (arg[0] == '-') {
            cli_usage_error("capture: unrecognized option '%s'", arg);
        } else {
            cli_usage_error("capture: unexpected argument '%s' (filter "
                            "expressions are not supported)", arg);
        }
    }
    if (!port) {
        cli_usage_error("capture: missing -i PORT");
    }
    if (file && !strcmp(file, "-") && isatty(STDOUT_FILENO)) {
        cli_usage_error("capture: refusing to write a binary pcap stream "
                        "to a terminal; use -w FILE or redirect the "
                        "output");
    }

    request[n_request++] = "capture";
    request[n_request++] = "-i";
    request[n_request++] = port;
    if (count) {
        request[n_request++] = "-c";
        request[n_request++] = count;
    }
    if (!file) {
        request[n_request++] = "--text";
    }

    /* SIGINT and SIGTERM are only taken while waiting for the daemon, so
     * that no record is cut in the middle; a closed pipe is EPIPE. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = interrupt_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    r = xzalloc(sizeof *r);
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &r->wait_mask);
    sigdelset(&r->wait_mask, SIGINT);
    sigdelset(&r->wait_mask, SIGTERM);

    error = ctl_client_request(ctx->ctl_path, n_request, request, &status,
                               &reply, &stream_fd);
    if (error) {
        free(r);
        ds_destroy(&reply);
        return cli_connection_error(ctx, error);
    }
    if (stream_fd < 0) {
        /* The daemon refused. */
        ds_chomp(&reply, '\n');
        fprintf(stderr, "vxstack: %s\n",
                reply.length ? ds_cstr(&reply) : "capture refused");
        free(r);
        ds_destroy(&reply);
        return status > 0 && status < 256 ? status : 1;
    }
    ds_destroy(&reply);

    if (file && strcmp(file, "-")) {
        out_fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out_fd < 0) {
            fprintf(stderr, "vxstack: %s: cannot create file (%s)\n", file,
                    strerror(errno));
            close(stream_fd);
            free(r);
            return 1;
        }
    } else {
        out_fd = STDOUT_FILENO;
    }

    r->fd = stream_fd;
    status = copy_capture(r, out_fd, port, max_count, &n_packets);
    close(stream_fd);
    free(r);
    if (out_fd != STDOUT_FILENO && close(out_fd) < 0) {
        fprintf(stderr, "vxstack: %s: write failed (%s)\n", file,
                strerror(errno));
        status = 1;
    }
    fprintf(stderr, "%"PRIu64" packet%s captured\n", n_packets,
            n_packets == 1 ? "" : "s");
    return status;
}
