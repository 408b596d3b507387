using Torsion.Internet;

namespace Torsion.Protocols;

/// <summary>Writes a frame (header, payload, trailer) to a transport.</summary>
internal static class FrameWriter
{
    // Small frames are assembled on the stack and written once, so header, payload and trailer
    // share one buffer segment and usually one packet; large ones are written in place to avoid
    // copying the payload.
    private const int AssembleLimit = 1024;

    public static void Write(ITransport transport, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer)
    {
        var length = header.Length + payload.Length + trailer.Length;
        if (length <= AssembleLimit)
        {
            Span<byte> frame = stackalloc byte[length];
            header.CopyTo(frame);
            payload.CopyTo(frame[header.Length..]);
            trailer.CopyTo(frame[(header.Length + payload.Length)..]);
            transport.Write(frame);
            return;
        }
        if (!header.IsEmpty)
        {
            transport.Write(header);
        }
        transport.Write(payload);
        if (!trailer.IsEmpty)
        {
            transport.Write(trailer);
        }
    }
}
