using System.Text;
using Torsion.Internet;

namespace Torsion.Protocols;

/// <summary>
/// A protocol that receives lines and, when switched to raw mode, raw data (Twisted's
/// <c>twisted.protocols.basic.LineReceiver</c>): the base of line-oriented protocols such as SMTP,
/// POP3, IRC or HTTP/1.x, which read headers as lines and bodies as raw bytes.
/// </summary>
/// <remarks>
/// <para>
/// In line mode each line, without its <see cref="Delimiter"/>, goes to <see cref="LineReceived"/>;
/// after <see cref="SetRawMode"/> everything goes to <see cref="RawDataReceived"/> until
/// <see cref="SetLineMode"/>. A mode switch made inside a callback applies to the very next byte, even
/// within the same read.
/// </para>
/// <para>
/// Delivery stops while the protocol is paused (<see cref="PauseProducing"/>) and once the transport
/// is disconnecting, so lines that arrived in the same read as a <c>LoseConnection</c> are not
/// delivered. Unread data stays buffered; <see cref="ResumeProducing"/> delivers it.
/// </para>
/// <para>
/// A line that lies wholly inside one read is handed over as a slice of that read, with no copy;
/// the span passed to any callback is valid only during the call.
/// </para>
/// </remarks>
public abstract class LineReceiver : Protocol, IPushProducer
{
    private readonly ReceiveBuffer _unread = new();
    private readonly Action _dispatch;
    private byte[] _delimiter = "\r\n"u8.ToArray();
    private bool _lineMode = true;

    /// <summary>Creates a receiver in line mode.</summary>
    protected LineReceiver() => _dispatch = Dispatch;

    /// <summary>
    /// The longest line accepted, delimiter excluded: 16384 by default. Longer lines go to
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

    /// <summary>True in line mode, false in raw mode.</summary>
    public bool LineMode => _lineMode;

    /// <summary>True between <see cref="PauseProducing"/> (or <see cref="StopProducing"/>) and <see cref="ResumeProducing"/>: nothing is delivered.</summary>
    public bool Paused { get; private set; }

    /// <summary>Called with each line received in line mode, without its delimiter.</summary>
    /// <param name="line">The line; valid only during the call.</param>
    public abstract void LineReceived(ReadOnlySpan<byte> line);

    /// <summary>Called with data received in raw mode. Override it to use <see cref="SetRawMode"/>.</summary>
    /// <param name="data">The data; valid only during the call.</param>
    /// <exception cref="NotSupportedException">Not overridden.</exception>
    public virtual void RawDataReceived(ReadOnlySpan<byte> data) =>
        throw new NotSupportedException($"{GetType().Name} switched to raw mode but does not override RawDataReceived.");

    /// <summary>
    /// Called when a line is too long: when <see cref="MaxLength"/> + the delimiter's length bytes
    /// have arrived without a delimiter, or when a complete line is longer than
    /// <see cref="MaxLength"/>. Everything buffered has been taken out of the buffer and is passed
    /// here, starting with (part of) the long line. The default closes the connection.
    /// </summary>
    /// <param name="line">The buffered data; valid only during the call.</param>
    public virtual void LineLengthExceeded(ReadOnlySpan<byte> line) => Transport.LoseConnection();

    /// <summary>Sends <paramref name="line"/> followed by <see cref="Delimiter"/>.</summary>
    public void SendLine(ReadOnlySpan<byte> line) => FrameWriter.Write(Transport, default, line, _delimiter);

    /// <summary>Sends <paramref name="line"/> encoded as UTF-8, followed by <see cref="Delimiter"/>.</summary>
    public void SendLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        SendLine(Encoding.UTF8.GetBytes(line));
    }

    /// <summary>Switches to raw mode: from the next byte on, data goes to <see cref="RawDataReceived"/>.</summary>
    public void SetRawMode() => _lineMode = false;

    /// <summary>
    /// Switches to line mode. Called from <see cref="RawDataReceived"/>, <paramref name="extra"/> is the
    /// part of the raw data that was not used; it is parsed for lines (after anything already
    /// buffered). Do not pass extra data from <see cref="LineReceived"/>: the rest of that read is
    /// still buffered and will be parsed anyway.
    /// </summary>
    public void SetLineMode(ReadOnlySpan<byte> extra = default)
    {
        _lineMode = true;
        if (!extra.IsEmpty)
        {
            DataReceived(extra);
        }
    }

    /// <summary>Removes and returns everything buffered and not yet delivered (it may be called from a callback).</summary>
    public byte[] ClearLineBuffer() => _unread.ToArrayAndClear();

    /// <summary>Stops delivering lines and pauses the transport's reading, if it can be paused.</summary>
    public void PauseProducing()
    {
        Paused = true;
        (Transport as IPushProducer)?.PauseProducing();
    }

    /// <summary>Resumes the transport's reading and delivers what was buffered while paused.</summary>
    public void ResumeProducing()
    {
        Paused = false;
        (Transport as IPushProducer)?.ResumeProducing();
        DataReceived(default);
    }

    /// <summary>Stops delivering for good and tells the transport to stop producing.</summary>
    public void StopProducing()
    {
        Paused = true;
        (Transport as IProducer)?.StopProducing();
    }

    /// <summary>Splits the data into lines (or raw data) and delivers them; see the class remarks.</summary>
    public override void DataReceived(ReadOnlySpan<byte> data) => _unread.Feed(data, _dispatch);

    private bool Halted => Paused || (Connected && Transport.Disconnecting);

    private void Dispatch()
    {
        while (_unread.Length > 0 && !Halted)
        {
            if (!_lineMode)
            {
                RawDataReceived(_unread.Take(_unread.Length));
                continue;
            }
            var end = _unread.IndexOf(_delimiter);
            if (end < 0)
            {
                // Wait for the delimiter, unless even a delimiter now could not make a legal line.
                // Counting its length lets a MaxLength line whose delimiter is split across reads pass.
                if (_unread.Length >= MaxLength + _delimiter.Length)
                {
                    LineLengthExceeded(_unread.Take(_unread.Length));
                }
                return;
            }
            if (end > MaxLength)
            {
                LineLengthExceeded(_unread.Take(_unread.Length));
                return;
            }
            var line = _unread.Take(end + _delimiter.Length)[..end];
            LineReceived(line);
        }
    }
}
