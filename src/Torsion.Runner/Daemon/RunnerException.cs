namespace Torsion.Runner.Daemon;

/// <summary>A failure to start or stop that torsiond reports as one message and exit status 1, without a stack trace.</summary>
internal sealed class RunnerException(string message, Exception? inner = null) : Exception(message, inner);
