using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DrimCloud.Dicom.Network.Tests.Loopback;

public class TlsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Mutually_authenticated_tls_association_works()
    {
        using var pki = new TestPki();
        await using var loopback = Loopback.Start(o => o.With(tls: pki.ServerOptions()));

        await using var association = await DicomClient.ConnectAsync(pki.Client(loopback, pki.ClientCertificate, pki.Root), new AssociationProposal().AddVerification());

        Assert.True(association.IsTls);
        Assert.Equal(DimseStatus.Success, await association.EchoAsync());
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_when_one_is_required()
    {
        using var pki = new TestPki();
        await using var loopback = Loopback.Start(o => o.With(tls: pki.ServerOptions()));

        await Assert.ThrowsAnyAsync<DicomNetworkException>(() => DicomClient.EchoAsync(pki.Client(loopback, null, pki.Root)));
    }

    [Fact]
    public async Task A_server_certificate_from_an_untrusted_root_is_refused()
    {
        using var pki = new TestPki();
        using var otherPki = new TestPki();
        await using var loopback = Loopback.Start(o => o.With(tls: pki.ServerOptions()));

        var error = await Assert.ThrowsAnyAsync<DicomNetworkException>(() => DicomClient.EchoAsync(pki.Client(loopback, pki.ClientCertificate, otherPki.Root)));

        Assert.Contains("TLS", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A throw-away CA with a server certificate for 127.0.0.1 and a client certificate.</summary>
    private sealed class TestPki : IDisposable
    {
        public TestPki()
        {
            using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var rootRequest = new CertificateRequest("CN=DrimCloud Test Root", rootKey, HashAlgorithmName.SHA256);
            rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            Root = rootRequest.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(1));
            ServerCertificate = Issue("CN=localhost", serverAuth: true);
            ClientCertificate = Issue("CN=DRIMSCU", serverAuth: false);
        }

        public X509Certificate2 Root { get; }

        public X509Certificate2 ServerCertificate { get; }

        public X509Certificate2 ClientCertificate { get; }

        public DicomTlsServerOptions ServerOptions() => new()
        {
            ServerCertificate = ServerCertificate,
            TrustedClientRoots = [Root],
        };

        public DicomClientOptions Client(Loopback loopback, X509Certificate2? certificate, X509Certificate2 trustedRoot) => new()
        {
            Host = "127.0.0.1",
            Port = loopback.Listener.Port,
            CallingAeTitle = "DRIMSCU",
            CalledAeTitle = "DRIMSCP",
            Tls = new DicomTlsClientOptions { ClientCertificate = certificate, TrustedRoots = [trustedRoot], TargetHost = "localhost" },
        };

        private X509Certificate2 Issue(string subject, bool serverAuth)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var issued = request.Create(Root, Now.AddHours(-1), Now.AddHours(12), RandomNumberGenerator.GetBytes(8));
            using var withKey = issued.CopyWithPrivateKey(key);
            // Round trip through PKCS#12 so the key is usable by the TLS stack on every platform.
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }

        public void Dispose()
        {
            Root.Dispose();
            ServerCertificate.Dispose();
            ClientCertificate.Dispose();
        }
    }
}
