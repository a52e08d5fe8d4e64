using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Api;

/// <summary>The reader features the DICOMweb and networking code rely on: stop before a tag on a non-seekable
/// stream, element and fragment offsets, lazy values, skip mode, async reading.</summary>
public sealed class ReaderApiTests
{
    [SkippableFact]
    public void Header_from_a_non_seekable_stream_stops_before_pixel_data_and_hands_back_what_it_read_past()
    {
        var path = Samples.PathOf("cwil/CTImage.dcm");
        var bytes = File.ReadAllBytes(path);
        using var stream = new NonSeekableStream(new MemoryStream(bytes));
        using var file = DicomFile.Read(stream, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });

        Assert.True(file.StoppedBeforeTag);
        Assert.False(file.Dataset.Contains(DicomTag.PixelData));
        Assert.Equal("CT", file.Dataset.GetString(DicomTags.Modality));
        // The stop offset is where Pixel Data's header starts in the file, and the bytes taken past it are the file's.
        Assert.Equal(0x7FE0, bytes[(int)file.StopOffset] | (bytes[(int)file.StopOffset + 1] << 8));
        var past = file.BytesReadPastStop.ToArray();
        Assert.Equal(bytes.AsSpan((int)file.StopOffset, past.Length).ToArray(), past);
        var rest = new MemoryStream();
        stream.CopyTo(rest);
        Assert.Equal(bytes.Length, file.StopOffset + past.Length + rest.Length);
    }

    [SkippableFact]
    public void Every_top_level_element_knows_where_it_starts_in_the_file()
    {
        var path = Samples.PathOf("pydicom/CT_small.dcm");
        var bytes = File.ReadAllBytes(path);
        using var file = DicomFile.Open(path);
        foreach (var element in file.Dataset)
        {
            var at = (int)element.StreamOffset;
            Assert.Equal(element.Tag.Group, bytes[at] | (bytes[at + 1] << 8));
            Assert.Equal(element.Tag.Element, bytes[at + 2] | (bytes[at + 3] << 8));
        }
    }

    [SkippableFact]
    public void Fragment_offsets_point_at_the_fragment_bytes_for_a_frame_index()
    {
        var path = Samples.PathOf("pydicom/SC_rgb_rle_2frame.dcm");
        var bytes = File.ReadAllBytes(path);
        using var file = DicomFile.Read(new NonSeekableStream(File.OpenRead(path)), new DicomReadOptions { LargeValues = LargeValueMode.Skip, LargeValueThreshold = 16 });
        var fragments = file.Dataset[DicomTag.PixelData].Fragments!;
        Assert.Equal(3, fragments.ItemCount);
        for (var i = 0; i < fragments.ItemCount; i++)
        {
            var fragment = fragments[i];
            Assert.Equal([0xFE, 0xFF, 0x00, 0xE0], bytes.AsSpan((int)fragment.StreamOffset, 4).ToArray());
            Assert.Equal(fragment.StreamOffset + 8, fragment.ValueOffset);
        }

        Assert.Equal(2, fragments.GetBasicOffsetTable().Length);
    }

    [SkippableFact]
    public void Large_values_stay_in_the_file_and_are_read_on_demand()
    {
        var path = Samples.PathOf("cwil/CTImage.dcm");
        using var file = DicomFile.Open(path);
        var pixels = file.Dataset[DicomTag.PixelData];
        Assert.False(pixels.IsInMemory);
        Assert.Equal(512u * 512 * 2, pixels.Length);
        var copy = new MemoryStream();
        pixels.CopyValueTo(copy);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(bytes.AsSpan((int)pixels.ValueOffset, (int)pixels.Length).ToArray(), copy.ToArray());
        Assert.Equal(copy.ToArray(), pixels.ReadValue());
    }

    [SkippableFact]
    public async Task Async_reading_gives_the_same_dataset_as_sync_reading()
    {
        var path = Samples.PathOf("nibabel/philips_mprage.dcm");
        using var sync = DicomFile.Open(path);
        await using var stream = new NonSeekableStream(File.OpenRead(path), 65_000);
        using var asynchronous = await DicomFile.ReadAsync(stream);
        Assert.Equal(DicomJsonWriter.Serialize(sync.Dataset), DicomJsonWriter.Serialize(asynchronous.Dataset));
    }

    [SkippableFact]
    public void Skip_mode_records_large_values_without_keeping_them()
    {
        var path = Samples.PathOf("cwil/CTImage.dcm");
        using var file = DicomFile.Read(new NonSeekableStream(File.OpenRead(path)), new DicomReadOptions { LargeValues = LargeValueMode.Skip });
        var pixels = file.Dataset[DicomTag.PixelData];
        Assert.True(pixels.IsSkipped);
        Assert.Throws<InvalidOperationException>(() => pixels.ReadValue());
        Assert.Throws<InvalidOperationException>(() => DicomWriter.Write(file, Stream.Null));
    }

    [SkippableFact]
    public void Bare_implicit_data_set_without_meta_is_read()
    {
        using var file = DicomFile.Open(Samples.PathOf("pydicom/rtstruct.dcm"));
        Assert.False(file.HasPreamble);
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, file.TransferSyntax);
        Assert.Equal("RTSTRUCT", file.Dataset.GetString(DicomTags.Modality));
    }

    [SkippableFact]
    public void Big_endian_values_are_decoded()
    {
        using var big = DicomFile.Open(Samples.PathOf("pydicom/MR_small_bigendian.dcm"));
        using var little = DicomFile.Open(Samples.PathOf("pydicom/MR_small.dcm"));
        Assert.True(big.Dataset.IsBigEndian);
        Assert.Equal(little.Dataset.GetInt32(DicomTags.Rows), big.Dataset.GetInt32(DicomTags.Rows));
        Assert.Equal(64, big.Dataset.GetInt32(DicomTags.Rows));
    }

    [SkippableFact]
    public void Editing_drops_group_lengths_that_would_be_stale()
    {
        using var file = DicomFile.Open(Samples.PathOf("cwil/CTImage.dcm"));
        Assert.True(file.Dataset.Contains(new DicomTag(0x00100000)));
        file.Dataset.SetString(DicomTags.PatientName, DicomVR.PN, "Renamed^Patient^With^A^Longer^Name");
        var output = new MemoryStream();
        DicomWriter.Write(file, output);
        output.Position = 0;
        using var reread = DicomFile.Read(output);
        Assert.False(reread.Dataset.Contains(new DicomTag(0x00100000)));
        Assert.Equal("Renamed^Patient^With^A^Longer^Name", reread.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(file.Dataset[DicomTag.PixelData].ReadValue(), reread.Dataset[DicomTag.PixelData].ReadValue());
    }
}
