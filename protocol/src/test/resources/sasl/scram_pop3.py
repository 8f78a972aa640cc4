"""A SCRAM-SHA-256 client written from RFC 5802 and RFC 7677, independent of the server's Java code,
talking POP3 AUTH (RFC 5034) over a plain socket.

usage: scram_pop3.py HOST PORT USER PASSWORD
prints one line per step; exit status 0 when the server's signature verified and the login succeeded,
1 when the server refused the login, 2 on anything unexpected (a wrong server signature, say).
"""
import base64, hashlib, hmac, os, socket, sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sock = socket.create_connection((host, port), timeout=10)
reader = sock.makefile("rb")

def line():
    text = reader.readline().decode()
    if not text.endswith("\r\n"):
        print("no CRLF", repr(text)); sys.exit(2)
    return text[:-2]

def send(text):
    sock.sendall(text.encode() + b"\r\n")

def b64(data):
    return base64.b64encode(data).decode()

def H(data):
    return hashlib.sha256(data).digest()

def HMAC(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()

print("greeting", line())
send("CAPA")
caps = []
while True:
    l = line()
    if l == ".": break
    caps.append(l)
print("sasl", [c for c in caps if c.startswith("SASL")])

# RFC 5802 section 5.1: saslname escapes "," and "="; "n,," = no channel binding, no authzid.
name = user.replace("=", "=3D").replace(",", "=2C")
client_nonce = b64(os.urandom(18))
client_first_bare = "n=" + name + ",r=" + client_nonce
gs2_header = "n,,"
send("AUTH SCRAM-SHA-256 " + b64((gs2_header + client_first_bare).encode()))
reply = line()
if not reply.startswith("+ "):
    print("refused", reply); sys.exit(1)
server_first = base64.b64decode(reply[2:]).decode()
attrs = dict(part.split("=", 1) for part in server_first.split(","))
if not attrs["r"].startswith(client_nonce):
    print("server nonce does not extend ours"); sys.exit(2)
salt, iterations = base64.b64decode(attrs["s"]), int(attrs["i"])
print("iterations", iterations)

# RFC 5802 section 3.
salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
client_key = HMAC(salted, b"Client Key")
stored_key = H(client_key)
without_proof = "c=" + b64(gs2_header.encode()) + ",r=" + attrs["r"]
auth_message = (client_first_bare + "," + server_first + "," + without_proof).encode()
client_signature = HMAC(stored_key, auth_message)
proof = bytes(a ^ b for a, b in zip(client_key, client_signature))
send(b64((without_proof + ",p=" + b64(proof)).encode()))
reply = line()
if not reply.startswith("+ "):
    print("refused", reply); sys.exit(1)
server_final = base64.b64decode(reply[2:]).decode()
expected = "v=" + b64(HMAC(HMAC(salted, b"Server Key"), auth_message))
if server_final != expected:
    print("bad server signature", server_final); sys.exit(2)
print("server signature verified")
send("")  # the empty response to the additional data (RFC 5034 section 4)
print("login", line())
send("STAT")
print("stat", line())
send("QUIT")
print("quit", line())
