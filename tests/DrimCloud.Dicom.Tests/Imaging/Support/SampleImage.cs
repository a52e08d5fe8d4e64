using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Imaging.Support;

/// <summary>
/// A corpus image as the API sees a stored instance: its header parsed up to Pixel Data, and its frames located
/// the way ingest locates them (<see cref="PixelDataScanner"/> + <see cref="FrameIndex"/>) and cut out of the file.
/// Deflated files cannot be located by byte ranges; their frames come from a full parse instead.
/// </summary>
public sealed class SampleImage
{
    private readonly byte[] _file;
    private readonly FrameIndex? _index;
    private readonly byte[]? _inflatedPixelData;

    private SampleImage(string path, byte[] file, DicomTransferSyntax syntax, PixelDescription description, FrameIndex? index, byte[]? inflated)
    {
        Path = path;
        _file = file;
        Syntax = syntax;
        Description = description;
        _index = index;
        _inflatedPixelData = inflated;
    }

    public string Path { get; }

    public DicomTransferSyntax Syntax { get; }

    public PixelDescription Description { get; }

    public static SampleImage Load(string relativePath)
    {
        var path = Samples.PathOf(relativePath);
        var file = File.ReadAllBytes(path);
        using var header = DicomFile.Read(new MemoryStream(file), new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });
        var description = PixelDescription.Read(header.Dataset);
        if (header.TransferSyntax.IsDeflated)
        {
            using var full = DicomFile.Read(new MemoryStream(file), new DicomReadOptions { LargeValues = LargeValueMode.Load });
            return new SampleImage(path, file, header.TransferSyntax, description, null, full.Dataset[DicomTag.PixelData].ReadValue());
        }

        var scanner = new PixelDataScanner(header.TransferSyntax, header.StopOffset);
        scanner.Feed(file.AsSpan((int)header.StopOffset));
        var index = FrameIndex.Build(scanner.Complete(), new FrameIndex.ImageGeometry(
            description.NumberOfFrames, description.Rows, description.Columns, description.SamplesPerPixel, description.BitsAllocated));
        Assert.NotNull(index);
        return new SampleImage(path, file, header.TransferSyntax, description, index, null);
    }

    /// <summary>The stored bytes of frame <paramref name="number"/> (1-based).</summary>
    public byte[] Frame(int number)
    {
        if (_inflatedPixelData is { } all)
        {
            var length = (int)Description.NativeFrameLength;
            return all.AsSpan((number - 1) * length, length).ToArray();
        }
        return _index!.Frames[number - 1].SelectMany(r => _file.AsSpan((int)r.Offset, (int)r.Length).ToArray()).ToArray();
    }

    public DisplayImage Render(int frame = 1, RenderOptions? options = null) =>
        FrameRenderer.Render(Description, Syntax, Frame(frame), frame, options ?? new RenderOptions());
}
