#!/usr/bin/env python3
"""python3's smtplib using the ESMTP extensions the server announces: SIZE, 8BITMIME, SMTPUTF8, DSN,
ENHANCEDSTATUSCODES and PIPELINING (smtplib sends MAIL/RCPT with their options; the server must accept them).

Usage: esmtp_extensions.py HOST PORT UTF8_RCPT ASCII_RCPT
"""
import smtplib
import sys

host, port, utf8_rcpt, ascii_rcpt = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with smtplib.SMTP(host, port, local_hostname="ext.test", timeout=10) as smtp:
    smtp.ehlo()
    for ext in ("size", "8bitmime", "smtputf8", "dsn", "enhancedstatuscodes", "pipelining", "chunking", "binarymime"):
        assert smtp.has_extn(ext), ext
    body = ("From: sender@elsewhere.test\r\nSubject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            "Grüße aus Köln\r\n").encode("utf-8")
    refused = smtp.sendmail("sender@elsewhere.test", [ascii_rcpt], body,
                            mail_options=["BODY=8BITMIME", "RET=HDRS", "ENVID=env+2B1"],
                            rcpt_options=["NOTIFY=SUCCESS,DELAY", "ORCPT=rfc822;" + ascii_rcpt])
    assert refused == {}, refused
    print("8bitmime + dsn ok")
    refused = smtp.sendmail("sender@elsewhere.test", [utf8_rcpt],
                            "Subject: utf8\r\n\r\nto a UTF-8 mailbox\r\n".encode("utf-8"),
                            mail_options=["SMTPUTF8"])
    assert refused == {}, refused
    print("smtputf8 ok")
    code, msg = smtp.docmd("MAIL FROM:<x@elsewhere.test> SIZE=999999999999")
    assert code == 552 and msg.startswith(b"5.3.4"), (code, msg)
    print("size ok")
