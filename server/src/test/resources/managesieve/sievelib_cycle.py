"""The whole ManageSieve cycle with Debian's python3-sievelib (a client we did not write), run by
ManageSieveInteropTest as: /usr/bin/python3 sievelib_cycle.py HOST PORT USER PASSWORD. Prints one line per step;
the test compares them."""
import sys

from sievelib.managesieve import Client

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
client = Client(host, port)
print("connect", client.connect(user, password, starttls=True, authmech="PLAIN"))
print("implementation", client.get_implementation())
print("fileinto offered", "fileinto" in client.get_sieve_capabilities())
script = 'require ["fileinto"];\r\nif header :contains "subject" "[list]" {\r\n  fileinto "Lists";\r\n}\r\n'
print("havespace", client.havespace("lists", len(script)))
print("put", client.putscript("lists", script))
print("put second", client.putscript("other", "keep;\r\n"))
print("list", client.listscripts())
print("setactive", client.setactive("lists"))
print("list", client.listscripts())
# sievelib hands the script back as lines joined by "\n".
print("get same", client.getscript("lists").splitlines() == script.splitlines())
print("rename", client.renamescript("lists", "filters"))
print("rename onto existing", client.renamescript("filters", "other"), client.errcode)
print("list", client.listscripts())
print("delete active", client.deletescript("filters"), client.errcode)
print("delete", client.deletescript("other"))
print("put bad", client.putscript("bad", "keep;\r\nfrobnicate;\r\n"), client.errmsg.decode())
print("check good", client.checkscript("discard;\r\n"))
print("list", client.listscripts())
client.logout()
