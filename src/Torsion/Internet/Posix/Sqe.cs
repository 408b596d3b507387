using System.Runtime.InteropServices;

namespace Torsion.Internet;

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
