using System.Text;
using Torsion.Internet;

namespace Torsion.Protocols;

/// <summary>
/// A protocol that receives only lines (Twisted's <c>LineOnlyReceiver</c>): a leaner
/// <see cref="LineReceiver"/> without raw mode or pausing, for protocols that never need them.
/// </summary>
/// <remarks>
/// Lines stop being delivered once the transport is disconnecting. A line that lies wholly inside one
/// read is handed over as a slice of it; the span is valid only during the call.
/// </remarks>
public abstract class LineOnlyReceiver : Protocol
{
    private readonly ReceiveBuffer _unread = new();
    private readonly Action _dispatch;
    private byte[] _delimiter = "\r\n"u8.ToArray();

    /// <summary>Creates a receiver.</summary>
    protected LineOnlyReceiver() => _dispatch = Dispatch;

    /// <summary>
    /// The longest line accepted, delimiter excluded: 16384 by default. A longer line, or
    /// <see cref="MaxLength"/> + the delimiter's length bytes without a delimiter, goes to
    /// <see cref="LineLengthExceeded"/>.
    /// </summary>
    public int MaxLength { get; set; } = 16384;

    /// <summary>The bytes that end a line: <c>\r\n</c> by default. Must not be empty.</summary>
    /// <exception cref="ArgumentException">The value is empty.</exception>
    public ReadOnlySpan<byte> Delimiter
    {
        get => _delimiter;
        set
        {
            if (value.IsEmpty)
            {
                throw new ArgumentException("A line delimiter cannot be empty.", nameof(value));
            }
            _delimiter = value.ToArray();
        }
    }

    /// <summary>Called with each line received, without its delimiter.</summary>
    /// <param name="line">The line; valid only during the call.</param>
    public abstract void LineReceived(ReadOnlySpan<byte> line);

    /// <summary>
    /// Called with a line longer than <see cref="MaxLength"/>, or with the unterminated data once it
    /// cannot become a legal line (it is dropped from the buffer). The default closes the connection.
    /// </summary>
    /// <param name="line">The line or partial line; valid only during the call.</param>
    public virtual void LineLengthExceeded(ReadOnlySpan<byte> line) => Transport.LoseConnection();

    /// <summary>Sends <paramref name="line"/> followed by <see cref="Delimiter"/>.</summary>
    public void SendLine(ReadOnlySpan<byte> line) => FrameWriter.Write(Transport, default, line, _delimiter);

    /// <summary>Sends <paramref name="line"/> encoded as UTF-8, followed by <see cref="Delimiter"/>.</summary>
    public void SendLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        SendLine(Encoding.UTF8.GetBytes(line));
    }

    /// <summary>Splits the data into lines and delivers them.</summary>
    public override void DataReceived(ReadOnlySpan<byte> data) => _unread.Feed(data, _dispatch);

    private void Dispatch()
    {
        while (_unread.Length > 0 && !(Connected && Transport.Disconnecting))
        {
            var end = _unread.IndexOf(_delimiter);
            if (end < 0)
            {
                // Twisted's LineOnlyReceiver gives up past MaxLength bytes, which refuses a legal
                // MaxLength line whose delimiter is split across reads; like LineReceiver, wait until
                // no delimiter could still end a legal line.
                if (_unread.Length >= MaxLength + _delimiter.Length)
                {
                    LineLengthExceeded(_unread.Take(_unread.Length));
                }
                return;
            }
            var line = _unread.Take(end + _delimiter.Length)[..end];
            if (line.Length > MaxLength)
            {
                LineLengthExceeded(line);
            }
            else
            {
                LineReceived(line);
            }
        }
    }
}
