"""Signs a message with dkimpy (Debian python3-dkim) and sends it with smtplib; prints the server's answer.

usage: /usr/bin/python3 dkim_send.py HOST PORT KEYFILE SELECTOR DOMAIN MAIL_FROM RCPT[,RCPT...] [tamper]
The message comes on stdin (CRLF line ends). With "tamper", a body word is changed after signing, as a
mailing list footer or a forger would. Prints "250 ..." or "<code> <text>" of the refusal.
"""
import smtplib
import sys

import dkim

host, port, keyfile, selector, domain, mail_from, rcpt = sys.argv[1:8]
tamper = len(sys.argv) > 8 and sys.argv[8] == "tamper"
message = sys.stdin.buffer.read()
with open(keyfile, "rb") as f:
    key = f.read()
signature = dkim.sign(message, selector.encode(), domain.encode(), key,
                      include_headers=[b"From", b"To", b"Subject", b"Date", b"Message-ID"])
signed = signature + message
if tamper:
    signed = signed.replace(b"Hello", b"Jello", 1)
try:
    with smtplib.SMTP(host, int(port), local_hostname="client." + domain, timeout=60) as s:
        code, text = s.ehlo()
        s.sendmail(mail_from, rcpt.split(","), signed)
        print("250 ok")
except smtplib.SMTPResponseException as e:
    print(e.smtp_code, e.smtp_error.decode(errors="replace"))
except smtplib.SMTPRecipientsRefused as e:
    for code, text in e.recipients.values():
        print(code, text.decode(errors="replace"))
