#!/usr/bin/env bash
# Makes the names fixture: real DNS answers with a real TTL, and the names clients ask for over HTTP/1.1, HTTPS, h2c and
# QUIC, captured by tshark. Needs root (network namespaces), tshark, dnsmasq, nghttpd (nghttp2-server), openssl, curl,
# python3 with python3-cryptography (quic-initial.py). Writes names-lan.pcapng, its -T json / -T ek dissections (one
# packet per line) and names-lan.fields.tsv (tshark's own fields per packet, from
# name-fields.sh: the names tests' ground truth) into the directory it is given (default: this script's directory).
#
#   LAN 10.77.0.0/24, fd00:77::/64 (bridge in pwn-sw)
#   srv  02:50:57:00:02:01  10.77.0.1, .11, .12, fd00:77::1: dnsmasq (DNS only, --local-ttl 30), http :80, https :443,
#                           h2c :8080
#   alice 02:50:57:00:02:02 10.77.0.2, fd00:77::2      bob 02:50:57:00:02:03 10.77.0.3
#
# Names (dnsmasq): intranet.corp.example A 10.77.0.1 AAAA fd00:77::1; secure.corp.example, h2.corp.example and
# quic.corp.example A 10.77.0.1; www.corp.example CNAME web.cdn.example A 10.77.0.12; shared.cdn.example A 10.77.0.11.
# Timeline: alice asks and fetches over HTTP/1.1 (IPv4, then IPv6), HTTPS, h2c, the CNAME'd name, and sends one QUIC
# Initial; bob asks for shared.cdn.example; then alice pings 10.77.0.11, an address only bob was told a name for.
# The capture is on srv's interface: every frame to or from srv once, and the broadcasts.
# It ends only what it started (by PID) and removes only its own namespaces (pwn-*) and their /etc/netns files.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "${1:-$HERE}" && pwd)
W=$(mktemp -d /tmp/pwn.XXXXXX)
NS=(pwn-sw pwn-srv pwn-alice pwn-bob)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; rm -rf "/etc/netns/$ns"; done
  rm -rf "$W"
}
trap cleanup EXIT
for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done

on() { local ns=$1; shift; ip netns exec "pwn-$ns" "$@"; }
spawn() { local ns=$1 log=$2; shift 2; ip netns exec "pwn-$ns" "$@" > "$log" 2>&1 & LAST=$!; PIDS+=("$LAST"); }
wait_for() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1" >&2; return 1; }

for ns in "${NS[@]}"; do ip netns add "$ns"; ip netns exec "$ns" ip link set lo up; done
# The switch's own interfaces stay silent: no IPv6 of their own (no router solicitations, no MLD in the capture).
on sw sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
on sw ip link add br0 address 02:50:57:00:02:fe type bridge
for c in srv:01 alice:02 bob:03; do
  name=${c%%:*}; mac=02:50:57:00:02:${c##*:}
  ip link add "p-$name" netns pwn-sw type veth peer name eth0 netns "pwn-$name" address "$mac"
  on sw ip link set "p-$name" master br0 up
  on "$name" ip link set eth0 up
done
on sw ip link set br0 up
on srv ip addr add 10.77.0.1/24 dev eth0
on srv ip addr add 10.77.0.11/24 dev eth0
on srv ip addr add 10.77.0.12/24 dev eth0
on srv ip addr add fd00:77::1/64 dev eth0 nodad
on alice ip addr add 10.77.0.2/24 dev eth0
on alice ip addr add fd00:77::2/64 dev eth0 nodad
on bob ip addr add 10.77.0.3/24 dev eth0
# `ip netns exec` mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf: the clients ask srv, and only srv.
for ns in alice bob; do mkdir -p "/etc/netns/pwn-$ns"; echo "nameserver 10.77.0.1" > "/etc/netns/pwn-$ns/resolv.conf"; done

spawn srv "$W/dnsmasq.log" dnsmasq --no-daemon --user=root --no-resolv --no-hosts --bind-interfaces --interface=eth0 \
  --listen-address=10.77.0.1 --local-ttl=30 --log-queries --pid-file="$W/dnsmasq.pid" \
  --host-record=intranet.corp.example,10.77.0.1,fd00:77::1 --host-record=secure.corp.example,10.77.0.1 \
  --host-record=h2.corp.example,10.77.0.1 --host-record=quic.corp.example,10.77.0.1 \
  --host-record=web.cdn.example,10.77.0.12 --cname=www.corp.example,web.cdn.example --host-record=shared.cdn.example,10.77.0.11
mkdir -p "$W/www"; echo "hello from srv" > "$W/www/index.html"
spawn srv "$W/http.log" python3 -m http.server 80 --bind :: --directory "$W/www"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=secure.corp.example" \
  -addext "subjectAltName=DNS:secure.corp.example" -keyout "$W/key.pem" -out "$W/cert.pem" 2> /dev/null
spawn srv "$W/tls.log" openssl s_server -quiet -accept 443 -cert "$W/cert.pem" -key "$W/key.pem" -www
spawn srv "$W/h2c.log" nghttpd --no-tls -d "$W/www" 8080
# The servers are listening before the capture starts, so that their readiness checks stay out of it.
for port in 80 443 8080; do
  for _ in $(seq 100); do on srv bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break; sleep 0.1; done
done
wait_for "$W/dnsmasq.log" "started"
spawn srv "$W/tshark.log" tshark -q -i eth0 -w "$W/names.pcapng"; TS=$LAST
wait_for "$W/tshark.log" "Capturing on"
sleep 1

fetch() { on alice curl -s -o /dev/null --max-time 5 "$@"; }
fetch -4 --http1.1 http://intranet.corp.example/
fetch -6 --http1.1 http://intranet.corp.example/index.html
fetch --http1.1 --cacert "$W/cert.pem" https://secure.corp.example/
fetch --http2-prior-knowledge http://h2.corp.example:8080/index.html
fetch --http1.1 http://www.corp.example/
on alice python3 -c 'import socket, sys; print(socket.gethostbyname(sys.argv[1]))' quic.corp.example > /dev/null
on alice python3 "$HERE/quic-initial.py" quic.corp.example 10.77.0.1
on bob python3 -c 'import socket, sys; print(socket.gethostbyname(sys.argv[1]))' shared.cdn.example > /dev/null
on alice ping -q -c 3 -i 0.2 10.77.0.11 > /dev/null
sleep 1
kill -INT "$TS"; wait "$TS" || true

# Dissections: one packet per line; -T json's array elements (every repeated key kept, in order), -T ek without its
# index lines. Port 8080 is HTTP's alternate port: the h2c connection is dissected as HTTP/2 by its preface.
dissect() { "$HERE/dissect.sh" "$1" "$OUT/$2"; }
install -m 644 "$W/names.pcapng" "$OUT/names-lan.pcapng"
dissect "$OUT/names-lan.pcapng" names-lan
"$HERE/name-fields.sh" "$OUT/names-lan.pcapng" > "$OUT/names-lan.fields.tsv"

