using System.Runtime.InteropServices;

namespace Torsion.Enterprise;

/// <summary>
/// A reference to queued work alone on its cache line (64 bytes either side), for a field one side writes often
/// that another side's fields must not share a line with. Not generic:
/// the runtime refuses explicit layout on generic types.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedReference
{
    /// <summary>The reference; use <see cref="Interlocked"/> or <see cref="Volatile"/> on it where threads share it.</summary>
    [FieldOffset(64)]
    public QueuedWork? Value;
}
