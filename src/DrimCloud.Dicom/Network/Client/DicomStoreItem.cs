namespace DrimCloud.Dicom.Network;

/// <summary>
/// One instance to send by C-STORE: its identity, the transfer syntax its bytes are in, and a way to open those
/// bytes (the dataset only, without Part 10 preamble or meta) as a stream. Nothing is read until it is sent.
/// </summary>
public sealed class DicomStoreItem
{
    private readonly Func<CancellationToken, ValueTask<(Stream Stream, long? Length)>> _open;

    private DicomStoreItem(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string? sourcePath,
        Func<CancellationToken, ValueTask<(Stream, long?)>> open)
    {
        SopClassUid = sopClassUid;
        SopInstanceUid = sopInstanceUid;
        TransferSyntaxUid = transferSyntaxUid;
        SourcePath = sourcePath;
        _open = open;
    }

    public string SopClassUid { get; }

    public string SopInstanceUid { get; }

    public string TransferSyntaxUid { get; }

    /// <summary>The file it comes from, when it comes from a file.</summary>
    public string? SourcePath { get; }

    /// <summary>
    /// Describes a Part 10 file from its meta information (read now); the dataset bytes are streamed from the
    /// file when sent, exactly as stored.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a Part 10 file, or its meta information is incomplete.</exception>
    public static DicomStoreItem FromFile(string path)
    {
        Part10Header header;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
            header = Part10Header.TryRead(stream) ?? throw new InvalidDataException($"{path}: not a DICOM Part 10 file (no preamble and DICM prefix).");
        return new DicomStoreItem(header.SopClassUid, header.SopInstanceUid, header.TransferSyntaxUid, path, _ =>
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            try
            {
                var length = stream.Length - header.DatasetOffset;
                if (length < 0)
                    throw new InvalidDataException($"{path}: the file changed since it was read.");
                stream.Position = header.DatasetOffset;
                return ValueTask.FromResult<(Stream, long?)>((stream, length));
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        });
    }

    /// <summary>
    /// An instance whose encoded dataset comes from a stream opened on demand (e.g. a blob). When
    /// <paramref name="length"/> is given, exactly that many bytes are sent.
    /// </summary>
    public static DicomStoreItem FromStream(string sopClassUid, string sopInstanceUid, string transferSyntaxUid,
        Func<CancellationToken, ValueTask<Stream>> openDataset, long? length = null) =>
        new(sopClassUid, sopInstanceUid, transferSyntaxUid, null, async cancellationToken => (await openDataset(cancellationToken), length));

    /// <summary>An instance whose encoded dataset is in memory.</summary>
    public static DicomStoreItem FromBytes(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, ReadOnlyMemory<byte> dataset) =>
        new(sopClassUid, sopInstanceUid, transferSyntaxUid, null, _ => ValueTask.FromResult<(Stream, long?)>((new ReadOnlyMemoryStream(dataset), dataset.Length)));

    internal ValueTask<(Stream Stream, long? Length)> OpenAsync(CancellationToken cancellationToken) => _open(cancellationToken);

    public override string ToString() => SourcePath ?? SopInstanceUid;

    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, data.Length - _position);
            data.Span.Slice(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
