/* poll-loop.c: see poll-loop.h. */
#include "lib/poll-loop.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "lib/timeval.h"
#include "lib/util.h"

struct poll_loop {
    struct pollfd *fds;     /* Registered descriptors. */
    size_t n_fds;           /* Number in use. */
    size_t allocated;       /* Number allocated. */
    long long int deadline; /* Earliest wake time, or LLONG_MAX. */
};

static __thread struct poll_loop loop = { NULL, 0, 0, LLONG_MAX };

void
poll_fd_wait(int fd, short int events)
{
    for (size_t i = 0; i < loop.n_fds; i++) {
        if (loop.fds[i].fd == fd) {
            loop.fds[i].events |= events;
            return;
        }
    }
    if (loop.n_fds >= loop.allocated) {
        loop.fds = x2nrealloc(loop.fds, &loop.allocated, sizeof *loop.fds);
    }
    loop.fds[loop.n_fds].fd = fd;
    loop.fds[loop.n_fds].events = events;
    loop.fds[loop.n_fds].revents = 0;
    loop.n_fds++;
}

void
poll_timer_wait_until(long long int msec)
{
    if (msec < loop.deadline) {
        loop.deadline = msec;
    }
}

void
poll_timer_wait(long long int msec)
{
    poll_timer_wait_until(time_msec() + (msec < 0 ? 0 : msec));
}

void
poll_immediate_wake(void)
{
    loop.deadline = LLONG_MIN;
}

void
poll_block(void)
{
    int timeout;

    if (loop.deadline == LLONG_MAX) {
        timeout = -1;
    } else {
        /* Compare before subtracting: poll_immediate_wake() sets the
         * deadline to LLONG_MIN, and LLONG_MIN - now overflows. */
        long long int now = time_msec();
        long long int left = loop.deadline <= now ? 0 : loop.deadline - now;

        timeout = left > INT_MAX ? INT_MAX : (int) left;
    }
    if (poll(loop.fds, loop.n_fds, timeout) < 0 && errno != EINTR) {
        vx_fatal("poll failed: %s", vx_strerror(errno));
    }
    loop.n_fds = 0;
    loop.deadline = LLONG_MAX;
}
