using Microsoft.Win32.SafeHandles;

namespace DrimCloud.Dicom;

/// <summary>Where values left out of memory (lazy values) are read from when asked.</summary>
internal abstract class DicomValueSource : IDisposable
{
    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/>; throws if the source ends first.</summary>
    public abstract void ReadAt(long offset, Span<byte> destination);

    public virtual void Dispose()
    {
    }

    protected static DicomFormatException Truncated(long offset) =>
        new(offset, "the source ended before the end of a value that was left in it (was the file changed or truncated?)");
}

/// <summary>A file read with positional reads: thread-safe, no shared file position.</summary>
internal sealed class FileValueSource(SafeFileHandle handle, FileStream? owner) : DicomValueSource
{
    public override void ReadAt(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read == 0)
            {
                throw Truncated(offset);
            }

            destination = destination[read..];
            offset += read;
        }
    }

    public override void Dispose() => owner?.Dispose();
}

/// <summary>Any seekable stream; reads are serialised because they move the stream's position.</summary>
internal sealed class StreamValueSource(Stream stream, long origin, bool owns) : DicomValueSource
{
    private readonly Lock _gate = new();

    public override void ReadAt(long offset, Span<byte> destination)
    {
        lock (_gate)
        {
            stream.Position = origin + offset;
            while (destination.Length > 0)
            {
                var read = stream.Read(destination);
                if (read == 0)
                {
                    throw Truncated(offset);
                }

                destination = destination[read..];
            }
        }
    }

    public override void Dispose()
    {
        if (owns)
        {
            stream.Dispose();
        }
    }
}
