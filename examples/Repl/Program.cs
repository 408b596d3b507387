// A line-based REPL over standard input and output: a small key/value store on LineReceiver and StandardIO.
// At a terminal it greets and prompts; fed from a pipe or a file it only answers, one line per command.
// "quit" or end of input (Ctrl-D) ends it with exit code 0.
// Usage: dotnet run --project examples/Repl -- [--reactor NAME]
//        printf 'set a 1\nget a\n' | dotnet run --project examples/Repl
using Torsion;
using Torsion.Internet;
using Torsion.Protocols;

var reactorName = args.SkipWhile(a => a != "--reactor").Skip(1).FirstOrDefault();
var reactor = Reactors.Create(reactorName);
var exitCode = 0;
reactor.CallWhenRunning(() => _ = new StandardIO(new KeyValueRepl(clean =>
{
    exitCode = clean ? 0 : 1;
    reactor.Stop();
}), reactor));
reactor.Run();
return exitCode;

/// <summary>The REPL: one command per line, one answer per command.</summary>
sealed class KeyValueRepl(Action<bool> ended) : LineReceiver
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
    private bool _terminal;

    public override void ConnectionMade()
    {
        // A terminal sends "\n" (and a pipe from Windows may send "\r\n": the "\r" is trimmed below).
        Delimiter = "\n"u8;
        _terminal = Transport is StandardIO { OutputIsTerminal: true };
        if (_terminal)
        {
            SendLine("Torsion REPL: a key/value store. Type 'help' for the commands, 'quit' or Ctrl-D to leave.");
            Prompt();
        }
    }

    public override void LineReceived(ReadOnlySpan<byte> line)
    {
        var words = System.Text.Encoding.UTF8.GetString(line).TrimEnd('\r').Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        switch (words.FirstOrDefault()?.ToLowerInvariant())
        {
            case null:
                break;
            case "help":
                SendLine("set KEY VALUE   store VALUE (the rest of the line) under KEY");
                SendLine("get KEY         print the value of KEY, or (nil)");
                SendLine("del KEY         remove KEY");
                SendLine("keys            list the keys, in order");
                SendLine("sum N...        add numbers");
                SendLine("help            this text");
                SendLine("quit            leave");
                break;
            case "set" when words.Length == 3:
                _values[words[1]] = words[2];
                SendLine("OK");
                break;
            case "get" when words.Length == 2:
                SendLine(_values.TryGetValue(words[1], out var value) ? value : "(nil)");
                break;
            case "del" when words.Length == 2:
                SendLine(_values.Remove(words[1]) ? "1" : "0");
                break;
            case "keys" when words.Length == 1:
                SendLine(_values.Count == 0 ? "(empty)" : string.Join(' ', _values.Keys));
                break;
            case "sum":
                var numbers = string.Join(' ', words.Skip(1)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var parsed = numbers.Select(n => decimal.TryParse(n, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : (decimal?)null).ToList();
                SendLine(parsed.All(d => d is not null)
                    ? parsed.Sum(d => d!.Value).ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : "error: sum takes numbers");
                break;
            case "quit" or "exit":
                SendLine("bye");
                Transport.LoseConnection();
                return;
            default:
                SendLine($"error: unknown command or wrong arguments: {words[0]} (try help)");
                break;
        }
        Prompt();
    }

    public override void ConnectionLost(Failure reason) => ended(reason.Value is ConnectionDone);

    private void Prompt()
    {
        if (_terminal)
        {
            Transport.Write("> "u8);
        }
    }
}
