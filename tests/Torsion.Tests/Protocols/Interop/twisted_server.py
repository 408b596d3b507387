"""A Twisted server for Torsion's interop tests.

Usage: twisted_server.py MODE [CERT KEY]
Listens on 127.0.0.1 on a free port (over TLS with the PEM files CERT and KEY when given) and
prints "port N". For each message framed as MODE it prints "got HEX" and answers b"ack:" + the
message. When the client closes it prints "lost REASON" and "done" and exits 0; no client within
30 s exits 2.
"""

import sys

from twisted.internet import protocol, reactor

from peers import finish, framed, run, server_tls


class Server:
    def received(self, data):
        print("got " + data.hex(), flush=True)
        self.send(b"ack:" + data)

    def connectionLost(self, reason):
        print("lost " + reason.getErrorMessage().replace("\n", " "), flush=True)
        print("done", flush=True)
        finish(0)


def main(mode, cert=None, key=None):
    factory = protocol.ServerFactory()
    factory.protocol = framed(mode, Server)
    if cert is None:
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
    else:
        port = reactor.listenSSL(0, factory, server_tls(cert, key), interface="127.0.0.1")
    print("port %d" % port.getHost().port, flush=True)
    run()


if __name__ == "__main__":
    main(*sys.argv[1:])
