using System.CommandLine;
using System.CommandLine.Parsing;
using Torsion.Internet;
using Torsion.Plugins;
using Torsion.Services;
using Torsion.Web.Http;
using Torsion.Web.Proxy;
using Torsion.Web.Server;
using Torsion.Web.Static;

namespace Torsion.Web.Tap;

/// <summary>
/// The <c>web</c> plugin (twistd web): <c>torsiond web --listen tcp:8080 --path /srv/www</c> serves a
/// directory with <see cref="StaticFile"/>; without <c>--path</c>, a small built-in page. Every
/// <c>--listen</c> (repeatable; <c>ssl:</c> descriptions serve HTTPS) serves the same site.
/// </summary>
public sealed class WebServiceMaker : IServiceMaker
{
    /// <summary>Where the site listens when no <c>--listen</c> is given.</summary>
    public const string DefaultListen = "tcp:8080";

    private readonly Option<string[]> _listen = new("--listen")
    {
        Description = $"Where to listen, as an endpoint description (tcp:8080, tcp:8080:interface=127.0.0.1, ssl:8443:privateKey=key.pem:certKey=cert.pem). Repeatable; default {DefaultListen}.",
        HelpName = "STRPORT",
    };

    private readonly Option<string?> _path = new("--path")
    {
        Description = "The directory (or file) to serve. Without it, a small built-in page is served.",
        HelpName = "DIR",
    };

    private readonly Option<string[]> _index = new("--index")
    {
        Description = "A file name served for a directory's URL ending in '/'. Repeatable, tried in order; default index.html.",
        HelpName = "NAME",
    };

    private readonly Option<string?> _mimeType = new("--mime-type")
    {
        Description = $"The content type of files whose extension is unknown (default {MimeTypes.DefaultType}).",
        HelpName = "TYPE",
    };

    private readonly Option<string[]> _addHeader = new("--add-header")
    {
        Description = "A header added to every response, as \"Name: value\". Repeatable.",
        HelpName = "HEADER",
    };

    private readonly Option<string?> _proxy = new("--proxy")
    {
        Description = "Run a reverse proxy instead of serving files: forward every request to this HTTP upstream, HOST:PORT[/PATH] (127.0.0.1:9000, [::1]:9000/app).",
        HelpName = "HOST:PORT",
    };

    private readonly Option<string?> _logfile = new("--logfile")
    {
        Description = "Write the access log (combined log format) to this file, appended; '-' for standard output.",
        HelpName = "FILE",
    };

    /// <inheritdoc/>
    public string Name => "web";

    /// <inheritdoc/>
    public string Description => "An HTTP server: serve a directory of static files, or reverse-proxy to an upstream (twistd web).";

    /// <inheritdoc/>
    public void ConfigureOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_listen);
        command.Options.Add(_path);
        command.Options.Add(_index);
        command.Options.Add(_mimeType);
        command.Options.Add(_addHeader);
        command.Options.Add(_logfile);
        command.Options.Add(_proxy);
        command.Validators.Add(Validate);
    }

    /// <inheritdoc/>
    /// <remarks>Checks every option now, so a missing directory or a bad description stops torsiond before it starts.</remarks>
    public IService MakeService(ParseResult options, IReactor reactor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reactor);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var text in options.GetValue(_addHeader) ?? [])
        {
            headers.Add(ParseHeader(text, out var error) ?? throw new PluginOptionsException(error!));
        }
        var mimeType = options.GetValue(_mimeType);
        if (mimeType is not null && !IsHeaderValue(mimeType))
        {
            throw new PluginOptionsException($"--mime-type '{mimeType.ReplaceLineEndings("\\n")}': not a usable content type (a token/token type, no CR, LF or control characters).");
        }

        Resource root;
        if (options.GetValue(_proxy) is { } proxy)
        {
            if (options.GetValue(_path) is not null)
            {
                throw new PluginOptionsException("--proxy and --path cannot be used together.");
            }
            root = ParseProxy(proxy, reactor);
        }
        else if (options.GetValue(_path) is { } path)
        {
            var full = Path.GetFullPath(path);
            if (!Directory.Exists(full) && !File.Exists(full))
            {
                throw new PluginOptionsException($"--path {path}: no such directory or file.");
            }
            var staticOptions = new StaticFileOptions();
            if (options.GetValue(_index) is { Length: > 0 } indexes)
            {
                staticOptions.IndexNames.Clear();
                foreach (var name in indexes)
                {
                    staticOptions.IndexNames.Add(name);
                }
            }
            if (mimeType is not null)
            {
                staticOptions.DefaultType = mimeType;
            }
            root = new StaticFile(full, staticOptions);
        }
        else
        {
            root = new Resource();
            root.PutChild("", new WelcomePage());
        }
        if (headers.Count > 0)
        {
            root = new HeaderAddingResource(root, headers);
        }

        var service = new MultiService();
        var site = new Site(root, null, reactor);
        var listens = options.GetValue(_listen) is { Length: > 0 } l ? l : [DefaultListen];
        foreach (var listen in listens)
        {
            try
            {
                service.AddService(Strports.Service(reactor, listen, site));
            }
            catch (Exception e) when (e is EndpointSyntaxException or FormatException or ArgumentException or IOException)
            {
                throw new PluginOptionsException($"--listen {listen}: {e.Message}", e);
            }
        }
        if (options.GetValue(_logfile) is { } logfile)
        {
            var target = logfile == "-" ? "-" : Path.GetFullPath(logfile);
            if (target != "-" && !Directory.Exists(Path.GetDirectoryName(target)))
            {
                throw new PluginOptionsException($"--logfile {logfile}: no such directory.");
            }
            service.AddService(new AccessLogService(target));
        }
        return service;
    }

    private void Validate(CommandResult result)
    {
        foreach (var text in result.GetValue(_addHeader) ?? [])
        {
            if (ParseHeader(text, out var error) is null)
            {
                result.AddError(error!);
            }
        }
    }

    private static KeyValuePair<string, string>? ParseHeader(string text, out string? error)
    {
        error = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? "" : text[..colon];
        var value = colon < 0 ? "" : text[(colon + 1)..].Trim(' ', '\t');
        try
        {
            // The same checks as every response header: a token name, no CR, LF or other control character.
            new Headers().Add(name, value);
        }
        catch (ArgumentException)
        {
            error = $"--add-header '{text.ReplaceLineEndings("\\n")}': expected \"Name: value\" with a token name and a value without CR, LF or control characters.";
            return null;
        }
        return new KeyValuePair<string, string>(name, value);
    }

    private static bool IsHeaderValue(string value)
    {
        try
        {
            new Headers().Add("Content-Type", value);
            return value.Length > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // HOST:PORT[/PATH]; an IPv6 host in brackets.
    private static ReverseProxyResource ParseProxy(string text, IReactor reactor)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? text : text[..slash];
        var colon = authority.LastIndexOf(':');
        var host = colon > 0 ? authority[..colon] : "";
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (host.Length == 0 || host.Contains('[', StringComparison.Ordinal) || host.Contains(']', StringComparison.Ordinal)
            || !int.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw new PluginOptionsException($"--proxy {text}: expected HOST:PORT[/PATH], as in 127.0.0.1:9000 or [::1]:9000/app.");
        }
        return new ReverseProxyResource(host, port, slash < 0 ? "" : text[slash..], reactor);
    }
}
