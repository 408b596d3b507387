using System.Net;
using System.Net.Sockets;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// The entries of a hosts file (hosts(5)): each line an address and its names, the first name canonical
/// and the others aliases; <c>#</c> starts a comment. Lines with a bad address and names that are not
/// valid DNS names are skipped, so one bad line loses nothing else.
/// </summary>
public sealed class HostsFile
{
    private readonly Dictionary<DnsName, List<IPAddress>> _byName = [];
    private readonly Dictionary<IPAddress, DnsName> _byAddress = [];

    private HostsFile()
    {
    }

    /// <summary>A file with no entries.</summary>
    public static HostsFile Empty { get; } = new();

    /// <summary>How many names (canonical and aliases) have an address.</summary>
    public int NameCount => _byName.Count;

    /// <summary>Parses the text of a hosts file.</summary>
    public static HostsFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var file = new HostsFile();
        foreach (var raw in text.Split('\n'))
        {
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = hash >= 0 ? raw[..hash] : raw;
            var words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || !IPAddress.TryParse(words[0], out var address)
                || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            {
                continue;
            }
            foreach (var word in words.Skip(1))
            {
                DnsName name;
                try
                {
                    name = DnsName.Parse(word);
                }
                catch (DnsFormatException)
                {
                    continue;
                }
                if (!file._byName.TryGetValue(name, out var addresses))
                {
                    file._byName[name] = addresses = [];
                }
                if (!addresses.Contains(address))
                {
                    addresses.Add(address);
                }
                // The first line that names an address gives its canonical name, as gethostbyaddr answers.
                file._byAddress.TryAdd(address, name);
            }
        }
        return file;
    }

    /// <summary>The addresses of <paramref name="name"/> (compared ignoring case), in file order; empty when it is not listed.</summary>
    public IReadOnlyList<IPAddress> AddressesOf(DnsName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var found) ? found : [];
    }

    /// <summary>The canonical name of <paramref name="address"/>, or <see langword="null"/> when no line lists it.</summary>
    public DnsName? NameOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _byAddress.GetValueOrDefault(address);
    }
}
