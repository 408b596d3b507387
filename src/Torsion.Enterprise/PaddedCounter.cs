using System.Runtime.InteropServices;

namespace Torsion.Enterprise;

/// <summary>
/// A counter alone on its cache line (64 bytes either side), for a field one thread writes often and others
/// rarely read: beside fields another core reads, each write would first have to take the line back.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    /// <summary>The count; use <see cref="Interlocked"/> or <see cref="Volatile"/> on it.</summary>
    [FieldOffset(64)]
    public int Value;
}
