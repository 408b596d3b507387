using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>Runs a reactor until a Deferred started on it fires, and hands back the outcome.</summary>
internal static class ProcessRun
{
    /// <summary>The reactor as a process spawner; every backend must be one.</summary>
    public static IReactorProcess Processes(IReactor reactor) =>
        reactor as IReactorProcess ?? throw new InvalidOperationException($"The {reactor.Name} reactor does not implement IReactorProcess.");

    /// <summary>Starts <paramref name="start"/> on the running reactor and stops the reactor when its Deferred fires.</summary>
    public static Outcome<T> Until<T>(IReactor reactor, Func<IReactorProcess, Deferred<T>> start, double timeout = 30)
    {
        Outcome<T>? outcome = null;
        ReactorRunner.Run(reactor, () => start(Processes(reactor)).AddBoth(o =>
        {
            outcome = o;
            reactor.Stop();
            return 0;
        }), timeout);
        return outcome ?? throw new InvalidOperationException("The reactor stopped before the Deferred fired.");
    }

    /// <summary>Whether <paramref name="pid"/> is a child of this process that has not been reaped (a zombie or still running).</summary>
    public static bool IsUnreapedChild(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        // After the command name (which may hold spaces): state, then the parent's pid. A pid reused by a
        // process that is not ours does not count.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1]) == Environment.ProcessId;
    }
}
