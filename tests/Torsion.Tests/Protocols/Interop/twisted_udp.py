"""A Twisted UDP peer for Torsion's interop tests.

Usage: twisted_udp.py server COUNT
  Listens on 127.0.0.1 on a free port and prints "port N"; answers every datagram with b"ack:" +
  the datagram and prints "got HEX" for each new one. After COUNT distinct datagrams it prints
  "done" and exits 0 (repeats, sent again by a client that lost an answer, are answered again).
Usage: twisted_udp.py client PORT MESSAGES
  Sends each message of the file MESSAGES as one datagram to 127.0.0.1:PORT, again every 0.2 s
  until its answer came (loopback seldom drops, but UDP may), printing "got HEX" for each new
  answer; once all came it prints "done" and exits 0. No end in 30 s exits 2.
"""

import sys

from twisted.internet import protocol, reactor, task

from peers import finish, read_messages, run


class Server(protocol.DatagramProtocol):
    def __init__(self, count):
        self.count = count
        self.seen = set()

    def datagramReceived(self, data, addr):
        self.transport.write(b"ack:" + data, addr)
        if data not in self.seen:
            self.seen.add(data)
            print("got " + data.hex(), flush=True)
            if len(self.seen) == self.count:
                print("done", flush=True)
                # Answers to repeats still in flight are not needed: the client has all it asked for
                # once it stops sending, and a late repeat would find no one (that is fine for UDP).
                reactor.callLater(0.5, finish, 0)


class Client(protocol.DatagramProtocol):
    def __init__(self, port, messages):
        self.address = ("127.0.0.1", port)
        self.waiting = {b"ack:" + m: m for m in messages}

    def startProtocol(self):
        self.resend = task.LoopingCall(self.send)
        self.resend.start(0.2)

    def send(self):
        for message in list(self.waiting.values()):
            self.transport.write(message, self.address)

    def datagramReceived(self, data, addr):
        if data in self.waiting:
            del self.waiting[data]
            print("got " + data.hex(), flush=True)
            if not self.waiting:
                self.resend.stop()
                print("done", flush=True)
                finish(0)


def main(role, *args):
    if role == "server":
        port = reactor.listenUDP(0, Server(int(args[0])), interface="127.0.0.1")
        print("port %d" % port.getHost().port, flush=True)
    else:
        reactor.listenUDP(0, Client(int(args[0]), read_messages(args[1])), interface="127.0.0.1")
    run()


if __name__ == "__main__":
    main(*sys.argv[1:])
