namespace Torsion.Names.Wire;

/// <summary>
/// A message's RCODE (twisted.names.dns's <c>OK</c>, <c>EFORMAT</c>, <c>ENAME</c>, ...), twelve bits:
/// the low four travel in the header, the high eight in the OPT record (RFC 6891), so codes above 15
/// need <see cref="DnsMessage.Edns"/>.
/// </summary>
public enum ResponseCode : ushort
{
    /// <summary>No error (Twisted's <c>OK</c>).</summary>
    NoError = 0,
    /// <summary>Format error (Twisted's <c>EFORMAT</c>).</summary>
    FormErr = 1,
    /// <summary>Server failure (Twisted's <c>ESERVER</c>).</summary>
    ServFail = 2,
    /// <summary>The name does not exist (Twisted's <c>ENAME</c>).</summary>
    NXDomain = 3,
    /// <summary>Not implemented (Twisted's <c>ENOTIMP</c>).</summary>
    NotImp = 4,
    /// <summary>Refused (Twisted's <c>EREFUSED</c>).</summary>
    Refused = 5,
    /// <summary>A name exists that should not (RFC 2136).</summary>
    YXDomain = 6,
    /// <summary>An RRset exists that should not (RFC 2136).</summary>
    YXRRSet = 7,
    /// <summary>An RRset that should exist does not (RFC 2136).</summary>
    NXRRSet = 8,
    /// <summary>Not authoritative (RFC 2136).</summary>
    NotAuth = 9,
    /// <summary>A name is not in the zone (RFC 2136).</summary>
    NotZone = 10,
    /// <summary>Unsupported EDNS version (RFC 6891; Twisted's <c>EBADVERSION</c>).</summary>
    BadVers = 16,
    /// <summary>Bad or missing server cookie (RFC 7873).</summary>
    BadCookie = 23,
}
