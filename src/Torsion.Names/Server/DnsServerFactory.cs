using System.Buffers.Binary;
using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>
/// A DNS server (twisted.names.server's <c>DNSServerFactory</c>): answers from its authorities
/// (zones), and, for queries with RD set, from its caches and then its clients, caching what the
/// clients find. It is the TCP factory (<c>reactor.ListenTcp(53, factory)</c>) and answers UDP through
/// <see cref="DnsDatagramProtocol"/> (<c>reactor.ListenUdp(53, new DnsDatagramProtocol(factory))</c>).
/// </summary>
/// <remarks>
/// <para>EDNS0 (RFC 6891): a query with an OPT record gets one back advertising <see cref="UdpPayloadSize"/>;
/// a version above 0 gets BADVERS. UDP answers are truncated (TC) to 512 bytes, or to the client's
/// EDNS size capped by <see cref="UdpPayloadSize"/>; TCP answers go up to 65535 bytes.</para>
/// <para>Bad input (docs/names.md): a message whose header can be read gets FORMERR, a shorter one or a
/// response is dropped; each kind is logged once, as a warning, and counted in <see cref="BadInputCounts"/>.</para>
/// <para>AXFR is served over TCP to addresses in <see cref="TransferAllowed"/> only (REFUSED otherwise,
/// and over UDP). Opcodes other than QUERY get NOTIMP. Names outside every zone get REFUSED unless
/// recursion is desired and the factory has caches or clients.</para>
/// </remarks>
public sealed class DnsServerFactory : ServerFactory
{
    private static readonly Logger s_log = Logger.For<DnsServerFactory>();

    private readonly ZoneAuthority[] _zones;
    private readonly IResolver[] _otherAuthorities;
    private readonly IReactorTime _clock;
    private readonly AnswerCache _answers = new();
    private Edns _edns = new() { UdpPayloadSize = 1232 };
    private Edns _ednsDo = new() { UdpPayloadSize = 1232, DnssecOk = true };

    /// <summary>Creates the server.</summary>
    /// <param name="authorities">Resolvers whose answers are authoritative; <see cref="ZoneAuthority"/> zones are chosen by name (the deepest zone holding it), others are asked in order.</param>
    /// <param name="caches">Caches asked for recursive queries, before the clients; they are given what the clients find.</param>
    /// <param name="clients">Resolvers that recurse or forward (the network client) for queries with RD set.</param>
    /// <param name="clock">The reactor whose timers close idle TCP connections; <see cref="Reactors.Current"/> when null.</param>
    public DnsServerFactory(IEnumerable<IResolver>? authorities = null, IEnumerable<IDnsCache>? caches = null, IEnumerable<IResolver>? clients = null, IReactorTime? clock = null)
    {
        Authorities = [.. authorities ?? []];
        Caches = [.. caches ?? []];
        Clients = [.. clients ?? []];
        // The deepest zone first, so a child zone served here wins over its parent's delegation.
        _zones = [.. Authorities.OfType<ZoneAuthority>().OrderByDescending(z => z.Apex.LabelCount)];
        _otherAuthorities = [.. Authorities.Where(a => a is not ZoneAuthority)];
        _clock = clock ?? Reactors.Current;
        BadInput = new BadInputLog(s_log);
    }

    /// <summary>The authorities, as given.</summary>
    public IReadOnlyList<IResolver> Authorities { get; }

    /// <summary>The caches, as given.</summary>
    public IReadOnlyList<IDnsCache> Caches { get; }

    /// <summary>The clients, as given; with any, answers say recursion is available (RA).</summary>
    public IReadOnlyList<IResolver> Clients { get; }

    /// <summary>Logs every query and its answer's code at info level when above 0 (twistd dns's <c>-v</c>).</summary>
    public int Verbose { get; set; }

    /// <summary>How long a TCP connection may stay silent before it is closed (RFC 7766 §6.2.3); 10 s by default, zero for never.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The UDP payload size advertised in EDNS answers, and the cap on UDP answers (1232 by default, the DNS flag day 2020 value); at least 512.</summary>
    public ushort UdpPayloadSize
    {
        get => _edns.UdpPayloadSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, (ushort)512);
            _edns = _edns with { UdpPayloadSize = value };
            _ednsDo = _ednsDo with { UdpPayloadSize = value };
            // Cached answers carry the old size in their OPT record.
            _answers.Clear();
        }
    }

    /// <summary>The networks allowed zone transfers (AXFR, over TCP); empty (the default) refuses everyone.</summary>
    public IList<IPNetwork> TransferAllowed { get; } = [];

    /// <summary>Bad input seen so far, by kind (such as <c>bad compression pointer</c> or <c>TCP connection that sent nothing</c>).</summary>
    public IReadOnlyDictionary<string, long> BadInputCounts => BadInput.Counts;

    internal BadInputLog BadInput { get; }

    /// <summary>How many times a TCP client's unread answers paused its connection (for tests).</summary>
    internal int Pauses { get; set; }

    // One buffer for every answer: the reactor thread writes and sends each before the next.
    internal byte[] WriteBuffer { get; } = new byte[2 + DnsMessage.MaxLength];

    /// <inheritdoc/>
    /// <remarks>Logs how much bad input of each kind was seen, when there was any.</remarks>
    protected override void StopFactory()
    {
        if (BadInput.Counts.Count > 0)
        {
            s_log.Info("DNS server stopping; bad input seen: {counts}", ("counts", string.Join(", ", BadInput.Counts.Select(c => $"{c.Key}: {c.Value}"))));
        }
    }

    /// <inheritdoc/>
    public override IProtocol? BuildProtocol(EndPoint address) => new DnsStreamProtocol(this, _clock) { Factory = this };

    /// <summary>Handles one message from <paramref name="peer"/>, answering through <paramref name="channel"/> now or when a lookup completes.</summary>
    internal void Receive(ReadOnlySpan<byte> packet, EndPoint peer, IDnsReplyChannel channel)
    {
        if (packet.Length < 12)
        {
            BadInput.Report("message shorter than a header", peer, $"{packet.Length} bytes");
            return;
        }
        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((flags & 0x8000) != 0)
        {
            // Never answer a response: two servers could bounce errors at each other forever.
            BadInput.Report("response sent as a query", peer, $"id {BinaryPrimitives.ReadUInt16BigEndian(packet)}");
            return;
        }
        // The hot path: a plain query answered before from a zone is answered from its cached bytes.
        Span<byte> key = stackalloc byte[AnswerCache.MaxKeyLength];
        var keyLength = 0;
        if (Verbose == 0 && AnswerCache.TryKey(packet, channel.IsStream, UdpPayloadSize, key, out keyLength, out var nameEnd))
        {
            var length = _answers.TryAnswer(key[..keyLength], packet, nameEnd, WriteBuffer.AsSpan(2));
            if (length > 0)
            {
                channel.SendWritten(length, peer);
                return;
            }
        }
        DnsMessage query;
        try
        {
            query = DnsMessage.Parse(packet);
        }
        catch (DnsFormatException e)
        {
            BadInput.Report(BadInputLog.Kind(e), peer, e.Message);
            channel.Reply(new DnsMessage
            {
                Id = BinaryPrimitives.ReadUInt16BigEndian(packet),
                IsResponse = true,
                OpCode = (OpCode)((flags >> 11) & 0xF),
                RecursionDesired = (flags & 0x0100) != 0,
                ResponseCode = ResponseCode.FormErr,
            }, peer, 512);
            return;
        }
        try
        {
            Handle(query, peer, channel, key[..keyLength]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug or a resolver that throws instead of failing its Deferred: this query fails, the server goes on.
            BadInput.Report("internal error", peer, e.ToString());
            channel.Reply(Response(query, ResponseCode.ServFail, [], [], [], false), peer, 512);
        }
    }

    private void Handle(DnsMessage query, EndPoint peer, IDnsReplyChannel channel, ReadOnlySpan<byte> cacheKey)
    {
        var maxLength = channel.IsStream ? DnsMessage.MaxLength
            : query.Edns is { } edns ? Math.Clamp((int)edns.UdpPayloadSize, 512, Math.Max(512, (int)UdpPayloadSize)) : 512;
        if (query.Edns is { Version: > 0 })
        {
            channel.Reply(Response(query, ResponseCode.BadVers, [], [], [], false) with { Queries = [] }, peer, maxLength);
            return;
        }
        if (query.OpCode != OpCode.Query)
        {
            channel.Reply(Response(query, ResponseCode.NotImp, [], [], [], false), peer, maxLength);
            return;
        }
        if (query.Queries.Count != 1)
        {
            BadInput.Report("query without exactly one question", peer, $"{query.Queries.Count} questions");
            channel.Reply(Response(query, ResponseCode.FormErr, [], [], [], false), peer, maxLength);
            return;
        }
        var question = query.Queries[0];
        if (Verbose > 0) s_log.Info("{peer} asks {name} {type} {class}", ("peer", peer), ("name", question.Name), ("type", question.Type), ("class", question.Class));
        if (question.Type == RecordType.AXFR)
        {
            Transfer(query, question, peer, channel, maxLength);
            return;
        }
        if ((ushort)question.Type == 251)
        {
            // IXFR: no journal to send differences from.
            channel.Reply(Response(query, ResponseCode.NotImp, [], [], [], false), peer, maxLength);
            return;
        }
        foreach (var zone in _zones)
        {
            if (!zone.Contains(question.Name)) continue;
            var answer = zone.Answer(question);
            if (answer.ResponseCode == ResponseCode.Refused) break;
            var response = Response(query, answer.ResponseCode, answer.Answers, answer.Authority, answer.Additional, answer.IsAuthoritative);
            if (Verbose > 0) s_log.Info("answering {peer}: {code}, {count} answer(s)", ("peer", peer), ("code", response.ResponseCode), ("count", response.Answers.Count));
            var length = response.WriteTruncated(WriteBuffer.AsSpan(2, maxLength));
            if (!cacheKey.IsEmpty) _answers.Store(cacheKey, WriteBuffer.AsSpan(2, length));
            channel.SendWritten(length, peer);
            return;
        }
        var recursive = query.RecursionDesired && (Caches.Count > 0 || Clients.Count > 0);
        if (_otherAuthorities.Length == 0 && !recursive)
        {
            Send(channel, peer, maxLength, Response(query, ResponseCode.Refused, [], [], [], false));
            return;
        }
        Lookup(question, 0, recursive).AddBoth<bool>(outcome =>
        {
            if (!channel.IsOpen) return false;
            DnsMessage response;
            if (outcome.Succeeded)
            {
                var result = outcome.Value;
                response = Response(query, ResponseCode.NoError, result.Answers, result.Authority, result.Additional, result.IsAuthoritative);
            }
            else if (outcome.Failure!.Value is DnsLookupException { ResponseCode: var code } failure && code != ResponseCode.NoError)
            {
                var detail = failure.Response;
                response = Response(query, code, detail?.Answers ?? [], detail?.Authority ?? [], detail?.Additional ?? [], detail?.IsAuthoritative ?? false);
            }
            else
            {
                response = Response(query, ResponseCode.ServFail, [], [], [], false);
            }
            Send(channel, peer, maxLength, response);
            return true;
        });
    }

    private void Send(IDnsReplyChannel channel, EndPoint peer, int maxLength, DnsMessage response)
    {
        if (Verbose > 0) s_log.Info("answering {peer}: {code}, {count} answer(s)", ("peer", peer), ("code", response.ResponseCode), ("count", response.Answers.Count));
        channel.Reply(response, peer, maxLength);
    }

    // Non-zone authorities in order, then (for RD) caches and clients: each step that has no answer
    // hands on to the next. An authority or cache that fails is passed over; a client's NXDOMAIN or
    // other DNS error is the answer, and only its timeouts and failures move on to the next client.
    private Deferred<DnsLookupResult> Lookup(DnsQuery question, int index, bool recursive)
    {
        var authorities = _otherAuthorities.Length;
        var caches = recursive ? Caches.Count : 0;
        var clients = recursive ? Clients.Count : 0;
        if (index >= authorities + caches + clients)
        {
            return Deferred.Fail<DnsLookupResult>(recursive
                ? new DnsServerFailureException(question, message: $"No resolver answered {question}.")
                : new DnsQueryRefusedException(question, message: $"{question.Name} is in no zone served here."));
        }
        IResolver resolver = index < authorities ? _otherAuthorities[index]
            : index < authorities + caches ? Caches[index - authorities]
            : Clients[index - authorities - caches];
        var isClient = index >= authorities + caches;
        Deferred<DnsLookupResult> lookup;
        try
        {
            lookup = resolver.Query(question);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            lookup = Deferred.Fail<DnsLookupResult>(e);
        }
        return lookup.AddBoth<DnsLookupResult>(outcome =>
        {
            if (outcome.Succeeded)
            {
                if (isClient)
                {
                    foreach (var cache in Caches) cache.CacheResult(question, outcome.Value);
                }
                return Deferred.Succeed(outcome.Value);
            }
            var error = outcome.Failure!.Value;
            var isAnswer = isClient
                ? error is DnsLookupException and not DnsCacheMissException and not DnsServerFailureException
                : index < authorities && error is DnsNameException;
            return isAnswer ? Deferred.Fail<DnsLookupResult>(outcome.Failure) : Lookup(question, index + 1, recursive);
        });
    }

    private void Transfer(DnsMessage query, DnsQuery question, EndPoint peer, IDnsReplyChannel channel, int maxLength)
    {
        if (!channel.IsStream || !Allowed(peer))
        {
            BadInput.Report("zone transfer refused", peer, channel.IsStream ? $"{question.Name}: the address is not allowed" : $"{question.Name}: over UDP");
            channel.Reply(Response(query, ResponseCode.Refused, [], [], [], false), peer, maxLength);
            return;
        }
        var zone = _zones.FirstOrDefault(z => z.Apex == question.Name);
        if (zone is null)
        {
            channel.Reply(Response(query, ResponseCode.NotAuth, [], [], [], false), peer, maxLength);
            return;
        }
        if (Verbose > 0) s_log.Info("zone transfer of {zone} to {peer}", ("zone", zone.Apex), ("peer", peer));
        var records = zone.TransferRecords;
        const int PerMessage = 200;
        for (var start = 0; start < records.Count;)
        {
            var take = Math.Min(PerMessage, records.Count - start);
            while (!channel.TryReplyWhole(Response(query, ResponseCode.NoError, Slice(records, start, take), [], [], true)))
            {
                // Too big for one message: fewer records (one record always fits).
                take = Math.Max(1, take / 2);
            }
            start += take;
        }
    }

    private static ResourceRecord[] Slice(IReadOnlyList<ResourceRecord> records, int start, int count)
    {
        var slice = new ResourceRecord[count];
        for (var i = 0; i < count; i++) slice[i] = records[start + i];
        return slice;
    }

    private bool Allowed(EndPoint peer)
    {
        if (peer is not IPEndPoint ip) return false;
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        foreach (var network in TransferAllowed)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    private DnsMessage Response(DnsMessage query, ResponseCode code, IReadOnlyList<ResourceRecord> answers, IReadOnlyList<ResourceRecord> authority, IReadOnlyList<ResourceRecord> additional, bool authoritative) => new()
    {
        Id = query.Id,
        IsResponse = true,
        OpCode = query.OpCode,
        IsAuthoritative = authoritative,
        RecursionDesired = query.RecursionDesired,
        RecursionAvailable = Clients.Count > 0,
        CheckingDisabled = query.CheckingDisabled,
        ResponseCode = code,
        Queries = query.Queries,
        Answers = answers,
        Authority = authority,
        Additional = additional,
        Edns = query.Edns is null ? null : query.Edns.DnssecOk ? _ednsDo : _edns,
    };
}
