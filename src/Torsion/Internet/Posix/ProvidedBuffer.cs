using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>struct io_uring_buf (16 bytes): one provided buffer. The ring's tail lives in entry 0's <see cref="Resv"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProvidedBuffer
{
    public ulong Addr;
    public uint Len;
    public ushort Bid;
    public ushort Resv;
}
