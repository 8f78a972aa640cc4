"""\\Recent (RFC 3501 section 2.3.2) through python3's imaplib, in IMAP4rev1 sessions (ImapRecentTest).

Usage: imap_recent.py HOST PORT USER PASSWORD, for an account whose INBOX is empty.
Prints one line per check; exits non-zero on the first failure.
"""
import imaplib
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def check(what, condition, detail=""):
    if not condition:
        print("FAIL:", what, detail)
        sys.exit(1)
    print("ok:", what)


def session():
    imap = imaplib.IMAP4(host, port)
    typ, data = imap.login(user, password)
    check("login", typ == "OK", data)
    return imap


def flags(imap):
    typ, data = imap.fetch("1:*", "(FLAGS)")
    check("fetch flags", typ == "OK", data)
    return [d.decode() for d in data]


def search(imap, key):
    typ, data = imap.search(None, key)
    check("search " + key, typ == "OK", data)
    return data[0].decode().split()


def recent_count(imap):
    typ, data = imap.response("RECENT")
    return int(data[-1]) if data and data[-1] is not None else None


# Two messages arrive while nobody has the INBOX selected.
deliverer = session()
for i in (1, 2):
    typ, data = deliverer.append("INBOX", "\\Seen" if i == 1 else None, None,
                                 ("Subject: m%d\r\n\r\nbody %d\r\n" % (i, i)).encode())
    check("append %d" % i, typ == "OK", data)
typ, data = deliverer.status("INBOX", "(RECENT)")
check("STATUS RECENT counts the unclaimed messages", b"RECENT 2" in data[0], data)

# EXAMINE sees them as recent and claims nothing.
looker = session()
typ, data = looker.select("INBOX", readonly=True)
check("examine", typ == "OK", data)
check("EXAMINE shows RECENT 2", recent_count(looker) == 2)
check("EXAMINE flags carry \\Recent", all("\\Recent" in f for f in flags(looker)), flags(looker))
looker.close()

# The first SELECT claims them: RECENT 2, \Recent in FLAGS, SEARCH RECENT and NEW.
first = session()
typ, data = first.select("INBOX")
check("first select", typ == "OK" and data[0] == b"2", data)
check("first session: RECENT 2", recent_count(first) == 2)
check("first session: both \\Recent", all("\\Recent" in f for f in flags(first)), flags(first))
check("first session: SEARCH RECENT", search(first, "RECENT") == ["1", "2"])
check("first session: SEARCH NEW is recent and unseen", search(first, "NEW") == ["2"])
check("first session: SEARCH OLD is empty", search(first, "OLD") == [])

# A second SELECT comes too late: nothing is recent for it.
second = session()
typ, data = second.select("INBOX")
check("second select", typ == "OK" and data[0] == b"2", data)
check("second session: RECENT 0", recent_count(second) == 0)
check("second session: no \\Recent", not any("\\Recent" in f for f in flags(second)), flags(second))
check("second session: SEARCH RECENT is empty", search(second, "RECENT") == [])
check("second session: SEARCH OLD", search(second, "OLD") == ["1", "2"])

# A third message arrives; the first session to hear of it (NOOP) gets it as recent, the other does not.
typ, data = deliverer.append("INBOX", None, None, b"Subject: m3\r\n\r\nbody 3\r\n")
check("append 3", typ == "OK", data)
typ, data = first.noop()
check("first session hears EXISTS 3", first.response("EXISTS")[1][-1] == b"3")
check("first session: RECENT 3 after the new message", recent_count(first) == 3)
check("first session: message 3 \\Recent", "\\Recent" in flags(first)[2], flags(first))
typ, data = second.noop()
check("second session hears EXISTS 3", second.response("EXISTS")[1][-1] == b"3")
check("second session: RECENT 0 after the new message", recent_count(second) == 0)
check("second session: message 3 not \\Recent", "\\Recent" not in flags(second)[2], flags(second))
typ, data = deliverer.status("INBOX", "(RECENT)")
check("STATUS RECENT 0 once claimed", b"RECENT 0" in data[0], data)

# \Recent cannot be stored by a client; the flag stays the session's.
typ, data = second.store("1", "+FLAGS", "(\\Recent \\Flagged)")
check("store ignores \\Recent", typ == "OK" and b"\\Recent" not in data[0], data)

# IMAP4rev2 has no \Recent (RFC 9051 appendix E).
rev2 = session()
typ, data = rev2._simple_command("ENABLE", "IMAP4rev2")
check("enable IMAP4rev2", typ == "OK", data)
typ, data = deliverer.append("INBOX", None, None, b"Subject: m4\r\n\r\nbody 4\r\n")
typ, data = rev2.select("INBOX")
check("rev2 select", typ == "OK", data)
check("rev2: no RECENT response", recent_count(rev2) is None)
check("rev2: no \\Recent", not any("\\Recent" in f for f in flags(rev2)), flags(rev2))
# ... and claims nothing: an IMAP4rev1 session selecting next still gets message 4.
late = session()
late.select("INBOX")
check("rev1 after rev2: RECENT 1", recent_count(late) == 1)

for imap in (deliverer, looker, first, second, rev2, late):
    imap.logout()
print("python imap recent: done")
