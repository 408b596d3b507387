using System.Text;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>Records a frame parser's events as strings (data as hex); can pause after every event.</summary>
internal sealed class RecordingFrameHandler : IWebSocketFrameHandler
{
    public List<string> Events { get; } = [];

    public bool PauseEveryEvent { get; set; }

    public bool OnMessageStart(WebSocketOpcode opcode) => Add($"start {opcode}");

    public bool OnMessageData(ReadOnlySpan<byte> data) => data.IsEmpty ? !PauseEveryEvent : Add("data " + Convert.ToHexString(data));

    public bool OnMessageEnd() => Add("end");

    public bool OnPing(ReadOnlySpan<byte> payload) => Add("ping " + Convert.ToHexString(payload));

    public bool OnPong(ReadOnlySpan<byte> payload) => Add("pong " + Convert.ToHexString(payload));

    public bool OnClose(int code, ReadOnlySpan<byte> reason) => Add($"close {code} {Encoding.UTF8.GetString(reason)}");

    private bool Add(string e)
    {
        Events.Add(e);
        return !PauseEveryEvent;
    }
}
