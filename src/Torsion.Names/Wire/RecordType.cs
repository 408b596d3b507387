namespace Torsion.Names.Wire;

/// <summary>
/// A resource record TYPE (twisted.names.dns's <c>A</c>, <c>NS</c>, ... constants). Any 16-bit
/// value is valid: the types without a member here are carried as <see cref="UnknownRecord"/>.
/// </summary>
public enum RecordType : ushort
{
    /// <summary>An IPv4 address (RFC 1035).</summary>
    A = 1,
    /// <summary>An authoritative name server.</summary>
    NS = 2,
    /// <summary>The canonical name of an alias.</summary>
    CNAME = 5,
    /// <summary>The start of a zone of authority.</summary>
    SOA = 6,
    /// <summary>A domain name pointer.</summary>
    PTR = 12,
    /// <summary>Host information.</summary>
    HINFO = 13,
    /// <summary>Mail exchange.</summary>
    MX = 15,
    /// <summary>Text strings.</summary>
    TXT = 16,
    /// <summary>An IPv6 address (RFC 3596).</summary>
    AAAA = 28,
    /// <summary>A service location (RFC 2782).</summary>
    SRV = 33,
    /// <summary>Naming authority pointer (RFC 3403).</summary>
    NAPTR = 35,
    /// <summary>Delegation of a subtree (RFC 6672).</summary>
    DNAME = 39,
    /// <summary>The EDNS0 pseudo-record (RFC 6891); see <see cref="Edns"/>.</summary>
    OPT = 41,
    /// <summary>Delegation signer (RFC 4034), carried as raw data.</summary>
    DS = 43,
    /// <summary>A signature (RFC 4034), carried as raw data.</summary>
    RRSIG = 46,
    /// <summary>Next secure (RFC 4034), carried as raw data.</summary>
    NSEC = 47,
    /// <summary>A DNS key (RFC 4034), carried as raw data.</summary>
    DNSKEY = 48,
    /// <summary>Service binding (RFC 9460), carried as raw data.</summary>
    SVCB = 64,
    /// <summary>HTTPS service binding (RFC 9460), carried as raw data.</summary>
    HTTPS = 65,
    /// <summary>A zone transfer request (question only).</summary>
    AXFR = 252,
    /// <summary>All records (question only; twisted.names's <c>ALL_RECORDS</c>).</summary>
    ANY = 255,
    /// <summary>Certification authority authorization (RFC 8659).</summary>
    CAA = 257,
}
