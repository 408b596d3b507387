using Torsion.Defer;

namespace Torsion.Logging;

/// <summary>
/// One structured log event: when, how severe, from where, a message template and the named
/// values it refers to, and optionally a <see cref="Torsion.Failure"/>. This is Twisted's event
/// dictionary (<c>log_time</c>, <c>log_level</c>, <c>log_namespace</c>, <c>log_format</c>,
/// <c>log_failure</c>, <c>log_source</c> plus the caller's keys) as a typed object.
/// </summary>
/// <remarks>
/// Events are immutable once built, so one instance can be handed to every observer on every
/// thread without copying. The template is kept apart from its values so structured observers
/// (JSON) can record both, and text is only rendered when someone asks for it.
/// </remarks>
public sealed class LogEvent
{
    private static readonly IReadOnlyDictionary<string, object?> s_noFields =
        new Dictionary<string, object?>(0, StringComparer.Ordinal);

    // Rendered lazily and cached: several observers usually want the same text. Two threads may
    // both render on first use; they produce equal strings, so the race is harmless.
    private string? _message;

    /// <summary>Creates an event.</summary>
    /// <param name="time">When it happened.</param>
    /// <param name="level">How severe it is.</param>
    /// <param name="namespace">Where it came from, usually a full type name such as <c>Torsion.Internet.Port</c>.</param>
    /// <param name="format">The message template, or <c>null</c> for an event that carries only fields or a failure.</param>
    /// <param name="fields">The values the template names; not copied, so do not mutate it afterwards.</param>
    /// <param name="failure">An error attached to the event, if any.</param>
    /// <param name="source">The object that emitted the event, if any.</param>
    public LogEvent(
        DateTimeOffset time,
        LogLevel level,
        string @namespace,
        string? format,
        IReadOnlyDictionary<string, object?>? fields = null,
        Failure? failure = null,
        object? source = null)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        Time = time;
        Level = level;
        Namespace = @namespace;
        Format = format;
        Fields = fields ?? s_noFields;
        Failure = failure;
        Source = source;
    }

    /// <summary>When the event happened (Twisted's <c>log_time</c>).</summary>
    public DateTimeOffset Time { get; }

    /// <summary>How severe the event is (Twisted's <c>log_level</c>).</summary>
    public LogLevel Level { get; }

    /// <summary>The emitter's namespace, dotted (Twisted's <c>log_namespace</c>).</summary>
    public string Namespace { get; }

    /// <summary>The message template with <c>{name}</c> holes, or <c>null</c> (Twisted's <c>log_format</c>).</summary>
    public string? Format { get; }

    /// <summary>The named values the template refers to, and any others the emitter chose to record.</summary>
    public IReadOnlyDictionary<string, object?> Fields { get; }

    /// <summary>The error attached to the event, if any (Twisted's <c>log_failure</c>).</summary>
    public Failure? Failure { get; }

    /// <summary>The object that emitted the event, if any (Twisted's <c>log_source</c>).</summary>
    public object? Source { get; }

    /// <summary>
    /// Renders <see cref="Format"/> with <see cref="Fields"/>: <c>{name}</c> and
    /// <c>{name:format}</c> holes, <c>{{</c>/<c>}}</c> escapes. A missing field shows as
    /// <c>{MISSING: name}</c>; this never throws. Returns an empty string when there is no format.
    /// The failure's traceback is not included; observers decide where it goes.
    /// </summary>
    public string FormatMessage() =>
        _message ??= Format is null ? string.Empty : MessageTemplate.Render(Format, Fields);

    /// <inheritdoc />
    public override string ToString() => $"[{Namespace}#{LogLevelNames.Name(Level)}] {FormatMessage()}";
}
