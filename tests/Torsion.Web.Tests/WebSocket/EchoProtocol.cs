using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>
/// A server protocol that echoes every message and records what happened; "close:CODE:REASON" asks it
/// to close, "pause" to pause reading.
/// </summary>
internal sealed class EchoProtocol : WebSocketProtocol
{
    public List<string> Messages { get; } = [];

    public TaskCompletionSource<(int Code, string Reason, bool Clean)> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void OnOpen() => Opened.TrySetResult();

    protected override void OnTextMessage(string text)
    {
        Messages.Add(text);
        if (text.StartsWith("close:", StringComparison.Ordinal))
        {
            var parts = text.Split(':', 3);
            Close(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]);
            return;
        }
        if (text == "pause")
        {
            PauseProducing();
        }
        SendText(text);
    }

    protected override void OnBinaryMessage(ReadOnlySpan<byte> data)
    {
        Messages.Add($"binary {data.Length}");
        SendBinary(data);
    }

    protected override void OnClose(int code, string reason, bool wasClean) => Closed.TrySetResult((code, reason, wasClean));
}
