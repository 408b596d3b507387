namespace Torsion.Protocols;

/// <summary>What <see cref="ProxyHeaderParser.Parse"/> found.</summary>
internal enum ProxyHeaderStatus
{
    /// <summary>The header is not complete yet; every byte given was used.</summary>
    NeedMoreData,

    /// <summary>The header is complete; <see cref="ProxyHeaderParser.Header"/> holds it.</summary>
    Done,

    /// <summary>The header is malformed; <see cref="ProxyHeaderParser.Error"/> says how.</summary>
    Error,
}
