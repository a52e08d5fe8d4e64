using System.Text.Json;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Conformance;

/// <summary>
/// Every file of the corpus, read by us and by DCMTK: the same attributes with the same values (compared through
/// DICOM JSON: ours from <see cref="DicomJsonWriter"/>, DCMTK's from dcm2json, generated now). Files DCMTK cannot
/// read must be rejected by us with a typed error that names an offset.
/// </summary>
public sealed class DcmtkConformanceTests
{
    public static TheoryData<string> Files() => Samples.AllFiles();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Every_sample_matches_DCMTK_attribute_by_attribute(string relativePath)
    {
        Samples.RequireRoot();
        var path = Samples.PathOf(relativePath);
        var (reads, _, dumpErrors) = Dcmtk.Dump(path);

        if (!reads)
        {
            var error = Assert.Throws<DicomFormatException>(() => DicomFile.Open(path).Dispose());
            Assert.True(error.Offset >= 0, $"no offset in '{error.Message}'");
            Assert.False(string.IsNullOrWhiteSpace(error.Reason));
            return;
        }

        using var file = DicomFile.Open(path);
        var (reference, why) = Dcmtk.ToJson(path);
        if (reference is null)
        {
            // Only character sets DCMTK's iconv lacks end up here; CharacterSetTests compares those with pydicom.
            Assert.Contains("character", why + dumpErrors, StringComparison.OrdinalIgnoreCase);
            return;
        }

        var ours = JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset)).RootElement;
        var ignored = new List<string>();
        if (reference.PixelDataRemoved)
        {
            // The reference was made from a copy DCMTK rewrote without Pixel Data; its writer also drops Data Set Trailing Padding.
            ignored.Add("7FE00010");
            ignored.Add("FFFCFFFC");
        }

        if (relativePath == "dwv/dwv-test-sequence.dcm")
        {
            // DCMTK files (0008,0060) under the meta header of this file (its own warning says "Invalid Element
            // (0008,0060) found in Meta Information Header"); we read meta while the group is 0002 and keep it in the data set.
            ignored.Add("00080060");
        }

        var differences = JsonComparer.Compare(reference.Root, ours, [.. ignored]);
        Assert.True(differences.Count == 0, $"{relativePath}:\n" + string.Join('\n', differences));

        if (reference.PixelDataRemoved)
        {
            var expected = Dcmtk.PixelDataItemLengths(path);
            var fragments = file.Dataset[DicomTag.PixelData].Fragments;
            Assert.NotNull(fragments);
            // dcmdump shows an odd fragment length rounded up to even (it warns "Length of item ... is odd");
            // we report the length as stored in the file.
            var actual = Enumerable.Range(0, fragments.ItemCount)
                .Select(i => (long)fragments[i].Length)
                .Select((length, i) => (length & 1) == 1 && i < expected.Count && expected[i] == length + 1 ? length + 1 : length)
                .ToList();
            Assert.Equal(expected, actual);
        }
    }
}
