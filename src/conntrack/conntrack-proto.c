/*
 * conntrack-proto.c: timeouts, the UDP/other and ICMP state machines, and
 * the dispatch to the TCP machine.
 *
 * UDP and other protocols: FIRST on the first packet, MULTIPLE while only
 * the originator sends (those packets are still +new, as in OVS 3.1),
 * BIDIR once the other end answered (+est).  ICMP: FIRST until a reply,
 * then REPLY; requests before the reply are +new.
 */
#include "conntrack/conntrack-private.h"

static const long long ct_timeout_sec[N_CT_TM] = {
#define CT_TIMEOUT(NAME, SECONDS) [CT_TM_##NAME] = SECONDS,
    CT_TIMEOUTS
#undef CT_TIMEOUT
};

static const enum ct_timeout other_timeouts[] = {
    [CT_OTHER_FIRST] = CT_TM_OTHER_FIRST,
    [CT_OTHER_MULTIPLE] = CT_TM_OTHER_MULTIPLE,
    [CT_OTHER_BIDIR] = CT_TM_OTHER_BIDIR,
};

static const enum ct_timeout icmp_timeouts[] = {
    [CT_ICMP_FIRST] = CT_TM_ICMP_FIRST,
    [CT_ICMP_REPLY] = CT_TM_ICMP_REPLY,
};

long long
ct_timeout_msec(enum ct_timeout tm)
{
    return ct_timeout_sec[tm] * 1000;
}

void
ct_conn_set_timeout(struct ct_conn *conn, enum ct_timeout tm, long long now)
{
    conn->tm = tm;
    atomic_store_explicit(&conn->expiration, now + ct_timeout_msec(tm),
                          memory_order_relaxed);
}

bool
ct_valid_new(const struct ct_packet *p)
{
    switch (ct_key_class(&p->key)) {
    case CT_CLASS_TCP:
        return ct_tcp_valid_new(p);
    case CT_CLASS_ICMP:
        return (p->key.dl_type == htons(ETH_TYPE_IP)
                    ? (p->key.src.icmp_type == ICMP4_ECHO_REQUEST ||
                       p->key.src.icmp_type == ICMP4_TIMESTAMP ||
                       p->key.src.icmp_type == ICMP4_INFOREQUEST)
                    : p->key.src.icmp_type == ICMP6_ECHO_REQUEST);
    case CT_CLASS_OTHER:
    default:
        return true;
    }
}

void
ct_conn_init(struct ct_conn *conn, const struct ct_packet *p, long long now)
{
    conn->cls = ct_key_class(&p->key);
    switch (conn->cls) {
    case CT_CLASS_TCP:
        ct_tcp_init(conn, p, now);
        break;
    case CT_CLASS_ICMP:
        conn->state = CT_ICMP_FIRST;
        ct_conn_set_timeout(conn, icmp_timeouts[conn->state], now);
        break;
    case CT_CLASS_OTHER:
    default:
        conn->state = CT_OTHER_FIRST;
        ct_conn_set_timeout(conn, other_timeouts[conn->state], now);
        break;
    }
}

static enum ct_update_res
other_update(struct ct_conn *conn, bool reply, long long now)
{
    enum ct_update_res res = CT_UPDATE_VALID;

    if (reply) {
        conn->state = CT_OTHER_BIDIR;
    } else if (conn->state != CT_OTHER_BIDIR) {
        conn->state = CT_OTHER_MULTIPLE;
        res = CT_UPDATE_VALID_NEW;
    }
    ct_conn_set_timeout(conn, other_timeouts[conn->state], now);
    return res;
}

static enum ct_update_res
icmp_update(struct ct_conn *conn, bool reply, long long now)
{
    if (reply) {
        conn->state = CT_ICMP_REPLY;
    }
    ct_conn_set_timeout(conn, icmp_timeouts[conn->state], now);
    return conn->state == CT_ICMP_FIRST ? CT_UPDATE_VALID_NEW
                                        : CT_UPDATE_VALID;
}

enum ct_update_res
ct_conn_update(struct ct_conn *conn, const struct ct_packet *p, bool reply,
               bool seq_chk, long long now)
{
    switch (conn->cls) {
    case CT_CLASS_TCP:
        return ct_tcp_update(conn, p, reply, seq_chk, now);
    case CT_CLASS_ICMP:
        return icmp_update(conn, reply, now);
    case CT_CLASS_OTHER:
    default:
        return other_update(conn, reply, now);
    }
}
