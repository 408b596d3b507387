using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>struct io_sqring_offsets (40 bytes): where the submission ring's fields sit in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SqRingOffsets
{
    public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Resv1;
    public ulong UserAddr;
}

/// <summary>struct io_cqring_offsets (40 bytes): where the completion ring's fields sit in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CqRingOffsets
{
    public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Resv1;
    public ulong UserAddr;
}

/// <summary>struct io_uring_params (120 bytes), in and out of io_uring_setup(2).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UringParams
{
    public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd;
    public uint Resv0, Resv1, Resv2;
    public SqRingOffsets SqOff;
    public CqRingOffsets CqOff;
}

/// <summary>struct io_uring_sqe (64 bytes): one submission. Unions are flattened to the members Torsion uses.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct Sqe
{
    [FieldOffset(0)] public byte Opcode;
    [FieldOffset(1)] public byte Flags;
    [FieldOffset(2)] public ushort IoPrio;
    [FieldOffset(4)] public int Fd;
    /// <summary>off, or addr2.</summary>
    [FieldOffset(8)] public ulong Off;
    /// <summary>addr.</summary>
    [FieldOffset(16)] public ulong Addr;
    [FieldOffset(24)] public uint Len;
    /// <summary>The op's flags: msg_flags, accept_flags, poll32_events, timeout_flags, ...</summary>
    [FieldOffset(28)] public uint OpFlags;
    [FieldOffset(32)] public ulong UserData;
    /// <summary>buf_index, or buf_group with IOSQE_BUFFER_SELECT.</summary>
    [FieldOffset(40)] public ushort BufIndex;
    [FieldOffset(42)] public ushort Personality;
    [FieldOffset(44)] public int SpliceFdIn;
    [FieldOffset(48)] public ulong Addr3;
    [FieldOffset(56)] public ulong Pad;
}

/// <summary>struct io_uring_cqe (16 bytes): one completion.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Cqe
{
    public ulong UserData;
    public int Res;
    public uint Flags;
}

/// <summary>struct io_uring_getevents_arg: the wait timeout io_uring_enter(2) takes with IORING_ENTER_EXT_ARG.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GetEventsArg
{
    public ulong SigMask;
    public uint SigMaskSize;
    public uint MinWaitUsec;
    public ulong Ts;
}

/// <summary>struct __kernel_timespec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KernelTimespec
{
    public long Seconds;
    public long Nanoseconds;
}

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

/// <summary>struct io_uring_buf (16 bytes): one provided buffer. The ring's tail lives in entry 0's <see cref="Resv"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProvidedBuffer
{
    public ulong Addr;
    public uint Len;
    public ushort Bid;
    public ushort Resv;
}
