/* vsctl-db.c: ovs-vsctl's generic database commands (get, list, find,
 * set, add, remove, clear, destroy, comment), after lib/db-ctl-base.c. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/vsctl-private.h"
#include "lib/util.h"

/* Table and column names: exact, or an unambiguous abbreviation that
 * ignores case and treats '-' as '_'. */

static int
to_lower_and_underscores(unsigned char c)
{
    return c == '-' ? '_' : tolower(c);
}

/* Returns how well user input S matches NAME: UINT_MAX for an exact match,
 * UINT_MAX - 1 for a match ignoring case, the length of a matching
 * prefix, or 0. */
static unsigned int
score_partial_match(const char *name, const char *s)
{
    unsigned int score;

    if (!strcmp(name, s)) {
        return UINT_MAX;
    }
    for (score = 0; ; score++, name++, s++) {
        if (to_lower_and_underscores(*name)
            != to_lower_and_underscores(*s)) {
            break;
        } else if (*name == '\0') {
            return UINT_MAX - 1;
        }
    }
    return *s == '\0' ? score : 0;
}

/* Finds NAMES[0..N-1] that best matches S.  Returns its index, -1 for no
 * match, or -2 for several equally good ones (listed in *MATCHES). */
static int
best_match(const char *const *names, int n, const char *s,
           struct ds *matches)
{
    unsigned int best_score = 0;
    int best = -1, n_best = 0;

    for (int i = 0; i < n; i++) {
        unsigned int score = score_partial_match(names[i], s);

        if (score && score >= best_score) {
            if (score > best_score) {
                n_best = 0;
                ds_clear(matches);
            }
            ds_put_format(matches, "%s%s", n_best ? ", " : "", names[i]);
            n_best++;
            best = i;
            best_score = score;
        }
    }
    return n_best > 1 ? -2 : best;
}

static char *
get_table(const char *name, enum vsdb_table_id *tablep)
{
    const char *names[VSDB_N_TABLES];
    struct ds matches = DS_EMPTY_INITIALIZER;
    char *error = NULL;
    int idx;

    for (int t = 0; t < VSDB_N_TABLES; t++) {
        names[t] = vsdb_tables[t].name;
    }
    idx = best_match(names, VSDB_N_TABLES, name, &matches);
    if (idx == -1) {
        error = xasprintf("unknown table \"%s\"", name);
    } else if (idx == -2) {
        error = xasprintf("\"%s\" matches multiple table names: %s", name,
                          ds_cstr(&matches));
    } else {
        *tablep = idx;
    }
    ds_destroy(&matches);
    return error;
}

static char *
get_column(enum vsdb_table_id table, const char *name, int *columnp)
{
    const struct vsdb_table_class *class = &vsdb_tables[table];
    const char *names[16];
    struct ds matches = DS_EMPTY_INITIALIZER;
    char *error = NULL;
    int idx;

    vx_assert(class->n_columns <= (int) ARRAY_SIZE(names));
    for (int c = 0; c < class->n_columns; c++) {
        names[c] = class->columns[c].name;
    }
    idx = best_match(names, class->n_columns, name, &matches);
    if (idx == -1) {
        error = xasprintf("%s does not contain a column whose name matches "
                          "\"%s\"", class->name, name);
    } else if (idx == -2) {
        error = xasprintf("%s contains more than one column whose name "
                          "matches \"%s\": %s", class->name, name,
                          ds_cstr(&matches));
    } else {
        *columnp = idx;
    }
    ds_destroy(&matches);
    return error;
}

/* Finds the row of TABLE that RECORD names: a UUID, "." for a table's only
 * row, a name (Bridge, Port, Interface name; Manager target; for
 * Controller, the name of the bridge that has exactly one controller), or
 * a UUID prefix of at least 4 characters.  Returns NULL with *ROWP set
 * (NULL when absent and !MUST_EXIST), or an error. */
static char *
get_row(const struct vsctl_ctx *ctx, enum vsdb_table_id table,
        const char *record, bool must_exist, const struct vsdb_row **rowp)
{
    const struct vsdb_data *data = vsctl_data(ctx);
    const struct vsdb_row *row = NULL;
    struct uuid uuid;
    size_t i;

    *rowp = NULL;
    if (uuid_from_string(&uuid, record)) {
        row = vsdb_get_row(data, table, &uuid);
    }
    if (!row && !strcmp(record, ".") && vsdb_count(data, table) == 1) {
        row = vsdb_row_at(data, table, 0);
    }
    if (!row && table == VSDB_CONTROLLER) {
        const struct vsdb_row *br = vsdb_find_row(data, VSDB_BRIDGE, record);
        const struct vsdb_datum *ctrls = (br ? vsdb_row_get(br,
                                                            VSDB_BR_CONTROLLER)
                                             : NULL);

        if (ctrls && ctrls->n == 1) {
            row = vsdb_get_row(data, VSDB_CONTROLLER, &ctrls->keys[0].uuid);
        }
    } else if (!row && vsdb_tables[table].name_column >= 0) {
        row = vsdb_find_row(data, table, record);
    }
    if (!row && uuid_is_partial_string(record) >= 4) {
        const struct vsdb_row *r;

        VSDB_FOR_EACH_ROW (r, i, table, data) {
            if (uuid_is_partial_match(&r->uuid, record)) {
                if (row) {
                    return xasprintf("%s contains 2 or more rows whose "
                                     "UUIDs begin with %s: at least "
                                     UUID_FMT " and " UUID_FMT,
                                     vsdb_tables[table].name, record,
                                     UUID_ARGS(&row->uuid),
                                     UUID_ARGS(&r->uuid));
                }
                row = r;
            }
        }
    }
    if (!row && must_exist) {
        return xasprintf("no row \"%s\" in table %s", record,
                         vsdb_tables[table].name);
    }
    *rowp = row;
    return NULL;
}

/* Looks up TABLE_NAME and RECORD for a command that takes them as
 * argv[1] and argv[2], honouring --if-exists.  Returns false (with the
 * error set, or silently for a missing row with --if-exists) when the
 * command should stop. */
static bool
get_table_and_row(struct vsctl_ctx *ctx, enum vsdb_table_id *tablep,
                  const struct vsdb_row **rowp)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");

    ctx->error = get_table(ctx->argv[1], tablep);
    if (!ctx->error) {
        ctx->error = get_row(ctx, *tablep, ctx->argv[2], must_exist, rowp);
    }
    return !ctx->error && *rowp;
}

static char *
missing_operator_error(const char *arg, const char *const *operators,
                       size_t n)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "%s: argument does not end in \"%s\"", arg,
                  operators[0]);
    if (n == 2) {
        ds_put_format(&s, " or \"%s\"", operators[1]);
    } else if (n > 2) {
        for (size_t i = 1; i < n - 1; i++) {
            ds_put_format(&s, ", \"%s\"", operators[i]);
        }
        ds_put_format(&s, ", or \"%s\"", operators[n - 1]);
    }
    ds_put_cstr(&s, " followed by a value.");
    return ds_steal_cstr(&s);
}

/* Splits ARG into a column of TABLE, an optional ":KEY", and (when VALUEP
 * is nonnull) one of OPERATORS[0..N_OPS-1] (default "=") followed by a
 * value.  Returns NULL or an error; the caller frees *KEYP and *VALUEP. */
static char *
parse_column_key_value(const char *arg, enum vsdb_table_id table,
                       int *columnp, char **keyp, int *operatorp,
                       const char *const *operators, size_t n_ops,
                       char **valuep)
{
    static const char *const equals[] = { "=" };
    const char *p = arg;
    char *column_name;
    char *error;

    *keyp = NULL;
    if (valuep) {
        *valuep = NULL;
    }
    error = vsdb_token_parse(&p, &column_name);
    if (error) {
        return error;
    }
    if (!column_name[0]) {
        free(column_name);
        return xasprintf("%s: missing column name", arg);
    }
    error = get_column(table, column_name, columnp);
    free(column_name);
    if (error) {
        return error;
    }
    if (*p == ':') {
        p++;
        error = vsdb_token_parse(&p, keyp);
        if (error) {
            return error;
        }
    }
    if (valuep) {
        size_t best_len = 0;
        int best = -1;

        if (!operators) {
            operators = equals;
            n_ops = 1;
        }
        for (size_t i = 0; i < n_ops; i++) {
            size_t len = strlen(operators[i]);

            if (len > best_len && !strncmp(operators[i], p, len) && p[len]) {
                best_len = len;
                best = (int) i;
            }
        }
        if (best < 0) {
            error = missing_operator_error(arg, operators, n_ops);
            goto error;
        }
        if (operatorp) {
            *operatorp = best;
        }
        *valuep = xstrdup(p + best_len);
    } else if (*p) {
        error = xasprintf("%s: trailing garbage \"%s\" in argument", arg, p);
        goto error;
    }
    return NULL;

error:
    free(*keyp);
    *keyp = NULL;
    return error;
}

static char *
check_mutable(enum vsdb_table_id table, int column)
{
    if (!vsdb_column(table, column)->is_mutable) {
        return xasprintf("cannot modify read-only column %s in table %s",
                         vsdb_column(table, column)->name,
                         vsdb_tables[table].name);
    }
    return NULL;
}

char *
vsctl_set_column(struct vsctl_ctx *ctx, enum vsdb_table_id table,
                 const struct vsdb_row *row, const char *arg)
{
    const struct vsdb_type *type;
    char *key_string, *value_string;
    struct vsdb_datum datum;
    int column;
    char *error;

    error = parse_column_key_value(arg, table, &column, &key_string, NULL,
                                   NULL, 0, &value_string);
    if (error) {
        return error;
    }
    error = check_mutable(table, column);
    if (error) {
        goto out;
    }
    type = &vsdb_column(table, column)->type;
    if (key_string) {
        union vsdb_atom key, value;

        if (!vsdb_type_is_map(type)) {
            error = xasprintf("cannot specify key to set for non-map column "
                              "%s", vsdb_column(table, column)->name);
            goto out;
        }
        error = vsdb_atom_from_string(&key, &type->key, key_string);
        if (error) {
            goto out;
        }
        error = vsdb_atom_from_string(&value, &type->value, value_string);
        if (error) {
            vsdb_atom_destroy(&key, type->key.type);
            goto out;
        }
        vsdb_datum_clone(&datum, vsdb_row_get(row, column), type);
        vsdb_datum_put(&datum, &key, &value, type, true);
    } else {
        error = vsdb_datum_from_string(&datum, type, value_string);
        if (error) {
            goto out;
        }
    }
    vsdb_txn_write(ctx->txn, row, column, &datum);

out:
    free(key_string);
    free(value_string);
    return error;
}

/* Output of list and find. */

/* Appends DATUM as --bare prints it: members separated by spaces, strings
 * without quotes. */
static void
datum_to_bare(const struct vsdb_datum *datum, const struct vsdb_type *type,
              struct ds *out)
{
    for (unsigned int i = 0; i < datum->n; i++) {
        if (i) {
            ds_put_char(out, ' ');
        }
        if (type->key.type == VSDB_TYPE_STRING) {
            ds_put_cstr(out, datum->keys[i].string);
        } else {
            vsdb_atom_to_string(&datum->keys[i], type->key.type, out);
        }
        if (vsdb_type_is_map(type)) {
            ds_put_char(out, '=');
            if (type->value.type == VSDB_TYPE_STRING) {
                ds_put_cstr(out, datum->values[i].string);
            } else {
                vsdb_atom_to_string(&datum->values[i], type->value.type, out);
            }
        }
    }
}

/* The columns a list or find command prints: -1 stands for _uuid. */
struct column_list {
    int columns[32];            /* Column indexes or -1. */
    size_t n;                   /* Number of columns. */
};

static char *
parse_column_names(const char *names, enum vsdb_table_id table,
                   struct column_list *list)
{
    list->n = 0;
    if (!names) {
        list->columns[list->n++] = -1;
        for (int c = 0; c < vsdb_tables[table].n_columns; c++) {
            list->columns[list->n++] = c;
        }
        return NULL;
    }

    char *copy = xstrdup(names);
    char *save = NULL;
    for (char *name = strtok_r(copy, ", ", &save); name;
         name = strtok_r(NULL, ", ", &save)) {
        int column = -1;

        if (strcasecmp(name, "_uuid")) {
            char *error = get_column(table, name, &column);

            if (error) {
                free(copy);
                return error;
            }
        }
        if (list->n >= ARRAY_SIZE(list->columns)) {
            free(copy);
            return xstrdup("too many column names");
        }
        list->columns[list->n++] = column;
    }
    free(copy);
    return list->n ? NULL : xstrdup("must specify at least one column name");
}

/* Starts a table of output (a blank line separates tables). */
static void
start_table(struct vsctl_ctx *ctx)
{
    ctx->printed_table = true;
    if ((*ctx->n_tables)++ > 0) {
        ds_put_char(ctx->output, '\n');
    }
}

static void
list_record(struct vsctl_ctx *ctx, const struct vsdb_row *row,
            const struct column_list *list, bool first)
{
    struct ds *out = ctx->output;

    if (!first) {
        ds_put_char(out, '\n');
    }
    for (size_t i = 0; i < list->n; i++) {
        int c = list->columns[i];

        if (ctx->format == VSCTL_FORMAT_LIST) {
            ds_put_format(out, "%-20s: ",
                          c < 0 ? "_uuid" : vsdb_column(row->table, c)->name);
        }
        if (c < 0) {
            uuid_format(out, &row->uuid);
        } else if (ctx->format == VSCTL_FORMAT_BARE) {
            datum_to_bare(vsdb_row_get(row, c),
                          &vsdb_column(row->table, c)->type, out);
        } else {
            vsdb_datum_to_string(vsdb_row_get(row, c),
                                 &vsdb_column(row->table, c)->type, out);
        }
        ds_put_char(out, '\n');
    }
}

static const char *
columns_option(const struct vsctl_ctx *ctx)
{
    return vsctl_option_value(ctx, "--columns");
}

static void
cmd_list(struct vsctl_ctx *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    const struct vsdb_data *data = vsctl_data(ctx);
    struct column_list list;
    enum vsdb_table_id table;
    bool first = true;

    ctx->error = get_table(ctx->argv[1], &table);
    if (!ctx->error) {
        ctx->error = parse_column_names(columns_option(ctx), table, &list);
    }
    if (ctx->error) {
        return;
    }
    start_table(ctx);
    if (ctx->argc > 2) {
        for (int i = 2; i < ctx->argc; i++) {
            const struct vsdb_row *row;

            ctx->error = get_row(ctx, table, ctx->argv[i], must_exist, &row);
            if (ctx->error) {
                return;
            }
            if (row) {
                list_record(ctx, row, &list, first);
                first = false;
            }
        }
    } else {
        const struct vsdb_row *row;
        size_t i;

        VSDB_FOR_EACH_ROW (row, i, table, data) {
            list_record(ctx, row, &list, first);
            first = false;
        }
    }
}

/* Relational operators of `find`, longest spellings matched first. */
enum relop {
    RELOP_EQ, RELOP_NE, RELOP_LT, RELOP_GT, RELOP_LE, RELOP_GE,
    RELOP_SET_EQ, RELOP_SET_NE, RELOP_SET_LT, RELOP_SET_GT, RELOP_SET_LE,
    RELOP_SET_GE, RELOP_SET_IN, RELOP_SET_NOT_IN,
};
static const char *const relops[] = {
    "=", "!=", "<", ">", "<=", ">=", "{=}", "{!=}", "{<}", "{>}", "{<=}",
    "{>=}", "{in}", "{not-in}",
};

/* Returns true if every member of A is in B. */
static bool
datum_includes_all(const struct vsdb_datum *a, const struct vsdb_datum *b,
                   const struct vsdb_type *type)
{
    for (unsigned int i = 0; i < a->n; i++) {
        unsigned int idx = vsdb_datum_find_key(b, &a->keys[i],
                                               type->key.type);

        if (idx == UINT_MAX
            || (vsdb_type_is_map(type)
                && vsdb_atom_compare_3way(&a->values[i], &b->values[idx],
                                          type->value.type))) {
            return false;
        }
    }
    return true;
}

/* Returns true if no member of A is in B. */
static bool
datum_excludes_all(const struct vsdb_datum *a, const struct vsdb_datum *b,
                   const struct vsdb_type *type)
{
    for (unsigned int i = 0; i < a->n; i++) {
        if (vsdb_datum_find_key(b, &a->keys[i], type->key.type)
            != UINT_MAX) {
            return false;
        }
    }
    return true;
}

static bool
evaluate_relop(const struct vsdb_datum *a, const struct vsdb_datum *b,
               const struct vsdb_type *type, enum relop op)
{
    switch (op) {
    case RELOP_EQ:
    case RELOP_SET_EQ:
        return !vsdb_datum_compare_3way(a, b, type);
    case RELOP_NE:
    case RELOP_SET_NE:
        return vsdb_datum_compare_3way(a, b, type) != 0;
    case RELOP_LT:
        return vsdb_datum_compare_3way(a, b, type) < 0;
    case RELOP_GT:
        return vsdb_datum_compare_3way(a, b, type) > 0;
    case RELOP_LE:
        return vsdb_datum_compare_3way(a, b, type) <= 0;
    case RELOP_GE:
        return vsdb_datum_compare_3way(a, b, type) >= 0;
    case RELOP_SET_LT:
        return b->n > a->n && datum_includes_all(a, b, type);
    case RELOP_SET_GT:
        return a->n > b->n && datum_includes_all(b, a, type);
    case RELOP_SET_LE:
    case RELOP_SET_IN:
        return datum_includes_all(a, b, type);
    case RELOP_SET_GE:
        return datum_includes_all(b, a, type);
    case RELOP_SET_NOT_IN:
        return datum_excludes_all(a, b, type);
    default:
        vx_assert(false);
    }
}

/* Evaluates condition ARG ("COLUMN[:KEY]OP VALUE") on ROW. */
static char *
check_condition(const struct vsdb_row *row, const char *arg,
                bool *satisfied)
{
    char *key_string, *value_string;
    struct vsdb_type type;
    struct vsdb_datum want;
    int column, op;
    char *error;

    error = parse_column_key_value(arg, row->table, &column, &key_string,
                                   &op, relops, ARRAY_SIZE(relops),
                                   &value_string);
    if (error) {
        return error;
    }
    const struct vsdb_type *column_type = &vsdb_column(row->table,
                                                      column)->type;
    const struct vsdb_datum *have = vsdb_row_get(row, column);

    type = *column_type;
    type.n_min = 0;
    type.n_max = VSDB_UNLIMITED;

    if (key_string) {
        union vsdb_atom key;
        struct vsdb_datum a;
        unsigned int idx;

        if (!vsdb_type_is_map(&type)) {
            error = xasprintf("cannot specify key to check for non-map "
                              "column %s",
                              vsdb_column(row->table, column)->name);
            goto out;
        }
        error = vsdb_atom_from_string(&key, &type.key, key_string);
        if (error) {
            goto out;
        }
        type.key = type.value;
        type.value.type = VSDB_TYPE_VOID;
        error = vsdb_datum_from_string(&want, &type, value_string);
        if (error) {
            vsdb_atom_destroy(&key, column_type->key.type);
            goto out;
        }
        idx = vsdb_datum_find_key(have, &key, column_type->key.type);
        vsdb_atom_destroy(&key, column_type->key.type);
        if (idx == UINT_MAX && op < RELOP_SET_EQ) {
            *satisfied = false;
        } else {
            a.n = idx == UINT_MAX ? 0 : 1;
            a.keys = idx == UINT_MAX ? NULL : &have->values[idx];
            a.values = NULL;
            *satisfied = evaluate_relop(&a, &want, &type, op);
        }
        vsdb_datum_destroy(&want, &type);
    } else {
        error = vsdb_datum_from_string(&want, &type, value_string);
        if (error) {
            goto out;
        }
        *satisfied = evaluate_relop(have, &want, &type, op);
        vsdb_datum_destroy(&want, &type);
    }

out:
    free(key_string);
    free(value_string);
    return error;
}

static void
cmd_find(struct vsctl_ctx *ctx)
{
    const struct vsdb_data *data = vsctl_data(ctx);
    const struct vsdb_row *row;
    struct column_list list;
    enum vsdb_table_id table;
    bool first = true;
    size_t r;

    ctx->error = get_table(ctx->argv[1], &table);
    if (!ctx->error) {
        ctx->error = parse_column_names(columns_option(ctx), table, &list);
    }
    if (ctx->error) {
        return;
    }
    start_table(ctx);
    VSDB_FOR_EACH_ROW (row, r, table, data) {
        bool match = true;

        for (int i = 2; i < ctx->argc && match; i++) {
            ctx->error = check_condition(row, ctx->argv[i], &match);
            if (ctx->error) {
                return;
            }
        }
        if (match) {
            list_record(ctx, row, &list, first);
            first = false;
        }
    }
}

static void
cmd_get(struct vsctl_ctx *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    const struct vsdb_row *row;
    enum vsdb_table_id table;

    if (!get_table_and_row(ctx, &table, &row)) {
        return;
    }
    for (int i = 3; i < ctx->argc; i++) {
        const struct vsdb_type *type;
        char *key_string;
        int column;

        if (!strcasecmp(ctx->argv[i], "_uuid")
            || !strcasecmp(ctx->argv[i], "-uuid")) {
            ds_put_format(ctx->output, UUID_FMT "\n", UUID_ARGS(&row->uuid));
            continue;
        }
        ctx->error = parse_column_key_value(ctx->argv[i], table, &column,
                                            &key_string, NULL, NULL, 0,
                                            NULL);
        if (ctx->error) {
            return;
        }
        type = &vsdb_column(table, column)->type;
        if (key_string) {
            union vsdb_atom key;
            unsigned int idx;

            if (!vsdb_type_is_map(type)) {
                vsctl_error(ctx, "cannot specify key to get for non-map "
                            "column %s", vsdb_column(table, column)->name);
                free(key_string);
                return;
            }
            ctx->error = vsdb_atom_from_string(&key, &type->key,
                                               key_string);
            if (ctx->error) {
                free(key_string);
                return;
            }
            idx = vsdb_datum_find_key(vsdb_row_get(row, column), &key,
                                      type->key.type);
            vsdb_atom_destroy(&key, type->key.type);
            if (idx == UINT_MAX) {
                if (must_exist) {
                    vsctl_error(ctx, "no key \"%s\" in %s record \"%s\" "
                                "column %s", key_string,
                                vsdb_tables[table].name, ctx->argv[2],
                                vsdb_column(table, column)->name);
                    free(key_string);
                    return;
                }
            } else {
                vsdb_atom_to_string(&vsdb_row_get(row, column)->values[idx],
                                    type->value.type, ctx->output);
            }
        } else {
            vsdb_datum_to_string(vsdb_row_get(row, column), type,
                                 ctx->output);
        }
        ds_put_char(ctx->output, '\n');
        free(key_string);
    }
}

static void
cmd_set(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *row;
    enum vsdb_table_id table;

    if (!get_table_and_row(ctx, &table, &row)) {
        return;
    }
    for (int i = 3; i < ctx->argc && !ctx->error; i++) {
        ctx->error = vsctl_set_column(ctx, table, row, ctx->argv[i]);
    }
}

/* Shared by add and remove: looks up the table, row and column and checks
 * that the column may change.  Returns false when the command should
 * stop. */
static bool
prepare_add_remove(struct vsctl_ctx *ctx, enum vsdb_table_id *tablep,
                   const struct vsdb_row **rowp, int *columnp)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");

    ctx->error = get_table(ctx->argv[1], tablep);
    if (!ctx->error) {
        ctx->error = get_column(*tablep, ctx->argv[3], columnp);
    }
    if (!ctx->error) {
        ctx->error = get_row(ctx, *tablep, ctx->argv[2], must_exist, rowp);
    }
    if (!ctx->error && *rowp) {
        ctx->error = check_mutable(*tablep, *columnp);
    }
    return !ctx->error && *rowp;
}

static void
cmd_add(struct vsctl_ctx *ctx)
{
    const struct vsdb_type *type;
    const struct vsdb_row *row;
    enum vsdb_table_id table;
    struct vsdb_datum datum;
    int column;

    if (!prepare_add_remove(ctx, &table, &row, &column)) {
        return;
    }
    type = &vsdb_column(table, column)->type;
    vsdb_datum_clone(&datum, vsdb_row_get(row, column), type);
    for (int i = 4; i < ctx->argc; i++) {
        struct vsdb_type add_type = *type;
        struct vsdb_datum add;

        add_type.n_min = 1;
        add_type.n_max = VSDB_UNLIMITED;
        ctx->error = vsdb_datum_from_string(&add, &add_type, ctx->argv[i]);
        if (ctx->error) {
            vsdb_datum_destroy(&datum, type);
            return;
        }
        vsdb_datum_union(&datum, &add, type, false);
        vsdb_datum_destroy(&add, type);
    }
    if (datum.n > type->n_max) {
        vsctl_error(ctx, "\"add\" operation would put %u %s in column %s of "
                    "table %s but the maximum number is %u", datum.n,
                    vsdb_type_is_map(type) ? "pairs" : "values",
                    vsdb_column(table, column)->name,
                    vsdb_tables[table].name, type->n_max);
        vsdb_datum_destroy(&datum, type);
        return;
    }
    vsdb_txn_write(ctx->txn, row, column, &datum);
}

static void
cmd_remove(struct vsctl_ctx *ctx)
{
    const struct vsdb_type *type;
    const struct vsdb_row *row;
    enum vsdb_table_id table;
    struct vsdb_datum datum;
    int column;

    if (!prepare_add_remove(ctx, &table, &row, &column)) {
        return;
    }
    type = &vsdb_column(table, column)->type;
    vsdb_datum_clone(&datum, vsdb_row_get(row, column), type);
    for (int i = 4; i < ctx->argc; i++) {
        struct vsdb_type rm_type = *type;
        struct vsdb_datum rm;
        char *error;

        rm_type.n_min = 1;
        rm_type.n_max = VSDB_UNLIMITED;
        error = vsdb_datum_from_string(&rm, &rm_type, ctx->argv[i]);
        if (error && vsdb_type_is_map(&rm_type)) {
            /* A map also accepts a list of keys. */
            free(error);
            rm_type.value.type = VSDB_TYPE_VOID;
            error = vsdb_datum_from_string(&rm, &rm_type, ctx->argv[i]);
        }
        if (error) {
            ctx->error = error;
            vsdb_datum_destroy(&datum, type);
            return;
        }
        vsdb_datum_subtract(&datum, type, &rm, &rm_type);
        vsdb_datum_destroy(&rm, &rm_type);
    }
    if (datum.n < type->n_min) {
        vsctl_error(ctx, "\"remove\" operation would put %u %s in column %s "
                    "of table %s but the minimum number is %u", datum.n,
                    vsdb_type_is_map(type) ? "pairs" : "values",
                    vsdb_column(table, column)->name,
                    vsdb_tables[table].name, type->n_min);
        vsdb_datum_destroy(&datum, type);
        return;
    }
    vsdb_txn_write(ctx->txn, row, column, &datum);
}

static void
cmd_clear(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *row;
    enum vsdb_table_id table;

    if (!get_table_and_row(ctx, &table, &row)) {
        return;
    }
    for (int i = 3; i < ctx->argc; i++) {
        struct vsdb_datum empty;
        int column;

        ctx->error = get_column(table, ctx->argv[i], &column);
        if (!ctx->error) {
            ctx->error = check_mutable(table, column);
        }
        if (ctx->error) {
            return;
        }
        if (vsdb_column(table, column)->type.n_min > 0) {
            vsctl_error(ctx, "\"clear\" operation cannot be applied to "
                        "column %s of table %s, which is not allowed to be "
                        "empty", vsdb_column(table, column)->name,
                        vsdb_tables[table].name);
            return;
        }
        vsdb_datum_init_empty(&empty);
        vsdb_txn_write(ctx->txn, row, column, &empty);
    }
}

static void
cmd_destroy(struct vsctl_ctx *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    bool all = vsctl_has_option(ctx, "--all");
    enum vsdb_table_id table;

    ctx->error = get_table(ctx->argv[1], &table);
    if (ctx->error) {
        return;
    }
    if (all && ctx->argc > 2) {
        vsctl_error(ctx, "--all and records argument should not be "
                    "specified together");
        return;
    }
    if (all && !must_exist) {
        vsctl_error(ctx, "--all and --if-exists should not be specified "
                    "together");
        return;
    }
    if (table == VSDB_OPEN_VSWITCH) {
        vsctl_error(ctx, "cannot destroy the Open_vSwitch row");
        return;
    }
    if (all) {
        while (vsdb_count(vsctl_data(ctx), table)) {
            vsdb_txn_delete(ctx->txn, vsdb_row_at(vsctl_data(ctx), table, 0));
        }
        return;
    }
    for (int i = 2; i < ctx->argc; i++) {
        const struct vsdb_row *row;

        ctx->error = get_row(ctx, table, ctx->argv[i], must_exist, &row);
        if (ctx->error) {
            return;
        }
        if (row) {
            vsdb_txn_delete(ctx->txn, row);
        }
    }
}

static void
cmd_comment(struct vsctl_ctx *ctx)
{
    (void) ctx;
}

const struct vsctl_syntax vsctl_db_commands[] = {
    { "comment", 0, INT_MAX, "[ARG]...", cmd_comment, "" },
    { "get", 2, INT_MAX, "TABLE RECORD [COLUMN[:KEY]]...", cmd_get,
      "--if-exists" },
    { "list", 1, INT_MAX, "TABLE [RECORD]...", cmd_list,
      "--if-exists,--columns=" },
    { "find", 1, INT_MAX, "TABLE [COLUMN[:KEY]=VALUE]...", cmd_find,
      "--columns=" },
    { "set", 3, INT_MAX, "TABLE RECORD COLUMN[:KEY]=VALUE...", cmd_set,
      "--if-exists" },
    { "add", 4, INT_MAX, "TABLE RECORD COLUMN [KEY=]VALUE...", cmd_add,
      "--if-exists" },
    { "remove", 4, INT_MAX, "TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE...",
      cmd_remove, "--if-exists" },
    { "clear", 3, INT_MAX, "TABLE RECORD COLUMN...", cmd_clear,
      "--if-exists" },
    { "destroy", 1, INT_MAX, "TABLE [RECORD]...", cmd_destroy,
      "--if-exists,--all" },
    { NULL, 0, 0, NULL, NULL, NULL },
};
