"""The Twisted side of TwistedWireInteropTests: twisted.names.dns, not Torsion, encodes and decodes.

make          prints "case NAME HEX" for messages built with twisted.names.dns
read HEX...   parses each message with twisted.names.dns and prints its fields, one line each
"""
import socket
import sys

from twisted.names import dns


def rr(name, type_, payload, ttl=300, cls=dns.IN):
    return dns.RRHeader(name, type_, cls, ttl, payload)


def make():
    cases = {}

    m = dns.Message(id=0x1234, answer=1, opCode=dns.OP_QUERY, auth=1, recDes=1, recAv=1, rCode=dns.OK)
    m.queries = [dns.Query(b"example.com", dns.ALL_RECORDS, dns.IN)]
    m.answers = [
        rr(b"example.com", dns.A, dns.Record_A("192.0.2.1")),
        rr(b"example.com", dns.AAAA, dns.Record_AAAA("2001:db8::1")),
        rr(b"example.com", dns.NS, dns.Record_NS(b"ns1.example.com")),
        rr(b"www.example.com", dns.CNAME, dns.Record_CNAME(b"example.com")),
        rr(b"example.com", dns.SOA, dns.Record_SOA(b"ns1.example.com", b"hostmaster.example.com", 2024010101, 7200, 3600, 1209600, 300)),
        rr(b"1.2.0.192.in-addr.arpa", dns.PTR, dns.Record_PTR(b"example.com")),
        rr(b"example.com", dns.MX, dns.Record_MX(10, b"mail.example.com")),
        rr(b"example.com", dns.TXT, dns.Record_TXT(b"v=spf1 -all", b"second string", b"")),
        rr(b"_sip._tcp.example.com", dns.SRV, dns.Record_SRV(5, 20, 5060, b"sip.example.com")),
        rr(b"example.com", dns.NAPTR, dns.Record_NAPTR(100, 10, b"u", b"E2U+sip", b"!^.*$!sip:info@example.com!", b"")),
        rr(b"example.com", dns.HINFO, dns.Record_HINFO(b"x86-64", b"Linux")),
        rr(b"old.example.com", dns.DNAME, dns.Record_DNAME(b"new.example.com")),
    ]
    m.authority = [rr(b"example.com", dns.NS, dns.Record_NS(b"ns2.example.com"), ttl=86400)]
    m.additional = [rr(b"ns1.example.com", dns.A, dns.Record_A("192.0.2.53"), ttl=0)]
    cases["all-types"] = m

    m = dns.Message(id=7, answer=1, rCode=dns.ENAME, auth=1)
    m.queries = [dns.Query(b"nowhere.example.org", dns.A, dns.IN)]
    m.authority = [rr(b"example.org", dns.SOA, dns.Record_SOA(b"a.example.org", b"b.example.org", 1, 2, 3, 4, 5))]
    cases["nxdomain"] = m

    m = dns.Message(id=65535, recDes=1)
    m.queries = [dns.Query(b"version.bind", dns.TXT, dns.CH)]
    cases["chaos-query"] = m

    # Types Twisted has no class for travel as UnknownRecord (RFC 3597): CAA, a private type.
    m = dns.Message(id=99, answer=1)
    m.answers = [
        rr(b"example.net", 257, dns.UnknownRecord(b"\x00\x05issueletsencrypt.org")),
        rr(b"example.net", 65280, dns.UnknownRecord(b"\x01\x02\x03\xc0\x0c")),
    ]
    cases["unknown-types"] = m

    # EDNS0 built by hand so that options are kept: Twisted's _EDNSMessage drops them.
    m = dns.Message(id=4242, recDes=1)
    m.queries = [dns.Query(b"example.com", dns.AAAA, dns.IN)]
    m.additional = [dns._OPTHeader(udpPayloadSize=1232, extendedRCODE=1, version=0, dnssecOK=True,
                                   options=[dns._OPTVariableOption(10, b"\x01\x02\x03\x04\x05\x06\x07\x08")])]
    cases["edns-options"] = m

    for name, message in cases.items():
        print("case", name, message.toStr().hex())


def show_name(n):
    return n.name.decode("latin-1") if n.name else "."


def cs(c):
    return (c.string if isinstance(c, dns.Charstr) else c).hex()


def show_payload(t, p):
    if t == dns.A:
        return p.dottedQuad()
    if t == dns.AAAA:
        return socket.inet_ntop(socket.AF_INET6, p.address)
    if t in (dns.NS, dns.CNAME, dns.PTR, dns.DNAME):
        return show_name(p.name)
    if t == dns.SOA:
        return " ".join([show_name(p.mname), show_name(p.rname)] + [str(x) for x in (p.serial, p.refresh, p.retry, p.expire, p.minimum)])
    if t == dns.MX:
        return "%d %s" % (p.preference, show_name(p.name))
    if t == dns.TXT:
        return ",".join(s.hex() for s in p.data)
    if t == dns.SRV:
        return "%d %d %d %s" % (p.priority, p.weight, p.port, show_name(p.target))
    if t == dns.NAPTR:
        return "%d %d %s %s %s %s" % (p.order, p.preference, cs(p.flags), cs(p.service), cs(p.regexp), show_name(p.replacement))
    if t == dns.HINFO:
        return "%s %s" % (p.cpu.hex(), p.os.hex())
    return p.data.hex()


def read(hexes):
    for h in hexes:
        raw = bytes.fromhex(h)
        m = dns.Message()
        m.fromStr(raw)
        e = dns._EDNSMessage._fromMessage(m)
        print("header id=%d answer=%d opCode=%d auth=%d trunc=%d recDes=%d recAv=%d authenticData=%d checkingDisabled=%d rCode=%d" % (
            e.id, e.answer, e.opCode, e.auth, e.trunc, e.recDes, e.recAv, e.authenticData, e.checkingDisabled, e.rCode))
        if e.ednsVersion is not None:
            print("edns version=%d dnssecOK=%d maxSize=%d" % (e.ednsVersion, e.dnssecOK, e.maxSize))
        for q in m.queries:
            print("query %s %d %d" % (show_name(q.name), q.type, q.cls))
        for section in ("answers", "authority", "additional"):
            for r in getattr(m, section):
                if r.type == dns.OPT:
                    continue
                print("%s %s %d %d %d %s" % (section, show_name(r.name), r.type, r.cls, r.ttl, show_payload(r.type, r.payload)))
        print("end")


if sys.argv[1] == "make":
    make()
else:
    read(sys.argv[2:])
print("done")
