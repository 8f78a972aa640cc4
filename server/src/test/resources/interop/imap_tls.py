#!/usr/bin/env python3
"""IMAP over TLS with python3's imaplib: STARTTLS on the plain port, implicit TLS (IMAP4_SSL), and
AUTHENTICATE SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (tls-server-end-point) with a client written here from
RFC 5802, RFC 7677 and RFC 5929, independent of the server's Java code.

Usage: imap_tls.py HOST PORT143 PORT993 USER PASSWORD
Prints one "... ok" line per part; any failed assertion ends with a traceback and a non-zero status.
"""
import base64
import hashlib
import hmac
import imaplib
import os
import ssl
import sys

host, p143, p993, user, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
b64 = lambda b: base64.b64encode(b).decode()


def scram(imap, plus):
    """Returns imaplib's authobject for SCRAM-SHA-256 (with channel binding when plus)."""
    if plus:
        # RFC 5929 section 4.1: the hash of the server certificate, with the hash of its signature algorithm
        # (our self-signed certificate is ecdsa-with-SHA256).
        cbind_data = hashlib.sha256(imap.sock.getpeercert(binary_form=True)).digest()
        gs2 = "p=tls-server-end-point,,"
    else:
        cbind_data = b""
        gs2 = "n,,"
    nonce = b64(os.urandom(18))
    first_bare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + nonce
    state = {}

    def step(challenge):
        if "auth_message" in state:
            if "verified" in state:
                raise AssertionError("unexpected challenge after the server signature")
            server_key = hmac.new(state["salted"], b"Server Key", hashlib.sha256).digest()
            expected = "v=" + b64(hmac.new(server_key, state["auth_message"], hashlib.sha256).digest())
            assert challenge.decode() == expected, ("bad server signature", challenge)
            state["verified"] = True
            return b""  # the empty answer to the additional data with success
        if "sent_first" not in state:
            assert challenge == b"", challenge  # the empty "+" that asks for the initial response
            state["sent_first"] = True
            return (gs2 + first_bare).encode()
        server_first = challenge.decode()
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        assert attrs["r"].startswith(nonce), "server nonce must extend ours"
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = "c=" + b64(gs2.encode() + cbind_data) + ",r=" + attrs["r"]
        auth_message = ",".join([first_bare, server_first, without_proof]).encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        state["salted"], state["auth_message"] = salted, auth_message
        return (without_proof + ",p=" + b64(proof)).encode()

    step.state = state
    return step


# STARTTLS: offered in plain text, gone afterwards; imaplib asks for the capabilities again.
imap = imaplib.IMAP4(host, p143, timeout=10)
assert "STARTTLS" in imap.capabilities, imap.capabilities
imap.starttls(ssl_context=ctx)
assert "STARTTLS" not in imap.capabilities, imap.capabilities
assert "AUTH=SCRAM-SHA-256-PLUS" in imap.capabilities, imap.capabilities
imap.login(user, password)
typ, data = imap.select("INBOX")
assert typ == "OK", (typ, data)
print("starttls ok", imap.sock.version(), int(data[0]))
imap.logout()

# Implicit TLS on the IMAPS port.
imap = imaplib.IMAP4_SSL(host, p993, ssl_context=ctx, timeout=10)
assert "STARTTLS" not in imap.capabilities, imap.capabilities
imap.login(user, password)
imap.select("INBOX", readonly=True)
typ, data = imap.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
assert typ == "OK" and b"Subject:" in data[0][1], data
print("imaps ok", imap.sock.version())
imap.logout()

# SCRAM-SHA-256 after STARTTLS, then SCRAM-SHA-256-PLUS bound to the 993 connection.
imap = imaplib.IMAP4(host, p143, timeout=10)
imap.starttls(ssl_context=ctx)
auth = scram(imap, False)
typ, data = imap.authenticate("SCRAM-SHA-256", auth)
assert typ == "OK" and auth.state.get("verified"), (typ, data)
print("scram ok", data[0].decode().split("]")[-1].strip())
imap.logout()

imap = imaplib.IMAP4_SSL(host, p993, ssl_context=ctx, timeout=10)
auth = scram(imap, True)
typ, data = imap.authenticate("SCRAM-SHA-256-PLUS", auth)
assert typ == "OK" and auth.state.get("verified"), (typ, data)
print("scram-plus ok")
imap.logout()
