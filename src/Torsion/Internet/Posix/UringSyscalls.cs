using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// The three io_uring system calls and the memory mapping of its rings, called through libc's
/// <c>syscall(2)</c> so no liburing is needed. The numbers 425–427 are the same on every Linux
/// architecture (they were allocated after the tables were unified).
/// </summary>
internal static unsafe partial class UringSyscalls
{
    private const string Lib = "libc";
    private const long SysSetup = 425;
    private const long SysEnter = 426;
    private const long SysRegister = 427;

    internal const int ProtRead = 0x1;
    internal const int ProtWrite = 0x2;
    internal const int MapShared = 0x01;
    internal const int MapPopulate = 0x08000;
    internal static readonly nint MapFailed = -1;

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall2(long number, uint entries, UringParams* p);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall6(long number, int fd, uint toSubmit, uint minComplete, uint flags, void* arg, nint argSize);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall4(long number, int fd, uint opcode, void* arg, uint count);

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    internal static partial nint Mmap(nint addr, nint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(nint addr, nint length);

    /// <summary>io_uring_setup(2): a new ring of <paramref name="entries"/> submission slots; the kernel fills <paramref name="p"/>.</summary>
    internal static int Setup(uint entries, UringParams* p) => (int)Syscall2(SysSetup, entries, p);

    /// <summary>io_uring_enter(2): submit <paramref name="toSubmit"/> entries and, with GETEVENTS, wait for <paramref name="minComplete"/> completions.</summary>
    internal static int Enter(int fd, uint toSubmit, uint minComplete, uint flags, void* arg, nint argSize) =>
        (int)Syscall6(SysEnter, fd, toSubmit, minComplete, flags, arg, argSize);

    /// <summary>io_uring_register(2).</summary>
    internal static int Register(int fd, uint opcode, void* arg, uint count) => (int)Syscall4(SysRegister, fd, opcode, arg, count);
}
