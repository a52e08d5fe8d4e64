using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using DrimCloud.Forwarder.Cloud;
using DrimCloud.Forwarder.Spool;
using DrimCloud.Forwarder.Upload;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Tests.Cloud;

/// <summary>A client revoked in the cloud (tokens issued, every one refused by the API): said plainly, nothing lost.</summary>
public sealed class UploaderCredentialsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"uploader-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task A_revoked_client_is_logged_plainly_and_the_instances_stay_spooled()
    {
        await using var server = await LocalIdentityServer.StartAsync();
        server.ApiRefusesEveryToken = true;
        using var spool = DicomSpool.Open(_folder);
        foreach (var sop in new[] { "1.2.3.1", "1.2.3.2" }) await AddAsync(spool, "1.2.3", sop);
        var options = Options.Create(new ForwarderOptions
        {
            Tenant = "demo",
            ClientId = LocalIdentityServer.ClientId,
            ClientSecret = LocalIdentityServer.Secret,
            Cloud = new CloudOptions { ApiUrl = server.Url, IdentityUrl = server.Url },
            Upload = new UploadOptions { Concurrency = 2, MinRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(200) },
        });
        var link = new CloudLinkStatus(TimeProvider.System);
        var status = new UploadStatus();
        var log = new ListLogger<Uploader>();
        using var uploader = new Uploader(spool, new CloudTokenClient(new PlainClientFactory(), options, TimeProvider.System, link), options,
            status, TimeProvider.System, link, log);

        await uploader.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (status.State != "credentials-rejected" && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(500); // a forwarder hammering the cloud would send many more requests in this time
        await uploader.StopAsync(CancellationToken.None);

        Assert.Equal("credentials-rejected", status.State);
        Assert.Equal(CloudLinkStatus.CredentialsRejected, link.State);
        Assert.Contains("revoked", link.LastError, StringComparison.Ordinal);
        // The refused token was renewed once, the request sent once more, then uploading pauses a minute.
        Assert.Equal(2, server.StowRequests);
        Assert.Equal(2, server.Issued);
        var line = Assert.Single(log.Lines, l => l.Contains("Upload paused", StringComparison.Ordinal));
        Assert.Contains($"refused the access token of client '{LocalIdentityServer.ClientId}' twice (401)", line, StringComparison.Ordinal);
        Assert.Contains("Spooling continues", line, StringComparison.Ordinal);
        Assert.Equal(2, spool.Snapshot().PendingInstances);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_folder, "objects")).Length);
    }

    private static async Task AddAsync(DicomSpool spool, string study, string sop)
    {
        var d = new DicomDataset();
        d.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        d.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        using var body = new MemoryStream();
        DicomWriter.WriteDataset(d, body, DicomTransferSyntax.ExplicitVRLittleEndian);
        body.Position = 0;
        await spool.AddAsync(Part10Meta.Build("1.2.840.10008.5.1.4.1.1.7", sop, KnownTransferSyntaxes.ExplicitVRLittleEndian), body, sop, CancellationToken.None);
    }

    private sealed class PlainClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
