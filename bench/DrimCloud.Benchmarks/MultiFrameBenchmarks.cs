using BenchmarkDotNet.Attributes;
using DrimCloud.Dicom;

namespace DrimCloud.Benchmarks;

/// <summary>A generated 524 MB multi-frame (1000 frames of the real CT slice), read from the page cache.</summary>
[MemoryDiagnoser]
public class MultiFrameBenchmarks
{
    private static readonly DicomReadOptions s_headerOnly = new() { StopBeforeTag = DicomTag.PixelData };
    private string _path = string.Empty;
    private string _output = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var dir = BenchmarkData.TempDirectory();
        _path = BenchmarkData.MakeMultiFrame(Path.Combine(dir, "multiframe-1000.dcm"));
        _output = Path.Combine(dir, "multiframe-1000-ele.dcm");
        // Warm the page cache so that the figures are about the parser, not the disk.
        using var warm = File.OpenRead(_path);
        warm.CopyTo(Stream.Null);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_output);

    [Benchmark]
    public int HeaderOnly()
    {
        using var file = DicomFile.Open(_path, s_headerOnly);
        return file.Dataset.Count;
    }

    /// <summary>Every element, pixel data located but not copied: throughput = file size / time.</summary>
    [Benchmark]
    public int FullParse()
    {
        using var file = DicomFile.Open(_path);
        return file.Dataset.Count;
    }

    /// <summary>Implicit VR LE to Explicit VR LE, written to a file (pixel data streamed from the input).</summary>
    [Benchmark]
    public long ConvertToExplicitLittleEndian()
    {
        using var file = DicomFile.Open(_path);
        DicomWriter.Save(file, _output, new DicomWriteOptions { TransferSyntax = DicomTransferSyntax.ExplicitVRLittleEndian });
        return new FileInfo(_output).Length;
    }
}
