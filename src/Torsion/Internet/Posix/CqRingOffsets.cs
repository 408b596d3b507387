using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>struct io_cqring_offsets (40 bytes): where the completion ring's fields sit in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CqRingOffsets
{
    public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Resv1;
    public ulong UserAddr;
}
