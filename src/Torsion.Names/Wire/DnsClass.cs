namespace Torsion.Names.Wire;

/// <summary>A resource record CLASS (twisted.names.dns's <c>IN</c>, <c>CH</c>, ...). Any 16-bit value is valid.</summary>
public enum DnsClass : ushort
{
    /// <summary>The Internet.</summary>
    IN = 1,
    /// <summary>CSNET (obsolete).</summary>
    CS = 2,
    /// <summary>Chaos (<c>version.bind</c> and friends).</summary>
    CH = 3,
    /// <summary>Hesiod.</summary>
    HS = 4,
    /// <summary>NONE, in dynamic updates (RFC 2136).</summary>
    NONE = 254,
    /// <summary>Any class (question only, and in dynamic updates).</summary>
    ANY = 255,
}
