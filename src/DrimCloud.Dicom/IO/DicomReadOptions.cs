namespace DrimCloud.Dicom;

/// <summary>What to do with values at or above <see cref="DicomReadOptions.LargeValueThreshold"/>.</summary>
public enum LargeValueMode
{
    /// <summary>Leave them in the source and read them when asked (seekable sources); non-seekable sources load them.</summary>
    LeaveInSource,

    /// <summary>Always copy them into memory.</summary>
    Load,

    /// <summary>Read past them without keeping them (only their offsets and lengths are recorded). For a non-seekable
    /// stream whose bytes are being stored elsewhere at the same time, e.g. to index pixel-data fragments.</summary>
    Skip,
}

/// <summary>How <see cref="DicomFile"/> reads a source.</summary>
public sealed record DicomReadOptions
{
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Stop in front of the first top-level element whose tag is at or above this one (e.g. Pixel Data), without reading it.</summary>
    public DicomTag? StopBeforeTag { get; init; }

    /// <summary>Values of at least this many bytes are "large" (see <see cref="LargeValues"/>). Default 64 KiB.</summary>
    public int LargeValueThreshold { get; init; } = 64 * 1024;

    public LargeValueMode LargeValues { get; init; } = LargeValueMode.LeaveInSource;

    /// <summary>Deepest sequence nesting accepted (a guard against nesting bombs). Default 64.</summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>For <see cref="DicomFile.Read(Stream, DicomReadOptions?)"/>: leave the stream open when the file is disposed.
    /// Lazy values keep reading from the stream, so it must stay open as long as the file is used.</summary>
    public bool LeaveOpen { get; init; }
}
