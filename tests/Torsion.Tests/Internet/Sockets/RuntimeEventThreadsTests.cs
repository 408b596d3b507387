using System.Net;
using System.Net.Sockets;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Sockets;

/// <summary>
/// The sockets backend asks the runtime to complete its operations on the socket event thread (no
/// thread-pool hop), and that thread then stops preempting the loop (SCHED_BATCH). Both are visible
/// from outside: only a completion run inline on the event thread can change that thread's policy.
/// </summary>
public sealed class RuntimeEventThreadsTests
{
    private const int SchedBatch = 3;

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    [Fact]
    public void AfterAnEchoTheRuntimeSocketEventThreadRunsAsSchedBatch()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Scheduling policies are read from /proc (Linux only).");
        }
        var reactor = ReactorNames.Create("sockets");
        string? error = null;
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = (IPEndPoint)reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1").GetHost();
            reactor.CallInThread(() =>
            {
                try
                {
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    client.ReceiveTimeout = 10_000;
                    client.Connect(endpoint);
                    var buffer = new byte[1];
                    // Several round trips, each a completion (the accept, then zero-byte receives).
                    for (var i = 0; i < 5; i++)
                    {
                        client.Send([(byte)i]);
                        Assert.Equal(1, client.Receive(buffer));
                    }
                }
                catch (Exception e)
                {
                    error = e.ToString();
                }
                reactor.CallFromThread(reactor.Stop);
            });
        });
        Assert.Null(error);
        var engines = EventThreadPolicies();
        Assert.NotEmpty(engines);
        Assert.Contains(SchedBatch, engines);
    }

    /// <summary>The scheduling policy (field 41 of /proc/self/task/TID/stat) of every ".NET Sockets" thread.</summary>
    private static List<int> EventThreadPolicies()
    {
        var policies = new List<int>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != ".NET Sockets")
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // Fields after the ")" that ends the command name start at field 3.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                policies.Add(int.Parse(fields[41 - 3]));
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }
        return policies;
    }
}
