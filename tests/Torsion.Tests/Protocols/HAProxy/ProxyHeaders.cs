using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Torsion.Tests.Protocols.HAProxy;

/// <summary>PROXY protocol headers for the tests: v1 lines and v2 binary headers built field by field.</summary>
internal static class ProxyHeaders
{
    public static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] V1(string line) => Encoding.ASCII.GetBytes(line);

    /// <summary>A v2 header: signature, version/command byte, family/protocol byte, the block's length, the block.</summary>
    public static byte[] V2(byte versionCommand, byte familyProtocol, byte[] block, int? declaredLength = null)
    {
        var header = new byte[16 + block.Length];
        Signature.CopyTo(header, 0);
        header[12] = versionCommand;
        header[13] = familyProtocol;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(declaredLength ?? block.Length));
        block.CopyTo(header, 16);
        return header;
    }

    public static byte[] Inet(string source, int sourcePort, string destination, int destinationPort, params byte[][] tlvs)
    {
        var block = new List<byte>();
        block.AddRange(IPAddress.Parse(source).GetAddressBytes());
        block.AddRange(IPAddress.Parse(destination).GetAddressBytes());
        block.AddRange([(byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort]);
        foreach (var tlv in tlvs)
        {
            block.AddRange(tlv);
        }
        return [.. block];
    }

    public static byte[] Tlv(byte type, byte[] value, int? declaredLength = null)
    {
        var length = declaredLength ?? value.Length;
        return [type, (byte)(length >> 8), (byte)length, .. value];
    }
}
