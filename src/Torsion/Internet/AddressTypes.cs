namespace Torsion.Internet;

/// <summary>
/// Which kinds of address a name resolution may answer with (Twisted's <c>addressTypes</c> argument of
/// <c>resolveHostName</c>, a set of <c>IPv4Address</c>/<c>IPv6Address</c>).
/// </summary>
[Flags]
public enum AddressTypes
{
    /// <summary>IPv4 addresses (A records, 127.0.0.1).</summary>
    IPv4 = 1,

    /// <summary>IPv6 addresses (AAAA records, ::1).</summary>
    IPv6 = 2,

    /// <summary>Both families: what <see cref="IHostnameResolver"/> answers when not told otherwise.</summary>
    Any = IPv4 | IPv6,
}
