using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// The durable on-disk queue between the DICOM SCP and the uploader. Layout under <see cref="Folder"/>:
/// <c>journal.log</c> (records, preallocated: <see cref="SpoolJournal"/>), <c>objects/{id}.dcm</c> (Part 10 files
/// created for instances that found no spare), <c>recycled/{n}.dcm</c> (files of confirmed instances, overwritten
/// in place for new ones: <see cref="SpoolFilePool"/>; a spare holding a pending instance is named by its
/// "A" record), <c>failed/{id}.dcm</c> and <c>failed/{id}.txt</c> (quarantine: what the cloud refused for good, with
/// the reason).
/// <para>
/// An instance counts as spooled once its file's data is durable, its file's name is durable and its "A" record (naming the
/// file) is committed to the journal: only then is C-STORE success answered. A spare's name is durable before it is
/// handed out. Where the file system overwrites in place (ext4, XFS: <see cref="InPlaceOverwrite"/>) and the instance
/// fits in the spare's durable size, its bytes are only written to the device (no flush) and the journal commit's
/// flush makes them durable with the record, which carries their CRC-32C: one device flush per instance. Otherwise
/// the file is fdatasync'd first (<see cref="DataSync"/>): two (file, journal); a file created in objects/ costs three
/// (the folder's fsync runs inside the journal's group commit, only when a new name was created since the last flush). With a spare
/// reserve (the service's), the pool creates empty spares ahead in the background, so objects/ is the exception. On start,
/// the journal is replayed: "A" records without a later "D" (confirmed) or "F" (quarantined) are pending again.
/// Files in objects/ that no pending record names are deleted; those in recycled/ are spares. A spare written in place
/// may be longer than its instance (an earlier one's bytes follow): the record's length is where the instance ends.
/// </para>
/// <para>
/// Crash points (a power loss loses the page cache; a process crash keeps it, which is why <see cref="Open"/> fsyncs
/// both folders before a spare is handed out):
/// <list type="bullet">
/// <item>During the transfer, or between the file's fsync and its "A" record: never acknowledged. A file in objects/
/// is deleted; a spare stays a spare, its content truncated when it is reused.</item>
/// <item>"A" record torn or not flushed: it fails its checksum or is absent, same as above. Records after a torn one
/// belong to the same unfinished flush (every flush covers all earlier records), so none of them was acknowledged.</item>
/// <item>"A" committed: pending again at start, from the file it names (objects/ or recycled/); the pool never hands
/// out a file a pending record names.</item>
/// <item>"A" with a CRC on the disk, the flush that was to cover the instance's bytes not done (the device may keep the
/// record and not the bytes): at start the file's first Length bytes do not match the CRC, so the record is not
/// pending (it was never acknowledged) and the file is a spare again. The size and blocks those bytes went into were
/// durable before (a larger instance takes the fdatasync path; <see cref="Open"/> syncs the file system, since a crash
/// may have left a spare longer in the page cache than on the disk).</item>
/// <item>"D" committed, file not yet recycled (or renamed but not truncated, or truncated but the folders not yet
/// fsync'd): not pending. A file left in objects/ is deleted; one in recycled/ is a spare, truncated when reused.
/// The "D" is committed before the file is recycled, so a spare never holds an instance some record still needs.</item>
/// <item>Quarantine: the move to failed/ is made durable before the "F" record; a pending record whose file is gone
/// but whose id is in failed/ was quarantined (from any folder).</item>
/// <item>Compaction or the rewrite at start: a new journal is written beside the old, fsync'd, renamed over it and
/// the folder fsync'd; either one holds every pending record.</item>
/// </list>
/// </para>
/// </summary>
public sealed class DicomSpool : IDisposable
{
    private const int CopyBufferSize = 128 * 1024;
    private const int MinSharedBatch = 10;
    private static readonly DicomReadOptions HeaderOptions = new() { StopBeforeTag = DicomTag.PixelData, LargeValues = LargeValueMode.Skip, LargeValueThreshold = 16 * 1024 };
    // The same parse over the incoming stream: skipped values are read past (they still reach the file).
    private static readonly DicomReadOptions StreamingHeaderOptions = HeaderOptions with { LeaveOpen = true };

    private readonly string _objects;
    private readonly string _failed;
    // Set when a file was created in objects/: the journal's next flush fsyncs that folder first (see FlushNewNames).
    private int _newNames;
    private long _objectsFolderFlushes;
    private readonly SpoolFilePool _files;
    private readonly SpoolJournal _journal;
    // Spares are overwritten in place with one device flush (the journal's): see SpoolFileSink and the remarks above.
    private bool _journalFlushesSpares;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    // Pending instances per study: those waiting to be sent, oldest first, and how many an upload is sending now.
    // Keyed by id (arrival order): removing one confirmed instance stays cheap with a large backlog. The ones in
    // flight are kept apart, so that TakeBatch, called at every arrival, never walks past the hundreds being sent.
    private readonly Dictionary<string, StudyQueue> _byStudy = new(StringComparer.Ordinal);
    private readonly Dictionary<long, SpoolEntry> _inFlight = [];
    // When each study with pending instances last received one (held batches wait for a pause in its arrivals).
    private readonly Dictionary<string, DateTimeOffset> _newestArrival = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _arrived = new(0, int.MaxValue);
    private long _nextId;
    private int _pending;
    private long _pendingBytes;
    private int _quarantined;
    private long _received;
    private long _confirmed;

    private DicomSpool(string folder, Func<DicomSpool, SpoolJournal> journal, SpoolFilePool files, TimeProvider clock, long nextId)
    {
        _files = files;
        Folder = folder;
        _objects = Path.Combine(folder, "objects");
        _failed = Path.Combine(folder, "failed");
        _journal = journal(this);
        _clock = clock;
        _nextId = nextId;
    }

    public string Folder { get; }

    /// <summary>What recovery found at start, for the log.</summary>
    public SpoolRecoveryReport Recovery { get; private init; } = new(0, 0, 0, 0);

    /// <summary>Empty spare files the service keeps ready (<see cref="SpoolFilePool"/>): a few seconds of intake.</summary>
    public const int DefaultSpareReserve = 64;

    /// <summary>
    /// Opens the spool, replaying its journal (see the class remarks). <paramref name="spareReserve"/>: empty spare
    /// files created ahead in the background so that instances are written in place even when nothing was recycled
    /// (the service passes <see cref="DefaultSpareReserve"/>; 0 creates none, files then come from recycling or objects/).
    /// </summary>
    public static DicomSpool Open(string folder, TimeProvider? clock = null, int spareReserve = 0)
    {
        folder = Path.GetFullPath(folder);
        var objects = Directory.CreateDirectory(Path.Combine(folder, "objects")).FullName;
        var failed = Directory.CreateDirectory(Path.Combine(folder, "failed")).FullName;
        var recycled = Directory.CreateDirectory(Path.Combine(folder, "recycled")).FullName;
        DirectorySync.Flush(folder);
        var journalPath = Path.Combine(folder, "journal.log");

        var records = SpoolJournal.Read(journalPath, out var damaged);
        var pending = new Dictionary<long, JournalRecord>();
        long maxId = 0;
        foreach (var r in records)
        {
            maxId = Math.Max(maxId, r.Id);
            if (r.Kind == 'A') pending[r.Id] = r;
            else pending.Remove(r.Id);
        }

        // The files pending records name, by full path: kept, and never handed out as spares.
        var held = new HashSet<string>(StringComparer.Ordinal);
        var missing = 0;
        var unflushed = 0;
        foreach (var (id, r) in pending.OrderByDescending(p => p.Key).ToList())
        {
            var path = FullPath(folder, r.File);
            // Two pending records never name one file (a file is reused only after its "D"); should it happen, the
            // file holds the newer instance and the older is counted missing.
            if (held.Contains(path))
            {
                missing++;
                pending.Remove(id);
                continue;
            }
            if (File.Exists(path))
            {
                // Written in place and flushed with its record: if the bytes are not the ones the record describes,
                // the power went before that flush, so it was never acknowledged; the file stays a spare.
                if (r.ContentCrc is { } crc && !ContentMatches(path, r.Length, crc))
                {
                    unflushed++;
                    pending.Remove(id);
                    continue;
                }
                held.Add(path);
                continue;
            }
            // Moved to quarantine just before a crash cut its "F" record: it stays there.
            if (!File.Exists(Path.Combine(failed, $"{id}.dcm"))) missing++;
            pending.Remove(id);
        }

        var discarded = 0;
        foreach (var file in Directory.EnumerateFiles(objects))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), System.Globalization.CultureInfo.InvariantCulture, out var id))
                maxId = Math.Max(maxId, id);
            if (held.Contains(file)) continue;
            File.Delete(file);
            discarded++;
        }
        var pool = SpoolFilePool.Open(recycled, objects, held, spareReserve);
        // Names a process crash may have left in the page cache only: durable before anything depends on them (a
        // spare written in place, a pending file, a deletion above).
        DirectorySync.Flush(objects);
        DirectorySync.Flush(recycled);

        // Rewrite the journal with only what is pending: it stays small, and no new record ever follows a torn line.
        SpoolJournal.Rewrite(journalPath, pending.Values.OrderBy(r => r.Id));
        var spool = new DicomSpool(folder, s => SpoolJournal.Open(journalPath, s.FlushNewNames), pool, clock ?? TimeProvider.System, maxId + 1)
        {
            Recovery = new SpoolRecoveryReport(pending.Count, discarded, damaged, missing, unflushed),
            // The spares' sizes and blocks as this process finds them (a crash may have left a longer one in the page
            // cache only) are made durable before the journal's flush is trusted with their content.
            _journalFlushesSpares = InPlaceOverwrite.Supported(folder) && DirectorySync.FlushFileSystem(folder),
        };
        pool.KeepReserve();
        foreach (var r in pending.Values.OrderBy(r => r.Id))
            spool.Enqueue(new SpoolEntry(r.Id, r.StudyUid, r.SopInstanceUid, r.Length, DateTimeOffset.FromUnixTimeMilliseconds(r.ReceivedAtUnixMs), FullPath(folder, r.File)));
        spool._quarantined = Directory.EnumerateFiles(failed, "*.dcm").Count();
        return spool;
    }

    /// <summary>
    /// Streams a received dataset into the spool as a Part 10 file and returns once it is durable. Throws
    /// <see cref="SpoolRefusedException"/> for an instance without the UIDs the cloud needs; any partial file is removed.
    /// </summary>
    public async Task<SpoolEntry> AddAsync(DicomStoreRequest request, Stream dataSet, CancellationToken cancellationToken) =>
        await AddAsync(Part10Meta.Build(request), dataSet, request.SopInstanceUid, cancellationToken);

    public async Task<SpoolEntry> AddAsync(byte[] part10Header, Stream dataSet, string sopInstanceUid, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId) - 1;
        // A spare is written in place (its name is already durable); without one, a new file in objects/.
        SafeFileHandle file;
        string path;
        var inPlace = false;
        if (_files.TryTake() is { } spare)
        {
            (path, file) = spare;
            inPlace = _journalFlushesSpares;
        }
        else
        {
            path = ObjectPath(_objects, id);
            file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
            Volatile.Write(ref _newNames, 1);
        }
        try
        {
            long length;
            string? study;
            uint? contentCrc;
            using (file)
            {
                var sink = new SpoolFileSink(file, journalMayFlush: inPlace);
                // The header is parsed from the bytes on their way to the file, not from the file once written.
                var tee = new TeeReadStream(new PrefixedStream(part10Header, dataSet), sink);
                study = await TryReadStudyUidWhileStreamingAsync(tee, cancellationToken);
                await tee.DrainToSinkAsync(CopyBufferSize, cancellationToken);
                length = sink.Length;
                contentCrc = sink.Persist();
            }
            // A header the streaming parse could not read: the written file decides, exactly as it always did.
            study ??= ReadStudyUid(path, sopInstanceUid);
            study = ValidStudyUid(study, sopInstanceUid);
            var entry = new SpoolEntry(id, study, sopInstanceUid, length, _clock.GetUtcNow(), path);
            // A new name's folder fsync runs inside the journal's group commit, before the journal's own flush. That
            // flush is issued after the commit call, so after the spare's bytes reached the device (Persist): with a
            // CRC, it is what makes them durable.
            await _journal.CommitAsync(new JournalRecord('A', id, entry.ReceivedAt.ToUnixTimeMilliseconds(), length, study, sopInstanceUid,
                File: RelativePath(path), ContentCrc: contentCrc), CancellationToken.None);
            Interlocked.Increment(ref _received);
            Enqueue(entry);
            return entry;
        }
        catch
        {
            // A spare is deleted too, not put back: its "A" record may have reached the disk although the commit failed.
            TryDelete(path);
            throw;
        }
    }

    /// <summary>True when the file's first <paramref name="length"/> bytes have the CRC-32C the "A" record gives.</summary>
    private static bool ContentMatches(string path, long length, uint crc)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        if (RandomAccess.GetLength(handle) < length) return false;
        var buffer = new byte[CopyBufferSize];
        var check = new Crc32C();
        for (long offset = 0; offset < length;)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
            if (read == 0) return false;
            check.Append(buffer.AsSpan(0, read));
            offset += read;
        }
        return check.Value == crc;
    }

    /// <summary>True when spares are written with one device flush (for tests: false where that is not known safe).</summary>
    internal bool JournalFlushesSpares => _journalFlushesSpares;

    /// <summary>The journal's before-flush step: fsync objects/ when a file was created there since the last flush.</summary>
    private void FlushNewNames()
    {
        // Cleared before the fsync: a name created meanwhile sets it again, and its record's own flush comes later.
        if (Interlocked.Exchange(ref _newNames, 0) == 0) return;
        DirectorySync.Flush(_objects);
        Interlocked.Increment(ref _objectsFolderFlushes);
    }

    /// <summary>fsyncs of objects/ made by the journal's commits (for tests: none when spares are written in place).</summary>
    internal long ObjectsFolderFlushes => Interlocked.Read(ref _objectsFolderFlushes);

    /// <summary>Spares ready to be taken now (for tests: a background refill's files exist before they are ready).</summary>
    internal int SparesReady => _files.Ready;

    /// <summary>
    /// The Study Instance UID as the header parser reads it from the stream ("" when the header has none), or null
    /// when the parse failed for a reason other than the transport or the disk (then the file is parsed instead).
    /// </summary>
    private static async Task<string?> TryReadStudyUidWhileStreamingAsync(TeeReadStream tee, CancellationToken cancellationToken)
    {
        try
        {
            using var header = await DicomFile.ReadAsync(tee, StreamingHeaderOptions, cancellationToken);
            return header.Dataset.GetString(DicomTags.StudyInstanceUID) ?? "";
        }
        catch (Exception e) when (e is not (IOException or OperationCanceledException))
        {
            // Malformed for this parse (DicomFormatException or anything unforeseen): not refused here, the file decides.
            return null;
        }
    }

    private static string ReadStudyUid(string path, string sopInstanceUid)
    {
        try
        {
            using var file = DicomFile.Open(path, HeaderOptions);
            return file.Dataset.GetString(DicomTags.StudyInstanceUID) ?? "";
        }
        catch (DicomFormatException e)
        {
            throw new SpoolRefusedException($"Instance {sopInstanceUid} cannot be parsed: {e.Message}");
        }
    }

    private static string ValidStudyUid(string raw, string sopInstanceUid)
    {
        var study = raw.Trim().TrimEnd('\0').Trim();
        if (string.IsNullOrEmpty(study) || study.Length > 64 || !study.All(c => char.IsAsciiDigit(c) || c == '.'))
            throw new SpoolRefusedException($"Instance {sopInstanceUid} has no valid Study Instance UID (0020,000D).");
        return study;
    }

    private void Enqueue(SpoolEntry entry)
    {
        lock (_gate)
        {
            if (!_byStudy.TryGetValue(entry.StudyInstanceUid, out var queue))
                _byStudy[entry.StudyInstanceUid] = queue = new StudyQueue();
            queue.Waiting[entry.Id] = entry;
            if (!_newestArrival.TryGetValue(entry.StudyInstanceUid, out var newest) || entry.ReceivedAt > newest)
                _newestArrival[entry.StudyInstanceUid] = entry.ReceivedAt;
            _pending++;
            _pendingBytes += entry.Length;
        }
        _arrived.Release();
    }

    /// <summary>Waits until something may be ready to send (an arrival, a release, or the timeout).</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        // One signal per arrival: a worker woken with nothing left to take just waits again (cheap), and no
        // arrival can be missed by a worker that was busy when it happened.
        _ = await _arrived.WaitAsync(timeout, cancellationToken);

    /// <summary>Wakes the uploaders (e.g. "send now" from the command channel, or after a back-off).</summary>
    public void Wake() => _arrived.Release();

    /// <summary>
    /// Takes up to the limits of pending instances of one study (the study whose oldest waiting instance is oldest)
    /// that no other upload is sending, and marks them in flight. Null when nothing is waiting.
    /// </summary>
    public IReadOnlyList<SpoolEntry>? TakeBatch(int maxInstances, long maxBytes) =>
        TakeBatch(new BatchLimits(maxInstances, maxBytes, TimeSpan.Zero, TimeSpan.Zero), out _);

    /// <summary>
    /// Like <see cref="TakeBatch(int, long)"/>, but a batch below the limits is held back while its study is still
    /// arriving (an instance of it came in less than <see cref="BatchLimits.Quiet"/> ago), unless its oldest instance
    /// has waited <see cref="BatchLimits.MaxWait"/>. Sent one by one as they arrive, a burst would cost the cloud a
    /// request (token check, database commit) per two or three instances. Null when no batch is ready;
    /// <paramref name="retryIn"/> then says when the next held one will be (or zero when nothing is waiting).
    /// </summary>
    public IReadOnlyList<SpoolEntry>? TakeBatch(BatchLimits limits, out TimeSpan retryIn)
    {
        retryIn = TimeSpan.Zero;
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            var candidates = new List<(SpoolEntry First, StudyQueue Queue, string Study)>();
            foreach (var (study, queue) in _byStudy)
            {
                if (queue.FirstWaiting() is { } first) candidates.Add((first, queue, study));
            }
            DateTimeOffset? nextReady = null;
            foreach (var (first, queue, study) in candidates.OrderBy(c => c.First.Id))
            {
                var batch = new List<SpoolEntry>();
                long bytes = 0;
                var full = false;
                foreach (var e in queue.Waiting.Values)
                {
                    if (batch.Count > 0 && (batch.Count >= limits.MaxInstances || bytes + e.Length > limits.MaxBytes))
                    {
                        full = true;
                        break;
                    }
                    batch.Add(e);
                    bytes += e.Length;
                }
                full |= batch.Count >= limits.MaxInstances;
                var quietAt = _newestArrival[study] + limits.Quiet;
                var dueAt = first.ReceivedAt + limits.MaxWait;
                if (full || now >= quietAt || now >= dueAt)
                {
                    // The rest of a study that stopped arriving is shared among the uploaders, which the cloud
                    // stores in parallel: the study is complete sooner than with one request carrying it all.
                    // Not below MinSharedBatch instances a request: under that, a request's own cost outweighs the parallelism.
                    var share = Math.Max(MinSharedBatch, (batch.Count + limits.Spread - 1) / limits.Spread);
                    if (!full && batch.Count > share)
                        batch.RemoveRange(share, batch.Count - share);
                    foreach (var e in batch)
                    {
                        queue.Waiting.Remove(e.Id);
                        queue.InFlight++;
                        _inFlight.Add(e.Id, e);
                    }
                    return batch;
                }
                var readyAt = quietAt < dueAt ? quietAt : dueAt;
                if (nextReady is null || readyAt < nextReady) nextReady = readyAt;
            }
            if (nextReady is { } at) retryIn = at - now;
            return null;
        }
    }

    /// <summary>Puts instances an upload could not deliver back in the queue (they are sent again later).</summary>
    public void Release(IEnumerable<SpoolEntry> entries)
    {
        lock (_gate)
        {
            foreach (var e in entries)
            {
                // Not in flight any more: settled meanwhile (confirmed or quarantined), nothing to put back.
                if (!_inFlight.Remove(e.Id)) continue;
                var queue = _byStudy[e.StudyInstanceUid];
                queue.InFlight--;
                queue.Waiting[e.Id] = e;
            }
        }
    }

    /// <summary>
    /// The cloud has these instances: record it durably (one fsync for all), then delete the files. A crash between
    /// the two leaves files no pending record names, which recovery deletes.
    /// </summary>
    public async Task ConfirmAsync(IReadOnlyCollection<SpoolEntry> entries)
    {
        var removed = entries.Where(Remove).ToList();
        if (removed.Count == 0) return;
        foreach (var e in removed.SkipLast(1)) _journal.Append(new JournalRecord('D', e.Id));
        await _journal.CommitAsync(new JournalRecord('D', removed[^1].Id));
        // Off the intake path: the uploader empties the files and fsyncs recycled/ once for the batch.
        _files.Recycle(removed.Select(e => e.Path).ToList());
        Interlocked.Add(ref _confirmed, removed.Count);
        await _journal.CompactIfLargeAsync();
    }

    /// <summary>The cloud refused the instance for good: move it to failed/ with the reason, never drop it.</summary>
    public async Task QuarantineAsync(SpoolEntry entry, string reason)
    {
        if (!Remove(entry)) return;
        var target = Path.Combine(_failed, $"{entry.Id}.dcm");
        await File.WriteAllTextAsync(Path.Combine(_failed, $"{entry.Id}.txt"),
            $"SOP Instance UID: {entry.SopInstanceUid}\nStudy Instance UID: {entry.StudyInstanceUid}\nReceived: {entry.ReceivedAt:O}\nRefused: {_clock.GetUtcNow():O}\nReason: {reason}\n");
        // A spare written in place may hold an earlier, longer instance's bytes after this one's: not part of it.
        using (var handle = File.OpenHandle(entry.Path, FileMode.Open, FileAccess.Write))
        {
            if (RandomAccess.GetLength(handle) > entry.Length) RandomAccess.SetLength(handle, entry.Length);
        }
        // Overwrite: a crash after an earlier move but before its record can leave the file in both places.
        File.Move(entry.Path, target, overwrite: true);
        DirectorySync.Flush(_failed);
        await _journal.CommitAsync(new JournalRecord('F', entry.Id, Reason: reason));
        Interlocked.Increment(ref _quarantined);
    }

    private bool Remove(SpoolEntry entry)
    {
        lock (_gate)
        {
            if (!_byStudy.TryGetValue(entry.StudyInstanceUid, out var queue)) return false;
            if (_inFlight.Remove(entry.Id)) queue.InFlight--;
            else if (!queue.Waiting.Remove(entry.Id)) return false;
            if (queue.Waiting.Count == 0 && queue.InFlight == 0)
            {
                _byStudy.Remove(entry.StudyInstanceUid);
                _newestArrival.Remove(entry.StudyInstanceUid);
            }
            _pending--;
            _pendingBytes -= entry.Length;
            return true;
        }
    }

    /// <summary>The file holding the instance (in objects/ or recycled/).</summary>
    public string PathOf(SpoolEntry entry) => entry.Path;

    public SpoolSnapshot Snapshot()
    {
        lock (_gate)
        {
            // The oldest pending instance, waiting or being sent (the status shows how far behind the uploads are).
            DateTimeOffset? oldest = null;
            foreach (var queue in _byStudy.Values)
                if (queue.FirstWaiting() is { ReceivedAt: var first } && (oldest is null || first < oldest)) oldest = first;
            foreach (var sending in _inFlight.Values)
                if (oldest is null || sending.ReceivedAt < oldest) oldest = sending.ReceivedAt;
            return new SpoolSnapshot(_pending, _pendingBytes, _byStudy.Count, _inFlight.Count, oldest, Volatile.Read(ref _quarantined),
                Interlocked.Read(ref _received), Interlocked.Read(ref _confirmed));
        }
    }

    private static string ObjectPath(string objects, long id) => Path.Combine(objects, $"{id}.dcm");

    /// <summary>The journal's name of a spool file: relative to the spool folder, with '/' on every system.</summary>
    private string RelativePath(string path) => Path.GetRelativePath(Folder, path).Replace('\\', '/');

    private static string FullPath(string folder, string relative) => Path.GetFullPath(Path.Combine(folder, relative));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Not named by a pending record any more: recovery deletes it at the next start.
        }
    }

    public void Dispose()
    {
        _files.Dispose();
        _journal.Dispose();
        _arrived.Dispose();
    }
}

/// <summary>A study's pending instances: those waiting to be sent (by id, oldest first) and the number being sent.</summary>
internal sealed class StudyQueue
{
    public SortedDictionary<long, SpoolEntry> Waiting { get; } = [];

    public int InFlight { get; set; }

    public SpoolEntry? FirstWaiting()
    {
        foreach (var entry in Waiting.Values) return entry;
        return null;
    }
}

/// <summary>
/// Limits of one STOW-RS batch, and how long a batch below them may be held back for more instances of its study:
/// until its study has had no new instance for <see cref="Quiet"/>, at most until its oldest instance has waited
/// <see cref="MaxWait"/>. Zero times send whatever is waiting at once. A batch that goes below the limits takes only
/// its share (1/<see cref="Spread"/>) of what is waiting, so the uploaders send the rest beside it.
/// </summary>
public sealed record BatchLimits(int MaxInstances, long MaxBytes, TimeSpan Quiet, TimeSpan MaxWait, int Spread = 1);

/// <summary>Recovery at start: instances pending again, files discarded (partial transfers), damaged journal lines, acknowledged files missing.</summary>
/// <summary>What <see cref="DicomSpool.Open"/> found; UnflushedInstances: records whose in-place content the power loss cut (never acknowledged).</summary>
public sealed record SpoolRecoveryReport(int Pending, int DiscardedFiles, int DamagedJournalLines, int MissingFiles, int UnflushedInstances = 0);
