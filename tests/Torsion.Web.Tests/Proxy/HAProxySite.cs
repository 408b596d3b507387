using System.Net;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>
/// A <see cref="Site"/> listening on 127.0.0.1:0 behind an <see cref="HAProxyWrappingFactory"/>, on its own
/// reactor thread; its one resource answers with the client address the request reports.
/// </summary>
internal sealed class HAProxySite : IDisposable
{
    private readonly Thread _thread;

    public HAProxySite()
    {
        Reactor = Reactors.Create();
        var root = new Resource();
        root.PutChild("whoami", new Server.LambdaResource(get: r =>
        {
            r.SetHeader("Content-Type", "text/plain");
            return System.Text.Encoding.ASCII.GetBytes($"client={Address(r.GetClientAddress())} host={Address(r.GetHost())}");
        }));
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Reactor.CallWhenRunning(() =>
        {
            try
            {
                Factory = new HAProxyWrappingFactory(new Site(root, new SiteOptions { AccessLog = false }, Reactor), Reactor);
                var port = Reactor.ListenTcp(0, Factory, interfaceAddress: "127.0.0.1");
                ready.SetResult(((IPEndPoint)port.GetHost()).Port);
            }
            catch (Exception e)
            {
                ready.SetException(e);
            }
        });
        _thread = new Thread(() => ((ReactorBase)Reactor).Run(installSignalHandlers: false)) { IsBackground = true, Name = "haproxy-site" };
        _thread.Start();
        Port = ready.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
    }

    public IReactor Reactor { get; }

    public HAProxyWrappingFactory Factory { get; private set; } = null!;

    public int Port { get; }

    public long Refused
    {
        get
        {
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Reactor.CallFromThread(() => done.SetResult(Factory.RefusedConnections));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }
    }

    private static string Address(EndPoint e) => e is IPEndPoint ip ? ip.Address.ToString() : e.ToString() ?? "?";

    public void Dispose()
    {
        Reactor.CallFromThread(() => Reactor.Stop());
        if (!_thread.Join(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("The site's reactor did not stop.");
        }
    }
}
