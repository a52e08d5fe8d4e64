using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>Presence rule of a returned attribute (PS3.18 Tables 10.6.3-3/-4/-5).</summary>
public enum ReturnType
{
    /// <summary>Always returned by the level; empty when unknown.</summary>
    Required,

    /// <summary>Returned by the level when it has a value ("shall be present if known").</summary>
    IfKnown,

    /// <summary>Returned only when a key or an includefield asks for it.</summary>
    OnRequest,
}

/// <summary>An attribute a result writes from the index row, without reading any stored JSON.</summary>
public sealed record ResultColumn<TRow>(DicomTag Tag, string VR, ReturnType Type, Func<TRow, string?>? Text = null, Func<TRow, int?>? Number = null);

/// <summary>The attributes each level returns from its index columns (and the values computed from them).</summary>
public static class ResultColumns
{
    public const string Online = "ONLINE";

    public static readonly IReadOnlyList<ResultColumn<StudyRow>> Study =
    [
        new(DicomTags.StudyDate, "DA", ReturnType.Required, r => r.StudyDate),
        new(DicomTags.StudyTime, "TM", ReturnType.Required, r => r.StudyTime),
        new(DicomTags.AccessionNumber, "SH", ReturnType.Required, r => r.AccessionNumber),
        new(DicomTags.InstanceAvailability, "CS", ReturnType.Required, _ => Online),
        new(DicomTags.ModalitiesInStudy, "CS", ReturnType.Required, r => r.ModalitiesInStudy),
        new(DicomTags.ReferringPhysicianName, "PN", ReturnType.Required, r => r.ReferringPhysicianName),
        new(DicomTags.StudyDescription, "LO", ReturnType.OnRequest, r => r.StudyDescription),
        new(DicomTags.PatientName, "PN", ReturnType.Required, r => r.PatientName),
        new(DicomTags.PatientID, "LO", ReturnType.Required, r => r.PatientId),
        new(DicomTags.PatientBirthDate, "DA", ReturnType.Required, r => r.PatientBirthDate),
        new(DicomTags.PatientSex, "CS", ReturnType.Required, r => r.PatientSex),
        new(DicomTags.StudyInstanceUID, "UI", ReturnType.Required, r => r.StudyInstanceUid),
        new(DicomTags.StudyID, "SH", ReturnType.Required, r => r.StudyId),
        new(DicomTags.NumberOfStudyRelatedSeries, "IS", ReturnType.Required, Number: r => r.NumberOfSeries),
        new(DicomTags.NumberOfStudyRelatedInstances, "IS", ReturnType.Required, Number: r => r.NumberOfInstances),
    ];

    public static readonly IReadOnlyList<ResultColumn<SeriesRow>> Series =
    [
        new(DicomTags.Modality, "CS", ReturnType.Required, r => r.Modality),
        new(DicomTags.SeriesDate, "DA", ReturnType.OnRequest, r => r.SeriesDate),
        new(DicomTags.SeriesDescription, "LO", ReturnType.IfKnown, r => r.SeriesDescription),
        new(DicomTags.BodyPartExamined, "CS", ReturnType.OnRequest, r => r.BodyPartExamined),
        new(DicomTags.SeriesInstanceUID, "UI", ReturnType.Required, r => r.SeriesInstanceUid),
        new(DicomTags.SeriesNumber, "IS", ReturnType.Required, Number: r => r.SeriesNumber),
        new(DicomTags.NumberOfSeriesRelatedInstances, "IS", ReturnType.Required, Number: r => r.NumberOfInstances),
        new(DicomTags.PerformedProcedureStepStartDate, "DA", ReturnType.IfKnown, r => r.PerformedProcedureStepStartDate),
        new(DicomTags.PerformedProcedureStepStartTime, "TM", ReturnType.IfKnown, r => r.PerformedProcedureStepStartTime),
    ];

    public static readonly IReadOnlyList<ResultColumn<InstanceRow>> Instance =
    [
        new(DicomTags.SOPClassUID, "UI", ReturnType.Required, r => r.SopClassUid),
        new(DicomTags.SOPInstanceUID, "UI", ReturnType.Required, r => r.SopInstanceUid),
        new(DicomTags.InstanceAvailability, "CS", ReturnType.Required, _ => Online),
        new(DicomTags.InstanceNumber, "IS", ReturnType.Required, Number: r => r.InstanceNumber),
        new(DicomTags.NumberOfFrames, "IS", ReturnType.IfKnown, Number: r => r.NumberOfFrames),
        new(DicomTags.Rows, "US", ReturnType.IfKnown, Number: r => r.Rows),
        new(DicomTags.Columns, "US", ReturnType.IfKnown, Number: r => r.Columns),
        new(DicomTags.BitsAllocated, "US", ReturnType.IfKnown, Number: r => r.BitsAllocated),
    ];

    private static readonly HashSet<DicomTag> s_study = [.. Study.Select(c => c.Tag), DicomTags.RetrieveURL];
    private static readonly HashSet<DicomTag> s_series = [.. Series.Select(c => c.Tag), DicomTags.RetrieveURL];
    private static readonly HashSet<DicomTag> s_instance = [.. Instance.Select(c => c.Tag), DicomTags.RetrieveURL];

    /// <summary>Whether a level can return <paramref name="tag"/> from its columns alone.</summary>
    public static bool Answers(QueryLevel level, DicomTag tag) => level switch
    {
        QueryLevel.Study => s_study.Contains(tag),
        QueryLevel.Series => s_series.Contains(tag),
        _ => s_instance.Contains(tag),
    };
}
