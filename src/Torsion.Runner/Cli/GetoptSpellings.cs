using System.CommandLine;

namespace Torsion.Runner.Cli;

/// <summary>
/// Rewrites the command line so System.CommandLine reads it as twistd (Python's getopt, under
/// twisted.python.usage) would: <c>--opt=</c> is an empty value (System.CommandLine dropped the
/// '=' and took the next argument, so <c>--pidfile= -y app.csx</c> meant pid file "-y"); the value
/// of an option that takes one is the next argument whatever it looks like (<c>--logfile -n</c>); a
/// long option may be shortened to a unique prefix (<c>--pid=x</c>); a flag given a value is an
/// error. <c>--opt=value</c>, <c>-oVALUE</c> and bundled flags (<c>-no</c>) System.CommandLine
/// already reads as getopt does.
/// </summary>
internal static class GetoptSpellings
{
    /// <summary>
    /// The arguments with every long option of the command in scope spelled out in full, every value
    /// joined to its option with '=' and every empty value (<c>--opt=</c>, <c>--opt ''</c>) a
    /// separate empty argument after its option. The scope starts at
    /// <paramref name="root"/> and moves to a subcommand (a plugin, <c>stop</c>) when its name appears
    /// where a command may; everything after <c>--</c> is left alone.
    /// </summary>
    /// <param name="args">The command line as given.</param>
    /// <param name="root">The root command, with its subcommands.</param>
    /// <param name="error">
    /// Set, and the arguments returned unchanged, when a prefix names more than one option or a flag
    /// is given a value (<c>--nodaemon=yes</c>), both usage errors for getopt too.
    /// </param>
    public static string[] Normalize(IReadOnlyList<string> args, Command root, out string? error)
    {
        error = null;
        var scope = root;
        var result = new List<string>(args.Count + 1);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                result.AddRange(args.Skip(i));
                break;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? arg : arg[..equals];
                var (option, spelled) = FindLong(scope, name, out var candidates);
                if (candidates.Count > 1)
                {
                    error = $"{name} is ambiguous: it begins {string.Join(", ", candidates)}.";
                    return [.. args];
                }
                if (option is null)
                {
                    // Not an option here: System.CommandLine reports it, naming it as given.
                    result.Add(arg);
                    continue;
                }
                if (!TakesValue(option))
                {
                    if (equals >= 0)
                    {
                        error = $"{spelled} takes no value (it was given '{arg[(equals + 1)..]}').";
                        return [.. args];
                    }
                    result.Add(spelled!);
                }
                else if (equals >= 0)
                {
                    AddWithValue(result, spelled!, arg[(equals + 1)..]);
                }
                else if (i + 1 < args.Count)
                {
                    AddWithValue(result, spelled!, args[++i]);
                }
                else
                {
                    result.Add(spelled!);
                }
                continue;
            }
            if (arg.Length > 1 && arg[0] == '-')
            {
                // A short option alone ("-l FILE"): its value may begin with '-' or name a plugin.
                if (FindShort(scope, arg) is { } shortOption && TakesValue(shortOption) && i + 1 < args.Count)
                {
                    AddWithValue(result, arg, args[++i]);
                }
                else if (arg.EndsWith('=') && FindShort(scope, arg[..^1]) is { } emptied && TakesValue(emptied))
                {
                    // "-l=" reads as "--logfile=" does (System.CommandLine would take the next argument).
                    AddWithValue(result, arg[..^1], "");
                }
                else
                {
                    result.Add(arg);
                }
                continue;
            }
            result.Add(arg);
            if (scope.Subcommands.FirstOrDefault(c => c.Name == arg) is { } sub)
            {
                scope = sub;
            }
        }
        return [.. result];
    }

    /// <summary>
    /// The value is the option's whatever it looks like, as getopt has it ("--logfile -n" logs to a
    /// file named -n): joined with '=', which System.CommandLine always reads as option and value.
    /// An empty value stays a separate argument, the one spelling in which System.CommandLine keeps it.
    /// </summary>
    private static void AddWithValue(List<string> result, string option, string value)
    {
        if (value.Length == 0)
        {
            result.Add(option);
            result.Add("");
        }
        else
        {
            result.Add($"{option}={value}");
        }
    }

    private static Option? FindShort(Command scope, string spelling) =>
        scope.Options.FirstOrDefault(o => o.Name == spelling || o.Aliases.Contains(spelling));

    private static bool TakesValue(Option option) => option.Arity.MinimumNumberOfValues > 0;

    /// <summary>
    /// The option <paramref name="name"/> (a long spelling, "--x") names in <paramref name="scope"/>,
    /// exactly or as the unique prefix of one, with that option's spelling of it.
    /// </summary>
    private static (Option? Option, string? Spelled) FindLong(Command scope, string name, out List<string> candidates)
    {
        candidates = [];
        var matches = new List<(Option, string)>();
        foreach (var option in scope.Options)
        {
            foreach (var spelling in new[] { option.Name }.Concat(option.Aliases))
            {
                if (spelling == name)
                {
                    return (option, spelling);
                }
                if (spelling.StartsWith("--", StringComparison.Ordinal) && spelling.StartsWith(name, StringComparison.Ordinal) &&
                    !matches.Any(m => m.Item1 == option))
                {
                    matches.Add((option, spelling));
                }
            }
        }
        if (matches.Count == 1)
        {
            return matches[0];
        }
        candidates = [.. matches.Select(m => m.Item2)];
        return (null, null);
    }
}
