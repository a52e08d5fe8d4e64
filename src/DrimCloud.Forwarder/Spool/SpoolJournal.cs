using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Forwarder.Spool;

/// <summary>One line of the journal: an instance added (A), confirmed by the cloud (D) or quarantined (F).</summary>
public sealed record JournalRecord(char Kind, long Id, long ReceivedAtUnixMs = 0, long Length = 0, string StudyUid = "", string SopInstanceUid = "", string Reason = "");

/// <summary>
/// Append-only journal of the spool, one tab-separated line per record, each ending with a checksum of the line so a
/// torn write (power loss mid-append) is recognised and ignored on recovery. <see cref="CommitAsync"/> makes a record
/// durable with group commit: concurrent callers share one fsync (and the spool folder's fsync, done just before, so
/// the files named in the records are durable too).
/// </summary>
public sealed class SpoolJournal : IDisposable
{
    /// <summary>Past this size, a journal whose records are mostly settled is rewritten with only the pending ones.</summary>
    public const long CompactAbove = 4 * 1024 * 1024;

    private SafeFileHandle _handle;
    private readonly Action _beforeFlush;
    // The "A" records not yet settled by a "D" or "F": what a compacted journal keeps.
    private readonly Dictionary<long, JournalRecord> _live = [];
    private readonly Lock _append = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    private long _offset;
    private long _appended;
    private long _durable;

    private SpoolJournal(SafeFileHandle handle, long length, Action beforeFlush)
    {
        _handle = handle;
        _offset = length;
        _beforeFlush = beforeFlush;
    }

    public string Path { get; private init; } = "";

    public long Length => Interlocked.Read(ref _offset);

    /// <summary>Opens (creating if needed) the journal for appending after the records already in it.</summary>
    public static SpoolJournal Open(string path, Action beforeFlush)
    {
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var journal = new SpoolJournal(handle, RandomAccess.GetLength(handle), beforeFlush) { Path = path };
        foreach (var r in Read(path, out _)) journal.Track(r);
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
        damaged = 0;
        var records = new List<JournalRecord>();
        if (!File.Exists(path)) return records;
        var text = File.ReadAllText(path, Encoding.UTF8);
        var lines = text.Split('\n');
        // The last element is what follows the final '\n': empty, or a line whose write did not finish.
        if (lines[^1].Length > 0) damaged++;
        foreach (var line in lines.AsSpan(0, lines.Length - 1))
        {
            if (Parse(line) is { } record) records.Add(record);
            else damaged++;
        }
        return records;
    }

    /// <summary>Appends a record and returns once it (and every record before it) is on disk.</summary>
    public async Task CommitAsync(JournalRecord record, CancellationToken cancellationToken = default)
    {
        var mine = Append(record);
        await _flush.WaitAsync(cancellationToken);
        try
        {
            if (Interlocked.Read(ref _durable) >= mine) return; // another caller's fsync covered this record
            var upTo = Interlocked.Read(ref _appended);
            _beforeFlush();
            RandomAccess.FlushToDisk(_handle);
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
            RandomAccess.Write(_handle, bytes, _offset);
            _offset += bytes.Length;
            Track(record);
            return ++_appended;
        }
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
                Rewrite(Path, _live.Values.OrderBy(r => r.Id));
                _handle.Dispose();
                _handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                _offset = RandomAccess.GetLength(_handle);
                Interlocked.Exchange(ref _durable, _appended);
                return true;
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    /// <summary>Writes a journal holding only <paramref name="records"/> and atomically puts it in place of <paramref name="path"/>.</summary>
    public static void Rewrite(string path, IEnumerable<JournalRecord> records)
    {
        var temp = path + ".new";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var builder = new StringBuilder();
            foreach (var record in records) builder.Append(Format(record));
            stream.Write(Encoding.UTF8.GetBytes(builder.ToString()));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
    }

    public static string Format(JournalRecord r)
    {
        var body = string.Join('\t', r.Kind.ToString(), r.Id.ToString(CultureInfo.InvariantCulture),
            r.ReceivedAtUnixMs.ToString(CultureInfo.InvariantCulture), r.Length.ToString(CultureInfo.InvariantCulture),
            r.StudyUid, r.SopInstanceUid, Escape(r.Reason));
        return $"{body}\t{Checksum(body):x8}\n";
    }

    public static JournalRecord? Parse(string line)
    {
        var cut = line.LastIndexOf('\t');
        if (cut < 0) return null;
        var body = line[..cut];
        if (!uint.TryParse(line.AsSpan(cut + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var sum) || sum != Checksum(body))
            return null;
        var f = body.Split('\t');
        if (f.Length != 7 || f[0].Length != 1 || f[0][0] is not ('A' or 'D' or 'F')) return null;
        if (!long.TryParse(f[1], CultureInfo.InvariantCulture, out var id) || !long.TryParse(f[2], CultureInfo.InvariantCulture, out var at)
            || !long.TryParse(f[3], CultureInfo.InvariantCulture, out var length))
            return null;
        return new JournalRecord(f[0][0], id, at, length, f[4], f[5], Unescape(f[6]));
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
