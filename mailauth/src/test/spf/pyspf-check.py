#!/usr/bin/python3
# Runs pyspf (Debian's python3-spf) over a zone held in memory, for PyspfCrossCheckTest.
# stdin: {"zone": {"name": [["TXT", "v=spf1 ..."], ["A", "192.0.2.1"], ["MX", [10, "mx.example"]],
#                           ["PTR", "host.example"], ["TIMEOUT", ""]]},
#         "checks": [{"ip": "192.0.2.1", "helo": "h.example", "mailfrom": "a@b.example"}]}
# stdout: one result per check, one per line ("pass", "fail", ...).
import json
import socket
import sys

import spf

data = json.load(sys.stdin)
zone = {name.lower(): records for name, records in data["zone"].items()}


def lookup(name, qtype, strict=True, timeout=None, level=0):
    records = zone.get(name.lower().rstrip("."))
    if records is None:
        return []
    if any(t == "TIMEOUT" for t, _ in records):
        raise spf.TempError("DNS timeout")
    out = []
    for t, v in records:
        if t == "CNAME" and qtype != "CNAME" and level < 8:
            out.append(((name, t), v))
            out.extend(lookup(v, qtype, strict, timeout, level + 1))
            continue
        if t != qtype:
            continue
        if t == "TXT":
            v = (v.encode("utf-8"),)
        elif t == "AAAA":
            v = bytes(socket.inet_pton(socket.AF_INET6, v))
        elif t == "MX":
            v = (v[0], v[1])
        out.append(((name, t), v))
    return out


spf.DNSLookup = lookup
for c in data["checks"]:
    q = spf.query(i=c["ip"], s=c["mailfrom"], h=c["helo"], receiver="mx.us.example")
    result, _, _ = q.check()
    print(result)
