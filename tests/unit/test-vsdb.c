/* Unit tests for the switch configuration database (src/daemon/vsdb*):
 * value syntax, transactions, checks, port numbering, status, observers,
 * and the journal (replay, corrupt and truncated tails, compaction). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/vsctl.h"
#include "daemon/vsdb-private.h"
#include "daemon/vsdb.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Helpers. */

/* Runs a vsctl command line given as one string of words separated by
 * single spaces; asserts success and returns the output (caller frees). */
static char *
vsctl(struct vsdb *db, const char *line)
{
    char *copy = xstrdup(line);
    const char *argv[64];
    char *save = NULL;
    struct ds out = DS_EMPTY_INITIALIZER;
    int argc = 0;

    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ",
                                                               &save)) {
        ASSERT_LT(argc, 64);
        argv[argc++] = w;
    }
    int status = vsctl_run(db, argc, argv, &out);
    if (status) {
        harness_fail(__FILE__, __LINE__, "vsctl %s failed: %s", line,
                     ds_cstr(&out));
    }
    free(copy);
    return ds_steal_cstr(&out) ? : xstrdup("");
}

static void
vsctl_ok(struct vsdb *db, const char *line)
{
    free(vsctl(db, line));
}

static struct vsdb *
open_memory_db(void)
{
    struct vsdb *db;

    ASSERT_OK(vsdb_open(NULL, &db));
    return db;
}

static char *
db_path(void)
{
    return xasprintf("%s/conf.db", harness_tmpdir());
}

static int64_t
ofport_of(struct vsdb *db, const char *iface)
{
    const struct vsdb_row *row = vsdb_find_row(vsdb_get_data(db),
                                               VSDB_INTERFACE, iface);
    int64_t ofport;

    ASSERT_TRUE(row != NULL);
    if (!vsdb_row_get_integer(row, VSDB_IFACE_OFPORT, &ofport)) {
        return 0;
    }
    return ofport;
}

static off_t
file_size(const char *path)
{
    struct stat st;

    ASSERT_EQ(stat(path, &st), 0);
    return st.st_size;
}

static char *
read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    struct ds s = DS_EMPTY_INITIALIZER;
    int c;

    ASSERT_TRUE(f != NULL);
    while ((c = getc(f)) != EOF) {
        ds_put_char(&s, (char) c);
    }
    fclose(f);
    return ds_steal_cstr(&s) ? : xstrdup("");
}

static void
write_all_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "w");

    ASSERT_TRUE(f != NULL);
    ASSERT_EQ(fwrite(data, 1, n, f), n);
    ASSERT_EQ(fclose(f), 0);
}

static unsigned int
count_lines(const char *s)
{
    unsigned int n = 0;

    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

/* Returns `vsctl show` of DB (caller frees). */
static char *
show(struct vsdb *db)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    vsctl_show(vsdb_get_data(db), &out);
    return ds_steal_cstr(&out);
}

static const struct vsdb_type *
column_type(enum vsdb_table_id table, int column)
{
    return &vsdb_column(table, column)->type;
}

/* Values. */

static void
check_datum_roundtrip(enum vsdb_table_id table, int column, const char *in,
                      const char *expected)
{
    const struct vsdb_type *type = column_type(table, column);
    struct ds out = DS_EMPTY_INITIALIZER;
    struct vsdb_datum datum, again;

    ASSERT_NO_ERROR(vsdb_datum_from_string(&datum, type, in));
    vsdb_datum_to_string(&datum, type, &out);
    ASSERT_STR_EQ(ds_cstr(&out), expected);
    ASSERT_NO_ERROR(vsdb_datum_from_string(&again, type, ds_cstr(&out)));
    ASSERT_TRUE(vsdb_datum_equals(&datum, &again, type));
    vsdb_datum_destroy(&datum, type);
    vsdb_datum_destroy(&again, type);
    ds_destroy(&out);
}

TEST(datum_text_forms)
{
    check_datum_roundtrip(VSDB_PORT, VSDB_PORT_TAG, "3", "3");
    check_datum_roundtrip(VSDB_PORT, VSDB_PORT_TAG, "[]", "[]");
    check_datum_roundtrip(VSDB_PORT, VSDB_PORT_TRUNKS, "3,1,2", "[1, 2, 3]");
    check_datum_roundtrip(VSDB_PORT, VSDB_PORT_TRUNKS, "[ 7 , 5 ]",
                          "[5, 7]");
    check_datum_roundtrip(VSDB_PORT, VSDB_PORT_TRUNKS, "[1-3,7]",
                          "[1, 2, 3, 7]");
    check_datum_roundtrip(VSDB_PORT, VSDB_PORT_TAG, "4-4", "4");
    check_datum_roundtrip(VSDB_BRIDGE, VSDB_BR_PROTOCOLS,
                          "OpenFlow13,OpenFlow10",
                          "[OpenFlow10, OpenFlow13]");
    check_datum_roundtrip(VSDB_BRIDGE, VSDB_BR_FAIL_MODE, "secure",
                          "secure");
    check_datum_roundtrip(VSDB_INTERFACE, VSDB_IFACE_TYPE, "\"\"", "\"\"");
    /* The seed's tunnel options: sorted keys, values quoted when they would
     * not read back as a bare word. */
    check_datum_roundtrip(VSDB_INTERFACE, VSDB_IFACE_OPTIONS,
                          "{remote_ip=\"172.16.0.11\", out_key=flow, "
                          "local_ip=\"172.16.0.31\", in_key=flow, "
                          "egress_pkt_mark=\"0\", df_default=\"true\"}",
                          "{df_default=\"true\", egress_pkt_mark=\"0\", "
                          "in_key=flow, local_ip=\"172.16.0.31\", "
                          "out_key=flow, remote_ip=\"172.16.0.11\"}");
    check_datum_roundtrip(VSDB_INTERFACE, VSDB_IFACE_OPTIONS, "{}", "{}");
    check_datum_roundtrip(VSDB_INTERFACE, VSDB_IFACE_ERROR,
                          "\"could not open network device tap0 (No such "
                          "device)\"",
                          "\"could not open network device tap0 (No such "
                          "device)\"");
    check_datum_roundtrip(VSDB_INTERFACE, VSDB_IFACE_EXTERNAL_IDS,
                          "{attached-mac=\"fa:16:3e:61:21:c6\", "
                          "iface-id=\"648437e1-0d8c-4b8e-9b0e-"
                          "6c7a5b3f8f61\", x=a.b_c-D9}",
                          "{attached-mac=\"fa:16:3e:61:21:c6\", "
                          "iface-id=\"648437e1-0d8c-4b8e-9b0e-"
                          "6c7a5b3f8f61\", x=a.b_c-D9}");
}

TEST(string_quoting_rules)
{
    ASSERT_FALSE(vsdb_string_needs_quotes("br-int"));
    ASSERT_FALSE(vsdb_string_needs_quotes("tap648437e1-0d"));
    ASSERT_FALSE(vsdb_string_needs_quotes("_x.y"));
    ASSERT_TRUE(vsdb_string_needs_quotes("0"));
    ASSERT_TRUE(vsdb_string_needs_quotes("172.16.0.11"));
    ASSERT_TRUE(vsdb_string_needs_quotes("true"));
    ASSERT_TRUE(vsdb_string_needs_quotes("false"));
    ASSERT_TRUE(vsdb_string_needs_quotes(""));
    ASSERT_TRUE(vsdb_string_needs_quotes("tcp:127.0.0.1:6633"));
    ASSERT_TRUE(vsdb_string_needs_quotes("a b"));
    ASSERT_TRUE(vsdb_string_needs_quotes(
        "698493db-95ef-4c31-b419-56b3d4096f2b"));
}

/* Random maps and sets printed and parsed back give the same datum: the
 * printer's quoting is checked against the parser. */
TEST(datum_random_roundtrip)
{
    static const char alphabet[] = "ab_-.9:=, []{}\"\\\n\t";
    const struct vsdb_type *map = column_type(VSDB_INTERFACE,
                                              VSDB_IFACE_OPTIONS);
    const struct vsdb_type *trunks = column_type(VSDB_PORT,
                                                 VSDB_PORT_TRUNKS);

    srand(42);
    for (int iter = 0; iter < 2000; iter++) {
        struct vsdb_datum datum, again;
        struct ds text = DS_EMPTY_INITIALIZER;
        int n = rand() % 5;

        vsdb_datum_init_empty(&datum);
        for (int i = 0; i < n; i++) {
            char k[8], v[8];
            int kl = 1 + rand() % 6, vl = rand() % 6;

            for (int j = 0; j < kl; j++) {
                k[j] = alphabet[rand() % (sizeof alphabet - 1)];
            }
            k[kl] = '\0';
            for (int j = 0; j < vl; j++) {
                v[j] = alphabet[rand() % (sizeof alphabet - 1)];
            }
            v[vl] = '\0';
            union vsdb_atom key = { .string = xstrdup(k) };
            union vsdb_atom value = { .string = xstrdup(v) };
            vsdb_datum_put(&datum, &key, &value, map, true);
        }
        vsdb_datum_to_string(&datum, map, &text);
        char *error = vsdb_datum_from_string(&again, map, ds_cstr(&text));
        if (error) {
            harness_fail(__FILE__, __LINE__, "%s: %s", ds_cstr(&text),
                         error);
        }
        ASSERT_TRUE(vsdb_datum_equals(&datum, &again, map));
        vsdb_datum_destroy(&datum, map);
        vsdb_datum_destroy(&again, map);

        /* Integer sets. */
        ds_clear(&text);
        vsdb_datum_init_empty(&datum);
        for (int i = 0; i < n; i++) {
            union vsdb_atom key = { .integer = rand() % 4096 };
            vsdb_datum_put(&datum, &key, NULL, trunks, false);
        }
        vsdb_datum_to_string(&datum, trunks, &text);
        ASSERT_NO_ERROR(vsdb_datum_from_string(&again, trunks,
                                               ds_cstr(&text)));
        ASSERT_TRUE(vsdb_datum_equals(&datum, &again, trunks));
        vsdb_datum_destroy(&datum, trunks);
        vsdb_datum_destroy(&again, trunks);
        ds_destroy(&text);
    }
}

static void
check_datum_error(enum vsdb_table_id table, int column, const char *in,
                  const char *expected)
{
    struct vsdb_datum datum;
    char *error = vsdb_datum_from_string(&datum, column_type(table, column),
                                         in);

    ASSERT_TRUE(error != NULL);
    ASSERT_STR_EQ(error, expected);
    ASSERT_EQ(datum.n, 0);
    free(error);
}

TEST(datum_errors)
{
    check_datum_error(VSDB_PORT, VSDB_PORT_TAG, "5000",
                      "constraint violation: 5000 is not in the valid range "
                      "0 to 4095 (inclusive)");
    check_datum_error(VSDB_PORT, VSDB_PORT_TAG, "-1",
                      "constraint violation: -1 is not in the valid range "
                      "0 to 4095 (inclusive)");
    check_datum_error(VSDB_PORT, VSDB_PORT_TAG, "abc",
                      "\"abc\" is not a valid integer or range");
    check_datum_error(VSDB_PORT, VSDB_PORT_TAG, "1-3",
                      "1-3: 3 value(s) specified but the maximum number is "
                      "1");
    check_datum_error(VSDB_PORT, VSDB_PORT_TRUNKS, "5-1",
                      "\"5-1\" is not a valid range. Range end cannot be "
                      "before start.");
    check_datum_error(VSDB_PORT, VSDB_PORT_TRUNKS, "1-5000",
                      "constraint violation: 5000 is not in the valid range "
                      "0 to 4095 (inclusive)");
    check_datum_error(VSDB_PORT, VSDB_PORT_TRUNKS, "1-x",
                      "\"1-x\" is not a valid integer or range");
    check_datum_error(VSDB_PORT, VSDB_PORT_TAG, "[1,2]",
                      "[1,2]: 2 value(s) specified but the maximum number "
                      "is 1");
    check_datum_error(VSDB_PORT, VSDB_PORT_INTERFACES, "[]",
                      "[]: 0 value(s) specified but the minimum number is "
                      "1");
    check_datum_error(VSDB_PORT, VSDB_PORT_TRUNKS, "1,1",
                      "1,1: set contains duplicate value");
    check_datum_error(VSDB_BRIDGE, VSDB_BR_FAIL_MODE, "foo",
                      "constraint violation: foo is not one of the allowed "
                      "values ([secure, standalone])");
    check_datum_error(VSDB_INTERFACE, VSDB_IFACE_OFPORT_REQUEST, "0",
                      "constraint violation: 0 is not in the valid range 1 "
                      "to 65279 (inclusive)");
    check_datum_error(VSDB_INTERFACE, VSDB_IFACE_MTU_REQUEST, "0",
                      "constraint violation: 0 is less than minimum allowed "
                      "value 1");
    check_datum_error(VSDB_INTERFACE, VSDB_IFACE_OPTIONS, "",
                      "use \"{}\" to specify the empty map");
    check_datum_error(VSDB_PORT, VSDB_PORT_TRUNKS, "",
                      "use \"[]\" to specify the empty set");
    check_datum_error(VSDB_INTERFACE, VSDB_IFACE_OPTIONS, "{a=b",
                      "{a=b: missing \"}\" at end of data");
    check_datum_error(VSDB_INTERFACE, VSDB_IFACE_OPTIONS, "x",
                      "x: missing \"=\" after map key");
    check_datum_error(VSDB_INTERFACE, VSDB_IFACE_TYPE, "\"abc",
                      "\"abc: quoted string extends past end of argument");
    check_datum_error(VSDB_BRIDGE, VSDB_BR_PORTS, "xyz",
                      "\"xyz\" is not a valid UUID");
}

/* Transactions. */

TEST(txn_commit_abort_and_seqno)
{
    struct vsdb *db = open_memory_db();
    const struct vsdb_data *data = vsdb_get_data(db);
    uint64_t seqno = vsdb_get_seqno(db);
    struct vsdb_txn *txn;

    ASSERT_EQ(vsdb_count(data, VSDB_OPEN_VSWITCH), 1);

    /* Aborted: nothing changes. */
    txn = vsdb_txn_begin(db);
    const struct vsdb_row *br = vsdb_txn_insert(txn, VSDB_BRIDGE);
    vsdb_txn_set_string(txn, br, VSDB_BR_NAME, "br0");
    vsdb_txn_add_ref(txn, vsdb_root(vsdb_txn_data(txn)), VSDB_OVS_BRIDGES,
                     br);
    ASSERT_EQ(vsdb_count(vsdb_txn_data(txn), VSDB_BRIDGE), 1);
    vsdb_txn_abort(txn);
    ASSERT_EQ(vsdb_count(data, VSDB_BRIDGE), 0);
    ASSERT_EQ(vsdb_get_seqno(db), seqno);

    /* Committed. */
    txn = vsdb_txn_begin(db);
    br = vsdb_txn_insert(txn, VSDB_BRIDGE);
    vsdb_txn_set_string(txn, br, VSDB_BR_NAME, "br0");
    vsdb_txn_add_ref(txn, vsdb_root(vsdb_txn_data(txn)), VSDB_OVS_BRIDGES,
                     br);
    ASSERT_NO_ERROR(vsdb_txn_commit(txn));
    ASSERT_EQ(vsdb_count(data, VSDB_BRIDGE), 1);
    ASSERT_EQ(vsdb_get_seqno(db), seqno + 1);
    ASSERT_STR_EQ(vsdb_row_name(vsdb_find_row(data, VSDB_BRIDGE, "br0")),
                  "br0");

    /* A commit that changes nothing does not bump the seqno. */
    txn = vsdb_txn_begin(db);
    ASSERT_NO_ERROR(vsdb_txn_commit(txn));
    ASSERT_EQ(vsdb_get_seqno(db), seqno + 1);
    vsdb_close(db);
}

TEST(txn_unreferenced_rows_are_collected)
{
    struct vsdb *db = open_memory_db();
    const struct vsdb_data *data = vsdb_get_data(db);
    struct vsdb_txn *txn;

    /* A bridge nothing references disappears at commit. */
    txn = vsdb_txn_begin(db);
    const struct vsdb_row *br = vsdb_txn_insert(txn, VSDB_BRIDGE);
    vsdb_txn_set_string(txn, br, VSDB_BR_NAME, "orphan");
    ASSERT_NO_ERROR(vsdb_txn_commit(txn));
    ASSERT_EQ(vsdb_count(data, VSDB_BRIDGE), 0);

    /* Taking a port off its bridge deletes it and its interface. */
    vsctl_ok(db, "add-br br0 -- add-port br0 p1 -- add-port br0 p2");
    ASSERT_EQ(vsdb_count(data, VSDB_PORT), 3);
    ASSERT_EQ(vsdb_count(data, VSDB_INTERFACE), 3);
    txn = vsdb_txn_begin(db);
    vsdb_txn_remove_ref(txn, vsdb_find_row(vsdb_txn_data(txn), VSDB_BRIDGE,
                                           "br0"),
                        VSDB_BR_PORTS,
                        vsdb_find_row(vsdb_txn_data(txn), VSDB_PORT, "p1"));
    ASSERT_NO_ERROR(vsdb_txn_commit(txn));
    ASSERT_EQ(vsdb_count(data, VSDB_PORT), 2);
    ASSERT_EQ(vsdb_count(data, VSDB_INTERFACE), 2);
    ASSERT_TRUE(vsdb_find_row(data, VSDB_INTERFACE, "p1") == NULL);
    vsdb_close(db);
}

TEST(txn_checks_leave_database_unchanged)
{
    struct vsdb *db = open_memory_db();
    const struct vsdb_data *data = vsdb_get_data(db);
    struct vsdb_txn *txn;
    char *before, *after;

    vsctl_ok(db, "add-br br0 -- add-port br0 p1");
    before = show(db);

    /* Deleting a row that is still referenced. */
    txn = vsdb_txn_begin(db);
    vsdb_txn_delete(txn, vsdb_find_row(vsdb_txn_data(txn), VSDB_INTERFACE,
                                       "p1"));
    ASSERT_ERROR(vsdb_txn_commit(txn), "referential integrity violation: "
                 "Table Port column interfaces row");

    /* A value outside the column's constraints. */
    txn = vsdb_txn_begin(db);
    vsdb_txn_set_integer(txn, vsdb_find_row(vsdb_txn_data(txn), VSDB_PORT,
                                            "p1"),
                         VSDB_PORT_TAG, true, 4096);
    ASSERT_ERROR(vsdb_txn_commit(txn), "constraint violation: 4096 is not "
                 "in the valid range 0 to 4095 (inclusive)");

    /* Two interfaces with one name. */
    txn = vsdb_txn_begin(db);
    vsdb_txn_set_string(txn, vsdb_find_row(vsdb_txn_data(txn),
                                           VSDB_INTERFACE, "p1"),
                        VSDB_IFACE_NAME, "br0");
    ASSERT_ERROR(vsdb_txn_commit(txn), "transaction causes multiple rows in "
                 "\"Interface\" table to have identical values (br0) for "
                 "index on column \"name\"");

    /* A patch port without a peer. */
    txn = vsdb_txn_begin(db);
    vsdb_txn_set_string(txn, vsdb_find_row(vsdb_txn_data(txn),
                                           VSDB_INTERFACE, "p1"),
                        VSDB_IFACE_TYPE, "patch");
    ASSERT_ERROR(vsdb_txn_commit(txn), "Error detected while setting up "
                 "'p1': patch type requires valid 'peer' argument");

    after = show(db);
    ASSERT_STR_EQ(after, before);
    ASSERT_EQ(vsdb_count(data, VSDB_INTERFACE), 2);
    free(before);
    free(after);
    vsdb_close(db);
}

static void
check_iface_config(const char *type, const char *options,
                   const char *expected_error)
{
    const struct vsdb_type *t = column_type(VSDB_INTERFACE,
                                            VSDB_IFACE_OPTIONS);
    struct vsdb_datum datum;
    char *error;

    ASSERT_NO_ERROR(vsdb_datum_from_string(&datum, t, options));
    error = vsdb_iface_check_config("vx0", type, &datum);
    if (expected_error) {
        ASSERT_ERROR(error, expected_error);
    } else {
        ASSERT_NO_ERROR(error);
    }
    vsdb_datum_destroy(&datum, t);
}

TEST(iface_config_checks)
{
    check_iface_config("", "{}", NULL);
    check_iface_config("internal", "{}", NULL);
    check_iface_config("dummy", "{}", NULL);
    check_iface_config("tap", "{}", NULL);
    check_iface_config("patch", "{peer=p1}", NULL);
    check_iface_config("vxlan",
                       "{df_default=\"true\", egress_pkt_mark=\"0\", "
                       "in_key=flow, local_ip=\"172.16.0.31\", out_key=flow, "
                       "remote_ip=\"172.16.0.11\"}", NULL);
    check_iface_config("vxlan", "{remote_ip=flow, key=239, dst_port=4790}",
                       NULL);
    check_iface_config("vxlan", "{remote_ip=\"fd00::1\"}", NULL);

    check_iface_config("geneve", "{}", "unsupported interface type "
                       "\"geneve\"");
    check_iface_config("patch", "{}", "patch type requires valid 'peer' "
                       "argument");
    check_iface_config("patch", "{peer=vx0}", "patch peer must not be "
                       "self");
    check_iface_config("patch", "{peer=a, x=y}", "unknown patch argument "
                       "'x'");
    check_iface_config("vxlan", "{in_key=flow}", "vxlan type requires valid "
                       "'remote_ip' argument");
    check_iface_config("vxlan", "{remote_ip=\"1.2.3\"}", "bad vxlan "
                       "'remote_ip'");
    check_iface_config("vxlan", "{remote_ip=flow, key=16777216}",
                       "bad vxlan 'key'");
    check_iface_config("vxlan", "{remote_ip=flow, dst_port=0}",
                       "bad vxlan 'dst_port'");
    check_iface_config("vxlan", "{remote_ip=flow, colour=red}",
                       "unknown vxlan argument 'colour'");
    check_iface_config("tap", "{peer=x}", "unknown tap argument 'peer'");
    check_iface_config("", "{a=b}", "unknown system argument 'a'");
}

/* Observers and validators. */

static void
count_calls(struct vsdb *db, void *calls_)
{
    int *calls = calls_;

    (void) db;
    (*calls)++;
}

static char *
refuse_bridge_named_bad(const struct vsdb_data *old,
                        const struct vsdb_data *new, void *aux)
{
    (void) old;
    (void) aux;
    return (vsdb_find_row(new, VSDB_BRIDGE, "bad")
            ? xstrdup("bridge \"bad\" refused") : NULL);
}

TEST(observers_and_validators)
{
    struct vsdb *db = open_memory_db();
    struct ds out = DS_EMPTY_INITIALIZER;
    const char *argv[] = { "add-br", "bad" };
    int calls = 0;

    vsdb_add_observer(db, count_calls, &calls);
    vsdb_add_validator(db, refuse_bridge_named_bad, NULL);

    vsctl_ok(db, "add-br br0");
    ASSERT_EQ(calls, 1);
    vsctl_ok(db, "list-br");            /* No change: no call. */
    ASSERT_EQ(calls, 1);
    vsctl_ok(db, "--may-exist add-br br0");
    ASSERT_EQ(calls, 1);
    ASSERT_OK(vsdb_iface_set_status(db, "br0", "broken"));
    ASSERT_EQ(calls, 1);                /* Status is not a commit. */

    ASSERT_EQ(vsctl_run(db, 2, argv, &out), 1);
    ASSERT_STR_EQ(ds_cstr(&out), "bridge \"bad\" refused");
    ASSERT_EQ(calls, 1);
    ASSERT_TRUE(vsdb_find_row(vsdb_get_data(db), VSDB_BRIDGE, "bad")
                == NULL);

    vsdb_remove_observer(db, count_calls, &calls);
    vsctl_ok(db, "add-br br1");
    ASSERT_EQ(calls, 1);
    ds_destroy(&out);
    vsdb_close(db);
}

/* OpenFlow port numbers. */

TEST(ofport_lowest_free_and_requests)
{
    struct vsdb *db = open_memory_db();

    vsctl_ok(db, "add-br br0 -- add-port br0 a -- add-port br0 b");
    ASSERT_EQ(ofport_of(db, "br0"), 65534);
    ASSERT_EQ(ofport_of(db, "a"), 1);
    ASSERT_EQ(ofport_of(db, "b"), 2);

    /* Ports added in one transaction are numbered in the order given. */
    vsctl_ok(db, "add-port br0 c -- add-port br0 d");
    ASSERT_EQ(ofport_of(db, "c"), 3);
    ASSERT_EQ(ofport_of(db, "d"), 4);

    /* The lowest free number is reused. */
    vsctl_ok(db, "del-port br0 b");
    vsctl_ok(db, "add-port br0 e");
    ASSERT_EQ(ofport_of(db, "e"), 2);

    /* ofport_request wins when free... */
    vsctl_ok(db, "add-port br0 f -- set interface f ofport_request=10");
    ASSERT_EQ(ofport_of(db, "f"), 10);
    /* ...and falls back to the lowest free one when taken. */
    vsctl_ok(db, "add-port br0 g -- set interface g ofport_request=10");
    ASSERT_EQ(ofport_of(db, "g"), 5);
    /* Changing a request moves the port when the number is free. */
    vsctl_ok(db, "set interface a ofport_request=20");
    ASSERT_EQ(ofport_of(db, "a"), 20);
    vsctl_ok(db, "set interface c ofport_request=20");
    ASSERT_EQ(ofport_of(db, "c"), 3);

    /* Numbers are per bridge. */
    vsctl_ok(db, "add-br br1 -- add-port br1 x");
    ASSERT_EQ(ofport_of(db, "x"), 1);
    ASSERT_EQ(ofport_of(db, "br1"), 65534);
    vsdb_close(db);
}

TEST(ofport_status_failure_frees_number)
{
    struct vsdb *db = open_memory_db();
    const struct vsdb_row *iface;

    vsctl_ok(db, "add-br br0 -- add-port br0 tap1 -- add-port br0 tap2");
    ASSERT_EQ(ofport_of(db, "tap1"), 1);

    ASSERT_OK(vsdb_iface_set_status(db, "tap1", "could not open network "
                                    "device tap1 (No such device)"));
    ASSERT_EQ(ofport_of(db, "tap1"), -1);
    iface = vsdb_find_row(vsdb_get_data(db), VSDB_INTERFACE, "tap1");
    ASSERT_STR_EQ(vsdb_row_get_string(iface, VSDB_IFACE_ERROR),
                  "could not open network device tap1 (No such device)");

    /* Its number is free for the next port; the failed one keeps -1. */
    vsctl_ok(db, "add-port br0 tap3");
    ASSERT_EQ(ofport_of(db, "tap3"), 1);
    ASSERT_EQ(ofport_of(db, "tap1"), -1);

    /* Recovery gives it the lowest free number and clears the error. */
    ASSERT_OK(vsdb_iface_set_status(db, "tap1", NULL));
    ASSERT_EQ(ofport_of(db, "tap1"), 3);
    iface = vsdb_find_row(vsdb_get_data(db), VSDB_INTERFACE, "tap1");
    ASSERT_TRUE(vsdb_row_get_string(iface, VSDB_IFACE_ERROR) == NULL);

    ASSERT_EQ(vsdb_iface_set_status(db, "nope", NULL), ENOENT);
    ASSERT_OK(vsdb_iface_set_mtu(db, "tap1", 1450));
    int64_t mtu;
    iface = vsdb_find_row(vsdb_get_data(db), VSDB_INTERFACE, "tap1");
    ASSERT_TRUE(vsdb_row_get_integer(iface, VSDB_IFACE_MTU, &mtu));
    ASSERT_EQ(mtu, 1450);
    vsdb_close(db);
}

TEST(is_connected_status)
{
    struct vsdb *db = open_memory_db();
    const struct vsdb_data *data = vsdb_get_data(db);
    const struct vsdb_row *ctrl;

    vsctl_ok(db, "add-br br0 -- set-controller br0 tcp:127.0.0.1:6633");
    ctrl = vsdb_row_at(data, VSDB_CONTROLLER, 0);
    ASSERT_FALSE(vsdb_row_get_boolean(ctrl, VSDB_CTRL_IS_CONNECTED));
    ASSERT_OK(vsdb_set_is_connected(db, VSDB_CONTROLLER, &ctrl->uuid,
                                    true));
    ctrl = vsdb_row_at(data, VSDB_CONTROLLER, 0);
    ASSERT_TRUE(vsdb_row_get_boolean(ctrl, VSDB_CTRL_IS_CONNECTED));
    ASSERT_EQ(vsdb_set_is_connected(db, VSDB_MANAGER, &ctrl->uuid, true),
              ENOENT);
    ASSERT_EQ(vsdb_set_is_connected(db, VSDB_PORT, &ctrl->uuid, true),
              EINVAL);
    vsdb_close(db);
}

/* Journal. */

TEST(journal_replay_restores_state)
{
    char *path = db_path();
    struct vsdb *db;
    char *before, *after;

    ASSERT_OK(vsdb_open(path, &db));
    vsctl_ok(db, "add-br br0 -- set bridge br0 fail_mode=secure "
             "-- set-controller br0 tcp:127.0.0.1:6633");
    vsctl_ok(db, "add-port br0 p1 tag=3 -- add-port br0 p2 "
             "-- set interface p2 type=patch options:peer=p9");
    vsctl_ok(db, "add-port br0 p3 -- del-port br0 p1");
    vsctl_ok(db, "set interface p3 external_ids:iface-id=abc");
    ASSERT_OK(vsdb_iface_set_status(db, "p2", "down"));
    ASSERT_EQ(ofport_of(db, "p2"), -1);
    vsctl_ok(db, "add-port br0 p4");
    before = show(db);
    int64_t p3 = ofport_of(db, "p3"), p4 = ofport_of(db, "p4");
    vsdb_close(db);

    ASSERT_OK(vsdb_open(path, &db));
    after = show(db);
    /* The error is runtime status and is not kept; the rest is. */
    ASSERT_STR_CONTAINS(before, "error: down");
    ASSERT_TRUE(strstr(after, "error:") == NULL);
    ASSERT_EQ(ofport_of(db, "p2"), -1);
    ASSERT_EQ(ofport_of(db, "p3"), p3);
    ASSERT_EQ(ofport_of(db, "p4"), p4);
    ASSERT_STR_EQ(vsdb_row_get_smap(vsdb_find_row(vsdb_get_data(db),
                                                  VSDB_INTERFACE, "p3"),
                                    VSDB_IFACE_EXTERNAL_IDS, "iface-id"),
                  "abc");
    char *expected = xstrdup(before);
    char *e = strstr(expected, "                error: \"down\"\n");
    if (!e) {
        e = strstr(expected, "                error: down\n");
    }
    ASSERT_TRUE(e != NULL);
    memmove(e, strchr(e, '\n') + 1, strlen(strchr(e, '\n') + 1) + 1);
    ASSERT_STR_EQ(after, expected);
    free(expected);
    free(before);
    free(after);
    vsdb_close(db);
    free(path);
}

/* Builds a journal with N_TXNS single-bridge transactions and returns its
 * text, recording the show output after each transaction in SHOWS. */
static char *
build_journal(const char *path, int n_txns, char **shows)
{
    struct vsdb *db;

    ASSERT_OK(vsdb_open(path, &db));
    shows[0] = show(db);
    for (int i = 1; i <= n_txns; i++) {
        char *cmd = xasprintf("add-br br%d -- add-port br%d p%d tag=%d", i,
                              i, i, i);
        vsctl_ok(db, cmd);
        free(cmd);
        shows[i] = show(db);
    }
    vsdb_close(db);
    return read_all(path);
}

/* Returns the offset of the start of line N (0-based) of S. */
static size_t
line_offset(const char *s, unsigned int n)
{
    const char *p = s;

    for (unsigned int i = 0; i < n; i++) {
        p = strchr(p, '\n');
        ASSERT_TRUE(p != NULL);
        p++;
    }
    return (size_t) (p - s);
}

static void
free_shows(char **shows, int n)
{
    for (int i = 0; i <= n; i++) {
        free(shows[i]);
    }
}

TEST(journal_truncated_tail_is_cut_off)
{
    char *path = db_path();
    char *corrupt = xasprintf("%s.corrupt", path);
    char *shows[6];
    char *text = build_journal(path, 5, shows);
    unsigned int lines = count_lines(text);
    size_t last = line_offset(text, lines - 1);
    size_t cut = last + (strlen(text) - last) / 2;
    struct vsdb *db;
    char *now;

    /* A crash in the middle of writing the last record. */
    write_all_file(path, text, cut);
    ASSERT_OK(vsdb_open(path, &db));
    now = show(db);
    ASSERT_STR_EQ(now, shows[4]);
    ASSERT_EQ(file_size(path), (off_t) last);
    ASSERT_EQ(file_size(corrupt), (off_t) (cut - last));
    free(now);

    /* The journal goes on from there and replays cleanly. */
    vsctl_ok(db, "add-br again");
    vsdb_close(db);
    ASSERT_OK(vsdb_open(path, &db));
    ASSERT_TRUE(vsdb_find_row(vsdb_get_data(db), VSDB_BRIDGE, "again")
                != NULL);
    ASSERT_TRUE(vsdb_find_row(vsdb_get_data(db), VSDB_BRIDGE, "br4")
                != NULL);
    ASSERT_TRUE(vsdb_find_row(vsdb_get_data(db), VSDB_BRIDGE, "br5")
                == NULL);
    vsdb_close(db);
    free_shows(shows, 5);
    free(text);
    free(corrupt);
    free(path);
}

TEST(journal_corrupt_record_cuts_off_the_rest)
{
    char *path = db_path();
    char *shows[6];
    char *text = build_journal(path, 5, shows);
    /* Records: the root row, the version-less open, then one per
     * transaction; damage the 4th line (the 3rd bridge's record). */
    size_t start = line_offset(text, 3);
    size_t victim = start + 30;
    struct vsdb *db;
    char *now;

    ASSERT_TRUE(text[victim] != '\n');
    text[victim] = text[victim] == 'x' ? 'y' : 'x';
    write_all_file(path, text, strlen(text));
    ASSERT_OK(vsdb_open(path, &db));
    now = show(db);
    ASSERT_STR_EQ(now, shows[2]);
    ASSERT_EQ(file_size(path), (off_t) start);
    free(now);
    vsdb_close(db);
    free_shows(shows, 5);
    free(text);
    free(path);
}

static void
check_replay_error(const char *text, const char *expected,
                   size_t expected_good_end)
{
    struct vsdb_data data;
    size_t good_end;
    char *error;

    vsdb_data_init(&data);
    error = vsdb_journal_replay(text, strlen(text), &data, &good_end);
    ASSERT_ERROR(error, expected);
    ASSERT_EQ(good_end, expected_good_end);
    vsdb_data_destroy(&data);
}

TEST(journal_bad_records)
{
    char *path = db_path();
    char *shows[3];
    char *text = build_journal(path, 2, shows);
    size_t second = line_offset(text, 1);
    char *s;

    check_replay_error("garbage\n", "bad JSON", 0);
    check_replay_error("{\"seq\":0}\n", "record has no checksum", 0);
    check_replay_error("[1]\n", "record is not a JSON object", 0);

    /* A good record with its checksum changed. */
    s = xstrdup(text);
    memcpy(s + strlen("{\"cksum\":\""), "00000000", 8);
    check_replay_error(s, "checksum mismatch", 0);
    free(s);

    /* Records out of sequence: the first record twice. */
    s = xasprintf("%.*s%s", (int) second, text, text);
    check_replay_error(s, "record out of sequence", second);
    free(s);

    /* A valid prefix followed by an unterminated record. */
    s = xasprintf("%s{\"cksum\"", text);
    check_replay_error(s, "no end of line", strlen(text));
    free(s);

    /* The whole journal is good. */
    struct vsdb_data data;
    size_t good_end;
    vsdb_data_init(&data);
    ASSERT_NO_ERROR(vsdb_journal_replay(text, strlen(text), &data,
                                        &good_end));
    ASSERT_EQ(good_end, strlen(text));
    ASSERT_EQ(vsdb_count(&data, VSDB_BRIDGE), 2);
    vsdb_data_destroy(&data);

    free_shows(shows, 2);
    free(text);
    free(path);
}

/* A record that parses and has a good checksum but names a column that
 * does not exist, or leaves a dangling reference, is corrupt too. */
TEST(journal_semantically_bad_record)
{
    json_t *txn = json_pack("{s{s{ss}}}", "Bridge",
                            "8f8b1d5e-0000-4000-8000-000000000001", "colour",
                            "red");
    json_t *dangling = json_pack("{s{s{sss[s[[ss]]]}}}", "Bridge",
                                 "8f8b1d5e-0000-4000-8000-000000000002",
                                 "name", "b", "ports", "set", "uuid",
                                 "8f8b1d5e-0000-4000-8000-000000000003");
    char *path = db_path();
    struct vsdb *db;

    /* Write the records through the journal writer, so that their
     * checksums and sequence numbers are right. */
    ASSERT_OK(vsdb_open(path, &db));
    vsdb_close(db);
    size_t good = (size_t) file_size(path);
    struct vsdb_data data;
    vsdb_data_init(&data);
    struct vsdb_journal *j;
    ASSERT_OK(vsdb_journal_open(path, &data, &j));
    ASSERT_OK(vsdb_journal_write(j, dangling));
    ASSERT_OK(vsdb_journal_write(j, txn));
    vsdb_journal_close(j);
    vsdb_data_destroy(&data);

    char *text = read_all(path);
    size_t good_end;
    vsdb_data_init(&data);
    ASSERT_ERROR(vsdb_journal_replay(text, strlen(text), &data, &good_end),
                 "references nonexistent row");
    ASSERT_EQ(good_end, good);
    vsdb_data_destroy(&data);

    ASSERT_OK(vsdb_open(path, &db));
    ASSERT_EQ(file_size(path), (off_t) good);
    vsdb_close(db);
    free(text);
    free(path);
}

TEST(journal_compaction)
{
    char *path = db_path();
    struct vsdb *db;
    char *before, *after, *text;

    ASSERT_OK(vsdb_open(path, &db));
    vsdb_set_compaction(db, 10, 2);
    for (int i = 0; i < 25; i++) {
        char *cmd = xasprintf("--may-exist add-br br%d -- set bridge br%d "
                              "other_config:n=%d", i % 3, i % 3, i);
        vsctl_ok(db, cmd);
        free(cmd);
        if (i % 3 == 2) {
            vsctl_ok(db, "del-br br0");
        }
    }
    before = show(db);
    text = read_all(path);
    /* Compactions happened, so the journal holds fewer records than
     * transactions, starting with a snapshot. */
    ASSERT_LT(count_lines(text), 20);
    ASSERT_STR_CONTAINS(text, "\"snapshot\":");
    free(text);
    vsdb_close(db);

    ASSERT_OK(vsdb_open(path, &db));
    after = show(db);
    ASSERT_STR_EQ(after, before);
    free(after);

    /* An explicit compaction leaves exactly one record. */
    ASSERT_OK(vsdb_compact(db));
    text = read_all(path);
    ASSERT_EQ(count_lines(text), 1);
    free(text);
    vsctl_ok(db, "add-br last");
    vsdb_close(db);
    ASSERT_OK(vsdb_open(path, &db));
    ASSERT_TRUE(vsdb_find_row(vsdb_get_data(db), VSDB_BRIDGE, "last")
                != NULL);
    after = show(db);
    ASSERT_STR_CONTAINS(after, "Bridge last");
    free(after);
    free(before);
    vsdb_close(db);
    free(path);
}

TEST(journal_unwritable_fails_commit)
{
    char *path = db_path();
    struct vsdb *db;

    /* File permissions do not stop root, so make writes fail with a full
     * device instead. */
    if (access("/dev/full", W_OK)) {
        SKIP("no writable /dev/full to make journal writes fail");
    }
    ASSERT_OK(vsdb_open(path, &db));
    vsctl_ok(db, "add-br br0");
    /* Make the journal unwritable by replacing its descriptor's file with
     * /dev/full: the next commit must fail and change nothing. */
    int full = open("/dev/full", O_WRONLY);
    ASSERT_TRUE(full >= 0);
    int fd;
    for (fd = 3; fd < 1024; fd++) {
        char link[64], target[4096];
        ssize_t n;

        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            if (!strcmp(target, path)) {
                break;
            }
        }
    }
    ASSERT_LT(fd, 1024);
    ASSERT_EQ(dup2(full, fd), fd);
    close(full);

    struct ds out = DS_EMPTY_INITIALIZER;
    const char *argv[] = { "add-br", "br1" };
    ASSERT_EQ(vsctl_run(db, 2, argv, &out), 1);
    ASSERT_STR_CONTAINS(ds_cstr(&out), "could not write database journal");
    ASSERT_TRUE(vsdb_find_row(vsdb_get_data(db), VSDB_BRIDGE, "br1")
                == NULL);
    ds_destroy(&out);
    vsdb_close(db);
    free(path);
}

TEST(memory_report_counts_rows)
{
    struct vsdb *db = open_memory_db();
    struct ds s = DS_EMPTY_INITIALIZER;

    vsctl_ok(db, "add-br br0 -- add-port br0 p1 -- set-manager ptcp:6640");
    vsdb_memory_report(db, &s);
    ASSERT_STR_EQ(ds_cstr(&s), "Open_vSwitch:1 Bridge:1 Port:2 Interface:2 "
                  "Controller:0 Manager:1\n");
    ds_destroy(&s);
    vsdb_close(db);
}
