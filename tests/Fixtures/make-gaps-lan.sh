#!/usr/bin/env bash
# Makes the gaps fixture: flows with pauses at known places, for the flow tests' idle splits and interim records.
# Needs root (network namespaces), tshark, python3, ping. Writes gaps-lan.pcapng, its -T json / -T ek dissections and
# tshark's flow truth (flow-truth.sh, and gaps-lan.frames.tsv: per frame its time, community ID, length and sender) into the directory it is given (default: this script's directory).
#
#   srv   02:50:57:00:03:01  10.78.0.1   (a UDP echo server on :7000, a TCP server on :9000 that reads until EOF)
#   host  02:50:57:00:03:02  10.78.0.2   (the watched laptop)
#
# Timeline (host's side): UDP datagrams to srv:7000 (echoed) at 0, 0.2, 0.4 s, a 3 s pause, then two more; one TCP
# connection that sends, pauses 3 s with nothing on the wire, sends again and closes; a ping of 3 echoes, a 3 s pause,
# 3 more (another process, so another ICMP identifier: still the same flow key). Every pause is longer than 2 s and
# every other gap shorter than 1 s. The capture is on srv's interface.
# It ends only what it started (by PID) and removes only its own namespaces (pgp-*).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "${1:-$HERE}" && pwd)
W=$(mktemp -d /tmp/pgp.XXXXXX)
NS=(pgp-srv pgp-host)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT
for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done

on() { local ns=$1; shift; ip netns exec "pgp-$ns" "$@"; }
spawn() { local ns=$1 log=$2; shift 2; ip netns exec "pgp-$ns" "$@" > "$log" 2>&1 & LAST=$!; PIDS+=("$LAST"); }
wait_for() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1" >&2; return 1; }

for ns in "${NS[@]}"; do ip netns add "$ns"; ip netns exec "$ns" ip link set lo up; done
# IPv4 only: no router solicitations or MLD reports in the capture.
for ns in srv host; do on "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip link add eth0 netns pgp-srv address 02:50:57:00:03:01 type veth peer name eth0 netns pgp-host address 02:50:57:00:03:02
on srv ip addr add 10.78.0.1/24 dev eth0
on host ip addr add 10.78.0.2/24 dev eth0
on srv ip link set eth0 up
on host ip link set eth0 up
# Static neighbours: no ARP in the middle of a pause.
on srv ip neigh add 10.78.0.2 lladdr 02:50:57:00:03:02 dev eth0
on host ip neigh add 10.78.0.1 lladdr 02:50:57:00:03:01 dev eth0

spawn srv "$W/udp.log" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.78.0.1", 7000)); print("ready", flush=True)
while True:
    data, peer = s.recvfrom(2048); s.sendto(data, peer)'
spawn srv "$W/tcp.log" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("10.78.0.1", 9000)); s.listen(); print("ready", flush=True)
while True:
    c, _ = s.accept()
    while c.recv(4096): pass
    c.close()'
wait_for "$W/udp.log" ready
wait_for "$W/tcp.log" ready
spawn srv "$W/tshark.log" tshark -q -i eth0 -w "$W/gaps.pcapng"; TS=$LAST
wait_for "$W/tshark.log" "Capturing on"
sleep 1

on host python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.78.0.2", 5000)); u.settimeout(2)
def send(n):
    for i in range(n):
        u.sendto(b"tick %d" % i, ("10.78.0.1", 7000)); u.recvfrom(2048); time.sleep(0.2)
send(3); time.sleep(3); send(2)
t = socket.create_connection(("10.78.0.1", 9000), source_address=("10.78.0.2", 40000))
t.sendall(b"x" * 1000); time.sleep(0.3); t.sendall(b"y" * 500); time.sleep(3); t.sendall(b"z" * 700); time.sleep(0.3); t.close()
time.sleep(0.5)'
on host ping -c 3 -i 0.2 -q 10.78.0.1 > /dev/null
sleep 3
on host ping -c 3 -i 0.2 -q 10.78.0.1 > /dev/null
sleep 1

kill -INT "$TS"; wait "$TS" || true
cp "$W/gaps.pcapng" "$OUT/gaps-lan.pcapng"
"$HERE/dissect.sh" "$OUT/gaps-lan.pcapng" "$OUT/gaps-lan"
"$HERE/flow-truth.sh" "$OUT/gaps-lan.pcapng" "$OUT/gaps-lan"
# Per frame, for the idle and interim tests: capture time, tshark's community ID, length, sender.
tshark -r "$OUT/gaps-lan.pcapng" --enable-protocol communityid -T fields -e frame.time_epoch -e communityid -e frame.len -e eth.src \
  > "$OUT/gaps-lan.frames.tsv"
echo "gaps-lan: $(wc -l < "$OUT/gaps-lan.json.ndjson") packets"
