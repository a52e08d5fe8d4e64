using System.Globalization;
using System.Text;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Tests;

/// <summary>
/// Spares written in place (the "A" record names a file in recycled/) and the preallocated journal: each crash point
/// of <see cref="DicomSpool"/>'s remarks, made by arranging the folder as the crash would leave it. Recovery must give
/// exactly the pending instances, with their bytes, and never hand out a file that holds one of them.
/// </summary>
public sealed class SpoolCrashPointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"spool-crash-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    private string Recycled => Path.Combine(_folder, "recycled");
    private string Objects => Path.Combine(_folder, "objects");
    private string JournalPath => Path.Combine(_folder, "journal.log");

    private static (byte[] Header, byte[] DataSet) Instance(string sop, int pixels)
    {
        var d = new DicomDataset();
        d.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        d.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.3");
        d.SetRaw(DicomTag.PixelData, DicomVR.OB, Enumerable.Range(0, pixels).Select(i => (byte)(i * 7 + sop.Length)).ToArray());
        using var body = new MemoryStream();
        DicomWriter.WriteDataset(d, body, DicomTransferSyntax.ExplicitVRLittleEndian);
        return (Part10Meta.Build("1.2.840.10008.5.1.4.1.1.7", sop, KnownTransferSyntaxes.ExplicitVRLittleEndian), body.ToArray());
    }

    private static byte[] Bytes(string sop, int pixels)
    {
        var (header, data) = Instance(sop, pixels);
        return [.. header, .. data];
    }

    private static async Task<SpoolEntry> AddAsync(DicomSpool spool, string sop, int pixels = 1000)
    {
        var (header, data) = Instance(sop, pixels);
        return await spool.AddAsync(header, new MemoryStream(data), sop, CancellationToken.None);
    }

    private static List<SpoolEntry> All(DicomSpool spool)
    {
        var all = new List<SpoolEntry>();
        while (spool.TakeBatch(1000, long.MaxValue) is { } batch) all.AddRange(batch);
        spool.Release(all);
        return all;
    }

    /// <summary>Leaves <paramref name="count"/> confirmed, emptied spares in recycled/.</summary>
    private static async Task<List<string>> MakeSparesAsync(DicomSpool spool, int count)
    {
        var entries = new List<SpoolEntry>();
        for (var i = 0; i < count; i++) entries.Add(await AddAsync(spool, $"1.2.3.900.{i}", 10));
        await spool.ConfirmAsync(entries);
        return [.. Directory.GetFiles(Path.Combine(spool.Folder, "recycled")).Order()];
    }

    [Fact]
    public async Task A_spare_written_in_place_costs_no_objects_folder_fsync_and_a_new_file_does()
    {
        using var spool = DicomSpool.Open(_folder);
        var spares = await MakeSparesAsync(spool, 3);
        var before = spool.ObjectsFolderFlushes;
        Assert.True(before >= 1); // the three files created for MakeSparesAsync
        var inPlace = new List<SpoolEntry>();
        for (var i = 0; i < 3; i++) inPlace.Add(await AddAsync(spool, $"1.2.3.{i}"));
        Assert.Equal(spares, inPlace.Select(e => e.Path).Order());
        Assert.Equal(before, spool.ObjectsFolderFlushes);
        // No spare left: a new file in objects/, whose name the next journal flush makes durable first.
        var created = await AddAsync(spool, "1.2.3.9");
        Assert.Equal(Objects, Path.GetDirectoryName(created.Path));
        Assert.Equal(before + 1, spool.ObjectsFolderFlushes);
        // A "D" flush without a new name does not fsync the folder again.
        await spool.ConfirmAsync([inPlace[0]]);
        Assert.Equal(before + 1, spool.ObjectsFolderFlushes);
    }

    [Fact]
    public async Task An_instance_larger_than_its_spare_costs_two_data_flushes_and_one_that_fits_costs_the_journal_s_only()
    {
        using var spool = DicomSpool.Open(_folder);
        // This machine's /tmp is ext4: spares are overwritten in place there (InPlaceOverwrite).
        Assert.Equal(InPlaceOverwrite.Supported(_folder), spool.JournalFlushesSpares);
        await MakeSparesAsync(spool, 2);
        // Larger than the spare: its size and blocks change, so fdatasync for the file, then for the journal. Its
        // timestamps (an inode write per instance) are not needed.
        var flushes = DataSync.CountFlushesOfThisFlow();
        var longer = await AddAsync(spool, "1.2.3.1", 5000);
        Assert.Equal(Recycled, Path.GetDirectoryName(longer.Path));
        Assert.Equal(2, flushes.Value);
        Assert.Equal(longer.Length, new FileInfo(longer.Path).Length);
        Assert.Null(JournalRecordOf(longer).ContentCrc);

        // Within a spare's durable size: its bytes only go to the device, and the journal's one flush covers them
        // with the record, which carries their CRC-32C for recovery to check.
        await spool.ConfirmAsync([longer]);
        flushes = DataSync.CountFlushesOfThisFlow();
        var fits = await AddAsync(spool, "1.2.3.2", 4000);
        Assert.Equal(longer.Path, fits.Path);
        if (!spool.JournalFlushesSpares)
        {
            Assert.Equal(2, flushes.Value);
            return;
        }
        Assert.Equal(1, flushes.Value);
        Assert.Equal(Crc32C.Compute(await SpoolInstanceBytes.ReadAsync(fits)), JournalRecordOf(fits).ContentCrc);
    }

    [Fact]
    public async Task An_in_place_instance_whose_bytes_the_power_loss_kept_from_the_disk_is_not_pending_and_its_file_is_a_spare()
    {
        // Elsewhere (tmpfs, Btrfs, Windows) spares are fdatasync'd and no record carries a CRC: nothing to recover from.
        Directory.CreateDirectory(_folder);
        if (!InPlaceOverwrite.Supported(_folder)) return;
        SpoolEntry lost, kept;
        using (var spool = DicomSpool.Open(_folder))
        {
            Assert.True(spool.JournalFlushesSpares);
            var spares = await MakeSparesAsync(spool, 2);
            // Two spares of 3000-pixel instances, then two smaller instances written in place over them.
            var big = new[] { await AddAsync(spool, "1.2.3.1", 3000), await AddAsync(spool, "1.2.3.2", 3000) };
            await spool.ConfirmAsync(big);
            lost = await AddAsync(spool, "1.2.3.3", 2000);
            kept = await AddAsync(spool, "1.2.3.4", 2000);
            Assert.NotNull(JournalRecordOf(lost).ContentCrc);
        }
        // The power went after the "A" record reached the disk but before the flush that would have covered the
        // instance's bytes: the disk still has what the spare held before (never acknowledged, so nothing is lost).
        var before = Bytes("1.2.3.1", 3000);
        await using (var file = new FileStream(lost.Path, FileMode.Open, FileAccess.Write))
            await file.WriteAsync(before.AsMemory(0, (int)lost.Length));

        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(new SpoolRecoveryReport(1, 0, 0, 0, UnflushedInstances: 1), reopened.Recovery);
        var back = Assert.Single(All(reopened));
        Assert.Equal(kept.SopInstanceUid, back.SopInstanceUid);
        Assert.Equal(Bytes("1.2.3.4", 2000), await SpoolInstanceBytes.ReadAsync(back));
        // The cut instance's file is a spare again: the next instance goes into it.
        var next = await AddAsync(reopened, "1.2.3.5", 10);
        Assert.Equal(lost.Path, next.Path);

        // Quarantined, an instance written over a longer one is moved without the older bytes after it.
        await reopened.QuarantineAsync(back, "refused for the test");
        Assert.Equal(Bytes("1.2.3.4", 2000), await File.ReadAllBytesAsync(Path.Combine(_folder, "failed", $"{back.Id}.dcm")));
    }

    private JournalRecord JournalRecordOf(SpoolEntry entry) =>
        SpoolJournal.Read(JournalPath, out _).Single(r => r.Kind == 'A' && r.Id == entry.Id);

    [Fact]
    public async Task A_pending_instance_in_a_recycled_file_comes_back_from_that_file_and_is_never_handed_out()
    {
        string pendingPath;
        using (var spool = DicomSpool.Open(_folder))
        {
            await MakeSparesAsync(spool, 4);
            var e = await AddAsync(spool, "1.2.3.1", 5000);
            pendingPath = e.Path;
            Assert.Equal(Recycled, Path.GetDirectoryName(pendingPath));
        }
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(1, reopened.Recovery.Pending);
        Assert.Equal(0, reopened.Recovery.DiscardedFiles);
        var back = Assert.Single(All(reopened));
        Assert.Equal(pendingPath, reopened.PathOf(back));
        Assert.Equal(Bytes("1.2.3.1", 5000), await File.ReadAllBytesAsync(pendingPath));

        // Every other spare, then new files: none of them is the pending instance's file, whose bytes stay.
        var added = new List<SpoolEntry>();
        for (var i = 0; i < 6; i++) added.Add(await AddAsync(reopened, $"1.2.3.{10 + i}", 10));
        Assert.DoesNotContain(pendingPath, added.Select(e => e.Path));
        Assert.Equal(3, added.Count(e => Path.GetDirectoryName(e.Path) == Recycled));
        Assert.Equal(Bytes("1.2.3.1", 5000), await File.ReadAllBytesAsync(pendingPath));
        for (var i = 0; i < 6; i++) Assert.Equal(Bytes($"1.2.3.{10 + i}", 10), await SpoolInstanceBytes.ReadAsync(added[i]));
    }

    [Fact]
    public async Task Recovery_from_a_hand_made_folder_keeps_exactly_the_pending_files_wherever_they_are()
    {
        Directory.CreateDirectory(Recycled);
        Directory.CreateDirectory(Objects);
        // Pending in a spare (new 8-field record), pending in objects/ (old 7-field record), confirmed in a spare.
        await File.WriteAllBytesAsync(Path.Combine(Recycled, "7.dcm"), Bytes("1.2.3.7", 300));
        await File.WriteAllBytesAsync(Path.Combine(Objects, "3.dcm"), Bytes("1.2.3.3", 200));
        await File.WriteAllBytesAsync(Path.Combine(Recycled, "8.dcm"), Bytes("1.2.3.8", 100));
        // Crash points: a spare half-written by a transfer never journaled; a file in objects/ no record names.
        await File.WriteAllBytesAsync(Path.Combine(Recycled, "9.dcm"), new byte[70_000]);
        await File.WriteAllBytesAsync(Path.Combine(Objects, "4.dcm"), new byte[500]);
        await File.WriteAllTextAsync(JournalPath,
            OldRecord('A', 3, "1.2.3.3", 200) +
            SpoolJournal.Format(new JournalRecord('A', 5, 1, 300, "1.2.3", "1.2.3.7", File: "recycled/7.dcm")) +
            SpoolJournal.Format(new JournalRecord('A', 6, 1, 100, "1.2.3", "1.2.3.8", File: "recycled/8.dcm")) +
            SpoolJournal.Format(new JournalRecord('D', 6)));

        using var spool = DicomSpool.Open(_folder);
        Assert.Equal(new SpoolRecoveryReport(2, 1, 0, 0), spool.Recovery);
        var pending = All(spool).ToDictionary(e => e.SopInstanceUid);
        Assert.Equal(["1.2.3.3", "1.2.3.7"], pending.Keys.Order());
        Assert.Equal(Path.Combine(Objects, "3.dcm"), pending["1.2.3.3"].Path);
        Assert.Equal(Path.Combine(Recycled, "7.dcm"), pending["1.2.3.7"].Path);
        Assert.False(File.Exists(Path.Combine(Objects, "4.dcm")));

        // The two spares (8: confirmed before the crash, 9: cut transfer) are reused, truncated; 7 never.
        var a = await AddAsync(spool, "1.2.3.20", 10);
        var b = await AddAsync(spool, "1.2.3.21", 10);
        var c = await AddAsync(spool, "1.2.3.22", 10);
        Assert.Equal([Path.Combine(Recycled, "8.dcm"), Path.Combine(Recycled, "9.dcm")], new[] { a.Path, b.Path }.Order());
        Assert.Equal(Objects, Path.GetDirectoryName(c.Path));
        Assert.True(c.Id > 6); // ids continue after those of the journal
        Assert.Equal(Bytes("1.2.3.21", 10), await SpoolInstanceBytes.ReadAsync(b));
        Assert.Equal(Bytes("1.2.3.7", 300), await File.ReadAllBytesAsync(Path.Combine(Recycled, "7.dcm")));
        spool.Dispose();

        using var again = DicomSpool.Open(_folder);
        Assert.Equal(5, again.Recovery.Pending);
        Assert.Equal(0, again.Recovery.DamagedJournalLines);
    }

    [Fact]
    public async Task An_old_journal_is_read_and_its_instances_are_in_objects()
    {
        Directory.CreateDirectory(Objects);
        await File.WriteAllBytesAsync(Path.Combine(Objects, "5.dcm"), Bytes("1.2.3.5", 100));
        await File.WriteAllTextAsync(JournalPath, OldRecord('A', 5, "1.2.3.5", 100) + OldRecord('A', 6, "1.2.3.6", 100) + OldRecord('D', 6, "", 0));
        using var spool = DicomSpool.Open(_folder);
        Assert.Equal(new SpoolRecoveryReport(1, 0, 0, 0), spool.Recovery);
        var entry = Assert.Single(All(spool));
        Assert.Equal(Path.Combine(Objects, "5.dcm"), spool.PathOf(entry));
        Assert.Equal(7, (await AddAsync(spool, "1.2.3.7")).Id);
    }

    [Fact]
    public async Task Confirmed_before_the_crash_but_not_yet_emptied_a_spare_is_not_pending_and_is_reused()
    {
        SpoolEntry entry;
        using (var spool = DicomSpool.Open(_folder))
        {
            await MakeSparesAsync(spool, 1);
            entry = await AddAsync(spool, "1.2.3.1", 50_000);
        }
        var path = entry.Path;
        Assert.Equal(Recycled, Path.GetDirectoryName(path));
        // The "D" committed, then the crash: the file still holds the confirmed instance.
        using (var journal = SpoolJournal.Open(JournalPath, () => { }))
            await journal.CommitAsync(new JournalRecord('D', entry.Id));
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(0, reopened.Recovery.Pending);
        Assert.True(File.Exists(path));
        var next = await AddAsync(reopened, "1.2.3.2", 10);
        Assert.Equal(path, next.Path);
        Assert.Equal(Bytes("1.2.3.2", 10), await SpoolInstanceBytes.ReadAsync(next));
    }

    [Fact]
    public async Task A_quarantined_instance_leaves_recycled_and_a_crash_before_its_F_record_does_not_bring_it_back()
    {
        using (var spool = DicomSpool.Open(_folder))
        {
            await MakeSparesAsync(spool, 2);
            var a = await AddAsync(spool, "1.2.3.1", 100);
            var b = await AddAsync(spool, "1.2.3.2", 100);
            Assert.Equal(Recycled, Path.GetDirectoryName(a.Path));
            await spool.QuarantineAsync(a, "0111");
            Assert.False(File.Exists(a.Path));
            Assert.Equal(Bytes("1.2.3.1", 100), await File.ReadAllBytesAsync(Path.Combine(_folder, "failed", $"{a.Id}.dcm")));
            // b moved to failed/ by the quarantine, then the crash before its "F" record.
            File.Move(b.Path, Path.Combine(_folder, "failed", $"{b.Id}.dcm"));
        }
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(new SpoolRecoveryReport(0, 0, 0, 0), reopened.Recovery);
        Assert.Equal(2, reopened.Snapshot().QuarantinedInstances);
    }

    [Fact]
    public async Task A_journal_left_beside_by_an_interrupted_compaction_is_ignored()
    {
        using (var spool = DicomSpool.Open(_folder))
            await AddAsync(spool, "1.2.3.1");
        await File.WriteAllTextAsync(JournalPath + ".new", "A\t99\tgarbage");
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(new SpoolRecoveryReport(1, 0, 0, 0), reopened.Recovery);
    }

    [Fact]
    public async Task The_journal_is_preallocated_and_appends_do_not_change_its_size()
    {
        Directory.CreateDirectory(_folder);
        using var journal = SpoolJournal.Open(JournalPath, () => { });
        Assert.Equal(0, journal.Length);
        Assert.True(journal.Allocated >= SpoolJournal.ExtendAhead);
        var size = new FileInfo(JournalPath).Length;
        Assert.Equal(journal.Allocated, size);
        await journal.CommitAsync(new JournalRecord('A', 1, 0, 10, "1.2.3", "1.2.3.1"));
        await journal.CommitAsync(new JournalRecord('D', 1));
        Assert.Equal(size, new FileInfo(JournalPath).Length);
        Assert.Equal(2, SpoolJournal.Read(JournalPath, out var damaged).Count);
        Assert.Equal(0, damaged); // the zero tail is not damage

        // Near the end, the file is extended ahead of the records by a chunk.
        var id = 1L;
        var study = new string('1', 60);
        while (journal.Length < size) journal.Append(new JournalRecord('A', ++id, 0, 100, study, study + ".1"));
        Assert.True(journal.Allocated >= journal.Length + SpoolJournal.ExtendAhead);
        Assert.Equal(0, (journal.Allocated - size) % SpoolJournal.Chunk);
        Assert.Equal(journal.Allocated, new FileInfo(JournalPath).Length);
        Assert.Equal(id + 1, SpoolJournal.Read(JournalPath, out damaged).Count); // and the "D"
        Assert.Equal(0, damaged);
    }

    [Fact]
    public async Task A_torn_record_in_preallocated_space_is_damaged_and_the_next_append_goes_in_its_place()
    {
        Directory.CreateDirectory(_folder);
        var study = new string('2', 60);
        long end;
        using (var journal = SpoolJournal.Open(JournalPath, () => { }))
        {
            for (var i = 1; i <= 3; i++) await journal.CommitAsync(new JournalRecord('A', i, 0, 10, "1.2.3", $"1.2.3.{i}"));
            end = journal.Length;
        }
        // The crash cut an append: its first bytes reached the disk, the zeros after them are the preallocated space.
        var torn = Encoding.UTF8.GetBytes(SpoolJournal.Format(new JournalRecord('A', 4, 0, 10, study, study + ".4", File: "objects/4.dcm")))[..150];
        using (var file = File.OpenHandle(JournalPath, FileMode.Open, FileAccess.Write))
            RandomAccess.Write(file, torn, end);
        Assert.Equal(3, SpoolJournal.Read(JournalPath, out var damaged).Count);
        Assert.Equal(1, damaged);

        using (var journal = SpoolJournal.Open(JournalPath, () => { }))
        {
            Assert.Equal(end, journal.Length);
            // Shorter than the torn bytes: they must not be left after it, glued to the next record.
            await journal.CommitAsync(new JournalRecord('D', 2));
            await journal.CommitAsync(new JournalRecord('A', 5, 0, 10, "1.2.3", "1.2.3.5"));
        }
        var records = SpoolJournal.Read(JournalPath, out damaged);
        Assert.Equal(0, damaged);
        Assert.Equal([1L, 2, 3, 2, 5], records.Select(r => r.Id));
    }

    [Fact]
    public void An_A_record_s_content_crc_is_its_ninth_field_and_is_read_back_only_on_A_records()
    {
        var withCrc = new JournalRecord('A', 7, 1, 530_000, "1.2.3", "1.2.3.7", File: "recycled/7.dcm", ContentCrc: 0x0badf00d);
        var line = SpoolJournal.Format(withCrc);
        Assert.Contains("\trecycled/7.dcm\t0badf00d\t", line, StringComparison.Ordinal);
        Assert.Equal(withCrc, SpoolJournal.Parse(line.TrimEnd('\n')));
        // Without one, the 8-field line of the version before, read as before.
        var without = withCrc with { ContentCrc = null };
        Assert.Equal(without, SpoolJournal.Parse(SpoolJournal.Format(without).TrimEnd('\n')));
        // A CRC on a "D" record is a damaged line, although its line checksum is right.
        Assert.Null(SpoolJournal.Parse(SpoolJournal.Format(new JournalRecord('D', 7, ContentCrc: 1)).TrimEnd('\n')));
    }

    [Fact]
    public async Task A_hole_in_the_records_is_damage_and_the_records_before_it_are_kept()
    {
        Directory.CreateDirectory(Objects);
        using (var spool = DicomSpool.Open(_folder))
            for (var i = 1; i <= 2; i++) await AddAsync(spool, $"1.2.3.{i}");
        // A flush cut by power loss: a later page of the journal reached the disk, the one before it did not (zeros),
        // so a record after the hole is intact but was never acknowledged; a zero tail follows.
        var records = SpoolJournal.Read(JournalPath, out _);
        var text = string.Concat(records.Select(SpoolJournal.Format));
        var late = SpoolJournal.Format(new JournalRecord('D', records[0].Id));
        await File.WriteAllBytesAsync(JournalPath, [.. Encoding.UTF8.GetBytes(text), .. new byte[40], (byte)'\n', .. Encoding.UTF8.GetBytes(late), .. new byte[8192]]);
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(1, reopened.Recovery.DamagedJournalLines);
        Assert.Equal(1, reopened.Recovery.Pending); // the "D" after the hole still counts: harmless either way
    }

    [Fact]
    public async Task With_a_reserve_spares_are_created_ahead_and_instances_go_in_place_without_a_folder_fsync()
    {
        const int reserve = 8;
        var written = new List<SpoolEntry>();
        using (var spool = DicomSpool.Open(_folder, spareReserve: reserve))
        {
            // Created in the background right after opening (ready once their folder is fsync'd); nothing recycled yet.
            await WaitForAsync(() => spool.SparesReady == reserve);
            Assert.Equal(reserve, Directory.GetFiles(Recycled).Length);
            var flushes = spool.ObjectsFolderFlushes;
            for (var i = 0; i < reserve / 2 + 1; i++) written.Add(await AddAsync(spool, $"1.2.3.{i}", 500));
            Assert.All(written, e => Assert.Equal(Recycled, Path.GetDirectoryName(e.Path)));
            Assert.Equal(flushes, spool.ObjectsFolderFlushes);
            // Below half the reserve: topped up again in the background.
            await WaitForAsync(() => Directory.GetFiles(Recycled).Length == written.Count + reserve);
            for (var i = 10; i < 40; i++) written.Add(await AddAsync(spool, $"1.2.3.{i}", 500));
            Assert.Equal(written.Count, written.Select(e => e.Path).Distinct().Count());
        }
        // A restart: every instance from its own file; the empty spares left are spares again, never a pending file.
        using var reopened = DicomSpool.Open(_folder, spareReserve: reserve);
        Assert.Equal(new SpoolRecoveryReport(written.Count, 0, 0, 0), reopened.Recovery);
        foreach (var e in written)
            Assert.Equal(Bytes(e.SopInstanceUid, 500), await File.ReadAllBytesAsync(e.Path));
        var next = await AddAsync(reopened, "1.2.3.99", 10);
        Assert.DoesNotContain(next.Path, written.Select(e => e.Path));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    /// <summary>A record as the journal wrote it before "A" records named their file: seven fields and the FNV-1a checksum.</summary>
    private static string OldRecord(char kind, long id, string sop, long length)
    {
        var body = string.Join('\t', kind.ToString(), id.ToString(CultureInfo.InvariantCulture), "1", length.ToString(CultureInfo.InvariantCulture),
            sop.Length > 0 ? "1.2.3" : "", sop, "");
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(body))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return $"{body}\t{hash:x8}\n";
    }
}
