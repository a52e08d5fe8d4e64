namespace DrimCloud.Dicom.Multipart;

/// <summary>Limits and buffer size of a <see cref="MultipartReader"/>.</summary>
public sealed class MultipartReaderOptions
{
    /// <summary>Read buffer; part bodies stream through it, so it bounds the reader's memory.</summary>
    public int BufferSize { get; init; } = 64 * 1024;

    /// <summary>Largest header section of one part (all its header lines together).</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>Most headers in one part.</summary>
    public int MaxHeaderCount { get; init; } = 64;

    /// <summary>Largest preamble skipped before the first boundary (a body that never shows one is rejected).</summary>
    public long MaxPreambleBytes { get; init; } = 1024 * 1024;

    internal static MultipartReaderOptions Default { get; } = new();
}
