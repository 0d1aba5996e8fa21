/*
 * poll-loop.h: the event loop of a thread, in Open vSwitch's style.
 *
 * Each module has a run() function that does whatever work is ready without
 * blocking, and a wait() function that registers what would make more work
 * ready: poll_fd_wait() for a file descriptor, poll_timer_wait_until() for
 * a deadline, poll_immediate_wake() when work is already pending.  The main
 * loop calls every run(), every wait(), then poll_block(), which sleeps
 * until one of the registered events happens and clears the registrations.
 *
 * Thread safety: the registrations are per thread.
 */
#ifndef VX_LIB_POLL_LOOP_H
#define VX_LIB_POLL_LOOP_H 1

#include <poll.h>

/* Wakes the next poll_block() when FD has any of EVENTS (POLLIN...). */
void poll_fd_wait(int fd, short int events);

/* Wakes the next poll_block() after MSEC ms / at monotonic time MSEC. */
void poll_timer_wait(long long int msec);
void poll_timer_wait_until(long long int msec);

/* Makes the next poll_block() return at once. */
void poll_immediate_wake(void);

/* Sleeps until a registered event; then forgets all registrations. */
void poll_block(void);

#endif /* VX_LIB_POLL_LOOP_H */
