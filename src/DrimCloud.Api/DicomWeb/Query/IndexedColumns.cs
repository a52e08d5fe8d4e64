using System.Linq.Expressions;
using DrimCloud.Dicom;
using InstanceEntity = DrimCloud.Domain.Imaging.Instance;
using SeriesEntity = DrimCloud.Domain.Imaging.Series;
using StudyEntity = DrimCloud.Domain.Imaging.Study;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>How an index column holds its attribute, which decides how a value is matched against it in SQL.</summary>
public enum ColumnKind
{
    /// <summary>Case-sensitive text: exact, list or wildcard matching.</summary>
    Text,
    Uid,
    Date,
    Time,

    /// <summary>A person name held raw, in the DICOM "Family^Given" form.</summary>
    RawName,

    /// <summary>A person name folded for search (upper case, no accents, components separated by spaces).</summary>
    FoldedName,

    /// <summary>Several code values joined by backslashes (ModalitiesInStudy): a key matches if any value matches.</summary>
    Codes,
    Integer,
}

/// <summary>An attribute the index holds in a column of the level's table: matched in SQL, returned without JSON.</summary>
public sealed record IndexedColumn(DicomTag Tag, ColumnKind Kind, LambdaExpression Column);

/// <summary>
/// The attributes the index holds as columns, per level. Keys on these are matched in SQL with the tenant's indexes;
/// other attributes are matched against the stored DICOM JSON of their level (slower, but any attribute works).
/// </summary>
public static class IndexedColumns
{
    public static readonly IReadOnlyDictionary<DicomTag, IndexedColumn> Study = Catalog(
        Text<StudyEntity>(DicomTags.StudyInstanceUID, ColumnKind.Uid, s => s.StudyInstanceUid),
        Text<StudyEntity>(DicomTags.StudyDate, ColumnKind.Date, s => s.StudyDate),
        Text<StudyEntity>(DicomTags.StudyTime, ColumnKind.Time, s => s.StudyTime),
        Text<StudyEntity>(DicomTags.AccessionNumber, ColumnKind.Text, s => s.AccessionNumber),
        Text<StudyEntity>(DicomTags.ModalitiesInStudy, ColumnKind.Codes, s => s.ModalitiesInStudy),
        Text<StudyEntity>(DicomTags.ReferringPhysicianName, ColumnKind.RawName, s => s.ReferringPhysicianName),
        Text<StudyEntity>(DicomTags.StudyDescription, ColumnKind.Text, s => s.StudyDescription),
        Text<StudyEntity>(DicomTags.PatientName, ColumnKind.FoldedName, s => s.PatientNameSearch),
        Text<StudyEntity>(DicomTags.PatientID, ColumnKind.Text, s => s.DicomPatientId),
        Text<StudyEntity>(DicomTags.PatientBirthDate, ColumnKind.Date, s => s.PatientBirthDate),
        Text<StudyEntity>(DicomTags.PatientSex, ColumnKind.Text, s => s.PatientSex),
        Text<StudyEntity>(DicomTags.StudyID, ColumnKind.Text, s => s.StudyId),
        Number<StudyEntity>(DicomTags.NumberOfStudyRelatedSeries, s => s.NumberOfSeries),
        Number<StudyEntity>(DicomTags.NumberOfStudyRelatedInstances, s => s.NumberOfInstances));

    public static readonly IReadOnlyDictionary<DicomTag, IndexedColumn> Series = Catalog(
        Text<SeriesEntity>(DicomTags.SeriesInstanceUID, ColumnKind.Uid, s => s.SeriesInstanceUid),
        Text<SeriesEntity>(DicomTags.Modality, ColumnKind.Text, s => s.Modality),
        Number<SeriesEntity>(DicomTags.SeriesNumber, s => s.SeriesNumber),
        Text<SeriesEntity>(DicomTags.SeriesDescription, ColumnKind.Text, s => s.SeriesDescription),
        Text<SeriesEntity>(DicomTags.BodyPartExamined, ColumnKind.Text, s => s.BodyPartExamined),
        Text<SeriesEntity>(DicomTags.SeriesDate, ColumnKind.Date, s => s.SeriesDate),
        Text<SeriesEntity>(DicomTags.PerformedProcedureStepStartDate, ColumnKind.Date, s => s.PerformedProcedureStepStartDate),
        Text<SeriesEntity>(DicomTags.PerformedProcedureStepStartTime, ColumnKind.Time, s => s.PerformedProcedureStepStartTime),
        Number<SeriesEntity>(DicomTags.NumberOfSeriesRelatedInstances, s => s.NumberOfInstances));

    public static readonly IReadOnlyDictionary<DicomTag, IndexedColumn> Instance = Catalog(
        Text<InstanceEntity>(DicomTags.SOPInstanceUID, ColumnKind.Uid, i => i.SopInstanceUid),
        Text<InstanceEntity>(DicomTags.SOPClassUID, ColumnKind.Uid, i => i.SopClassUid),
        Number<InstanceEntity>(DicomTags.InstanceNumber, i => i.InstanceNumber),
        Number<InstanceEntity>(DicomTags.NumberOfFrames, i => i.NumberOfFrames),
        Number<InstanceEntity>(DicomTags.Rows, i => i.Rows),
        Number<InstanceEntity>(DicomTags.Columns, i => i.Columns),
        Number<InstanceEntity>(DicomTags.BitsAllocated, i => i.BitsAllocated));

    public static IReadOnlyDictionary<DicomTag, IndexedColumn> At(QueryLevel level) => level switch
    {
        QueryLevel.Study => Study,
        QueryLevel.Series => Series,
        _ => Instance,
    };

    private static IndexedColumn Text<T>(DicomTag tag, ColumnKind kind, Expression<Func<T, string?>> column) => new(tag, kind, column);

    private static IndexedColumn Number<T>(DicomTag tag, Expression<Func<T, int?>> column) => new(tag, ColumnKind.Integer, column);

    private static Dictionary<DicomTag, IndexedColumn> Catalog(params IndexedColumn[] columns) => columns.ToDictionary(c => c.Tag);
}

/// <summary>Which level an attribute belongs to: the index's columns first, then the level lists STOW stores JSON by.</summary>
public static class AttributeLevels
{
    public static QueryLevel Of(DicomTag tag)
    {
        if (IndexedColumns.Study.ContainsKey(tag)) return QueryLevel.Study;
        if (IndexedColumns.Series.ContainsKey(tag)) return QueryLevel.Series;
        if (IndexedColumns.Instance.ContainsKey(tag)) return QueryLevel.Instance;
        var key = tag.ToJsonKey();
        if (Store.LevelAttributes.IsStudyLevel(key)) return QueryLevel.Study;
        return Store.LevelAttributes.IsSeriesLevel(key) ? QueryLevel.Series : QueryLevel.Instance;
    }
}
