using System.Buffers.Binary;
using System.IO.Compression;

namespace DrimCloud.Dicom;

/// <summary>
/// The Part 10 parsing engine. It is a restartable state machine over one growing buffer: each <see cref="Step"/>
/// either consumes a whole element header (+ value) already in the buffer or says how many bytes it needs, and a
/// sync or async driver (<see cref="Run"/>, <see cref="RunAsync"/>) does the I/O. Sequences are handled with an
/// explicit frame stack, never recursion, so nesting depth is bounded and the async path needs no nested awaits.
/// </summary>
internal sealed partial class DicomParser
{
    private const int InitialBufferSize = 16 * 1024;
    private const int ReadChunk = 16 * 1024;

    private readonly DicomReadOptions _options;
    private readonly long _origin;
    private readonly long _sourceLength;
    private readonly Stream _rawStream;
    private Stream _stream;
    private bool _seekable;

    private readonly DicomBuffer _buffer;
    private int _pos;
    private long _offset;
    private bool _eof;
    private int _need;
    private long _pendingSkip;

    private Phase _phase = Phase.Preamble;
    private Frame[] _frames = new Frame[4];
    private int _depth;

    public DicomParser(Stream stream, DicomReadOptions options)
    {
        _options = options;
        _stream = stream;
        _rawStream = stream;
        _seekable = stream.CanSeek;
        if (_seekable)
        {
            _origin = stream.Position;
            _sourceLength = stream.Length - _origin;
        }

        _buffer = new DicomBuffer(_seekable ? (int)Math.Clamp(_sourceLength, 256, InitialBufferSize) : InitialBufferSize);
    }

    private enum Phase
    {
        Preamble,
        Meta,
        DatasetStart,
        Body,
        TrailingPadding,
        Done,
    }

    private enum Need
    {
        Nothing,
        Data,
        Skip,
        Done,
    }

    private enum FrameKind
    {
        Dataset,
        Sequence,
        Fragments,
    }

    private struct Frame
    {
        public FrameKind Kind;
        public DicomDataset Dataset;
        public DicomSequence? Sequence;
        public DicomFragments? Fragments;

        /// <summary>Source offset where a defined-length sequence or item ends; -1 for undefined length.</summary>
        public long End;
        public bool Implicit;
        public bool BigEndian;
    }

    public DicomBuffer Buffer => _buffer;

    /// <summary>Length of a seekable source from where reading started (0 for non-seekable sources).</summary>
    public long SourceLength => _sourceLength;

    public bool HasPreamble { get; private set; }

    public DicomDataset? Meta { get; private set; }

    public DicomDataset? Dataset { get; private set; }

    public DicomTransferSyntax TransferSyntax { get; private set; } = DicomTransferSyntax.ImplicitVRLittleEndian;

    /// <summary>The meta said explicit VR but the data set is implicit (a common encoder bug); we read what is there.</summary>
    public bool TransferSyntaxMismatch { get; private set; }

    public long DatasetOffset { get; private set; }

    public bool Stopped { get; private set; }

    /// <summary>Offset and length of zero padding found after the last element (length 0 when none).</summary>
    public long TrailingPaddingOffset { get; private set; } = -1;

    public long TrailingPaddingLength { get; private set; }

    /// <summary>Where the padding bytes sit in the buffer when they were read into it (non-seekable sources); -1 otherwise.</summary>
    public int TrailingPaddingBufferOffset { get; private set; } = -1;

    public long StopOffset { get; private set; } = -1;

    /// <summary>Bytes read from the source after the stop point (a non-seekable stream cannot give them back).</summary>
    public ReadOnlyMemory<byte> BytesPastStop => Stopped ? _buffer.Data.AsMemory(_pos, _buffer.Length - _pos) : ReadOnlyMemory<byte>.Empty;

    /// <summary>Where lazy values are read from; null for non-seekable sources.</summary>
    public DicomValueSource? CreateValueSource(bool ownsStream)
    {
        // For deflated data this is the compressed file: nothing is lazy then, but an unchanged data set can be
        // written back by copying its compressed bytes.
        if (!_rawStream.CanSeek)
        {
            return null;
        }

        return _rawStream is FileStream file ? new FileValueSource(file.SafeFileHandle, ownsStream ? file : null) : new StreamValueSource(_rawStream, _origin, ownsStream);
    }

    public void Run()
    {
        try
        {
            while (true)
            {
                switch (Step())
                {
                    case Need.Done:
                        return;
                    case Need.Data:
                        Fill(_need);
                        break;
                    case Need.Skip:
                        SkipUnseekable();
                        break;
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw DeflateError(e);
        }
    }

    public async ValueTask RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                switch (Step())
                {
                    case Need.Done:
                        return;
                    case Need.Data:
                        await FillAsync(_need, cancellationToken);
                        break;
                    case Need.Skip:
                        await SkipUnseekableAsync(cancellationToken);
                        break;
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw DeflateError(e);
        }
    }

    /// <summary>Only the deflate decoder throws InvalidDataException here.</summary>
    private DicomFormatException DeflateError(InvalidDataException e) =>
        new(_offset + Available, "deflated data set is corrupt: " + e.Message, e);

    private int Available => _buffer.Length - _pos;

    private Need NeedData(int count)
    {
        _need = count;
        return Need.Data;
    }

    private Need Step()
    {
        while (true)
        {
            var need = _phase switch
            {
                Phase.Preamble => StepPreamble(),
                Phase.Meta => StepMeta(),
                Phase.DatasetStart => StepDatasetStart(),
                Phase.Body => StepBody(),
                Phase.TrailingPadding => StepTrailingPadding(),
                _ => Need.Done,
            };
            if (need != Need.Nothing)
            {
                return need;
            }
        }
    }

    private DicomFormatException Truncated(string what) =>
        new(_offset + Available, $"unexpected end of data {what}");

    private void SwitchToDeflate()
    {
        var leftover = _buffer.Data.AsSpan(_pos, Available).ToArray();
        _buffer.Length = _pos;
        _stream = new DeflateStream(new PrefixedStream(leftover, _stream), CompressionMode.Decompress);
        _seekable = false;
        _eof = false;
        _offset = 0;
    }

    private Need StepDatasetStart()
    {
        if (Available < 8 && !_eof)
        {
            return NeedData(8);
        }

        var syntax = TransferSyntax;
        var implicitVR = !syntax.IsExplicitVR;
        if (!implicitVR && !syntax.IsBigEndian && Available >= 8)
        {
            var vr = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Data.AsSpan(_pos + 4));
            if (!DicomVR.IsPlausible(vr))
            {
                implicitVR = true;
                TransferSyntaxMismatch = true;
            }
        }

        var root = new DicomDataset(null, syntax.IsBigEndian && !implicitVR, _buffer, capacity: 64);
        Dataset = root;
        Push(new Frame { Kind = FrameKind.Dataset, Dataset = root, End = -1, Implicit = implicitVR, BigEndian = root.IsBigEndian });
        _phase = Phase.Body;
        return Need.Nothing;
    }

    private Need StartTrailingPadding()
    {
        TrailingPaddingOffset = _offset;
        if (_seekable)
        {
            TrailingPaddingLength = _sourceLength - _offset;
            _buffer.Length = _pos;
            _stream.Position = _origin + _sourceLength;
            _offset = _sourceLength;
            _phase = Phase.Done;
            return Need.Done;
        }

        _phase = Phase.TrailingPadding;
        return Need.Nothing;
    }

    /// <summary>Non-seekable source: read the padding to the end (it has to be consumed anyway) and keep it.</summary>
    private Need StepTrailingPadding()
    {
        if (!_eof)
        {
            return NeedData(Available + ReadChunk);
        }

        TrailingPaddingLength = Available;
        TrailingPaddingBufferOffset = _pos;
        Advance(Available);
        _phase = Phase.Done;
        return Need.Done;
    }

    private void Push(in Frame frame)
    {
        if (_depth >= (2 * _options.MaxSequenceDepth) + 1)
        {
            throw new DicomFormatException(_offset, $"sequences nested deeper than {_options.MaxSequenceDepth} levels");
        }

        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _frames.Length * 2);
        }

        _frames[_depth++] = frame;
    }

    private void Pop() => _frames[--_depth] = default;
}
