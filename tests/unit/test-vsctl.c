/* Unit tests for vsctl (src/daemon/vsctl*.c): command-line parsing, the
 * commands, ovs-vsctl's error messages, all-or-nothing transactions, list
 * formats, and `show` against the seed's ovs-vsctl-show.txt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/vsctl.h"
#include "daemon/vsdb.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Splits LINE into words: spaces separate words, except inside single
 * quotes (which are removed). */
static int
split_words(char *line, const char *argv[], int max)
{
    int argc = 0;
    char *p = line;

    while (*p) {
        char *out;

        while (*p == ' ') {
            p++;
        }
        if (!*p) {
            break;
        }
        ASSERT_LT(argc, max);
        argv[argc++] = out = p;
        while (*p && *p != ' ') {
            if (*p == '\'') {
                for (p++; *p && *p != '\''; p++) {
                    *out++ = *p;
                }
                if (*p) {
                    p++;
                }
            } else {
                *out++ = *p++;
            }
        }
        if (*p) {
            p++;
        }
        *out = '\0';
    }
    return argc;
}

/* Runs vsctl LINE; stores its output or error in *OUT (caller frees) and
 * returns its status. */
static int
run(struct vsdb *db, const char *line, char **out)
{
    char *copy = xstrdup(line);
    const char *argv[128];
    struct ds s = DS_EMPTY_INITIALIZER;
    int argc = split_words(copy, argv, 128);
    int status = vsctl_run(db, argc, argv, &s);

    *out = s.string ? ds_steal_cstr(&s) : xstrdup("");
    free(copy);
    return status;
}

/* Runs LINE, which must succeed, and returns its output (caller frees). */
static char *
ok(struct vsdb *db, const char *line)
{
    char *out;

    if (run(db, line, &out)) {
        harness_fail(__FILE__, __LINE__, "vsctl %s: %s", line, out);
    }
    return out;
}

static void
ok_quiet(struct vsdb *db, const char *line)
{
    free(ok(db, line));
}

static void
expect_output(struct vsdb *db, const char *line, const char *expected)
{
    char *out = ok(db, line);

    ASSERT_STR_EQ(out, expected);
    free(out);
}

/* Runs LINE, which must fail with EXPECTED (and change nothing). */
static void
expect_error(struct vsdb *db, const char *line, const char *expected)
{
    struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
    uint64_t seqno = vsdb_get_seqno(db);
    char *out;

    vsctl_show(vsdb_get_data(db), &before);
    if (!run(db, line, &out)) {
        harness_fail(__FILE__, __LINE__, "vsctl %s succeeded, expected "
                     "\"%s\"", line, expected);
    }
    ASSERT_STR_EQ(out, expected);
    vsctl_show(vsdb_get_data(db), &after);
    ASSERT_STR_EQ(ds_cstr(&after), ds_cstr(&before));
    ASSERT_EQ(vsdb_get_seqno(db), seqno);
    free(out);
    ds_destroy(&before);
    ds_destroy(&after);
}

static struct vsdb *
new_db(void)
{
    struct vsdb *db;

    ASSERT_OK(vsdb_open(NULL, &db));
    return db;
}

/* The seed: ovs-vsctl show of the compute node. */

/* Removes bridge BR's own port (as `ovs-vsctl remove bridge BR ports
 * UUID` does; del-port refuses to). */
static void
remove_local_port(struct vsdb *db, const char *br)
{
    char *cmd = xasprintf("get port %s _uuid", br);
    char *uuid = ok(db, cmd);

    free(cmd);
    uuid[strcspn(uuid, "\n")] = '\0';
    cmd = xasprintf("remove bridge %s ports %s", br, uuid);
    ok_quiet(db, cmd);
    free(cmd);
    free(uuid);
}

/* Builds the seed's four bridges the way Neutron and the install guide
 * do, and sets the runtime status the switch would report. */
static void
build_seed(struct vsdb *db)
{
    static const char *const bridges[] = {
        "br-int", "br-tun", "br-provider", "br-mgmt",
    };
    const struct vsdb_data *data = vsdb_get_data(db);
    size_t i;

    ok_quiet(db, "set-manager ptcp:6640:127.0.0.1");
    for (i = 0; i < ARRAY_SIZE(bridges); i++) {
        char *cmd = xasprintf("--may-exist add-br %s -- set bridge %s "
                              "fail_mode=secure datapath_type=system "
                              "protocols=OpenFlow10,OpenFlow13 -- "
                              "set-controller %s tcp:127.0.0.1:6633",
                              bridges[i], bridges[i], bridges[i]);
        ok_quiet(db, cmd);
        free(cmd);
    }
    /* The seed's physical bridges have no local port: they were built
     * without one (the install guide's tooling); take it off. */
    remove_local_port(db, "br-provider");
    remove_local_port(db, "br-mgmt");
    ok_quiet(db, "add-port br-int int-br-provider -- set interface "
             "int-br-provider type=patch options:peer=phy-br-provider");
    ok_quiet(db, "add-port br-provider phy-br-provider -- set interface "
             "phy-br-provider type=patch options:peer=int-br-provider");
    ok_quiet(db, "add-port br-provider eth2 -- set interface eth2 "
             "type=system");
    ok_quiet(db, "add-port br-int int-br-mgmt -- set interface int-br-mgmt "
             "type=patch options:peer=phy-br-mgmt");
    ok_quiet(db, "add-port br-mgmt phy-br-mgmt -- set interface phy-br-mgmt "
             "type=patch options:peer=int-br-mgmt");
    ok_quiet(db, "add-port br-mgmt eth3 -- set interface eth3 type=system");
    ok_quiet(db, "add-port br-int patch-tun -- set interface patch-tun "
             "type=patch options:peer=patch-int");
    ok_quiet(db, "add-port br-tun patch-int -- set interface patch-int "
             "type=patch options:peer=patch-tun");
    ok_quiet(db, "--may-exist add-port br-tun vxlan-ac10000b -- set "
             "interface vxlan-ac10000b type=vxlan options:df_default=true "
             "options:egress_pkt_mark=0 options:in_key=flow "
             "options:local_ip=172.16.0.31 options:out_key=flow "
             "options:remote_ip=172.16.0.11");
    ok_quiet(db, "--may-exist add-port br-int tap0ab9a23c-99 tag=1 -- set "
             "interface tap0ab9a23c-99 external_ids:iface-id=0ab9a23c-99");
    ok_quiet(db, "--may-exist add-port br-int tap635485ff-6c tag=2");
    ok_quiet(db, "--may-exist add-port br-int tap648437e1-0d -- set "
             "interface tap648437e1-0d "
             "external_ids:attached-mac=fa:16:3e:61:21:c6 "
             "external_ids:iface-id=648437e1-0d -- set port tap648437e1-0d "
             "tag=3 other_config:segmentation_id=239");

    /* What the switch reports: two stale taps whose devices are gone,
     * connected controllers and manager. */
    ASSERT_OK(vsdb_iface_set_status(db, "tap0ab9a23c-99",
                                    "could not open network device "
                                    "tap0ab9a23c-99 (No such device)"));
    ASSERT_OK(vsdb_iface_set_status(db, "tap635485ff-6c",
                                    "could not open network device "
                                    "tap635485ff-6c (No such device)"));
    for (i = 0; i < vsdb_count(data, VSDB_CONTROLLER); i++) {
        ASSERT_OK(vsdb_set_is_connected(
            db, VSDB_CONTROLLER, &vsdb_row_at(data, VSDB_CONTROLLER,
                                              i)->uuid, true));
    }
    ASSERT_OK(vsdb_set_is_connected(
        db, VSDB_MANAGER, &vsdb_row_at(data, VSDB_MANAGER, 0)->uuid, true));
}

/* Lines of a show output, for normalising. */
struct lines {
    char **lines;               /* Each line, without its newline. */
    size_t n;                   /* Number of lines. */
};

static void
split_lines(const char *text, struct lines *l)
{
    char *copy = xstrdup(text), *save = NULL;

    l->lines = NULL;
    l->n = 0;
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        l->lines = xrealloc(l->lines, (l->n + 1) * sizeof *l->lines);
        l->lines[l->n++] = xstrdup(line);
    }
    free(copy);
}

static size_t
indent_of(const char *line)
{
    return strspn(line, " ");
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;

    return strcmp(*a, *b);
}

/* Returns the text of the block of lines [*I, ...) at INDENT (one line and
 * its deeper-indented children), with the children's "Bridge" and "Port"
 * blocks sorted among themselves; advances *I past it. */
static char *
normalise_block(const struct lines *l, size_t *i)
{
    size_t indent = indent_of(l->lines[*i]);
    struct ds s = DS_EMPTY_INITIALIZER;
    char **children = NULL;
    bool *sortable = NULL;
    size_t n = 0;

    ds_put_format(&s, "%s\n", l->lines[(*i)++]);
    while (*i < l->n && indent_of(l->lines[*i]) > indent) {
        const char *text = l->lines[*i] + indent_of(l->lines[*i]);

        children = xrealloc(children, (n + 1) * sizeof *children);
        sortable = xrealloc(sortable, (n + 1) * sizeof *sortable);
        sortable[n] = (str_has_prefix(text, "Bridge ")
                       || str_has_prefix(text, "Port "));
        children[n++] = normalise_block(l, i);
    }

    /* Sort the sortable children and put them back in their slots. */
    char **sorted = xcalloc(n + 1, sizeof *sorted);
    size_t n_sorted = 0;
    for (size_t k = 0; k < n; k++) {
        if (sortable[k]) {
            sorted[n_sorted++] = children[k];
        }
    }
    qsort(sorted, n_sorted, sizeof *sorted, compare_strings);
    for (size_t k = 0, j = 0; k < n; k++) {
        ds_put_cstr(&s, sortable[k] ? sorted[j++] : children[k]);
    }
    for (size_t k = 0; k < n; k++) {
        free(children[k]);
    }
    free(sorted);
    free(children);
    free(sortable);
    return ds_steal_cstr(&s);
}

/* Normalises a show output: only the UUID, the version, and the order of
 * bridges and of ports within a bridge may differ. */
static char *
normalise_show(const char *text)
{
    struct lines l;
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t i = 0;

    split_lines(text, &l);
    if (l.n && str_has_prefix(l.lines[0], "$ ")) {
        i++;
    }
    ASSERT_LT(i, l.n);
    ASSERT_EQ(strlen(l.lines[i]), 36);
    free(l.lines[i]);
    l.lines[i] = xstrdup("<uuid>");
    for (size_t k = i; k < l.n; k++) {
        if (str_has_prefix(l.lines[k], "    ovs_version: ")) {
            free(l.lines[k]);
            l.lines[k] = xstrdup("    ovs_version: <version>");
        }
    }
    while (i < l.n) {
        char *block = normalise_block(&l, &i);

        ds_put_cstr(&s, block);
        free(block);
    }
    for (size_t k = 0; k < l.n; k++) {
        free(l.lines[k]);
    }
    free(l.lines);
    return ds_steal_cstr(&s);
}

static char *
read_seed_show(void)
{
    char *path = xasprintf("%s/data/seed/ovs-vsctl-show.txt",
                           harness_tests_dir());
    FILE *f = fopen(path, "r");
    struct ds s = DS_EMPTY_INITIALIZER;
    int c;

    if (!f) {
        harness_fail(__FILE__, __LINE__, "%s: cannot open", path);
    }
    while ((c = getc(f)) != EOF) {
        ds_put_char(&s, (char) c);
    }
    fclose(f);
    free(path);
    return ds_steal_cstr(&s);
}

TEST(show_matches_seed)
{
    struct vsdb *db = new_db();
    char *seed = read_seed_show();
    char *ours, *a, *b;

    build_seed(db);
    ok_quiet(db, "set open . ovs_version=3.3.1");
    ours = ok(db, "show");
    a = normalise_show(seed);
    b = normalise_show(ours);
    ASSERT_STR_EQ(b, a);

    /* The version line is printed as the seed prints it. */
    ASSERT_STR_CONTAINS(ours, "\n    ovs_version: \"3.3.1\"\n");
    free(a);
    free(b);
    free(ours);
    free(seed);
    vsdb_close(db);
}

/* The normaliser itself: it must see a difference in anything but order,
 * UUID and version. */
TEST(show_normaliser_detects_differences)
{
    char *seed = read_seed_show();
    char *a = normalise_show(seed);
    char *changed = xstrdup(seed);
    char *p = strstr(changed, "tag: 3");

    ASSERT_TRUE(p != NULL);
    p[5] = '4';
    char *b = normalise_show(changed);
    ASSERT_TRUE(strcmp(a, b) != 0);
    free(b);
    free(changed);

    /* Swapping two ports of a bridge is not a difference. */
    changed = xstrdup(seed);
    const char *x = "        Port eth2\n            Interface eth2\n"
                    "                type: system\n";
    const char *y = "        Port phy-br-provider\n"
                    "            Interface phy-br-provider\n"
                    "                type: patch\n"
                    "                options: {peer=int-br-provider}\n";
    p = strstr(changed, x);
    ASSERT_TRUE(p != NULL);
    char *swapped = xasprintf("%.*s%s%s%s", (int) (p - changed), changed, y,
                              x, p + strlen(x) + strlen(y));
    b = normalise_show(swapped);
    ASSERT_STR_EQ(b, a);
    free(b);
    free(swapped);
    free(changed);
    free(a);
    free(seed);
}

TEST(show_empty_and_details)
{
    struct vsdb *db = new_db();
    char *out = ok(db, "show");

    /* Just the UUID and the version (none yet in a fresh database). */
    ASSERT_EQ(strlen(out), 37);
    free(out);

    ok_quiet(db, "add-br br0 -- add-port br0 p1 trunks=1,2 -- add-port br0 "
             "p2 tag=0");
    out = ok(db, "show");
    ASSERT_STR_CONTAINS(out, "        Port p1\n            trunks: [1, 2]\n"
                        "            Interface p1\n");
    /* tag 0 is a value, not the default: it is shown. */
    ASSERT_STR_CONTAINS(out, "        Port p2\n            tag: 0\n");
    ASSERT_STR_CONTAINS(out, "    Bridge br0\n");
    free(out);
    vsdb_close(db);
}

/* Errors, worded as ovs-vsctl words them; nothing changes. */
TEST(error_messages)
{
    struct vsdb *db = new_db();

    ok_quiet(db, "add-br br-int -- add-port br-int p1 -- add-port br-int vx "
             "-- set interface vx type=vxlan options:remote_ip=1.1.1.1 "
             "-- add-br br-tun");

    expect_error(db, "add-br br-int", "cannot create a bridge named br-int "
                 "because a bridge named br-int already exists");
    expect_error(db, "add-br p1", "cannot create a bridge named p1 because "
                 "a port named p1 already exists on bridge br-int");
    expect_error(db, "add-br a b", "'add-br' command takes exactly 1 or 3 "
                 "arguments");
    expect_error(db, "add-br", "'add-br' command requires at least 1 "
                 "arguments");
    expect_error(db, "del-br br-x", "no bridge named br-x");
    expect_error(db, "add-port br-x p9", "no bridge named br-x");
    expect_error(db, "add-port br-int p1", "cannot create a port named p1 "
                 "because a port named p1 already exists on bridge br-int");
    expect_error(db, "add-port br-tun br-int", "cannot create a port named "
                 "br-int because a bridge named br-int already exists");
    expect_error(db, "--may-exist add-port br-tun p1", "\"--may-exist "
                 "add-port br-tun p1\" but p1 is actually attached to bridge "
                 "br-int");
    expect_error(db, "del-port br-x", "no port named br-x");
    expect_error(db, "del-port br-int nope", "no port named nope");
    expect_error(db, "del-port br-tun p1", "bridge br-tun does not have a "
                 "port p1");
    expect_error(db, "del-port br-int", "cannot delete port br-int because "
                 "it is the local port for bridge br-int (deleting this port "
                 "requires deleting the entire bridge)");
    expect_error(db, "port-to-br nope", "no port named nope");
    expect_error(db, "iface-to-br nope", "no interface named nope");
    expect_error(db, "list-ports br-x", "no bridge named br-x");

    expect_error(db, "set port p1 tag=5000", "constraint violation: 5000 is "
                 "not in the valid range 0 to 4095 (inclusive)");
    expect_error(db, "set port p1 tag=abc", "\"abc\" is not a valid integer "
                 "or range");
    expect_error(db, "set port p1 tag=[1,2]", "[1,2]: 2 value(s) specified "
                 "but the maximum number is 1");
    expect_error(db, "set port p1 interfaces=[]", "[]: 0 value(s) specified "
                 "but the minimum number is 1");
    expect_error(db, "set port p1 vlan_mode=foo", "constraint violation: foo "
                 "is not one of the allowed values ([access, dot1q-tunnel, "
                 "native-tagged, native-untagged, trunk])");
    expect_error(db, "set bridge br-int fail_mode=foo", "constraint "
                 "violation: foo is not one of the allowed values ([secure, "
                 "standalone])");
    expect_error(db, "set bridge br-int protocols=OpenFlow99", "constraint "
                 "violation: OpenFlow99 is not one of the allowed values "
                 "([OpenFlow10, OpenFlow11, OpenFlow12, OpenFlow13, "
                 "OpenFlow14, OpenFlow15])");
    expect_error(db, "set bridge br-int foo=1", "Bridge does not contain a "
                 "column whose name matches \"foo\"");
    expect_error(db, "set interface vx o=1", "Interface contains more than "
                 "one column whose name matches \"o\": ofport, "
                 "ofport_request, options");
    expect_error(db, "set bridge br-int other_config", "other_config: "
                 "argument does not end in \"=\" followed by a value.");
    expect_error(db, "set port p1 tag=", "tag=: argument does not end in "
                 "\"=\" followed by a value.");
    expect_error(db, "set interface vx options:x", "options:x: argument "
                 "does not end in \"=\" followed by a value.");
    expect_error(db, "set interface vx options:=x", "An empty string is not "
                 "valid as input; use \"\" to represent the empty string");
    expect_error(db, "set bogus br-int fail_mode=secure", "unknown table "
                 "\"bogus\"");
    expect_error(db, "set bridge nobr fail_mode=secure", "no row \"nobr\" in "
                 "table Bridge");
    expect_error(db, "set bridge br-int name=x", "cannot modify read-only "
                 "column name in table Bridge");
    expect_error(db, "clear port p1 name", "cannot modify read-only column "
                 "name in table Port");
    expect_error(db, "clear port p1 interfaces", "\"clear\" operation cannot "
                 "be applied to column interfaces of table Port, which is "
                 "not allowed to be empty");
    expect_error(db, "set interface vx ofport_request=0", "constraint "
                 "violation: 0 is not in the valid range 1 to 65279 "
                 "(inclusive)");
    expect_error(db, "set interface vx ofport_request=65280", "constraint "
                 "violation: 65280 is not in the valid range 1 to 65279 "
                 "(inclusive)");
    expect_error(db, "set interface vx mtu_request=0", "constraint "
                 "violation: 0 is less than minimum allowed value 1");
    expect_error(db, "get bridge br-int other_config:foo", "no key \"foo\" "
                 "in Bridge record \"br-int\" column other_config");
    expect_error(db, "get bridge br-int fail_mode:foo", "cannot specify key "
                 "to get for non-map column fail_mode");
    expect_error(db, "set bridge br-int fail_mode:x=y", "cannot specify key "
                 "to set for non-map column fail_mode");
    expect_error(db, "remove port p1 interfaces " "x", "\"x\" is not a valid "
                 "UUID");
    expect_error(db, "list bogus", "unknown table \"bogus\"");
    expect_error(db, "list bridge nobr", "no row \"nobr\" in table Bridge");
    expect_error(db, "set-fail-mode br-int foo", "fail-mode must be "
                 "\"standalone\" or \"secure\"");
    expect_error(db, "set-controller br-x tcp:1.2.3.4:6633", "no bridge "
                 "named br-x");

    /* Interface configuration the switch cannot set up. */
    expect_error(db, "set interface p1 type=patch", "Error detected while "
                 "setting up 'p1': patch type requires valid 'peer' "
                 "argument.  See vxstackd log for details.");
    expect_error(db, "add-port br-tun vxlan-0a000001 -- set interface "
                 "vxlan-0a000001 type=vxlan options:in_key=flow",
                 "Error detected while setting up 'vxlan-0a000001': vxlan "
                 "type requires valid 'remote_ip' argument.  See vxstackd "
                 "log for details.");
    expect_error(db, "set interface p1 type=gre", "Error detected while "
                 "setting up 'p1': unsupported interface type \"gre\" "
                 "(supported: dummy, internal, patch, system, tap, vxlan).  "
                 "See vxstackd log for details.");
    expect_error(db, "set interface vx options:colour=red", "Error detected "
                 "while setting up 'vx': unknown vxlan argument 'colour'.  "
                 "See vxstackd log for details.");

    /* Command line. */
    expect_error(db, "", "missing command name (use --help for help)");
    expect_error(db, "frob", "unknown command 'frob'; use --help for help");
    expect_error(db, "--foo list-br", "unrecognized option '--foo'");
    expect_error(db, "--if-exists add-br x", "'add-br' command has no "
                 "'--if-exists' option");
    expect_error(db, "list-br -- --may-exist --may-exist add-br x",
                 "'--may-exist' option specified multiple times");
    expect_error(db, "-- --may-exist", "missing command name (use --help "
                 "for help)");
    expect_error(db, "list-br x", "'list-br' command takes at most 0 "
                 "arguments");
    expect_error(db, "del-br br-int --if-exists", "'del-br' command takes "
                 "at most 1 arguments (note that options must precede "
                 "command names and follow a \"--\" argument)");
    expect_error(db, "-- --columns list bridge", "missing argument to "
                 "'--columns' option on 'list' command");
    expect_error(db, "-- --may-exist=1 add-br x", "'--may-exist' option on "
                 "'add-br' does not accept an argument");
    expect_error(db, "add-bond br-int b0 p8 p9", "'add-bond' command is not "
                 "supported by vxstack");
    expect_error(db, "-t x list-br", "value x on -t or --timeout is "
                 "invalid");
    vsdb_close(db);
}

/* One line, one transaction: a failing command undoes the earlier
 * ones. */
TEST(all_or_nothing)
{
    struct vsdb *db = new_db();

    ok_quiet(db, "add-br br0");
    expect_error(db, "add-br a -- add-port a p1 tag=3 -- set bridge br0 "
                 "fail_mode=secure -- add-port nope p2", "no bridge named "
                 "nope");
    expect_output(db, "list-br", "br0\n");
    expect_output(db, "get-fail-mode br0", "");
    expect_error(db, "del-br br0 -- add-port br0 p1", "no bridge named br0");
    expect_output(db, "list-br", "br0\n");
    /* br-exists on a missing bridge stops the line with status 2. */
    char *out;
    ASSERT_EQ(run(db, "add-br b -- br-exists nope", &out), 2);
    ASSERT_STR_EQ(out, "");
    free(out);
    expect_output(db, "list-br", "br0\n");
    vsdb_close(db);
}

TEST(bridge_and_port_commands)
{
    struct vsdb *db = new_db();
    const struct vsdb_data *data = vsdb_get_data(db);

    ok_quiet(db, "add-br br1 -- add-br br0");
    ok_quiet(db, "add-port br0 p2 -- add-port br0 p1 tag=7 "
             "other_config:net=x -- add-port br1 q1");
    expect_output(db, "list-br", "br0\nbr1\n");
    expect_output(db, "list-ports br0", "p1\np2\n");
    expect_output(db, "list-ifaces br0", "p1\np2\n");
    expect_output(db, "port-to-br p1", "br0\n");
    expect_output(db, "iface-to-br q1", "br1\n");
    expect_output(db, "br-to-vlan br0", "0\n");
    expect_output(db, "br-to-parent br0", "br0\n");
    expect_output(db, "br-exists br0", "");
    expect_output(db, "get port p1 tag other_config:net", "7\nx\n");

    /* --may-exist and --if-exists. */
    ok_quiet(db, "--may-exist add-br br0");
    ok_quiet(db, "--may-exist add-port br0 p1");
    ok_quiet(db, "--if-exists del-br nope -- --if-exists del-port nope");
    ok_quiet(db, "--if-exists del-port br0");
    ok_quiet(db, "--with-iface del-port br0 p2");
    expect_output(db, "list-ports br0", "p1\n");

    /* br-set-external-id / br-get-external-id. */
    ok_quiet(db, "br-set-external-id br0 bridge-id br0 -- "
             "br-set-external-id br0 zz 1");
    expect_output(db, "br-get-external-id br0", "bridge-id=br0\nzz=1\n");
    expect_output(db, "br-get-external-id br0 zz", "1\n");
    ok_quiet(db, "br-set-external-id br0 zz");
    expect_output(db, "br-get-external-id br0", "bridge-id=br0\n");

    /* del-br takes every row of the bridge with it. */
    ok_quiet(db, "set-controller br0 tcp:127.0.0.1:6633 ptcp:6653");
    ASSERT_EQ(vsdb_count(data, VSDB_CONTROLLER), 2);
    ok_quiet(db, "del-br br0");
    expect_output(db, "list-br", "br1\n");
    ASSERT_EQ(vsdb_count(data, VSDB_BRIDGE), 1);
    ASSERT_EQ(vsdb_count(data, VSDB_PORT), 2);
    ASSERT_EQ(vsdb_count(data, VSDB_INTERFACE), 2);
    ASSERT_EQ(vsdb_count(data, VSDB_CONTROLLER), 0);

    /* A port can move between bridges within one line. */
    ok_quiet(db, "add-br br2 -- del-port br1 q1 -- add-port br2 q1");
    expect_output(db, "port-to-br q1", "br2\n");
    vsdb_close(db);
}

TEST(controller_manager_fail_mode)
{
    struct vsdb *db = new_db();

    ok_quiet(db, "add-br br0");
    ok_quiet(db, "set-controller br0 tcp:127.0.0.1:6633 tcp:10.0.0.1:6633");
    expect_output(db, "get-controller br0",
                  "tcp:10.0.0.1:6633\ntcp:127.0.0.1:6633\n");
    ok_quiet(db, "set-controller br0 tcp:127.0.0.1:6633");
    expect_output(db, "get-controller br0", "tcp:127.0.0.1:6633\n");
    expect_output(db, "get controller br0 target",
                  "\"tcp:127.0.0.1:6633\"\n");
    ok_quiet(db, "del-controller br0");
    expect_output(db, "get-controller br0", "");
    ASSERT_EQ(vsdb_count(vsdb_get_data(db), VSDB_CONTROLLER), 0);

    ok_quiet(db, "set-manager ptcp:6640:127.0.0.1 ptcp:6641");
    expect_output(db, "get-manager", "ptcp:6640:127.0.0.1\nptcp:6641\n");
    ok_quiet(db, "del-manager");
    expect_output(db, "get-manager", "");
    ASSERT_EQ(vsdb_count(vsdb_get_data(db), VSDB_MANAGER), 0);

    ok_quiet(db, "set-fail-mode br0 secure");
    expect_output(db, "get-fail-mode br0", "secure\n");
    ok_quiet(db, "del-fail-mode br0");
    expect_output(db, "get-fail-mode br0", "");
    vsdb_close(db);
}

TEST(generic_db_commands)
{
    struct vsdb *db = new_db();

    ok_quiet(db, "add-br br0 -- add-port br0 p1");
    ok_quiet(db, "set interface p1 type=vxlan options:remote_ip=10.0.0.1 "
             "options:in_key=flow external_ids:iface-id=abc");
    expect_output(db, "get interface p1 type options",
                  "vxlan\n{in_key=flow, remote_ip=\"10.0.0.1\"}\n");
    expect_output(db, "get interface p1 options:remote_ip",
                  "\"10.0.0.1\"\n");
    expect_output(db, "--if-exists get interface p1 options:nokey", "\n");

    /* Whole-column set with a map literal and quoted values. */
    ok_quiet(db, "set interface p1 options='{remote_ip=\"10.0.0.2\", "
             "out_key=flow}'");
    expect_output(db, "get interface p1 options",
                  "{out_key=flow, remote_ip=\"10.0.0.2\"}\n");

    /* add, remove, clear on sets and maps. */
    ok_quiet(db, "set port p1 trunks=1-3");
    ok_quiet(db, "add port p1 trunks 7 8");
    expect_output(db, "get port p1 trunks", "[1, 2, 3, 7, 8]\n");
    ok_quiet(db, "remove port p1 trunks 2 8");
    expect_output(db, "get port p1 trunks", "[1, 3, 7]\n");
    ok_quiet(db, "add port p1 other_config a=1 b=2");
    ok_quiet(db, "add port p1 other_config a=9");
    expect_output(db, "get port p1 other_config", "{a=\"1\", b=\"2\"}\n");
    ok_quiet(db, "remove port p1 other_config a b=3");
    expect_output(db, "get port p1 other_config", "{b=\"2\"}\n");
    ok_quiet(db, "remove port p1 other_config b=2");
    expect_output(db, "get port p1 other_config", "{}\n");
    ok_quiet(db, "clear port p1 trunks");
    expect_output(db, "get port p1 trunks", "[]\n");

    /* Records by name, ".", UUID and UUID prefix. */
    char *uuid = ok(db, "get port p1 _uuid");
    uuid[strcspn(uuid, "\n")] = '\0';
    char *cmd = xasprintf("get port %s name", uuid);
    expect_output(db, cmd, "p1\n");
    free(cmd);
    cmd = xasprintf("get port %.8s name", uuid);
    expect_output(db, cmd, "p1\n");
    free(cmd);
    free(uuid);
    ok_quiet(db, "set open . external_ids:system-id=node1");
    expect_output(db, "get open_vswitch . external_ids:system-id",
                  "node1\n");
    /* Abbreviated table and column names. */
    expect_output(db, "get br br0 fail", "[]\n");
    expect_output(db, "get int p1 ofport_req", "[]\n");

    /* --if-exists on a missing record. */
    ok_quiet(db, "--if-exists set port nope tag=1 -- --if-exists clear port "
             "nope tag");

    /* destroy: a row still referenced cannot go; --all empties a table
     * whose rows nothing references. */
    ok_quiet(db, "set-manager ptcp:6640");
    char *out;
    ASSERT_EQ(run(db, "destroy manager ptcp:6640", &out), 1);
    ASSERT_TRUE(str_has_prefix(out, "referential integrity violation: "
                               "Table Open_vSwitch column manager_options "
                               "row "));
    free(out);
    ok_quiet(db, "del-manager");
    expect_output(db, "list manager", "");
    vsdb_close(db);
}

TEST(list_and_find_formats)
{
    struct vsdb *db = new_db();
    char *uuid, *expected;

    ok_quiet(db, "add-br br0 -- add-port br0 p1 tag=3 -- add-port br0 p2");
    uuid = ok(db, "get port p1 _uuid");
    uuid[strcspn(uuid, "\n")] = '\0';

    expected = xasprintf("_uuid               : %s\n"
                         "external_ids        : {}\n"
                         "interfaces          : [%s]\n"
                         "name                : p1\n"
                         "other_config        : {}\n"
                         "tag                 : 3\n"
                         "trunks              : []\n"
                         "vlan_mode           : []\n",
                         uuid, "IFACE");
    char *iface = ok(db, "get interface p1 _uuid");
    iface[strcspn(iface, "\n")] = '\0';
    char *e2 = xasprintf("%.*s%s%s", (int) (strstr(expected, "IFACE")
                                            - expected), expected, iface,
                         strstr(expected, "IFACE") + 5);
    expect_output(db, "list port p1", e2);
    free(e2);
    free(expected);
    free(iface);

    expect_output(db, "--columns=name,tag list port p1 p2",
                  "name                : p1\n"
                  "tag                 : 3\n"
                  "\n"
                  "name                : p2\n"
                  "tag                 : []\n");
    /* --bare: values only; a blank line between records and between the
     * outputs of two commands. */
    expect_output(db, "--bare --columns=name,tag find port tag=3 -- "
                  "--columns=name find port tag=[] name!=br0",
                  "p1\n3\n\np2\n");
    expect_output(db, "--columns=name find interface type=internal",
                  "name                : br0\n");
    expect_output(db, "--columns=name find port tag>=1",
                  "name                : p1\n");
    expect_output(db, "--columns=name find port tag{in}[1-5] tag{!=}[]",
                  "name                : p1\n");
    expect_output(db, "--columns=name find port tag{>}[]",
                  "name                : p1\n");
    expect_output(db, "--columns=name find port 'tag!=3' 'name!=br0'",
                  "name                : p2\n");
    expect_output(db, "--columns=name list bridge -- --columns=name list "
                  "interface p1",
                  "name                : br0\n"
                  "\n"
                  "name                : p1\n");
    expect_output(db, "--oneline list-br -- list-ports br0 -- add-br br1",
                  "br0\np1\\np2\n\n");
    expect_output(db, "list-br --", "br0\nbr1\n");
    free(uuid);
    vsdb_close(db);
}

TEST(dry_run_and_help)
{
    struct vsdb *db = new_db();
    char *out;

    expect_output(db, "--dry-run add-br br0 -- list-br", "br0\n");
    expect_output(db, "list-br", "");
    out = ok(db, "--help");
    ASSERT_STR_CONTAINS(out, "add-port BRIDGE PORT");
    free(out);
    /* Compatibility options are accepted. */
    expect_output(db, "--no-wait --timeout=5 -t 5 --retry -- list-br", "");
    vsdb_close(db);
}
