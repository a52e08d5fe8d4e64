using System.Buffers;

namespace DrimCloud.Dicom;

/// <summary>The only I/O the parser does: append bytes to the buffer, or read past bytes it does not keep.</summary>
internal sealed partial class DicomParser
{
    /// <summary>Reads until <paramref name="count"/> bytes are available after the parse position, or the source ends.</summary>
    private void Fill(int count)
    {
        while (Available < count)
        {
            var target = PrepareFill(count);
            var read = _stream.Read(_buffer.Data, _buffer.Length, target);
            if (read == 0)
            {
                _eof = true;
                return;
            }

            _buffer.Length += read;
        }
    }

    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        while (Available < count)
        {
            var target = PrepareFill(count);
            var read = await _stream.ReadAsync(_buffer.Data.AsMemory(_buffer.Length, target), cancellationToken);
            if (read == 0)
            {
                _eof = true;
                return;
            }

            _buffer.Length += read;
        }
    }

    /// <summary>Grows the buffer if needed and returns how many bytes to ask the stream for: at least what is
    /// missing, rounded up to a chunk, never past what a seekable source still has.</summary>
    private int PrepareFill(int count)
    {
        var missing = count - Available;
        long wanted = Math.Max(missing, ReadChunk);
        if (_seekable)
        {
            // The source size is known (and lengths were checked against it), so read what is needed at once.
            var remaining = _sourceLength - (_offset + Available);
            wanted = Math.Max(missing, Math.Min(wanted, remaining));
        }
        else
        {
            // A length field can say anything: use the free space first and grow at most by doubling when the buffer
            // is full, so memory follows the bytes that really arrive.
            var free = _buffer.Data.Length - _buffer.Length;
            wanted = free >= Math.Min(missing, ReadChunk) ? Math.Min(wanted, free) : Math.Min(wanted, Math.Max(ReadChunk, _buffer.Data.Length));
        }

        _buffer.EnsureCapacity((int)Math.Min(Array.MaxLength, _buffer.Length + wanted));
        return (int)Math.Min(_buffer.Data.Length - _buffer.Length, wanted);
    }

    private void SkipUnseekable()
    {
        var scratch = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            while (_pendingSkip > 0)
            {
                var read = _stream.Read(scratch, 0, (int)Math.Min(scratch.Length, _pendingSkip));
                if (read == 0)
                {
                    throw new DicomFormatException(_offset - _pendingSkip, $"unexpected end of data, {_pendingSkip} bytes short of the end of a value");
                }

                _pendingSkip -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async ValueTask SkipUnseekableAsync(CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            while (_pendingSkip > 0)
            {
                var read = await _stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, _pendingSkip)), cancellationToken);
                if (read == 0)
                {
                    throw new DicomFormatException(_offset - _pendingSkip, $"unexpected end of data, {_pendingSkip} bytes short of the end of a value");
                }

                _pendingSkip -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
