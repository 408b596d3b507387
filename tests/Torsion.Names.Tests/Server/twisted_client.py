"""Twisted's DNS client against a server on 127.0.0.1:PORT.

Usage: twisted_client.py PORT METHOD:NAME ...  (METHOD is a twisted.names.client.Resolver lookup*).
Prints one JSON object per lookup, in order: the answers as "TYPE data" strings, the authority
section's types, or the error's class name.
"""
import json
import socket
import sys

from twisted.internet import defer, task
from twisted.names import client, dns


def text(record):
    p = record.payload
    t = dns.QUERY_TYPES.get(record.type, str(record.type))
    if record.type == dns.A:
        data = p.dottedQuad()
    elif record.type == dns.AAAA:
        data = socket.inet_ntop(socket.AF_INET6, p.address)
    elif record.type == dns.MX:
        data = "%d %s" % (p.preference, p.name)
    elif record.type == dns.TXT:
        data = " ".join(s.decode("utf-8", "replace") for s in p.data)
    elif record.type == dns.SRV:
        data = "%d %d %d %s" % (p.priority, p.weight, p.port, p.target)
    elif record.type == dns.SOA:
        data = "%s %s %d" % (p.mname, p.rname, p.serial)
    elif record.type in (dns.NS, dns.CNAME, dns.PTR):
        data = str(p.name)
    else:
        data = repr(p)
    return "%s %s %s" % (record.name, t, data)


@defer.inlineCallbacks
def main(reactor, port, *queries):
    resolver = client.Resolver(servers=[("127.0.0.1", int(port))])
    for query in queries:
        method, name = query.split(":", 1)
        try:
            # lookupZone takes one timeout in seconds; the others a sequence of them.
            timeout = 30 if method == "lookupZone" else (10, 10)
            answers, authority, additional = yield getattr(resolver, method)(name, timeout=timeout)
            out = {"query": query, "answers": [text(r) for r in answers],
                   "authority": [dns.QUERY_TYPES.get(r.type, str(r.type)) for r in authority],
                   "additional": [text(r) for r in additional]}
        except Exception as e:  # the error's class is the result under test
            out = {"query": query, "error": type(e).__name__}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    task.react(main, sys.argv[1:])
