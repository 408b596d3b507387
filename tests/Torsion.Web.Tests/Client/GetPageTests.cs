using System.Text;
using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>WebClient.GetPage: redirects followed, the body returned, an HTTP error status an <see cref="HttpErrorException"/>.</summary>
public sealed class GetPageTests
{
    [Fact]
    public void FollowsRedirectsAndReturnsTheBody()
    {
        using var server = RawServer.Answering(r => r.Target == "/"
            ? "HTTP/1.1 302 Found\r\nLocation: /page\r\nContent-Length: 0\r\n\r\n"
            : RawServer.Ok("the page"));
        Assert.Equal("the page", Encoding.UTF8.GetString(Run(r => WebClient.GetPage(r, server.Url()))));
        Assert.All(server.RequestsSoFar(), r => Assert.Equal("close", r.Field("connection")));
    }

    [Fact]
    public void ErrorStatusFailsWithItsStatusAndBody()
    {
        using var server = RawServer.Answering(_ => "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
        var error = Assert.IsType<HttpErrorException>(Failure(r => WebClient.GetPage(r, server.Url("/x"))));
        Assert.Equal(503, error.Status);
        Assert.Equal("Service Unavailable", error.Phrase);
        Assert.Equal("busy"u8.ToArray(), error.Body);
        Assert.Equal(server.Url("/x"), error.Uri.ToString());
    }

    [Fact]
    public void BadAddressIsRefusedAtOnce()
    {
        Assert.Throws<ArgumentException>(() => Run(r => WebClient.GetPage(r, "ftp://example.test/")));
        Assert.Throws<ArgumentException>(() => Run(r => WebClient.GetPage(r, "/relative")));
    }
}
