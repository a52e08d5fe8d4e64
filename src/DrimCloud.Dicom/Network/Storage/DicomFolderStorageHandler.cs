namespace DrimCloud.Dicom.Network;

/// <summary>Options of <see cref="DicomFolderStorageHandler"/>.</summary>
public sealed class DicomFolderStorageOptions
{
    /// <summary>Flush each file to disk before answering success, so an acknowledged instance survives a crash.</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>A second copy of an instance replaces the first; otherwise the first is kept (and success answered).</summary>
    public bool Overwrite { get; init; } = true;
}

/// <summary>A file written by <see cref="DicomFolderStorageHandler"/>.</summary>
public sealed record DicomStoredFile(string Path, DicomStoreRequest Request, long DataSetLength);

/// <summary>
/// Storage handler that writes each instance as a Part 10 file named after its SOP Instance UID. The dataset is
/// copied to a temporary file as PDVs arrive (a 1 GB instance never sits in memory), then flushed and renamed
/// into place: a file with the final name is always complete. A transfer that breaks leaves nothing behind.
/// </summary>
public sealed class DicomFolderStorageHandler : IDicomStorageHandler
{
    private const int CopyBufferSize = 256 * 1024;
    private readonly string _folder;
    private readonly string _incoming;
    private readonly DicomFolderStorageOptions _options;
    private long _instances;
    private long _bytes;

    public DicomFolderStorageHandler(string folder, DicomFolderStorageOptions? options = null)
    {
        _folder = Path.GetFullPath(folder);
        _incoming = Path.Combine(_folder, ".incoming");
        _options = options ?? new DicomFolderStorageOptions();
        Directory.CreateDirectory(_incoming);
    }

    /// <summary>Raised after each file is in place (from the association's task: keep it short).</summary>
    public event Action<DicomStoredFile>? Stored;

    public long InstancesStored => Interlocked.Read(ref _instances);

    public long BytesStored => Interlocked.Read(ref _bytes);

    public string PathFor(string sopInstanceUid) => Path.Combine(_folder, sopInstanceUid + ".dcm");

    public async ValueTask<DimseOutcome> StoreAsync(DicomStoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        // The UID becomes a file name: only digits and dots (so never "../x" or "/etc"). Real instances break the
        // finer UID rules (leading zeros, over-long UIDs), and peers store them anyway, so those are accepted.
        if (!IsSafeFileName(request.SopInstanceUid))
            return new DimseOutcome(DimseStatus.CannotUnderstand, "SOP Instance UID is not digits and dots");

        var finalPath = PathFor(request.SopInstanceUid);
        var tempPath = Path.Combine(_incoming, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            long length;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                await file.WriteAsync(Part10Meta.Build(request), cancellationToken);
                var metaLength = file.Position;
                await dataSet.CopyToAsync(file, CopyBufferSize, cancellationToken);
                length = file.Position - metaLength;
                if (_options.Fsync)
                    file.Flush(flushToDisk: true);
            }

            if (!_options.Overwrite && File.Exists(finalPath))
            {
                File.Delete(tempPath);
                return DimseOutcome.Success;
            }
            File.Move(tempPath, finalPath, overwrite: true);
            Interlocked.Increment(ref _instances);
            Interlocked.Add(ref _bytes, length);
            Stored?.Invoke(new DicomStoredFile(finalPath, request, length));
            return DimseOutcome.Success;
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    private static bool IsSafeFileName(string uid) =>
        uid.Length is > 0 and <= 128 && uid[0] != '.' && uid.All(c => char.IsAsciiDigit(c) || c == '.');

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left in .incoming, never under a final name.
        }
    }
}
