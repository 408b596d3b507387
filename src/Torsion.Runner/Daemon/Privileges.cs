using System.Runtime.InteropServices;

namespace Torsion.Runner.Daemon;

/// <summary>
/// Gives up root once the application holds what needed it (ports below 1024, files under /etc):
/// chroot first, then supplementary groups, group, user, in the only order that works, since a
/// process that has already given up its user id can no longer change its groups.
/// </summary>
internal static unsafe class Privileges
{
    /// <summary>
    /// chroot(2) to <paramref name="directory"/> and move into it. .NET loads assemblies lazily, from
    /// paths outside the new root, so every assembly the runtime can offer is loaded first; native
    /// libraries and files the application opens later must exist inside the new root.
    /// </summary>
    public static void Chroot(string directory)
    {
        PreloadAssemblies();
        if (RunnerLibC.chroot(directory) != 0)
        {
            throw Failure($"cannot chroot to {directory}");
        }
        Directory.SetCurrentDirectory("/");
    }

    /// <summary>Switches to <paramref name="gid"/> and <paramref name="uid"/> (either may be null), only the effective ids when <paramref name="effectiveOnly"/>.</summary>
    public static void Switch(uint? uid, uint? gid, string? userName, bool effectiveOnly)
    {
        if (gid is { } g)
        {
            if (effectiveOnly)
            {
                Check(RunnerLibC.setegid(g), $"cannot switch the effective group id to {g}");
            }
            else
            {
                // Without this the daemon would keep root's supplementary groups (disk, adm, ...).
                if (userName is not null)
                {
                    Check(RunnerLibC.initgroups(userName, g), $"cannot set the groups of {userName}");
                }
                else
                {
                    Check(RunnerLibC.setgroups(1, &g), "cannot clear the supplementary groups");
                }
                Check(RunnerLibC.setgid(g), $"cannot switch to group id {g}");
            }
        }
        if (uid is { } u)
        {
            Check(effectiveOnly ? RunnerLibC.seteuid(u) : RunnerLibC.setuid(u), $"cannot switch to user id {u}");
        }
    }

    private static void PreloadAssemblies()
    {
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string list)
        {
            return;
        }
        foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                System.Reflection.Assembly.Load(System.Reflection.AssemblyName.GetAssemblyName(path));
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                // Not loadable here (reference-only or another platform's): nothing would use it.
            }
        }
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw Failure(what);
        }
    }

    private static RunnerException Failure(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new RunnerException($"{what}: {RunnerLibC.StrError(errno)}");
    }
}
