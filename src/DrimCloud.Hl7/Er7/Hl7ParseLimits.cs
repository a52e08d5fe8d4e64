namespace DrimCloud.Hl7.Er7;

/// <summary>Bounds that keep a hostile or broken message from costing more than it should.</summary>
public sealed record Hl7ParseLimits
{
    public static readonly Hl7ParseLimits Default = new();

    /// <summary>Largest message accepted, in bytes (a report with its CDA and PDF is typically well under 5 MB).</summary>
    public int MaxMessageBytes { get; init; } = 32 * 1024 * 1024;

    public int MaxSegments { get; init; } = 10_000;

    public int MaxFieldsPerSegment { get; init; } = 500;

    /// <summary>Character set assumed when MSH-18 is empty (the standard says ASCII; French senders mostly mean UTF-8).</summary>
    public string DefaultCharset { get; init; } = Hl7Charsets.Utf8;
}
