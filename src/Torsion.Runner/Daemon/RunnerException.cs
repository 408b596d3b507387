namespace Torsion.Runner.Daemon;

/// <summary>
/// A failure to start or stop that torsiond reports as one message, without a stack trace, and exit
/// status <see cref="ExitStatus"/>: 1, or 2 for a plugin's option error (IServiceMaker's contract).
/// </summary>
internal sealed class RunnerException(string message, Exception? inner = null, int exitStatus = 1) : Exception(message, inner)
{
    /// <summary>The exit status of a foreground torsiond that fails this way (a daemon's parent exits 1).</summary>
    public int ExitStatus { get; } = exitStatus;
}
