namespace DrimCloud.Dicom.Multipart;

public sealed partial class MultipartReader
{
    private void ResetBodyScan()
    {
        _safeEnd = _start;
        _scanFrom = _start;
        _delimiterAt = -1;
    }

    /// <summary>
    /// Extends the known-content range [_start, _safeEnd) over the buffered bytes, stopping at a confirmed
    /// delimiter or before a tail that could still turn out to be the start of one.
    /// </summary>
    private void ScanBody()
    {
        while (_delimiterAt < 0)
        {
            var from = _scanFrom;
            var index = _buffer.AsSpan(from, _end - from).IndexOf(_delimiter);
            if (index < 0)
            {
                _safeEnd = _scanFrom = _endOfStream ? _end : HoldBackPartialDelimiter(from);
                return;
            }

            var at = from + index;
            switch (Classify(at + _delimiter.Length))
            {
                case DelimiterEnd.Yes:
                    _delimiterAt = _safeEnd = _scanFrom = at;
                    return;
                case DelimiterEnd.NeedMoreData:
                    _safeEnd = _scanFrom = at;
                    return;
                default:
                    // "--boundary" followed by other text is content (RFC 2046 forbids such lines, but a
                    // strict reading here would cut a part short).
                    _safeEnd = _scanFrom = at + 1;
                    break;
            }
        }
    }

    /// <summary>
    /// Index from which the buffered tail might be the beginning of a delimiter. The delimiter holds a single CR
    /// (its first byte; a boundary cannot contain one), so only the last CR of the tail can start it.
    /// </summary>
    private int HoldBackPartialDelimiter(int from)
    {
        var tailStart = Math.Max(from, _end - (_delimiter.Length - 1));
        var cr = _buffer.AsSpan(tailStart, _end - tailStart).LastIndexOf((byte)'\r');
        if (cr < 0)
            return _end;
        var position = tailStart + cr;
        return _delimiter.AsSpan().StartsWith(_buffer.AsSpan(position, _end - position)) ? position : _end;
    }

    /// <summary>
    /// Copies buffered content of the current part. Returns bytes copied; 0 with <paramref name="partEnded"/>
    /// when the closing delimiter was reached (and consumed); 0 without it when more data must be read.
    /// A null destination skips instead of copying.
    /// </summary>
    private int ReadBuffered(Span<byte> destination, bool skip, out bool partEnded)
    {
        partEnded = false;
        if (_start == _safeEnd)
            ScanBody();
        if (_delimiterAt >= 0 && _start == _delimiterAt)
        {
            _start += _delimiter.Length;
            _delimiterAt = -1;
            partEnded = true;
            return 0;
        }

        var available = _safeEnd - _start;
        if (available == 0)
            return 0;
        var count = skip ? available : Math.Min(available, destination.Length);
        if (!skip)
            _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        return count;
    }

    /// <summary>
    /// The body of the current part, read straight from the reader's buffer. It ends only at the part's closing
    /// delimiter; running out of input first throws a truncation error.
    /// </summary>
    private sealed class BodyStream(MultipartReader reader, long? declaredLength) : Stream
    {
        private long _read;
        private bool _ended;
        private bool _abandoned;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            EnsureCurrent();
            if (_ended || buffer.IsEmpty)
                return 0;
            while (true)
            {
                var count = reader.ReadBuffered(buffer, skip: false, out var partEnded);
                if (Account(count, partEnded))
                    return count;
                if (!reader.Fill())
                    reader.ScanAfterEndOfStream();
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            EnsureCurrent();
            if (_ended || buffer.IsEmpty)
                return 0;
            while (true)
            {
                var count = reader.ReadBuffered(buffer.Span, skip: false, out var partEnded);
                if (Account(count, partEnded))
                    return count;
                if (!await reader.FillAsync(cancellationToken))
                    reader.ScanAfterEndOfStream();
            }
        }

        /// <summary>Discards the rest of the part (used when the caller moves on without reading it all).</summary>
        internal async ValueTask SkipRestAsync(CancellationToken cancellationToken)
        {
            while (!_ended)
            {
                var count = reader.ReadBuffered(default, skip: true, out var partEnded);
                if (Account(count, partEnded))
                    continue;
                if (!await reader.FillAsync(cancellationToken))
                    reader.ScanAfterEndOfStream();
            }
            _abandoned = true;
        }

        /// <summary>True when the call can return (data copied or part ended); false when more input is needed.</summary>
        private bool Account(int count, bool partEnded)
        {
            _read += count;
            if (declaredLength is { } declared && _read > declared)
                throw new MultipartFormatException($"Part is longer than its Content-Length {declared}", reader.Offset(reader._start));
            if (partEnded)
            {
                _ended = true;
                if (declaredLength is { } expected && _read != expected)
                    throw new MultipartFormatException($"Part is {_read} bytes but its Content-Length says {expected}", reader.Offset(reader._start));
                return true;
            }
            return count > 0;
        }

        private void EnsureCurrent()
        {
            if (_abandoned || !ReferenceEquals(reader._currentBody, this))
                throw new InvalidOperationException("This part was left behind: the reader has moved to the next part.");
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// Called when input ran out in the middle of a part: rescans with end-of-stream semantics so the held-back
    /// tail is released as content, and throws once nothing is left to return.
    /// </summary>
    private void ScanAfterEndOfStream()
    {
        if (_start == _end && _delimiterAt < 0)
            throw Truncated("inside a part, before its closing delimiter");
        _scanFrom = Math.Min(_scanFrom, _end);
        ScanBody();
    }
}
