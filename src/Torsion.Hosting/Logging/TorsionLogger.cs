using System.Text;
using Microsoft.Extensions.Logging;
using Torsion.Logging;
using ExtensionsLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Torsion.Hosting.Logging;

/// <summary>One category of <see cref="TorsionLoggerProvider"/>: turns each call into a <see cref="LogEvent"/>.</summary>
internal sealed class TorsionLogger(string category, LogPublisher publisher, TorsionLoggerProvider provider) : ILogger
{
    /// <summary>Where the values of scopes that are not key/value pairs go (a list of their texts, outermost first).</summary>
    public const string ScopesKey = "Scopes";

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.Scopes.Push(state);

    public bool IsEnabled(ExtensionsLevel logLevel) =>
        LogLevels.ToTorsion(logLevel) is { } level && publisher.IsEnabled(category, level);

    public void Log<TState>(ExtensionsLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // The loop guard: this call is a Torsion event on its way out; it is in Torsion's log already.
        if (state is TorsionLogState || LogLevels.ToTorsion(logLevel) is not { } level || !publisher.IsEnabled(category, level))
        {
            return;
        }
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        string? template = null;
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                if (key == TorsionLogState.OriginalFormatKey)
                {
                    template = value as string;
                }
                else
                {
                    fields[key] = value;
                }
            }
        }
        if (eventId.Id != 0)
        {
            fields.TryAdd("EventId", eventId.Id);
        }
        if (eventId.Name is { } eventName)
        {
            fields.TryAdd("EventName", eventName);
        }
        AddScopes(fields);
        var message = formatter(state, exception);
        if (template is not null)
        {
            // Kept as a field too, under the framework's key, so a structured observer (JSON) sees the
            // template the call was written with even when the event's own template is its rendered text.
            fields[TorsionLogState.OriginalFormatKey] = template;
        }
        if (template is null || !TemplateRendersWith(template, fields))
        {
            // No template Torsion can render itself (none given, or one using .NET's {@x}/{$x} holes):
            // the text the framework rendered becomes the template, escaped so it renders as it is.
            template = message.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
        }
        publisher.Observe(new LogEvent(
            DateTimeOffset.UtcNow,
            level,
            category,
            template,
            fields,
            exception is null ? null : new Failure(exception),
            ExtensionsLogSource.Instance));
    }

    private void AddScopes(Dictionary<string, object?> fields)
    {
        List<string>? others = null;
        provider.Scopes.ForEachScope((scope, _) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
            {
                foreach (var (key, value) in scopePairs)
                {
                    // The call's own values win over a scope's of the same name; the template is the call's.
                    if (key != TorsionLogState.OriginalFormatKey)
                    {
                        fields.TryAdd(key, value);
                    }
                }
            }
            else if (scope is not null)
            {
                (others ??= []).Add(scope.ToString() ?? string.Empty);
            }
        }, (object?)null);
        if (others is not null)
        {
            fields.TryAdd(ScopesKey, others.ToArray());
        }
    }

    /// <summary>
    /// True when every hole of <paramref name="template"/> names a field, and none uses the framework's
    /// destructuring prefixes: then Torsion renders the same text from the template and the fields.
    /// </summary>
    private static bool TemplateRendersWith(string template, Dictionary<string, object?> fields)
    {
        var name = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{')
            {
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    i++;
                    continue;
                }
                name.Clear();
                i++;
                while (i < template.Length && template[i] is not ('}' or ':' or ','))
                {
                    name.Append(template[i]);
                    i++;
                }
                while (i < template.Length && template[i] != '}')
                {
                    i++;
                }
                if (name.Length == 0 || name[0] is '@' or '$' || !fields.ContainsKey(name.ToString()))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
