"""IMAP COMPRESS=DEFLATE (RFC 4978) from python3: a raw socket (imaplib has no COMPRESS) wrapped in zlib's raw
deflate (wbits -15) after the OK, optionally inside TLS (port 993).

Usage: imap_compress.py HOST PORT USER PASSWORD [tls]
"""
import socket
import ssl
import sys
import zlib

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
use_tls = len(sys.argv) > 5 and sys.argv[5] == "tls"

sock = socket.create_connection((host, port), timeout=20)
if use_tls:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    sock = context.wrap_socket(sock)

compressor = None
decompressor = None
pending = b""


def send(data):
    if compressor:
        data = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    sock.sendall(data)


def line():
    global pending
    while b"\r\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("FAIL: connection closed, had %r" % pending)
        pending += decompressor.decompress(chunk) if decompressor else chunk
    text, pending = pending.split(b"\r\n", 1)
    return text.decode()


def command(tag, text):
    send(("%s %s\r\n" % (tag, text)).encode())
    lines = []
    while True:
        got = line()
        lines.append(got)
        if got.startswith(tag + " "):
            return lines


def check(condition, what):
    if not condition:
        print("FAIL:", what)
        sys.exit(1)


greeting = line()
check("COMPRESS=DEFLATE" in greeting, "greeting offers COMPRESS=DEFLATE: " + greeting)
check(command("a1", "COMPRESS DEFLATE")[-1].startswith("a1 BAD"), "COMPRESS before login is refused")
check(command("a2", "LOGIN %s %s" % (user, password))[-1].startswith("a2 OK"), "login")
check(command("a3", "COMPRESS LZW")[-1].startswith("a3 BAD"), "unknown mechanism")
ok = command("a4", "COMPRESS DEFLATE")
check(ok[-1] == "a4 OK DEFLATE active", "COMPRESS DEFLATE: %r" % ok)
check(pending == b"", "nothing after the OK before compression")
compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
decompressor = zlib.decompressobj(-15)

again = command("a5", "COMPRESS DEFLATE")
check(again[-1].startswith("a5 NO [COMPRESSIONACTIVE]"), "second COMPRESS: %r" % again)
body = "".join("line %d of a compressed message, the same words again and again\r\n" % i for i in range(200))
message = ("From: %s\r\nSubject: squeezed\r\n\r\n%s" % (user, body)).encode()
send(("a6 APPEND INBOX {%d}\r\n" % len(message)).encode())
check(line().startswith("+"), "continuation for the literal")
send(message + b"\r\n")
while True:
    got = line()
    if got.startswith("a6 "):
        break
check(got.startswith("a6 OK"), "APPEND: " + got)
check(command("a7", "SELECT INBOX")[-1].startswith("a7 OK"), "SELECT")
fetch = command("a8", "FETCH 1 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
check(any("RFC822.SIZE %d" % len(message) in l for l in fetch), "FETCH size: %r" % fetch)
check(any(l.startswith("Subject: squeezed") for l in fetch), "FETCH header: %r" % fetch)
# A response larger than one deflate block, read back whole.
send(b"a9 FETCH 1 BODY.PEEK[TEXT]\r\n")
first = line()
check(first.startswith("* 1 FETCH (BODY[TEXT] {%d}" % len(body)), "FETCH body: " + first)
size = len(body)
while len(pending) < size:
    pending += decompressor.decompress(sock.recv(65536))
check(pending[:size].decode() == body, "the body comes back intact")
pending = pending[size:]
check(line() == ")", "end of FETCH")
check(line().startswith("a9 OK"), "FETCH completed")
bye = command("b1", "LOGOUT")
check(bye[0].startswith("* BYE") and bye[-1].startswith("b1 OK"), "LOGOUT: %r" % bye)
print("python imap compress%s: all checks passed" % (" over tls" if use_tls else ""))
