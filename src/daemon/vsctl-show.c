/* vsctl-show.c: `vsctl show`, in the layout of `ovs-vsctl show` (Open
 * vSwitch 3.3 utilities/ovs-vsctl.c cmd_show_tables, lib/db-ctl-base.c
 * cmd_show_row): the Open_vSwitch row's UUID, then each referenced row as
 * "<Table> <name>" indented 4 spaces per level, and the non-default
 * columns that the table shows as "<column>: <value>". */
#include "daemon/vsctl.h"

#include "daemon/vsdb.h"
#include "lib/ds.h"

/* What `show` prints of a table. */
struct show_table {
    enum vsdb_table_id table;   /* The table. */
    int name_column;            /* Column printed after the table name, or
                                 * -1 to print the row's UUID alone. */
    int columns[5];             /* Columns shown, ending with -1. */
};

static const struct show_table show_tables[] = {
    { VSDB_OPEN_VSWITCH, -1,
      { VSDB_OVS_MANAGER_OPTIONS, VSDB_OVS_BRIDGES, VSDB_OVS_OVS_VERSION,
        -1 } },
    { VSDB_BRIDGE, VSDB_BR_NAME,
      { VSDB_BR_CONTROLLER, VSDB_BR_FAIL_MODE, VSDB_BR_DATAPATH_TYPE,
        VSDB_BR_PORTS, -1 } },
    { VSDB_PORT, VSDB_PORT_NAME,
      { VSDB_PORT_TAG, VSDB_PORT_TRUNKS, VSDB_PORT_INTERFACES, -1 } },
    { VSDB_INTERFACE, VSDB_IFACE_NAME,
      { VSDB_IFACE_TYPE, VSDB_IFACE_OPTIONS, VSDB_IFACE_ERROR, -1 } },
    { VSDB_CONTROLLER, VSDB_CTRL_TARGET, { VSDB_CTRL_IS_CONNECTED, -1 } },
    { VSDB_MANAGER, VSDB_MGR_TARGET, { VSDB_MGR_IS_CONNECTED, -1 } },
};

static const struct show_table *
find_show_table(enum vsdb_table_id table)
{
    for (size_t i = 0; i < ARRAY_SIZE(show_tables); i++) {
        if (show_tables[i].table == table) {
            return &show_tables[i];
        }
    }
    return NULL;
}

static void
show_row(const struct vsdb_data *data, const struct vsdb_row *row, int level,
         struct ds *out)
{
    const struct show_table *show = find_show_table(row->table);

    ds_put_char_multiple(out, ' ', (size_t) level * 4);
    if (show->name_column >= 0) {
        ds_put_format(out, "%s ", vsdb_tables[row->table].name);
        vsdb_datum_to_string(vsdb_row_get(row, show->name_column),
                             &vsdb_column(row->table,
                                          show->name_column)->type, out);
    } else {
        uuid_format(out, &row->uuid);
    }
    ds_put_char(out, '\n');

    for (const int *c = show->columns; *c >= 0; c++) {
        const struct vsdb_column *column = vsdb_column(row->table, *c);
        const struct vsdb_datum *datum = vsdb_row_get(row, *c);

        if (column->type.key.ref_table >= 0) {
            const struct vsdb_row *child;
            unsigned int i;

            VSDB_FOR_EACH_REF (child, i, row, *c, data) {
                show_row(data, child, level + 1, out);
            }
        } else if (!vsdb_datum_is_default(datum, &column->type)) {
            ds_put_char_multiple(out, ' ', (size_t) (level + 1) * 4);
            ds_put_format(out, "%s: ", column->name);
            vsdb_datum_to_string(datum, &column->type, out);
            ds_put_char(out, '\n');
        }
    }
}

void
vsctl_show(const struct vsdb_data *data, struct ds *out)
{
    const struct vsdb_row *row;
    size_t i;

    VSDB_FOR_EACH_ROW (row, i, VSDB_OPEN_VSWITCH, data) {
        show_row(data, row, 0, out);
    }
}
