using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A process protocol that turns a child's run into one Deferred (the shared part of Twisted's
/// <c>utils</c> protocols). It closes the child's stdin once <see cref="Stdin"/> is written, so a child
/// that reads stdin sees end of file instead of waiting forever; cancelling <see cref="Result"/> kills
/// the child with SIGKILL and closes the pipes.
/// </summary>
internal abstract class DeferredProcessProtocol<T> : ProcessProtocol
{
    // Set while the canceller runs: closing the pipes may end the process right there, and that end must not
    // fire the Deferred the cancellation is about to fail.
    private bool _cancelling;

    protected DeferredProcessProtocol() => Result = new Deferred<T>(_ => Kill());

    /// <summary>Fires once: from <see cref="ProcessEnded"/>, earlier for some failures, or by cancellation.</summary>
    public Deferred<T> Result { get; }

    /// <summary>Bytes written to the child's stdin before it is closed.</summary>
    protected virtual ReadOnlyMemory<byte> Stdin => default;

    public override void ConnectionMade()
    {
        var transport = Transport!;
        if (!Stdin.IsEmpty)
        {
            transport.Write(Stdin.Span);
        }
        // Twisted leaves stdin open unless it was given bytes (kept for compatibility, its comment says);
        // nothing depends on that here, and an open stdin makes a child that reads it hang.
        transport.CloseStdin();
    }

    public sealed override void ProcessEnded(Failure reason)
    {
        // After a cancellation the Deferred has already failed with CancelledException: the end of the
        // killed child is expected and reported nowhere.
        if (!Result.Called && !_cancelling)
        {
            Ended(reason);
        }
        else
        {
            EndedAfterResult(reason);
        }
    }

    /// <summary>The child ended and <see cref="Result"/> has not fired yet: fire it.</summary>
    protected abstract void Ended(Failure reason);

    /// <summary>The child ended after <see cref="Result"/> fired (a failure before the end, or a cancellation).</summary>
    protected virtual void EndedAfterResult(Failure reason)
    {
    }

    private void Kill()
    {
        if (Transport is not { } transport)
        {
            return;
        }
        _cancelling = true;
        try
        {
            if (transport.Pid is not null)
            {
                transport.SignalProcess("KILL");
            }
        }
        catch (ProcessExitedAlreadyException)
        {
            // It exited on its own between the check and the signal; its end is still delivered.
        }
        // Our ends of the pipes go now, even if a grandchild still holds the child's.
        transport.LoseConnection();
    }
}
