using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Tests.Client;

/// <summary>A body protocol that records the data and the end reason, and fires when the body ends.</summary>
internal sealed class BodyRecorder : Protocol
{
    private readonly MemoryStream _data = new();

    public Deferred<Exception> Ended { get; } = new();

    public string Text => Encoding.UTF8.GetString(_data.ToArray());

    public override void DataReceived(ReadOnlySpan<byte> data) => _data.Write(data);

    public override void ConnectionLost(Failure reason) => Ended.Callback(reason.Value);
}
