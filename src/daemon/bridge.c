/* bridge.c: the switch module of vxstackd, which keeps the datapath and
 * the OpenFlow bridges in step with the configuration database (Open
 * vSwitch's vswitchd/bridge.c), and serves the commands that need both
 * layers: dpctl/show, dpif/show, ofctl/dump-ports, netdev-dummy/receive
 * and the conntrack commands (capture has its own file, capture.c).
 *
 * Reconfiguration runs after every committed vsctl transaction.  It
 * creates and destroys bridges, and adds, reconfigures and removes ports:
 * a device port gets a datapath port (the datapath's tunnel port for
 * vxlan ports, none for patch ports) and then an OpenFlow port with the
 * number the database assigned.  A device that cannot be opened leaves the
 * port out of the switch and writes the error to the Interface's `error`
 * column ("could not open network device tap0 (No such device)"), as the
 * seed's missing taps show in `vsctl show`.  So does a device that fails
 * under the daemon (netdev_get_error(): a tap whose namespace was deleted,
 * a system device removed with `ip link del`): its port leaves the switch
 * and stays out, with the error shown, until its Interface row goes (a
 * reconfiguration does not bring a vanished tap back to life). */
#include "daemon/bridge.h"

#include <errno.h>
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>

#include "conntrack/conntrack.h"
#include "daemon/capture.h"
#include "daemon/daemon.h"
#include "daemon/vsdb.h"
#include "datapath/dpif.h"
#include "datapath/netdev-dummy.h"
#include "datapath/netdev-vxlan.h"
#include "datapath/netdev-provider.h"
#include "datapath/netdev.h"
#include "flow/odp.h"
#include "lib/coverage.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofproto-cmds.h"
#include "ofproto/ofproto.h"
#include "ofproto/recirc.h"
#include "packet/flow.h"
#include "packet/pkt.h"

VLOG_DEFINE_THIS_MODULE(bridge);

COVERAGE_DEFINE(bridge_reconfigure);
COVERAGE_DEFINE(bridge_port_error);

static struct dp *dp;
static struct vsdb *db;

/* An interface whose device failed under us (netdev_get_error()). */
struct failed_iface {
    struct hmap_node node;          /* In 'failed_ifaces', by name. */
    char *name;                     /* Interface name. */
    struct uuid iface_uuid;         /* Its Interface row: a row of the same
                                     * name with another UUID is the
                                     * interface added again. */
    int error;                      /* The device's error. */
};

/* Interfaces kept out of the switch because their device failed. */
static struct hmap failed_ifaces = HMAP_INITIALIZER(&failed_ifaces);

/* netdev_error_seq() when device errors were last looked for. */
static uint64_t last_error_seq;

struct dp *
bridge_datapath(void)
{
    return dp;
}

/* Reconfiguration. */

/* Returns true if TYPE names a device that the datapath opens (as opposed
 * to a patch or tunnel port, or the bridge's internal port). */
static bool
type_is_device(const char *type)
{
    return strcmp(type, "patch") && strcmp(type, "vxlan");
}

static const char *
iface_type(const struct vsdb_row *iface)
{
    const char *type = vsdb_row_get_string(iface, VSDB_IFACE_TYPE);

    return type && type[0] ? type : "system";
}

/* Opens the datapath port for a device interface.  Returns 0 or an errno;
 * system and tap devices must exist on the host.  */
static int
open_device(const char *name, const char *type, uint32_t *odp_portp)
{
    if ((!strcmp(type, "system") || !strcmp(type, "tap"))
        && !netdev_is_type_registered(type)) {
        /* No device class for host devices in this build: a device that
         * does not exist is reported as OVS reports it; one that does
         * cannot be attached. */
        return if_nametoindex(name) ? EOPNOTSUPP : ENODEV;
    }
    return dp_port_add(dp, name, type, 0, odp_portp);
}

static bool
parse_ip_option(const struct vsdb_row *iface, const char *key, be32 *ip)
{
    const char *s = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, key);

    *ip = 0;
    return !s || !strcmp(s, "flow") || ip_from_string(s, ip);
}

static bool
parse_key_option(const char *s, bool *is_flow, be64 *key)
{
    uint64_t v = 0;

    *is_flow = false;
    *key = 0;
    if (!s) {
        return true;
    }
    if (!strcmp(s, "flow")) {
        *is_flow = true;
        return true;
    }
    if (!str_to_uint64(s, 0, UINT64_MAX, &v)) {
        return false;
    }
    *key = htonll(v);
    return true;
}

/* Fills TNL from a vxlan Interface's options.  Returns NULL or an error
 * message for the `error` column. */
static char *
tunnel_config(const struct vsdb_row *iface, struct ofproto_tunnel *tnl)
{
    const char *name = vsdb_row_name(iface);
    const char *key = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "key");
    const char *in_key = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS,
                                           "in_key");
    const char *out_key = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS,
                                            "out_key");
    const char *s;
    uint64_t v;

    memset(tnl, 0, sizeof *tnl);
    if (!parse_ip_option(iface, "remote_ip", &tnl->remote_ip)) {
        return xasprintf("%s: bad vxlan 'remote_ip'", name);
    }
    if (!vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "remote_ip")) {
        return xasprintf("%s: vxlan type requires 'remote_ip' argument",
                         name);
    }
    if (!parse_ip_option(iface, "local_ip", &tnl->local_ip)) {
        return xasprintf("%s: bad vxlan 'local_ip'", name);
    }
    if (!parse_key_option(in_key ? in_key : key, &tnl->in_key_flow,
                          &tnl->in_key)
        || !parse_key_option(out_key ? out_key : key, &tnl->out_key_flow,
                             &tnl->out_key)) {
        return xasprintf("%s: bad vxlan key", name);
    }
    tnl->dst_port = VXLAN_PORT;
    s = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "dst_port");
    if (s) {
        if (!str_to_uint64(s, 10, UINT16_MAX, &v) || !v) {
            return xasprintf("%s: bad vxlan 'dst_port'", name);
        }
        tnl->dst_port = (uint16_t) v;
    }
    tnl->ttl = 64;
    s = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "ttl");
    if (s) {
        if (!strcmp(s, "inherit")) {
            tnl->ttl = 0;
        } else if (!str_to_uint64(s, 10, 255, &v) || !v) {
            return xasprintf("%s: bad vxlan 'ttl'", name);
        } else {
            tnl->ttl = (uint8_t) v;
        }
    }
    s = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "df_default");
    tnl->df_default = !s || strcmp(s, "false");
    s = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "csum");
    tnl->csum = s && !strcmp(s, "true");
    s = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "egress_pkt_mark");
    if (s) {
        if (!str_to_uint64(s, 0, UINT32_MAX, &v)) {
            return xasprintf("%s: bad vxlan 'egress_pkt_mark'", name);
        }
        tnl->set_egress_pkt_mark = true;
        tnl->egress_pkt_mark = (uint32_t) v;
    }
    return NULL;
}

/* Returns NULL, or the message for the `error` column of the vxlan
 * interface NAME with configuration TNL when the datapath's tunnel device
 * could not bind the socket of its local endpoint. */
static char *
tunnel_endpoint_error(const char *name, const struct ofproto_tunnel *tnl,
                      uint32_t odp_port)
{
    struct netdev *netdev = dp_port_netdev(dp, odp_port);
    int error;

    if (!netdev || !netdev_is_vxlan(netdev)) {
        return NULL;
    }
    error = netdev_vxlan_endpoint_error(netdev, tnl->local_ip);
    if (!error || error == ENOENT) {
        return NULL;
    }
    return xasprintf("%s: could not bind VXLAN socket to "IP_FMT":%"PRIu16
                     " (%s)", name, IP_ARGS(tnl->local_ip),
                     netdev_vxlan_dst_port(netdev), vx_strerror(error));
}

/* The local endpoints of the vxlan interfaces in bridges, gathered at the
 * start of a reconfiguration and given to the datapath's tunnel device
 * before the first vxlan interface is configured. */
static struct {
    be32 *ips;                 /* Their local_ip (0 = INADDR_ANY). */
    size_t n;                  /* Number of 'ips'. */
    uint16_t dst_port;         /* UDP port of the tunnel port. */
    bool applied;              /* Given to the device this time. */
    long long int retry;       /* When to reconfigure again because an
                                * endpoint failed to bind, or LLONG_MAX. */
} tunnel_eps = { .retry = LLONG_MAX };

/* How often to try again to bind an endpoint that failed: an address may
 * become local, or a port be freed, without a database change. */
#define TUNNEL_RETRY_MS 10000

/* Gathers into 'tunnel_eps' the local endpoints of every vxlan interface
 * in a bridge (their local_ip, INADDR_ANY for those without). */
static void
gather_tunnel_endpoints(const struct vsdb_data *data)
{
    const struct vsdb_row *iface;
    size_t idx;

    free(tunnel_eps.ips);
    memset(&tunnel_eps, 0, sizeof tunnel_eps);
    tunnel_eps.retry = LLONG_MAX;
    tunnel_eps.ips = xcalloc(vsdb_count(data, VSDB_INTERFACE) + 1,
                             sizeof *tunnel_eps.ips);
    VSDB_FOR_EACH_ROW (iface, idx, VSDB_INTERFACE, data) {
        const struct vsdb_row *port = vsdb_iface_port(data, iface);
        struct ofproto_tunnel tnl;
        char *error;

        if (strcmp(iface_type(iface), "vxlan") || !port
            || !vsdb_port_bridge(data, port)) {
            continue;
        }
        error = tunnel_config(iface, &tnl);
        if (error) {
            free(error);
            continue;
        }
        /* The datapath has one tunnel port, on the first interface's UDP
         * port. */
        if (!tunnel_eps.dst_port) {
            tunnel_eps.dst_port = tnl.dst_port;
        }
        tunnel_eps.ips[tunnel_eps.n++] = tnl.local_ip;
    }
}

/* Gives the tunnel device of datapath port ODP_PORT the endpoints
 * gathered for this reconfiguration, once.  The device keeps the sockets
 * that stay, binds new ones and records their errors, which
 * tunnel_endpoint_error() reports per interface. */
static void
apply_tunnel_endpoints(uint32_t odp_port)
{
    struct netdev *netdev = dp_port_netdev(dp, odp_port);

    if (tunnel_eps.applied || !netdev || !netdev_is_vxlan(netdev)) {
        return;
    }
    tunnel_eps.applied = true;
    if (netdev_vxlan_set_endpoints(netdev, tunnel_eps.ips, tunnel_eps.n,
                                   tunnel_eps.dst_port)) {
        tunnel_eps.retry = time_msec() + TUNNEL_RETRY_MS;
    }
}

/* Builds the trunk bitmap of PORT (NULL when it trunks all VLANs). */
static unsigned long *
port_trunks(const struct vsdb_row *port)
{
    const struct vsdb_datum *trunks = vsdb_row_get(port, VSDB_PORT_TRUNKS);
    size_t bits = 8 * sizeof(unsigned long);
    unsigned long *bitmap;

    if (!trunks->n) {
        return NULL;
    }
    bitmap = xcalloc(4096 / bits, sizeof *bitmap);
    for (unsigned int i = 0; i < trunks->n; i++) {
        int64_t vlan = trunks->keys[i].integer;

        if (vlan >= 0 && vlan < 4096) {
            bitmap[vlan / bits] |= 1UL << (vlan % bits);
        }
    }
    return bitmap;
}

static enum ofport_vlan_mode
port_vlan_mode(const struct vsdb_row *port, int tag)
{
    const char *mode = vsdb_row_get_string(port, VSDB_PORT_VLAN_MODE);

    if (mode && !strcmp(mode, "native-tagged")) {
        return PORT_VLAN_NATIVE_TAGGED;
    } else if (mode && !strcmp(mode, "native-untagged")) {
        return PORT_VLAN_NATIVE_UNTAGGED;
    } else if (mode && !strcmp(mode, "trunk")) {
        return PORT_VLAN_TRUNK;
    } else if (mode && !strcmp(mode, "access")) {
        return PORT_VLAN_ACCESS;
    }
    return tag >= 0 ? PORT_VLAN_ACCESS : PORT_VLAN_TRUNK;
}

/* Removes from OFPROTO, and from the datapath, PORT. */
static void
remove_port(struct ofproto *ofproto, struct ofport *port)
{
    if (ofport_odp_port(port) != ODPP_NONE
        && type_is_device(ofport_type(port))) {
        dp_port_del(dp, ofport_odp_port(port));
    }
    ofproto_port_del(ofproto, ofport_ofp_port(port));
}

/* Applies IFACE's mtu_request to the device of PORT (if it has one) and
 * reports the device's MTU in the Interface's `mtu` column. */
static void
configure_mtu(const struct vsdb_row *iface, struct ofport *port)
{
    uint32_t odp = ofport_odp_port(port);
    struct netdev *netdev;
    int64_t mtu_request;

    if (odp == ODPP_NONE || !type_is_device(ofport_type(port))) {
        return;
    }
    netdev = dp_port_netdev(dp, odp);
    if (!netdev) {
        return;
    }
    if (vsdb_row_get_integer(iface, VSDB_IFACE_MTU_REQUEST, &mtu_request)
        && netdev_get_mtu(netdev) != mtu_request) {
        int error = netdev_set_mtu(netdev, (int) mtu_request);

        if (error) {
            VLOG_WARN("%s: could not set MTU %"PRId64" (%s)",
                      ofport_name(port), mtu_request, vx_strerror(error));
        }
    }
    vsdb_iface_set_mtu(db, ofport_name(port), netdev_get_mtu(netdev));
}

/* Gives the bridge's internal ports without an mtu_request the smallest
 * MTU of the bridge's other device ports, 1500 if it has none (OVS's rule
 * for internal interfaces, which is why the seed's br-int has MTU 1450
 * and br-tun 1500). */
static void
configure_internal_mtus(struct ofproto *ofproto, const struct vsdb_data *data)
{
    struct ofport **ports;
    size_t n = ofproto_ports(ofproto, &ports);
    int min_mtu = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t odp = ofport_odp_port(ports[i]);
        struct netdev *nd;

        if (!strcmp(ofport_type(ports[i]), "internal") || odp == ODPP_NONE
            || !type_is_device(ofport_type(ports[i]))) {
            continue;
        }
        nd = dp_port_netdev(dp, odp);
        if (nd && (!min_mtu || netdev_get_mtu(nd) < min_mtu)) {
            min_mtu = netdev_get_mtu(nd);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct vsdb_row *iface;
        struct netdev *nd;
        int64_t req;

        if (strcmp(ofport_type(ports[i]), "internal")
            || ofport_odp_port(ports[i]) == ODPP_NONE) {
            continue;
        }
        iface = vsdb_find_row(data, VSDB_INTERFACE, ofport_name(ports[i]));
        nd = dp_port_netdev(dp, ofport_odp_port(ports[i]));
        if (!nd || (iface && vsdb_row_get_integer(iface,
                                                  VSDB_IFACE_MTU_REQUEST,
                                                  &req))) {
            continue;
        }
        if (netdev_get_mtu(nd) != (min_mtu ? min_mtu : 1500)) {
            netdev_set_mtu(nd, min_mtu ? min_mtu : 1500);
        }
        vsdb_iface_set_mtu(db, ofport_name(ports[i]), netdev_get_mtu(nd));
    }
    free(ports);
}

static void
set_error(const char *name, const char *error)
{
    COVERAGE_INC(bridge_port_error);
    vsdb_iface_set_status(db, name, error);
}

static struct failed_iface *
failed_iface_find(const char *name)
{
    struct failed_iface *f;

    HMAP_FOR_EACH_WITH_HASH (f, node, hash_string(name, 0), &failed_ifaces) {
        if (!strcmp(f->name, name)) {
            return f;
        }
    }
    return NULL;
}

static void
failed_iface_remove(struct failed_iface *f)
{
    hmap_remove(&failed_ifaces, &f->node);
    free(f->name);
    free(f);
}

/* Takes out of OFPROTO every device port whose device failed, recording
 * it in 'failed_ifaces' and its error in the database. */
static void
remove_failed_ports(struct ofproto *ofproto, void *aux)
{
    struct ofport **ports;
    size_t n = ofproto_ports(ofproto, &ports);

    (void) aux;
    for (size_t i = 0; i < n; i++) {
        uint32_t odp = ofport_odp_port(ports[i]);
        const char *name = ofport_name(ports[i]);
        const struct vsdb_row *row;
        struct netdev *netdev;
        struct failed_iface *f;
        char *msg;
        int error;

        if (odp == ODPP_NONE || !type_is_device(ofport_type(ports[i]))) {
            continue;
        }
        netdev = dp_port_netdev(dp, odp);
        error = netdev ? netdev_get_error(netdev) : 0;
        if (!error || failed_iface_find(name)) {
            continue;
        }
        f = xzalloc(sizeof *f);
        f->name = xstrdup(name);
        row = vsdb_find_row(vsdb_get_data(db), VSDB_INTERFACE, name);
        if (row) {
            f->iface_uuid = row->uuid;
        }
        f->error = error;
        hmap_insert(&failed_ifaces, &f->node, hash_string(name, 0));
        msg = netdev_open_error(name, error);
        VLOG_WARN("%s: device failed, port removed: %s", name, msg);
        set_error(name, msg);
        free(msg);
        remove_port(ofproto, ports[i]);
    }
    free(ports);
}

/* Looks for devices that failed since the last call. */
static void
check_device_errors(void)
{
    uint64_t seq = netdev_error_seq();

    if (seq != last_error_seq) {
        last_error_seq = seq;
        ofproto_for_each(remove_failed_ports, NULL);
    }
}

/* Forgets the failed interfaces that the database no longer has, or has
 * again as a new row (deleted and added in one transaction): those get a
 * fresh device. */
static void
prune_failed_ifaces(const struct vsdb_data *data)
{
    struct failed_iface *f, *next;

    HMAP_FOR_EACH_SAFE (f, next, node, &failed_ifaces) {
        const struct vsdb_row *row = vsdb_find_row(data, VSDB_INTERFACE,
                                                   f->name);

        if (!row || !uuid_equals(&row->uuid, &f->iface_uuid)) {
            failed_iface_remove(f);
        }
    }
}

/* Brings the port of interface IFACE (of database port PORT) in bridge
 * OFPROTO in line with the database. */
static void
configure_iface(struct ofproto *ofproto, const struct vsdb_row *port,
                const struct vsdb_row *iface)
{
    const char *name = vsdb_row_name(iface);
    const char *type = iface_type(iface);
    struct ofproto_port_spec spec;
    struct ofproto_tunnel tnl;
    struct ofport *ofport;
    unsigned long *trunks;
    int64_t tag = -1, ofport_no = 0;
    uint32_t odp_port = ODPP_NONE, ofp_port;
    bool is_local = !strcmp(name, ofproto_name(ofproto));
    char *error;
    int err;

    if (is_local) {
        type = "internal";
    }
    vsdb_row_get_integer(port, VSDB_PORT_TAG, &tag);
    vsdb_row_get_integer(iface, VSDB_IFACE_OFPORT, &ofport_no);

    memset(&spec, 0, sizeof spec);
    spec.name = name;
    spec.type = type;
    spec.tag = (int) tag;
    spec.vlan_mode = port_vlan_mode(port, (int) tag);
    trunks = port_trunks(port);
    spec.trunks = trunks;
    spec.ofp_request = ofport_no > 0 ? (uint32_t) ofport_no : 0;

    if (!strcmp(type, "patch")) {
        spec.peer = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS, "peer");
        if (!spec.peer) {
            error = xasprintf("%s: patch type requires valid 'peer' "
                              "argument", name);
            goto fail;
        }
        if (!strcmp(spec.peer, name)) {
            error = xasprintf("%s: patch peer must not be self", name);
            goto fail;
        }
    } else if (!strcmp(type, "vxlan")) {
        error = tunnel_config(iface, &tnl);
        if (error) {
            goto fail;
        }
        spec.tunnel = &tnl;
    }

    ofport = ofproto_port_by_name(ofproto, name);
    if (ofport && strcmp(ofport_type(ofport), type)) {
        /* The type changed: remove and add again. */
        remove_port(ofproto, ofport);
        ofport = NULL;
    }

    if (type_is_device(type) && failed_iface_find(name)) {
        error = netdev_open_error(name, failed_iface_find(name)->error);
        goto fail;
    }

    if (ofport) {
        spec.odp_port = ofport_odp_port(ofport);
        if (spec.tunnel) {
            apply_tunnel_endpoints(spec.odp_port);
            error = tunnel_endpoint_error(name, &tnl, spec.odp_port);
            if (error) {
                goto fail;
            }
        }
        ofproto_port_reconfigure(ofproto, &spec);
        vsdb_iface_set_status(db, name, NULL);
        configure_mtu(iface, ofport);
        free(trunks);
        return;
    }

    if (!strcmp(type, "vxlan")) {
        odp_port = dp_tunnel_port(dp, tnl.dst_port);
        if (odp_port == ODPP_NONE) {
            error = xasprintf("%s: could not create the datapath's tunnel "
                              "port", name);
            goto fail;
        }
        apply_tunnel_endpoints(odp_port);
        error = tunnel_endpoint_error(name, &tnl, odp_port);
        if (error) {
            goto fail;
        }
    } else if (type_is_device(type)) {
        err = open_device(name, type, &odp_port);
        if (err) {
            error = err == EOPNOTSUPP
                    ? xasprintf("could not open network device %s (%s: "
                                "host devices of type %s are not supported "
                                "yet)", name, vx_strerror(err), type)
                    : netdev_open_error(name, err);
            goto fail;
        }
    }

    spec.odp_port = odp_port;
    err = ofproto_port_add(ofproto, &spec, &ofp_port);
    if (err) {
        if (odp_port != ODPP_NONE && type_is_device(type)) {
            dp_port_del(dp, odp_port);
        }
        error = xasprintf("%s: could not add port (%s)", name,
                          vx_strerror(err));
        goto fail;
    }
    vsdb_iface_set_status(db, name, NULL);
    configure_mtu(iface, ofproto_port_by_number(ofproto, ofp_port));
    free(trunks);
    return;

fail:
    VLOG_WARN("%s", error);
    set_error(name, error);
    free(error);
    free(trunks);
    ofport = ofproto_port_by_name(ofproto, name);
    if (ofport) {
        remove_port(ofproto, ofport);
    }
}

/* Removes from OFPROTO every port the database no longer has in BR. */
static void
remove_stale_ports(struct ofproto *ofproto, const struct vsdb_data *data,
                   const struct vsdb_row *br)
{
    struct ofport **ports;
    size_t n = ofproto_ports(ofproto, &ports);

    for (size_t i = 0; i < n; i++) {
        const struct vsdb_row *iface, *port;

        iface = vsdb_find_row(data, VSDB_INTERFACE, ofport_name(ports[i]));
        port = iface ? vsdb_iface_port(data, iface) : NULL;
        if (!port || vsdb_port_bridge(data, port) != br) {
            remove_port(ofproto, ports[i]);
        }
    }
    free(ports);
}

static void
destroy_bridge(struct ofproto *ofproto)
{
    struct ofport **ports;
    size_t n = ofproto_ports(ofproto, &ports);

    for (size_t i = 0; i < n; i++) {
        remove_port(ofproto, ports[i]);
    }
    free(ports);
    ofproto_destroy(ofproto);
}

struct bridge_gc {
    const struct vsdb_data *data;
    struct ofproto **dead;
    size_t n_dead;
};

static void
collect_dead_bridge(struct ofproto *ofproto, void *gc_)
{
    struct bridge_gc *gc = gc_;

    if (!vsdb_find_row(gc->data, VSDB_BRIDGE, ofproto_name(ofproto))) {
        gc->dead = xrealloc(gc->dead, (gc->n_dead + 1) * sizeof *gc->dead);
        gc->dead[gc->n_dead++] = ofproto;
    }
}

/* Counts the vxlan ports of OFPROTO into *N_. */
static void
count_tunnel_users(struct ofproto *ofproto, void *n_)
{
    size_t *n = n_;
    struct ofport **ports;
    size_t n_ports = ofproto_ports(ofproto, &ports);

    for (size_t i = 0; i < n_ports; i++) {
        *n += !strcmp(ofport_type(ports[i]), "vxlan");
    }
    free(ports);
}

static int
compare_rows_by_seq(const void *a_, const void *b_)
{
    const struct vsdb_row *const *a = a_;
    const struct vsdb_row *const *b = b_;

    return (*a)->seq < (*b)->seq ? -1 : (*a)->seq > (*b)->seq;
}

/* Creates or updates bridge BR: its own internal port first (the
 * datapath numbers it before the bridge's other ports, as OVS does), then
 * the other ports in the order they were made. */
static void
configure_bridge(const struct vsdb_data *data, const struct vsdb_row *br)
{
    const char *name = vsdb_row_name(br);
    const char *fail_mode = vsdb_row_get_string(br, VSDB_BR_FAIL_MODE);
    struct ofproto *ofproto = ofproto_lookup(name);
    const struct vsdb_row *port, **ports;
    size_t n = 0;
    unsigned int i;

    if (!ofproto) {
        ofproto = ofproto_create(name);
    }
    ofproto_set_fail_mode(ofproto, fail_mode && !strcmp(fail_mode, "secure")
                                   ? OFPROTO_FAIL_SECURE
                                   : OFPROTO_FAIL_STANDALONE);
    ports = xcalloc(vsdb_row_get(br, VSDB_BR_PORTS)->n + 1, sizeof *ports);
    VSDB_FOR_EACH_REF (port, i, br, VSDB_BR_PORTS, data) {
        ports[n++] = port;
    }
    qsort(ports, n, sizeof *ports, compare_rows_by_seq);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t p = 0; p < n; p++) {
            bool is_local = !strcmp(vsdb_row_name(ports[p]), name);
            const struct vsdb_row *iface;
            unsigned int j;

            if (is_local != !pass) {
                continue;
            }
            VSDB_FOR_EACH_REF (iface, j, ports[p], VSDB_PORT_INTERFACES,
                               data) {
                configure_iface(ofproto, ports[p], iface);
            }
        }
    }
    free(ports);
    configure_internal_mtus(ofproto, data);
}

static void
bridge_reconfigure(struct vsdb *db_, void *aux)
{
    const struct vsdb_data *data = vsdb_get_data(db_);
    struct bridge_gc gc = { data, NULL, 0 };
    const struct vsdb_row *br, **bridges;
    size_t idx, n_bridges, n_tunnels = 0;

    (void) aux;
    COVERAGE_INC(bridge_reconfigure);
    prune_failed_ifaces(data);

    /* Bridges that are gone. */
    ofproto_for_each(collect_dead_bridge, &gc);
    for (size_t i = 0; i < gc.n_dead; i++) {
        destroy_bridge(gc.dead[i]);
    }
    free(gc.dead);

    /* Bridges in the database, in creation order so that the datapath
     * numbers their ports in the order the user made them.  Stale ports
     * go first everywhere, so that a port moved between bridges in one
     * transaction finds its device free. */
    n_bridges = vsdb_count(data, VSDB_BRIDGE);
    bridges = xcalloc(n_bridges + 1, sizeof *bridges);
    VSDB_FOR_EACH_ROW (br, idx, VSDB_BRIDGE, data) {
        bridges[idx] = br;
    }
    qsort(bridges, n_bridges, sizeof *bridges, compare_rows_by_seq);
    for (size_t b = 0; b < n_bridges; b++) {
        struct ofproto *ofproto = ofproto_lookup(vsdb_row_name(bridges[b]));

        if (ofproto) {
            remove_stale_ports(ofproto, data, bridges[b]);
        }
    }
    gather_tunnel_endpoints(data);
    for (size_t b = 0; b < n_bridges; b++) {
        configure_bridge(data, bridges[b]);
    }
    free(bridges);

    /* The datapath's tunnel port goes when its last user does. */
    ofproto_for_each(count_tunnel_users, &n_tunnels);
    if (!n_tunnels) {
        uint32_t tnl = dp_port_by_name(dp, "vxlan_sys_4789");

        if (tnl != ODPP_NONE) {
            dp_port_del(dp, tnl);
        }
    }
}

/* Commands. */

static void
cmd_dpctl_show(struct ctl_conn *conn, int argc, const char *argv[],
               void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    bool stats = false;

    (void) aux;
    for (int i = 1; i < argc; i++) {
        stats |= !strcmp(argv[i], "-s") || !strcmp(argv[i], "--statistics");
    }
    dp_format_show(dp, stats, &s);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Appends the type part of dpif/show for PORT ("(internal)", "(patch:
 * peer=...)", "(vxlan: ...)"). */
static void
format_dpif_port_type(struct ds *s, const struct vsdb_row *iface,
                      const char *type)
{
    const struct vsdb_datum *options = vsdb_row_get(iface,
                                                    VSDB_IFACE_OPTIONS);

    if (!strcmp(type, "system")) {
        return;
    }
    ds_put_format(s, " (%s", type);
    if (!strcmp(type, "vxlan")) {
        const char *in = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS,
                                           "in_key");
        const char *out = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS,
                                            "out_key");
        bool first = true;

        for (unsigned int i = 0; i < options->n; i++) {
            const char *k = options->keys[i].string;
            const char *v = options->values[i].string;

            if (!strcmp(k, "df_default") || !strcmp(k, "in_key")
                || !strcmp(k, "out_key")) {
                continue;
            }
            if (in && out && !strcmp(in, out) && strcmp(k, "key") > 0
                && !strstr(ds_cstr(s), "key=")) {
                ds_put_format(s, "%skey=%s", first ? ": " : ", ", in);
                first = false;
            }
            ds_put_format(s, "%s%s=%s", first ? ": " : ", ", k, v);
            first = false;
        }
    } else if (!strcmp(type, "patch")) {
        const char *peer = vsdb_row_get_smap(iface, VSDB_IFACE_OPTIONS,
                                             "peer");

        ds_put_format(s, ": peer=%s", peer ? peer : "");
    }
    ds_put_char(s, ')');
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;

    return strcmp(*a, *b);
}

static int
compare_port_names(const void *a_, const void *b_)
{
    struct ofport *const *a = a_;
    struct ofport *const *b = b_;

    return strcmp(ofport_name(*a), ofport_name(*b));
}

static void
cmd_dpif_show(struct ctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    const struct vsdb_data *data = vsdb_get_data(db);
    struct ds s = DS_EMPTY_INITIALIZER;
    const char **names;
    struct dp_stats st;
    size_t n = 0, idx;
    const struct vsdb_row *br;

    (void) argc;
    (void) argv;
    (void) aux;
    dp_get_stats(dp, &st);
    ds_put_format(&s, "system@ovs-system: hit:%"PRIu64" missed:%"PRIu64"\n",
                  st.n_hit, st.n_missed);
    names = xcalloc(vsdb_count(data, VSDB_BRIDGE) + 1, sizeof *names);
    VSDB_FOR_EACH_ROW (br, idx, VSDB_BRIDGE, data) {
        names[n++] = vsdb_row_name(br);
    }
    qsort(names, n, sizeof *names, compare_strings);
    for (size_t b = 0; b < n; b++) {
        struct ofproto *ofproto = ofproto_lookup(names[b]);
        struct ofport **ports;
        size_t n_ports;

        if (!ofproto) {
            continue;
        }
        ds_put_format(&s, "  %s:\n", names[b]);
        n_ports = ofproto_ports(ofproto, &ports);
        qsort(ports, n_ports, sizeof *ports, compare_port_names);
        for (size_t i = 0; i < n_ports; i++) {
            struct ofport *ofport = ports[i];
            const struct vsdb_row *iface = vsdb_find_row(data,
                                                         VSDB_INTERFACE,
                                                         ofport_name(ofport));
            uint32_t odp = ofport_odp_port(ofport);

            ds_put_format(&s, "    %s %"PRIu32"/", ofport_name(ofport),
                          ofport_ofp_port(ofport));
            if (odp == ODPP_NONE) {
                ds_put_cstr(&s, "none:");
            } else {
                ds_put_format(&s, "%"PRIu32":", odp);
            }
            if (iface) {
                format_dpif_port_type(&s, iface, ofport_type(ofport));
            }
            ds_put_char(&s, '\n');
        }
        free(ports);
    }
    free(names);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
put_port_stats(struct ds *s, const char *label, const struct netdev_stats *st)
{
    ds_put_format(s, "  port %s: rx pkts=%"PRIu64", bytes=%"PRIu64", "
                  "drop=%"PRIu64", errs=%"PRIu64", frame=0, over=0, crc=0\n"
                  "           tx pkts=%"PRIu64", bytes=%"PRIu64", "
                  "drop=%"PRIu64", errs=%"PRIu64", coll=0\n", label,
                  st->rx_packets, st->rx_bytes, st->rx_dropped,
                  st->rx_errors, st->tx_packets, st->tx_bytes,
                  st->tx_dropped, st->tx_errors);
}

static void
cmd_dump_ports(struct ctl_conn *conn, int argc, const char *argv[],
               void *aux)
{
    struct ofproto *ofproto = ofproto_lookup(argv[1]);
    struct ds body = DS_EMPTY_INITIALIZER;
    struct ds s = DS_EMPTY_INITIALIZER;
    uint32_t only = OFPP_NONE;
    struct ofport **ports;
    size_t n = 0, n_ports;

    (void) aux;
    if (!ofproto) {
        char *msg = xasprintf("%s is not a bridge or a socket", argv[1]);

        ctl_reply_error(conn, msg);
        free(msg);
        return;
    }
    ofproto_push_stats();
    if (argc > 2 && !ofp_port_parse(argv[2], ofproto_port_map(ofproto),
                                    &only)) {
        char *msg = xasprintf("%s: unknown port", argv[2]);

        ctl_reply_error(conn, msg);
        free(msg);
        return;
    }
    n_ports = ofproto_ports(ofproto, &ports);
    for (size_t i = 0; i < n_ports; i++) {
        struct ofport *ofport = ports[i];
        uint32_t p = ofport_ofp_port(ofport);
        struct netdev_stats st;
        char label[16];

        if (only != OFPP_NONE && only != p) {
            continue;
        }
        memset(&st, 0, sizeof st);
        if (ofport_odp_port(ofport) != ODPP_NONE
            && strcmp(ofport_type(ofport), "vxlan")) {
            struct netdev *nd = dp_port_netdev(dp, ofport_odp_port(ofport));

            if (nd) {
                netdev_get_stats(nd, &st);
            }
        } else {
            const struct ofport_stats *os = ofport_stats(ofport);

            st.rx_packets = os->rx_packets;
            st.rx_bytes = os->rx_bytes;
            st.tx_packets = os->tx_packets;
            st.tx_bytes = os->tx_bytes;
            st.rx_dropped = os->rx_dropped;
            st.tx_dropped = os->tx_dropped;
        }
        if (p == OFPP_LOCAL) {
            snprintf(label, sizeof label, "LOCAL");
        } else {
            snprintf(label, sizeof label, "%2"PRIu32, p);
        }
        put_port_stats(&body, label, &st);
        n++;
    }
    free(ports);
    ds_put_format(&s, "OFPST_PORT reply (xid=0x2): %zu ports\n%s", n,
                  ds_cstr(&body));
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
    ds_destroy(&body);
}

/* netdev-dummy/receive PORT PACKET...: PACKET is a datapath flow
 * ("in_port(..),eth(..),...") or the frame in hex. */
static char *
packet_from_arg(const char *arg, struct pkt **pktp, struct flow_tnl *tnl)
{
    struct pkt *p;

    memset(tnl, 0, sizeof *tnl);
    *pktp = NULL;
    if (strchr(arg, '(')) {
        uint8_t buf[9000];
        struct flow flow;
        size_t len;
        char *error;

        memset(&flow, 0, sizeof flow);
        error = odp_flow_parse(arg, &flow, NULL);
        if (error) {
            return error;
        }
        len = flow_compose(&flow, 64, buf, sizeof buf);
        if (!len) {
            return xstrdup("flow does not fit in a packet");
        }
        p = pkt_clone_data(buf, len);
        *tnl = flow.tunnel;
    } else {
        size_t n = strlen(arg);
        uint8_t *bytes;

        if (n % 2 || n < 2 * ETH_HEADER_LEN || n > 2 * 65535) {
            return xasprintf("%s: packet must be an even number of hex "
                             "digits, at least an Ethernet header",
                             n > 40 ? "packet" : arg);
        }
        bytes = xmalloc(n / 2);
        for (size_t i = 0; i < n / 2; i++) {
            unsigned int byte;

            if (sscanf(arg + 2 * i, "%2x", &byte) != 1
                || !isxdigit((unsigned char) arg[2 * i])
                || !isxdigit((unsigned char) arg[2 * i + 1])) {
                free(bytes);
                return xasprintf("bad hex digit at offset %zu", 2 * i);
            }
            bytes[i] = (uint8_t) byte;
        }
        p = pkt_clone_data(bytes, n / 2);
        free(bytes);
    }
    *pktp = p;
    return NULL;
}

static void
cmd_dummy_receive(struct ctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    uint32_t port_no = dp_port_by_name(dp, argv[1]);
    struct netdev *netdev = port_no != ODPP_NONE
                            ? dp_port_netdev(dp, port_no) : NULL;

    (void) aux;
    if (!netdev || !netdev_is_dummy(netdev)) {
        char *msg = xasprintf("no such dummy netdev '%s'", argv[1]);

        ctl_reply_error(conn, msg);
        free(msg);
        return;
    }
    for (int i = 2; i < argc; i++) {
        struct flow_tnl tnl;
        struct pkt *p;
        char *error = packet_from_arg(argv[i], &p, &tnl);

        if (error) {
            ctl_reply_error(conn, error);
            free(error);
            return;
        }
        if (tnl.ip_dst) {
            /* A packet that arrives over a tunnel, already decapsulated
             * with its tunnel metadata, as the tunnel device hands it
             * to the datapath. */
            p->md.tunnel = tnl;
            dp_input(dp, p, port_no);
        } else {
            int err = netdev_dummy_receive(netdev, p);

            if (err) {
                char *msg = xasprintf("%s: receive queue full (%s)",
                                      argv[1], vx_strerror(err));

                ctl_reply_error(conn, msg);
                free(msg);
                return;
            }
        }
    }
    ctl_reply(conn, "");
}

/* Parses an optional "zone=N" argument of the conntrack commands. */
static char *
parse_zone_arg(int argc, const char *argv[], int first, uint16_t *zone,
               bool *has_zone, bool *verbose, bool *stats)
{
    *has_zone = false;
    for (int i = first; i < argc; i++) {
        uint64_t v;

        if (!strcmp(argv[i], "-m") || !strcmp(argv[i], "--more")) {
            *verbose = true;
        } else if (!strcmp(argv[i], "-s") || !strcmp(argv[i],
                                                     "--statistics")) {
            *stats = true;
        } else if (str_has_prefix(argv[i], "zone=")) {
            if (!str_to_uint64(argv[i] + 5, 0, UINT16_MAX, &v)) {
                return xasprintf("%s: invalid zone", argv[i]);
            }
            *zone = (uint16_t) v;
            *has_zone = true;
        } else if (!strcmp(argv[i], "system@ovs-system")
                   || !strcmp(argv[i], "ovs-system")) {
            continue;
        } else {
            return xasprintf("%s: unknown argument", argv[i]);
        }
    }
    return NULL;
}

/* Parses the arguments of dpctl/dump-flows and dpctl/del-flows: options
 * and the datapath name.  Replies with an error and returns false if they
 * are bad. */
static bool
parse_dpctl_flow_args(struct ctl_conn *conn, int argc, const char *argv[],
                      bool *verbose)
{
    bool has_zone, stats = false;
    uint16_t zone;
    char *error;

    *verbose = false;
    error = parse_zone_arg(argc, argv, 1, &zone, &has_zone, verbose, &stats);
    if (!error && has_zone) {
        error = xstrdup("zone=: unknown argument (datapath flows have no "
                        "zone)");
    }
    if (error) {
        ctl_reply_error(conn, error);
        free(error);
        return false;
    }
    return true;
}

static void
cmd_dpctl_dump_flows(struct ctl_conn *conn, int argc, const char *argv[],
                     void *aux)
{
    struct dp_dump_options opt;
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) aux;
    if (parse_dpctl_flow_args(conn, argc, argv, &opt.verbose)) {
        dp_format_flows(dp, &opt, &s);
        ctl_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
cmd_dpctl_del_flows(struct ctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    bool verbose;

    (void) aux;
    if (parse_dpctl_flow_args(conn, argc, argv, &verbose)) {
        dp_flows_flush(dp);
        ctl_reply(conn, "");
    }
}

static void
cmd_upcall_megaflows(struct ctl_conn *conn, int argc, const char *argv[],
                     void *aux)
{
    bool enable = aux != NULL;

    (void) argc;
    (void) argv;
    dp_set_megaflows(dp, enable);
    ctl_reply(conn, enable ? "megaflows enabled\n" : "megaflows disabled\n");
}

static void
cmd_dump_conntrack(struct ctl_conn *conn, int argc, const char *argv[],
                   void *aux)
{
    bool has_zone, verbose = false, stats = false;
    struct ds s = DS_EMPTY_INITIALIZER;
    uint16_t zone = 0;
    char *error;

    (void) aux;
    error = parse_zone_arg(argc, argv, 1, &zone, &has_zone, &verbose,
                           &stats);
    if (error) {
        ctl_reply_error(conn, error);
        free(error);
        return;
    }
    conntrack_dump(dp_conntrack(dp), has_zone ? &zone : NULL, verbose, stats,
                   time_msec(), &s);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_flush_conntrack(struct ctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    bool has_zone, verbose = false, stats = false;
    uint16_t zone = 0;
    char *error;

    (void) aux;
    error = parse_zone_arg(argc, argv, 1, &zone, &has_zone, &verbose,
                           &stats);
    if (error) {
        ctl_reply_error(conn, error);
        free(error);
        return;
    }
    conntrack_flush(dp_conntrack(dp), has_zone ? &zone : NULL);
    ctl_reply(conn, "");
}

static void
cmd_ct_stats(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    bool has_zone, verbose = false, stats = false;
    struct ds s = DS_EMPTY_INITIALIZER;
    uint16_t zone = 0;
    char *error;

    (void) aux;
    error = parse_zone_arg(argc, argv, 1, &zone, &has_zone, &verbose,
                           &stats);
    if (error) {
        ctl_reply_error(conn, error);
        free(error);
        return;
    }
    conntrack_format_stats(dp_conntrack(dp), has_zone ? &zone : NULL,
                           verbose, time_msec(), &s);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_ct_set_maxconns(struct ctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    uint32_t max;
    char *error;

    (void) aux;
    error = ct_parse_maxconns(argv[argc - 1], &max);
    if (error) {
        ctl_reply_error(conn, error);
        free(error);
        return;
    }
    conntrack_set_maxconns(dp_conntrack(dp), max);
    ctl_reply(conn, "setting maxconns successful");
}

static void
cmd_ct_get_maxconns(struct ctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    char buf[32];

    (void) argc;
    (void) argv;
    (void) aux;
    snprintf(buf, sizeof buf, "%"PRIu32,
             conntrack_get_maxconns(dp_conntrack(dp)));
    ctl_reply(conn, buf);
}

static void
cmd_ct_set_limits(struct ctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    int32_t *zones = xcalloc((size_t) argc, sizeof *zones);
    uint32_t *limits = xcalloc((size_t) argc, sizeof *limits);
    int n = 0;

    (void) aux;
    /* Validate everything first: a bad value changes nothing. */
    for (int i = 1; i < argc; i++) {
        char *error;

        if (!strcmp(argv[i], "system@ovs-system")) {
            continue;
        }
        error = ct_parse_zone_limit(argv[i], &zones[n], &limits[n]);
        if (error) {
            ctl_reply_error(conn, error);
            free(error);
            goto out;
        }
        n++;
    }
    for (int i = 0; i < n; i++) {
        conntrack_set_zone_limit(dp_conntrack(dp), zones[i], limits[i]);
    }
    ctl_reply(conn, "");
out:
    free(zones);
    free(limits);
}

static void
cmd_ct_del_limits(struct ctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    uint16_t *zones = NULL;
    size_t n = 0;
    char *error;

    (void) aux;
    error = ct_parse_zone_list(argv[argc - 1], &zones, &n);
    if (error) {
        ctl_reply_error(conn, error);
        free(error);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        conntrack_del_zone_limit(dp_conntrack(dp), zones[i]);
    }
    free(zones);
    ctl_reply(conn, "");
}

static void
cmd_ct_get_limits(struct ctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    uint16_t *zones = NULL;
    size_t n = 0;

    (void) aux;
    if (argc > 1 && strcmp(argv[argc - 1], "system@ovs-system")) {
        char *error = ct_parse_zone_list(argv[argc - 1], &zones, &n);

        if (error) {
            ctl_reply_error(conn, error);
            free(error);
            return;
        }
    }
    conntrack_format_limits(dp_conntrack(dp), zones, n, &s);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
    free(zones);
}

static void
register_commands(void)
{
    ofproto_cmds_register();
    ctl_command_register("dpctl/show", "[DP]", 0, 2, cmd_dpctl_show, NULL);
    ctl_command_register("dpctl/dump-flows", "[-m] [DP]", 0, 3,
                         cmd_dpctl_dump_flows, NULL);
    ctl_command_register("dpctl/del-flows", "[DP]", 0, 1,
                         cmd_dpctl_del_flows, NULL);
    ctl_command_register("dpif/show", "", 0, 0, cmd_dpif_show, NULL);
    ctl_command_register("upcall/disable-megaflows", "", 0, 0,
                         cmd_upcall_megaflows, NULL);
    ctl_command_register("upcall/enable-megaflows", "", 0, 0,
                         cmd_upcall_megaflows, (void *) "enable");
    ctl_command_register("ofctl/dump-ports", "BRIDGE [PORT]", 1, 2,
                         cmd_dump_ports, NULL);
    ctl_command_register("netdev-dummy/receive", "NAME PACKET|FLOW...", 2,
                         1000, cmd_dummy_receive, NULL);
    ctl_command_register("dpctl/dump-conntrack", "[-m] [-s] [zone=N]", 0, 4,
                         cmd_dump_conntrack, NULL);
    ctl_command_register("dpctl/flush-conntrack", "[zone=N]", 0, 2,
                         cmd_flush_conntrack, NULL);
    ctl_command_register("dpctl/ct-stats-show", "[-m] [zone=N]", 0, 3,
                         cmd_ct_stats, NULL);
    ctl_command_register("dpctl/ct-set-maxconns", "[DP] MAXCONNS", 1, 2,
                         cmd_ct_set_maxconns, NULL);
    ctl_command_register("dpctl/ct-get-maxconns", "[DP]", 0, 1,
                         cmd_ct_get_maxconns, NULL);
    ctl_command_register("dpctl/ct-set-limits",
                         "[DP] [default=L] [zone=N,limit=L]...", 1, 64,
                         cmd_ct_set_limits, NULL);
    ctl_command_register("dpctl/ct-del-limits", "[DP] zone=N[,N]...", 1, 2,
                         cmd_ct_del_limits, NULL);
    ctl_command_register("dpctl/ct-get-limits", "[DP] [zone=N[,N]...]", 0, 2,
                         cmd_ct_get_limits, NULL);
}

/* The module. */

/* The switch's line of memory/show, OVS-style key:value pairs: OpenFlow
 * rules and the bytes they take (rules_bytes: rules, actions and
 * classifier structures, as ofproto_get_memory() counts them;
 * bytes_per_rule: their average), conntrack connections, the tracker's
 * memory (conntrack_bytes, which follows the peak number of connections)
 * and the bytes one connection takes (bytes_per_conn: its entry plus its
 * share of the hash index, conntrack_conn_bytes()). */
static void
memory_report(struct ds *s, void *aux)
{
    struct conntrack *ct = dp_conntrack(dp);
    struct ofproto_memory mem;
    struct dp_stats st;

    (void) aux;
    dp_get_stats(dp, &st);
    ofproto_get_memory(&mem);
    size_t rules_bytes = mem.rule_bytes + mem.table_bytes;
    ds_put_format(s, "rules:%zu rules_bytes:%zu bytes_per_rule:%zu "
                  "conntrack:%zu conntrack_bytes:%zu bytes_per_conn:%zu "
                  "recirc_ids:%zu datapath_flows:%"PRIu64"\n",
                  mem.n_rules, rules_bytes,
                  mem.n_rules ? rules_bytes / mem.n_rules : 0,
                  conntrack_count(ct), conntrack_memory(ct),
                  conntrack_conn_bytes(), recirc_count(), st.n_flows);
}

static char *
bridge_init(const struct daemon_ctx *ctx)
{
    db = ctx->db;
    if (ctx->dummy_override) {
        /* As ovs-vswitchd --enable-dummy=override: software devices in
         * place of the kernel's ("internal" is one already). */
        static const char *const types[] = { "tap", "vxlan" };

        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
            int error = netdev_dummy_register_as(types[i]);

            if (error && error != EEXIST) {
                return xasprintf("cannot register dummy %s devices (%s)",
                                 types[i], vx_strerror(error));
            }
        }
    }
    dp = dp_create();
    register_commands();
    capture_register_commands();
    daemon_memory_register(memory_report, NULL);
    vsdb_add_observer(db, bridge_reconfigure, NULL);
    bridge_reconfigure(db, NULL);
    return NULL;
}

struct run_aux {
    long long int now;
    long long int next;
};

static void
run_one(struct ofproto *ofproto, void *aux_)
{
    struct run_aux *aux = aux_;

    ofproto_run(ofproto, aux->now);
    aux->next = MIN(aux->next, ofproto_next_wake(ofproto));
}

static long long int next_ofproto_wake = LLONG_MAX;

static void
bridge_run(void)
{
    struct run_aux aux = { time_msec(), LLONG_MAX };

    /* Bounded work per call keeps the control socket responsive. */
    for (int i = 0; i < 64 && dp_run(dp); i++) {
        continue;
    }
    check_device_errors();
    ofproto_for_each(run_one, &aux);
    next_ofproto_wake = aux.next;
    capture_run();
    if (aux.now >= tunnel_eps.retry) {
        bridge_reconfigure(db, NULL);
    }
}

static void
bridge_wait(void)
{
    dp_wait(dp);
    if (next_ofproto_wake != LLONG_MAX) {
        poll_timer_wait_until(next_ofproto_wake);
    }
    capture_wait();
    if (tunnel_eps.retry != LLONG_MAX) {
        poll_timer_wait_until(tunnel_eps.retry);
    }
}

static void
destroy_one(struct ofproto *ofproto, void *aux)
{
    (void) aux;
    destroy_bridge(ofproto);
}

static void
bridge_fini(void)
{
    struct failed_iface *f, *next;

    capture_destroy_all("vxstackd is exiting");
    HMAP_FOR_EACH_SAFE (f, next, node, &failed_ifaces) {
        failed_iface_remove(f);
    }
    vsdb_remove_observer(db, bridge_reconfigure, NULL);
    ofproto_for_each(destroy_one, NULL);
    dp_destroy(dp);
    dp = NULL;
    free(tunnel_eps.ips);
    memset(&tunnel_eps, 0, sizeof tunnel_eps);
    tunnel_eps.retry = LLONG_MAX;
}

const struct daemon_module bridge_module = {
    .name = "switch",
    .init = bridge_init,
    .run = bridge_run,
    .wait = bridge_wait,
    .fini = bridge_fini,
};
