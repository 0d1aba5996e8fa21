/* Unit tests for src/packet/pkt.c: buffers, headroom, growth, clones,
 * pools (which must never allocate), batches, layer caching and
 * metadata. */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdlib.h>

#include "harness.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "packet-util.h"
#include "packet/pkt.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_UNDER_ASAN 1
#endif
#endif

TEST(push_pull_put)
{
    struct pkt *p = pkt_new(64);
    uint8_t *d;

    ASSERT_EQ(pkt_size(p), 0);
    ASSERT_EQ(pkt_headroom(p), PKT_HEADROOM);
    ASSERT_EQ(pkt_tailroom(p), 64);

    pkt_put(p, "abcdef", 6);
    ASSERT_EQ(pkt_size(p), 6);
    d = pkt_push_uninit(p, 4);
    memcpy(d, "1234", 4);
    ASSERT_EQ(pkt_headroom(p), PKT_HEADROOM - 4);
    ASSERT_MEM_EQ(pkt_data(p), "1234abcdef", 10);
    d = pkt_pull(p, 2);
    ASSERT_MEM_EQ(d, "34abcdef", 8);
    ASSERT_EQ(pkt_size(p), 8);
    memcpy(pkt_put_uninit(p, 2), "gh", 2);
    ASSERT_MEM_EQ(pkt_data(p), "34abcdefgh", 10);
    pkt_set_size(p, 3);
    ASSERT_MEM_EQ(pkt_data(p), "34a", 3);
    pkt_pull(p, 3);
    ASSERT_EQ(pkt_size(p), 0);
    pkt_free(p);
    pkt_free(NULL);
}

TEST(growth_keeps_data)
{
    uint64_t before = coverage_read("pkt_realloc");
    struct pkt *p = pkt_new(10);
    uint8_t frame[3000];

    for (size_t i = 0; i < sizeof frame; i++) {
        frame[i] = (uint8_t) (i * 7);
    }
    pkt_put(p, frame, 10);
    /* Past the tailroom: the buffer grows. */
    pkt_put(p, frame + 10, sizeof frame - 10);
    ASSERT_MEM_EQ(pkt_data(p), frame, sizeof frame);
    ASSERT_GE(pkt_headroom(p), PKT_HEADROOM);
    ASSERT_GT(coverage_read("pkt_realloc"), before);

    /* Past the headroom: grows at the front. */
    uint8_t *h = pkt_push_uninit(p, 500);
    memset(h, 0xab, 500);
    ASSERT_EQ(pkt_size(p), 3500);
    ASSERT_MEM_EQ(pkt_data(p) + 500, frame, sizeof frame);
    ASSERT_EQ(pkt_data(p)[499], 0xab);
    pkt_free(p);

    /* Headroom short but tailroom plenty: the frame slides in place. */
    p = pkt_new(1000);
    pkt_put(p, frame, 100);
    before = coverage_read("pkt_realloc");
    pkt_push_uninit(p, PKT_HEADROOM + 50);
    ASSERT_EQ(coverage_read("pkt_realloc"), before);
    ASSERT_MEM_EQ(pkt_data(p) + PKT_HEADROOM + 50, frame, 100);
    pkt_free(p);
}

TEST(clone_is_deep)
{
    struct pkt *p = pkt_clone_data("hello world", 11);
    struct pkt *c;

    p->md.in_port = 7;
    p->md.ct_state = CS_TRACKED | CS_NEW;
    p->md.tunnel.tun_id = htonll(239);
    p->hash = 0x1234;
    p->hash_valid = true;
    p->ol.gso_size = 1400;
    p->layers.l3 = 5;
    c = pkt_clone(p);
    ASSERT_MEM_EQ(pkt_data(c), "hello world", 11);
    ASSERT_TRUE(pkt_data(c) != pkt_data(p));
    ASSERT_EQ(c->md.in_port, 7);
    ASSERT_EQ(c->md.ct_state, CS_TRACKED | CS_NEW);
    ASSERT_EQ(ntohll(c->md.tunnel.tun_id), 239);
    ASSERT_TRUE(c->hash_valid);
    ASSERT_EQ(c->hash, 0x1234);
    ASSERT_EQ(c->ol.gso_size, 1400);
    ASSERT_EQ(c->layers.l3, 5);
    ASSERT_FALSE(c->from_pool);
    pkt_data(p)[0] = 'j';
    ASSERT_EQ(pkt_data(c)[0], 'h');
    pkt_free(p);
    pkt_free(c);
}

TEST(pool_get_put_and_exhaustion)
{
    struct pkt_pool *pool = pkt_pool_create(4, PKT_DEFAULT_SIZE);
    struct pkt *p[5];
    uint64_t exhausted = coverage_read("pkt_pool_exhausted");

    ASSERT_EQ(pkt_pool_available(pool), 4);
    for (int i = 0; i < 4; i++) {
        p[i] = pkt_pool_get(pool);
        ASSERT_TRUE(p[i] != NULL);
        ASSERT_TRUE(p[i]->from_pool);
        ASSERT_EQ(pkt_headroom(p[i]), PKT_HEADROOM);
        ASSERT_EQ(pkt_tailroom(p[i]), PKT_DEFAULT_SIZE - PKT_HEADROOM);
        ASSERT_EQ(p[i]->layers.l3, PKT_LAYER_NONE);
        for (int j = 0; j < i; j++) {
            ASSERT_TRUE(p[i] != p[j]);
            ASSERT_TRUE(pkt_data(p[i]) != pkt_data(p[j]));
        }
    }
    ASSERT_EQ(pkt_pool_available(pool), 0);
    p[4] = pkt_pool_get(pool);
    ASSERT_TRUE(p[4] == NULL);
    ASSERT_EQ(coverage_read("pkt_pool_exhausted"), exhausted + 1);

    /* A returned packet comes back reset. */
    pkt_put(p[2], "xyz", 3);
    p[2]->md.in_port = 9;
    p[2]->hash_valid = true;
    p[2]->layers.l4 = 34;
    pkt_free(p[2]);
    ASSERT_EQ(pkt_pool_available(pool), 1);
    p[2] = pkt_pool_get(pool);
    ASSERT_EQ(pkt_size(p[2]), 0);
    ASSERT_EQ(p[2]->md.in_port, 0);
    ASSERT_FALSE(p[2]->hash_valid);
    ASSERT_EQ(p[2]->layers.l4, PKT_LAYER_NONE);

    for (int i = 0; i < 4; i++) {
        pkt_free(p[i]);
    }
    ASSERT_EQ(pkt_pool_available(pool), 4);
    pkt_pool_destroy(pool);
}

/* get/put never call malloc(): the heap in use does not change over many
 * cycles, including a pool packet that outgrew its buffer and came back. */
TEST(pool_never_allocates)
{
#ifdef TEST_UNDER_ASAN
    SKIP("mallinfo2() does not see ASan's allocator; covered by the "
         "regular build");
#else
    struct pkt_pool *pool = pkt_pool_create(64, PKT_DEFAULT_SIZE);
    struct pkt_batch batch;
    struct mallinfo2 before, after;

    /* Warm up stdio and the coverage registry before measuring. */
    pkt_free(pkt_pool_get(pool));
    before = mallinfo2();
    for (int round = 0; round < 10000; round++) {
        pkt_batch_init(&batch);
        while (!pkt_batch_is_full(&batch)) {
            struct pkt *p = pkt_pool_get(pool);

            ASSERT_TRUE(p != NULL);
            memset(pkt_put_uninit(p, 1500), round, 1500);
            pkt_push_uninit(p, 50);
            pkt_batch_add(&batch, p);
        }
        pkt_batch_free(&batch);
        ASSERT_EQ(batch.count, 0);
    }
    after = mallinfo2();
    ASSERT_EQ(after.uordblks, before.uordblks);
    ASSERT_EQ(after.hblkhd, before.hblkhd);
    ASSERT_EQ(pkt_pool_available(pool), 64);
    pkt_pool_destroy(pool);
#endif
}

TEST(pool_packet_outgrowing_its_buffer)
{
    struct pkt_pool *pool = pkt_pool_create(1, 256);
    struct pkt *p = pkt_pool_get(pool);
    uint8_t *orig = p->base;
    uint8_t frame[1000];

    memset(frame, 0x5a, sizeof frame);
    pkt_put(p, frame, sizeof frame);
    ASSERT_TRUE(p->base != orig);
    ASSERT_MEM_EQ(pkt_data(p), frame, sizeof frame);
    pkt_free(p);

    /* The pool buffer is back, not the grown one. */
    p = pkt_pool_get(pool);
    ASSERT_TRUE(p->base == orig);
    ASSERT_EQ(pkt_tailroom(p), 256 - PKT_HEADROOM);
    pkt_free(p);
    pkt_pool_destroy(pool);
}

TEST(batch_add_and_free)
{
    struct pkt_batch b;

    pkt_batch_init(&b);
    ASSERT_EQ(b.count, 0);
    for (int i = 0; i < PKT_BATCH_SIZE; i++) {
        ASSERT_FALSE(pkt_batch_is_full(&b));
        pkt_batch_add(&b, pkt_new(16));
    }
    ASSERT_TRUE(pkt_batch_is_full(&b));
    pkt_batch_free(&b);
    ASSERT_EQ(b.count, 0);
}

TEST(extract_caches_layers)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    const struct golden_pkt *g = golden_find(pkts, n, "vlan_ipv4_udp");
    struct pkt *p = pkt_clone_data(g->data, g->size);
    struct flow flow;

    memset(&flow, 0, sizeof flow);
    flow.in_port = 3;
    ASSERT_EQ(p->layers.l3, PKT_LAYER_NONE);
    pkt_extract(p, &flow);
    ASSERT_EQ(p->layers.l2_5, 12);
    ASSERT_EQ(p->layers.l3, 18);
    ASSERT_EQ(p->layers.l4, 38);
    ASSERT_EQ(p->layers.l3_len, 40);
    ASSERT_EQ(flow.in_port, 3);
    ASSERT_EQ(flow_vlan_vid(&flow), 3);
    ASSERT_EQ(ntohs(flow.tp_dst), 53);
    pkt_free(p);
    golden_free(pkts, n);
}

TEST(md_to_flow)
{
    struct pkt_md md;
    struct flow flow;

    memset(&md, 0, sizeof md);
    memset(&flow, 0xee, sizeof flow);
    md.recirc_id = 5;
    md.dp_hash = 0xabc;
    md.skb_priority = 2;
    md.pkt_mark = 0x77;
    md.in_port = 4;
    md.ct_state = CS_TRACKED | CS_ESTABLISHED;
    md.ct_zone = 3;
    md.ct_mark = 1;
    md.ct_label[1] = 0x8000000000000000ULL;
    md.ct_nw_proto = IPPROTO_TCP_;
    md.ct_nw_src = htonl(0x0a000001);
    md.ct_nw_dst = htonl(0x0a000002);
    md.ct_tp_src = htons(1000);
    md.ct_tp_dst = htons(22);
    md.tunnel.tun_id = htonll(239);
    md.tunnel.ip_src = htonl(0xac10000b);
    pkt_md_to_flow(&md, &flow);
    ASSERT_EQ(flow.recirc_id, 5);
    ASSERT_EQ(flow.dp_hash, 0xabc);
    ASSERT_EQ(flow.skb_priority, 2);
    ASSERT_EQ(flow.pkt_mark, 0x77);
    ASSERT_EQ(flow.in_port, 4);
    ASSERT_EQ(flow.ct_state, CS_TRACKED | CS_ESTABLISHED);
    ASSERT_EQ(flow.ct_zone, 3);
    ASSERT_EQ(flow.ct_mark, 1);
    ASSERT_EQ(flow.ct_label[0], 0);
    ASSERT_HEX_EQ(flow.ct_label[1], 0x8000000000000000ULL);
    ASSERT_EQ(flow.ct_nw_proto, IPPROTO_TCP_);
    ASSERT_HEX_EQ(ntohl(flow.ct_nw_dst), 0x0a000002);
    ASSERT_EQ(ntohs(flow.ct_tp_dst), 22);
    ASSERT_EQ(ntohll(flow.tunnel.tun_id), 239);
    ASSERT_HEX_EQ(ntohl(flow.tunnel.ip_src), 0xac10000b);
    /* Header fields are not touched. */
    ASSERT_HEX_EQ(flow.nw_src, 0xeeeeeeee);

    /* Untracked: no original-direction tuple. */
    md.ct_state = 0;
    pkt_md_to_flow(&md, &flow);
    ASSERT_EQ(flow.ct_nw_proto, 0);
    ASSERT_EQ(flow.ct_nw_src, 0);
    ASSERT_EQ(flow.ct_tp_src, 0);
}
