#!/usr/bin/env bash
# The whole flow on a live interface: tshark captures, PcapWatch joins, tail/report/who answer.
# "Alice's laptop" is a network namespace whose interface has her MAC (02:50:57:00:00:02, watched in samples/).
# Needs root (network namespaces, capture), tshark and curl. Run from the repository root after `dotnet build`.
# It ends only the processes it started, by PID: other PcapWatch processes on this host are left alone.
set -euo pipefail
P=${PCAPWATCH:-"dotnet src/PcapWatch/bin/Debug/net10.0/PcapWatch.dll"}
W=${WORK:-/tmp/pcapwatch-live}
rm -rf "$W" && mkdir -p "$W"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  ip netns del pw-alice 2>/dev/null || true
  ip link del pw-host 2>/dev/null || true
}
trap cleanup EXIT
# Left over from an earlier run of this script (the names are this script's own).
ip netns del pw-alice 2>/dev/null || true
ip link del pw-host 2>/dev/null || true

# Waits until a file contains a pattern (at most 60 s).
wait_for() {
  for _ in $(seq 600); do grep -q -E "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; return 1
}

# Alice's laptop and a web server on the "LAN".
ip netns add pw-alice
ip link add pw-host type veth peer name eth0 netns pw-alice
ip netns exec pw-alice ip link set eth0 address 02:50:57:00:00:02
ip addr add 192.168.77.1/24 dev pw-host && ip link set pw-host up
ip netns exec pw-alice ip addr add 192.168.77.2/24 dev eth0
ip netns exec pw-alice ip link set eth0 up
python3 -m http.server 8080 --bind 192.168.77.1 --directory "$W" > "$W/http.log" 2>&1 & PIDS+=($!)

# Kafka (embedded), the tables, the service, and a reader of its output.
$P broker --bootstrap-file "$W/bootstrap" > "$W/broker.log" 2>&1 & PIDS+=($!)
for _ in $(seq 600); do [ -s "$W/bootstrap" ] && break; sleep 0.1; done
B=$(cat "$W/bootstrap")
$P produce -b "$B" --topic employees --file samples/employees.txt 2>> "$W/produce-tables.log"
$P produce -b "$B" --topic computers --file samples/computers.txt 2>> "$W/produce-tables.log"
$P run -b "$B" --state-dir "$W/state" --status-interval 5 > "$W/run.log" 2>&1 & RUN=$!; PIDS+=($RUN)
$P tail -b "$B" > "$W/tail.out" 2> "$W/tail.log" & TAIL=$!; PIDS+=($TAIL)
wait_for "$W/run.log" "Joining"

# The live capture, one packet per line (-l), straight into the pcap topic (through a FIFO, so both PIDs are ours).
mkfifo "$W/capture"
tshark -i pw-host -T ek -l > "$W/capture" 2> "$W/tshark.log" & TSHARK=$!; PIDS+=($TSHARK)
$P produce -b "$B" --topic pcap < "$W/capture" 2> "$W/produce.log" & PRODUCE=$!; PIDS+=($PRODUCE)
wait_for "$W/tshark.log" "Capturing on"

# Alice browses; her packets reach the output.
ip netns exec pw-alice curl -s -o /dev/null -w 'curl: HTTP %{http_code}\n' http://192.168.77.1:8080/
wait_for "$W/tail.out" "http"

kill -INT "$TSHARK"; wait "$TSHARK" || true
wait "$PRODUCE" || true    # ends when the capture's pipe closes
kill "$TAIL" "$RUN"; wait "$TAIL" "$RUN" || true
echo "== tail";   cat "$W/tail.out"
echo "== report"; $P report -b "$B" 2> "$W/report.log"
echo "== who";    $P who -b "$B" 02:50:57:00:00:02 2> "$W/who.log"
echo "== logs";   grep -h -E "Produced .* to pcap|Status:|Stopped:" "$W/produce.log" "$W/run.log"
