using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// TLS for an association requestor (PS3.15 Annex B, BCP 195 profile: TLS 1.2 or later). The peer certificate
/// is validated against the system store, or only against <see cref="TrustedRoots"/> when given.
/// </summary>
public sealed class DicomTlsClientOptions
{
    /// <summary>Name the server certificate must match; defaults to the host connected to.</summary>
    public string? TargetHost { get; init; }

    /// <summary>Our certificate (with private key), for peers that require mutual authentication.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Roots trusted instead of the system store (e.g. a hospital's private CA).</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    public X509RevocationMode RevocationMode { get; init; } = X509RevocationMode.NoCheck;

    /// <summary>Replaces the built-in validation entirely when set.</summary>
    public RemoteCertificateValidationCallback? ValidationCallback { get; init; }
}

/// <summary>TLS for a listener. Client certificates are required and validated by default, as the DICOM TLS profiles expect.</summary>
public sealed class DicomTlsServerOptions
{
    public required X509Certificate2 ServerCertificate { get; init; }

    public bool RequireClientCertificate { get; init; } = true;

    /// <summary>Roots trusted for client certificates instead of the system store.</summary>
    public X509Certificate2Collection? TrustedClientRoots { get; init; }

    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    public X509RevocationMode RevocationMode { get; init; } = X509RevocationMode.NoCheck;

    public RemoteCertificateValidationCallback? ValidationCallback { get; init; }
}
