#!/usr/bin/env python3
"""Interoperability check with python3's own SMTP and POP3 clients.

Usage: smtp_pop3.py HOST SMTP_PORT POP3_PORT USER PASSWORD
Sends a message with smtplib, reads it back with poplib (STAT, LIST, UIDL, TOP, RETR), deletes it,
and checks that it is gone in a new session. Prints one line per check; exits non-zero on the first failure.
"""
import poplib
import smtplib
import sys
from email.message import EmailMessage

host, smtp_port, pop3_port, user, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


msg = EmailMessage()
msg["From"] = "python@elsewhere.test"
msg["To"] = user
msg["Subject"] = "from smtplib"
msg.set_content("Hello from python3.\n.leading dot\n")
with smtplib.SMTP(host, smtp_port, local_hostname="python.test", timeout=10) as smtp:
    code, ehlo = smtp.ehlo()
    check("EHLO 250", code == 250)
    check("EHLO announces PIPELINING, SIZE, 8BITMIME, SMTPUTF8",
          all(smtp.has_extn(e) for e in ("pipelining", "size", "8bitmime", "smtputf8")))
    refused = smtp.send_message(msg)
    check("message accepted for " + user, refused == {})
    try:
        smtp.sendmail("python@elsewhere.test", ["victim@elsewhere.test"], "Subject: relay\r\n\r\nno\r\n")
        check("relay refused", False)
    except smtplib.SMTPRecipientsRefused as e:
        code, text = e.recipients["victim@elsewhere.test"]
        check("relay refused with 550 5.7.1", code == 550 and text.startswith(b"5.7.1"))

pop = poplib.POP3(host, pop3_port, timeout=10)
check("POP3 greeting", pop.getwelcome().startswith(b"+OK"))
caps = pop.capa()
check("CAPA lists TOP, UIDL, USER, RESP-CODES", all(c in caps for c in ("TOP", "UIDL", "USER", "RESP-CODES")))
pop.user(user)
pop.pass_(password)
count, size = pop.stat()
check("STAT counts the message", count >= 1 and size > 0)
last = count
resp, lines, octets = pop.retr(last)
text = b"\r\n".join(lines)
check("RETR returns the subject", b"Subject: from smtplib" in text)
check("RETR un-stuffs the dot line", b"\r\n.leading dot" in text)
check("Received header added", b"Received: from python.test" in text)
resp, top, _ = pop.top(last, 0)
check("TOP 0 returns headers only", any(l.startswith(b"Subject:") for l in top) and b"Hello from python3." not in top)
uidl = pop.uidl(last).split()[2]
pop.dele(last)
pop.quit()

pop = poplib.POP3(host, pop3_port, timeout=10)
pop.user(user)
pop.pass_(password)
uids = [l.split()[1] for l in pop.uidl()[1]]
check("message gone after DELE and QUIT", uidl not in uids)
pop.quit()
print("python interop: all checks passed")
