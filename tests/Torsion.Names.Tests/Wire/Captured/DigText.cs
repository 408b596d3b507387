using System.Globalization;
using System.Text.RegularExpressions;

namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>
/// What dig printed for one answer, read back from its text: the header line, the flags, the OPT
/// pseudosection, the question and the three record sections, each record as its five presentation fields.
/// </summary>
internal sealed partial class DigText
{
    public ushort Id { get; private set; }
    public string OpCode { get; private set; } = "";
    public string Status { get; private set; } = "";
    public SortedSet<string> Flags { get; } = new(StringComparer.Ordinal);
    public int[] Counts { get; } = new int[4];
    public List<(string Name, string Class, string Type)> Questions { get; } = [];
    public List<DigRecord> Answers { get; } = [];
    public List<DigRecord> Authority { get; } = [];
    public List<DigRecord> Additional { get; } = [];
    public bool HasEdns { get; private set; }
    public int EdnsVersion { get; private set; }
    public SortedSet<string> EdnsFlags { get; } = new(StringComparer.Ordinal);
    public int UdpSize { get; private set; }
    public List<(ushort Code, string Hex)> Options { get; } = [];

    public static DigText Read(string text)
    {
        var dig = new DigText();
        List<DigRecord>? section = null;
        var inQuestion = false;
        var inOpt = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            Match m;
            if ((m = HeaderLine().Match(line)).Success)
            {
                dig.OpCode = m.Groups[1].Value;
                dig.Status = m.Groups[2].Value;
                dig.Id = ushort.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            }
            else if ((m = FlagsLine().Match(line)).Success)
            {
                foreach (var flag in m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)) dig.Flags.Add(flag);
                for (var i = 0; i < 4; i++) dig.Counts[i] = int.Parse(m.Groups[i + 2].Value, CultureInfo.InvariantCulture);
            }
            else if (line == ";; OPT PSEUDOSECTION:")
            {
                inOpt = true;
                dig.HasEdns = true;
            }
            else if (line.StartsWith(";; ", StringComparison.Ordinal) && line.EndsWith(" SECTION:", StringComparison.Ordinal))
            {
                inOpt = false;
                inQuestion = line == ";; QUESTION SECTION:";
                section = line switch
                {
                    ";; ANSWER SECTION:" => dig.Answers,
                    ";; AUTHORITY SECTION:" => dig.Authority,
                    ";; ADDITIONAL SECTION:" => dig.Additional,
                    _ => null,
                };
            }
            else if (inOpt && (m = EdnsLine().Match(line)).Success)
            {
                dig.EdnsVersion = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                foreach (var flag in m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)) dig.EdnsFlags.Add(flag);
                dig.UdpSize = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            }
            else if (inOpt && (m = OptionLine().Match(line)).Success)
            {
                var value = m.Groups[2].Value;
                var cut = value.IndexOf(" (", StringComparison.Ordinal);
                var hex = (cut < 0 ? value : value[..cut]).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
                dig.Options.Add((m.Groups[1].Value switch
                {
                    "NSID" => 3,
                    "COOKIE" => 10,
                    var other => throw new InvalidDataException($"dig printed an EDNS option this reader does not know: {other}"),
                }, hex));
            }
            else if (inQuestion && line.StartsWith(';'))
            {
                var fields = line[1..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                dig.Questions.Add((fields[0], fields[1], fields[2]));
            }
            else if (section is not null && !line.StartsWith(';') && (m = RecordLine().Match(line)).Success)
            {
                section.Add(new DigRecord(m.Groups[1].Value, uint.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value));
            }
            else if (!line.StartsWith(';'))
            {
                throw new InvalidDataException($"Unexpected line in dig's output: {line}");
            }
        }
        if (dig.OpCode.Length == 0)
        {
            throw new InvalidDataException("dig printed no header:\n" + text);
        }
        return dig;
    }

    [GeneratedRegex(@"^;; ->>HEADER<<- opcode: (\w+), status: (\w+), id: (\d+)$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^;; flags:([a-z ]*); QUERY: (\d+), ANSWER: (\d+), AUTHORITY: (\d+), ADDITIONAL: (\d+)$")]
    private static partial Regex FlagsLine();

    [GeneratedRegex(@"^; EDNS: version: (\d+), flags:([a-z ]*); udp: (\d+)$")]
    private static partial Regex EdnsLine();

    [GeneratedRegex(@"^; ([A-Z]+): (.*)$")]
    private static partial Regex OptionLine();

    [GeneratedRegex(@"^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$")]
    private static partial Regex RecordLine();
}
