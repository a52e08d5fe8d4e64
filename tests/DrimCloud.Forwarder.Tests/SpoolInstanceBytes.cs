using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Tests;

/// <summary>
/// An instance's bytes as the uploader reads them: the first <see cref="SpoolEntry.Length"/> bytes of its file. A
/// spare written in place may be longer, holding an earlier instance's bytes after the new one's.
/// </summary>
internal static class SpoolInstanceBytes
{
    public static async Task<byte[]> ReadAsync(SpoolEntry entry)
    {
        var bytes = await File.ReadAllBytesAsync(entry.Path);
        Assert.True(bytes.Length >= entry.Length, $"{entry.Path} holds {bytes.Length} bytes, fewer than its instance's {entry.Length}");
        return bytes[..(int)entry.Length];
    }
}
