namespace Torsion.Internet;

/// <summary>
/// A child run by <see cref="ProcessUtilities.GetProcessOutputAndValue"/> was killed by a signal: what it
/// wrote before dying, and the signal (Twisted's errback with <c>(out, err, signal)</c>).
/// </summary>
public sealed class ProcessSignalledException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="output">What the child wrote to stdout before the signal.</param>
    /// <param name="error">What the child wrote to stderr before the signal.</param>
    /// <param name="signal">The signal number that killed the child.</param>
    public ProcessSignalledException(byte[] output, byte[] error, int signal)
        : base($"The process was killed by signal {signal}.")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Out = output;
        Err = error;
        Signal = signal;
    }

    /// <summary>What the child wrote to stdout before the signal.</summary>
    public byte[] Out { get; }

    /// <summary>What the child wrote to stderr before the signal.</summary>
    public byte[] Err { get; }

    /// <summary>The signal number that killed the child.</summary>
    public int Signal { get; }
}
