using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>
/// One line of the journal: an instance added (A), confirmed by the cloud (D) or quarantined (F). <see cref="File"/> is
/// the file holding an added instance, relative to the spool folder with '/' (<c>objects/{id}.dcm</c>, or
/// <c>recycled/{n}.dcm</c> for a spare written in place); empty for D and F.
/// </summary>
public sealed record JournalRecord(char Kind, long Id, long ReceivedAtUnixMs = 0, long Length = 0, string StudyUid = "", string SopInstanceUid = "",
    string Reason = "", string File = "", uint? ContentCrc = null);

/// <summary>
/// Append-only journal of the spool, one tab-separated line per record, each ending with a checksum of the line so a
/// torn write (power loss mid-append) is recognised and ignored on recovery. <see cref="CommitAsync"/> makes a record
/// durable with group commit: concurrent callers share one flush (and the before-flush action, which makes the names
/// of new spool files durable when there are any, so the files named in the records are durable too).
/// <para>
/// The file is preallocated: zeros are written ahead of the records (<see cref="Chunk"/> at a time, again when fewer
/// than <see cref="ExtendAhead"/> bytes are left), so an append overwrites bytes inside the file and does not change
/// its size, and the flush is an <c>fdatasync</c>: the data page only, not the inode as well. (Not <c>fallocate</c>:
/// writing into its unwritten extents still changes metadata.) The records end at the first byte of the zero tail;
/// a reader stops there. A torn record (its write cut by a power loss: text cut short or followed by zeros, or
/// zeros where part of it should be) fails its checksum and is counted as damaged, as before; acknowledged records
/// always precede it, since every flush covers all the records appended before it.
/// </para>
/// </summary>
public sealed class SpoolJournal : IDisposable
{
    /// <summary>Past this size, a journal whose records are mostly settled is rewritten with only the pending ones.</summary>
    public const long CompactAbove = 4 * 1024 * 1024;

    /// <summary>Zeros written ahead of the records at a time.</summary>
    public const int Chunk = 1024 * 1024;

    /// <summary>The file is extended once fewer bytes than this are left after the records.</summary>
    public const int ExtendAhead = 256 * 1024;

    private static readonly byte[] Zeros = new byte[64 * 1024];

    private SafeFileHandle _handle;
    private readonly Action _beforeFlush;
    // The "A" records not yet settled by a "D" or "F": what a compacted journal keeps.
    private readonly Dictionary<long, JournalRecord> _live = [];
    private readonly Lock _append = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    // End of the records (where the next one goes) and end of the file (zeros between the two).
    private long _offset;
    private long _allocated;
    private long _appended;
    private long _durable;

    private SpoolJournal(SafeFileHandle handle, long offset, long allocated, Action beforeFlush)
    {
        _handle = handle;
        _offset = offset;
        _allocated = allocated;
        _beforeFlush = beforeFlush;
    }

    public string Path { get; private init; } = "";

    /// <summary>Bytes of records (not the preallocated zeros after them).</summary>
    public long Length => Interlocked.Read(ref _offset);

    /// <summary>Size of the file: the records and the zeros written ahead of them.</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

    /// <summary>
    /// Opens (creating if needed) the journal for appending after its last intact record. Damaged bytes after that
    /// record (a torn append) are zeroed first, so that what is appended now is never glued to them.
    /// </summary>
    public static SpoolJournal Open(string path, Action beforeFlush)
    {
        var handle = System.IO.File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var scan = Scan(path);
        var journal = new SpoolJournal(handle, scan.RecordsEnd, RandomAccess.GetLength(handle), beforeFlush) { Path = path };
        if (scan.DataEnd > scan.RecordsEnd)
        {
            WriteZeros(handle, scan.RecordsEnd, scan.DataEnd - scan.RecordsEnd);
            DataSync.Flush(handle);
        }
        foreach (var r in scan.Records) journal.Track(r);
        lock (journal._append) journal.MakeRoom(0);
        return journal;
    }

    private void Track(JournalRecord r)
    {
        if (r.Kind == 'A') _live[r.Id] = r;
        else _live.Remove(r.Id);
    }

    /// <summary>Reads every intact record; a damaged or unterminated line (a write cut by a crash) is skipped.</summary>
    public static List<JournalRecord> Read(string path, out int damaged)
    {
        var scan = Scan(path);
        damaged = scan.Damaged;
        return scan.Records;
    }

    private sealed record ScanResult(List<JournalRecord> Records, int Damaged, long RecordsEnd, long DataEnd);

    /// <summary>
    /// The intact records, the damaged lines, where the last intact record ends and where the zero tail begins
    /// (a journal written before preallocation has none: it ends with its last line).
    /// </summary>
    private static ScanResult Scan(string path)
    {
        var records = new List<JournalRecord>();
        if (!System.IO.File.Exists(path)) return new(records, 0, 0, 0);
        var bytes = System.IO.File.ReadAllBytes(path);
        var dataEnd = bytes.Length;
        while (dataEnd > 0 && bytes[dataEnd - 1] == 0) dataEnd--;
        var damaged = 0;
        var recordsEnd = 0;
        var pos = 0;
        while (pos < dataEnd)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', pos, dataEnd - pos);
            if (end < 0)
            {
                damaged++; // a last line whose write did not finish
                break;
            }
            if (Parse(Encoding.UTF8.GetString(bytes, pos, end - pos)) is { } record)
            {
                records.Add(record);
                recordsEnd = end + 1;
            }
            else
            {
                damaged++;
            }
            pos = end + 1;
        }
        return new(records, damaged, recordsEnd, dataEnd);
    }

    /// <summary>Appends a record and returns once it (and every record before it) is on disk.</summary>
    public async Task CommitAsync(JournalRecord record, CancellationToken cancellationToken = default)
    {
        var mine = Append(record);
        await _flush.WaitAsync(cancellationToken);
        try
        {
            if (Interlocked.Read(ref _durable) >= mine) return; // another caller's flush covered this record
            var upTo = Interlocked.Read(ref _appended);
            _beforeFlush();
            DataSync.Flush(_handle);
            Interlocked.Exchange(ref _durable, upTo);
        }
        finally
        {
            _flush.Release();
        }
    }

    /// <summary>Appends a record without waiting for the disk (losing it in a crash must be harmless).</summary>
    public long Append(JournalRecord record)
    {
        var bytes = Encoding.UTF8.GetBytes(Format(record));
        lock (_append)
        {
            MakeRoom(bytes.Length);
            RandomAccess.Write(_handle, bytes, _offset);
            Interlocked.Exchange(ref _offset, _offset + bytes.Length);
            Track(record);
            return ++_appended;
        }
    }

    /// <summary>
    /// Extends the file with zeros while fewer than <see cref="ExtendAhead"/> bytes would be left after a record of
    /// <paramref name="bytes"/> bytes. The zeros reach the disk with the next flush (fdatasync writes the new size too):
    /// one slower flush per <see cref="Chunk"/> of records. Called under the append lock.
    /// </summary>
    private void MakeRoom(int bytes)
    {
        while (_offset + bytes + ExtendAhead > _allocated)
        {
            WriteZeros(_handle, _allocated, Chunk);
            Interlocked.Exchange(ref _allocated, _allocated + Chunk);
        }
    }

    private static void WriteZeros(SafeFileHandle handle, long offset, long count)
    {
        for (long done = 0; done < count; done += Zeros.Length)
            RandomAccess.Write(handle, Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, count - done)), offset + done);
    }

    /// <summary>
    /// When the journal has grown past <see cref="CompactAbove"/> and is mostly settled records, rewrites it with only
    /// the pending ones (atomically: new file, fsync, rename, fsync of the folder). Appends wait meanwhile.
    /// </summary>
    public async Task<bool> CompactIfLargeAsync(CancellationToken cancellationToken = default)
    {
        if (Length < CompactAbove) return false;
        await _flush.WaitAsync(cancellationToken);
        try
        {
            lock (_append)
            {
                if (_offset < CompactAbove || _live.Count * 256L > _offset / 4) return false;
                var length = Rewrite(Path, _live.Values.OrderBy(r => r.Id));
                _handle.Dispose();
                _handle = System.IO.File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                Interlocked.Exchange(ref _offset, length);
                Interlocked.Exchange(ref _allocated, RandomAccess.GetLength(_handle));
                Interlocked.Exchange(ref _durable, _appended);
                return true;
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    /// <summary>
    /// Writes a journal holding only <paramref name="records"/>, followed by preallocated zeros, and atomically puts
    /// it in place of <paramref name="path"/> (new file, fsync, rename, fsync of the folder). A crash leaves either
    /// journal, both holding every pending record. Returns the bytes of records (where the next append goes).
    /// </summary>
    public static long Rewrite(string path, IEnumerable<JournalRecord> records)
    {
        var temp = path + ".new";
        var builder = new StringBuilder();
        foreach (var record in records) builder.Append(Format(record));
        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        using (var handle = System.IO.File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, bytes, 0);
            // Whole chunks, with at least ExtendAhead bytes of room: no extension at once.
            var zeros = (bytes.Length + ExtendAhead + Chunk - 1L) / Chunk * Chunk - bytes.Length;
            WriteZeros(handle, bytes.Length, zeros);
            RandomAccess.FlushToDisk(handle);
        }
        System.IO.File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        return bytes.Length;
    }

    public static string Format(JournalRecord r)
    {
        var body = string.Join('\t', r.Kind.ToString(), r.Id.ToString(CultureInfo.InvariantCulture),
            r.ReceivedAtUnixMs.ToString(CultureInfo.InvariantCulture), r.Length.ToString(CultureInfo.InvariantCulture),
            r.StudyUid, r.SopInstanceUid, Escape(r.Reason), r.File);
        // The 9th field only on "A" records whose instance this record's flush makes durable (SpoolFileSink.Persist).
        if (r.ContentCrc is { } crc) body += "\t" + crc.ToString("x8", CultureInfo.InvariantCulture);
        return $"{body}\t{Checksum(body):x8}\n";
    }

    /// <summary>
    /// Parses one line (without its '\n'); null when damaged. A line of 7 fields was written before "A" records named
    /// their file: its instance is in <c>objects/{id}.dcm</c>, where that version put every file (also the default
    /// of an "A" record written with an empty file field). A 9th field is the CRC-32C of the instance's bytes, on "A"
    /// records whose own flush made them durable.
    /// </summary>
    public static JournalRecord? Parse(string line)
    {
        var cut = line.LastIndexOf('\t');
        if (cut < 0) return null;
        var body = line[..cut];
        if (!uint.TryParse(line.AsSpan(cut + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var sum) || sum != Checksum(body))
            return null;
        var f = body.Split('\t');
        if (f.Length is not (7 or 8 or 9) || f[0].Length != 1 || f[0][0] is not ('A' or 'D' or 'F')) return null;
        if (!long.TryParse(f[1], CultureInfo.InvariantCulture, out var id) || !long.TryParse(f[2], CultureInfo.InvariantCulture, out var at)
            || !long.TryParse(f[3], CultureInfo.InvariantCulture, out var length))
            return null;
        var file = f.Length >= 8 ? f[7] : "";
        uint? contentCrc = null;
        if (f.Length == 9)
        {
            if (f[0][0] != 'A' || !uint.TryParse(f[8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var crc)) return null;
            contentCrc = crc;
        }
        if (f[0][0] == 'A')
        {
            if (file.Length == 0) file = $"objects/{id.ToString(CultureInfo.InvariantCulture)}.dcm";
            else if (!IsSpoolFile(file)) return null;
        }
        return new JournalRecord(f[0][0], id, at, length, f[4], f[5], Unescape(f[6]), file, contentCrc);
    }

    /// <summary>"objects/x.dcm" or "recycled/x.dcm" with a plain name: a record can never point outside those folders.</summary>
    private static bool IsSpoolFile(string file)
    {
        var slash = file.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return false;
        var folder = file[..slash];
        var name = file[(slash + 1)..];
        return folder is "objects" or "recycled" && name.EndsWith(".dcm", StringComparison.Ordinal) && name.Length > 4
            && name.IndexOfAny(['/', '\\', '\0']) < 0 && name is not ("." or "..");
    }

    private static string Escape(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    private static string Unescape(string text) => text;

    /// <summary>FNV-1a over the UTF-8 bytes: enough to tell a torn or garbled line from a whole one.</summary>
    private static uint Checksum(string body)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(body))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }

    public void Dispose()
    {
        _handle.Dispose();
        _flush.Dispose();
    }
}
