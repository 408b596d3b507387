namespace Torsion.Internet;

/// <summary>
/// What <see cref="ProcessUtilities.GetProcessOutputAndValue"/> collects from a child that exited: all
/// it wrote to stdout and to stderr, and its exit code (Twisted's <c>(out, err, code)</c> tuple).
/// </summary>
public sealed class ProcessOutput
{
    /// <summary>Creates the result.</summary>
    /// <param name="output">Everything the child wrote to stdout.</param>
    /// <param name="error">Everything the child wrote to stderr.</param>
    /// <param name="exitCode">The child's exit code.</param>
    public ProcessOutput(byte[] output, byte[] error, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Out = output;
        Err = error;
        ExitCode = exitCode;
    }

    /// <summary>Everything the child wrote to stdout.</summary>
    public byte[] Out { get; }

    /// <summary>Everything the child wrote to stderr.</summary>
    public byte[] Err { get; }

    /// <summary>The child's exit code (0 to 255).</summary>
    public int ExitCode { get; }

    /// <inheritdoc />
    public override string ToString() => $"exit code {ExitCode}, {Out.Length} bytes out, {Err.Length} bytes err";
}
