namespace Torsion.Internet;

/// <summary>
/// The listening sockets systemd passed by socket activation: LISTEN_FDS descriptors from 3 on,
/// meant for this process only when LISTEN_PID is its pid, optionally named by LISTEN_FDNAMES.
/// </summary>
public sealed class SystemdSockets
{
    /// <summary>The first inherited descriptor (SD_LISTEN_FDS_START).</summary>
    public const int FirstDescriptor = 3;

    private SystemdSockets(int count, IReadOnlyList<string> names)
    {
        Count = count;
        Names = names;
    }

    /// <summary>How many sockets were passed.</summary>
    public int Count { get; }

    /// <summary>Their names, in order (empty when systemd gave none).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Reads the environment; a LISTEN_PID that is not ours means nothing was passed to us.</summary>
    public static SystemdSockets FromEnvironment()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid is null || fds is null || !int.TryParse(pid, out var p) || p != Environment.ProcessId || !int.TryParse(fds, out var n) || n < 0)
        {
            return new SystemdSockets(0, []);
        }
        var names = Environment.GetEnvironmentVariable("LISTEN_FDNAMES")?.Split(':') ?? [];
        return new SystemdSockets(n, names);
    }

    /// <summary>The descriptor at <paramref name="index"/>, or null.</summary>
    public int? ByIndex(int index) => index >= 0 && index < Count ? FirstDescriptor + index : null;

    /// <summary>The descriptor named <paramref name="name"/>, or null.</summary>
    public int? ByName(string name)
    {
        for (var i = 0; i < Names.Count && i < Count; i++)
        {
            if (Names[i] == name)
            {
                return FirstDescriptor + i;
            }
        }
        return null;
    }
}
