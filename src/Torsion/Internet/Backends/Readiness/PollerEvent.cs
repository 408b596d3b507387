namespace Torsion.Internet;

/// <summary>One readiness event: the descriptor's token and what it is ready for.</summary>
internal struct PollerEvent
{
    /// <summary>The token given at registration.</summary>
    internal ulong Token;

    /// <summary>Readable (or end of file).</summary>
    internal bool Readable;

    /// <summary>Writable.</summary>
    internal bool Writable;

    /// <summary>Hang-up or error, with no data left to read.</summary>
    internal bool Disconnected;
}
