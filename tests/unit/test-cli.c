/* Unit tests for the vxstack program (src/cli): each verb must become the
 * right control request, replies must be printed as the OVS tools print
 * them, and exit statuses must follow the rules in cli.h.  A fake daemon
 * (a ctl server in a child process) echoes every request it gets. */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/poll-loop.h"
#include "lib/util.h"

/* Fake daemon. */

/* Replies with the request's arguments, one per line, each as
 * [argument]. */
static void
echo_handler(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) aux;
    for (int i = 0; i < argc; i++) {
        ds_put_format(&s, "[%s]\n", argv[i]);
    }
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
fail_handler(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) argv;
    (void) aux;
    ctl_reply_error(conn, "something went wrong\n");
}

static void
status_handler(struct ctl_conn *conn, int argc, const char *argv[],
               void *aux)
{
    (void) argc;
    (void) aux;
    ctl_reply_status(conn, atoi(argv[1]), "");
}

/* Streams a capture stream (lib/capture-stream.h): a header frame
 * "PCAP" unless text was asked for, one packet frame holding the request's arguments, and an end
 * frame that says the port was deleted when the port is "gone". */
static void
capture_handler(struct ctl_conn *conn, int argc, const char *argv[],
                void *aux)
{
    if (argc > 2 && !strcmp(argv[2], "nope")) {
        ctl_reply_error(conn, "no port named nope");
        return;
    }
    int fd = ctl_reply_stream(conn);
    struct ds args = DS_EMPTY_INITIALIZER;
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *end = argc > 2 && !strcmp(argv[2], "gone")
                      ? "port gone was deleted" : "";

    (void) aux;
    for (int i = 0; i < argc; i++) {
        ds_put_format(&args, "|%s", argv[i]);
    }
    if (strcmp(argv[argc - 1], "--text")) {
        ds_put_cstr(&s, "header 4\nPCAP");
    }
    ds_put_format(&s, "packet %zu\n%s", args.length, ds_cstr(&args));
    ds_put_format(&s, "end %zu\n%s", strlen(end), end);
    if (write(fd, s.string, s.length) < 0) {
        perror("write");
    }
    close(fd);
    ds_destroy(&s);
    ds_destroy(&args);
}

/* Starts the fake daemon in a child listening in RUNDIR; returns its
 * pid. */
static pid_t
start_fake_daemon(const char *rundir)
{
    static const char *const echoed[] = {
        "vsctl", "ofctl/add-flow", "ofctl/add-flows", "ofctl/dump-flows",
        "ofctl/del-flows", "ofctl/replace-flows", "dpctl/show",
        "dpctl/dump-flows", "my/command",
    };
    char *path = xasprintf("%s/vxstackd.ctl", rundir);
    int ready[2];
    pid_t pid;

    ASSERT_EQ(pipe(ready), 0);
    pid = fork();
    ASSERT_GE(pid, 0);
    if (!pid) {
        struct ctl_server *server;
        int null_fd = open("/dev/null", O_RDWR);

        /* Die with the test, and do not hold its output open. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(null_fd, STDOUT_FILENO);
        dup2(null_fd, STDERR_FILENO);
        close(ready[0]);
        for (size_t i = 0; i < ARRAY_SIZE(echoed); i++) {
            ctl_command_register(echoed[i], "", 0, CTL_MAX_ARGS,
                                 echo_handler, NULL);
        }
        ctl_command_register("fail", "", 0, 0, fail_handler, NULL);
        ctl_command_register("status", "", 1, 1, status_handler, NULL);
        ctl_command_register("capture", "", 0, 10, capture_handler, NULL);
        if (ctl_server_create(path, &server)) {
            _exit(1);
        }
        if (write(ready[1], "", 1) != 1) {
            _exit(1);
        }
        for (;;) {
            ctl_server_run(server);
            ctl_server_wait(server);
            poll_block();
        }
    }
    close(ready[1]);
    char c;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    close(ready[0]);
    free(path);
    return pid;
}

static void
stop_fake_daemon(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

/* Running vxstack. */

static const char *
vxstack_path(void)
{
    static char path[4096];
    ssize_t n;

    if (!path[0]) {
        /* This test is build/tests/test-cli; the program is
         * build/vxstack. */
        n = readlink("/proc/self/exe", path, sizeof path - 32);
        ASSERT_GT(n, 0);
        path[n] = '\0';
        *strrchr(path, '/') = '\0';
        char *slash = strrchr(path, '/');
        vx_strlcpy(slash, "/vxstack", sizeof path - (size_t) (slash - path));
        if (access(path, X_OK)) {
            SKIP("build/vxstack is not built");
        }
    }
    return path;
}

/* What a run of vxstack did. */
struct result {
    int status;                 /* Exit status. */
    char *out;                  /* Standard output. */
    char *err;                  /* Standard error. */
};

static char *
read_fd(int fd)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char buf[4096];
    ssize_t n;

    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        ds_put_buffer(&s, buf, (size_t) n);
    }
    return s.string ? ds_steal_cstr(&s) : xstrdup("");
}

/* Runs vxstack with ARGV (NULL-terminated, without the program name),
 * standard input from STDIN_TEXT (or /dev/null), and environment variable
 * VXSTACK_RUNDIR set to ENV_RUNDIR (or unset). */
static struct result
run_vxstack(const char *env_rundir, const char *stdin_text,
            const char *const argv[])
{
    char *out_path = xasprintf("%s/out", harness_tmpdir());
    char *err_path = xasprintf("%s/err", harness_tmpdir());
    char *in_path = xasprintf("%s/in", harness_tmpdir());
    int out = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    struct result r;
    pid_t pid;
    int status;

    ASSERT_TRUE(out >= 0 && err >= 0);
    if (stdin_text) {
        int in = open(in_path, O_RDWR | O_CREAT | O_TRUNC, 0600);

        ASSERT_EQ(write(in, stdin_text, strlen(stdin_text)),
                  (ssize_t) strlen(stdin_text));
        close(in);
    }
    pid = fork();
    ASSERT_GE(pid, 0);
    if (!pid) {
        const char *args[64];
        int n = 0;
        int in = open(stdin_text ? in_path : "/dev/null", O_RDONLY);

        args[n++] = "vxstack";
        for (; *argv; argv++) {
            args[n++] = *argv;
        }
        args[n] = NULL;
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        if (env_rundir) {
            setenv("VXSTACK_RUNDIR", env_rundir, 1);
        } else {
            unsetenv("VXSTACK_RUNDIR");
        }
        execv(vxstack_path(), (char **) args);
        _exit(127);
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    r.status = WEXITSTATUS(status);
    r.out = read_fd(out);
    r.err = read_fd(err);
    close(out);
    close(err);
    free(out_path);
    free(err_path);
    free(in_path);
    return r;
}

static void
result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* Runs vxstack --rundir RUNDIR ARGS... and checks status and output. */
static void
check(const char *rundir, int status, const char *out, const char *err,
      const char *const args[])
{
    const char *argv[64];
    int n = 0;

    argv[n++] = "--rundir";
    argv[n++] = rundir;
    for (; *args; args++) {
        argv[n++] = *args;
    }
    argv[n] = NULL;

    struct result r = run_vxstack(NULL, NULL, argv);
    ASSERT_STR_EQ(r.out, out);
    if (err) {
        ASSERT_STR_EQ(r.err, err);
    }
    ASSERT_EQ(r.status, status);
    result_free(&r);
}

#define ARGS(...) ((const char *const[]) { __VA_ARGS__, NULL })

TEST(verbs_map_to_requests)
{
    const char *rundir = harness_tmpdir();
    pid_t pid;

    vxstack_path();
    pid = start_fake_daemon(rundir);

    check(rundir, 0, "[vsctl]\n[--may-exist]\n[add-br]\n[br0]\n[--]\n"
          "[set]\n[bridge]\n[br0]\n[fail_mode=secure]\n", "",
          ARGS("vsctl", "--may-exist", "add-br", "br0", "--", "set",
               "bridge", "br0", "fail_mode=secure"));
    /* ofctl: options first (wherever they were typed), then arguments;
     * --names is not added when the output is not a terminal. */
    check(rundir, 0, "[ofctl/dump-flows]\n[--no-stats]\n[--sort=priority]\n"
          "[br-int]\n[table=0]\n", "",
          ARGS("ofctl", "dump-flows", "br-int", "--no-stats", "table=0",
               "--sort=priority"));
    check(rundir, 0, "[ofctl/del-flows]\n[--protocols=OpenFlow13]\n"
          "[--strict]\n[br0]\n[priority=1,in_port=1]\n", "",
          ARGS("ofctl", "-O", "OpenFlow13", "--strict", "del-flows", "br0",
               "priority=1,in_port=1"));
    check(rundir, 0, "[ofctl/add-flow]\n[--names]\n[br0]\n[actions=drop]\n",
          "", ARGS("ofctl", "--names", "add-flow", "br0", "actions=drop"));
    check(rundir, 0, "[dpctl/show]\n[-s]\n[system@ovs-system]\n", "",
          ARGS("dpctl", "-s", "show", "system@ovs-system"));
    check(rundir, 0, "[my/command]\n[a]\n[--b]\n", "",
          ARGS("appctl", "my/command", "a", "--b"));

    /* An error reply: "vxstack: MESSAGE" on stderr, status 1. */
    check(rundir, 1, "", "vxstack: something went wrong\n",
          ARGS("appctl", "fail"));
    /* Other statuses pass through (vsctl br-exists uses 2). */
    check(rundir, 2, "", "", ARGS("appctl", "status", "2"));
    check(rundir, 1, "", "vxstack: \"nope\" is not a valid command (use "
          "\"list-commands\" to see a list of valid commands)\n",
          ARGS("appctl", "nope"));
    stop_fake_daemon(pid);
}

TEST(add_flows_sends_file_contents)
{
    const char *rundir = harness_tmpdir();
    char *file = xasprintf("%s/flows.txt", rundir);
    FILE *f = fopen(file, "w");
    pid_t pid;

    vxstack_path();
    ASSERT_TRUE(f != NULL);
    fputs("priority=1 actions=drop\npriority=0 actions=NORMAL\n", f);
    fclose(f);
    pid = start_fake_daemon(rundir);

    /* The contents, then the file's name for error messages. */
    char *expected = xasprintf("[ofctl/add-flows]\n[br0]\n"
                               "[priority=1 actions=drop\n"
                               "priority=0 actions=NORMAL\n]\n[%s]\n", file);
    check(rundir, 0, expected, "", ARGS("ofctl", "add-flows", "br0", file));
    free(expected);
    expected = xasprintf("[ofctl/replace-flows]\n[--strict]\n[br0]\n"
                         "[priority=1 actions=drop\n"
                         "priority=0 actions=NORMAL\n]\n[%s]\n", file);
    check(rundir, 0, expected, "",
          ARGS("ofctl", "--strict", "replace-flows", "br0", file));
    free(expected);
    check(rundir, 1, "", "vxstack: 'add-flows' command takes at most 2 "
          "arguments\n", ARGS("ofctl", "add-flows", "br0", file, "x"));

    /* "-" reads standard input. */
    const char *argv[] = { "--rundir", rundir, "ofctl", "add-flows", "br0",
                           "-", NULL };
    struct result r = run_vxstack(NULL, "table=3 actions=drop\n", argv);
    ASSERT_STR_EQ(r.out, "[ofctl/add-flows]\n[br0]\n"
                  "[table=3 actions=drop\n]\n[-]\n");
    ASSERT_EQ(r.status, 0);
    result_free(&r);

    char *missing = xasprintf("%s/missing", rundir);
    char *err = xasprintf("vxstack: %s: open failed (No such file or "
                          "directory)\n", missing);
    check(rundir, 1, "", err, ARGS("ofctl", "add-flows", "br0", missing));
    free(err);
    free(missing);

    /* A file larger than one request is refused before it is read (a
     * sparse file: nothing is written). */
    char *big = xasprintf("%s/big.flows", rundir);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_TRUE(fd >= 0);
    ASSERT_OK(ftruncate(fd, (off_t) CTL_MAX_REQUEST + 1) ? errno : 0);
    close(fd);
    err = xasprintf("vxstack: %s: file too large (more than 256 MiB, the "
                    "most one request can carry; split it into several "
                    "files)\n", big);
    check(rundir, 1, "", err, ARGS("ofctl", "replace-flows", "br0", big));
    free(err);
    unlink(big);
    free(big);
    free(file);
    stop_fake_daemon(pid);
}

TEST(capture_streams_to_file)
{
    const char *rundir = harness_tmpdir();
    char *file = xasprintf("%s/cap.pcap", rundir);
    pid_t pid;

    vxstack_path();
    pid = start_fake_daemon(rundir);
    check(rundir, 0, "", "1 packet captured\n",
          ARGS("capture", "-i", "tap0", "-w", file, "-c", "3"));
    FILE *f = fopen(file, "r");
    char buf[128] = "";
    ASSERT_TRUE(f != NULL);
    ASSERT_TRUE(fgets(buf, sizeof buf, f) != NULL);
    fclose(f);
    ASSERT_STR_EQ(buf, "PCAP|capture|-i|tap0|-c|3");

    /* To standard output with -w - (not a terminal here). */
    check(rundir, 0, "PCAP|capture|-i|tap0", "1 packet captured\n",
          ARGS("capture", "-itap0", "-w", "-"));

    /* Without -w the daemon is asked for text lines. */
    check(rundir, 0, "|capture|-i|tap0|--text", "1 packet captured\n",
          ARGS("capture", "-i", "tap0"));

    /* A capture that the daemon ends says why and fails. */
    check(rundir, 1, "|capture|-i|gone|--text",
          "vxstack: capture on gone ended: port gone was deleted\n"
          "1 packet captured\n", ARGS("capture", "-i", "gone"));

    /* An error leaves no file behind. */
    unlink(file);
    check(rundir, 1, "", "vxstack: no port named nope\n",
          ARGS("capture", "-i", "nope", "-w", file));
    ASSERT_TRUE(access(file, F_OK) != 0);
    free(file);
    stop_fake_daemon(pid);
}

TEST(rundir_from_environment)
{
    const char *rundir = harness_tmpdir();
    const char *argv[] = { "appctl", "my/command", NULL };
    pid_t pid;
    struct result r;

    vxstack_path();
    pid = start_fake_daemon(rundir);
    r = run_vxstack(rundir, NULL, argv);
    ASSERT_STR_EQ(r.out, "[my/command]\n");
    ASSERT_EQ(r.status, 0);
    result_free(&r);
    stop_fake_daemon(pid);
}

TEST(no_daemon_is_a_clear_error)
{
    const char *rundir = harness_tmpdir();
    const char *argv[] = { "--rundir", rundir, "vsctl", "show", NULL };
    struct result r;
    char *expected;

    vxstack_path();
    r = run_vxstack(NULL, NULL, argv);
    expected = xasprintf("vxstack: cannot connect to vxstackd at "
                         "%s/vxstackd.ctl (No such file or directory); is "
                         "it running?  Choose the node with --rundir DIR or "
                         "VXSTACK_RUNDIR.\n", rundir);
    ASSERT_STR_EQ(r.err, expected);
    ASSERT_STR_EQ(r.out, "");
    ASSERT_EQ(r.status, 1);
    result_free(&r);
    free(expected);
}

TEST(usage_errors_exit_2)
{
    const char *const *cases[] = {
        ARGS("--bogus"),
        ARGS("--rundir"),
        ARGS("frob"),
        ARGS("appctl"),
        ARGS("ofctl"),
        ARGS("ofctl", "--bogus", "show", "br0"),
        ARGS("dpctl"),
        ARGS("dpctl", "-x", "show"),
        ARGS("capture"),
        ARGS("capture", "-i", "p", "-c", "0"),
        ARGS("capture", "-i", "p", "-c", "x"),
        ARGS("capture", "-i", "p", "port", "80"),
        ARGS("capture", "-i"),
    };
    const char *none[] = { NULL };
    struct result r;

    vxstack_path();
    r = run_vxstack(NULL, NULL, none);
    ASSERT_EQ(r.status, 2);
    ASSERT_STR_EQ(r.err, "vxstack: missing command name\nTry 'vxstack "
                  "--help' for more information.\n");
    result_free(&r);

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        r = run_vxstack(NULL, NULL, cases[i]);
        if (r.status != 2 || !str_has_prefix(r.err, "vxstack: ")
            || !strstr(r.err, "Try 'vxstack --help'")) {
            harness_fail(__FILE__, __LINE__, "case %zu (%s): status %d, "
                         "stderr \"%s\"", i, cases[i][0], r.status, r.err);
        }
        result_free(&r);
    }

    const char *help[] = { "--help", NULL };
    r = run_vxstack(NULL, NULL, help);
    ASSERT_EQ(r.status, 0);
    ASSERT_STR_CONTAINS(r.out, "capture -i PORT");
    result_free(&r);
    const char *version[] = { "--version", NULL };
    r = run_vxstack(NULL, NULL, version);
    ASSERT_EQ(r.status, 0);
    ASSERT_TRUE(str_has_prefix(r.out, "vxstack (vxstack) "));
    result_free(&r);
}

/* Like ovs-ofctl, ofctl asks for port names when its output is a
 * terminal, unless told --no-names. */
TEST(ofctl_names_on_a_terminal)
{
    const char *rundir = harness_tmpdir();
    const char *const cases[][2] = {
        { NULL, "[ofctl/dump-flows]\r\n[--names]\r\n[br0]\r\n" },
        { "--no-names", "[ofctl/dump-flows]\r\n[--no-names]\r\n[br0]\r\n" },
    };
    pid_t daemon;

    vxstack_path();
    daemon = start_fake_daemon(rundir);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ds out = DS_EMPTY_INITIALIZER;
        int master, slave, status;
        pid_t pid;

        ASSERT_EQ(openpty(&master, &slave, NULL, NULL, NULL), 0);
        pid = fork();
        ASSERT_GE(pid, 0);
        if (!pid) {
            close(master);
            dup2(slave, STDOUT_FILENO);
            execl(vxstack_path(), "vxstack", "--rundir", rundir, "ofctl",
                  "dump-flows", "br0", cases[i][0], (char *) NULL);
            _exit(127);
        }
        close(slave);
        for (;;) {
            char buf[256];
            ssize_t n = read(master, buf, sizeof buf);

            if (n <= 0) {
                break;          /* EIO once the child closed the tty. */
            }
            ds_put_buffer(&out, buf, (size_t) n);
        }
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        ASSERT_STR_EQ(ds_cstr(&out), cases[i][1]);
        close(master);
        ds_destroy(&out);
    }
    stop_fake_daemon(daemon);
}
