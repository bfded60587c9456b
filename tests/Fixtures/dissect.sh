#!/usr/bin/env bash
# Writes a capture's tshark dissections, one packet per line, as the fixtures hold them: BASE.json.ndjson (-T json's
# array elements, every repeated key kept in order: -T json repeats keys, e.g. every DHCP option is a
# "dhcp.option.type") and BASE.ek.ndjson (-T ek without its index lines). Usage: dissect.sh CAPTURE OUT_DIR/BASE
set -euo pipefail
pcap=$1 base=$2
tshark -r "$pcap" -T json | python3 -c '
import json, sys
class Obj(list): pass
def dump(o):
    if isinstance(o, Obj): return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dump(v) for k, v in o) + "}"
    if isinstance(o, list): return "[" + ",".join(dump(v) for v in o) + "]"
    return json.dumps(o, ensure_ascii=False)
for p in json.load(sys.stdin, object_pairs_hook=Obj): print(dump(p))' > "$base.json.ndjson"
tshark -r "$pcap" -T ek | grep -v '^{"index"' > "$base.ek.ndjson"
