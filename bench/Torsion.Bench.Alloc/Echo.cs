using Torsion.Internet;

namespace Torsion.Bench.Alloc;

/// <summary>The server side: writes back what it reads (the same protocol as bench/server echo).</summary>
internal sealed class Echo : Protocol
{
    /// <summary>
    /// Set by --self-check: each read is copied to a new array first, so the meter must show at
    /// least 64 + 24 bytes per round trip; proves a zero reading is not a meter that sees nothing.
    /// </summary>
    internal static bool CopyEachRead { get; set; }

    public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(CopyEachRead ? data.ToArray() : data);
}
