using Torsion.Defer;
using Torsion.Logging;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>
/// An authoritative zone (twisted.names.authority's <c>FileAuthority</c> and <c>BindAuthority</c>): an
/// <see cref="IResolver"/> that answers from the records it holds, with authority. It follows RFC 1034
/// §4.3.2: answers with the <c>aa</c> flag; NXDOMAIN or NODATA with the SOA in the authority section,
/// its TTL the smaller of its own and its MINIMUM (RFC 2308); CNAME chains followed inside the zone;
/// DNAME substitution (RFC 6672); wildcards by closest encloser, blocked by existing names (RFC
/// 4592); referrals (no <c>aa</c>) at delegations with glue; the addresses of NS, MX and SRV targets
/// in the zone as additional records. ANY returns every record at the name.
/// </summary>
public sealed class ZoneAuthority : IResolver
{
    /// <summary>How many CNAME or DNAME steps one answer follows; a longer chain (or a loop) stops there.</summary>
    public const int MaxChain = 16;

    private static readonly Logger s_log = Logger.For<ZoneAuthority>();

    private readonly Dictionary<DnsName, ZoneNode> _nodes = [];
    private readonly ResourceRecord _negativeSoa;
    private readonly List<ResourceRecord> _transfer = [];

    /// <summary>Builds the zone from its records: exactly one SOA, whose owner is the apex, and every other record at or below it.</summary>
    /// <exception cref="ArgumentException">No SOA or several, a record outside the zone, or a CNAME beside other data.</exception>
    public ZoneAuthority(IEnumerable<ResourceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var all = records.ToList();
        var soas = all.Where(r => r.Data is SoaRecord).ToList();
        if (soas.Count != 1) throw new ArgumentException($"A zone has exactly one SOA record, not {soas.Count}.", nameof(records));
        Soa = soas[0];
        Apex = Soa.Name;
        Class = Soa.Class;
        var minimum = ((SoaRecord)Soa.Data).Minimum;
        _negativeSoa = Soa with { Ttl = Math.Min(Soa.Ttl, minimum) };
        var seen = new HashSet<(DnsName, RecordData)>();
        _transfer.Add(Soa);
        foreach (var record in all)
        {
            if (!record.Name.IsSubdomainOf(Apex)) throw new ArgumentException($"{record.Name} {record.Type} is outside the zone {Apex}.", nameof(records));
            if (record.Class != Class) throw new ArgumentException($"{record.Name} {record.Type} is in class {record.Class}, the zone in {Class}.", nameof(records));
            if (!seen.Add((record.Name, record.Data))) continue;
            if (!_nodes.TryGetValue(record.Name, out var node))
            {
                node = _nodes[record.Name] = new ZoneNode();
                // Every name between the owner and the apex exists, even with no records (empty non-terminals).
                for (var parent = record.Name; parent != Apex;)
                {
                    parent = parent.Parent;
                    if (!_nodes.TryAdd(parent, new ZoneNode())) break;
                }
            }
            node.Add(record);
            if (record.Data is not SoaRecord) _transfer.Add(record);
        }
        foreach (var (name, node) in _nodes)
        {
            if (node.Cname is not null && node.Records.Count > 1)
            {
                throw new ArgumentException($"{name} has a CNAME and other data (RFC 1034 §3.6.2).", nameof(records));
            }
        }
        _transfer.Add(Soa);
    }

    /// <summary>The zone's name, the SOA's owner.</summary>
    public DnsName Apex { get; }

    /// <summary>The zone's class, the SOA's.</summary>
    public DnsClass Class { get; }

    /// <summary>The SOA record.</summary>
    public ResourceRecord Soa { get; }

    /// <summary>The zone as a transfer (AXFR) sends it: the SOA, every other record, and the SOA again.</summary>
    public IReadOnlyList<ResourceRecord> TransferRecords => _transfer;

    /// <summary>
    /// Reads a BIND zone file (<see cref="ZoneFileParser"/>). Records outside the zone are skipped
    /// with a warning, as BIND does.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="origin">The origin relative names start from, until the file's <c>$ORIGIN</c>; the root when null.</param>
    /// <exception cref="ZoneFileException">The file cannot be read or is wrong, or holds no single SOA.</exception>
    public static ZoneAuthority FromFile(string path, DnsName? origin = null)
    {
        var records = ZoneFileParser.ParseFile(path, origin);
        var soa = records.FirstOrDefault(r => r.Data is SoaRecord);
        if (soa is null) throw new ZoneFileException(path, 0, "no SOA record, so no zone");
        var inside = new List<ResourceRecord>(records.Count);
        foreach (var record in records)
        {
            if (record.Name.IsSubdomainOf(soa.Name))
            {
                inside.Add(record);
            }
            else
            {
                s_log.Warn("{file}: ignoring {name} {type}, outside the zone {zone}", ("file", path), ("name", record.Name), ("type", record.Type), ("zone", soa.Name));
            }
        }
        try
        {
            return new ZoneAuthority(inside);
        }
        catch (ArgumentException e)
        {
            throw new ZoneFileException(path, 0, e.Message.TrimEnd('.').Split(" (Parameter")[0], e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Fires at once: with the answer (<see cref="DnsLookupResult.IsAuthoritative"/> set, except for a
    /// referral), or with <see cref="DnsNameException"/> for NXDOMAIN (its <see cref="DnsLookupException.Response"/>
    /// carries the SOA), or <see cref="DnsQueryRefusedException"/> for a name outside the zone.
    /// </remarks>
    public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var answer = Answer(query);
        var response = new DnsMessage
        {
            IsResponse = true,
            IsAuthoritative = answer.IsAuthoritative,
            ResponseCode = answer.ResponseCode,
            Queries = [query],
            Answers = answer.Answers,
            Authority = answer.Authority,
            Additional = answer.Additional,
        };
        return answer.ResponseCode switch
        {
            ResponseCode.NoError => Deferred.Succeed(new DnsLookupResult(answer.Answers, answer.Authority, answer.Additional) { IsAuthoritative = answer.IsAuthoritative }),
            ResponseCode.NXDomain => Deferred.Fail<DnsLookupResult>(new DnsNameException(query, response)),
            ResponseCode.Refused => Deferred.Fail<DnsLookupResult>(new DnsQueryRefusedException(query, response, $"{query.Name} is not in the zone {Apex}")),
            _ => Deferred.Fail<DnsLookupResult>(new DnsLookupException(query, answer.ResponseCode, response)),
        };
    }

    /// <summary>Whether <paramref name="name"/> is at or below the apex.</summary>
    public bool Contains(DnsName name) => name.IsSubdomainOf(Apex);

    /// <summary>Answers <paramref name="query"/> synchronously (the server's hot path).</summary>
    internal ZoneAnswer Answer(DnsQuery query)
    {
        if (!Contains(query.Name) || (query.Class != Class && query.Class != DnsClass.ANY)) return ZoneAnswer.NotInZone;
        var answers = new List<ResourceRecord>();
        var name = query.Name;
        for (var step = 0; ; step++)
        {
            var outcome = Step(query.Type, name, answers, out var next);
            if (outcome is not null) return outcome;
            // A CNAME or DNAME led to next: follow it while it stays in the zone.
            if (next is null || !Contains(next) || step + 1 >= MaxChain) return Positive(answers, []);
            name = next;
        }
    }

    // One name's worth of RFC 1034 §4.3.2: an answer, or null and the name a CNAME or DNAME points to.
    private ZoneAnswer? Step(RecordType type, DnsName name, List<ResourceRecord> answers, out DnsName? next)
    {
        next = null;
        // Walk down from the apex: a cut ends in a referral, a DNAME above the name rewrites it, a
        // missing name ends the walk at its closest encloser.
        var ancestors = new DnsName[name.LabelCount - Apex.LabelCount];
        var walk = name;
        for (var i = ancestors.Length - 1; i >= 0; i--)
        {
            ancestors[i] = walk;
            walk = walk.Parent;
        }
        var encloser = Apex;
        var node = _nodes[Apex];
        if (node.Dname is { } apexDname && ancestors.Length > 0) return Substitute(apexDname, name, answers, out next);
        foreach (var ancestor in ancestors)
        {
            if (!_nodes.TryGetValue(ancestor, out var below)) return Wildcard(type, name, encloser, answers, out next);
            encloser = ancestor;
            node = below;
            if (node.HasNs && !(ancestor == name && type == RecordType.DS)) return Referral(ancestor, node, answers);
            if (node.Dname is { } dname && ancestor != name) return Substitute(dname, name, answers, out next);
        }
        return Found(type, name, node, answers, out next);
    }

    private ZoneAnswer? Found(RecordType type, DnsName owner, ZoneNode node, List<ResourceRecord> answers, out DnsName? next)
    {
        next = null;
        if (node.Cname is { } cname && type is not (RecordType.CNAME or RecordType.ANY))
        {
            answers.Add(cname.Name == owner ? cname : ZoneNode.Rename(cname, owner));
            var target = ((CnameRecord)cname.Data).Name;
            // A target already answered for is a loop: stop with what the chain has.
            next = answers.Any(r => r.Name == target) ? null : target;
            return null;
        }
        var before = answers.Count;
        node.Collect(type, owner, answers);
        if (answers.Count == before) return new ZoneAnswer(ResponseCode.NoError, answers, [_negativeSoa], [], true);
        return Positive(answers, Additional(answers, before));
    }

    private ZoneAnswer? Wildcard(RecordType type, DnsName name, DnsName encloser, List<ResourceRecord> answers, out DnsName? next)
    {
        next = null;
        var wildcard = DnsName.FromLabels(new[] { "*"u8.ToArray() }.Concat(encloser.Labels));
        if (_nodes.TryGetValue(wildcard, out var node)) return Found(type, name, node, answers, out next);
        return new ZoneAnswer(ResponseCode.NXDomain, answers, [_negativeSoa], [], true);
    }

    private ZoneAnswer? Substitute(ResourceRecord dname, DnsName name, List<ResourceRecord> answers, out DnsName? next)
    {
        next = null;
        var target = ((DnameRecord)dname.Data).Name;
        var kept = name.Labels.Take(name.LabelCount - dname.Name.LabelCount);
        DnsName rewritten;
        try
        {
            rewritten = DnsName.FromLabels(kept.Concat(target.Labels));
        }
        catch (DnsFormatException)
        {
            // The substituted name would be over 255 bytes (RFC 6672 §2.2).
            answers.Add(dname);
            return new ZoneAnswer(ResponseCode.YXDomain, answers, [], [], true);
        }
        answers.Add(dname);
        answers.Add(new ResourceRecord(name, new CnameRecord(rewritten), dname.Ttl, dname.Class));
        next = rewritten;
        return null;
    }

    private ZoneAnswer Referral(DnsName cut, ZoneNode node, List<ResourceRecord> answers)
    {
        var ns = new List<ResourceRecord>();
        node.Collect(RecordType.NS, cut, ns);
        return new ZoneAnswer(ResponseCode.NoError, answers, ns, Additional(ns, 0), IsAuthoritative: answers.Count > 0);
    }

    private static ZoneAnswer Positive(List<ResourceRecord> answers, List<ResourceRecord> additional) =>
        new(ResponseCode.NoError, answers, [], additional, true);

    // The addresses of NS, MX and SRV targets held in this zone (glue included).
    private List<ResourceRecord> Additional(List<ResourceRecord> records, int from)
    {
        List<ResourceRecord>? additional = null;
        for (var i = from; i < records.Count; i++)
        {
            var target = records[i].Data switch
            {
                NsRecord ns => ns.Name,
                MxRecord mx => mx.Exchange,
                SrvRecord srv => srv.Target,
                _ => null,
            };
            if (target is null || !_nodes.TryGetValue(target, out var node)) continue;
            additional ??= [];
            foreach (var record in node.Records)
            {
                if (record.Type is RecordType.A or RecordType.AAAA && !additional.Contains(record)) additional.Add(record);
            }
        }
        return additional ?? [];
    }
}
