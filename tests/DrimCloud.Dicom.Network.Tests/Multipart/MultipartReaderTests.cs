using System.Text;
using DrimCloud.Dicom.Multipart;
using static DrimCloud.Dicom.Network.Tests.Multipart.MultipartTestHelpers;

namespace DrimCloud.Dicom.Network.Tests.Multipart;

public class MultipartReaderTests
{
    [Fact]
    public async Task Reads_rfc2387_example_with_preamble_epilogue_and_unquoted_parameters()
    {
        // Shaped like the RFC 2387 examples and what DICOMweb clients send: preamble, quoted and unquoted
        // parameters, Content-Location, transport padding after a boundary, an epilogue.
        var body = Ascii(
            "This is a preamble, ignored.\r\n" +
            "--example-1   \r\n" +
            "Content-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n" +
            "Content-Location: http://host/studies/1.2/series/3.4/instances/5.6\r\n" +
            "\r\n" +
            "DICM-bytes-1\r\n" +
            "--example-1\r\n" +
            "content-type:application/dicom\r\n" +
            "\r\n" +
            "\r\n--not-the-boundary\r\nsecond\r\n" +
            "--example-1--\r\n" +
            "epilogue, ignored\r\n");
        var contentType = "Multipart/Related; type=application/dicom; boundary=example-1";

        var parts = await ReadAllAsync(MultipartReader.Create(new MemoryStream(body), contentType));

        Assert.Equal(2, parts.Count);
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", parts[0].Headers.ContentType);
        Assert.Equal("http://host/studies/1.2/series/3.4/instances/5.6", parts[0].Headers.ContentLocation);
        Assert.Equal("DICM-bytes-1", Encoding.ASCII.GetString(parts[0].Body));
        Assert.Equal("application/dicom", parts[1].Headers.ContentType);
        Assert.Equal("\r\n--not-the-boundary\r\nsecond", Encoding.ASCII.GetString(parts[1].Body));
    }

    [Fact]
    public async Task Accepts_bare_LF_header_lines_folded_headers_and_a_first_boundary_at_offset_zero()
    {
        var body = Ascii(
            "--b\n" +
            "Content-Type: application/dicom+json;\n\tcharset=utf-8\n" +
            "X-Empty:\n" +
            "\n" +
            "[]\r\n--b--");

        var parts = await ReadAllAsync(new MultipartReader(new MemoryStream(body), "b"));

        var part = Assert.Single(parts);
        Assert.Equal("application/dicom+json; charset=utf-8", part.Headers.ContentType);
        Assert.Equal("", part.Headers["x-empty"]);
        Assert.Equal("[]", Encoding.ASCII.GetString(part.Body));
    }

    [Fact]
    public async Task Content_that_contains_the_boundary_text_mid_line_is_not_split()
    {
        // Only CRLF "--boundary" followed by "--", padding or a line end is a delimiter.
        var content = "x--b\r\n--bb\r\n--b-x\r\n-b";
        var body = Ascii("--b\r\n\r\n" + content + "\r\n--b--\r\n");

        var part = Assert.Single(await ReadAllAsync(new MultipartReader(new MemoryStream(body), "b")));

        Assert.Equal(content, Encoding.ASCII.GetString(part.Body));
    }

    [Fact]
    public async Task Empty_parts_and_a_body_with_no_parts_are_read()
    {
        var parts = await ReadAllAsync(new MultipartReader(new MemoryStream(Ascii("--b\r\n\r\n\r\n--b\r\nA: 1\r\n\r\n\r\n--b--")), "b"));
        Assert.Equal(2, parts.Count);
        Assert.All(parts, p => Assert.Empty(p.Body));

        Assert.Empty(await ReadAllAsync(new MultipartReader(new MemoryStream(Ascii("--b--\r\n")), "b")));
    }

    [Fact]
    public async Task Unread_part_bodies_are_skipped_and_the_old_stream_is_refused()
    {
        var body = await WriteAsync("bnd", [("a/b", new byte[100_000], true), ("c/d", Ascii("tail"), false)]);
        var reader = new MultipartReader(new MemoryStream(body), "bnd");

        var first = await reader.ReadNextPartAsync();
        Assert.NotNull(first);
        Assert.Equal(1, await first.Body.ReadAsync(new byte[1]));
        var second = await reader.ReadNextPartAsync();

        Assert.NotNull(second);
        Assert.Equal("c/d", second.ContentType);
        Assert.Equal(4, second.ContentLength);
        Assert.Throws<InvalidOperationException>(() => first.Body.ReadByte());
        Assert.Null(await reader.ReadNextPartAsync());
        Assert.Null(await reader.ReadNextPartAsync());
    }

    [Theory]
    [InlineData("--b\r\nContent-Length: 5\r\n\r\n1234\r\n--b--", "Content-Length says 5")]
    [InlineData("--b\r\nContent-Length: 3\r\n\r\n1234\r\n--b--", "longer than its Content-Length 3")]
    [InlineData("--b\r\nContent-Length: x\r\n\r\n1234\r\n--b--", "Invalid part Content-Length")]
    [InlineData("--b\r\nno colon here\r\n\r\n1234\r\n--b--", "no 'Name:'")]
    [InlineData("--b junk\r\n\r\n1234\r\n--b--", "after a boundary")]
    public async Task Malformed_bodies_raise_a_typed_error(string text, string expected)
    {
        var error = await Assert.ThrowsAsync<MultipartFormatException>(() => ReadAllAsync(new MultipartReader(new MemoryStream(Ascii(text)), "b")));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_truncation_of_a_valid_body_is_an_error_never_a_short_part()
    {
        var content = new byte[3000];
        new Random(7).NextBytes(content);
        var body = await WriteAsync("trunc", [("application/dicom", content, true), ("application/dicom", Ascii("\r\n--truncX\r\n--trun"), true)]);
        var expected = await ReadAllAsync(new MultipartReader(new MemoryStream(body), "trunc"));
        var closeEnd = body.AsSpan().LastIndexOf(Ascii("--trunc--")) + "--trunc--".Length;

        for (var cut = 0; cut < body.Length; cut++)
        {
            var prefix = body[..cut];
            var reader = new MultipartReader(new MemoryStream(prefix), "trunc");
            if (cut >= closeEnd)
            {
                // Only the trailing CRLF of the closing delimiter line is optional.
                var parts = await ReadAllAsync(reader);
                Assert.Equal(expected.Select(p => p.Body), parts.Select(p => p.Body));
                continue;
            }
            var error = await Assert.ThrowsAsync<MultipartFormatException>(() => ReadAllAsync(reader));
            Assert.True(error.IsTruncation, $"cut at {cut}: {error.Message}");
        }
    }

    [Theory]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=\"a b:c\"", "a b:c", "application/dicom", null)]
    [InlineData("multipart/related;boundary=xyz;type=application/dicom+xml;transfer-syntax=1.2.840.10008.1.2.4.50", "xyz", "application/dicom+xml", "1.2.840.10008.1.2.4.50")]
    [InlineData("multipart/related ; BOUNDARY = q ; ; type=\"a/\\\"b\\\"\"", "q", "a/\"b\"", null)]
    public void Content_type_parameters_are_parsed(string header, string boundary, string? type, string? transferSyntax)
    {
        var parsed = MultipartRelatedContentType.Parse(header);

        Assert.Equal(boundary, parsed.Boundary);
        Assert.Equal(type, parsed.Type);
        Assert.Equal(transferSyntax, parsed.TransferSyntax);
        var again = MultipartRelatedContentType.Parse(parsed.ToString());
        Assert.Equal((parsed.Boundary, parsed.Type, parsed.TransferSyntax), (again.Boundary, again.Type, again.TransferSyntax));
    }

    [Theory]
    [InlineData("text/plain; boundary=x")]
    [InlineData("multipart/related; type=application/dicom")]
    [InlineData("multipart/related; boundary=\"unterminated")]
    [InlineData("multipart; boundary=x")]
    public void Invalid_content_types_are_rejected(string header)
    {
        Assert.Throws<MultipartFormatException>(() => MultipartRelatedContentType.Parse(header));
    }
}
