using System.Text.Json;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Json;

/// <summary>DICOM JSON both ways: dataset → JSON → dataset → JSON is stable for every sample, and the dataset built
/// from JSON is written as a Part 10 file that DCMTK reads with the same content.</summary>
public sealed class JsonRoundTripTests
{
    public static TheoryData<string> Files() => Samples.AllFiles();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Json_read_back_gives_the_same_json_and_a_file_DCMTK_agrees_with(string relativePath)
    {
        Samples.RequireRoot();
        var sample = Samples.Get(relativePath);
        if (!Dcmtk.Dump(sample.FullPath).Reads)
        {
            return;
        }

        using var file = DicomFile.Open(sample.FullPath);
        var json = DicomJsonWriter.Serialize(file.Dataset);
        using var fromJson = DicomJsonReader.Parse(json);
        var again = DicomJsonWriter.Serialize(fromJson);
        var differences = JsonComparer.Compare(JsonDocument.Parse(json).RootElement, JsonDocument.Parse(again).RootElement);
        Assert.True(differences.Count == 0, string.Join('\n', differences));

        if (file.TransferSyntax.IsEncapsulated)
        {
            // Encapsulated pixel data came back as InlineBinary bytes: a native OB value, not fragments. Only JSON is compared.
            return;
        }

        var output = Path.Combine(Path.GetTempPath(), $"drimcloud-json-{Guid.NewGuid():N}.dcm");
        try
        {
            DicomWriter.Save(new DicomFile(fromJson), output);
            var (reference, why) = Dcmtk.ToJson(output);
            Assert.True(reference is not null, why);
            var dcmtkDifferences = JsonComparer.Compare(reference.Root, JsonDocument.Parse(json).RootElement);
            Assert.True(dcmtkDifferences.Count == 0, string.Join('\n', dcmtkDifferences));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Person_name_groups_numbers_and_tags_are_read_and_written_per_annex_F()
    {
        const string json = """
            {
              "00080005": {"vr":"CS","Value":["ISO_IR 100"]},
              "00100010": {"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"}]},
              "00181310": {"vr":"US","Value":[0,256,256,0]},
              "00200032": {"vr":"DS","Value":[-125.5,0.000001,1e10]},
              "00201041": {"vr":"DS","Value":["  12.5 "]},
              "00200013": {"vr":"IS","Value":[42]},
              "00209165": {"vr":"AT","Value":["0062000B"]},
              "00080060": {"vr":"CS","Value":["MR", null, "CT"]},
              "00091010": {"vr":"UN","InlineBinary":"AQID"},
              "00081140": {"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.3"]}}, {}]},
              "7FE00010": {"vr":"OW","BulkDataURI":"https://x/bulk/7FE00010"}
            }
            """;
        string? seenUri = null;
        using var dataset = DicomJsonReader.Parse(json, (tag, vr, uri) => { seenUri = uri; return [1, 2, 3, 4]; });

        Assert.Equal("ISO_IR 192", dataset.GetString(DicomTag.SpecificCharacterSet));
        var name = dataset.GetPersonName(DicomTags.PatientName)!;
        Assert.Equal("Yamada", name.FamilyName);
        Assert.Equal("山田^太郎", name.Ideographic);
        Assert.Equal("やまだ^たろう", name.Phonetic);
        Assert.Equal(256, dataset.GetInt32(DicomTags.AcquisitionMatrix, 1));
        Assert.Equal(1e10, dataset.GetDouble(DicomTags.ImagePositionPatient, 2));
        Assert.Equal(42, dataset.GetInt32(DicomTags.InstanceNumber));
        Assert.Equal(new DicomTag(0x0062000B), dataset.GetAttributeTag(new DicomTag(0x00209165)));
        Assert.Equal(["MR", "", "CT"], dataset.GetStrings(DicomTags.Modality));
        Assert.Equal([1, 2, 3, 0], dataset[new DicomTag(0x00091010)].RawValue.ToArray());
        Assert.Equal(2, dataset.GetSequence(DicomTags.ReferencedImageSequence)!.Count);
        Assert.Equal("https://x/bulk/7FE00010", seenUri);

        var written = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset, new DicomJsonOptions { BulkDataUriPrefix = "https://y", BulkDataThreshold = 2 })).RootElement;
        Assert.Equal("-125.5", written.GetProperty("00200032").GetProperty("Value")[0].GetRawText());
        Assert.Equal("12.5", written.GetProperty("00201041").GetProperty("Value")[0].GetRawText());
        Assert.Equal(JsonValueKind.Null, written.GetProperty("00080060").GetProperty("Value")[1].ValueKind);
        Assert.Equal("山田^太郎", written.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Ideographic").GetString());
        Assert.Equal("https://y/7FE00010", written.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
        Assert.Equal("0062000B", written.GetProperty("00209165").GetProperty("Value")[0].GetString());
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("+1.5", "1.5")]
    [InlineData(".5", "0.5")]
    [InlineData("-.5E3", "-0.5e3")]
    [InlineData("007", "7")]
    [InlineData("5.", "5")]
    public void Decimal_strings_become_valid_json_numbers(string ds, string json)
    {
        using var dataset = new DicomDataset();
        dataset.SetString(DicomTags.SliceThickness, DicomVR.DS, ds);
        var written = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset)).RootElement;
        Assert.Equal(json, written.GetProperty("00180050").GetProperty("Value")[0].GetRawText());
    }

    [Theory]
    [InlineData("1e999")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    public void Decimal_strings_that_are_not_finite_numbers_stay_strings(string ds)
    {
        using var dataset = new DicomDataset();
        dataset.SetString(DicomTags.SliceThickness, DicomVR.DS, ds);
        var written = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset)).RootElement;
        Assert.Equal(ds, written.GetProperty("00180050").GetProperty("Value")[0].GetString());
    }

    [Fact]
    public void Thousands_of_instances_stream_into_one_writer()
    {
        using var dataset = new DicomDataset();
        dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3");
        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            for (var i = 0; i < 2000; i++)
            {
                DicomJsonWriter.Write(writer, dataset);
            }

            writer.WriteEndArray();
        }

        output.Position = 0;
        Assert.Equal(2000, JsonDocument.Parse(output).RootElement.GetArrayLength());
    }
}
