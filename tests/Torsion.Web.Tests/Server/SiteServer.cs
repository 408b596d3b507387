using System.Net;
using Torsion.Internet;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// A <see cref="Site"/> listening on 127.0.0.1:0 on a reactor running on its own thread, so a test can
/// talk to it with blocking sockets (with timeouts) or external programs. Resources run on the reactor
/// thread; <see cref="Call{T}"/> runs code there. Pass a <c>Torsion.Testing.Clock</c> as <c>clock</c> to
/// drive the site's timers (timeouts, sessions) by hand, from the reactor thread (<see cref="Advance"/>).
/// </summary>
internal sealed class SiteServer : IDisposable
{
    private readonly Thread _thread;
    private Exception? _runError;

    public SiteServer(Resource root, Action<SiteOptions>? configure = null, TlsServerOptions? tls = null, string? reactor = null, IReactorTime? clock = null)
    {
        Reactor = reactor is null ? Reactors.Create() : Torsion.TestSupport.Backends.Create(reactor);
        var options = new SiteOptions { AccessLog = false };
        configure?.Invoke(options);
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Reactor.CallWhenRunning(() =>
        {
            try
            {
                Site = new Site(root, options, clock ?? Reactor);
                var port = tls is null
                    ? Reactor.ListenTcp(0, Site, interfaceAddress: "127.0.0.1")
                    : TlsReactor.ListenSsl(Reactor, 0, Site, tls, interfaceAddress: "127.0.0.1");
                ready.SetResult(((IPEndPoint)port.GetHost()).Port);
            }
            catch (Exception e)
            {
                ready.SetException(e);
            }
        });
        _thread = new Thread(() =>
        {
            try
            {
                ((ReactorBase)Reactor).Run(installSignalHandlers: false);
            }
            catch (Exception e)
            {
                _runError = e;
                ready.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "site-reactor" };
        _thread.Start();
        Port = ready.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
    }

    public IReactor Reactor { get; }

    public Site Site { get; private set; } = null!;

    public int Port { get; }

    public string Url(string path = "/") => $"http://127.0.0.1:{Port}{path}";

    /// <summary>Runs <paramref name="f"/> on the reactor thread and returns its result.</summary>
    public T Call<T>(Func<T> f)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Reactor.CallFromThread(() =>
        {
            try
            {
                done.SetResult(f());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
    }

    public RawClient Connect() => new(Port);

    /// <summary>Moves a hand-driven clock forward on the reactor thread (its due calls run there).</summary>
    public void Advance(Torsion.Testing.Clock clock, double seconds) => Call(() =>
    {
        clock.Advance(seconds);
        return 0;
    });

    public void Dispose()
    {
        Reactor.CallFromThread(() => Reactor.Stop());
        if (!_thread.Join(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("The site's reactor did not stop.");
        }
        if (_runError is not null)
        {
            throw new InvalidOperationException("The reactor failed", _runError);
        }
    }
}
