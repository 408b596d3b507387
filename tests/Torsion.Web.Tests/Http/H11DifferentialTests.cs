using System.Diagnostics;
using System.Text.Json;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// A differential test against a parser no one here wrote: Python's h11 (Debian's python3-h11). The
/// parser is stricter than h11 by design, so the property is one-way: every request it accepts, h11
/// accepts too, with the same request line, fields, body and trailers. Disagreement the other way
/// round (h11 accepts, Torsion refuses) is strictness and is only counted.
/// </summary>
public sealed class H11DifferentialTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void EveryRequestAcceptedHereIsParsedIdenticallyByH11()
    {
        RequireH11();
        var random = new Random(2025);
        var inputs = new List<byte[]>();
        for (var i = 0; i < 400; i++)
        {
            inputs.Add(Bytes(FuzzTests.ValidRequest(random)));
        }
        for (var i = 0; i < 1200; i++)
        {
            inputs.Add(FuzzTests.Mutate(Bytes(FuzzTests.ValidRequest(random)), random));
        }
        var theirs = RunH11(inputs);
        Assert.Equal(inputs.Count, theirs.Count);

        var agreed = 0;
        var stricter = 0;
        var reasons = new Dictionary<string, int>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var ours = FirstMessage(inputs[i]);
            var h11 = theirs[i];
            if (ours is null)
            {
                if (h11.GetProperty("ok").GetBoolean())
                {
                    stricter++;
                    var verdict = All(inputs[i])[^1];
                    reasons[verdict] = reasons.GetValueOrDefault(verdict) + 1;
                }
                continue;
            }
            var input = Convert.ToHexString(inputs[i]);
            Assert.True(h11.GetProperty("ok").GetBoolean(), $"accepted here, refused by h11 ({h11}): {input}");
            Assert.Equal(h11.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToList(), ours);
            agreed++;
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{inputs.Count} inputs: {agreed} accepted by both identically, {stricter} accepted by h11 only ({string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key}: {r.Value}"))})");
        // Both kinds must occur, or the corpus proves little.
        Assert.True(agreed >= 400, $"agreed {agreed}");
        Assert.True(stricter > 0, $"stricter {stricter}");
    }

    // The first message's events in the peer's normalized text, or null when it was not parsed completely.
    private static List<string>? FirstMessage(byte[] input)
    {
        var events = All(input);
        var result = new List<string>();
        foreach (var e in events)
        {
            if (e.StartsWith("error ", StringComparison.Ordinal) || e == "more")
            {
                return null;
            }
            if (e.StartsWith("headers ", StringComparison.Ordinal))
            {
                continue;
            }
            if (e.StartsWith("line ", StringComparison.Ordinal))
            {
                var parts = e.Split(' ');
                result.Add($"line {parts[1]} {parts[2]} {(parts[3] == "Http11" ? "1.1" : "1.0")}");
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

    private static List<JsonElement> RunH11(List<byte[]> inputs)
    {
        var file = Path.Combine(Path.GetTempPath(), $"torsion-h11-{Guid.NewGuid():N}.txt");
        // h11 does not skip the empty lines before a request line that RFC 9112 §2.2 says a server SHOULD
        // ignore, and this parser does: they are taken off for h11.
        File.WriteAllLines(file, inputs.Select(i => Convert.ToHexStringLower(WithoutLeadingEmptyLines(i))));
        try
        {
            var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Http", "h11_peer.py"));
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

    private static byte[] WithoutLeadingEmptyLines(byte[] input)
    {
        var start = 0;
        while (start + 1 < input.Length && input[start] == (byte)'\r' && input[start + 1] == (byte)'\n')
        {
            start += 2;
        }
        return input[start..];
    }

    private static void RequireH11()
    {
        const string install = "python3-h11 is not installed: apt-get install python3-h11";
        if (!File.Exists(Python))
        {
            Assert.Skip(install);
        }
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import h11");
        using var probe = Process.Start(info)!;
        probe.StandardError.ReadToEnd();
        if (!probe.WaitForExit(TimeSpan.FromSeconds(30)) || probe.ExitCode != 0)
        {
            Assert.Skip(install);
        }
    }
}
