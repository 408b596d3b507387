using System.Collections;
using System.ComponentModel;

namespace Torsion.Internet;

/// <summary>
/// <see cref="IReactorProcess.SpawnProcess"/> for every backend: resolves the program, builds the child's
/// descriptors (pipes, inherited descriptors or a pseudo-terminal), starts it with posix_spawn and hands the
/// parent's ends to a <see cref="SpawnedProcess"/>. Failures before the child runs (no such program, not
/// executable, bad directory) throw from here with every descriptor already closed.
/// </summary>
internal static class ProcessSpawner
{
    private const string SetPriv = "setpriv";

    /// <summary>
    /// The buffer of a pipe the child writes and the parent reads: twice the kernel's 64 KiB. With the
    /// default, a child writing flat out (head -c 2G /dev/zero) fills the pipe, sleeps and is woken again
    /// every few reads; with 128 KiB it rarely waits, and its output through a ProcessProtocol went from
    /// ~0.6x to ~1.0x of a plain shell pipe (bench/process --only pipe). Larger sizes gained nothing more,
    /// and every page counts against the user's fs.pipe-user-pages-soft, so: only doubled. Back-pressure
    /// holds as before: a paused reader stops the child once 128 KiB wait.
    /// </summary>
    internal const int ChildOutputPipeSize = 128 * 1024;

    private static readonly IReadOnlyDictionary<int, ChildFd> DefaultChildFds = new Dictionary<int, ChildFd>
    {
        [0] = ChildFd.Write,
        [1] = ChildFd.Read,
        [2] = ChildFd.Read,
    };

    /// <summary>Starts the child on <paramref name="reactor"/> (its loop thread, or before it runs).</summary>
    internal static IProcessTransport Spawn(ReactorBase reactor, ProcessProtocol processProtocol, string executable,
        IReadOnlyList<string>? args, IReadOnlyDictionary<string, string>? env, string? path, int? uid, int? gid,
        bool usePty, IReadOnlyDictionary<int, ChildFd>? childFds)
    {
        ArgumentNullException.ThrowIfNull(processProtocol);
        ArgumentException.ThrowIfNullOrEmpty(executable);
        if (usePty && childFds is not null)
        {
            throw new ArgumentException("A pseudo-terminal child gets the terminal as descriptors 0, 1 and 2; childFds cannot be given with usePty.", nameof(childFds));
        }
        var environment = env is null ? ParentEnvironment() : env.ToList();
        var program = Resolve(executable, environment);
        var argv = args is null || args.Count == 0 ? new List<string> { executable } : args.ToList();
        if (uid is not null || gid is not null)
        {
            (program, argv) = WithIds(program, argv, uid, gid);
        }

        // The parent's ends (child descriptor, descriptor, kind), the child's ends to close once it runs, and the mappings.
        var parentEnds = new List<(int ChildFd, int Fd, ChildFdKind Kind)>();
        var childEnds = new List<int>();
        var mappings = new List<(int Source, int Target)>();
        string? terminal = null;
        // On a readiness reactor the parent's end of each pipe is made non-blocking by pipe2 itself and handed
        // over as a fresh pipe (no fstat, no fcntl there); the child's end stays blocking, as children expect.
        var readiness = reactor is IReactorFDSet;
        int pid;
        try
        {
            if (usePty)
            {
                var (master, slave) = ChildSpawn.OpenTerminal();
                terminal = slave;
                parentEnds.Add((1, master, ChildFdKind.Read));
                // The writer gets its own descriptor for the same terminal, so each side closes its own.
                parentEnds.Add((0, Duplicate(master), ChildFdKind.Write));
            }
            else
            {
                foreach (var (target, how) in childFds ?? DefaultChildFds)
                {
                    ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(childFds));
                    switch (how.Kind)
                    {
                        case ChildFdKind.Read:
                        {
                            var (read, write) = PipeDescriptors.CreatePipe(nonBlockingRead: readiness, nonBlockingWrite: false);
                            PipeDescriptors.TryGrow(read, ChildOutputPipeSize);
                            parentEnds.Add((target, read, ChildFdKind.Read));
                            childEnds.Add(write);
                            mappings.Add((write, target));
                            break;
                        }
                        case ChildFdKind.Write:
                        {
                            var (read, write) = PipeDescriptors.CreatePipe(nonBlockingRead: false, nonBlockingWrite: readiness);
                            parentEnds.Add((target, write, ChildFdKind.Write));
                            childEnds.Add(read);
                            mappings.Add((read, target));
                            break;
                        }
                        default:
                            mappings.Add((how.ParentFd, target));
                            break;
                    }
                }
            }
            pid = ChildSpawn.Spawn(program, argv, environment, path, mappings, terminal);
        }
        catch
        {
            foreach (var (_, fd, _) in parentEnds)
            {
                PipeDescriptors.Close(fd);
            }
            foreach (var fd in childEnds)
            {
                PipeDescriptors.Close(fd);
            }
            throw;
        }
        foreach (var fd in childEnds)
        {
            PipeDescriptors.Close(fd);
        }
        var child = new SpawnedProcess(reactor, processProtocol, pid, usePty);
        for (var i = 0; i < parentEnds.Count; i++)
        {
            var (childFd, fd, kind) = parentEnds[i];
            try
            {
                if (kind == ChildFdKind.Read)
                {
                    child.AddReader(childFd, fd, freshPipe: readiness && !usePty);
                }
                else
                {
                    child.AddWriter(childFd, fd, freshPipe: readiness && !usePty);
                }
            }
            catch
            {
                // The child already runs, but the caller will never hear of it: close what is left, kill it
                // and have it reaped without a word to the protocol, then report.
                for (var j = i + 1; j < parentEnds.Count; j++)
                {
                    PipeDescriptors.Close(parentEnds[j].Fd);
                }
                child.Abandon();
                throw;
            }
        }
        child.Start();
        return child;
    }

    private static List<KeyValuePair<string, string>> ParentEnvironment()
    {
        var variables = Environment.GetEnvironmentVariables();
        var result = new List<KeyValuePair<string, string>>(variables.Count);
        foreach (DictionaryEntry e in variables)
        {
            result.Add(new((string)e.Key, (string?)e.Value ?? ""));
        }
        return result;
    }

    /// <summary>A path as given; a bare name looked up in the child's PATH, else the parent's.</summary>
    private static string Resolve(string executable, List<KeyValuePair<string, string>> environment)
    {
        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return executable;
        }
        var searchPath = environment.Find(kv => kv.Key == "PATH").Value ?? Environment.GetEnvironmentVariable("PATH");
        return ChildSpawn.FindProgram(executable, searchPath)
            ?? throw new Win32Exception(Errno.ENOENT, $"Cannot start {executable}: not found on PATH ({searchPath}).");
    }

    /// <summary>
    /// posix_spawn cannot change ids, so the child runs through util-linux's setpriv, which sets them (and
    /// drops supplementary groups) and then execs the program. The child's argv[0] becomes the program's path.
    /// </summary>
    private static (string Program, List<string> Argv) WithIds(string program, List<string> argv, int? uid, int? gid)
    {
        var setpriv = ChildSpawn.FindProgram(SetPriv, "/usr/bin:/bin:/usr/sbin:/sbin")
            ?? throw new Win32Exception(Errno.ENOENT, $"Cannot start {program} with uid/gid: setpriv (util-linux) is not installed.");
        var wrapped = new List<string> { setpriv };
        if (uid is { } u)
        {
            wrapped.Add($"--reuid={u}");
        }
        if (gid is { } g)
        {
            wrapped.Add($"--regid={g}");
        }
        wrapped.Add("--clear-groups");
        wrapped.Add("--");
        wrapped.Add(program);
        wrapped.AddRange(argv.Skip(1));
        return (setpriv, wrapped);
    }

    private static int Duplicate(int fd) => PipeDescriptors.DuplicateCloseOnExec(fd);
}
