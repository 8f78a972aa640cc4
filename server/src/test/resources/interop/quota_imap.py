"""Per-account quotas (./mailroom user quota) through python3's imaplib and smtplib (ImapQuotaTest).

Usage: quota_imap.py HOST IMAP_PORT SMTP_PORT PASSWORD
The default limit (limits.mailbox_quota) is 2 KiB. Accounts, set up by the test:
  big@    its own limit 1 MiB, 3000 bytes stored (over the default, well under its own)
  small@  its own limit 1 KiB, nothing stored
  free@   its own limit 0 (none), 3000 bytes stored
  tiny@   its own limit 100 bytes, 200 bytes stored (full under its own limit, not under the default)
"""
import imaplib
import smtplib
import sys

host, imap_port, smtp_port, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def check(what, condition, detail=""):
    if not condition:
        print("FAIL:", what, detail)
        sys.exit(1)
    print("ok:", what)


def login(name):
    imap = imaplib.IMAP4(host, imap_port)
    typ, data = imap.login(name + "@example.test", password)
    check("login " + name, typ == "OK", data)
    return imap


big = login("big")
typ, data = big.getquotaroot("INBOX")
check("big: GETQUOTAROOT names the root and its own limit",
      typ == "OK" and data[0] == [b'"INBOX" ""'] and data[1] == [b'"" (STORAGE 3 1024)'], data)
typ, data = big.getquota('""')
check("big: GETQUOTA shows its own limit", typ == "OK" and data == [b'"" (STORAGE 3 1024)'], data)
typ, data = big.append("INBOX", None, None, b"Subject: fits\r\n\r\n" + b"x" * 2000 + b"\r\n")
check("big: APPEND past the default fits its own limit", typ == "OK", data)
typ, data = big._simple_command("SETQUOTA", '""', "(STORAGE 999999)")
check("big: SETQUOTA refused with NOPERM", typ == "NO" and b"[NOPERM]" in data[0], (typ, data))
big.logout()

small = login("small")
typ, data = small.getquota('""')
check("small: its own limit", data == [b'"" (STORAGE 0 1)'], data)
typ, data = small.append("INBOX", None, None, b"Subject: big\r\n\r\n" + b"x" * 1500 + b"\r\n")
check("small: APPEND past its own limit refused", typ == "NO" and b"OVERQUOTA" in data[0], data)
small.logout()

free = login("free")
typ, data = free.getquotaroot("INBOX")
check("free: no quota root at all", typ == "OK" and data[0] == [b'"INBOX"'], data)
typ, data = free.append("INBOX", None, None, b"Subject: more\r\n\r\n" + b"x" * 2000 + b"\r\n")
check("free: no limit", typ == "OK", data)
free.logout()

with smtplib.SMTP(host, smtp_port, timeout=20) as s:
    refused = s.sendmail("sender@elsewhere.test", ["tiny@example.test", "free@example.test"],
                         "From: sender@elsewhere.test\r\nSubject: q\r\n\r\nhello\r\n")
    code, text = refused.get("tiny@example.test", (None, b""))
    check("smtp: RCPT refused by the account's own limit", code == 452, refused)
    check("smtp: the other recipient gets it", "free@example.test" not in refused, refused)
print("python quota imap: done")
