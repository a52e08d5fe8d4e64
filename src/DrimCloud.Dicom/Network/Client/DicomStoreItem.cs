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
    /// Describes a DICOM file from its header (read now by the core reader, which stops right after the SOP
    /// Instance UID); the dataset bytes are streamed from the file when sent, exactly as stored. The SOP class and
    /// instance come from the dataset (0008,0016/0018), as DCMTK does, falling back to the file meta information;
    /// files without meta information are read as the core reads them.
    /// </summary>
    /// <exception cref="InvalidDataException">Not readable as DICOM, or without SOP class or instance UID.</exception>
    public static DicomStoreItem FromFile(string path)
    {
        string? sopClass, sopInstance;
        string transferSyntax;
        long datasetOffset;
        try
        {
            using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = new DicomTag(0x0008, 0x0019) });
            sopClass = NonEmpty(file.Dataset.GetUid(DicomTags.SOPClassUID)) ?? NonEmpty(file.Meta.GetUid(new DicomTag(0x0002, 0x0002)));
            sopInstance = NonEmpty(file.Dataset.GetUid(DicomTags.SOPInstanceUID)) ?? NonEmpty(file.Meta.GetUid(new DicomTag(0x0002, 0x0003)));
            transferSyntax = file.TransferSyntax.Uid;
            datasetOffset = file.DatasetOffset;
        }
        catch (DicomFormatException e)
        {
            throw new InvalidDataException($"{path}: not readable as DICOM ({e.Message}).", e);
        }
        if (sopClass is null || sopInstance is null)
            throw new InvalidDataException($"{path}: no SOP Class UID or SOP Instance UID, not a storable instance.");

        return new DicomStoreItem(sopClass, sopInstance, transferSyntax, path, _ =>
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            try
            {
                var length = stream.Length - datasetOffset;
                if (length < 0)
                    throw new InvalidDataException($"{path}: the file changed since it was read.");
                stream.Position = datasetOffset;
                return ValueTask.FromResult<(Stream, long?)>((stream, length));
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        });
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.TrimEnd('\0', ' ');

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
