"""A Twisted server for Torsion's interop tests.

Usage: twisted_server.py MODE
Listens on 127.0.0.1 on a free port and prints "port N". For each message framed as MODE (lines,
netstrings or int32) it prints "got HEX" and answers b"ack:" + the message. When the client closes
it prints "done" and exits.
"""

import sys

from twisted.internet import protocol, reactor

from peers import framed


class Server:
    def received(self, data):
        print("got " + data.hex(), flush=True)
        self.send(b"ack:" + data)

    def connectionLost(self, reason):
        print("done", flush=True)
        if reactor.running:
            reactor.stop()


def main(mode):
    factory = protocol.ServerFactory()
    factory.protocol = framed(mode, Server)
    port = reactor.listenTCP(0, factory, interface="127.0.0.1")
    print("port %d" % port.getHost().port, flush=True)
    reactor.callLater(30, reactor.stop)
    reactor.run()


if __name__ == "__main__":
    main(*sys.argv[1:])
