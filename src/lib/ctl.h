/*
 * ctl.h: the control socket, vxstack's equivalent of ovs-appctl's unixctl.
 *
 * Every vxstackd listens on a unix socket ($VXSTACK_RUNDIR/vxstackd.ctl).
 * `vxstack` connects, sends one request and reads one reply; then the
 * connection closes.  A request is a command name plus string arguments;
 * arguments may hold any bytes (a whole flow file for add-flows), so the
 * framing is length-prefixed text:
 *
 *     request:  "VXCTL1 <argc>\n" then, per argument, "<len>\n<bytes>"
 *     reply:    "<status> <len>\n<bytes>"    status 0 = success, else error
 *               "<status> stream\n<bytes until EOF>"  for streaming replies
 *
 * The first argument is the command name ("ofctl/add-flow", "vsctl/show",
 * "exit"...).  Modules register handlers with ctl_command_register(); a
 * handler either answers at once with ctl_reply()/ctl_reply_error(), or
 * keeps the struct ctl_conn and answers later (ctl_conn is valid until it
 * is answered), or takes over the socket for a stream with
 * ctl_reply_stream().
 *
 * Requests are bounded (CTL_MAX_REQUEST bytes, CTL_MAX_ARGS arguments); a
 * malformed or oversized request gets an error reply naming the problem
 * and never reaches a handler.  256 MiB holds about two million flows of
 * an add-flows file; clients check a file's size before sending it.  The
 * server keeps one copy of a request: handlers get pointers into it.
 *
 * Thread safety: the server runs in the thread that calls ctl_server_run().
 * The client functions are thread-safe.
 */
#ifndef VX_LIB_CTL_H
#define VX_LIB_CTL_H 1

#include <stddef.h>

struct ds;
struct ctl_server;
struct ctl_conn;

#define CTL_MAX_REQUEST (256u * 1024 * 1024)
#define CTL_MAX_REQUEST_TEXT "256 MiB"   /* CTL_MAX_REQUEST for messages. */
#define CTL_MAX_ARGS 100000

/* Handles a request whose argv[0] is the command name.  ARGC includes the
 * command name.  Must eventually answer CONN exactly once. */
typedef void ctl_handler_func(struct ctl_conn *conn, int argc,
                              const char *argv[], void *aux);

/* Registers NAME.  USAGE is a one-line synopsis of the arguments for
 * `list-commands` and for the error given when the argument count is
 * outside [MIN_ARGS, MAX_ARGS] (not counting the name).  Registering the
 * same name twice replaces the handler. */
void ctl_command_register(const char *name, const char *usage, int min_args,
                          int max_args, ctl_handler_func *, void *aux);

/* Forgets every registered command (tests). */
void ctl_command_unregister_all(void);

/* Creates a server listening on PATH (removed first if it is a stale
 * socket).  Returns 0 and stores the server in *SERVERP, or an errno. */
int ctl_server_create(const char *path, struct ctl_server **serverp);

/* Accepts connections and serves complete requests without blocking. */
void ctl_server_run(struct ctl_server *);

/* Registers the server's descriptors with the poll loop. */
void ctl_server_wait(struct ctl_server *);

/* Closes the listening socket, unlinks its path and frees the server.
 * Connections that are still open are closed without a reply. */
void ctl_server_destroy(struct ctl_server *);

void ctl_reply(struct ctl_conn *, const char *body);
void ctl_reply_error(struct ctl_conn *, const char *body);

/* Replies with STATUS (0 = success, 1 = error, or another value the client
 * turns into its exit status, as `vsctl br-exists` does with 2) and BODY
 * (NULL means empty). */
void ctl_reply_status(struct ctl_conn *, int status, const char *body);

/* Replies with status 0 and hands the connected socket to the caller, who
 * writes the stream and closes it.  Returns the descriptor. */
int ctl_reply_stream(struct ctl_conn *);

/* Client side: connects to PATH, sends ARGV[0..ARGC-1], and waits for the
 * reply.  On a normal reply returns 0, stores the status in *STATUS and
 * the body in REPLY, and sets *STREAM_FDP to -1.  On a streaming reply
 * returns 0 with the status in *STATUS, an empty REPLY and the connected
 * socket in *STREAM_FDP, for the caller to read until EOF and close.
 * Returns an errno value when no daemon answers (ENOENT, ECONNREFUSED...)
 * or the reply is malformed (EPROTO). */
int ctl_client_request(const char *path, int argc, const char *argv[],
                       int *status, struct ds *reply, int *stream_fdp);

/* Client side: connects to PATH, sends ARGV[0..ARGC-1], and waits for the
 * reply.  On a normal reply returns 0, stores the status in *STATUS and
 * the body in REPLY.  For a streaming reply, copies the stream to OUT_FD
 * until EOF and stores an empty body.  Returns an errno value when no
 * daemon answers (ENOENT, ECONNREFUSED...) or the reply is malformed
 * (EPROTO). */
int ctl_client_call(const char *path, int argc, const char *argv[],
                    int out_fd, int *status, struct ds *reply);

#endif /* VX_LIB_CTL_H */
