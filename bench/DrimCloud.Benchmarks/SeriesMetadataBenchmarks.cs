using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DrimCloud.Dicom;

namespace DrimCloud.Benchmarks;

/// <summary>WADO-RS series metadata for 1,000 instances of the CT slice, all written into one Utf8JsonWriter.</summary>
[MemoryDiagnoser]
public class SeriesMetadataBenchmarks
{
    private const int Instances = 1000;
    private static readonly DicomReadOptions s_headerOnly = new() { StopBeforeTag = DicomTag.PixelData };
    private static readonly DicomJsonOptions s_json = new() { BulkDataUriPrefix = "https://drimcloud.example/studies/1/series/2/instances/3/bulk" };
    private byte[][] _headers = [];
    private DicomFile[] _parsed = [];

    [GlobalSetup]
    public void Setup()
    {
        // 1000 distinct headers (own SOP Instance UID each), as stored header blobs would be.
        using var slice = DicomFile.Open(BenchmarkData.CtSlice, s_headerOnly);
        _headers = new byte[Instances][];
        _parsed = new DicomFile[Instances];
        for (var i = 0; i < Instances; i++)
        {
            var header = new DicomDataset();
            foreach (var element in slice.Dataset)
            {
                header.SetRaw(element.Tag, element.VR, element.RawValue);
            }

            header.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.Generate());
            var bytes = new MemoryStream();
            DicomWriter.Write(new DicomFile(header), bytes);
            _headers[i] = bytes.ToArray();
            _parsed[i] = DicomFile.Read(new MemoryStream(_headers[i]));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var file in _parsed)
        {
            file.Dispose();
        }
    }

    /// <summary>Datasets already parsed: JSON only.</summary>
    [Benchmark]
    public long Json_FromParsedDatasets()
    {
        var counter = new CountingStream();
        using (var writer = new Utf8JsonWriter(counter))
        {
            writer.WriteStartArray();
            foreach (var file in _parsed)
            {
                DicomJsonWriter.Write(writer, file.Dataset, s_json);
                FlushNow(writer);
            }

            writer.WriteEndArray();
        }

        return counter.Length;
    }

    /// <summary>Parse each stored header and write its JSON: what a metadata request costs end to end.</summary>
    [Benchmark]
    public long Json_ParseAndWrite()
    {
        var counter = new CountingStream();
        using (var writer = new Utf8JsonWriter(counter))
        {
            writer.WriteStartArray();
            foreach (var header in _headers)
            {
                using var file = DicomFile.Read(new MemoryStream(header, writable: false));
                DicomJsonWriter.Write(writer, file.Dataset, s_json);
                FlushNow(writer);
            }

            writer.WriteEndArray();
        }

        return counter.Length;
    }

    /// <summary>A Utf8JsonWriter over a Stream keeps everything until flushed: flush between instances, as a server would.</summary>
    private static void FlushNow(Utf8JsonWriter writer)
    {
        if (writer.BytesPending > 1 << 16)
        {
            writer.Flush();
        }
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
