"""python3 imaplib against Mailroom: login, folders, append, select, search, fetch, store, copy, move, expunge.

Usage: imap.py HOST PORT USER PASSWORD. Prints one line per check; exits non-zero on the first failure.
"""
import imaplib
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def check(what, condition, detail=""):
    if not condition:
        print("FAIL:", what, detail)
        sys.exit(1)
    print("ok:", what)


imap = imaplib.IMAP4(host, port)
check("greeting lists IMAP4rev1", "IMAP4REV1" in imap.capabilities)
typ, data = imap.login(user, password)
check("login", typ == "OK", data)

typ, folders = imap.list()
names = [f.decode() for f in folders]
check("special-use folders", any('\\Sent) "/" "Sent"' in n for n in names), names)

typ, data = imap.create("Reports/2026")
check("create nested", typ == "OK", data)
typ, data = imap.create("Entw&APw-rfe")
check("create with modified UTF-7", typ == "OK", data)

message = b"From: py@example.test\r\nSubject: from python\r\n\r\nimaplib was here\r\n"
typ, data = imap.append("INBOX", "(\\Flagged)", imaplib.Time2Internaldate(1767225600), message)
check("append with flags and date", typ == "OK" and b"APPENDUID" in data[0], data)
typ, data = imap.append("INBOX", None, None, b"Subject: second\r\n\r\nmore\r\n")
check("second append", typ == "OK", data)

typ, data = imap.select("INBOX")
check("select", typ == "OK" and data[0] == b"2", data)

typ, data = imap.search(None, "FLAGGED")
check("search flagged", data[0] == b"1", data)
typ, data = imap.uid("SEARCH", "SUBJECT", "second")
check("uid search", data[0] == b"2", data)

typ, data = imap.fetch("1", "(RFC822)")
check("fetch RFC822", typ == "OK" and data[0][1] == message, data)
typ, data = imap.fetch("1", "(FLAGS INTERNALDATE)")
check("fetch sets seen", b"\\Seen" in data[0] and b"01-Jan-2026 00:00:00 +0000" in data[0], data)

typ, data = imap.store("2", "+FLAGS", "(\\Answered)")
check("store", typ == "OK" and b"\\Answered" in data[0], data)

typ, data = imap.copy("1:2", "Reports/2026")
check("copy", typ == "OK", data)
typ, data = imap.status("Reports/2026", "(MESSAGES UIDNEXT)")
check("status", b"MESSAGES 2 UIDNEXT 3" in data[0], data)

typ, data = imap.uid("MOVE", "2", "Trash")
check("uid move", typ == "OK", data)
typ, data = imap.store("1", "+FLAGS", "(\\Deleted)")
typ, data = imap.expunge()
# imaplib hands back every EXPUNGE seen since the last call: the MOVE's one (2) and this one (1).
check("expunge", typ == "OK" and data[-1] == b"1", data)
typ, data = imap.select("Trash", readonly=True)
check("moved message in Trash", data[0] == b"1", data)

imap.logout()
print("python imap interop: all checks passed")
