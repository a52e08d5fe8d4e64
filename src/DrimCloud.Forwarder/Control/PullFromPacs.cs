using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Control;

/// <summary>
/// "Pull": finds the study in the PACS (C-FIND by Study Instance UID and/or accession number) and C-MOVEs it to the
/// forwarder's own Storage SCP, whence it goes up to the cloud like any pushed study (spool, then STOW-RS). Success
/// means the PACS delivered every instance into the spool; the upload follows on its own.
/// </summary>
public sealed class PullFromPacs(PacsLink pacs, IOptions<PacsOptions> options)
{
    public async Task<CommandOutcome> RunAsync(CloudCommand command, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.IsConfigured)
            return new CommandOutcome(false, null, "No PACS is configured on this forwarder (Forwarder:Pacs:Host).");

        var proposal = new AssociationProposal()
            .Add(WellKnownUids.StudyRootFind, KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian)
            .Add(WellKnownUids.StudyRootMove, KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian);
        await using var association = await DicomClient.ConnectAsync(pacs.ClientOptions(), proposal, cancellationToken);

        var query = new DicomDataset();
        query.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, QueryRetrieveLevel.Study);
        query.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, command.StudyInstanceUid ?? "");
        query.SetString(DicomTags.AccessionNumber, DicomVR.SH, command.AccessionNumber ?? "");
        var studies = new List<string>();
        await foreach (var match in association.FindAsync(WellKnownUids.StudyRootFind, query, cancellationToken: cancellationToken))
        {
            var uid = match.GetString(DicomTags.StudyInstanceUID)?.Trim().TrimEnd('\0');
            if (!string.IsNullOrEmpty(uid) && !studies.Contains(uid, StringComparer.Ordinal)) studies.Add(uid);
        }
        if (studies.Count == 0)
            return new CommandOutcome(false, 0, $"The PACS {o.AeTitle} has no study with {Describe(command)}.");

        int completed = 0, failed = 0;
        var problems = new List<string>();
        foreach (var study in studies)
        {
            var identifier = new DicomDataset();
            identifier.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, QueryRetrieveLevel.Study);
            identifier.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
            var result = await association.MoveAsync(WellKnownUids.StudyRootMove, o.MoveDestinationAeTitle, identifier, cancellationToken: cancellationToken);
            completed += result.Completed + result.Warning;
            failed += result.Failed;
            if (!result.IsSuccess && !result.Status.IsSuccessOrWarning) problems.Add($"{study}: {result}");
            else if (result.Failed > 0) problems.Add($"{study}: {result.Failed} instance(s) not sent");
        }
        await association.ReleaseAsync(cancellationToken);

        var detail = $"{completed} instance(s) of {studies.Count} study(ies) moved from {o.AeTitle} to {o.MoveDestinationAeTitle}";
        return problems.Count == 0 && completed > 0
            ? new CommandOutcome(true, completed, detail + "; they upload through the spool.")
            : new CommandOutcome(false, completed, $"{detail}; {failed} failed. {string.Join("; ", problems)}".Trim());
    }

    private static string Describe(CloudCommand command) => (command.StudyInstanceUid, command.AccessionNumber) switch
    {
        ({ } study, { } accession) => $"Study Instance UID {study} and accession number {accession}",
        ({ } study, null) => $"Study Instance UID {study}",
        (null, { } accession) => $"accession number {accession}",
        _ => "no key",
    };
}
