"""A Twisted client for Torsion's interop tests.

Usage: twisted_client.py MODE PORT MESSAGES
Connects to 127.0.0.1:PORT, sends every message of the file MESSAGES framed as MODE (lines,
netstrings or int32), prints "got HEX" for each message the server sends back, and once it has as
many replies as it sent messages, prints "done" and closes.
"""

import sys

from twisted.internet import protocol, reactor

from peers import framed, read_messages


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
        if reactor.running:
            reactor.stop()


class Factory(protocol.ClientFactory):
    def clientConnectionFailed(self, connector, reason):
        print("failed " + reason.getErrorMessage(), flush=True)
        reactor.stop()


def main(mode, port, path):
    factory = Factory()
    factory.protocol = framed(mode, Client)
    factory.messages = read_messages(path)
    reactor.connectTCP("127.0.0.1", int(port), factory, timeout=10)
    reactor.callLater(30, reactor.stop)
    reactor.run()


if __name__ == "__main__":
    main(*sys.argv[1:])
