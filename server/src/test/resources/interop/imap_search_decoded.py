"""SEARCH BODY and TEXT on what the user sees, through python3's imaplib (ImapSearchDecodedTest): base64 and
quoted-printable parts decoded, charsets converted, attachments left out, RFC 2047 header words decoded.

Usage: imap_search_decoded.py HOST PORT USER PASSWORD, for an account whose INBOX is empty.
"""
import base64
import imaplib
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def check(what, condition, detail=""):
    if not condition:
        print("FAIL:", what, detail)
        sys.exit(1)
    print("ok:", what)


def b64(text, charset="utf-8"):
    return base64.encodebytes(text.encode(charset)).replace(b"\n", b"\r\n")


messages = [
    # 1: base64, UTF-8
    b"Subject: one\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + b64("Treffen in Z\u00fcrich, viele Gr\u00fc\u00dfe"),
    # 2: quoted-printable, ISO-8859-1
    b"Subject: two\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\nLe caf=E9 cr=E8me est pr=EAt, tr=\r\n=E8s chaud\r\n",
    # 3: multipart/alternative (plain in ISO-8859-15, HTML in base64 UTF-8) and a PDF attachment
    b"Subject: =?UTF-8?B?" + base64.b64encode("Pr\u00fcfung".encode()) + b"?=\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
    b"--outer\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n"
    b"--alt\r\nContent-Type: text/plain; charset=iso-8859-15\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"Preis: 10 =A4 f=FCr alle\r\n"
    b"--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + b64("<p>Preis: 10 \u20ac f\u00fcr <b>alle</b>, Gr\u00fc\u00dfe</p>") + b"--alt--\r\n"
    b"--outer\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + b64("%PDF-1.4 hiddenword") + b"--outer--\r\n",
]

imap = imaplib.IMAP4(host, port)
imap.login(user, password)
for m in messages:
    typ, data = imap.append("INBOX", None, None, m)
    check("append", typ == "OK", data)
imap.select("INBOX")


def search(*criteria, literal=None):
    imap.literal = literal
    typ, data = imap.search("UTF-8" if literal is not None else None, *criteria)
    check("search %s %s" % (criteria, literal), typ == "OK", data)
    return data[0].decode().split()


check("BODY finds the base64 UTF-8 word", search("BODY", literal="z\u00fcrich".encode()) == ["1"])
check("BODY finds the quoted-printable Latin-1 word across a soft break",
      search("BODY", literal="tr\u00e8s chaud".encode()) == ["2"])
check("BODY Gr\u00fc\u00dfe in base64 text and in HTML of an alternative",
      search("BODY", literal="Gr\u00fc\u00dfe".encode()) == ["1", "3"])
check("BODY finds the euro sign of ISO-8859-15", search("BODY", literal="10 \u20ac f\u00fcr".encode()) == ["3"])
check("BODY skips the attachment", search("BODY", "hiddenword") == [])
check("BODY does not match the encoded form", search("BODY", "caf=E9") == [])
check("TEXT finds a decoded RFC 2047 subject", search("TEXT", literal="pr\u00fcfung".encode()) == ["3"])
check("TEXT finds body text too", search("TEXT", literal="caf\u00e9".encode()) == ["2"])
check("BODY does not search headers", search("BODY", literal="Pr\u00fcfung".encode()) == [])
imap.logout()
print("python imap search decoded: done")
