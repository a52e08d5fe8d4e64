using System.Text;
using DrimCloud.Dicom.Multipart;

namespace DrimCloud.Dicom.Network.Tests.Multipart;

internal static class MultipartTestHelpers
{
    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Reads every part to the end, with a random read size per call.</summary>
    public static async Task<List<(MultipartHeaders Headers, byte[] Body)>> ReadAllAsync(MultipartReader reader, Random? random = null)
    {
        var parts = new List<(MultipartHeaders, byte[])>();
        while (await reader.ReadNextPartAsync() is { } part)
        {
            using var body = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await part.Body.ReadAsync(buffer.AsMemory(0, random?.Next(1, buffer.Length) ?? buffer.Length))) > 0)
                body.Write(buffer, 0, read);
            parts.Add((part.Headers, body.ToArray()));
        }
        return parts;
    }

    public static async Task<byte[]> WriteAsync(string boundary, IEnumerable<(string ContentType, byte[] Body, bool AsStream)> parts)
    {
        using var output = new MemoryStream();
        var writer = new MultipartWriter(output, boundary);
        foreach (var (contentType, body, asStream) in parts)
        {
            var headers = new MultipartHeaders { ContentType = contentType };
            if (asStream)
                await writer.WritePartAsync(headers, new NonSeekableStream(body));
            else
                await writer.WritePartAsync(headers, body.AsMemory());
        }
        await writer.CompleteAsync();
        return output.ToArray();
    }

    /// <summary>A stream with no length, so the writer cannot know a Content-Length in advance.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
