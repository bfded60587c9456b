#!/usr/bin/env bash
# The whole flow on a live interface: tshark captures, PcapWatch joins, tail/report/who answer.
# "Alice's laptop" is a network namespace whose interface has her MAC (02:50:57:00:00:02, watched in samples/).
# Needs root (network namespaces, capture), tshark and curl. Run from the repository root after `dotnet build`.
set -euo pipefail
P=${PCAPWATCH:-"dotnet src/PcapWatch/bin/Debug/net10.0/PcapWatch.dll"}
W=${WORK:-/tmp/pcapwatch-live}
rm -rf "$W" && mkdir -p "$W"

cleanup() {
  pkill -INT -f "tshark -i pw-host" 2>/dev/null || true
  pkill -f "PcapWatch.dll (run|tail|broker)" 2>/dev/null || true
  pkill -f "http.server 8080" 2>/dev/null || true
  ip netns del pw-alice 2>/dev/null || true
  ip link del pw-host 2>/dev/null || true
}
trap cleanup EXIT
cleanup

# Alice's laptop and a web server on the "LAN".
ip netns add pw-alice
ip link add pw-host type veth peer name eth0 netns pw-alice
ip netns exec pw-alice ip link set eth0 address 02:50:57:00:00:02
ip addr add 192.168.77.1/24 dev pw-host && ip link set pw-host up
ip netns exec pw-alice ip addr add 192.168.77.2/24 dev eth0
ip netns exec pw-alice ip link set eth0 up
(cd "$W" && python3 -m http.server 8080 --bind 192.168.77.1 > "$W/http.log" 2>&1 &)

# Kafka (embedded), the tables, the service, and a reader of its output.
$P broker --bootstrap-file "$W/bootstrap" > "$W/broker.log" 2>&1 &
while [ ! -s "$W/bootstrap" ]; do sleep 0.2; done
B=$(cat "$W/bootstrap")
$P produce -b "$B" --topic employees --file samples/employees.txt 2>> "$W/produce-tables.log"
$P produce -b "$B" --topic computers --file samples/computers.txt 2>> "$W/produce-tables.log"
$P run -b "$B" --state-dir "$W/state" --status-interval 5 > "$W/run.log" 2>&1 &
$P tail -b "$B" > "$W/tail.out" 2> "$W/tail.log" &

# The live capture, one packet per line (-l), straight into the pcap topic.
tshark -i pw-host -T ek -l 2> "$W/tshark.log" | $P produce -b "$B" --topic pcap 2> "$W/produce.log" &
sleep 8

# Alice browses.
ip netns exec pw-alice curl -s -o /dev/null -w 'curl: HTTP %{http_code}\n' http://192.168.77.1:8080/
sleep 4

pkill -INT -f "tshark -i pw-host"; sleep 3
pkill -f "PcapWatch.dll tail"; pkill -f "PcapWatch.dll run"; sleep 3
echo "== tail";   cat "$W/tail.out"
echo "== report"; $P report -b "$B" 2> "$W/report.log"
echo "== who";    $P who -b "$B" 02:50:57:00:00:02 2> "$W/who.log"
echo "== logs";   grep -h -E "Produced .* to pcap|Status:|Stopped:" "$W/produce.log" "$W/run.log"
