namespace DrimCloud.Dicom.Tests.Api;

/// <summary>Dictionary, typed accessors, editing and UIDs.</summary>
public sealed class ModelTests
{
    [Fact]
    public void Dictionary_finds_tags_keywords_and_repeating_groups()
    {
        Assert.True(DicomDictionary.TryGetEntry(DicomTags.PatientName, out var entry));
        Assert.Equal("PatientName", entry.Keyword);
        Assert.Equal("Patient's Name", entry.Name);
        Assert.Equal(DicomVR.PN, entry.VR);
        Assert.True(DicomDictionary.TryGetTag("SOPInstanceUID", out var tag));
        Assert.Equal(new DicomTag(0x00080018), tag);
        Assert.Equal(DicomVR.OW, DicomDictionary.GetVR(DicomTag.PixelData));
        Assert.Equal(DicomVR.SS, DicomDictionary.GetVRs(new DicomTag(0x00280106), out var alternative) == DicomVR.US ? alternative : DicomVR.NO);
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x60023000), out var overlay));
        Assert.Equal("OverlayData", overlay.Keyword);
        Assert.Equal(DicomVR.LO, DicomDictionary.GetVR(new DicomTag(0x00290010)));
        Assert.Equal(DicomVR.UN, DicomDictionary.GetVR(new DicomTag(0x00291010)));
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x00080010), out var retired) && retired.IsRetired);
        Assert.Equal(DicomTags.StudyInstanceUID, DicomTag.Parse("StudyInstanceUID"));
        Assert.Equal(DicomTags.StudyInstanceUID, DicomTag.Parse("(0020,000D)"));
        Assert.Equal("(0020,000D)", DicomTags.StudyInstanceUID.ToString());
    }

    [Fact]
    public void Typed_accessors_decode_dates_times_numbers_and_names()
    {
        using var dataset = new DicomDataset();
        dataset.SetString(DicomTags.StudyDate, DicomVR.DA, "20240229");
        dataset.SetString(DicomTags.StudyTime, DicomVR.TM, "093015.25");
        dataset.SetString(DicomTags.AcquisitionDateTime, DicomVR.DT, "20240229093015.5+0100");
        dataset.SetString(DicomTags.PixelSpacing, DicomVR.DS, " 0.5\\0.25 ");
        dataset.SetString(DicomTags.PatientName, DicomVR.PN, "Doe^John^Q^Dr^III");
        dataset.SetNumbers(DicomTags.Rows, DicomVR.US, [512]);
        dataset.SetNumbers(DicomTags.RescaleSlope, DicomVR.FD, [1.5]);

        Assert.Equal(new DateOnly(2024, 2, 29), dataset.GetDate(DicomTags.StudyDate));
        Assert.Equal(new TimeOnly(9, 30, 15, 250), dataset.GetTime(DicomTags.StudyTime));
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 9, 30, 15, 500, TimeSpan.FromHours(1)), dataset.GetDateTime(DicomTags.AcquisitionDateTime));
        Assert.Equal(0.25, dataset.GetDouble(DicomTags.PixelSpacing, 1));
        Assert.Equal(["0.5", "0.25"], dataset.GetStrings(DicomTags.PixelSpacing));
        Assert.Equal(512, dataset.GetInt32(DicomTags.Rows));
        Assert.Equal(1.5, dataset.GetDouble(DicomTags.RescaleSlope));
        var name = dataset.GetPersonName(DicomTags.PatientName)!;
        Assert.Equal(("Doe", "John", "Q", "Dr", "III"), (name.FamilyName, name.GivenName, name.MiddleName, name.NamePrefix, name.NameSuffix));
        Assert.Null(dataset.GetString(DicomTags.PatientID));
        Assert.Equal(7, dataset.Count);
        Assert.True(dataset.Remove(DicomTags.Rows));
        Assert.Equal(6, dataset.Count);

        // Elements stay in tag order whatever the insertion order.
        var tags = dataset.Select(e => e.Tag.Value).ToList();
        Assert.Equal(tags.Order().ToList(), tags);
    }

    [Fact]
    public void Odd_length_strings_are_padded_as_their_vr_requires()
    {
        using var dataset = new DicomDataset();
        dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3");
        dataset.SetString(DicomTags.Modality, DicomVR.CS, "MRI");
        Assert.Equal("1.2.3\0"u8.ToArray(), dataset[DicomTags.SOPInstanceUID].RawValue.ToArray());
        Assert.Equal("MRI "u8.ToArray(), dataset[DicomTags.Modality].RawValue.ToArray());
        Assert.Equal("1.2.3", dataset.GetUid(DicomTags.SOPInstanceUID));
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2", true)]
    [InlineData("2.25.123", true)]
    [InlineData("0.0", true)]
    [InlineData("1.02.3", false)]
    [InlineData("1..2", false)]
    [InlineData("1.2.", false)]
    [InlineData("1.2a", false)]
    [InlineData("", false)]
    [InlineData("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27", false)]
    public void Uid_validation_follows_ps3_5_section_9(string uid, bool valid) => Assert.Equal(valid, DicomUid.IsValid(uid));

    [Fact]
    public void Generated_uids_are_valid_and_unique()
    {
        var uuidDerived = Enumerable.Range(0, 1000).Select(_ => DicomUid.Generate()).ToList();
        Assert.All(uuidDerived, uid => Assert.True(DicomUid.IsValid(uid) && uid.StartsWith("2.25.", StringComparison.Ordinal), uid));
        Assert.Equal(1000, uuidDerived.Distinct().Count());

        var rooted = Enumerable.Range(0, 1000).Select(_ => DicomUid.Generate("1.2.250.1.999")).ToList();
        Assert.All(rooted, uid => Assert.True(DicomUid.IsValid(uid) && uid.StartsWith("1.2.250.1.999.", StringComparison.Ordinal) && uid.Length <= 64, uid));
        Assert.Equal(1000, rooted.Distinct().Count());
        Assert.Throws<ArgumentException>(() => DicomUid.Generate("1.02"));
        Assert.Throws<ArgumentException>(() => DicomUid.Generate("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21"));
        Assert.True(DicomUid.IsValid(DicomUid.ImplementationClassUid));
    }

    [Fact]
    public void Dataset_built_in_memory_is_written_with_generated_meta()
    {
        using var dataset = new DicomDataset();
        dataset.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.Generate());
        var items = dataset.SetSequence(DicomTags.ReferencedImageSequence);
        var item = dataset.CreateItem();
        item.SetString(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, "1.2.3");
        items.Add(item);

        var output = new MemoryStream();
        DicomWriter.Write(new DicomFile(dataset), output);
        output.Position = 0;
        using var read = DicomFile.Read(output);
        Assert.Equal(dataset.GetUid(DicomTags.SOPInstanceUID), read.Meta.GetUid(DicomTags.MediaStorageSOPInstanceUID));
        Assert.Equal(DicomUid.ImplementationClassUid, read.Meta.GetUid(DicomTags.ImplementationClassUID));
        Assert.Equal("1.2.3", read.Dataset.GetSequence(DicomTags.ReferencedImageSequence)![0].GetUid(DicomTags.ReferencedSOPInstanceUID));
    }
}
