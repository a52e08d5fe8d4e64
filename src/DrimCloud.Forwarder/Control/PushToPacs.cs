using DrimCloud.Dicom.Multipart;
using DrimCloud.Dicom.Network;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Control;

/// <summary>
/// "Push": retrieves a study from the cloud (WADO-RS, stored transfer syntaxes) part by part into a work folder on
/// disk, never into memory, then C-STOREs every instance into the PACS. Success means the PACS accepted all of them.
/// The work folder is emptied afterwards whatever happened: the study is still in the cloud.
/// </summary>
public sealed class PushToPacs(ControlPlaneClient cloud, PacsLink pacs, IOptions<PacsOptions> pacsOptions, IOptions<ControlOptions> options)
{
    public async Task<CommandOutcome> RunAsync(CloudCommand command, CancellationToken cancellationToken)
    {
        var o = pacsOptions.Value;
        if (!o.IsConfigured)
            return new CommandOutcome(false, null, "No PACS is configured on this forwarder (Forwarder:Pacs:Host).");
        if (command.StudyInstanceUid is null)
            return new CommandOutcome(false, null, "A push names no study.");

        var folder = Path.Combine(WorkRoot(), command.Id.ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var files = await DownloadAsync(command.StudyInstanceUid, folder, cancellationToken);
            if (files.Count == 0) return new CommandOutcome(false, 0, "The cloud returned no instance for this study.");
            var items = files.Select(DicomStoreItem.FromFile).ToList();
            var results = await DicomClient.StoreAsync(pacs.ClientOptions(), items, cancellationToken: cancellationToken);
            var stored = results.Count(r => r.IsSuccess);
            var failures = results.Where(r => !r.IsSuccess).Select(r => r.ToString()).Take(5).ToList();
            var detail = $"{stored} of {items.Count} instance(s) stored into {o.AeTitle}@{o.Host}:{o.Port}";
            return failures.Count == 0
                ? new CommandOutcome(true, stored, detail + ".")
                : new CommandOutcome(false, stored, $"{detail}; first failures: {string.Join("; ", failures)}");
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    private async Task<List<string>> DownloadAsync(string study, string folder, CancellationToken cancellationToken)
    {
        using var response = await cloud.RetrieveStudyAsync(study, cancellationToken);
        var contentType = response.Content.Headers.ContentType?.ToString()
            ?? throw new ControlPlaneException("The cloud's study retrieve has no Content-Type.");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = MultipartReader.Create(body, contentType);
        var files = new List<string>();
        while (await reader.ReadNextPartAsync(cancellationToken) is { } part)
        {
            var path = Path.Combine(folder, $"{files.Count:D6}.dcm");
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await part.Body.CopyToAsync(file, cancellationToken);
            files.Add(path);
        }
        return files;
    }

    private string WorkRoot() => options.Value.WorkFolder is { Length: > 0 } configured
        ? configured
        : Path.Combine(Path.GetTempPath(), "drimcloud-forwarder-push");
}
