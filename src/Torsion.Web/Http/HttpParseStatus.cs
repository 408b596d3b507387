namespace Torsion.Web.Http;

/// <summary>Why <see cref="HttpRequestParser.Parse"/> returned.</summary>
public enum HttpParseStatus
{
    /// <summary>All of the input was consumed; feed more when it arrives.</summary>
    NeedMoreData,

    /// <summary>The handler asked to pause; the unconsumed rest must be fed again (an empty span resumes a pause at a message's end).</summary>
    Paused,

    /// <summary>The input broke a rule or a limit; see <see cref="HttpRequestParser.ErrorStatusCode"/>. The parser stays in this state.</summary>
    Error,
}
