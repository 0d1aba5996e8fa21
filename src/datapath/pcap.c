/* pcap.c: libpcap capture files.  See pcap.h. */
#include "datapath/pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "packet/pkt.h"

COVERAGE_DEFINE(pcap_write_error);
COVERAGE_DEFINE(pcap_read_error);

#define PCAP_MAGIC_USEC 0xa1b2c3d4
#define PCAP_MAGIC_NSEC 0xa1b23c4d
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4

struct pcap_writer {
    pthread_mutex_t mutex;   /* Serialises records from several threads. */
    FILE *stream;            /* Output, or NULL for a function writer. */
    bool own;                /* Close 'stream' in pcap_writer_close(). */
    int error;               /* First error met, or 0. */
    pcap_record_func *func;  /* Function writer's record function. */
    void *aux;               /* Its argument. */
};

struct pcap_reader {
    FILE *stream;                /* Input. */
    bool own;                    /* Close 'stream' in pcap_reader_close(). */
    struct pcap_file_info info;  /* From the file header. */
    uint64_t n_records;          /* Records read so far. */
};

static uint32_t
get_u32(const uint8_t *p, bool swapped)
{
    uint32_t x;

    memcpy(&x, p, sizeof x);
    return swapped ? __builtin_bswap32(x) : x;
}

static uint16_t
get_u16(const uint8_t *p, bool swapped)
{
    uint16_t x;

    memcpy(&x, p, sizeof x);
    return swapped ? __builtin_bswap16(x) : x;
}

char *
pcap_parse_file_header(const uint8_t *hdr, struct pcap_file_info *info)
{
    uint32_t magic = get_u32(hdr, false);
    struct pcap_file_info i;
    uint16_t major, minor;

    if (magic == PCAP_MAGIC_USEC || magic == PCAP_MAGIC_NSEC) {
        i.swapped = false;
    } else if (magic == __builtin_bswap32(PCAP_MAGIC_USEC)
               || magic == __builtin_bswap32(PCAP_MAGIC_NSEC)) {
        i.swapped = true;
    } else {
        return xasprintf("not a pcap file (magic number 0x%08x)", magic);
    }
    i.nsec = get_u32(hdr, i.swapped) == PCAP_MAGIC_NSEC;
    major = get_u16(hdr + 4, i.swapped);
    minor = get_u16(hdr + 6, i.swapped);
    if (major != PCAP_VERSION_MAJOR) {
        return xasprintf("unsupported pcap version %u.%u", major, minor);
    }
    i.snaplen = get_u32(hdr + 16, i.swapped);
    i.linktype = get_u32(hdr + 20, i.swapped) & 0x0fffffff;
    if (i.linktype != PCAP_LINKTYPE_ETHERNET) {
        return xasprintf("unsupported pcap link type %u (only Ethernet, %d, "
                         "is supported)", i.linktype,
                         PCAP_LINKTYPE_ETHERNET);
    }
    *info = i;
    return NULL;
}

char *
pcap_parse_record_header(const struct pcap_file_info *info,
                         const uint8_t *hdr, struct pcap_record_info *rec)
{
    uint32_t sec = get_u32(hdr, info->swapped);
    uint32_t frac = get_u32(hdr + 4, info->swapped);
    uint32_t incl_len = get_u32(hdr + 8, info->swapped);
    uint32_t orig_len = get_u32(hdr + 12, info->swapped);

    if (frac >= (info->nsec ? 1000000000u : 1000000u)) {
        return xasprintf("bad timestamp fraction %u", frac);
    }
    if (incl_len > PCAP_SNAPLEN) {
        return xasprintf("captured length %u exceeds the maximum %d",
                         incl_len, PCAP_SNAPLEN);
    }
    rec->usec = (long long int) sec * 1000000
                + (info->nsec ? frac / 1000 : frac);
    rec->incl_len = incl_len;
    rec->orig_len = orig_len;
    return NULL;
}

/* Writers. */

/* Writes N bytes at DATA to W's stream, recording the first error. */
static void
writer_put(struct pcap_writer *w, const void *data, size_t n)
{
    if (!w->error && fwrite(data, 1, n, w->stream) != n) {
        w->error = errno ? errno : EIO;
        COVERAGE_INC(pcap_write_error);
    }
}

void
pcap_file_header(uint8_t hdr[PCAP_FILE_HEADER_LEN])
{
    uint32_t u32;
    uint16_t u16;

    u32 = PCAP_MAGIC_USEC;
    memcpy(hdr, &u32, 4);
    u16 = PCAP_VERSION_MAJOR;
    memcpy(hdr + 4, &u16, 2);
    u16 = PCAP_VERSION_MINOR;
    memcpy(hdr + 6, &u16, 2);
    memset(hdr + 8, 0, 8);           /* thiszone, sigfigs. */
    u32 = PCAP_SNAPLEN;
    memcpy(hdr + 16, &u32, 4);
    u32 = PCAP_LINKTYPE_ETHERNET;
    memcpy(hdr + 20, &u32, 4);
}

size_t
pcap_record_header(uint8_t hdr[PCAP_RECORD_HEADER_LEN], size_t size,
                   long long int usec)
{
    size_t incl = size > PCAP_SNAPLEN ? PCAP_SNAPLEN : size;
    uint32_t rec[4];

    if (usec < 0) {
        usec = 0;
    }
    rec[0] = (uint32_t) (usec / 1000000);
    rec[1] = (uint32_t) (usec % 1000000);
    rec[2] = (uint32_t) incl;
    rec[3] = size > UINT32_MAX ? UINT32_MAX : (uint32_t) size;
    memcpy(hdr, rec, sizeof rec);
    return incl;
}

int
pcap_writer_stream(FILE *stream, bool own, struct pcap_writer **writerp)
{
    struct pcap_writer *w = xzalloc(sizeof *w);
    uint8_t hdr[PCAP_FILE_HEADER_LEN];
    int error;

    pthread_mutex_init(&w->mutex, NULL);
    w->stream = stream;
    w->own = own;

    pcap_file_header(hdr);
    errno = 0;
    writer_put(w, hdr, sizeof hdr);
    error = w->error;
    if (error) {
        pcap_writer_close(w);
        *writerp = NULL;
        return error;
    }
    *writerp = w;
    return 0;
}

struct pcap_writer *
pcap_writer_func(pcap_record_func *func, void *aux)
{
    struct pcap_writer *w = xzalloc(sizeof *w);

    pthread_mutex_init(&w->mutex, NULL);
    w->func = func;
    w->aux = aux;
    return w;
}

int
pcap_writer_fdopen(int fd, struct pcap_writer **writerp)
{
    FILE *stream = fdopen(fd, "wb");

    if (!stream) {
        int error = errno;

        close(fd);
        *writerp = NULL;
        return error;
    }
    return pcap_writer_stream(stream, true, writerp);
}

int
pcap_writer_open(const char *path, struct pcap_writer **writerp)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0) {
        *writerp = NULL;
        return errno;
    }
    return pcap_writer_fdopen(fd, writerp);
}

long long int
pcap_now_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long int) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writes the SIZE-byte frame at DATA (packet P's, if nonnull) with
 * timestamp USEC to W. */
static int
write_frame(struct pcap_writer *w, const void *data, size_t size,
            const struct pkt *p, long long int usec)
{
    uint8_t rec[PCAP_RECORD_HEADER_LEN];
    size_t incl;
    int error;

    pthread_mutex_lock(&w->mutex);
    if (w->func) {
        if (!w->error) {
            w->error = w->func(w->aux, data, size, p, usec);
        }
    } else {
        incl = pcap_record_header(rec, size, usec);
        errno = 0;
        writer_put(w, rec, sizeof rec);
        writer_put(w, data, incl);
    }
    error = w->error;
    pthread_mutex_unlock(&w->mutex);
    return error;
}

int
pcap_write(struct pcap_writer *w, const void *data, size_t size,
           long long int usec)
{
    return write_frame(w, data, size, NULL, usec);
}

int
pcap_write_pkt(struct pcap_writer *w, const struct pkt *p)
{
    return write_frame(w, pkt_data(p), pkt_size(p), p, pcap_now_usec());
}

int
pcap_writer_flush(struct pcap_writer *w)
{
    int error;

    pthread_mutex_lock(&w->mutex);
    errno = 0;
    if (!w->error && w->stream && fflush(w->stream)) {
        w->error = errno ? errno : EIO;
        COVERAGE_INC(pcap_write_error);
    }
    error = w->error;
    pthread_mutex_unlock(&w->mutex);
    return error;
}

int
pcap_writer_close(struct pcap_writer *w)
{
    int error;

    if (!w) {
        return 0;
    }
    pcap_writer_flush(w);
    error = w->error;
    if (w->own && fclose(w->stream) && !error) {
        error = errno ? errno : EIO;
    }
    pthread_mutex_destroy(&w->mutex);
    free(w);
    return error;
}

/* Readers. */

char *
pcap_reader_stream(FILE *stream, bool own, struct pcap_reader **readerp)
{
    uint8_t hdr[PCAP_FILE_HEADER_LEN];
    struct pcap_file_info info;
    struct pcap_reader *r;
    size_t n = fread(hdr, 1, sizeof hdr, stream);
    char *error;

    *readerp = NULL;
    if (n != sizeof hdr) {
        error = xasprintf("file header truncated (%zu of %d bytes)", n,
                          PCAP_FILE_HEADER_LEN);
        goto err_close;
    }
    error = pcap_parse_file_header(hdr, &info);
    if (error) {
        goto err_close;
    }
    r = xzalloc(sizeof *r);
    r->stream = stream;
    r->own = own;
    r->info = info;
    *readerp = r;
    return NULL;

err_close:
    COVERAGE_INC(pcap_read_error);
    if (own) {
        fclose(stream);
    }
    return error;
}

char *
pcap_reader_open(const char *path, struct pcap_reader **readerp)
{
    FILE *stream = fopen(path, "rbe");
    char *error;

    if (!stream) {
        *readerp = NULL;
        return xasprintf("%s: %s", path, vx_strerror(errno));
    }
    error = pcap_reader_stream(stream, true, readerp);
    if (error) {
        char *msg = xasprintf("%s: %s", path, error);

        free(error);
        return msg;
    }
    return NULL;
}

const struct pcap_file_info *
pcap_reader_info(const struct pcap_reader *r)
{
    return &r->info;
}

char *
pcap_read(struct pcap_reader *r, struct pkt **pktp,
          struct pcap_record_info *recp)
{
    uint8_t hdr[PCAP_RECORD_HEADER_LEN];
    struct pcap_record_info rec;
    uint64_t idx = r->n_records + 1;
    struct pkt *p;
    size_t n;
    char *error;

    *pktp = NULL;
    n = fread(hdr, 1, sizeof hdr, r->stream);
    if (!n && feof(r->stream)) {
        return NULL;
    }
    if (n != sizeof hdr) {
        COVERAGE_INC(pcap_read_error);
        return xasprintf("record %"PRIu64": header truncated (%zu of %d "
                         "bytes)", idx, n, PCAP_RECORD_HEADER_LEN);
    }
    error = pcap_parse_record_header(&r->info, hdr, &rec);
    if (error) {
        char *msg = xasprintf("record %"PRIu64": %s", idx, error);

        COVERAGE_INC(pcap_read_error);
        free(error);
        return msg;
    }

    p = pkt_new(rec.incl_len);
    n = fread(pkt_put_uninit(p, rec.incl_len), 1, rec.incl_len,
              r->stream);
    if (n != rec.incl_len) {
        COVERAGE_INC(pcap_read_error);
        pkt_free(p);
        return xasprintf("record %"PRIu64": data truncated (%zu of %u "
                         "bytes)", idx, n, rec.incl_len);
    }
    r->n_records++;
    *pktp = p;
    if (recp) {
        *recp = rec;
    }
    return NULL;
}

void
pcap_reader_close(struct pcap_reader *r)
{
    if (r) {
        if (r->own) {
            fclose(r->stream);
        }
        free(r);
    }
}
