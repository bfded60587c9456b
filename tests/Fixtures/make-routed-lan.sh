#!/usr/bin/env bash
# Makes the routed-LAN fixture: real DHCP (relayed), ARP, NDP and traffic across a router, captured by tshark on the
# LAN side and on the router's uplink. Needs root (network namespaces), tshark, dnsmasq, dhclient (isc-dhcp-client),
# curl, python3. Writes routed-lan.pcapng, routed-uplink.pcapng, their -T json / -T ek dissections (one packet per
# line), routed-events.tsv (when each step happened) and routed-expected.tsv (counts from tshark's own filters) into
# the directory it is given (default: this script's directory).
#
#   uplink 10.99.0.0/24, fd00:99::/64          LAN1 192.168.10.0/24 (bridge br1)   LAN2 192.168.20.0/24, fd00:20::/64
#   [srv: dnsmasq DHCP, http] ── up0 [router: forwarding, dnsmasq DHCP relay] br1 ── alice, bob
#                                                                             lan2 ── carol
#
# Timeline: alice uses 192.168.10.102 statically (before any lease), then leases it; bob and carol lease; everyone
# talks to srv; the owner-change mark; alice renews, releases, and uses the address statically again (after release).
# It ends only what it started (by PID) and removes only its own namespaces (pwr-*).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "${1:-$HERE}" && pwd)
W=$(mktemp -d /tmp/pwr.XXXXXX)
NS=(pwr-srv pwr-router pwr-alice pwr-bob pwr-carol)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT
for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done

on() { local ns=$1; shift; ip netns exec "pwr-$ns" "$@"; }
# Starts a program in the background in a namespace; `ip netns exec` execs it, so $! is the program's own PID.
spawn() { local ns=$1 log=$2; shift 2; ip netns exec "pwr-$ns" "$@" > "$log" 2>&1 & LAST=$!; PIDS+=("$LAST"); }
now() { date +%s.%N; }
EVENTS="$W/events.tsv"
printf 'event\tepoch\n' > "$EVENTS"
mark() { printf '%s\t%s\n' "$1" "$(now)" >> "$EVENTS"; }

for ns in "${NS[@]}"; do ip netns add "$ns"; ip netns exec "$ns" ip link set lo up; done
# Links. MACs are fixed so the fixture's tables can name them.
ip link add up0 netns pwr-router address 02:50:57:00:01:fe type veth peer name eth0 netns pwr-srv address 02:50:57:00:01:01
on router ip link add br1 address 02:50:57:00:01:f1 type bridge
for c in alice:02 bob:03; do
  name=${c%%:*}; mac=02:50:57:00:01:${c##*:}
  ip link add "p-$name" netns pwr-router type veth peer name eth0 netns "pwr-$name" address "$mac"
  on router ip link set "p-$name" master br1 up
done
ip link add lan2 netns pwr-router address 02:50:57:00:01:f2 type veth peer name eth0 netns pwr-carol address 02:50:57:00:01:04
for ns in srv alice bob carol; do on "$ns" ip link set eth0 up; done
on router ip link set up0 up; on router ip link set br1 up; on router ip link set lan2 up
on router sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
on router ip addr add 10.99.0.254/24 dev up0
on router ip addr add fd00:99::fe/64 dev up0 nodad
on router ip addr add 192.168.10.1/24 dev br1
on router ip addr add 192.168.20.1/24 dev lan2
on router ip addr add fd00:20::1/64 dev lan2 nodad
on srv ip addr add 10.99.0.1/24 dev eth0
on srv ip addr add fd00:99::1/64 dev eth0 nodad
on srv ip route add 192.168.0.0/16 via 10.99.0.254
on srv ip -6 route add fd00:20::/64 via fd00:99::fe
on carol ip addr add fd00:20::20/64 dev eth0 nodad
on carol ip -6 route add default via fd00:20::1

# DHCP: the server on the uplink, fixed addresses for the three clients, 2-minute leases; the router relays.
spawn srv "$W/dnsmasq-srv.log" dnsmasq --no-daemon --port=0 --user=root --interface=eth0 --bind-interfaces --dhcp-authoritative \
  --dhcp-range=192.168.10.100,192.168.10.150,255.255.255.0,2m --dhcp-range=192.168.20.100,192.168.20.150,255.255.255.0,2m \
  --dhcp-host=02:50:57:00:01:02,192.168.10.102 --dhcp-host=02:50:57:00:01:03,192.168.10.103 \
  --dhcp-host=02:50:57:00:01:04,192.168.20.104 --dhcp-leasefile="$W/leases" --pid-file="$W/srv-dnsmasq.pid"
spawn router "$W/dnsmasq-relay.log" dnsmasq --no-daemon --port=0 --user=root --dhcp-relay=192.168.10.1,10.99.0.1 \
  --dhcp-relay=192.168.20.1,10.99.0.1 --pid-file="$W/relay-dnsmasq.pid"
spawn srv "$W/http.log" python3 -m http.server 8080 --directory "$W"

# dhclient with a script of our own: it sets the address and route and touches nothing else (no resolv.conf).
cat > "$W/dhclient-script" <<'EOF'
#!/bin/sh
case "$reason" in
  PREINIT) ip link set "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    [ -n "$old_ip_address" ] && [ "$old_ip_address" != "$new_ip_address" ] && ip addr del "$old_ip_address/24" dev "$interface" 2>/dev/null
    ip addr replace "$new_ip_address/24" dev "$interface"
    ip route replace default via "$new_routers" ;;
  RELEASE|EXPIRE|STOP|FAIL) [ -n "$old_ip_address" ] && ip addr del "$old_ip_address/24" dev "$interface" 2>/dev/null; true ;;
esac
exit 0
EOF
chmod +x "$W/dhclient-script"
# Once bound, dhclient goes on as a daemon; a second lease (the renewal) starts another: each is ended at exit.
lease() {
  on "$1" dhclient -1 -v -sf "$W/dhclient-script" -pf "$W/$1.dhclient.pid" -lf "$W/$1.leases" eth0 >> "$W/dhclient-$1.log" 2>&1
  PIDS+=("$(cat "$W/$1.dhclient.pid")")
}
# -r sends the RELEASE and stops the client named in the pid file.
release() { on "$1" dhclient -r -v -sf "$W/dhclient-script" -pf "$W/$1.dhclient.pid" -lf "$W/$1.leases" eth0 >> "$W/dhclient-$1.log" 2>&1; }
talk() { on "$1" ping -q -c 3 -i 0.2 10.99.0.1 > /dev/null; }

# Captures: the LAN side (both LAN interfaces, one pcapng) and the uplink.
spawn router "$W/tshark-lan.log" tshark -q -i br1 -i lan2 -w "$W/lan.pcapng"; TS_LAN=$LAST
spawn router "$W/tshark-uplink.log" tshark -q -i up0 -w "$W/uplink.pcapng"; TS_UP=$LAST
for log in "$W/tshark-lan.log" "$W/tshark-uplink.log"; do
  for _ in $(seq 300); do grep -q "Capturing on" "$log" && break; sleep 0.1; done
done
sleep 1

mark start
# Before any lease: alice's address set by hand.
on alice ip addr add 192.168.10.102/24 dev eth0; on alice ip route add default via 192.168.10.1
talk alice
on alice ip addr del 192.168.10.102/24 dev eth0
mark before_lease_done
lease alice; mark alice_leased
lease bob; lease carol
on alice curl -s -o /dev/null http://10.99.0.1:8080/events.tsv
talk alice; talk bob; talk carol
# The router asks for carol's IPv6 address: her neighbour advertisement binds it to her MAC on LAN2.
on router ping -q -6 -c 1 fd00:20::20 > /dev/null
on carol ping -q -6 -c 3 -i 0.2 fd00:99::1 > /dev/null
sleep 1
mark owner_change
talk alice; on alice curl -s -o /dev/null http://10.99.0.1:8080/events.tsv
lease alice; mark alice_renewed
talk alice
release alice; mark alice_released
on alice ip addr add 192.168.10.102/24 dev eth0; on alice ip route add default via 192.168.10.1
talk alice
mark end
sleep 1
kill -INT "$TS_LAN" "$TS_UP"; wait "$TS_LAN" "$TS_UP" || true

# Dissections: one packet per line; -T json's array elements, -T ek without its index lines.
dissect() { "$HERE/dissect.sh" "$1" "$OUT/$2"; }
install -m 644 "$W/lan.pcapng" "$OUT/routed-lan.pcapng"; install -m 644 "$W/uplink.pcapng" "$OUT/routed-uplink.pcapng"
dissect "$OUT/routed-lan.pcapng" routed-lan
dissect "$OUT/routed-uplink.pcapng" routed-uplink
cp "$EVENTS" "$OUT/routed-events.tsv"

# Expected counts, from tshark's own filters. A lease starts at the ACK's frame and ends at the RELEASE's frame (the
# relayed ACK and the unicast RELEASE both cross the uplink).
count() { tshark -r "$1" -Y "$2" -T fields -e frame.number | wc -l; }
first_time() { tshark -r "$1" -Y "$2" -T fields -e frame.time_epoch | head -1; }
# Alice's computer changes owner in the capture-time tables at the owner_change mark: her packets before it and from it
# on (by eth.src, and by ip.src inside her lease), for --attribution capture-time.
owner_change_counts() {
  local f=$1 p=$2 mac=02:50:57:00:01:02 ip=192.168.10.102 change ack rel lease
  change=$(awk -F'\t' '$1 == "owner_change" { print $2 }' "$OUT/routed-events.tsv")
  ack=$(first_time "$p" "dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == $mac")
  rel=$(first_time "$p" "dhcp.option.dhcp == 7 && dhcp.hw.mac_addr == $mac")
  lease="ip.src == $ip && frame.time_epoch >= $ack && frame.time_epoch < $rel"
  printf '%s\towner_change_epoch\t%s\t%s\n' "$f" "$change" "owner_change in routed-events.tsv"
  printf '%s\talice_eth_src_before_owner_change\t%s\t%s\n' "$f" "$(count "$p" "eth.src == $mac && frame.time_epoch < $change")" "eth.src == $mac && frame.time_epoch < $change"
  printf '%s\talice_eth_src_from_owner_change\t%s\t%s\n' "$f" "$(count "$p" "eth.src == $mac && frame.time_epoch >= $change")" "eth.src == $mac && frame.time_epoch >= $change"
  printf '%s\talice_ip_src_leased_before_owner_change\t%s\t%s\n' "$f" "$(count "$p" "$lease && frame.time_epoch < $change")" "$lease && frame.time_epoch < $change"
  printf '%s\talice_ip_src_leased_from_owner_change\t%s\t%s\n' "$f" "$(count "$p" "$lease && frame.time_epoch >= $change")" "$lease && frame.time_epoch >= $change"
  printf '%s\talice_ip_src_before_owner_change\t%s\t%s\n' "$f" "$(count "$p" "ip.src == $ip && frame.time_epoch < $change")" "ip.src == $ip && frame.time_epoch < $change"
  printf '%s\talice_ip_src_from_owner_change\t%s\t%s\n' "$f" "$(count "$p" "ip.src == $ip && frame.time_epoch >= $change")" "ip.src == $ip && frame.time_epoch >= $change"
}
{
  printf 'file\tname\tvalue\tfilter\n'
  for f in routed-lan routed-uplink; do
    p="$OUT/$f.pcapng"
    for c in alice:02:192.168.10.102 bob:03:192.168.10.103 carol:04:192.168.20.104; do
      IFS=: read -r name m ip <<< "$c"; mac=02:50:57:00:01:$m
      ack=$(first_time "$p" "dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == $mac")
      rel=$(first_time "$p" "dhcp.option.dhcp == 7 && dhcp.hw.mac_addr == $mac")
      filter_src="ip.src == $ip && frame.time_epoch >= ${ack:-0}${rel:+ && frame.time_epoch < $rel}"
      filter_dst="ip.dst == $ip && frame.time_epoch >= ${ack:-0}${rel:+ && frame.time_epoch < $rel}"
      printf '%s\t%s_ack_epoch\t%s\t%s\n' "$f" "$name" "${ack:-}" "first DHCP ACK for $mac"
      printf '%s\t%s_release_epoch\t%s\t%s\n' "$f" "$name" "${rel:-}" "first DHCP RELEASE from $mac"
      printf '%s\t%s_eth_src\t%s\t%s\n' "$f" "$name" "$(count "$p" "eth.src == $mac")" "eth.src == $mac"
      printf '%s\t%s_ip_src_leased\t%s\t%s\n' "$f" "$name" "$(count "$p" "$filter_src")" "$filter_src"
      printf '%s\t%s_ip_dst_leased\t%s\t%s\n' "$f" "$name" "$(count "$p" "$filter_dst")" "$filter_dst"
      printf '%s\t%s_ip_src_any\t%s\t%s\n' "$f" "$name" "$(count "$p" "ip.src == $ip")" "ip.src == $ip"
    done
    printf '%s\tcarol_ipv6_src\t%s\t%s\n' "$f" "$(count "$p" "ipv6.src == fd00:20::20")" "ipv6.src == fd00:20::20"
    owner_change_counts "$f" "$p"
    printf '%s\tpackets\t%s\t%s\n' "$f" "$(count "$p" "frame")" "frame"
  done
} > "$OUT/routed-expected.tsv"
cat "$OUT/routed-expected.tsv"
