using System.Net;

namespace Torsion.Web.Client;

/// <summary>What a response body's consumer can ask of the connection carrying it.</summary>
internal interface IBodyFlow
{
    void PauseBody();

    void ResumeBody();

    /// <summary>The consumer wants no more: the connection is closed and the body ends with a failure.</summary>
    void StopBody();

    EndPoint GetPeer();

    EndPoint GetHost();
}
