"""Runs dkimpy (Debian python3-dkim) for Mailroom's cross-checks; called by org.mailroom.mailauth.testing.Dkimpy.

usage: dkimpy_tool.py COMMAND MESSAGE_FILE ZONE_FILE [args]
  verify                          one line per DKIM-Signature, top first: "pass" or "fail <why>"
  sign SELECTOR DOMAIN KEY_FILE ALGORITHM CANON   prints the DKIM-Signature field
  arc_verify                      prints the chain validation: "pass", "fail <why>" or "none"
  arc_sign SELECTOR DOMAIN KEY_FILE SRV_ID TIMESTAMP     prints the ARC set (AAR, AMS, AS fields)
ZONE_FILE holds lines "name TAB txt-value" (name without trailing dot).
"""
import sys
import dkim


def main():
    command, message_file, zone_file = sys.argv[1:4]
    args = sys.argv[4:]
    message = open(message_file, 'rb').read()
    zone = {}
    with open(zone_file, 'rb') as f:
        for line in f.read().split(b'\n'):
            if line.strip():
                name, value = line.split(b'\t', 1)
                zone[name.lower() + b'.'] = value

    def dnsfunc(name, timeout=5):
        return zone.get(name.lower())

    if command == 'verify':
        d = dkim.DKIM(message)
        count = sum(1 for name, _ in d.headers if name.lower() == b'dkim-signature')
        for i in range(count):
            try:
                ok = d.verify(idx=i, dnsfunc=dnsfunc)
                print('pass' if ok else 'fail')
            except dkim.DKIMException as e:
                print('fail %s' % e)
    elif command == 'sign':
        selector, domain, key_file, algorithm, canon = args
        header, body = canon.split('/')
        field = dkim.sign(message, selector.encode(), domain.encode(), open(key_file, 'rb').read(),
                          canonicalize=(header.encode(), body.encode()),
                          signature_algorithm=algorithm.encode())
        sys.stdout.buffer.write(field)
    elif command == 'arc_verify':
        cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
        print(cv.decode() + ('' if cv == b'pass' else ' ' + str(reason)))
    elif command == 'arc_sign':
        selector, domain, key_file, srv_id, timestamp = args
        fields = dkim.arc_sign(message, selector.encode(), domain.encode(), open(key_file, 'rb').read(),
                               srv_id.encode(), timestamp=int(timestamp))
        sys.stdout.buffer.write(b''.join(fields))
    else:
        raise SystemExit('unknown command ' + command)


main()
