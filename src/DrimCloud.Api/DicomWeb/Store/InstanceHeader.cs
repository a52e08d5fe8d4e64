using System.Globalization;
using System.Text;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>The attributes of an instance the index needs, read once from its parsed header.</summary>
public sealed record InstanceHeader
{
    public required string? SopClassUid { get; init; }
    public required string? SopInstanceUid { get; init; }
    public required string? StudyInstanceUid { get; init; }
    public required string? SeriesInstanceUid { get; init; }
    public required string TransferSyntaxUid { get; init; }

    public string? PatientName { get; init; }
    public string? PatientId { get; init; }
    public string? IssuerOfPatientId { get; init; }
    public string? PatientBirthDate { get; init; }
    public string? PatientSex { get; init; }
    public string? AccessionNumber { get; init; }
    public string? StudyId { get; init; }
    public string? StudyDate { get; init; }
    public string? StudyTime { get; init; }
    public string? StudyDescription { get; init; }
    public string? ReferringPhysicianName { get; init; }
    public string? Modality { get; init; }
    public int? SeriesNumber { get; init; }
    public string? SeriesDescription { get; init; }
    public string? BodyPartExamined { get; init; }
    public string? SeriesDate { get; init; }
    public string? PerformedProcedureStepStartDate { get; init; }
    public string? PerformedProcedureStepStartTime { get; init; }
    public int? InstanceNumber { get; init; }
    public int? NumberOfFrames { get; init; }
    public int? Rows { get; init; }
    public int? Columns { get; init; }
    public int? BitsAllocated { get; init; }
    public int? SamplesPerPixel { get; init; }

    /// <summary>INS (matricule + OID) when the header carries it in Other Patient IDs Sequence with an INS issuer OID.</summary>
    public (string Matricule, string Oid)? Ins { get; init; }

    public static InstanceHeader From(DicomFile file)
    {
        var d = file.Dataset;
        return new InstanceHeader
        {
            SopClassUid = Clean(d.GetString(DicomTags.SOPClassUID)),
            SopInstanceUid = Clean(d.GetString(DicomTags.SOPInstanceUID)),
            StudyInstanceUid = Clean(d.GetString(DicomTags.StudyInstanceUID)),
            SeriesInstanceUid = Clean(d.GetString(DicomTags.SeriesInstanceUID)),
            TransferSyntaxUid = file.TransferSyntax.Uid,
            PatientName = Clean(d.GetString(DicomTags.PatientName)),
            PatientId = Clean(d.GetString(DicomTags.PatientID)),
            IssuerOfPatientId = Clean(d.GetString(DicomTags.IssuerOfPatientID)),
            PatientBirthDate = Clean(d.GetString(DicomTags.PatientBirthDate)),
            PatientSex = Clean(d.GetString(DicomTags.PatientSex)),
            AccessionNumber = Clean(d.GetString(DicomTags.AccessionNumber)),
            StudyId = Clean(d.GetString(DicomTags.StudyID)),
            StudyDate = Clean(d.GetString(DicomTags.StudyDate)),
            StudyTime = Clean(d.GetString(DicomTags.StudyTime)),
            StudyDescription = Clean(d.GetString(DicomTags.StudyDescription)),
            ReferringPhysicianName = Clean(d.GetString(DicomTags.ReferringPhysicianName)),
            Modality = Clean(d.GetString(DicomTags.Modality)),
            SeriesNumber = Int(d, DicomTags.SeriesNumber),
            SeriesDescription = Clean(d.GetString(DicomTags.SeriesDescription)),
            BodyPartExamined = Clean(d.GetString(DicomTags.BodyPartExamined)),
            SeriesDate = Clean(d.GetString(DicomTags.SeriesDate)),
            PerformedProcedureStepStartDate = Clean(d.GetString(DicomTags.PerformedProcedureStepStartDate)),
            PerformedProcedureStepStartTime = Clean(d.GetString(DicomTags.PerformedProcedureStepStartTime)),
            InstanceNumber = Int(d, DicomTags.InstanceNumber),
            NumberOfFrames = Int(d, DicomTags.NumberOfFrames),
            Rows = Int(d, DicomTags.Rows),
            Columns = Int(d, DicomTags.Columns),
            BitsAllocated = Int(d, DicomTags.BitsAllocated),
            SamplesPerPixel = Int(d, DicomTags.SamplesPerPixel),
            Ins = FindIns(d),
        };
    }

    private static int? Int(DicomDataset d, DicomTag tag)
    {
        try
        {
            return d.GetInt32(tag);
        }
        catch (Exception e) when (e is FormatException or OverflowException or DicomFormatException)
        {
            return null; // a malformed optional number must not refuse the instance
        }
    }

    private static string? Clean(string? value)
    {
        if (value is null) return null;
        var trimmed = value.Trim().TrimEnd('\0').Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    // French INS in the header: Other Patient IDs Sequence (0010,1002) items whose Issuer of Patient ID is an INS OID.
    private static (string, string)? FindIns(DicomDataset d)
    {
        if (d.GetSequence(DicomTags.OtherPatientIDsSequence) is not { } sequence) return null;
        foreach (var item in sequence)
        {
            var issuer = Clean(item.GetString(DicomTags.IssuerOfPatientID));
            var qualifiers = item.GetSequence(DicomTags.IssuerOfPatientIDQualifiersSequence);
            var universal = qualifiers is { Count: > 0 } ? Clean(qualifiers[0].GetString(DicomTags.UniversalEntityID)) : null;
            var oid = Domain.Patients.InsNumber.IsKnownOid(issuer) ? issuer : Domain.Patients.InsNumber.IsKnownOid(universal) ? universal : null;
            var id = Clean(item.GetString(DicomTags.PatientID));
            if (oid is not null && id is not null) return (id, oid);
        }
        return null;
    }

    /// <summary>A patient name folded for fuzzy matching: upper case, accents removed, '^' and '=' as spaces.</summary>
    public static string? FoldName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            builder.Append(c is '^' or '=' or ',' ? ' ' : char.ToUpperInvariant(c));
        }
        return string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
