using System.Text;

namespace DrimCloud.Dicom.Multipart;

/// <summary>
/// Streaming RFC 2046 / RFC 2387 multipart reader. Parts are returned one at a time; each part's body is a
/// stream that reads from the underlying body as bytes arrive, through one fixed buffer, so a part of any size
/// never sits in memory. Tolerant where real clients differ (preamble and epilogue, a first boundary with or
/// without a leading CRLF, transport padding after a boundary, bare LF line ends in headers, folded headers),
/// strict where it matters: a body that stops before its closing delimiter raises a
/// <see cref="MultipartFormatException"/> with <see cref="MultipartFormatException.IsTruncation"/> set.
/// </summary>
/// <remarks>Not thread-safe: one reader, one part at a time.</remarks>
public sealed partial class MultipartReader
{
    private readonly Stream _stream;
    private readonly MultipartReaderOptions _options;
    private readonly byte[] _delimiter; // CRLF "--" boundary: what ends a part body
    private readonly byte[] _buffer;
    private int _start; // first unread byte in _buffer
    private int _end; // one past the last buffered byte
    private long _bufferOrigin; // body offset of _buffer[0], for error messages
    private bool _endOfStream;
    private ReaderState _state = ReaderState.BeforeFirstPart;
    private BodyStream? _currentBody;
    private int _partCount;

    // Body scanning state, as indexes into _buffer: bytes in [_start, _safeEnd) are known to be part content;
    // _delimiterAt is where a confirmed delimiter starts (or -1); scanning resumes at _scanFrom.
    private int _safeEnd;
    private int _delimiterAt = -1;
    private int _scanFrom;

    public MultipartReader(Stream body, string boundary, MultipartReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        MultipartRelatedContentType.ValidateBoundary(boundary);
        _stream = body;
        _options = options ?? MultipartReaderOptions.Default;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        // Room for a whole header section plus a delimiter line, whatever BufferSize says.
        var size = Math.Max(_options.BufferSize, Math.Max(_options.MaxHeaderBytes + 2 * _delimiter.Length + 64, 4096));
        _buffer = new byte[size];
    }

    /// <summary>Creates a reader from the body and its Content-Type header value (the boundary comes from it).</summary>
    public static MultipartReader Create(Stream body, string contentType, MultipartReaderOptions? options = null)
        => new(body, MultipartRelatedContentType.Parse(contentType).Boundary, options);

    /// <summary>
    /// Moves to the next part, skipping any unread bytes of the current one. Returns null after the closing
    /// delimiter (the epilogue, if any, is not read).
    /// </summary>
    public async ValueTask<MultipartPart?> ReadNextPartAsync(CancellationToken cancellationToken = default)
    {
        switch (_state)
        {
            case ReaderState.Finished:
                return null;
            case ReaderState.BeforeFirstPart:
                await SkipPreambleAsync(cancellationToken);
                break;
            case ReaderState.InPart:
                await _currentBody!.SkipRestAsync(cancellationToken);
                break;
        }

        // Here the delimiter (or first boundary) itself has been consumed; the rest of its line tells whether
        // this was the closing one.
        if (await ReadDelimiterLineEndAsync(cancellationToken))
        {
            _state = ReaderState.Finished;
            _currentBody = null;
            return null;
        }

        var headers = await ReadHeadersAsync(cancellationToken);
        var declaredLength = headers.ContentLength;
        _currentBody = new BodyStream(this, declaredLength);
        _state = ReaderState.InPart;
        ResetBodyScan();
        return new MultipartPart(headers, _currentBody, _partCount++);
    }

    private long Offset(int bufferIndex) => _bufferOrigin + bufferIndex;

    private MultipartFormatException Truncated(string what) =>
        new($"The multipart body ended {what}", Offset(_end)) { IsTruncation = true };

    // ---- buffer management ----

    /// <summary>Moves unread bytes to the front of the buffer and reads more; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_endOfStream)
            return false;
        Compact();
        if (_end == _buffer.Length)
            throw new InvalidOperationException("Multipart buffer full while more data was needed.");
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            _endOfStream = true;
            return false;
        }
        _end += read;
        return true;
    }

    private bool Fill()
    {
        if (_endOfStream)
            return false;
        Compact();
        if (_end == _buffer.Length)
            throw new InvalidOperationException("Multipart buffer full while more data was needed.");
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _endOfStream = true;
            return false;
        }
        _end += read;
        return true;
    }

    private void Compact()
    {
        if (_start == 0)
            return;
        var shift = _start;
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= shift;
        _start = 0;
        _bufferOrigin += shift;
        _safeEnd = Math.Max(0, _safeEnd - shift);
        _scanFrom = Math.Max(0, _scanFrom - shift);
        if (_delimiterAt >= 0)
            _delimiterAt -= shift;
    }

    // ---- preamble and delimiter lines ----

    private async ValueTask SkipPreambleAsync(CancellationToken cancellationToken)
    {
        // The first boundary is "--boundary" at the very start of the body, or after a line end. The preamble is
        // discarded, so accepting a bare LF before that first boundary costs nothing and suits lenient senders.
        var dashBoundary = _delimiter.AsMemory(2);
        while (_end - _start < dashBoundary.Length + 2 && await FillAsync(cancellationToken))
        {
        }
        if (_buffer.AsSpan(_start, _end - _start).StartsWith(dashBoundary.Span)
            && Classify(_start + dashBoundary.Length) == DelimiterEnd.Yes)
        {
            _start += dashBoundary.Length;
            return;
        }

        var lfDashBoundary = _delimiter.AsMemory(1);
        long skipped = 0;
        while (true)
        {
            var data = _buffer.AsSpan(_start, _end - _start);
            var index = data.IndexOf(lfDashBoundary.Span);
            if (index >= 0)
            {
                var after = _start + index + lfDashBoundary.Length;
                var verdict = Classify(after);
                if (verdict == DelimiterEnd.Yes)
                {
                    _start = after;
                    return;
                }
                if (verdict == DelimiterEnd.No)
                {
                    skipped += index + 1;
                    _start += index + 1;
                    continue;
                }
                // Undecided: keep the candidate and read more.
                skipped += index;
                _start += index;
            }
            else
            {
                var keep = Math.Min(data.Length, lfDashBoundary.Length - 1);
                skipped += data.Length - keep;
                _start = _end - keep;
            }

            if (skipped > _options.MaxPreambleBytes)
                throw new MultipartFormatException($"No boundary found in the first {_options.MaxPreambleBytes} bytes", Offset(_start));
            if (!await FillAsync(cancellationToken))
                throw Truncated("before its first boundary");
        }
    }

    /// <summary>
    /// Whether the bytes at <paramref name="position"/> can follow a boundary: "--", SP/HT padding, CR or LF, or
    /// the end of the body. Anything else means the match was boundary-like content, not a delimiter. Undecided
    /// when the deciding bytes have not arrived yet.
    /// </summary>
    private DelimiterEnd Classify(int position)
    {
        if (position >= _end)
            return _endOfStream ? DelimiterEnd.Yes : DelimiterEnd.NeedMoreData; // a cut-off is reported later
        var next = _buffer[position];
        if (next == (byte)'-')
        {
            if (position + 1 >= _end)
                return _endOfStream ? DelimiterEnd.Yes : DelimiterEnd.NeedMoreData;
            return _buffer[position + 1] == (byte)'-' ? DelimiterEnd.Yes : DelimiterEnd.No;
        }
        return next is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' ? DelimiterEnd.Yes : DelimiterEnd.No;
    }

    /// <summary>
    /// Reads what follows a consumed boundary up to the end of its line. True for a closing delimiter
    /// ("--"), false for a part delimiter.
    /// </summary>
    private async ValueTask<bool> ReadDelimiterLineEndAsync(CancellationToken cancellationToken)
    {
        while (_end - _start < 2)
        {
            if (!await FillAsync(cancellationToken))
            {
                if (_end - _start >= 2)
                    break;
                throw Truncated("right after a boundary, before the closing delimiter");
            }
        }
        if (_buffer[_start] == (byte)'-' && _buffer[_start + 1] == (byte)'-')
        {
            _start += 2;
            return true; // the epilogue, if any, is ignored (RFC 2046)
        }

        var line = await ReadLineAsync(cancellationToken);
        if (line is null)
            throw Truncated("right after a boundary, before the closing delimiter");
        foreach (var b in line.Value.Span)
        {
            if (b is not ((byte)' ' or (byte)'\t'))
                throw new MultipartFormatException("Unexpected characters after a boundary", Offset(_start));
        }
        return false;
    }

    // ---- headers ----

    /// <summary>
    /// Returns the next line without its CRLF or LF, or null at end of stream. The memory is valid until the
    /// next buffer operation.
    /// </summary>
    private async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var searched = 0;
        while (true)
        {
            var index = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (index >= 0)
            {
                var lineEnd = _start + searched + index;
                var contentEnd = lineEnd > _start && _buffer[lineEnd - 1] == (byte)'\r' ? lineEnd - 1 : lineEnd;
                var line = _buffer.AsMemory(_start, contentEnd - _start);
                _start = lineEnd + 1;
                return line;
            }
            searched = _end - _start;
            if (searched > _options.MaxHeaderBytes)
                throw new MultipartFormatException($"Header line longer than {_options.MaxHeaderBytes} bytes", Offset(_start));
            if (!await FillAsync(cancellationToken))
                return null;
        }
    }

    private async ValueTask<MultipartHeaders> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        var headers = new MultipartHeaders();
        var totalBytes = 0;
        string? name = null;
        var value = new StringBuilder();
        while (true)
        {
            var lineStart = Offset(_start);
            var line = await ReadLineAsync(cancellationToken) ?? throw Truncated("inside the headers of a part");
            totalBytes += line.Length + 2;
            if (totalBytes > _options.MaxHeaderBytes)
                throw new MultipartFormatException($"Part headers longer than {_options.MaxHeaderBytes} bytes", lineStart);
            var span = line.Span;
            if (span.Length > 0 && span[0] is (byte)' ' or (byte)'\t')
            {
                // Obsolete line folding (RFC 5322): a continuation of the previous header's value.
                if (name is null)
                    throw new MultipartFormatException("Header continuation line without a header", lineStart);
                value.Append(' ').Append(Encoding.UTF8.GetString(span).Trim());
                continue;
            }

            if (name is not null)
            {
                AddHeader(headers, name, value.ToString(), lineStart);
                name = null;
                value.Clear();
            }
            if (span.Length == 0)
                return headers;

            var colon = span.IndexOf((byte)':');
            if (colon <= 0)
                throw new MultipartFormatException("Malformed part header line (no 'Name:')", lineStart);
            name = Encoding.ASCII.GetString(span[..colon]).Trim();
            value.Append(Encoding.UTF8.GetString(span[(colon + 1)..]).Trim());
        }
    }

    private void AddHeader(MultipartHeaders headers, string name, string value, long offset)
    {
        if (headers.All.Count >= _options.MaxHeaderCount)
            throw new MultipartFormatException($"More than {_options.MaxHeaderCount} headers in one part", offset);
        try
        {
            headers.Add(name, value);
        }
        catch (ArgumentException e)
        {
            throw new MultipartFormatException($"Invalid part header: {e.Message}", offset);
        }
    }

    private enum DelimiterEnd
    {
        Yes,
        No,
        NeedMoreData,
    }

    private enum ReaderState
    {
        BeforeFirstPart,
        InPart,
        Finished,
    }
}
