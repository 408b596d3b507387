using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Hosting;
using StreamServerEndpointService = Torsion.Services.StreamServerEndpointService;
using TcpClient = System.Net.Sockets.TcpClient;

namespace Torsion.Hosting.Tests.Support;

/// <summary>Small helpers for talking to a hosted server from the test thread, every wait bounded.</summary>
public static class Wire
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The address the listening service named <paramref name="name"/> is bound to.</summary>
    public static IPEndPoint AddressOf(TorsionHostedService hosted, string name)
    {
        var service = (StreamServerEndpointService)hosted.Application.GetServiceNamed(name);
        var port = service.Port ?? throw new InvalidOperationException($"{name} does not listen.");
        return (IPEndPoint)port.GetHost();
    }

    public static async Task<TcpClient> ConnectAsync(IPEndPoint address)
    {
        var client = new TcpClient();
        using var cts = new CancellationTokenSource(Patience);
        await client.ConnectAsync(address, cts.Token);
        return client;
    }

    /// <summary>Writes <paramref name="text"/> and reads until as many bytes came back.</summary>
    public static async Task<string> RoundTripAsync(TcpClient client, string text)
    {
        var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(text);
        using var cts = new CancellationTokenSource(Patience);
        await stream.WriteAsync(bytes, cts.Token);
        var got = new byte[bytes.Length];
        await stream.ReadExactlyAsync(got, cts.Token);
        return Encoding.UTF8.GetString(got);
    }

    /// <summary>Reads until the peer ends the connection: true for an orderly end (EOF), true for a reset too.</summary>
    public static async Task<bool> EndsAsync(TcpClient client)
    {
        using var cts = new CancellationTokenSource(Patience);
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                // The socket, not the stream: TcpClient refuses a stream once its own side is shut down.
                if (await client.Client.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return true;
        }
    }
}
