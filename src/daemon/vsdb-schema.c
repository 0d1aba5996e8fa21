/* vsdb-schema.c: the tables and columns of the switch configuration
 * database, a subset of Open vSwitch's vswitch.ovsschema with the same
 * names, types and constraints. */
#include "daemon/vsdb.h"

#include <stdint.h>

/* Base types. */
#define ANY_INTEGER { VSDB_TYPE_INTEGER, INT64_MIN, INT64_MAX, NULL, -1 }
#define INTEGER_RANGE(MIN, MAX) { VSDB_TYPE_INTEGER, MIN, MAX, NULL, -1 }
#define BOOLEAN { VSDB_TYPE_BOOLEAN, 0, 0, NULL, -1 }
#define STRING { VSDB_TYPE_STRING, 0, 0, NULL, -1 }
#define STRING_ENUM(VALUES) { VSDB_TYPE_STRING, 0, 0, VALUES, -1 }
#define REF(TABLE) { VSDB_TYPE_UUID, 0, 0, NULL, TABLE }
#define NONE { VSDB_TYPE_VOID, 0, 0, NULL, -1 }

/* Column types. */
#define SCALAR(BASE) { BASE, NONE, 1, 1 }
#define OPTIONAL(BASE) { BASE, NONE, 0, 1 }
#define SET(BASE, MAX) { BASE, NONE, 0, MAX }
#define SMAP { STRING, STRING, 0, VSDB_UNLIMITED }

static const char *const fail_modes[] = { "secure", "standalone", NULL };
static const char *const protocols[] = {
    "OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14",
    "OpenFlow15", NULL,
};
static const char *const vlan_modes[] = {
    "access", "dot1q-tunnel", "native-tagged", "native-untagged", "trunk",
    NULL,
};

static const struct vsdb_column ovs_columns[VSDB_OVS_N_COLUMNS] = {
    [VSDB_OVS_BRIDGES] = { "bridges",
                           SET(REF(VSDB_BRIDGE), VSDB_UNLIMITED), true,
                           false },
    [VSDB_OVS_EXTERNAL_IDS] = { "external_ids", SMAP, true, false },
    [VSDB_OVS_MANAGER_OPTIONS] = { "manager_options",
                                   SET(REF(VSDB_MANAGER), VSDB_UNLIMITED),
                                   true, false },
    [VSDB_OVS_OVS_VERSION] = { "ovs_version", OPTIONAL(STRING), true,
                               false },
};

static const struct vsdb_column bridge_columns[VSDB_BR_N_COLUMNS] = {
    [VSDB_BR_CONTROLLER] = { "controller",
                             SET(REF(VSDB_CONTROLLER), VSDB_UNLIMITED), true,
                             false },
    [VSDB_BR_DATAPATH_TYPE] = { "datapath_type", SCALAR(STRING), true,
                                false },
    [VSDB_BR_EXTERNAL_IDS] = { "external_ids", SMAP, true, false },
    [VSDB_BR_FAIL_MODE] = { "fail_mode", OPTIONAL(STRING_ENUM(fail_modes)),
                            true, false },
    [VSDB_BR_NAME] = { "name", SCALAR(STRING), false, false },
    [VSDB_BR_OTHER_CONFIG] = { "other_config", SMAP, true, false },
    [VSDB_BR_PORTS] = { "ports", SET(REF(VSDB_PORT), VSDB_UNLIMITED), true,
                        false },
    [VSDB_BR_PROTOCOLS] = { "protocols",
                            SET(STRING_ENUM(protocols), VSDB_UNLIMITED),
                            true, false },
};

static const struct vsdb_column port_columns[VSDB_PORT_N_COLUMNS] = {
    [VSDB_PORT_EXTERNAL_IDS] = { "external_ids", SMAP, true, false },
    [VSDB_PORT_INTERFACES] = { "interfaces",
                               { REF(VSDB_INTERFACE), NONE, 1,
                                 VSDB_UNLIMITED },
                               true, false },
    [VSDB_PORT_NAME] = { "name", SCALAR(STRING), false, false },
    [VSDB_PORT_OTHER_CONFIG] = { "other_config", SMAP, true, false },
    [VSDB_PORT_TAG] = { "tag", OPTIONAL(INTEGER_RANGE(0, 4095)), true,
                        false },
    [VSDB_PORT_TRUNKS] = { "trunks", SET(INTEGER_RANGE(0, 4095), 4096),
                           true, false },
    [VSDB_PORT_VLAN_MODE] = { "vlan_mode",
                              OPTIONAL(STRING_ENUM(vlan_modes)), true,
                              false },
};

static const struct vsdb_column iface_columns[VSDB_IFACE_N_COLUMNS] = {
    [VSDB_IFACE_ERROR] = { "error", OPTIONAL(STRING), true, true },
    [VSDB_IFACE_EXTERNAL_IDS] = { "external_ids", SMAP, true, false },
    [VSDB_IFACE_MTU] = { "mtu", OPTIONAL(ANY_INTEGER), true, true },
    [VSDB_IFACE_MTU_REQUEST] = { "mtu_request",
                                 OPTIONAL(INTEGER_RANGE(1, INT64_MAX)),
                                 true, false },
    [VSDB_IFACE_NAME] = { "name", SCALAR(STRING), false, false },
    [VSDB_IFACE_OFPORT] = { "ofport", OPTIONAL(ANY_INTEGER), true, false },
    [VSDB_IFACE_OFPORT_REQUEST] = {
        "ofport_request", OPTIONAL(INTEGER_RANGE(1, VSDB_OFPORT_MAX)), true,
        false },
    [VSDB_IFACE_OPTIONS] = { "options", SMAP, true, false },
    [VSDB_IFACE_TYPE] = { "type", SCALAR(STRING), true, false },
};

static const struct vsdb_column ctrl_columns[VSDB_CTRL_N_COLUMNS] = {
    [VSDB_CTRL_IS_CONNECTED] = { "is_connected", SCALAR(BOOLEAN), true,
                                 true },
    [VSDB_CTRL_TARGET] = { "target", SCALAR(STRING), true, false },
};

static const struct vsdb_column mgr_columns[VSDB_MGR_N_COLUMNS] = {
    [VSDB_MGR_IS_CONNECTED] = { "is_connected", SCALAR(BOOLEAN), true,
                                true },
    [VSDB_MGR_TARGET] = { "target", SCALAR(STRING), true, false },
};

const struct vsdb_table_class vsdb_tables[VSDB_N_TABLES] = {
    [VSDB_OPEN_VSWITCH] = { "Open_vSwitch", ovs_columns, VSDB_OVS_N_COLUMNS,
                            true, -1, false, 1 },
    [VSDB_BRIDGE] = { "Bridge", bridge_columns, VSDB_BR_N_COLUMNS, false,
                      VSDB_BR_NAME, true, 0 },
    [VSDB_PORT] = { "Port", port_columns, VSDB_PORT_N_COLUMNS, false,
                    VSDB_PORT_NAME, true, 0 },
    [VSDB_INTERFACE] = { "Interface", iface_columns, VSDB_IFACE_N_COLUMNS,
                         false, VSDB_IFACE_NAME, true, 0 },
    [VSDB_CONTROLLER] = { "Controller", ctrl_columns, VSDB_CTRL_N_COLUMNS,
                          false, VSDB_CTRL_TARGET, false, 0 },
    [VSDB_MANAGER] = { "Manager", mgr_columns, VSDB_MGR_N_COLUMNS, false,
                       VSDB_MGR_TARGET, true, 0 },
};

const struct vsdb_column *
vsdb_column(enum vsdb_table_id table, int column)
{
    vx_assert(table < VSDB_N_TABLES);
    vx_assert(column >= 0 && column < vsdb_tables[table].n_columns);
    return &vsdb_tables[table].columns[column];
}
