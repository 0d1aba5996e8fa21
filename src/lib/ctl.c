/* ctl.c: see ctl.h. */
#include "lib/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/list.h"
#include "lib/poll-loop.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(ctl);
COVERAGE_DEFINE(ctl_bad_request);
COVERAGE_DEFINE(ctl_request);

struct ctl_command {
    char *name;               /* Command name. */
    char *usage;              /* Argument synopsis. */
    int min_args, max_args;   /* Bounds on arguments after the name. */
    ctl_handler_func *handler;
    void *aux;
};

static struct ctl_command *commands;
static size_t n_commands, allocated_commands;

enum conn_state {
    CONN_READING,  /* Reading the request. */
    CONN_WAITING,  /* A handler holds the connection. */
    CONN_WRITING,  /* Writing the reply. */
    CONN_DONE,     /* Reply sent or connection failed; to be freed. */
};

struct ctl_conn {
    struct ovs_list node;     /* In struct ctl_server's 'conns'. */
    struct ctl_server *server;
    int fd;                   /* Connected socket, or -1. */
    enum conn_state state;
    struct ds in;             /* Bytes of the request read so far. */
    struct ds out;            /* Reply bytes to write. */
    size_t out_ofs;           /* Bytes of 'out' already written. */
};

struct ctl_server {
    int fd;                   /* Listening socket. */
    char *path;               /* Socket path. */
    struct ovs_list conns;    /* Open struct ctl_conn. */
};

static const struct ctl_command *
find_command(const char *name)
{
    for (size_t i = 0; i < n_commands; i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

void
ctl_command_register(const char *name, const char *usage, int min_args,
                     int max_args, ctl_handler_func *handler, void *aux)
{
    struct ctl_command *c = (struct ctl_command *) find_command(name);

    if (!c) {
        if (n_commands >= allocated_commands) {
            commands = x2nrealloc(commands, &allocated_commands,
                                  sizeof *commands);
        }
        c = &commands[n_commands++];
        c->name = xstrdup(name);
    } else {
        free(c->usage);
    }
    c->usage = xstrdup(usage ? usage : "");
    c->min_args = min_args;
    c->max_args = max_args;
    c->handler = handler;
    c->aux = aux;
}

void
ctl_command_unregister_all(void)
{
    for (size_t i = 0; i < n_commands; i++) {
        free(commands[i].name);
        free(commands[i].usage);
    }
    free(commands);
    commands = NULL;
    n_commands = allocated_commands = 0;
}

static int
compare_commands(const void *a_, const void *b_)
{
    const struct ctl_command *a = a_, *b = b_;

    return strcmp(a->name, b->name);
}

static void
list_commands(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) argv;
    (void) aux;
    qsort(commands, n_commands, sizeof *commands, compare_commands);
    ds_put_cstr(&s, "The available commands are:\n");
    for (size_t i = 0; i < n_commands; i++) {
        ds_put_format(&s, "  %-23s %s\n", commands[i].name,
                      commands[i].usage);
    }
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static int
set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return errno;
    }
    return 0;
}

static int
make_sockaddr(const char *path, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun->sun_path) {
        return ENAMETOOLONG;
    }
    memcpy(sun->sun_path, path, strlen(path) + 1);
    return 0;
}

int
ctl_server_create(const char *path, struct ctl_server **serverp)
{
    struct ctl_server *server;
    struct sockaddr_un sun;
    int fd, error;

    *serverp = NULL;
    error = make_sockaddr(path, &sun);
    if (error) {
        return error;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    /* A leftover socket from a dead daemon is removed; a live one answers
     * connect() and is left alone. */
    if (connect(fd, (struct sockaddr *) &sun, sizeof sun) == 0) {
        close(fd);
        return EADDRINUSE;
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0
        || listen(fd, 64) < 0) {
        error = errno;
        goto close_fd;
    }
    chmod(path, 0700);
    error = set_nonblocking(fd);
    if (error) {
        goto unlink_path;
    }

    server = xzalloc(sizeof *server);
    server->fd = fd;
    server->path = xstrdup(path);
    ovs_list_init(&server->conns);
    if (!find_command("list-commands")) {
        ctl_command_register("list-commands", "", 0, 0, list_commands, NULL);
    }
    *serverp = server;
    return 0;

unlink_path:
    unlink(path);
close_fd:
    close(fd);
    return error;
}

static void
conn_free(struct ctl_conn *conn)
{
    ovs_list_remove(&conn->node);
    if (conn->fd >= 0) {
        close(conn->fd);
    }
    ds_destroy(&conn->in);
    ds_destroy(&conn->out);
    free(conn);
}

static void
conn_reply(struct ctl_conn *conn, int status, const char *body)
{
    size_t len = strlen(body);

    vx_assert(conn->state == CONN_READING || conn->state == CONN_WAITING);
    ds_clear(&conn->out);
    ds_put_format(&conn->out, "%d %zu\n", status, len);
    ds_put_buffer(&conn->out, body, len);
    conn->out_ofs = 0;
    conn->state = CONN_WRITING;
}

void
ctl_reply(struct ctl_conn *conn, const char *body)
{
    conn_reply(conn, 0, body ? body : "");
}

void
ctl_reply_error(struct ctl_conn *conn, const char *body)
{
    conn_reply(conn, 1, body ? body : "error");
}

void
ctl_reply_status(struct ctl_conn *conn, int status, const char *body)
{
    conn_reply(conn, status, body ? body : "");
}

int
ctl_reply_stream(struct ctl_conn *conn)
{
    static const char header[] = "0 stream\n";
    int fd = conn->fd;
    int flags = fcntl(fd, F_GETFL, 0);

    /* The stream's owner writes with blocking semantics of its choosing;
     * hand over a blocking socket with the header already sent. */
    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    if (write(fd, header, sizeof header - 1) < 0) {
        VLOG_WARN("stream header write failed: %s", vx_strerror(errno));
    }
    conn->fd = -1;
    conn->state = CONN_DONE;
    return fd;
}

/* Parses a decimal number ending in '\n' at *P within [*P, END).  Returns
 * 1 on success (advancing *P past the newline), 0 if more input is needed,
 * -1 if the input is malformed. */
static int
parse_number(const char **p, const char *end, size_t *value)
{
    size_t x = 0;
    const char *s = *p;

    if (s >= end) {
        return 0;
    }
    if (*s < '0' || *s > '9') {
        return -1;
    }
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (x > CTL_MAX_REQUEST) {
            return -1;
        }
        x = x * 10 + (size_t) (*s - '0');
    }
    if (s >= end) {
        return s - *p > 12 ? -1 : 0;
    }
    if (*s != '\n') {
        return -1;
    }
    *value = x;
    *p = s + 1;
    return 1;
}

/* Tries to parse the complete request in CONN->in.  Returns 1 and fills
 * *ARGVP and *ARGCP when complete, 0 if more input is needed, or -1 with an
 * error message in *ERRORP.  The arguments are not copied: they are
 * NUL-terminated in place in CONN->in (which must not change while they
 * are in use), and only the array *ARGVP is allocated, for the caller to
 * free.  A multi-megabyte flow file is thus held once, not twice. */
static int
parse_request(struct ctl_conn *conn, int *argcp, char ***argvp,
              const char **errorp)
{
    static const char magic[] = "VXCTL1 ";
    char *p = ds_cstr(&conn->in), *end = p + conn->in.length;
    size_t argc;
    char **argv;
    int r;

    if (conn->in.length < sizeof magic - 1) {
        if (memcmp(p, magic, conn->in.length)) {
            *errorp = "bad request header (not a vxstack client?)";
            return -1;
        }
        return 0;
    }
    if (memcmp(p, magic, sizeof magic - 1)) {
        *errorp = "bad request header (not a vxstack client?)";
        return -1;
    }
    p += sizeof magic - 1;
    r = parse_number((const char **) &p, end, &argc);
    if (r <= 0) {
        *errorp = "bad argument count in request";
        return r;
    }
    if (argc < 1 || argc > CTL_MAX_ARGS) {
        *errorp = "argument count out of range in request";
        return -1;
    }

    /* First pass: check that every argument is present. */
    const char *q = p;
    for (size_t i = 0; i < argc; i++) {
        size_t len;

        r = parse_number(&q, end, &len);
        if (r <= 0) {
            *errorp = "bad argument length in request";
            return r;
        }
        if (len > CTL_MAX_REQUEST) {
            *errorp = "argument too long in request";
            return -1;
        }
        if ((size_t) (end - q) < len) {
            return 0;
        }
        q += len;
    }
    if (q != end) {
        *errorp = "trailing bytes after request";
        return -1;
    }

    /* Second pass: point at the arguments and terminate each one in place
     * of the first digit of the next one's length, once that length has
     * been read (the last one ends at the string's own NUL).  An argument
     * with an embedded NUL is cut there, which handlers see as a shorter
     * string; none of our commands take binary arguments. */
    argv = xmalloc((argc + 1) * sizeof *argv);
    char *prev_end = NULL;
    for (size_t i = 0; i < argc; i++) {
        size_t len;

        parse_number((const char **) &p, end, &len);
        if (prev_end) {
            *prev_end = '\0';
        }
        argv[i] = p;
        p += len;
        prev_end = p;
    }
    *prev_end = '\0';
    argv[argc] = NULL;
    *argcp = (int) argc;
    *argvp = argv;
    return 1;
}

static void
conn_dispatch(struct ctl_conn *conn, int argc, char **argv)
{
    const struct ctl_command *c = find_command(argv[0]);
    int n_args = argc - 1;

    COVERAGE_INC(ctl_request);
    conn->state = CONN_WAITING;
    if (!c && str_has_prefix(argv[0], "ofctl/")) {
        /* `vxstack ofctl X` answers as ovs-ofctl does. */
        char *msg = xasprintf("unknown command '%s'; use --help for help",
                              argv[0] + strlen("ofctl/"));
        ctl_reply_error(conn, msg);
        free(msg);
    } else if (!c) {
        char *msg = xasprintf("\"%s\" is not a valid command (use "
                              "\"list-commands\" to see a list of valid "
                              "commands)", argv[0]);
        ctl_reply_error(conn, msg);
        free(msg);
    } else if ((n_args < c->min_args || n_args > c->max_args)
               && str_has_prefix(c->name, "ofctl/")) {
        char *msg = xasprintf("'%s' command %s %d arguments",
                              c->name + strlen("ofctl/"),
                              n_args < c->min_args ? "requires at least"
                                                   : "takes at most",
                              n_args < c->min_args ? c->min_args
                                                   : c->max_args);
        ctl_reply_error(conn, msg);
        free(msg);
    } else if (n_args < c->min_args || n_args > c->max_args) {
        char *msg = xasprintf("\"%s\" command takes at %s %d arguments "
                              "(usage: %s %s)", c->name,
                              n_args < c->min_args ? "least" : "most",
                              n_args < c->min_args ? c->min_args
                                                   : c->max_args,
                              c->name, c->usage);
        ctl_reply_error(conn, msg);
        free(msg);
    } else {
        c->handler(conn, argc, (const char **) argv, c->aux);
    }
}

static void
conn_run(struct ctl_conn *conn)
{
    if (conn->state == CONN_READING) {
        bool eof = false;

        for (;;) {
            char buf[65536];
            ssize_t n = read(conn->fd, buf, sizeof buf);

            if (n > 0) {
                if (conn->in.length + (size_t) n > CTL_MAX_REQUEST + 4096) {
                    COVERAGE_INC(ctl_bad_request);
                    conn->state = CONN_WAITING;
                    ctl_reply_error(conn, "request too large (the maximum "
                                    "is " CTL_MAX_REQUEST_TEXT ")");
                    break;
                }
                ds_put_buffer(&conn->in, buf, (size_t) n);
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                break;
            }
            if (n < 0) {
                conn->state = CONN_DONE;
                return;
            }
            eof = true;
            break;
        }
        if (conn->state == CONN_READING) {
            const char *error = NULL;
            char **argv;
            int argc;
            int r = parse_request(conn, &argc, &argv, &error);

            if (r > 0) {
                conn_dispatch(conn, argc, argv);
                free(argv);
            } else if (r < 0) {
                COVERAGE_INC(ctl_bad_request);
                conn->state = CONN_WAITING;
                ctl_reply_error(conn, error);
            } else if (eof) {
                /* The client finished sending an incomplete request. */
                COVERAGE_INC(ctl_bad_request);
                conn->state = CONN_WAITING;
                ctl_reply_error(conn, "truncated request");
            }
        }
    }
    if (conn->state == CONN_WRITING) {
        while (conn->out_ofs < conn->out.length) {
            ssize_t n = write(conn->fd, conn->out.string + conn->out_ofs,
                              conn->out.length - conn->out_ofs);

            if (n > 0) {
                conn->out_ofs += (size_t) n;
            } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                return;
            } else {
                conn->state = CONN_DONE;
                return;
            }
        }
        conn->state = CONN_DONE;
    }
}

void
ctl_server_run(struct ctl_server *server)
{
    struct ctl_conn *conn, *next;

    for (int i = 0; i < 64; i++) {
        int fd = accept4(server->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

        if (fd < 0) {
            break;
        }
        conn = xzalloc(sizeof *conn);
        conn->server = server;
        conn->fd = fd;
        conn->state = CONN_READING;
        ds_init(&conn->in);
        ds_init(&conn->out);
        ovs_list_push_back(&server->conns, &conn->node);
    }

    LIST_FOR_EACH_SAFE (conn, next, node, &server->conns) {
        conn_run(conn);
        if (conn->state == CONN_WRITING) {
            conn_run(conn);
        }
        if (conn->state == CONN_DONE) {
            conn_free(conn);
        }
    }
}

void
ctl_server_wait(struct ctl_server *server)
{
    struct ctl_conn *conn;

    poll_fd_wait(server->fd, POLLIN);
    LIST_FOR_EACH (conn, node, &server->conns) {
        if (conn->state == CONN_READING) {
            poll_fd_wait(conn->fd, POLLIN);
        } else if (conn->state == CONN_WRITING) {
            poll_fd_wait(conn->fd, POLLOUT);
        } else if (conn->state == CONN_DONE) {
            poll_immediate_wake();
        }
    }
}

void
ctl_server_destroy(struct ctl_server *server)
{
    struct ctl_conn *conn, *next;

    if (!server) {
        return;
    }
    LIST_FOR_EACH_SAFE (conn, next, node, &server->conns) {
        conn_free(conn);
    }
    close(server->fd);
    unlink(server->path);
    free(server->path);
    free(server);
}

/* Client. */

/* Writes the N bytes at DATA to the socket FD.  Returns 0 or an errno
 * value.  A peer that closes the socket yields EPIPE, not SIGPIPE. */
static int
send_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t r = send(fd, data, n, MSG_NOSIGNAL);

        if (r < 0 && errno == EINTR) {
            continue;
        } else if (r < 0) {
            return errno;
        }
        data += r;
        n -= (size_t) r;
    }
    return 0;
}


int
ctl_client_request(const char *path, int argc, const char *argv[],
                   int *status, struct ds *reply, int *stream_fdp)
{
    struct sockaddr_un sun;
    struct ds req = DS_EMPTY_INITIALIZER;
    char *nl;
    int fd, error;

    ds_clear(reply);
    *status = -1;
    *stream_fdp = -1;
    error = make_sockaddr(path, &sun);
    if (error) {
        return error;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    if (connect(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        error = errno;
        goto close_fd;
    }

    ds_put_format(&req, "VXCTL1 %d\n", argc);
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);

        ds_put_format(&req, "%zu\n", len);
        ds_put_buffer(&req, argv[i], len);
    }
    error = send_all(fd, req.string, req.length);
    ds_destroy(&req);
    if (error == EPIPE || error == ECONNRESET) {
        /* The server stopped reading, to refuse the request: its reply
         * says why. */
        error = 0;
    } else if (error) {
        goto close_fd;
    }
    shutdown(fd, SHUT_WR);

    /* Read the header line. */
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            error = n < 0 ? errno : EPROTO;
            goto close_fd;
        }
        if (c == '\n') {
            break;
        }
        ds_put_char(reply, c);
        if (reply->length > 64) {
            error = EPROTO;
            goto close_fd;
        }
    }
    nl = strchr(ds_cstr(reply), ' ');
    if (!nl) {
        error = EPROTO;
        goto close_fd;
    }
    *nl = '\0';
    if (!str_to_int(reply->string, 10, status)) {
        error = EPROTO;
        goto close_fd;
    }

    if (!strcmp(nl + 1, "stream")) {
        ds_clear(reply);
        *stream_fdp = fd;
        return 0;
    } else {
        uint64_t len;

        if (!str_to_uint64(nl + 1, 10, CTL_MAX_REQUEST * 4ull, &len)) {
            error = EPROTO;
            goto close_fd;
        }
        ds_clear(reply);
        ds_reserve(reply, len);
        while (reply->length < len) {
            ssize_t n = read(fd, reply->string + reply->length,
                             len - reply->length);

            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                error = EPROTO;
                goto close_fd;
            }
            reply->length += (size_t) n;
        }
        reply->string[reply->length] = '\0';
    }

close_fd:
    close(fd);
    return error;
}

int
ctl_client_call(const char *path, int argc, const char *argv[], int out_fd,
                int *status, struct ds *reply)
{
    int fd = -1;
    int error = ctl_client_request(path, argc, argv, status, reply, &fd);

    if (error || fd < 0) {
        return error;
    }
    for (;;) {
        char buf[65536];
        ssize_t n = read(fd, buf, sizeof buf);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        if (vx_write_all(out_fd, buf, (size_t) n)) {
            break;
        }
    }
    close(fd);
    return 0;
}
