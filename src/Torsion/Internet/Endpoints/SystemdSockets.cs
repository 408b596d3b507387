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

    // What the first call took from the environment: the variables are gone after it (as with
    // sd_listen_fds(unset=1)), and every later "systemd:" description must still find its socket.
    private static readonly Lock s_lock = new();
    private static SystemdSockets? s_consumed;

    /// <summary>
    /// Reads the environment; a LISTEN_PID that is not ours means nothing was passed to us. As
    /// sd_listen_fds(unset=1) does, the first call removes LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES
    /// (so the application's child processes do not think the sockets are theirs) and marks the
    /// passed descriptors close-on-exec; later calls return what it found.
    /// </summary>
    public static SystemdSockets FromEnvironment()
    {
        lock (s_lock)
        {
            var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
            var fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
            if (pid is null && fds is null)
            {
                return s_consumed ?? new SystemdSockets(0, []);
            }
            var names = Environment.GetEnvironmentVariable("LISTEN_FDNAMES");
            Environment.SetEnvironmentVariable("LISTEN_PID", null);
            Environment.SetEnvironmentVariable("LISTEN_FDS", null);
            Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
            var found = Parse(pid, fds, names);
            for (var i = 0; i < found.Count; i++)
            {
                InheritedSocket.CloseOnExec(FirstDescriptor + i);
            }
            return s_consumed = found;
        }
    }

    private static SystemdSockets Parse(string? pid, string? fds, string? names)
    {
        if (pid is null || fds is null)
        {
            return new SystemdSockets(0, [], $"only one of LISTEN_PID ({pid ?? "unset"}) and LISTEN_FDS ({fds ?? "unset"}) is set");
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
        return new SystemdSockets(n, names?.Split(':') ?? []);
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
