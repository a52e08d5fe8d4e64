using System.Text.Json;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Json;

/// <summary>
/// A top-level filter writes a subset of a data set's DICOM JSON: exactly the accepted top-level properties of the
/// full JSON, byte for byte the same values (sequences whole), for every sample.
/// </summary>
public sealed class TopLevelFilterTests
{
    public static TheoryData<string> Files() => Samples.AllFiles();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void A_filtered_write_is_the_full_json_restricted_to_the_accepted_tags(string relativePath)
    {
        Samples.RequireRoot();
        var sample = Samples.Get(relativePath);
        DicomFile file;
        try
        {
            file = DicomFile.Open(sample.FullPath);
        }
        catch (DicomFormatException)
        {
            return; // the malformed samples are covered by the reader's own tests
        }

        using (file)
        {
            var options = new DicomJsonOptions { BulkDataUriPrefix = "http://x/bulk" };
            // Every other top-level element, and always the sequences: both kinds are filtered.
            var accepted = file.Dataset.Where((e, i) => i % 2 == 0 || e.IsSequence).Select(e => e.Tag).ToHashSet();
            using var full = JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset, options));
            using var filtered = JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset, options with { TopLevelFilter = accepted.Contains }));

            var expected = full.RootElement.EnumerateObject().Where(p => accepted.Contains(new DicomTag(uint.Parse(p.Name, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture))))
                .Select(p => (p.Name, p.Value.GetRawText())).ToList();
            var actual = filtered.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText())).ToList();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void A_filter_that_accepts_nothing_writes_an_empty_object()
    {
        var dataset = new DicomDataset();
        dataset.SetString(new DicomTag(0x00100010u), DicomVR.PN, "Doe^Jane");
        Assert.Equal("{}", DicomJsonWriter.Serialize(dataset, new DicomJsonOptions { TopLevelFilter = _ => false }));
    }
}
