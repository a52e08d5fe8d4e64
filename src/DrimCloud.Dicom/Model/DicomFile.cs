namespace DrimCloud.Dicom;

/// <summary>
/// A DICOM Part 10 file (or a bare data set): preamble, file meta information and data set.
/// Read with <see cref="Open"/> (a path: large values stay in the file), <see cref="Read(Stream, DicomReadOptions?)"/>
/// or <see cref="ReadAsync"/> (any stream, seekable or not). Dispose it to release the pooled buffers and the file.
/// </summary>
public sealed class DicomFile : IDisposable
{
    private readonly DicomBuffer? _buffer;
    private readonly bool _hasPreamble;
    private readonly ReadOnlyMemory<byte> _bytesPastStop;

    /// <summary>A new file for a dataset built in memory; the meta information is generated when it is written.</summary>
    public DicomFile(DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
    {
        Dataset = dataset;
        Meta = new DicomDataset();
        TransferSyntax = transferSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian;
        StopOffset = -1;
    }

    private DicomFile(DicomParser parser, DicomValueSource? source)
    {
        _buffer = parser.Buffer;
        _hasPreamble = parser.HasPreamble;
        Meta = parser.Meta ?? new DicomDataset();
        Dataset = parser.Dataset ?? new DicomDataset(null, false, parser.Buffer);
        TransferSyntax = parser.TransferSyntax;
        TransferSyntaxMismatch = parser.TransferSyntaxMismatch;
        DatasetOffset = parser.DatasetOffset;
        StoppedBeforeTag = parser.Stopped;
        StopOffset = parser.StopOffset;
        _bytesPastStop = parser.BytesPastStop;
        SourceLength = parser.SourceLength;
        TrailingPaddingOffset = parser.TrailingPaddingOffset;
        TrailingPaddingLength = parser.TrailingPaddingLength;
        TrailingPaddingBufferOffset = parser.TrailingPaddingBufferOffset;
        Dataset.TakeOwnership(source);
        HasValueSource = source is not null;
    }

    public DicomDataset Meta { get; }

    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the data set was read in (from the meta, or detected for a bare data set).</summary>
    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>True when the meta announced explicit VR but the data set turned out to be implicit VR.</summary>
    public bool TransferSyntaxMismatch { get; }

    /// <summary>True if the source had the 128-byte preamble and "DICM".</summary>
    public bool HasPreamble => _hasPreamble;

    /// <summary>The 128-byte preamble as read (empty when there was none).</summary>
    public ReadOnlySpan<byte> Preamble => _hasPreamble && _buffer is not null ? _buffer.Data.AsSpan(0, 128) : [];

    /// <summary>Offset of the data set's first byte in the source (after the meta information).</summary>
    public long DatasetOffset { get; }

    /// <summary>True when reading stopped in front of <see cref="DicomReadOptions.StopBeforeTag"/>.</summary>
    public bool StoppedBeforeTag { get; }

    /// <summary>Offset in the data set's coordinates of the element reading stopped in front of; -1 if it did not stop.</summary>
    public long StopOffset { get; }

    /// <summary>Bytes the reader had already taken from a stream past the stop point (to be sent on with the rest of the stream).</summary>
    public ReadOnlyMemory<byte> BytesReadPastStop => _bytesPastStop;

    /// <summary>Zero bytes found after the last element (some writers pad files); 0 when none. Written back unchanged
    /// when the file is saved in its own transfer syntax.</summary>
    public long TrailingPaddingLength { get; }

    /// <summary>Offset of the trailing padding in the data set's coordinates, -1 when none.</summary>
    public long TrailingPaddingOffset { get; }

    internal int TrailingPaddingBufferOffset { get; }

    internal long SourceLength { get; }

    /// <summary>False for non-seekable sources: every value is then in memory (or was skipped).</summary>
    public bool HasValueSource { get; }

    /// <summary>Reads a file. Values at or above the large-value threshold stay in the file and are read when asked.</summary>
    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            var parser = new DicomParser(stream, options ?? DicomReadOptions.Default);
            parser.Run();
            return Complete(parser, ownsStream: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads from any stream. A seekable stream stays in use for lazy values (see <see cref="DicomReadOptions.LeaveOpen"/>).</summary>
    public static DicomFile Read(Stream stream, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        var parser = new DicomParser(stream, options);
        parser.Run();
        return Complete(parser, ownsStream: !options.LeaveOpen);
    }

    public static async ValueTask<DicomFile> ReadAsync(Stream stream, DicomReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DicomReadOptions.Default;
        var parser = new DicomParser(stream, options);
        await parser.RunAsync(cancellationToken);
        return Complete(parser, ownsStream: !options.LeaveOpen);
    }

    private static DicomFile Complete(DicomParser parser, bool ownsStream)
    {
        // A non-seekable stream is never kept (nothing can be read from it later) and never closed: it is the caller's.
        return new DicomFile(parser, parser.CreateValueSource(ownsStream));
    }

    public void Dispose()
    {
        Meta.ReleaseTable();
        Dataset.Dispose();
        _buffer?.Dispose();
    }
}
