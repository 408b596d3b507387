using System.Text;

namespace Torsion.Web.Tests.Server;

/// <summary>A response as <see cref="RawClient"/> read it.</summary>
internal sealed class HttpResponse(int status, string reason, string rawHead)
{
    public int Status { get; } = status;

    public string Reason { get; } = reason;

    public string RawHead { get; } = rawHead;

    public List<(string Name, string Value)> Headers { get; } = [];

    public byte[] Body { get; set; } = [];

    public int Chunks { get; set; }

    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public IEnumerable<string> AllHeaders(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}
