using System.Diagnostics;
using Torsion.TestSupport;

namespace Torsion.Web.Tests.Client;

/// <summary>Python Twisted's web server (Debian's python3-twisted) on 127.0.0.1, port 0; killed on Dispose.</summary>
internal sealed class TwistedWebPeer : IDisposable
{
    private readonly Process _process;

    public TwistedWebPeer()
    {
        var python = Peers.RequirePythonModule("twisted.web", "python3-twisted");
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Client", "twisted_web_peer.py"));
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var line = _process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        if (!line.Wait(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken) || line.Result is null)
        {
            Dispose();
            Assert.Fail("The Twisted web peer did not report its port within 60 s.");
        }
        Port = int.Parse(line.Result!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
