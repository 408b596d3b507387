"""A Twisted half-close peer for Torsion's interop tests (IHalfCloseableProtocol).

Usage: twisted_halfclose.py server
  Listens on 127.0.0.1 on a free port and prints "port N". Reads until the client closes its
  writing side (readConnectionLost), prints "got HEX" of all it read, then answers b"ack:" + that
  and closes; prints "done" and exits 0 once the connection is gone.
Usage: twisted_halfclose.py client PORT SIZE
  Connects, sends SIZE bytes (i * 7 mod 256) and closes its writing side (loseWriteConnection),
  then reads until the server closes; prints "got HEX" of the answer and "done", exiting 0 if the
  answer was b"ack:" + what it sent and the connection stayed open for reading until then.
No end in 30 s exits 2.
"""

import sys

from zope.interface import implementer

from twisted.internet import interfaces, protocol, reactor

from peers import finish, run


@implementer(interfaces.IHalfCloseableProtocol)
class Server(protocol.Protocol):
    def connectionMade(self):
        self.data = b""

    def dataReceived(self, data):
        self.data += data

    def readConnectionLost(self):
        print("got " + self.data.hex(), flush=True)
        self.transport.write(b"ack:" + self.data)
        self.transport.loseConnection()

    def writeConnectionLost(self):
        pass

    def connectionLost(self, reason):
        print("done", flush=True)
        finish(0)


@implementer(interfaces.IHalfCloseableProtocol)
class Client(protocol.Protocol):
    def connectionMade(self):
        self.reply = b""
        self.sent = bytes(i * 7 % 256 for i in range(self.factory.size))
        self.transport.write(self.sent)
        self.transport.loseWriteConnection()

    def dataReceived(self, data):
        self.reply += data

    def readConnectionLost(self):
        self.transport.loseConnection()

    def writeConnectionLost(self):
        pass

    def connectionLost(self, reason):
        print("got " + self.reply.hex(), flush=True)
        print("done", flush=True)
        finish(0 if self.reply == b"ack:" + self.sent else 1)


class ClientFactory(protocol.ClientFactory):
    protocol = Client

    def __init__(self, size):
        self.size = size

    def clientConnectionFailed(self, connector, reason):
        print("failed " + reason.getErrorMessage(), flush=True)
        finish(1)


def main(role, *args):
    if role == "server":
        port = reactor.listenTCP(0, protocol.Factory.forProtocol(Server), interface="127.0.0.1")
        print("port %d" % port.getHost().port, flush=True)
    else:
        reactor.connectTCP("127.0.0.1", int(args[0]), ClientFactory(int(args[1])), timeout=10)
    run()


if __name__ == "__main__":
    main(*sys.argv[1:])
