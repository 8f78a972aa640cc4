#!/usr/bin/env python3
"""POP3 over TLS with python3's poplib: STLS on the plain port, then implicit TLS (POP3_SSL).

Usage: pop3_tls.py HOST PORT110 PORT995 USER PASSWORD
"""
import poplib
import ssl
import sys

host, p110, p995, user, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

pop = poplib.POP3(host, p110, timeout=10)
assert "STLS" in pop.capa(), pop.capa()
pop.stls(context=ctx)
assert "STLS" not in pop.capa(), "STLS offered again inside TLS"
pop.user(user)
pop.pass_(password)
count, size = pop.stat()
print("stls ok", pop.sock.version(), count)
pop.quit()

pop = poplib.POP3_SSL(host, p995, timeout=10, context=ctx)
pop.user(user)
pop.pass_(password)
resp, lines, octets = pop.retr(1)
assert any(l.startswith(b"Subject:") for l in lines)
print("pop3s ok", pop.sock.version())
pop.quit()
