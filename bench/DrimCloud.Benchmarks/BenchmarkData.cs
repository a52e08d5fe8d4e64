using System.Buffers.Binary;
using DrimCloud.Dicom;

namespace DrimCloud.Benchmarks;

/// <summary>Locates the sample corpus and makes the large synthetic inputs (never committed: written to a temp dir).</summary>
public static class BenchmarkData
{
    public static string SamplesRoot()
    {
        var configured = Environment.GetEnvironmentVariable("DRIMCLOUD_SAMPLES");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "dicom-samples");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/dicom-samples not found; set DRIMCLOUD_SAMPLES");
    }

    public static string CtSlice => Path.Combine(SamplesRoot(), "cwil", "CTImage.dcm");

    /// <summary>
    /// A multi-frame Implicit VR LE file made from the real CT slice: its header (new UIDs, Number of Frames) and its
    /// 512x512x16-bit frame repeated <paramref name="frames"/> times (1000 frames = 524 MB). Written by streaming,
    /// so making it needs no big buffer. Reused if it already exists with the right size.
    /// </summary>
    public static string MakeMultiFrame(string path, int frames = 1000)
    {
        using var slice = DicomFile.Open(CtSlice);
        var frame = slice.Dataset[DicomTag.PixelData].ReadValue();
        var expectedSize = -1L;
        if (File.Exists(path))
        {
            expectedSize = new FileInfo(path).Length;
        }

        var header = new DicomDataset();
        foreach (var element in slice.Dataset)
        {
            if (element.Tag != DicomTag.PixelData && element.IsInMemory && element.Items is null)
            {
                header.SetRaw(element.Tag, element.VR, element.RawValue);
            }
        }

        header.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "2.25.1234567890123456789");
        header.SetString(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var headerBytes = new MemoryStream();
        DicomWriter.Write(new DicomFile(header, DicomTransferSyntax.ImplicitVRLittleEndian), headerBytes, new DicomWriteOptions { FileFormat = DicomFileFormat.Part10 });
        var total = headerBytes.Length + 8 + ((long)frame.Length * frames);
        if (expectedSize == total)
        {
            return path;
        }

        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        headerBytes.Position = 0;
        headerBytes.CopyTo(output);
        Span<byte> pixelHeader = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(pixelHeader, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(pixelHeader[2..], 0x0010);
        BinaryPrimitives.WriteUInt32LittleEndian(pixelHeader[4..], checked((uint)((long)frame.Length * frames)));
        output.Write(pixelHeader);
        for (var i = 0; i < frames; i++)
        {
            output.Write(frame);
        }

        return path;
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "drimcloud-bench");
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>A non-seekable view of a memory buffer that can be rewound between benchmark iterations without allocating.</summary>
public sealed class RewindableNonSeekableStream(byte[] data) : Stream
{
    private int _position;

    public void Rewind() => _position = 0;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
