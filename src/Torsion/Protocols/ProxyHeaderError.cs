namespace Torsion.Protocols;

/// <summary>Why a PROXY protocol header was refused; each kind is logged once per factory.</summary>
internal enum ProxyHeaderError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The first bytes are neither <c>PROXY </c> (v1) nor the v2 signature: the header is missing.</summary>
    Missing,

    /// <summary>A v1 line longer than 107 bytes, or a CR not followed by LF, or an LF without CR.</summary>
    V1BadLine,

    /// <summary>A v1 line whose fields are not <c>TCP4|TCP6 SRC DST SPORT DPORT</c> or <c>UNKNOWN ...</c>.</summary>
    V1BadSyntax,

    /// <summary>A v1 address that is not a canonical address of its family.</summary>
    V1BadAddress,

    /// <summary>A v1 port that is not a decimal 0..65535 without leading zeros.</summary>
    V1BadPort,

    /// <summary>A v2 version nibble other than 2.</summary>
    V2BadVersion,

    /// <summary>A v2 command other than LOCAL (0) or PROXY (1).</summary>
    V2BadCommand,

    /// <summary>A v2 address family or transport protocol that is unknown, or DGRAM on a stream.</summary>
    V2BadFamily,

    /// <summary>A v2 address block shorter than its family's addresses.</summary>
    V2ShortAddresses,

    /// <summary>v2 TLVs that do not exactly fill the rest of the address block.</summary>
    V2BadTlv,

    /// <summary>The header did not arrive within the timeout.</summary>
    Timeout,
}
