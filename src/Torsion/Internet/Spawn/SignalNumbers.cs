using System.Globalization;

namespace Torsion.Internet;

/// <summary>Signal names to Linux numbers (x86-64 and arm64 share them), with or without the <c>SIG</c> prefix.</summary>
internal static class SignalNumbers
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["BUS"] = 7, ["FPE"] = 8,
        ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14, ["TERM"] = 15,
        ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21, ["TTOU"] = 22,
        ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28, ["IO"] = 29,
        ["PWR"] = 30, ["SYS"] = 31,
    };

    /// <summary>The number of <paramref name="name"/> ("TERM", "SIGTERM", or a number as text).</summary>
    /// <exception cref="ArgumentException">Not a signal name.</exception>
    internal static int Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
        if (Numbers.TryGetValue(bare, out var n))
        {
            return n;
        }
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out n) && n is > 0 and < 65)
        {
            return n;
        }
        throw new ArgumentException($"Unknown signal name: {name}.", nameof(name));
    }
}
