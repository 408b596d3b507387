namespace Torsion.Runner.Cli;

/// <summary>
/// What one <c>torsiond</c> start was asked to do, after parsing and validation. Paths are absolute,
/// resolved against the directory torsiond was started in, so changing to <see cref="RunDirectory"/>
/// later does not change what they name (twistd does the same).
/// </summary>
internal sealed class RunnerOptions
{
    /// <summary>-n: stay in the foreground.</summary>
    public bool NoDaemon { get; init; }

    /// <summary>-y: the .csx script or .dll that defines <c>application</c>.</summary>
    public string? ApplicationFile { get; init; }

    /// <summary>-f: a .tap file saved by an earlier run.</summary>
    public string? TapFile { get; init; }

    /// <summary>The plugin to run (<c>torsiond NAME ...</c>), with its own arguments as given.</summary>
    public string? PluginName { get; init; }

    /// <summary>The plugin's arguments, kept verbatim for the .tap file.</summary>
    public IReadOnlyList<string> PluginArguments { get; init; } = [];

    /// <summary>-o: do not save a .tap file at shutdown (implied by -y).</summary>
    public bool NoSave { get; init; }

    /// <summary>-l as resolved: an absolute path, or "-" for standard output (the default with -n; torsiond.log otherwise).</summary>
    public string LogFile { get; init; } = "-";

    /// <summary>--log-format.</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>--log-level.</summary>
    public Torsion.Logging.LogLevel LogLevel { get; init; } = Torsion.Logging.LogLevel.Info;

    /// <summary>--pidfile; null or empty means no pidfile.</summary>
    public string? PidFile { get; init; }

    /// <summary>-d: the directory to run in.</summary>
    public string RunDirectory { get; init; } = ".";

    /// <summary>--umask; null keeps the inherited one (077 is the default when daemonizing).</summary>
    public uint? Umask { get; init; }

    /// <summary>-u: the user to run as after the privileged start.</summary>
    public uint? Uid { get; init; }

    /// <summary>The name of <see cref="Uid"/>'s user, for initgroups.</summary>
    public string? UserName { get; init; }

    /// <summary>-g: the group to run as.</summary>
    public uint? Gid { get; init; }

    /// <summary>--euid: switch only the effective ids, so the real ones can be taken back.</summary>
    public bool EffectiveOnly { get; init; }

    /// <summary>--chroot.</summary>
    public string? Chroot { get; init; }

    /// <summary>--syslog: log to syslog instead of a file.</summary>
    public bool Syslog { get; init; }

    /// <summary>--prefix: the syslog identity.</summary>
    public string SyslogPrefix { get; init; } = "torsiond";

    /// <summary>-r: the reactor backend; null takes the default.</summary>
    public string? Reactor { get; init; }

    /// <summary>--reactors: how many loops (1: one reactor; more: a ReactorGroup spreading listening ports with SO_REUSEPORT).</summary>
    public int Loops { get; init; } = 1;

    /// <summary>--shutdown-timeout: seconds connections in flight get to finish at shutdown.</summary>
    public double ShutdownTimeout { get; init; } = 30;

    /// <summary>True when the application came from a script or dll (-y), which is never saved.</summary>
    public bool Persistable => ApplicationFile is null && !NoSave;
}
