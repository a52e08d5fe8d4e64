using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using DrimCloud.Dicom.Network;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>
/// Options shared by the network commands, named as in DCMTK's tools where they have one: <c>--aet</c> is our AE
/// title, <c>--call</c> the peer's, <c>--port</c> the peer's port (or ours for <c>listen</c>).
/// </summary>
internal sealed class DicomNetworkOptions
{
    public Option<string> AeTitle { get; } = new("--aet") { Description = "Our AE title.", DefaultValueFactory = _ => "DRIMCLOUD" };

    public Option<string> Call { get; } = new("--call") { Description = "The peer's AE title.", DefaultValueFactory = _ => "ANY-SCP" };

    public Option<string> Host { get; } = new("--host") { Description = "The peer's host name or address.", DefaultValueFactory = _ => "127.0.0.1" };

    public Option<int> Port { get; } = new("--port") { Description = "TCP port.", Required = true };

    public Option<int> Timeout { get; } = new("--timeout") { Description = "DIMSE timeout in seconds (waiting for a response or the rest of a message).", DefaultValueFactory = _ => 120 };

    public Option<int> AssociationTimeout { get; } = new("--association-timeout") { Description = "ARTIM timeout in seconds (association set-up and release).", DefaultValueFactory = _ => 30 };

    public Option<uint> MaxPdu { get; } = new("--max-pdu") { Description = "Largest PDU we accept, in bytes.", DefaultValueFactory = _ => 256 * 1024u };

    public Option<string?> User { get; } = new("--user") { Description = "User identity to present (user name)." };

    public Option<string?> Password { get; } = new("--password") { Description = "Pass code for --user." };

    public Option<FileInfo?> TlsCertificate { get; } = new("--tls-cert") { Description = "Our certificate (PEM); enables TLS (with --tls-key)." };

    public Option<FileInfo?> TlsKey { get; } = new("--tls-key") { Description = "Private key of --tls-cert (PEM)." };

    public Option<FileInfo?> TlsCa { get; } = new("--tls-ca") { Description = "Trust only these CA certificates (PEM) for the peer's certificate; enables TLS." };

    public Option<bool> Tls { get; } = new("--tls") { Description = "Use TLS, validating the peer against the system's trusted roots." };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Report association events on standard error." };

    /// <summary>Adds the options a requestor (SCU) command needs.</summary>
    public void AddClientOptions(Command command)
    {
        foreach (var option in new Option[] { AeTitle, Call, Host, Port, Timeout, AssociationTimeout, MaxPdu, User, Password, Tls, TlsCertificate, TlsKey, TlsCa, Verbose })
            command.Options.Add(option);
    }

    public DicomTimeouts Timeouts(ParseResult parse) => new()
    {
        Dimse = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
        Artim = TimeSpan.FromSeconds(parse.GetValue(AssociationTimeout)),
        Connect = TimeSpan.FromSeconds(parse.GetValue(AssociationTimeout)),
    };

    public DicomClientOptions Client(ParseResult parse, AsyncOperationsWindow? window = null)
    {
        var user = parse.GetValue(User);
        return new DicomClientOptions
        {
            Host = parse.GetValue(Host)!,
            Port = parse.GetValue(Port),
            CallingAeTitle = parse.GetValue(AeTitle)!,
            CalledAeTitle = parse.GetValue(Call)!,
            Timeouts = Timeouts(parse),
            MaxPduLength = parse.GetValue(MaxPdu),
            AsyncOperations = window,
            UserIdentity = user is null ? null : UserIdentityRequest.ForUsername(user, parse.GetValue(Password)),
            Tls = ClientTls(parse),
        };
    }

    private DicomTlsClientOptions? ClientTls(ParseResult parse)
    {
        var certificate = LoadCertificate(parse);
        var roots = LoadRoots(parse);
        if (!parse.GetValue(Tls) && certificate is null && roots is null)
            return null;
        return new DicomTlsClientOptions { ClientCertificate = certificate, TrustedRoots = roots };
    }

    public DicomTlsServerOptions? ServerTls(ParseResult parse)
    {
        var certificate = LoadCertificate(parse);
        if (certificate is null)
            return null;
        return new DicomTlsServerOptions { ServerCertificate = certificate, TrustedClientRoots = LoadRoots(parse), RequireClientCertificate = true };
    }

    private X509Certificate2? LoadCertificate(ParseResult parse)
    {
        var certificate = parse.GetValue(TlsCertificate);
        var key = parse.GetValue(TlsKey);
        if (certificate is null)
            return null;
        if (key is null)
            throw new ArgumentException("--tls-cert needs --tls-key.");
        using var pem = X509Certificate2.CreateFromPemFile(certificate.FullName, key.FullName);
        // Re-import so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private X509Certificate2Collection? LoadRoots(ParseResult parse)
    {
        if (parse.GetValue(TlsCa) is not { } ca)
            return null;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(ca.FullName);
        return roots;
    }
}
