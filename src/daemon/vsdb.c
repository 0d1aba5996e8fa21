/* vsdb.c: rows, transactions, commit checks, port numbering, observers and
 * runtime status of the switch configuration database.  See vsdb.h. */
#include "daemon/vsdb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/vsdb-private.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vsdb);
COVERAGE_DEFINE(vsdb_commit);
COVERAGE_DEFINE(vsdb_commit_error);
COVERAGE_DEFINE(vsdb_journal_error);

/* Rows. */

static size_t
row_size(enum vsdb_table_id table)
{
    return sizeof(struct vsdb_row)
           + vsdb_tables[table].n_columns * sizeof(struct vsdb_datum);
}

static struct vsdb_row *
row_create(enum vsdb_table_id table, const struct uuid *uuid, uint64_t seq)
{
    struct vsdb_row *row = xzalloc(row_size(table));

    row->uuid = *uuid;
    row->table = table;
    row->seq = seq;
    for (int i = 0; i < vsdb_tables[table].n_columns; i++) {
        vsdb_datum_init_default(&row->columns[i],
                                &vsdb_column(table, i)->type);
    }
    return row;
}

static struct vsdb_row *
row_clone(const struct vsdb_row *src)
{
    struct vsdb_row *row = xmalloc(row_size(src->table));

    row->uuid = src->uuid;
    row->table = src->table;
    row->seq = src->seq;
    for (int i = 0; i < vsdb_tables[src->table].n_columns; i++) {
        vsdb_datum_clone(&row->columns[i], &src->columns[i],
                         &vsdb_column(src->table, i)->type);
    }
    return row;
}

static void
row_free(struct vsdb_row *row)
{
    if (row) {
        for (int i = 0; i < vsdb_tables[row->table].n_columns; i++) {
            vsdb_datum_destroy(&row->columns[i],
                               &vsdb_column(row->table, i)->type);
        }
        free(row);
    }
}

/* Returns the index of UUID in ROWS, or where it would go; sets *FOUND. */
static size_t
rows_search(const struct vsdb_rows *rows, const struct uuid *uuid,
            bool *found)
{
    size_t lo = 0, hi = rows->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = uuid_compare_3way(&rows->rows[mid]->uuid, uuid);

        if (!cmp) {
            *found = true;
            return mid;
        } else if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = false;
    return lo;
}

/* Data sets. */

void
vsdb_data_init(struct vsdb_data *data)
{
    memset(data, 0, sizeof *data);
}

void
vsdb_data_destroy(struct vsdb_data *data)
{
    for (int t = 0; t < VSDB_N_TABLES; t++) {
        struct vsdb_rows *rows = &data->tables[t];

        for (size_t i = 0; i < rows->n; i++) {
            row_free(rows->rows[i]);
        }
        free(rows->rows);
    }
    vsdb_data_init(data);
}

void
vsdb_data_clone(struct vsdb_data *dst, const struct vsdb_data *src)
{
    vsdb_data_init(dst);
    dst->next_seq = src->next_seq;
    for (int t = 0; t < VSDB_N_TABLES; t++) {
        const struct vsdb_rows *from = &src->tables[t];
        struct vsdb_rows *to = &dst->tables[t];

        to->n = to->allocated = from->n;
        to->rows = from->n ? xmalloc(from->n * sizeof *to->rows) : NULL;
        for (size_t i = 0; i < from->n; i++) {
            to->rows[i] = row_clone(from->rows[i]);
        }
    }
}

void
vsdb_data_swap(struct vsdb_data *a, struct vsdb_data *b)
{
    struct vsdb_data tmp = *a;

    *a = *b;
    *b = tmp;
}

static bool
rows_differ(const struct vsdb_row *a, const struct vsdb_row *b,
            bool ignore_ephemeral)
{
    for (int i = 0; i < vsdb_tables[a->table].n_columns; i++) {
        const struct vsdb_column *column = vsdb_column(a->table, i);

        if (ignore_ephemeral && column->is_ephemeral) {
            continue;
        }
        if (!vsdb_datum_equals(&a->columns[i], &b->columns[i],
                               &column->type)) {
            return true;
        }
    }
    return false;
}

bool
vsdb_data_differs(const struct vsdb_data *a, const struct vsdb_data *b,
                  bool ignore_ephemeral)
{
    for (int t = 0; t < VSDB_N_TABLES; t++) {
        const struct vsdb_rows *ra = &a->tables[t], *rb = &b->tables[t];

        if (ra->n != rb->n) {
            return true;
        }
        for (size_t i = 0; i < ra->n; i++) {
            if (!uuid_equals(&ra->rows[i]->uuid, &rb->rows[i]->uuid)
                || rows_differ(ra->rows[i], rb->rows[i], ignore_ephemeral)) {
                return true;
            }
        }
    }
    return false;
}

struct vsdb_row *
vsdb_data_insert(struct vsdb_data *data, enum vsdb_table_id table,
                 const struct uuid *uuid)
{
    struct vsdb_rows *rows = &data->tables[table];
    struct vsdb_row *row;
    bool found;
    size_t idx = rows_search(rows, uuid, &found);

    vx_assert(!found);
    row = row_create(table, uuid, data->next_seq++);
    if (rows->n >= rows->allocated) {
        rows->rows = x2nrealloc(rows->rows, &rows->allocated,
                                sizeof *rows->rows);
    }
    memmove(&rows->rows[idx + 1], &rows->rows[idx],
            (rows->n - idx) * sizeof *rows->rows);
    rows->rows[idx] = row;
    rows->n++;
    return row;
}

void
vsdb_data_delete(struct vsdb_data *data, struct vsdb_row *row)
{
    struct vsdb_rows *rows = &data->tables[row->table];
    bool found;
    size_t idx = rows_search(rows, &row->uuid, &found);

    vx_assert(found && rows->rows[idx] == row);
    memmove(&rows->rows[idx], &rows->rows[idx + 1],
            (rows->n - idx - 1) * sizeof *rows->rows);
    rows->n--;
    row_free(row);
}

struct vsdb_row *
vsdb_data_get_mutable(struct vsdb_data *data, enum vsdb_table_id table,
                      const struct uuid *uuid)
{
    struct vsdb_rows *rows = &data->tables[table];
    bool found;
    size_t idx = rows_search(rows, uuid, &found);

    return found ? rows->rows[idx] : NULL;
}

void
vsdb_row_put(struct vsdb_row *row, int column, struct vsdb_datum *value)
{
    struct vsdb_datum *datum = &row->columns[column];

    vsdb_datum_destroy(datum, &vsdb_column(row->table, column)->type);
    *datum = *value;
    vsdb_datum_init_empty(value);
}

/* Reading. */

size_t
vsdb_count(const struct vsdb_data *data, enum vsdb_table_id table)
{
    return data->tables[table].n;
}

const struct vsdb_row *
vsdb_row_at(const struct vsdb_data *data, enum vsdb_table_id table,
            size_t idx)
{
    vx_assert(idx < data->tables[table].n);
    return data->tables[table].rows[idx];
}

const struct vsdb_row *
vsdb_get_row(const struct vsdb_data *data, enum vsdb_table_id table,
             const struct uuid *uuid)
{
    return vsdb_data_get_mutable((struct vsdb_data *) data, table, uuid);
}

const struct vsdb_row *
vsdb_find_row(const struct vsdb_data *data, enum vsdb_table_id table,
              const char *name)
{
    int column = vsdb_tables[table].name_column;
    const struct vsdb_rows *rows = &data->tables[table];

    if (column < 0) {
        return NULL;
    }
    for (size_t i = 0; i < rows->n; i++) {
        const struct vsdb_datum *datum = &rows->rows[i]->columns[column];

        if (datum->n == 1 && !strcmp(datum->keys[0].string, name)) {
            return rows->rows[i];
        }
    }
    return NULL;
}

const struct vsdb_row *
vsdb_root(const struct vsdb_data *data)
{
    return (data->tables[VSDB_OPEN_VSWITCH].n
            ? data->tables[VSDB_OPEN_VSWITCH].rows[0] : NULL);
}

const struct vsdb_datum *
vsdb_row_get(const struct vsdb_row *row, int column)
{
    vx_assert(column >= 0 && column < vsdb_tables[row->table].n_columns);
    return &row->columns[column];
}

const char *
vsdb_row_get_string(const struct vsdb_row *row, int column)
{
    const struct vsdb_datum *datum = vsdb_row_get(row, column);

    vx_assert(vsdb_column(row->table, column)->type.key.type
              == VSDB_TYPE_STRING);
    return datum->n ? datum->keys[0].string : NULL;
}

bool
vsdb_row_get_integer(const struct vsdb_row *row, int column, int64_t *value)
{
    const struct vsdb_datum *datum = vsdb_row_get(row, column);

    vx_assert(vsdb_column(row->table, column)->type.key.type
              == VSDB_TYPE_INTEGER);
    if (!datum->n) {
        return false;
    }
    *value = datum->keys[0].integer;
    return true;
}

bool
vsdb_row_get_boolean(const struct vsdb_row *row, int column)
{
    const struct vsdb_datum *datum = vsdb_row_get(row, column);

    vx_assert(vsdb_column(row->table, column)->type.key.type
              == VSDB_TYPE_BOOLEAN);
    return datum->n && datum->keys[0].boolean;
}

const char *
vsdb_row_get_smap(const struct vsdb_row *row, int column, const char *key)
{
    const struct vsdb_type *type = &vsdb_column(row->table, column)->type;

    vx_assert(type->key.type == VSDB_TYPE_STRING
              && type->value.type == VSDB_TYPE_STRING);
    return vsdb_datum_get_smap(vsdb_row_get(row, column), key);
}

const char *
vsdb_row_name(const struct vsdb_row *row)
{
    int column = vsdb_tables[row->table].name_column;

    return column < 0 ? NULL : vsdb_row_get_string(row, column);
}

const struct vsdb_row *
vsdb_row_ref(const struct vsdb_data *data, const struct vsdb_row *row,
             int column, unsigned int idx)
{
    const struct vsdb_type *type = &vsdb_column(row->table, column)->type;
    const struct vsdb_datum *datum = vsdb_row_get(row, column);

    vx_assert(type->key.type == VSDB_TYPE_UUID && type->key.ref_table >= 0);
    vx_assert(idx < datum->n);
    return vsdb_get_row(data, type->key.ref_table, &datum->keys[idx].uuid);
}

/* Returns the row of TABLE whose reference set COLUMN holds CHILD. */
static const struct vsdb_row *
find_referrer(const struct vsdb_data *data, enum vsdb_table_id table,
              int column, const struct vsdb_row *child)
{
    const struct vsdb_row *row;
    union vsdb_atom key = { .uuid = child->uuid };
    size_t i;

    VSDB_FOR_EACH_ROW (row, i, table, data) {
        if (vsdb_datum_find_key(vsdb_row_get(row, column), &key,
                                VSDB_TYPE_UUID) != UINT_MAX) {
            return row;
        }
    }
    return NULL;
}

const struct vsdb_row *
vsdb_port_bridge(const struct vsdb_data *data, const struct vsdb_row *port)
{
    return find_referrer(data, VSDB_BRIDGE, VSDB_BR_PORTS, port);
}

const struct vsdb_row *
vsdb_iface_port(const struct vsdb_data *data, const struct vsdb_row *iface)
{
    return find_referrer(data, VSDB_PORT, VSDB_PORT_INTERFACES, iface);
}

/* Garbage collection and checks. */

void
vsdb_data_collect_garbage(struct vsdb_data *data)
{
    bool deleted;

    /* Tables form a DAG from the root, so deleting unreferenced rows until
     * nothing changes removes every unreachable row. */
    do {
        bool *marks[VSDB_N_TABLES];

        for (int t = 0; t < VSDB_N_TABLES; t++) {
            size_t n = data->tables[t].n;

            marks[t] = xcalloc(n ? n : 1, sizeof *marks[t]);
        }
        for (int s = 0; s < VSDB_N_TABLES; s++) {
            const struct vsdb_rows *rows = &data->tables[s];

            for (int c = 0; c < vsdb_tables[s].n_columns; c++) {
                int ref = vsdb_column(s, c)->type.key.ref_table;

                if (ref < 0) {
                    continue;
                }
                for (size_t r = 0; r < rows->n; r++) {
                    const struct vsdb_datum *datum
                        = &rows->rows[r]->columns[c];

                    for (unsigned int k = 0; k < datum->n; k++) {
                        bool found;
                        size_t idx = rows_search(&data->tables[ref],
                                                 &datum->keys[k].uuid,
                                                 &found);
                        if (found) {
                            marks[ref][idx] = true;
                        }
                    }
                }
            }
        }

        deleted = false;
        for (int t = 0; t < VSDB_N_TABLES; t++) {
            struct vsdb_rows *rows = &data->tables[t];

            if (!vsdb_tables[t].is_root) {
                for (size_t i = rows->n; i-- > 0; ) {
                    if (!marks[t][i]) {
                        vsdb_data_delete(data, rows->rows[i]);
                        deleted = true;
                    }
                }
            }
            free(marks[t]);
        }
    } while (deleted);
}

static char *
check_row(const struct vsdb_data *data, const struct vsdb_row *row)
{
    const struct vsdb_table_class *class = &vsdb_tables[row->table];

    for (int c = 0; c < class->n_columns; c++) {
        const struct vsdb_column *column = &class->columns[c];
        const struct vsdb_datum *datum = &row->columns[c];
        char *error = vsdb_datum_check(datum, &column->type);

        if (error) {
            char *msg = xasprintf("%s row " UUID_FMT " column %s: %s",
                                  class->name, UUID_ARGS(&row->uuid),
                                  column->name, error);
            free(error);
            return msg;
        }
        if (column->type.key.ref_table < 0) {
            continue;
        }
        for (unsigned int i = 0; i < datum->n; i++) {
            int ref_table = column->type.key.ref_table;

            if (!vsdb_get_row(data, ref_table, &datum->keys[i].uuid)) {
                return xasprintf("referential integrity violation: Table "
                                 "%s column %s row " UUID_FMT " references "
                                 "nonexistent row " UUID_FMT " in table %s",
                                 class->name, column->name,
                                 UUID_ARGS(&row->uuid),
                                 UUID_ARGS(&datum->keys[i].uuid),
                                 vsdb_tables[ref_table].name);
            }
        }
    }
    return NULL;
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;

    return strcmp(*a, *b);
}

char *
vsdb_data_check(const struct vsdb_data *data)
{
    for (int t = 0; t < VSDB_N_TABLES; t++) {
        const struct vsdb_table_class *class = &vsdb_tables[t];
        const struct vsdb_rows *rows = &data->tables[t];
        const char **names;
        char *error = NULL;

        if (class->max_rows && rows->n > class->max_rows) {
            return xasprintf("transaction causes \"%s\" table to contain "
                             "%zu rows, greater than the schema-defined "
                             "limit of %u row(s)", class->name, rows->n,
                             class->max_rows);
        }
        for (size_t i = 0; i < rows->n; i++) {
            error = check_row(data, rows->rows[i]);
            if (error) {
                return error;
            }
        }
        if (!class->unique_name || rows->n < 2) {
            continue;
        }
        names = xmalloc(rows->n * sizeof *names);
        for (size_t i = 0; i < rows->n; i++) {
            names[i] = vsdb_row_name(rows->rows[i]);
        }
        qsort(names, rows->n, sizeof *names, compare_strings);
        for (size_t i = 1; i < rows->n; i++) {
            if (!strcmp(names[i - 1], names[i])) {
                struct ds s = DS_EMPTY_INITIALIZER;
                union vsdb_atom atom = { .string = (char *) names[i] };

                vsdb_atom_to_string(&atom, VSDB_TYPE_STRING, &s);
                error = xasprintf("transaction causes multiple rows in "
                                  "\"%s\" table to have identical values "
                                  "(%s) for index on column \"%s\"",
                                  class->name, ds_cstr(&s),
                                  class->columns[class->name_column].name);
                ds_destroy(&s);
                break;
            }
        }
        free(names);
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* OpenFlow port numbering. */

/* Stores in *IFACESP the interfaces of BRIDGE, sorted by creation order,
 * and returns how many there are. */
static size_t
bridge_ifaces(struct vsdb_data *data, const struct vsdb_row *bridge,
              struct vsdb_row ***ifacesp)
{
    struct vsdb_row **ifaces = NULL;
    size_t n = 0, allocated = 0;
    const struct vsdb_row *port, *iface;
    unsigned int i, j;

    VSDB_FOR_EACH_REF (port, i, bridge, VSDB_BR_PORTS, data) {
        VSDB_FOR_EACH_REF (iface, j, port, VSDB_PORT_INTERFACES, data) {
            if (n >= allocated) {
                ifaces = x2nrealloc(ifaces, &allocated, sizeof *ifaces);
            }
            ifaces[n++] = (struct vsdb_row *) iface;
        }
    }
    for (size_t a = 1; a < n; a++) {
        struct vsdb_row *x = ifaces[a];
        size_t b = a;

        for (; b > 0 && ifaces[b - 1]->seq > x->seq; b--) {
            ifaces[b] = ifaces[b - 1];
        }
        ifaces[b] = x;
    }
    *ifacesp = ifaces;
    return n;
}

static void
set_ofport(struct vsdb_row *iface, int64_t ofport)
{
    struct vsdb_datum datum;

    datum.n = 1;
    datum.keys = xmalloc(sizeof *datum.keys);
    datum.keys[0].integer = ofport;
    datum.values = NULL;
    vsdb_row_put(iface, VSDB_IFACE_OFPORT, &datum);
}

static bool
is_local_iface(const struct vsdb_row *bridge, const struct vsdb_row *iface)
{
    return !strcmp(vsdb_row_name(bridge), vsdb_row_name(iface));
}

/* Returns the number IFACE should get given the numbers in USED: its
 * request when free, else the lowest free number, else -1. */
static int64_t
pick_ofport(const struct vsdb_row *iface, const uint8_t *used)
{
    int64_t request;

    if (vsdb_row_get_integer(iface, VSDB_IFACE_OFPORT_REQUEST, &request)
        && request >= 1 && request <= VSDB_OFPORT_MAX && !used[request]) {
        return request;
    }
    for (int64_t p = 1; p <= VSDB_OFPORT_MAX; p++) {
        if (!used[p]) {
            return p;
        }
    }
    return -1;
}

static void
assign_bridge_ofports(struct vsdb_data *data, const struct vsdb_row *bridge)
{
    uint8_t *used = xzalloc(VSDB_OFPORT_LOCAL + 1);
    struct vsdb_row **ifaces;
    size_t n = bridge_ifaces(data, bridge, &ifaces);
    bool *needs = xcalloc(n ? n : 1, sizeof *needs);

    /* Numbers already held, in creation order; a later holder of a
     * duplicate number gets a new one. */
    for (size_t i = 0; i < n; i++) {
        int64_t ofport;

        if (is_local_iface(bridge, ifaces[i])) {
            if (!vsdb_row_get_integer(ifaces[i], VSDB_IFACE_OFPORT, &ofport)
                || (ofport != -1 && ofport != VSDB_OFPORT_LOCAL)) {
                set_ofport(ifaces[i], VSDB_OFPORT_LOCAL);
            }
        } else if (!vsdb_row_get_integer(ifaces[i], VSDB_IFACE_OFPORT,
                                         &ofport)) {
            needs[i] = true;
        } else if (ofport == -1) {
            /* Failed interfaces hold no number until they recover. */
        } else if (ofport < 1 || ofport > VSDB_OFPORT_MAX || used[ofport]) {
            needs[i] = true;
        } else {
            used[ofport] = 1;
        }
    }

    /* Interfaces whose ofport_request changed move to it when free. */
    for (size_t i = 0; i < n; i++) {
        int64_t ofport, request;

        if (!needs[i] && !is_local_iface(bridge, ifaces[i])
            && vsdb_row_get_integer(ifaces[i], VSDB_IFACE_OFPORT, &ofport)
            && ofport > 0
            && vsdb_row_get_integer(ifaces[i], VSDB_IFACE_OFPORT_REQUEST,
                                    &request)
            && request != ofport && request >= 1
            && request <= VSDB_OFPORT_MAX && !used[request]) {
            used[ofport] = 0;
            used[request] = 1;
            set_ofport(ifaces[i], request);
        }
    }

    /* New interfaces, in creation order. */
    for (size_t i = 0; i < n; i++) {
        if (needs[i]) {
            int64_t ofport = pick_ofport(ifaces[i], used);

            if (ofport > 0) {
                used[ofport] = 1;
            }
            set_ofport(ifaces[i], ofport);
        }
    }

    free(needs);
    free(ifaces);
    free(used);
}

void
vsdb_data_assign_ofports(struct vsdb_data *data)
{
    const struct vsdb_row *bridge;
    size_t i;

    VSDB_FOR_EACH_ROW (bridge, i, VSDB_BRIDGE, data) {
        assign_bridge_ofports(data, bridge);
    }
}

/* Opening and closing. */

static void
add_func(void *arrayp_, size_t *n, size_t *allocated, size_t elem_size,
         const void *elem)
{
    void **arrayp = arrayp_;

    if (*n >= *allocated) {
        *arrayp = x2nrealloc(*arrayp, allocated, elem_size);
    }
    memcpy((char *) *arrayp + *n * elem_size, elem, elem_size);
    (*n)++;
}

int
vsdb_open(const char *path, struct vsdb **dbp)
{
    struct vsdb *db = xzalloc(sizeof *db);
    int error;

    *dbp = NULL;
    vsdb_data_init(&db->data);
    if (path) {
        error = vsdb_journal_open(path, &db->data, &db->journal);
        if (error) {
            vsdb_data_destroy(&db->data);
            free(db);
            return error;
        }
    }
    vsdb_add_validator(db, vsdb_iface_validate, NULL);

    if (!vsdb_root(&db->data)) {
        struct vsdb_txn *txn = vsdb_txn_begin(db);
        char *msg;

        vsdb_txn_insert(txn, VSDB_OPEN_VSWITCH);
        msg = vsdb_txn_commit(txn);
        if (msg) {
            VLOG_ERR("%s: cannot initialise database: %s",
                     path ? path : "(memory)", msg);
            free(msg);
            vsdb_close(db);
            return EIO;
        }
    }
    *dbp = db;
    return 0;
}

void
vsdb_close(struct vsdb *db)
{
    if (db) {
        vx_assert(!db->in_txn);
        vsdb_journal_close(db->journal);
        vsdb_data_destroy(&db->data);
        free(db->observers);
        free(db->validators);
        free(db);
    }
}

const struct vsdb_data *
vsdb_get_data(const struct vsdb *db)
{
    return &db->data;
}

uint64_t
vsdb_get_seqno(const struct vsdb *db)
{
    return db->seqno;
}

/* Transactions. */

struct vsdb_txn *
vsdb_txn_begin(struct vsdb *db)
{
    struct vsdb_txn *txn = xzalloc(sizeof *txn);

    vx_assert(!db->in_txn && !db->in_observers);
    db->in_txn = true;
    txn->db = db;
    vsdb_data_clone(&txn->data, &db->data);
    return txn;
}

const struct vsdb_data *
vsdb_txn_data(const struct vsdb_txn *txn)
{
    return &txn->data;
}

/* Returns ROW as a writable row of TXN's working copy. */
static struct vsdb_row *
txn_row(struct vsdb_txn *txn, const struct vsdb_row *row)
{
    struct vsdb_row *mutable = vsdb_data_get_mutable(&txn->data, row->table,
                                                     &row->uuid);

    vx_assert(mutable == row);
    return mutable;
}

const struct vsdb_row *
vsdb_txn_insert(struct vsdb_txn *txn, enum vsdb_table_id table)
{
    struct uuid uuid;

    do {
        uuid_generate(&uuid);
    } while (vsdb_get_row(&txn->data, table, &uuid));
    return vsdb_data_insert(&txn->data, table, &uuid);
}

void
vsdb_txn_delete(struct vsdb_txn *txn, const struct vsdb_row *row)
{
    vsdb_data_delete(&txn->data, txn_row(txn, row));
}

void
vsdb_txn_write(struct vsdb_txn *txn, const struct vsdb_row *row,
               int column, struct vsdb_datum *value)
{
    vsdb_row_put(txn_row(txn, row), column, value);
}

void
vsdb_txn_set_string(struct vsdb_txn *txn, const struct vsdb_row *row,
                    int column, const char *value)
{
    struct vsdb_datum datum;

    vsdb_datum_init_empty(&datum);
    if (value) {
        datum.n = 1;
        datum.keys = xmalloc(sizeof *datum.keys);
        datum.keys[0].string = xstrdup(value);
    }
    vsdb_txn_write(txn, row, column, &datum);
}

void
vsdb_txn_set_integer(struct vsdb_txn *txn, const struct vsdb_row *row,
                     int column, bool has_value, int64_t value)
{
    struct vsdb_datum datum;

    vsdb_datum_init_empty(&datum);
    if (has_value) {
        datum.n = 1;
        datum.keys = xmalloc(sizeof *datum.keys);
        datum.keys[0].integer = value;
    }
    vsdb_txn_write(txn, row, column, &datum);
}

void
vsdb_txn_set_smap(struct vsdb_txn *txn, const struct vsdb_row *row,
                  int column, const char *key, const char *value)
{
    struct vsdb_row *r = txn_row(txn, row);
    const struct vsdb_type *type = &vsdb_column(r->table, column)->type;
    struct vsdb_datum *datum = &r->columns[column];
    union vsdb_atom k = { .string = xstrdup(key) };

    if (value) {
        union vsdb_atom v = { .string = xstrdup(value) };

        vsdb_datum_put(datum, &k, &v, type, true);
    } else {
        unsigned int idx = vsdb_datum_find_key(datum, &k, VSDB_TYPE_STRING);

        if (idx != UINT_MAX) {
            vsdb_datum_remove_at(datum, idx, type);
        }
        free(k.string);
    }
}

void
vsdb_txn_add_ref(struct vsdb_txn *txn, const struct vsdb_row *row,
                 int column, const struct vsdb_row *target)
{
    struct vsdb_row *r = txn_row(txn, row);
    const struct vsdb_type *type = &vsdb_column(r->table, column)->type;
    union vsdb_atom key = { .uuid = target->uuid };

    vx_assert(type->key.ref_table == (int) target->table);
    vsdb_datum_put(&r->columns[column], &key, NULL, type, false);
}

void
vsdb_txn_remove_ref(struct vsdb_txn *txn, const struct vsdb_row *row,
                    int column, const struct vsdb_row *target)
{
    struct vsdb_row *r = txn_row(txn, row);
    const struct vsdb_type *type = &vsdb_column(r->table, column)->type;
    union vsdb_atom key = { .uuid = target->uuid };
    unsigned int idx = vsdb_datum_find_key(&r->columns[column], &key,
                                           VSDB_TYPE_UUID);

    if (idx != UINT_MAX) {
        vsdb_datum_remove_at(&r->columns[column], idx, type);
    }
}

static void
txn_free(struct vsdb_txn *txn)
{
    txn->db->in_txn = false;
    vsdb_data_destroy(&txn->data);
    free(txn);
}

void
vsdb_txn_abort(struct vsdb_txn *txn)
{
    if (txn) {
        txn_free(txn);
    }
}

static void
run_observers(struct vsdb *db)
{
    db->in_observers = true;
    for (size_t i = 0; i < db->n_observers; i++) {
        db->observers[i].func(db, db->observers[i].aux);
    }
    db->in_observers = false;
}

static void
maybe_compact(struct vsdb *db)
{
    if (db->journal && vsdb_journal_wants_compaction(db->journal)) {
        int error = vsdb_journal_compact(db->journal, &db->data);

        if (error) {
            COVERAGE_INC(vsdb_journal_error);
            VLOG_WARN("compacting the database journal failed (%s)",
                      vx_strerror(error));
        }
    }
}

char *
vsdb_txn_commit(struct vsdb_txn *txn)
{
    struct vsdb *db = txn->db;
    char *error;

    vsdb_data_collect_garbage(&txn->data);
    error = vsdb_data_check(&txn->data);
    if (error) {
        goto fail;
    }
    vsdb_data_assign_ofports(&txn->data);
    for (size_t i = 0; i < db->n_validators; i++) {
        error = db->validators[i].func(&db->data, &txn->data,
                                       db->validators[i].aux);
        if (error) {
            goto fail;
        }
    }

    if (!vsdb_data_differs(&db->data, &txn->data, false)) {
        txn_free(txn);
        return NULL;
    }
    if (db->journal) {
        json_t *diff = vsdb_journal_diff(&db->data, &txn->data);

        if (diff) {
            int retval = vsdb_journal_write(db->journal, diff);

            if (retval) {
                COVERAGE_INC(vsdb_journal_error);
                error = xasprintf("could not write database journal (%s)",
                                  vx_strerror(retval));
                goto fail;
            }
        }
    }

    COVERAGE_INC(vsdb_commit);
    vsdb_data_swap(&db->data, &txn->data);
    txn_free(txn);
    db->seqno++;
    run_observers(db);
    maybe_compact(db);
    return NULL;

fail:
    COVERAGE_INC(vsdb_commit_error);
    txn_free(txn);
    return error;
}

/* Observers and validators. */

void
vsdb_add_observer(struct vsdb *db, vsdb_observer_func *func, void *aux)
{
    struct vsdb_observer o = { func, aux };

    add_func(&db->observers, &db->n_observers, &db->allocated_observers,
             sizeof o, &o);
}

void
vsdb_remove_observer(struct vsdb *db, vsdb_observer_func *func, void *aux)
{
    for (size_t i = 0; i < db->n_observers; i++) {
        if (db->observers[i].func == func && db->observers[i].aux == aux) {
            memmove(&db->observers[i], &db->observers[i + 1],
                    (db->n_observers - i - 1) * sizeof *db->observers);
            db->n_observers--;
            return;
        }
    }
}

void
vsdb_add_validator(struct vsdb *db, vsdb_validator_func *func, void *aux)
{
    struct vsdb_validator v = { func, aux };

    add_func(&db->validators, &db->n_validators, &db->allocated_validators,
             sizeof v, &v);
}

/* Runtime status. */

/* Journals column COLUMN of committed row ROW, logging a failure. */
static int
journal_column(struct vsdb *db, const struct vsdb_row *row, int column)
{
    int error;

    if (!db->journal) {
        return 0;
    }
    error = vsdb_journal_write(db->journal,
                               vsdb_journal_row_change(row, column));
    if (error) {
        COVERAGE_INC(vsdb_journal_error);
        VLOG_ERR("could not journal %s column %s (%s)",
                 vsdb_tables[row->table].name,
                 vsdb_column(row->table, column)->name, vx_strerror(error));
    }
    return error;
}

static struct vsdb_row *
find_mutable(struct vsdb *db, enum vsdb_table_id table, const char *name)
{
    return (struct vsdb_row *) vsdb_find_row(&db->data, table, name);
}

/* Gives IFACE, which has no usable number, one on its bridge. */
static int64_t
renumber_iface(struct vsdb *db, const struct vsdb_row *iface)
{
    const struct vsdb_row *port = vsdb_iface_port(&db->data, iface);
    const struct vsdb_row *bridge = (port
                                     ? vsdb_port_bridge(&db->data, port)
                                     : NULL);
    struct vsdb_row **ifaces;
    uint8_t *used;
    int64_t ofport;
    size_t n;

    if (!bridge) {
        return -1;
    }
    if (is_local_iface(bridge, iface)) {
        return VSDB_OFPORT_LOCAL;
    }
    used = xzalloc(VSDB_OFPORT_LOCAL + 1);
    n = bridge_ifaces(&db->data, bridge, &ifaces);
    for (size_t i = 0; i < n; i++) {
        if (ifaces[i] != iface
            && vsdb_row_get_integer(ifaces[i], VSDB_IFACE_OFPORT, &ofport)
            && ofport > 0 && ofport <= VSDB_OFPORT_LOCAL) {
            used[ofport] = 1;
        }
    }
    ofport = pick_ofport(iface, used);
    free(ifaces);
    free(used);
    return ofport;
}

int
vsdb_iface_set_status(struct vsdb *db, const char *name, const char *error)
{
    struct vsdb_row *iface = find_mutable(db, VSDB_INTERFACE, name);
    const char *old_error;
    int64_t ofport, new_ofport;
    bool has_ofport;

    if (!iface) {
        return ENOENT;
    }
    old_error = vsdb_row_get_string(iface, VSDB_IFACE_ERROR);
    if (!old_error != !error || (error && strcmp(error, old_error))) {
        struct vsdb_datum datum;

        vsdb_datum_init_empty(&datum);
        if (error) {
            datum.n = 1;
            datum.keys = xmalloc(sizeof *datum.keys);
            datum.keys[0].string = xstrdup(error);
        }
        vsdb_row_put(iface, VSDB_IFACE_ERROR, &datum);
    }

    has_ofport = vsdb_row_get_integer(iface, VSDB_IFACE_OFPORT, &ofport);
    if (error) {
        new_ofport = -1;
    } else if (!has_ofport || ofport <= 0) {
        new_ofport = renumber_iface(db, iface);
    } else {
        new_ofport = ofport;
    }
    if (!has_ofport || new_ofport != ofport) {
        set_ofport(iface, new_ofport);
        journal_column(db, iface, VSDB_IFACE_OFPORT);
    }
    return 0;
}

int
vsdb_iface_set_mtu(struct vsdb *db, const char *name, int64_t mtu)
{
    struct vsdb_row *iface = find_mutable(db, VSDB_INTERFACE, name);
    struct vsdb_datum datum;

    if (!iface) {
        return ENOENT;
    }
    vsdb_datum_init_empty(&datum);
    if (mtu > 0) {
        datum.n = 1;
        datum.keys = xmalloc(sizeof *datum.keys);
        datum.keys[0].integer = mtu;
    }
    vsdb_row_put(iface, VSDB_IFACE_MTU, &datum);
    return 0;
}

int
vsdb_set_is_connected(struct vsdb *db, enum vsdb_table_id table,
                      const struct uuid *uuid, bool connected)
{
    struct vsdb_row *row;
    int column;

    if (table == VSDB_CONTROLLER) {
        column = VSDB_CTRL_IS_CONNECTED;
    } else if (table == VSDB_MANAGER) {
        column = VSDB_MGR_IS_CONNECTED;
    } else {
        return EINVAL;
    }
    row = vsdb_data_get_mutable(&db->data, table, uuid);
    if (!row) {
        return ENOENT;
    }
    row->columns[column].keys[0].boolean = connected;
    return 0;
}

/* Journal. */

int
vsdb_compact(struct vsdb *db)
{
    return db->journal ? vsdb_journal_compact(db->journal, &db->data) : 0;
}

void
vsdb_set_compaction(struct vsdb *db, unsigned int min_records,
                    unsigned int factor)
{
    if (db->journal) {
        vsdb_journal_set_compaction(db->journal, min_records, factor);
    }
}

void
vsdb_memory_report(const struct vsdb *db, struct ds *out)
{
    for (int t = 0; t < VSDB_N_TABLES; t++) {
        ds_put_format(out, "%s%s:%zu", t ? " " : "", vsdb_tables[t].name,
                      db->data.tables[t].n);
    }
    if (db->journal) {
        ds_put_char(out, ' ');
        vsdb_journal_report(db->journal, out);
    }
    ds_put_char(out, '\n');
}
