using System.Text;
using DrimCloud.Dicom.Multipart;

namespace DrimCloud.Dicom.Network.Tests.Multipart;

public class MultipartWriterTests
{
    [Fact]
    public async Task Writes_rfc_2046_framing_with_content_length_when_known()
    {
        using var output = new MemoryStream();
        var writer = new MultipartWriter(output, "B");
        await writer.WritePartAsync(new MultipartHeaders { ContentType = "application/dicom", ContentLocation = "/x" }, new MemoryStream("abc"u8.ToArray()));
        await writer.WritePartAsync(new MultipartHeaders { ContentType = "text/plain" }, "de"u8.ToArray());
        await writer.CompleteAsync();

        Assert.Equal(
            "--B\r\nContent-Type: application/dicom\r\nContent-Location: /x\r\nContent-Length: 3\r\n\r\nabc" +
            "\r\n--B\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nde" +
            "\r\n--B--\r\n",
            Encoding.ASCII.GetString(output.ToArray()));
        Assert.Equal("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1; boundary=B",
            writer.GetContentType("application/dicom", "1.2.840.10008.1.2.1"));
    }

    [Fact]
    public async Task A_stream_shorter_than_its_declared_length_is_refused()
    {
        var writer = new MultipartWriter(new MemoryStream());
        var headers = new MultipartHeaders { ContentLength = 10 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WritePartAsync(headers, new MemoryStream(new byte[9])));
    }

    [Fact]
    public async Task Nothing_can_be_written_after_completion()
    {
        var writer = new MultipartWriter(new MemoryStream());
        await writer.CompleteAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WritePartAsync(new MultipartHeaders(), ReadOnlyMemory<byte>.Empty));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ends with space ")]
    [InlineData("line\r\nbreak")]
    public void Invalid_boundaries_are_refused(string boundary)
    {
        Assert.ThrowsAny<ArgumentException>(() => new MultipartWriter(new MemoryStream(), boundary));
    }
}
