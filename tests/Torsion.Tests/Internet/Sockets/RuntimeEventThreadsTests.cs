using System.Net;
using System.Net.Sockets;
using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet.Sockets;

/// <summary>
/// The sockets backend asks the runtime to complete its operations on the socket event thread (no
/// thread-pool hop), and that thread then stops preempting the loop (SCHED_BATCH). Both are visible
/// from outside: only a completion run inline on the event thread can change that thread's policy.
/// </summary>
public sealed class RuntimeEventThreadsTests
{
    private const int SchedOther = 0;
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
                    client.ReceiveTimeout = 60_000;
                    client.Connect(endpoint);
                    RoundTripsUntil(client, () => EventThreadPolicies().Contains(SchedBatch));
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

    [Theory]
    [InlineData(false, SchedBatch)]
    [InlineData(true, SchedOther)]
    public void TheAppContextSwitchKeepsTheEventThreadsPolicy(bool keep, int expected)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Scheduling policies are read from /proc (Linux only).");
        }
        // A process of its own: the switch is read once per process, and this one's event thread may
        // already have been changed by another test.
        var args = keep ? new[] { "echo", "sockets", "--keep-event-thread-scheduling" } : new[] { "echo", "sockets" };
        using var child = ChildProcess.StartDotnet("Torsion.TestPrograms", args);
        var line = child.WaitForLine(l => l.StartsWith("port ", StringComparison.Ordinal));
        var port = int.Parse(line["port ".Length..]);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            client.ReceiveTimeout = 60_000;
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            // Switch on: round trips until the event thread has changed (the event waited for).
            // Switch off: the full bounded run, which the "on" row shows is more than enough.
            RoundTripsUntil(client, () => !keep && EventThreadPolicies($"/proc/{child.Pid}/task").Contains(SchedBatch));
        }
        var policies = EventThreadPolicies($"/proc/{child.Pid}/task");
        Assert.NotEmpty(policies);
        Assert.All(policies, p => Assert.Equal(expected, p));
    }

    /// <summary>
    /// Echo round trips, at most 500 and 10 s, until <paramref name="done"/>. A server's wait for data
    /// (and so a completion from the event thread) comes whenever it reads faster than the client
    /// sends; a fresh process still JIT-compiling may find each next byte already there for its first
    /// few round trips, which is why one or five are not enough and the loop waits for the outcome.
    /// </summary>
    private static void RoundTripsUntil(Socket client, Func<bool> done)
    {
        var buffer = new byte[1];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        for (var i = 0; i < 500 && DateTime.UtcNow < deadline && !done(); i++)
        {
            client.Send([(byte)i]);
            Assert.Equal(1, client.Receive(buffer));
            Assert.Equal((byte)i, buffer[0]);
        }
    }

    /// <summary>The scheduling policy (field 41 of /proc/PID/task/TID/stat) of every ".NET Sockets" thread.</summary>
    private static List<int> EventThreadPolicies(string tasks = "/proc/self/task")
    {
        var policies = new List<int>();
        foreach (var task in Directory.GetDirectories(tasks))
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
