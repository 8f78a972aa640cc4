"""Over-quota recipients through python3's smtplib (ImapQuotaTest).

Usage: quota_smtp.py HOST PORT
The server's quota is 2 KiB. full@ is at its quota already, roomy@ is empty, nearly@ has 1000 bytes stored.
"""
import smtplib
import sys

host, port = sys.argv[1], int(sys.argv[2])

def message(to, size):
    head = "From: sender@elsewhere.test\r\nTo: %s\r\nSubject: quota\r\n\r\n" % to
    body = size - len(head)
    line = "x" * 70 + "\r\n"
    return head + line * (body // len(line)) + "y" * (body % len(line))

with smtplib.SMTP(host, port, timeout=20) as s:
    # RCPT TO for the full mailbox: 452 4.2.2; the other recipient still gets the message.
    refused = s.sendmail("sender@elsewhere.test", ["full@example.test", "roomy@example.test"],
                         message("roomy@example.test", 300))
    code, text = refused["full@example.test"]
    print("rcpt refused:", code, text.decode())
    assert "roomy@example.test" not in refused, refused
    # The recipient has room, but not for this message: the data is refused with 452 4.2.2.
    try:
        s.sendmail("sender@elsewhere.test", ["nearly@example.test"], message("nearly@example.test", 1500))
        print("FAIL: a message over quota was accepted")
    except smtplib.SMTPDataError as e:
        print("data refused:", e.smtp_code, e.smtp_error.decode())
    # A message that fits still goes in.
    s.sendmail("sender@elsewhere.test", ["nearly@example.test"], message("nearly@example.test", 100))
print("python quota smtp: done")
