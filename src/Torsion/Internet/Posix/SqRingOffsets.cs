using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>struct io_sqring_offsets (40 bytes): where the submission ring's fields sit in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SqRingOffsets
{
    public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Resv1;
    public ulong UserAddr;
}
