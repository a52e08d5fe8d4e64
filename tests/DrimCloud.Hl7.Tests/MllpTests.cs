using System.Text;
using DrimCloud.Hl7.Mllp;

namespace DrimCloud.Hl7.Tests;

public sealed class MllpTests
{
    [Fact]
    public async Task Writes_and_reads_back_several_frames()
    {
        var stream = new MemoryStream();
        var first = Encoding.ASCII.GetBytes("MSH|^~\\&|A\rPID|1");
        var second = new byte[200_000];
        new Random(1).NextBytes(second);
        for (var i = 0; i < second.Length; i++) if (second[i] == MllpFraming.EndBlock) second[i] = 0;
        await MllpWriter.WriteAsync(stream, first, CancellationToken.None);
        stream.WriteByte((byte)'\n'); // whitespace between frames is tolerated
        await MllpWriter.WriteAsync(stream, second, CancellationToken.None);
        stream.Position = 0;
        var reader = new MllpReader(new TrickleStream(stream, 7), 1_000_000);
        Assert.Equal(first, await reader.ReadMessageAsync(CancellationToken.None));
        Assert.Equal(second, await reader.ReadMessageAsync(CancellationToken.None));
        Assert.Null(await reader.ReadMessageAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'M', (byte)'S', (byte)'H' })]           // no start block
    [InlineData(new byte[] { 0x0B, (byte)'M', (byte)'S' })]                // closed mid-frame
    [InlineData(new byte[] { 0x0B, (byte)'M', 0x1C })]                     // closed before the final CR
    [InlineData(new byte[] { 0x0B, (byte)'M', 0x1C, (byte)'X' })]          // wrong trailer
    public async Task Broken_framing_is_a_typed_error(byte[] bytes)
    {
        var reader = new MllpReader(new MemoryStream(bytes), 1000);
        await Assert.ThrowsAsync<MllpFramingException>(async () => await reader.ReadMessageAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_oversized_frame_is_refused_and_its_beginning_kept()
    {
        var bytes = new byte[5000];
        bytes[0] = MllpFraming.StartBlock;
        bytes.AsSpan(1).Fill((byte)'x');
        var reader = new MllpReader(new MemoryStream(bytes), 1000);
        var e = await Assert.ThrowsAsync<MllpFramingException>(async () => await reader.ReadMessageAsync(CancellationToken.None));
        Assert.Equal(1000, e.PartialFrame!.Length);
    }

    /// <summary>Returns at most a few bytes per read, as a slow network would.</summary>
    private sealed class TrickleStream(Stream inner, int chunk) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, chunk));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
