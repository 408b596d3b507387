namespace Torsion.Internet;

/// <summary>
/// A child process exited with a non-zero code or was killed by a signal (Twisted's <c>ProcessTerminated</c>).
/// </summary>
public sealed class ProcessTerminated : ConnectionLost
{
    /// <summary>Creates the exception for an exit with <paramref name="exitCode"/>, or a death by <paramref name="signal"/>.</summary>
    /// <param name="exitCode">The exit code, when the child called exit.</param>
    /// <param name="signal">The signal number, when a signal killed the child.</param>
    /// <param name="status">The raw wait status.</param>
    public ProcessTerminated(int? exitCode, int? signal, int status)
        : base(Describe(exitCode, signal))
    {
        ExitCode = exitCode;
        Signal = signal;
        Status = status;
    }

    /// <summary>The exit code, or null when a signal killed the child.</summary>
    public int? ExitCode { get; }

    /// <summary>The signal that killed the child, or null when it exited.</summary>
    public int? Signal { get; }

    /// <summary>The raw status <c>waitpid</c> returned.</summary>
    public int Status { get; }

    private static string Describe(int? exitCode, int? signal) =>
        signal is { } s
            ? $"A process has ended with a probable error condition: process ended by signal {s}."
            : $"A process has ended with a probable error condition: process ended with exit code {exitCode}.";
}
