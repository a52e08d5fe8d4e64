namespace DrimCloud.Hl7.Mllp;

public static class MllpWriter
{
    /// <summary>Writes one framed message and flushes.</summary>
    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var frame = new byte[message.Length + 3];
        frame[0] = MllpFraming.StartBlock;
        message.Span.CopyTo(frame.AsSpan(1));
        frame[^2] = MllpFraming.EndBlock;
        frame[^1] = MllpFraming.CarriageReturn;
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
