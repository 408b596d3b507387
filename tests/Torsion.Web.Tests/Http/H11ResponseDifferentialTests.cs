using System.Diagnostics;
using System.Text.Json;
using Torsion.TestSupport;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// A one-way differential test of the response parser against Python's h11 as a client (Debian's
/// python3-h11): every response accepted here (followed by the connection's close) is parsed by h11 to
/// the same status lines, fields, body and trailers. h11 accepting more is strictness, only counted.
/// </summary>
public sealed class H11ResponseDifferentialTests
{
    private static readonly string[] Methods = ["GET", "HEAD"];

    [Fact]
    public void EveryResponseAcceptedHereIsParsedIdenticallyByH11()
    {
        var python = Peers.RequirePythonModule("h11", "python3-h11");
        var random = new Random(2026);
        var inputs = new List<(string Method, byte[] Data)>();
        for (var i = 0; i < 400; i++)
        {
            inputs.Add((Methods[random.Next(2)], Bytes(ResponseFuzzTests.ValidResponse(random))));
        }
        for (var i = 0; i < 1200; i++)
        {
            inputs.Add((Methods[random.Next(2)], ResponseFuzzTests.Mutate(Bytes(ResponseFuzzTests.ValidResponse(random)), random)));
        }
        var theirs = RunH11(python, inputs);
        Assert.Equal(inputs.Count, theirs.Count);
        var agreed = 0;
        var stricter = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var ours = FirstResponse(inputs[i].Data, inputs[i].Method);
            var h11 = theirs[i];
            if (ours is null)
            {
                stricter += h11.GetProperty("ok").GetBoolean() ? 1 : 0;
                continue;
            }
            var input = $"{inputs[i].Method} {Convert.ToHexString(inputs[i].Data)}";
            Assert.True(h11.GetProperty("ok").GetBoolean(), $"accepted here, refused by h11 ({h11}): {input}");
            Assert.Equal(h11.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToList(), ours);
            agreed++;
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{inputs.Count} inputs: {agreed} accepted by both identically, {stricter} accepted by h11 only");
        Assert.True(agreed >= 400, $"agreed {agreed}");
    }

    // Our events up to the first final response's end, in the peer's text; null unless it completed.
    private static List<string>? FirstResponse(byte[] input, string method)
    {
        var result = new List<string>();
        foreach (var e in ResponseRun.All(input, method, close: true))
        {
            if (e.StartsWith("error ", StringComparison.Ordinal) || e is "more" or "upgraded")
            {
                return null;
            }
            if (e.StartsWith("headers ", StringComparison.Ordinal))
            {
                continue;
            }
            if (e.StartsWith("status ", StringComparison.Ordinal))
            {
                // "status Http11 200 OK" -> "status 200 OK": the versions are compared through the framing.
                var parts = e.Split(' ', 3);
                result.Add($"status {parts[2]}");
                continue;
            }
            result.Add(e);
            if (e == "complete")
            {
                return result;
            }
        }
        return null;
    }

    private static List<JsonElement> RunH11(string python, List<(string Method, byte[] Data)> inputs)
    {
        var file = Path.Combine(Path.GetTempPath(), $"torsion-h11-responses-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(file, inputs.Select(i => $"{i.Method} {Convert.ToHexStringLower(i.Data)}"));
        try
        {
            var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Http", "h11_response_peer.py"));
            info.ArgumentList.Add(file);
            using var peer = Process.Start(info)!;
            var stderr = peer.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stdout = peer.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            if (!peer.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                peer.Kill();
                Assert.Fail("the h11 peer did not finish in 120 s");
            }
            var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(peer.ExitCode == 0 && lines.Length > 0 && lines[^1] == "done", $"the h11 peer failed ({peer.ExitCode}): {stderr.Result}");
            return [.. lines[..^1].Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        }
        finally
        {
            File.Delete(file);
        }
    }
}
