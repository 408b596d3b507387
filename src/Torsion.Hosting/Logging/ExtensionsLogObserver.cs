using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Torsion.Logging;

namespace Torsion.Hosting.Logging;

/// <summary>
/// Forwards Torsion's log events to <c>Microsoft.Extensions.Logging</c> (Twisted's <c>STDLibLogObserver</c>,
/// which does the same towards Python's <c>logging</c>): each event goes to the <see cref="ILogger"/> whose
/// category is the event's namespace, at the matching level, with the event's fields as the log state —
/// key/value pairs ending with <c>{OriginalFormat}</c>, so structured sinks keep them — and the event's
/// <see cref="Torsion.Failure"/> as the exception.
/// </summary>
/// <remarks>
/// <para>
/// Add it to <see cref="GlobalLog.Publisher"/> (AddTorsion does it while the host runs unless
/// <see cref="TorsionOptions.ForwardLogging"/> is off). Filtering happens on both sides: Torsion's
/// <see cref="GlobalLog.Levels"/> decides which events are built at all (Info and above by default),
/// then the logger's own configuration decides which it writes.
/// </para>
/// <para>
/// Events that <see cref="TorsionLoggerProvider"/> published (calls made through Microsoft.Extensions.Logging
/// in the first place) are not sent back, so both bridges can be on at once without a loop.
/// </para>
/// </remarks>
public sealed class ExtensionsLogObserver : ILogObserver
{
    private static readonly Func<TorsionLogState, Exception?, string> Formatter = static (state, _) => state.ToString();

    private readonly ILoggerFactory _factory;
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    /// <summary>Forwards to loggers made by <paramref name="factory"/>, one per event namespace.</summary>
    public ExtensionsLogObserver(ILoggerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = factory;
    }

    /// <inheritdoc />
    public void Observe(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (logEvent.Source is ExtensionsLogSource)
        {
            return;
        }
        var logger = _loggers.GetOrAdd(logEvent.Namespace, static (name, factory) => factory.CreateLogger(name), _factory);
        var level = LogLevels.ToExtensions(logEvent.Level);
        if (!logger.IsEnabled(level))
        {
            return;
        }
        logger.Log(level, default, new TorsionLogState(logEvent), logEvent.Failure?.Value, Formatter);
    }
}
