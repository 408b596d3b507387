using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// Whether io_uring can run here with what the backend needs, and if not, why in words a user can
/// act on (a kernel too old, io_uring switched off by the <c>kernel.io_uring_disabled</c> sysctl, a
/// seccomp filter in a container). The probe is the real thing: it sets up a small ring and asks the
/// kernel which operations it supports.
/// </summary>
internal static unsafe class UringProbe
{
    private const uint RegisterProbe = 8;
    private const ushort OpSupported = 1;

    /// <summary>The operations every io_uring reactor submits.</summary>
    private static readonly (byte Op, string Name)[] Required =
    [
        (Uring.OpPollAdd, "POLL_ADD"), (Uring.OpSendMsg, "SENDMSG"), (Uring.OpAccept, "ACCEPT"),
        (Uring.OpAsyncCancel, "ASYNC_CANCEL"), (Uring.OpConnect, "CONNECT"), (Uring.OpClose, "CLOSE"),
        (Uring.OpRead, "READ"), (Uring.OpRecv, "RECV"), (Uring.OpShutdown, "SHUTDOWN"),
    ];

    /// <summary>Null when the backend can run here; otherwise the reason.</summary>
    internal static string? UnsupportedReason() => UnsupportedReason(static () => new IoRing(8, 0));

    /// <summary>
    /// The probe with <paramref name="setup"/> making its ring: the seam through which a test simulates
    /// a kernel that refuses io_uring (a parameter, not a static, so it cannot leak into tests that run meanwhile).
    /// </summary>
    internal static string? UnsupportedReason(Func<IoRing> setup)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "io_uring needs Linux";
        }
        IoRing ring;
        try
        {
            ring = setup();
        }
        catch (SystemCallException e)
        {
            return Explain(e);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or PlatformNotSupportedException)
        {
            return "io_uring cannot be reached here: " + e.Message;
        }
        using (ring)
        {
            if ((ring.Features & Uring.FeatExtArg) == 0)
            {
                return "the kernel's io_uring lacks IORING_FEAT_EXT_ARG (Linux 5.11 or later is needed)";
            }
            var missing = MissingOperations(ring);
            return missing.Count == 0 ? null : "the kernel's io_uring lacks " + string.Join(", ", missing) + " (Linux 6.0 or later is needed)";
        }
    }

    private static string Explain(SystemCallException e)
    {
        var why = e.Errno switch
        {
            Errno.ENOSYS => "the kernel has no io_uring (ENOSYS: too old, or built without it)",
            Errno.EPERM or Errno.EACCES => "io_uring is not permitted for this process (" + LibC.StrError(e.Errno) + ": " + DisabledSysctl() + ")",
            Errno.ENOMEM => "io_uring_setup ran out of locked memory (ENOMEM: raise RLIMIT_MEMLOCK)",
            _ => "io_uring_setup failed: " + e.Message,
        };
        return why;
    }

    private static string DisabledSysctl()
    {
        try
        {
            var value = File.ReadAllText("/proc/sys/kernel/io_uring_disabled").Trim();
            return value switch
            {
                "2" => "kernel.io_uring_disabled is 2, so io_uring is off for everyone",
                "1" => "kernel.io_uring_disabled is 1, so only members of kernel.io_uring_group may use it",
                _ => "kernel.io_uring_disabled is " + value + ", so a seccomp filter or a container runtime probably blocks it",
            };
        }
        catch (IOException)
        {
            return "a seccomp filter or a container runtime probably blocks it";
        }
        catch (UnauthorizedAccessException)
        {
            return "a seccomp filter or a container runtime probably blocks it";
        }
    }

    // struct io_uring_probe: u8 last_op, u8 ops_len, u16 resv, u32 resv2[3], then 256 io_uring_probe_op
    // of 8 bytes each (u8 op, u8 resv, u16 flags, u32 resv2).
    private static List<string> MissingOperations(IoRing ring)
    {
        const int ops = 256;
        var size = 16 + (ops * 8);
        var buffer = (byte*)NativeMemory.AllocZeroed((nuint)size);
        try
        {
            var missing = new List<string>();
            if (ring.Register(RegisterProbe, buffer, ops) < 0)
            {
                missing.Add("IORING_REGISTER_PROBE");
                return missing;
            }
            var lastOp = buffer[0];
            foreach (var (op, name) in Required)
            {
                var flags = *(ushort*)(buffer + 16 + (op * 8) + 2);
                if (op > lastOp || (flags & OpSupported) == 0)
                {
                    missing.Add(name);
                }
            }
            return missing;
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }
}
