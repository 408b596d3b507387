using System.Buffers.Binary;
using Torsion.Internet;

namespace Torsion.Protocols;

/// <summary>
/// The base of length-prefixed string protocols (Twisted's <c>IntNStringReceiver</c>): each string
/// is sent as its length, an unsigned big-endian integer of <see cref="PrefixLength"/> bytes,
/// followed by its bytes. Derive from <see cref="Int32StringReceiver"/>,
/// <see cref="Int16StringReceiver"/> or <see cref="Int8StringReceiver"/>.
/// </summary>
/// <remarks>
/// Strings stop being delivered while the protocol is paused (<see cref="PauseProducing"/>) and once
/// the transport is disconnecting; what is unread stays buffered. A string that lies wholly inside
/// one read is handed over as a slice of it; the span is valid only during the call.
/// </remarks>
public abstract class IntNStringReceiver : Protocol, IPushProducer
{
    private readonly ReceiveBuffer _unread = new();
    private readonly Action _dispatch;

    /// <summary>Creates a receiver whose prefixes are <paramref name="prefixLength"/> bytes long (1, 2 or 4).</summary>
    private protected IntNStringReceiver(int prefixLength)
    {
        PrefixLength = prefixLength;
        _dispatch = Dispatch;
    }

    /// <summary>The size of the length prefix in bytes.</summary>
    public int PrefixLength { get; }

    /// <summary>The largest string the prefix can describe: 2^(8 × <see cref="PrefixLength"/>) − 1.</summary>
    public long MaxPrefixValue => (1L << (8 * PrefixLength)) - 1;

    /// <summary>
    /// The longest string accepted: 99999 by default. A longer length prefix goes to
    /// <see cref="LengthLimitExceeded"/>.
    /// </summary>
    public int MaxLength { get; set; } = 99999;

    /// <summary>True between <see cref="PauseProducing"/> (or <see cref="StopProducing"/>) and <see cref="ResumeProducing"/>: nothing is delivered.</summary>
    public bool Paused { get; private set; }

    /// <summary>Called with each string received, its prefix removed.</summary>
    /// <param name="data">The string; valid only during the call.</param>
    public abstract void StringReceived(ReadOnlySpan<byte> data);

    /// <summary>
    /// Called when a length prefix greater than <see cref="MaxLength"/> arrives; that prefix and what
    /// follows stay unread. The default closes the connection.
    /// </summary>
    /// <param name="length">The length the peer announced.</param>
    public virtual void LengthLimitExceeded(long length) => Transport.LoseConnection();

    /// <summary>Sends <paramref name="data"/> with its length prefix.</summary>
    /// <exception cref="StringTooLongException"><paramref name="data"/> is longer than <see cref="MaxPrefixValue"/>.</exception>
    public void SendString(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxPrefixValue)
        {
            throw new StringTooLongException($"Cannot send {data.Length} bytes with a {PrefixLength}-byte length prefix; the most is {MaxPrefixValue}.");
        }
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)data.Length);
        FrameWriter.Write(Transport, prefix[(4 - PrefixLength)..], data, default);
    }

    /// <summary>Stops delivering strings and pauses the transport's reading, if it can be paused.</summary>
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

    /// <summary>Splits the data into strings and delivers them.</summary>
    public override void DataReceived(ReadOnlySpan<byte> data) => _unread.Feed(data, _dispatch);

    private void Dispatch()
    {
        while (_unread.Length >= PrefixLength && !Paused && !(Connected && Transport.Disconnecting))
        {
            var length = ReadPrefix(_unread.Peek(PrefixLength));
            if (length > MaxLength)
            {
                LengthLimitExceeded(length);
                return;
            }
            if (_unread.Length < PrefixLength + length)
            {
                return;
            }
            StringReceived(_unread.Take(PrefixLength + (int)length)[PrefixLength..]);
        }
    }

    private long ReadPrefix(ReadOnlySpan<byte> prefix) => PrefixLength switch
    {
        1 => prefix[0],
        2 => BinaryPrimitives.ReadUInt16BigEndian(prefix),
        _ => BinaryPrimitives.ReadUInt32BigEndian(prefix),
    };
}
