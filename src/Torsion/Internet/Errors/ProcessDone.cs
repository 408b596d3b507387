namespace Torsion.Internet;

/// <summary>A child process exited with status 0 (Twisted's <c>ProcessDone</c>).</summary>
public sealed class ProcessDone : ConnectionDone
{
    /// <summary>Creates the exception.</summary>
    public ProcessDone() : base("A process has ended without apparent errors: process finished with exit code 0.")
    {
    }

    /// <summary>Always 0.</summary>
    public int ExitCode => 0;
}
