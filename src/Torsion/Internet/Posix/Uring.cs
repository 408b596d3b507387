namespace Torsion.Internet;

/// <summary>The io_uring constants Torsion uses (include/uapi/linux/io_uring.h).</summary>
internal static class Uring
{
    // Setup flags.
    internal const uint SetupCqSize = 1u << 3;
    internal const uint SetupRDisabled = 1u << 6;
    internal const uint SetupSubmitAll = 1u << 7;
    internal const uint SetupCoopTaskrun = 1u << 8;
    internal const uint SetupTaskrunFlag = 1u << 9;
    internal const uint SetupSingleIssuer = 1u << 12;
    internal const uint SetupDeferTaskrun = 1u << 13;

    // Features the kernel reports.
    internal const uint FeatSingleMmap = 1u << 0;
    internal const uint FeatNoDrop = 1u << 1;
    internal const uint FeatExtArg = 1u << 8;

    // Mapping offsets.
    internal const long OffSqRing = 0;
    internal const long OffCqRing = 0x8000000;
    internal const long OffSqes = 0x10000000;

    // io_uring_enter flags.
    internal const uint EnterGetEvents = 1u << 0;
    internal const uint EnterExtArg = 1u << 3;

    // SQ ring flags (kernel-written).
    internal const uint SqNeedWakeup = 1u << 0;
    internal const uint SqCqOverflow = 1u << 1;
    internal const uint SqTaskrun = 1u << 2;

    // SQE flags.
    internal const byte SqeIoLink = 1 << 2;
    internal const byte SqeIoHardlink = 1 << 3;
    internal const byte SqeCqeSkipSuccess = 1 << 6;
    internal const byte SqeBufferSelect = 1 << 5;

    // CQE flags.
    internal const uint CqeBuffer = 1u << 0;
    internal const uint CqeMore = 1u << 1;
    internal const uint CqeSockNonEmpty = 1u << 2;
    internal const int CqeBufferShift = 16;

    // Opcodes.
    internal const byte OpNop = 0;
    internal const byte OpPollAdd = 6;
    internal const byte OpPollRemove = 7;
    internal const byte OpSendMsg = 9;
    internal const byte OpRecvMsg = 10;
    internal const byte OpTimeout = 11;
    internal const byte OpAccept = 13;
    internal const byte OpAsyncCancel = 14;
    internal const byte OpConnect = 16;
    internal const byte OpClose = 19;
    internal const byte OpRead = 22;
    internal const byte OpWrite = 23;
    internal const byte OpSend = 26;
    internal const byte OpRecv = 27;
    internal const byte OpShutdown = 34;
    internal const byte OpMsgRing = 40;
    internal const byte OpSendZc = 47;

    // Op flags in ioprio.
    internal const ushort AcceptMultishot = 1 << 0;
    internal const ushort RecvMultishot = 1 << 1;
    // Cancel flags (cancel_flags, in the op-flags word).
    internal const uint AsyncCancelAll = 1u << 0;
    internal const uint AsyncCancelFd = 1u << 1;
    // Poll flags in len.
    internal const uint PollAddMulti = 1u << 0;

    // io_uring_register opcodes.
    internal const uint RegisterPbufRing = 22;
    internal const uint UnregisterPbufRing = 23;
    internal const uint RegisterRingFds = 20;
    internal const uint RegisterEnableRings = 12;
}
