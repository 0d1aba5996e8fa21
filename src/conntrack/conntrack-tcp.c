/*
 * conntrack-tcp.c: the TCP state machine, after OpenBSD pf's
 * pf_test_tcp() as OVS adopted it: each peer tracks the highest sequence
 * number it sent (seqlo) and the highest the other end may send (seqhi,
 * from its acks and windows, scaled when both ends negotiated window
 * scaling).  A segment is accepted when it lies within the window, acks
 * no more than a window ahead or a reassembled fragment behind, and, for
 * a RST, matches the expected sequence number exactly (or +/- 1).  A
 * looser check admits segments around establishment and after close.
 */
#include "conntrack/conntrack-private.h"

#include "lib/coverage.h"

COVERAGE_DEFINE(conntrack_invalid_tcp_flags);
COVERAGE_DEFINE(conntrack_tcp_seq_chk_failed);

/* Modular comparisons of 32-bit sequence numbers. */
#define SEQ_LT(A, B) ((int32_t)((A) - (B)) < 0)
#define SEQ_LEQ(A, B) ((int32_t)((A) - (B)) <= 0)
#define SEQ_GT(A, B) ((int32_t)((A) - (B)) > 0)
#define SEQ_GEQ(A, B) ((int32_t)((A) - (B)) >= 0)

#define TCP_MAX_WSCALE 14
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_WINDOW 3

/* How far (bytes) an ack may lag or lead: a maximum window plus a fudge
 * factor for one reassembled fragment. */
#define MAX_ACK_WINDOW (0xffff + 1500)

static const char *const tcp_state_names[N_CT_TCPS] = {
#define CT_TCP_STATE(NAME) [CT_TCPS_##NAME] = #NAME,
    CT_TCP_STATES
#undef CT_TCP_STATE
};

const char *
ct_tcp_state_name(enum ct_tcp_state s)
{
    return s < N_CT_TCPS ? tcp_state_names[s] : "UNKNOWN";
}

enum ct_tcp_state
ct_tcp_coalesce_state(uint8_t orig, uint8_t reply)
{
    uint8_t s = MAX(orig, reply);

    return (s == CT_TCPS_FIN_WAIT_2 ? CT_TCPS_TIME_WAIT
            : s == CT_TCPS_SYN_RECV ? CT_TCPS_ESTABLISHED
                                    : s);
}

/* Returns true if FLAGS cannot belong to any valid segment: SYN with RST
 * or FIN, neither SYN nor ACK nor RST, or FIN/PSH/URG without ACK. */
static bool
tcp_invalid_flags(uint16_t flags)
{
    if (flags & TCP_SYN) {
        if (flags & (TCP_RST | TCP_FIN)) {
            return true;
        }
    } else if (!(flags & (TCP_ACK | TCP_RST))) {
        return true;
    }
    return !(flags & TCP_ACK) && (flags & (TCP_FIN | TCP_PSH | TCP_URG));
}

/* Returns the window-scale byte (CT_WSCALE_*) announced in the options of
 * P's TCP header, or 0 if there is no window-scale option. */
static uint8_t
tcp_wscale(const struct ct_packet *p)
{
    struct tcp_header tcp;
    const uint8_t *opt = p->l4 + TCP_HEADER_LEN;
    uint8_t wscale = 0;
    int len;

    memcpy(&tcp, p->l4, sizeof tcp);
    len = TCP_OFFSET(tcp.tcp_ctl) * 4 - TCP_HEADER_LEN;
    while (len >= 3) {
        uint8_t optlen;

        if (opt[0] == TCPOPT_EOL) {
            break;
        } else if (opt[0] == TCPOPT_NOP) {
            opt++;
            len--;
            continue;
        } else if (opt[0] == TCPOPT_WINDOW) {
            wscale = MIN(opt[2], TCP_MAX_WSCALE) | CT_WSCALE_FLAG;
        }
        optlen = MAX(opt[1], 2);
        len -= optlen;
        opt += optlen;
    }
    return wscale;
}

bool
ct_tcp_valid_new(const struct ct_packet *p)
{
    uint16_t flags = p->tcp_flags;

    /* A SYN opens a connection, and so may a segment of a connection that
     * was established before we saw it; a SYN-ACK (half open) may not. */
    return (!tcp_invalid_flags(flags) &&
            (flags & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK));
}

/* Reads the sequence number, ack number and window of P. */
static void
tcp_numbers(const struct ct_packet *p, uint32_t *seq, uint32_t *ack,
            uint16_t *win)
{
    struct tcp_header tcp;

    memcpy(&tcp, p->l4, sizeof tcp);
    *seq = ntohl(tcp.tcp_seq);
    *ack = ntohl(tcp.tcp_ack);
    *win = ntohs(tcp.tcp_winsz);
}

void
ct_tcp_init(struct ct_conn *conn, const struct ct_packet *p, long long now)
{
    struct ct_tcp_peer *src = &conn->peer[0];
    struct ct_tcp_peer *dst = &conn->peer[1];
    uint32_t seq, ack;
    uint16_t win;

    tcp_numbers(p, &seq, &ack, &win);
    memset(conn->peer, 0, sizeof conn->peer);
    src->seqlo = seq;
    src->seqhi = seq + p->tcp_payload + 1;
    if (p->tcp_flags & TCP_SYN) {
        src->seqhi++;
        src->wscale = tcp_wscale(p);
    } else {
        /* Picked up mid-stream: be liberal about window scaling. */
        src->wscale = CT_WSCALE_UNKNOWN;
        dst->wscale = CT_WSCALE_UNKNOWN;
    }
    src->max_win = MAX(win, 1);
    if (src->wscale & CT_WSCALE_MASK) {
        src->max_win = DIV_ROUND_UP((uint32_t)src->max_win,
                                    1u << (src->wscale & CT_WSCALE_MASK));
    }
    if (p->tcp_flags & TCP_FIN) {
        src->seqhi++;
    }
    dst->seqhi = 1;
    dst->max_win = 1;
    src->state = CT_TCPS_SYN_SENT;
    dst->state = CT_TCPS_CLOSED;
    ct_conn_set_timeout(conn, CT_TM_TCP_FIRST_PACKET, now);
}

/* Chooses the timeout class from the states of the two peers. */
static enum ct_timeout
tcp_timeout(const struct ct_tcp_peer *src, const struct ct_tcp_peer *dst)
{
    if (src->state >= CT_TCPS_FIN_WAIT_2 && dst->state >= CT_TCPS_FIN_WAIT_2) {
        return CT_TM_TCP_CLOSED;
    } else if (src->state >= CT_TCPS_CLOSING &&
               dst->state >= CT_TCPS_CLOSING) {
        return CT_TM_TCP_FIN_WAIT;
    } else if (src->state < CT_TCPS_ESTABLISHED ||
               dst->state < CT_TCPS_ESTABLISHED) {
        return CT_TM_TCP_OPENING;
    } else if (src->state >= CT_TCPS_CLOSING ||
               dst->state >= CT_TCPS_CLOSING) {
        return CT_TM_TCP_CLOSING;
    }
    return CT_TM_TCP_ESTABLISHED;
}

/* Learns from an accepted segment: the sender's largest window, its
 * highest sequence number END, and how far the receiver may now send
 * (ACK plus the scaled window WIN << SWS). */
static void
tcp_learn(struct ct_tcp_peer *src, struct ct_tcp_peer *dst, uint16_t win,
          uint32_t end, uint32_t ack, uint8_t sws)
{
    if (src->max_win < win) {
        src->max_win = win;
    }
    if (SEQ_GT(end, src->seqlo)) {
        src->seqlo = end;
    }
    if (SEQ_GEQ(ack + ((uint32_t)win << sws), dst->seqhi)) {
        dst->seqhi = ack + MAX((uint32_t)win << sws, 1);
    }
}

enum ct_update_res
ct_tcp_update(struct ct_conn *conn, const struct ct_packet *p, bool reply,
              bool seq_chk, long long now)
{
    struct ct_tcp_peer *src = &conn->peer[reply ? 1 : 0];
    struct ct_tcp_peer *dst = &conn->peer[reply ? 0 : 1];
    uint16_t flags = p->tcp_flags;
    uint32_t seq, ack, end, orig_seq;
    bool check_ackskew = true;
    uint8_t sws = 0, dws = 0;
    int32_t ackskew;
    uint16_t win;

    if (tcp_invalid_flags(flags)) {
        COVERAGE_INC(conntrack_invalid_tcp_flags);
        return CT_UPDATE_INVALID;
    }
    tcp_numbers(p, &seq, &ack, &win);

    if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
        if (src->state >= CT_TCPS_FIN_WAIT_2 &&
            dst->state >= CT_TCPS_FIN_WAIT_2) {
            /* A new SYN on a closed connection reuses the tuple. */
            src->state = dst->state = CT_TCPS_CLOSED;
            return CT_UPDATE_NEW;
        } else if (src->state <= CT_TCPS_SYN_SENT) {
            /* A retransmitted SYN. */
            src->state = CT_TCPS_SYN_SENT;
            ct_conn_set_timeout(conn, CT_TM_TCP_FIRST_PACKET, now);
            return CT_UPDATE_VALID_NEW;
        }
    }

    if (!(flags & TCP_SYN)) {
        if (src->wscale & CT_WSCALE_FLAG && dst->wscale & CT_WSCALE_FLAG) {
            sws = src->wscale & CT_WSCALE_MASK;
            dws = dst->wscale & CT_WSCALE_MASK;
        } else if (src->wscale & CT_WSCALE_UNKNOWN &&
                   dst->wscale & CT_WSCALE_UNKNOWN) {
            sws = dws = TCP_MAX_WSCALE;
        }
    }

    orig_seq = seq;
    end = seq + p->tcp_payload + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
    if (src->state < CT_TCPS_SYN_SENT) {
        /* First segment from this end (the SYN-ACK, usually). */
        if (flags & TCP_SYN && dst->wscale & CT_WSCALE_FLAG) {
            src->wscale = tcp_wscale(p);
            if (src->wscale & CT_WSCALE_FLAG) {
                sws = src->wscale & CT_WSCALE_MASK;
                win = DIV_ROUND_UP((uint32_t)win, 1u << sws);
                dws = dst->wscale & CT_WSCALE_MASK;
            } else {
                /* The other end will not scale: undo ours. */
                dst->max_win <<= dst->wscale & CT_WSCALE_MASK;
                dst->wscale = 0;
            }
        }
        src->seqlo = seq;
        src->state = CT_TCPS_SYN_SENT;
        /* The window may need to slide (seqhi may come from a connection
         * picked up mid-stream); be lenient about the ack then. */
        if (src->seqhi == 1 ||
            SEQ_GEQ(end + MAX(1, (uint32_t)dst->max_win << dws), src->seqhi)) {
            src->seqhi = end + MAX(1, (uint32_t)dst->max_win << dws);
            check_ackskew = false;
        }
        if (win > src->max_win) {
            src->max_win = win;
        }
    }

    if (!(flags & TCP_ACK) ||
        (ack == 0 && (flags & (TCP_ACK | TCP_RST)) == (TCP_ACK | TCP_RST))) {
        /* Nothing to check the ack against (some stacks send RST|ACK with
         * a zero ack). */
        ack = dst->seqlo;
    }
    if (seq == end) {
        /* No data: ease sequencing restrictions. */
        seq = end = src->seqlo;
    }

    ackskew = check_ackskew ? (int32_t)(dst->seqlo - ack) : 0;
    if (!seq_chk ||
        (SEQ_GEQ(src->seqhi, end) &&
         SEQ_GEQ(seq, src->seqlo - ((uint32_t)dst->max_win << dws)) &&
         ackskew >= -MAX_ACK_WINDOW && ackskew <= (MAX_ACK_WINDOW << sws) &&
         (!(flags & TCP_RST) || orig_seq == src->seqlo ||
          orig_seq == src->seqlo + 1 || orig_seq + 1 == src->seqlo))) {
        tcp_learn(src, dst, win, end, ack, sws);
        if (flags & TCP_SYN && src->state < CT_TCPS_SYN_SENT) {
            src->state = CT_TCPS_SYN_SENT;
        }
        if (flags & TCP_FIN && src->state < CT_TCPS_CLOSING) {
            src->state = CT_TCPS_CLOSING;
        }
        if (flags & TCP_ACK) {
            if (dst->state == CT_TCPS_SYN_SENT) {
                dst->state = CT_TCPS_ESTABLISHED;
            } else if (dst->state == CT_TCPS_CLOSING) {
                dst->state = CT_TCPS_FIN_WAIT_2;
            }
        }
        if (flags & TCP_RST) {
            src->state = dst->state = CT_TCPS_TIME_WAIT;
        }
        ct_conn_set_timeout(conn, tcp_timeout(src, dst), now);
    } else if ((dst->state < CT_TCPS_SYN_SENT ||
                dst->state >= CT_TCPS_FIN_WAIT_2 ||
                src->state >= CT_TCPS_FIN_WAIT_2) &&
               SEQ_GEQ(src->seqhi + MAX_ACK_WINDOW, end) &&
               SEQ_GEQ(seq, src->seqlo - MAX_ACK_WINDOW)) {
        /* Within a window of the expected range while the other end has
         * not answered yet (SYNs shotgunned before a reply), or around
         * close (stray FIN|ACKs).  Accept without refreshing the timeout,
         * so that a flood cannot keep the entry alive. */
        tcp_learn(src, dst, win, end, ack, sws);
        if (flags & TCP_FIN && src->state < CT_TCPS_CLOSING) {
            src->state = CT_TCPS_CLOSING;
        }
        if (flags & TCP_RST) {
            src->state = dst->state = CT_TCPS_TIME_WAIT;
        }
    } else {
        COVERAGE_INC(conntrack_tcp_seq_chk_failed);
        return CT_UPDATE_INVALID;
    }
    return CT_UPDATE_VALID;
}
