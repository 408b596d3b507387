using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Torsion.Logging;

/// <summary>
/// Turns the object passed to <c>log.Info("...", new { port = 8080 })</c> into an event's fields.
/// Public instance properties become fields; a dictionary of string keys is copied as is.
/// </summary>
internal static class FieldReader
{
    // Reflection is done once per type: anonymous types are few and reused at every call site.
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();

    [RequiresUnreferencedCode("Reads the public properties of an object whose type is not known statically.")]
    internal static Dictionary<string, object?>? Read(object? fields)
    {
        switch (fields)
        {
            case null:
                return null;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                // Copied, because events are immutable and the caller may reuse its dictionary.
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in pairs)
                {
                    copy[key] = value;
                }
                return copy;
        }
        var properties = s_properties.GetOrAdd(
            fields.GetType(),
            static t => Array.FindAll(t.GetProperties(BindingFlags.Public | BindingFlags.Instance), p => p.CanRead && p.GetIndexParameters().Length == 0));
        var result = new Dictionary<string, object?>(properties.Length, StringComparer.Ordinal);
        foreach (var property in properties)
        {
            try
            {
                result[property.Name] = property.GetValue(fields);
            }
            catch (TargetInvocationException e)
            {
                // A throwing getter must not turn a log call into a crash; record what went wrong.
                result[property.Name] = $"<{e.InnerException?.GetType().Name ?? e.GetType().Name}>";
            }
        }
        return result;
    }
}
