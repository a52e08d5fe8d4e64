namespace DrimCloud.Dicom.Network.Tests.Infrastructure;

/// <summary>Picks files from the sample corpus by MANIFEST.tsv columns.</summary>
internal static class Corpus
{
    public sealed record Entry(string Path, string RelativePath, string TransferSyntaxUid, string SopClassUid, string SopInstanceUid, long Size, string Notes, string PeerCStore);

    public static IReadOnlyList<Entry> All()
    {
        var folder = TestEnvironment.RequireSamples();
        var lines = File.ReadAllLines(Path.Combine(folder, "MANIFEST.tsv"));
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name);
        var entries = new List<Entry>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split('\t');
            entries.Add(new Entry(
                Path.Combine(folder, cells[Column("file")]),
                cells[Column("file")],
                cells[Column("transfer_syntax_uid")],
                cells[Column("sop_class_uid")],
                cells[Column("sop_instance_uid")],
                long.Parse(cells[Column("size_bytes")], System.Globalization.CultureInfo.InvariantCulture),
                cells[Column("notes")],
                cells[Column("peer_orthanc_cstore")]));
        }
        return entries;
    }

    /// <summary>Files DCMTK storescu sends (per the manifest's reference run), one per SOP Instance UID.</summary>
    public static IReadOnlyList<Entry> StorableByDcmtk() =>
        [.. All().Where(e => e.PeerCStore == "ok" && e.TransferSyntaxUid.Length > 0).DistinctBy(e => e.SopInstanceUid)];

    public static string DicomDirTests => System.IO.Path.Combine(TestEnvironment.RequireSamples(), "pydicom", "dicomdirtests");
}
