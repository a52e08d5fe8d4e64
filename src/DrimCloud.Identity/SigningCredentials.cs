using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DrimCloud.Identity;

/// <summary>
/// Where token signing keys come from. Production: a certificate file named in configuration
/// (<c>Identity:SigningCertificate:Path</c> + <c>:Password</c>, the password from a secret store, never the repo).
/// Development: a self-signed certificate generated once into the data folder, so tokens survive restarts.
/// </summary>
public static class SigningCredentials
{
    public static X509Certificate2 Load(IConfiguration configuration, IHostEnvironment environment, string dataDirectory)
    {
        var path = configuration["Identity:SigningCertificate:Path"];
        if (!string.IsNullOrWhiteSpace(path))
            return X509CertificateLoader.LoadPkcs12FromFile(path, configuration["Identity:SigningCertificate:Password"], X509KeyStorageFlags.EphemeralKeySet);

        if (!environment.IsDevelopment())
            throw new InvalidOperationException(
                "No token signing certificate: set Identity:SigningCertificate:Path (PKCS#12) and Identity:SigningCertificate:Password. " +
                "A development certificate is generated only in the Development environment.");

        var devPath = Path.Combine(dataDirectory, "identity", "dev-signing.pfx");
        if (File.Exists(devPath)) return X509CertificateLoader.LoadPkcs12FromFile(devPath, null, X509KeyStorageFlags.EphemeralKeySet);

        Directory.CreateDirectory(Path.GetDirectoryName(devPath)!);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=DrimCloud development token signing", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        var pfx = created.Export(X509ContentType.Pkcs12);
        var temp = devPath + ".tmp";
        File.WriteAllBytes(temp, pfx);
        File.Move(temp, devPath, overwrite: true);
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.EphemeralKeySet);
    }
}
