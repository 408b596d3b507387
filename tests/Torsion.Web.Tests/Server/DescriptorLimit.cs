using System.Runtime.InteropServices;

namespace Torsion.Web.Tests.Server;

/// <summary>Raises this process's soft limit on open descriptors towards its hard limit (as a shell's <c>ulimit -n</c> would).</summary>
internal static partial class DescriptorLimit
{
    private const int RlimitNofile = 7;

    /// <summary>Makes sure at least <paramref name="wanted"/> descriptors may be open; returns the soft limit now in force.</summary>
    public static ulong Ensure(ulong wanted)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return ulong.MaxValue;
        }
        if (limit.Current < wanted && limit.Maximum > limit.Current)
        {
            limit.Current = Math.Min(wanted, limit.Maximum);
            SetRLimit(RlimitNofile, ref limit);
            GetRLimit(RlimitNofile, out limit);
        }
        return limit.Current;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetRLimit(int resource, ref RLimit limit);
}
