/* vsdb-journal.c: the append-only journal behind the switch configuration
 * database: one checksummed JSON record per committed transaction, replay
 * with recovery from a truncated or corrupt tail, and compaction into a
 * snapshot.  See vsdb.h for the format. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/vsdb-private.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vsdb_journal);
COVERAGE_DEFINE(vsdb_journal_truncated);
COVERAGE_DEFINE(vsdb_journal_compacted);

/* Flags for every JSON record we write and check. */
#define RECORD_DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

/* What replaying a journal learns about it. */
struct replay_state {
    uint64_t next_seq;          /* Sequence number of the next record. */
    unsigned int n_records;     /* Records in the file. */
    off_t snapshot_size;        /* Bytes of the leading snapshot record, or
                                 * 0 if the file does not start with one. */
};

struct vsdb_journal {
    char *path;                 /* Journal file name. */
    int fd;                     /* Open for appending. */
    off_t size;                 /* Bytes in the file. */
    struct replay_state state;  /* Sequence and size counters. */
    unsigned int min_records;   /* Compaction threshold: records. */
    unsigned int factor;        /* Compaction threshold: growth factor. */
};

uint32_t
vsdb_crc32(const void *p_, size_t n)
{
    static uint32_t table[256];
    const uint8_t *p = p_;
    uint32_t crc = 0xffffffffu;

    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;

            for (int k = 0; k < 8; k++) {
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
    }
    for (size_t i = 0; i < n; i++) {
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    }
    return crc ^ 0xffffffffu;
}


/* Diffs. */

static int
table_by_name(const char *name)
{
    for (int t = 0; t < VSDB_N_TABLES; t++) {
        if (!strcmp(vsdb_tables[t].name, name)) {
            return t;
        }
    }
    return -1;
}

static int
column_by_name(enum vsdb_table_id table, const char *name)
{
    for (int c = 0; c < vsdb_tables[table].n_columns; c++) {
        if (!strcmp(vsdb_column(table, c)->name, name)) {
            return c;
        }
    }
    return -1;
}

static char *
uuid_text(const struct uuid *uuid)
{
    return xasprintf(UUID_FMT, UUID_ARGS(uuid));
}

/* Adds ROW_JSON for ROW of TABLE to DIFF (creating DIFF's table object when
 * needed). */
static void
diff_add(json_t *diff, enum vsdb_table_id table, const struct uuid *uuid,
         json_t *row_json)
{
    json_t *rows = json_object_get(diff, vsdb_tables[table].name);
    char *key = uuid_text(uuid);

    if (!rows) {
        rows = json_object();
        json_object_set_new(diff, vsdb_tables[table].name, rows);
    }
    json_object_set_new(rows, key, row_json);
    free(key);
}

/* Returns the persistent columns of NEW that differ from OLD (all
 * non-default ones when OLD is NULL), or NULL if none. */
static json_t *
row_diff(const struct vsdb_row *old, const struct vsdb_row *new)
{
    json_t *json = NULL;

    for (int c = 0; c < vsdb_tables[new->table].n_columns; c++) {
        const struct vsdb_column *column = vsdb_column(new->table, c);
        const struct vsdb_datum *datum = vsdb_row_get(new, c);

        if (column->is_ephemeral
            || (old ? vsdb_datum_equals(vsdb_row_get(old, c), datum,
                                        &column->type)
                    : vsdb_datum_is_default(datum, &column->type))) {
            continue;
        }
        if (!json) {
            json = json_object();
        }
        json_object_set_new(json, column->name,
                            vsdb_datum_to_json(datum, &column->type));
    }
    return json;
}

json_t *
vsdb_journal_diff(const struct vsdb_data *old, const struct vsdb_data *new)
{
    json_t *diff = json_object();

    for (int t = 0; t < VSDB_N_TABLES; t++) {
        size_t n_old = old ? vsdb_count(old, t) : 0;
        size_t n_new = vsdb_count(new, t);
        size_t i = 0, j = 0;

        /* Both tables are sorted by UUID: merge them. */
        while (i < n_old || j < n_new) {
            const struct vsdb_row *a = i < n_old ? vsdb_row_at(old, t, i)
                                                 : NULL;
            const struct vsdb_row *b = j < n_new ? vsdb_row_at(new, t, j)
                                                 : NULL;
            int cmp = !a ? 1 : !b ? -1 : uuid_compare_3way(&a->uuid,
                                                           &b->uuid);

            if (cmp < 0) {
                diff_add(diff, t, &a->uuid, json_null());
                i++;
            } else if (cmp > 0) {
                json_t *row = row_diff(NULL, b);

                diff_add(diff, t, &b->uuid, row ? row : json_object());
                j++;
            } else {
                json_t *row = row_diff(a, b);

                if (row) {
                    diff_add(diff, t, &b->uuid, row);
                }
                i++;
                j++;
            }
        }
    }
    if (!json_object_size(diff)) {
        json_decref(diff);
        return NULL;
    }
    return diff;
}

json_t *
vsdb_journal_row_change(const struct vsdb_row *row, int column)
{
    const struct vsdb_column *c = vsdb_column(row->table, column);
    json_t *diff = json_object();
    json_t *row_json = json_object();

    json_object_set_new(row_json, c->name,
                        vsdb_datum_to_json(vsdb_row_get(row, column),
                                           &c->type));
    diff_add(diff, row->table, &row->uuid, row_json);
    return diff;
}

/* Applies the row changes in JSON ({TABLE: {UUID: ROW-or-null}}) to DATA.
 * With SNAPSHOT, every row must be new.  Returns NULL or an error (DATA
 * may then be partly changed). */
static char *
apply_changes(struct vsdb_data *data, const json_t *json, bool snapshot)
{
    const char *table_name;
    json_t *rows;

    if (!json_is_object(json)) {
        return xstrdup("changes are not a JSON object");
    }
    json_object_foreach ((json_t *) json, table_name, rows) {
        int table = table_by_name(table_name);
        const char *uuid_string;
        json_t *row_json;

        if (table < 0) {
            return xasprintf("unknown table \"%s\"", table_name);
        }
        if (!json_is_object(rows)) {
            return xasprintf("rows of table %s are not an object",
                             table_name);
        }
        json_object_foreach (rows, uuid_string, row_json) {
            struct vsdb_row *row;
            struct uuid uuid;
            const char *column_name;
            json_t *value;

            if (!uuid_from_string(&uuid, uuid_string)) {
                return xasprintf("\"%s\" is not a valid UUID", uuid_string);
            }
            row = vsdb_data_get_mutable(data, table, &uuid);
            if (json_is_null(row_json)) {
                if (!row || snapshot) {
                    return xasprintf("deletes nonexistent %s row %s",
                                     table_name, uuid_string);
                }
                vsdb_data_delete(data, row);
                continue;
            }
            if (!json_is_object(row_json)) {
                return xasprintf("%s row %s is not an object", table_name,
                                 uuid_string);
            }
            if (!row) {
                row = vsdb_data_insert(data, table, &uuid);
            } else if (snapshot) {
                return xasprintf("snapshot has %s row %s twice", table_name,
                                 uuid_string);
            }
            json_object_foreach (row_json, column_name, value) {
                int column = column_by_name(table, column_name);
                struct vsdb_datum datum;
                char *error;

                if (column < 0 || vsdb_column(table, column)->is_ephemeral) {
                    return xasprintf("%s has no persistent column \"%s\"",
                                     table_name, column_name);
                }
                error = vsdb_datum_from_json(
                    &datum, &vsdb_column(table, column)->type, value);
                if (error) {
                    char *msg = xasprintf("%s row %s column %s: %s",
                                          table_name, uuid_string,
                                          column_name, error);
                    free(error);
                    return msg;
                }
                vsdb_row_put(row, column, &datum);
            }
        }
    }
    return NULL;
}

/* Records. */

/* Returns the text of a record (with its checksum and a newline) whose
 * payload KEY is PAYLOAD (a reference is taken over). */
static char *
format_record(uint64_t seq, const char *key, json_t *payload)
{
    json_t *record = json_object();
    char *text, *line;
    char cksum[9];

    json_object_set_new(record, "seq", json_integer((json_int_t) seq));
    json_object_set_new(record, key, payload);
    text = json_dumps(record, RECORD_DUMP_FLAGS);
    vx_assert(text);
    snprintf(cksum, sizeof cksum, "%08" PRIx32,
             vsdb_crc32(text, strlen(text)));
    free(text);
    json_object_set_new(record, "cksum", json_string(cksum));
    text = json_dumps(record, RECORD_DUMP_FLAGS);
    vx_assert(text);
    json_decref(record);
    line = xasprintf("%s\n", text);
    free(text);
    return line;
}

/* Parses the record in the LEN bytes at LINE (without the newline) and
 * checks its checksum.  Returns NULL and the record in *RECORDP, or an
 * error. */
static char *
parse_record(const char *line, size_t len, json_t **recordp)
{
    json_error_t jerror;
    json_t *record, *copy;
    const char *cksum;
    char expected[9];
    char *text;

    *recordp = NULL;
    record = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerror);
    if (!record) {
        return xasprintf("bad JSON (%s)", jerror.text);
    }
    if (!json_is_object(record)) {
        json_decref(record);
        return xstrdup("record is not a JSON object");
    }
    cksum = json_string_value(json_object_get(record, "cksum"));
    if (!cksum) {
        json_decref(record);
        return xstrdup("record has no checksum");
    }
    copy = json_copy(record);
    json_object_del(copy, "cksum");
    text = json_dumps(copy, RECORD_DUMP_FLAGS);
    json_decref(copy);
    snprintf(expected, sizeof expected, "%08" PRIx32,
             text ? vsdb_crc32(text, strlen(text)) : 0);
    free(text);
    if (strcmp(cksum, expected)) {
        char *error = xasprintf("checksum mismatch (record says \"%.16s\", "
                                "contents give %s)", cksum, expected);

        json_decref(record);
        return error;
    }
    *recordp = record;
    return NULL;
}

/* Applies RECORD to *DATA, which it replaces only when the whole record
 * applies and leaves a consistent database.  FIRST says whether this is
 * the journal's first record; J's counters advance.  Returns
 * NULL or an error. */
static char *
apply_record(struct replay_state *j, const json_t *record, bool first,
             size_t len, struct vsdb_data *data)
{
    const json_t *seq = json_object_get(record, "seq");
    const json_t *txn = json_object_get(record, "txn");
    const json_t *snapshot = json_object_get(record, "snapshot");
    struct vsdb_data new;
    char *error;

    if (!json_is_integer(seq) || json_integer_value(seq) < 0) {
        return xstrdup("record has no sequence number");
    }
    if (!first && (uint64_t) json_integer_value(seq) != j->next_seq) {
        return xasprintf("record out of sequence (seq %" JSON_INTEGER_FORMAT
                         ", expected %" PRIu64 ")", json_integer_value(seq),
                         j->next_seq);
    }
    if (!txn == !snapshot || json_object_size(record) != 3) {
        return xstrdup("record must have exactly one of \"txn\" and "
                       "\"snapshot\"");
    }

    if (snapshot) {
        vsdb_data_init(&new);
        new.next_seq = data->next_seq;
        error = apply_changes(&new, snapshot, true);
    } else {
        vsdb_data_clone(&new, data);
        error = apply_changes(&new, txn, false);
    }
    if (!error) {
        error = vsdb_data_check(&new);
    }
    if (error) {
        vsdb_data_destroy(&new);
        return error;
    }
    vsdb_data_swap(data, &new);
    vsdb_data_destroy(&new);

    j->next_seq = (uint64_t) json_integer_value(seq) + 1;
    if (snapshot) {
        j->n_records = 1;
        j->snapshot_size = first ? (off_t) len : 0;
    } else {
        j->n_records++;
    }
    return NULL;
}

/* Saves the LEN bytes at TAIL, cut off from J's file, next to it. */
static void
save_corrupt_tail(const struct vsdb_journal *j, const char *tail, size_t len)
{
    char *name = xasprintf("%s.corrupt", j->path);
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0 || vx_write_all(fd, tail, len)) {
        VLOG_WARN("%s: could not save the corrupt journal tail (%s)", name,
                  vx_strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    free(name);
}

/* Reads all of FD into a malloc()'d buffer; stores its size in *SIZEP. */
static int
read_file(int fd, char **bufp, size_t *sizep)
{
    size_t size = 0, allocated = 65536;
    char *buf = xmalloc(allocated);

    for (;;) {
        ssize_t n;

        if (size == allocated) {
            buf = x2nrealloc(buf, &allocated, 1);
        }
        n = read(fd, buf + size, allocated - size);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            free(buf);
            return errno;
        }
        if (!n) {
            break;
        }
        size += (size_t) n;
    }
    *bufp = buf;
    *sizep = size;
    return 0;
}

/* Replays the journal text BUF[0..SIZE) into DATA, updating STATE.
 * Returns NULL if every record is good, else a description of the first
 * bad one; *GOOD_END is the length of the good prefix and *LINE_NO the
 * number of the bad record. */
static char *
replay_buffer(struct replay_state *state, const char *buf, size_t size,
              struct vsdb_data *data, size_t *good_end,
              unsigned int *line_no)
{
    size_t offset = 0;
    char *error = NULL;

    *line_no = 0;
    while (offset < size) {
        const char *line = buf + offset;
        const char *nl = memchr(line, '\n', size - offset);
        json_t *record;

        ++*line_no;
        if (!nl) {
            error = xstrdup("record is truncated (no end of line)");
            break;
        }
        error = parse_record(line, (size_t) (nl - line), &record);
        if (!error) {
            error = apply_record(state, record, offset == 0,
                                 (size_t) (nl - line + 1), data);
            json_decref(record);
        }
        if (error) {
            break;
        }
        offset = (size_t) (nl - buf) + 1;
    }
    *good_end = offset;
    return error;
}

char *
vsdb_journal_replay(const char *buf, size_t size, struct vsdb_data *data,
                    size_t *good_end)
{
    struct replay_state state = { 0, 0, 0 };
    unsigned int line_no;

    return replay_buffer(&state, buf, size, data, good_end, &line_no);
}

/* Replays J's file into DATA, cutting off a bad tail. */
static int
replay(struct vsdb_journal *j, struct vsdb_data *data)
{
    size_t size = 0, offset;
    unsigned int line_no;
    char *buf = NULL;
    char *error;
    int retval;

    retval = read_file(j->fd, &buf, &size);
    if (retval) {
        return retval;
    }
    error = replay_buffer(&j->state, buf, size, data, &offset, &line_no);
    if (error) {
        COVERAGE_INC(vsdb_journal_truncated);
        VLOG_WARN("%s: truncating corrupt database journal at offset %zu "
                  "(record %u: %s); the %zu bytes cut off are saved in "
                  "%s.corrupt", j->path, offset, line_no, error,
                  size - offset, j->path);
        free(error);
        save_corrupt_tail(j, buf + offset, size - offset);
        if (ftruncate(j->fd, (off_t) offset) < 0 || fsync(j->fd) < 0) {
            retval = errno;
            free(buf);
            return retval;
        }
    }
    j->size = (off_t) offset;
    free(buf);
    return 0;
}

int
vsdb_journal_open(const char *path, struct vsdb_data *data,
                  struct vsdb_journal **journalp)
{
    struct vsdb_journal *j = xzalloc(sizeof *j);
    int error;

    *journalp = NULL;
    j->path = xstrdup(path);
    j->min_records = 100;
    j->factor = 4;
    j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (j->fd < 0) {
        error = errno;
        goto error;
    }
    error = replay(j, data);
    if (error) {
        goto error;
    }
    *journalp = j;
    return 0;

error:
    VLOG_ERR("%s: cannot open database journal (%s)", path,
             vx_strerror(error));
    vsdb_journal_close(j);
    return error;
}

void
vsdb_journal_close(struct vsdb_journal *j)
{
    if (j) {
        if (j->fd >= 0) {
            close(j->fd);
        }
        free(j->path);
        free(j);
    }
}

int
vsdb_journal_write(struct vsdb_journal *j, json_t *txn)
{
    char *line = format_record(j->state.next_seq, "txn", txn);
    size_t len = strlen(line);
    int error = vx_write_all(j->fd, line, len);

    if (!error && fdatasync(j->fd) < 0) {
        error = errno;
    }
    free(line);
    if (error) {
        /* Leave no partial record behind. */
        if (ftruncate(j->fd, j->size) < 0) {
            VLOG_ERR("%s: could not remove a partly written record (%s)",
                     j->path, vx_strerror(errno));
        }
        return error;
    }
    j->size += (off_t) len;
    j->state.next_seq++;
    j->state.n_records++;
    return 0;
}

bool
vsdb_journal_wants_compaction(const struct vsdb_journal *j)
{
    return (j->state.n_records >= j->min_records
            && j->size >= (off_t) j->factor * j->state.snapshot_size);
}

/* Syncs the directory that holds PATH, so that a rename is durable. */
static void
sync_parent_dir(const char *path)
{
    char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

int
vsdb_journal_compact(struct vsdb_journal *j, const struct vsdb_data *data)
{
    json_t *snapshot = vsdb_journal_diff(NULL, data);
    char *tmp = xasprintf("%s.tmp", j->path);
    char *line = format_record(j->state.next_seq, "snapshot",
                               snapshot ? snapshot : json_object());
    size_t len = strlen(line);
    int fd, error;

    /* The new file is opened for appending before it is renamed into
     * place, so that the descriptor we keep writing to is the journal. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = errno;
        goto out;
    }
    error = vx_write_all(fd, line, len);
    if (!error && fsync(fd) < 0) {
        error = errno;
    }
    if (!error && rename(tmp, j->path) < 0) {
        error = errno;
    }
    if (error) {
        close(fd);
        unlink(tmp);
        goto out;
    }
    sync_parent_dir(j->path);

    close(j->fd);
    j->fd = fd;
    j->size = (off_t) len;
    j->state.snapshot_size = (off_t) len;
    j->state.n_records = 1;
    j->state.next_seq++;
    COVERAGE_INC(vsdb_journal_compacted);
    VLOG_INFO("%s: compacted database journal to %zu bytes", j->path, len);

out:
    free(line);
    free(tmp);
    return error;
}

void
vsdb_journal_set_compaction(struct vsdb_journal *j, unsigned int min_records,
                            unsigned int factor)
{
    j->min_records = min_records;
    j->factor = factor;
}

void
vsdb_journal_report(const struct vsdb_journal *j, struct ds *out)
{
    ds_put_format(out, "journal-bytes:%lld journal-records:%u",
                  (long long int) j->size, j->state.n_records);
}
