using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>Reads a body and drops it (a redirect's), so its connection can be reused.</summary>
internal sealed class DiscardBodyProtocol : Protocol;
