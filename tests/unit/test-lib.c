/* Unit tests for src/lib. */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "harness.h"
#include "lib/coverage.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"

COVERAGE_DEFINE(test_lib_event);

TEST(ds_format_and_steal)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ASSERT_STR_EQ(ds_cstr(&s), "");
    for (int i = 0; i < 1000; i++) {
        ds_put_format(&s, "%d,", i);
    }
    ASSERT_EQ(s.length, strlen(s.string));
    ASSERT_TRUE(str_has_prefix(ds_cstr(&s), "0,1,2,"));
    ASSERT_TRUE(str_has_suffix(ds_cstr(&s), "998,999,"));
    ds_chomp(&s, ',');
    ASSERT_TRUE(str_has_suffix(ds_cstr(&s), "999"));
    char *stolen = ds_steal_cstr(&s);
    ASSERT_EQ(s.length, 0);
    free(stolen);
    ds_put_json_string(&s, "a\"b\\c\n");
    ASSERT_STR_EQ(ds_cstr(&s), "\"a\\\"b\\\\c\\n\"");
    ds_destroy(&s);
}

struct elem {
    struct hmap_node node;
    int value;
};

TEST(hmap_insert_find_remove)
{
    struct hmap map = HMAP_INITIALIZER(&map);
    struct elem *elems = xcalloc(5000, sizeof *elems);
    struct elem *e, *next;
    size_t n = 0;

    for (int i = 0; i < 5000; i++) {
        elems[i].value = i;
        hmap_insert(&map, &elems[i].node, hash_int(i, 0));
    }
    ASSERT_EQ(hmap_count(&map), 5000);
    for (int i = 0; i < 5000; i += 7) {
        bool found = false;

        HMAP_FOR_EACH_WITH_HASH (e, node, hash_int(i, 0), &map) {
            found |= e->value == i;
        }
        ASSERT_TRUE(found);
    }
    HMAP_FOR_EACH_SAFE (e, next, node, &map) {
        if (e->value % 2) {
            hmap_remove(&map, &e->node);
        }
    }
    ASSERT_EQ(hmap_count(&map), 2500);
    HMAP_FOR_EACH (e, node, &map) {
        ASSERT_EQ(e->value % 2, 0);
        n++;
    }
    ASSERT_EQ(n, 2500);
    hmap_shrink(&map);
    hmap_destroy(&map);
    free(elems);
}

struct lelem {
    struct ovs_list node;
    int value;
};

TEST(list_order)
{
    struct ovs_list list = OVS_LIST_INITIALIZER(&list);
    struct lelem items[4] = { { .value = 1 }, { .value = 2 }, { .value = 3 },
                              { .value = 4 } };
    struct lelem *e, *next;
    int expected = 1;

    for (int i = 0; i < 4; i++) {
        ovs_list_push_back(&list, &items[i].node);
    }
    LIST_FOR_EACH (e, node, &list) {
        ASSERT_EQ(e->value, expected++);
    }
    LIST_FOR_EACH_SAFE (e, next, node, &list) {
        if (e->value == 2) {
            ovs_list_remove(&e->node);
        }
    }
    ASSERT_EQ(ovs_list_size(&list), 3);
}

TEST(str_to_uint64_rejects_garbage)
{
    uint64_t x = 5;

    ASSERT_TRUE(str_to_uint64("0x10", 0, UINT64_MAX, &x));
    ASSERT_EQ(x, 16);
    ASSERT_FALSE(str_to_uint64("12a", 10, UINT64_MAX, &x));
    ASSERT_FALSE(str_to_uint64("-1", 10, UINT64_MAX, &x));
    ASSERT_FALSE(str_to_uint64("", 10, UINT64_MAX, &x));
    ASSERT_FALSE(str_to_uint64("70000", 10, 65535, &x));
    ASSERT_EQ(x, 16);
}

TEST(coverage_counts)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    COVERAGE_INC(test_lib_event);
    COVERAGE_ADD(test_lib_event, 4);
    ASSERT_EQ(coverage_read("test_lib_event"), 5);
    coverage_format(&s);
    ASSERT_STR_CONTAINS(ds_cstr(&s), "test_lib_event");
    ASSERT_STR_CONTAINS(ds_cstr(&s), "total: 5");
    ds_destroy(&s);
}

static void
echo_handler(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) aux;
    for (int i = 1; i < argc; i++) {
        ds_put_format(&s, "[%s]", argv[i]);
    }
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

struct client_args {
    const char *path;
    int argc;
    const char **argv;
    int status;
    int error;
    struct ds reply;
};

static void *
client_thread(void *a_)
{
    struct client_args *a = a_;

    ds_init(&a->reply);
    a->error = ctl_client_call(a->path, a->argc, a->argv, -1, &a->status,
                               &a->reply);
    return NULL;
}

static void
ctl_roundtrip(struct ctl_server *server, struct client_args *a)
{
    pthread_t thread;
    void *ret;

    pthread_create(&thread, NULL, client_thread, a);
    for (int i = 0; i < 200; i++) {
        ctl_server_run(server);
        ctl_server_wait(server);
        poll_timer_wait(10);
        poll_block();
        if (!pthread_tryjoin_np(thread, &ret)) {
            return;
        }
    }
    pthread_join(thread, &ret);
}

TEST(ctl_server_and_client)
{
    char path[512];
    struct ctl_server *server;

    snprintf(path, sizeof path, "%s/test.ctl", harness_tmpdir());
    ASSERT_OK(ctl_server_create(path, &server));
    ctl_command_register("echo", "[ARG...]", 0, 3, echo_handler, NULL);

    const char *args1[] = { "echo", "a b", "", "x\ny" };
    struct client_args a = { path, 4, args1, 0, 0, DS_EMPTY_INITIALIZER };
    ctl_roundtrip(server, &a);
    ASSERT_OK(a.error);
    ASSERT_EQ(a.status, 0);
    ASSERT_STR_EQ(ds_cstr(&a.reply), "[a b][][x\ny]");
    ds_destroy(&a.reply);

    const char *args2[] = { "nope" };
    struct client_args b = { path, 1, args2, 0, 0, DS_EMPTY_INITIALIZER };
    ctl_roundtrip(server, &b);
    ASSERT_OK(b.error);
    ASSERT_EQ(b.status, 1);
    ASSERT_STR_CONTAINS(ds_cstr(&b.reply), "\"nope\" is not a valid command");
    ds_destroy(&b.reply);

    const char *args3[] = { "echo", "1", "2", "3", "4" };
    struct client_args c = { path, 5, args3, 0, 0, DS_EMPTY_INITIALIZER };
    ctl_roundtrip(server, &c);
    ASSERT_EQ(c.status, 1);
    ASSERT_STR_CONTAINS(ds_cstr(&c.reply), "at most 3 arguments");
    ds_destroy(&c.reply);

    /* A request far larger than a socket buffer, read in many pieces, its
     * arguments terminated in place: the 3 MB one ends where the next
     * one's length began. */
    size_t big_len = 3 * 1024 * 1024;
    char *big = xmalloc(big_len + 1);
    memset(big, 'f', big_len);
    big[big_len] = '\0';
    const char *args4[] = { "echo", big, "12", "" };
    struct client_args d = { path, 4, args4, 0, 0, DS_EMPTY_INITIALIZER };
    ctl_roundtrip(server, &d);
    ASSERT_OK(d.error);
    ASSERT_EQ(d.status, 0);
    ASSERT_EQ(d.reply.length, big_len + strlen("[][12][]"));
    ASSERT_TRUE(!strncmp(d.reply.string + 1, big, big_len));
    ASSERT_STR_EQ(d.reply.string + big_len + 1, "][12][]");
    ds_destroy(&d.reply);
    free(big);

    ctl_server_destroy(server);
    ctl_command_unregister_all();
}

TEST(ctl_client_without_daemon)
{
    char path[512];
    struct ds reply = DS_EMPTY_INITIALIZER;
    const char *args[] = { "exit" };
    int status;

    snprintf(path, sizeof path, "%s/none.ctl", harness_tmpdir());
    ASSERT_EQ(ctl_client_call(path, 1, args, -1, &status, &reply), ENOENT);
    ds_destroy(&reply);
}

TEST(poll_immediate_wake_beats_timers)
{
    long long int start = time_msec();

    /* poll_immediate_wake() with a later timer registered after it: the
     * deadline stays "now" (this once overflowed into an endless wait). */
    poll_immediate_wake();
    poll_timer_wait(60000);
    poll_block();
    poll_timer_wait(60000);
    poll_immediate_wake();
    poll_block();
    ASSERT_LT(time_msec() - start, 1000);
}

TEST(poll_immediate_wake_returns_at_once)
{
    int fds[2];

    /* A descriptor that never becomes readable, and an immediate wake:
     * poll_block() must return at once, not wait on the descriptor. */
    ASSERT_EQ(pipe(fds), 0);
    long long int start = time_msec();
    poll_fd_wait(fds[0], POLLIN);
    poll_immediate_wake();
    poll_block();
    ASSERT_LT(time_msec() - start, 1000);

    /* The same after the clock was warped far forward. */
    time_warp(1000LL * 1000 * 1000);
    start = time_msec();
    poll_fd_wait(fds[0], POLLIN);
    poll_timer_wait(0);
    poll_block();
    ASSERT_LT(time_msec() - start, 1000);
    close(fds[0]);
    close(fds[1]);
}
