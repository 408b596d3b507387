namespace Torsion.Hosting.Logging;

/// <summary>
/// The <see cref="Torsion.Logging.LogEvent.Source"/> of every event <see cref="TorsionLoggerProvider"/>
/// publishes: it says where the event came from, and it is the loop guard the other way:
/// <see cref="ExtensionsLogObserver"/> does not send such an event back to Microsoft.Extensions.Logging.
/// </summary>
internal sealed class ExtensionsLogSource
{
    private ExtensionsLogSource()
    {
    }

    public static ExtensionsLogSource Instance { get; } = new();

    public override string ToString() => "Microsoft.Extensions.Logging";
}
