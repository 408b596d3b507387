"""Shared by the Twisted peers of Torsion's interop tests: the framings, the message file, TLS
options, and a bounded run that ends the process with a status the test checks."""

import sys

from twisted.internet import reactor, ssl
from twisted.protocols import basic

_status = []


def read_messages(path):
    """One hex-encoded message per line (an empty line is the empty message)."""
    with open(path) as f:
        return [bytes.fromhex(line.strip()) for line in f.read().split("\n")[:-1]]


def finish(code):
    """Ends the run with exit status CODE (the first call wins)."""
    if not _status:
        _status.append(code)
    if reactor.running:
        reactor.stop()


def run(timeout=30):
    """Runs the reactor at most TIMEOUT seconds; exits 0 only if finish(0) was called."""

    def expired():
        print("timeout", flush=True)
        finish(2)

    reactor.callLater(timeout, expired)
    reactor.run()
    sys.exit(_status[0] if _status else 3)


def client_tls(ca_path, hostname):
    """Client TLS options trusting only the CA in CA_PATH and checking HOSTNAME (Twisted's own check)."""
    with open(ca_path, "rb") as f:
        authority = ssl.Certificate.loadPEM(f.read())
    return ssl.optionsForClientTLS(hostname, trustRoot=authority)


def server_tls(cert_path, key_path):
    """Server TLS options from a PEM certificate and a PEM (PKCS#8) key."""
    with open(cert_path, "rb") as c, open(key_path, "rb") as k:
        return ssl.PrivateCertificate.loadPEM(c.read() + b"\n" + k.read()).options()


def _string_receiver(name, receiver):
    def make(base):
        class Framed(base, receiver):
            def stringReceived(self, string):
                self.received(string)

            def send(self, data):
                self.sendString(data)

        Framed.__name__ = name
        return Framed

    return make


def _line_receiver(name, receiver):
    def make(base):
        class Framed(base, receiver):
            def lineReceived(self, line):
                self.received(line)

            def send(self, data):
                self.sendLine(data)

        Framed.__name__ = name
        return Framed

    return make


_FRAMINGS = {
    "lines": _line_receiver("Lines", basic.LineReceiver),
    "lineonly": _line_receiver("LineOnly", basic.LineOnlyReceiver),
    "netstrings": _string_receiver("Netstrings", basic.NetstringReceiver),
    "int32": _string_receiver("Int32", basic.Int32StringReceiver),
    "int16": _string_receiver("Int16", basic.Int16StringReceiver),
    "int8": _string_receiver("Int8", basic.Int8StringReceiver),
}


def framed(mode, base):
    """A protocol class speaking MODE, calling base.received(data) for each message and base.send to send."""
    if mode not in _FRAMINGS:
        raise SystemExit("unknown mode " + mode)
    return _FRAMINGS[mode](base)
