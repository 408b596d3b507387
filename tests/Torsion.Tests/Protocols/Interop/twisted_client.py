"""A Twisted client for Torsion's interop tests.

Usage: twisted_client.py MODE PORT MESSAGES [CA HOSTNAME]
Connects to 127.0.0.1:PORT (over TLS when CA and HOSTNAME are given: trusting only CA, checking
HOSTNAME), sends every message of the file MESSAGES framed as MODE, prints "got HEX" for each
message the server sends back, and once it has as many replies as it sent messages, prints "done",
closes and exits 0. A connection lost early prints "lost REASON" and exits 1; no end in 30 s exits 2.
"""

import sys

from twisted.internet import protocol, reactor

from peers import client_tls, finish, framed, read_messages, run


class Client:
    def connectionMade(self):
        self.count = 0
        for message in self.factory.messages:
            self.send(message)

    def received(self, data):
        print("got " + data.hex(), flush=True)
        self.count += 1
        if self.count == len(self.factory.messages):
            print("done", flush=True)
            self.transport.loseConnection()

    def connectionLost(self, reason):
        if self.count == len(self.factory.messages):
            finish(0)
        else:
            print("lost " + reason.getErrorMessage().replace("\n", " "), flush=True)
            finish(1)


class Factory(protocol.ClientFactory):
    def clientConnectionFailed(self, connector, reason):
        print("failed " + reason.getErrorMessage(), flush=True)
        finish(1)


def main(mode, port, path, ca=None, hostname=None):
    factory = Factory()
    factory.protocol = framed(mode, Client)
    factory.messages = read_messages(path)
    if ca is None:
        reactor.connectTCP("127.0.0.1", int(port), factory, timeout=10)
    else:
        reactor.connectSSL("127.0.0.1", int(port), factory, client_tls(ca, hostname), timeout=10)
    run()


if __name__ == "__main__":
    main(*sys.argv[1:])
