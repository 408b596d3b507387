using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Internet;

/// <summary>
/// Encodes and decodes <c>sockaddr_in</c>, <c>sockaddr_in6</c> and <c>sockaddr_un</c> to and from
/// .NET <see cref="EndPoint"/>s. 128 bytes holds any of them (<c>sizeof(struct sockaddr_storage)</c>).
/// </summary>
internal static class SockAddr
{
    internal const int MaxSize = 128;
    private static readonly UnixDomainSocketEndPoint UnixPrototype = new("/");
    private const int UnixPathMax = 108;

    /// <summary>Writes <paramref name="endPoint"/> into <paramref name="buffer"/> and returns the length used.</summary>
    internal static int Encode(EndPoint endPoint, Span<byte> buffer)
    {
        buffer[..MaxSize].Clear();
        switch (endPoint)
        {
            case IPEndPoint ip when ip.AddressFamily == AddressFamily.InterNetwork:
                BinaryPrimitives.WriteUInt16LittleEndian(buffer, Sock.AF_INET);
                BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)ip.Port);
                ip.Address.TryWriteBytes(buffer[4..8], out _);
                return 16;
            case IPEndPoint ip6:
                BinaryPrimitives.WriteUInt16LittleEndian(buffer, Sock.AF_INET6);
                BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)ip6.Port);
                ip6.Address.TryWriteBytes(buffer[8..24], out _);
                BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], (uint)ip6.Address.ScopeId);
                return 28;
            case UnixDomainSocketEndPoint unix:
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(buffer, Sock.AF_UNIX);
                    var path = unix.ToString();
                    var abstractName = path.StartsWith('@') || path.StartsWith('\0');
                    var bytes = Encoding.UTF8.GetBytes(abstractName ? path[1..] : path);
                    if (bytes.Length + (abstractName ? 1 : 0) >= UnixPathMax)
                    {
                        throw new ArgumentException($"Unix socket path is longer than {UnixPathMax - 1} bytes: {path}");
                    }
                    var offset = abstractName ? 3 : 2;
                    bytes.CopyTo(buffer[offset..]);
                    // Abstract names are not NUL-terminated: their length is the address length.
                    return abstractName ? offset + bytes.Length : 2 + bytes.Length + 1;
                }
            default:
                throw new ArgumentException($"Unsupported address type {endPoint.GetType().Name}.");
        }
    }

    /// <summary>Reads the address in the first <paramref name="length"/> bytes of <paramref name="buffer"/>.</summary>
    internal static EndPoint Decode(ReadOnlySpan<byte> buffer, int length)
    {
        var family = BinaryPrimitives.ReadUInt16LittleEndian(buffer);
        switch (family)
        {
            case Sock.AF_INET:
                return new IPEndPoint(new IPAddress(buffer[4..8]), BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]));
            case Sock.AF_INET6:
                {
                    var scope = BinaryPrimitives.ReadUInt32LittleEndian(buffer[24..]);
                    return new IPEndPoint(new IPAddress(buffer[8..24], scope), BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]));
                }
            case Sock.AF_UNIX:
                {
                    // Through the runtime's own decoder: it alone can represent an unnamed peer
                    // (a client that never bound), which the public constructor refuses.
                    var address = new SocketAddress(AddressFamily.Unix, Math.Max(2, length));
                    buffer[..Math.Max(2, length)].CopyTo(address.Buffer.Span);
                    return UnixPrototype.Create(address);
                }
            default:
                throw new NotSupportedException($"Unsupported address family {family}.");
        }
    }

    /// <summary>The address family constant for <paramref name="endPoint"/>.</summary>
    internal static int FamilyOf(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetwork } => Sock.AF_INET,
        IPEndPoint => Sock.AF_INET6,
        UnixDomainSocketEndPoint => Sock.AF_UNIX,
        _ => throw new ArgumentException($"Unsupported address type {endPoint.GetType().Name}."),
    };
}
