using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// A <see cref="ThreadCall"/> reference alone on its cache line (64 bytes either side): the ends of
/// <see cref="ThreadCallQueue"/> and <see cref="HeldThreadCalls"/> (and of the connection pool's waiting queue,
/// whose work items are ThreadCalls), each written by one side, must not share a line with anything the other
/// side writes. Not generic: the runtime refuses explicit layout on generic types.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCall
{
    /// <summary>The reference.</summary>
    [FieldOffset(64)]
    public ThreadCall? Value;
}
