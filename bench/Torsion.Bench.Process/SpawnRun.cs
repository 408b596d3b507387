using System.Diagnostics;
using Torsion.Internet;

namespace Torsion.Bench.Processes;

/// <summary>
/// Spawns <c>total</c> children through SpawnProcess with <c>concurrency</c> of them in flight: each
/// ProcessEnded starts the next, the last one stops the reactor. The clock runs from the first spawn to
/// the last ProcessEnded, so a spawn counts once it has been reaped and its pipes closed. With
/// <c>pipes</c> false the child inherits the parent's 0, 1 and 2 instead of getting three pipes.
/// </summary>
internal sealed class SpawnRun(IReactor reactor, string program, int total, int concurrency, bool pipes)
{
    private static readonly Dictionary<int, ChildFd> Inherited = new()
    {
        [0] = ChildFd.Inherit(0),
        [1] = ChildFd.Inherit(1),
        [2] = ChildFd.Inherit(2),
    };

    private readonly string[] _argv = [program];
    private readonly Stopwatch _clock = new();
    private int _started;
    private int _ended;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>How long the loop thread spent inside SpawnProcess calls (posix_spawn blocks it until the child has exec'd).</summary>
    public TimeSpan InSpawn => Stopwatch.GetElapsedTime(0, _spawnTicks);

    private long _spawnTicks;

    public Exception? Error { get; private set; }

    public void Start()
    {
        _clock.Start();
        for (var i = 0; i < Math.Min(concurrency, total); i++)
        {
            SpawnNext();
        }
    }

    private void SpawnNext()
    {
        _started++;
        var before = Stopwatch.GetTimestamp();
        try
        {
            ((IReactorProcess)reactor).SpawnProcess(new Child(this), program, _argv, childFds: pipes ? null : Inherited);
            _spawnTicks += Stopwatch.GetTimestamp() - before;
        }
        catch (Exception e)
        {
            Error = e;
            reactor.Stop();
        }
    }

    private void Ended()
    {
        _ended++;
        if (_started < total)
        {
            SpawnNext();
        }
        else if (_ended == total)
        {
            _clock.Stop();
            reactor.Stop();
        }
    }

    private sealed class Child(SpawnRun run) : ProcessProtocol
    {
        public override void ProcessEnded(Torsion.Failure reason) => run.Ended();
    }
}
