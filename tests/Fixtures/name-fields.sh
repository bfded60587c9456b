#!/usr/bin/env bash
# Writes, per packet of a capture, the fields tshark itself gives for naming it: the addresses, the packet's own names
# (TLS/QUIC server name, HTTP Host, HTTP/2 :authority, DNS question) and a DNS response's answers (types, TTLs, A and
# AAAA in order). The names tests compare PcapWatch's P_NAME with these. Usage: name-fields.sh CAPTURE > FILE.tsv
set -euo pipefail
tshark -r "$1" -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, \
  -e frame.number -e frame.time_epoch -e eth.src -e eth.dst -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
  -e tls.handshake.extensions_server_name -e http.host -e http2.headers.authority \
  -e dns.flags.response -e dns.qry.name -e dns.resp.type -e dns.resp.ttl -e dns.a -e dns.aaaa 2> /dev/null
