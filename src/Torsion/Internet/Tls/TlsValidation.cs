using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Torsion.Internet;

/// <summary>Certificate checking shared by the client and server options.</summary>
internal static class TlsValidation
{
    internal static List<SslApplicationProtocol>? ToAlpn(IReadOnlyList<string> names) =>
        names.Count == 0 ? null : names.Select(n => new SslApplicationProtocol(n)).ToList();

    /// <summary>A chain policy trusting <paramref name="roots"/> only, or the system store when null; never fetching revocation lists.</summary>
    internal static X509ChainPolicy ChainPolicy(X509Certificate2Collection? roots)
    {
        var policy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck };
        if (roots is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(roots);
        }
        return policy;
    }

    /// <summary>
    /// A validation callback that keeps SslStream's verdict but records why it failed, so the
    /// handshake error names the problem (SslStream's own message would only say "rejected by the
    /// provided callback").
    /// </summary>
    internal static RemoteCertificateValidationCallback Callback(bool allowUntrusted, Action<string> problem) =>
        (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }
            problem(Describe(certificate, chain, errors));
            return allowUntrusted;
        };

    private static string Describe(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var details = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            details.Add("the peer presented no certificate");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            details.Add($"the certificate ({certificate?.Subject}) is not for the expected host name");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain?.ChainStatus.Select(s => $"{s.Status} ({s.StatusInformation.Trim()})") ?? [];
            details.Add($"the certificate chain is not trusted: {string.Join("; ", statuses)}");
        }
        return $"certificate validation failed ({errors}): {string.Join(", ", details)}";
    }
}
