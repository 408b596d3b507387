using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>The records at one name of a zone; no records at all for an empty non-terminal (a name that exists only because names below it do).</summary>
internal sealed class ZoneNode
{
    public List<ResourceRecord> Records { get; } = [];

    public bool HasNs { get; private set; }

    public ResourceRecord? Cname { get; private set; }

    public ResourceRecord? Dname { get; private set; }

    public void Add(ResourceRecord record)
    {
        Records.Add(record);
        switch (record.Data)
        {
            case NsRecord:
                HasNs = true;
                break;
            case CnameRecord:
                Cname = record;
                break;
            case DnameRecord:
                Dname = record;
                break;
        }
    }

    /// <summary>The records of <paramref name="type"/>, owned by <paramref name="owner"/> (a wildcard's records take the name asked).</summary>
    public void Collect(RecordType type, DnsName owner, List<ResourceRecord> into)
    {
        foreach (var record in Records)
        {
            if (type == RecordType.ANY || record.Type == type) into.Add(ReferenceEquals(owner, record.Name) || owner == record.Name ? record : Rename(record, owner));
        }
    }

    public static ResourceRecord Rename(ResourceRecord record, DnsName owner) => new(owner, record.Data, record.Ttl, record.Class);
}
