namespace Torsion.Runner.Scripting;

/// <summary>
/// An application file could not be loaded. The <see cref="Exception.Message"/> is written for a
/// terminal: torsiond prints it as it is, and it may span several lines (one per compile error).
/// </summary>
internal sealed class ApplicationLoadException : Exception
{
    /// <summary>Creates the exception with the message to show the user.</summary>
    public ApplicationLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message to show the user and the exception that caused it (for a traceback at debug level).</summary>
    public ApplicationLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
