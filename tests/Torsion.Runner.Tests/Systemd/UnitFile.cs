using System.Text;
using System.Text.RegularExpressions;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>
/// A systemd unit file read the way systemd reads the parts these tests use: <c>[Section]</c>s of
/// <c>Key=value</c> lines (comments start with # or ;), Environment= assignments (several per line,
/// double quotes allowed), and ExecStart= split into words with <c>${NAME}</c> expanded from them.
/// </summary>
internal sealed partial class UnitFile
{
    private readonly List<(string Section, string Key, string Value)> _entries = [];

    private UnitFile(string path)
    {
        Path = path;
        var section = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[' && line[^1] == ']')
            {
                section = line[1..^1];
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"{path}: '{line}' is neither a section nor Key=value");
            }
            _entries.Add((section, line[..eq].Trim(), line[(eq + 1)..].Trim()));
        }
    }

    public string Path { get; }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Variable();

    /// <summary>Reads the unit at <paramref name="path"/>.</summary>
    public static UnitFile Read(string path) => new(path);

    /// <summary>The last value of <paramref name="key"/> in <paramref name="section"/> (systemd's rule for single-valued keys); throws if missing.</summary>
    public string Get(string section, string key) =>
        _entries.LastOrDefault(e => e.Section == section && e.Key == key).Value ?? throw new KeyNotFoundException($"{Path}: no {key}= in [{section}]");

    /// <summary>Every Environment= assignment of [Service], in order (later ones win).</summary>
    public Dictionary<string, string> Environment()
    {
        var result = new Dictionary<string, string>();
        foreach (var (_, _, value) in _entries.Where(e => e.Section == "Service" && e.Key == "Environment"))
        {
            foreach (var assignment in Words(value))
            {
                var eq = assignment.IndexOf('=', StringComparison.Ordinal);
                result[assignment[..eq]] = assignment[(eq + 1)..];
            }
        }
        return result;
    }

    /// <summary>ExecStart= as the argument vector systemd would run, <c>${NAME}</c> taken from <paramref name="environment"/>.</summary>
    public string[] ExecStart(IReadOnlyDictionary<string, string> environment) =>
        [.. Words(Get("Service", "ExecStart")).Select(w => Variable().Replace(w, m => environment.TryGetValue(m.Groups[1].Value, out var v) ? v : ""))];

    /// <summary>A time span value such as "10s", "2min", "500ms" or a bare number of seconds.</summary>
    public static TimeSpan Seconds(string value)
    {
        var m = Regex.Match(value, @"^(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m)?$");
        if (!m.Success)
        {
            throw new FormatException($"'{value}' is not a time span this reader knows");
        }
        var n = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "min" or "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromSeconds(n),
        };
    }

    // Whitespace-separated words; double quotes group (and are removed), as systemd's unquoting does.
    private static IEnumerable<string> Words(string value)
    {
        var word = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in value)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                {
                    yield return word.ToString();
                    word.Clear();
                    any = false;
                }
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        if (any)
        {
            yield return word.ToString();
        }
    }
}
