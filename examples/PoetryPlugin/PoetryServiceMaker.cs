using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Torsion.Services;
using Torsion.Internet;
using Torsion.Plugins;

namespace Torsion.Examples.Poetry;

/// <summary>
/// The <c>poetry</c> plugin: <c>torsiond -n poetry --listen tcp:10000 --poem FILE</c> serves the poem
/// to each client and closes; <c>--num-bytes N --delay S</c> makes it a slow server (N bytes every S
/// seconds). <c>--listen</c> and <c>--poem</c> may be repeated in pairs to serve several poems on
/// several ports; with a single <c>--poem</c> and no <c>--listen</c> it listens on tcp:10000.
/// </summary>
public sealed class PoetryServiceMaker : IServiceMaker
{
    /// <summary>Where a single poem is served when no <c>--listen</c> is given (the tutorial's port).</summary>
    public const string DefaultListen = "tcp:10000";

    // One set of option objects, added to every command this plugin configures, so MakeService can
    // read them back from whichever parse it is given.
    private readonly Option<string[]> _listen = new("--listen")
    {
        Description = $"Where to listen, as an endpoint description (e.g. tcp:10000:interface=127.0.0.1). Repeat once per --poem; default {DefaultListen} for a single poem.",
        HelpName = "ENDPOINT",
    };

    private readonly Option<string[]> _poem = new("--poem")
    {
        Description = "The poem file to serve on the matching --listen.",
        HelpName = "FILE",
        Required = true,
    };

    private readonly Option<int?> _numBytes = new("--num-bytes")
    {
        Description = $"Slow server: send this many bytes per tick (default {PoemPace.DefaultNumBytes} when --delay is given).",
        HelpName = "N",
        CustomParser = ParseNumBytes,
    };

    private readonly Option<double?> _delay = new("--delay")
    {
        Description = $"Slow server: seconds between ticks (default {PoemPace.DefaultDelay} when --num-bytes is given).",
        HelpName = "SECONDS",
        CustomParser = ParseDelay,
    };

    /// <inheritdoc/>
    public string Name => "poetry";

    /// <inheritdoc/>
    public string Description => "Serve poems over TCP, fast or slowly (the Twisted tutorial's poetry server).";

    /// <inheritdoc/>
    public void ConfigureOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_listen);
        command.Options.Add(_poem);
        command.Options.Add(_numBytes);
        command.Options.Add(_delay);
        command.Validators.Add(result =>
        {
            if (Mismatch(result.GetValue(_listen), result.GetValue(_poem)) is { } message)
            {
                result.AddError(message);
            }
        });
    }

    /// <inheritdoc/>
    /// <remarks>Reads every poem now (once per distinct file, shared by all its listeners), so a missing file stops torsiond before it starts.</remarks>
    public IService MakeService(ParseResult options, IReactor reactor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reactor);
        var listens = options.GetValue(_listen) ?? [];
        var poems = options.GetValue(_poem) ?? [];
        if (Mismatch(listens, poems) is { } message)
        {
            throw new PluginOptionsException(message);
        }
        if (listens.Length == 0)
        {
            listens = [DefaultListen];
        }
        var numBytes = options.GetValue(_numBytes);
        var delay = options.GetValue(_delay);
        var pace = numBytes is null && delay is null
            ? null
            : new PoemPace(numBytes ?? PoemPace.DefaultNumBytes, delay ?? PoemPace.DefaultDelay);

        var loaded = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        var service = new PoetryService();
        for (var i = 0; i < poems.Length; i++)
        {
            var poem = Load(poems[i], loaded);
            StreamServerEndpointService listener;
            try
            {
                listener = Strports.Service(reactor, listens[i], new PoetryFactory(poem, reactor, pace));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IOException)
            {
                throw new PluginOptionsException($"--listen {listens[i]}: {e.Message}", e);
            }
            service.AddListener(listener);
        }
        return service;
    }

    /// <summary>The error for unpaired --listen/--poem counts, or null. No --listen with one --poem is the default listener.</summary>
    private static string? Mismatch(string[]? listens, string[]? poems)
    {
        var l = listens?.Length ?? 0;
        var p = poems?.Length ?? 0;
        return l == p || (l == 0 && p == 1)
            ? null
            : $"--listen and --poem go in pairs, one --listen for each --poem, but --listen was given {l} time(s) and --poem {p} time(s).";
    }

    private static ReadOnlyMemory<byte> Load(string path, Dictionary<string, ReadOnlyMemory<byte>> loaded)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
            if (!loaded.TryGetValue(full, out var poem))
            {
                poem = loaded[full] = File.ReadAllBytes(full);
            }
            return poem;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            throw new PluginOptionsException($"--poem {path}: cannot read the poem: {why}", e);
        }
    }

    private static int? ParseNumBytes(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            result.AddError($"--num-bytes must be a whole number of bytes, not '{text}'.");
            return null;
        }
        if (n <= 0)
        {
            result.AddError($"--num-bytes must be at least 1, not {n}.");
            return null;
        }
        return n;
    }

    private static double? ParseDelay(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
        {
            result.AddError($"--delay must be a number of seconds, not '{text}'.");
            return null;
        }
        if (seconds < 0)
        {
            result.AddError($"--delay must be zero or more seconds, not {text}.");
            return null;
        }
        return seconds;
    }
}
