namespace Torsion.Logging;

/// <summary>
/// Something that receives log events: a file writer, a filter, a publisher fanning out to others
/// (Twisted's <c>ILogObserver</c>).
/// </summary>
/// <remarks>
/// <see cref="Observe"/> may be called from any thread, including several at once; an
/// implementation that writes to a shared sink must serialise itself. It should not throw:
/// <see cref="LogPublisher"/> survives an observer that does, but reports it.
/// </remarks>
public interface ILogObserver
{
    /// <summary>Handles one event.</summary>
    void Observe(LogEvent logEvent);
}
