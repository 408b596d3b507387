using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>struct io_uring_buf_reg: registers a provided-buffer ring (IORING_REGISTER_PBUF_RING).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BufRingRegistration
{
    public ulong RingAddr;
    public uint RingEntries;
    public ushort Bgid;
    public ushort Flags;
    public ulong Resv0, Resv1, Resv2;
}
