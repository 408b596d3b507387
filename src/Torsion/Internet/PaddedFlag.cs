using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// An int alone on its cache line (64 bytes either side), for a flag that other threads read on every call and
/// the reactor thread writes seldom: beside the loop's busy fields, each of their writes would take the line
/// from every reader.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedFlag
{
    /// <summary>The value; use <see cref="Interlocked"/> or <see cref="Volatile"/> on it.</summary>
    [FieldOffset(64)]
    public int Value;
}
