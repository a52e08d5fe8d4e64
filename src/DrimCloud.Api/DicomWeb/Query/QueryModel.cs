using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>The information-model levels of QIDO-RS, top to bottom (patients are part of studies: study root).</summary>
public enum QueryLevel
{
    Study = 0,
    Series = 1,
    Instance = 2,
}

/// <summary>An attribute named in a query: one tag, or a path through sequences ("00101002.00100020").</summary>
public sealed record AttributePath(IReadOnlyList<DicomTag> Tags)
{
    public DicomTag Top => Tags[0];

    public DicomTag Leaf => Tags[^1];

    public bool IsNested => Tags.Count > 1;

    public override string ToString() => string.Join('.', Tags.Select(t => t.ToJsonKey()));
}

/// <summary>How a value of a query key matches stored values (PS3.4 C.2.2.2).</summary>
public abstract record Matcher;

/// <summary>An empty value or a lone "*": every entity matches, and the attribute is returned.</summary>
public sealed record UniversalMatch : Matcher;

public sealed record SingleValueMatch(string Value) : Matcher;

/// <summary>Any of several values: UID lists, and code lists such as ModalitiesInStudy=CT\MR.</summary>
public sealed record ListMatch(IReadOnlyList<string> Values) : Matcher;

/// <summary>A value with "*" (any run of characters) or "?" (one character); every other character is literal.</summary>
public sealed record WildcardMatch(string Pattern) : Matcher;

/// <summary>
/// An inclusive range of DA, TM or DT values, open on a side when that bound is null. Bounds are stored values'
/// text form, so they compare as strings: an upper time bound is padded to the end of its precision
/// ("1030" becomes "103059.999999") so that 10:30:42 is inside "-1030".
/// </summary>
public sealed record RangeMatch(string? Lower, string? Upper) : Matcher;

/// <summary>fuzzymatching=true on a person name: every word must start one of the name's components.</summary>
public sealed record FuzzyNameMatch(IReadOnlyList<string> Words) : Matcher;

/// <summary>One attribute/value pair of the query, resolved against the dictionary.</summary>
public sealed record MatchKey(string Parameter, AttributePath Path, DicomVR VR, QueryLevel Level, Matcher Matcher);

/// <summary>A parsed QIDO-RS request: target resource, matching keys, return keys and paging.</summary>
public sealed record QidoQuery
{
    public required QueryLevel Target { get; init; }

    /// <summary>The {study} of /studies/{study}/series|instances.</summary>
    public string? StudyUid { get; init; }

    /// <summary>The {series} of /studies/{study}/series/{series}/instances.</summary>
    public string? SeriesUid { get; init; }

    public IReadOnlyList<MatchKey> Keys { get; init; } = [];

    /// <summary>includefield=all: every available attribute of the target level.</summary>
    public bool IncludeAll { get; init; }

    /// <summary>Top-level tags named by includefield (a sequence path includes its whole top-level sequence).</summary>
    public IReadOnlyList<DicomTag> IncludeFields { get; init; } = [];

    public bool FuzzyMatching { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; }

    /// <summary>Texts of the Warning headers the response carries (parameters accepted but not acted on).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A query parameter the server refuses: the response is 400 with a problem naming <see cref="Parameter"/>.</summary>
public sealed class QueryParameterException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}
