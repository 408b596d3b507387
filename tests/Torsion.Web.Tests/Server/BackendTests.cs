using System.Text;
using Torsion.Internet;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// The server's transport-sensitive paths on every reactor backend (epoll, poll, select, sockets, io_uring):
/// keep-alive, pipelining in order, a streamed upload with back-pressure, a streamed response with a
/// producer, and the upgrade seam.
/// </summary>
public sealed class BackendTests
{
    public static TheoryData<string> Names => [.. Reactors.Available.Select(r => r.Name)];

    [Theory, MemberData(nameof(Names))]
    public async Task ServesOnEveryBackend(string reactorName)
    {
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("hello", LambdaResource.Text("Hello, World!"));
        root.PutChild("slow", new LambdaResource(get: r =>
        {
            self!.Reactor.CallLater(0.1, () =>
            {
                r.Write("slow");
                r.Finish();
            });
            return RenderResult.NotDoneYet;
        }));
        root.PutChild("count", new LambdaResource(post: r => CountAsync(r), streams: true));
        root.PutChild("big", new LambdaResource(get: r =>
        {
            new CountingPushProducer(r, self!.Reactor, 4L << 20).Start();
            return RenderResult.NotDoneYet;
        }));
        root.PutChild("echo", new LambdaResource(get: r =>
        {
            r.SetHeader("Upgrade", "echo");
            r.SetHeader("Connection", "Upgrade");
            r.Upgrade(new EchoProtocol());
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root, reactor: reactorName);
        self = server;
        using var c = server.Connect();
        c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("slow", c.ReadResponse().Text);
        Assert.Equal("Hello, World!", c.ReadResponse().Text);

        var body = new byte[3 << 20];
        new Random(3).NextBytes(body);
        c.Send($"POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\n\r\n");
        var sender = Task.Run(() => c.Send(body), TestContext.Current.CancellationToken);
        Assert.Equal($"{body.Length}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))}", c.ReadResponse().Text);
        await sender.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(4L << 20, c.ReadResponse().Body.LongLength);

        c.Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\nafter");
        Assert.Equal(101, c.ReadResponse(head: true).Status);
        Assert.Equal("echo:after", Encoding.ASCII.GetString(c.ReadExactly(10)));
    }

    private static async Task<byte[]> CountAsync(Request request)
    {
        var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = await request.Body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }
        return Encoding.ASCII.GetBytes($"{total}:{Convert.ToHexStringLower(hash.GetHashAndReset())}");
    }
}
