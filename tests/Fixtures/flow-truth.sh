#!/usr/bin/env bash
# Writes tshark's own view of a capture's flows, the ground truth of the flow tests:
#   BASE.conv.tsv         tshark's conversation statistics (-z conv,tcp and -z conv,udp): per conversation
#                         proto, address and port of A and of B, frames and bytes A->B, frames and bytes B->A
#   BASE.communityid.tsv  per frame: frame.number and tshark's communityid (--enable-protocol communityid, seed 0)
# Usage: flow-truth.sh CAPTURE OUT_DIR/BASE
set -euo pipefail
pcap=$1 base=$2
tshark -r "$pcap" -q -z conv,tcp -z conv,udp | python3 -c '
import re, sys
proto = None
print("proto\ta_addr\ta_port\tb_addr\tb_port\tframes_ab\tbytes_ab\tframes_ba\tbytes_ba")
for line in sys.stdin:
    if line.startswith("TCP Conversations"): proto = 6
    elif line.startswith("UDP Conversations"): proto = 17
    m = re.match(r"^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+) (\d+) bytes\s+(\d+) (\d+) bytes\s", line)
    if not m:
        if "<->" in line: sys.exit("cannot read: " + line)
        continue
    a, ap, b, bp, f_ba, b_ba, f_ab, b_ab = m.groups()
    # tshark lists "<-" (B to A) before "->" (A to B).
    print("\t".join(map(str, (proto, a, ap, b, bp, f_ab, b_ab, f_ba, b_ba))))
' > "$base.conv.tsv"
tshark -r "$pcap" --enable-protocol communityid -T fields -e frame.number -e communityid > "$base.communityid.tsv"
