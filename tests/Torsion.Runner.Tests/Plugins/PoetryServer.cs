using System.Net;
using System.Net.Sockets;
using Torsion.Examples.Poetry;
using Torsion.Internet;
using Torsion.Runner.Plugins;

using Torsion.Runner.Tests.Support;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>Starts the poetry plugin on a <see cref="BackgroundReactor"/> and reads poems from it with blocking clients.</summary>
internal static class PoetryServer
{
    /// <summary>Builds the service from <paramref name="args"/> (as torsiond would), starts it on the loop and waits until every listener listens.</summary>
    public static (PoetryService Service, IPEndPoint[] Addresses) Start(BackgroundReactor runner, params string[] args)
    {
        var service = runner.Call(() =>
        {
            var s = (PoetryService)PluginCommand.MakeService(new PoetryServiceMaker(), args, runner.Reactor);
            s.PrivilegedStartService();
            s.StartService();
            return s;
        });
        var addresses = service.Listeners.Select(l => (IPEndPoint)runner.CallDeferred(l.WhenListening).GetHost()).ToArray();
        return (service, addresses);
    }

    /// <summary>Stops <paramref name="service"/> and waits for it.</summary>
    public static void Stop(BackgroundReactor runner, PoetryService service) => runner.CallDeferred(service.StopService);

    /// <summary>Connects, reads until the server closes, and returns what arrived.</summary>
    public static byte[] ReadPoem(IPEndPoint address)
    {
        using var client = new TcpClient { ReceiveTimeout = (int)BackgroundReactor.Timeout.TotalMilliseconds };
        client.Connect(address);
        var received = new MemoryStream();
        client.GetStream().CopyTo(received);
        return received.ToArray();
    }

    /// <summary>A listen description for an ephemeral loopback port.</summary>
    public const string AnyLoopbackPort = "tcp:0:interface=127.0.0.1";

    /// <summary>Writes <paramref name="size"/> reproducible random bytes to <paramref name="path"/> and returns them.</summary>
    public static byte[] WriteRandomPoem(string path, int size, int seed = 42)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return bytes;
    }

    /// <summary>The reactor backends, one theory row each (unsupported ones skip with the reason).</summary>
    public static TheoryData<string> Backends
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var info in Reactors.Available)
            {
                data.Add(info.Name);
            }
            return data;
        }
    }
}
