/*
 * flow-text.c: shared scanners and printers for the flow text syntax.
 */
#include "flow/flow-text.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/util.h"
#include "packet/flow.h"

int
flow_parse_int_string(const char *s, uint8_t *valuep, size_t n_bytes,
                      const char **tail)
{
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
        size_t len;

        s += 2;
        len = strspn(s, "0123456789abcdefABCDEF");
        if (len == 0) {
            return EINVAL;
        }
        memset(valuep, 0, n_bytes);
        for (size_t k = 0; k < len; k++) {
            /* Nibble K counts from the least significant end. */
            int v = hexit_value(s[len - 1 - k]);
            size_t byte = k / 2;

            if (byte >= n_bytes) {
                if (v) {
                    return ERANGE;
                }
                continue;
            }
            valuep[n_bytes - 1 - byte] |= k % 2 ? v << 4 : v;
        }
        *tail = s + len;
        return 0;
    } else {
        unsigned long long int integer;
        char *end;

        errno = 0;
        integer = strtoull(s, &end, 0);
        if (errno || end == s) {
            return errno ? errno : EINVAL;
        }
        for (size_t i = n_bytes; i-- > 0;) {
            valuep[i] = integer;
            integer >>= 8;
        }
        if (integer) {
            return ERANGE;
        }
        *tail = end;
        return 0;
    }
}

/* Scans an integer the way OVS's ovs_scan() does for %d/%u/%x: optional
 * spaces, an optional sign, then at least one digit of BASE.  The value
 * wraps like a C conversion.  Advances *SP.  Returns false if there are no
 * digits. */
static bool
scan_int(const char **sp, int base, long long int *value)
{
    const char *s = *sp;
    unsigned long long int v = 0;
    bool negative = false;
    int n_digits = 0;

    while (isspace((unsigned char) *s)) {
        s++;
    }
    if (*s == '-' || *s == '+') {
        negative = *s == '-';
        s++;
    }
    for (;;) {
        int d = hexit_value((unsigned char) *s);

        if (d < 0 || d >= base) {
            break;
        }
        v = v * base + d;
        n_digits++;
        s++;
    }
    if (!n_digits) {
        return false;
    }
    *value = negative ? -(long long int) v : (long long int) v;
    *sp = s;
    return true;
}

/* Scans "A.B.C.D" at *SP, advancing it. */
static bool
scan_ip(const char **sp, be32 *ip)
{
    const char *s = *sp;
    uint8_t b[4];

    for (int i = 0; i < 4; i++) {
        long long int v;

        if (i && *s++ != '.') {
            return false;
        }
        if (!scan_int(&s, 10, &v)) {
            return false;
        }
        b[i] = v;
    }
    memcpy(ip, b, 4);
    *sp = s;
    return true;
}

bool
flow_parse_ip(const char *s, be32 *ip)
{
    be32 tmp;

    if (scan_ip(&s, &tmp) && !*s) {
        *ip = tmp;
        return true;
    }
    return false;
}

bool
flow_ip_is_cidr(be32 mask)
{
    uint32_t x = ~ntohl(mask);

    return !(x & (x + 1));
}

int
flow_ip_count_cidr_bits(be32 mask)
{
    uint32_t m = ntohl(mask);

    return m ? 32 - __builtin_ctz(m) : 0;
}

static be32
ip_prefix_mask(int prefix)
{
    return prefix ? htonl(UINT32_MAX << (32 - prefix)) : 0;
}

char *
flow_parse_ip_masked(const char *s, be32 *ip, be32 *mask)
{
    const char *p = s;
    be32 ip_, mask_;

    if (!scan_ip(&p, &ip_)) {
        return xasprintf("%s: invalid IP address", s);
    }
    if (*p == '/') {
        const char *q = p + 1;
        long long int prefix;

        if (scan_ip(&q, &mask_)) {
            p = q;
        } else {
            q = p + 1;
            if (!scan_int(&q, 10, &prefix)) {
                return xasprintf("%s: invalid IP address", s);
            }
            if (prefix < 0 || prefix > 32 || (int) prefix != prefix) {
                return xasprintf("%s: IPv4 network prefix bits not between "
                                 "0 and 32, inclusive", s);
            }
            mask_ = ip_prefix_mask(prefix);
            p = q;
        }
    } else {
        mask_ = htonl(UINT32_MAX);
    }
    if (*p) {
        return xasprintf("%s: invalid IP address", s);
    }
    *ip = ip_;
    *mask = mask_;
    return NULL;
}

struct in6_addr
flow_ipv6_create_mask(int prefix)
{
    struct in6_addr mask;

    memset(&mask, 0, sizeof mask);
    for (int i = 0; i < 16 && prefix > 0; i++, prefix -= 8) {
        mask.s6_addr[i] = prefix >= 8 ? 0xff : (uint8_t) (0xff << (8 - prefix));
    }
    return mask;
}

bool
flow_ipv6_is_cidr(const struct in6_addr *mask)
{
    int n = flow_ipv6_count_cidr_bits(mask);
    struct in6_addr m = flow_ipv6_create_mask(n);

    return !memcmp(&m, mask, sizeof m);
}

int
flow_ipv6_count_cidr_bits(const struct in6_addr *mask)
{
    int n = 0;

    for (int i = 0; i < 16; i++) {
        uint8_t b = mask->s6_addr[i];

        if (b == 0xff) {
            n += 8;
        } else {
            while (b & 0x80) {
                n++;
                b <<= 1;
            }
            break;
        }
    }
    return n;
}

/* Copies at *SP the longest run of IPv6 address characters (at most 46) to
 * BUF and advances *SP, as "%46[0-9a-fA-F:.]" does.  Returns false if the
 * run is empty. */
static bool
scan_ipv6_chars(const char **sp, char buf[47])
{
    static const char chars[] = "0123456789abcdefABCDEF:.";
    const char *s = *sp;
    size_t n = 0;

    while (isspace((unsigned char) *s)) {
        s++;
    }
    while (n < 46 && *s && strchr(chars, *s)) {
        buf[n++] = *s++;
    }
    buf[n] = '\0';
    if (!n) {
        return false;
    }
    *sp = s;
    return true;
}

char *
flow_parse_ipv6_masked(const char *s, struct in6_addr *ip,
                       struct in6_addr *mask)
{
    struct in6_addr ip_, mask_;
    const char *p = s;
    char buf[47];

    if (!scan_ipv6_chars(&p, buf) || inet_pton(AF_INET6, buf, &ip_) != 1) {
        return xasprintf("%s: invalid IPv6 address", s);
    }
    if (*p == '/') {
        const char *q = p + 1;
        long long int prefix;

        if (scan_int(&q, 10, &prefix) && (*q == '\0' || *q == '/'
                                          || !strchr(":.abcdefABCDEF", *q))) {
            if (prefix < 0 || prefix > 128) {
                return xasprintf("%s: IPv6 network prefix bits not between "
                                 "0 and 128, inclusive", s);
            }
            mask_ = flow_ipv6_create_mask(prefix);
            p = q;
        } else {
            q = p + 1;
            if (!scan_ipv6_chars(&q, buf)) {
                return xasprintf("%s: invalid IPv6 address", s);
            }
            if (inet_pton(AF_INET6, buf, &mask_) != 1) {
                return xasprintf("%s: Invalid IPv6 mask", s);
            }
            p = q;
        }
    } else {
        memset(&mask_, 0xff, sizeof mask_);
    }
    if (*p) {
        return xasprintf("%s: invalid IPv6 address", s);
    }
    *ip = ip_;
    *mask = mask_;
    return NULL;
}

/* Scans "xx:xx:xx:xx:xx:xx" at *SP, advancing it. */
static bool
scan_eth(const char **sp, struct eth_addr *mac)
{
    const char *s = *sp;
    struct eth_addr m;

    for (int i = 0; i < 6; i++) {
        long long int v;

        if (i && *s++ != ':') {
            return false;
        }
        if (!scan_int(&s, 16, &v)) {
            return false;
        }
        m.ea[i] = v;
    }
    *mac = m;
    *sp = s;
    return true;
}

bool
flow_parse_eth(const char *s, struct eth_addr *mac)
{
    struct eth_addr tmp;

    if (scan_eth(&s, &tmp) && !*s) {
        *mac = tmp;
        return true;
    }
    return false;
}

char *
flow_parse_eth_masked(const char *s, struct eth_addr *mac,
                      struct eth_addr *mask)
{
    struct eth_addr mac_, mask_;
    const char *p = s;

    if (scan_eth(&p, &mac_)) {
        if (!*p) {
            *mac = mac_;
            memset(mask, 0xff, sizeof *mask);
            return NULL;
        }
        if (*p++ == '/' && scan_eth(&p, &mask_) && !*p) {
            *mac = mac_;
            *mask = mask_;
            return NULL;
        }
    }
    return xasprintf("%s: invalid Ethernet address", s);
}

void
flow_format_ip_masked(be32 ip, be32 mask, struct ds *s)
{
    ds_put_format(s, IP_FMT, IP_ARGS(ip));
    if (mask != htonl(UINT32_MAX)) {
        if (flow_ip_is_cidr(mask)) {
            ds_put_format(s, "/%d", flow_ip_count_cidr_bits(mask));
        } else {
            ds_put_format(s, "/" IP_FMT, IP_ARGS(mask));
        }
    }
}

static void
format_ipv6_addr(const struct in6_addr *addr, struct ds *s)
{
    char buf[INET6_ADDRSTRLEN];

    inet_ntop(AF_INET6, addr, buf, sizeof buf);
    ds_put_cstr(s, buf);
}

void
flow_format_ipv6_masked(const struct in6_addr *addr,
                        const struct in6_addr *mask, struct ds *s)
{
    format_ipv6_addr(addr, s);
    if (mask && !is_all_ones(mask, sizeof *mask)) {
        if (flow_ipv6_is_cidr(mask)) {
            ds_put_format(s, "/%d", flow_ipv6_count_cidr_bits(mask));
        } else {
            ds_put_char(s, '/');
            format_ipv6_addr(mask, s);
        }
    }
}

void
flow_format_eth_masked(struct eth_addr eth, const struct eth_addr *mask,
                       struct ds *s)
{
    ds_put_format(s, ETH_ADDR_FMT, ETH_ADDR_ARGS(eth));
    if (mask && !is_all_ones(mask, sizeof *mask)) {
        ds_put_format(s, "/" ETH_ADDR_FMT, ETH_ADDR_ARGS(*mask));
    }
}

void
flow_put_hex(struct ds *ds, const void *buf_, size_t n)
{
    const uint8_t *buf = buf_;
    bool printed = false;

    for (size_t i = 0; i < n; i++) {
        if (buf[i] || printed) {
            ds_put_format(ds, printed ? "%02x" : "0x%x", buf[i]);
            printed = true;
        }
    }
    if (!printed) {
        ds_put_char(ds, '0');
    }
}

const char *
flow_ct_state_to_string(uint32_t bit)
{
    switch (bit) {
    case CS_NEW: return "new";
    case CS_ESTABLISHED: return "est";
    case CS_RELATED: return "rel";
    case CS_REPLY_DIR: return "rpl";
    case CS_INVALID: return "inv";
    case CS_TRACKED: return "trk";
    case CS_SRC_NAT: return "snat";
    case CS_DST_NAT: return "dnat";
    default: return NULL;
    }
}

const char *
flow_tcp_flag_to_string(uint32_t bit)
{
    switch (bit) {
    case TCP_FIN: return "fin";
    case TCP_SYN: return "syn";
    case TCP_RST: return "rst";
    case TCP_PSH: return "psh";
    case TCP_ACK: return "ack";
    case TCP_URG: return "urg";
    case TCP_ECE: return "ece";
    case TCP_CWR: return "cwr";
    case TCP_NS: return "ns";
    case 0x200: return "[200]";
    case 0x400: return "[400]";
    case 0x800: return "[800]";
    default: return NULL;
    }
}

const char *
flow_tun_flag_to_string(uint32_t bit)
{
    switch (bit) {
    case OVS_TNL_F_OAM: return "oam";
    case OVS_TNL_F_DONT_FRAGMENT: return "df";
    case OVS_TNL_F_CSUM: return "csum";
    case OVS_TNL_F_KEY: return "key";
    default: return NULL;
    }
}

/* Tunnel flag bits of struct flow and their OVS numbers. */
static const struct {
    uint16_t ours;  /* FLOW_TNL_F_* bit. */
    uint16_t ovs;   /* OVS_TNL_F_* bit. */
} tnl_flag_map[] = {
    { FLOW_TNL_F_OAM, OVS_TNL_F_OAM },
    { FLOW_TNL_F_DONT_FRAGMENT, OVS_TNL_F_DONT_FRAGMENT },
    { FLOW_TNL_F_CSUM, OVS_TNL_F_CSUM },
    { FLOW_TNL_F_KEY, OVS_TNL_F_KEY },
};

uint16_t
flow_tnl_flags_to_ovs(uint16_t flags)
{
    uint16_t out = 0;

    for (size_t i = 0; i < ARRAY_SIZE(tnl_flag_map); i++) {
        if (flags & tnl_flag_map[i].ours) {
            out |= tnl_flag_map[i].ovs;
        }
    }
    return out;
}

uint16_t
flow_tnl_flags_from_ovs(uint16_t flags)
{
    uint16_t out = 0;

    for (size_t i = 0; i < ARRAY_SIZE(tnl_flag_map); i++) {
        if (flags & tnl_flag_map[i].ovs) {
            out |= tnl_flag_map[i].ours;
        }
    }
    return out;
}

/* Scans a C integer ("%i": decimal, 0x hex or 0 octal) at *SP. */
static bool
scan_c_int(const char **sp, long long int *value)
{
    const char *s = *sp;
    int base = 10;

    while (isspace((unsigned char) *s)) {
        s++;
    }
    const char *sign = s;
    if (*s == '-' || *s == '+') {
        s++;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
        && hexit_value((unsigned char) s[2]) >= 0) {
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    if (!scan_int(&s, base, value)) {
        return false;
    }
    if (*sign == '-') {
        *value = -*value;
    }
    *sp = s;
    return true;
}

char *
flow_parse_flags(const char *s, const char *(*bit_to_string)(uint32_t),
                 const char *field_name, uint32_t allowed,
                 uint32_t *res_flags, uint32_t *res_mask)
{
    const char *start = s;
    long long int v, m;
    const char *p = s;

    /* Numeric "value/mask". */
    if (res_mask && scan_c_int(&p, &v) && *p == '/') {
        p++;
        if (scan_c_int(&p, &m) && !*p) {
            if ((uint32_t) v & ~allowed || (uint32_t) m & ~allowed) {
                goto unknown;
            }
            *res_flags = v;
            *res_mask = m;
            return NULL;
        }
    }

    if (res_mask && (*s == '+' || *s == '-')) {
        uint32_t flags = 0, mask = 0;

        while (*s) {
            bool set;
            uint32_t bit;
            size_t len = 0;

            if (*s == '+') {
                set = true;
            } else if (*s == '-') {
                set = false;
            } else {
                return xasprintf("%s: %s must be preceded by '+' (for SET) "
                                 "or '-' (NOT SET)", s, field_name);
            }
            s++;
            start = s;
            for (bit = 1; bit; bit <<= 1) {
                const char *fname = bit_to_string(bit);

                if (!fname) {
                    continue;
                }
                len = strlen(fname);
                if (strncmp(s, fname, len)
                    || (s[len] != '+' && s[len] != '-' && s[len] != '\0')) {
                    continue;
                }
                if (mask & bit) {
                    return xasprintf("%s: Each %s flag can be specified only "
                                     "once", s, field_name);
                }
                if (!(bit & allowed)) {
                    goto unknown;
                }
                if (set) {
                    flags |= bit;
                }
                mask |= bit;
                break;
            }
            if (!bit) {
                goto unknown;
            }
            s += len;
        }
        *res_flags = flags;
        *res_mask = mask;
        return NULL;
    }

    uint32_t result = 0;
    size_t n = 0;
    while (s[n]) {
        uint32_t bit;

        p = &s[n];
        if (scan_c_int(&p, &v)) {
            if ((uint64_t) v & ~(uint64_t) allowed) {
                start = s;
                goto unknown;
            }
            n = p - s;
            n += s[n] == '|';
            result |= v;
            continue;
        }
        for (bit = 1; bit; bit <<= 1) {
            const char *name = bit_to_string(bit);
            size_t len;

            if (!name) {
                continue;
            }
            len = strlen(name);
            if (!strncmp(s + n, name, len)
                && (s[n + len] == '|' || s[n + len] == '\0')) {
                if (!(bit & allowed)) {
                    start = s;
                    goto unknown;
                }
                result |= bit;
                n += len + (s[n + len] == '|');
                break;
            }
        }
        if (!bit) {
            start = s;
            goto unknown;
        }
    }
    *res_flags = result;
    if (res_mask) {
        *res_mask = UINT32_MAX;
    }
    return NULL;

unknown:
    return xasprintf("%s: unknown %s flag(s)", start, field_name);
}

void
flow_format_flags(struct ds *ds, const char *(*bit_to_string)(uint32_t),
                  uint32_t flags, char del)
{
    uint32_t bad = 0;

    if (!flags) {
        ds_put_char(ds, '0');
        return;
    }
    while (flags) {
        uint32_t bit = flags & -flags;
        const char *s = bit_to_string(bit);

        if (s) {
            ds_put_format(ds, "%s%c", s, del);
        } else {
            bad |= bit;
        }
        flags &= ~bit;
    }
    if (bad) {
        ds_put_format(ds, "0x%" PRIx32 "%c", bad, del);
    }
    ds_chomp(ds, del);
}

void
flow_format_flags_masked(struct ds *ds, const char *name,
                         const char *(*bit_to_string)(uint32_t),
                         uint32_t flags, uint32_t mask, uint32_t max_mask)
{
    if (name) {
        ds_put_format(ds, "%s=", name);
    }
    if (mask == max_mask) {
        flow_format_flags(ds, bit_to_string, flags, '|');
        return;
    }
    if (!mask) {
        ds_put_cstr(ds, "0/0");
        return;
    }
    while (mask) {
        uint32_t bit = mask & -mask;
        const char *s = bit_to_string(bit);

        ds_put_char(ds, flags & bit ? '+' : '-');
        if (s) {
            ds_put_cstr(ds, s);
        } else {
            ds_put_format(ds, "0x%" PRIx32, bit);
        }
        mask &= ~bit;
    }
}
