"""Shared by the Twisted peers of Torsion's interop tests: the three framings and the message file."""

from twisted.protocols import basic


def read_messages(path):
    """One hex-encoded message per line (an empty line is the empty message)."""
    with open(path) as f:
        return [bytes.fromhex(line.strip()) for line in f.read().split("\n")[:-1]]


def framed(mode, base):
    """A protocol class speaking MODE, calling base.received(data) for each message and base.send to send."""
    if mode == "lines":

        class Lines(base, basic.LineReceiver):
            def lineReceived(self, line):
                self.received(line)

            def send(self, data):
                self.sendLine(data)

        return Lines
    if mode == "netstrings":

        class Netstrings(base, basic.NetstringReceiver):
            def stringReceived(self, string):
                self.received(string)

            def send(self, data):
                self.sendString(data)

        return Netstrings
    if mode == "int32":

        class Int32(base, basic.Int32StringReceiver):
            def stringReceived(self, string):
                self.received(string)

            def send(self, data):
                self.sendString(data)

        return Int32
    raise SystemExit("unknown mode " + mode)
