/* daemon-process.c: see daemon-process.h. */
#include "daemon/daemon-process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "lib/poll-loop.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(daemon_process);

/* Write end of the pipe to the waiting parent, or -1. */
static int ready_fd = -1;

void
daemon_detach_start(void)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        fprintf(stderr, "vxstackd: pipe failed (%s)\n", strerror(errno));
        exit(1);
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "vxstackd: fork failed (%s)\n", strerror(errno));
        exit(1);
    } else if (pid > 0) {
        /* Parent: wait for a byte (ready) or end of file (failed). */
        char c;
        ssize_t n;
        int status;

        close(fds[1]);
        do {
            n = read(fds[0], &c, 1);
        } while (n < 0 && errno == EINTR);
        if (n == 1) {
            _exit(0);
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            continue;
        }
        if (WIFEXITED(status)) {
            _exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
        }
        fprintf(stderr, "vxstackd: daemon died during startup (%s)\n",
                WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
                                    : "unknown status");
        _exit(1);
    }
    close(fds[0]);
    ready_fd = fds[1];
}

void
daemon_detach_finish(const char *log_file)
{
    int null_fd, err_fd;

    if (ready_fd < 0) {
        return;
    }
    if (setsid() < 0) {
        VLOG_WARN("setsid failed (%s)", vx_strerror(errno));
    }
    if (chdir("/") < 0) {
        VLOG_WARN("chdir(\"/\") failed (%s)", vx_strerror(errno));
    }
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    err_fd = log_file ? open(log_file, O_WRONLY | O_APPEND | O_CREAT
                                       | O_CLOEXEC, 0644)
                      : -1;
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        dup2(err_fd >= 0 ? err_fd : null_fd, STDERR_FILENO);
        close(null_fd);
    }
    if (err_fd >= 0) {
        close(err_fd);
    }

    while (write(ready_fd, "", 1) < 0 && errno == EINTR) {
        continue;
    }
    close(ready_fd);
    ready_fd = -1;
}

/* Returns the pid recorded in the pid file open on FD, or 0. */
static long int
read_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

int
daemon_pidfile_lock(const char *path, char **errorp)
{
    *errorp = NULL;
    for (;;) {
        struct stat st_fd, st_path;
        char buf[32];
        int fd, len;

        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            *errorp = xasprintf("%s: cannot create pid file (%s)", path,
                                strerror(errno));
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            int error = errno;
            long int pid = read_pid(fd);

            close(fd);
            if (error == EWOULDBLOCK) {
                *errorp = xasprintf("%s: already locked by another vxstackd"
                                    " (pid %ld) using the same run "
                                    "directory; stop it first or choose "
                                    "another --rundir", path, pid);
            } else {
                *errorp = xasprintf("%s: cannot lock pid file (%s)", path,
                                    strerror(error));
            }
            return -1;
        }

        /* A daemon that was exiting may have unlinked the file between our
         * open() and flock(); then our lock guards nothing: retry. */
        if (fstat(fd, &st_fd) < 0 || stat(path, &st_path) < 0
            || st_fd.st_ino != st_path.st_ino
            || st_fd.st_dev != st_path.st_dev) {
            close(fd);
            continue;
        }

        len = snprintf(buf, sizeof buf, "%ld\n", (long int) getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t) len, 0) != len) {
            *errorp = xasprintf("%s: cannot write pid file (%s)", path,
                                strerror(errno));
            unlink(path);
            close(fd);
            return -1;
        }
        return fd;
    }
}

void
daemon_pidfile_remove(const char *path, int fd)
{
    if (fd >= 0) {
        unlink(path);
        close(fd);
    }
}

/* Signals arrive through a pipe so that the poll loop wakes up. */
static int signal_fds[2] = { -1, -1 };

static void
signal_handler(int signr)
{
    int saved_errno = errno;
    unsigned char c = (unsigned char) signr;

    if (write(signal_fds[1], &c, 1) < 0) {
        /* The pipe is full: enough signals are pending already. */
    }
    errno = saved_errno;
}

int
daemon_signals_init(void)
{
    static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
    struct sigaction sa;

    if (pipe2(signal_fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        return errno;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = signal_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
        if (sigaction(signals[i], &sa, NULL) < 0) {
            return errno;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

void
daemon_signals_run(const char *log_file)
{
    unsigned char signals[16];
    ssize_t n;

    while ((n = read(signal_fds[0], signals, sizeof signals)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (signals[i] == SIGHUP) {
                if (log_file && vlog_set_file(log_file)) {
                    VLOG_WARN("%s: cannot reopen log file", log_file);
                }
            } else {
                VLOG_INFO("%s received, exiting", strsignal(signals[i]));
                daemon_request_exit();
            }
        }
    }
}

void
daemon_signals_wait(void)
{
    poll_fd_wait(signal_fds[0], POLLIN);
}
