using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Web.Tests.Client;

/// <summary>
/// A scripted HTTP peer on 127.0.0.1 (port 0), written with blocking sockets on its own threads: each
/// accepted connection runs <c>handler(connection, index)</c>. It counts accepted connections and records
/// the requests it read. Reads time out, so a broken test cannot hang it.
/// </summary>
internal sealed class RawServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RawConnection, int, Task> _handler;
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    public RawServer(Func<RawConnection, int, Task> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _tasks.Add(Task.Run(AcceptLoop));
    }

    /// <summary>A server whose every connection answers each request with <paramref name="respond"/>, keeping the connection open.</summary>
    public static RawServer Answering(Func<RawRequest, string> respond) => new(async (c, _) =>
    {
        while (await c.ReadRequestAsync() is { } request)
        {
            await c.WriteAsync(respond(request));
        }
    });

    public int Port { get; }

    public string Url(string path = "/") => $"http://127.0.0.1:{Port}{path}";

    public int Accepted => Volatile.Read(ref _accepted);

    public List<RawRequest> Requests { get; } = [];

    /// <summary>Errors the handlers threw (other than the client closing), for the test to check.</summary>
    public List<Exception> Errors { get; } = [];

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var index = Interlocked.Increment(ref _accepted) - 1;
            var connection = new RawConnection(socket, this);
            lock (_tasks)
            {
                _tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        await _handler(connection, index);
                    }
                    catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                    {
                        // The client went away: normal for many tests.
                    }
                    catch (Exception e)
                    {
                        lock (Errors)
                        {
                            Errors.Add(e);
                        }
                    }
                    finally
                    {
                        connection.Dispose();
                    }
                }));
            }
        }
    }

    internal void Record(RawRequest request)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }
    }

    public List<RawRequest> RequestsSoFar()
    {
        lock (Requests)
        {
            return [.. Requests];
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = [.. _tasks];
        }
        Task.WaitAll(tasks, TimeSpan.FromSeconds(20));
        _stop.Dispose();
    }

    public static string Ok(string body, string extra = "") =>
        $"HTTP/1.1 200 OK\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{extra}\r\n{body}";
}
