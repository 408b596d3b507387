using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Web.Tests.Proxy;

/// <summary>
/// A raw upstream on 127.0.0.1:0 that accepts one connection, reads the request head and then does what
/// the test says (answer part of a body and close, or nothing at all). Runs on its own task; disposed with the test.
/// </summary>
internal sealed class ScriptedUpstream : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _task;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _accepted;

    public ScriptedUpstream(Func<Socket, CancellationToken, Task> script)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _task = Task.Run(async () =>
        {
            _accepted = await _listener.AcceptSocketAsync(_stop.Token);
            var head = new List<byte>();
            var one = new byte[1];
            while (!EndsWithBlankLine(head) && await _accepted.ReceiveAsync(one, _stop.Token) == 1)
            {
                head.Add(one[0]);
            }
            RequestHead = Encoding.Latin1.GetString([.. head]);
            HeadRead.TrySetResult();
            await script(_accepted, _stop.Token);
        });
    }

    public int Port { get; }

    public string RequestHead { get; private set; } = "";

    public TaskCompletionSource HeadRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when the proxy closes its end (a read gives 0 or a reset) within 60 s.</summary>
    public async Task<bool> ClosedByProxy()
    {
        await HeadRead.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await _accepted!.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    public void Dispose()
    {
        _stop.Cancel();
        _accepted?.Dispose();
        _listener.Stop();
        try
        {
            _task.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The script was cut off by the cancellation: expected at the end of a test.
        }
        _stop.Dispose();
    }
}
