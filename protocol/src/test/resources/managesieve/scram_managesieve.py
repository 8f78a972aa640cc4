"""SCRAM-SHA-256 (RFC 5802, RFC 7677) over ManageSieve (RFC 5804 section 2.1), from the RFCs and not from the
server's Java code. usage: scram_managesieve.py HOST PORT USER PASSWORD
Prints one line per step; exit 0 once the server's signature in OK (SASL "...") verified, 1 if refused, 2 otherwise."""
import base64, hashlib, hmac, os, re, socket, sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sock = socket.create_connection((host, port), timeout=10)
reader = sock.makefile("rb")

def line():
    text = reader.readline().decode()
    if not text.endswith("\r\n"):
        print("no CRLF", repr(text)); sys.exit(2)
    return text[:-2]

def response():
    lines = []
    while True:
        l = line()
        lines.append(l)
        if re.match(r"(OK|NO|BYE)\b", l):
            return lines

def hmac256(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()

greeting = response()
print("scram offered", any(l.startswith('"SASL"') and "SCRAM-SHA-256" in l for l in greeting))
nonce = base64.b64encode(os.urandom(18)).decode()
bare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + nonce
first = base64.b64encode(("n,," + bare).encode()).decode()
sock.sendall(('AUTHENTICATE "SCRAM-SHA-256" "%s"\r\n' % first).encode())
challenge = line()
if not challenge.startswith('"'):
    print("refused", challenge); sys.exit(1)
server_first = base64.b64decode(challenge.strip('"')).decode()
fields = dict(f.split("=", 1) for f in server_first.split(","))
if not fields["r"].startswith(nonce):
    print("bad nonce"); sys.exit(2)
salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(fields["s"]), int(fields["i"]))
client_key = hmac256(salted, b"Client Key")
without_proof = "c=biws,r=" + fields["r"]
auth_message = (bare + "," + server_first + "," + without_proof).encode()
signature = hmac256(hashlib.sha256(client_key).digest(), auth_message)
proof = bytes(a ^ b for a, b in zip(client_key, signature))
final = without_proof + ",p=" + base64.b64encode(proof).decode()
sock.sendall(('"%s"\r\n' % base64.b64encode(final.encode()).decode()).encode())
outcome = line()
print("outcome", outcome.split(" ")[0])
m = re.match(r'OK \(SASL "([^"]*)"\)', outcome)
if not m:
    sys.exit(1 if outcome.startswith("NO") else 2)
expected = "v=" + base64.b64encode(hmac256(hmac256(salted, b"Server Key"), auth_message)).decode()
verified = base64.b64decode(m.group(1)).decode() == expected
print("server signature verified", verified)
sock.sendall(b"LISTSCRIPTS\r\n")
print("listscripts", response()[-1])
sys.exit(0 if verified else 2)
