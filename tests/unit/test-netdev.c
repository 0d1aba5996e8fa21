/* Unit tests for src/datapath/netdev.c and netdev-dummy.c: the registry
 * and open/close by name, attributes, receive queues and wake-ups, sending
 * with tx observers, statistics, packet capture to pcap files that
 * tcpdump reads, software offloads for devices that cannot take them, and
 * failed devices. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "datapath/netdev-dummy.h"
#include "datapath/netdev-provider.h"
#include "datapath/netdev.h"
#include "datapath/pcap.h"
#include "harness.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "packet-util.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet/pkt-gso.h"
#include "packet/pkt.h"

/* Returns a new packet holding an Ethernet frame of SIZE bytes (at least
 * 14) whose bytes after the header are SEQ. */
static struct pkt *
make_frame(size_t size, uint8_t seq)
{
    struct pkt *p = pkt_new(size);
    uint8_t *d;

    vx_assert(size >= ETH_HEADER_LEN);
    d = pkt_put_uninit(p, size);
    memset(d, seq, size);
    memcpy(d, "\xfa\x16\x3e\xe9\x26\x5b\xfa\x16\x3e\x61\x21\xc6\x08\x00",
           ETH_HEADER_LEN);
    return p;
}

TEST(open_close_and_lookup)
{
    struct netdev *a, *b, *c;

    ASSERT_OK(netdev_open("p1", "dummy", &a));
    ASSERT_STR_EQ(netdev_get_name(a), "p1");
    ASSERT_STR_EQ(netdev_get_type(a), "dummy");
    ASSERT_TRUE(netdev_is_dummy(a));

    /* The same name and type: the same device. */
    ASSERT_OK(netdev_open("p1", "dummy", &b));
    ASSERT_TRUE(a == b);
    c = netdev_from_name("p1");
    ASSERT_TRUE(c == a);

    /* The same name with another type. */
    ASSERT_EQ(netdev_open("p1", "internal", &b), EEXIST);
    ASSERT_TRUE(b == NULL);

    netdev_close(a);
    netdev_close(c);
    ASSERT_TRUE(netdev_from_name("p1") == a);
    netdev_close(a);
    netdev_close(a);
    ASSERT_TRUE(netdev_from_name("p1") == NULL);
    netdev_close(NULL);

    ASSERT_EQ(netdev_open("", "dummy", &a), EINVAL);
    ASSERT_EQ(netdev_open(NULL, "dummy", &a), EINVAL);
}

TEST(types_and_registry)
{
    struct netdev *n;
    char *msg;

    ASSERT_TRUE(netdev_is_type_registered("dummy"));
    ASSERT_TRUE(netdev_is_type_registered("internal"));
    ASSERT_FALSE(netdev_is_type_registered("tap"));

    ASSERT_OK(netdev_open("br-int", "internal", &n));
    ASSERT_STR_EQ(netdev_get_type(n), "internal");
    ASSERT_TRUE(netdev_is_dummy(n));
    netdev_close(n);

    /* No tap/system class yet: the type is unsupported. */
    ASSERT_EQ(netdev_open("tap648437e1-0d", "tap", &n), EAFNOSUPPORT);
    ASSERT_EQ(netdev_open("eth0", "", &n), EAFNOSUPPORT);
    ASSERT_EQ(netdev_open("eth0", NULL, &n), EAFNOSUPPORT);
    ASSERT_GT(coverage_read("netdev_open_error"), 0);

    /* Dummy standing in for tap, as --enable-dummy=override. */
    ASSERT_OK(netdev_dummy_register_as("tap"));
    ASSERT_EQ(netdev_dummy_register_as("tap"), EEXIST);
    ASSERT_OK(netdev_open("tap648437e1-0d", "tap", &n));
    ASSERT_STR_EQ(netdev_get_type(n), "tap");
    ASSERT_EQ(netdev_unregister_provider("tap"), EBUSY);
    netdev_close(n);
    ASSERT_OK(netdev_unregister_provider("tap"));
    ASSERT_EQ(netdev_unregister_provider("tap"), ENOENT);

    msg = netdev_open_error("tap0ab9a23c-99", ENODEV);
    ASSERT_STR_EQ(msg, "could not open network device tap0ab9a23c-99 "
                  "(No such device)");
    free(msg);
}

/* A class for a device that does not exist, as a system or tap class
 * reports for a missing kernel device. */
static struct netdev *
absent_alloc(void)
{
    return xzalloc(sizeof(struct netdev));
}

static int
absent_construct(struct netdev *netdev)
{
    return strcmp(netdev->name, "present") ? ENODEV : 0;
}

static void
absent_destruct(struct netdev *netdev)
{
    (void) netdev;
}

static void
absent_dealloc(struct netdev *netdev)
{
    free(netdev);
}

static int
absent_set_mtu(struct netdev *netdev, int mtu)
{
    (void) netdev;
    return mtu > 9000 ? EOPNOTSUPP : 0;
}

static int
absent_rxq_recv(struct netdev_rxq *rxq, struct pkt_batch *batch)
{
    (void) rxq;
    (void) batch;
    return EAGAIN;
}

static void
absent_rxq_wait(struct netdev_rxq *rxq)
{
    (void) rxq;
}

static int
absent_send(struct netdev *netdev, int qid, struct pkt_batch *batch,
            bool may_steal)
{
    (void) netdev;
    (void) qid;
    if (may_steal) {
        pkt_batch_free(batch);
    }
    return EIO;
}

static const struct netdev_class absent_class = {
    .type = "absent",
    .alloc = absent_alloc,
    .construct = absent_construct,
    .destruct = absent_destruct,
    .dealloc = absent_dealloc,
    .set_mtu = absent_set_mtu,
    .rxq_recv = absent_rxq_recv,
    .rxq_wait = absent_rxq_wait,
    .send = absent_send,
};

TEST(provider_errors_reach_the_caller)
{
    struct pkt_batch batch;
    struct netdev *n;
    char *msg;

    ASSERT_OK(netdev_register_provider(&absent_class, "system"));
    ASSERT_EQ(netdev_register_provider(&absent_class, "system"), EEXIST);
    ASSERT_EQ(netdev_open("tap0ab9a23c-99", "system", &n), ENODEV);
    ASSERT_TRUE(n == NULL);
    ASSERT_TRUE(netdev_from_name("tap0ab9a23c-99") == NULL);
    msg = netdev_open_error("tap0ab9a23c-99", ENODEV);
    ASSERT_STR_EQ(msg, "could not open network device tap0ab9a23c-99 "
                  "(No such device)");
    free(msg);

    /* "" means "system". */
    ASSERT_OK(netdev_open("present", "", &n));
    ASSERT_STR_EQ(netdev_get_type(n), "system");
    ASSERT_EQ(netdev_get_mtu(n), 1500);
    ASSERT_OK(netdev_set_mtu(n, 9000));
    ASSERT_EQ(netdev_set_mtu(n, 9001), EOPNOTSUPP);
    ASSERT_EQ(netdev_get_mtu(n), 9000);
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, make_frame(60, 1));
    ASSERT_EQ(netdev_send(n, 0, &batch, true), EIO);
    ASSERT_EQ(batch.count, 0);
    netdev_close(n);
    ASSERT_OK(netdev_unregister_provider("system"));
}

TEST(attributes)
{
    struct netdev *a, *b;
    enum netdev_flags old;
    struct eth_addr mac;
    struct ds status = DS_EMPTY_INITIALIZER;

    ASSERT_OK(netdev_open("a", "dummy", &a));
    ASSERT_OK(netdev_open("b", "dummy", &b));
    ASSERT_EQ(netdev_get_mtu(a), 1500);
    ASSERT_EQ(netdev_get_etheraddr(a).ea[0], 0xaa);
    ASSERT_EQ(netdev_get_etheraddr(a).ea[1], 0x55);
    ASSERT_FALSE(eth_addr_equals(netdev_get_etheraddr(a),
                                 netdev_get_etheraddr(b)));
    ASSERT_EQ(netdev_get_flags(a), NETDEV_UP);
    ASSERT_EQ(netdev_n_rxq(a), 1);

    ASSERT_OK(netdev_set_mtu(a, 1450));
    ASSERT_EQ(netdev_get_mtu(a), 1450);
    ASSERT_EQ(netdev_set_mtu(a, 67), EINVAL);
    ASSERT_EQ(netdev_set_mtu(a, 65536), EINVAL);
    ASSERT_EQ(netdev_get_mtu(a), 1450);

    ASSERT_TRUE(eth_addr_from_string("fe:16:3e:61:21:c6", &mac));
    ASSERT_OK(netdev_set_etheraddr(a, mac));
    ASSERT_TRUE(eth_addr_equals(netdev_get_etheraddr(a), mac));
    ASSERT_EQ(netdev_set_etheraddr(a, eth_addr_broadcast), EINVAL);
    ASSERT_TRUE(eth_addr_equals(netdev_get_etheraddr(a), mac));

    ASSERT_OK(netdev_update_flags(a, NETDEV_UP, NETDEV_PROMISC, &old));
    ASSERT_EQ(old, NETDEV_UP);
    ASSERT_EQ(netdev_get_flags(a), NETDEV_PROMISC);

    netdev_get_status(a, &status);
    ASSERT_STR_EQ(ds_cstr(&status),
                  "rx_queued=0\ntx_queued=0\ntx_queue_len=100\n");
    ds_destroy(&status);
    netdev_close(a);
    netdev_close(b);
}

TEST(receive_in_batches)
{
    struct netdev *n;
    struct netdev_rxq *rxq, *rxq2;
    struct pkt_batch batch;
    struct netdev_stats stats;
    int seq = 0;

    ASSERT_OK(netdev_open("rx0", "dummy", &n));
    ASSERT_OK(netdev_rxq_open(n, 0, &rxq));
    ASSERT_EQ(netdev_rxq_open(n, 0, &rxq2), EBUSY);
    ASSERT_EQ(netdev_rxq_open(n, 1, &rxq2), EINVAL);
    ASSERT_TRUE(netdev_rxq_get_netdev(rxq) == n);
    ASSERT_EQ(netdev_rxq_get_queue_id(rxq), 0);

    pkt_batch_init(&batch);
    ASSERT_EQ(netdev_rxq_recv(rxq, &batch), EAGAIN);
    ASSERT_EQ(batch.count, 0);

    for (int i = 0; i < 40; i++) {
        struct pkt *p = make_frame(60 + i, (uint8_t) i);

        p->md.in_port = 99;
        ASSERT_OK(netdev_dummy_receive(n, p));
    }
    ASSERT_EQ(netdev_dummy_rx_queued(n), 40);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    ASSERT_EQ(batch.count, PKT_BATCH_SIZE);
    for (size_t i = 0; i < batch.count; i++, seq++) {
        ASSERT_EQ(pkt_size(batch.pkts[i]), 60 + seq);
        ASSERT_EQ(pkt_data(batch.pkts[i])[20], seq);
        /* Metadata is reset on receive. */
        ASSERT_EQ(batch.pkts[i]->md.in_port, 0);
    }
    pkt_batch_free(&batch);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    ASSERT_EQ(batch.count, 8);
    ASSERT_EQ(pkt_data(batch.pkts[0])[20], 32);
    pkt_batch_free(&batch);
    ASSERT_EQ(netdev_rxq_recv(rxq, &batch), EAGAIN);

    netdev_get_stats(n, &stats);
    ASSERT_EQ(stats.rx_packets, 40);
    ASSERT_EQ(stats.rx_bytes, 40 * 60 + 39 * 40 / 2);
    ASSERT_EQ(stats.rx_dropped, 0);

    /* The receive queue is bounded. */
    for (int i = 0; i < NETDEV_DUMMY_RXQ_LEN; i++) {
        ASSERT_OK(netdev_dummy_receive_data(n, "\x01\x02", 2));
    }
    ASSERT_EQ(netdev_dummy_receive(n, make_frame(64, 0)), ENOBUFS);
    netdev_get_stats(n, &stats);
    ASSERT_EQ(stats.rx_dropped, 1);
    ASSERT_EQ(netdev_dummy_rx_queued(n), NETDEV_DUMMY_RXQ_LEN);

    /* Closing with packets queued frees them (checked by ASan). */
    netdev_rxq_close(rxq);
    netdev_close(n);
}

TEST(receive_on_non_dummy_is_rejected)
{
    ASSERT_OK(netdev_register_provider(&absent_class, "absent"));

    struct netdev *n;
    ASSERT_OK(netdev_open("present", "absent", &n));
    ASSERT_EQ(netdev_dummy_receive(n, make_frame(60, 0)), EINVAL);
    ASSERT_EQ(netdev_dummy_add_tx_observer(n, NULL, NULL), EINVAL);
    netdev_close(n);
}

struct receiver_arg {
    struct netdev *netdev;   /* Device to inject into. */
    int delay_ms;            /* Sleep before injecting. */
};

static void *
receiver_thread(void *arg_)
{
    struct receiver_arg *arg = arg_;

    usleep(arg->delay_ms * 1000);
    netdev_dummy_receive(arg->netdev, make_frame(60, 7));
    return NULL;
}

TEST(rxq_wait_wakes_on_receive)
{
    struct receiver_arg arg;
    struct netdev_rxq *rxq;
    struct pkt_batch batch;
    struct netdev *n;
    pthread_t thread;
    long long int start;

    ASSERT_OK(netdev_open("w0", "dummy", &n));
    ASSERT_OK(netdev_rxq_open(n, 0, &rxq));

    /* Queued packet: poll_block() returns at once. */
    netdev_dummy_receive(n, make_frame(60, 1));
    start = time_msec();
    netdev_rxq_wait(rxq);
    poll_timer_wait(5000);
    poll_block();
    ASSERT_LT(time_msec() - start, 1000);
    pkt_batch_init(&batch);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    pkt_batch_free(&batch);

    /* Empty queue: nothing wakes before the timer... */
    start = time_msec();
    netdev_rxq_wait(rxq);
    poll_timer_wait(100);
    poll_block();
    ASSERT_GE(time_msec() - start, 90);
    ASSERT_EQ(netdev_rxq_recv(rxq, &batch), EAGAIN);

    /* ...but a receive from another thread does. */
    arg.netdev = n;
    arg.delay_ms = 100;
    pthread_create(&thread, NULL, receiver_thread, &arg);
    start = time_msec();
    netdev_rxq_wait(rxq);
    poll_timer_wait(10000);
    poll_block();
    ASSERT_LT(time_msec() - start, 5000);
    pthread_join(thread, NULL);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    ASSERT_EQ(batch.count, 1);
    ASSERT_EQ(pkt_data(batch.pkts[0])[20], 7);
    pkt_batch_free(&batch);

    netdev_rxq_close(rxq);
    netdev_close(n);
}

/* A tx observer that records what it saw and answers the first packet
 * by receiving a copy on another device (as a simulated instance does). */
struct observer_log {
    int n_calls;                 /* Packets seen. */
    size_t last_size;            /* Size of the last one. */
    struct netdev *reply_to;     /* Device to answer on, or NULL. */
};

static void
observe(struct netdev *netdev, const struct pkt *p, void *aux)
{
    struct observer_log *log = aux;

    (void) netdev;
    log->n_calls++;
    log->last_size = pkt_size(p);
    if (log->reply_to && log->n_calls == 1) {
        netdev_dummy_receive(log->reply_to, pkt_clone(p));
    }
}

TEST(send_observers_and_tx_queue)
{
    struct observer_log log = { 0, 0, NULL }, log2 = { 0, 0, NULL };
    struct netdev *n, *peer;
    struct pkt_batch batch;
    struct netdev_stats stats;
    struct pkt *p, *kept;

    ASSERT_OK(netdev_open("tx0", "dummy", &n));
    ASSERT_OK(netdev_open("peer", "dummy", &peer));
    log.reply_to = peer;
    ASSERT_OK(netdev_dummy_add_tx_observer(n, observe, &log));
    ASSERT_OK(netdev_dummy_add_tx_observer(n, observe, &log2));

    /* may_steal: the batch is consumed. */
    pkt_batch_init(&batch);
    for (int i = 0; i < 3; i++) {
        pkt_batch_add(&batch, make_frame(100 + i, (uint8_t) i));
    }
    ASSERT_OK(netdev_send(n, 0, &batch, true));
    ASSERT_EQ(batch.count, 0);
    ASSERT_EQ(log.n_calls, 3);
    ASSERT_EQ(log2.n_calls, 3);
    ASSERT_EQ(log.last_size, 102);
    ASSERT_EQ(netdev_dummy_rx_queued(peer), 1);

    /* Without may_steal the caller keeps the packets. */
    kept = make_frame(80, 9);
    pkt_batch_add(&batch, kept);
    ASSERT_OK(netdev_send(n, 0, &batch, false));
    ASSERT_EQ(batch.count, 1);
    ASSERT_TRUE(batch.pkts[0] == kept);
    pkt_batch_free(&batch);

    /* The transmit queue holds copies, oldest first. */
    for (int i = 0; i < 3; i++) {
        p = netdev_dummy_pop_tx(n);
        ASSERT_TRUE(p != NULL);
        ASSERT_EQ(pkt_size(p), 100 + i);
        ASSERT_EQ(pkt_data(p)[20], i);
        pkt_free(p);
    }
    p = netdev_dummy_pop_tx(n);
    ASSERT_EQ(pkt_size(p), 80);
    pkt_free(p);
    ASSERT_TRUE(netdev_dummy_pop_tx(n) == NULL);

    /* E5: too big for the MTU (1500 + 14, + 4 when VLAN tagged) or shorter
     * than an Ethernet header: dropped and counted, never truncated. */
    pkt_batch_add(&batch, make_frame(1514, 1));
    pkt_batch_add(&batch, make_frame(1515, 2));
    p = make_frame(1518, 3);
    pkt_data(p)[12] = 0x81;
    pkt_data(p)[13] = 0x00;
    pkt_batch_add(&batch, p);
    pkt_batch_add(&batch, pkt_clone_data("\xfa\x16\x3e\xe9\x26\x5b\xfa\x16"
                                         "\x3e\x61\x21\xc6\x08", 13));
    ASSERT_EQ(netdev_send(n, 0, &batch, true), EMSGSIZE);
    ASSERT_EQ(log2.n_calls, 6);

    netdev_get_stats(n, &stats);
    ASSERT_EQ(stats.tx_packets, 6);
    ASSERT_EQ(stats.tx_bytes, 100 + 101 + 102 + 80 + 1514 + 1518);
    ASSERT_EQ(stats.tx_dropped, 2);

    /* Queue length: the most recent packets are kept. */
    netdev_dummy_set_tx_queue_len(n, 2);
    ASSERT_TRUE(netdev_dummy_pop_tx(n) == NULL);
    for (int i = 0; i < 5; i++) {
        pkt_batch_add(&batch, make_frame(60 + i, 0));
    }
    ASSERT_OK(netdev_send(n, 0, &batch, true));
    p = netdev_dummy_pop_tx(n);
    ASSERT_EQ(pkt_size(p), 63);
    pkt_free(p);
    p = netdev_dummy_pop_tx(n);
    ASSERT_EQ(pkt_size(p), 64);
    pkt_free(p);
    netdev_dummy_set_tx_queue_len(n, 0);
    pkt_batch_add(&batch, make_frame(60, 0));
    ASSERT_OK(netdev_send(n, 0, &batch, true));
    ASSERT_TRUE(netdev_dummy_pop_tx(n) == NULL);

    /* Observers come and go. */
    ASSERT_OK(netdev_dummy_remove_tx_observer(n, observe, &log));
    ASSERT_EQ(netdev_dummy_remove_tx_observer(n, observe, &log), ENOENT);
    pkt_batch_add(&batch, make_frame(60, 0));
    ASSERT_OK(netdev_send(n, 0, &batch, true));
    ASSERT_EQ(log.n_calls, 12);
    ASSERT_EQ(log2.n_calls, 13);
    for (int i = 1; i < NETDEV_DUMMY_MAX_OBSERVERS; i++) {
        ASSERT_OK(netdev_dummy_add_tx_observer(n, observe, &log));
    }
    ASSERT_EQ(netdev_dummy_add_tx_observer(n, observe, &log), ENOSPC);

    netdev_close(n);
    netdev_close(peer);
}

/* Reads every record of the capture PATH into a new array of packets
 * stored in *PKTS; returns their number. */
static size_t
read_capture(const char *path, struct pkt ***pktsp)
{
    struct pcap_reader *r;
    struct pkt **pkts = NULL;
    size_t n = 0, allocated = 0;

    ASSERT_NO_ERROR(pcap_reader_open(path, &r));
    for (;;) {
        struct pkt *p;

        ASSERT_NO_ERROR(pcap_read(r, &p, NULL));
        if (!p) {
            break;
        }
        if (n >= allocated) {
            pkts = x2nrealloc(pkts, &allocated, sizeof *pkts);
        }
        pkts[n++] = p;
    }
    pcap_reader_close(r);
    *pktsp = pkts;
    return n;
}

static void
free_capture(struct pkt **pkts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pkt_free(pkts[i]);
    }
    free(pkts);
}

TEST(capture_directions_and_count)
{
    struct golden_pkt *gold;
    size_t n_gold = golden_load(&gold);
    const struct golden_pkt *icmp = golden_find(gold, n_gold,
                                                "ipv4_icmp_echo");
    const struct golden_pkt *arp = golden_find(gold, n_gold, "arp_request");
    char both_path[512], rx_path[512], tx_path[512];
    struct pcap_writer *wb, *wr, *wt;
    struct netdev_capture *cb, *cr, *ct;
    struct netdev_rxq *rxq;
    struct pkt_batch batch;
    struct netdev *n;
    struct pkt **pkts;
    size_t n_pkts;

    snprintf(both_path, sizeof both_path, "%s/both.pcap", harness_tmpdir());
    snprintf(rx_path, sizeof rx_path, "%s/rx.pcap", harness_tmpdir());
    snprintf(tx_path, sizeof tx_path, "%s/tx.pcap", harness_tmpdir());
    ASSERT_OK(netdev_open("tap648437e1-0d", "dummy", &n));
    ASSERT_OK(netdev_rxq_open(n, 0, &rxq));
    ASSERT_OK(pcap_writer_open(both_path, &wb));
    ASSERT_OK(pcap_writer_open(rx_path, &wr));
    ASSERT_OK(pcap_writer_open(tx_path, &wt));
    cb = netdev_capture_add(n, wb, NETDEV_CAPTURE_BOTH, 3);
    cr = netdev_capture_add(n, wr, NETDEV_CAPTURE_RX, 0);
    ct = netdev_capture_add(n, wt, NETDEV_CAPTURE_TX, 0);

    /* Two packets received (ICMP echo), then two sent (ARP), then one
     * more received. */
    netdev_dummy_receive_data(n, icmp->data, icmp->size);
    netdev_dummy_receive_data(n, icmp->data, icmp->size);
    pkt_batch_init(&batch);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    ASSERT_EQ(batch.count, 2);
    pkt_batch_free(&batch);
    ASSERT_EQ(netdev_capture_count(cb), 2);
    ASSERT_FALSE(netdev_capture_is_done(cb));

    pkt_batch_add(&batch, pkt_clone_data(arp->data, arp->size));
    pkt_batch_add(&batch, pkt_clone_data(arp->data, arp->size));
    ASSERT_OK(netdev_send(n, 0, &batch, true));
    ASSERT_EQ(netdev_capture_count(cb), 3);
    ASSERT_TRUE(netdev_capture_is_done(cb));

    netdev_dummy_receive_data(n, icmp->data, icmp->size);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    pkt_batch_free(&batch);
    ASSERT_EQ(netdev_capture_count(cb), 3);
    ASSERT_EQ(netdev_capture_count(cr), 3);
    ASSERT_EQ(netdev_capture_count(ct), 2);
    ASSERT_EQ(netdev_capture_error(cr), 0);

    ASSERT_OK(netdev_capture_remove(cb));
    ASSERT_OK(netdev_capture_remove(cr));
    ASSERT_OK(netdev_capture_remove(ct));
    ASSERT_OK(pcap_writer_close(wb));
    ASSERT_OK(pcap_writer_close(wr));
    ASSERT_OK(pcap_writer_close(wt));

    /* After removal nothing more is captured (the files are closed). */
    netdev_dummy_receive_data(n, icmp->data, icmp->size);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    pkt_batch_free(&batch);

    n_pkts = read_capture(both_path, &pkts);
    ASSERT_EQ(n_pkts, 3);
    ASSERT_MEM_EQ(pkt_data(pkts[0]), icmp->data, icmp->size);
    ASSERT_MEM_EQ(pkt_data(pkts[1]), icmp->data, icmp->size);
    ASSERT_MEM_EQ(pkt_data(pkts[2]), arp->data, arp->size);
    free_capture(pkts, n_pkts);
    n_pkts = read_capture(rx_path, &pkts);
    ASSERT_EQ(n_pkts, 3);
    ASSERT_EQ(pkt_size(pkts[2]), icmp->size);
    free_capture(pkts, n_pkts);
    n_pkts = read_capture(tx_path, &pkts);
    ASSERT_EQ(n_pkts, 2);
    ASSERT_MEM_EQ(pkt_data(pkts[1]), arp->data, arp->size);
    free_capture(pkts, n_pkts);

    netdev_rxq_close(rxq);
    netdev_close(n);
    golden_free(gold, n_gold);
}

TEST(capture_is_readable_by_tcpdump)
{
    char path[512], cmd[700], line[512];
    struct golden_pkt *gold;
    size_t n_gold = golden_load(&gold);
    const struct golden_pkt *icmp = golden_find(gold, n_gold,
                                                "ipv4_icmp_echo");
    struct netdev_capture *c;
    struct pcap_writer *w;
    struct netdev_rxq *rxq;
    struct pkt_batch batch;
    struct netdev *n;
    int n_lines = 0, n_echo = 0;
    FILE *f;

    if (system("command -v tcpdump >/dev/null 2>&1")) {
        SKIP("tcpdump is not installed");
    }
    snprintf(path, sizeof path, "%s/cap.pcap", harness_tmpdir());
    ASSERT_OK(netdev_open("tap1", "dummy", &n));
    ASSERT_OK(netdev_rxq_open(n, 0, &rxq));
    ASSERT_OK(pcap_writer_open(path, &w));
    c = netdev_capture_add(n, w, NETDEV_CAPTURE_BOTH, 5);
    for (int i = 0; i < 8; i++) {
        netdev_dummy_receive_data(n, icmp->data, icmp->size);
    }
    pkt_batch_init(&batch);
    ASSERT_OK(netdev_rxq_recv(rxq, &batch));
    pkt_batch_free(&batch);
    ASSERT_TRUE(netdev_capture_is_done(c));
    ASSERT_OK(netdev_capture_remove(c));
    ASSERT_OK(pcap_writer_close(w));

    snprintf(cmd, sizeof cmd, "tcpdump -nn -e -r '%s' 2>&1", path);
    f = popen(cmd, "r");
    ASSERT_TRUE(f != NULL);
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "reading from file")) {
            ASSERT_STR_CONTAINS(line, "link-type EN10MB (Ethernet), "
                                "snapshot length 262144");
            continue;
        }
        n_lines++;
        if (strstr(line, "fa:16:3e:61:21:c6 > fa:16:3e:e9:26:5b, ethertype "
                   "IPv4 (0x0800), length 98: 192.168.101.85 > "
                   "192.168.101.1: ICMP echo request")) {
            n_echo++;
        }
    }
    ASSERT_EQ(pclose(f), 0);
    ASSERT_EQ(n_lines, 5);
    ASSERT_EQ(n_echo, 5);

    netdev_rxq_close(rxq);
    netdev_close(n);
    golden_free(gold, n_gold);
}

/* Sends from several threads while another reads statistics, to let
 * ThreadSanitizer-style checkers (and ASan) see the locking. */
struct sender_arg {
    struct netdev *netdev;   /* Device to send on. */
};

static void *
sender_thread(void *arg_)
{
    struct sender_arg *arg = arg_;

    for (int i = 0; i < 500; i++) {
        struct pkt_batch batch;

        pkt_batch_init(&batch);
        pkt_batch_add(&batch, make_frame(60, 0));
        pkt_batch_add(&batch, make_frame(61, 0));
        netdev_send(arg->netdev, 0, &batch, true);
    }
    return NULL;
}

TEST(concurrent_senders)
{
    struct sender_arg arg;
    pthread_t threads[4];
    struct netdev_stats stats;
    struct netdev *n;

    ASSERT_OK(netdev_open("mt", "dummy", &n));
    netdev_dummy_set_tx_queue_len(n, 10);
    arg.netdev = n;
    for (int i = 0; i < 4; i++) {
        pthread_create(&threads[i], NULL, sender_thread, &arg);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
    }
    netdev_get_stats(n, &stats);
    ASSERT_EQ(stats.tx_packets, 4 * 500 * 2);
    ASSERT_EQ(stats.tx_bytes, 4 * 500 * 121);
    netdev_close(n);
}

/* Returns a TCP/IPv4 frame with PAYLOAD bytes marked as a GSO frame with
 * MSS 1000 and a partial checksum (as a TAP device hands it over), from
 * POOL's large buffers or, when POOL is null, from pkt_new(). */
static struct pkt *
make_gso_frame(struct pkt_pool *pool, size_t payload)
{
    struct pkt *p = pool ? pkt_pool_get_large(pool) : pkt_new(54 + payload);
    struct ip_header *ip;
    uint8_t *d;
    be16 c;

    vx_assert(p);
    d = pkt_put_uninit(p, 54 + payload);
    memset(d, 0, 54 + payload);
    memcpy(d, "\xfa\x16\x3e\xe9\x26\x5b\xfa\x16\x3e\x61\x21\xc6\x08\x00",
           ETH_HEADER_LEN);
    ip = (struct ip_header *) (d + 14);
    ip->ip_ihl_ver = 0x45;
    ip->ip_tot_len = htons((uint16_t) (40 + payload));
    ip->ip_ttl = 64;
    ip->ip_proto = IPPROTO_TCP_;
    memcpy(d + 26, "\xc0\xa8\x65\x55\xc0\xa8\x65\x01", 8);
    ip->ip_csum = csum(ip, 20);
    d[46] = 0x50;
    d[47] = TCP_ACK | TCP_PSH;
    /* A partial checksum holds the pseudo-header's sum. */
    c = (be16) ~csum_finish(packet_csum_pseudoheader(ip));
    memcpy(d + 50, &c, 2);
    p->ol.gso_type = PKT_GSO_TCPV4;
    p->ol.gso_size = 1000;
    p->ol.csum_partial = true;
    p->ol.csum_start = 34;
    p->ol.csum_offset = 16;
    return p;
}

/* Checks that P is a complete TCP/IPv4 frame of at most 1514 bytes. */
static void
check_complete_tcp4(const struct pkt *p)
{
    const uint8_t *d = pkt_data(p);
    const struct ip_header *ip = (const struct ip_header *) (d + 14);

    ASSERT_FALSE(pkt_has_offload(p));
    ASSERT_TRUE(pkt_size(p) <= 1514);
    ASSERT_EQ(csum(ip, 20), 0);
    ASSERT_EQ(csum_finish(csum_continue(packet_csum_pseudoheader(ip), d + 34,
                                        pkt_size(p) - 34)), 0);
}

TEST(send_completes_offloads_the_device_cannot_take)
{
    struct netdev *netdev;
    struct netdev_stats st;
    struct pkt_batch batch;
    struct pkt *p, *kept;

    ASSERT_OK(netdev_open("ol0", "dummy", &netdev));
    ASSERT_EQ(netdev_get_ol_caps(netdev), 0);

    /* A GSO frame (not a pool packet): 5 segments, stolen. */
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, make_frame(60, 1));
    pkt_batch_add(&batch, make_gso_frame(NULL, 4500));
    pkt_batch_add(&batch, make_frame(60, 2));
    ASSERT_OK(netdev_send(netdev, 0, &batch, true));
    ASSERT_EQ(batch.count, 0);
    p = netdev_dummy_pop_tx(netdev);
    ASSERT_EQ(pkt_data(p)[20], 1);
    pkt_free(p);
    for (int i = 0; i < 5; i++) {
        p = netdev_dummy_pop_tx(netdev);
        ASSERT_TRUE(p != NULL);
        check_complete_tcp4(p);
        ASSERT_UEQ(pkt_size(p), 54 + (i < 4 ? 1000 : 500));
        pkt_free(p);
    }
    p = netdev_dummy_pop_tx(netdev);
    ASSERT_EQ(pkt_data(p)[20], 2);
    pkt_free(p);
    netdev_get_stats(netdev, &st);
    ASSERT_UEQ(st.tx_packets, 7);

    /* A partial checksum, not stolen: completed in the caller's packet. */
    kept = make_gso_frame(NULL, 300);
    kept->ol.gso_type = PKT_GSO_NONE;
    kept->ol.gso_size = 0;
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, kept);
    ASSERT_OK(netdev_send(netdev, 0, &batch, false));
    ASSERT_EQ(batch.count, 1);
    check_complete_tcp4(kept);
    p = netdev_dummy_pop_tx(netdev);
    check_complete_tcp4(p);
    pkt_free(p);
    pkt_free(kept);

    /* A GSO frame that cannot be cut is dropped and counted. */
    p = make_gso_frame(NULL, 3000);
    p->ol.gso_type = PKT_GSO_TCPV6;
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, p);
    ASSERT_EQ(netdev_send(netdev, 0, &batch, true), EINVAL);
    netdev_get_stats(netdev, &st);
    ASSERT_UEQ(st.tx_dropped, 1);
    ASSERT_TRUE(netdev_dummy_pop_tx(netdev) == NULL);

    /* A device that takes checksum offload gets the checksum partial. */
    netdev->ol_caps = NETDEV_OL_CSUM;
    p = make_gso_frame(NULL, 300);
    p->ol.gso_type = PKT_GSO_NONE;
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, p);
    ASSERT_OK(netdev_send(netdev, 0, &batch, true));
    p = netdev_dummy_pop_tx(netdev);
    ASSERT_TRUE(p->ol.csum_partial);
    pkt_free(p);
    netdev_close(netdev);
}

TEST(segments_come_from_the_frames_pool)
{
    struct pkt_pool *pool = pkt_pool_create_mixed(8, PKT_DEFAULT_SIZE, 1,
                                                  PKT_LARGE_SIZE);
    struct netdev *netdev;
    struct netdev_stats st;
    struct pkt_batch batch;

    ASSERT_OK(netdev_open("ol1", "dummy", &netdev));
    netdev_dummy_set_tx_queue_len(netdev, 0);
    /* 40 segments through a pool of 8: the batches of segments go out and
     * come back as the frame is cut. */
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, make_gso_frame(pool, 40000));
    ASSERT_OK(netdev_send(netdev, 0, &batch, true));
    netdev_get_stats(netdev, &st);
    ASSERT_UEQ(st.tx_packets, 40);
    ASSERT_UEQ(pkt_pool_available(pool), 8);
    ASSERT_UEQ(pkt_pool_available_large(pool), 1);
    netdev_close(netdev);
    pkt_pool_destroy(pool);
}

TEST(failed_device_is_not_used)
{
    struct netdev *netdev;
    struct netdev_rxq *rxq;
    struct netdev_stats st;
    struct pkt_batch batch;
    uint64_t seq = netdev_error_seq();

    ASSERT_OK(netdev_open("err0", "dummy", &netdev));
    ASSERT_OK(netdev_rxq_open(netdev, 0, &rxq));
    ASSERT_EQ(netdev_get_error(netdev), 0);
    netdev_set_error(netdev, ENODEV);
    netdev_set_error(netdev, EIO);
    ASSERT_EQ(netdev_get_error(netdev), ENODEV);
    ASSERT_UEQ(netdev_error_seq(), seq + 1);

    ASSERT_OK(netdev_dummy_receive(netdev, make_frame(60, 3)));
    pkt_batch_init(&batch);
    ASSERT_EQ(netdev_rxq_recv(rxq, &batch), ENODEV);
    ASSERT_EQ(batch.count, 0);
    pkt_batch_add(&batch, make_frame(60, 4));
    pkt_batch_add(&batch, make_frame(60, 5));
    ASSERT_EQ(netdev_send(netdev, 0, &batch, true), ENODEV);
    ASSERT_EQ(batch.count, 0);
    netdev_get_stats(netdev, &st);
    ASSERT_UEQ(st.tx_dropped, 2);
    ASSERT_UEQ(st.tx_packets, 0);
    netdev_rxq_close(rxq);
    netdev_close(netdev);
}
