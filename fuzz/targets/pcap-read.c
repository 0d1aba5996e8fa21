/*
 * pcap-read.c: fuzz target for the pcap reader: arbitrary bytes as a
 * capture file.  Every record is read until the end or the first error;
 * a record that is returned must fit the limits the reader promises.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "datapath/pcap.h"
#include "lib/util.h"
#include "packet/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcap_reader *r;
    char *error;
    FILE *f;

    if (!size) {
        return 0;
    }
    f = fmemopen((void *) (uintptr_t) data, size, "rb");
    if (!f) {
        abort();
    }
    error = pcap_reader_stream(f, true, &r);
    if (error) {
        vx_assert(!r);
        free(error);
        return 0;
    }
    for (;;) {
        struct pcap_record_info rec;
        struct pkt *p;

        error = pcap_read(r, &p, &rec);
        if (error) {
            vx_assert(!p);
            free(error);
            break;
        }
        if (!p) {
            break;
        }
        vx_assert(pkt_size(p) == rec.incl_len);
        vx_assert(rec.incl_len <= PCAP_SNAPLEN);
        pkt_free(p);
    }
    pcap_reader_close(r);
    return 0;
}
