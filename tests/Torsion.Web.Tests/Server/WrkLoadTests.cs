using System.Globalization;
using System.Text.RegularExpressions;
using Torsion.TestSupport;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// wrk with 1,000 keep-alive connections for 10 s against a Site: zero socket errors and zero non-2xx
/// responses. It checks the error count, not the speed.
/// </summary>
public sealed class WrkLoadTests
{
    [Fact]
    public void AThousandKeepAliveConnectionsGetNoErrors()
    {
        var wrk = Peers.RequireProgram("wrk", "wrk");
        var limit = DescriptorLimit.Ensure(4096);
        Assert.True(limit >= 2100, $"this process may open only {limit} descriptors; the test needs 1,000 for the server side");
        var root = new Resource();
        root.PutChild("", LambdaResource.Text("Hello, World!"));
        using var server = new SiteServer(root);
        // wrk needs a descriptor per connection, and so does the server (same process limits apply to both
        // sides here): 1,000 connections each way plus the test host's own.
        var (code, stdout, stderr) = ProcessRunner.Run("/bin/sh", ["-c", $"ulimit -n 4096 2>/dev/null; exec {wrk} -t1 -c1000 -d10s --timeout 30s {server.Url("/")}"], timeoutSeconds: 120);
        Assert.True(code == 0, stdout + stderr);
        var requests = Regex.Match(stdout, @"(\d+) requests in");
        Assert.True(requests.Success, stdout);
        Assert.True(long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture) > 1000, stdout);
        Assert.DoesNotMatch("Socket errors", stdout);
        Assert.DoesNotMatch("Non-2xx or 3xx responses", stdout);
        Assert.Equal(0, BasicTests.WaitFor(server, () => server.Site.OpenConnections, 0));
    }
}
