#!/usr/bin/env python3
"""SCRAM-SHA-256 (RFC 5802, RFC 7677) over SMTP AUTH, written from the RFCs with python's standard library,
as an independent check of the server's implementation.

Usage: scram_smtp.py HOST PORT USER PASSWORD [wrong]
Prints "scram ok" after 235 and a verified server signature, or "scram refused 535" for a wrong password.
"""
import base64
import hashlib
import hmac
import os
import smtplib
import ssl
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
b64 = lambda b: base64.b64encode(b).decode()
unb64 = lambda s: base64.b64decode(s)

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
smtp = smtplib.SMTP(host, port, local_hostname="scram.test", timeout=10)
smtp.starttls(context=ctx)
smtp.ehlo()
assert "SCRAM-SHA-256" in smtp.esmtp_features.get("auth", ""), smtp.esmtp_features

nonce = b64(os.urandom(18))
saslname = user.replace("=", "=3D").replace(",", "=2C")
first_bare = "n=" + saslname + ",r=" + nonce
gs2 = "n,,"
code, resp = smtp.docmd("AUTH", "SCRAM-SHA-256 " + b64((gs2 + first_bare).encode()))
assert code == 334, (code, resp)
server_first = unb64(resp).decode()
attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
assert attrs["r"].startswith(nonce), "server nonce must extend ours"
salted = hashlib.pbkdf2_hmac("sha256", password.encode(), unb64(attrs["s"]), int(attrs["i"]))
client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
stored_key = hashlib.sha256(client_key).digest()
final_without_proof = "c=" + b64(gs2.encode()) + ",r=" + attrs["r"]
auth_message = ",".join([first_bare, server_first, final_without_proof]).encode()
signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
proof = bytes(a ^ b for a, b in zip(client_key, signature))
code, resp = smtp.docmd(b64((final_without_proof + ",p=" + b64(proof)).encode()))
if code == 535:
    print("scram refused 535")
    sys.exit(0)
assert code == 334, (code, resp)
server_final = unb64(resp).decode()
server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
expected = b64(hmac.new(server_key, auth_message, hashlib.sha256).digest())
assert server_final == "v=" + expected, "server signature does not verify"
code, resp = smtp.docmd("")
assert code == 235, (code, resp)
smtp.sendmail(user, [user], "Subject: scram\r\n\r\nauthenticated with SCRAM-SHA-256\r\n")
smtp.quit()
print("scram ok")
