#!/usr/bin/env python3
"""STARTTLS with python3's smtplib: upgrade, send, and check the Received header says so.

Usage: smtp_starttls.py HOST PORT RCPT
"""
import smtplib
import ssl
import sys

host, port, rcpt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # the test server's certificate is self-signed
with smtplib.SMTP(host, port, local_hostname="python-tls.test", timeout=10) as smtp:
    smtp.ehlo()
    assert smtp.has_extn("starttls"), "STARTTLS not announced"
    code, _ = smtp.starttls(context=context)
    assert code == 220, code
    smtp.ehlo()
    assert not smtp.has_extn("starttls"), "STARTTLS announced again inside TLS"
    print("tls version", smtp.sock.version())
    smtp.sendmail("python@elsewhere.test", [rcpt], "Subject: over tls\r\n\r\nsecret\r\n")
print("python starttls: ok")
