using Xunit;

namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>
/// Asks running BIND 9 and Knot every captured question, through a relay that keeps the raw UDP answer dig
/// printed, and checks our parse of those bytes against dig's text. With <c>TORSION_CAPTURE_TO=DIR</c> set
/// it also writes each answer as <c>SERVER-CASE.bin</c> and dig's text as <c>SERVER-CASE.dig</c> into DIR:
/// that is how the committed fixtures were made (see capture.sh).
/// </summary>
public sealed class CapturedLiveTests(CapturedPeers peers) : IClassFixture<CapturedPeers>
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var server in CapturedZone.Servers)
            {
                foreach (var (name, _) in CapturedZone.Questions) data.Add(server, name);
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void LiveAnswerParsesAsDigPrintsIt(string server, string name)
    {
        var args = CapturedZone.Questions.Single(q => q.Case == name).DigArgs;
        var (answer, text) = DigRelay.Ask(peers.Get(server).Endpoint, args);

        CapturedAnswer.AssertParsesAsDigSays(answer, text);

        if (Environment.GetEnvironmentVariable("TORSION_CAPTURE_TO") is { Length: > 0 } directory)
        {
            File.WriteAllBytes(Path.Combine(directory, $"{server}-{name}.bin"), answer);
            File.WriteAllText(Path.Combine(directory, $"{server}-{name}.dig"), text);
        }
    }
}
