using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.BadInput;

/// <summary>Broken input gives a <see cref="DicomFormatException"/> that says where and what, from seekable and
/// non-seekable sources alike, without hanging or allocating what the input cannot hold.</summary>
public sealed class BadInputTests
{
    private static DicomFormatException Rejects(byte[] data, DicomReadOptions? options = null)
    {
        var fromMemory = Assert.Throws<DicomFormatException>(() => DicomFile.Read(new MemoryStream(data), options).Dispose());
        var fromStream = Assert.Throws<DicomFormatException>(() => DicomFile.Read(new NonSeekableStream(new MemoryStream(data), 13), options).Dispose());
        Assert.False(string.IsNullOrWhiteSpace(fromMemory.Reason));
        Assert.False(string.IsNullOrWhiteSpace(fromStream.Reason));
        return fromMemory;
    }

    [Fact]
    public void Empty_input_is_not_dicom() => Assert.Contains("empty", Rejects([]).Reason, StringComparison.Ordinal);

    [Fact]
    public void Text_file_is_not_dicom()
    {
        var error = Rejects("This is a plain text file, certainly not DICOM, but long enough to look at."u8.ToArray());
        Assert.Contains("not a DICOM file", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Length_past_the_end_names_the_element_and_offset()
    {
        var data = DicomBytes.Part10().Explicit(0x00100010, "PN", "Doe^John").ExplicitHeader(0x00100020, "LO", 40).Raw("short"u8).ToArray();
        var error = Rejects(data);
        Assert.Contains("(0010,0020)", error.Reason, StringComparison.Ordinal);
        Assert.Contains("past the end", error.Reason, StringComparison.Ordinal);
        Assert.InRange(error.Offset, 132, data.Length);
    }

    [Fact]
    public void Absurd_length_is_rejected_without_allocating_it()
    {
        var data = DicomBytes.Part10().ExplicitHeader(0x7FE00010, "OB", 0xFFFFFFF0).Raw(new byte[1000]).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Rejects(data, new DicomReadOptions { LargeValues = LargeValueMode.Load });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("past the end", error.Reason, StringComparison.Ordinal);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes for a 1 KB input");
    }

    [Fact]
    public void Garbage_vr_is_rejected()
    {
        var data = DicomBytes.Part10().Explicit(0x00100010, "PN", "Doe^John").Tag(0x00100020).Raw([0x01, 0xFF]).U16(2).Raw("AB"u8).ToArray();
        var error = Rejects(data);
        Assert.Contains("invalid VR", error.Reason, StringComparison.Ordinal);
        Assert.Contains("(0010,0020)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_bomb_is_stopped_at_the_depth_limit()
    {
        var bytes = DicomBytes.Part10();
        for (var i = 0; i < 100_000; i++)
        {
            bytes.ExplicitHeader(0x00081140, "SQ", 0xFFFFFFFF).Tag(0xFFFEE000).U32(0xFFFFFFFF);
        }

        var error = Rejects(bytes.ToArray());
        Assert.Contains("nested deeper than 64", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_length_on_a_plain_value_is_rejected()
    {
        var data = DicomBytes.Part10().ExplicitHeader(0x00081030, "UT", 0xFFFFFFFF).ToArray();
        Assert.Contains("undefined length", Rejects(data).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Item_running_past_its_sequence_is_rejected()
    {
        var data = DicomBytes.Part10()
            .ExplicitHeader(0x00081140, "SQ", 16).Tag(0xFFFEE000).U32(20).Explicit(0x00081150, "UI", "1.2.3.4")
            .Explicit(0x00081155, "UI", "1.2").Explicit(0x00100010, "PN", "X^Y").ToArray();
        Assert.Contains("past the end", Rejects(data).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_meta_length_that_swallows_the_data_set_is_rejected()
    {
        // The Transfer Syntax UID claims 60 bytes, so it runs into the data set: no valid UID can come out of that.
        var data = new DicomBytes().Raw(new byte[128]).Raw("DICM"u8)
            .ExplicitHeader(0x00020010, "UI", 60).Raw("1.2.840.10008.1.2.1\0"u8)
            .Explicit(0x00100010, "PN", "Doe^John").Raw(new byte[40]).ToArray();
        var error = Rejects(data);
        Assert.Contains("Transfer Syntax UID", error.Reason, StringComparison.Ordinal);
        Assert.Equal(140, error.Offset);
    }

    [Fact]
    public void Meta_element_with_absurd_length_is_rejected()
    {
        var data = new DicomBytes().Raw(new byte[128]).Raw("DICM"u8).ExplicitHeader(0x00020001, "OB", 0x7FFFFFFF).Raw([0, 1]).ToArray();
        Assert.Contains("absurd length", Rejects(data).Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Every_truncation_of_a_real_file_is_a_typed_error_or_a_shorter_data_set()
    {
        var path = Samples.PathOf("pydicom/CT_small.dcm");
        var data = File.ReadAllBytes(path);
        for (var cut = 0; cut < data.Length; cut += 97)
        {
            var part = data.AsSpan(0, cut).ToArray();
            foreach (var stream in new Stream[] { new MemoryStream(part), new NonSeekableStream(new MemoryStream(part), 61) })
            {
                try
                {
                    using var file = DicomFile.Read(stream);
                    // A cut exactly between two top-level elements is a valid, shorter data set.
                    Assert.True(file.Dataset.Count > 0);
                }
                catch (DicomFormatException e)
                {
                    Assert.InRange(e.Offset, 0, cut);
                }
            }
        }
    }

    [SkippableFact]
    public void Truncated_sample_is_rejected_with_the_pixel_data_offset()
    {
        var error = Assert.Throws<DicomFormatException>(() => DicomFile.Open(Samples.PathOf("pydicom/MR_truncated.dcm")).Dispose());
        Assert.Contains("(7FE0,0010)", error.Reason, StringComparison.Ordinal);
        Assert.Contains("past the end", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1496, error.Offset);
    }
}
