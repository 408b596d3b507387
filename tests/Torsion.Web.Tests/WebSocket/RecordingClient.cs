using System.Collections.Concurrent;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>A client protocol that hands every message to the test thread.</summary>
internal sealed class RecordingClient : WebSocketProtocol
{
    public BlockingCollection<string> Texts { get; } = [];

    public BlockingCollection<byte[]> Binaries { get; } = [];

    public TaskCompletionSource<(int Code, string Reason, bool Clean)> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void OnTextMessage(string text) => Texts.Add(text);

    protected override void OnBinaryMessage(ReadOnlySpan<byte> data) => Binaries.Add(data.ToArray());

    protected override void OnClose(int code, string reason, bool wasClean) => Closed.TrySetResult((code, reason, wasClean));

    public static T Take<T>(BlockingCollection<T> from)
    {
        Assert.True(from.TryTake(out var item, TimeSpan.FromSeconds(60)), "No message arrived.");
        return item!;
    }

    public (int Code, string Reason, bool Clean) WaitClosed()
    {
        Assert.True(Closed.Task.Wait(TimeSpan.FromSeconds(60)), "OnClose was not called.");
        return Closed.Task.Result;
    }
}
