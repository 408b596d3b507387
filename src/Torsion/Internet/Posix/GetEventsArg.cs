using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>struct io_uring_getevents_arg: the wait timeout io_uring_enter(2) takes with IORING_ENTER_EXT_ARG.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GetEventsArg
{
    public ulong SigMask;
    public uint SigMaskSize;
    public uint MinWaitUsec;
    public ulong Ts;
}
