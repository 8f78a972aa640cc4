#!/usr/bin/env python3
"""Submission with python3's smtplib: STARTTLS on 587, then login; and implicit TLS on 465.

Usage: submission.py HOST PORT587 PORT465 USER PASSWORD RCPT
The messages carry neither Message-ID nor Date: the server must add both (RFC 6409 section 8).
"""
import smtplib
import ssl
import sys

host, p587, p465, user, password, rcpt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

with smtplib.SMTP(host, p587, local_hostname="python-msa.test", timeout=10) as smtp:
    smtp.ehlo()
    assert not smtp.has_extn("auth"), "AUTH must not be offered before TLS"
    smtp.starttls(context=ctx)
    smtp.ehlo()
    assert "PLAIN" in smtp.esmtp_features["auth"], smtp.esmtp_features
    smtp.login(user, password)
    smtp.sendmail(user, [rcpt], "From: " + user + "\r\nSubject: via 587\r\n\r\nno id, no date\r\n")
print("587 ok")

with smtplib.SMTP_SSL(host, p465, local_hostname="python-msa.test", timeout=10, context=ctx) as smtp:
    smtp.login(user, password)
    smtp.sendmail(user, [rcpt], "From: " + user + "\r\nSubject: via 465\r\n\r\nimplicit tls\r\n")
print("465 ok")
