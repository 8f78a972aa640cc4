"""Runs dkimpy (Debian python3-dkim) for Mailroom's cross-checks; driven by org.mailroom.mailauth.testing.Dkimpy.

One process serves many requests, one per line on stdin, so Python and dkimpy start once per test class:
  request:  COMMAND TAB base64(message) TAB base64(zone) [TAB base64(arg)]...
  response: "OK" TAB base64(output)   or   "ERR" TAB base64(error text)
Commands:
  verify      output: one line per DKIM-Signature, top first: "pass" or "fail <why>"
  sign        args SELECTOR DOMAIN KEY ALGORITHM CANON; output: the DKIM-Signature field
  arc_verify  output: "pass", "fail <why>" or "none"
  arc_sign    args SELECTOR DOMAIN KEY SRV_ID TIMESTAMP; output: the ARC set (AS, AMS, AAR fields)
The zone holds lines "name TAB txt-value" (name without trailing dot); KEY is the private key text dkimpy reads.
"""
import base64
import sys
import traceback

import dkim


def handle(command, message, zone_text, args):
    zone = {}
    for line in zone_text.split(b'\n'):
        if line.strip():
            name, value = line.split(b'\t', 1)
            zone[name.lower() + b'.'] = value

    def dnsfunc(name, timeout=5):
        return zone.get(name.lower())

    if command == 'verify':
        d = dkim.DKIM(message)
        count = sum(1 for name, _ in d.headers if name.lower() == b'dkim-signature')
        out = []
        for i in range(count):
            try:
                out.append('pass' if d.verify(idx=i, dnsfunc=dnsfunc) else 'fail')
            except dkim.DKIMException as e:
                out.append('fail %s' % e)
        return '\n'.join(out).encode()
    if command == 'sign':
        selector, domain, key, algorithm, canon = args
        header, body = canon.split(b'/')
        return dkim.sign(message, selector, domain, key, canonicalize=(header, body), signature_algorithm=algorithm)
    if command == 'arc_verify':
        cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
        return cv + (b'' if cv == b'pass' else (' ' + str(reason)).encode())
    if command == 'arc_sign':
        selector, domain, key, srv_id, timestamp = args
        return b''.join(dkim.arc_sign(message, selector, domain, key, srv_id, timestamp=int(timestamp)))
    raise ValueError('unknown command %s' % command)


def main():
    for line in sys.stdin.buffer:
        parts = line.rstrip(b'\n').split(b'\t')
        try:
            command = parts[0].decode()
            message, zone_text, *args = [base64.b64decode(p) for p in parts[1:]]
            reply = b'OK\t' + base64.b64encode(handle(command, message, zone_text, args))
        except Exception:
            reply = b'ERR\t' + base64.b64encode(traceback.format_exc().encode())
        sys.stdout.buffer.write(reply + b'\n')
        sys.stdout.buffer.flush()


main()
