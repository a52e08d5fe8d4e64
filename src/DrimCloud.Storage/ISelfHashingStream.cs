namespace DrimCloud.Storage;

/// <summary>
/// A content stream that already hashes (SHA-256) and counts what is read from it. Blob stores take size and hash from
/// it instead of wrapping it in a hashing stream of their own: hashing a 500 KB instance twice was a measurable share
/// of the ingest CPU.
/// </summary>
public interface ISelfHashingStream
{
    /// <summary>Bytes read so far.</summary>
    long BytesRead { get; }

    /// <summary>Lower-case hex SHA-256 of everything read; valid once a read has returned 0 (end of stream).</summary>
    string Sha256 { get; }
}
