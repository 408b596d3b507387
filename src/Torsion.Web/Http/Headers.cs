using System.Collections;

namespace Torsion.Web.Http;

/// <summary>
/// The header fields of a request or a response (twisted.web's <c>Headers</c>): an ordered list of
/// name/value pairs, names matched case-insensitively, a name allowed more than once. The server, the
/// client and WebSocket all use this one type.
/// </summary>
/// <remarks>
/// Every name and value added here is checked against RFC 9110's grammar: a name is a token, a value has
/// no CR, LF, NUL or other control character, so an application that passes user input into a header
/// gets an <see cref="ArgumentException"/> instead of a response split into two (header injection).
/// Text is Latin-1 on the wire, as RFC 9110 allows: a character above U+00FF is refused too.
/// </remarks>
public sealed class Headers : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    /// <summary>An empty set of fields.</summary>
    public Headers() { }

    /// <summary>Fields copied from <paramref name="fields"/>, each checked as by <see cref="Add"/>.</summary>
    public Headers(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var (name, value) in fields)
        {
            Add(name, value);
        }
    }

    /// <summary>How many fields there are (a name sent twice counts twice).</summary>
    public int Count => _fields.Count;

    /// <summary>Appends a field, keeping any others of the same name.</summary>
    /// <exception cref="ArgumentException">The name is not a token or the value holds CR, LF or another control character.</exception>
    public void Add(string name, string value)
    {
        CheckName(name);
        CheckValue(name, value);
        _fields.Add(new(name, value));
    }

    /// <summary>Replaces every field named <paramref name="name"/> with one holding <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Add"/>; nothing is changed then.</exception>
    public void Set(string name, string value)
    {
        CheckName(name);
        CheckValue(name, value);
        var at = IndexOf(name);
        if (at < 0)
        {
            _fields.Add(new(name, value));
            return;
        }
        _fields[at] = new(name, value);
        RemoveFrom(name, at + 1);
    }

    /// <summary>Replaces every field named <paramref name="name"/> with one field per value, in order (Twisted's <c>setRawHeaders</c>).</summary>
    /// <exception cref="ArgumentException">As for <see cref="Add"/>; nothing is changed then.</exception>
    public void Set(string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckName(name);
        var list = values.ToList();
        foreach (var value in list)
        {
            CheckValue(name, value);
        }
        Remove(name);
        foreach (var value in list)
        {
            _fields.Add(new(name, value));
        }
    }

    /// <summary>The first value of <paramref name="name"/>, or <see langword="null"/> when there is none.</summary>
    public string? Get(string name)
    {
        foreach (var field in _fields)
        {
            if (Matches(field.Key, name))
            {
                return field.Value;
            }
        }
        return null;
    }

    /// <summary>Every value of <paramref name="name"/>, in the order received or added (Twisted's <c>getRawHeaders</c>); empty when there is none.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        List<string>? values = null;
        foreach (var field in _fields)
        {
            if (Matches(field.Key, name))
            {
                (values ??= []).Add(field.Value);
            }
        }
        return values ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Whether a field named <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Removes every field named <paramref name="name"/>; says whether there was one.</summary>
    public bool Remove(string name) => RemoveFrom(name, 0) > 0;

    /// <summary>Removes every field.</summary>
    public void Clear() => _fields.Clear();

    /// <summary>The fields in order, each name spelt as it was added or received.</summary>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Appends a field the request parser has already checked against the same grammar; the server uses
    /// it to skip a second check per field.
    /// </summary>
    internal void AddParsed(string name, string value) => _fields.Add(new(name, value));

    /// <summary>The field at <paramref name="index"/>, for writers that must not allocate an enumerator.</summary>
    internal KeyValuePair<string, string> FieldAt(int index) => _fields[index];

    // A loop rather than FindIndex with a lambda: Set runs for most responses, and the closure was an allocation each time.
    private int IndexOf(string name)
    {
        for (var i = 0; i < _fields.Count; i++)
        {
            if (Matches(_fields[i].Key, name))
            {
                return i;
            }
        }
        return -1;
    }

    private int RemoveFrom(string name, int start)
    {
        var removed = 0;
        for (var i = _fields.Count - 1; i >= start; i--)
        {
            if (Matches(_fields[i].Key, name))
            {
                _fields.RemoveAt(i);
                removed++;
            }
        }
        return removed;
    }

    private static bool Matches(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!HttpSyntax.IsToken(name.AsSpan()))
        {
            throw new ArgumentException($"'{Printable(name)}' is not a valid HTTP field name (RFC 9110 token).", nameof(name));
        }
    }

    private static void CheckValue(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!HttpSyntax.IsFieldValue(value.AsSpan()))
        {
            throw new ArgumentException($"The value of HTTP field '{name}' holds CR, LF, NUL, another control character or a character outside Latin-1; it is refused rather than sent.", nameof(value));
        }
    }

    private static string Printable(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
