namespace Torsion.Web.Client;

/// <summary>
/// A cached connection closed before a byte of the response came back: the server had timed it out, so
/// the request may not have reached it and can be sent again on a fresh connection (once, if idempotent).
/// </summary>
internal sealed class StaleConnectionException(Exception? inner)
    : Exception("The server closed a reused connection before answering.", inner);
