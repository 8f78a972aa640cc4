# Verifies a message with dkimpy (Debian python3-dkim), an implementation independent of ours.
# Usage: /usr/bin/python3 dkimpy_verify.py MESSAGE_FILE KEYS_FILE
# KEYS_FILE: one "name<TAB>TXT value" per line (selector._domainkey.domain). Prints one line per DKIM-Signature,
# "dkim <index> <pass|fail> <d=> <s=>", then "arc <cv>" for the ARC chain (pass, fail or none).
import sys

import dkim

message = open(sys.argv[1], "rb").read()
keys = {}
for line in open(sys.argv[2], encoding="ascii"):
    name, _, value = line.rstrip("\n").partition("\t")
    keys[name.lower().rstrip(".")] = value.encode("ascii")


def dnsfunc(name, timeout=5):
    return keys.get(name.decode("ascii").lower().rstrip("."))


signer = dkim.DKIM(message)
count = sum(1 for h in signer.headers if h[0].lower() == b"dkim-signature")
for i in range(count):
    d = dkim.DKIM(message)
    ok = d.verify(idx=i, dnsfunc=dnsfunc)
    print("dkim", i, "pass" if ok else "fail", d.domain.decode() if d.domain else "-",
          d.selector.decode() if d.selector else "-")
cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
print("arc", cv.decode() if isinstance(cv, bytes) else cv, reason)
