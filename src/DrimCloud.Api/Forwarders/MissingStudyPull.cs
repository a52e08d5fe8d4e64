using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Domain.Forwarders;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Forwarders;

/// <summary>
/// A report arrived for a study the cloud does not hold (the PACS never pushed it, or not yet): ask the forwarder that
/// relayed the report to pull the study out of its PACS. One open pull per study (or accession) and forwarder.
/// </summary>
public sealed class MissingStudyPull(DrimCloudDbContext db, ForwarderCommandSignal signal, TimeProvider clock, ILogger<MissingStudyPull> logger)
{
    public const string Requester = "report-intake";

    /// <summary>The queued command, or null when none was needed or possible.</summary>
    public async Task<ForwarderCommand?> RequestAsync(string forwarderClientId, string? studyInstanceUid, string? accessionNumber, CancellationToken cancellationToken)
    {
        var study = studyInstanceUid is not null && DicomUid.IsValid(studyInstanceUid) ? studyInstanceUid : null;
        // Accession Number is SH: a longer value cannot be a C-FIND key.
        var accession = accessionNumber is { Length: > 0 and <= 16 } ? accessionNumber : null;
        if (study is null && accession is null) return null;

        var open = await db.ForwarderCommands.AnyAsync(c => c.ClientId == forwarderClientId && c.Kind == ForwarderCommandKind.PullFromPacs
            && (c.State == ForwarderCommandState.Pending || c.State == ForwarderCommandState.InProgress)
            && (study != null ? c.StudyInstanceUid == study : c.AccessionNumber == accession), cancellationToken);
        if (open) return null;

        var command = new ForwarderCommand
        {
            ClientId = forwarderClientId, Kind = ForwarderCommandKind.PullFromPacs, StudyInstanceUid = study,
            AccessionNumber = accession, CreatedAt = clock.GetUtcNow(), CreatedBy = Requester,
        };
        db.ForwarderCommands.Add(command);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify(command.TenantId, forwarderClientId);
        logger.LogInformation("Report for unknown study {Study} / accession {Accession}: pull {Command} queued for forwarder {Forwarder}.",
            study, accession, command.Id, forwarderClientId);
        return command;
    }
}
