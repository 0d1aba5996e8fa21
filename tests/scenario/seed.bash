# seed.bash: builds the seed's switch (../shared/seed) in a running vxstackd
# through the CLI, as a user or the Neutron agent would: the four bridges
# with the seed's ports and port numbers (tests/data/ovs/README.md), then
# the seed's flows with `ofctl add-flows`.  Source after common.bash.
#
# The instance tap is a dummy device (a real tap needs root and a guest);
# the two taps whose devices are gone in the seed are system devices that
# do not exist, so the switch reports them as the seed shows.

# seed_flows DIR BR [--with-learned]: prints the seed's flows for BR,
# without the "$ ..." line and, by default, without the learned flow.
seed_flows() {
    local br=$1 learned=${2:-}
    local f="$VXSTACK_TOP/tests/data/seed/ovs-ofctl-dump-flows-$br.txt"
    if [ "$learned" = --with-learned ]; then
        grep -v '^\$ ' "$f"
    else
        grep -v '^\$ ' "$f" | grep -v 'hard_timeout=300, '
    fi
}

# seed_build DIR [--with-learned]
seed_build() {
    local dir=$1 learned=${2:-} br
    vx "$dir" vsctl set-manager ptcp:6640:127.0.0.1 || return 1
    vx "$dir" vsctl add-br br-provider \
        -- set bridge br-provider fail_mode=secure datapath_type=system \
        -- add-port br-provider eth2 -- set interface eth2 type=dummy \
               ofport_request=2 || return 1
    vx "$dir" vsctl add-port br-provider eth3 \
        -- set interface eth3 type=dummy || return 1
    vx "$dir" vsctl add-br br-mgmt \
        -- set bridge br-mgmt fail_mode=secure datapath_type=system || return 1
    vx "$dir" vsctl del-port br-provider eth3 \
        -- add-port br-mgmt eth3 -- set interface eth3 type=dummy \
               ofport_request=2 || return 1
    vx "$dir" vsctl add-br br-int \
        -- set bridge br-int fail_mode=secure datapath_type=system || return 1
    vx "$dir" vsctl add-port br-int int-br-provider \
        -- set interface int-br-provider type=patch \
               options:peer=phy-br-provider ofport_request=1 \
        -- add-port br-provider phy-br-provider \
        -- set interface phy-br-provider type=patch \
               options:peer=int-br-provider ofport_request=1 || return 1
    vx "$dir" vsctl add-port br-int int-br-mgmt \
        -- set interface int-br-mgmt type=patch \
               options:peer=phy-br-mgmt ofport_request=2 \
        -- add-port br-mgmt phy-br-mgmt \
        -- set interface phy-br-mgmt type=patch \
               options:peer=int-br-mgmt ofport_request=1 || return 1
    vx "$dir" vsctl add-br br-tun \
        -- set bridge br-tun fail_mode=secure datapath_type=system || return 1
    vx "$dir" vsctl add-port br-int patch-tun \
        -- set interface patch-tun type=patch options:peer=patch-int \
               ofport_request=3 \
        -- add-port br-tun patch-int \
        -- set interface patch-int type=patch options:peer=patch-tun \
               ofport_request=1 || return 1
    vx "$dir" vsctl add-port br-tun vxlan-ac10000b \
        -- set interface vxlan-ac10000b type=vxlan ofport_request=2 \
               options:df_default=true options:egress_pkt_mark=0 \
               options:in_key=flow options:local_ip=172.16.0.31 \
               options:out_key=flow options:remote_ip=172.16.0.11 || return 1
    vx "$dir" vsctl add-port br-int tap648437e1-0d tag=3 \
        -- set interface tap648437e1-0d type=dummy ofport_request=4 \
               mtu_request=1450 || return 1
    vx "$dir" vsctl add-port br-int tap0ab9a23c-99 tag=1 || return 1
    vx "$dir" vsctl add-port br-int tap635485ff-6c tag=2 || return 1
    for br in br-int br-tun br-provider br-mgmt; do
        vx "$dir" vsctl set-controller "$br" tcp:127.0.0.1:6633 || return 1
        seed_flows "$br" "$learned" \
            | vx "$dir" ofctl add-flows "$br" - || return 1
    done
}
