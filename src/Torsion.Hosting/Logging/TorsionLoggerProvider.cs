using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Torsion.Logging;

namespace Torsion.Hosting.Logging;

/// <summary>
/// Writes <c>Microsoft.Extensions.Logging</c> calls into Torsion's log (the reverse of
/// <see cref="ExtensionsLogObserver"/>): each call becomes a <see cref="LogEvent"/> whose namespace is the
/// logger's category, whose fields are the state's key/value pairs (the message template's holes) plus
/// the active scopes', whose template is the call's message template, and whose failure is the call's
/// exception. Torsion's observers (<c>torsiond</c>'s log file, the JSON observer) then see framework and
/// library logs too.
/// </summary>
/// <remarks>
/// <para>
/// Register it with <see cref="TorsionLoggingExtensions.AddTorsionLogPublisher(ILoggingBuilder, LogPublisher?)"/>.
/// It publishes to <see cref="GlobalLog.Publisher"/> unless given another publisher, and asks that
/// publisher's level filter first, so a call below <see cref="GlobalLog.Levels"/> costs no event.
/// </para>
/// <para>
/// Calls that carry a Torsion event already (made by <see cref="ExtensionsLogObserver"/>) are dropped, and
/// the events this provider publishes are marked so that observer does not forward them back: with both
/// bridges on, each event reaches each side once.
/// </para>
/// </remarks>
public sealed class TorsionLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentDictionary<string, TorsionLogger> _loggers = new(StringComparer.Ordinal);
    private readonly LogPublisher _publisher;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>Publishes to <paramref name="publisher"/>, or to <see cref="GlobalLog.Publisher"/> if null.</summary>
    public TorsionLoggerProvider(LogPublisher? publisher = null)
    {
        _publisher = publisher ?? GlobalLog.Publisher;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        return _loggers.GetOrAdd(categoryName, static (name, self) => new TorsionLogger(name, self._publisher, self), this);
    }

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        ArgumentNullException.ThrowIfNull(scopeProvider);
        _scopes = scopeProvider;
    }

    /// <summary>The scopes in force (the factory's, once it has set them).</summary>
    internal IExternalScopeProvider Scopes => _scopes;

    /// <inheritdoc />
    public void Dispose() => _loggers.Clear();
}
