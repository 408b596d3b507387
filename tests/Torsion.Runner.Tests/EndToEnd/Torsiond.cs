using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// Runs the built torsiond as a real process (<c>dotnet torsiond.dll</c>), in a scratch directory of
/// its own, with a compiled-script cache shared by the whole test run so each script compiles once.
/// </summary>
internal static class Torsiond
{
    private static readonly string s_cache = Directory.CreateTempSubdirectory("torsiond-test-cache").FullName;

    public static string Dll => ChildProcess.ProgramPath("Torsion.Runner", "torsiond");

    /// <summary>The compiled-script cache every test's torsiond shares (for wrappers that pass only named variables on).</summary>
    public static string CacheDirectory => s_cache;

    /// <summary>The repository root (where ./torsiond and examples/ are).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Torsion.slnx")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("Torsion.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A fresh working directory.</summary>
    public static string Scratch() => Directory.CreateTempSubdirectory("torsiond-run").FullName;

    private static ProcessStartInfo Info(string workDir, IDictionary<string, string>? environment, string[] args)
    {
        // Signals ignored by whoever started the test run (a background job ignores SIGINT, nohup
        // SIGHUP) stay ignored across exec, and .NET does not take over an ignored SIGINT: torsiond
        // would not see the signals these tests send. env resets them, then execs dotnet (same pid).
        var info = new ProcessStartInfo("env") { WorkingDirectory = workDir };
        info.ArgumentList.Add("--default-signal=HUP,INT,QUIT,TERM,USR1,USR2");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["TORSION_CACHE_DIR"] = s_cache;
        info.Environment.Remove("TORSION_REACTOR");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        return info;
    }

    /// <summary>Runs torsiond to completion (e.g. the parent of a daemon, or `stop`) and returns its status and output.</summary>
    public static (int Status, string Output) Run(string workDir, IDictionary<string, string>? environment, params string[] args)
    {
        using var child = ChildProcess.Start(Info(workDir, environment, args));
        var status = child.WaitForExit(120);
        return (status, child.Output);
    }

    /// <summary>
    /// Starts torsiond as the last argument of <paramref name="wrapper"/> (e.g. <c>unshare ... sh -c
    /// 'setup; exec "$@"' sh</c>), which must exec it so the child's pid is torsiond's.
    /// </summary>
    public static ChildProcess StartUnder(string[] wrapper, string workDir, IDictionary<string, string>? environment, params string[] args)
    {
        var info = Info(workDir, environment, args);
        var inner = new List<string> { info.FileName };
        inner.AddRange(info.ArgumentList);
        info.FileName = wrapper[0];
        info.ArgumentList.Clear();
        foreach (var a in wrapper.Skip(1).Concat(inner))
        {
            info.ArgumentList.Add(a);
        }
        return ChildProcess.Start(info);
    }

    /// <summary>Starts torsiond in the foreground (its output is read as it comes).</summary>
    public static ChildProcess Start(string workDir, IDictionary<string, string>? environment, params string[] args) =>
        ChildProcess.Start(Info(workDir, environment, args));

    /// <summary>
    /// A TCP port that was free a moment ago, below Linux's ephemeral range (32768 and up): the
    /// tests running meanwhile bind port 0 and get ephemeral ports, so they cannot take this one
    /// while torsiond starts.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Bind(new IPEndPoint(IPAddress.Loopback, port));
                using var u = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                u.Bind(new IPEndPoint(IPAddress.Loopback, port)); // addreader.csx listens on UDP
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port between 20000 and 32000");
    }

    /// <summary>Writes a small echo application script into <paramref name="dir"/>.</summary>
    public static string EchoScript(string dir)
    {
        var path = Path.Combine(dir, "echo.csx");
        File.WriteAllText(path, """
            // Echoes every byte back; listens on 127.0.0.1:$PORT.
            class Echo : Protocol
            {
                public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
            }
            var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "0");
            var application = new Application("echo");
            new TcpServer(Reactor, port, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1").SetServiceParent(application);
            """);
        return path;
    }

    /// <summary>Sends <paramref name="text"/> to 127.0.0.1:<paramref name="port"/> and reads the same number of bytes back.</summary>
    public static string Echo(int port, string text)
    {
        using var client = new TcpClient();
        client.ReceiveTimeout = 60_000;
        client.Connect(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
        var got = new byte[bytes.Length];
        stream.ReadExactly(got);
        return Encoding.UTF8.GetString(got);
    }

    /// <summary>The pid in <paramref name="pidFile"/>.</summary>
    public static int ReadPid(string pidFile) => int.Parse(File.ReadAllText(pidFile).Trim());

    /// <summary>True while <paramref name="pid"/> exists (and is not a zombie).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false on timeout.</summary>
    public static bool WaitUntil(Func<bool> condition, double seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>Waits for <paramref name="pid"/> to be gone; false on timeout.</summary>
    public static bool WaitGone(int pid, double seconds = 120) => WaitUntil(() => !IsAlive(pid), seconds);

    /// <summary>Sends <paramref name="signal"/> (e.g. "TERM") to <paramref name="pid"/>, a process this test started.</summary>
    public static void Kill(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString()])!;
        kill.WaitForExit();
    }

    /// <summary>Waits until <paramref name="path"/> exists and contains <paramref name="text"/>; returns its content.</summary>
    public static string WaitForFileText(string path, string text, double seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var content = File.Exists(path) ? File.ReadAllText(path) : "";
            if (content.Contains(text, StringComparison.Ordinal))
            {
                return content;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} did not come to contain '{text}' within {seconds}s; it holds:\n{content}");
            }
            Thread.Sleep(20);
        }
    }
}
