"""QRESYNC (RFC 7162) after the server pruned its expunge records, through python3's imaplib with raw commands
(ImapQresyncTest). The server keeps 2 expunge records per mailbox (store.expunged_kept = 2).

Usage: imap_qresync_pruned.py HOST PORT USER PASSWORD, for an account whose INBOX is empty.
Prints one line per check; exits non-zero on the first failure.
"""
import imaplib
import re
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def check(what, condition, detail=""):
    if not condition:
        print("FAIL:", what, detail)
        sys.exit(1)
    print("ok:", what)


def session(qresync=True):
    imap = imaplib.IMAP4(host, port)
    typ, data = imap.login(user, password)
    check("login", typ == "OK", data)
    if qresync:
        typ, data = imap._simple_command("ENABLE", "QRESYNC")
        check("enable QRESYNC", typ == "OK", data)
    return imap


def raw(imap, *args):
    """Runs a command as given; returns the untagged responses it brought, by type."""
    imap.untagged_responses.clear()
    typ, data = imap._simple_command(*args)
    check(" ".join(args), typ == "OK", data)
    responses = {k: [v.decode() if isinstance(v, bytes) else v for v in vs] for k, vs in imap.untagged_responses.items()}
    imap.untagged_responses.clear()
    return responses


def code(responses, name):
    for line in responses.get("OK", []):
        m = re.match(r"\[%s (\d+)\]" % name, line)
        if m:
            return m.group(1)
    raise AssertionError("%s not in %s" % (name, responses))


def expunge(imap, uid):
    raw(imap, "UID", "STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")
    raw(imap, "EXPUNGE")


writer = session(qresync=False)
for i in range(1, 9):
    typ, data = writer.append("INBOX", None, None, ("Subject: m%d\r\n\r\nbody\r\n" % i).encode())
    check("append %d" % i, typ == "OK", data)
writer.select("INBOX")
# UID 1 is expunged before the client below takes its snapshot: it never knew it.
expunge(writer, 1)

# The client syncs, remembers UIDVALIDITY and HIGHESTMODSEQ, and goes away.
client = session()
selected = raw(client, "SELECT", "INBOX")
uidvalidity, modseq = code(selected, "UIDVALIDITY"), code(selected, "HIGHESTMODSEQ")
client.logout()

# A session that stays selected without asking for news while the records it needs are pruned.
sleeper = session(qresync=False)
sleeper.select("INBOX")

# Meanwhile: three expunges (4, 6, 7) and a flag change on 3; only the last two expunges stay on record.
for uid in (4, 6, 7):
    expunge(writer, uid)
raw(writer, "UID", "STORE", "3", "+FLAGS.SILENT", "(\\Flagged)")

# The sleeper's NOOP still tells every expunge, from the UIDs present.
typ, data = sleeper.noop()
gone = sleeper.untagged_responses.pop("EXPUNGE", [])
check("sleeper hears three EXPUNGEs", len(gone) == 3, gone)
sleeper.untagged_responses.clear()  # the NOOP's flag change of UID 3 too
typ, data = sleeper.uid("FETCH", "1:*", "(UID)")
uids = [re.search(rb"UID (\d+)", d).group(1).decode() for d in data if d]
check("sleeper's numbers agree", uids == ["2", "3", "5", "8"], uids)

# The client comes back with its old MODSEQ, older than what is kept: a full resynchronisation.
back = session()
resync = raw(back, "SELECT", "INBOX", "(QRESYNC (%s %s))" % (uidvalidity, modseq))
check("resync: EXISTS 4", resync.get("EXISTS") == ["4"], resync)
check("resync without known UIDs: every gone UID up to UIDNEXT-1",
      resync.get("VANISHED") == ["(EARLIER) 1,4,6:7"], resync.get("VANISHED"))
check("resync: the flag change", any("UID 3" in f and "\\Flagged" in f for f in resync.get("FETCH", [])),
      resync.get("FETCH"))

resync = raw(back, "SELECT", "INBOX", "(QRESYNC (%s %s 2:8))" % (uidvalidity, modseq))
check("resync with known UIDs 2:8", resync.get("VANISHED") == ["(EARLIER) 4,6:7"], resync.get("VANISHED"))

# Sequence match data: message 2 was UID 3 and still is, so nothing up to UID 3 vanished.
resync = raw(back, "SELECT", "INBOX", "(QRESYNC (%s %s (1:2 2:3)))" % (uidvalidity, modseq))
check("resync narrowed by sequence match data", resync.get("VANISHED") == ["(EARLIER) 4,6:7"],
      resync.get("VANISHED"))

back.state = "SELECTED"
fetched = raw(back, "UID", "FETCH", "1:*", "(FLAGS)", "(CHANGEDSINCE %s VANISHED)" % modseq)
check("UID FETCH VANISHED after pruning", fetched.get("VANISHED") == ["(EARLIER) 1,4,6:7"], fetched)

# From a MODSEQ still on record, the answer is exact: only the last two expunges.
now = code(raw(back, "SELECT", "INBOX"), "HIGHESTMODSEQ")
expunge(writer, 8)
exact = raw(back, "SELECT", "INBOX", "(QRESYNC (%s %s))" % (uidvalidity, now))
check("exact VANISHED from a recent MODSEQ", exact.get("VANISHED") == ["(EARLIER) 8"], exact.get("VANISHED"))

for imap in (writer, sleeper, back):
    imap.logout()
print("python imap qresync pruned: done")
