using System.CommandLine;
using Torsion.Runner.Cli;

namespace Torsion.Runner.Tests.Cli;

/// <summary>torsiond's options: twistd's spellings, defaults that depend on -n, and usage errors that name the option and exit 2.</summary>
public sealed class RunnerCommandLineTests
{
    private sealed record Outcome(int Status, RunnerOptions? Options, string Output, string Error, (string PidFile, double Timeout)? Stop);

    private static Outcome Parse(params string[] args)
    {
        var plugin = new Command("demo", "A demo plugin for the tests.");
        plugin.Options.Add(new Option<string[]>("--listen") { AllowMultipleArgumentsPerToken = false });
        plugin.Options.Add(new Option<int>("--count"));
        var line = new RunnerCommandLine([plugin]);
        var output = new StringWriter();
        var error = new StringWriter();
        RunnerOptions? seen = null;
        (string, double)? stop = null;
        var status = line.Execute(args, o => { seen = o; return 0; }, (p, t) => { stop = (p, t); return 0; }, output, error);
        return new Outcome(status, seen, output.ToString(), error.ToString(), stop);
    }

    private static string Script()
    {
        var path = Path.Combine(Path.GetTempPath(), $"torsiond-cli-{Guid.NewGuid():N}.csx");
        File.WriteAllText(path, "var application = 1;");
        return path;
    }

    [Fact]
    public void DaemonDefaults()
    {
        var script = Script();
        var o = Parse("-y", script).Options!;
        Assert.False(o.NoDaemon);
        Assert.Equal(script, o.ApplicationFile);
        Assert.Equal(Convert.ToUInt32("077", 8), o.Umask);
        Assert.Equal(Path.GetFullPath("torsiond.log"), o.LogFile);
        Assert.Equal(Path.GetFullPath("torsiond.pid"), o.PidFile);
        Assert.True(o.NoSave); // -y implies -o
        Assert.Equal(30, o.ShutdownTimeout);
        Assert.Null(o.Reactor);
    }

    [Fact]
    public void ForegroundDefaults()
    {
        var o = Parse("-n", "-y", Script()).Options!;
        Assert.True(o.NoDaemon);
        Assert.Null(o.Umask);
        Assert.Equal("-", o.LogFile);
        // No pid file in the foreground (a container's root may be read-only) unless one is named:
        // --pidfile=torsiond.pid is twistd's default, kept available.
        Assert.Null(o.PidFile);
        Assert.Equal(Path.GetFullPath("torsiond.pid"), Parse("-n", "--pidfile=torsiond.pid", "-y", Script()).Options!.PidFile);
    }

    [Fact]
    public void EveryOptionIsTakenAsGiven()
    {
        var dir = Directory.CreateTempSubdirectory("torsiond-cli").FullName;
        var o = Parse("--nodaemon", "--python", Script(), "--logfile", "x.log", "--log-format", "json", "--log-level", "warn",
            "--pidfile", "", "--rundir", dir, "--umask", "022", "--uid", "0", "--gid", "0", "--euid", "--reactor", "poll",
            "--shutdown-timeout", "2.5", "--chroot", dir).Options!;
        Assert.Equal(Path.GetFullPath("x.log"), o.LogFile);
        Assert.Equal("json", o.LogFormat);
        Assert.Equal(Torsion.Logging.LogLevel.Warn, o.LogLevel);
        Assert.Null(o.PidFile);
        Assert.Equal(dir, o.RunDirectory);
        Assert.Equal(Convert.ToUInt32("022", 8), o.Umask);
        Assert.Equal(0u, o.Uid);
        Assert.Equal(0u, o.Gid);
        Assert.True(o.EffectiveOnly);
        Assert.Equal("poll", o.Reactor);
        Assert.Equal(2.5, o.ShutdownTimeout);
        Assert.Equal(dir, o.Chroot);
    }

    [Fact]
    public void EmptyPidFileMeansNoneInEverySpelling()
    {
        var script = Script();
        Assert.Null(Parse("-n", "--pidfile=", "--logfile=-", "-y", script).Options!.PidFile);
        Assert.Null(Parse("--nodaemon", "--pidfile", "", "-y", script).Options!.PidFile);
        Assert.Null(Parse("--pidfile=", "-y", script).Options!.PidFile);
        // The empty value is not the next argument's: "-y" stays an option.
        var o = Parse("-n", "--pidfile=", "-y", script).Options!;
        Assert.Null(o.PidFile);
        Assert.Equal(script, o.ApplicationFile);
    }

    [Fact]
    public void EmptyLogFileMeansTheDefault()
    {
        var script = Script();
        Assert.Equal("-", Parse("-n", "--logfile=", "-y", script).Options!.LogFile);
        Assert.Equal(Path.GetFullPath("torsiond.log"), Parse("--logfile=", "-y", script).Options!.LogFile);
        Assert.Equal("-", Parse("-n", "-l", "", "-y", script).Options!.LogFile);
        Assert.Equal("-", Parse("-n", "-l=", "-y", script).Options!.LogFile);
    }

    [Theory]
    [InlineData("--logfile=x.log")]
    [InlineData("--logfile", "x.log")]
    [InlineData("-lx.log")]
    [InlineData("-l", "x.log")]
    [InlineData("--logf=x.log")]
    [InlineData("--logfi", "x.log")]
    public void ValueOptionsTakeEveryGetoptSpelling(params string[] spelling)
    {
        var o = Parse([.. spelling, "-y", Script()]).Options!;
        Assert.Equal(Path.GetFullPath("x.log"), o.LogFile);
    }

    [Fact]
    public void EveryValueOptionTakesTheEqualsSpelling()
    {
        var dir = Directory.CreateTempSubdirectory("torsiond-cli").FullName;
        var o = Parse("--nodaemon", $"--python={Script()}", "--log-format=json", "--log-level=warn",
            "--pidfile=p.pid", $"--rundir={dir}", "--umask=022", "--uid=0", "--gid=0", "--reactor=poll", "--reactors=2",
            "--shutdown-timeout=2.5", $"--chroot={dir}", "--prefix=", "--syslog").Options!;
        Assert.Equal("json", o.LogFormat);
        Assert.Equal(Torsion.Logging.LogLevel.Warn, o.LogLevel);
        Assert.Equal(Path.GetFullPath("p.pid"), o.PidFile);
        Assert.Equal(dir, o.RunDirectory);
        Assert.Equal(Convert.ToUInt32("022", 8), o.Umask);
        Assert.Equal(0u, o.Uid);
        Assert.Equal(0u, o.Gid);
        Assert.Equal("poll", o.Reactor);
        Assert.Equal(2, o.Loops);
        Assert.Equal(2.5, o.ShutdownTimeout);
        Assert.Equal(dir, o.Chroot);
        Assert.True(o.Syslog);
        Assert.Equal("", o.SyslogPrefix);
    }

    [Fact]
    public void ShortOptionsTakeAttachedValuesAndBundle()
    {
        var dir = Directory.CreateTempSubdirectory("torsiond-cli").FullName;
        var script = Script();
        var o = Parse($"-d{dir}", "-rpoll", "-u0", "-g0", $"-y{script}").Options!;
        Assert.Equal(dir, o.RunDirectory);
        Assert.Equal("poll", o.Reactor);
        Assert.Equal(0u, o.Uid);
        Assert.Equal(script, o.ApplicationFile);
        var bundled = Parse("-no", "-y", script).Options!;
        Assert.True(bundled.NoDaemon);
        Assert.True(bundled.NoSave);
    }

    [Fact]
    public void AValueIsTheNextArgumentWhateverItLooksLike()
    {
        // getopt's rule: "--logfile -n" logs to a file named -n; -n is not taken as a flag.
        var o = Parse("--logfile", "-n", "-y", Script()).Options!;
        Assert.Equal(Path.GetFullPath("-n"), o.LogFile);
        Assert.False(o.NoDaemon);
        Assert.Equal("-x", Parse("-n", "--prefix", "-x", "-y", Script()).Options!.SyslogPrefix);
    }

    [Fact]
    public void PluginOptionsTakeTheSameSpellings()
    {
        var o = Parse("-n", "--pidfile=", "demo", "--listen=", "--cou=3", "--listen", "-x").Options!;
        Assert.Equal("demo", o.PluginName);
        Assert.Equal(["--listen", "", "--count", "3", "--listen", "-x"], o.PluginArguments);
    }

    [Theory]
    [InlineData("--python=", "--python")]
    [InlineData("--file=", "--file")]
    [InlineData("--rundir=", "--rundir")]
    [InlineData("--chroot=", "--chroot")]
    [InlineData("--umask=", "--umask")]
    [InlineData("--uid=", "no such user")]
    [InlineData("--reactor=", "unknown reactor ''")]
    [InlineData("--shutdown-timeout=", "--shutdown-timeout")]
    [InlineData("--reactors=", "--reactors")]
    [InlineData("--log-level=", "--log-level")]
    [InlineData("--p=x", "ambiguous")]
    [InlineData("--log=x.log", "--logfile, --log-format, --log-level")]
    [InlineData("--nodaemon=x", "--nodaemon")]
    public void EmptyOrBadValuesAreUsageErrorsNamingTheOption(string option, string expected)
    {
        var r = Parse("-n", option, "-y", Script());
        Assert.Equal(2, r.Status);
        Assert.Null(r.Options);
        Assert.Contains(expected, r.Error);
        Assert.Contains("torsiond --help", r.Error);
    }

    [Fact]
    public void StopWithAnEmptyPidFileIsAUsageError()
    {
        var r = Parse("stop", "--pidfile=");
        Assert.Equal(2, r.Status);
        Assert.Null(r.Stop);
        Assert.Contains("--pidfile", r.Error);
        Assert.Equal((Path.GetFullPath("x.pid"), 60.0), Parse("stop", "--pidfile=x.pid").Stop);
    }

    [Fact]
    public void UserNamesResolveWithTheirPrimaryGroup()
    {
        var o = Parse("-n", "-y", Script(), "-u", "root").Options!;
        Assert.Equal(0u, o.Uid);
        Assert.Equal("root", o.UserName);
        Assert.Equal(0u, o.Gid);
    }

    [Theory]
    [InlineData("--umask=9", "--umask")]
    [InlineData("--log-level=loud", "loud")]
    [InlineData("--log-format=xml", "xml")]
    [InlineData("-r=nope", "unknown reactor 'nope'")]
    [InlineData("--uid=no-such-user-here", "no such user")]
    [InlineData("--gid=no-such-group-here", "no such group")]
    [InlineData("--rundir=/no/such/dir", "--rundir")]
    [InlineData("--shutdown-timeout=-1", "--shutdown-timeout")]
    [InlineData("--bogus", "--bogus")]
    [InlineData("-l=-", "needs -n")]
    public void BadOptionsAreUsageErrorsNamingTheProblem(string option, string expected)
    {
        var r = Parse(option, "-y", Script());
        Assert.Equal(2, r.Status);
        Assert.Null(r.Options);
        Assert.Contains(expected, r.Error);
        Assert.Contains("torsiond --help", r.Error);
    }

    [Fact]
    public void NothingToRunIsAUsageError()
    {
        var r = Parse("-n");
        Assert.Equal(2, r.Status);
        Assert.Contains("nothing to run", r.Error);
    }

    [Fact]
    public void TwoSourcesAreAUsageError()
    {
        var r = Parse("-n", "-y", Script(), "demo");
        Assert.Equal(2, r.Status);
        Assert.Contains("only one", r.Error);
    }

    [Fact]
    public void MissingScriptIsAUsageError()
    {
        var r = Parse("-n", "-y", "/no/such/app.csx");
        Assert.Equal(2, r.Status);
        Assert.Contains("/no/such/app.csx", r.Error);
    }

    [Fact]
    public void PluginArgumentsAreKeptForTheTapFile()
    {
        var o = Parse("-n", "demo", "--listen", "tcp:1", "--listen=tcp:2", "--count", "3").Options!;
        Assert.Equal("demo", o.PluginName);
        Assert.Equal(["--listen", "tcp:1", "--listen", "tcp:2", "--count", "3"], o.PluginArguments);
        Assert.True(o.Persistable);
        Assert.False(Parse("-n", "-o", "demo").Options!.Persistable);
    }

    [Fact]
    public void PluginOptionErrorsAreUsageErrors()
    {
        var r = Parse("-n", "demo", "--count", "many");
        Assert.Equal(2, r.Status);
        Assert.Contains("many", r.Error);
    }

    [Fact]
    public void HelpListsPluginsWithTheirDescription()
    {
        var r = Parse("--help");
        Assert.Equal(0, r.Status);
        Assert.Contains("demo", r.Output);
        Assert.Contains("A demo plugin for the tests.", r.Output);
        Assert.Contains("--nodaemon", r.Output);
        Assert.Contains("stop", r.Output);
    }

    [Fact]
    public void VersionAndReactorList()
    {
        var v = Parse("--version");
        Assert.Equal(0, v.Status);
        Assert.StartsWith("torsiond ", v.Output);
        var r = Parse("--help-reactors");
        Assert.Equal(0, r.Status);
        foreach (var name in new[] { "epoll", "poll", "select", "sockets" })
        {
            Assert.Contains(name, r.Output);
        }
    }

    [Fact]
    public void StopTakesAPidFileAndTimeout()
    {
        var r = Parse("stop", "--pidfile", "x.pid", "--timeout", "5");
        Assert.Equal(0, r.Status);
        Assert.Equal((Path.GetFullPath("x.pid"), 5.0), r.Stop);
        Assert.Equal(2, Parse("stop", "--timeout", "0").Status);
    }
}
