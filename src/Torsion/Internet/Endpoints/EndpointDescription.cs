namespace Torsion.Internet;

/// <summary>
/// A parsed endpoint description in Twisted's syntax: fields separated by <c>:</c>, named fields
/// written <c>name=value</c>, and <c>\</c> escaping the next character (so <c>\:</c> is a colon in a
/// value, as in an IPv6 address). The first field is the endpoint type.
/// </summary>
public sealed class EndpointDescription
{
    private readonly Dictionary<string, string> _named;

    private EndpointDescription(string text, string type, List<string> positional, Dictionary<string, string> named)
    {
        Text = text;
        Type = type;
        Positional = positional;
        _named = named;
    }

    /// <summary>The original text.</summary>
    public string Text { get; }

    /// <summary>The endpoint type (<c>tcp</c>, <c>unix</c>, ...), lower-cased.</summary>
    public string Type { get; }

    /// <summary>The unnamed fields after the type, in order.</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>The named fields.</summary>
    public IReadOnlyDictionary<string, string> Named => _named;

    /// <summary>Splits <paramref name="text"/>.</summary>
    /// <exception cref="EndpointSyntaxException">Empty, a dangling escape, or a repeated name.</exception>
    public static EndpointDescription Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new EndpointSyntaxException(text, "it is empty.");
        }
        var fields = new List<(string Value, int EqualsAt)>();
        var current = new System.Text.StringBuilder();
        var equalsAt = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (++i == text.Length)
                {
                    throw new EndpointSyntaxException(text, "it ends with a lone '\\'.");
                }
                current.Append(text[i]);
            }
            else if (c == ':')
            {
                fields.Add((current.ToString(), equalsAt));
                current.Clear();
                equalsAt = -1;
            }
            else
            {
                // Only an unescaped '=' names a field.
                if (c == '=' && equalsAt < 0)
                {
                    equalsAt = current.Length;
                }
                current.Append(c);
            }
        }
        fields.Add((current.ToString(), equalsAt));
        var type = fields[0].Value.Trim().ToLowerInvariant();
        if (type.Length == 0 || fields[0].EqualsAt >= 0)
        {
            throw new EndpointSyntaxException(text, "it must start with an endpoint type such as 'tcp' or 'unix'.");
        }
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, at) in fields.Skip(1))
        {
            if (at < 0)
            {
                positional.Add(value);
                continue;
            }
            var name = value[..at];
            if (name.Length == 0)
            {
                throw new EndpointSyntaxException(text, $"the field '{value}' has no name before '='.");
            }
            if (!named.TryAdd(name, value[(at + 1)..]))
            {
                throw new EndpointSyntaxException(text, $"'{name}' is given twice.");
            }
        }
        return new EndpointDescription(text, type, positional, named);
    }

    /// <summary>A named field, or the positional one at <paramref name="position"/>, or null.</summary>
    public string? Get(string name, int position = -1) =>
        _named.TryGetValue(name, out var v) ? v : position >= 0 && position < Positional.Count ? Positional[position] : null;

    /// <summary>A field that must be there.</summary>
    public string Require(string name, int position = -1) =>
        Get(name, position) ?? throw new EndpointSyntaxException(Text, $"'{Type}' needs {name}.");

    /// <summary>An integer field within a range, or <paramref name="fallback"/> when absent.</summary>
    public int GetInt(string name, int position, int fallback, int min = int.MinValue, int max = int.MaxValue, int numberBase = 10)
    {
        var text = Get(name, position);
        if (text is null)
        {
            return fallback;
        }
        int value;
        try
        {
            value = Convert.ToInt32(text, numberBase);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new EndpointSyntaxException(Text, $"{name} '{text}' is not a {(numberBase == 8 ? "octal " : "")}number.");
        }
        if (value < min || value > max)
        {
            throw new EndpointSyntaxException(Text, $"{name} {text} is out of range {min}..{max}.");
        }
        return value;
    }

    /// <summary>A number of seconds, or <paramref name="fallback"/>.</summary>
    public double GetSeconds(string name, double fallback)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback;
        }
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new EndpointSyntaxException(Text, $"{name} '{text}' is not a number of seconds.");
        }
        return value;
    }

    /// <summary>A boolean written 1/0, true/false or yes/no, or <paramref name="fallback"/>.</summary>
    public bool GetBool(string name, bool fallback) => Get(name)?.ToLowerInvariant() switch
    {
        null => fallback,
        "1" or "true" or "yes" => true,
        "0" or "false" or "no" => false,
        var other => throw new EndpointSyntaxException(Text, $"{name} '{other}' is not 1/0, true/false or yes/no."),
    };

    /// <summary>Fails on any named field not in <paramref name="known"/>, so a typo is an error, not ignored.</summary>
    public void CheckNames(params string[] known)
    {
        foreach (var name in _named.Keys)
        {
            if (!known.Contains(name))
            {
                throw new EndpointSyntaxException(Text, $"'{Type}' has no option '{name}' (it knows {string.Join(", ", known)}).");
            }
        }
    }
}
