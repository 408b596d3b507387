using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// The names PTR lookups ask: <c>4.3.2.1.in-addr.arpa</c> for 1.2.3.4 and the 32 nibbles under
/// <c>ip6.arpa</c> for an IPv6 address (RFC 3596 §2.5), and back.
/// </summary>
public static class ReverseName
{
    /// <summary>The reverse name of <paramref name="address"/> (an IPv4-mapped IPv6 address maps as its IPv4 address).</summary>
    public static DnsName FromAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        var text = new StringBuilder(80);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = 3; i >= 0; i--)
            {
                text.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
            }
            return DnsName.Parse(text.Append("in-addr.arpa").ToString());
        }
        for (var i = 15; i >= 0; i--)
        {
            text.Append("0123456789abcdef"[bytes[i] & 0xF]).Append('.').Append("0123456789abcdef"[bytes[i] >> 4]).Append('.');
        }
        return DnsName.Parse(text.Append("ip6.arpa").ToString());
    }

    /// <summary>The address a complete reverse name stands for, if <paramref name="name"/> is one.</summary>
    public static bool TryGetAddress(DnsName name, out IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(name);
        address = IPAddress.None;
        var labels = name.Labels.Select(l => Encoding.ASCII.GetString(l).ToLowerInvariant()).ToArray();
        if (labels.Length == 6 && labels[4] == "in-addr" && labels[5] == "arpa")
        {
            var bytes = new byte[4];
            for (var i = 0; i < 4; i++)
            {
                if (labels[i].Length is 0 or > 3 || !labels[i].All(char.IsAsciiDigit) || (labels[i].Length > 1 && labels[i][0] == '0')
                    || !byte.TryParse(labels[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[3 - i]))
                {
                    return false;
                }
            }
            address = new IPAddress(bytes);
            return true;
        }
        if (labels.Length == 34 && labels[32] == "ip6" && labels[33] == "arpa")
        {
            var bytes = new byte[16];
            for (var i = 0; i < 32; i++)
            {
                if (labels[i].Length != 1 || !char.IsAsciiHexDigit(labels[i][0]))
                {
                    return false;
                }
                var nibble = Convert.ToInt32(labels[i], 16);
                var index = 15 - (i / 2);
                bytes[index] |= (byte)(i % 2 == 0 ? nibble : nibble << 4);
            }
            address = new IPAddress(bytes);
            return true;
        }
        return false;
    }
}
