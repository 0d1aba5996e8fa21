/*
 * vsctl-private.h: what vsctl.c (command line, bridge/port/controller
 * commands) and vsctl-db.c (generic database commands) share.
 *
 * Thread safety: none, as vsctl.h.
 */
#ifndef VX_DAEMON_VSCTL_PRIVATE_H
#define VX_DAEMON_VSCTL_PRIVATE_H 1

#include <stdbool.h>

#include "daemon/vsdb.h"
#include "lib/ds.h"

struct vsctl_ctx;

/* One command of the command set. */
struct vsctl_syntax {
    const char *name;               /* Command name ("add-br"). */
    int min_args;                   /* Fewest arguments after the name. */
    int max_args;                   /* Most arguments (INT_MAX: any). */
    const char *arguments;          /* Synopsis of the arguments. */
    void (*run)(struct vsctl_ctx *);/* Runs the command. */
    const char *options;            /* Accepted options, comma-separated;
                                     * "=" after a name takes a value. */
};

/* An option given to a command: "--NAME" or "--NAME=VALUE". */
struct vsctl_option {
    char *name;                     /* With the leading dashes. */
    char *value;                    /* After '=', or NULL. */
};

/* Output styles of `list` and `find`. */
enum vsctl_format {
    VSCTL_FORMAT_LIST,              /* "name                : value". */
    VSCTL_FORMAT_BARE,              /* --bare: values only. */
};

/* The state of one command while it runs. */
struct vsctl_ctx {
    struct vsdb_txn *txn;           /* The transaction of the line. */
    int argc;                       /* Arguments, with the command name. */
    const char **argv;              /* argv[0] is the command name. */
    struct vsctl_option *options;   /* The command's options. */
    size_t n_options;               /* Number of options. */
    struct ds *output;              /* The command's output. */
    char *error;                    /* Set by a failing command. */
    int exit_status;                /* Nonzero with 'error' (1 or 2). */
    enum vsctl_format format;       /* Style for list and find. */
    int *n_tables;                  /* Tables printed so far by this line,
                                     * for the blank line between them. */
    bool printed_table;             /* The output is a table (list, find),
                                     * which --oneline leaves alone. */
};

/* Returns the working copy the command reads. */
const struct vsdb_data *vsctl_data(const struct vsctl_ctx *);

/* Returns true if the command has option NAME ("--if-exists"). */
bool vsctl_has_option(const struct vsctl_ctx *, const char *name);

/* Returns the value of option NAME, or NULL if absent or valueless. */
const char *vsctl_option_value(const struct vsctl_ctx *, const char *name);

/* Sets the command's error (formatted like printf) unless one is set. */
void vsctl_error(struct vsctl_ctx *, const char *format, ...)
    PRINTF_FORMAT(2, 3);

/* Parses "COLUMN[:KEY]=VALUE" for TABLE and sets it on ROW (a row of the
 * transaction), as ovs-vsctl's `set` does.  Returns NULL or an error. */
char *vsctl_set_column(struct vsctl_ctx *, enum vsdb_table_id table,
                       const struct vsdb_row *row, const char *arg)
    WARN_UNUSED;

/* The generic database commands (vsctl-db.c). */
extern const struct vsctl_syntax vsctl_db_commands[];

#endif /* VX_DAEMON_VSCTL_PRIVATE_H */
