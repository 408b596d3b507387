using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// A <see cref="ThreadCall"/> reference alone on its cache line (64 bytes either side): the ends of
/// <see cref="ThreadCallQueue"/>, each written by one side, must not share a line with anything the other side writes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCall
{
    /// <summary>The reference.</summary>
    [FieldOffset(64)]
    public ThreadCall? Value;
}
