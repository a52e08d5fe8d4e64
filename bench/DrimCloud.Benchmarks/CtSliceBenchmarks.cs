using BenchmarkDotNet.Attributes;
using DrimCloud.Dicom;

namespace DrimCloud.Benchmarks;

/// <summary>The real 512x512 CT slice (cwil/CTImage.dcm, 530 KB, implicit VR LE, 270 elements).</summary>
[MemoryDiagnoser]
public class CtSliceBenchmarks
{
    private static readonly DicomReadOptions s_headerOnly = new() { StopBeforeTag = DicomTag.PixelData };
    private byte[] _bytes = [];
    private RewindableNonSeekableStream _stream = null!;
    private string _path = string.Empty;
    private DicomFile _parsed = null!;
    private MemoryStream _output = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = BenchmarkData.CtSlice;
        _bytes = File.ReadAllBytes(_path);
        _stream = new RewindableNonSeekableStream(_bytes);
        _parsed = DicomFile.Open(_path);
        _output = new MemoryStream(1 << 20);
    }

    [GlobalCleanup]
    public void Cleanup() => _parsed.Dispose();

    /// <summary>Goal: under 10 µs and 4 KB, from a non-seekable stream, stopping before Pixel Data.</summary>
    [Benchmark]
    public int HeaderOnly_NonSeekableStream()
    {
        _stream.Rewind();
        using var file = DicomFile.Read(_stream, s_headerOnly);
        return file.Dataset.Count;
    }

    /// <summary>Whole file from disk (page cache): the pixel data stays in the file.</summary>
    [Benchmark]
    public int FullParse_File()
    {
        using var file = DicomFile.Open(_path);
        return file.Dataset.Count;
    }

    /// <summary>Whole file from a non-seekable stream: the pixel data has to be taken into memory.</summary>
    [Benchmark]
    public int FullParse_NonSeekableStream()
    {
        _stream.Rewind();
        using var file = DicomFile.Read(_stream);
        return file.Dataset.Count;
    }

    [Benchmark]
    public long ConvertToExplicitLittleEndian()
    {
        _output.Position = 0;
        DicomWriter.Write(_parsed, _output, new DicomWriteOptions { TransferSyntax = DicomTransferSyntax.ExplicitVRLittleEndian });
        return _output.Position;
    }

    [Benchmark]
    public long Json()
    {
        _output.Position = 0;
        DicomJsonWriter.Write(_output, _parsed.Dataset, new DicomJsonOptions { BulkDataUriPrefix = "https://x/bulk" });
        return _output.Position;
    }
}
