using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>struct io_uring_params (120 bytes), in and out of io_uring_setup(2).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UringParams
{
    public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd;
    public uint Resv0, Resv1, Resv2;
    public SqRingOffsets SqOff;
    public CqRingOffsets CqOff;
}
