using System.Collections;
using Torsion.Logging;

namespace Torsion.Hosting.Logging;

/// <summary>
/// A Torsion event as the state of a <c>Microsoft.Extensions.Logging</c> call: the event's fields as
/// key/value pairs, then <c>{OriginalFormat}</c> with the template (the key structured sinks such as
/// OpenTelemetry, Serilog and the JSON console formatter read), then <c>log_source</c> when the event
/// has a source. Its type is also the loop guard: <see cref="TorsionLoggerProvider"/> drops a call
/// whose state is one of these, since the event came from Torsion's log in the first place.
/// </summary>
internal sealed class TorsionLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The key Microsoft.Extensions.Logging gives the message template.</summary>
    public const string OriginalFormatKey = "{OriginalFormat}";

    /// <summary>Twisted's key for the emitting object.</summary>
    public const string SourceKey = "log_source";

    private readonly KeyValuePair<string, object?>[] _pairs;

    public TorsionLogState(LogEvent logEvent)
    {
        Event = logEvent;
        var fields = logEvent.Fields;
        var pairs = new List<KeyValuePair<string, object?>>(fields.Count + 2);
        foreach (var field in fields)
        {
            pairs.Add(field);
        }
        if (logEvent.Source is { } source && !fields.ContainsKey(SourceKey))
        {
            pairs.Add(new(SourceKey, source.ToString()));
        }
        // Last, as the framework's own states have it.
        pairs.Add(new(OriginalFormatKey, logEvent.Format ?? string.Empty));
        _pairs = [.. pairs];
    }

    /// <summary>The event this state carries.</summary>
    public LogEvent Event { get; }

    public int Count => _pairs.Length;

    public KeyValuePair<string, object?> this[int index] => _pairs[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The rendered message, as the framework's states print themselves.</summary>
    public override string ToString() => Event.FormatMessage();
}
