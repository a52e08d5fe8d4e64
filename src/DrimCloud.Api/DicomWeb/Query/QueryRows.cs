using System.IO.Compression;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using DrimCloud.Domain.Imaging;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>What a study match reads from the index: its columns, and its stored attributes only when needed.</summary>
public sealed class StudyRow
{
    private JsonElement? _attributes;

    public Guid Id { get; init; }
    public string StudyInstanceUid { get; init; } = "";
    public string? StudyDate { get; init; }
    public string? StudyTime { get; init; }
    public string? AccessionNumber { get; init; }
    public string? ModalitiesInStudy { get; init; }
    public string? ReferringPhysicianName { get; init; }
    public string? StudyDescription { get; init; }
    public string? PatientName { get; init; }
    public string? PatientId { get; init; }
    public string? PatientBirthDate { get; init; }
    public string? PatientSex { get; init; }
    public string? StudyId { get; init; }
    public int NumberOfSeries { get; init; }
    public int NumberOfInstances { get; init; }

    /// <summary>Study.StudyAttributesJson, loaded only when a key or includefield needs an attribute the columns lack.</summary>
    public string? Json { get; init; }

    public JsonElement? Attributes => Json is null ? null : _attributes ??= JsonSerializer.Deserialize<JsonElement>(Json);
}

public sealed class SeriesRow
{
    private JsonElement? _attributes;

    public Guid Id { get; init; }
    public string SeriesInstanceUid { get; init; } = "";
    public string? Modality { get; init; }
    public int? SeriesNumber { get; init; }
    public string? SeriesDescription { get; init; }
    public string? BodyPartExamined { get; init; }
    public string? SeriesDate { get; init; }
    public string? PerformedProcedureStepStartDate { get; init; }
    public string? PerformedProcedureStepStartTime { get; init; }
    public int NumberOfInstances { get; init; }
    public string? Json { get; init; }
    public StudyRow Study { get; init; } = null!;

    public JsonElement? Attributes => Json is null ? null : _attributes ??= JsonSerializer.Deserialize<JsonElement>(Json);
}

public sealed class InstanceRow
{
    private JsonElement? _metadata;

    public Guid Id { get; init; }
    public string SopInstanceUid { get; init; } = "";
    public string SopClassUid { get; init; } = "";
    public int? InstanceNumber { get; init; }
    public int? NumberOfFrames { get; init; }
    public int? Rows { get; init; }
    public int? Columns { get; init; }
    public int? BitsAllocated { get; init; }

    /// <summary>The instance's full DICOM JSON, gzip-compressed as stored at ingest.</summary>
    public byte[]? MetadataGz { get; init; }
    public SeriesRow Series { get; init; } = null!;

    public JsonElement? Metadata => MetadataGz is null ? null : _metadata ??= Decompress(MetadataGz);

    private static JsonElement Decompress(byte[] gzip)
    {
        using var stream = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<JsonElement>(stream);
    }
}

/// <summary>Which stored JSON a query must read, per level: the columns answer everything else.</summary>
public readonly record struct JsonNeeds(bool Study, bool Series, bool Instance);

/// <summary>
/// The projections of the three levels (each row carries the rows of its parents, joined on their keys). The JSON
/// and metadata columns are bound in the expressions but dropped unless needed, so a plain search never reads them.
/// </summary>
public static class QueryRows
{
    private static readonly Expression<Func<Study, StudyRow>> s_study = s => new StudyRow
    {
        Id = s.Id,
        StudyInstanceUid = s.StudyInstanceUid,
        StudyDate = s.StudyDate,
        StudyTime = s.StudyTime,
        AccessionNumber = s.AccessionNumber,
        ModalitiesInStudy = s.ModalitiesInStudy,
        ReferringPhysicianName = s.ReferringPhysicianName,
        StudyDescription = s.StudyDescription,
        PatientName = s.PatientName,
        PatientId = s.DicomPatientId,
        PatientBirthDate = s.PatientBirthDate,
        PatientSex = s.PatientSex,
        StudyId = s.StudyId,
        NumberOfSeries = s.NumberOfSeries,
        NumberOfInstances = s.NumberOfInstances,
        Json = s.StudyAttributesJson,
    };

    private static readonly Expression<Func<Series, SeriesRow>> s_series = WithParent<Series, SeriesRow, Study, StudyRow>(se => new SeriesRow
    {
        Id = se.Id,
        SeriesInstanceUid = se.SeriesInstanceUid,
        Modality = se.Modality,
        SeriesNumber = se.SeriesNumber,
        SeriesDescription = se.SeriesDescription,
        BodyPartExamined = se.BodyPartExamined,
        SeriesDate = se.SeriesDate,
        PerformedProcedureStepStartDate = se.PerformedProcedureStepStartDate,
        PerformedProcedureStepStartTime = se.PerformedProcedureStepStartTime,
        NumberOfInstances = se.NumberOfInstances,
        Json = se.SeriesAttributesJson,
    }, se => se.Study!, s_study, nameof(SeriesRow.Study));

    private static readonly Expression<Func<Instance, InstanceRow>> s_instance = WithParent<Instance, InstanceRow, Series, SeriesRow>(i => new InstanceRow
    {
        Id = i.Id,
        SopInstanceUid = i.SopInstanceUid,
        SopClassUid = i.SopClassUid,
        InstanceNumber = i.InstanceNumber,
        NumberOfFrames = i.NumberOfFrames,
        Rows = i.Rows,
        Columns = i.Columns,
        BitsAllocated = i.BitsAllocated,
        MetadataGz = i.MetadataGz,
    }, i => i.Series!, s_series, nameof(InstanceRow.Series));

    public static Expression<Func<Study, StudyRow>> ForStudies(JsonNeeds needs) => Drop(s_study, needs);

    public static Expression<Func<Series, SeriesRow>> ForSeries(JsonNeeds needs) => Drop(s_series, needs);

    public static Expression<Func<Instance, InstanceRow>> ForInstances(JsonNeeds needs) => Drop(s_instance, needs);

    // own + { Parent = parentProjection(navigation(row)) }
    private static Expression<Func<T, TRow>> WithParent<T, TRow, TParent, TParentRow>(Expression<Func<T, TRow>> own,
        Expression<Func<T, TParent>> navigation, Expression<Func<TParent, TParentRow>> parent, string member)
    {
        var row = own.Parameters[0];
        var parentValue = QueryFilters.Replace(parent.Body, parent.Parameters[0], QueryFilters.Replace(navigation.Body, navigation.Parameters[0], row));
        var init = (MemberInitExpression)own.Body;
        var binding = Expression.Bind(typeof(TRow).GetProperty(member)!, parentValue);
        return Expression.Lambda<Func<T, TRow>>(Expression.MemberInit(init.NewExpression, init.Bindings.Append(binding)), row);
    }

    private static Expression<Func<T, TRow>> Drop<T, TRow>(Expression<Func<T, TRow>> projection, JsonNeeds needs)
    {
        var dropped = new HashSet<MemberInfo>();
        if (!needs.Study) dropped.Add(typeof(StudyRow).GetProperty(nameof(StudyRow.Json))!);
        if (!needs.Series) dropped.Add(typeof(SeriesRow).GetProperty(nameof(SeriesRow.Json))!);
        if (!needs.Instance) dropped.Add(typeof(InstanceRow).GetProperty(nameof(InstanceRow.MetadataGz))!);
        return (Expression<Func<T, TRow>>)new BindingDropper(dropped).Visit(projection);
    }

    private sealed class BindingDropper(HashSet<MemberInfo> dropped) : ExpressionVisitor
    {
        protected override Expression VisitMemberInit(MemberInitExpression node)
        {
            var bindings = node.Bindings.Where(b => !dropped.Contains(b.Member)).Select(b => b is MemberAssignment a ? a.Update(Visit(a.Expression)) : b);
            return node.Update(node.NewExpression, bindings);
        }
    }
}
