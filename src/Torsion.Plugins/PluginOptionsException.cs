namespace Torsion.Plugins;

/// <summary>
/// Thrown by <see cref="IServiceMaker.MakeService"/> when a plugin's options parse but cannot be
/// used (twistd's <c>usage.UsageError</c>). The message is shown to the user as it is, so it should
/// name the option and the value; torsiond then exits with code 2.
/// </summary>
public sealed class PluginOptionsException : Exception
{
    /// <summary>Creates the exception with the message the user will see.</summary>
    public PluginOptionsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message the user will see and the error that caused it.</summary>
    public PluginOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
