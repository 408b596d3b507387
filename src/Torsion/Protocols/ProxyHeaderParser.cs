using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Torsion.Protocols;

/// <summary>
/// An incremental, strict parser of the PROXY protocol header, v1 (text) and v2 (binary), as HAProxy's
/// specification defines them. It takes bytes as they arrive and stops exactly at the header's end, so
/// what follows belongs to the application; any split of the input gives the same verdict, because every
/// decision is taken on the byte that settles it. Memory is bounded: at most 107 bytes are kept (a v1
/// line, or a v2 header with IPv6 addresses); v2 TLVs are checked for framing and skipped.
/// </summary>
internal sealed class ProxyHeaderParser
{
    /// <summary>The longest v1 header, CRLF included (HAProxy's spec).</summary>
    public const int V1MaxLength = 107;

    private const int V2FixedLength = 16;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    private readonly byte[] _kept = new byte[V1MaxLength];
    private int _count;
    private int _version;

    // v2, once the fixed part is in.
    private int _blockLength;
    private int _blockRead;
    private int _addressLength;
    private bool _local;
    private bool _skip;
    private int _family;
    private int _tlvHeaderRead;
    private int _tlvValueLeft;

    /// <summary>Why parsing failed, once <see cref="Parse"/> returned <see cref="ProxyHeaderStatus.Error"/>.</summary>
    public ProxyHeaderError Error { get; private set; }

    /// <summary>The header, once <see cref="Parse"/> returned <see cref="ProxyHeaderStatus.Done"/>.</summary>
    public ProxyHeader? Header { get; private set; }

    /// <summary>Feeds <paramref name="data"/>; <paramref name="consumed"/> is how much of it belonged to the header.</summary>
    public ProxyHeaderStatus Parse(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        if (Error != ProxyHeaderError.None)
        {
            return ProxyHeaderStatus.Error;
        }
        if (Header is not null)
        {
            return ProxyHeaderStatus.Done;
        }
        while (consumed < data.Length)
        {
            var b = data[consumed++];
            var status = _version switch
            {
                0 => Detect(b),
                1 => V1Byte(b),
                _ => V2Byte(b),
            };
            if (status != ProxyHeaderStatus.NeedMoreData)
            {
                return status;
            }
        }
        return ProxyHeaderStatus.NeedMoreData;
    }

    private ProxyHeaderStatus Fail(ProxyHeaderError error)
    {
        Error = error;
        return ProxyHeaderStatus.Error;
    }

    // The two signatures differ in their first byte, so the version is known from it.
    private ProxyHeaderStatus Detect(byte b)
    {
        if (b == V1Prefix[0])
        {
            _version = 1;
            return V1Byte(b);
        }
        if (b == V2Signature[0])
        {
            _version = 2;
            return V2Byte(b);
        }
        return Fail(ProxyHeaderError.Missing);
    }

    private ProxyHeaderStatus V1Byte(byte b)
    {
        if (_count < V1Prefix.Length && b != V1Prefix[_count])
        {
            return Fail(ProxyHeaderError.Missing);
        }
        var afterCr = _count > 0 && _kept[_count - 1] == '\r';
        if (afterCr != (b == '\n'))
        {
            // A CR must be followed by LF, and an LF must follow a CR.
            return Fail(ProxyHeaderError.V1BadLine);
        }
        _kept[_count++] = b;
        if (b == '\n')
        {
            return ParseV1Line(_kept.AsSpan(0, _count - 2));
        }
        return _count == V1MaxLength ? Fail(ProxyHeaderError.V1BadLine) : ProxyHeaderStatus.NeedMoreData;
    }

    private ProxyHeaderStatus ParseV1Line(ReadOnlySpan<byte> line)
    {
        var rest = line[V1Prefix.Length..];
        if (rest.StartsWith("UNKNOWN"u8) && (rest.Length == 7 || rest[7] == ' '))
        {
            // The receiver must ignore whatever follows UNKNOWN.
            Header = new ProxyHeader(1, false, null, null);
            return ProxyHeaderStatus.Done;
        }
        // Exactly five fields, one space between each.
        Span<Range> fields = stackalloc Range[5];
        var n = 0;
        var start = 0;
        for (var i = 0; i <= rest.Length; i++)
        {
            if (i < rest.Length && rest[i] != ' ')
            {
                continue;
            }
            if (n == fields.Length)
            {
                return Fail(ProxyHeaderError.V1BadSyntax);
            }
            fields[n++] = start..i;
            start = i + 1;
        }
        if (n != 5)
        {
            return Fail(ProxyHeaderError.V1BadSyntax);
        }
        var proto = rest[fields[0]];
        AddressFamily family;
        if (proto.SequenceEqual("TCP4"u8))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (proto.SequenceEqual("TCP6"u8))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else
        {
            return Fail(ProxyHeaderError.V1BadSyntax);
        }
        if (!TryAddress(rest[fields[1]], family, out var source) || !TryAddress(rest[fields[2]], family, out var destination))
        {
            return Fail(ProxyHeaderError.V1BadAddress);
        }
        if (!TryPort(rest[fields[3]], out var sourcePort) || !TryPort(rest[fields[4]], out var destinationPort))
        {
            return Fail(ProxyHeaderError.V1BadPort);
        }
        Header = new ProxyHeader(1, false, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyHeaderStatus.Done;
    }

    private static bool TryAddress(ReadOnlySpan<byte> text, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.IsEmpty || text.Length > 45)
        {
            return false;
        }
        if (family == AddressFamily.InterNetwork)
        {
            return TryDottedQuad(text, out address);
        }
        // Hex digits, colons and (for an embedded IPv4 tail) dots only: no zone, no brackets.
        foreach (var c in text)
        {
            if (!(char.IsAsciiHexDigit((char)c) || c == ':' || c == '.'))
            {
                return false;
            }
        }
        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }
        return IPAddress.TryParse(chars, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    // Four decimal parts of 0..255 without leading zeros: IPAddress.TryParse would also take "1", "0x7f.1" or "010.0.0.1".
    private static bool TryDottedQuad(ReadOnlySpan<byte> text, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> octets = stackalloc byte[4];
        var part = 0;
        var value = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || part == 3)
                {
                    return false;
                }
                octets[part++] = (byte)value;
                value = 0;
                digits = 0;
                continue;
            }
            if (c is < (byte)'0' or > (byte)'9' || (digits == 1 && value == 0))
            {
                return false;
            }
            value = value * 10 + (c - '0');
            if (++digits > 3 || value > 255)
            {
                return false;
            }
        }
        if (digits == 0 || part != 3)
        {
            return false;
        }
        octets[3] = (byte)value;
        address = new IPAddress(octets);
        return true;
    }

    private static bool TryPort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    private ProxyHeaderStatus V2Byte(byte b)
    {
        if (_count < V2FixedLength)
        {
            if (_count < V2Signature.Length && b != V2Signature[_count])
            {
                return Fail(ProxyHeaderError.Missing);
            }
            _kept[_count++] = b;
            if (_count == V2Signature.Length + 1)
            {
                return CheckVersionAndCommand(b);
            }
            if (_count == V2Signature.Length + 2)
            {
                return CheckFamily(b);
            }
            if (_count == V2FixedLength)
            {
                return StartBlock();
            }
            return ProxyHeaderStatus.NeedMoreData;
        }
        _blockRead++;
        if (_blockRead <= _addressLength)
        {
            _kept[_count++] = b;
        }
        else if (!_skip)
        {
            var status = TlvByte(b);
            if (status != ProxyHeaderStatus.NeedMoreData)
            {
                return status;
            }
        }
        return _blockRead == _blockLength ? EndBlock() : ProxyHeaderStatus.NeedMoreData;
    }

    private ProxyHeaderStatus CheckVersionAndCommand(byte b)
    {
        if (b >> 4 != 2)
        {
            return Fail(ProxyHeaderError.V2BadVersion);
        }
        var command = b & 0x0F;
        if (command > 1)
        {
            return Fail(ProxyHeaderError.V2BadCommand);
        }
        _local = command == 0;
        return ProxyHeaderStatus.NeedMoreData;
    }

    private ProxyHeaderStatus CheckFamily(byte b)
    {
        _family = b >> 4;
        var protocol = b & 0x0F;
        if (_family > 3 || protocol > 2)
        {
            return Fail(ProxyHeaderError.V2BadFamily);
        }
        if (!_local && protocol == 2)
        {
            // DGRAM: this is a stream connection.
            return Fail(ProxyHeaderError.V2BadFamily);
        }
        if (protocol == 0)
        {
            // UNSPEC transport: no addresses to use, whatever the family says.
            _family = 0;
        }
        return ProxyHeaderStatus.NeedMoreData;
    }

    private ProxyHeaderStatus StartBlock()
    {
        _blockLength = BinaryPrimitives.ReadUInt16BigEndian(_kept.AsSpan(14, 2));
        var needed = _family switch
        {
            1 => 12,
            2 => 36,
            3 => 216,
            _ => 0,
        };
        if (_local || _family == 0)
        {
            // LOCAL (the proxy's own health checks) or UNSPEC: the receiver ignores the block.
            _skip = true;
            _addressLength = 0;
        }
        else
        {
            if (_blockLength < needed)
            {
                return Fail(ProxyHeaderError.V2ShortAddresses);
            }
            // Unix socket paths are checked for length but not kept: the connection's own endpoints stand.
            _addressLength = _family == 3 ? 0 : needed;
            if (_family == 3)
            {
                _tlvValueLeft = 216;
                _tlvHeaderRead = 3;
            }
        }
        return _blockLength == 0 ? EndBlock() : ProxyHeaderStatus.NeedMoreData;
    }

    private ProxyHeaderStatus TlvByte(byte b)
    {
        if (_tlvHeaderRead < 3)
        {
            _tlvHeaderRead++;
            if (_tlvHeaderRead == 2)
            {
                _tlvValueLeft = b << 8;
            }
            else if (_tlvHeaderRead == 3)
            {
                _tlvValueLeft |= b;
                if (_tlvValueLeft > _blockLength - _blockRead)
                {
                    return Fail(ProxyHeaderError.V2BadTlv);
                }
                if (_tlvValueLeft == 0)
                {
                    _tlvHeaderRead = 0;
                }
            }
            return ProxyHeaderStatus.NeedMoreData;
        }
        if (--_tlvValueLeft == 0)
        {
            _tlvHeaderRead = 0;
        }
        return ProxyHeaderStatus.NeedMoreData;
    }

    private ProxyHeaderStatus EndBlock()
    {
        if (!_skip && (_tlvHeaderRead != 0 || _tlvValueLeft != 0))
        {
            return Fail(ProxyHeaderError.V2BadTlv);
        }
        if (_local || _family is 0 or 3)
        {
            Header = new ProxyHeader(2, _local, null, null);
            return ProxyHeaderStatus.Done;
        }
        var a = _kept.AsSpan(V2FixedLength);
        IPEndPoint source, destination;
        if (_family == 1)
        {
            source = new IPEndPoint(new IPAddress(a[..4]), BinaryPrimitives.ReadUInt16BigEndian(a[8..]));
            destination = new IPEndPoint(new IPAddress(a[4..8]), BinaryPrimitives.ReadUInt16BigEndian(a[10..]));
        }
        else
        {
            source = new IPEndPoint(new IPAddress(a[..16]), BinaryPrimitives.ReadUInt16BigEndian(a[32..]));
            destination = new IPEndPoint(new IPAddress(a[16..32]), BinaryPrimitives.ReadUInt16BigEndian(a[34..]));
        }
        Header = new ProxyHeader(2, false, source, destination);
        return ProxyHeaderStatus.Done;
    }
}
