using System.Globalization;
using Torsion.Internet;
using Torsion.Logging;
using Log = Torsion.Logging.Logger;

namespace Torsion.Protocols;

/// <summary>
/// A protocol that sends and receives netstrings, <c>LENGTH:DATA,</c> with the length in decimal
/// (Twisted's <c>NetstringReceiver</c>; see https://cr.yp.to/proto/netstrings.txt).
/// </summary>
/// <remarks>
/// <para>
/// Invalid input is refused as soon as it can be told apart from a valid prefix: a length that does
/// not start with a digit, has a leading zero, is not followed by <c>:</c>, or exceeds
/// <see cref="MaxLength"/>, and data not followed by <c>,</c>. Then <see cref="BrokenPeer"/> is set,
/// <see cref="ParseErrorReceived"/> runs (by default: log and close the connection), and nothing more
/// is parsed.
/// </para>
/// <para>
/// Strings stop being delivered once the transport is disconnecting. A string that lies wholly inside
/// one read is handed over as a slice of it; the span is valid only during the call.
/// </para>
/// </remarks>
public abstract class NetstringReceiver : Protocol
{
    private static readonly Log Log = Log.For<NetstringReceiver>();

    private readonly ReceiveBuffer _unread = new();
    private readonly Action _dispatch;
    private bool _readingLength = true;
    private int _lengthDigits;
    private long _length;

    /// <summary>Creates a receiver.</summary>
    protected NetstringReceiver() => _dispatch = Dispatch;

    /// <summary>The longest string accepted: 99999 by default. A longer announced length is a parse error.</summary>
    public int MaxLength { get; set; } = 99999;

    /// <summary>True once the peer sent something that is not a netstring (Twisted's <c>brokenPeer</c>).</summary>
    public bool BrokenPeer { get; private set; }

    /// <summary>Called with the data of each netstring received.</summary>
    /// <param name="data">The data; valid only during the call.</param>
    public abstract void StringReceived(ReadOnlySpan<byte> data);

    /// <summary>
    /// Called once when the input is not a valid netstring; <see cref="BrokenPeer"/> is already set. The
    /// default logs the reason and closes the connection.
    /// </summary>
    protected virtual void ParseErrorReceived(NetstringParseException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Log.Warn("Closing the connection to {peer}: {reason}", ("peer", Transport.GetPeer()), ("reason", error.Message));
        Transport.LoseConnection();
    }

    /// <summary>Sends <paramref name="data"/> as a netstring.</summary>
    public void SendString(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        data.Length.TryFormat(header, out var digits, default, CultureInfo.InvariantCulture);
        header[digits] = (byte)':';
        FrameWriter.Write(Transport, header[..(digits + 1)], data, ","u8);
    }

    /// <summary>Parses netstrings out of the data and delivers them.</summary>
    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (BrokenPeer)
        {
            return;
        }
        _unread.Feed(data, _dispatch);
    }

    private void Dispatch()
    {
        while (!BrokenPeer && _unread.Length > 0 && !(Connected && Transport.Disconnecting))
        {
            if (_readingLength)
            {
                if (!ReadLength())
                {
                    return;
                }
                continue;
            }
            var frame = _length + 1;
            if (_unread.Length < frame)
            {
                return;
            }
            var payload = _unread.Take((int)frame);
            if (payload[^1] != (byte)',')
            {
                Fail("The netstring is not terminated by a comma.");
                return;
            }
            _readingLength = true;
            _lengthDigits = 0;
            _length = 0;
            StringReceived(payload[..^1]);
        }
    }

    // Consumes one byte of the length; false when that byte makes the input invalid.
    private bool ReadLength()
    {
        var b = _unread[0];
        if (b == (byte)':' && _lengthDigits > 0)
        {
            _unread.Consume(1);
            _readingLength = false;
            return true;
        }
        if (b is < (byte)'0' or > (byte)'9')
        {
            Fail(_lengthDigits == 0
                ? "The netstring does not start with a length."
                : "The netstring's length is not followed by ':'.");
            return false;
        }
        if (_lengthDigits == 1 && _length == 0)
        {
            Fail("The netstring's length has a leading zero.");
            return false;
        }
        // Checking each digit as it arrives bounds the number, so no length can overflow.
        _length = (_length * 10) + (b - '0');
        _lengthDigits++;
        if (_length > MaxLength)
        {
            Fail($"The netstring is longer than the maximum of {MaxLength} bytes.");
            return false;
        }
        _unread.Consume(1);
        return true;
    }

    private void Fail(string reason)
    {
        BrokenPeer = true;
        _unread.ToArrayAndClear();
        ParseErrorReceived(new NetstringParseException(reason));
    }
}
