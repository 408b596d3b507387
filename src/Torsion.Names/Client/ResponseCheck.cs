using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>What the client accepts as the answer to its question, and what a server's answer means.</summary>
internal static class ResponseCheck
{
    /// <summary>
    /// Why <paramref name="message"/> is not the answer to query <paramref name="id"/> for
    /// <paramref name="query"/>, or <see langword="null"/> when it is. The question must come back
    /// (name ignoring case, type, class), except in an error answer with no question section, which some
    /// servers send for FORMERR.
    /// </summary>
    public static string? Mismatch(DnsMessage message, ushort id, DnsQuery query, bool questionOptional = false)
    {
        if (!message.IsResponse)
        {
            return "not a response";
        }
        if (message.Id != id)
        {
            return "wrong id";
        }
        if (message.Queries.Count == 0 && (questionOptional || message.ResponseCode != ResponseCode.NoError))
        {
            return null;
        }
        if (message.Queries.Count != 1 || message.Queries[0] != query)
        {
            return "wrong question";
        }
        return null;
    }

    /// <summary>The result a complete answer stands for: its sections, or the exception for its response code.</summary>
    public static Exception? Failure(DnsMessage message, DnsQuery query) => message.ResponseCode switch
    {
        ResponseCode.NoError => null,
        ResponseCode.NXDomain => new DnsNameException(query, message),
        ResponseCode.ServFail => new DnsServerFailureException(query, message),
        ResponseCode.Refused => new DnsQueryRefusedException(query, message),
        ResponseCode.NotImp => new DnsNotImplementedException(query, message),
        ResponseCode.FormErr => new DnsFormErrException(query, message),
        var other => new DnsLookupException(query, other, message),
    };

    /// <summary>The sections of a successful answer.</summary>
    public static DnsLookupResult Result(DnsMessage message) =>
        new(message.Answers, message.Authority, message.Additional);
}
