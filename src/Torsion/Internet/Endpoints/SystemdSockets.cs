namespace Torsion.Internet;

/// <summary>
/// The listening sockets systemd passed by socket activation: LISTEN_FDS descriptors from 3 on,
/// meant for this process only when LISTEN_PID is its pid, optionally named by LISTEN_FDNAMES.
/// </summary>
public sealed class SystemdSockets
{
    /// <summary>The first inherited descriptor (SD_LISTEN_FDS_START).</summary>
    public const int FirstDescriptor = 3;

    private SystemdSockets(int count, IReadOnlyList<string> names, string? ignored = null)
    {
        Count = count;
        Names = names;
        Ignored = ignored;
    }

    /// <summary>How many sockets were passed.</summary>
    public int Count { get; }

    /// <summary>Their names, in order (empty when systemd gave none).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Why sockets the environment announces were not taken (LISTEN_PID names another process,
    /// or a variable is malformed), or null; so an error can say more than "no sockets".
    /// </summary>
    public string? Ignored { get; }

    /// <summary>Reads the environment; a LISTEN_PID that is not ours means nothing was passed to us.</summary>
    public static SystemdSockets FromEnvironment()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid is null || fds is null)
        {
            return new SystemdSockets(0, []);
        }
        if (!int.TryParse(pid, out var p) || p != Environment.ProcessId)
        {
            // Descriptors passed to a parent (or leaked to a child) are not ours to adopt.
            return new SystemdSockets(0, [], $"LISTEN_PID is {pid}, not this process ({Environment.ProcessId}), so its {fds} socket(s) are not ours");
        }
        if (!int.TryParse(fds, out var n) || n < 0)
        {
            return new SystemdSockets(0, [], $"LISTEN_FDS is '{fds}', not a count");
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
