using System.Diagnostics;
using Torsion.Internet;

namespace Torsion.Bench.Processes;

/// <summary>
/// Reads a child's stdout through a ProcessProtocol and only counts it: the reactor's pipe path (read,
/// dispatch to OutReceived) is all that is measured, from the spawn to ProcessEnded.
/// </summary>
internal sealed class DrainRun(IReactor reactor) : ProcessProtocol
{
    private readonly Stopwatch _clock = new();

    public long Bytes { get; private set; }

    public long Reads { get; private set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public Torsion.Failure? Reason { get; private set; }

    public void Start(string executable, string[] argv)
    {
        _clock.Start();
        ((IReactorProcess)reactor).SpawnProcess(this, executable, argv);
    }

    public override void ConnectionMade() => Transport!.CloseStdin();

    public override void OutReceived(ReadOnlySpan<byte> data)
    {
        Bytes += data.Length;
        Reads++;
    }

    public override void ProcessEnded(Torsion.Failure reason)
    {
        _clock.Stop();
        Reason = reason;
        reactor.Stop();
    }
}
