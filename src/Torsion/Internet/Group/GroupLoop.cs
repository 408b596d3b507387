namespace Torsion.Internet;

/// <summary>
/// One loop of a <see cref="ReactorGroup"/>: its reactor, the thread that runs it (none for the
/// primary, which runs on the caller of <see cref="ReactorGroup.Run()"/>), and whether it is running,
/// which decides how work reaches it (<see cref="Post"/>).
/// </summary>
internal sealed class GroupLoop
{
    private const int NotStarted = 0;
    private const int Running = 1;
    private const int Finished = 2;

    private int _state;

    internal GroupLoop(ReactorBase reactor, int index)
    {
        Reactor = reactor;
        Index = index;
        reactor.LoopIndex = index;
    }

    /// <summary>The loop's reactor.</summary>
    internal ReactorBase Reactor { get; }

    /// <summary>Its place in <see cref="ReactorGroup.Loops"/>; 0 is the primary.</summary>
    internal int Index { get; }

    /// <summary>The background thread running a secondary loop; null for the primary and before the group runs.</summary>
    internal Thread? Thread { get; set; }

    /// <summary>True from the moment the group starts this loop until its <c>Run</c> has returned.</summary>
    internal bool IsRunning => Volatile.Read(ref _state) == Running;

    internal void MarkRunning() => Volatile.Write(ref _state, Running);

    internal void MarkFinished() => Volatile.Write(ref _state, Finished);

    /// <summary>
    /// Runs <paramref name="action"/> on this loop's thread: at once when called there, or when the loop
    /// is not running (before the group runs, the thread that later starts the loop sees what was done;
    /// after it ran, nothing else touches the loop); otherwise through <c>CallFromThread</c>, so it runs
    /// after everything queued before it (a port's stop always follows its start).
    /// </summary>
    internal void Post(Action action)
    {
        if (Reactor.IsInLoopThread || !IsRunning)
        {
            action();
        }
        else
        {
            Reactor.CallFromThread(action);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"loop {Index} ({Reactor.Name})";
}
