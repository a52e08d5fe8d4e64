using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// Which attributes each result carries (PS3.18 §10.6.3.3): the target level's required attributes, those of the
/// levels above it when the resource is not scoped to one study or series (/series, /instances, /studies/{s}/instances),
/// plus every attribute named by a key or an includefield at the target level or above. Lower levels are never
/// returned. From this follows which stored JSON must be read: none when the index columns answer everything.
/// </summary>
public sealed class ReturnPlan
{
    private readonly Dictionary<QueryLevel, HashSet<DicomTag>> _requested = new()
    {
        [QueryLevel.Study] = [], [QueryLevel.Series] = [], [QueryLevel.Instance] = [],
    };

    private ReturnPlan(QidoQuery query)
    {
        Target = query.Target;
        All = query.IncludeAll;
        StudyRequired = query.Target == QueryLevel.Study || query.StudyUid is null;
        SeriesRequired = query.Target == QueryLevel.Series || (query.Target == QueryLevel.Instance && query.SeriesUid is null);
        foreach (var tag in query.IncludeFields.Concat(query.Keys.Select(k => k.Path.Top)))
        {
            var level = AttributeLevels.Of(tag);
            if (level <= Target) _requested[level].Add(tag);
        }
        Needs = new JsonNeeds(NeedsJson(QueryLevel.Study), NeedsJson(QueryLevel.Series), NeedsJson(QueryLevel.Instance));
    }

    public QueryLevel Target { get; }

    /// <summary>includefield=all: every stored attribute of the target level.</summary>
    public bool All { get; }

    public bool StudyRequired { get; }

    public bool SeriesRequired { get; }

    /// <summary>The stored JSON the output needs (matching may need more: see <see cref="QueryExecutor"/>).</summary>
    public JsonNeeds Needs { get; }

    public static ReturnPlan For(QidoQuery query) => new(query);

    /// <summary>Attributes of <paramref name="level"/> named by a key or an includefield.</summary>
    public IReadOnlySet<DicomTag> Requested(QueryLevel level) => _requested[level];

    private bool NeedsJson(QueryLevel level) =>
        level <= Target && ((All && level == Target) || _requested[level].Any(tag => !ResultColumns.Answers(level, tag)));
}
