using System.IO.Pipelines;
using System.Security.Cryptography;
using DrimCloud.Api.DicomWeb.Retrieve;
using Microsoft.Net.Http.Headers;
using AspNetMultipartReader = Microsoft.AspNetCore.WebUtilities.MultipartReader;

namespace DrimCloud.Api.Tests.Retrieve;

public sealed class AsStoredMultipartBodyTests
{
    private const string Syntax = "application/dicom; transfer-syntax=1.2.840.10008.1.2.1";

    // Sizes around the copy buffer (256 KiB) and an empty part: the edges of the buffer-gathering logic.
    private static readonly int[] Sizes = [530_000, 0, 1, 262_144, 262_143, 262_145, 70, 1_100_000];

    [Fact]
    public async Task The_declared_length_is_exactly_what_is_written_and_a_real_parser_reads_every_part_back()
    {
        var blobs = Sizes.Select((size, i) => (Key: $"k{i}", Bytes: RandomNumberGenerator.GetBytes(size))).ToDictionary(b => b.Key, b => b.Bytes);
        var body = new AsStoredMultipartBody("b0undary-Xy", blobs.Select(b => new AsStoredMultipartBody.Part(Syntax, b.Value.Length, b.Key)).ToList());
        using var output = new MemoryStream();
        await body.WriteAsync(PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true)), (part, _) => Task.FromResult<Stream>(new MemoryStream(blobs[part.BlobKey])), CancellationToken.None);

        Assert.Equal(body.ContentLength, output.Length);
        Assert.Equal(blobs.Count, body.PartsSent);
        Assert.StartsWith("--b0undary-Xy\r\n", System.Text.Encoding.ASCII.GetString(output.GetBuffer(), 0, 20), StringComparison.Ordinal);

        // ASP.NET Core's own multipart reader: an independent parser of the same RFC 2046 framing.
        output.Position = 0;
        var reader = new AspNetMultipartReader("b0undary-Xy", output) { BodyLengthLimit = null };
        foreach (var (key, bytes) in blobs)
        {
            var section = await reader.ReadNextSectionAsync();
            Assert.NotNull(section);
            Assert.Equal(Syntax, section.ContentType);
            Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), section.Headers![HeaderNames.ContentLength].ToString());
            using var copy = new MemoryStream();
            await section.Body.CopyToAsync(copy);
            Assert.True(bytes.AsSpan().SequenceEqual(copy.ToArray()), $"part {key} differs");
        }
        Assert.Null(await reader.ReadNextSectionAsync());
        Assert.Equal(output.Length, output.Position); // nothing after the closing delimiter but its CRLF
    }

    [Fact]
    public async Task The_projects_own_multipart_reader_reads_it_back_too()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var body = new AsStoredMultipartBody("abc", [new AsStoredMultipartBody.Part(Syntax, bytes.Length, "a"), new AsStoredMultipartBody.Part(Syntax, bytes.Length, "b")]);
        using var output = new MemoryStream();
        await body.WriteAsync(PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true)), (_, _) => Task.FromResult<Stream>(new MemoryStream(bytes)), CancellationToken.None);
        output.Position = 0;
        var reader = new DrimCloud.Dicom.Multipart.MultipartReader(output, "abc");
        var count = 0;
        while (await reader.ReadNextPartAsync() is { } part)
        {
            using var copy = new MemoryStream();
            await part.Body.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
            count++;
        }
        Assert.Equal(2, count);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(1001)]
    public async Task A_blob_that_is_not_its_indexed_size_stops_the_body(int actual)
    {
        var body = new AsStoredMultipartBody("abc", [new AsStoredMultipartBody.Part(Syntax, 1000, "a")]);
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            body.WriteAsync(PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true)), (_, _) => Task.FromResult<Stream>(new MemoryStream(new byte[actual])), CancellationToken.None));
        Assert.Equal(0, body.PartsSent);
    }

    [Fact]
    public async Task Parts_sent_counts_only_parts_whose_last_byte_reached_the_output()
    {
        var size = 600_000;
        var parts = Enumerable.Range(0, 10).Select(i => new AsStoredMultipartBody.Part(Syntax, size, $"k{i}")).ToList();
        var body = new AsStoredMultipartBody("abc", parts);
        // The client goes away after about 3.5 parts.
        using var output = new FailingStream(allowed: (long)(size * 3.5));
        await Assert.ThrowsAsync<IOException>(() =>
            body.WriteAsync(PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true)), (_, _) => Task.FromResult<Stream>(new MemoryStream(new byte[size])), CancellationToken.None));
        Assert.InRange(body.PartsSent, 2, 3);
    }

    /// <summary>A socket whose peer disappears after some bytes.</summary>
    internal sealed class FailingStream(long allowed) : MemoryStream
    {
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length + buffer.Length > allowed) throw new IOException("Connection reset by peer.");
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
