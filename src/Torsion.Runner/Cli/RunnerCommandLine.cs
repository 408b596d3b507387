using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using Torsion.Internet;
using Torsion.Runner.Daemon;

namespace Torsion.Runner.Cli;

/// <summary>
/// torsiond's command line, twistd's options spelled the same way: <c>torsiond [options] -y FILE</c>,
/// <c>torsiond [options] -f FILE.tap</c>, <c>torsiond [options] PLUGIN [plugin options]</c> and
/// <c>torsiond stop</c>. Usage errors name the offending option and exit with status 2.
/// </summary>
internal sealed class RunnerCommandLine
{
    internal const int UsageError = 2;

    private readonly RootCommand _root = new("torsiond runs a Torsion application as a Unix daemon (twistd for .NET).");
    private readonly Option<bool> _noDaemon = new("--nodaemon", "-n") { Description = "Stay in the foreground; log to standard output unless -l says otherwise." };
    private readonly Option<string?> _python = new("--python", "-y") { Description = "Run the application a C# script (.csx) or assembly (.dll) defines as 'application'. Implies -o.", HelpName = "FILE" };
    private readonly Option<string?> _file = new("--file", "-f") { Description = "Run the application saved in a .tap file.", HelpName = "FILE" };
    private readonly Option<bool> _noSave = new("--no_save", "-o", "--no-save") { Description = "Do not save the application's state to NAME-shutdown.tap at shutdown." };
    private readonly Option<string?> _logFile = new("--logfile", "-l") { Description = "Log to FILE ('-' for standard output). Default: torsiond.log when daemonized, standard output with -n.", HelpName = "FILE" };
    private readonly Option<string> _logFormat = new("--log-format") { Description = "Log line format.", DefaultValueFactory = _ => "text" };
    private readonly Option<string> _logLevel = new("--log-level") { Description = "The lowest level logged: debug, info, warn, error or critical.", DefaultValueFactory = _ => "info" };
    private readonly Option<string?> _pidFile = new("--pidfile") { Description = "The pid file. Default: torsiond.pid when daemonized, none with -n (give --pidfile=torsiond.pid for twistd's behaviour); an empty string means none.", HelpName = "FILE" };
    private readonly Option<string?> _runDir = new("--rundir", "-d") { Description = "Change to DIR before starting the application.", HelpName = "DIR" };
    private readonly Option<string?> _umask = new("--umask") { Description = "The umask, in octal. Default: 077 when daemonized, inherited with -n.", HelpName = "MASK" };
    private readonly Option<string?> _uid = new("--uid", "-u") { Description = "Switch to this user (name or number) after the privileged start (ports below 1024 are bound before).", HelpName = "USER" };
    private readonly Option<string?> _gid = new("--gid", "-g") { Description = "Switch to this group (name or number). Default with -u: the user's primary group.", HelpName = "GROUP" };
    private readonly Option<bool> _euid = new("--euid") { Description = "Switch only the effective user and group ids, not the real ones." };
    private readonly Option<string?> _chroot = new("--chroot") { Description = "chroot to DIR once the application has started listening.", HelpName = "DIR" };
    private readonly Option<bool> _syslog = new("--syslog") { Description = "Log to syslog instead of a file." };
    private readonly Option<string> _prefix = new("--prefix") { Description = "The syslog identity.", DefaultValueFactory = _ => "torsiond" };
    private readonly Option<string?> _reactor = new("--reactor", "-r") { Description = "The reactor backend (see --help-reactors).", HelpName = "NAME" };
    private readonly Option<int> _loops = new("--reactors") { Description = "Run N reactor loops, one thread each; TCP ports listen on every loop (SO_REUSEPORT) and each connection stays on one. A factory's shared state must then be thread-safe.", DefaultValueFactory = _ => 1, HelpName = "N" };
    private readonly Option<bool> _helpReactors = new("--help-reactors") { Description = "List the reactor backends and exit." };
    private readonly Option<double> _shutdownTimeout = new("--shutdown-timeout") { Description = "Seconds connections in flight get to finish at shutdown before they are dropped.", DefaultValueFactory = _ => 30, HelpName = "SECONDS" };
    private readonly Option<bool> _version = new("--version") { Description = "Print the version and exit." };

    private readonly Command _stop = new("stop", "Stop a running daemon: send SIGTERM to the pid in the pid file and wait for it to exit.");
    private readonly Option<string> _stopPidFile = new("--pidfile") { Description = "The pid file of the daemon to stop.", DefaultValueFactory = _ => "torsiond.pid", HelpName = "FILE" };
    private readonly Option<double> _stopTimeout = new("--timeout") { Description = "Seconds to wait for the daemon to exit.", DefaultValueFactory = _ => 60, HelpName = "SECONDS" };

    private readonly HashSet<Command> _plugins = [];

    /// <summary>Builds the parser, with one subcommand per plugin.</summary>
    public RunnerCommandLine(IEnumerable<Command> pluginCommands)
    {
        _logFormat.AcceptOnlyFromAmong("text", "json");
        _logLevel.AcceptOnlyFromAmong("debug", "info", "warn", "error", "critical");
        _shutdownTimeout.Validators.Add(r =>
        {
            if (Parsed<double>(r) is < 0 or double.NaN)
            {
                r.AddError("--shutdown-timeout must be zero or more seconds.");
            }
        });
        _loops.Validators.Add(r =>
        {
            if (Parsed<int>(r) is < 1 or > 1024)
            {
                r.AddError("--reactors must be between 1 and 1024.");
            }
        });
        _stopTimeout.Validators.Add(r =>
        {
            if (Parsed<double>(r) is <= 0 or double.NaN)
            {
                r.AddError("--timeout must be more than zero seconds.");
            }
        });
        // The stock --version prints the assembly's informational version only; ours names the parts.
        foreach (var option in _root.Options.OfType<VersionOption>().ToList())
        {
            _root.Options.Remove(option);
        }
        foreach (var option in new Option[] { _noDaemon, _python, _file, _noSave, _logFile, _logFormat, _logLevel, _pidFile, _runDir, _umask, _uid, _gid, _euid, _chroot, _syslog, _prefix, _reactor, _loops, _helpReactors, _shutdownTimeout, _version })
        {
            _root.Options.Add(option);
        }
        // Actions make the root and each plugin invocable on their own; Execute does the real work.
        _root.SetAction(_ => 0);
        _stop.SetAction(_ => 0);
        _stop.Options.Add(_stopPidFile);
        _stop.Options.Add(_stopTimeout);
        _root.Subcommands.Add(_stop);
        foreach (var command in pluginCommands)
        {
            command.SetAction(_ => 0);
            _plugins.Add(command);
            _root.Subcommands.Add(command);
        }
    }

    /// <summary>The root command, for tests and help.</summary>
    public RootCommand Root => _root;

    /// <summary>
    /// Parses <paramref name="args"/> and calls <paramref name="run"/> or <paramref name="stop"/>;
    /// prints help, the version, the reactor list or usage errors itself. Returns the exit status.
    /// </summary>
    public int Execute(string[] args, Func<RunnerOptions, int> run, Func<string, double, int> stop, TextWriter output, TextWriter error)
    {
        var normalized = GetoptSpellings.Normalize(args, _root, out var spellingError);
        if (spellingError is not null)
        {
            error.WriteLine($"torsiond: {spellingError}");
            error.WriteLine("Try 'torsiond --help'.");
            return UsageError;
        }
        var result = _root.Parse(normalized);
        if (result.Action is HelpAction)
        {
            return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors)
            {
                error.WriteLine($"torsiond: {Describe(e)}");
            }
            error.WriteLine("Try 'torsiond --help'.");
            return UsageError;
        }
        if (result.CommandResult.Command == _stop)
        {
            if (result.GetValue(_stopPidFile) is not { Length: > 0 } stopPidFile)
            {
                error.WriteLine("torsiond: stop --pidfile: give the pid file of the daemon to stop.");
                return UsageError;
            }
            return stop(Path.GetFullPath(stopPidFile), result.GetValue(_stopTimeout));
        }
        if (result.GetValue(_version))
        {
            output.WriteLine($"torsiond {VersionOf(typeof(RunnerCommandLine))} (Torsion {VersionOf(typeof(IReactor))}, .NET {Environment.Version})");
            return 0;
        }
        if (result.GetValue(_helpReactors))
        {
            foreach (var info in Reactors.Available)
            {
                var note = info.IsSupported ? (info.Name == Reactors.DefaultName ? " (default)" : "") : $" (unavailable: {info.UnsupportedReason})";
                output.WriteLine($"  {info.Name,-10}{info.Description}{note}");
            }
            return 0;
        }
        RunnerOptions options;
        try
        {
            options = ToOptions(result);
        }
        catch (UsageException e)
        {
            error.WriteLine($"torsiond: {e.Message}");
            error.WriteLine("Try 'torsiond --help'.");
            return UsageError;
        }
        return run(options);
    }

    private RunnerOptions ToOptions(ParseResult result)
    {
        string? pluginName = null;
        var pluginArguments = new List<string>();
        if (_plugins.Contains(result.CommandResult.Command))
        {
            pluginName = result.CommandResult.Command.Name;
            // Everything after the plugin's name is the plugin's, kept as parsed tokens so the .tap
            // file can replay exactly this invocation.
            var seen = false;
            foreach (var token in result.Tokens)
            {
                if (seen)
                {
                    pluginArguments.Add(token.Value);
                }
                else if (token.Type == TokenType.Command && token.Value == pluginName)
                {
                    seen = true;
                }
            }
        }
        var python = NonEmpty(result, _python, "give the script or assembly to run");
        var file = NonEmpty(result, _file, "give the .tap file to run");
        var sources = (python is null ? 0 : 1) + (file is null ? 0 : 1) + (pluginName is null ? 0 : 1);
        if (sources == 0)
        {
            throw new UsageException("nothing to run: give -y FILE, -f FILE.tap or a plugin name.");
        }
        if (sources > 1)
        {
            throw new UsageException("give only one of -y FILE, -f FILE.tap and a plugin name.");
        }
        var noDaemon = result.GetValue(_noDaemon);
        // "--logfile=" is twistd's way of asking for the default (standard output with -n, torsiond.log otherwise).
        var logFile = result.GetValue(_logFile) is { Length: > 0 } l ? l : null;
        if (logFile == "-" && !noDaemon)
        {
            throw new UsageException("--logfile=- (standard output) needs -n: a daemon has no terminal to write to.");
        }
        if (result.GetValue(_syslog) && logFile is not null)
        {
            throw new UsageException("give only one of --syslog and --logfile.");
        }
        var reactor = result.GetValue(_reactor);
        if (reactor is not null)
        {
            var info = Reactors.Available.FirstOrDefault(r => r.Name == reactor)
                ?? throw new UsageException($"--reactor: unknown reactor '{reactor}'; the reactors are {string.Join(", ", Reactors.Available.Select(r => r.Name))}.");
            if (!info.IsSupported)
            {
                throw new UsageException($"--reactor: the {reactor} reactor cannot run here: {info.UnsupportedReason}");
            }
        }
        Identities.User? user = null;
        if (result.GetValue(_uid) is { } uidText)
        {
            user = Identities.FindUser(uidText) ?? throw new UsageException($"--uid: no such user '{uidText}'.");
        }
        uint? gid = user?.PrimaryGid;
        if (result.GetValue(_gid) is { } gidText)
        {
            gid = Identities.FindGroup(gidText) ?? throw new UsageException($"--gid: no such group '{gidText}'.");
        }
        uint? umask = null;
        if (result.GetValue(_umask) is { } umaskText)
        {
            umask = ParseOctal(umaskText) ?? throw new UsageException($"--umask: '{umaskText}' is not an octal mask such as 022.");
        }
        else if (!noDaemon)
        {
            umask = Convert.ToUInt32("077", 8);
        }
        var runDir = Path.GetFullPath(NonEmpty(result, _runDir, "give a directory") ?? ".");
        if (!Directory.Exists(runDir))
        {
            throw new UsageException($"--rundir: no such directory '{runDir}'.");
        }
        var chroot = NonEmpty(result, _chroot, "give a directory") is { } c ? Path.GetFullPath(c) : null;
        if (chroot is not null && !Directory.Exists(chroot))
        {
            throw new UsageException($"--chroot: no such directory '{chroot}'.");
        }
        var appFile = python is null ? null : Path.GetFullPath(python);
        if (appFile is not null && !File.Exists(appFile))
        {
            throw new UsageException($"--python: no such file '{python}'.");
        }
        var tapFile = file is null ? null : Path.GetFullPath(file);
        if (tapFile is not null && !File.Exists(tapFile))
        {
            throw new UsageException($"--file: no such file '{file}'.");
        }
        // In the foreground a supervisor (systemd, a container runtime) already knows the pid, and a
        // container's file system may be read-only: no pid file unless asked for (twistd writes one).
        var pidFile = result.GetValue(_pidFile) ?? (noDaemon ? "" : "torsiond.pid");
        return new RunnerOptions
        {
            NoDaemon = noDaemon,
            ApplicationFile = appFile,
            TapFile = tapFile,
            PluginName = pluginName,
            PluginArguments = pluginArguments,
            NoSave = result.GetValue(_noSave) || appFile is not null,
            LogFile = logFile is null or "-" ? (noDaemon || logFile == "-" ? "-" : Path.GetFullPath("torsiond.log")) : Path.GetFullPath(logFile),
            LogFormat = result.GetValue(_logFormat)!,
            LogLevel = Enum.Parse<Torsion.Logging.LogLevel>(result.GetValue(_logLevel)!, ignoreCase: true),
            PidFile = pidFile.Length == 0 ? null : Path.GetFullPath(pidFile),
            RunDirectory = runDir,
            Umask = umask,
            Uid = user?.Uid,
            UserName = user?.Name,
            Gid = gid,
            EffectiveOnly = result.GetValue(_euid),
            Chroot = chroot,
            Syslog = result.GetValue(_syslog),
            SyslogPrefix = result.GetValue(_prefix)!,
            Reactor = reactor,
            Loops = result.GetValue(_loops),
            ShutdownTimeout = result.GetValue(_shutdownTimeout),
        };
    }

    /// <summary>
    /// The option's value for a validator, or null when it did not convert (System.CommandLine has
    /// reported that already, and asking it for the value would throw).
    /// </summary>
    private static T? Parsed<T>(OptionResult result) where T : struct
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// A parse error, naming the option it is about when System.CommandLine's message does not
    /// ("Argument '' not recognized" says nothing of --log-level).
    /// </summary>
    private static string Describe(ParseError e) =>
        e.SymbolResult is OptionResult { Option: var option } && !e.Message.Contains(option.Name, StringComparison.Ordinal)
            ? $"{option.Name}: {e.Message}"
            : e.Message;

    /// <summary>The option's value; an empty one (<c>--opt=</c>) is a usage error saying what to give.</summary>
    private static string? NonEmpty(ParseResult result, Option<string?> option, string what) =>
        result.GetValue(option) is { } value && value.Length == 0
            ? throw new UsageException($"{option.Name}: the value is empty; {what}.")
            : result.GetValue(option);

    private static uint? ParseOctal(string text)
    {
        if (text.Length is 0 or > 4 || text.Any(ch => ch is < '0' or > '7'))
        {
            return null;
        }
        return Convert.ToUInt32(text, 8);
    }

    // The package version (0.1.0, 0.2.0-rc.1), without the commit the build appends after '+'.
    private static string VersionOf(Type type) =>
        type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? type.Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>A command line that parsed but does not make sense.</summary>
    private sealed class UsageException(string message) : Exception(message);
}
